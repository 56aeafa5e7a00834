//! `wsadm loadtest` against the emulator's chat stack: 2,000 connections with messages and
//! fan-out, the counting mode the broadcast benchmarks use, and the open-files limit.

mod common;
#[path = "common/proc.rs"]
mod proc;
use wsadm_local::testing as stack;

use aws_sdk_apigatewayv2::types::{IntegrationType, ProtocolType};
use proc::Proc;
use serde_json::{json, Value};
use stack::{stack, token};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use wsadm_local::testing::Engines;
use wsadm_local::Limits;

fn env(st: &stack::Stack) -> Vec<(String, String)> {
    let mut env = wsadm_testkit::wsadm_env(&st.emulator.url());
    env.push(("CHAT_TOKEN".into(), token("loadtest", 600)));
    env
}

fn assert_plausible(l: &Value, what: &str, max_ms: f64) {
    let f = |k: &str| l[k].as_f64().unwrap_or_else(|| panic!("{what}.{k} missing: {l}"));
    assert!(l["count"].as_u64().unwrap() > 0, "{what}: {l}");
    assert!(f("min_ms") > 0.0, "{what}: {l}");
    assert!(f("min_ms") <= f("p50_ms") && f("p50_ms") <= f("p95_ms"), "{what}: {l}");
    assert!(f("p95_ms") <= f("p99_ms") && f("p99_ms") <= f("max_ms"), "{what}: {l}");
    assert!(f("max_ms") < max_ms, "{what}: {l}");
}

/// The chat protocol (join, send with fan-out, ping) kept in memory, behind an HTTP_PROXY
/// integration: the emulator's data plane at full speed. (The wsadm handlers keep sessions in
/// DynamoDB, and moto copies the whole table on every TransactWriteItems, so each $connect
/// there costs time in proportion to the sessions already open: fine for tens of connections,
/// not for thousands.)
struct FastChat {
    rooms: Mutex<HashMap<String, Vec<String>>>,
    registry: Arc<wsadm_local::registry::Registry>,
    /// The clients' source addresses, as the emulator saw them.
    sources: Mutex<HashSet<String>>,
}

impl FastChat {
    fn reply(&self, connection_id: &str, body: &[u8]) -> Value {
        let v: Value = serde_json::from_slice(body).unwrap_or_default();
        let room = v["room"].as_str().unwrap_or_default().to_string();
        match v["action"].as_str() {
            Some("join") => {
                if let Some(c) = self.registry.get(connection_id) {
                    self.sources.lock().unwrap().insert(c.source_ip.clone());
                }
                self.rooms.lock().unwrap().entry(room.clone()).or_default().push(connection_id.to_string());
                json!({ "type": "joined", "room": room, "rooms": [room] })
            }
            Some("send") => {
                let members = self.rooms.lock().unwrap().get(&room).cloned().unwrap_or_default();
                if !members.iter().any(|m| m == connection_id) {
                    return json!({ "type": "error", "error": "not_in_room" });
                }
                let frame = json!({ "type": "message", "room": room, "from": connection_id, "text": v["text"] });
                let data = bytes::Bytes::from(frame.to_string());
                let (mut delivered, mut gone, mut failed) = (0, 0, 0);
                for m in members.iter().filter(|m| *m != connection_id) {
                    match self.registry.get(m).map(|c| self.registry.post(&c, data.clone(), true)) {
                        Some(Ok(())) => delivered += 1,
                        None | Some(Err(wsadm_local::registry::PostRefusal::Gone)) => gone += 1,
                        Some(Err(_)) => failed += 1,
                    }
                }
                json!({ "type": "sent", "room": room, "delivered": delivered, "gone": gone, "failed": failed })
            }
            Some("ping") => json!({ "type": "pong", "ts": 0 }),
            _ => json!({ "type": "error", "error": "unknown_action" }),
        }
    }
}

/// Serves the FastChat on a free loopback port; returns its URL.
async fn serve(chat: Arc<FastChat>) -> String {
    use http_body_util::BodyExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/chat", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            let chat = chat.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let chat = chat.clone();
                    async move {
                        let id = req
                            .headers()
                            .get("x-amzn-connection-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string();
                        let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let out = chat.reply(&id, &body).to_string();
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(http_body_util::Full::new(
                            bytes::Bytes::from(out),
                        )))
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tcp), svc)
                    .await;
            });
        }
    });
    url
}

