//! Context across the events of one request: execution lines share `(requestId)`, Lambda lines
//! share the Lambda request id between START and REPORT, and `AWS Integration Endpoint RequestId`
//! links the two; so a Lambda REPORT caused by connection C carries C and its route.

use super::event::{Kind, LogEvent, Source};
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// Requests (and Lambda invocations, and connections) remembered by default.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// What is known about one request, invocation or connection.
#[derive(Debug, Clone, Default)]
struct Facts {
    request_id: Option<String>,
    connection_id: Option<String>,
    route: Option<String>,
    event_type: Option<String>,
    user: Option<String>,
    source_ip: Option<String>,
    user_agent: Option<String>,
    /// The connection came from API Gateway or the handler's own summary line (which has the route),
    /// not from a line about another connection (a broadcast's failed post names its target).
    strong: bool,
}

/// Whether a line's connection id is the one its request or invocation serves.
fn names_own_connection(e: &LogEvent) -> bool {
    match e.source {
        Source::Access | Source::Execution => true,
        Source::Lambda { .. } => e.kind == Kind::Authorizer || (e.kind == Kind::Handler && e.route.is_some()),
    }
}

fn fill(dst: &mut Option<String>, src: &Option<String>) {
    if dst.is_none() {
        dst.clone_from(src);
    }
}

impl Facts {
    fn take_connection(&mut self, c: &Option<String>, strong: bool) {
        if c.is_some() && strong && !self.strong {
            self.connection_id.clone_from(c);
            self.strong = true;
        } else {
            fill(&mut self.connection_id, c);
        }
    }

    fn learn(&mut self, e: &LogEvent) {
        fill(&mut self.request_id, &e.request_id);
        self.take_connection(&e.connection_id, names_own_connection(e));
        fill(&mut self.route, &e.route);
        fill(&mut self.event_type, &e.event_type);
        fill(&mut self.user, &e.user);
        fill(&mut self.source_ip, &e.source_ip);
        fill(&mut self.user_agent, &e.user_agent);
    }

    fn merge(&mut self, o: &Facts) {
        fill(&mut self.request_id, &o.request_id);
        self.take_connection(&o.connection_id, o.strong);
        fill(&mut self.route, &o.route);
        fill(&mut self.event_type, &o.event_type);
        fill(&mut self.user, &o.user);
        fill(&mut self.source_ip, &o.source_ip);
        fill(&mut self.user_agent, &o.user_agent);
    }

    fn apply(&self, e: &mut LogEvent) {
        fill(&mut e.request_id, &self.request_id);
        fill(&mut e.connection_id, &self.connection_id);
        fill(&mut e.route, &self.route);
        fill(&mut e.event_type, &self.event_type);
        fill(&mut e.user, &self.user);
        fill(&mut e.source_ip, &self.source_ip);
        fill(&mut e.user_agent, &self.user_agent);
    }
}

/// A map that forgets its oldest keys beyond a capacity.
#[derive(Debug)]
struct Bounded<K, V> {
    map: HashMap<K, V>,
    order: VecDeque<K>,
    cap: usize,
}

impl<K: Hash + Eq + Clone, V: Default> Bounded<K, V> {
    fn new(cap: usize) -> Self {
        Bounded { map: HashMap::new(), order: VecDeque::new(), cap: cap.max(1) }
    }

    fn entry(&mut self, k: &K) -> &mut V {
        // The common case (a key seen before) clones nothing.
        if self.map.contains_key(k) {
            return self.map.get_mut(k).expect("present");
        }
        {
            while self.map.len() >= self.cap {
                match self.order.pop_front() {
                    Some(old) => {
                        self.map.remove(&old);
                    }
                    None => break,
                }
            }
            self.order.push_back(k.clone());
        }
        self.map.entry(k.clone()).or_default()
    }

    fn get(&self, k: &K) -> Option<&V> {
        self.map.get(k)
    }
}

/// Fills in request, connection, route and user across events, batch after batch (`--follow`).
#[derive(Debug)]
pub struct Correlator {
    requests: Bounded<String, Facts>,
    lambdas: Bounded<String, Facts>,
    /// The user of each connection, for lines of its later requests.
    users: Bounded<String, Option<String>>,
    /// The invocation in progress in each Lambda log stream (one at a time per stream).
    active: Bounded<(String, String), Option<String>>,
}

impl Default for Correlator {
    fn default() -> Self {
        Correlator::with_capacity(DEFAULT_CAPACITY)
    }
}

