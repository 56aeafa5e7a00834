//! What AWS writes about a WebSocket API, written the same way to the local CloudWatch (moto):
//! access logs in the stage's format, execution logs in `API-Gateway-Execution-Logs_{apiId}/{stage}`,
//! Lambda-style invocation lines in `/aws/lambda/{function}`, and AWS/ApiGateway metrics.
//! Log events are batched and flushed within 2 seconds; metrics every `metrics_interval`.

use crate::ids::new_id;
use crate::model::Stage;
use crate::time::{hour_of, lambda_stream_date, now_ms, request_time};
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit, StatisticSet};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// PutLogEvents limits: 10,000 events and 1 MiB (counting 26 bytes of overhead per event).
const MAX_BATCH_EVENTS: usize = 10_000;
const MAX_BATCH_BYTES: usize = 1_048_576;
const FLUSH_EVERY: Duration = Duration::from_millis(1000);

/// One request as access logging sees it. Fields are the `$context` variables.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub api_id: String,
    pub stage: String,
    pub connection_id: String,
    pub connected_at: i64,
    pub event_type: &'static str,
    pub route_key: String,
    pub message_id: Option<String>,
    pub status: u16,
    pub integration_latency_ms: Option<u64>,
    pub integration_status: Option<u16>,
    pub integration_error: Option<String>,
    pub authorizer_status: Option<u16>,
    pub authorizer_error: Option<String>,
    pub authorizer_latency_ms: Option<u64>,
    pub principal_id: Option<String>,
    pub source_ip: String,
    pub user_agent: Option<String>,
    pub request_id: String,
    pub request_time_ms: i64,
    pub domain_name: String,
    pub error_message: Option<String>,
    /// The message body, for data trace.
    pub body: Option<String>,
    /// The Lambda request id of the route's integration, as API Gateway logs it.
    pub integration_request_id: Option<String>,
    /// How a connection closed (DISCONNECT only).
    pub close_code: Option<u16>,
    pub close_reason: Option<String>,
    /// Whether this counted as a client (4xx) or execution (5xx) error.
    pub client_error: bool,
    pub execution_error: bool,
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

impl Record {
    /// The value of one `$context` variable (without the prefix); "-" when unknown, as AWS prints.
    pub fn var(&self, name: &str) -> String {
        match name {
            "connectionId" => self.connection_id.clone(),
            "connectedAt" => self.connected_at.to_string(),
            "eventType" => self.event_type.to_string(),
            "routeKey" => self.route_key.clone(),
            "messageId" => opt(&self.message_id),
            "messageDirection" => "IN".into(),
            "status" => self.status.to_string(),
            "integrationLatency" | "integration.latency" => opt(&self.integration_latency_ms),
            "integration.status" | "integrationStatus" => opt(&self.integration_status),
            "integration.error" | "integrationErrorMessage" => opt(&self.integration_error),
            "authorizer.status" => opt(&self.authorizer_status),
            "authorizer.error" => opt(&self.authorizer_error),
            "authorizer.latency" => opt(&self.authorizer_latency_ms),
            "authorizer.principalId" => opt(&self.principal_id),
            "identity.sourceIp" => self.source_ip.clone(),
            "identity.userAgent" => opt(&self.user_agent),
            "requestId" | "extendedRequestId" => self.request_id.clone(),
            "requestTime" => request_time(self.request_time_ms),
            "requestTimeEpoch" => self.request_time_ms.to_string(),
            "stage" => self.stage.clone(),
            "domainName" => self.domain_name.clone(),
            "apiId" => self.api_id.clone(),
            "error.message" | "error.messageString" => match &self.error_message {
                Some(m) if name == "error.messageString" => format!("\"{m}\""),
                Some(m) => m.clone(),
                None => "-".into(),
            },
            _ => "-".into(),
        }
    }
}

/// Substitutes every `$context.<name>` in an access-log format.
pub fn render(format: &str, r: &Record) -> String {
    let mut out = String::with_capacity(format.len() + 64);
    let mut rest = format;
    while let Some(i) = rest.find("$context.") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "$context.".len()..];
        let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')).unwrap_or(after.len());
        let name = after[..len].trim_end_matches('.');
        out.push_str(&r.var(name));
        rest = &after[name.len()..];
    }
    out.push_str(rest);
    out
}

