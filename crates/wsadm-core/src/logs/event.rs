//! One parsed log event, the same shape whichever group it came from, and the per-group parser.

use super::access::AccessFormat;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Which kind of log group an event came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The stage's access log (its own format).
    Access,
    /// `API-Gateway-Execution-Logs_{apiId}/{stage}`.
    Execution,
    /// A Lambda function's group (an integration or the authorizer).
    Lambda { function: String },
}

impl Source {
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Access => "access",
            Source::Execution => "execution",
            Source::Lambda { .. } => "lambda",
        }
    }

    pub fn function(&self) -> Option<&str> {
        match self {
            Source::Lambda { function } => Some(function),
            _ => None,
        }
    }
}

/// Flattened into [`LogEvent`] as `"source": "lambda", "function": "chat"` (function null otherwise),
/// so every event has the same keys.
impl Serialize for Source {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Source", 2)?;
        st.serialize_field("source", self.as_str())?;
        st.serialize_field("function", &self.function())?;
        st.end()
    }
}

/// A short tag for what a line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Connect,
    Message,
    Disconnect,
    /// An authorizer decision (a rejection with its reason).
    Authorizer,
    /// `AWS Integration Endpoint RequestId : …`: links the request to a Lambda request id.
    Integration,
    LambdaStart,
    LambdaEnd,
    LambdaReport,
    /// A line the handler logged (JSON).
    Handler,
    /// A Lambda runtime error (`errorType`/`errorMessage`, a traceback, a timeout).
    LambdaError,
    /// `Connection API request …` (@connections calls made by the integration).
    ConnectionApi,
    ExecutionFailed,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Connect => "connect",
            Kind::Message => "message",
            Kind::Disconnect => "disconnect",
            Kind::Authorizer => "authorizer",
            Kind::Integration => "integration",
            Kind::LambdaStart => "lambda_start",
            Kind::LambdaEnd => "lambda_end",
            Kind::LambdaReport => "lambda_report",
            Kind::Handler => "handler",
            Kind::LambdaError => "lambda_error",
            Kind::ConnectionApi => "connection_api",
            Kind::ExecutionFailed => "execution_failed",
            Kind::Other => "other",
        }
    }

    /// The kind for an access-log `$context.eventType`.
    pub fn of_event_type(t: &str) -> Kind {
        match t {
            "CONNECT" => Kind::Connect,
            "MESSAGE" => Kind::Message,
            "DISCONNECT" => Kind::Disconnect,
            _ => Kind::Other,
        }
    }
}

/// The numbers of a Lambda `REPORT` line (or a JSON `platform.report`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LambdaReport {
    pub duration_ms: Option<f64>,
    pub billed_ms: Option<f64>,
    pub memory_mb: Option<u64>,
    pub max_memory_mb: Option<u64>,
    pub init_ms: Option<f64>,
    /// `error`, `timeout`, … when the runtime says so (absent on success).
    pub status: Option<String>,
    pub error_type: Option<String>,
}

/// One log event: where it came from, the raw line, and what could be read from it.
/// Every field is always serialized (null when unknown): a stable schema for `--output json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEvent {
    #[serde(flatten)]
    pub source: Source,
    pub group: String,
    pub stream: String,
    pub event_id: String,
    pub timestamp_ms: i64,
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    pub kind: Kind,
    /// The line as logged.
    pub message: String,
    /// The human message inside a structured line (a handler's JSON `message`).
    pub text: Option<String>,
    /// API Gateway's request id.
    pub request_id: Option<String>,
    /// The Lambda invocation's request id.
    pub lambda_request_id: Option<String>,
    pub connection_id: Option<String>,
    pub route: Option<String>,
    /// `CONNECT`, `MESSAGE` or `DISCONNECT`.
    pub event_type: Option<String>,
    pub status: Option<u16>,
    pub integration_status: Option<u16>,
    /// Integration latency (API Gateway) or duration (Lambda), in milliseconds.
    pub latency_ms: Option<f64>,
    pub error: Option<String>,
    /// The handler's log level (`INFO`, `WARN`, `ERROR`).
    pub level: Option<String>,
    pub user: Option<String>,
    pub close_code: Option<u16>,
    pub close_reason: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub report: Option<LambdaReport>,
}

/// WebSocket close codes that mean something went wrong (abnormal closure, server error).
pub const FAILURE_CLOSE_CODES: &[u16] = &[1006, 1011];

