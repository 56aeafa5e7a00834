//! `wsadm local` as a user runs it: the binary starts moto itself, prints where it listens,
//! serves boto3 and the AWS CLI, and stops cleanly on SIGTERM (clients get 1001).

use futures::StreamExt;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

fn venv(bin: &str) -> String {
    format!("{}/.venv/bin/{bin}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn local_serves_boto3_and_the_cli_and_stops_cleanly() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsadm"));
    for k in wsadm_testkit::inherited_vars_to_clear() {
        cmd.env_remove(k);
    }
    let mut child = cmd
        .args(["local", "--port", "0", "-o", "jsonl", "--lambda-concurrency", "7"])
        .env("PATH", format!("{}/.venv/bin:{}", env!("CARGO_MANIFEST_DIR"), std::env::var("PATH").unwrap_or_default()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first stdout line is the readiness report.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    let endpoint = ready["endpoint"].as_str().unwrap().to_string();
    wsadm_testkit::assert_loopback(&endpoint);
    assert!(ready["env"].to_string().contains("AWS_ENDPOINT_URL"));
    let faults_url = format!("{}/_wsadm/faults", endpoint.trim_end_matches('/'));
    let (status, faults) =
        tokio::task::spawn_blocking(move || wsadm_testkit::http("GET", &faults_url, "")).await.unwrap().unwrap();
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&faults).unwrap()["lambdaConcurrency"], 7, "{faults}");

    let out = Command::new(venv("python"))
        .arg(format!("{}/tests/py/boto3_local.py", env!("CARGO_MANIFEST_DIR")))
        .arg(&endpoint)
        .output()
        .unwrap();
    assert!(out.status.success(), "boto3 script failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut it = stdout.split_whitespace();
    let (api_id, stage) = (it.next().unwrap().to_string(), it.next().unwrap().to_string());

    let cli = Command::new(venv("aws"))
        .args(["apigatewayv2", "get-routes", "--api-id", &api_id, "--endpoint-url", &endpoint, "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .output()
        .unwrap();
    assert!(cli.status.success(), "aws CLI failed: {}", String::from_utf8_lossy(&cli.stderr));
    assert!(String::from_utf8_lossy(&cli.stdout).contains("$default"));

    // A client of the stage, then SIGTERM: it must get 1001 Going away.
    let url = format!("{}/apis/{api_id}/{stage}", endpoint.replace("http://", "ws://"));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let code = match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        Ok(Some(Ok(Message::Close(Some(f))))) => u16::from(f.code),
        other => panic!("expected a close frame, got {other:?}"),
    };
    assert_eq!(code, 1001);
    let status = child.wait().unwrap();
    assert!(status.success(), "wsadm local exited with {status}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("open_connections_closed")), "{rest:?}");
}

/// `wsadm local` with `extra` args and env, its stdout lines and its stderr file.
fn start_local(
    extra: &[&str],
    env: &[(&str, &str)],
) -> (std::process::Child, std::io::Lines<BufReader<std::process::ChildStdout>>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsadm"));
    for k in wsadm_testkit::inherited_vars_to_clear() {
        cmd.env_remove(k);
    }
    let mut child = cmd
        .args(["local", "--port", "0", "-o", "jsonl"])
        .args(extra)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    (child, lines)
}

/// Waits (bounded) for the child to exit; its status and stderr.
fn exit_of(mut child: std::process::Child, limit: Duration) -> (std::process::ExitStatus, String) {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status, err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("wsadm local did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_dying_engine_is_reported_at_once_and_stops_wsadm_local() {
    let (child, mut lines) = start_local(&[], &[]);
    let ready: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(ready["dynamodb"]["engine"], "dynalite", "{ready}");
    let engines = ready["engines"].as_array().unwrap();
    let names: Vec<&str> = engines.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["moto_server", "dynalite"]);
    let pid = engines[1]["pid"].as_u64().unwrap().to_string();
    assert!(Command::new("kill").args(["-KILL", &pid]).status().unwrap().success());
    let (status, stderr) = exit_of(child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(1), "stderr:\n{stderr}");
    assert!(stderr.contains("dynalite exited while wsadm local was running (killed by signal 9)"), "{stderr}");
    // Its last words, as it printed them.
    assert!(stderr.contains("| Dynalite listening at: http://127.0.0.1:"), "{stderr}");
    assert!(stderr.contains("start it again"), "{stderr}");
}

#[test]
fn without_dynalite_it_says_what_to_install_or_falls_back_loudly() {
    let missing = [("WSADM_DYNALITE", "/nonexistent/dynalite")];
    let (child, _) = start_local(&["--dynamodb-engine", "dynalite"], &missing);
    let (status, stderr) = exit_of(child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(2), "stderr:\n{stderr}");
    assert!(stderr.contains("dynalite is not installed"), "{stderr}");
    assert!(stderr.contains("scripts/setup") && stderr.contains("npm install -g dynalite@"), "{stderr}");

    let (mut child, mut lines) = start_local(&[], &missing);
    let ready: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(ready["dynamodb"]["engine"], "moto", "{ready}");
    assert!(ready["warnings"][0].as_str().unwrap().contains("a few hundred writes a second"), "{ready}");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("warning: dynalite is not installed"), "{stderr}");
}

/// An SDK client of DynamoDB at `url`, configured as the stack configures its own.
async fn dynamodb_at(url: &str) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&wsadm_local::server::local_sdk_config(url, "us-east-1").await)
}

