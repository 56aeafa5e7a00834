//! The `wsadm` binary as a long-running child (client, loadtest --hold): stdin to write to,
//! stdout and stderr lines as they come, so a test waits for what it needs (readiness, never
//! a fixed sleep).
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

pub struct Proc {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    out: mpsc::UnboundedReceiver<String>,
    err: mpsc::UnboundedReceiver<String>,
    /// Everything seen so far, for failure messages.
    pub log: Arc<Mutex<Vec<String>>>,
    /// The stdout and stderr readers; they end at the pipes' end.
    readers: Vec<std::thread::JoinHandle<()>>,
}

fn reader(
    r: impl std::io::Read + Send + 'static,
    tag: &'static str,
    log: Arc<Mutex<Vec<String>>>,
) -> (mpsc::UnboundedReceiver<String>, std::thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = std::thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            log.lock().unwrap().push(format!("{tag}: {line}"));
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    (rx, handle)
}

impl Proc {
    /// Starts wsadm with `args` in exactly `env` (AWS_*/WSADM_* from the developer's shell removed).
    pub fn spawn(env: &[(String, String)], args: &[&str]) -> Proc {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsadm"));
        for k in wsadm_testkit::inherited_vars_to_clear() {
            cmd.env_remove(k);
        }
        cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut child = cmd
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start wsadm");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (out, out_reader) = reader(child.stdout.take().unwrap(), "out", log.clone());
        let (err, err_reader) = reader(child.stderr.take().unwrap(), "err", log.clone());
        Proc { stdin: child.stdin.take(), child, out, err, log, readers: vec![out_reader, err_reader] }
    }

    pub fn transcript(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub fn line(&mut self, line: &str) {
        let s = self.stdin.as_mut().expect("stdin open");
        writeln!(s, "{line}").unwrap();
        s.flush().unwrap();
    }

    /// Closes stdin (the end of input).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    async fn next_json(
        rx: &mut mpsc::UnboundedReceiver<String>,
        what: &str,
        limit: Duration,
        log: &Arc<Mutex<Vec<String>>>,
        pred: &dyn Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(line)) => {
                    if let Ok(v) = serde_json::from_str::<Value>(&line) {
                        if pred(&v) {
                            return v;
                        }
                    }
                }
                Ok(None) => panic!("output ended before {what}:\n{}", log.lock().unwrap().join("\n")),
                Err(_) => panic!("no {what} within {limit:?}:\n{}", log.lock().unwrap().join("\n")),
            }
        }
    }

    /// The next stdout JSON line matching `pred` (lines before it are skipped).
    pub async fn out(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        Self::next_json(&mut self.out, what, Duration::from_secs(30), &self.log, &pred).await
    }

    /// The next stderr JSON status line with this `event`.
    pub async fn event(&mut self, event: &str) -> Value {
        let e = event.to_string();
        Self::next_json(&mut self.err, &format!("event {event}"), Duration::from_secs(30), &self.log, &move |v| {
            v["event"] == e.as_str()
        })
        .await
    }

    /// Waits for the exit (30 s at most) and returns the code; by then every line the process
    /// wrote is in the transcript (the readers have reached the end of both pipes).
    pub async fn exit_code(&mut self) -> i32 {
        for _ in 0..3000 {
            if let Some(s) = self.child.try_wait().unwrap() {
                for _ in 0..2000 {
                    if self.readers.iter().all(|r| r.is_finished()) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                return s.code().unwrap_or(-1);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("wsadm did not exit:\n{}", self.transcript());
    }

    /// Everything left on stdout after the exit.
    pub async fn rest_of_stdout(&mut self) -> Vec<String> {
        let mut v = Vec::new();
        while let Some(l) = self.out.recv().await {
            v.push(l);
        }
        v
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([&format!("-{sig}"), &self.child.id().to_string()]).status().unwrap();
        assert!(ok.success());
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
