//! `wsadm logs summary`: per route requests, errors and latency; connects, disconnects and close
//! codes; authorizer rejections by reason; Lambda invocations — from correlated events.

use super::event::{Kind, LogEvent, Source};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RouteSummary {
    pub route: String,
    pub requests: u64,
    /// Requests that failed: status >= 400, an error logged by API Gateway, or a Lambda error/timeout.
    pub errors: u64,
    /// Requests by status code (`"200"`, `"410"`, …).
    pub statuses: BTreeMap<String, u64>,
    /// Integration latency (access log) or, without it, the Lambda duration.
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Connections {
    pub connects: u64,
    /// `$connect` requests answered >= 400 (rejected by the authorizer or the handler).
    pub connect_failures: u64,
    pub disconnects: u64,
    /// Close codes, one per connection: `"1000"`, `"1001"`, `"1006"`, …
    pub close_codes: BTreeMap<String, u64>,
    /// Close code with its reason: `"1001 Going away"`.
    pub close_reasons: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct FunctionSummary {
    pub function: String,
    pub invocations: u64,
    pub errors: u64,
    pub timeouts: u64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_memory_mb: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    pub events: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Where request counts come from: `access`, `execution`, or `none`.
    pub requests_from: &'static str,
    pub routes: Vec<RouteSummary>,
    pub connections: Connections,
    /// Rejections by reason (the authorizer's `reason`, else the access log's error or status).
    pub authorizer_rejections: BTreeMap<String, u64>,
    /// Messages the chat handler refused over the user's rate, by user.
    pub rate_limited: BTreeMap<String, u64>,
    pub functions: Vec<FunctionSummary>,
    /// Events that record a failure of any kind.
    pub failure_events: u64,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    v
}

/// One API Gateway request as the events tell it.
#[derive(Default)]
struct Request {
    route: Option<String>,
    event_type: Option<String>,
    status: Option<u16>,
    latency: Option<f64>,
    lambda_ms: Option<f64>,
    failed: bool,
    counted: bool,
    auth_error: Option<String>,
}

pub fn summarize(events: &[LogEvent]) -> Summary {
    let mut s = Summary {
        events: events.len() as u64,
        first: events.iter().map(|e| e.timestamp_ms).min().map(super::time::iso),
        last: events.iter().map(|e| e.timestamp_ms).max().map(super::time::iso),
        failure_events: events.iter().filter(|e| e.is_failure()).count() as u64,
        ..Default::default()
    };
    let has_access = events.iter().any(|e| e.source == Source::Access && e.kind != Kind::Other);
    s.requests_from = if has_access {
        "access"
    } else if events.iter().any(|e| e.source == Source::Execution) {
        "execution"
    } else {
        "none"
    };

    // Requests by id; access lines without an id are requests of their own.
    let mut requests: HashMap<String, Request> = HashMap::new();
    let mut anonymous: Vec<Request> = Vec::new();
    for e in events {
        let defines = match e.source {
            Source::Access => e.kind != Kind::Other,
            // With an access log, execution lines only add to the requests it counts.
            Source::Execution => !has_access && (e.event_type.is_some() || e.route.is_some()),
            Source::Lambda { .. } => false,
        };
        let r = match &e.request_id {
            Some(id) => requests.entry(id.clone()).or_default(),
            None if defines && e.source == Source::Access => {
                let i = anonymous.len();
                anonymous.push(Request::default());
                &mut anonymous[i]
            }
            None => continue,
        };
        r.counted |= defines;
        if r.route.is_none() {
            r.route.clone_from(&e.route);
        }
        if r.event_type.is_none() {
            r.event_type.clone_from(&e.event_type);
        }
        match e.source {
            Source::Access => {
                r.status = e.status.or(r.status);
                r.latency = e.latency_ms.or(r.latency);
                r.failed |= e.is_failure();
                if e.error.is_some() {
                    r.auth_error.clone_from(&e.error);
                }
            }
            Source::Execution => {
                if r.status.is_none() {
                    r.status = e.status;
                }
                r.failed |= e.status.is_some_and(|s| s >= 400) || e.error.is_some();
            }
            Source::Lambda { .. } => {
                if e.kind == Kind::LambdaReport {
                    r.lambda_ms = e.latency_ms.or(r.lambda_ms);
                    r.failed |= e.error.is_some();
                }
            }
        }
    }

    let mut routes: BTreeMap<String, (RouteSummary, Vec<f64>)> = BTreeMap::new();
    let mut access_rejections: BTreeMap<String, u64> = BTreeMap::new();
    for r in requests.values().chain(anonymous.iter()).filter(|r| r.counted) {
        let name = r.route.clone().unwrap_or_else(|| "(unknown)".into());
        let (rs, lat) =
            routes.entry(name.clone()).or_insert_with(|| (RouteSummary { route: name, ..Default::default() }, vec![]));
        rs.requests += 1;
        let failed = r.failed || r.status.is_some_and(|s| s >= 400);
        rs.errors += u64::from(failed);
        if let Some(st) = r.status {
            *rs.statuses.entry(st.to_string()).or_default() += 1;
        }
        if let Some(l) = r.latency.or(r.lambda_ms) {
            lat.push(l);
        }
        match r.event_type.as_deref() {
            Some("CONNECT") => {
                s.connections.connects += 1;
                if r.status.is_some_and(|s| s >= 400) {
                    s.connections.connect_failures += 1;
                    if matches!(r.status, Some(401 | 403)) {
                        let reason =
                            r.auth_error.clone().unwrap_or_else(|| format!("status {}", r.status.unwrap_or(0)));
                        *access_rejections.entry(reason).or_default() += 1;
                    }
                }
            }
            Some("DISCONNECT") => s.connections.disconnects += 1,
            _ => {}
        }
    }
    s.routes = routes
        .into_values()
        .map(|(mut rs, lat)| {
            let lat = sorted(lat);
            rs.p50_ms = percentile(&lat, 50.0);
            rs.p99_ms = percentile(&lat, 99.0);
            rs.max_ms = lat.last().copied();
            rs
        })
        .collect();

    // Close codes: one per connection (several lines may report the same close).
    let mut closed: HashSet<String> = HashSet::new();
    for e in events.iter().filter(|e| e.close_code.is_some()) {
        if let Some(c) = &e.connection_id {
            if !closed.insert(c.clone()) {
                continue;
            }
        }
        let code = e.close_code.unwrap_or_default().to_string();
        let with_reason = match &e.close_reason {
            Some(r) => format!("{code} {r}"),
            None => code.clone(),
        };
        *s.connections.close_codes.entry(code).or_default() += 1;
        *s.connections.close_reasons.entry(with_reason).or_default() += 1;
    }

    // The authorizer's own reasons when it logged them; else what the access log says.
    let mut seen_auth: HashSet<&str> = HashSet::new();
    for e in events.iter().filter(|e| e.kind == Kind::Authorizer) {
        if e.request_id.as_deref().is_some_and(|r| !seen_auth.insert(r)) {
            continue;
        }
        *s.authorizer_rejections.entry(e.error.clone().unwrap_or_else(|| "unknown".into())).or_default() += 1;
    }
    if s.authorizer_rejections.is_empty() {
        s.authorizer_rejections = access_rejections;
    }

    for e in
        events.iter().filter(|e| e.kind == Kind::Handler && e.error.as_deref() == Some(super::lambda::RATE_LIMITED))
    {
        *s.rate_limited.entry(e.user.clone().unwrap_or_else(|| "unknown".into())).or_default() += 1;
    }

    s.functions = functions(events);
    s
}

fn functions(events: &[LogEvent]) -> Vec<FunctionSummary> {
    #[derive(Default)]
    struct F {
        invocations: HashSet<String>,
        failed: HashSet<String>,
        timeouts: HashSet<String>,
        durations: Vec<f64>,
        memory: Option<u64>,
        anonymous_errors: u64,
    }
    let mut by_fn: BTreeMap<String, F> = BTreeMap::new();
    for e in events {
        let Source::Lambda { function } = &e.source else { continue };
        let f = by_fn.entry(function.clone()).or_default();
        let id = e.lambda_request_id.clone();
        let timeout = e.error.as_deref().is_some_and(|m| m.contains("timed out") || m.starts_with("timeout"));
        if e.kind == Kind::LambdaReport {
            if let Some(id) = &id {
                if !f.invocations.insert(id.clone()) {
                    continue;
                }
            }
            if let Some(d) = e.latency_ms {
                f.durations.push(d);
            }
            if let Some(m) = e.report.as_ref().and_then(|r| r.max_memory_mb) {
                f.memory = Some(f.memory.map_or(m, |x| x.max(m)));
            }
        }
        if matches!(e.kind, Kind::LambdaReport | Kind::LambdaError) && e.error.is_some() {
            match id {
                Some(id) => {
                    if timeout {
                        f.timeouts.insert(id.clone());
                    }
                    f.failed.insert(id);
                }
                None => f.anonymous_errors += 1,
            }
        }
    }
    by_fn
        .into_iter()
        .map(|(function, f)| {
            let d = sorted(f.durations);
            FunctionSummary {
                function,
                invocations: f.invocations.len() as u64,
                errors: f.failed.len() as u64 + f.anonymous_errors,
                timeouts: f.timeouts.len() as u64,
                p50_ms: percentile(&d, 50.0),
                p99_ms: percentile(&d, 99.0),
                max_memory_mb: f.memory,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::access::AccessFormat;
    use crate::logs::event::{Parser, RawEvent};

    fn at(p: &Parser, group: &str, id: usize, msg: &str) -> LogEvent {
        p.parse(
            group,
            RawEvent { stream: "s".into(), event_id: id.to_string(), timestamp_ms: id as i64, message: msg.into() },
        )
    }

    fn access() -> Parser {
        Parser::Access(AccessFormat::compile(
            r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status","integrationLatency":"$context.integrationLatency","authorizerError":"$context.authorizer.error"}"#,
        ))
    }

    fn line(req: &str, conn: &str, et: &str, route: &str, status: u16, lat: &str, auth: &str) -> String {
        format!(
            r#"{{"requestId":"{req}","connectionId":"{conn}","eventType":"{et}","routeKey":"{route}","status":"{status}","integrationLatency":"{lat}","authorizerError":"{auth}"}}"#
        )
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 99.0), Some(99.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&[1.0, 2.0], 50.0), Some(1.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn per_route_requests_errors_latency_and_connections() {
        let a = access();
        let g = "access";
        let mut events = Vec::new();
        let mut n = 0;
        let mut push = |e: &mut Vec<LogEvent>, msg: String, p: &Parser, group: &str| {
            n += 1;
            e.push(at(p, group, n, &msg));
        };
        for i in 0..100 {
            push(
                &mut events,
                line(
                    &format!("m{i}"),
                    "c1",
                    "MESSAGE",
                    "send",
                    if i < 3 { 500 } else { 200 },
                    &(i + 1).to_string(),
                    "-",
                ),
                &a,
                g,
            );
        }
        push(&mut events, line("k1", "c1", "CONNECT", "$connect", 200, "5", "-"), &a, g);
        push(&mut events, line("k2", "c2", "CONNECT", "$connect", 403, "-", "Unauthorized"), &a, g);
        push(&mut events, line("k3", "c3", "CONNECT", "$connect", 401, "-", "-"), &a, g);
        push(&mut events, line("d1", "c1", "DISCONNECT", "$disconnect", 200, "2", "-"), &a, g);
        let x = Parser::Execution;
        let xg = "exec";
        // The execution log repeats the requests: not counted twice.
        push(
            &mut events,
            "(m0) Message from client [Connection Id: c1] sent to API [a] with response status code [500].".into(),
            &x,
            xg,
        );
        push(&mut events, "(d1) Client [Connection Id: c1] disconnected from API [a] with integration response status code [200]. Close reason: [1001: Going away]".into(), &x, xg);
        push(&mut events, r#"{"level":"INFO","fields":{"message":"disconnected","connection_id":"c1","status_code":1001,"reason":"Going away"}}"#.into(), &Parser::Lambda { function: "chat".into() }, "/aws/lambda/chat");
        push(
            &mut events,
            "(x9) Client [Connection Id: c4] disconnected from API [a]. Close reason: [1006: ]".into(),
            &x,
            xg,
        );

        let s = summarize(&events);
        assert_eq!(s.requests_from, "access");
        let send = s.routes.iter().find(|r| r.route == "send").unwrap();
        assert_eq!((send.requests, send.errors), (100, 3));
        assert_eq!(send.statuses.get("500"), Some(&3));
        assert_eq!(send.statuses.get("200"), Some(&97));
        assert_eq!((send.p50_ms, send.p99_ms, send.max_ms), (Some(50.0), Some(99.0), Some(100.0)));
        let connect = s.routes.iter().find(|r| r.route == "$connect").unwrap();
        assert_eq!((connect.requests, connect.errors), (3, 2));
        assert_eq!(s.connections.connects, 3);
        assert_eq!(s.connections.connect_failures, 2);
        assert_eq!(s.connections.disconnects, 1);
        assert_eq!(s.connections.close_codes.get("1001"), Some(&1), "one per connection");
        assert_eq!(s.connections.close_codes.get("1006"), Some(&1));
        assert_eq!(s.connections.close_reasons.get("1001 Going away"), Some(&1));
        assert_eq!(s.authorizer_rejections.get("Unauthorized"), Some(&1));
        assert_eq!(s.authorizer_rejections.get("status 401"), Some(&1));
    }

    #[test]
    fn without_access_logs_requests_come_from_execution_and_lambda() {
        let x = Parser::Execution;
        let l = Parser::Lambda { function: "chat".into() };
        let auth = Parser::Lambda { function: "auth".into() };
        let lid = "6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b";
        let mut events = vec![
            at(&x, "x", 1, "(r1) WebSocket Request Route: [send]"),
            at(
                &x,
                "x",
                2,
                "(r1) Message from client [Connection Id: c1] sent to API [a] with response status code [200].",
            ),
            at(&x, "x", 3, &format!("(r1) AWS Integration Endpoint RequestId : {lid}")),
            at(&l, "l", 4, &format!("REPORT RequestId: {lid}\tDuration: 8.50 ms\tMax Memory Used: 30 MB")),
            at(
                &l,
                "l",
                5,
                "REPORT RequestId: 00000000-0000-4000-8000-000000000001\tDuration: 3000.00 ms\tStatus: timeout",
            ),
            at(
                &auth,
                "a",
                6,
                r#"{"level":"WARN","fields":{"message":"connection refused by the authorizer","reason":"expired","request_id":"k1"}}"#,
            ),
            at(
                &auth,
                "a",
                7,
                r#"{"level":"WARN","fields":{"message":"connection refused by the authorizer","reason":"expired","request_id":"k2"}}"#,
            ),
            at(
                &auth,
                "a",
                8,
                r#"{"level":"WARN","fields":{"message":"connection refused by the authorizer","reason":"bad_signature","request_id":"k3"}}"#,
            ),
        ];
        crate::logs::Correlator::new().apply(&mut events);
        let s = summarize(&events);
        assert_eq!(s.requests_from, "execution");
        assert_eq!(s.routes.len(), 1);
        let send = &s.routes[0];
        assert_eq!((send.route.as_str(), send.requests, send.errors, send.p50_ms), ("send", 1, 0, Some(8.5)));
        assert_eq!(s.authorizer_rejections.get("expired"), Some(&2));
        assert_eq!(s.authorizer_rejections.get("bad_signature"), Some(&1));
        let chat = s.functions.iter().find(|f| f.function == "chat").unwrap();
        assert_eq!((chat.invocations, chat.errors, chat.timeouts, chat.max_memory_mb), (2, 1, 1, Some(30)));
        assert_eq!(chat.p99_ms, Some(3000.0));
        assert_eq!(s.events, 8);
        assert!(s.failure_events >= 4);
    }
}
