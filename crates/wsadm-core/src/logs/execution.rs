//! Execution-log lines (`API-Gateway-Execution-Logs_{apiId}/{stage}`), each `({requestId}) …`,
//! in the shapes API Gateway writes for WebSocket APIs.

use super::event::{present, Kind, LogEvent};

/// Request ids are short (base64-like); a longer "prefix" is not one.
const MAX_ID: usize = 128;

/// Fills an event from one execution-log line. Unknown shapes keep the request id only.
pub fn fill(e: &mut LogEvent) {
    let msg = e.message.clone();
    let mut body = msg.trim_end_matches(['\n', '\r']);
    if let Some(rest) = body.strip_prefix('(') {
        if let Some(end) = rest.find(") ").filter(|end| *end <= MAX_ID) {
            e.request_id = present(&rest[..end]);
            body = &rest[end + 2..];
        }
    }
    parse_body(e, body);
}

fn parse_body(e: &mut LogEvent, b: &str) {
    if let Some(route) = b.strip_prefix("WebSocket Request Route: [").and_then(|r| r.strip_suffix(']')) {
        e.route = present(route);
    } else if let Some(rest) = b.strip_prefix("Client [UserAgent: ") {
        // `Client [UserAgent: {ua}, SourceIp: {ip}] is connecting to WebSocket API [{apiId}].`
        let Some(end) = rest.rfind("] is connecting to WebSocket API [") else { return };
        let inner = &rest[..end];
        let (ua, ip) = match inner.rfind(", SourceIp: ") {
            Some(i) => (&inner[..i], Some(&inner[i + ", SourceIp: ".len()..])),
            None => (inner, None),
        };
        e.user_agent = present(ua);
        e.source_ip = ip.and_then(present);
        set_type(e, Kind::Connect);
    } else if b.starts_with("WebSocket API [") && b.contains("] received message from client [Connection Id: ") {
        e.connection_id = after_bracket(b, "[Connection Id: ");
        set_type(e, Kind::Message);
    } else if let Some(rest) = b.strip_prefix("Client [Connection Id: ") {
        let Some((cid, tail)) = rest.split_once("] ") else { return };
        e.connection_id = present(cid);
        if tail.starts_with("connected to API [") {
            set_type(e, Kind::Connect);
        } else if tail.starts_with("disconnected from API [") {
            set_type(e, Kind::Disconnect);
            e.status = after_bracket(tail, "status code [").and_then(|s| s.parse().ok());
            if let Some(reason) = tail.split_once("Close reason: [").map(|(_, r)| r) {
                let reason = reason.strip_suffix(']').unwrap_or(reason);
                let (code, text) = reason.split_once(':').unwrap_or((reason, ""));
                e.close_code = code.trim().parse().ok();
                e.close_reason = present(text);
            }
        }
    } else if let Some(rest) = b.strip_prefix("Message from client [Connection Id: ") {
        let Some((cid, tail)) = rest.split_once("] ") else { return };
        e.connection_id = present(cid);
        e.status = after_bracket(tail, "response status code [").and_then(|s| s.parse().ok());
        set_type(e, Kind::Message);
    } else if let Some(status) = b.strip_prefix("Connection API request completed with status: ") {
        e.kind = Kind::ConnectionApi;
        e.status = status.trim().parse().ok();
    } else if let Some(code) = b.strip_prefix("Connection API request failed: ") {
        e.kind = Kind::ConnectionApi;
        e.error = present(code).or_else(|| Some("Connection API request failed".into()));
    } else if let Some(rest) = b.strip_prefix("Execution failed") {
        e.kind = Kind::ExecutionFailed;
        let text = rest.trim_start_matches([':', ' ']);
        e.error = present(text).or_else(|| Some("Execution failed".into()));
    } else if let Some(id) = b.strip_prefix("AWS Integration Endpoint RequestId :") {
        e.kind = Kind::Integration;
        e.lambda_request_id = present(id);
    } else if let Some(s) = b.strip_prefix("Method completed with status: ") {
        e.status = s.trim().parse().ok();
    } else if let Some(rest) = b.strip_prefix("Received response. Status: ") {
        let (s, lat) = rest.split_once(", Integration latency: ").unwrap_or((rest, ""));
        e.integration_status = s.trim().parse().ok();
        e.latency_ms = lat.trim().trim_end_matches("ms").trim().parse().ok();
    }
}

fn set_type(e: &mut LogEvent, k: Kind) {
    e.kind = k;
    e.event_type = Some(
        match k {
            Kind::Connect => "CONNECT",
            Kind::Disconnect => "DISCONNECT",
            _ => "MESSAGE",
        }
        .into(),
    );
}

