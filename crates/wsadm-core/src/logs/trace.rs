//! `wsadm logs trace <connection-id>`: one connection's life as a timeline — who connected from
//! where, the authorizer's decision, each route called, Lambda invocations, @connections calls, the close.

use super::event::{Kind, LogEvent, Source};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Authorizer,
    Connect,
    Message,
    Lambda,
    ConnectionApi,
    Error,
    Disconnect,
}

/// One thing that happened to the connection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub time: String,
    pub timestamp_ms: i64,
    pub kind: StepKind,
    pub route: Option<String>,
    pub status: Option<u16>,
    pub latency_ms: Option<f64>,
    pub request_id: Option<String>,
    pub lambda_request_id: Option<String>,
    pub function: Option<String>,
    pub error: Option<String>,
    /// One line for people: `send → 200 in 12 ms`.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthDecision {
    pub allowed: bool,
    pub reason: Option<String>,
    pub status: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    pub connection_id: String,
    /// Whether any event named the connection.
    pub found: bool,
    pub connected_at: Option<String>,
    pub disconnected_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub user: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub authorizer: Option<AuthDecision>,
    pub messages: u64,
    pub errors: u64,
    pub lambda_invocations: u64,
    pub connection_api_calls: u64,
    pub close_code: Option<u16>,
    pub close_reason: Option<String>,
    /// What the close code means, in words.
    pub closed: Option<String>,
    pub steps: Vec<Step>,
}

/// What a WebSocket close code says about why the connection ended (API Gateway's usual ones).
pub fn close_meaning(code: u16) -> &'static str {
    match code {
        1000 => "closed normally",
        1001 => "going away: idle timeout (10 min), the 2 h limit, or the client left",
        1005 => "closed without a status code",
        1006 => "abnormal closure: the connection dropped without a close frame",
        1008 => "policy violation",
        1009 => "message too big (over 128 KB, or a frame over 32 KB)",
        1011 => "server error",
        1012 => "service restart",
        _ => "other close code",
    }
}

fn step(e: &LogEvent, kind: StepKind) -> Step {
    Step {
        time: e.time.clone(),
        timestamp_ms: e.timestamp_ms,
        kind,
        route: e.route.clone(),
        status: None,
        latency_ms: None,
        request_id: e.request_id.clone(),
        lambda_request_id: e.lambda_request_id.clone(),
        function: e.source.function().map(str::to_string),
        error: None,
        detail: String::new(),
    }
}

fn first<'a, T>(events: &'a [&LogEvent], f: impl Fn(&'a LogEvent) -> Option<&'a T>) -> Option<&'a T> {
    events.iter().find_map(|e| f(e))
}

