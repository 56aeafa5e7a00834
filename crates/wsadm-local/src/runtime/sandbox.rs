//! One execution environment: a `bootstrap` process with its own Runtime API, started with
//! the function's environment in its code's directory, its stdout/stderr lines sent to the
//! function's log group (one stream per process, as Lambda). It serves one invocation at a
//! time. Dropping a sandbox kills its process group; the process also dies with the emulator
//! (PR_SET_PDEATHSIG), so none is ever orphaned.

use super::api::{self, ApiEvent, Invocation};
use super::logs::LambdaLog;
use crate::telemetry::Telemetry;
use crate::time::now_ms;
use bytes::Bytes;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{oneshot, watch};

/// What a sandbox is started with.
#[derive(Debug, Clone)]
pub struct Spec {
    pub function: String,
    pub function_arn: String,
    pub code_dir: PathBuf,
    /// The whole environment (nothing of the emulator's own is passed through).
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    pub memory_mb: i32,
}

/// How one invocation ended.
#[derive(Debug)]
pub enum Outcome {
    Response(Bytes),
    /// The function's error (its JSON as posted).
    FunctionError(Bytes),
    /// The runtime failed to start: (Lambda's error type, message).
    InitError(String, String),
    /// The process exited mid-invocation.
    Exited(String),
    TimedOut,
}

pub struct Sandbox {
    pub id: String,
    api: api::RuntimeApi,
    exited: watch::Receiver<Option<String>>,
    _kill: oneshot::Sender<()>,
    pid: Option<u32>,
    log: LambdaLog,
    /// Set once the process first asked for work.
    initialized: bool,
    started: Instant,
}

/// `exit status 3` / `signal: killed`, as Lambda words it.
fn describe(status: std::io::Result<std::process::ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt as _;
    match status {
        Ok(s) => match (s.code(), s.signal()) {
            (Some(c), _) => format!("exit status {c}"),
            (None, Some(9)) => "signal: killed".into(),
            (None, Some(sig)) => format!("signal: {sig}"),
            _ => "exited".into(),
        },
        Err(e) => format!("cannot wait for it: {e}"),
    }
}

