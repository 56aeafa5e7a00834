//! `wsadm logs` end to end: real clients on the provisioned chat stack in `wsadm local`, then the
//! built binary reads the access, execution and Lambda logs back from CloudWatch Logs (moto).

mod common;

use common::stack::{connect, local, recv, send, token, Local, SECRET};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame};

fn jsonl(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

fn tail(l: &Local, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["logs", "tail", "--api", "chat", "--stage", "prod", "--since", "10m", "-o", "jsonl"];
    args.extend_from_slice(extra);
    jsonl(&l.run(&args).ok().stdout)
}

fn of_connection<'a>(events: &'a [Value], id: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["connection_id"] == id).collect()
}

/// Events are in time order and each is there once.
fn assert_ordered_once(events: &[Value]) {
    let ts: Vec<i64> = events.iter().map(|e| e["timestamp_ms"].as_i64().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "not in time order: {ts:?}");
    let ids: HashSet<&str> = events.iter().map(|e| e["event_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "duplicate events");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_tail_trace_and_summary_tell_what_the_clients_did() {
    let l = local().await;
    let v = l.provision(&["--logging-level", "INFO"]).ok().json();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();

    // A route whose integration fails: API Gateway answers 500 and logs why.
    let api_id = v["outputs"]["api_id"].as_str().unwrap().to_string();
    let gw = aws_sdk_apigatewayv2::Client::new(&l.sdk);
    let integ = gw
        .create_integration()
        .api_id(&api_id)
        .integration_type(aws_sdk_apigatewayv2::types::IntegrationType::AwsProxy)
        .integration_uri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat-missing/invocations")
        .send()
        .await
        .unwrap();
    let target = format!("integrations/{}", integ.integration_id().unwrap());
    gw.create_route().api_id(&api_id).route_key("boom").target(target).send().await.unwrap();
    gw.create_deployment().api_id(&api_id).stage_name("prod").send().await.unwrap();

    // A rejected token, two users who chat, one kicked, one closing normally, one vanishing.
    assert_eq!(
        connect(&format!("{url}?token={}", token("mallory", "not-the-secret-not-the-secret-xx"))).await.err(),
        Some(401)
    );
    let mut alice = connect(&format!("{url}?token={}", token("alice", SECRET))).await.unwrap();
    let mut bob = connect(&format!("{url}?token={}", token("bob", SECRET))).await.unwrap();
    send(&mut alice, json!({"action": "whoami"})).await;
    let alice_id = recv(&mut alice).await["connectionId"].as_str().unwrap().to_string();
    send(&mut bob, json!({"action": "whoami"})).await;
    let bob_id = recv(&mut bob).await["connectionId"].as_str().unwrap().to_string();
    for ws in [&mut alice, &mut bob] {
        send(ws, json!({"action": "join", "room": "lobby"})).await;
        assert_eq!(recv(ws).await["type"], "joined");
    }
    for text in ["one", "two"] {
        send(&mut alice, json!({"action": "send", "room": "lobby", "text": text})).await;
        assert_eq!(recv(&mut alice).await["type"], "sent");
        assert_eq!(recv(&mut bob).await["text"], text);
    }
    send(&mut alice, json!({"action": "boom"})).await;
    assert_eq!(recv(&mut alice).await["message"], "Internal server error");
    let mut dave = connect(&format!("{url}?token={}", token("dave", SECRET))).await.unwrap();
    send(&mut dave, json!({"action": "whoami"})).await;
    let dave_id = recv(&mut dave).await["connectionId"].as_str().unwrap().to_string();
    let drop_url = format!("{}/_wsadm/drop", l.url);
    let body = json!({ "connectionIds": [dave_id] }).to_string();
    tokio::task::spawn_blocking(move || wsadm_testkit::http("POST", &drop_url, &body)).await.unwrap().unwrap();
    l.run(&["sessions", "kick", "--api", "chat", "--stage", "prod", &bob_id, "--yes"]).ok();
    alice.close(Some(CloseFrame { code: CloseCode::Normal, reason: "bye".into() })).await.unwrap();
    drop(alice);

    // Logs reach CloudWatch within seconds: wait (bounded) for both disconnects.
    let deadline = Instant::now() + Duration::from_secs(30);
    let all = loop {
        let all = tail(&l, &[]);
        let closed = |id: &str| {
            of_connection(&all, id).iter().any(|e| e["event_type"] == "DISCONNECT" && e["source"] == "execution")
        };
        if closed(&alice_id) && closed(&bob_id) {
            break all;
        }
        assert!(Instant::now() < deadline, "disconnects never logged: {all:#?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_ordered_once(&all);
    let sources: HashSet<&str> = all.iter().map(|e| e["source"].as_str().unwrap()).collect();
    assert_eq!(sources, HashSet::from(["access", "execution", "lambda"]), "every kind of group is read");

    // One connection's whole life: its requests in every group, its Lambda invocations included.
    let mine = tail(&l, &["--connection", &alice_id]);
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|e| e["connection_id"] == alice_id.as_str()), "{mine:#?}");
    assert_ordered_once(&mine);
    let has = |pred: &dyn Fn(&Value) -> bool| mine.iter().any(pred);
    assert!(has(&|e| e["source"] == "access" && e["event_type"] == "CONNECT" && e["status"] == 200));
    assert!(has(&|e| e["source"] == "lambda" && e["kind"] == "lambda_report"), "invocations are correlated: {mine:#?}");
    assert!(has(&|e| e["route"] == "send" && e["source"] == "access" && e["status"] == 200));
    assert!(has(&|e| e["event_type"] == "DISCONNECT" && e["close_code"] == 1000));
    assert!(mine.iter().all(|e| e["user"].is_null() || e["user"] == "alice"), "{mine:#?}");

    // Filters across groups.
    let sends = tail(&l, &["--route", "send", "--only", "access"]);
    assert_eq!(sends.len(), 2, "two sends: {sends:#?}");
    assert!(sends.iter().all(|e| e["route"] == "send" && e["connection_id"] == alice_id.as_str()));
    let rejected = tail(&l, &["--status", "4xx", "--only", "access"]);
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    assert_eq!((rejected[0]["event_type"].as_str(), rejected[0]["status"].as_u64()), (Some("CONNECT"), Some(401)));
    let errors = tail(&l, &["--errors"]);
    assert!(errors.iter().any(|e| e["status"] == 401), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e["route"] == "boom" && e["status"] == 500 && e["source"] == "access"),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e["route"] == "boom"
            && e["kind"] == "execution_failed"
            && e["connection_id"] == alice_id.as_str()),
        "the execution log says why: {errors:#?}"
    );
    let fives = tail(&l, &["--status", "5xx", "--only", "access"]);
    assert_eq!(fives.len(), 1, "{fives:#?}");
    assert_eq!(fives[0]["route"], "boom");
    assert!(
        errors.iter().all(|e| e["status"].as_u64().is_none_or(|s| s >= 400)
            || !e["error"].is_null()
            || e["close_code"].as_u64().is_some_and(|c| c == 1006 || c == 1011)
            || e["kind"] == "lambda_error"),
        "{errors:#?}"
    );
    let bobs = tail(&l, &["--user", "bob"]);
    assert!(!bobs.is_empty() && bobs.iter().all(|e| e["connection_id"] == bob_id.as_str()), "{bobs:#?}");

    // The people's view: one line per event, the source and the connection on it.
    let lines = l.run(&["logs", "tail", "--api", "chat", "--stage", "prod", "--connection", &alice_id]).ok().stdout;
    assert!(
        lines.lines().any(|x| x.contains("access") && x.contains(&alice_id) && x.contains("CONNECT $connect -> 200")),
        "{lines}"
    );
    assert!(lines.contains(&format!("{} of ", mine.len())), "a count of what was read: {lines}");

    // trace: the timeline, from the logs alone.
    let t = l.run(&["logs", "trace", &alice_id, "--api", "chat", "--stage", "prod", "-o", "json"]).ok().json();
    assert_eq!(t["found"], true);
    assert_eq!(t["user"], "alice");
    assert_eq!(t["close_code"], 1000);
    assert_eq!(t["source_ip"], "127.0.0.1");
    assert!(t["messages"].as_u64().unwrap() >= 4, "whoami, join, two sends: {t:#}");
    let steps: Vec<i64> = t["steps"].as_array().unwrap().iter().map(|s| s["timestamp_ms"].as_i64().unwrap()).collect();
    assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{t:#}");
    // The vanished client: connected, then nothing; the trace says there was no $disconnect.
    let t = l.run(&["logs", "trace", &dave_id, "--api", "chat", "--stage", "prod", "-o", "json"]).ok().json();
    assert_eq!((t["found"].as_bool(), t["user"].as_str()), (Some(true), Some("dave")), "{t:#}");
    assert!(t["disconnected_at"].is_null() && t["close_code"].is_null(), "{t:#}");
    let human = l.run(&["logs", "trace", &dave_id, "--api", "chat", "--stage", "prod"]).ok().stdout;
    assert!(human.contains("no $disconnect logged"), "{human}");
    let missing = l.run(&["logs", "trace", "Tm90SGVyZUF0QWxs", "--api", "chat", "--stage", "prod"]);
    assert_eq!(missing.code, 5, "{}", missing.stdout);
    assert!(missing.stdout.contains("No event names connection"), "{}", missing.stdout);

    // summary: per route, connects and close codes, rejections.
    let s = l.run(&["logs", "summary", "--api", "chat", "--stage", "prod", "--since", "10m", "-o", "json"]).ok().json();
    let route =
        |k: &str| s["routes"].as_array().unwrap().iter().find(|r| r["route"] == k).cloned().unwrap_or(Value::Null);
    assert_eq!(route("send")["requests"], 2, "{s:#}");
    assert_eq!(route("send")["errors"], 0, "{s:#}");
    assert_eq!((route("boom")["requests"].as_u64(), route("boom")["errors"].as_u64()), (Some(1), Some(1)), "{s:#}");
    assert_eq!(s["connections"]["connects"], 4, "every $connect request: {s:#}");
    assert_eq!(s["connections"]["connect_failures"], 1, "mallory's: {s:#}");
    assert_eq!(s["connections"]["disconnects"], 2, "{s:#}");
    assert_eq!(s["connections"]["close_codes"]["1000"], 2, "alice closed, bob was kicked: {s:#}");
    assert_eq!(s["connections"]["close_reasons"]["1000 bye"], 1, "{s:#}");
    assert_eq!(s["authorizer_rejections"], json!({"bad_signature": 1}), "{s:#}");

    // --follow: an event written after it started is shown once, within seconds; Ctrl-C ends it cleanly.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsadm"));
    for k in wsadm_testkit::inherited_vars_to_clear() {
        cmd.env_remove(k);
    }
    let mut child = cmd
        .envs(l.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args([
            "logs",
            "tail",
            "--api",
            "chat",
            "--stage",
            "prod",
            "--since",
            "10m",
            "--follow",
            "--interval",
            "500ms",
            "--only",
            "access",
            "-o",
            "jsonl",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Value>();
    let out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(serde_json::from_str(&line).unwrap()).is_err() {
                break;
            }
        }
    });
    let mut carol = connect(&format!("{url}?token={}", token("carol", SECRET))).await.unwrap();
    send(&mut carol, json!({"action": "whoami"})).await;
    let carol_id = recv(&mut carol).await["connectionId"].as_str().unwrap().to_string();
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !seen.iter().any(|e: &Value| e["connection_id"] == carol_id.as_str() && e["route"] == "whoami") {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "carol's message never followed: {seen:#?}");
        if let Ok(e) = rx.recv_timeout(left) {
            seen.push(e);
        }
    }
    // Two more polls: nothing already shown comes again.
    std::thread::sleep(Duration::from_millis(1500));
    seen.extend(rx.try_iter());
    assert_ordered_once(&seen);
    assert_eq!(seen.iter().filter(|e| e["connection_id"] == carol_id.as_str() && e["route"] == "whoami").count(), 1);
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    reader.join().unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl-C ends --follow cleanly");
}

