//! The chat backend: `$connect`, `$disconnect`, and the message routes (`join`, `leave`,
//! `send`, `ping`, `whoami`, `$default`), as pure functions over [`Store`], [`Gateway`], [`Clock`].
//!
//! Replies to the sender travel in the integration response body (the routes have a route
//! response); fan-out goes through @connections. Client mistakes get an error frame and a 200,
//! never a 5xx; only a failing store or gateway is a 5xx, with a generic frame (the detail is in
//! the log line). Each event logs one `handled` line with its status, request id and notes
//! (`rate_limited`, `reason`, `error`).
//!
//! Modules: [`config`] (the variables below), [`rooms`] (who may enter which room), [`reply`]
//! (answers and log notes), `send` (the budget check and the fan-out), `members` (a room's
//! members kept between messages while its membership version is unchanged).
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `WSADM_TABLE` | the session table | required |
//! | `WSADM_ALLOW_ANONYMOUS` | accept connections without an authorizer user (`true`/`false`); each is user `anon-<connection id>` | false |
//! | `WSADM_MAX_CONNECTIONS_PER_USER` | per-user connection cap, exact under concurrency (0 = none; at most 1000) | 10 |
//! | `WSADM_MAX_TEXT_BYTES` | largest `send` text (1-32768; above is refused at start) | 4096 |
//! | `WSADM_FANOUT_CONCURRENCY` | @connections calls in flight per `send` (1-1024) | 32 |
//! | `WSADM_MANAGEMENT_ENDPOINT` | @connections endpoint (default `https://{domainName}/{stage}` from the event); `{domainName}`, `{stage}` and `{apiId}` are replaced by the event's | |
//! | `WSADM_PUBLIC_ROOMS` | rooms anyone may join: comma list of names, `prefix*`, or `*` (every room); set but empty = none; `dm:` rooms are never public | `*` |
//! | `WSADM_MAX_ROOMS_PER_CONNECTION` | rooms one connection may be in (1-100), a condition on the write | 20 |
//! | `WSADM_USER_RATE` | `send` messages per second per user, over all their connections (0 = off) | 10 |
//! | `WSADM_USER_BURST` | the most `send`s a user may make at once | 20 |
//!
//! Besides public rooms, a user may join the rooms the authorizer grants (context key `rooms`,
//! comma-joined, from the token claim named by the authorizer's `WSADM_ROOMS_CLAIM`), and the
//! direct rooms `dm:<a>:<b>` they are `a` or `b` of. A refused join answers
//! `{"type":"error","error":"room_forbidden","room":...}` and records nothing; a refused
//! `?room=` refuses the connect (403).

pub mod config;
mod members;
pub mod reply;
pub mod rooms;
mod send;

pub use config::{ChatConfig, ConfigError};
pub use reply::{Note, Reply};
pub use send::Fanout;

use crate::ports::{Clock, Gateway, Store};
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use wsadm_core::store::{validate_room, PutError, RoomError, Session, TOUCH_INTERVAL_MS};

pub const ACTIONS: &[&str] = &["join", "leave", "send", "ping", "whoami"];
/// The longest user id a session may carry.
const MAX_USER_BYTES: usize = 128;

#[derive(Deserialize)]
pub(crate) struct Incoming {
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
    members: members::MemberCache,
}

const TOUCH_CACHE_MAX: usize = 50_000;

/// A value of the authorizer's context (a Lambda authorizer's context arrives flattened or
/// under `lambda`, depending on the event's producer).
fn authorizer_value(ev: &ApiGatewayWebsocketProxyRequest, key: &str) -> Option<Value> {
    let a = &ev.request_context.authorizer;
    a.other.get(key).or_else(|| a.fields.get(key)).cloned()
}

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

/// The name of an anonymous user: the whole connection id, so no two connections share one.
pub fn anonymous_user(connection_id: &str) -> String {
    format!("anon-{connection_id}")
}

impl<S: Store, G: Gateway, C: Clock> Chat<S, G, C> {
    pub fn new(store: S, gateway: G, clock: C, config: ChatConfig) -> Self {
        Chat { store, gateway, clock, config, touched: Mutex::new(HashMap::new()), members: Default::default() }
    }

    /// Entry point for every WebSocket event.
    pub async fn handle(&self, ev: &ApiGatewayWebsocketProxyRequest) -> Reply {
        let started = Instant::now();
        let ctx = &ev.request_context;
        let connection_id = ctx.connection_id.clone().unwrap_or_default();
        let route = ctx.route_key.clone().unwrap_or_default();
        let request_id = ctx.request_id.clone().unwrap_or_default();
        let reply = if connection_id.is_empty() {
            Reply::client_error("bad_request", "event without a connection id")
        } else {
            match ctx.event_type.as_deref() {
                Some("CONNECT") => self.connect(ev, &connection_id).await,
                Some("DISCONNECT") => self.disconnect(ev, &connection_id).await,
                _ => self.message(ev, &connection_id, &route).await,
            }
        }
        .with_request_id(&request_id);
        macro_rules! handled {
            ($level:ident) => {
                tracing::$level!(
                    connection_id = %connection_id,
                    route = %route,
                    user = %authorizer_user(ev).unwrap_or_default(),
                    request_id = %request_id,
                    status = reply.status,
                    latency_ms = started.elapsed().as_millis() as u64,
                    rate_limited = reply.note.rate_limited,
                    reason = reply.note.reason.as_deref(),
                    error = reply.note.error.as_deref(),
                    "handled"
                )
            };
        }
        if reply.status >= 500 {
            handled!(error);
        } else if reply.note.reason.is_some() || reply.note.rate_limited {
            handled!(warn);
        } else {
            handled!(info);
        }
        reply
    }

