//! The Lambda entry point end to end over moto's DynamoDB: the same `Functions::invoke` the
//! bootstrap binary and the emulator call, configured from environment variables.

use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wsadm_core::connections::ConnError;
use wsadm_handler::lambda::{Functions, InvokeError};
use wsadm_handler::ports::Gateway;
use wsadm_testkit::{Moto, SerialProxy};

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(String, String)>>>);

#[async_trait]
impl Gateway for Recorder {
    async fn post(&self, _endpoint: &str, id: &str, data: &[u8]) -> Result<(), ConnError> {
        if id == "STALE=" {
            return Err(ConnError::Gone);
        }
        self.0.lock().unwrap().push((id.to_string(), String::from_utf8_lossy(data).into()));
        Ok(())
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// A connection made a minute ago (past the minimum age a 410 needs to remove its record).
fn ctx(id: &str, route: &str, kind: &str, user: &str) -> Value {
    json!({
        "routeKey": route, "eventType": kind, "stage": "prod", "connectedAt": now_ms() - 60_000,
        "requestTimeEpoch": now_ms(), "requestId": "r=", "domainName": "127.0.0.1",
        "connectionId": id, "apiId": "abc", "identity": { "sourceIp": "127.0.0.1", "userAgent": "test" },
        "authorizer": { "principalId": user, "userId": user },
    })
}

#[tokio::test]
async fn chat_functions_over_dynamodb() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    wsadm_core::store::ensure_table(&ddb, "chat-sessions", &[]).await.unwrap();
    let env: HashMap<&str, &str> =
        HashMap::from([("WSADM_TABLE", "chat-sessions"), ("WSADM_MAX_CONNECTIONS_PER_USER", "5")]);
    let rec = Recorder::default();
    let f = Functions::from_env(|k| env.get(k).map(|v| v.to_string()), &sdk, rec.clone());

    for (id, user) in [("A=", "alice"), ("B=", "bob"), ("STALE=", "sam")] {
        let mut ev =
            json!({ "headers": {}, "requestContext": ctx(id, "$connect", "CONNECT", user), "isBase64Encoded": false });
        ev["queryStringParameters"] = json!({ "room": "lobby" });
        let r = f.invoke(ev).await.unwrap();
        assert_eq!(r["statusCode"], 200, "{r}");
    }
    let send = json!({
        "requestContext": ctx("A=", "send", "MESSAGE", "alice"),
        "body": r#"{"action":"send","room":"lobby","text":"hello"}"#, "isBase64Encoded": false,
    });
    let r = f.invoke(send).await.unwrap();
    let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({"type":"sent","room":"lobby","delivered":1,"gone":1,"failed":0}));
    assert_eq!(rec.0.lock().unwrap()[0].0, "B=");

    let store = wsadm_core::store::SessionStore::new(ddb, "chat-sessions");
    assert!(store.get("STALE=").await.unwrap().is_none(), "the gone member's record is removed");
    assert!(store.get("A=").await.unwrap().is_some(), "never the sender's");

    let mut c = ctx("B=", "$disconnect", "DISCONNECT", "bob");
    c["disconnectStatusCode"] = json!(1000);
    let r = f.invoke(json!({ "requestContext": c, "isBase64Encoded": false })).await.unwrap();
    assert_eq!(r["statusCode"], 200);
    assert!(store.get("B=").await.unwrap().is_none());
    assert_eq!(store.open_connections("bob", now_ms()).await.unwrap(), 0, "the disconnect freed bob's place");
    assert_eq!(store.open_connections("sam", now_ms()).await.unwrap(), 0, "the 410 cleanup freed sam's");
    assert_eq!(store.open_connections("alice", now_ms()).await.unwrap(), 1);

    // Not configured as an authorizer: an explained error, not a panic.
    let auth_ev = json!({ "type": "REQUEST", "methodArn": "arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect", "headers": {} });
    assert!(matches!(f.invoke(auth_ev).await, Err(InvokeError::NotConfigured("authorizer", _))));
}

