//! `wsadm local --tls` as on AWS: https:// and wss:// only. With the CA it prints in
//! AWS_CA_BUNDLE, wsadm (AWS calls, @connections, the WebSocket clients), the AWS CLI and a
//! plain WebSocket client all work; without it, or with another CA, wsadm refuses with a hint.

mod common;

use common::stack::{token, STACK};
use common::{wsadm, wsadm_async};
use futures::StreamExt;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const SECRET: &str = "tls-test-secret-tls-test-secret-tls";

struct Tls {
    child: std::process::Child,
    _dir: tempfile::TempDir,
    endpoint: String,
    ca: String,
    env: Vec<(String, String)>,
}

impl Drop for Tls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Tls {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem").display().to_string();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsadm"));
    for k in wsadm_testkit::inherited_vars_to_clear() {
        cmd.env_remove(k);
    }
    let mut child = cmd
        .args(["local", "--port", "0", "--tls", "--tls-ca-file", &ca, "-o", "jsonl"])
        .envs(wsadm_testkit::isolated_env())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let ready: Value = serde_json::from_str(&first).unwrap();
    let endpoint = ready["endpoint"].as_str().unwrap().to_string();
    assert!(endpoint.starts_with("https://127.0.0.1:"), "{ready}");
    assert_eq!(ready["ca_bundle"].as_str(), Some(ca.as_str()), "{ready}");
    assert!(ready["env"].to_string().contains("AWS_CA_BUNDLE"), "{ready}");
    let mut env = wsadm_testkit::wsadm_env(&endpoint);
    env.push(("AWS_CA_BUNDLE".into(), ca.clone()));
    env.push(("CHAT_SECRET".into(), SECRET.into()));
    Tls { child, _dir: dir, endpoint, ca, env }
}

impl Tls {
    /// Provisions the chat stack over TLS; its outputs (`wss_url` is wss://).
    fn provision(&self) -> Value {
        let zip = self._dir.path().join("handler.zip");
        std::fs::write(&zip, common::stack::EMPTY_ZIP).unwrap();
        let zip = zip.display().to_string();
        let args = ["provision", "--name", STACK, "--stage", "prod", "--jwt-secret-env", "CHAT_SECRET"];
        let p = wsadm(&self.env, &[&args[..], &["--handler-zip", &zip, "-o", "json"]].concat()).ok();
        p.json()["outputs"].clone()
    }

    /// A WebSocket client that trusts the CA (and nothing else), signed in as `user`.
    async fn client(&self, wss: &str, user: &str) -> Wss {
        let connector = self.connector();
        let url = format!("{wss}?token={}", token(user, SECRET));
        tokio_tungstenite::connect_async_tls_with_config(url, None, false, Some(connector)).await.unwrap().0
    }

    /// The session table over https://, trusting the CA (and nothing else).
    fn store(&self, table: &str) -> wsadm_core::store::SessionStore {
        use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
        let bundle = wsadm_core::tls::load(std::path::Path::new(&self.ca)).unwrap();
        let conf = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .endpoint_url(&self.endpoint)
            .http_client(wsadm_core::localhost::sdk_http_client(Some(&bundle), false).unwrap())
            .build();
        wsadm_core::store::SessionStore::new(aws_sdk_dynamodb::Client::from_conf(conf), table)
    }

    fn connector(&self) -> tokio_tungstenite::Connector {
        let bundle = wsadm_core::tls::load(std::path::Path::new(&self.ca)).unwrap();
        tokio_tungstenite::Connector::Rustls(bundle.client_config(false).unwrap())
    }
}

