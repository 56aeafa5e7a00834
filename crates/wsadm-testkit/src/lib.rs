//! Test support for wsadm: starts moto on a free loopback port from the project's `.venv`,
//! waits until it answers, resets it, stops it on drop; and the environment that keeps the
//! `wsadm` binary on loopback (it refuses any other endpoint under `WSADM_LOOPBACK_ONLY`).

pub mod deny;
pub mod serial;
pub use deny::{Denied, DenyProxy};
pub use serial::SerialProxy;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace root (where `.venv` and `scripts/` live).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("workspace root").to_path_buf()
}

/// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("bind 127.0.0.1:0").port()
}

/// Panics unless `url` is on the loopback interface.
pub fn assert_loopback(url: &str) {
    let u = url::Url::parse(url).unwrap_or_else(|e| panic!("bad test endpoint {url}: {e}"));
    let ok = match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    assert!(ok, "tests must only use loopback endpoints, got {url}");
}

/// Where moto_server is: `WSADM_MOTO_SERVER`, else the project's `.venv`, else PATH.
pub fn moto_server_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("WSADM_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let venv = workspace_root().join(".venv/bin/moto_server");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("moto_server")
    }
}

/// A minimal HTTP/1.1 request over loopback: returns (status, body).
pub fn http(method: &str, url: &str, body: &str) -> std::io::Result<(u16, String)> {
    assert_loopback(url);
    let u = url::Url::parse(url).expect("url");
    let addr = format!("{}:{}", u.host_str().unwrap_or("127.0.0.1"), u.port_or_known_default().unwrap_or(80));
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let path = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        u.host_str().unwrap_or(""),
        body.len()
    )?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let status = resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

/// A moto server of this test's own.
pub struct Moto {
    child: Child,
    pub url: String,
    log: PathBuf,
}

impl Moto {
    /// Starts moto on a free port and waits (up to 60 s) until it answers.
    pub fn start() -> Moto {
        Moto::start_with_env(&[])
    }

    /// Starts moto with extra environment (e.g. `INITIAL_NO_AUTH_ACTION_COUNT` for IAM auth).
    pub fn start_with_env(env: &[(&str, &str)]) -> Moto {
        let bin = moto_server_bin();
        let port = free_port();
        let log = std::env::temp_dir().join(format!("wsadm-moto-{port}-{}.log", std::process::id()));
        let logf = std::fs::File::create(&log).expect("moto log file");
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(logf.try_clone().expect("log"))
            .stderr(logf)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {} ({e}); run scripts/setup to create .venv with moto", bin.display())
            });
        let mut moto = Moto { child, url: format!("http://127.0.0.1:{port}"), log };
        moto.wait_ready(Duration::from_secs(60));
        moto
    }

    fn wait_ready(&mut self, limit: Duration) {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("moto_server exited ({status}): {}", std::fs::read_to_string(&self.log).unwrap_or_default());
            }
            if let Ok((200, _)) = http("GET", &format!("{}/moto-api/data.json", self.url), "") {
                return;
            }
            assert!(start.elapsed() < limit, "moto_server did not answer on {} within {limit:?}", self.url);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clears every service's state.
    pub fn reset(&self) {
        let (status, body) = http("POST", &format!("{}/moto-api/reset", self.url), "").expect("reset moto");
        assert_eq!(status, 200, "moto reset failed: {body}");
    }

    /// An SDK config for the test itself: static dummy credentials, us-east-1, one attempt
    /// (moto answers unimplemented calls with HTML errors that would otherwise be retried).
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        sdk_config_for(&self.url).await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// An SDK config pointed at a loopback endpoint, for tests.
pub async fn sdk_config_for(endpoint: &str) -> aws_config::SdkConfig {
    assert_loopback(endpoint);
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_credential_types::Credentials::for_tests())
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .load()
        .await
}

/// Environment for running the `wsadm` binary against `endpoint`: dummy credentials, a region,
/// no shared config files, no instance metadata, and the loopback guard on.
pub fn wsadm_env(endpoint: &str) -> Vec<(String, String)> {
    assert_loopback(endpoint);
    let mut env: Vec<(String, String)> = isolated_env();
    env.extend(
        [
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    env
}

/// Environment with no AWS identity or region at all, and the loopback guard on.
pub fn isolated_env() -> Vec<(String, String)> {
    [
        ("AWS_CONFIG_FILE", "/nonexistent/wsadm-test/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/wsadm-test/credentials"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("WSADM_LOOPBACK_ONLY", "1"),
        ("NO_COLOR", "1"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .into()
}

/// Variables inherited from the developer's shell that must not leak into a test run.
pub fn inherited_vars_to_clear() -> Vec<String> {
    std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("AWS_") || k.starts_with("WSADM_") || k.to_ascii_uppercase().ends_with("_PROXY"))
        .filter(|k| k != "AWS_CA_BUNDLE")
        .collect()
}

/// Where dynalite is: `WSADM_DYNALITE`, else the project's `.venv/npm`, else PATH.
pub fn dynalite_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("WSADM_DYNALITE") {
        return PathBuf::from(p);
    }
    let local = workspace_root().join(".venv/npm/node_modules/.bin/dynalite");
    if local.exists() {
        local
    } else {
        PathBuf::from("dynalite")
    }
}

/// A dynalite (the local stack's DynamoDB engine) of this test's own, in memory.
pub struct Dynalite {
    child: Child,
    pub url: String,
    log: PathBuf,
}

impl Dynalite {
    /// Starts dynalite on a free port and waits (up to 30 s) until it answers.
    pub fn start() -> Dynalite {
        let bin = dynalite_bin();
        let port = free_port();
        let log = std::env::temp_dir().join(format!("wsadm-dynalite-{port}-{}.log", std::process::id()));
        let logf = std::fs::File::create(&log).expect("dynalite log file");
        let child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"])
            .env("AWS_ACCOUNT_ID", "123456789012")
            .env("AWS_REGION", "us-east-1")
            .stdin(Stdio::null())
            .stdout(logf.try_clone().expect("log"))
            .stderr(logf)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} ({e}); run scripts/setup to install dynalite", bin.display()));
        let mut d = Dynalite { child, url: format!("http://127.0.0.1:{port}"), log };
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = d.child.try_wait() {
                panic!("dynalite exited ({status}): {}", std::fs::read_to_string(&d.log).unwrap_or_default());
            }
            // Any HTTP answer (a 400 for the empty request) means it serves.
            if http("POST", &d.url, "").is_ok_and(|(s, _)| s > 0) {
                return d;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "dynalite did not answer on {}", d.url);
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Stops it at once, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Dynalite {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.log);
    }
}
