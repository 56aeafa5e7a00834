//! The Lambda entry point end to end over moto's DynamoDB: the same `Functions::invoke` the
//! bootstrap binary and the emulator call, configured from environment variables.

use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wsadm_core::connections::ConnError;
use wsadm_handler::lambda::{Functions, InvokeError};
use wsadm_handler::ports::Gateway;
use wsadm_testkit::Moto;

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

fn ctx(id: &str, route: &str, kind: &str, user: &str) -> Value {
    json!({
        "routeKey": route, "eventType": kind, "stage": "prod", "connectedAt": 1_800_000_000_000i64,
        "requestTimeEpoch": 1_800_000_000_001i64, "requestId": "r=", "domainName": "127.0.0.1",
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
