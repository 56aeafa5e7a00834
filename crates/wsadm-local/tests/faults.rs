//! Each fault knob and the account throttle, observed through the real SDK and clients.

use wsadm_local::testing as common;

use common::{eventually, recv, send, stack};
use futures::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use wsadm_local::Limits;

async fn control(
    s: &common::Stack,
    method: &'static str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let url = format!("{}{path}", s.emulator.url());
    let (status, text) = tokio::task::spawn_blocking(move || wsadm_testkit::http(method, &url, &body.to_string()))
        .await
        .unwrap()
        .unwrap();
    (status, serde_json::from_str(&text).unwrap_or(json!(text)))
}

async fn whoami(ws: &mut common::Ws) -> String {
    send(ws, json!({"action":"whoami"})).await;
    recv(ws).await["connectionId"].as_str().unwrap().to_string()
}

fn status_of<E>(e: &aws_sdk_apigatewaymanagement::error::SdkError<E, aws_smithy_runtime_api::http::Response>) -> u16 {
    e.raw_response().map(|r| r.status().as_u16()).unwrap_or(0)
}

#[tokio::test]
async fn injected_failures_latency_and_throttle() {
    let s = stack(Limits::default()).await;
    let mut alice = s.user("alice", "lobby").await;
    let id = whoami(&mut alice).await;
    let mgmt = s.management();
    let post = || mgmt.post_to_connection().connection_id(&id).data(b"{}".as_slice().into()).send();

    let (st, cur) = control(&s, "GET", "/_wsadm/faults", json!(null)).await;
    assert_eq!((st, cur["accountRate"].as_f64()), (200, Some(10_000.0)));

    for (knob, expect) in [("fail429", 429), ("fail500", 500), ("fail410", 410)] {
        let (st, _) = control(&s, "PUT", "/_wsadm/faults", json!({ knob: 1.0 })).await;
        assert_eq!(st, 200);
        let e = post().await.unwrap_err();
        assert_eq!(status_of(&e), expect, "{knob}");
        control(&s, "PUT", "/_wsadm/faults", json!({ knob: 0.0 })).await;
    }
    post().await.unwrap();
    assert_eq!(recv(&mut alice).await, json!({}));

    let (st, _) = control(&s, "PUT", "/_wsadm/faults", json!({"fail500": 7})).await;
    assert_eq!(st, 400, "a bad setting is refused");

    control(&s, "PUT", "/_wsadm/faults", json!({"connectionsLatencyMs": 300})).await;
    let t = Instant::now();
    post().await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());
    recv(&mut alice).await;
    control(&s, "PUT", "/_wsadm/faults", json!({"connectionsLatencyMs": 0, "integrationLatencyMs": 300})).await;
    let t = Instant::now();
    send(&mut alice, json!({"action":"ping"})).await;
    assert_eq!(recv(&mut alice).await["type"], "pong");
    assert!(t.elapsed() >= Duration::from_millis(300), "{:?}", t.elapsed());

    control(&s, "PUT", "/_wsadm/faults", json!({"integrationLatencyMs": 0, "accountRate": 1.0, "accountBurst": 3.0}))
        .await;
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(post().await.map(|_| 200).unwrap_or_else(|e| status_of(&e)));
    }
    assert_eq!(codes, vec![200, 200, 200, 429, 429], "burst 3, then the account throttle");
    let (_, stats) = control(&s, "GET", "/_wsadm/stats", json!(null)).await;
    assert!(stats["connectionsApi"]["throttled"].as_u64().unwrap() >= 2, "{stats}");
}

#[tokio::test]
async fn invocations_past_the_lambda_concurrency_are_throttled_at_once() {
    let s = stack(Limits::default()).await;
    let mut alice = s.user("alice", "lobby").await;
    let mut bob = s.user("bob", "lobby").await;
    let (st, cur) = control(&s, "GET", "/_wsadm/faults", json!(null)).await;
    assert_eq!((st, cur["lambdaConcurrency"].as_u64()), (200, Some(1000)), "AWS's default");
    control(&s, "PUT", "/_wsadm/faults", json!({"lambdaConcurrency": 1, "integrationLatencyMs": 1500})).await;

    // Alice's invocation holds the one place; Bob's, meanwhile, is refused at once.
    send(&mut alice, json!({"action":"ping"})).await;
    eventually("alice's invocation to start", || async {
        control(&s, "GET", "/_wsadm/stats", json!(null)).await.1["lambda"]["inFlight"] == 1
    })
    .await;
    let t = Instant::now();
    send(&mut bob, json!({"action":"ping"})).await;
    assert_eq!(recv(&mut bob).await["message"], "Internal server error");
    assert!(t.elapsed() < Duration::from_millis(1000), "throttled, not queued: {:?}", t.elapsed());
    assert_eq!(recv(&mut alice).await["type"], "pong");
    let (_, stats) = control(&s, "GET", "/_wsadm/stats", json!(null)).await;
    assert_eq!((stats["lambda"]["throttled"].as_u64(), stats["lambda"]["inFlight"].as_u64()), (Some(1), Some(0)));

    control(&s, "PUT", "/_wsadm/faults", json!({"integrationLatencyMs": 0})).await;
    send(&mut bob, json!({"action":"ping"})).await;
    assert_eq!(recv(&mut bob).await["type"], "pong", "the place is free again");
}

#[tokio::test]
async fn drops_are_abrupt_and_leave_stale_records() {
    let s = stack(Limits::default()).await;
    let mut alice = s.user("alice", "lobby").await;
    let mut bob = s.user("bob", "lobby").await;
    let alice_id = whoami(&mut alice).await;
    let bob_id = whoami(&mut bob).await;
    let store = s.store();
    let (_, open) = control(&s, "GET", "/_wsadm/connections", json!(null)).await;
    let mut listed: Vec<&str> = open["connectionIds"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    listed.sort();
    let mut want = vec![alice_id.as_str(), bob_id.as_str()];
    want.sort();
    assert_eq!(listed, want);

    // drop-on-post: the post answers 410 and the client vanishes without a close frame.
    control(&s, "PUT", "/_wsadm/faults", json!({"dropOnPost": 1.0})).await;
    let e = s
        .management()
        .post_to_connection()
        .connection_id(&alice_id)
        .data(b"x".as_slice().into())
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_gone_exception());
    let next = tokio::time::timeout(Duration::from_secs(5), alice.next()).await.unwrap();
    assert!(!matches!(next, Some(Ok(Message::Close(_)))), "a drop must not send a close frame");
    control(&s, "PUT", "/_wsadm/faults", json!({"dropOnPost": 0.0})).await;

    // The control endpoint drops chosen connections the same way.
    let (st, out) = control(&s, "POST", "/_wsadm/drop", json!({"connectionIds": [bob_id]})).await;
    assert_eq!((st, out["dropped"].as_array().map(|a| a.len())), (200, Some(1)));
    eventually("both connections gone", || async { s.emulator.emulator.registry.is_empty() }).await;
    // No $disconnect ran: both records are stale, for prune to find.
    assert!(store.get(&alice_id).await.unwrap().is_some());
    assert!(store.get(&bob_id).await.unwrap().is_some());
}