#[tokio::test]
async fn authorizer_function_allows_and_rejects() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let env: HashMap<&str, &str> = HashMap::from([("WSADM_JWT_SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret")]);
    let f = Functions::from_env(|k| env.get(k).map(|v| v.to_string()), &sdk, Recorder::default());
    let exp = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 600) as usize;
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({ "sub": "alice", "exp": exp }),
        &jsonwebtoken::EncodingKey::from_secret(b"s3cret-s3cret-s3cret-s3cret-s3cret"),
    )
    .unwrap();
    let arn = "arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect";
    let ev = |q: Value| json!({ "type": "REQUEST", "methodArn": arn, "headers": {}, "queryStringParameters": q, "requestContext": { "routeKey": "$connect", "eventType": "CONNECT", "connectionId": "A=" } });
    let r = f.invoke(ev(json!({ "token": token }))).await.unwrap();
    assert_eq!(r["principalId"], "alice");
    assert_eq!(r["policyDocument"]["Statement"][0]["Effect"], "Allow");
    let resource = &r["policyDocument"]["Statement"][0]["Resource"];
    assert!(resource == arn || resource == &json!([arn]), "{resource}");
    assert_eq!(r["context"]["userId"], "alice");
    let err = f.invoke(ev(json!({ "token": "not.a.jwt" }))).await.unwrap_err();
    assert_eq!(err.to_string(), "Unauthorized");
    // Not configured for chat events.
    let msg =
        json!({ "requestContext": ctx("A=", "ping", "MESSAGE", "alice"), "body": "{}", "isBase64Encoded": false });
    assert!(matches!(f.invoke(msg).await, Err(InvokeError::NotConfigured(..))));
}

fn connect_event(id: &str, user: &str, room: Option<&str>, granted: Option<&str>) -> Value {
    let mut c = ctx(id, "$connect", "CONNECT", user);
    if let Some(g) = granted {
        c["authorizer"]["rooms"] = json!(g);
    }
    let mut ev = json!({ "headers": {}, "requestContext": c, "isBase64Encoded": false });
    if let Some(r) = room {
        ev["queryStringParameters"] = json!({ "room": r });
    }
    ev
}

fn message(id: &str, user: &str, granted: Option<&str>, body: Value) -> Value {
    let route = body["action"].as_str().unwrap().to_string();
    let mut c = ctx(id, &route, "MESSAGE", user);
    if let Some(g) = granted {
        c["authorizer"]["rooms"] = json!(g);
    }
    json!({ "requestContext": c, "body": body.to_string(), "isBase64Encoded": false })
}

