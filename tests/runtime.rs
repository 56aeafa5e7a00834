//! `wsadm local` runs real function code: `wsadm` itself zipped as `bootstrap` (it is the chat
//! stack's handler when Lambda starts it so) runs as processes under the emulator's Lambda
//! Runtime API; scripts that fail at init or hang show Lambda's errors and logs.

mod common;

use common::stack::{connect, local, recv, send, token, Local, SECRET};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;

fn host_arch() -> &'static str {
    if cfg!(target_arch = "aarch64") {
        "arm64"
    } else {
        "x86_64"
    }
}

fn other_arch() -> &'static str {
    if host_arch() == "x86_64" {
        "arm64"
    } else {
        "x86_64"
    }
}

/// A function zip holding `bootstrap` (mode 0755).
fn bootstrap_zip(dir: &Path, name: &str, bootstrap: &[u8]) -> PathBuf {
    let path = dir.join(name);
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    w.start_file("bootstrap", SimpleFileOptions::default().unix_permissions(0o755)).unwrap();
    w.write_all(bootstrap).unwrap();
    w.finish().unwrap();
    path
}

fn wsadm_zip(dir: &Path) -> PathBuf {
    bootstrap_zip(dir, "wsadm-bootstrap.zip", &std::fs::read(common::wsadm_bin()).unwrap())
}

/// Provisions the chat stack with `zip`; returns its wss URL.
fn provision(l: &Local, zip: &Path, arch: &str) -> String {
    let v = l.provision(&["--handler-zip", zip.to_str().unwrap(), "--architecture", arch]).ok().json();
    v["outputs"]["wss_url"].as_str().unwrap().to_string()
}

async fn stats(l: &Local) -> Value {
    let url = format!("{}/_wsadm/stats", l.url);
    let (_, body) = tokio::task::spawn_blocking(move || wsadm_testkit::http("GET", &url, "")).await.unwrap().unwrap();
    serde_json::from_str(&body).unwrap()
}