/// Builds the timeline of `connection_id` from correlated events (in any order).
pub fn trace(connection_id: &str, events: &[LogEvent]) -> Trace {
    let mut mine: Vec<&LogEvent> =
        events.iter().filter(|e| e.connection_id.as_deref() == Some(connection_id)).collect();
    mine.sort_by(|a, b| super::merge::event_order(a, b));
    let mut steps: Vec<Step> = Vec::new();

    // One step per API Gateway request (access and execution lines together).
    let mut requests: BTreeMap<&str, Step> = BTreeMap::new();
    for e in mine.iter().filter(|e| matches!(e.source, Source::Access | Source::Execution)) {
        let Some(id) = e.request_id.as_deref() else { continue };
        if e.kind == Kind::ConnectionApi {
            continue;
        }
        let kind = match e.event_type.as_deref() {
            Some("CONNECT") => StepKind::Connect,
            Some("DISCONNECT") => StepKind::Disconnect,
            _ => StepKind::Message,
        };
        let s = requests.entry(id).or_insert_with(|| step(e, kind));
        if kind != StepKind::Message {
            s.kind = kind;
        }
        if s.route.is_none() {
            s.route.clone_from(&e.route);
        }
        // The access log's status and latency win; the execution log fills in.
        if e.source == Source::Access || s.status.is_none() {
            s.status = e.status.or(s.status);
        }
        if e.source == Source::Access || s.latency_ms.is_none() {
            s.latency_ms = e.latency_ms.or(s.latency_ms);
        }
        if s.error.is_none() {
            s.error.clone_from(&e.error);
        }
    }
    steps.extend(requests.into_values());

    // Whose invocation each Lambda request id is (START/REPORT carry it after correlation).
    let owners: HashMap<&str, &str> = events
        .iter()
        .filter(|e| matches!(e.kind, Kind::LambdaStart | Kind::LambdaReport))
        .filter_map(|e| Some((e.lambda_request_id.as_deref()?, e.connection_id.as_deref()?)))
        .collect();

    // One step per Lambda invocation.
    let mut invocations: BTreeMap<(&str, &str), Step> = BTreeMap::new();
    for e in mine.iter().filter(|e| matches!(e.source, Source::Lambda { .. })) {
        let owner = e.lambda_request_id.as_deref().and_then(|l| owners.get(l)).copied();
        if let Some(other) = owner.filter(|o| *o != connection_id) {
            // Another connection's invocation logged about this one: a post to it (a broadcast).
            let mut s = step(e, StepKind::ConnectionApi);
            s.error.clone_from(&e.error);
            s.status = e.status;
            s.detail = format!(
                "{} (from the invocation of {other}){}",
                e.text.as_deref().unwrap_or("handler line"),
                e.error.as_deref().map(|x| format!(": {x}")).unwrap_or_default()
            );
            steps.push(s);
            continue;
        }
        if e.kind == Kind::Authorizer {
            let mut s = step(e, StepKind::Authorizer);
            s.error.clone_from(&e.error);
            s.detail = format!("refused: {}", e.error.as_deref().unwrap_or("no reason logged"));
            steps.push(s);
            continue;
        }
        let (Some(f), Some(id)) = (e.source.function(), e.lambda_request_id.as_deref()) else { continue };
        let s = invocations.entry((f, id)).or_insert_with(|| step(e, StepKind::Lambda));
        if e.kind == Kind::LambdaReport {
            s.latency_ms = e.latency_ms;
        }
        if e.kind == Kind::Handler && s.status.is_none() {
            s.status = e.status;
        }
        if s.error.is_none() && ((e.error.is_some() && e.kind != Kind::Handler) || e.level.as_deref() == Some("ERROR"))
        {
            s.error.clone_from(&e.error);
        }
    }
    steps.extend(invocations.into_values());

    for e in mine.iter().filter(|e| e.kind == Kind::ConnectionApi) {
        let mut s = step(e, StepKind::ConnectionApi);
        s.status = e.status;
        s.error.clone_from(&e.error);
        steps.push(s);
    }
    for s in steps.iter_mut() {
        if s.detail.is_empty() {
            s.detail = describe(s);
        }
    }
    steps.sort_by(|a, b| a.timestamp_ms.cmp(&b.timestamp_ms).then(a.kind.cmp(&b.kind)));

    let connect = steps.iter().find(|s| s.kind == StepKind::Connect);
    let disconnect = steps.iter().rev().find(|s| s.kind == StepKind::Disconnect);
    let refused = steps.iter().find(|s| s.kind == StepKind::Authorizer);
    let authorizer = match (refused, connect) {
        (Some(r), c) => {
            Some(AuthDecision { allowed: false, reason: r.error.clone(), status: c.and_then(|c| c.status) })
        }
        (None, Some(c)) if matches!(c.status, Some(401 | 403)) => {
            Some(AuthDecision { allowed: false, reason: c.error.clone(), status: c.status })
        }
        (None, Some(c)) => {
            Some(AuthDecision { allowed: c.status.is_none_or(|s| s < 400), reason: None, status: c.status })
        }
        (None, None) => None,
    };
    let close = mine.iter().find(|e| e.close_code.is_some());
    let close_code = close.and_then(|e| e.close_code);
    Trace {
        connection_id: connection_id.to_string(),
        found: !mine.is_empty(),
        connected_at: connect.map(|s| s.time.clone()),
        disconnected_at: disconnect.map(|s| s.time.clone()),
        duration_ms: connect.zip(disconnect).map(|(c, d)| d.timestamp_ms - c.timestamp_ms),
        user: first(&mine, |e| e.user.as_ref()).cloned(),
        source_ip: first(&mine, |e| e.source_ip.as_ref()).cloned(),
        user_agent: first(&mine, |e| e.user_agent.as_ref()).cloned(),
        authorizer,
        messages: steps.iter().filter(|s| s.kind == StepKind::Message).count() as u64,
        errors: steps.iter().filter(|s| s.error.is_some() || s.status.is_some_and(|c| c >= 400)).count() as u64,
        lambda_invocations: steps.iter().filter(|s| s.kind == StepKind::Lambda).count() as u64,
        connection_api_calls: steps.iter().filter(|s| s.kind == StepKind::ConnectionApi).count() as u64,
        close_code,
        close_reason: close.and_then(|e| e.close_reason.clone()),
        closed: close_code.map(|c| format!("{c}: {}", close_meaning(c))),
        steps,
    }
}