impl Correlator {
    pub fn new() -> Self {
        Correlator::default()
    }

    /// Remembers at most `cap` requests, `cap` invocations and `cap` connections, oldest forgotten first.
    pub fn with_capacity(cap: usize) -> Self {
        Correlator {
            requests: Bounded::new(cap),
            lambdas: Bounded::new(cap),
            users: Bounded::new(cap),
            active: Bounded::new(cap),
        }
    }

    /// Requests currently remembered.
    pub fn tracked_requests(&self) -> usize {
        self.requests.map.len()
    }

    /// Correlates a time-ordered batch in place: first learns from every event (a START comes
    /// before the handler line that names the connection), then fills in what each event lacks.
    /// Fields an event already has are never overwritten.
    pub fn apply(&mut self, events: &mut [LogEvent]) {
        let mut touched: Vec<String> = Vec::new();
        for e in events.iter_mut() {
            if let Source::Lambda { .. } = e.source {
                self.track_invocation(e);
            }
            if let Some(r) = &e.request_id {
                self.requests.entry(r).learn(e);
            }
            if let Some(l) = &e.lambda_request_id {
                self.lambdas.entry(l).learn(e);
                touched.push(l.clone());
            }
            self.remember_user(e);
        }
        // Join each invocation with its API Gateway request, both ways.
        touched.sort();
        touched.dedup();
        for l in touched {
            let Some(lf) = self.lambdas.get(&l).cloned() else { continue };
            let Some(r) = lf.request_id.clone() else { continue };
            let rf = self.requests.entry(&r);
            rf.merge(&lf);
            let rf = rf.clone();
            self.lambdas.entry(&l).merge(&rf);
        }
        for e in events.iter_mut() {
            let (had_connection, had_user) = (e.connection_id.clone(), e.user.is_some());
            let mut facts_connection = None;
            if let Some(lf) = e.lambda_request_id.as_ref().and_then(|l| self.lambdas.get(l)) {
                lf.apply(e);
                facts_connection = lf.connection_id.clone();
            }
            if let Some(rf) = e.request_id.as_ref().and_then(|r| self.requests.get(r)) {
                rf.apply(e);
                facts_connection = rf.connection_id.clone().or(facts_connection);
            }
            // A user borrowed from a request belongs to that request's connection only.
            if had_user || had_connection.is_none() || had_connection == facts_connection {
                self.remember_user(e);
            }
        }
        // Users known only now (through a request's facts) reach the connection's other lines.
        for e in events.iter_mut() {
            if e.user.is_none() {
                if let Some(Some(u)) = e.connection_id.as_ref().and_then(|c| self.users.get(c)) {
                    e.user = Some(u.clone());
                }
            }
        }
    }

    fn remember_user(&mut self, e: &LogEvent) {
        if let (Some(c), Some(u)) = (&e.connection_id, &e.user) {
            let slot = self.users.entry(c);
            if slot.is_none() {
                *slot = Some(u.clone());
            }
        }
    }