    async fn connect(&self, ev: &ApiGatewayWebsocketProxyRequest, connection_id: &str) -> Reply {
        let ctx = &ev.request_context;
        let user = match authorizer_user(ev) {
            Some(u) => u,
            None if self.config.allow_anonymous => anonymous_user(connection_id),
            None => return Reply::refused(401, "no authorizer user and anonymous connections are off"),
        };
        if user.len() > MAX_USER_BYTES {
            return Reply::refused(403, format!("the user id is over {MAX_USER_BYTES} bytes"));
        }
        let room = ev.query_string_parameters.first("room").map(str::to_string);
        if let Some(r) = &room {
            if validate_room(r).is_err() {
                return Reply::refused(400, "invalid room in ?room=");
            }
            if let Err(why) = self.may_enter(ev, r, &user) {
                return Reply::refused(403, format!("room_forbidden: {}", why.message(r)));
            }
        }
        let now = self.clock.now_ms();
        let connected_at = if ctx.connected_at > 0 { ctx.connected_at } else { now };
        let mut session = Session::new(connection_id, &user, connected_at);
        session.source_ip = ctx.identity.source_ip.clone();
        session.user_agent = ctx.identity.user_agent.clone();
        session.stage = ctx.stage.clone();
        session.rooms.extend(room);
        match self.store.open_session(&session, self.config.max_connections_per_user, now).await {
            Ok(()) => Reply::empty(200),
            Err(PutError::CapReached { open, cap, .. }) => {
                Reply::refused(429, format!("per-user connection cap reached ({open} open, cap {cap})"))
            }
            Err(PutError::Exists(_)) => Reply::refused(409, "a session record with this connection id exists already"),
            Err(PutError::Store(e)) => Reply::internal(&e),
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
        // Also frees the connection's place among its user's connections.
        match self.store.delete(connection_id).await {
            Ok(_) => Reply::empty(200),
            Err(e) => Reply::internal(&e),
        }
    }

    fn endpoint(&self, ev: &ApiGatewayWebsocketProxyRequest) -> String {
        let ctx = &ev.request_context;
        let (domain, stage) =
            (ctx.domain_name.as_deref().unwrap_or_default(), ctx.stage.as_deref().unwrap_or_default());
        match &self.config.management_endpoint {
            // A template serves every stage and API the function is attached to.
            Some(e) => e
                .replace("{domainName}", domain)
                .replace("{stage}", stage)
                .replace("{apiId}", ctx.apiid.as_deref().unwrap_or_default()),
            None => format!("https://{domain}/{stage}"),
        }
    }

    /// The room policy for this event's user (see [`rooms`]).
    fn may_enter(&self, ev: &ApiGatewayWebsocketProxyRequest, room: &str, user: &str) -> Result<(), rooms::Refusal> {
        let granted = rooms::granted(authorizer_value(ev, rooms::GRANTED_ROOMS_KEY).as_ref());
        rooms::may_enter(room, user, &self.config.public_rooms, &granted)
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
                    "rooms": self.listed_rooms(&s), "connectedAt": s.connected_at,
                })),
                Ok(None) => Reply::client_error("no_session", "this connection has no session record"),
                Err(e) => Reply::internal(&e),
            },
            "join" => self.join(ev, connection_id, &msg, now).await,
            "leave" => {
                let room = match room_of(&msg) {
                    Ok(r) => r,
                    Err(reply) => return reply,
                };
                match self.store.leave(connection_id, &room).await {
                    Ok(s) => Reply::ok(json!({ "type": "left", "room": room, "rooms": self.listed_rooms(&s) })),
                    Err(e) => room_error(e, &room),
                }
            }
            _ => self.send(ev, connection_id, &msg, now).await,
        }
    }

    async fn join(&self, ev: &ApiGatewayWebsocketProxyRequest, connection_id: &str, msg: &Incoming, now: i64) -> Reply {
        let room = match room_of(msg) {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        // The authorizer's context travels with every message on AWS; without it, the user
        // recorded at $connect (an anonymous one, or an event from elsewhere).
        let user = match authorizer_user(ev) {
            Some(u) => u,
            None => match self.store.get(connection_id).await {
                Ok(Some(s)) => s.user_id,
                Ok(None) => return Reply::client_error("no_session", "this connection has no session record"),
                Err(e) => return Reply::internal(&e),
            },
        };
        if let Err(why) = self.may_enter(ev, &room, &user) {
            let message = why.message(&room);
            return Reply::ok(json!({ "type": "error", "error": "room_forbidden", "room": room, "message": message }))
                .with_reason(format!("room_forbidden: {message}"));
        }
        match self.store.join(connection_id, &room, now, self.config.max_rooms_per_connection).await {
            Ok(s) => Reply::ok(json!({ "type": "joined", "room": room, "rooms": self.listed_rooms(&s) })),
            Err(e) => room_error(e, &room),
        }
    }

    /// A session's rooms as replies list them: at most the cap, so a reply stays within a frame
    /// even for a session recorded before the cap existed.
    fn listed_rooms<'a>(&self, s: &'a Session) -> Vec<&'a str> {
        s.rooms.iter().map(String::as_str).take(self.config.max_rooms_per_connection).collect()
    }
}

/// The answer to a failed join or leave.
fn room_error(e: RoomError, room: &str) -> Reply {
    match e {
        RoomError::NoSession(_) => Reply::client_error("no_session", "this connection has no session record"),
        RoomError::TooManyRooms { max } => Reply::ok(json!({
            "type": "error", "error": "too_many_rooms", "room": room, "max": max,
            "message": format!("a connection may be in at most {max} rooms; leave one first"),
        })),
        RoomError::Invalid(e) => Reply::client_error("invalid_room", e.to_string()),
        RoomError::Store(e) => Reply::internal(&e),
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
