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
        count_notices(ws, id, received.clone());
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
    // Sends to the room with `extra` flags: every one of the 5 delivered; wsadm's stderr (-v).
    let round = |env: &[(String, String)], extra: &[&str]| {
        let mut a = base_args(&["--room", "lobby", "--message", r#"{"type":"notice"}"#, "-o", "json", "-v"]);
        a.extend_from_slice(extra);
        let r = wsadm(env, &a);
        assert_eq!((r.code, r.json()["delivered"].as_u64()), (0, Some(5)), "{extra:?}: {}", r.stderr);
        r.stderr
    };
    let copies = |n: u32| {
        let received = received.clone();
        async move {
            stack::eventually(&format!("all 5 received {n}"), || async {
                let got = received.lock().unwrap();
                got.len() == 5 && got.values().all(|c| *c == n)
            })
            .await
        }
    };
    let err = round(&env, &[]);
    assert!(err.contains("sending through the SDK client"), "{err}");
    copies(1).await;
    // --sender direct ignores the proxy, and says so.
    let err = round(&env, &["--sender", "direct"]);
    assert!(err.contains("HTTPS_PROXY/HTTP_PROXY is ignored"), "{err}");
    copies(2).await;
    // Without it, the direct sender (no such line).
    env.pop();
    let err = round(&env, &[]);
    assert!(!err.contains("SDK client"), "{err}");
    copies(3).await;
    // --sender sdk without a proxy: the SDK client (as the benchmark compares them).
    let err = round(&env, &["--sender", "sdk"]);
    assert!(err.contains("--sender sdk: sending through the SDK client"), "{err}");
    copies(4).await;
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

/// Connects `n` clients of users `{prefix}{i}` to `stage` of the stack's API, into `room`;
/// each counts the `notice` frames it receives.
async fn clients_on(s: &stack::Stack, stage: &str, prefix: &str, n: usize, room: &str) -> (Vec<String>, Received) {
    let received: Received = Arc::default();
    let mut ids = Vec::new();
    let base = s.ws_url.strip_suffix("/prod").unwrap();
    for i in 0..n {
        let url = format!("{base}/{stage}?token={}&room={room}", stack::token(&format!("{prefix}{i}"), 600));
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("authorized connect");
        send(&mut ws, json!({"action":"whoami"})).await;
        let id = recv(&mut ws).await["connectionId"].as_str().unwrap().to_string();
        ids.push(id.clone());
        count_notices(ws, id, received.clone());
    }
    (ids, received)
}

async fn connections_api_calls(s: &stack::Stack) -> u64 {
    control(s, "GET", "/_wsadm/stats", json!(null)).await["connectionsApi"]["calls"].as_u64().unwrap()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// A session record written with the AWS SDK, as a handler of `stage` would write it.
fn record(id: &str, user: &str, room: &str, stage: &str, connected_at: i64) -> wsadm_core::store::Session {
    let mut sn = wsadm_core::store::Session::new(id, user, connected_at);
    sn.rooms = [room.to_string()].into();
    sn.stage = Some(stage.into());
    sn
}

/// With the default --min-age, a 410 for a connection recorded a moment ago keeps its record
/// (it may still be in $connect); one recorded ten minutes ago is removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_keeps_a_young_record_and_removes_an_old_one() {
    let s = stack(Limits::default()).await;
    let (ids, received) = clients(&s, 2, "lobby").await;
    let store = s.store();
    // Records of connections that no longer exist: the emulator answers 410 for them.
    store.put_session(&record("OldGone0=", "olga", "lobby", "prod", now_ms() - 600_000)).await.unwrap();
    store.put_session(&record("NewGone0=", "nina", "lobby", "prod", now_ms() - 2_000)).await.unwrap();
    let env = wsadm_testkit::wsadm_env(&s.emulator.url());
    let v =
        wsadm(&env, &base_args(&["--room", "lobby", "--message", r#"{"type":"notice"}"#, "-o", "json"])).ok().json();
    assert_eq!((v["delivered"].as_u64(), v["gone"].as_u64()), (Some(2), Some(2)), "{v}");
    assert_eq!(v["records_kept_too_new"].as_u64(), Some(1), "{v}");
    assert!(store.get("OldGone0=").await.unwrap().is_none(), "old: removed");
    assert!(store.get("NewGone0=").await.unwrap().is_some(), "young: kept");
    for id in &ids {
        assert!(store.get(id).await.unwrap().is_some(), "{id} is live");
    }
    stack::eventually("both received", || async { received.lock().unwrap().len() == 2 }).await;
}

/// `--all` reads the table page by page while it sends (pages of 1,000, one scan segment):
/// every record of every page is a target exactly once, the stale ones are removed, and the
/// report names each target once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_reads_every_page_of_the_table_as_it_sends() {
    let s = stack(Limits::default()).await;
    let (ids, received) = clients(&s, 3, "lobby").await;
    let store = s.store();
    let old = now_ms() - 600_000;
    let stale: Vec<String> = (0..1_500).map(|i| format!("Stale{i:05}=")).collect();
    futures::stream::iter(stale.iter())
        .for_each_concurrent(32, |id| {
            let store = store.clone();
            async move { store.put_session(&record(id, "ghost", "lobby", "prod", old)).await.unwrap() }
        })
        .await;
    let env = wsadm_testkit::wsadm_env(&s.emulator.url());
    let dry = wsadm(&env, &base_args(&["--all", "--dry-run", "--message", "x", "-o", "json"])).ok().json();
    assert_eq!(dry["targets"].as_u64(), Some(1_503), "{dry}");
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("all.jsonl");
    let v = wsadm(
        &env,
        &base_args(&[
            "--all",
            "--scan-segments",
            "1",
            "--min-age",
            "0s",
            "--message",
            r#"{"type":"notice"}"#,
            "--report",
            report.to_str().unwrap(),
            "-o",
            "json",
        ]),
    )
    .ok()
    .json();
    assert_eq!(v["targets"].as_u64(), Some(1_503), "{v}");
    assert_eq!((v["delivered"].as_u64(), v["gone"].as_u64()), (Some(3), Some(1_500)), "{v}");
    assert_eq!(v["read_to_end"], json!(true));
    let lines = std::fs::read_to_string(&report).unwrap();
    let named: BTreeSet<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["connection_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!((lines.lines().count(), named.len()), (1_503, 1_503), "each target once");
    assert!(ids.iter().chain(stale.iter()).all(|id| named.contains(id)));
    stack::eventually("the clients' copies", || async { received.lock().unwrap().len() == 3 }).await;
    assert!(store.get(&stale[0]).await.unwrap().is_none() && store.get(&stale[1_499]).await.unwrap().is_none());
    for id in &ids {
        assert!(store.get(id).await.unwrap().is_some(), "{id} is live");
    }
}

/// One table, two stages: a broadcast to one never posts to, nor removes, the other's
/// connections (even with --min-age 0s, where any 410 would remove a record); --all-stages
/// sends each to its own stage's endpoint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stages_in_one_table_never_touch_each_other() {
    let s = stack(Limits::default()).await;
    let gw = aws_sdk_apigatewayv2::Client::new(&s.sdk);
    gw.create_stage().api_id(&s.api_id).stage_name("dev").send().await.unwrap();
    let (prod, prod_got) = clients_on(&s, "prod", "u", 3, "lobby").await;
    let (dev, dev_got) = clients_on(&s, "dev", "u", 2, "lobby").await;
    let store = s.store();
    for id in &dev {
        assert_eq!(store.get(id).await.unwrap().unwrap().stage.as_deref(), Some("dev"));
    }
    let env = wsadm_testkit::wsadm_env(&s.emulator.url());
    let notice = r#"{"type":"notice"}"#;
    for (who, delivered, skipped) in
        [(vec!["--room", "lobby"], 3, 2), (vec!["--all"], 3, 2), (vec!["--user", "u0"], 1, 1)]
    {
        let before = connections_api_calls(&s).await;
        let mut a = who.clone();
        a.extend(["--message", notice, "--min-age", "0s", "-o", "json"]);
        let v = wsadm(&env, &base_args(&a)).ok().json();
        assert_eq!(v["delivered"].as_u64(), Some(delivered), "{who:?}: {v}");
        assert_eq!((v["gone"].as_u64(), v["targets"].as_u64()), (Some(0), Some(delivered)), "{who:?}: {v}");
        assert_eq!(v["skipped_other_stage"].as_u64(), Some(skipped), "{who:?}: {v}");
        assert_eq!(v["skipped_by_stage"], json!({ "dev": skipped }), "{who:?}");
        assert_eq!(connections_api_calls(&s).await - before, delivered, "{who:?}: no call for dev's connections");
    }
    for id in &dev {
        assert!(store.get(id).await.unwrap().is_some(), "{id}: dev's record untouched");
    }
    stack::eventually("prod's deliveries", || async { prod_got.lock().unwrap().values().sum::<u32>() == 7 }).await;
    assert!(dev_got.lock().unwrap().is_empty(), "nothing reached dev");

    // --all-stages: each on its own stage's endpoint.
    let v = wsadm(&env, &base_args(&["--all", "--all-stages", "--message", notice, "--min-age", "0s", "-o", "json"]))
        .ok()
        .json();
    assert_eq!(
        (v["targets"].as_u64(), v["delivered"].as_u64(), v["gone"].as_u64()),
        (Some(5), Some(5), Some(0)),
        "{v}"
    );
    assert_eq!(v["skipped_other_stage"].as_u64(), Some(0));
    let stages: Vec<(String, u64)> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["stage"].as_str().unwrap().to_string(), s["delivered"].as_u64().unwrap()))
        .collect();
    assert_eq!(stages, vec![("prod".to_string(), 3), ("dev".to_string(), 2)]);
    stack::eventually("dev's deliveries", || async { dev_got.lock().unwrap().values().sum::<u32>() == 2 }).await;
    for id in &dev {
        assert_eq!(dev_got.lock().unwrap().get(id), Some(&1), "{id} got it once, on its own stage");
    }
    // Ids given on the command line go to --stage; a 410 there keeps another stage's record.
    let v = wsadm(&env, &base_args(&["--connection", &dev[0], "--message", notice, "--min-age", "0s", "-o", "json"]))
        .ok()
        .json();
    assert_eq!((v["gone"].as_u64(), v["records_kept_other_stage"].as_u64()), (Some(1), Some(1)), "{v}");
    assert!(store.get(&dev[0]).await.unwrap().is_some(), "kept");
    assert!(prod.iter().all(|id| !dev.contains(id)));
    let bad = wsadm(&env, &base_args(&["--connection", &dev[0], "--all-stages", "--message", notice]));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

/// A gone record that could not be removed, a --report that could not be written, and an
/// invalid id in the table each make the exit code partial (3), and the summary says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_and_delete_failures_reach_the_summary_and_the_exit_code() {
    let s = stack(Limits::default()).await;
    let (_ids, _received) = clients(&s, 3, "lobby").await;
    let env = wsadm_testkit::wsadm_env(&s.emulator.url());
    let msg = r#"{"type":"notice"}"#;

    // Every target delivered, but the report file is full.
    let r = wsadm(&env, &base_args(&["--room", "lobby", "--message", msg, "--report", "/dev/full", "-o", "json"]));
    let v = r.json();
    assert_eq!((r.code, v["delivered"].as_u64()), (3, Some(3)), "{v}");
    assert!(v["report_error"].as_str().is_some_and(|e| e.contains("space")), "{v}");

    // A 410 whose record cannot be removed: the table named does not exist.
    let mut a = vec!["broadcast", "--api", "chat", "--stage", "prod", "--table", "no-such-table"];
    a.extend(["--connection", "Gone0000=", "--message", msg, "--min-age", "0s", "-o", "json"]);
    let r = wsadm(&env, &a);
    let v = r.json();
    assert_eq!((r.code, v["gone"].as_u64(), v["records_delete_failed"].as_u64()), (3, Some(1), Some(1)), "{v}");
    assert!(v["records_delete_error"].as_str().is_some_and(|e| !e.is_empty()), "{v}");

    // An id in the table that is not a connection id: counted, named, never sent.
    s.store().put_session(&record("not an id!", "eve", "lobby", "prod", now_ms() - 600_000)).await.unwrap();
    let before = connections_api_calls(&s).await;
    let r = wsadm(&env, &base_args(&["--all", "--message", msg, "-o", "json"]));
    let v = r.json();
    assert_eq!((r.code, v["delivered"].as_u64(), v["skipped_invalid_id"].as_u64()), (3, Some(3), Some(1)), "{v}");
    assert_eq!(v["invalid_ids"], json!(["not an id!"]));
    assert_eq!(connections_api_calls(&s).await - before, 3, "the invalid id was never sent");
}

/// Counts, per connection id, the `notice` frames `ws` receives, until it closes.
fn count_notices<S>(mut ws: S, id: String, received: Received)
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin + Send + 'static,
{
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
