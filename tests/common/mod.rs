//! Running the built `wsadm` binary in tests, with the loopback guard on.
#![allow(dead_code)]

pub mod stack;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }

    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "wsadm failed:\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

/// The wsadm under test: this build, or an installed one (`scripts/check-package`).
pub fn wsadm_bin() -> std::path::PathBuf {
    std::env::var_os("WSADM_TEST_BIN").map(Into::into).unwrap_or_else(|| env!("CARGO_BIN_EXE_wsadm").into())
}

/// Runs wsadm with `args` in exactly `env` (AWS_*/WSADM_* from the developer's shell removed).
pub fn wsadm(env: &[(String, String)], args: &[&str]) -> Run {
    wsadm_in(None, env, args)
}

/// [`wsadm`] off the async threads: for tests whose emulator serves it from those threads.
pub async fn wsadm_async(env: &[(String, String)], args: &[&str]) -> Run {
    let env = env.to_vec();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || wsadm(&env, &args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .expect("wsadm ran")
}

/// [`wsadm`] in the working directory `dir`.
pub fn wsadm_in(dir: Option<&std::path::Path>, env: &[(String, String)], args: &[&str]) -> Run {
    let mut cmd = Command::new(wsadm_bin());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    for k in wsadm_testkit::inherited_vars_to_clear() {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    cmd.args(args).stdin(Stdio::null());
    let start = Instant::now();
    let Output { status, stdout, stderr } = cmd.output().expect("run wsadm");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        elapsed: start.elapsed(),
    }
}
