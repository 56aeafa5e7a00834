//! `wsadm/ConnectedSessions`: the session table's count as a custom metric, so an alarm can
//! watch it (API Gateway publishes no concurrent-connection metric). `wsadm metrics --publish`
//! puts one datapoint per run (or per refresh with `--watch`).

use crate::{AwsResultExt, Error};
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};

pub const NAMESPACE: &str = "wsadm";
pub const CONNECTED_SESSIONS: &str = "ConnectedSessions";

/// The dimensions of the custom metric (the same names as API Gateway's).
pub fn dimensions(api_id: &str, stage: &str) -> Vec<Dimension> {
    vec![
        Dimension::builder().name("ApiId").value(api_id).build(),
        Dimension::builder().name("Stage").value(stage).build(),
    ]
}

pub async fn connected_sessions(
    cw: &aws_sdk_cloudwatch::Client,
    api_id: &str,
    stage: &str,
    count: u64,
    at_ms: i64,
) -> Result<(), Error> {
    let datum = MetricDatum::builder()
        .metric_name(CONNECTED_SESSIONS)
        .set_dimensions(Some(dimensions(api_id, stage)))
        .timestamp(aws_smithy_types::DateTime::from_millis(at_ms))
        .value(count as f64)
        .unit(StandardUnit::Count)
        .build();
    cw.put_metric_data().namespace(NAMESPACE).metric_data(datum).send().await.ctx("PutMetricData")?;
    Ok(())
}
