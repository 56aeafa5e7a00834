//! The chat stack as users run it: `wsadm local` (in front of a moto of the test's own) with
//! `wsadm provision`ed handlers, and real WebSocket clients with JWTs.
#![allow(dead_code)]

use super::{wsadm, Run};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use wsadm_testkit::{wsadm_env, Moto};

pub const STACK: &str = "chat";
pub const SECRET: &str = "provision-test-secret-provision-test-secret";
/// The smallest valid zip: moto stores the code and never runs it (the emulator runs the handlers in process).
pub const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// moto, and `wsadm local` in front of it (API Gateway served by the emulator, the rest forwarded).
pub struct Local {
    pub child: Child,
    _moto: Moto,
    _dir: tempfile::TempDir,
    pub url: String,
    pub env: Vec<(String, String)>,
    pub zip: PathBuf,
    pub sdk: aws_config::SdkConfig,
}

impl Drop for Local {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn local() -> Local {
    local_with(&[]).await
}

/// [`local`] with more `wsadm local` options (e.g. `--metrics-interval 1`).
pub async fn local_with(extra: &[&str]) -> Local {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let log = std::fs::File::create(dir.path().join("local.log")).unwrap();
    let mut cmd = Command::new(super::wsadm_bin());
    for k in wsadm_testkit::inherited_vars_to_clear() {
        cmd.env_remove(k);
    }
    let mut child = cmd
        .args(["local", "--port", "0", "--moto-url", &moto.url, "-o", "jsonl"])
        .args(extra)
        .envs(wsadm_testkit::isolated_env())
        .env("AWS_REGION", "us-east-1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    // The first stdout line is the readiness report: the emulator listens from then on.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let ready: Value = serde_json::from_str(&first).unwrap_or_else(|e| {
        panic!("wsadm local did not start ({e}): {first:?}; see its log in {}", dir.path().display())
    });
    let url = ready["endpoint"].as_str().unwrap().to_string();
    let zip = dir.path().join("wsadm-handler.zip");
    std::fs::write(&zip, EMPTY_ZIP).unwrap();
    let mut env = wsadm_env(&url);
    env.push(("CHAT_SECRET".into(), SECRET.into()));
    let sdk = wsadm_testkit::sdk_config_for(&url).await;
    Local { child, _moto: moto, _dir: dir, url, env, zip, sdk }
}

impl Local {
    pub fn run(&self, args: &[&str]) -> Run {
        wsadm(&self.env, args)
    }

    /// `wsadm provision` with the test's stack, stage, zip and secret, plus `extra`; JSON out.
    pub fn provision(&self, extra: &[&str]) -> Run {
        self.provision_in(&self.env, extra)
    }

    /// [`Self::provision`] with another HS256 secret in `CHAT_SECRET`.
    pub fn provision_with_secret(&self, secret: &str, extra: &[&str]) -> Run {
        let mut env = self.env.clone();
        env.retain(|(k, _)| k != "CHAT_SECRET");
        env.push(("CHAT_SECRET".into(), secret.into()));
        self.provision_in(&env, extra)
    }

    fn provision_in(&self, env: &[(String, String)], extra: &[&str]) -> Run {
        let zip = self.zip.to_str().unwrap();
        let mut args = vec![
            "provision",
            "--name",
            STACK,
            "--stage",
            "prod",
            "--jwt-secret-env",
            "CHAT_SECRET",
            "--route-throttle",
            "send=10:20",
        ];
        if !extra.contains(&"--handler-zip") {
            args.extend(["--handler-zip", zip]);
        }
        if !extra.contains(&"-o") {
            args.extend(["-o", "json"]);
        }
        args.extend_from_slice(extra);
        wsadm(env, &args)
    }
}

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub fn token(user: &str, secret: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({ "sub": user, "exp": now + 600 }),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

pub async fn connect(url: &str) -> Result<Ws, u16> {
    match tokio_tungstenite::connect_async(url).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("connect failed: {e}"),
    }
}

pub async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

/// The next text frame as JSON (5 s at most).
pub async fn recv(ws: &mut Ws) -> Value {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).unwrap(),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}
