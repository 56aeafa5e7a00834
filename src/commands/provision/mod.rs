//! `wsadm provision` and `wsadm destroy`: the whole WebSocket chat stack, converged.
//!
//! Provision reads what exists, compares it with what the options ask for, and creates or
//! updates only what differs, in dependency order: session table, API, the HS256 secret in
//! Secrets Manager, the functions' IAM role and policy (naming that secret's ARN), log groups,
//! Lambda functions, integrations, authorizer, invoke permissions, routes and route responses,
//! the stage, and a deployment when the API's routing changed.
//! Every piece is found by its name *and* its `wsadm:stack` tag; a same-named resource without
//! the tag is never adopted (it is an error), so a rerun never duplicates and never takes over
//! someone else's resources. `--dry-run` runs the same comparison and changes nothing.
//!
//! Names, for stack NAME and stage STAGE:
//!
//! | resource | name |
//! |---|---|
//! | API | NAME (tags `wsadm:stack=NAME`, `wsadm:table=NAME-sessions`) |
//! | session table | NAME-sessions |
//! | functions | NAME-connect, NAME-disconnect, NAME-chat, NAME-authorizer (jwt only) |
//! | execution role + inline policy | NAME-wsadm-handlers / wsadm-handlers |
//! | REQUEST authorizer | NAME-jwt |
//! | HS256 secret (Secrets Manager) | wsadm/NAME/jwt-secret |
//! | log groups | /aws/lambda/FUNCTION, /wsadm/NAME/STAGE/access, API-Gateway-Execution-Logs_APIID/STAGE |
//!
//! The deployment carries a fingerprint of the routing (routes, integrations, authorizer,
//! route responses) in its description, so a run that stopped before deploying is finished by
//! the next one even though nothing else differs.

mod account;
mod converge;
mod desired;
mod destroy;
mod diff;
mod lookup;
mod names;
mod report;
mod secret;
mod settings;

pub use destroy::destroy;

use super::Ctx;
use crate::cli::ProvisionCommand;
use account::Account;
use converge::Conv;
use desired::desired;
use report::{summarize, Failure, ProvisionReport};
use wsadm_core::Error;

/// `wsadm provision`.
pub async fn provision(ctx: &Ctx, p: ProvisionCommand) -> Result<ProvisionReport, Error> {
    let stage = ctx.global.stage.clone().ok_or_else(|| {
        Error::invalid(
            "provision needs a stage",
            format!("pass --stage, e.g. wsadm provision --name {} --stage prod", p.name),
        )
    })?;
    let mut warnings = Vec::new();
    let d = desired(&p, &stage, &mut warnings)?;
    let aws = ctx.aws().await?;
    let acct = Account::load(aws).await?;
    let mut conv = Conv::new(aws, &d, acct.clone(), p.dry_run, warnings);
    let mut result = conv.run().await;
    if p.alarms && result.is_ok() {
        result = alarms(aws, &mut conv, &stage, p.alarm_topic.clone(), p.dry_run).await;
    }
    let error = match result {
        Ok(()) => None,
        // Found before the first resource was looked at (bad names, conflicts): a plain error.
        Err(e) if conv.steps.is_empty() => return Err(e),
        Err(e) => Some(Failure::from_error(&e)),
    };
    let summary = summarize(&conv.steps);
    Ok(ProvisionReport {
        stack: d.stack.clone(),
        stage: d.stage.clone(),
        region: acct.region.clone(),
        account: Some(acct.id.clone()),
        dry_run: p.dry_run,
        up_to_date: error.is_none() && summary.create + summary.update + summary.delete == 0,
        summary,
        outputs: conv.outputs(),
        resources: std::mem::take(&mut conv.steps),
        warnings: std::mem::take(&mut conv.warnings),
        error,
    })
}

/// `--alarms`: the stage's recommended alarms (`wsadm alarms apply` with its defaults), one step
/// each. In a dry run of a new API there is nothing to read: every alarm is a create.
async fn alarms(
    aws: &wsadm_core::Aws,
    conv: &mut Conv<'_>,
    stage: &str,
    topic: Option<String>,
    dry_run: bool,
) -> Result<(), Error> {
    use wsadm_core::alarms::{Action as A, Options};
    let opts = Options { topic, ..Options::default() };
    if let Some(t) = &opts.topic {
        super::alarms::check_topic(t)?;
    }
    let items = match conv.outputs().api_id {
        Some(api_id) => super::alarms::converge(aws, &api_id, stage, &opts, dry_run).await?,
        None => wsadm_core::alarms::plan(&wsadm_core::alarms::recommend("NEW", stage, false, &opts), &[]),
    };
    for i in items {
        let action = match i.action {
            A::Create => report::Action::Create,
            A::Update => report::Action::Update,
            A::Unchanged => report::Action::Unchanged,
            A::Delete => report::Action::Delete,
            A::Conflict => report::Action::Skipped,
        };
        let changes = if i.action == A::Update {
            i.changes.into_iter().map(|c| report::Change { field: c.field, from: c.from, to: c.to }).collect()
        } else {
            Vec::new()
        };
        conv.steps.push(report::Step { kind: "alarm", name: i.name, id: None, action, changes });
    }
    Ok(())
}