fn describe(s: &Step) -> String {
    let mut out = match s.kind {
        StepKind::Lambda => format!("invoked {}", s.function.as_deref().unwrap_or("a function")),
        StepKind::ConnectionApi => "@connections call".to_string(),
        _ => s.route.clone().unwrap_or_else(|| "(route unknown)".into()),
    };
    if let Some(st) = s.status {
        out.push_str(&format!(" → {st}"));
    }
    if let Some(l) = s.latency_ms {
        out.push_str(&format!(" in {l} ms"));
    }
    if let Some(e) = &s.error {
        out.push_str(&format!(" ({e})"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::access::AccessFormat;
    use crate::logs::event::{Parser, RawEvent};

    const C: &str = "XfGLwdb4IAMCF-w=";
    const L1: &str = "6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b";

    fn at(p: &Parser, group: &str, ts: i64, msg: &str) -> LogEvent {
        p.parse(group, RawEvent { stream: "s".into(), event_id: ts.to_string(), timestamp_ms: ts, message: msg.into() })
    }

    fn life() -> Vec<LogEvent> {
        let x = Parser::Execution;
        let chat = Parser::Lambda { function: "chat".into() };
        let a = Parser::Access(AccessFormat::compile(
            r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status","integrationLatency":"$context.integrationLatency","ip":"$context.identity.sourceIp"}"#,
        ));
        let acc = |r: &str, et: &str, route: &str, st: u16, lat: u32| {
            format!(
                r#"{{"requestId":"{r}","connectionId":"{C}","eventType":"{et}","routeKey":"{route}","status":"{st}","integrationLatency":"{lat}","ip":"203.0.113.9"}}"#
            )
        };
        let mut v = vec![
            at(&x, "x", 1_000, "(k1) Client [UserAgent: wscat/6, SourceIp: 203.0.113.9] is connecting to WebSocket API [a]."),
            at(&x, "x", 1_001, "(k1) WebSocket Request Route: [$connect]"),
            at(&x, "x", 1_010, &format!("(k1) Client [Connection Id: {C}] connected to API [a] successfully.")),
            at(&a, "acc", 1_011, &acc("k1", "CONNECT", "$connect", 200, 9)),
            // A message whose handler posted to a gone connection, then the execution log.
            at(&chat, "l", 2_000, &format!("START RequestId: {L1} Version: $LATEST")),
            at(&chat, "l", 2_001, &format!(r#"{{"level":"INFO","fields":{{"message":"handled","connection_id":"{C}","route":"send","user":"alice","status":200,"latency_ms":3}}}}"#)),
            at(&chat, "l", 2_002, &format!("REPORT RequestId: {L1}\tDuration: 4.50 ms")),
            at(&x, "x", 2_003, &format!("(m1) AWS Integration Endpoint RequestId : {L1}")),
            at(&x, "x", 2_004, &format!("(m1) Message from client [Connection Id: {C}] sent to API [a] with response status code [200].")),
            at(&a, "acc", 2_005, &acc("m1", "MESSAGE", "send", 200, 6)),
            at(&x, "x", 9_000, &format!("(d1) Client [Connection Id: {C}] disconnected from API [a] with integration response status code [200]. Close reason: [1001: Going away]")),
            at(&a, "acc", 9_001, &acc("d1", "DISCONNECT", "$disconnect", 200, 2)),
            // Someone else, whose broadcast fails to reach C.
            at(&x, "x", 3_000, "(o1) WebSocket API [a] received message from client [Connection Id: other=]."),
            at(&chat, "l", 3_001, "START RequestId: 11111111-0000-4e8f-9a1b-2c3d4e5f6a7b Version: $LATEST"),
            at(&chat, "l", 3_002, &format!(r#"{{"level":"WARN","fields":{{"message":"post failed","connection_id":"{C}","error":"LimitExceededException"}}}}"#)),
            at(&chat, "l", 3_003, r#"{"level":"INFO","fields":{"message":"handled","connection_id":"other=","route":"send","status":200}}"#),
            at(&chat, "l", 3_004, "REPORT RequestId: 11111111-0000-4e8f-9a1b-2c3d4e5f6a7b\tDuration: 1.00 ms"),
            at(&x, "x", 3_005, "(o1) AWS Integration Endpoint RequestId : 11111111-0000-4e8f-9a1b-2c3d4e5f6a7b"),
        ];
        v.sort_by(crate::logs::merge::event_order);
        crate::logs::Correlator::new().apply(&mut v);
        v
    }

    #[test]
    fn a_connection_life_in_order() {
        let t = trace(C, &life());
        assert!(t.found);
        let kinds: Vec<StepKind> = t.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![StepKind::Connect, StepKind::Lambda, StepKind::Message, StepKind::ConnectionApi, StepKind::Disconnect]
        );
        let post = &t.steps[3];
        assert_eq!(post.detail, "post failed (from the invocation of other=): LimitExceededException");
        assert_eq!(t.connected_at.as_deref(), Some("1970-01-01T00:00:01.000Z"));
        assert_eq!(t.duration_ms, Some(8_000));
        assert_eq!(t.user.as_deref(), Some("alice"));
        assert_eq!(t.source_ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(t.user_agent.as_deref(), Some("wscat/6"));
        assert_eq!(t.authorizer, Some(AuthDecision { allowed: true, reason: None, status: Some(200) }));
        let msg = &t.steps[2];
        assert_eq!((msg.route.as_deref(), msg.status, msg.latency_ms), (Some("send"), Some(200), Some(6.0)));
        assert_eq!(msg.detail, "send → 200 in 6 ms");
        let lambda = &t.steps[1];
        assert_eq!((lambda.function.as_deref(), lambda.latency_ms), (Some("chat"), Some(4.5)));
        assert_eq!(lambda.route.as_deref(), Some("send"));
        assert_eq!((t.messages, t.lambda_invocations, t.connection_api_calls, t.errors), (1, 1, 1, 1));
        assert_eq!((t.close_code, t.close_reason.as_deref()), (Some(1001), Some("Going away")));
        assert!(t.closed.unwrap().contains("idle timeout"));
    }

    #[test]
    fn refused_connections_and_unknown_ones() {
        let auth = Parser::Lambda { function: "authorizer".into() };
        let mut v = vec![
            at(
                &Parser::Execution,
                "x",
                1,
                &format!("(k9) Client [Connection Id: {C}] connected to API [a] successfully."),
            ),
            at(
                &auth,
                "a",
                2,
                r#"{"level":"WARN","fields":{"message":"connection refused by the authorizer","reason":"expired","request_id":"k9"}}"#,
            ),
        ];
        v[0].event_type = Some("CONNECT".into());
        crate::logs::Correlator::new().apply(&mut v);
        let t = trace(C, &v);
        assert_eq!(t.authorizer.as_ref().map(|a| (a.allowed, a.reason.as_deref())), Some((false, Some("expired"))));
        assert!(t.steps.iter().any(|s| s.kind == StepKind::Authorizer && s.detail == "refused: expired"));
        let none = trace("nobody=", &v);
        assert!(!none.found && none.steps.is_empty() && none.authorizer.is_none());
    }
}