/// The emulator with an API whose routes go to a FastChat.
async fn fast_stack(limits: Limits) -> (Engines, wsadm_local::Running, String, Arc<FastChat>) {
    let (moto, emulator) = stack::emulator(limits).await;
    let chat = Arc::new(FastChat {
        rooms: Mutex::default(),
        registry: emulator.emulator.registry.clone(),
        sources: Mutex::default(),
    });
    let backend = serve(chat.clone()).await;
    let sdk = wsadm_testkit::sdk_config_for(&emulator.url()).await;
    let gw = aws_sdk_apigatewayv2::Client::new(&sdk);
    let api = gw
        .create_api()
        .name("fastchat")
        .protocol_type(ProtocolType::Websocket)
        .route_selection_expression("$request.body.action")
        .send()
        .await
        .unwrap();
    let api_id = api.api_id().unwrap().to_string();
    let integ = gw
        .create_integration()
        .api_id(&api_id)
        .integration_type(IntegrationType::HttpProxy)
        .integration_method("POST")
        .integration_uri(&backend)
        .send()
        .await
        .unwrap();
    let target = format!("integrations/{}", integ.integration_id().unwrap());
    for key in ["join", "send", "ping", "$default"] {
        let route = gw.create_route().api_id(&api_id).route_key(key).target(&target).send().await.unwrap();
        gw.create_route_response()
            .api_id(&api_id)
            .route_id(route.route_id().unwrap())
            .route_response_key("$default")
            .send()
            .await
            .unwrap();
    }
    gw.create_stage().api_id(&api_id).stage_name("prod").send().await.unwrap();
    let url = format!("{}/prod", api.api_endpoint().unwrap());
    (moto, emulator, url, chat)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_connections_all_succeed_with_plausible_latencies() {
    // The emulator's new-connection rate is raised so the test is not throttled at 500/s.
    let (_moto, emulator, url, chat) = fast_stack(Limits { connect_rate: 10_000.0, ..Limits::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens");
    std::fs::write(&tokens, "# one per line, round-robin\ntoken-a\ntoken-b\n").unwrap();
    let args: Vec<String> = [
        "loadtest",
        &url,
        "--token-file",
        tokens.to_str().unwrap(),
        "--connections",
        "2000",
        "--connect-rate",
        "1000",
        "--rooms",
        "50",
        "--message-rate",
        "50",
        "--payload-bytes",
        "256",
        "--duration",
        "3s",
        // Generous under a loaded CI machine: the assertions are about correctness, not speed.
        "--handshake-timeout",
        "30s",
        "--connect-retries",
        "5",
        "--drain",
        "10s",
        "-o",
        "json",
    ]
    .map(String::from)
    .to_vec();
    let env = wsadm_testkit::wsadm_env(&emulator.url());
    let started = Instant::now();
    let r = tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        common::wsadm(&env, &a)
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let v = r.json();
    let c = &v["connections"];
    assert_eq!(c["requested"], 2000, "{v}");
    assert_eq!(c["opened"], 2000, "{v}");
    assert_eq!(c["held"], 2000, "{v}");
    assert_eq!(c["success_ratio"], 1.0, "{v}");
    assert_eq!((c["failed"].as_u64(), c["dropped"].as_u64()), (Some(0), Some(0)), "{v}");
    assert_eq!(v["source_addresses"], 8, "{v}");
    assert_plausible(&v["connect_latency"], "connect_latency", 10_000.0);
    assert_eq!(v["connect_latency"]["count"], 2000);
    assert_plausible(&v["join_latency"], "join_latency", 10_000.0);
    let m = &v["messages"];
    assert!(m["sent"].as_u64().unwrap() >= 100, "{v}");
    assert_eq!(m["acked"], m["sent"], "{v}");
    assert_eq!(m["ack_ratio"], 1.0, "{v}");
    // 40 members a room: every send reaches the 39 others, and each copy is received.
    assert_eq!(m["deliveries_claimed"].as_u64().unwrap(), m["sent"].as_u64().unwrap() * 39, "{v}");
    assert_eq!(m["deliveries_received"], m["deliveries_claimed"], "{v}");
    assert_plausible(&m["ack_latency"], "ack_latency", 5_000.0);
    assert_plausible(&m["round_trip"], "round_trip", 5_000.0);
    for k in ["connect", "connect_retried", "closes", "frames"] {
        assert_eq!(v["errors"][k], json!({}), "errors.{k}: {v}");
    }
    // The emulator saw the connections come from 127.0.0.1 … 127.0.0.8.
    let sources = chat.sources.lock().unwrap().clone();
    assert_eq!(sources.len(), 8, "{sources:?}");
    assert!(sources.contains("127.0.0.8"), "{sources:?}");
    eprintln!(
        "loadtest: 2000 connections, ramp {:.1} s ({} conn/s); connect p50 {} ms p99 {} ms max {} ms; \
         {} messages, round trip p50 {} ms p99 {} ms; test took {:.1} s",
        c["ramp_secs"].as_f64().unwrap(),
        c["ramp_rate"],
        v["connect_latency"]["p50_ms"],
        v["connect_latency"]["p99_ms"],
        v["connect_latency"]["max_ms"],
        m["sent"],
        m["round_trip"]["p50_ms"],
        m["round_trip"]["p99_ms"],
        elapsed.as_secs_f64()
    );
}

/// Posts `times` copies of a frame to every open connection, through @connections.
async fn post_to_all(st: &stack::Stack, data: &str, times: usize) -> Vec<String> {
    let mgmt = st.management();
    let ids: Vec<String> = st.emulator.emulator.registry.all().iter().map(|c| c.id.clone()).collect();
    for id in &ids {
        for _ in 0..times {
            mgmt.post_to_connection().connection_id(id).data(data.as_bytes().to_vec().into()).send().await.unwrap();
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counting_mode_verifies_each_connection_got_exactly_what_was_sent() {
    let st = stack(Limits { connect_rate: 10_000.0, ..Limits::default() }).await;
    let common = ["--token-env", "CHAT_TOKEN", "--room", "lobby", "--join-via", "query", "--hold", "-o", "jsonl"];

    // 1. --until-expected: every connection gets its 2 broadcasts and the loadtest ends by itself.
    let mut args = vec!["loadtest", &st.ws_url, "-n", "60", "--expect", "2", "--until-expected", "--settle", "300ms"];
    args.extend(common);
    let mut lt = Proc::spawn(&env(&st), &args);
    let ready = lt.out("ready", |v| v["event"] == "ready").await;
    assert_eq!((ready["open"].as_u64(), ready["failed"].as_u64()), (Some(60), Some(0)), "{ready}");
    let ids = post_to_all(&st, r#"{"type":"maintenance","in":"5m"}"#, 2).await;
    assert_eq!(ids.len(), 60);
    let report = lt.out("report", |v| v.get("counting").is_some()).await;
    assert_eq!(lt.exit_code().await, 0, "{}", lt.transcript());
    let k = &report["counting"];
    assert_eq!(
        (k["expected"].as_u64(), k["exact"].as_u64(), k["fewer"].as_u64(), k["more"].as_u64()),
        (Some(2), Some(60), Some(0), Some(0)),
        "{k}"
    );
    assert_eq!(k["histogram"], serde_json::json!({ "2": 60 }));
    assert_eq!(k["per_connection"].as_array().unwrap().len(), 60);
    assert!(k["per_connection"].as_array().unwrap().iter().all(|p| p["ok"] == true && p["state"] == "held"));
    assert_eq!(report["connections"]["success_ratio"], 1.0);

    // 2. --hold until SIGTERM: one connection got a duplicate, one got nothing; both are named.
    let mut args = vec!["loadtest", &st.ws_url, "-n", "40", "--expect", "1", "--count-type", "maintenance"];
    args.extend(common);
    let mut lt = Proc::spawn(&env(&st), &args);
    lt.out("ready", |v| v["event"] == "ready").await;
    let mgmt = st.management();
    let ids: Vec<String> = st.emulator.emulator.registry.all().iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids.len(), 40);
    let data = r#"{"type":"maintenance"}"#;
    for (i, id) in ids.iter().enumerate() {
        let times = match i {
            0 => 0,
            1 => 2,
            _ => 1,
        };
        for _ in 0..times {
            mgmt.post_to_connection().connection_id(id).data(data.as_bytes().to_vec().into()).send().await.unwrap();
        }
        // Frames of other types are not counted with --count-type.
        mgmt.post_to_connection().connection_id(id).data(br#"{"type":"other"}"#.to_vec().into()).send().await.unwrap();
    }
    // Once the emulator has written every frame to its socket, SIGTERM: the loadtest's close
    // frame comes after them, and frames read before the server's close reply are counted.
    stack::eventually("every frame written", || async {
        st.emulator
            .emulator
            .registry
            .all()
            .iter()
            .all(|c| c.queued_bytes.load(std::sync::atomic::Ordering::Relaxed) == 0)
    })
    .await;
    lt.signal("TERM");
    let report = lt.out("report", |v| v.get("counting").is_some()).await;
    assert_eq!(lt.exit_code().await, 3, "mismatches are a partial result:\n{}", lt.transcript());
    let k = &report["counting"];
    assert_eq!((k["exact"].as_u64(), k["fewer"].as_u64(), k["more"].as_u64()), (Some(38), Some(1), Some(1)), "{k}");
    assert_eq!(k["histogram"], serde_json::json!({ "0": 1, "1": 38, "2": 1 }));
    let bad: Vec<u64> = k["per_connection"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ok"] == false)
        .map(|p| p["received"].as_u64().unwrap())
        .collect();
    assert_eq!(bad.len(), 2);
    assert!(bad.contains(&0) && bad.contains(&2), "{bad:?}");
    // SIGTERM is the normal end of --hold: the connections were held.
    assert_eq!(report["interrupted"], true);
    assert_eq!(report["connections"]["held"], 40);
}

#[test]
fn more_connections_than_open_files_is_refused_up_front() {
    let env = wsadm_testkit::wsadm_env("http://127.0.0.1:1");
    let r = common::wsadm(&env, &["loadtest", "ws://127.0.0.1:1/apis/x/prod", "-n", "5000000"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("open files") && r.stderr.contains("RLIMIT_NOFILE"), "{}", r.stderr);
    assert!(r.stderr.contains("--connections"), "{}", r.stderr);
}
