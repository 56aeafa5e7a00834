//! `wsadm client`: the API as a user sees it. A chat client with a heartbeat, dead-connection
//! detection and reconnects with jittered exponential backoff that rejoin the rooms.
//!
//! Scripted (stdin is not a terminal): every stdin line is sent — a line starting with `{` as
//! it is, any other line as `{"action":"send","room":R,"text":LINE}` when `--room R` is given —
//! and every frame received is printed to stdout as one JSON line. Status (connected,
//! reconnecting, closed) goes to stderr. Interactive (a terminal): line editing and history,
//! `/join`, `/leave`, `/send`, `/raw`, `/quit`, and messages shown with time and sender.
//! The terminal itself is [`crate::term`]; everything here decides what to send and show.

use super::Ctx;
use crate::args::client::ClientCommand;
use crate::output::{Block, Report};
use crate::term::{self, Console, Input, Stop};
use crate::ws::{self, Backoff, BackoffPolicy, ConnectError, TokenIn, TokenSource, Ws};
use futures::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeSet, VecDeque};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use url::Url;
use wsadm_core::{Error, ErrorKind};

const USER_AGENT: &str = concat!("wsadm-client/", env!("CARGO_PKG_VERSION"));
/// Lines typed while disconnected wait for the next connection, up to this many.
const MAX_QUEUED: usize = 1000;

pub struct ClientArgs {
    pub url: Option<String>,
    pub token: TokenSource,
    pub token_in: TokenIn,
    pub headers: Vec<(String, String)>,
    pub rooms: Vec<String>,
    /// 0 = no heartbeat.
    pub heartbeat: Duration,
    pub pong_timeout: Duration,
    pub backoff: BackoffPolicy,
    pub reconnect: bool,
    pub handshake_timeout: Duration,
    pub linger: Duration,
    pub stay: bool,
    /// Status lines on stderr as JSON (`-o json`/`-o jsonl`).
    pub json_status: bool,
}

/// How the session went, printed when it ends.
#[derive(Debug, Serialize)]
pub struct ClientReport {
    pub url: String,
    pub interactive: bool,
    /// quit, end of input, interrupted, terminated, closed by the server
    pub ended: String,
    /// Connections opened (the first one and every reconnect).
    pub connections: u32,
    pub reconnects: u32,
    pub sent: u64,
    pub received: u64,
    pub rooms: Vec<String>,
    pub last_close: Option<CloseInfo>,
    pub duration_secs: f64,
    #[serde(skip)]
    pub exit: Option<ErrorKind>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CloseInfo {
    pub code: u16,
    pub reason: String,
    pub meaning: String,
    /// server, client, or network (no close frame)
    pub by: String,
}

impl Report for ClientReport {
    fn view(&self) -> Vec<Block> {
        vec![Block::Raw(format!("{}\n", self.summary()))]
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        self.exit
    }
}

impl ClientReport {
    pub fn summary(&self) -> String {
        let mut s = format!(
            "wsadm client: {} after {}: {} sent, {} received, {} connection(s)",
            self.ended,
            ws::human_duration(Duration::from_secs_f64(self.duration_secs)),
            self.sent,
            self.received,
            self.connections
        );
        if let Some(c) = &self.last_close {
            s.push_str(&format!("; last close {} by the {}", ws::describe_close(c.code, &c.reason), c.by));
        }
        s
    }
}

/// What a line of input asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this frame.
    Send(String),
    /// Show this to the user (help, rooms); nothing is sent.
    Show(String),
    Quit,
    Nothing,
}