async fn frame(f: &Functions<Recorder>, ev: Value) -> Value {
    let r = f.invoke(ev).await.unwrap();
    assert_eq!(r["statusCode"], 200, "{r}");
    serde_json::from_str(r["body"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn twenty_simultaneous_connects_of_one_user_with_a_cap_of_ten_hold_exactly_ten() {
    let moto = Moto::start();
    // Each request made atomic, as on DynamoDB (moto checks a condition and writes without a lock).
    let proxy = SerialProxy::start(&moto.url).await;
    let sdk = wsadm_testkit::sdk_config_for(&proxy.url).await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    wsadm_core::store::ensure_table(&ddb, "chat-sessions", &[]).await.unwrap();
    let env: HashMap<&str, &str> =
        HashMap::from([("WSADM_TABLE", "chat-sessions"), ("WSADM_MAX_CONNECTIONS_PER_USER", "10")]);
    let f = Functions::from_env(|k| env.get(k).map(|v| v.to_string()), &sdk, Recorder::default());
    let events: Vec<Value> = (0..20).map(|i| connect_event(&format!("M{i:02}="), "mallory", None, None)).collect();
    let replies = futures::future::join_all(events.into_iter().map(|ev| f.invoke(ev))).await;
    let status: Vec<i64> = replies.iter().map(|r| r.as_ref().unwrap()["statusCode"].as_i64().unwrap()).collect();
    assert_eq!(status.iter().filter(|s| **s == 200).count(), 10, "{status:?}");
    assert_eq!(status.iter().filter(|s| **s == 429).count(), 10, "{status:?}");
    let store = wsadm_core::store::SessionStore::new(ddb, "chat-sessions");
    assert_eq!(store.count().await.unwrap(), 10, "only the accepted connections have records");
    assert_eq!(store.open_connections("mallory", now_ms()).await.unwrap(), 10);
    // Another user is not affected.
    let r = f.invoke(connect_event("O=", "oscar", None, None)).await.unwrap();
    assert_eq!(r["statusCode"], 200);
}

#[tokio::test]
async fn rooms_policy_room_cap_and_send_budget_over_dynamodb() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    wsadm_core::store::ensure_table(&ddb, "chat-sessions", &[]).await.unwrap();
    let env: HashMap<&str, &str> = HashMap::from([
        ("WSADM_TABLE", "chat-sessions"),
        ("WSADM_PUBLIC_ROOMS", "lobby,team-*"),
        ("WSADM_MAX_ROOMS_PER_CONNECTION", "2"),
        ("WSADM_USER_RATE", "0.01"),
        ("WSADM_USER_BURST", "2"),
    ]);
    let rec = Recorder::default();
    let f = Functions::from_env(|k| env.get(k).map(|v| v.to_string()), &sdk, rec.clone());
    assert_eq!(f.invoke(connect_event("A=", "alice", Some("lobby"), None)).await.unwrap()["statusCode"], 200);
    assert_eq!(f.invoke(connect_event("B=", "bob", Some("dm:alice:bob"), None)).await.unwrap()["statusCode"], 200);
    assert_eq!(f.invoke(connect_event("M=", "mallory", Some("dm:alice:bob"), None)).await.unwrap()["statusCode"], 403);
    assert_eq!(f.invoke(connect_event("M=", "mallory", Some("ops"), None)).await.unwrap()["statusCode"], 403);
    assert_eq!(f.invoke(connect_event("M=", "mallory", Some("ops"), Some("ops"))).await.unwrap()["statusCode"], 200);

    let join = |id: &str, user: &str, room: &str| message(id, user, None, json!({"action":"join","room":room}));
    assert_eq!(frame(&f, join("A=", "alice", "dm:alice:bob")).await["type"], "joined");
    let r = frame(&f, join("M=", "mallory", "dm:alice:bob")).await;
    assert_eq!((r["error"].as_str(), r["room"].as_str()), (Some("room_forbidden"), Some("dm:alice:bob")));
    let r = frame(&f, join("A=", "alice", "team-x")).await;
    assert_eq!((r["error"].as_str(), r["max"].as_u64()), (Some("too_many_rooms"), Some(2)), "{r}");
    let store = wsadm_core::store::SessionStore::new(ddb, "chat-sessions");
    assert_eq!(store.get("M=").await.unwrap().unwrap().rooms.len(), 1, "a refused join records nothing");

    // Alice's budget: 2 at once, then refused with a retry time; bob's is his own.
    let send =
        |id: &str, user: &str| message(id, user, None, json!({"action":"send","room":"dm:alice:bob","text":"hi"}));
    for _ in 0..2 {
        assert_eq!(frame(&f, send("A=", "alice")).await["delivered"], 1);
    }
    let r = frame(&f, send("A=", "alice")).await;
    assert_eq!(r["error"], "rate_limited", "{r}");
    assert!(r["retryAfterMs"].as_u64().unwrap() > 90_000, "{r}");
    assert_eq!(frame(&f, send("B=", "bob")).await["delivered"], 1);
    let to: Vec<String> = rec.0.lock().unwrap().iter().map(|p| p.0.clone()).collect();
    assert_eq!(to, vec!["B=", "B=", "A="], "mallory received nothing");
}
