//! Lambda log lines: the runtime's START/END/REPORT, the handlers' JSON lines (tracing's nested
//! `fields` or flat JSON), runtime errors (JSON or multi-line text) and timeouts.

use super::event::{present, Kind, LambdaReport, LogEvent};
use serde_json::{Map, Value};

/// The message the authorizer logs for each rejection (wsadm-handler auth.rs), with a `reason`.
const AUTHORIZER_REJECTION: &str = "connection refused by the authorizer";

pub fn fill(e: &mut LogEvent) {
    let msg = e.message.clone();
    let line = msg.trim_end_matches(['\n', '\r']);
    let first = line.lines().next().unwrap_or("");
    if let Some(rest) = first.strip_prefix("START RequestId: ") {
        e.kind = Kind::LambdaStart;
        e.lambda_request_id = present(rest.split_whitespace().next().unwrap_or(""));
    } else if let Some(rest) = first.strip_prefix("END RequestId: ") {
        e.kind = Kind::LambdaEnd;
        e.lambda_request_id = present(rest.split_whitespace().next().unwrap_or(""));
    } else if let Some(rest) = first.strip_prefix("REPORT RequestId: ") {
        e.kind = Kind::LambdaReport;
        let (id, fields) = rest.split_once(|c: char| c.is_whitespace()).unwrap_or((rest, ""));
        e.lambda_request_id = present(id);
        let r = report(fields);
        e.latency_ms = r.duration_ms;
        e.error = report_error(&r);
        e.report = Some(r);
    } else if let Some(rest) = first.strip_prefix("INIT_REPORT ") {
        let r = report(rest);
        e.error = report_error(&r);
        if e.error.is_some() {
            e.kind = Kind::LambdaError;
        }
    } else if line.starts_with('{') {
        if let Ok(Value::Object(v)) = serde_json::from_str::<Value>(line) {
            json_line(e, &v);
        }
    } else if let Some(rest) = first.strip_prefix("[ERROR] ") {
        // Python's runtime: `[ERROR] Runtime.ImportModuleError: …` then a traceback.
        e.kind = Kind::LambdaError;
        e.level = Some("ERROR".into());
        e.error = present(rest);
    } else if first.contains("panicked at") || first.starts_with("Traceback (most recent call last)") {
        e.kind = Kind::LambdaError;
        e.level = Some("ERROR".into());
        e.error = present(first);
    } else {
        text_line(e, line);
    }
}

/// `Duration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t…\tStatus: timeout`.
fn report(fields: &str) -> LambdaReport {
    let mut r = LambdaReport::default();
    for part in fields.split('\t') {
        let Some((k, v)) = part.split_once(':') else { continue };
        let v = v.trim();
        let num = || v.split_whitespace().next().and_then(|n| n.parse::<f64>().ok());
        match k.trim() {
            "Duration" => r.duration_ms = num(),
            "Billed Duration" => r.billed_ms = num(),
            "Memory Size" => r.memory_mb = num().map(|n| n as u64),
            "Max Memory Used" => r.max_memory_mb = num().map(|n| n as u64),
            "Init Duration" => r.init_ms = num(),
            "Status" if !v.eq_ignore_ascii_case("success") => r.status = present(v),
            "Error Type" => r.error_type = present(v),
            _ => {}
        }
    }
    r
}

fn report_error(r: &LambdaReport) -> Option<String> {
    let status = r.status.as_deref()?;
    Some(match &r.error_type {
        Some(t) => format!("{status}: {t}"),
        None => status.to_string(),
    })
}

/// `{timestamp}\t{requestId}\t{LEVEL}\t{message}` (Node and Python runtimes) and
/// `{timestamp} {requestId} Task timed out after 3.00 seconds`.
fn text_line(e: &mut LogEvent, line: &str) {
    let mut cols = line.splitn(4, '\t');
    let (Some(ts), Some(id)) = (cols.next(), cols.next()) else {
        if let Some((_, rest)) = split_timestamp_id(line) {
            if rest.starts_with("Task timed out") {
                e.kind = Kind::LambdaError;
                e.lambda_request_id = present(line.split_whitespace().nth(1).unwrap_or(""));
                e.error = present(rest.lines().next().unwrap_or(rest));
            }
        }
        return;
    };
    if super::time::parse_log_timestamp(ts).is_none() || id.contains(' ') {
        return;
    }
    e.lambda_request_id = present(id);
    let (level, text) = match (cols.next(), cols.next()) {
        (Some(level), Some(text)) => (Some(level.trim().to_ascii_uppercase()), text),
        (Some(text), None) => (None, text),
        _ => return,
    };
    let text = text.trim();
    if let Some(Ok(Value::Object(v))) = text.find('{').map(|i| serde_json::from_str::<Value>(&text[i..])) {
        json_line(e, &v);
    } else {
        e.kind = Kind::Handler;
    }
    if let Some(l) = level {
        if l == "ERROR" && e.error.is_none() {
            e.kind = Kind::LambdaError;
            e.error = present(text.lines().next().unwrap_or(text));
        }
        e.level = Some(l);
    }
}

