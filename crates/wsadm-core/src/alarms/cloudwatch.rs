//! The alarms in CloudWatch: read (DescribeAlarms by name prefix, their tags), written
//! (PutMetricAlarm creates or replaces; tags on every write) and deleted.

use super::plan::Current;
use super::recommend::{AlarmSpec, MetricRef, Watched};
use super::TAG;
use crate::{AwsResultExt, Error};
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat, StateValue, Tag,
};
use std::collections::BTreeMap;

/// DeleteAlarms takes at most 100 names.
const DELETE_BATCH: usize = 100;
const EXTENDED: [&str; 1] = ["p"];

fn dims(v: &[Dimension]) -> Vec<(String, String)> {
    v.iter().map(|d| (d.name().unwrap_or_default().to_string(), d.value().unwrap_or_default().to_string())).collect()
}

fn metric_ref(s: &MetricStat) -> MetricRef {
    let m = s.metric();
    MetricRef {
        namespace: m.and_then(|m| m.namespace()).unwrap_or_default().to_string(),
        metric: m.and_then(|m| m.metric_name()).unwrap_or_default().to_string(),
        dimensions: m.map(|m| dims(m.dimensions())).unwrap_or_default(),
        stat: s.stat().unwrap_or_default().to_string(),
        period: s.period().unwrap_or_default(),
    }
}

/// What an alarm watches, read back from CloudWatch.
fn watched(a: &MetricAlarm) -> Watched {
    if !a.metrics().is_empty() {
        let expr = a.metrics().iter().find(|q| q.expression().is_some());
        return Watched::Math {
            expression: expr.and_then(|q| q.expression()).unwrap_or_default().to_string(),
            label: expr.and_then(|q| q.label()).unwrap_or_default().to_string(),
            inputs: a
                .metrics()
                .iter()
                .filter_map(|q| Some((q.id()?.to_string(), metric_ref(q.metric_stat()?))))
                .collect(),
        };
    }
    Watched::Metric(MetricRef {
        namespace: a.namespace().unwrap_or_default().to_string(),
        metric: a.metric_name().unwrap_or_default().to_string(),
        dimensions: dims(a.dimensions()),
        stat: a
            .extended_statistic()
            .map(String::from)
            .or_else(|| a.statistic().map(|s| s.as_str().to_string()))
            .unwrap_or_default(),
        period: a.period().unwrap_or_default(),
    })
}

fn list(v: &[String]) -> String {
    let mut v = v.to_vec();
    v.sort();
    v.join(",")
}

fn current(a: &MetricAlarm, tagged: bool) -> Current {
    let fields = BTreeMap::from([
        ("description", a.alarm_description().unwrap_or_default().to_string()),
        ("metric", watched(a).describe()),
        ("comparison", a.comparison_operator().map(|c| c.as_str().to_string()).unwrap_or_default()),
        ("threshold", a.threshold().map(|t| t.to_string()).unwrap_or_default()),
        ("evaluation_periods", a.evaluation_periods().map(|t| t.to_string()).unwrap_or_default()),
        ("datapoints_to_alarm", a.datapoints_to_alarm().map(|t| t.to_string()).unwrap_or_default()),
        ("treat_missing_data", a.treat_missing_data().unwrap_or("missing").to_string()),
        ("alarm_actions", list(a.alarm_actions())),
        ("ok_actions", list(a.ok_actions())),
    ]);
    Current {
        name: a.alarm_name().unwrap_or_default().to_string(),
        arn: a.alarm_arn().map(String::from),
        tagged,
        state: a.state_value().map(|s: &StateValue| s.as_str().to_string()),
        fields,
    }
}

