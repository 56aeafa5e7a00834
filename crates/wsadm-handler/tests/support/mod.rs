//! Fakes for the handler tests: a store with the real store's rules (the per-user cap over
//! unexpired connections, the room cap, the send budget through the same bucket function, the
//! 410 minimum age), a scripted gateway, a settable clock, API Gateway's event JSON, and a
//! capture of the handler's JSON log lines.
#![allow(dead_code)]

use async_trait::async_trait;
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use futures::stream::BoxStream;
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use wsadm_core::broadcast::{gone_record_removable, GONE_MIN_AGE_MS};
use wsadm_core::connections::ConnError;
use wsadm_core::store::rate::{take, Bucket};
use wsadm_core::store::{Admit, GoneRemoval, Member, PutError, RateLimit, RoomError, Session, MAX_CONNECTION_SECS};
use wsadm_core::Error;
use wsadm_handler::chat::{Chat, ChatConfig, Reply};
use wsadm_handler::ports::{Clock, Gateway, Store};

pub const T0: i64 = 1_700_000_000_000;

#[derive(Default, Clone)]
pub struct FakeStore {
    pub sessions: Arc<Mutex<HashMap<String, Session>>>,
    pub buckets: Arc<Mutex<HashMap<String, Bucket>>>,
    /// Every call fails (an outage, throttling).
    pub down: Arc<AtomicBool>,
    /// `leave` fails (its membership delete could not be done).
    pub leave_fails: Arc<AtomicBool>,
    pub touches: Arc<AtomicUsize>,
    /// Connections whose memberships name no stage (written before memberships carried one).
    pub unstaged_memberships: Arc<Mutex<BTreeSet<String>>>,
    /// Each room's membership version, bumped by every membership change as the real store does.
    pub versions: Arc<Mutex<HashMap<String, u64>>>,
    /// Reads of a room's members (the Query a fan-out makes when its list is stale).
    pub member_reads: Arc<AtomicUsize>,
}

pub fn outage() -> Error {
    Error::Service {
        operation: "UpdateItem",
        code: "ProvisionedThroughputExceededException".into(),
        message: "table chat-sessions: rate exceeded for key user#alice".into(),
        status: Some(400),
    }
}