impl Sandbox {
    /// Starts the process; its init runs while the first invocation waits in [`Self::invoke`].
    pub async fn start(
        spec: &Spec,
        telemetry: Arc<Telemetry>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Sandbox, String> {
        let api = api::start().await.map_err(|e| format!("cannot start the Runtime API: {e}"))?;
        let id = crate::ids::new_id(12).replace(['+', '/', '='], "");
        let log = LambdaLog::new(telemetry, &spec.function, &id);
        let mut cmd = tokio::process::Command::new(spec.code_dir.join("bootstrap"));
        cmd.env_clear()
            .envs(spec.env.iter().map(|(k, v)| (k, v)))
            .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
            .env("AWS_LAMBDA_LOG_STREAM_NAME", &log.stream)
            .current_dir(&spec.code_dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .process_group(0);
        // Linux kills the sandbox with the emulator; elsewhere kill_on_drop covers a normal exit.
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        #[cfg(target_os = "linux")]
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let started = Instant::now();
        let mut child =
            cmd.spawn().map_err(|e| format!("fork/exec {}: {e}", spec.code_dir.join("bootstrap").display()))?;
        let pid = child.id();
        for out in [
            child.stdout.take().map(|o| Box::new(o) as Box<dyn tokio::io::AsyncRead + Send + Unpin>),
            child.stderr.take().map(|e| Box::new(e) as Box<dyn tokio::io::AsyncRead + Send + Unpin>),
        ]
        .into_iter()
        .flatten()
        {
            let log = log.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(out).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    log.line(now_ms(), line);
                }
            });
        }
        let (kill_tx, kill_rx) = oneshot::channel::<()>();
        let (exit_tx, exited) = watch::channel(None);
        let mut shutdown = shutdown;
        tokio::spawn(async move {
            // Killed when the sandbox is dropped (the sender goes) or the emulator stops.
            let stopped = async {
                tokio::select! {
                    _ = kill_rx => {}
                    _ = shutdown.wait_for(|s| *s) => {}
                }
            };
            let status = tokio::select! {
                s = child.wait() => Some(describe(s)),
                _ = stopped => None,
            };
            let status = match status {
                Some(s) => s,
                None => kill(&mut child, pid).await,
            };
            let _ = exit_tx.send(Some(status));
        });
        Ok(Sandbox { id, api, exited, _kill: kill_tx, pid, log, initialized: false, started })
    }

    /// Whether the process is still there to take another invocation.
    pub fn alive(&self) -> bool {
        self.exited.borrow().is_none()
    }

    /// Peak resident memory, as REPORT's Max Memory Used.
    fn max_memory_mb(&self) -> u64 {
        let Some(pid) = self.pid else { return 0 };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kb = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        kb.div_ceil(1024)
    }

    /// Waits for the next runtime event, the process's exit, or `deadline`.
    async fn event(&mut self, deadline: tokio::time::Instant) -> Result<ApiEvent, Option<String>> {
        let exited = self.exited.clone();
        let mut exited = exited;
        tokio::select! {
            biased;
            ev = self.api.events.recv() => ev.ok_or(None),
            s = exited.wait_for(Option::is_some) => Err(s.ok().and_then(|s| s.clone())),
            _ = tokio::time::sleep_until(deadline) => Err(None),
        }
    }

    /// Runs one invocation under `spec.timeout` (init included on a cold start), logging
    /// START/END/REPORT and the process's lines around it.
    pub async fn invoke(&mut self, spec: &Spec, request_id: &str, event: Bytes, trace_id: &str) -> Outcome {
        let deadline = tokio::time::Instant::now() + spec.timeout;
        let started_ms = now_ms();
        let mut init = None;
        if !self.initialized {
            let outcome = loop {
                match self.event(deadline).await {
                    Ok(ApiEvent::Next) => break None,
                    Ok(ApiEvent::InitError(body)) => break Some(init_error_of(&body)),
                    Ok(_) => continue,
                    Err(Some(status)) => {
                        break Some(("Runtime.ExitError".into(), format!("Runtime exited with error: {status}")))
                    }
                    Err(None) if self.alive() => break Some(("Sandbox.Timedout".into(), "init timed out".into())),
                    Err(None) => continue,
                }
            };
            let init_ms = self.started.elapsed().as_secs_f64() * 1000.0;
            if let Some((kind, message)) = outcome {
                self.log.init_failed(started_ms, request_id, init_ms, &kind, &message, spec.memory_mb);
                return Outcome::InitError(kind, message);
            }
            self.initialized = true;
            init = Some(init_ms);
        }
        self.log.start(started_ms, request_id);
        let started = Instant::now();
        let inv = Invocation {
            request_id: request_id.to_string(),
            event,
            deadline_ms: now_ms() + deadline.saturating_duration_since(tokio::time::Instant::now()).as_millis() as i64,
            function_arn: spec.function_arn.clone(),
            trace_id: trace_id.to_string(),
        };
        let outcome = if self.api.invocations.send(inv).await.is_err() {
            Outcome::Exited("the Runtime API stopped".into())
        } else {
            loop {
                match self.event(deadline).await {
                    Ok(ApiEvent::Response(id, body)) if id == request_id => break Outcome::Response(body),
                    Ok(ApiEvent::Error(id, body)) if id == request_id => break Outcome::FunctionError(body),
                    Ok(_) => continue,
                    Err(Some(status)) => break Outcome::Exited(status),
                    Err(None) if self.alive() => break Outcome::TimedOut,
                    Err(None) => continue,
                }
            }
        };
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let memory = (spec.memory_mb, self.max_memory_mb());
        self.log.finish(started_ms, request_id, ms, init, memory, &outcome, spec.timeout);
        outcome
    }
}

/// Kills the process's whole group (a script's children too), then reaps it.
async fn kill(child: &mut tokio::process::Child, pid: Option<u32>) -> String {
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: a plain syscall on the group this sandbox started.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill().await;
    "signal: killed".into()
}

/// (errorType, errorMessage) of a posted init error.
fn init_error_of(body: &[u8]) -> (String, String) {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let kind = v["errorType"].as_str().unwrap_or("Runtime.Unknown").to_string();
    let message =
        v["errorMessage"].as_str().map(str::to_string).unwrap_or_else(|| String::from_utf8_lossy(body).into());
    (kind, message)
}