/// `/aws/lambda/{name}` for a function's name or ARN.
pub fn lambda_group(function: &str) -> String {
    format!("/aws/lambda/{}", function.rsplit(':').next().unwrap_or(function))
}

/// The log group named by an access-log destination ARN (`arn:aws:logs:r:a:log-group:NAME[:*]`).
pub fn log_group_of(arn: &str) -> Option<&str> {
    let name = arn.split_once(":log-group:")?.1;
    Some(name.strip_suffix(":*").unwrap_or(name))
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct MetricKey {
    api_id: String,
    stage: String,
    route: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct Agg {
    connect: f64,
    message: f64,
    integration_error: f64,
    client_error: f64,
    execution_error: f64,
    latency: Vec<f64>,
}

#[derive(Default)]
struct Buffers {
    /// (group, stream) -> events
    logs: BTreeMap<(String, String), Vec<InputLogEvent>>,
    metrics: BTreeMap<MetricKey, Agg>,
}

pub struct Telemetry {
    logs: aws_sdk_cloudwatchlogs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    buffers: Mutex<Buffers>,
    known_streams: Mutex<HashSet<(String, String)>>,
    /// A name for this emulator's log streams.
    instance: String,
}

impl Telemetry {
    pub fn new(sdk: &aws_config::SdkConfig) -> Arc<Self> {
        Arc::new(Telemetry {
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(sdk),
            buffers: Mutex::new(Buffers::default()),
            known_streams: Mutex::new(HashSet::new()),
            instance: new_id(6).replace(['+', '/', '='], "x"),
        })
    }

    /// Starts the flushers: logs every second, metrics every `metrics_interval`.
    pub fn spawn(self: &Arc<Self>, metrics_interval: Duration) {
        let t = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(FLUSH_EVERY).await;
                t.flush_logs().await;
            }
        });
        let t = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(metrics_interval).await;
                t.flush_metrics().await;
            }
        });
    }

    fn push_log(&self, group: &str, stream: &str, ts: i64, message: String) {
        let Ok(ev) = InputLogEvent::builder().timestamp(ts).message(message).build() else { return };
        let mut b = self.buffers.lock().unwrap_or_else(|e| e.into_inner());
        b.logs.entry((group.to_string(), stream.to_string())).or_default().push(ev);
    }

    /// Records one connect, message or disconnect: access log, execution log, metrics.
    pub fn record(&self, stage: Option<&Stage>, r: &Record) {
        let route_settings = stage.map(|s| {
            let route = s.route_settings.get(&r.route_key);
            let level = route
                .and_then(|x| x.logging_level.clone())
                .or_else(|| s.default_route_settings.logging_level.clone())
                .unwrap_or_else(|| "OFF".into());
            let trace = route.and_then(|x| x.data_trace_enabled).or(s.default_route_settings.data_trace_enabled);
            let detailed =
                route.and_then(|x| x.detailed_metrics_enabled).or(s.default_route_settings.detailed_metrics_enabled);
            (level, trace.unwrap_or(false), detailed.unwrap_or(false))
        });
        if let Some(st) = stage {
            if let Some(als) = &st.access_log_settings {
                if let (Some(arn), Some(format)) = (&als.destination_arn, &als.format) {
                    if let Some(group) = log_group_of(arn) {
                        let stream = format!("{}_{}-{}", r.api_id, r.stage, self.instance);
                        self.push_log(group, &stream, r.request_time_ms, render(format, r));
                    }
                }
            }
        }
        let (level, trace, detailed) = route_settings.unwrap_or(("OFF".into(), false, false));
        let failed = r.client_error || r.execution_error || r.integration_error.is_some();
        if level == "INFO" || (level == "ERROR" && failed) {
            let group = format!("API-Gateway-Execution-Logs_{}/{}", r.api_id, r.stage);
            let stream = format!("{}-{}", hour_of(r.request_time_ms), self.instance);
            for line in execution_lines(r, level == "INFO", trace) {
                self.push_log(&group, &stream, r.request_time_ms, line);
            }
        }
        let mut b = self.buffers.lock().unwrap_or_else(|e| e.into_inner());
        let mut keys = vec![MetricKey { api_id: r.api_id.clone(), stage: r.stage.clone(), route: None }];
        if detailed {
            keys.push(MetricKey { api_id: r.api_id.clone(), stage: r.stage.clone(), route: Some(r.route_key.clone()) });
        }
        for k in keys {
            let a = b.metrics.entry(k).or_default();
            match r.event_type {
                "CONNECT" if r.status < 300 => a.connect += 1.0,
                "MESSAGE" => a.message += 1.0,
                _ => {}
            }
            if r.client_error {
                a.client_error += 1.0;
            }
            if r.execution_error {
                a.execution_error += 1.0;
            }
            if r.integration_error.is_some() || r.integration_status.is_some_and(|s| s >= 400) {
                a.integration_error += 1.0;
            }
            if let Some(l) = r.integration_latency_ms {
                a.latency.push(l as f64);
            }
        }
    }

    /// Lambda's own lines for one in-process invocation.
    /// One line of a function's log, in a stream of the caller's (a sandbox's).
    pub fn lambda_line(&self, group: &str, stream: &str, ts: i64, line: String) {
        self.push_log(group, stream, ts, line);
    }

    pub fn lambda_invocation(
        &self,
        function: &str,
        request_id: &str,
        started_ms: i64,
        duration_ms: f64,
        logged: &[&str],
        error: Option<&str>,
    ) {
        let group = lambda_group(function);
        let stream = format!("{}/[$LATEST]{}", lambda_stream_date(started_ms), self.instance);
        self.push_log(&group, &stream, started_ms, format!("START RequestId: {request_id} Version: $LATEST"));
        for line in logged {
            self.push_log(&group, &stream, started_ms, line.to_string());
        }
        if let Some(e) = error {
            self.push_log(
                &group,
                &stream,
                started_ms,
                format!("{{\"errorType\":\"Error\",\"errorMessage\":{}}}", serde_json::json!(e)),
            );
        }
        self.push_log(&group, &stream, started_ms, format!("END RequestId: {request_id}"));
        self.push_log(
            &group,
            &stream,
            started_ms,
            format!(
                "REPORT RequestId: {request_id}\tDuration: {duration_ms:.2} ms\tBilled Duration: {} ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB",
                duration_ms.ceil() as u64
            ),
        );
    }

    async fn ensure_stream(&self, group: &str, stream: &str) -> bool {
        let key = (group.to_string(), stream.to_string());
        if self.known_streams.lock().unwrap_or_else(|e| e.into_inner()).contains(&key) {
            return true;
        }
        // API Gateway creates its execution-log group and Lambda its own; access-log groups must exist.
        if group.starts_with("API-Gateway-Execution-Logs_") || group.starts_with("/aws/lambda/") {
            let _ = self.logs.create_log_group().log_group_name(group).send().await;
        }
        match self.logs.create_log_stream().log_group_name(group).log_stream_name(stream).send().await {
            Ok(_) => {}
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_already_exists_exception()) => {}
            Err(e) => {
                tracing::warn!(
                    "cannot write logs to {group}: {} (create the log group first)",
                    aws_smithy_types::error::display::DisplayErrorContext(&e)
                );
                return false;
            }
        }
        self.known_streams.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
        true
    }

    pub async fn flush_logs(&self) {
        let logs = std::mem::take(&mut self.buffers.lock().unwrap_or_else(|e| e.into_inner()).logs);
        for ((group, stream), mut events) in logs {
            if !self.ensure_stream(&group, &stream).await {
                continue;
            }
            events.sort_by_key(|e| e.timestamp());
            for batch in batches(events) {
                if let Err(e) = self
                    .logs
                    .put_log_events()
                    .log_group_name(&group)
                    .log_stream_name(&stream)
                    .set_log_events(Some(batch))
                    .send()
                    .await
                {
                    tracing::warn!(
                        "PutLogEvents to {group} failed: {}",
                        aws_smithy_types::error::display::DisplayErrorContext(&e)
                    );
                }
            }
        }
    }

    pub async fn flush_metrics(&self) {
        let metrics = std::mem::take(&mut self.buffers.lock().unwrap_or_else(|e| e.into_inner()).metrics);
        if metrics.is_empty() {
            return;
        }
        let now = aws_smithy_types::DateTime::from_millis(now_ms());
        let mut data = Vec::new();
        for (k, a) in metrics {
            let mut dims = vec![
                Dimension::builder().name("ApiId").value(&k.api_id).build(),
                Dimension::builder().name("Stage").value(&k.stage).build(),
            ];
            if let Some(route) = &k.route {
                dims.push(Dimension::builder().name("Route").value(route).build());
            }
            for (name, v) in [
                ("ConnectCount", a.connect),
                ("MessageCount", a.message),
                ("IntegrationError", a.integration_error),
                ("ClientError", a.client_error),
                ("ExecutionError", a.execution_error),
            ] {
                data.push(
                    MetricDatum::builder()
                        .metric_name(name)
                        .set_dimensions(Some(dims.clone()))
                        .timestamp(now)
                        .value(v)
                        .unit(StandardUnit::Count)
                        .build(),
                );
            }
            if !a.latency.is_empty() {
                let stats = StatisticSet::builder()
                    .sample_count(a.latency.len() as f64)
                    .sum(a.latency.iter().sum())
                    .minimum(a.latency.iter().cloned().fold(f64::INFINITY, f64::min))
                    .maximum(a.latency.iter().cloned().fold(0.0, f64::max))
                    .build();
                data.push(
                    MetricDatum::builder()
                        .metric_name("IntegrationLatency")
                        .set_dimensions(Some(dims))
                        .timestamp(now)
                        .statistic_values(stats)
                        .unit(StandardUnit::Milliseconds)
                        .build(),
                );
            }
        }
        for chunk in data.chunks(500) {
            if let Err(e) = self
                .cloudwatch
                .put_metric_data()
                .namespace("AWS/ApiGateway")
                .set_metric_data(Some(chunk.to_vec()))
                .send()
                .await
            {
                tracing::warn!("PutMetricData failed: {}", aws_smithy_types::error::display::DisplayErrorContext(&e));
            }
        }
    }
}