    /// Gives lines between START and REPORT in one stream the invocation's request id.
    fn track_invocation(&mut self, e: &mut LogEvent) {
        let key = (e.group.clone(), e.stream.clone());
        match e.kind {
            Kind::LambdaStart => *self.active.entry(&key) = e.lambda_request_id.clone(),
            Kind::LambdaReport => {
                if e.lambda_request_id.is_none() {
                    e.lambda_request_id = self.active.get(&key).cloned().flatten();
                }
                // Kept as an empty slot (not removed) so the eviction order stays exact.
                *self.active.entry(&key) = None;
            }
            _ => {
                if e.lambda_request_id.is_none() {
                    e.lambda_request_id = self.active.get(&key).cloned().flatten();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::access::AccessFormat;
    use crate::logs::event::{Parser, RawEvent};

    const R: &str = "XfGLwFTktjMFsLg=";
    const C: &str = "XfGLwdb4IAMCF-w=";
    const L: &str = "6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b";
    const LA: &str = "0a0a0a0a-1111-4e8f-9a1b-2c3d4e5f6a7b";

    fn ev(p: &Parser, group: &str, stream: &str, ts: i64, msg: &str) -> LogEvent {
        p.parse(
            group,
            RawEvent { stream: stream.into(), event_id: ts.to_string(), timestamp_ms: ts, message: msg.into() },
        )
    }

    fn chat() -> Parser {
        Parser::Lambda { function: "chat".into() }
    }

    /// A `send` message: execution lines, the handler's invocation, the access line.
    fn message_request() -> Vec<LogEvent> {
        let x = Parser::Execution;
        let g = "API-Gateway-Execution-Logs_abc/prod";
        let lg = "/aws/lambda/chat";
        let access = Parser::Access(AccessFormat::compile(
            r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","routeKey":"$context.routeKey","status":"$context.status"}"#,
        ));
        vec![
            ev(
                &x,
                g,
                "e1",
                1,
                &format!("({R}) WebSocket API [abc] received message from client [Connection Id: {C}]."),
            ),
            ev(&x, g, "e1", 2, &format!("({R}) WebSocket Request Route: [send]")),
            ev(&chat(), lg, "2026/11/29/[$LATEST]a", 3, &format!("START RequestId: {L} Version: $LATEST")),
            ev(
                &chat(),
                lg,
                "2026/11/29/[$LATEST]a",
                4,
                r#"{"level":"INFO","fields":{"message":"joined","room":"lobby"},"target":"wsadm_handler::chat"}"#,
            ),
            ev(&chat(), lg, "2026/11/29/[$LATEST]a", 5, &format!("END RequestId: {L}")),
            ev(&chat(), lg, "2026/11/29/[$LATEST]a", 6, &format!("REPORT RequestId: {L}\tDuration: 4.20 ms")),
            ev(&x, g, "e1", 7, &format!("({R}) AWS Integration Endpoint RequestId : {L}")),
            ev(
                &x,
                g,
                "e1",
                8,
                &format!(
                    "({R}) Message from client [Connection Id: {C}] sent to API [abc] with response status code [200]."
                ),
            ),
            ev(
                &access,
                "access",
                "a",
                9,
                &format!(r#"{{"requestId":"{R}","connectionId":"{C}","routeKey":"send","status":"200"}}"#),
            ),
        ]
    }

    #[test]
    fn lambda_lines_get_the_connection_and_route_of_their_request() {
        let mut events = message_request();
        assert!(events[2].connection_id.is_none() && events[5].route.is_none());
        Correlator::new().apply(&mut events);
        for e in &events {
            assert_eq!(e.connection_id.as_deref(), Some(C), "{}", e.message);
            assert_eq!(e.request_id.as_deref(), Some(R), "{}", e.message);
            assert_eq!(e.route.as_deref(), Some("send"), "{}", e.message);
        }
        // The handler line between START and END takes the invocation's id from its stream.
        assert_eq!(events[3].lambda_request_id.as_deref(), Some(L));
        assert_eq!(events[0].lambda_request_id, None, "execution lines keep their own ids");
    }

    #[test]
    fn facts_carry_across_batches_and_never_overwrite() {
        let mut events = message_request();
        let (first, second) = events.split_at_mut(6);
        let mut c = Correlator::new();
        c.apply(first);
        // The Lambda lines could not know the connection yet: the link comes later.
        assert!(first[5].connection_id.is_none());
        c.apply(second);
        assert_eq!(second[0].connection_id.as_deref(), Some(C));
        // A late copy of the REPORT (follow mode's look-back) now gets it.
        let mut late = vec![first[5].clone()];
        c.apply(&mut late);
        assert_eq!(late[0].connection_id.as_deref(), Some(C));
        assert_eq!(late[0].route.as_deref(), Some("send"));

        let mut other = vec![first[0].clone()];
        other[0].route = Some("mine".into());
        c.apply(&mut other);
        assert_eq!(other[0].route.as_deref(), Some("mine"));
    }

    #[test]
    fn the_authorizer_invocation_joins_its_connect_request_and_users_spread_by_connection() {
        let x = Parser::Execution;
        let auth = Parser::Lambda { function: "authorizer".into() };
        let g = "x";
        let ag = "/aws/lambda/authorizer";
        let mut events = vec![
            ev(&auth, ag, "s", 1, &format!("START RequestId: {LA} Version: $LATEST")),
            ev(
                &auth,
                ag,
                "s",
                2,
                &format!(
                    r#"{{"level":"INFO","fields":{{"message":"allowed","user":"alice","request_id":"{R}"}},"target":"wsadm_handler::auth"}}"#
                ),
            ),
            ev(&auth, ag, "s", 3, &format!("REPORT RequestId: {LA}\tDuration: 1.00 ms")),
            ev(&x, g, "e", 4, &format!("({R}) WebSocket Request Route: [$connect]")),
            ev(&x, g, "e", 5, &format!("({R}) Client [Connection Id: {C}] connected to API [abc] successfully.")),
            ev(
                &x,
                g,
                "e",
                6,
                &format!(
                    "(R2=) Message from client [Connection Id: {C}] sent to API [abc] with response status code [200]."
                ),
            ),
        ];
        Correlator::new().apply(&mut events);
        assert_eq!(events[0].connection_id.as_deref(), Some(C));
        assert_eq!(events[2].route.as_deref(), Some("$connect"));
        assert_eq!(events[4].user.as_deref(), Some("alice"));
        assert_eq!(events[5].user.as_deref(), Some("alice"), "a later request of the same connection");
        assert_eq!(events[5].route, None, "another request's route is not borrowed");
    }

    #[test]
    fn execution_failures_learn_the_connection_from_the_handler() {
        // At ERROR level the execution log has no connection line: only the handler names it.
        let x = Parser::Execution;
        let lg = "/aws/lambda/chat";
        let st = "2026/11/29/[$LATEST]b";
        let mut events = vec![
            ev(&chat(), lg, st, 1, &format!("START RequestId: {L} Version: $LATEST")),
            ev(
                &chat(),
                lg,
                st,
                2,
                &format!(
                    r#"{{"level":"INFO","fields":{{"message":"handled","connection_id":"{C}","route":"send","user":"bob","status":500}}}}"#
                ),
            ),
            ev(&chat(), lg, st, 3, &format!("REPORT RequestId: {L}\tDuration: 2.00 ms")),
            ev(&x, "x", "e", 4, &format!("({R}) AWS Integration Endpoint RequestId : {L}")),
            ev(&x, "x", "e", 5, &format!("({R}) Execution failed: Internal server error")),
        ];
        Correlator::new().apply(&mut events);
        let failed = &events[4];
        assert_eq!(failed.connection_id.as_deref(), Some(C));
        assert_eq!(failed.route.as_deref(), Some("send"));
        assert_eq!(failed.user.as_deref(), Some("bob"));
        assert_eq!(events[0].request_id.as_deref(), Some(R));
    }

    #[test]
    fn lines_about_other_connections_do_not_take_over_the_invocation() {
        // A broadcast from C: the handler logs a failed post to D before its summary line.
        let x = Parser::Execution;
        let (lg, st) = ("/aws/lambda/chat", "s");
        let mut events = vec![
            ev(&x, "x", "e", 1, &format!("({R}) WebSocket API [a] received message from client [Connection Id: {C}].")),
            ev(&chat(), lg, st, 2, &format!("START RequestId: {L} Version: $LATEST")),
            ev(
                &chat(),
                lg,
                st,
                3,
                r#"{"level":"WARN","fields":{"message":"post failed","connection_id":"D=","error":"410"}}"#,
            ),
            ev(
                &chat(),
                lg,
                st,
                4,
                &format!(
                    r#"{{"level":"INFO","fields":{{"message":"handled","connection_id":"{C}","route":"send","user":"alice","status":200}}}}"#
                ),
            ),
            ev(&chat(), lg, st, 5, &format!("REPORT RequestId: {L}\tDuration: 9.00 ms")),
            ev(&x, "x", "e", 6, "(R2=) Client [Connection Id: D=] disconnected from API [a]. Close reason: [1006: ]"),
        ];
        Correlator::new().apply(&mut events);
        assert_eq!(events[1].connection_id.as_deref(), Some(C));
        assert_eq!(events[4].connection_id.as_deref(), Some(C));
        assert_eq!(events[2].connection_id.as_deref(), Some("D="), "a line keeps its own connection");
        assert_eq!(events[5].user, None, "alice's user is not lent to D");
    }

    #[test]
    fn memory_is_bounded() {
        let mut c = Correlator::with_capacity(10);
        let mut events: Vec<LogEvent> = (0..100)
            .map(|i| {
                ev(
                    &Parser::Execution,
                    "g",
                    "s",
                    i,
                    &format!("(r{i}) Client [Connection Id: c{i}] connected to API [a] successfully."),
                )
            })
            .collect();
        c.apply(&mut events);
        assert_eq!(c.tracked_requests(), 10);
        // The newest are kept, the oldest forgotten.
        let mut probe =
            vec![ev(&Parser::Execution, "g", "s", 200, "(r99) x"), ev(&Parser::Execution, "g", "s", 201, "(r0) x")];
        c.apply(&mut probe);
        assert_eq!(probe[0].connection_id.as_deref(), Some("c99"));
        assert_eq!(probe[1].connection_id, None);
    }
}