/// The messages of a function's log group, once `done` holds for them (10 s at most).
async fn lambda_log(l: &Local, function: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&l.sdk);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines: Vec<String> =
            match logs.filter_log_events().log_group_name(format!("/aws/lambda/{function}")).send().await {
                Ok(o) => o.events().iter().filter_map(|e| e.message().map(str::to_string)).collect(),
                Err(_) => Vec::new(),
            };
        if done(&lines) || Instant::now() > deadline {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_stack_runs_on_the_real_artifact_as_processes() {
    let l = local().await;
    let dir = tempfile::tempdir().unwrap();
    let url = provision(&l, &wsadm_zip(dir.path()), host_arch());

    // The authorizer process refuses a bad token (Lambda's "Unauthorized" error is a 401).
    assert_eq!(
        connect(&format!("{url}?token={}", token("mallory", "not-the-secret-not-the-secret-xx"))).await.err(),
        Some(401)
    );
    let mut alice = connect(&format!("{url}?token={}", token("alice", SECRET))).await.unwrap();
    let mut bob = connect(&format!("{url}?token={}", token("bob", SECRET))).await.unwrap();
    for ws in [&mut alice, &mut bob] {
        send(ws, json!({"action": "join", "room": "lobby"})).await;
        assert_eq!(recv(ws).await["type"], "joined");
    }
    // A member whose connection is long gone: the fan-out's 410 removes its record.
    let ddb = aws_sdk_dynamodb::Client::new(&l.sdk);
    let store = wsadm_core::store::SessionStore::new(ddb, "chat-sessions");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    let mut ghost = wsadm_core::store::Session::new("GhostConn0A=", "ghost", now - 120_000);
    ghost.stage = Some("prod".into());
    store.put_session(&ghost).await.unwrap();
    store.join("GhostConn0A=", "lobby", now, 0).await.unwrap();

    send(&mut alice, json!({"action": "send", "room": "lobby", "text": "hello bob"})).await;
    let sent = recv(&mut alice).await;
    assert_eq!(
        (sent["type"].as_str(), sent["delivered"].as_u64(), sent["gone"].as_u64()),
        (Some("sent"), Some(1), Some(1)),
        "{sent}"
    );
    let got = recv(&mut bob).await;
    assert_eq!((got["from"].as_str(), got["text"].as_str()), (Some("alice"), Some("hello bob")), "{got}");
    assert!(store.get("GhostConn0A=").await.unwrap().is_none(), "the gone member's record was removed");
    assert_eq!(store.count().await.unwrap(), 2);

    // $disconnect removes the record.
    drop(bob);
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.count().await.unwrap() != 1 {
        assert!(Instant::now() < deadline, "bob's record stayed after $disconnect");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The work was done by processes: started ones, a cold start logged once, then warm reuse.
    let s = stats(&l).await;
    assert!(s["sandboxes"]["started"].as_u64().unwrap() >= 2, "{s}");
    let log =
        lambda_log(&l, "chat-connect", |lines| lines.iter().filter(|m| m.starts_with("REPORT")).count() >= 2).await;
    let reports: Vec<&String> = log.iter().filter(|m| m.starts_with("REPORT")).collect();
    assert!(reports.len() >= 2, "{log:#?}");
    assert_eq!(
        reports.iter().filter(|m| m.contains("Init Duration")).count(),
        1,
        "one cold start, then warm: {log:#?}"
    );
    assert!(log.iter().any(|m| m.starts_with("START RequestId:")), "{log:#?}");
    // The handler's own JSON lines are in the group too.
    assert!(log.iter().any(|m| m.contains("handled")), "{log:#?}");
    drop(alice);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bootstrap_that_fails_at_init_gives_500_and_logs_the_init_error() {
    let l = local().await;
    let dir = tempfile::tempdir().unwrap();
    let zip = bootstrap_zip(dir.path(), "boom.zip", b"#!/bin/sh\necho boom >&2\nexit 3\n");
    let url = provision(&l, &zip, host_arch());
    assert_eq!(connect(&format!("{url}?token={}", token("alice", SECRET))).await.err(), Some(500));
    let log = lambda_log(&l, "chat-authorizer", |lines| {
        lines.iter().any(|m| m == "boom") && lines.iter().any(|m| m.starts_with("INIT_REPORT"))
    })
    .await;
    assert!(log.iter().any(|m| m == "boom"), "{log:#?}");
    assert!(
        log.iter()
            .any(|m| m.starts_with("INIT_REPORT") && m.contains("Status: error") && m.contains("Runtime.ExitError")),
        "{log:#?}"
    );
    assert!(log.iter().any(|m| m.contains("Runtime exited with error: exit status 3")), "{log:#?}");

    // An ELF for this machine declared as the other architecture: Lambda's exec format error at
    // init. (Its head is all the emulator reads before refusing it; a small zip keeps moto fast.)
    let mut elf = std::fs::read(common::wsadm_bin()).unwrap();
    elf.truncate(4096);
    let l = local().await;
    let url = provision(&l, &bootstrap_zip(dir.path(), "elf.zip", &elf), other_arch());
    assert_eq!(connect(&format!("{url}?token={}", token("alice", SECRET))).await.err(), Some(500));
    let log = lambda_log(&l, "chat-authorizer", |lines| lines.iter().any(|m| m.contains("exec format error"))).await;
    assert!(log.iter().any(|m| m.contains("Runtime.InvalidEntrypoint") && m.contains("exec format error")), "{log:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_past_its_timeout_is_killed() {
    let l = local().await;
    let dir = tempfile::tempdir().unwrap();
    // A runtime that takes one event and never answers.
    let script = b"#!/bin/bash
exec 3<>/dev/tcp/${AWS_LAMBDA_RUNTIME_API%:*}/${AWS_LAMBDA_RUNTIME_API#*:}
printf 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: runtime\\r\\n\\r\\n' >&3
read -r status <&3
echo \"pid $$ got an event\"
sleep 60
";
    let url = provision(&l, &bootstrap_zip(dir.path(), "hang.zip", script), host_arch());
    // Set before the first invocation, so the emulator's first read of the configuration has it.
    let lambda = aws_sdk_lambda::Client::new(&l.sdk);
    lambda.update_function_configuration().function_name("chat-authorizer").timeout(1).send().await.unwrap();
    let started = Instant::now();
    assert_eq!(connect(&format!("{url}?token={}", token("alice", SECRET))).await.err(), Some(500));
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let log = lambda_log(&l, "chat-authorizer", |lines| {
        lines.iter().any(|m| m.contains("Task timed out after 1.00 seconds"))
            && lines.iter().any(|m| m.contains("got an event"))
    })
    .await;
    assert!(log.iter().any(|m| m.contains("Task timed out after 1.00 seconds")), "{log:#?}");
    let pid: u32 = log
        .iter()
        .find_map(|m| m.strip_prefix("pid ").and_then(|r| r.split(' ').next()).and_then(|p| p.parse().ok()))
        .unwrap_or_else(|| panic!("{log:#?}"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while Path::new(&format!("/proc/{pid}")).exists() {
        assert!(Instant::now() < deadline, "the timed-out process {pid} is still running");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let s = stats(&l).await;
    assert_eq!((s["sandboxes"]["idle"].as_u64(), s["sandboxes"]["busy"].as_u64()), (Some(0), Some(0)), "{s}");
}

/// A Python runtime (the project's venv) for the function's bootstrap: `body` runs with `api`
/// (the Runtime API's base URL) and `request` (a small POST helper) defined.
fn python_bootstrap(body: &str) -> Vec<u8> {
    format!(
        "#!{}/.venv/bin/python\nimport json, os, sys, time, urllib.request\n\
         api = 'http://' + os.environ['AWS_LAMBDA_RUNTIME_API'] + '/2018-06-01/runtime'\n\
         def post(path, body):\n    urllib.request.urlopen(urllib.request.Request(api + path, data=body, method='POST')).read()\n\
         {body}\n",
        env!("CARGO_MANIFEST_DIR")
    )
    .into_bytes()
}

/// Invocations at once each get a process of their own; later ones reuse the warm processes,
/// and every invocation is logged START, END and REPORT.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_invocations_get_a_process_each_then_reuse_them() {
    let l = local().await;
    let dir = tempfile::tempdir().unwrap();
    // Each event is held 1 s, so three connects at once overlap; the answer denies them.
    let script = python_bootstrap(
        "print('pid', os.getpid(), 'ready', flush=True)\n\
         while True:\n    r = urllib.request.urlopen(api + '/invocation/next')\n    rid = r.headers['Lambda-Runtime-Aws-Request-Id']\n    r.read()\n    time.sleep(1)\n    post('/invocation/' + rid + '/response', b'{}')",
    );
    let url = provision(&l, &bootstrap_zip(dir.path(), "slow.zip", &script), host_arch());
    let burst = || async {
        let urls: Vec<String> = (0..3).map(|i| format!("{url}?token={}", token(&format!("u{i}"), SECRET))).collect();
        for r in futures::future::join_all(urls.iter().map(|u| connect(u))).await {
            assert!(r.is_err(), "an empty answer authorizes no one");
        }
    };
    burst().await;
    let s = stats(&l).await;
    assert_eq!(s["sandboxes"]["started"], 3, "one process per invocation in flight: {s}");
    burst().await;
    let s = stats(&l).await;
    assert_eq!(s["sandboxes"]["started"], 3, "the warm processes served the second burst: {s}");
    let log =
        lambda_log(&l, "chat-authorizer", |lines| lines.iter().filter(|m| m.starts_with("REPORT")).count() >= 6).await;
    for kind in ["START RequestId:", "END RequestId:", "REPORT RequestId:"] {
        assert_eq!(log.iter().filter(|m| m.starts_with(kind)).count(), 6, "{kind} {log:#?}");
    }
    let pids: std::collections::HashSet<&str> =
        log.iter().filter(|m| m.ends_with(" ready")).filter_map(|m| m.split(' ').nth(1)).collect();
    assert_eq!(pids.len(), 3, "{log:#?}");
}

/// A runtime that reports its own init failure through `init/error`: the client gets 500 and
/// the function's log has Lambda's INIT_REPORT with the runtime's error type and message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_init_error_reported_by_the_runtime_is_logged_as_lambda_logs_it() {
    let l = local().await;
    let dir = tempfile::tempdir().unwrap();
    let script = python_bootstrap(
        "post('/init/error', json.dumps({'errorType': 'Config.Invalid', 'errorMessage': 'TABLE is not set'}).encode())\n\
         sys.exit(1)",
    );
    let url = provision(&l, &bootstrap_zip(dir.path(), "init.zip", &script), host_arch());
    assert_eq!(connect(&format!("{url}?token={}", token("alice", SECRET))).await.err(), Some(500));
    let log = lambda_log(&l, "chat-authorizer", |lines| lines.iter().any(|m| m.starts_with("REPORT"))).await;
    assert!(
        log.iter().any(|m| m.starts_with("INIT_REPORT") && m.contains("Status: error") && m.contains("Config.Invalid")),
        "{log:#?}"
    );
    assert!(log.iter().any(|m| m.contains("TABLE is not set")), "{log:#?}");
    assert!(log.iter().any(|m| m.starts_with("END RequestId:")), "{log:#?}");
}
