//! `wsadm client` against the emulator's chat stack: scripted use, reconnects after the server
//! drops, closes and kicks the connection (rejoining its room), no reconnect after 401/403, and
//! dead-connection detection by heartbeat.

mod common;
#[path = "common/proc.rs"]
mod proc;
use wsadm_local::testing as stack;

use futures::{SinkExt, StreamExt};
use proc::Proc;
use serde_json::{json, Value};
use stack::{recv, send, stack, token};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use wsadm_local::registry::Outbound;
use wsadm_local::Limits;

fn env(stack: &stack::Stack, token: &str) -> Vec<(String, String)> {
    let mut env = wsadm_testkit::wsadm_env(&stack.emulator.url());
    env.push(("CHAT_TOKEN".into(), token.into()));
    env
}

async fn whoami(c: &mut Proc) -> String {
    c.line(r#"{"action":"whoami"}"#);
    let v = c.out("whoami reply", |v| v["type"] == "whoami").await;
    v["connectionId"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_lines_are_sent_and_frames_printed_as_jsonl() {
    let st = stack(Limits::default()).await;
    // No URL: the --api/--stage target's endpoint + stage, resolved through the control plane.
    let mut c = Proc::spawn(
        &env(&st, &token("alice", 600)),
        &["client", "--api", "chat", "--stage", "prod", "--token-env", "CHAT_TOKEN", "--room", "lobby"],
    );
    c.out("joined", |v| v["type"] == "joined" && v["room"] == "lobby").await;
    // A bob in the room receives alice's text line, sent as a `send` to --room.
    let mut bob = st.user("bob", "lobby").await;
    c.line("hello from a script");
    let m = recv(&mut bob).await;
    assert_eq!(m["type"], "message");
    assert_eq!((m["from"].as_str(), m["text"].as_str()), (Some("alice"), Some("hello from a script")));
    let sent = c.out("sent reply", |v| v["type"] == "sent").await;
    assert_eq!(sent["delivered"], 1);
    // Bob's message arrives on alice's stdout as one JSON line.
    send(&mut bob, json!({ "action": "send", "room": "lobby", "text": "hi alice" })).await;
    let got = c.out("bob's message", |v| v["type"] == "message").await;
    assert_eq!((got["from"].as_str(), got["text"].as_str()), (Some("bob"), Some("hi alice")));
    // Raw JSON lines are sent as they are; the end of input closes after the replies.
    c.line(r#"{"action":"whoami"}"#);
    c.close_stdin();
    let who = c.out("whoami", |v| v["type"] == "whoami").await;
    assert_eq!(who["userId"], "alice");
    assert_eq!(c.exit_code().await, 0, "{}", c.transcript());
    let log = c.transcript();
    assert!(log.contains("end of input"), "{log}");
    assert!(log.contains(&format!("connected to {}", st.ws_url)), "{log}");
    assert!(!log.contains("\"pong\""), "no heartbeat pongs on stdout: {log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_after_drop_close_and_kick_and_rejoins_its_room() {
    let st = stack(Limits::default()).await;
    let mut c = Proc::spawn(
        &env(&st, &token("alice", 600)),
        &[
            "client",
            &st.ws_url,
            "--token-env",
            "CHAT_TOKEN",
            "--room",
            "lobby",
            "--backoff-base",
            "50ms",
            "--backoff-cap",
            "500ms",
            "-o",
            "jsonl",
        ],
    );
    c.event("connected").await;
    c.out("joined", |v| v["type"] == "joined").await;
    let mut id = whoami(&mut c).await;
    let store = st.store();

    // The emulator drops the TCP connection (no close frame), closes it with 1001, and the
    // operator kicks it with DeleteConnection (what `wsadm sessions kick` calls): each time the
    // client comes back and rejoins lobby.
    for (how, code) in [("drop", 1006), ("close 1001", 1001), ("kick", 1000)] {
        match how {
            "drop" => st.emulator.emulator.registry.get(&id).unwrap().tx.try_send(Outbound::Abort).unwrap(),
            "close 1001" => st
                .emulator
                .emulator
                .registry
                .get(&id)
                .unwrap()
                .tx
                .try_send(Outbound::Close(1001, "Going away".into()))
                .unwrap(),
            _ => {
                st.management().delete_connection().connection_id(&id).send().await.unwrap();
            }
        }
        let closed = c.event("closed").await;
        assert_eq!(closed["code"], code, "{how}: {closed}");
        let r = c.event("reconnecting").await;
        assert!(r["delay_ms"].as_u64().unwrap() < 500, "{how}: {r}");
        c.event("reconnected").await;
        c.out("rejoined", |v| v["type"] == "joined" && v["room"] == "lobby").await;
        let new_id = whoami(&mut c).await;
        assert_ne!(new_id, id, "{how}: a new connection");
        id = new_id;
        // The session store has the new connection in lobby.
        let s = store.get(&id).await.unwrap().expect("a session record");
        assert!(s.rooms.iter().any(|r| r == "lobby"), "{how}: {s:?}");
    }

    // The rejoined room works both ways.
    let mut bob = st.user("bob", "lobby").await;
    send(&mut bob, json!({ "action": "send", "room": "lobby", "text": "after three reconnects" })).await;
    assert_eq!(recv(&mut bob).await["delivered"], 1);
    let m = c.out("bob's message", |v| v["type"] == "message").await;
    assert_eq!(m["text"], "after three reconnects");

    c.close_stdin();
    let summary = c.event("summary").await;
    assert_eq!(c.exit_code().await, 0, "{}", c.transcript());
    assert_eq!((summary["connections"].as_u64(), summary["reconnects"].as_u64()), (Some(4), Some(3)), "{summary}");
    assert_eq!(summary["rooms"], json!(["lobby"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_reconnects_after_401_or_403() {
    let st = stack(Limits::default()).await;
    let run = |env: Vec<(String, String)>, args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            common::wsadm(&env, &a)
        })
    };
    let fast = ["--backoff-base", "10ms", "--backoff-cap", "20ms"].map(String::from);
    // An expired token: the authorizer says Unauthorized (401).
    let mut args = vec!["client".to_string(), st.ws_url.clone(), "--token-env".into(), "CHAT_TOKEN".into()];
    args.extend(fast.clone());
    let r = run(env(&st, &token("alice", -3600)), args).await.unwrap();
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 401") && r.stderr.contains("unauthorized"), "{}", r.stderr);
    assert!(r.stderr.contains("not reconnecting"), "{}", r.stderr);
    assert!(!r.stderr.contains("reconnecting in"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // No token at all: the identity source is missing (401), and in the header the query
    // authorizer does not look at.
    let mut args = vec!["client".to_string(), st.ws_url.clone(), "--token-env".into(), "CHAT_TOKEN".into()];
    args.extend(["--token-in".to_string(), "header".into()]);
    let r = run(env(&st, &token("alice", 600)), args).await.unwrap();
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 401"), "{}", r.stderr);
    // A stage that does not exist: 403, and JSON errors with -o json.
    let url = st.ws_url.replace("/prod", "/nope");
    let args = ["client", &url, "--token-env", "CHAT_TOKEN", "-o", "json"].map(String::from).to_vec();
    let r = run(env(&st, &token("alice", 600)), args).await.unwrap();
    assert_eq!(r.code, 4, "{}", r.stderr);
    let e: Value = serde_json::from_str(r.stderr.lines().last().unwrap()).unwrap();
    assert_eq!(e["error"]["kind"], "auth");
    assert!(e["error"]["message"].as_str().unwrap().contains("HTTP 403"), "{e}");
    assert!(e["error"]["hint"].as_str().unwrap().contains("token"), "{e}");
    // Nothing reached the handlers: no session was ever recorded.
    assert_eq!(st.store().count().await.unwrap(), 0);
}

/// A server that never answers pings on its first connection, then answers them: the client
/// must call the first one dead and come back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_without_pongs_is_dead_and_replaced() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/apis/x/prod", listener.local_addr().unwrap());
    let (pings_tx, mut pings_rx) = tokio::sync::mpsc::unbounded_channel::<usize>();
    tokio::spawn(async move {
        for n in 0.. {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
            let tx = pings_tx.clone();
            tokio::spawn(async move {
                while let Some(Ok(m)) = ws.next().await {
                    if let Message::Text(t) = m {
                        let v: Value = serde_json::from_str(&t).unwrap_or_default();
                        if v["action"] == "ping" {
                            let _ = tx.send(n);
                            if n > 0 {
                                let _ = ws.send(Message::text(json!({ "type": "pong", "ts": 1 }).to_string())).await;
                            }
                        }
                    }
                }
            });
        }
    });
    let env = wsadm_testkit::wsadm_env("http://127.0.0.1:1");
    let mut c = Proc::spawn(
        &env,
        &[
            "client",
            &url,
            "--heartbeat",
            "100ms",
            "--pong-timeout",
            "300ms",
            "--backoff-base",
            "10ms",
            "--backoff-cap",
            "50ms",
            "-o",
            "jsonl",
        ],
    );
    c.event("connected").await;
    let closed = c.event("closed").await;
    assert!(closed["detail"].as_str().unwrap().contains("no pong"), "{closed}");
    assert_eq!(closed["code"], 1006);
    c.event("reconnected").await;
    // The second connection gets its pongs: several heartbeats pass and it stays up.
    let mut on_second = 0;
    while on_second < 5 {
        let n = tokio::time::timeout(Duration::from_secs(10), pings_rx.recv()).await.unwrap().unwrap();
        if n == 1 {
            on_second += 1;
        }
        assert!(n <= 1, "a third connection: the second was wrongly declared dead:\n{}", c.transcript());
    }
    c.close_stdin();
    assert_eq!(c.exit_code().await, 0, "{}", c.transcript());
    // Heartbeat pongs are not printed.
    assert!(c.rest_of_stdout().await.is_empty(), "{}", c.transcript());
}

/// A pseudo-terminal for the interactive client: what it prints, and a way to type.
struct Pty {
    master: std::fs::File,
    screen: std::sync::Arc<std::sync::Mutex<String>>,
    child: std::process::Child,
}

impl Pty {
    fn spawn(env: &[(String, String)], args: &[&str]) -> Pty {
        use std::os::fd::{FromRawFd, OwnedFd};
        let (mut master, mut slave) = (0, 0);
        let ws = libc::winsize { ws_row: 40, ws_col: 160, ws_xpixel: 0, ws_ypixel: 0 };
        assert_eq!(unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &ws) }, 0);
        let fd = |f: i32| std::process::Stdio::from(unsafe { OwnedFd::from_raw_fd(libc::dup(f)) });
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wsadm"));
        for k in wsadm_testkit::inherited_vars_to_clear() {
            cmd.env_remove(k);
        }
        let child = cmd
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("TERM", "xterm")
            .args(args)
            .stdin(fd(slave))
            .stdout(fd(slave))
            .stderr(fd(slave))
            .spawn()
            .unwrap();
        unsafe { libc::close(slave) };
        let master = unsafe { std::fs::File::from_raw_fd(master) };
        let screen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (mut r, s) = (master.try_clone().unwrap(), screen.clone());
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 4096];
            while let Ok(n) = r.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Pty { master, screen, child }
    }

    fn screen(&self) -> String {
        self.screen.lock().unwrap().clone()
    }

    fn typed(&mut self, line: &str) {
        use std::io::Write;
        self.master.write_all(format!("{line}\r").as_bytes()).unwrap();
    }

    /// Waits (up to 20 s) until the screen shows `text`.
    async fn shows(&self, text: &str) {
        for _ in 0..2000 {
            if self.screen().contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the screen never showed {text:?}:\n{}", self.screen());
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_on_a_terminal() {
    let st = stack(Limits::default()).await;
    let mut t = Pty::spawn(
        &env(&st, &token("alice", 600)),
        &["client", &st.ws_url, "--token-env", "CHAT_TOKEN", "--room", "lobby"],
    );
    t.shows("joined #lobby (rooms: lobby)").await;
    // Incoming messages show time and sender.
    let mut bob = st.user("bob", "lobby").await;
    send(&mut bob, json!({ "action": "send", "room": "lobby", "text": "hi alice" })).await;
    assert_eq!(recv(&mut bob).await["type"], "sent");
    t.shows("#lobby <bob> hi alice").await;
    // A plain line goes to the current room; slash commands do the rest.
    t.typed("hello bob");
    let m = recv(&mut bob).await;
    assert_eq!((m["from"].as_str(), m["text"].as_str()), (Some("alice"), Some("hello bob")));
    t.typed("/join ops");
    t.shows("joined #ops (rooms: lobby, ops)").await;
    t.typed("/send lobby to the lobby");
    assert_eq!(recv(&mut bob).await["text"], "to the lobby");
    t.typed("/whoami");
    t.shows("you are alice").await;
    t.typed("/nope");
    t.shows("unknown command /nope").await;
    t.typed("/quit");
    for _ in 0..2000 {
        if let Some(s) = t.child.try_wait().unwrap() {
            assert!(s.success(), "{s}:\n{}", t.screen());
            t.shows("wsadm client: quit after").await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("/quit did not end the client:\n{}", t.screen());
}
