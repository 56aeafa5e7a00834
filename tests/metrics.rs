//! `wsadm metrics` end to end: known traffic on the provisioned chat stack in `wsadm local`
//! (metrics published every second), then the built binary reads the sums back from CloudWatch
//! (moto), the open connections from the session table and the access log, and the cost.

mod common;

use common::stack::{connect, local_with, recv, send, token, Local, SECRET};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::protocol::{frame::coding::CloseCode, CloseFrame};

fn metrics(l: &Local, extra: &[&str]) -> Value {
    let mut args = vec!["metrics", "--api", "chat", "--stage", "prod", "--since", "15m", "-o", "json"];
    args.extend_from_slice(extra);
    l.run(&args).ok().json()
}

fn value(report: &Value, metric: &str) -> Value {
    report["stage_metrics"].as_array().unwrap().iter().find(|m| m["metric"] == metric).unwrap()["value"].clone()
}

/// A route whose integration fails (its function does not exist): API Gateway answers 500.
async fn failing_route(l: &Local, api_id: &str) {
    let gw = aws_sdk_apigatewayv2::Client::new(&l.sdk);
    let integ = gw
        .create_integration()
        .api_id(api_id)
        .integration_type(aws_sdk_apigatewayv2::types::IntegrationType::AwsProxy)
        .integration_uri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat-missing/invocations")
        .send()
        .await
        .unwrap();
    let target = format!("integrations/{}", integ.integration_id().unwrap());
    gw.create_route().api_id(api_id).route_key("boom").target(target).send().await.unwrap();
    gw.create_deployment().api_id(api_id).stage_name("prod").send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_report_exactly_the_traffic_sent() {
    let l = local_with(&["--metrics-interval", "1"]).await;
    let v = l.provision(&["--detailed-metrics"]).ok().json();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();
    let api_id = v["outputs"]["api_id"].as_str().unwrap().to_string();
    failing_route(&l, &api_id).await;

    // Before any traffic: no data, never 0; the table is empty.
    let quiet = metrics(&l, &[]);
    for m in ["ConnectCount", "MessageCount", "IntegrationError", "ClientError", "ExecutionError", "IntegrationLatency"]
    {
        assert_eq!(value(&quiet, m), Value::Null, "{m}: {quiet:#}");
    }
    assert_eq!(quiet["connected"]["sessions"], 0, "{quiet:#}");
    assert!(quiet["cost"]["total"].is_null() || quiet["cost"]["messages"].is_null(), "{quiet:#}");
    let human = l.run(&["metrics", "--api", "chat", "--stage", "prod", "--since", "15m"]).ok().stdout;
    assert!(human.contains("no data"), "{human}");
    assert!(human.contains("ConnectCount (sum per 1m): no data"), "{human}");

    // Known traffic: N = 3 connects (and one refused), M = 7 messages of which 2 heartbeats and
    // K = 2 integration failures; one client closes.
    let (n, m, k) = (3.0, 7.0, 2.0);
    assert_eq!(
        connect(&format!("{url}?token={}", token("mallory", "not-the-secret-not-the-secret-xx"))).await.err(),
        Some(401)
    );
    let mut clients = Vec::new();
    for user in ["alice", "bob", "carol"] {
        let mut ws = connect(&format!("{url}?token={}", token(user, SECRET))).await.unwrap();
        send(&mut ws, json!({"action": "whoami"})).await;
        assert_eq!(recv(&mut ws).await["userId"], user);
        clients.push(ws);
    }
    for _ in 0..2 {
        send(&mut clients[0], json!({"action": "ping"})).await;
        assert_eq!(recv(&mut clients[0]).await["type"], "pong");
    }
    for _ in 0..2 {
        send(&mut clients[1], json!({"action": "boom"})).await;
        assert_eq!(recv(&mut clients[1]).await["message"], "Internal server error");
    }
    let mut carol = clients.pop().unwrap();
    carol.close(Some(CloseFrame { code: CloseCode::Normal, reason: "bye".into() })).await.unwrap();
    drop(carol);

    // Metrics are put every second and logs flushed within two: poll (bounded) until both are in.
    let deadline = Instant::now() + Duration::from_secs(60);
    let r = loop {
        let r = metrics(&l, &["--no-charts"]);
        let done = value(&r, "ConnectCount") == n
            && value(&r, "MessageCount") == m
            && r["connected"]["log_disconnects"] == 1
            && r["connected"]["log_estimate"] == 2;
        if done {
            break r;
        }
        assert!(Instant::now() < deadline, "the traffic never showed: {r:#}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(value(&r, "IntegrationError"), k, "{r:#}");
    assert_eq!(value(&r, "ExecutionError"), k, "{r:#}");
    assert_eq!(value(&r, "ClientError"), 1.0, "mallory's 401: {r:#}");
    let latency = r["stage_metrics"].as_array().unwrap().iter().find(|x| x["metric"] == "IntegrationLatency").unwrap();
    assert!(latency["value"].as_f64().is_some() && latency["samples"].as_f64().unwrap() >= m, "{latency:#}");
    assert_eq!(r["get_metric_data_calls"], 1, "one GetMetricData call for everything: {r:#}");
    // Per route (detailed metrics), found with ListMetrics: the heartbeat route's own count.
    let route = |name: &str| r["routes"].as_array().unwrap().iter().find(|x| x["route"] == name).cloned().unwrap();
    let ping = route("ping");
    assert_eq!(
        ping["metrics"].as_array().unwrap().iter().find(|x| x["metric"] == "MessageCount").unwrap()["value"],
        2.0,
        "{ping:#}"
    );
    assert!(ping["dimensions"].as_array().unwrap().contains(&json!("Route=ping")), "{ping:#}");
    assert_eq!(route("boom")["metrics"][2]["value"], k, "IntegrationError of boom: {r:#}");
    assert!((r["shares"]["integration_error_pct"].as_f64().unwrap() - 100.0 * k / m).abs() < 1e-9, "{r:#}");

    // Connected now: two records, two open by the log, no difference.
    let c = &r["connected"];
    assert_eq!(
        (c["sessions"].as_u64(), c["log_estimate"].as_u64(), c["difference"].as_i64()),
        (Some(2), Some(2), Some(0)),
        "{c:#}"
    );
    assert_eq!(c["log_connects"], 3, "{c:#}");
    assert!(c["trend"].as_array().unwrap().last().unwrap()["value"] == 2.0, "{c:#}");

    // Cost: 7 messages of 1 unit at $1.00 per million; the heartbeat is 2 of them.
    let cost = &r["cost"];
    assert_eq!(cost["billed_messages"], m, "{cost:#}");
    assert!((cost["message_cost"].as_f64().unwrap() - m / 1e6).abs() < 1e-12, "{cost:#}");
    assert!(cost["connection_minutes"].as_f64().unwrap() > 0.0, "{cost:#}");
    assert!((cost["heartbeat"]["share"].as_f64().unwrap() - 2.0 / m).abs() < 1e-9, "{cost:#}");
    assert_eq!(cost["prices"]["source"], "published us-east-1");
    let priced = metrics(&l, &["--no-charts", "--message-size", "40000", "--message-price", "2"]);
    assert_eq!(priced["cost"]["billed_messages"], 2.0 * m, "40,000 bytes are 2 units of 32 KB");
    assert!((priced["cost"]["message_cost"].as_f64().unwrap() - 2.0 * m * 2.0 / 1e6).abs() < 1e-12);

    // A stale record: a client dropped without $disconnect stays in the table; the log does not
    // count it, and the difference is explained.
    let mut dave = connect(&format!("{url}?token={}", token("dave", SECRET))).await.unwrap();
    send(&mut dave, json!({"action": "whoami"})).await;
    let dave_id = recv(&mut dave).await["connectionId"].as_str().unwrap().to_string();
    let drop_url = format!("{}/_wsadm/drop", l.url);
    let body = json!({ "connectionIds": [dave_id] }).to_string();
    tokio::task::spawn_blocking(move || wsadm_testkit::http("POST", &drop_url, &body)).await.unwrap().unwrap();

    // The people's view at 80 columns: the table, then a chart per metric that fits.
    let mut env = l.env.clone();
    env.push(("COLUMNS".into(), "80".into()));
    let human = common::wsadm(&env, &["metrics", "--api", "chat", "--stage", "prod", "--since", "15m"]).ok().stdout;
    for needle in [
        "ConnectCount",
        "IntegrationLatency",
        "Connected now",
        "Cost (month)",
        "ConnectCount (sum per 1m)",
        "Heartbeat",
    ] {
        assert!(human.contains(needle), "{needle}: {human}");
    }
    let braille = |l: &str| l.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c));
    let chart_lines: Vec<&str> = human.lines().filter(|l| braille(l)).collect();
    assert!(chart_lines.len() >= 5 * 6, "{human}");
    assert!(chart_lines.iter().all(|l| l.chars().count() <= 80), "{human}");

    // --publish: the table's count as wsadm/ConnectedSessions, for the sessions alarm.
    let p = metrics(&l, &["--no-charts", "--publish", "--no-logs"]);
    assert_eq!(p["published"], true);
    let cw = aws_sdk_cloudwatch::Client::new(&l.sdk);
    let listed = cw.list_metrics().namespace("wsadm").metric_name("ConnectedSessions").send().await.unwrap();
    let dims: Vec<(String, String)> = listed.metrics()[0]
        .dimensions()
        .iter()
        .map(|d| (d.name().unwrap().to_string(), d.value().unwrap().to_string()))
        .collect();
    assert!(
        dims.contains(&("ApiId".into(), api_id.clone())) && dims.contains(&("Stage".into(), "prod".into())),
        "{dims:?}"
    );
    // dave vanished without a close frame, so no $disconnect ran: his record stays, and the log
    // has no DISCONNECT either; both count him until `sessions prune` or the 2-hour limit.
    let deadline = Instant::now() + Duration::from_secs(30);
    let c = loop {
        let s = metrics(&l, &["--no-charts"]);
        if s["connected"]["log_connects"] == 4 {
            break s["connected"].clone();
        }
        assert!(Instant::now() < deadline, "{s:#}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!((c["sessions"].as_u64(), c["log_estimate"].as_u64()), (Some(3), Some(3)), "{c:#}");
    assert_eq!(c["explanation"], "the session table and the access log agree", "{c:#}");
    drop(dave);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_watch_refreshes_and_bad_input_is_refused() {
    let l = local_with(&["--metrics-interval", "1"]).await;
    l.provision(&[]).ok();

    // --watch: a report per refresh, one JSON line each with -o jsonl; plain text when piped.
    let out = l
        .run(&[
            "metrics",
            "--api",
            "chat",
            "--stage",
            "prod",
            "--since",
            "5m",
            "--watch",
            "--interval",
            "1s",
            "-n",
            "2",
            "-o",
            "jsonl",
            "--no-logs",
        ])
        .ok()
        .stdout;
    let lines: Vec<Value> = out.lines().map(|x| serde_json::from_str(x).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines.iter().all(|x| x["stage"] == "prod"));
    let text = l
        .run(&[
            "metrics",
            "--api",
            "chat",
            "--stage",
            "prod",
            "--since",
            "5m",
            "--watch",
            "--interval",
            "1s",
            "-n",
            "2",
            "--no-logs",
        ])
        .ok()
        .stdout;
    assert_eq!(text.matches("Metrics of chat").count(), 2, "{text}");
    assert!(!text.contains('\x1b'), "no escape codes when stdout is not a terminal: {text}");

    // Bad input: an unknown stage, a window beyond the period's retention, a bad period.
    let r = l.run(&["metrics", "--api", "chat", "--stage", "nope"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no stage `nope`") && r.stderr.contains("prod"), "{}", r.stderr);
    let r = l.run(&["metrics", "--api", "chat", "--stage", "prod", "--since", "20d", "--period", "1m"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("keeps 1m-period data 15 days") && r.stderr.contains("--period 5m"), "{}", r.stderr);
    let r = l.run(&["metrics", "--api", "chat", "--stage", "prod", "--period", "30s"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = l.run(&["metrics", "--api", "chat", "--stage", "prod", "--message-size", "200000"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
