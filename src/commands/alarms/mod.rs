//! `wsadm alarms ls|plan|apply|delete`: the recommended CloudWatch alarms of a stage
//! (`wsadm_core::alarms`), planned like provision's dry run, applied idempotently, deleted only
//! where wsadm's tag says it made them. `provision --alarms` calls [`converge`].

pub mod report;

use super::Ctx;
use crate::args::alarms::{AlarmsArgs, AlarmsCommand};
use report::{AlarmRow, AlarmsReport};
use wsadm_core::alarms::{self, cloudwatch, Action, Options, PlanItem};
use wsadm_core::{Aws, AwsResultExt, Error};

pub async fn run(ctx: &Ctx, c: AlarmsCommand) -> Result<AlarmsReport, Error> {
    let target = ctx.target().await?;
    let aws = ctx.aws().await?;
    let (api, stage) = (target.api_id.as_str(), target.stage.as_str());
    match c {
        AlarmsCommand::Ls => {
            let current =
                cloudwatch::read(&aws.cloudwatch(), &alarms::prefix(api, stage), &alarms::tag_value(api, stage))
                    .await?;
            let rows = current.iter().map(AlarmRow::listed).collect();
            Ok(AlarmsReport::new("ls", api, stage, false, rows))
        }
        AlarmsCommand::Plan(a) => {
            let items = converge(aws, api, stage, &options(&a)?, true).await?;
            Ok(AlarmsReport::new("plan", api, stage, true, items.iter().map(AlarmRow::planned).collect()))
        }
        AlarmsCommand::Apply(a) => {
            let items = converge(aws, api, stage, &options(&a)?, false).await?;
            Ok(AlarmsReport::new("apply", api, stage, false, items.iter().map(AlarmRow::planned).collect()))
        }
        AlarmsCommand::Delete { dry_run } => {
            let cw = aws.cloudwatch();
            let current = cloudwatch::read(&cw, &alarms::prefix(api, stage), &alarms::tag_value(api, stage)).await?;
            let mine: Vec<String> = current.iter().filter(|c| c.tagged).map(|c| c.name.clone()).collect();
            if !dry_run {
                cloudwatch::delete(&cw, &mine).await?;
            }
            let rows = current
                .iter()
                .map(|c| {
                    let mut r = AlarmRow::listed(c);
                    r.action = Some(if c.tagged { Action::Delete } else { Action::Conflict });
                    r
                })
                .collect();
            Ok(AlarmsReport::new("delete", api, stage, dry_run, rows))
        }
    }
}

/// The flags as the engine's options, checked.
pub fn options(a: &AlarmsArgs) -> Result<Options, Error> {
    for (flag, v) in [
        ("--error-share", a.error_share),
        ("--execution-errors", a.execution_errors),
        ("--connect-client-errors", a.connect_client_errors),
        ("--latency-ms", a.latency_ms),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::invalid(format!("{flag} {v} is not a threshold"), "give a number, 0 or more"));
        }
    }
    if a.error_share > 100.0 {
        return Err(Error::invalid("--error-share is a percentage", "give 0 to 100, e.g. --error-share 5"));
    }
    if let Some(t) = &a.topic {
        check_topic(t)?;
    }
    if a.max_sessions == Some(0) {
        return Err(Error::invalid("--max-sessions 0 would alarm always", "give the session limit, e.g. 10000"));
    }
    Ok(Options {
        topic: a.topic.clone(),
        error_share_pct: a.error_share,
        execution_errors: a.execution_errors,
        connect_client_errors: a.connect_client_errors,
        latency_ms: a.latency_ms,
        max_sessions: a.max_sessions,
    })
}

/// An SNS topic ARN, roughly: `arn:PARTITION:sns:REGION:ACCOUNT:NAME`.
pub fn check_topic(t: &str) -> Result<(), Error> {
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[5].is_empty() {
        return Err(Error::invalid(
            format!("`{t}` is not an SNS topic ARN"),
            "e.g. arn:aws:sns:eu-west-1:123456789012:oncall",
        ));
    }
    Ok(())
}

/// Whether `$connect` has per-route (detailed) metrics, from the stage's settings.
async fn connect_route_metrics(aws: &Aws, api_id: &str, stage: &str) -> Result<bool, Error> {
    let s = aws.apigw().get_stage().api_id(api_id).stage_name(stage).send().await.ctx("GetStage")?;
    let default = s.default_route_settings().and_then(|r| r.detailed_metrics_enabled()).unwrap_or(false);
    let route = s.route_settings().and_then(|m| m.get("$connect")).and_then(|r| r.detailed_metrics_enabled());
    Ok(route.unwrap_or(default))
}

/// Plans the stage's alarms and, unless `dry_run`, carries the plan out. An alarm with one of
/// the names but without wsadm's tag stops it before anything changes.
pub async fn converge(
    aws: &Aws,
    api_id: &str,
    stage: &str,
    opts: &Options,
    dry_run: bool,
) -> Result<Vec<PlanItem>, Error> {
    let cw = aws.cloudwatch();
    let tag = alarms::tag_value(api_id, stage);
    let desired = alarms::recommend(api_id, stage, connect_route_metrics(aws, api_id, stage).await?, opts);
    let current = cloudwatch::read(&cw, &alarms::prefix(api_id, stage), &tag).await?;
    let items = alarms::plan(&desired, &current);
    if dry_run {
        return Ok(items);
    }
    let conflicts: Vec<&str> = items.iter().filter(|i| i.action == Action::Conflict).map(|i| i.name.as_str()).collect();
    if !conflicts.is_empty() {
        return Err(Error::invalid(
            format!("alarm(s) {} exist without the tag {}={tag}: not wsadm's", conflicts.join(", "), alarms::TAG),
            "delete or rename them, or tag them if wsadm made them (`aws cloudwatch tag-resource`)",
        ));
    }
    for i in &items {
        match (i.action, &i.spec) {
            (Action::Create | Action::Update, Some(spec)) => cloudwatch::put(&cw, spec, &tag).await?,
            (Action::Delete, _) => cloudwatch::delete(&cw, std::slice::from_ref(&i.name)).await?,
            _ => {}
        }
    }
    Ok(items)
}