#[tokio::test]
async fn logs_bad_input_and_stages_without_logging() {
    let l = local().await;
    let v = l.provision(&[]).ok().json();
    let api_id = v["outputs"]["api_id"].as_str().unwrap().to_string();
    for (args, needle) in [
        (vec!["--since", "yesterday"], "hint:"),
        (vec!["--status", "6xx"], "hint:"),
        (vec!["--rate", "0"], "hint:"),
        (vec!["--stage", "nope"], "no stage `nope`"),
        (vec!["--connection", "bad id!"], "hint:"),
    ] {
        let mut a = vec!["logs", "tail", "--api", "chat"];
        if !args.contains(&"--stage") {
            a.extend(["--stage", "prod"]);
        }
        a.extend(args.iter().copied());
        let r = l.run(&a);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
    let r = l.run(&["logs", "tail", "--api", "chat", "--stage", "prod", "--follow", "-o", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);

    // A stage with no access log and execution logging off: said up front, with what to change.
    let gw = aws_sdk_apigatewayv2::Client::new(&l.sdk);
    gw.create_stage().api_id(&api_id).stage_name("bare").send().await.unwrap();
    let r = l.run(&["logs", "tail", "--api", "chat", "--stage", "bare"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning:") && r.stderr.contains("access log"), "{}", r.stderr);
    let g = l.run(&["logs", "groups", "--api", "chat", "--stage", "bare", "-o", "json"]).ok().json();
    assert_eq!(g["access_logging"], false);
    assert_eq!(g["logging_level"], "OFF");
    assert!(!g["findings"].as_array().unwrap().is_empty(), "{g:#}");
    let says = |g: &Value, what: &str| {
        g["findings"].as_array().unwrap().iter().any(|f| f["message"].as_str().unwrap().contains(what))
    };
    assert!(!says(&g, "CloudWatch role"), "wsadm local sets the account's role: {g:#}");

    // Without the account's CloudWatch role API Gateway writes no logs at all: said first.
    let apigw = aws_sdk_apigateway::Client::new(&l.sdk);
    let op = aws_sdk_apigateway::types::PatchOperation::builder()
        .op(aws_sdk_apigateway::types::Op::Replace)
        .path("/cloudwatchRoleArn")
        .value("")
        .build();
    apigw.update_account().patch_operations(op).send().await.unwrap();
    let g = l.run(&["logs", "groups", "--api", "chat", "--stage", "prod", "-o", "json"]).ok().json();
    assert!(says(&g, "no CloudWatch role for API Gateway"), "{g:#}");
    assert_eq!(g["findings"][0]["severity"], "warning", "{g:#}");
}