/// The text after `open` up to the next `]`.
fn after_bracket(s: &str, open: &str) -> Option<String> {
    let (_, rest) = s.split_once(open)?;
    present(&rest[..rest.find(']')?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::event::{Parser, RawEvent};

    fn parse(line: &str) -> LogEvent {
        let raw = RawEvent { stream: "s".into(), event_id: "1".into(), timestamp_ms: 0, message: line.into() };
        Parser::Execution.parse("API-Gateway-Execution-Logs_abc/prod", raw)
    }

    const R: &str = "XfGLwFTktjMFsLg=";
    const C: &str = "XfGLwdb4IAMCF-w=";

    #[test]
    fn request_id_prefix_on_every_line() {
        for body in
            ["Extended Request Id: XfGLwFTktjMFsLg=", "Starting execution for request: XfGLwFTktjMFsLg=", "whatever"]
        {
            let e = parse(&format!("({R}) {body}"));
            assert_eq!(e.request_id.as_deref(), Some(R), "{body}");
            assert_eq!(e.kind, Kind::Other);
        }
        assert_eq!(parse(&format!("({}) x", "a".repeat(200))).request_id, None, "too long to be an id");
        assert_eq!(parse("(unclosed x").request_id, None);
    }

    #[test]
    fn route_and_connecting_client() {
        assert_eq!(parse(&format!("({R}) WebSocket Request Route: [$connect]")).route.as_deref(), Some("$connect"));
        let e = parse(&format!(
            "({R}) Client [UserAgent: Mozilla/5.0 (X11; Linux x86_64), like Gecko, SourceIp: 203.0.113.9] is connecting to WebSocket API [abc123]."
        ));
        assert_eq!(e.user_agent.as_deref(), Some("Mozilla/5.0 (X11; Linux x86_64), like Gecko"));
        assert_eq!(e.source_ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(e.kind, Kind::Connect);
        assert_eq!(e.event_type.as_deref(), Some("CONNECT"));
    }

    #[test]
    fn connect_message_and_disconnect_outcomes() {
        let e = parse(&format!("({R}) WebSocket API [abc123] received message from client [Connection Id: {C}]."));
        assert_eq!((e.kind, e.connection_id.as_deref()), (Kind::Message, Some(C)));
        let e = parse(&format!("({R}) Client [Connection Id: {C}] connected to API [abc123] successfully."));
        assert_eq!((e.kind, e.connection_id.as_deref(), e.status), (Kind::Connect, Some(C), None));
        let e = parse(&format!(
            "({R}) Message from client [Connection Id: {C}] sent to API [abc123] with response status code [502]."
        ));
        assert_eq!((e.kind, e.connection_id.as_deref(), e.status), (Kind::Message, Some(C), Some(502)));
        let e = parse(&format!(
            "({R}) Client [Connection Id: {C}] disconnected from API [abc123] with integration response status code [200]. Close reason: [1001: Going away]"
        ));
        assert_eq!(e.kind, Kind::Disconnect);
        assert_eq!(e.event_type.as_deref(), Some("DISCONNECT"));
        assert_eq!((e.status, e.close_code, e.close_reason.as_deref()), (Some(200), Some(1001), Some("Going away")));
        let e =
            parse(&format!("({R}) Client [Connection Id: {C}] disconnected from API [abc123]. Close reason: [1006: ]"));
        assert_eq!((e.status, e.close_code, e.close_reason.as_deref()), (None, Some(1006), None));
        assert!(e.is_failure());
    }

    #[test]
    fn connection_api_failures_and_the_lambda_link() {
        let e = parse(&format!("({R}) Connection API request completed with status: 410"));
        assert_eq!((e.kind, e.status), (Kind::ConnectionApi, Some(410)));
        let e = parse(&format!("({R}) Connection API request failed: LimitExceededException"));
        assert_eq!((e.kind, e.error.as_deref()), (Kind::ConnectionApi, Some("LimitExceededException")));
        let e = parse(&format!("({R}) Execution failed: Lambda function timed out"));
        assert_eq!((e.kind, e.error.as_deref()), (Kind::ExecutionFailed, Some("Lambda function timed out")));
        let e = parse(&format!("({R}) Execution failed due to configuration error: Invalid permissions"));
        assert_eq!(e.error.as_deref(), Some("due to configuration error: Invalid permissions"));
        let e = parse(&format!("({R}) AWS Integration Endpoint RequestId : 6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b"));
        assert_eq!(e.kind, Kind::Integration);
        assert_eq!(e.lambda_request_id.as_deref(), Some("6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b"));
    }

    #[test]
    fn truncated_shapes_do_not_panic() {
        for line in [
            "(r) Client [Connection Id: ",
            "(r) Client [UserAgent: x",
            "(r) Message from client [Connection Id: c",
            "(r) Client [Connection Id: c] disconnected from API [a]. Close reason: [",
            "(r) WebSocket API [a] received message from client [Connection Id: c",
            "(r) Received response. Status: x, Integration latency: y",
            "(",
            "() ",
        ] {
            let e = parse(line);
            assert_eq!(e.message, line);
        }
    }
}
