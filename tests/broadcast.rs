//! `wsadm broadcast` end to end: real clients on the emulator, injected 429s/500s and abrupt
//! drops, exact accounting checked against what every client actually received.

mod common;
use wsadm_local::testing as stack;

use common::wsadm;
use futures::StreamExt;
use serde_json::{json, Value};
use stack::{recv, send, stack};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use tokio_tungstenite::tungstenite::Message;
use wsadm_local::Limits;

type Received = Arc<Mutex<BTreeMap<String, u32>>>;

/// Connects `n` clients into `room`; each counts the `notice` frames it receives.
async fn clients(s: &stack::Stack, n: usize, room: &str) -> (Vec<String>, Received) {
    let received: Received = Arc::default();
    let mut ids = Vec::new();
    for i in 0..n {
        let mut ws = s.user(&format!("u{i}"), room).await;
        send(&mut ws, json!({"action":"whoami"})).await;
        let id = recv(&mut ws).await["connectionId"].as_str().unwrap().to_string();
        ids.push(id.clone());
        let received = received.clone();
        tokio::spawn(async move {
            while let Some(Ok(m)) = ws.next().await {
                if let Message::Text(t) = m {
                    if serde_json::from_str::<Value>(&t).is_ok_and(|v| v["type"] == "notice") {
                        *received.lock().unwrap().entry(id.clone()).or_default() += 1;
                    }
                }
            }
        });
    }
    (ids, received)
}

