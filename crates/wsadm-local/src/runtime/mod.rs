//! Running functions' real code, as the `provided.al2023` runtime does, with no container.
//!
//! - [`code`]: the emulator keeps each zip it forwards to moto (CreateFunction,
//!   UpdateFunctionCode), by CodeSha256, and unzips it once into its own temp dir.
//! - [`plan`](Runtimes::plan): a function whose code (the CodeSha256 GetFunctionConfiguration
//!   reports) holds a `bootstrap` runs it as a process when it is an ELF for the function's
//!   architecture and this machine's, or a `#!` script. An ELF for another architecture than the
//!   function declares fails every invocation with Lambda's init error (Runtime.InvalidEntrypoint).
//!   An ELF for the function's architecture that this machine cannot run, a zip without a
//!   `bootstrap` (a placeholder), or code created before this emulator started: the built-in wsadm
//!   handlers run in process when the function has WSADM_* environment. The choice is logged
//!   once per function and code.
//! - [`sandbox`]: one process per concurrent invocation, under the Runtime API ([`api`]), with
//!   the function's environment and timeout; idle processes are reused (warm starts); at most
//!   [`MAX_SANDBOXES`] per function, further invocations queue until their own timeout.
//! - [`logs`]: what Lambda writes to `/aws/lambda/{function}`.

pub mod api;
pub mod code;
pub mod logs;
pub mod sandbox;

use crate::telemetry::Telemetry;
use bytes::Bytes;
use code::{Arch, Bootstrap, CodeStore};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use sandbox::{Outcome, Sandbox, Spec};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Semaphore};

/// Concurrent processes per function: enough for a local load test on a few cores, and a
/// bound on what a runaway client can start.
pub const MAX_SANDBOXES: usize = 32;
/// A minimal PATH, as Lambda's.
const PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Where the processes' AWS calls go, and what identity they are given.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The emulator's plain-HTTP port (the AWS endpoint and @connections).
    pub plain_addr: SocketAddr,
    pub dynamodb_url: Option<String>,
    pub region: String,
}

/// What GetFunctionConfiguration says about a function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionConfig {
    pub name: String,
    pub arn: String,
    pub code_sha256: Option<String>,
    pub env: HashMap<String, String>,
    pub timeout: Duration,
    pub memory_mb: i32,
    pub architecture: Option<String>,
    pub handler: Option<String>,
}

impl FunctionConfig {
    pub fn is_wsadm_handler(&self) -> bool {
        self.env.keys().any(|k| k.starts_with("WSADM_"))
    }
}

/// How a function runs here.
#[derive(Clone)]
pub enum Plan {
    Process(Arc<Pool>),
    /// The built-in wsadm handlers, in process.
    InProcess,
    /// Every invocation fails to init: (Lambda's error type, message).
    InitError(String, String),
    /// Neither its code nor the built-in handlers can run it here.
    Cannot(String),
}

/// Why an invocation on a process failed.
#[derive(Debug)]
pub enum Failure {
    Unauthorized,
    Function(String),
    Timeout(Duration),
}

/// The warm and busy processes of one function's configuration.
pub struct Pool {
    spec: Spec,
    idle: Mutex<Vec<Sandbox>>,
    permits: Arc<Semaphore>,
}