fn split_timestamp_id(line: &str) -> Option<(&str, &str)> {
    let (ts, rest) = line.split_once(' ')?;
    super::time::parse_log_timestamp(ts)?;
    let (_, rest) = rest.split_once(' ')?;
    Some((ts, rest))
}

/// A JSON line: a runtime error, a JSON-format platform event, or a handler line.
fn json_line(e: &mut LogEvent, v: &Map<String, Value>) {
    if v.contains_key("errorType") || v.contains_key("errorMessage") {
        e.kind = Kind::LambdaError;
        e.level = Some("ERROR".into());
        let t = str_of(v.get("errorType"));
        let m = str_of(v.get("errorMessage"));
        e.error = match (t, m) {
            (Some(t), Some(m)) => Some(format!("{t}: {m}")),
            (t, m) => t.or(m),
        };
        return;
    }
    if let Some(t) = v.get("type").and_then(Value::as_str).filter(|t| t.starts_with("platform.")) {
        platform(e, t, v.get("record").and_then(Value::as_object));
        return;
    }
    handler(e, v);
}

/// Lambda's JSON log format: `{"type":"platform.start","record":{"requestId":…}}` and friends.
fn platform(e: &mut LogEvent, t: &str, record: Option<&Map<String, Value>>) {
    let Some(rec) = record else { return };
    e.lambda_request_id = str_of(rec.get("requestId"));
    match t {
        "platform.start" => e.kind = Kind::LambdaStart,
        "platform.runtimeDone" => e.kind = Kind::LambdaEnd,
        "platform.report" => {
            e.kind = Kind::LambdaReport;
            let m = rec.get("metrics");
            let f = |k: &str| m.and_then(|m| m.get(k)).and_then(Value::as_f64);
            let r = LambdaReport {
                duration_ms: f("durationMs"),
                billed_ms: f("billedDurationMs"),
                memory_mb: f("memorySizeMB").map(|n| n as u64),
                max_memory_mb: f("maxMemoryUsedMB").map(|n| n as u64),
                init_ms: f("initDurationMs"),
                status: str_of(rec.get("status")).filter(|s| s != "success"),
                error_type: str_of(rec.get("errorType")),
            };
            e.latency_ms = r.duration_ms;
            e.error = report_error(&r);
            e.report = Some(r);
        }
        _ => {}
    }
}

/// A handler's line. tracing-subscriber's JSON puts the event's fields under `fields`
/// (`{"level":"INFO","fields":{"message":"handled","connection_id":…},"target":…}`); Lambda's JSON
/// log format may put them under `message`; flat JSON has them at the top.
fn handler(e: &mut LogEvent, top: &Map<String, Value>) {
    e.kind = Kind::Handler;
    let nested: Vec<&Map<String, Value>> =
        ["fields", "message"].iter().filter_map(|k| top.get(*k).and_then(Value::as_object)).collect();
    let get = |keys: &[&str]| -> Option<String> {
        nested.iter().copied().chain(std::iter::once(top)).find_map(|m| keys.iter().find_map(|k| str_of(m.get(*k))))
    };
    let message = get(&["message", "msg"]).unwrap_or_default();
    e.text = present(&message);
    e.level = get(&["level", "severity"]).map(|l| l.to_ascii_uppercase());
    e.connection_id = get(&["connection_id", "connectionId"]);
    e.route = get(&["route", "routeKey", "route_key"]);
    e.user = get(&["user", "userId", "user_id"]);
    e.latency_ms = get(&["latency_ms", "latencyMs", "duration_ms"]).and_then(|l| l.parse().ok());
    e.error = get(&["error", "err", "error_message"]);
    let disconnect = message.contains("disconnect") || get(&["disconnect_status_code"]).is_some();
    let status = |s: Option<String>| s.and_then(|s| s.parse::<u16>().ok());
    if disconnect {
        e.close_code = status(get(&["disconnect_status_code", "status_code"]));
        e.close_reason = get(&["disconnect_reason", "reason"]);
        e.status = status(get(&["status", "statusCode"]));
    } else {
        e.status = status(get(&["status", "statusCode", "status_code"]));
    }
    // API Gateway's request id (the authorizer logs it); Lambda's own request ids are UUIDs.
    if let Some(id) = get(&["request_id", "requestId", "apigw_request_id"]) {
        if is_uuid(&id) {
            e.lambda_request_id = Some(id);
        } else {
            e.request_id = Some(id);
        }
    }
    let target = str_of(top.get("target")).unwrap_or_default();
    if message == AUTHORIZER_REJECTION || (target.ends_with("::auth") && get(&["reason"]).is_some()) {
        e.kind = Kind::Authorizer;
        e.error = get(&["reason"]).or_else(|| Some(message.clone()));
    }
    // The chat handler's per-user send limit marks its refusals (`rate_limited = true`).
    if e.error.is_none() && get(&["rate_limited"]).as_deref() == Some("true") {
        e.error = Some(RATE_LIMITED.to_string());
    }
    if e.level.as_deref() == Some("ERROR") && e.error.is_none() {
        e.error = present(&message);
    }
}

