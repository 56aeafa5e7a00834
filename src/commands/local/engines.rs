//! The engines `wsadm local` runs as child processes (moto for most services, dynalite for
//! DynamoDB): found in the project's `.venv` or on PATH, started on a free loopback port,
//! waited for, and watched. Their last lines of output are kept, so that when one dies
//! `wsadm local` can say at once which, with its exit status and what it said.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use wsadm_core::Error;

/// How many of an engine's last output lines are kept for its obituary.
const TAIL_LINES: usize = 20;

/// One engine process.
pub struct Engine {
    pub name: &'static str,
    pub url: String,
    child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
}

/// How an engine ended.
pub struct Died {
    pub name: &'static str,
    pub status: String,
    pub last_lines: Vec<String>,
}

impl Died {
    pub fn message(&self) -> String {
        let mut m = format!("{} exited while wsadm local was running ({})", self.name, self.status);
        if self.last_lines.is_empty() {
            m.push_str("; it printed nothing");
        } else {
            m.push_str("; its last lines:");
            for l in &self.last_lines {
                m.push_str("\n  | ");
                m.push_str(l);
            }
        }
        m
    }
}

/// What answers when an engine is ready.
#[derive(Clone, Copy)]
enum Ready {
    /// `GET path` answers 200.
    Get200(&'static str),
    /// Any HTTP answer to `POST /`.
    AnyPost,
}

/// An executable in the project's `.venv` (here or next to the wsadm binary), else on PATH.
fn find(venv_path: &str, name: &str) -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from(venv_path)];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().map(|a| a.join(venv_path)));
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|p| p.join(name)));
    }
    candidates.into_iter().find(|p| p.is_file())
}

pub fn find_moto() -> Option<PathBuf> {
    find(".venv/bin/moto_server", "moto_server")
}

/// `WSADM_DYNALITE` when set (only that path), else the project's `.venv/npm`, else PATH.
pub fn find_dynalite() -> Option<PathBuf> {
    match std::env::var_os("WSADM_DYNALITE") {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => find(".venv/npm/node_modules/.bin/dynalite", "dynalite"),
    }
}

fn free_port(what: &str) -> Result<u16, Error> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|source| Error::Io { context: format!("no free port for {what}"), source })
}

pub async fn start_moto() -> Result<Engine, Error> {
    let bin = find_moto().ok_or_else(|| {
        Error::invalid(
            "moto_server is not installed (the local stack uses moto for Lambda, Logs, CloudWatch, IAM, STS, Secrets Manager)",
            "install it with `scripts/setup` (makes .venv) or `pip install 'moto[server]'`, or pass --moto-url",
        )
    })?;
    let port = free_port("moto")?;
    let args = ["-H".to_string(), "127.0.0.1".into(), "-p".into(), port.to_string()];
    Engine::start("moto_server", &bin, &args, &[], port, Ready::Get200("/moto-api/data.json")).await
}

/// dynalite, in memory, with tables active at once and ARNs in the local account.
pub async fn start_dynalite(bin: &Path, region: &str, account_id: &str) -> Result<Engine, Error> {
    let port = free_port("dynalite")?;
    let mut args: Vec<String> = vec!["--host".into(), "127.0.0.1".into(), "--port".into(), port.to_string()];
    for flag in ["--createTableMs", "--deleteTableMs", "--updateTableMs"] {
        args.extend([flag.to_string(), "0".into()]);
    }
    let env = [("AWS_ACCOUNT_ID", account_id), ("AWS_REGION", region)];
    Engine::start("dynalite", bin, &args, &env, port, Ready::AnyPost).await
}

impl Engine {
    async fn start(
        name: &'static str,
        bin: &Path,
        args: &[String],
        env: &[(&str, &str)],
        port: u16,
        ready: Ready,
    ) -> Result<Engine, Error> {
        let mut child = Command::new(bin)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| {
                let hint = if name == "dynalite" { " (dynalite needs Node.js: is `node` on PATH?)" } else { "" };
                Error::Io { context: format!("cannot start {}{hint}", bin.display()), source }
            })?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(out) = child.stdout.take() {
            keep_tail(out, tail.clone());
        }
        if let Some(err) = child.stderr.take() {
            keep_tail(err, tail.clone());
        }
        let mut e = Engine { name, url: format!("http://127.0.0.1:{port}"), child, tail };
        e.wait_ready(ready, Duration::from_secs(60)).await?;
        Ok(e)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    fn last_lines(&self) -> Vec<String> {
        self.tail.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    async fn wait_ready(&mut self, ready: Ready, limit: Duration) -> Result<(), Error> {
        let start = Instant::now();
        let addr = self.url.trim_start_matches("http://").to_string();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the readers catch its last words.
                tokio::time::sleep(Duration::from_millis(100)).await;
                let died = Died { name: self.name, status: status.to_string(), last_lines: self.last_lines() };
                return Err(Error::invalid(
                    format!("{} exited at start: {}", self.name, died.message()),
                    "run it by hand to see why, or pass its URL (--moto-url, --dynamodb-url) to use a running one",
                ));
            }
            if answers(&addr, ready).await {
                return Ok(());
            }
            if start.elapsed() > limit {
                return Err(Error::invalid(
                    format!("{} did not answer on {} within {limit:?}", self.name, self.url),
                    "is the machine overloaded? pass --moto-url / --dynamodb-url to use a running one",
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the process exits, and says how.
    pub async fn exited(&mut self) -> Died {
        let status = match self.child.wait().await {
            Ok(s) => describe(s),
            Err(e) => format!("cannot wait for it: {e}"),
        };
        // Its output pipes close as it dies; give the readers a moment to take the last lines.
        tokio::time::sleep(Duration::from_millis(100)).await;
        Died { name: self.name, status, last_lines: self.last_lines() }
    }

    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}

fn describe(s: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return format!("killed by signal {sig}");
        }
    }
    s.to_string()
}

fn keep_tail(from: impl AsyncRead + Unpin + Send + 'static, tail: Arc<Mutex<VecDeque<String>>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(from).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
            if t.len() == TAIL_LINES {
                t.pop_front();
            }
            t.push_back(line);
        }
    });
}

async fn answers(addr: &str, ready: Ready) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else { return false };
    let req = match ready {
        Ready::Get200(path) => format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        Ready::AnyPost => format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
    let mut buf = [0u8; 16];
    if s.write_all(req.as_bytes()).await.is_err() || !s.read(&mut buf).await.is_ok_and(|n| n >= 12) {
        return false;
    }
    match ready {
        Ready::Get200(_) => buf.starts_with(b"HTTP/1.1 200"),
        Ready::AnyPost => buf.starts_with(b"HTTP/1."),
    }
}