impl FakeStore {
    fn check(&self) -> Result<(), Error> {
        if self.down.load(Ordering::SeqCst) {
            Err(outage())
        } else {
            Ok(())
        }
    }
    pub fn ids(&self) -> BTreeSet<String> {
        self.sessions.lock().unwrap().keys().cloned().collect()
    }
    fn bump<'a>(&self, rooms: impl IntoIterator<Item = &'a String>) {
        let mut v = self.versions.lock().unwrap();
        for r in rooms {
            *v.entry(r.clone()).or_default() += 1;
        }
    }
    pub fn rooms_of(&self, id: &str) -> BTreeSet<String> {
        self.sessions.lock().unwrap().get(id).map(|s| s.rooms.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl Store for FakeStore {
    async fn open_session(&self, s: &Session, cap: u64, now: i64) -> Result<(), PutError> {
        self.check()?;
        let mut m = self.sessions.lock().unwrap();
        if m.contains_key(&s.connection_id) {
            return Err(PutError::Exists(s.connection_id.clone()));
        }
        // Sessions past the longest connection do not count.
        let open =
            m.values().filter(|o| o.user_id == s.user_id && o.connected_at + MAX_CONNECTION_SECS * 1000 > now).count()
                as u64;
        if cap > 0 && open >= cap {
            return Err(PutError::CapReached { user: s.user_id.clone(), open, cap });
        }
        m.insert(s.connection_id.clone(), s.clone());
        self.bump(&s.rooms);
        Ok(())
    }
    async fn get(&self, id: &str) -> Result<Option<Session>, Error> {
        self.check()?;
        Ok(self.sessions.lock().unwrap().get(id).cloned())
    }
    async fn delete(&self, id: &str) -> Result<Option<Session>, Error> {
        self.check()?;
        let gone = self.sessions.lock().unwrap().remove(id);
        self.bump(gone.iter().flat_map(|s| &s.rooms));
        Ok(gone)
    }
    async fn remove_gone(&self, id: &str, now: i64, stage: Option<&str>) -> Result<GoneRemoval, Error> {
        self.check()?;
        let mut m = self.sessions.lock().unwrap();
        Ok(match m.get(id) {
            None => GoneRemoval::NoRecord,
            Some(Session { stage: Some(theirs), .. }) if stage.is_some_and(|s| s != theirs) => {
                GoneRemoval::OtherStage(theirs.clone())
            }
            Some(s) if !gone_record_removable(s.connected_at, now, GONE_MIN_AGE_MS) => GoneRemoval::TooNew,
            Some(_) => {
                let gone = m.remove(id).unwrap();
                self.bump(&gone.rooms);
                GoneRemoval::Removed(Box::new(gone))
            }
        })
    }
    async fn join(&self, id: &str, room: &str, _now: i64, max: usize) -> Result<Session, RoomError> {
        self.check().map_err(RoomError::Store)?;
        let mut m = self.sessions.lock().unwrap();
        let s = m.get_mut(id).ok_or_else(|| RoomError::NoSession(id.into()))?;
        if !s.rooms.contains(room) && s.rooms.len() >= max {
            return Err(RoomError::TooManyRooms { max });
        }
        s.rooms.insert(room.into());
        self.bump([&room.to_string()]);
        Ok(s.clone())
    }
    async fn leave(&self, id: &str, room: &str) -> Result<Session, RoomError> {
        self.check().map_err(RoomError::Store)?;
        if self.leave_fails.load(Ordering::SeqCst) {
            // As the real store: the membership delete failed, so nothing changed.
            return Err(RoomError::Store(outage()));
        }
        let mut m = self.sessions.lock().unwrap();
        let s = m.get_mut(id).ok_or_else(|| RoomError::NoSession(id.into()))?;
        s.rooms.remove(room);
        self.bump([&room.to_string()]);
        Ok(s.clone())
    }
    async fn room_version(&self, room: &str) -> Result<u64, Error> {
        self.check()?;
        Ok(self.versions.lock().unwrap().get(room).copied().unwrap_or(0))
    }
    fn room_members(&self, room: &str) -> BoxStream<'static, Result<Vec<Member>, Error>> {
        self.member_reads.fetch_add(1, Ordering::SeqCst);
        let r = self.check().map(|_| {
            let m = self.sessions.lock().unwrap();
            let unstaged = self.unstaged_memberships.lock().unwrap();
            m.values()
                .filter(|s| s.rooms.contains(room))
                .map(|s| Member {
                    connection_id: s.connection_id.clone(),
                    stage: s.stage.clone().filter(|_| !unstaged.contains(&s.connection_id)),
                })
                .collect::<Vec<_>>()
        });
        // Two pages, to exercise paging.
        match r {
            Ok(ids) => {
                let (a, b) = ids.split_at(ids.len() / 2);
                futures::stream::iter(vec![Ok(a.to_vec()), Ok(b.to_vec())]).boxed()
            }
            Err(e) => futures::stream::iter(vec![Err(e)]).boxed(),
        }
    }
    async fn take_send_token(&self, user: &str, now: i64, limit: RateLimit) -> Result<Admit, Error> {
        self.check()?;
        if limit.is_off() {
            return Ok(Admit::Allowed);
        }
        let mut b = self.buckets.lock().unwrap();
        match take(b.get(user).copied(), now, limit) {
            Ok(next) => {
                b.insert(user.to_string(), next);
                Ok(Admit::Allowed)
            }
            Err(retry_after_ms) => Ok(Admit::Limited { retry_after_ms }),
        }
    }
    async fn touch(&self, id: &str, now: i64) -> Result<bool, Error> {
        self.check()?;
        self.touches.fetch_add(1, Ordering::SeqCst);
        if let Some(s) = self.sessions.lock().unwrap().get_mut(id) {
            s.last_seen_at = now;
        }
        Ok(true)
    }
}

/// Records posts; answers each id with a scripted list of results (then Ok).
#[derive(Default, Clone)]
pub struct FakeGateway {
    pub posts: Arc<Mutex<Vec<(String, String, String)>>>,
    pub script: Arc<Mutex<HashMap<String, Vec<ConnError>>>>,
}

#[async_trait]
impl Gateway for FakeGateway {
    async fn post(&self, endpoint: &str, id: &str, data: &[u8]) -> Result<(), ConnError> {
        if let Some(errs) = self.script.lock().unwrap().get_mut(id) {
            if !errs.is_empty() {
                return Err(errs.remove(0));
            }
        }
        self.posts.lock().unwrap().push((endpoint.into(), id.into(), String::from_utf8_lossy(data).into()));
        Ok(())
    }
}

impl FakeGateway {
    pub fn posted_to(&self) -> BTreeSet<String> {
        self.posts.lock().unwrap().iter().map(|p| p.1.clone()).collect()
    }
}

#[derive(Clone, Default)]
pub struct FakeClock(pub Arc<AtomicI64>);

impl Clock for FakeClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl FakeClock {
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst)
    }
}

pub struct World {
    pub chat: Chat<FakeStore, FakeGateway, FakeClock>,
    pub store: FakeStore,
    pub gw: FakeGateway,
    pub clock: FakeClock,
}

