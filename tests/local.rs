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
        .args(["local", "--port", "0", "-o", "jsonl"])
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