pub const HELP: &str = "\
  TEXT               send TEXT to the current room (the last one joined)
  /join ROOM         join a room (rejoined after every reconnect)
  /leave [ROOM]      leave a room (default: the current one)
  /send ROOM TEXT    send TEXT to ROOM
  /raw JSON          send a frame as it is, e.g. /raw {\"action\":\"whoami\"}
  /whoami, /ping     the whoami and ping actions
  /rooms             the rooms joined
  /quit              close (1000) and exit; also Ctrl-D or Ctrl-C";

fn send_frame(room: &str, text: &str) -> String {
    json!({ "action": "send", "room": room, "text": text }).to_string()
}

/// A scripted line: JSON is sent as it is; other text goes to `room` when there is one.
pub fn scripted_line(line: &str, room: Option<&str>) -> Result<Action, String> {
    let t = line.trim();
    if t.is_empty() {
        return Ok(Action::Nothing);
    }
    if t.starts_with('{') {
        return Ok(Action::Send(t.to_string()));
    }
    match room {
        Some(r) => Ok(Action::Send(send_frame(r, line))),
        None => Err("a line that is not JSON is sent as text to --room; no --room was given".into()),
    }
}

/// An interactive line: a slash command, or text for the current room.
pub fn interactive_line(line: &str, current: Option<&str>, rooms: &BTreeSet<String>) -> Result<Action, String> {
    let t = line.trim();
    if t.is_empty() {
        return Ok(Action::Nothing);
    }
    let Some(cmd) = t.strip_prefix('/') else {
        return match current {
            Some(r) => Ok(Action::Send(send_frame(r, line))),
            None => Err("no room yet: /join ROOM first (or /raw JSON)".into()),
        };
    };
    let (name, rest) = cmd.split_once(char::is_whitespace).map(|(a, b)| (a, b.trim())).unwrap_or((cmd, ""));
    match name {
        "join" | "j" if !rest.is_empty() => Ok(Action::Send(json!({ "action": "join", "room": rest }).to_string())),
        "leave" | "l" => match (rest, current) {
            ("", None) => Err("leave which room? /leave ROOM".into()),
            ("", Some(r)) | (r, _) => Ok(Action::Send(json!({ "action": "leave", "room": r }).to_string())),
        },
        "send" | "s" => match rest.split_once(char::is_whitespace) {
            Some((room, text)) if !text.trim().is_empty() => Ok(Action::Send(send_frame(room, text.trim()))),
            _ => Err("usage: /send ROOM TEXT".into()),
        },
        "raw" | "r" if !rest.is_empty() => Ok(Action::Send(rest.to_string())),
        "whoami" => Ok(Action::Send(json!({ "action": "whoami" }).to_string())),
        "ping" => Ok(Action::Send(json!({ "action": "ping" }).to_string())),
        "rooms" => Ok(Action::Show(if rooms.is_empty() {
            "no rooms".into()
        } else {
            format!("rooms: {}", rooms.iter().cloned().collect::<Vec<_>>().join(", "))
        })),
        "help" | "h" | "?" => Ok(Action::Show(HELP.into())),
        "quit" | "q" | "exit" => Ok(Action::Quit),
        "join" | "j" => Err("usage: /join ROOM".into()),
        "raw" | "r" => Err("usage: /raw JSON".into()),
        other => Err(format!("unknown command /{other} (/help lists them)")),
    }
}

/// True when a frame we send gets a reply (the chat routes answer every action).
fn expects_reply(frame: &str) -> bool {
    serde_json::from_str::<Value>(frame).ok().is_some_and(|v| v.get("action").is_some())
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// How an incoming frame is shown on a terminal: `[12:03:04] #lobby <alice> hi`.
pub fn display(frame: &Value, raw: &str, now_ms: i64) -> String {
    let ts = frame.get("ts").and_then(Value::as_i64).unwrap_or(now_ms);
    let at = format!("[{}]", term::local_hms(ts));
    let rooms = |v: &Value| -> String {
        v.get("rooms")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    match str_of(frame, "type") {
        "message" => format!("{at} #{} <{}> {}", str_of(frame, "room"), str_of(frame, "from"), str_of(frame, "text")),
        "joined" => format!("{at} joined #{} (rooms: {})", str_of(frame, "room"), rooms(frame)),
        "left" => format!("{at} left #{} (rooms: {})", str_of(frame, "room"), rooms(frame)),
        "sent" => {
            let n = |k: &str| frame.get(k).and_then(Value::as_u64).unwrap_or(0);
            let mut s = format!("{at} sent to #{}: delivered to {}", str_of(frame, "room"), n("delivered"));
            if n("gone") > 0 || n("failed") > 0 {
                s.push_str(&format!(", {} gone, {} failed", n("gone"), n("failed")));
            }
            s
        }
        "pong" => format!("{at} pong"),
        "whoami" => format!(
            "{at} you are {} (connection {}), rooms: {}",
            str_of(frame, "userId"),
            str_of(frame, "connectionId"),
            rooms(frame)
        ),
        "error" => format!("{at} error: {}: {}", str_of(frame, "error"), str_of(frame, "message")),
        "" if frame.get("message").is_some_and(Value::is_string) => {
            format!("{at} server: {}", str_of(frame, "message"))
        }
        _ => format!("{at} {raw}"),
    }
}

/// A frame as one JSON line (a text frame that is not JSON becomes a JSON string).
pub fn jsonl(raw: &str) -> String {
    match serde_json::from_str::<Value>(raw) {
        Ok(v) => v.to_string(),
        Err(_) => Value::String(raw.to_string()).to_string(),
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// How a connection ended.
enum ConnEnd {
    /// We are done (quit, end of input, a signal).
    Done(String),
    /// Lost: closed by the server, dropped, or dead (no pong).
    Lost { close: Option<CloseInfo>, why: String },
}

struct Client<'a> {
    args: &'a ClientArgs,
    url: Url,
    console: &'a Console,
    interactive: bool,
    rooms: BTreeSet<String>,
    current: Option<String>,
    queue: VecDeque<String>,
    input_done: bool,
    connections: u32,
    sent: u64,
    received: u64,
    /// Replies still expected (for the linger after end of input).
    pending_replies: usize,
    /// Pings in flight, oldest first: true for heartbeats (their pongs are not shown).
    pings: VecDeque<bool>,
    last_close: Option<CloseInfo>,
}

impl<'a> Client<'a> {
    fn status(&self, text: &str, event: Value) {
        if self.args.json_status && !self.interactive {
            self.console.err(&event.to_string());
        } else {
            self.console.err(&format!("wsadm client: {text}"));
        }
    }

    fn problem(&self, text: &str) {
        self.status(text, json!({ "event": "error", "message": text }));
    }

    fn parse(&self, line: &str) -> Result<Action, String> {
        if self.interactive {
            interactive_line(line, self.current.as_deref(), &self.rooms)
        } else {
            scripted_line(line, self.args.rooms.first().map(String::as_str))
        }
    }

    async fn send(&mut self, ws: &mut Ws, frame: String) -> Result<(), String> {
        let reply = expects_reply(&frame);
        if serde_json::from_str::<Value>(&frame).ok().is_some_and(|v| str_of(&v, "action") == "ping") {
            self.pings.push_back(false);
        }
        ws.send(Message::text(frame)).await.map_err(|e| e.to_string())?;
        self.sent += 1;
        if reply {
            self.pending_replies += 1;
        }
        Ok(())
    }

    fn on_frame(&mut self, raw: &str) {
        let v: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
        let ty = str_of(&v, "type").to_string();
        if ty == "pong" {
            // The oldest ping in flight is answered; a heartbeat's pong is not shown.
            if self.pings.pop_front() == Some(true) {
                return;
            }
        }
        self.received += 1;
        if ty != "message" {
            self.pending_replies = self.pending_replies.saturating_sub(1);
        }
        match ty.as_str() {
            "joined" | "left" => {
                if let Some(list) = v.get("rooms").and_then(Value::as_array) {
                    self.rooms = list.iter().filter_map(Value::as_str).map(str::to_string).collect();
                }
                let room = str_of(&v, "room").to_string();
                if ty == "joined" {
                    self.current = Some(room);
                } else if self.current.as_deref() == Some(room.as_str()) {
                    self.current = self.rooms.iter().next().cloned();
                }
            }
            _ => {}
        }
        if self.interactive {
            self.console.out(&display(&v, raw, now_ms()));
        } else {
            self.console.out(&jsonl(raw));
        }
    }

    /// One open connection, until it ends.
    async fn run_connection(
        &mut self,
        ws: &mut Ws,
        input: &mut mpsc::Receiver<Input>,
        stop: &mut mpsc::Receiver<Stop>,
    ) -> ConnEnd {
        self.pings.clear();
        self.pending_replies = 0;
        // Rejoin (or join, the first time) every room, then what was typed while away.
        let mut first: Vec<String> =
            self.rooms.iter().map(|r| json!({ "action": "join", "room": r }).to_string()).collect();
        first.extend(self.queue.drain(..));
        for frame in first {
            if let Err(e) = self.send(ws, frame).await {
                return ConnEnd::Lost { close: None, why: format!("send failed: {e}") };
            }
        }
        let hb = self.args.heartbeat;
        let mut heartbeat = (!hb.is_zero()).then(|| tokio::time::interval_at(tokio::time::Instant::now() + hb, hb));
        let mut pong_deadline: Option<tokio::time::Instant> = None;
        let mut linger: Option<tokio::time::Instant> =
            (self.input_done && !self.args.stay).then(|| tokio::time::Instant::now() + self.args.linger);
        loop {
            if linger.is_some() && self.pending_replies == 0 {
                close(ws, CloseCode::Normal).await;
                return ConnEnd::Done("end of input".into());
            }
            tokio::select! {
                m = ws.next() => match m {
                    Some(Ok(Message::Text(t))) => {
                        self.on_frame(&t);
                        if self.pings.is_empty() {
                            pong_deadline = None;
                        }
                    }
                    Some(Ok(Message::Binary(b))) => {
                        self.received += 1;
                        self.console.out(&json!({ "binary_bytes": b.len() }).to_string());
                    }
                    Some(Ok(Message::Close(f))) => {
                        let (code, reason) = f.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                        let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
                        let info = CloseInfo { code, reason: reason.clone(), meaning: ws::close_meaning(code).into(), by: "server".into() };
                        return ConnEnd::Lost { close: Some(info), why: format!("closed by the server: {}", ws::describe_close(code, &reason)) };
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return ConnEnd::Lost { close: Some(abnormal()), why: format!("connection lost: {e}") },
                    None => return ConnEnd::Lost { close: Some(abnormal()), why: "connection lost".into() },
                },
                i = input.recv(), if !self.input_done => match i {
                    Some(Input::Line(line)) => match self.parse(&line) {
                        Ok(Action::Send(frame)) => {
                            if let Err(e) = self.send(ws, frame).await {
                                return ConnEnd::Lost { close: Some(abnormal()), why: format!("send failed: {e}") };
                            }
                        }
                        Ok(Action::Show(text)) => self.console.out(&text),
                        Ok(Action::Nothing) => {}
                        Ok(Action::Quit) => {
                            close(ws, CloseCode::Normal).await;
                            return ConnEnd::Done("quit".into());
                        }
                        Err(e) => self.problem(&e),
                    },
                    Some(Input::Interrupt) => {
                        close(ws, CloseCode::Normal).await;
                        return ConnEnd::Done("quit".into());
                    }
                    Some(Input::Eof) | None => {
                        self.input_done = true;
                        if self.interactive {
                            close(ws, CloseCode::Normal).await;
                            return ConnEnd::Done("quit".into());
                        }
                        if !self.args.stay {
                            linger = Some(tokio::time::Instant::now() + self.args.linger);
                        }
                    }
                },
                _ = async { heartbeat.as_mut().expect("guarded").tick().await }, if heartbeat.is_some() => {
                    let ping = json!({ "action": "ping" }).to_string();
                    if let Err(e) = ws.send(Message::text(ping)).await {
                        return ConnEnd::Lost { close: Some(abnormal()), why: format!("heartbeat failed: {e}") };
                    }
                    self.pings.push_back(true);
                    pong_deadline.get_or_insert(tokio::time::Instant::now() + self.args.pong_timeout);
                }
                _ = sleep_until(pong_deadline), if pong_deadline.is_some() => {
                    // No close handshake with a dead peer: drop it.
                    let why = format!("no pong within {}: the connection is dead", ws::human_duration(self.args.pong_timeout));
                    return ConnEnd::Lost { close: Some(abnormal()), why };
                }
                _ = sleep_until(linger), if linger.is_some() => {
                    close(ws, CloseCode::Normal).await;
                    return ConnEnd::Done("end of input".into());
                }
                s = stop.recv() => {
                    close(ws, CloseCode::Away).await;
                    return ConnEnd::Done(stop_word(s).into());
                }
            }
        }
    }

    /// Waits out a reconnect delay, still reading input (lines are queued for the next connection).
    async fn wait(
        &mut self,
        delay: Duration,
        input: &mut mpsc::Receiver<Input>,
        stop: &mut mpsc::Receiver<Stop>,
    ) -> Option<String> {
        let until = tokio::time::Instant::now() + delay;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(until) => return None,
                s = stop.recv() => return Some(stop_word(s).into()),
                i = input.recv(), if !self.input_done => match i {
                    Some(Input::Line(line)) => match self.parse(&line) {
                        Ok(Action::Send(frame)) if self.queue.len() < MAX_QUEUED => self.queue.push_back(frame),
                        Ok(Action::Send(_)) => self.problem("not connected and too many lines queued: line dropped"),
                        Ok(Action::Show(text)) => self.console.out(&text),
                        Ok(Action::Nothing) => {}
                        Ok(Action::Quit) => return Some("quit".into()),
                        Err(e) => self.problem(&e),
                    },
                    Some(Input::Interrupt) => return Some("quit".into()),
                    Some(Input::Eof) | None => {
                        self.input_done = true;
                        if self.interactive || (self.queue.is_empty() && !self.args.stay) {
                            return Some(if self.interactive { "quit" } else { "end of input" }.into());
                        }
                    }
                },
            }
        }
    }
}

fn abnormal() -> CloseInfo {
    CloseInfo { code: 1006, reason: String::new(), meaning: ws::close_meaning(1006).into(), by: "network".into() }
}

fn stop_word(s: Option<Stop>) -> &'static str {
    match s {
        Some(Stop::Terminate) => "terminated",
        _ => "interrupted",
    }
}

async fn sleep_until(t: Option<tokio::time::Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

/// Our side of the close handshake, waiting briefly for the server's close frame.
async fn close(ws: &mut Ws, code: CloseCode) {
    let frame = CloseFrame { code, reason: "".into() };
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        if ws.close(Some(frame)).await.is_ok() {
            while let Some(Ok(_)) = ws.next().await {}
        }
    })
    .await;
}

/// The WebSocket URL: the argument, else the target's API endpoint + `/` + stage (or the custom domain).
pub async fn client_url(ctx: &Ctx, url: Option<&str>) -> Result<Url, Error> {
    let url = match url {
        Some(u) => ws::parse_url(u)?,
        None => {
            let g = &ctx.global;
            if g.api.is_none() {
                return Err(Error::invalid(
                    "no URL and no --api",
                    "give the URL (wss://ID.execute-api.REGION.amazonaws.com/STAGE) or --api NAME [--stage S]",
                ));
            }
            let aws = ctx.aws().await?;
            let args = wsadm_core::TargetArgs {
                api: g.api.clone(),
                stage: g.stage.clone(),
                domain: g.domain.clone(),
                table: g.table.clone(),
            };
            let t = wsadm_core::target::resolve(aws, &args).await?;
            // The management endpoint is the API endpoint + stage (or the custom domain), in http(s).
            ws::parse_url(t.management_endpoint.as_str().trim_end_matches('/'))?
        }
    };
    if wsadm_core::guard::loopback_only() {
        wsadm_core::guard::check(url.as_str())?;
    }
    Ok(url)
}

impl ClientArgs {
    pub fn from_cli(c: ClientCommand, json_status: bool) -> Result<Self, Error> {
        if c.backoff_base.is_zero() || c.backoff_cap < c.backoff_base {
            return Err(Error::invalid(
                "--backoff-base must be positive and at most --backoff-cap",
                "e.g. --backoff-base 500ms --backoff-cap 30s",
            ));
        }
        if c.pong_timeout.is_zero() || c.handshake_timeout.is_zero() {
            return Err(Error::invalid(
                "--pong-timeout and --handshake-timeout must be positive",
                "e.g. --pong-timeout 30s",
            ));
        }
        for r in &c.rooms {
            wsadm_core::store::validate_room(r)?;
        }
        Ok(ClientArgs {
            url: c.url,
            token: TokenSource::from_args(c.auth.token, c.auth.token_env, c.auth.token_file)?,
            token_in: c.auth.token_in,
            headers: c.auth.headers,
            rooms: c.rooms,
            heartbeat: c.heartbeat,
            pong_timeout: c.pong_timeout,
            backoff: BackoffPolicy {
                base: c.backoff_base,
                cap: c.backoff_cap,
                max_attempts: c.max_attempts,
                stable_after: c.stable_after,
            },
            reconnect: !c.no_reconnect,
            handshake_timeout: c.handshake_timeout,
            linger: c.linger,
            stay: c.stay,
            json_status,
        })
    }
}

pub async fn run(ctx: &Ctx, cmd: ClientCommand) -> Result<ClientReport, Error> {
    let json_status = ctx.global.output != crate::output::OutputFormat::Table;
    let args = ClientArgs::from_cli(cmd, json_status)?;
    let url = client_url(ctx, args.url.as_deref()).await?;
    // The first token is read now, so a missing one is an error before anything else.
    args.token.read()?;
    let interactive = term::interactive();
    let (console, mut input) = if interactive {
        Console::interactive("> ".into())
            .map_err(|source| Error::Io { context: "cannot set up the terminal".into(), source })?
    } else {
        Console::scripted()
    };
    if interactive {
        console.out(&format!("wsadm client: {} (/help for commands)", ws::redact(&url)));
    }
    let mut stop = term::stop_signals();
    let started = Instant::now();
    let mut c = Client {
        args: &args,
        url,
        console: &console,
        interactive,
        rooms: args.rooms.iter().cloned().collect(),
        current: args.rooms.first().cloned(),
        queue: VecDeque::new(),
        input_done: false,
        connections: 0,
        sent: 0,
        received: 0,
        pending_replies: 0,
        pings: VecDeque::new(),
        last_close: None,
    };
    let result = session(&mut c, &mut input, &mut stop).await;
    let report = result.map(|(ended, exit)| ClientReport {
        url: ws::redact(&c.url),
        interactive,
        ended,
        connections: c.connections,
        reconnects: c.connections.saturating_sub(1),
        sent: c.sent,
        received: c.received,
        rooms: c.rooms.iter().cloned().collect(),
        last_close: c.last_close.clone(),
        duration_secs: started.elapsed().as_secs_f64(),
        exit,
    });
    if let Ok(r) = &report {
        if !interactive {
            // Scripted: stdout carries only frames; the summary is a status line.
            let mut ev = serde_json::to_value(r).unwrap_or_default();
            ev["event"] = json!("summary");
            c.status(r.summary().trim_start_matches("wsadm client: "), ev);
        }
    }
    console.finish();
    report
}

/// Connects, runs, reconnects; returns how it ended and the exit kind.
async fn session(
    c: &mut Client<'_>,
    input: &mut mpsc::Receiver<Input>,
    stop: &mut mpsc::Receiver<Stop>,
) -> Result<(String, Option<ErrorKind>), Error> {
    let mut backoff = Backoff::new(c.args.backoff.clone());
    let shown = ws::redact(&c.url);
    loop {
        let token = c.args.token.read()?;
        let req = ws::build_request(&c.url, token.as_deref(), c.args.token_in, &[], &c.args.headers, USER_AGENT)?;
        let attempt = async {
            let addr = ws::resolve(&c.url).await.map_err(|e| ConnectError::Io(std::io::Error::other(e.to_string())))?;
            ws::connect(req, addr, None, c.args.handshake_timeout).await
        };
        let conn = tokio::select! {
            r = attempt => r,
            s = stop.recv() => return Ok((stop_word(s).into(), stop_exit(s))),
        };
        let why = match conn {
            Ok(mut socket) => {
                backoff.connected(Instant::now());
                c.connections += 1;
                let what = if c.connections == 1 { "connected to" } else { "reconnected to" };
                c.status(
                    &format!("{what} {shown}"),
                    json!({ "event": if c.connections == 1 { "connected" } else { "reconnected" }, "url": shown, "connections": c.connections, "rooms": c.rooms }),
                );
                match c.run_connection(&mut socket, input, stop).await {
                    ConnEnd::Done(how) => {
                        // A signal closes with 1001 (going away), the rest with 1000.
                        let code = if how == "quit" || how == "end of input" { 1000 } else { 1001 };
                        c.last_close = Some(CloseInfo {
                            code,
                            reason: String::new(),
                            meaning: ws::close_meaning(code).into(),
                            by: "client".into(),
                        });
                        let exit = stop_exit_word(&how);
                        return Ok((how, exit));
                    }
                    ConnEnd::Lost { close, why } => {
                        let code = close.as_ref().map(|i| i.code).unwrap_or(1006);
                        c.last_close = close;
                        c.status(&why, json!({ "event": "closed", "code": code, "meaning": ws::close_meaning(code), "detail": why }));
                        if !c.args.reconnect || !ws::reconnect_after_close(code) {
                            let exit = (code != 1000).then_some(ErrorKind::Failure);
                            if c.args.reconnect {
                                c.problem(&format!("not reconnecting after close code {code}"));
                            }
                            return Ok(("closed by the server".into(), exit));
                        }
                        why
                    }
                }
            }
            Err(e) => {
                // The first connection is retried only when the server asked for patience
                // (429, 5xx); a wrong URL or a refused port fails at once.
                let first = c.connections == 0;
                let retry = c.args.reconnect
                    && e.retryable()
                    && (!first || matches!(e, ConnectError::Http { .. } | ConnectError::Timeout));
                if !retry {
                    return Err(e.into_error(&c.url));
                }
                let why = e.describe();
                c.status(&why, json!({ "event": "connect_failed", "detail": why, "error": e.label() }));
                why
            }
        };
        match backoff.failed(Instant::now(), rand::random::<f64>()) {
            None => {
                return Err(Error::other(
                    ErrorKind::Failure,
                    format!("{shown}: gave up after {} reconnect attempts: {why}", backoff.policy.max_attempts),
                    "raise --max-attempts (0 = forever) or check the endpoint",
                ))
            }
            Some(delay) => {
                let n = backoff.attempts();
                let of = match backoff.policy.max_attempts {
                    0 => String::new(),
                    m => format!("/{m}"),
                };
                c.status(
                    &format!("reconnecting in {} (attempt {n}{of})", ws::human_duration(delay)),
                    json!({ "event": "reconnecting", "delay_ms": delay.as_millis() as u64, "attempt": n, "max_attempts": backoff.policy.max_attempts }),
                );
                if let Some(how) = c.wait(delay, input, stop).await {
                    return Ok((how.clone(), stop_exit_word(&how)));
                }
            }
        }
    }
}

fn stop_exit(s: Option<Stop>) -> Option<ErrorKind> {
    stop_exit_word(stop_word(s))
}

/// Ctrl-C ends with 130 (interrupted); SIGTERM, /quit and the end of input with 0.
fn stop_exit_word(how: &str) -> Option<ErrorKind> {
    (how == "interrupted").then_some(ErrorKind::Interrupted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_lines() {
        assert_eq!(scripted_line("", Some("r")), Ok(Action::Nothing));
        assert_eq!(scripted_line(r#"{"action":"whoami"}"#, None), Ok(Action::Send(r#"{"action":"whoami"}"#.into())));
        // Raw JSON is sent as it is, even when it is not valid: the server answers.
        assert_eq!(scripted_line("{oops", None), Ok(Action::Send("{oops".into())));
        let Ok(Action::Send(f)) = scripted_line("hello \"world\"", Some("lobby")) else { panic!() };
        let v: Value = serde_json::from_str(&f).unwrap();
        assert_eq!(v, json!({ "action": "send", "room": "lobby", "text": "hello \"world\"" }));
        assert!(scripted_line("hello", None).is_err());
    }

    #[test]
    fn interactive_commands() {
        let rooms: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let frame = |l: &str, cur: Option<&str>| match interactive_line(l, cur, &rooms) {
            Ok(Action::Send(f)) => serde_json::from_str::<Value>(&f).unwrap(),
            other => panic!("{l}: {other:?}"),
        };
        assert_eq!(frame("/join lobby", None), json!({ "action": "join", "room": "lobby" }));
        assert_eq!(frame("/leave", Some("a")), json!({ "action": "leave", "room": "a" }));
        assert_eq!(frame("/leave b", Some("a")), json!({ "action": "leave", "room": "b" }));
        assert_eq!(
            frame("/send ops  deploy at 5", None),
            json!({ "action": "send", "room": "ops", "text": "deploy at 5" })
        );
        assert_eq!(frame("hi all", Some("a")), json!({ "action": "send", "room": "a", "text": "hi all" }));
        assert_eq!(frame(r#"/raw {"action":"whoami"}"#, None), json!({ "action": "whoami" }));
        assert_eq!(frame("/ping", None), json!({ "action": "ping" }));
        assert_eq!(interactive_line("/quit", None, &rooms), Ok(Action::Quit));
        assert_eq!(interactive_line("/rooms", None, &rooms), Ok(Action::Show("rooms: a, b".into())));
        assert_eq!(interactive_line("   ", None, &rooms), Ok(Action::Nothing));
        for bad in ["hi", "/join", "/leave", "/send lobby", "/raw", "/frobnicate"] {
            assert!(interactive_line(bad, None, &rooms).is_err(), "{bad}");
        }
    }

    #[test]
    fn frames_for_people_and_scripts() {
        let ts = 1_700_000_000_000i64;
        let hms = term::local_hms(ts);
        let m = json!({ "type": "message", "room": "lobby", "from": "alice", "text": "hi", "ts": ts });
        assert_eq!(display(&m, "", 0), format!("[{hms}] #lobby <alice> hi"));
        let j = json!({ "type": "joined", "room": "ops", "rooms": ["lobby", "ops"] });
        assert_eq!(display(&j, "", ts), format!("[{hms}] joined #ops (rooms: lobby, ops)"));
        let s = json!({ "type": "sent", "room": "ops", "delivered": 3, "gone": 1, "failed": 0 });
        assert_eq!(display(&s, "", ts), format!("[{hms}] sent to #ops: delivered to 3, 1 gone, 0 failed"));
        let e = json!({ "type": "error", "error": "not_in_room", "message": "join `x` first" });
        assert_eq!(display(&e, "", ts), format!("[{hms}] error: not_in_room: join `x` first"));
        let aws = json!({ "message": "Forbidden", "connectionId": "x", "requestId": "y" });
        assert_eq!(display(&aws, "", ts), format!("[{hms}] server: Forbidden"));
        assert_eq!(display(&Value::Null, "plain text", ts), format!("[{hms}] plain text"));
        assert_eq!(jsonl("{ \"a\" : 1 }"), r#"{"a":1}"#);
        assert_eq!(jsonl("not json"), r#""not json""#);
    }

    #[test]
    fn replies_are_expected_for_actions_only() {
        assert!(expects_reply(r#"{"action":"ping"}"#));
        assert!(!expects_reply(r#"{"text":"x"}"#));
        assert!(!expects_reply("{oops"));
    }
}