pub fn world(config: ChatConfig) -> World {
    let (store, gw, clock) = (FakeStore::default(), FakeGateway::default(), FakeClock::default());
    clock.set(T0);
    World { chat: Chat::new(store.clone(), gw.clone(), clock.clone(), config), store, gw, clock }
}

/// An event's requestContext; `user` fills the authorizer context (with `rooms` when granted).
pub fn context(id: &str, route: &str, event_type: &str, user: Option<&str>, granted: Option<&str>) -> Value {
    let mut ctx = json!({
        "routeKey": route, "eventType": event_type, "extendedRequestId": "Ex1=", "requestTime": "14/Nov/2023:22:13:20 +0000",
        "messageDirection": "IN", "stage": "prod", "connectedAt": T0, "requestTimeEpoch": T0 + 1,
        "identity": { "userAgent": "wscat/5", "sourceIp": "203.0.113.9" },
        "requestId": "Req1=", "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
        "connectionId": id, "apiId": "abc123",
    });
    if let Some(u) = user {
        ctx["authorizer"] = json!({ "principalId": u, "userId": u, "integrationLatency": 7 });
        if let Some(g) = granted {
            ctx["authorizer"]["rooms"] = json!(g);
        }
    }
    ctx
}

pub fn connect_event_as(
    id: &str,
    user: Option<&str>,
    room: Option<&str>,
    granted: Option<&str>,
) -> ApiGatewayWebsocketProxyRequest {
    let mut ev = json!({
        "headers": { "Host": "abc123.execute-api.us-east-1.amazonaws.com", "Sec-WebSocket-Version": "13" },
        "multiValueHeaders": { "Host": ["abc123.execute-api.us-east-1.amazonaws.com"] },
        "requestContext": context(id, "$connect", "CONNECT", user, granted),
        "isBase64Encoded": false,
    });
    if let Some(r) = room {
        ev["queryStringParameters"] = json!({ "room": r });
        ev["multiValueQueryStringParameters"] = json!({ "room": [r] });
    }
    serde_json::from_value(ev).unwrap()
}

pub fn connect_event(id: &str, user: Option<&str>, room: Option<&str>) -> ApiGatewayWebsocketProxyRequest {
    connect_event_as(id, user, room, None)
}

/// A message from `user` (the authorizer's context travels with every message).
pub fn message_as(
    id: &str,
    user: Option<&str>,
    granted: Option<&str>,
    route: &str,
    body: &str,
) -> ApiGatewayWebsocketProxyRequest {
    let mut ctx = context(id, route, "MESSAGE", user, granted);
    ctx["messageId"] = json!("Msg1=");
    serde_json::from_value(json!({ "requestContext": ctx, "body": body, "isBase64Encoded": false })).unwrap()
}

pub fn message_event(id: &str, route: &str, body: &str) -> ApiGatewayWebsocketProxyRequest {
    message_as(id, Some("whoever"), None, route, body)
}

pub fn disconnect_event(id: &str) -> ApiGatewayWebsocketProxyRequest {
    let mut ctx = context(id, "$disconnect", "DISCONNECT", Some("alice"), None);
    ctx["disconnectStatusCode"] = json!(1001);
    ctx["disconnectReason"] = json!("Going away");
    serde_json::from_value(json!({ "headers": { "Host": "x" }, "requestContext": ctx, "isBase64Encoded": false }))
        .unwrap()
}

/// The frame of a 200 reply.
pub fn body(r: &Reply) -> Value {
    assert_eq!(r.status, 200, "{r:?}");
    serde_json::from_str(r.body.as_deref().unwrap()).unwrap()
}

pub async fn connect(w: &World, id: &str, user: &str, room: Option<&str>) {
    assert_eq!(w.chat.handle(&connect_event(id, Some(user), room)).await.status, 200);
}

/// The JSON log lines written while the guard lives (this thread only).
#[derive(Clone, Default)]
pub struct LogLines(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogLines {
    pub fn capture() -> (LogLines, tracing::subscriber::DefaultGuard) {
        let lines = LogLines::default();
        let writer = lines.clone();
        let sub = tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::DEBUG)
            .with_current_span(false)
            .with_writer(move || writer.clone())
            .finish();
        (lines, tracing::subscriber::set_default(sub))
    }

    /// The `fields` of every `handled` line.
    pub fn handled(&self) -> Vec<Value> {
        let raw = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        raw.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["fields"]["message"] == "handled")
            .map(|v| {
                let mut f = v["fields"].clone();
                f["level"] = v["level"].clone();
                f
            })
            .collect()
    }
}