type Wss = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// `wsadm broadcast --all` with `message` args: one delivered, and the frame `ws` receives.
async fn broadcast(env: &[(String, String)], message: &[&str], ws: &mut Wss) -> String {
    let mut args: Vec<String> = ["broadcast", "--api", STACK, "--stage", "prod", "--all", "--min-age", "0s"]
        .into_iter()
        .map(String::from)
        .collect();
    args.extend(message.iter().map(|a| a.to_string()));
    args.extend(["--yes", "-o", "json"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let bc = wsadm_async(env, &args).await.ok();
    assert_eq!(bc.json()["delivered"], 1, "{}", bc.stdout);
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await.unwrap() {
            Some(Ok(Message::Text(t))) => return t.to_string(),
            Some(Ok(_)) => continue,
            other => panic!("expected the broadcast, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_path_works_over_tls_with_the_ca_and_none_without() {
    let t = start();
    let outputs = t.provision();
    let wss = outputs["wss_url"].as_str().unwrap().to_string();
    assert!(wss.starts_with("wss://127.0.0.1:"), "{wss}");

    // A WebSocket client that trusts the CA (and nothing else) over wss://.
    let mut ws = t.client(&wss, "alice").await;

    // The session table (SDK over TLS), then a broadcast (the direct @connections sender over TLS).
    let ls = wsadm_async(&t.env, &["sessions", "ls", "--api", STACK, "--stage", "prod", "-o", "json"]).await.ok();
    let sessions = ls.json()["sessions"].as_array().unwrap().clone();
    assert_eq!(sessions.len(), 1, "{}", ls.stdout);
    let frame = broadcast(&t.env, &["-m", "{\"over\":\"tls\"}"], &mut ws).await;
    assert_eq!(frame, "{\"over\":\"tls\"}");

    // A 100 KB message on the sender's fresh TLS connection: written whole, delivered once.
    let big = format!("{{\"big\":\"{}\"}}", "x".repeat(100 * 1024));
    let file = t._dir.path().join("big.json");
    std::fs::write(&file, &big).unwrap();
    let frame = broadcast(&t.env, &["--file", file.to_str().unwrap()], &mut ws).await;
    assert_eq!(frame.len(), big.len());

    // wsadm's own WebSocket client (loadtest) with the CA from AWS_CA_BUNDLE.
    let tokens = t._dir.path().join("tokens");
    std::fs::write(&tokens, format!("{}\n{}\n", token("bob", SECRET), token("carol", SECRET))).unwrap();
    let lt = wsadm(
        &t.env,
        &["loadtest", &wss, "--token-file", tokens.to_str().unwrap(), "-n", "2", "--duration", "1s", "-o", "json"],
    );
    assert!(
        lt.stdout.contains("\"opened\":2") || lt.json()["connections"]["opened"] == 2,
        "{}\n{}",
        lt.stdout,
        lt.stderr
    );

    // A custom domain over TLS: made with the AWS CLI; a wss:// client and wsadm --domain
    // reach the stage through `chat.localhost`, which the emulator's CA vouches for on request.
    let aws_cli = |args: &[&str]| {
        let out = Command::new(format!("{}/.venv/bin/aws", env!("CARGO_MANIFEST_DIR")))
            .args(args)
            .args(["--endpoint-url", &t.endpoint, "--output", "json"])
            .envs(t.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .output()
            .unwrap();
        assert!(out.status.success(), "aws {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null)
    };
    let api_id = outputs["api_id"].as_str().unwrap().to_string();
    aws_cli(&[
        "apigatewayv2",
        "create-domain-name",
        "--domain-name",
        "chat.localhost",
        "--domain-name-configurations",
        "CertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/local,EndpointType=REGIONAL",
    ]);
    aws_cli(&[
        "apigatewayv2",
        "create-api-mapping",
        "--domain-name",
        "chat.localhost",
        "--api-id",
        &api_id,
        "--stage",
        "prod",
        "--api-mapping-key",
        "v1",
    ]);
    let port = url::Url::parse(&wss).unwrap().port().unwrap();
    let request = format!("wss://chat.localhost:{port}/v1?token={}", token("erin", SECRET));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let connector = t.connector();
    let (mut via_domain, _) =
        tokio_tungstenite::client_async_tls_with_config(request, tcp, None, Some(connector)).await.unwrap();
    let mut env = t.env.clone();
    env.push(("WSADM_DOMAIN".into(), format!("chat.localhost:{port}/v1")));
    let args = ["broadcast", "--api", STACK, "--all", "-m", "{\"via\":\"domain\"}", "-o", "json"];
    let bc = wsadm_async(&env, &args).await.ok();
    let v = bc.json();
    assert_eq!((v["delivered"].as_u64(), v["failed"].as_u64()), (Some(2), Some(0)), "{v}");
    assert_eq!(v["management_endpoint"].as_str(), Some(format!("https://chat.localhost:{port}/v1").as_str()));
    loop {
        match tokio::time::timeout(Duration::from_secs(5), via_domain.next()).await.unwrap() {
            Some(Ok(Message::Text(t))) => break assert_eq!(t.as_str(), "{\"via\":\"domain\"}"),
            Some(Ok(_)) => continue,
            other => panic!("expected the broadcast through the domain, got {other:?}"),
        }
    }

    // The AWS CLI, as users run it, with the same bundle.
    let cli = Command::new(format!("{}/.venv/bin/aws", env!("CARGO_MANIFEST_DIR")))
        .args(["apigatewayv2", "get-apis", "--endpoint-url", &t.endpoint, "--output", "json"])
        .envs(t.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .output()
        .unwrap();
    assert!(cli.status.success(), "aws CLI failed: {}", String::from_utf8_lossy(&cli.stderr));
    assert!(String::from_utf8_lossy(&cli.stdout).contains(STACK));

    // No CA: a clear certificate error with the hint, for the SDK path and the WebSocket path.
    let mut no_ca = t.env.clone();
    no_ca.retain(|(k, _)| k != "AWS_CA_BUNDLE");
    let r = wsadm(&no_ca, &["apis", "ls"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("AWS_CA_BUNDLE"), "{}", r.stderr);
    let r = wsadm(&no_ca, &["client", &format!("{wss}?token={}", token("dave", SECRET)), "--no-reconnect"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("AWS_CA_BUNDLE"), "{}", r.stderr);

    // A wrong CA (a file without certificates): refused before any call, with the hint.
    let bad = t._dir.path().join("bad.pem");
    std::fs::write(&bad, "nothing here").unwrap();
    let mut bad_ca = no_ca.clone();
    bad_ca.push(("AWS_CA_BUNDLE".into(), bad.display().to_string()));
    let r = wsadm(&bad_ca, &["apis", "ls"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("holds no PEM certificate"), "{}", r.stderr);

    // A valid CA that did not sign the server: a certificate error with the hint, on the SDK
    // path and the WebSocket path.
    let other = t._dir.path().join("other-ca.pem");
    std::fs::write(&other, wsadm_local::tls::LocalTls::generate().unwrap().ca_pem).unwrap();
    let mut wrong_ca = no_ca.clone();
    wrong_ca.push(("AWS_CA_BUNDLE".into(), other.display().to_string()));
    let r = wsadm(&wrong_ca, &["apis", "ls"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.to_lowercase().contains("certificate"), "{}", r.stderr);
    assert!(r.stderr.contains(wsadm_core::tls::UNTRUSTED_HINT), "{}", r.stderr);
    let r = wsadm(&wrong_ca, &["client", &format!("{wss}?token={}", token("dave", SECRET)), "--no-reconnect"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains(wsadm_core::tls::UNTRUSTED_HINT), "{}", r.stderr);

    // A bundle file that does not exist: a configuration error naming it, before any call.
    let missing = t._dir.path().join("no-such-ca.pem").display().to_string();
    let mut missing_ca = no_ca.clone();
    missing_ca.push(("AWS_CA_BUNDLE".into(), missing.clone()));
    let r = wsadm(&missing_ca, &["apis", "ls"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("cannot read the CA bundle {missing}")), "{}", r.stderr);
    assert!(r.stderr.contains("hint:") && !r.stderr.contains("panicked"), "{}", r.stderr);
}

/// Runs wsadm with `input` on its stdin (then closed), off the async threads.
async fn wsadm_with_input(env: &[(String, String)], args: &[&str], input: &str) -> common::Run {
    use std::io::Write;
    let (env, input) = (env.to_vec(), input.to_string());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(common::wsadm_bin());
        for k in wsadm_testkit::inherited_vars_to_clear() {
            cmd.env_remove(k);
        }
        let mut child = cmd
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let start = std::time::Instant::now();
        let out = child.wait_with_output().unwrap();
        common::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: start.elapsed(),
        }
    })
    .await
    .unwrap()
}

/// The rest of the commands that talk to AWS, over TLS with the CA: each runs and answers
/// as it does over plain HTTP (audit's findings are exit 3, not a TLS failure); `client`
/// sends and reads a reply, `logs trace` finds a connection, alarms are applied, listed and
/// deleted, and `sessions prune` removes a gone record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_commands_work_over_tls_too() {
    let t = start();
    let outputs = t.provision();
    let wss = outputs["wss_url"].as_str().unwrap().to_string();
    let _ws = t.client(&wss, "alice").await;
    let ls = wsadm_async(&t.env, &["sessions", "ls", "--api", STACK, "--stage", "prod", "-o", "json"]).await.ok();
    let id = ls.json()["sessions"][0]["connection_id"].as_str().unwrap().to_string();
    let on = ["--api", STACK, "--stage", "prod"];
    let runs: Vec<(Vec<&str>, &[i32])> = vec![
        (vec!["apis", "show", STACK], &[0]),
        (vec!["sessions", "show", &id], &[0]),
        (vec!["sessions", "prune", "--dry-run"], &[0]),
        (vec!["logs", "tail", "--since", "10m"], &[0]),
        (vec!["logs", "summary", "--since", "10m"], &[0]),
        (vec!["audit"], &[0, 3]),
        (vec!["metrics", "--since", "10m"], &[0]),
        (vec!["alarms", "plan"], &[0]),
        (vec!["sessions", "kick", &id, "--yes"], &[0]),
    ];
    for (args, codes) in runs {
        let mut all: Vec<&str> = args.clone();
        if args[0] != "apis" {
            all.extend(on);
        }
        all.extend(["-o", "json"]);
        let r = wsadm_async(&t.env, &all).await;
        assert!(codes.contains(&r.code), "{all:?} exit {}: {}", r.code, r.stderr);
        assert!(!r.stderr.contains("certificate"), "{all:?}: {}", r.stderr);
        serde_json::from_str::<Value>(r.stdout.trim()).unwrap_or_else(|e| panic!("{all:?}: {e}: {}", r.stdout));
    }
    let run = |args: &[&str]| {
        let all: Vec<String> = args.iter().chain(&on).chain(&["-o", "json"]).map(|a| a.to_string()).collect();
        let env = t.env.clone();
        async move {
            let all: Vec<&str> = all.iter().map(String::as_str).collect();
            let r = wsadm_async(&env, &all).await;
            assert!(!r.stderr.contains("certificate"), "{all:?}: {}", r.stderr);
            r
        }
    };

    // wsadm's own client over wss:// with the CA: one message sent, its reply read, exit 0.
    let mut env = t.env.clone();
    env.push(("CHAT_TOKEN".into(), token("bob", SECRET)));
    let args = ["client", &wss, "--token-env", "CHAT_TOKEN", "--linger", "3s", "--no-reconnect"];
    let c = wsadm_with_input(&env, &args, "{\"action\":\"whoami\"}\n").await;
    assert_eq!(c.code, 0, "{}\n{}", c.stdout, c.stderr);
    let replies: Vec<Value> = c.stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(replies.iter().any(|v| v["type"] == "whoami" && v["userId"] == "bob"), "{}\n{}", c.stdout, c.stderr);

    // logs trace of alice's connection (connected, then kicked), once its events are logged.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let trace = loop {
        let r = run(&["logs", "trace", &id]).await;
        if r.code == 0 && r.json()["found"] == true {
            break r.json();
        }
        assert!(r.code == 0 || r.code == 5, "exit {}: {}", r.code, r.stderr);
        assert!(std::time::Instant::now() < deadline, "never found in the logs: {}", r.stdout);
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(trace["user"], "alice", "{trace:#}");

    // alarms: apply creates the set, ls lists exactly those, delete removes them.
    let topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    let applied = run(&["alarms", "apply", "--topic", topic]).await.ok().json();
    let created: Vec<String> = applied["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "create")
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!created.is_empty() && applied["summary"]["create"] == created.len(), "{applied:#}");
    let names = |v: &Value| -> Vec<String> {
        let mut n: Vec<String> =
            v["alarms"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_string()).collect();
        n.sort();
        n
    };
    let mut want = created.clone();
    want.sort();
    assert_eq!(names(&run(&["alarms", "ls"]).await.ok().json()), want);
    let deleted = run(&["alarms", "delete", "--yes"]).await.ok().json();
    assert_eq!(deleted["summary"]["delete"], created.len(), "{deleted:#}");
    assert!(names(&run(&["alarms", "ls"]).await.ok().json()).is_empty());

    // sessions prune (for real): a record whose connection is gone is removed, a live one kept.
    let _carol = t.client(&wss, "carol").await;
    let ghost = "Gh0stOverTls0A=";
    let store = t.store(outputs["table"].as_str().unwrap());
    let mut record = wsadm_core::store::Session::new(ghost, "ghost", 0);
    record.stage = Some("prod".into());
    store.put_session(&record).await.unwrap();
    let pruned = run(&["sessions", "prune", "--min-age", "0s"]).await.ok().json();
    let gone: Vec<&str> =
        pruned["gone_sessions"].as_array().unwrap().iter().map(|g| g["connection_id"].as_str().unwrap()).collect();
    assert!(gone.contains(&ghost), "{pruned:#}");
    assert_eq!(pruned["errors"], 0, "{pruned:#}");
    assert_eq!(pruned["removed"], pruned["gone"], "{pruned:#}");
    assert!(store.get(ghost).await.unwrap().is_none(), "the gone record is removed");
    let ls = run(&["sessions", "ls"]).await.ok().json();
    let users: Vec<&str> = ls["sessions"].as_array().unwrap().iter().filter_map(|s| s["user_id"].as_str()).collect();
    assert!(users.contains(&"carol"), "the live record stays: {ls:#}");

    let d = wsadm(&t.env, &["destroy", "--name", STACK, "--yes", "-o", "json"]);
    assert_eq!(d.code, 0, "{}", d.stderr);
}