impl LogEvent {
    /// An event with only the raw message; parsers fill in the rest.
    pub fn raw(source: Source, group: &str, raw: RawEvent) -> LogEvent {
        LogEvent {
            source,
            group: group.to_string(),
            stream: raw.stream,
            event_id: raw.event_id,
            time: super::time::iso(raw.timestamp_ms),
            timestamp_ms: raw.timestamp_ms,
            kind: Kind::Other,
            message: raw.message,
            text: None,
            request_id: None,
            lambda_request_id: None,
            connection_id: None,
            route: None,
            event_type: None,
            status: None,
            integration_status: None,
            latency_ms: None,
            error: None,
            level: None,
            user: None,
            close_code: None,
            close_reason: None,
            source_ip: None,
            user_agent: None,
            report: None,
        }
    }

    /// Whether the event records a failure: a 4xx/5xx, an error, a Lambda error or timeout,
    /// an ERROR log line, or an abnormal close (1006, 1011).
    pub fn is_failure(&self) -> bool {
        self.status.is_some_and(|s| s >= 400)
            || self.integration_status.is_some_and(|s| s >= 400)
            || self.error.is_some()
            || self.level.as_deref() == Some("ERROR")
            || self.close_code.is_some_and(|c| FAILURE_CLOSE_CODES.contains(&c))
            || self.report.as_ref().is_some_and(|r| r.status.is_some())
    }
}

/// An event as CloudWatch Logs returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    pub stream: String,
    pub event_id: String,
    pub timestamp_ms: i64,
    pub message: String,
}

/// How one group's lines are read.
#[derive(Debug, Clone)]
pub enum Parser {
    Access(AccessFormat),
    Execution,
    Lambda { function: String },
}

impl Parser {
    pub fn source(&self) -> Source {
        match self {
            Parser::Access(_) => Source::Access,
            Parser::Execution => Source::Execution,
            Parser::Lambda { function } => Source::Lambda { function: function.clone() },
        }
    }

    /// Parses one event. Never fails: a line that cannot be read keeps only its raw message.
    pub fn parse(&self, group: &str, raw: RawEvent) -> LogEvent {
        let mut e = LogEvent::raw(self.source(), group, raw);
        if e.message.len() > super::MAX_PARSE_BYTES {
            return e;
        }
        match self {
            Parser::Access(f) => f.fill(&mut e),
            Parser::Execution => super::execution::fill(&mut e),
            Parser::Lambda { .. } => super::lambda::fill(&mut e),
        }
        e
    }
}

/// `Some(v)` unless the value is empty or AWS's `-` for "absent".
pub(crate) fn present(v: &str) -> Option<String> {
    let v = v.trim();
    if v.is_empty() || v == "-" {
        None
    } else {
        Some(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn raw(message: &str) -> RawEvent {
        RawEvent { stream: "s".into(), event_id: "1".into(), timestamp_ms: 1_795_000_000_123, message: message.into() }
    }

    #[test]
    fn serializes_a_stable_flat_schema() {
        let e = Parser::Lambda { function: "chat".into() }.parse("/aws/lambda/chat", raw("hello"));
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["source"], "lambda");
        assert_eq!(v["function"], "chat");
        assert_eq!(v["kind"], "other");
        assert_eq!(v["time"], "2026-11-18T11:06:40.123Z");
        assert!(v.as_object().unwrap().contains_key("connection_id"), "absent fields are null, not missing");
        let a = Parser::Execution.parse("g", raw("x"));
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["source"], "execution");
        assert!(v["function"].is_null());
    }

    #[test]
    fn huge_lines_stay_raw() {
        let line = format!("({}) Execution failed: x", "a".repeat(super::super::MAX_PARSE_BYTES));
        let e = Parser::Execution.parse("g", raw(&line));
        assert_eq!(e.kind, Kind::Other);
        assert!(e.request_id.is_none());
        assert_eq!(e.message.len(), line.len());
    }

    #[test]
    fn failures() {
        let mut e = Parser::Execution.parse("g", raw("x"));
        assert!(!e.is_failure());
        e.close_code = Some(1001);
        assert!(!e.is_failure());
        e.close_code = Some(1006);
        assert!(e.is_failure());
        e.close_code = None;
        e.status = Some(429);
        assert!(e.is_failure());
        e.status = Some(200);
        e.level = Some("ERROR".into());
        assert!(e.is_failure());
    }

    #[test]
    fn dash_means_absent() {
        assert_eq!(present("-"), None);
        assert_eq!(present(" "), None);
        assert_eq!(present("a-b").as_deref(), Some("a-b"));
    }
}