/// The metric alarms whose names start with `prefix`, and whether each carries `TAG=tag_value`.
pub async fn read(cw: &aws_sdk_cloudwatch::Client, prefix: &str, tag_value: &str) -> Result<Vec<Current>, Error> {
    let mut alarms = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let o =
            cw.describe_alarms().alarm_name_prefix(prefix).set_next_token(token).send().await.ctx("DescribeAlarms")?;
        alarms.extend(o.metric_alarms().iter().cloned());
        token = o.next_token().filter(|t| !t.is_empty()).map(String::from);
        if token.is_none() {
            break;
        }
    }
    let mut out = Vec::new();
    for a in alarms.iter().filter(|a| a.alarm_name().is_some_and(|n| n.starts_with(prefix))) {
        let tagged = match a.alarm_arn() {
            Some(arn) => {
                let t = cw.list_tags_for_resource().resource_arn(arn).send().await.ctx("ListTagsForResource")?;
                t.tags().iter().any(|t| t.key() == Some(TAG) && t.value() == Some(tag_value))
            }
            None => false,
        };
        out.push(current(a, tagged));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn stat(m: &MetricRef) -> MetricStat {
    let metric = Metric::builder()
        .namespace(&m.namespace)
        .metric_name(&m.metric)
        .set_dimensions(Some(m.dimensions.iter().map(|(n, v)| Dimension::builder().name(n).value(v).build()).collect()))
        .build();
    MetricStat::builder().metric(metric).period(m.period).stat(&m.stat).build()
}

/// Creates or replaces the alarm (PutMetricAlarm), tagged `TAG=tag_value`.
pub async fn put(cw: &aws_sdk_cloudwatch::Client, a: &AlarmSpec, tag_value: &str) -> Result<(), Error> {
    let tag = Tag::builder().key(TAG).value(tag_value).build();
    let mut req = cw
        .put_metric_alarm()
        .alarm_name(&a.name)
        .alarm_description(&a.description)
        .comparison_operator(ComparisonOperator::from(a.comparison.as_str()))
        .threshold(a.threshold)
        .evaluation_periods(a.evaluation_periods)
        .datapoints_to_alarm(a.datapoints_to_alarm)
        .treat_missing_data(&a.treat_missing_data)
        .actions_enabled(true)
        .set_alarm_actions(Some(a.actions.clone()))
        .set_ok_actions(Some(a.actions.clone()))
        .tags(tag.clone());
    match &a.watched {
        Watched::Metric(m) => {
            let s = stat(m);
            req = req
                .namespace(&m.namespace)
                .metric_name(&m.metric)
                .set_dimensions(s.metric().map(|x| x.dimensions().to_vec()))
                .period(m.period);
            req = if EXTENDED.iter().any(|p| m.stat.starts_with(p)) {
                req.extended_statistic(&m.stat)
            } else {
                req.statistic(m.stat.as_str().into())
            };
        }
        Watched::Math { expression, label, inputs } => {
            req = req.metrics(
                MetricDataQuery::builder().id("share").expression(expression).label(label).return_data(true).build(),
            );
            for (id, m) in inputs {
                req = req.metrics(MetricDataQuery::builder().id(id).metric_stat(stat(m)).return_data(false).build());
            }
        }
    }
    req.send().await.ctx("PutMetricAlarm")?;
    // PutMetricAlarm sets tags only when it creates: tag an updated alarm as well.
    if let Some(arn) = cw
        .describe_alarms()
        .alarm_names(&a.name)
        .send()
        .await
        .ctx("DescribeAlarms")?
        .metric_alarms()
        .first()
        .and_then(|x| x.alarm_arn().map(String::from))
    {
        cw.tag_resource().resource_arn(arn).tags(tag).send().await.ctx("TagResource")?;
    }
    Ok(())
}

pub async fn delete(cw: &aws_sdk_cloudwatch::Client, names: &[String]) -> Result<(), Error> {
    for batch in names.chunks(DELETE_BATCH) {
        cw.delete_alarms().set_alarm_names(Some(batch.to_vec())).send().await.ctx("DeleteAlarms")?;
    }
    Ok(())
}