async fn control(s: &stack::Stack, method: &'static str, path: &str, body: Value) -> Value {
    let url = format!("{}{path}", s.emulator.url());
    let (_, text) = tokio::task::spawn_blocking(move || wsadm_testkit::http(method, &url, &body.to_string()))
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn base_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["broadcast", "--api", "chat", "--stage", "prod", "--table", "chat-sessions"];
    a.extend_from_slice(extra);
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounting_is_exact_under_429s_500s_and_drops() {
    let s = stack(Limits::default()).await;
    let (ids, received) = clients(&s, 60, "lobby").await;
    let (_, _quiet) = clients(&s, 3, "elsewhere").await;
    let store = s.store();
    // Three clients vanish just before (stale records), and 5% more while it runs.
    let vanished: Vec<&String> = ids.iter().take(3).collect();
    control(&s, "POST", "/_wsadm/drop", json!({ "connectionIds": vanished })).await;
    control(&s, "PUT", "/_wsadm/faults", json!({"fail429": 0.10, "fail500": 0.01, "dropOnPost": 0.05})).await;

    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.jsonl");
    let env = wsadm_testkit::wsadm_env(&s.emulator.url());
    let r = wsadm(
        &env,
        &base_args(&[
            "--room",
            "lobby",
            "--message",
            r#"{"type":"notice"}"#,
            "--json",
            "--max-attempts",
            "10",
            "--min-age",
            "0s",
            "--report",
            report.to_str().unwrap(),
            "-o",
            "json",
        ]),
    );
    let summary = r.json();
    let n = |k: &str| summary[k].as_u64().unwrap();
    assert_eq!(n("targets"), 60);
    assert_eq!(n("delivered") + n("gone") + n("failed") + n("not_attempted"), 60, "{summary}");
    assert!(n("throttled") > 0, "10% injected 429s were seen: {summary}");
    assert!(n("gone") >= 3, "the vanished clients are gone: {summary}");

    let lines: Vec<Value> =
        std::fs::read_to_string(&report).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 60);
    let by_outcome = |o: &str| {
        lines
            .iter()
            .filter(|l| l["outcome"] == o)
            .map(|l| l["connection_id"].as_str().unwrap().to_string())
            .collect::<BTreeSet<_>>()
    };
    let (delivered, gone) = (by_outcome("delivered"), by_outcome("gone"));
    assert_eq!(delivered.len() as u64, n("delivered"));
    assert_eq!(
        lines.iter().map(|l| l["connection_id"].as_str().unwrap()).collect::<BTreeSet<_>>().len(),
        60,
        "one line per target"
    );
    assert_eq!(
        ids.iter().cloned().collect::<BTreeSet<_>>(),
        lines.iter().map(|l| l["connection_id"].as_str().unwrap().to_string()).collect()
    );

    // Every message counted delivered was received, once; the gone ones were not.
    stack::eventually("deliveries to arrive", || async { received.lock().unwrap().len() >= delivered.len() }).await;
    let got = received.lock().unwrap().clone();
    for id in &delivered {
        assert_eq!(got.get(id), Some(&1), "{id} counted delivered");
    }
    for id in vanished {
        assert!(gone.contains(id), "{id} vanished before the broadcast");
    }
    for id in &gone {
        assert!(!got.contains_key(id), "{id} was dropped, not delivered");
        assert!(store.get(id).await.unwrap().is_none(), "the dropped client's record is deleted");
    }
    // No live client's record was deleted.
    for id in &delivered {
        assert!(store.get(id).await.unwrap().is_some(), "{id} is live: its record stays");
    }
    assert_eq!(r.code, if n("failed") + n("not_attempted") == 0 { 0 } else { 3 });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_stops_and_deletes_nothing_and_oversized_sends_nothing() {
    let s = stack(Limits::default()).await;
    let (_ids, received) = clients(&s, 20, "lobby").await;
    let store = s.store();
    let env = wsadm_testkit::wsadm_env(&s.emulator.url());

    // A wrong management endpoint answers 403.
    let wrong = format!("{}/not-a-stage", s.emulator.url());
    let r = wsadm(&env, &base_args(&["--room", "lobby", "--message", "hi", "--domain", &wrong, "-o", "json"]));
    assert_eq!(r.code, 4, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["stopped"]["reason"], "forbidden");
    assert_eq!(
        v["delivered"].as_u64().unwrap()
            + v["gone"].as_u64().unwrap()
            + v["failed"].as_u64().unwrap()
            + v["not_attempted"].as_u64().unwrap(),
        20
    );
    assert_eq!(v["gone"], 0);
    assert_eq!(store.count().await.unwrap(), 20, "a 403 deletes nothing");

    // Over 131072 bytes: refused before anything is sent.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b'x'; 131_073]).unwrap();
    let before = control(&s, "GET", "/_wsadm/stats", json!(null)).await["connectionsApi"]["calls"].as_u64().unwrap();
    let r = wsadm(&env, &base_args(&["--room", "lobby", "--file", big.to_str().unwrap()]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("131072"), "{}", r.stderr);
    let after = control(&s, "GET", "/_wsadm/stats", json!(null)).await["connectionsApi"]["calls"].as_u64().unwrap();
    assert_eq!(before, after, "nothing was sent");

    // Dry run counts and sends nothing; then a real run delivers to all 20.
    let r = wsadm(&env, &base_args(&["--all", "--message", "x", "--dry-run", "-o", "json"]));
    assert_eq!((r.code, r.json()["targets"].as_u64()), (0, Some(20)));
    assert!(received.lock().unwrap().is_empty());
    let r = wsadm(&env, &base_args(&["--all", "--message", r#"{"type":"notice"}"#, "-o", "json"]));
    assert_eq!((r.code, r.json()["delivered"].as_u64()), (0, Some(20)), "{}", r.stdout);
    stack::eventually("all 20 received", || async { received.lock().unwrap().len() == 20 }).await;
}

/// With a proxy in the environment (as the SDK reads it), broadcast goes through the SDK client:
/// the direct sender does not speak to proxies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_proxy_it_sends_through_the_sdk_client() {
    let s = stack(Limits::default()).await;
    let (_ids, received) = clients(&s, 5, "lobby").await;
    let mut env = wsadm_testkit::wsadm_env(&s.emulator.url());
    // The emulator answers absolute-form (proxied) requests too: it stands in for the proxy.
    env.push(("HTTP_PROXY".into(), s.emulator.url()));
    let r = wsadm(&env, &base_args(&["--room", "lobby", "--message", r#"{"type":"notice"}"#, "-o", "json", "-v"]));
    assert_eq!((r.code, r.json()["delivered"].as_u64()), (0, Some(5)), "{}", r.stderr);
    assert!(r.stderr.contains("sending through the SDK client"), "{}", r.stderr);
    stack::eventually("all 5 received", || async { received.lock().unwrap().len() == 5 }).await;
    // Without it, the direct sender (no such line).
    env.pop();
    let r = wsadm(&env, &base_args(&["--room", "lobby", "--message", r#"{"type":"notice"}"#, "-o", "json", "-v"]));
    assert_eq!((r.code, r.json()["delivered"].as_u64()), (0, Some(5)), "{}", r.stderr);
    assert!(!r.stderr.contains("SDK client"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_young_gone_record_is_kept_unless_min_age_allows() {
    let s = stack(Limits::default()).await;
    let (ids, _received) = clients(&s, 3, "lobby").await;
    let store = s.store();
    control(&s, "POST", "/_wsadm/drop", json!({ "connectionIds": [&ids[0]] })).await;
    let env = wsadm_testkit::wsadm_env(&s.emulator.url());
    // By default a record younger than 30 s stays: its connection may still be in $connect.
    let v = wsadm(&env, &base_args(&["--room", "lobby", "--message", "x", "-o", "json"])).ok().json();
    assert_eq!((v["gone"].as_u64(), v["records_kept_too_new"].as_u64()), (Some(1), Some(1)), "{v}");
    assert!(store.get(&ids[0]).await.unwrap().is_some(), "kept");
    let v =
        wsadm(&env, &base_args(&["--room", "lobby", "--message", "x", "--min-age", "0s", "-o", "json"])).ok().json();
    assert_eq!((v["gone"].as_u64(), v["records_kept_too_new"].as_u64()), (Some(1), Some(0)), "{v}");
    assert!(store.get(&ids[0]).await.unwrap().is_none(), "removed");
    for id in &ids[1..] {
        assert!(store.get(id).await.unwrap().is_some(), "{id} is live");
    }
    let bad = wsadm(&env, &base_args(&["--room", "lobby", "--message", "x", "--min-age", "soon"]));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
