//! The chat backend: `$connect`, `$disconnect`, and the message routes (`join`, `leave`,
//! `send`, `ping`, `whoami`, `$default`), as pure functions over [`Store`], [`Gateway`], [`Clock`].
//!
//! Replies to the sender travel in the integration response body (the routes have a route
//! response); fan-out goes through @connections. Client mistakes get an error frame and a 200,
//! never a 5xx; only a failing store or gateway is a 5xx.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `WSADM_TABLE` | the session table | required |
//! | `WSADM_ALLOW_ANONYMOUS` | accept connections without an authorizer user (`true`/`false`) | false |
//! | `WSADM_MAX_CONNECTIONS_PER_USER` | per-user connection cap (0 = none) | 10 |
//! | `WSADM_MAX_TEXT_BYTES` | largest `send` text | 4096 |
//! | `WSADM_FANOUT_CONCURRENCY` | @connections calls in flight per `send` | 32 |
//! | `WSADM_MANAGEMENT_ENDPOINT` | @connections endpoint (default `https://{domainName}/{stage}` from the event) | |

use crate::ports::{Clock, Gateway, Store};
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use wsadm_core::connections::ConnError;
use wsadm_core::store::{validate_room, PutError, Session, TOUCH_INTERVAL_MS};

pub const ACTIONS: &[&str] = &["join", "leave", "send", "ping", "whoami"];

#[derive(Debug, Clone, PartialEq)]
pub struct ChatConfig {
    pub allow_anonymous: bool,
    pub max_connections_per_user: u64,
    pub max_text_bytes: usize,
    pub fanout_concurrency: usize,
    pub management_endpoint: Option<String>,
}

impl Default for ChatConfig {
    fn default() -> Self {
        ChatConfig {
            allow_anonymous: false,
            max_connections_per_user: 10,
            max_text_bytes: 4096,
            fanout_concurrency: 32,
            management_endpoint: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

fn parse<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match get(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError { name, message: format!("cannot parse `{v}`") }),
    }
}

impl ChatConfig {
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let d = ChatConfig::default();
        let cfg = ChatConfig {
            allow_anonymous: parse(&get, "WSADM_ALLOW_ANONYMOUS", d.allow_anonymous)?,
            max_connections_per_user: parse(&get, "WSADM_MAX_CONNECTIONS_PER_USER", d.max_connections_per_user)?,
            max_text_bytes: parse(&get, "WSADM_MAX_TEXT_BYTES", d.max_text_bytes)?,
            fanout_concurrency: parse(&get, "WSADM_FANOUT_CONCURRENCY", d.fanout_concurrency)?,
            management_endpoint: get("WSADM_MANAGEMENT_ENDPOINT").filter(|v| !v.is_empty()),
        };
        if cfg.fanout_concurrency == 0 {
            return Err(ConfigError { name: "WSADM_FANOUT_CONCURRENCY", message: "must be at least 1".into() });
        }
        Ok(cfg)
    }
}

/// What a handler returns: the integration response.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Option<String>,
}

impl Reply {
    fn ok(body: Value) -> Self {
        Reply { status: 200, body: Some(body.to_string()) }
    }
    fn empty(status: u16) -> Self {
        Reply { status, body: None }
    }
    fn client_error(code: &str, message: impl Into<String>) -> Self {
        Reply::ok(json!({ "type": "error", "error": code, "message": message.into() }))
    }
    fn server_error(message: &str) -> Self {
        Reply {
            status: 500,
            body: Some(json!({ "type": "error", "error": "unavailable", "message": message }).to_string()),
        }
    }

    pub fn into_response(self) -> aws_lambda_events::apigw::ApiGatewayProxyResponse {
        let mut r = aws_lambda_events::apigw::ApiGatewayProxyResponse::default();
        r.status_code = self.status as i64;
        r.body = self.body.map(aws_lambda_events::encodings::Body::Text);
        r
    }
}

/// Fan-out result of one `send`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fanout {
    pub delivered: usize,
    pub gone: usize,
    pub failed: usize,
}

#[derive(Deserialize)]
struct Incoming {
    action: Option<String>,
    room: Option<Value>,
    text: Option<Value>,
}

