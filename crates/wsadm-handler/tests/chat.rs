//! Every handler path over fakes, fed with API Gateway's WebSocket event JSON.

use async_trait::async_trait;
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use futures::stream::BoxStream;
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use wsadm_core::connections::ConnError;
use wsadm_core::store::{PutError, Session};
use wsadm_core::Error;
use wsadm_handler::chat::{Chat, ChatConfig, Reply};
use wsadm_handler::ports::{Clock, Gateway, Store};

#[derive(Default, Clone)]
struct FakeStore {
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    down: Arc<AtomicBool>,
    touches: Arc<AtomicUsize>,
}

fn outage() -> Error {
    Error::Service { operation: "Fake", code: "InternalServerError".into(), message: "down".into(), status: Some(500) }
}

impl FakeStore {
    fn check(&self) -> Result<(), Error> {
        if self.down.load(Ordering::SeqCst) {
            Err(outage())
        } else {
            Ok(())
        }
    }
    fn ids(&self) -> BTreeSet<String> {
        self.sessions.lock().unwrap().keys().cloned().collect()
    }
}

#[async_trait]
impl Store for FakeStore {
    async fn put_session(&self, s: &Session) -> Result<(), PutError> {
        self.check()?;
        let mut m = self.sessions.lock().unwrap();
        if m.contains_key(&s.connection_id) {
            return Err(PutError::Exists(s.connection_id.clone()));
        }
        m.insert(s.connection_id.clone(), s.clone());
        Ok(())
    }
    async fn get(&self, id: &str) -> Result<Option<Session>, Error> {
        self.check()?;
        Ok(self.sessions.lock().unwrap().get(id).cloned())
    }
    async fn delete(&self, id: &str) -> Result<Option<Session>, Error> {
        self.check()?;
        Ok(self.sessions.lock().unwrap().remove(id))
    }
    async fn join(&self, id: &str, room: &str, _now: i64) -> Result<Session, Error> {
        self.check()?;
        let mut m = self.sessions.lock().unwrap();
        let s = m.get_mut(id).ok_or_else(|| Error::invalid("no session", "-"))?;
        s.rooms.insert(room.into());
        Ok(s.clone())
    }
    async fn leave(&self, id: &str, room: &str) -> Result<Session, Error> {
        self.check()?;
        let mut m = self.sessions.lock().unwrap();
        let s = m.get_mut(id).ok_or_else(|| Error::invalid("no session", "-"))?;
        s.rooms.remove(room);
        Ok(s.clone())
    }
    fn room_members(&self, room: &str) -> BoxStream<'static, Result<Vec<String>, Error>> {
        let r = self.check().map(|_| {
            let m = self.sessions.lock().unwrap();
            m.values().filter(|s| s.rooms.contains(room)).map(|s| s.connection_id.clone()).collect::<Vec<_>>()
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
    async fn count_by_user(&self, user: &str) -> Result<u64, Error> {
        self.check()?;
        Ok(self.sessions.lock().unwrap().values().filter(|s| s.user_id == user).count() as u64)
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
struct FakeGateway {
    posts: Arc<Mutex<Vec<(String, String, String)>>>,
    script: Arc<Mutex<HashMap<String, Vec<ConnError>>>>,
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

#[derive(Clone, Default)]
struct FakeClock(Arc<AtomicI64>);

impl Clock for FakeClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

const T0: i64 = 1_700_000_000_000;

struct World {
    chat: Chat<FakeStore, FakeGateway, FakeClock>,
    store: FakeStore,
    gw: FakeGateway,
    clock: FakeClock,
}

fn world(config: ChatConfig) -> World {
    let (store, gw, clock) = (FakeStore::default(), FakeGateway::default(), FakeClock::default());
    clock.0.store(T0, Ordering::SeqCst);
    World { chat: Chat::new(store.clone(), gw.clone(), clock.clone(), config), store, gw, clock }
}

fn context(id: &str, route: &str, event_type: &str, user: Option<&str>) -> Value {
    let mut ctx = json!({
        "routeKey": route, "eventType": event_type, "extendedRequestId": "Ex1=", "requestTime": "14/Nov/2023:22:13:20 +0000",
        "messageDirection": "IN", "stage": "prod", "connectedAt": T0, "requestTimeEpoch": T0 + 1,
        "identity": { "userAgent": "wscat/5", "sourceIp": "203.0.113.9" },
        "requestId": "Req1=", "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
        "connectionId": id, "apiId": "abc123",
    });
    if let Some(u) = user {
        ctx["authorizer"] = json!({ "principalId": u, "userId": u, "integrationLatency": 7 });
    }
    ctx
}

fn connect_event(id: &str, user: Option<&str>, room: Option<&str>) -> ApiGatewayWebsocketProxyRequest {
    let mut ev = json!({
        "headers": { "Host": "abc123.execute-api.us-east-1.amazonaws.com", "Sec-WebSocket-Version": "13" },
        "multiValueHeaders": { "Host": ["abc123.execute-api.us-east-1.amazonaws.com"] },
        "requestContext": context(id, "$connect", "CONNECT", user),
        "isBase64Encoded": false,
    });
    if let Some(r) = room {
        ev["queryStringParameters"] = json!({ "room": r });
        ev["multiValueQueryStringParameters"] = json!({ "room": [r] });
    }
    serde_json::from_value(ev).unwrap()
}

fn message_event(id: &str, route: &str, body: &str) -> ApiGatewayWebsocketProxyRequest {
    let mut ctx = context(id, route, "MESSAGE", Some("whoever"));
    ctx["messageId"] = json!("Msg1=");
    serde_json::from_value(json!({ "requestContext": ctx, "body": body, "isBase64Encoded": false })).unwrap()
}

fn disconnect_event(id: &str) -> ApiGatewayWebsocketProxyRequest {
    let mut ctx = context(id, "$disconnect", "DISCONNECT", Some("alice"));
    ctx["disconnectStatusCode"] = json!(1001);
    ctx["disconnectReason"] = json!("Going away");
    serde_json::from_value(json!({ "headers": { "Host": "x" }, "requestContext": ctx, "isBase64Encoded": false }))
        .unwrap()
}

fn body(r: &Reply) -> Value {
    assert_eq!(r.status, 200, "{r:?}");
    serde_json::from_str(r.body.as_deref().unwrap()).unwrap()
}

async fn connect(w: &World, id: &str, user: &str, room: Option<&str>) {
    assert_eq!(w.chat.handle(&connect_event(id, Some(user), room)).await.status, 200);
}

#[tokio::test]
async fn connect_records_the_session() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    let s = w.store.sessions.lock().unwrap()["A1="].clone();
    assert_eq!(s.user_id, "alice");
    assert_eq!(s.rooms, BTreeSet::from(["lobby".to_string()]));
    assert_eq!(s.source_ip.as_deref(), Some("203.0.113.9"));
    assert_eq!(s.user_agent.as_deref(), Some("wscat/5"));
    assert_eq!(s.stage.as_deref(), Some("prod"));
    assert_eq!(s.connected_at, T0);
}

#[tokio::test]
async fn connect_rejections() {
    let w = world(ChatConfig { max_connections_per_user: 2, ..Default::default() });
    assert_eq!(w.chat.handle(&connect_event("N=", None, None)).await.status, 401, "no user, no anonymous");
    assert_eq!(w.chat.handle(&connect_event("R=", Some("alice"), Some("bad room"))).await.status, 400);
    connect(&w, "A1=", "alice", None).await;
    connect(&w, "A2=", "alice", None).await;
    assert_eq!(w.chat.handle(&connect_event("A3=", Some("alice"), None)).await.status, 429, "cap of 2");
    assert_eq!(w.chat.handle(&connect_event("A1=", Some("alice"), None)).await.status, 429);
    connect(&w, "B1=", "bob", None).await;
    assert_eq!(w.store.ids(), BTreeSet::from(["A1=".into(), "A2=".into(), "B1=".into()]));
    w.store.down.store(true, Ordering::SeqCst);
    assert_eq!(w.chat.handle(&connect_event("C1=", Some("carol"), None)).await.status, 500);

    let anon = world(ChatConfig { allow_anonymous: true, ..Default::default() });
    assert_eq!(anon.chat.handle(&connect_event("XYZ12345abc=", None, None)).await.status, 200);
    assert_eq!(anon.store.sessions.lock().unwrap()["XYZ12345abc="].user_id, "anon-XYZ12345");
}

#[tokio::test]
async fn disconnect_removes_the_record() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    assert_eq!(w.chat.handle(&disconnect_event("A1=")).await.status, 200);
    assert!(w.store.ids().is_empty());
    assert_eq!(w.chat.handle(&disconnect_event("A1=")).await.status, 200, "idempotent");
}

#[tokio::test]
async fn join_leave_whoami_ping() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", None).await;
    let r = body(&w.chat.handle(&message_event("A1=", "join", r#"{"action":"join","room":"lobby"}"#)).await);
    assert_eq!(r, json!({"type":"joined","room":"lobby","rooms":["lobby"]}));
    let r = body(&w.chat.handle(&message_event("A1=", "whoami", r#"{"action":"whoami"}"#)).await);
    assert_eq!(r["userId"], "alice");
    assert_eq!(r["rooms"], json!(["lobby"]));
    let r = body(&w.chat.handle(&message_event("A1=", "leave", r#"{"action":"leave","room":"lobby"}"#)).await);
    assert_eq!(r["type"], "left");
    assert_eq!(r["rooms"], json!([]));
    let r = body(&w.chat.handle(&message_event("A1=", "ping", r#"{"action":"ping"}"#)).await);
    assert_eq!(r, json!({"type":"pong","ts":T0}));
    let r = body(&w.chat.handle(&message_event("GONE=", "join", r#"{"action":"join","room":"lobby"}"#)).await);
    assert_eq!(r["error"], "no_session");
}

#[tokio::test]
async fn send_fans_out_to_the_room_only_and_removes_the_gone() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    connect(&w, "B1=", "bob", Some("lobby")).await;
    connect(&w, "C1=", "carol", Some("lobby")).await;
    connect(&w, "D1=", "dave", Some("lobby")).await;
    connect(&w, "E1=", "erin", Some("ops")).await;
    w.gw.script.lock().unwrap().insert("C1=".into(), vec![ConnError::Gone]);
    w.gw.script.lock().unwrap().insert("D1=".into(), vec![ConnError::Throttled("slow".into())]);

    let r =
        body(&w.chat.handle(&message_event("A1=", "send", r#"{"action":"send","room":"lobby","text":"hi"}"#)).await);
    assert_eq!(r, json!({"type":"sent","room":"lobby","delivered":2,"gone":1,"failed":0}));
    let posts = w.gw.posts.lock().unwrap().clone();
    let to: BTreeSet<&str> = posts.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(to, BTreeSet::from(["B1=", "D1="]), "not the sender, not another room; D1 after a retry");
    assert!(posts.iter().all(|p| p.0 == "https://abc123.execute-api.us-east-1.amazonaws.com/prod"));
    let frame: Value = serde_json::from_str(&posts[0].2).unwrap();
    assert_eq!(
        (frame["type"].as_str(), frame["from"].as_str(), frame["text"].as_str()),
        (Some("message"), Some("alice"), Some("hi"))
    );
    // The gone member's record went, never the sender's.
    assert_eq!(w.store.ids(), BTreeSet::from(["A1=".into(), "B1=".into(), "D1=".into(), "E1=".into()]));

    w.gw.script.lock().unwrap().insert("B1=".into(), vec![ConnError::Forbidden("x".into())]);
    let r =
        body(&w.chat.handle(&message_event("A1=", "send", r#"{"action":"send","room":"lobby","text":"again"}"#)).await);
    assert_eq!((r["delivered"].as_u64(), r["failed"].as_u64()), (Some(1), Some(1)));
    assert!(w.store.ids().contains("B1="), "a 403 never deletes");
}

#[tokio::test]
async fn client_mistakes_get_error_frames_not_5xx() {
    let w = world(ChatConfig { max_text_bytes: 10, ..Default::default() });
    connect(&w, "A1=", "alice", Some("lobby")).await;
    let cases = [
        ("send", "not json", "bad_request"),
        ("send", "[1,2]", "bad_request"),
        ("send", r#"{"action":"send","room":"lobby"}"#, "bad_request"),
        ("send", r#"{"action":"send","room":"lobby","text":5}"#, "bad_request"),
        ("send", r#"{"action":"send","room":"lobby","text":"01234567890"}"#, "too_large"),
        ("send", r#"{"action":"send","room":"ops","text":"hi"}"#, "not_in_room"),
        ("send", r#"{"action":"send","room":"no room","text":"hi"}"#, "invalid_room"),
        ("join", r#"{"action":"join"}"#, "bad_request"),
        ("join", r#"{"action":"join","room":7}"#, "bad_request"),
        ("$default", r#"{"action":"dance"}"#, "unknown_action"),
    ];
    for (route, b, code) in cases {
        let r = w.chat.handle(&message_event("A1=", route, b)).await;
        assert_eq!(body(&r)["error"], code, "{route} {b}");
    }
    let r = body(&w.chat.handle(&message_event("A1=", "$default", "{}")).await);
    assert_eq!(r["validActions"], json!(["join", "leave", "send", "ping", "whoami"]));
    assert!(w.gw.posts.lock().unwrap().is_empty());

    w.store.down.store(true, Ordering::SeqCst);
    let r = w.chat.handle(&message_event("A1=", "whoami", r#"{"action":"whoami"}"#)).await;
    assert_eq!(r.status, 500, "a store outage is a server error");
}

#[tokio::test]
async fn last_seen_is_written_at_most_once_a_minute() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", None).await;
    for _ in 0..5 {
        w.chat.handle(&message_event("A1=", "ping", r#"{"action":"ping"}"#)).await;
    }
    assert_eq!(w.store.touches.load(Ordering::SeqCst), 1);
    w.clock.0.store(T0 + 61_000, Ordering::SeqCst);
    w.chat.handle(&message_event("A1=", "ping", r#"{"action":"ping"}"#)).await;
    assert_eq!(w.store.touches.load(Ordering::SeqCst), 2);
    assert_eq!(w.store.sessions.lock().unwrap()["A1="].last_seen_at, T0 + 61_000);
}
