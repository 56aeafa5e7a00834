//! What Lambda writes to `/aws/lambda/{function}` for a sandbox: the process's own lines, and
//! START/END/REPORT (Init Duration on a cold start), `Task timed out after N seconds`, and the
//! INIT_REPORT of a failed init, in one stream per sandbox (`YYYY/MM/DD/[$LATEST]{id}`).

use super::sandbox::Outcome;
use crate::telemetry::Telemetry;
use crate::time::{iso8601_ms, lambda_stream_date, now_ms};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct LambdaLog {
    telemetry: Arc<Telemetry>,
    pub group: String,
    pub stream: String,
}

impl LambdaLog {
    pub fn new(telemetry: Arc<Telemetry>, function: &str, sandbox_id: &str) -> Self {
        let group = crate::telemetry::lambda_group(function);
        let stream = format!("{}/[$LATEST]{sandbox_id}", lambda_stream_date(now_ms()));
        LambdaLog { telemetry, group, stream }
    }

    pub fn line(&self, ts: i64, line: String) {
        self.telemetry.lambda_line(&self.group, &self.stream, ts, line);
    }

    pub fn start(&self, ts: i64, request_id: &str) {
        self.line(ts, format!("START RequestId: {request_id} Version: $LATEST"));
    }

    /// A failed init: INIT_REPORT, then the invocation that could not run.
    pub fn init_failed(&self, ts: i64, request_id: &str, init_ms: f64, kind: &str, message: &str, memory_mb: i32) {
        let now = now_ms();
        self.line(
            now,
            format!("INIT_REPORT Init Duration: {init_ms:.2} ms\tPhase: init\tStatus: error\tError Type: {kind}"),
        );
        self.start(now, request_id);
        self.line(now, error_line(request_id, kind, message));
        self.line(now, format!("END RequestId: {request_id}"));
        self.line(
            now,
            format!(
                "REPORT RequestId: {request_id}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: 0 MB\tStatus: error\tError Type: {kind}",
                (now - ts) as f64,
                (now - ts).max(1)
            ),
        );
    }

    /// END and REPORT, after the lines the outcome calls for.
    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        &self,
        ts: i64,
        request_id: &str,
        ms: f64,
        init_ms: Option<f64>,
        (memory_mb, used_mb): (i32, u64),
        outcome: &Outcome,
        timeout: Duration,
    ) {
        let now = now_ms().max(ts);
        let status = match outcome {
            Outcome::TimedOut => {
                self.line(
                    now,
                    format!(
                        "{} {request_id} Task timed out after {:.2} seconds",
                        iso8601_ms(now),
                        timeout.as_secs_f64()
                    ),
                );
                Some(("timeout", None))
            }
            Outcome::Exited(s) => {
                let message = format!("Runtime exited with error: {s}");
                self.line(now, error_line(request_id, "Runtime.ExitError", &message));
                Some(("error", Some("Runtime.ExitError")))
            }
            _ => None,
        };
        self.line(now, format!("END RequestId: {request_id}"));
        let mut report = format!(
            "REPORT RequestId: {request_id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: {used_mb} MB",
            ms.ceil().max(1.0) as u64
        );
        if let Some(init) = init_ms {
            report.push_str(&format!("\tInit Duration: {init:.2} ms"));
        }
        if let Some((s, kind)) = status {
            report.push_str(&format!("\tStatus: {s}"));
            if let Some(k) = kind {
                report.push_str(&format!("\tError Type: {k}"));
            }
        }
        self.line(now, report);
    }
}

/// The error Lambda logs for a runtime failure, as JSON.
fn error_line(request_id: &str, kind: &str, message: &str) -> String {
    serde_json::json!({ "errorType": kind, "errorMessage": format!("RequestId: {request_id} Error: {message}") })
        .to_string()
}