/// Splits events into PutLogEvents batches within the count and size limits.
fn batches(events: Vec<InputLogEvent>) -> Vec<Vec<InputLogEvent>> {
    let mut out = vec![];
    let mut cur = vec![];
    let mut bytes = 0;
    for e in events {
        let size = e.message().len() + 26;
        if !cur.is_empty() && (cur.len() >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES) {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        bytes += size;
        cur.push(e);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Execution-log lines in API Gateway's own shapes (`wsadm logs` parses AWS's and these alike).
fn execution_lines(r: &Record, info: bool, trace: bool) -> Vec<String> {
    let (id, api, cid) = (&r.request_id, &r.api_id, &r.connection_id);
    let failed = r.client_error || r.execution_error || r.integration_error.is_some();
    let mut lines = Vec::new();
    if info {
        lines.push(format!("Extended Request Id: {id}"));
        lines.push(format!("Starting execution for request: {id}"));
        lines.push(format!("WebSocket Request Route: [{}]", r.route_key));
        match r.event_type {
            "CONNECT" => lines.push(format!(
                "Client [UserAgent: {}, SourceIp: {}] is connecting to WebSocket API [{api}].",
                r.user_agent.as_deref().unwrap_or("-"),
                r.source_ip
            )),
            "MESSAGE" => {
                lines.push(format!("WebSocket API [{api}] received message from client [Connection Id: {cid}]."))
            }
            _ => {}
        }
        if let Some(s) = r.authorizer_status {
            lines.push(format!("Authorizer result: {}", if s < 300 { "Allow" } else { "Deny" }));
        }
        if trace {
            if let Some(b) = &r.body {
                lines.push(format!("Method request body before transformations: {b}"));
            }
        }
        if let Some(l) = &r.integration_request_id {
            lines.push(format!("AWS Integration Endpoint RequestId : {l}"));
        }
    }
    if let Some(e) = &r.authorizer_error {
        lines.push(format!("Unauthorized request: {e}"));
    }
    if let Some(e) = r.integration_error.as_ref().or(r.error_message.as_ref().filter(|_| failed)) {
        lines.push(format!("Execution failed: {e}"));
    }
    if info || failed {
        let integration = r.integration_status.map(|s| format!(" with integration response status code [{s}]"));
        match r.event_type {
            "CONNECT" if !failed => {
                lines.push(format!("Client [Connection Id: {cid}] connected to API [{api}] successfully."))
            }
            "MESSAGE" => lines.push(format!(
                "Message from client [Connection Id: {cid}] sent to API [{api}] with response status code [{}].",
                r.status
            )),
            "DISCONNECT" => lines.push(format!(
                "Client [Connection Id: {cid}] disconnected from API [{api}]{}. Close reason: [{}: {}]",
                integration.unwrap_or_default(),
                r.close_code.unwrap_or(1005),
                r.close_reason.as_deref().unwrap_or("")
            )),
            _ => lines.push(format!("Method completed with status: {}", r.status)),
        }
    }
    lines.into_iter().map(|l| format!("({id}) {l}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_context_variables() {
        let r = Record {
            api_id: "abc".into(),
            stage: "prod".into(),
            connection_id: "Xy=".into(),
            event_type: "MESSAGE",
            route_key: "send".into(),
            status: 200,
            integration_latency_ms: Some(12),
            request_id: "req1".into(),
            source_ip: "127.0.0.1".into(),
            ..Default::default()
        };
        let f = r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status","integrationLatency":"$context.integrationLatency","authError":"$context.authorizer.error","ip":"$context.identity.sourceIp","x":"$context.nope."}"#;
        let v: serde_json::Value = serde_json::from_str(&render(f, &r)).unwrap();
        assert_eq!(v["requestId"], "req1");
        assert_eq!(v["routeKey"], "send");
        assert_eq!(v["integrationLatency"], "12");
        assert_eq!(v["authError"], "-");
        assert_eq!(v["x"], "-.");
        assert_eq!(render("$context.stage $context.apiId", &r), "prod abc");
    }

    #[test]
    fn execution_lines_take_api_gateways_shapes() {
        let base = Record {
            api_id: "abc123".into(),
            connection_id: "XfGLwFTktjMFsLg=".into(),
            request_id: "Rq1=".into(),
            source_ip: "10.1.2.3".into(),
            user_agent: Some("ua/1".into()),
            status: 200,
            ..Default::default()
        };
        let connect = Record {
            event_type: "CONNECT",
            route_key: "$connect".into(),
            integration_status: Some(200),
            integration_request_id: Some("lambda-1".into()),
            ..base.clone()
        };
        assert_eq!(
            execution_lines(&connect, true, false),
            [
                "(Rq1=) Extended Request Id: Rq1=",
                "(Rq1=) Starting execution for request: Rq1=",
                "(Rq1=) WebSocket Request Route: [$connect]",
                "(Rq1=) Client [UserAgent: ua/1, SourceIp: 10.1.2.3] is connecting to WebSocket API [abc123].",
                "(Rq1=) AWS Integration Endpoint RequestId : lambda-1",
                "(Rq1=) Client [Connection Id: XfGLwFTktjMFsLg=] connected to API [abc123] successfully.",
            ]
        );
        let send = Record {
            event_type: "MESSAGE",
            route_key: "send".into(),
            status: 500,
            execution_error: true,
            integration_error: Some("boom".into()),
            ..base.clone()
        };
        // ERROR level: only the failure, still with the connection and status.
        assert_eq!(
            execution_lines(&send, false, false),
            [
                "(Rq1=) Execution failed: boom",
                "(Rq1=) Message from client [Connection Id: XfGLwFTktjMFsLg=] sent to API [abc123] with response status code [500].",
            ]
        );
        let bye = Record {
            event_type: "DISCONNECT",
            route_key: "$disconnect".into(),
            close_code: Some(1001),
            close_reason: Some("Going away".into()),
            ..base.clone()
        };
        assert_eq!(
            execution_lines(&bye, true, false).last().unwrap(),
            "(Rq1=) Client [Connection Id: XfGLwFTktjMFsLg=] disconnected from API [abc123]. Close reason: [1001: Going away]"
        );
        // A successful request at ERROR level writes nothing.
        assert!(execution_lines(&connect, false, false).is_empty());
    }

    #[test]
    fn groups_and_batches() {
        assert_eq!(log_group_of("arn:aws:logs:us-east-1:1:log-group:/wsadm/chat:*"), Some("/wsadm/chat"));
        assert_eq!(log_group_of("arn:aws:logs:us-east-1:1:log-group:g"), Some("g"));
        let ev = |n: usize| InputLogEvent::builder().timestamp(1).message("x".repeat(n)).build().unwrap();
        assert_eq!(
            batches((0..25_000).map(|_| ev(1)).collect()).iter().map(Vec::len).collect::<Vec<_>>(),
            vec![10_000, 10_000, 5_000]
        );
        assert_eq!(batches((0..3).map(|_| ev(600_000)).collect()).len(), 3, "1 MiB per batch");
    }
}