pub struct Runtimes {
    code: CodeStore,
    settings: Settings,
    telemetry: Arc<Telemetry>,
    pools: Mutex<HashMap<String, Arc<Pool>>>,
    /// (function, CodeSha256) whose way of running was already said.
    announced: Mutex<HashSet<(String, String)>>,
    shutdown: watch::Sender<bool>,
    closed: AtomicBool,
    started: AtomicU64,
    /// Forwards code uploads (their bodies buffered) to moto.
    http: hyper_util::client::legacy::Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl Runtimes {
    pub fn new(settings: Settings, telemetry: Arc<Telemetry>) -> std::io::Result<Self> {
        Ok(Runtimes {
            code: CodeStore::new()?,
            settings,
            telemetry,
            pools: Mutex::new(HashMap::new()),
            announced: Mutex::new(HashSet::new()),
            shutdown: watch::channel(false).0,
            closed: AtomicBool::new(false),
            started: AtomicU64::new(0),
            http: hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http(),
        })
    }

    /// Kills every process and removes the code.
    pub fn shutdown(&self) {
        self.closed.store(true, Ordering::Release);
        let _ = self.shutdown.send(true);
        self.pools.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.code.remove_all();
    }

    /// For `/_wsadm/stats`.
    pub fn stats(&self) -> serde_json::Value {
        let pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        let idle: usize = pools.values().map(|p| p.idle.lock().unwrap_or_else(|e| e.into_inner()).len()).sum();
        let busy: usize = pools.values().map(|p| MAX_SANDBOXES - p.permits.available_permits()).sum();
        serde_json::json!({ "started": self.started.load(Ordering::Relaxed), "idle": idle, "busy": busy })
    }

    /// Forwards a CreateFunction/UpdateFunctionCode to moto, keeping the zip when it succeeds.
    pub async fn forward_upload(&self, req: Request<Incoming>, moto_url: &str) -> Response<Full<Bytes>> {
        let (mut parts, body) = req.into_parts();
        let body = match Limited::new(body, code::MAX_UPLOAD_BODY).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => {
                return lambda_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "RequestEntityTooLargeException",
                    "Request must be smaller than 70167211 bytes for the CreateFunction operation",
                )
            }
        };
        let pq = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
        let Ok(uri) = format!("{moto_url}{pq}").parse::<hyper::Uri>() else {
            return lambda_error(StatusCode::BAD_GATEWAY, "ServiceException", "bad moto URL");
        };
        parts.uri = uri;
        let zip = code::zip_in_body(&body);
        let resp = match self.http.request(Request::from_parts(parts, Full::new(body))).await {
            Ok(r) => r,
            Err(e) => {
                return lambda_error(
                    StatusCode::BAD_GATEWAY,
                    "ServiceException",
                    &format!("the AWS stand-in at {moto_url} did not answer: {e}"),
                )
            }
        };
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        if parts.status.is_success() {
            if let Some(zip) = zip {
                if let Err(e) = self.code.keep(&zip) {
                    tracing::warn!("cannot keep a function's code for running it locally: {e}");
                }
            }
        }
        Response::from_parts(parts, Full::new(body))
    }

    /// How `conf` runs here (the code is unzipped on first use).
    pub async fn plan(&self, conf: &FunctionConfig) -> Plan {
        let sha = conf.code_sha256.clone().unwrap_or_default();
        let (plan, why) = self.choose(conf, &sha).await;
        let first = self.announced.lock().unwrap_or_else(|e| e.into_inner()).insert((conf.name.clone(), sha));
        if first {
            match &plan {
                Plan::Process(_) => tracing::info!("function {}: {why}", conf.name),
                _ => tracing::warn!("function {}: {why}", conf.name),
            }
        }
        plan
    }

    async fn choose(&self, conf: &FunctionConfig, sha: &str) -> (Plan, String) {
        let fallback = |reason: String| {
            if conf.is_wsadm_handler() {
                (Plan::InProcess, format!("{reason}: the built-in wsadm handlers run in process"))
            } else {
                (Plan::Cannot(format!("function {}: {reason}", conf.name)), reason)
            }
        };
        let tree = match self.code.tree(sha).await {
            None => return fallback("its code was uploaded before this emulator started".into()),
            Some(Err(e)) => return (Plan::InitError("Runtime.InvalidEntrypoint".into(), e.clone()), e),
            Some(Ok(t)) => t,
        };
        let bootstrap = tree.join("bootstrap");
        let head = match read_head(&bootstrap) {
            Some(h) => h,
            None => return fallback("placeholder zip (no bootstrap)".into()),
        };
        let declared = Arch::of_function(conf.architecture.as_deref());
        let exec_format = || {
            let m = format!("fork/exec {}: exec format error", bootstrap.display());
            (Plan::InitError("Runtime.InvalidEntrypoint".into(), m.clone()), m)
        };
        let runs = match code::classify(&head) {
            Bootstrap::Script => "its bootstrap script".to_string(),
            Bootstrap::Elf(Some(a)) if a == declared && Some(a) == Arch::host() => {
                format!("its bootstrap ({})", a.name())
            }
            Bootstrap::Elf(Some(a)) if a == declared => {
                return fallback(format!(
                    "its bootstrap is for {} and this machine is {}",
                    a.name(),
                    std::env::consts::ARCH
                ))
            }
            // Lambda starts it and the kernel refuses: an init error on every invocation.
            Bootstrap::Elf(_) | Bootstrap::Unknown => return exec_format(),
        };
        let pool = self.pool(conf, tree);
        (Plan::Process(pool), format!("running {runs} under the Lambda Runtime API"))
    }

    /// The pool for this configuration; a new configuration or code retires the old processes.
    fn pool(&self, conf: &FunctionConfig, tree: PathBuf) -> Arc<Pool> {
        let env = self.env_for(conf, &tree);
        let spec = Spec {
            function: conf.name.clone(),
            function_arn: conf.arn.clone(),
            code_dir: tree,
            env,
            timeout: conf.timeout,
            memory_mb: conf.memory_mb,
        };
        let mut pools = self.pools.lock().unwrap_or_else(|e| e.into_inner());
        match pools.get(&conf.name) {
            Some(p) if p.spec.env == spec.env && p.spec.code_dir == spec.code_dir && p.spec.timeout == spec.timeout => {
                p.clone()
            }
            _ => {
                let p = Arc::new(Pool {
                    spec,
                    idle: Mutex::new(Vec::new()),
                    permits: Arc::new(Semaphore::new(MAX_SANDBOXES)),
                });
                pools.insert(conf.name.clone(), p.clone());
                p
            }
        }
    }

    /// The sandbox's environment, as provided.al2023 sets it (no variable of the emulator's own).
    fn env_for(&self, conf: &FunctionConfig, tree: &std::path::Path) -> Vec<(String, String)> {
        let s = &self.settings;
        let mut env: Vec<(String, String)> = vec![
            ("PATH".into(), PATH.into()),
            ("LANG".into(), "en_US.UTF-8".into()),
            ("TZ".into(), ":UTC".into()),
            ("LAMBDA_TASK_ROOT".into(), tree.display().to_string()),
            ("_HANDLER".into(), conf.handler.clone().unwrap_or_default()),
            ("AWS_REGION".into(), s.region.clone()),
            ("AWS_DEFAULT_REGION".into(), s.region.clone()),
            ("AWS_LAMBDA_FUNCTION_NAME".into(), conf.name.clone()),
            ("AWS_LAMBDA_FUNCTION_VERSION".into(), "$LATEST".into()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(), conf.memory_mb.to_string()),
            ("AWS_LAMBDA_LOG_GROUP_NAME".into(), crate::telemetry::lambda_group(&conf.name)),
            ("AWS_LAMBDA_INITIALIZATION_TYPE".into(), "on-demand".into()),
            // The role's credentials, as Lambda passes them: here the local stack's dummy ones.
            ("AWS_ACCESS_KEY_ID".into(), "local".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "local".into()),
            ("AWS_ENDPOINT_URL".into(), format!("http://{}", s.plain_addr)),
        ];
        if let Some(d) = &s.dynamodb_url {
            env.push(("AWS_ENDPOINT_URL_DYNAMODB".into(), d.clone()));
        }
        let mut vars: Vec<(String, String)> = conf.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        vars.sort();
        if !conf.env.contains_key("WSADM_MANAGEMENT_ENDPOINT") {
            // The emulator's @connections, for the chat handlers (AWS's default does not fit it).
            vars.push((
                "WSADM_MANAGEMENT_ENDPOINT".into(),
                format!("http://{}/apis/{{apiId}}/{{stage}}", s.plain_addr),
            ));
        }
        // The function's own variables win over the defaults, except the reserved ones Lambda sets.
        for (k, v) in vars {
            if !RESERVED.contains(&k.as_str()) {
                env.retain(|(e, _)| *e != k);
                env.push((k, v));
            }
        }
        env
    }

    /// Runs one invocation on a process of `pool`; the caller stops waiting after `wait`
    /// (API Gateway's integration timeout), the process keeps its own timeout.
    pub async fn invoke(
        &self,
        pool: &Arc<Pool>,
        request_id: &str,
        event: &serde_json::Value,
        wait: Duration,
    ) -> Result<serde_json::Value, Failure> {
        let deadline = tokio::time::Instant::now() + wait;
        let permit = match tokio::time::timeout_at(deadline, pool.permits.clone().acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => {
                return Err(Failure::Function(format!(
                    "Rate Exceeded: all {MAX_SANDBOXES} processes of function {} stayed busy",
                    pool.spec.function
                )))
            }
        };
        let warm = {
            let mut idle = pool.idle.lock().unwrap_or_else(|e| e.into_inner());
            idle.retain(Sandbox::alive);
            idle.pop()
        };
        let mut sandbox = match warm {
            Some(s) => s,
            None => {
                let started = Sandbox::start(&pool.spec, self.telemetry.clone(), self.shutdown.subscribe()).await;
                self.started.fetch_add(1, Ordering::Relaxed);
                match started {
                    Ok(s) => s,
                    Err(e) => {
                        let log = logs::LambdaLog::new(self.telemetry.clone(), &pool.spec.function, "unstarted");
                        let now = crate::time::now_ms();
                        log.init_failed(now, request_id, 0.0, "Runtime.InvalidEntrypoint", &e, pool.spec.memory_mb);
                        return Err(Failure::Function(format!("Runtime.InvalidEntrypoint: {e}")));
                    }
                }
            }
        };
        let fn_timeout = pool.spec.timeout;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let (pool, id, body) = (pool.clone(), request_id.to_string(), Bytes::from(event.to_string()));
        let closed = self.closed.load(Ordering::Acquire);
        // The invocation runs to its end even when the caller stops waiting, as Lambda's does.
        tokio::spawn(async move {
            let trace = format!("Root=1-{:08x}-{}", crate::time::now_ms() / 1000, hex_id());
            let outcome = sandbox.invoke(&pool.spec, &id, body, &trace).await;
            let reusable = matches!(outcome, Outcome::Response(_) | Outcome::FunctionError(_)) && sandbox.alive();
            if reusable && !closed {
                pool.idle.lock().unwrap_or_else(|e| e.into_inner()).push(sandbox);
            }
            drop(permit);
            let _ = tx.send(outcome);
        });
        let outcome = match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(o)) => o,
            _ => return Err(Failure::Timeout(wait)),
        };
        match outcome {
            Outcome::Response(body) => serde_json::from_slice(&body)
                .map_err(|e| Failure::Function(format!("the function's response is not JSON: {e}"))),
            Outcome::FunctionError(body) => {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let message = v["errorMessage"].as_str().unwrap_or_default().to_string();
                // A Lambda authorizer refuses by failing with exactly this message.
                if message == "Unauthorized" {
                    return Err(Failure::Unauthorized);
                }
                Err(Failure::Function(format!("{}: {message}", v["errorType"].as_str().unwrap_or("Error"))))
            }
            Outcome::InitError(kind, message) => Err(Failure::Function(format!("{kind}: {message}"))),
            Outcome::Exited(s) => Err(Failure::Function(format!("Runtime.ExitError: Runtime exited with error: {s}"))),
            Outcome::TimedOut => Err(Failure::Function(format!(
                "Sandbox.Timedout: Task timed out after {:.2} seconds",
                fn_timeout.as_secs_f64()
            ))),
        }
    }

    /// Logs an init error for a function that cannot start (no process was tried).
    pub fn log_init_error(&self, function: &str, request_id: &str, kind: &str, message: &str, memory_mb: i32) {
        let log = logs::LambdaLog::new(self.telemetry.clone(), function, &hex_id());
        log.init_failed(crate::time::now_ms(), request_id, 0.0, kind, message, memory_mb);
    }
}

/// Variables Lambda reserves: a function cannot set them.
const RESERVED: &[&str] = &[
    "_HANDLER",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_TASK_ROOT",
];

fn hex_id() -> String {
    (0..12).map(|_| format!("{:02x}", rand::random::<u8>())).collect()
}

fn read_head(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(path).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut head = vec![0u8; 20];
    let n = f.read(&mut head).ok()?;
    head.truncate(n);
    Some(head)
}

fn lambda_error(status: StatusCode, kind: &str, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "Type": "User", "message": message }).to_string();
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    if let Ok(v) = hyper::header::HeaderValue::from_str(kind) {
        r.headers_mut().insert("x-amzn-errortype", v);
    }
    r
}
