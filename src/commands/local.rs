//! `wsadm local`: the local API Gateway WebSocket stack on one port, with moto behind it.

use crate::output::{Block, Report};
use serde::Serialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};
use wsadm_core::Error;

pub struct LocalArgs {
    pub port: u16,
    pub moto_url: Option<String>,
    pub region: String,
    pub account_id: String,
    pub limits: wsadm_local::Limits,
    pub faults: wsadm_local::Faults,
}

/// What `wsadm local` prints when it is ready, and the environment to use it.
#[derive(Debug, Serialize)]
pub struct Ready {
    pub endpoint: String,
    pub moto_url: String,
    pub region: String,
    pub env: Vec<(String, String)>,
}

impl Report for Ready {
    fn view(&self) -> Vec<Block> {
        let mut text = format!(
            "wsadm local: API Gateway WebSocket emulator on {} (other services: moto at {})\n\nUse it with:\n",
            self.endpoint, self.moto_url
        );
        for (k, v) in &self.env {
            text.push_str(&format!("  export {k}={v}\n"));
        }
        text.push_str("\nCtrl-C stops it (clients get close 1001 \"Going away\").\n");
        vec![Block::Raw(text)]
    }
}

/// What it did, printed when it stops.
#[derive(Debug, Serialize)]
pub struct Stopped {
    pub open_connections_closed: usize,
    pub uptime_secs: u64,
}

impl Report for Stopped {
    fn view(&self) -> Vec<Block> {
        vec![Block::Raw(format!(
            "wsadm local: stopped after {} s; closed {} open connection(s)\n",
            self.uptime_secs, self.open_connections_closed
        ))]
    }
}

/// `moto_server` from PATH or a project `.venv` (here or next to the wsadm binary).
fn find_moto() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from(".venv/bin/moto_server")];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().map(|a| a.join(".venv/bin/moto_server")));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|p| p.join("moto_server")));
    }
    candidates.into_iter().find(|p| p.is_file())
}

async fn wait_http(url: &str, child: &mut Child, limit: Duration) -> Result<(), Error> {
    let start = Instant::now();
    let addr = url.trim_start_matches("http://").to_string();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(Error::invalid(
                format!("moto_server exited at start ({status})"),
                "run it by hand to see why: .venv/bin/moto_server -p 5000",
            ));
        }
        if let Ok(mut s) = tokio::net::TcpStream::connect(&addr).await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let req = format!("GET /moto-api/data.json HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            let mut buf = [0u8; 16];
            if s.write_all(req.as_bytes()).await.is_ok()
                && s.read(&mut buf).await.is_ok_and(|n| n >= 12)
                && buf.starts_with(b"HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        if start.elapsed() > limit {
            return Err(Error::invalid(
                format!("moto_server did not answer on {url} within {limit:?}"),
                "is the port free? pass --moto-url to use a running moto",
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn start_moto() -> Result<(Child, String), Error> {
    let bin = find_moto().ok_or_else(|| {
        Error::invalid(
            "moto_server is not installed (the local stack uses moto for DynamoDB, Lambda, Logs, CloudWatch, IAM, STS)",
            "install it with `scripts/setup` (makes .venv) or `pip install 'moto[server]'`, or pass --moto-url",
        )
    })?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|source| Error::Io { context: "no free port for moto".into(), source })?
        .port();
    let mut child = Command::new(&bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| Error::Io { context: format!("cannot start {}", bin.display()), source })?;
    let url = format!("http://127.0.0.1:{port}");
    wait_http(&url, &mut child, Duration::from_secs(60)).await?;
    Ok((child, url))
}

/// Ctrl-C (SIGINT) or SIGTERM: both stop the stack cleanly.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs until Ctrl-C or SIGTERM. `ready` is called once the port answers.
pub async fn run(args: LocalArgs, ready: impl FnOnce(&Ready)) -> Result<Stopped, Error> {
    let (mut moto, moto_url) = match args.moto_url {
        Some(u) => {
            wsadm_core::guard::check(&u).map_err(|_| {
                Error::invalid(
                    format!("--moto-url {u} is not a loopback address"),
                    "the local stack only talks to 127.0.0.1",
                )
            })?;
            (None, u)
        }
        None => {
            let (child, url) = start_moto().await?;
            (Some(child), url)
        }
    };
    let bind: SocketAddr = ([127, 0, 0, 1], args.port).into();
    let running = wsadm_local::start(wsadm_local::Config {
        bind,
        moto_url: moto_url.clone(),
        region: args.region.clone(),
        account_id: args.account_id,
        limits: args.limits,
        faults: args.faults,
    })
    .await
    .map_err(|source| Error::Io {
        context: format!("cannot listen on {bind} (is it in use? pick another with --port)"),
        source,
    })?;
    let endpoint = running.url();
    ready(&Ready {
        env: vec![
            ("AWS_ENDPOINT_URL".into(), endpoint.clone()),
            ("AWS_REGION".into(), args.region.clone()),
            ("AWS_ACCESS_KEY_ID".into(), "local".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "local".into()),
        ],
        endpoint,
        moto_url,
        region: args.region,
    });
    let started = Instant::now();
    wait_for_stop_signal().await;
    let open = running.emulator.registry.len();
    running.shutdown().await;
    if let Some(m) = moto.as_mut() {
        let _ = m.kill().await;
    }
    Ok(Stopped { open_connections_closed: open, uptime_secs: started.elapsed().as_secs() })
}
