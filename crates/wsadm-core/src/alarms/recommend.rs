//! The recommended alarms of a WebSocket stage, as data: what each watches, its threshold,
//! period and datapoints to alarm. Error shares use metric math (CloudWatch evaluates it; moto
//! stores such alarms too, it only does not evaluate them).

use crate::metrics::publish::{CONNECTED_SESSIONS, NAMESPACE as WSADM_NAMESPACE};
use crate::metrics::NAMESPACE;
use serde::Serialize;

/// API Gateway cuts an integration after 29 seconds.
pub const INTEGRATION_TIMEOUT_MS: f64 = 29_000.0;
/// The sessions alarm fires at this share of --max-sessions.
pub const SESSIONS_SHARE: f64 = 0.8;

#[derive(Debug, Clone)]
pub struct Options {
    pub topic: Option<String>,
    pub error_share_pct: f64,
    pub execution_errors: f64,
    pub connect_client_errors: f64,
    pub latency_ms: f64,
    pub max_sessions: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            topic: None,
            error_share_pct: 5.0,
            execution_errors: 5.0,
            connect_client_errors: 50.0,
            latency_ms: 25_000.0,
            max_sessions: None,
        }
    }
}

/// One metric with a statistic and period (a `MetricStat`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRef {
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, String)>,
    /// `Sum`, `Maximum`, … or a percentile (`p99`).
    pub stat: String,
    pub period: i32,
}