pub struct Chat<S, G, C> {
    pub store: S,
    pub gateway: G,
    pub clock: C,
    pub config: ChatConfig,
    /// Last lastSeenAt write per connection in this process, so most messages skip the write.
    touched: Mutex<HashMap<String, i64>>,
}

const TOUCH_CACHE_MAX: usize = 50_000;

/// The user the authorizer vouched for: `userId` from its context, else the principal id.
pub fn authorizer_user(ev: &ApiGatewayWebsocketProxyRequest) -> Option<String> {
    let a = &ev.request_context.authorizer;
    let pick = |m: &dyn Fn(&str) -> Option<Value>| {
        ["userId", "principalId"].iter().find_map(|k| m(k)).and_then(|v| match v {
            Value::String(s) if !s.is_empty() => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    pick(&|k| a.other.get(k).cloned()).or_else(|| pick(&|k| a.fields.get(k).cloned()))
}

impl<S: Store, G: Gateway, C: Clock> Chat<S, G, C> {
    pub fn new(store: S, gateway: G, clock: C, config: ChatConfig) -> Self {
        Chat { store, gateway, clock, config, touched: Mutex::new(HashMap::new()) }
    }

    /// Entry point for every WebSocket event.
    pub async fn handle(&self, ev: &ApiGatewayWebsocketProxyRequest) -> Reply {
        let started = Instant::now();
        let ctx = &ev.request_context;
        let connection_id = ctx.connection_id.clone().unwrap_or_default();
        let route = ctx.route_key.clone().unwrap_or_default();
        let reply = if connection_id.is_empty() {
            Reply::client_error("bad_request", "event without a connection id")
        } else {
            match ctx.event_type.as_deref() {
                Some("CONNECT") => self.connect(ev, &connection_id).await,
                Some("DISCONNECT") => self.disconnect(ev, &connection_id).await,
                _ => self.message(ev, &connection_id, &route).await,
            }
        };
        tracing::info!(
            connection_id = %connection_id,
            route = %route,
            user = %authorizer_user(ev).unwrap_or_default(),
            status = reply.status,
            latency_ms = started.elapsed().as_millis() as u64,
            "handled"
        );
        reply
    }

    async fn connect(&self, ev: &ApiGatewayWebsocketProxyRequest, connection_id: &str) -> Reply {
        let ctx = &ev.request_context;
        let user = match authorizer_user(ev) {
            Some(u) => u,
            None if self.config.allow_anonymous => {
                format!("anon-{}", connection_id.chars().take(8).collect::<String>())
            }
            None => {
                tracing::warn!(connection_id, "rejected: no authorizer user and anonymous connections are off");
                return Reply::empty(401);
            }
        };
        let room = ev.query_string_parameters.first("room").map(str::to_string);
        if let Some(r) = &room {
            if validate_room(r).is_err() {
                tracing::warn!(connection_id, "rejected: invalid room in ?room=");
                return Reply::empty(400);
            }
        }
        if self.config.max_connections_per_user > 0 {
            match self.store.count_by_user(&user).await {
                Ok(n) if n >= self.config.max_connections_per_user => {
                    tracing::warn!(connection_id, user = %user, open = n, "rejected: per-user connection cap reached");
                    return Reply::empty(429);
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(connection_id, error = %e, "session store unavailable");
                    return Reply::empty(500);
                }
            }
        }
        let now = self.clock.now_ms();
        let connected_at = if ctx.connected_at > 0 { ctx.connected_at } else { now };
        let mut session = Session::new(connection_id, &user, connected_at);
        session.source_ip = ctx.identity.source_ip.clone();
        session.user_agent = ctx.identity.user_agent.clone();
        session.stage = ctx.stage.clone();
        session.rooms.extend(room);
        match self.store.put_session(&session).await {
            Ok(()) => Reply::empty(200),
            Err(PutError::Exists(_)) => {
                tracing::error!(connection_id, "a session record with this connection id exists already");
                Reply::empty(409)
            }
            Err(PutError::Store(e)) => {
                tracing::error!(connection_id, error = %e, "session store unavailable");
                Reply::empty(500)
            }
        }
    }

    async fn disconnect(&self, ev: &ApiGatewayWebsocketProxyRequest, connection_id: &str) -> Reply {
        let ctx = &ev.request_context;
        tracing::info!(
            connection_id,
            status_code = ctx.disconnect_status_code.unwrap_or_default(),
            reason = %ctx.disconnect_reason.as_deref().unwrap_or(""),
            "disconnected"
        );
        self.touched.lock().unwrap_or_else(|e| e.into_inner()).remove(connection_id);
        match self.store.delete(connection_id).await {
            Ok(_) => Reply::empty(200),
            Err(e) => {
                tracing::error!(connection_id, error = %e, "could not remove the session record");
                Reply::empty(500)
            }
        }
    }

    fn endpoint(&self, ev: &ApiGatewayWebsocketProxyRequest) -> String {
        if let Some(e) = &self.config.management_endpoint {
            return e.clone();
        }
        let ctx = &ev.request_context;
        format!(
            "https://{}/{}",
            ctx.domain_name.as_deref().unwrap_or_default(),
            ctx.stage.as_deref().unwrap_or_default()
        )
    }

    async fn touch(&self, connection_id: &str, now: i64) {
        {
            let mut t = self.touched.lock().unwrap_or_else(|e| e.into_inner());
            if t.get(connection_id).is_some_and(|last| now - last < TOUCH_INTERVAL_MS) {
                return;
            }
            if t.len() >= TOUCH_CACHE_MAX {
                t.clear();
            }
            t.insert(connection_id.to_string(), now);
        }
        if let Err(e) = self.store.touch(connection_id, now).await {
            tracing::warn!(connection_id, error = %e, "could not update lastSeenAt");
        }
    }

    async fn message(&self, ev: &ApiGatewayWebsocketProxyRequest, connection_id: &str, route: &str) -> Reply {
        let now = self.clock.now_ms();
        self.touch(connection_id, now).await;
        let body = ev.body.as_deref().unwrap_or("");
        let msg: Incoming = match serde_json::from_str::<Value>(body) {
            Ok(v @ Value::Object(_)) => match serde_json::from_value(v) {
                Ok(m) => m,
                Err(_) => return Reply::client_error("bad_request", "fields have the wrong type"),
            },
            _ => return Reply::client_error("bad_request", "messages are JSON objects like {\"action\":\"ping\"}"),
        };
        let action = match route {
            "" | "$default" => msg.action.clone().unwrap_or_default(),
            r => r.to_string(),
        };
        if route == "$default" || !ACTIONS.contains(&action.as_str()) {
            return Reply::ok(json!({
                "type": "error",
                "error": "unknown_action",
                "message": format!("unknown action `{}`", msg.action.as_deref().unwrap_or("")),
                "validActions": ACTIONS,
            }));
        }
        match action.as_str() {
            "ping" => Reply::ok(json!({ "type": "pong", "ts": now })),
            "whoami" => match self.store.get(connection_id).await {
                Ok(Some(s)) => Reply::ok(json!({
                    "type": "whoami", "connectionId": s.connection_id, "userId": s.user_id,
                    "rooms": s.rooms, "connectedAt": s.connected_at,
                })),
                Ok(None) => Reply::client_error("no_session", "this connection has no session record"),
                Err(e) => self.unavailable(connection_id, e),
            },
            "join" | "leave" => {
                let room = match room_of(&msg) {
                    Ok(r) => r,
                    Err(reply) => return reply,
                };
                let res = if action == "join" {
                    self.store.join(connection_id, &room, now).await
                } else {
                    self.store.leave(connection_id, &room).await
                };
                match res {
                    Ok(s) => Reply::ok(json!({
                        "type": if action == "join" { "joined" } else { "left" }, "room": room, "rooms": s.rooms,
                    })),
                    Err(wsadm_core::Error::Invalid { message, .. }) => Reply::client_error("no_session", message),
                    Err(e) => self.unavailable(connection_id, e),
                }
            }
            _ => self.send(ev, connection_id, &msg, now).await,
        }
    }

    fn unavailable(&self, connection_id: &str, e: wsadm_core::Error) -> Reply {
        tracing::error!(connection_id, error = %e, "session store unavailable");
        Reply::server_error("the session store is unavailable; try again")
    }

    async fn send(&self, ev: &ApiGatewayWebsocketProxyRequest, sender: &str, msg: &Incoming, now: i64) -> Reply {
        let room = match room_of(msg) {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        let text = match &msg.text {
            Some(Value::String(t)) => t.clone(),
            Some(_) => return Reply::client_error("bad_request", "`text` must be a string"),
            None => return Reply::client_error("bad_request", "`send` needs {\"room\": ..., \"text\": ...}"),
        };
        if text.len() > self.config.max_text_bytes {
            return Reply::client_error("too_large", format!("text is over {} bytes", self.config.max_text_bytes));
        }
        let me = match self.store.get(sender).await {
            Ok(Some(s)) => s,
            Ok(None) => return Reply::client_error("no_session", "this connection has no session record"),
            Err(e) => return self.unavailable(sender, e),
        };
        if !me.rooms.contains(&room) {
            return Reply::client_error("not_in_room", format!("join `{room}` before sending to it"));
        }
        let frame = json!({
            "type": "message", "room": room, "from": me.user_id, "text": text, "ts": now,
            "id": ev.request_context.message_id,
        })
        .to_string();
        match self.fanout(ev, sender, &room, frame.as_bytes()).await {
            Ok(f) => Reply::ok(json!({
                "type": "sent", "room": room, "delivered": f.delivered, "gone": f.gone, "failed": f.failed,
            })),
            Err(e) => self.unavailable(sender, e),
        }
    }

    /// Posts `data` to every member of `room` but the sender, with bounded concurrency.
    /// A 410 deletes THAT member's stale record; throttling is retried briefly.
    pub async fn fanout(
        &self,
        ev: &ApiGatewayWebsocketProxyRequest,
        sender: &str,
        room: &str,
        data: &[u8],
    ) -> Result<Fanout, wsadm_core::Error> {
        let endpoint = self.endpoint(ev);
        let mut total = Fanout::default();
        let mut pages = self.store.room_members(room);
        while let Some(page) = pages.try_next().await? {
            let results: Vec<Result<(), ConnError>> = futures::stream::iter(page.into_iter().filter(|id| id != sender))
                .map(|id| {
                    let endpoint = &endpoint;
                    async move {
                        let r = self.post_with_retry(endpoint, &id, data).await;
                        if r == Err(ConnError::Gone) {
                            if let Err(e) = self.store.delete(&id).await {
                                tracing::warn!(connection_id = %id, error = %e, "could not delete a stale record");
                            }
                        } else if let Err(e) = &r {
                            tracing::warn!(connection_id = %id, error = %e, "post failed");
                        }
                        r
                    }
                })
                .buffer_unordered(self.config.fanout_concurrency)
                .collect()
                .await;
            for r in results {
                match r {
                    Ok(()) => total.delivered += 1,
                    Err(ConnError::Gone) => total.gone += 1,
                    Err(_) => total.failed += 1,
                }
            }
        }
        Ok(total)
    }

    async fn post_with_retry(&self, endpoint: &str, id: &str, data: &[u8]) -> Result<(), ConnError> {
        let mut attempt = 0u32;
        loop {
            match self.gateway.post(endpoint, id, data).await {
                Err(e) if e.is_retryable() && attempt < 2 => {
                    attempt += 1;
                    let base = 50u64 << attempt;
                    tokio::time::sleep(Duration::from_millis(base / 2 + rand::random::<u64>() % base)).await;
                }
                r => return r,
            }
        }
    }
}

fn room_of(msg: &Incoming) -> Result<String, Reply> {
    match &msg.room {
        Some(Value::String(r)) => match validate_room(r) {
            Ok(()) => Ok(r.clone()),
            Err(e) => Err(Reply::client_error("invalid_room", e.to_string())),
        },
        _ => Err(Reply::client_error("bad_request", "this action needs a `room` string")),
    }
}