/// Kills `wsadm local` (and so its engines) when the test ends, passed or not.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// dynalite is warmed as `wsadm local` starts (the stats say when it is done), and its scratch
/// table is never listed through the stack nor created through it, while the engine has it.
#[tokio::test]
async fn the_engine_is_warmed_on_a_table_no_one_sees() {
    const SCRATCH: &str = "wsadm-local-warm-up";
    let (child, mut lines) = start_local(&[], &[]);
    let _child = Killed(child);
    let ready: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(ready["dynamodb"]["engine"], "dynalite", "{ready}");
    let endpoint = ready["endpoint"].as_str().unwrap().trim_end_matches('/').to_string();
    let engine = dynamodb_at(ready["dynamodb"]["url"].as_str().unwrap()).await;
    let front = dynamodb_at(&endpoint).await;
    let names = |c: &aws_sdk_dynamodb::Client| {
        let c = c.clone();
        async move { c.list_tables().send().await.unwrap().table_names().to_vec() }
    };
    let stats_url = format!("{endpoint}/_wsadm/stats");
    let start = std::time::Instant::now();
    loop {
        let listed = names(&front).await;
        assert!(!listed.iter().any(|n| n == SCRATCH), "listed through the stack: {listed:?}");
        let url = stats_url.clone();
        let (_, stats) =
            tokio::task::spawn_blocking(move || wsadm_testkit::http("GET", &url, "")).await.unwrap().unwrap();
        let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
        if stats["dynamodbWarmedUp"] == true {
            break;
        }
        assert_eq!(stats["dynamodbWarmedUp"], false, "{stats}");
        assert!(start.elapsed() < Duration::from_secs(60), "not warmed within 60 s: {stats}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Warmed: the scratch table is gone from the engine.
    assert!(!names(&engine).await.iter().any(|n| n == SCRATCH));
    // The name is the stack's own: refused through the front; made in the engine, never listed.
    let create = |c: &aws_sdk_dynamodb::Client| {
        use aws_sdk_dynamodb::types::{
            AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
        };
        c.create_table()
            .table_name(SCRATCH)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
            .send()
    };
    let refused = create(&front).await.unwrap_err();
    let refused = aws_sdk_dynamodb::error::DisplayErrorContext(&refused).to_string();
    assert!(refused.contains("scratch table"), "{refused}");
    create(&engine).await.unwrap();
    assert!(names(&engine).await.iter().any(|n| n == SCRATCH));
    assert!(!names(&front).await.iter().any(|n| n == SCRATCH));
}