impl MetricRef {
    /// `AWS/ApiGateway IntegrationError Sum 300s ApiId=a,Stage=prod`, the same for CloudWatch's
    /// copy and ours (dimensions sorted).
    pub fn describe(&self) -> String {
        let mut d = self.dimensions.clone();
        d.sort();
        let dims: Vec<String> = d.iter().map(|(n, v)| format!("{n}={v}")).collect();
        format!("{} {} {} {}s {}", self.namespace, self.metric, self.stat, self.period, dims.join(","))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Watched {
    Metric(MetricRef),
    /// A metric-math expression over named metrics.
    Math {
        expression: String,
        label: String,
        inputs: Vec<(String, MetricRef)>,
    },
}

impl Watched {
    pub fn describe(&self) -> String {
        match self {
            Watched::Metric(m) => m.describe(),
            Watched::Math { expression, inputs, .. } => {
                let mut ins: Vec<String> = inputs.iter().map(|(id, m)| format!("{id}: {}", m.describe())).collect();
                ins.sort();
                format!("{expression} with {}", ins.join("; "))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmSpec {
    pub name: String,
    pub key: &'static str,
    pub description: String,
    pub watched: Watched,
    pub comparison: String,
    pub threshold: f64,
    pub evaluation_periods: i32,
    pub datapoints_to_alarm: i32,
    pub treat_missing_data: String,
    /// SNS topics notified on ALARM and on OK.
    pub actions: Vec<String>,
}

fn stage_dims(api_id: &str, stage: &str) -> Vec<(String, String)> {
    vec![("ApiId".into(), api_id.into()), ("Stage".into(), stage.into())]
}

fn apigw(metric: &str, dims: Vec<(String, String)>, stat: &str, period: i32) -> MetricRef {
    MetricRef { namespace: NAMESPACE.into(), metric: metric.into(), dimensions: dims, stat: stat.into(), period }
}

/// The alarms for stage `stage` of API `api_id`. `connect_route_metrics`: `$connect` has
/// detailed (per-route) metrics, so its own ClientError can be watched.
pub fn recommend(api_id: &str, stage: &str, connect_route_metrics: bool, o: &Options) -> Vec<AlarmSpec> {
    let name = |key: &str| format!("{}{key}", super::prefix(api_id, stage));
    let actions: Vec<String> = o.topic.iter().cloned().collect();
    let dims = stage_dims(api_id, stage);
    let spec =
        |key: &'static str, description: String, watched: Watched, threshold: f64, eval: i32, dta: i32| AlarmSpec {
            name: name(key),
            key,
            description,
            watched,
            comparison: "GreaterThanThreshold".into(),
            threshold,
            evaluation_periods: eval,
            datapoints_to_alarm: dta,
            treat_missing_data: "notBreaching".into(),
            actions: actions.clone(),
        };
    let mut out = vec![
        spec(
            "integration-error-share",
            format!("wsadm: integration errors over {}% of messages on {api_id}/{stage}", o.error_share_pct),
            Watched::Math {
                expression: "100 * errors / messages".into(),
                label: "integration errors, % of messages".into(),
                inputs: vec![
                    ("errors".into(), apigw("IntegrationError", dims.clone(), "Sum", 300)),
                    ("messages".into(), apigw("MessageCount", dims.clone(), "Sum", 300)),
                ],
            },
            o.error_share_pct,
            3,
            2,
        ),
        spec(
            "execution-errors",
            format!("wsadm: over {} execution errors in 5 minutes on {api_id}/{stage}", o.execution_errors),
            Watched::Metric(apigw("ExecutionError", dims.clone(), "Sum", 300)),
            o.execution_errors,
            3,
            2,
        ),
    ];
    let (connect_dims, what) = if connect_route_metrics {
        let mut d = dims.clone();
        d.push(("Route".into(), "$connect".into()));
        (d, "on $connect")
    } else {
        (dims.clone(), "on the stage (no per-route metrics on $connect)")
    };
    out.push(spec(
        "connect-client-errors",
        format!(
            "wsadm: over {} client errors in 5 minutes {what} on {api_id}/{stage}: authorizer rejections rising",
            o.connect_client_errors
        ),
        Watched::Metric(apigw("ClientError", connect_dims, "Sum", 300)),
        o.connect_client_errors,
        3,
        3,
    ));
    out.push(spec(
        "integration-latency-p99",
        format!(
            "wsadm: p99 integration latency over {} ms on {api_id}/{stage} (the integration timeout is {} ms)",
            o.latency_ms, INTEGRATION_TIMEOUT_MS
        ),
        Watched::Metric(apigw("IntegrationLatency", dims.clone(), "p99", 60)),
        o.latency_ms,
        5,
        3,
    ));
    if let Some(max) = o.max_sessions {
        let mut s = spec(
            "sessions",
            format!(
                "wsadm: over {:.0}% of {max} sessions on {api_id}/{stage} (wsadm/ConnectedSessions, published by `wsadm metrics --publish`)",
                SESSIONS_SHARE * 100.0
            ),
            Watched::Metric(MetricRef {
                namespace: WSADM_NAMESPACE.into(),
                metric: CONNECTED_SESSIONS.into(),
                dimensions: dims.clone(),
                stat: "Maximum".into(),
                period: 300,
            }),
            (max as f64 * SESSIONS_SHARE).floor(),
            1,
            1,
        );
        s.treat_missing_data = "missing".into();
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_and_its_options() {
        let o = Options { topic: Some("arn:aws:sns:us-east-1:1:t".into()), ..Options::default() };
        let set = recommend("a1", "prod", false, &o);
        let keys: Vec<&str> = set.iter().map(|a| a.key).collect();
        assert_eq!(
            keys,
            ["integration-error-share", "execution-errors", "connect-client-errors", "integration-latency-p99"]
        );
        assert!(set.iter().all(|a| a.name.starts_with("wsadm/a1/prod/") && a.actions == ["arn:aws:sns:us-east-1:1:t"]));
        assert!(set[3].threshold < INTEGRATION_TIMEOUT_MS);
        assert!(set[2].watched.describe().ends_with("ApiId=a1,Stage=prod"), "{}", set[2].watched.describe());
        let with_routes = recommend("a1", "prod", true, &Options { max_sessions: Some(1000), ..Options::default() });
        assert!(with_routes[2].watched.describe().contains("Route=$connect"));
        let s = with_routes.iter().find(|a| a.key == "sessions").unwrap();
        assert_eq!((s.threshold, s.treat_missing_data.as_str()), (800.0, "missing"));
        assert!(s.watched.describe().starts_with("wsadm ConnectedSessions Maximum 300s"));
    }
}