/// The error of a handler line that refused a message over the user's rate.
pub const RATE_LIMITED: &str = "rate_limited";

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() })
}

/// A JSON value as text: strings as they are, numbers and booleans printed, others absent.
fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => present(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::event::{Parser, RawEvent};

    fn parse(line: &str) -> LogEvent {
        let raw = RawEvent { stream: "s".into(), event_id: "1".into(), timestamp_ms: 0, message: line.into() };
        Parser::Lambda { function: "chat".into() }.parse("/aws/lambda/chat", raw)
    }

    const L: &str = "6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b";

    #[test]
    fn start_end_report() {
        let e = parse(&format!("START RequestId: {L} Version: $LATEST\n"));
        assert_eq!((e.kind, e.lambda_request_id.as_deref()), (Kind::LambdaStart, Some(L)));
        let e = parse(&format!("END RequestId: {L}"));
        assert_eq!((e.kind, e.lambda_request_id.as_deref()), (Kind::LambdaEnd, Some(L)));
        let e = parse(&format!(
            "REPORT RequestId: {L}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 21 MB\tInit Duration: 101.50 ms\t\n"
        ));
        assert_eq!((e.kind, e.lambda_request_id.as_deref()), (Kind::LambdaReport, Some(L)));
        assert_eq!(e.latency_ms, Some(12.34));
        let r = e.report.clone().unwrap();
        assert_eq!(
            (r.billed_ms, r.memory_mb, r.max_memory_mb, r.init_ms),
            (Some(13.0), Some(128), Some(21), Some(101.5))
        );
        assert_eq!(r.status, None);
        assert!(!e.is_failure());
    }

    #[test]
    fn report_with_timeout_and_error_status() {
        let e = parse(&format!(
            "REPORT RequestId: {L}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB\tStatus: timeout"
        ));
        assert_eq!(e.error.as_deref(), Some("timeout"));
        assert!(e.is_failure());
        let e =
            parse(&format!("REPORT RequestId: {L}\tDuration: 5.00 ms\tStatus: error\tError Type: Runtime.ExitError"));
        assert_eq!(e.error.as_deref(), Some("error: Runtime.ExitError"));
        let e = parse("INIT_REPORT Init Duration: 9.1 ms\tPhase: init\tStatus: error\tError Type: Runtime.Unknown");
        assert_eq!((e.kind, e.error.as_deref()), (Kind::LambdaError, Some("error: Runtime.Unknown")));
    }

    #[test]
    fn tracing_json_handler_lines() {
        let e = parse(
            r#"{"timestamp":"2026-11-29T10:00:00.123Z","level":"INFO","fields":{"message":"handled","connection_id":"XfGLwdb4IAMCF-w=","route":"send","user":"alice","status":200,"latency_ms":3},"target":"wsadm_handler::chat"}"#,
        );
        assert_eq!(e.kind, Kind::Handler);
        assert_eq!(e.text.as_deref(), Some("handled"));
        assert_eq!(e.connection_id.as_deref(), Some("XfGLwdb4IAMCF-w="));
        assert_eq!((e.route.as_deref(), e.user.as_deref()), (Some("send"), Some("alice")));
        assert_eq!((e.status, e.latency_ms, e.level.as_deref()), (Some(200), Some(3.0), Some("INFO")));
        assert!(!e.is_failure());
        let e = parse(
            r#"{"level":"INFO","fields":{"message":"disconnected","connection_id":"c1=","status_code":1006,"reason":"Connection reset"},"target":"wsadm_handler::chat"}"#,
        );
        assert_eq!((e.close_code, e.close_reason.as_deref(), e.status), (Some(1006), Some("Connection reset"), None));
        let e = parse(
            r#"{"level":"ERROR","fields":{"message":"session store unavailable","connection_id":"c1=","error":"throttled"},"target":"wsadm_handler::chat"}"#,
        );
        assert_eq!(e.error.as_deref(), Some("throttled"));
        let e = parse(
            r#"{"level":"INFO","fields":{"message":"handled","connection_id":"c1=","route":"send","user":"spam","status":200,"rate_limited":true},"target":"wsadm_handler::chat"}"#,
        );
        assert_eq!((e.error.as_deref(), e.user.as_deref()), (Some(RATE_LIMITED), Some("spam")));
        let e = parse(r#"{"level":"ERROR","fields":{"message":"boom"},"target":"x"}"#);
        assert_eq!(e.error.as_deref(), Some("boom"), "an ERROR line without an error field is still one");
    }

    #[test]
    fn authorizer_rejections_carry_the_reason_and_api_request_id() {
        let e = parse(
            r#"{"level":"WARN","fields":{"message":"connection refused by the authorizer","reason":"expired","token_source":"query","request_id":"XfGLwFTktjMFsLg="},"target":"wsadm_handler::auth"}"#,
        );
        assert_eq!(e.kind, Kind::Authorizer);
        assert_eq!(e.error.as_deref(), Some("expired"));
        assert_eq!(e.request_id.as_deref(), Some("XfGLwFTktjMFsLg="));
        assert_eq!(e.lambda_request_id, None);
    }

    #[test]
    fn flat_json_and_lambda_json_format() {
        let e = parse(
            r#"{"level":"warn","message":"slow","connectionId":"c2=","routeKey":"$default","userId":"bob","statusCode":"502"}"#,
        );
        assert_eq!(e.connection_id.as_deref(), Some("c2="));
        assert_eq!((e.route.as_deref(), e.user.as_deref(), e.status), (Some("$default"), Some("bob"), Some(502)));
        assert_eq!(e.level.as_deref(), Some("WARN"));
        let e = parse(&format!(
            r#"{{"timestamp":"2026-11-29T10:00:00Z","level":"INFO","requestId":"{L}","message":{{"msg":"handled","connection_id":"c3="}}}}"#
        ));
        assert_eq!((e.lambda_request_id.as_deref(), e.connection_id.as_deref()), (Some(L), Some("c3=")));
        let e = parse(&format!(
            r#"{{"time":"2026-11-29T10:00:00.000Z","type":"platform.report","record":{{"requestId":"{L}","metrics":{{"durationMs":7.5,"billedDurationMs":8,"memorySizeMB":128,"maxMemoryUsedMB":20}},"status":"timeout"}}}}"#
        ));
        assert_eq!((e.kind, e.latency_ms, e.error.as_deref()), (Kind::LambdaReport, Some(7.5), Some("timeout")));
        let e = parse(&format!(r#"{{"type":"platform.start","record":{{"requestId":"{L}","version":"$LATEST"}}}}"#));
        assert_eq!((e.kind, e.lambda_request_id.as_deref()), (Kind::LambdaStart, Some(L)));
    }

    #[test]
    fn runtime_errors_json_and_multi_line() {
        let e = parse(r#"{"errorType":"Error","errorMessage":"store unavailable"}"#);
        assert_eq!((e.kind, e.error.as_deref()), (Kind::LambdaError, Some("Error: store unavailable")));
        let tb = "[ERROR] KeyError: 'connectionId'\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 9, in handler\n    cid = event['connectionId']";
        let e = parse(tb);
        assert_eq!((e.kind, e.error.as_deref()), (Kind::LambdaError, Some("KeyError: 'connectionId'")));
        assert_eq!(e.message, tb, "one event, newlines kept");
        let e = parse("thread 'main' panicked at src/main.rs:10:5:\ncalled `Option::unwrap()` on a `None` value");
        assert_eq!(e.error.as_deref(), Some("thread 'main' panicked at src/main.rs:10:5:"));
        let node = format!("2026-11-29T10:00:00.000Z\t{L}\tERROR\tInvoke Error \t{{\"errorType\":\"TypeError\",\"errorMessage\":\"x is undefined\",\"stack\":[\"TypeError: x\",\"    at a\"]}}\n");
        let e = parse(&node);
        assert_eq!((e.lambda_request_id.as_deref(), e.level.as_deref()), (Some(L), Some("ERROR")));
        assert_eq!(e.error.as_deref(), Some("TypeError: x is undefined"));
        let e = parse(&format!("2026-11-29T10:00:03.010Z {L} Task timed out after 3.00 seconds"));
        assert_eq!((e.kind, e.lambda_request_id.as_deref()), (Kind::LambdaError, Some(L)));
        assert_eq!(e.error.as_deref(), Some("Task timed out after 3.00 seconds"));
        let e = parse(&format!("2026-11-29T10:00:00.000Z\t{L}\tINFO\tjoined room lobby"));
        assert_eq!((e.kind, e.level.as_deref(), e.error), (Kind::Handler, Some("INFO"), None));
    }

    #[test]
    fn other_lines_stay_other() {
        for line in ["INIT_START Runtime Version: provided:al2023.v1", "hello world", "{not json", "{}", "\t\t\t", ""] {
            let e = parse(line);
            assert!(matches!(e.kind, Kind::Other | Kind::Handler), "{line}: {:?}", e.kind);
            assert_eq!(e.error, None, "{line}");
        }
    }
}
