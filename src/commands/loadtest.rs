//! `wsadm loadtest`: opens N connections at a set rate, holds them, sends chat messages to
//! rooms, receives the fan-out, and reports connect latency, message round trip, errors by
//! close code and HTTP status, and the success ratio. Its counting mode (`--expect N`, with
//! `--hold`) is what the broadcast and emulator benchmarks use to prove that every one of
//! thousands of clients received exactly what was sent.
//!
//! Messages are `{"action":"send","room":R,"text":"wsadm-lt:SEQ:MICROS:xxx…"}`: MICROS is the
//! send time since the start of the run, so every copy a room member receives gives a round
//! trip (send -> delivery) without any bookkeeping; the sender's `sent` reply gives the ack time.

use super::Ctx;
use crate::output::{Block, Report};
use crate::term::{self, Stop};
use crate::ws::{self, Backoff, BackoffPolicy, TokenIn, TokenSource, Ws};
use futures::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use url::Url;
use wsadm_core::{Error, ErrorKind};

const USER_AGENT: &str = concat!("wsadm-loadtest/", env!("CARGO_PKG_VERSION"));
/// File descriptors kept for everything but the connections (stdio, epoll, the resolver …).
const RESERVED_FDS: u64 = 32;
const PAYLOAD_PREFIX: &str = "wsadm-lt:";
/// How many mismatched connections the table shows (JSON has them all).
const SHOWN_MISMATCHES: usize = 20;

/// How connections join their room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JoinVia {
    /// The `join` action after connecting (waits for `joined`)
    Action,
    /// `?room=` on the upgrade request (the chat handler joins on $connect: one write fewer)
    Query,
}

pub struct LoadtestArgs {
    pub url: Option<String>,
    pub token: Option<String>,
    pub token_env: Option<String>,
    pub token_file: Option<PathBuf>,
    pub token_in: TokenIn,
    pub headers: Vec<(String, String)>,
    pub connections: usize,
    pub connect_rate: f64,
    pub duration: Duration,
    pub hold: bool,
    pub message_rate: f64,
    pub payload_bytes: usize,
    pub rooms: Option<usize>,
    pub room_names: Vec<String>,
    pub join_via: JoinVia,
    pub expect: Option<u64>,
    pub count_type: Option<String>,
    pub until_expected: bool,
    pub settle: Duration,
    pub connect_retries: u32,
    pub source_addrs: u8,
    pub handshake_timeout: Duration,
    pub heartbeat: Duration,
    pub drain: Duration,
}

// ---------------------------------------------------------------------------------------------
// Pure parts: histogram, payloads, frame classification, room names, the open-files budget.

/// A latency histogram in microseconds: exact below 128 µs, then 64 buckets per power of two
/// (values are off by under 1.6 %); fixed memory (30 KB) whatever the count.
#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    count: u64,
    sum: u128,
    min: u64,
    max: u64,
}

const SUB_BITS: u32 = 6;
const SUB: usize = 1 << SUB_BITS;
const BUCKETS: usize = 2 * SUB + (64 - 7) * SUB;

fn bucket(v: u64) -> usize {
    if v < 2 * SUB as u64 {
        return v as usize;
    }
    let p = 63 - v.leading_zeros(); // >= 7
    let mantissa = (v >> (p - SUB_BITS)) as usize; // in [64, 128)
    2 * SUB + (p as usize - 7) * SUB + (mantissa - SUB)
}

/// The largest value in a bucket.
fn bucket_top(i: usize) -> u64 {
    if i < 2 * SUB {
        return i as u64;
    }
    let k = i - 2 * SUB;
    let p = 7 + (k / SUB) as u32;
    let mantissa = (SUB + k % SUB) as u128;
    let top = ((mantissa + 1) << (p - SUB_BITS)) - 1;
    top.min(u64::MAX as u128) as u64
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: vec![0; BUCKETS], count: 0, sum: 0, min: u64::MAX, max: 0 }
    }
}

impl Histogram {
    pub fn record(&mut self, d: Duration) {
        self.record_us(d.as_micros().min(u64::MAX as u128) as u64);
    }

    pub fn record_us(&mut self, us: u64) {
        self.counts[bucket(us)] += 1;
        self.count += 1;
        self.sum += us as u128;
        self.min = self.min.min(us);
        self.max = self.max.max(us);
    }

    /// The value at quantile `q` (0..=1), in microseconds: the smallest value with at least
    /// `ceil(q * count)` values at or below it (to the bucket's precision, never above the max).
    pub fn quantile_us(&self, q: f64) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(bucket_top(i).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    pub fn summary(&self) -> Option<Latency> {
        if self.count == 0 {
            return None;
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Some(Latency {
            count: self.count,
            min_ms: ms(self.min),
            p50_ms: ms(self.quantile_us(0.50)?),
            p95_ms: ms(self.quantile_us(0.95)?),
            p99_ms: ms(self.quantile_us(0.99)?),
            max_ms: ms(self.max),
            mean_ms: ms((self.sum / self.count as u128) as u64),
        })
    }
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Latency {
    pub count: u64,
    pub min_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    fn line(&self) -> String {
        let f = |ms: f64| ws::human_duration(Duration::from_secs_f64(ms / 1000.0));
        format!(
            "p50 {}  p95 {}  p99 {}  max {}  ({} samples)",
            f(self.p50_ms),
            f(self.p95_ms),
            f(self.p99_ms),
            f(self.max_ms),
            self.count
        )
    }
}

/// A message text of at least `bytes` bytes carrying its sequence number and send time.
pub fn payload(seq: u64, sent_us: u64, bytes: usize) -> String {
    let mut s = format!("{PAYLOAD_PREFIX}{seq}:{sent_us}:");
    if s.len() < bytes {
        s.extend(std::iter::repeat_n('x', bytes - s.len()));
    }
    s
}

/// (sequence, send time) from a loadtest message text.
pub fn parse_payload(text: &str) -> Option<(u64, u64)> {
    let mut it = text.strip_prefix(PAYLOAD_PREFIX)?.splitn(3, ':');
    let seq = it.next()?.parse().ok()?;
    let us = it.next()?.parse().ok()?;
    it.next()?;
    Some((seq, us))
}

/// What a received frame is, for the counters.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `joined`: the join action's reply.
    Joined,
    /// `sent`: the send action's reply.
    Ack { delivered: u64 },
    /// `pong`, `left`, `whoami`: other replies.
    Reply,
    /// An error reply: the chat's `{"type":"error"}` or API Gateway's `{"message":…}` frame.
    Error(String),
    /// A chat message; `sent_us` when it is one of ours.
    Message { sent_us: Option<u64> },
    /// Anything else the server pushed (a broadcast).
    Push,
}

pub fn classify(text: &str) -> (Frame, Option<String>) {
    let Ok(v) = serde_json::from_str::<Value>(text) else { return (Frame::Push, None) };
    let ty = v.get("type").and_then(Value::as_str).map(str::to_string);
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let frame = match ty.as_deref() {
        Some("joined") => Frame::Joined,
        Some("sent") => Frame::Ack { delivered: v.get("delivered").and_then(Value::as_u64).unwrap_or(0) },
        Some("pong" | "left" | "whoami") => Frame::Reply,
        Some("error") => Frame::Error(format!("error: {}", s("error"))),
        Some("message") => Frame::Message { sent_us: parse_payload(&s("text")).map(|(_, us)| us) },
        None if v.get("message").is_some_and(Value::is_string) && v.get("requestId").is_some() => {
            Frame::Error(s("message"))
        }
        _ => Frame::Push,
    };
    (frame, ty)
}

/// Whether a frame counts for `--expect`: of `count_type` when given, else anything that is
/// not a reply to the connection's own actions.
pub fn counts(frame: &Frame, ty: Option<&str>, count_type: Option<&str>) -> bool {
    match count_type {
        Some(t) => ty == Some(t),
        None => matches!(frame, Frame::Message { .. } | Frame::Push),
    }
}

/// The rooms: the names given, else `loadtest-0` … `loadtest-{K-1}`.
pub fn room_names(rooms: Option<usize>, names: &[String]) -> Vec<String> {
    if !names.is_empty() {
        return names.to_vec();
    }
    (0..rooms.unwrap_or(0)).map(|i| format!("loadtest-{i}")).collect()
}

/// Raises the soft open-files limit to the hard one; returns (soft, hard).
pub fn raise_nofile() -> (u64, u64) {
    #[cfg(unix)]
    unsafe {
        let mut r = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 {
            if r.rlim_cur < r.rlim_max {
                let want = libc::rlimit { rlim_cur: r.rlim_max, rlim_max: r.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                    r.rlim_cur = r.rlim_max;
                }
            }
            #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
            return (r.rlim_cur as u64, r.rlim_max as u64);
        }
    }
    (u64::MAX, u64::MAX)
}

/// Refuses more connections than the process may open files for.
pub fn check_fd_budget(connections: usize, soft: u64, hard: u64) -> Result<(), Error> {
    let budget = soft.saturating_sub(RESERVED_FDS);
    if connections as u64 > budget {
        return Err(Error::invalid(
            format!(
                "cannot hold {connections} connections: this process may have at most {soft} open files (RLIMIT_NOFILE, hard limit {hard}), {RESERVED_FDS} of them kept for other uses"
            ),
            format!(
                "use --connections {budget} or fewer, raise the hard limit (ulimit -Hn, limits.conf, systemd LimitNOFILE), or run several loadtest processes"
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The run.

const PENDING: u8 = 0;
const READY: u8 = 1;
const FAILED: u8 = 2;
const DROPPED: u8 = 3;
const DONE: u8 = 4;

struct Plan {
    url: Url,
    addr: SocketAddr,
    tokens: Vec<String>,
    token_in: TokenIn,
    headers: Vec<(String, String)>,
    rooms: Vec<String>,
    join_via: JoinVia,
    handshake_timeout: Duration,
    heartbeat: Duration,
    connect_retries: u32,
    source_addrs: u8,
    count_type: Option<String>,
    expect: Option<u64>,
    start: Instant,
}

impl Plan {
    fn room(&self, i: usize) -> Option<&str> {
        (!self.rooms.is_empty()).then(|| self.rooms[i % self.rooms.len()].as_str())
    }
    fn token(&self, i: usize) -> Option<&str> {
        (!self.tokens.is_empty()).then(|| self.tokens[i % self.tokens.len()].as_str())
    }
    fn micros(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }
}

#[derive(Default)]
struct ErrorCounts {
    connect_failures: BTreeMap<String, u64>,
    connect_retries: BTreeMap<String, u64>,
    closes: BTreeMap<String, u64>,
    frames: BTreeMap<String, u64>,
}

struct Stats {
    settled: AtomicU64,
    opened: AtomicU64,
    ready: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    sent: AtomicU64,
    /// Messages handed to connection tasks (a handed one may not be `sent` yet).
    issued: AtomicU64,
    acked: AtomicU64,
    rejected: AtomicU64,
    claimed: AtomicU64,
    delivered: AtomicU64,
    frames: AtomicU64,
    reached: AtomicU64,
    connect: Mutex<Histogram>,
    join: Mutex<Histogram>,
    ack: Mutex<Histogram>,
    rtt: Mutex<Histogram>,
    errors: Mutex<ErrorCounts>,
    received: Vec<AtomicU64>,
    state: Vec<AtomicU8>,
    notes: Mutex<BTreeMap<usize, String>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Stats {
    fn new(n: usize) -> Self {
        Stats {
            settled: AtomicU64::new(0),
            opened: AtomicU64::new(0),
            ready: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            issued: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            claimed: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            frames: AtomicU64::new(0),
            reached: AtomicU64::new(0),
            connect: Mutex::default(),
            join: Mutex::default(),
            ack: Mutex::default(),
            rtt: Mutex::default(),
            errors: Mutex::default(),
            received: (0..n).map(|_| AtomicU64::new(0)).collect(),
            state: (0..n).map(|_| AtomicU8::new(PENDING)).collect(),
            notes: Mutex::default(),
        }
    }

    fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
        *map.entry(key.to_string()).or_default() += 1;
    }

    fn ready(&self, i: usize) {
        self.state[i].store(READY, Ordering::Release);
        self.ready.fetch_add(1, Ordering::AcqRel);
        self.settled.fetch_add(1, Ordering::AcqRel);
    }

    /// Failed before it was ready.
    fn fail(&self, i: usize, why: &str) {
        self.state[i].store(FAILED, Ordering::Release);
        self.failed.fetch_add(1, Ordering::AcqRel);
        self.settled.fetch_add(1, Ordering::AcqRel);
        lock(&self.notes).insert(i, why.to_string());
    }

    /// Lost after it was ready.
    fn drop_conn(&self, i: usize, code: u16, why: String) {
        self.state[i].store(DROPPED, Ordering::Release);
        self.ready.fetch_sub(1, Ordering::AcqRel);
        self.dropped.fetch_add(1, Ordering::AcqRel);
        Stats::bump(&mut lock(&self.errors).closes, &format!("{code} {}", ws::close_meaning(code)));
        lock(&self.notes).insert(i, why);
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

async fn recv_cmd(cmds: &mut Option<mpsc::Receiver<String>>) -> Option<String> {
    match cmds {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn deadline(t: Option<tokio::time::Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

/// Opens connection `i` (retrying 429/5xx/timeouts), joins its room, then receives, sends what
/// it is told to, and closes with 1000 when stopped.
async fn connection(
    i: usize,
    plan: Arc<Plan>,
    st: Arc<Stats>,
    mut cmds: Option<mpsc::Receiver<String>>,
    mut stop: watch::Receiver<bool>,
) {
    let room = plan.room(i);
    let source = ws::source_ip(plan.addr.ip(), i, plan.source_addrs);
    let mut backoff = Backoff::new(BackoffPolicy {
        base: Duration::from_millis(250),
        cap: Duration::from_secs(5),
        max_attempts: plan.connect_retries,
        stable_after: Duration::MAX,
    });
    let mut ws: Ws = loop {
        let query: Vec<(&str, &str)> = match (plan.join_via, room) {
            (JoinVia::Query, Some(r)) => vec![("room", r)],
            _ => vec![],
        };
        let req = match ws::build_request(&plan.url, plan.token(i), plan.token_in, &query, &plan.headers, USER_AGENT) {
            Ok(r) => r,
            Err(e) => return st.fail(i, &e.to_string()),
        };
        let t = Instant::now();
        let r = tokio::select! {
            r = ws::connect(req, plan.addr, source, plan.handshake_timeout) => r,
            _ = stopped(&mut stop) => return st.fail(i, "stopped before it connected"),
        };
        match r {
            Ok(ws) => {
                lock(&st.connect).record(t.elapsed());
                break ws;
            }
            Err(e) => {
                let label = e.label();
                if e.retryable() {
                    if let Some(d) = backoff.failed(Instant::now(), rand::random::<f64>()) {
                        Stats::bump(&mut lock(&st.errors).connect_retries, &label);
                        tokio::select! {
                            _ = tokio::time::sleep(d) => continue,
                            _ = stopped(&mut stop) => return st.fail(i, "stopped before it connected"),
                        }
                    }
                }
                Stats::bump(&mut lock(&st.errors).connect_failures, &label);
                return st.fail(i, &e.describe());
            }
        }
    };
    st.opened.fetch_add(1, Ordering::AcqRel);
    let mut joining: Option<(Instant, tokio::time::Instant)> = None;
    match (plan.join_via, room) {
        (JoinVia::Action, Some(r)) => {
            let join = serde_json::json!({ "action": "join", "room": r }).to_string();
            if let Err(e) = ws.send(Message::text(join)).await {
                return st.fail(i, &format!("join: {e}"));
            }
            joining = Some((Instant::now(), tokio::time::Instant::now() + plan.handshake_timeout));
        }
        _ => st.ready(i),
    }
    let mut conn = Conn { i, received: 0, pending: VecDeque::new(), joining };
    let hb = plan.heartbeat;
    let mut heartbeat = (!hb.is_zero()).then(|| tokio::time::interval_at(tokio::time::Instant::now() + hb, hb));
    loop {
        tokio::select! {
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    if let Err(why) = conn.on_text(&t, &plan, &st) {
                        close(&mut ws, None).await;
                        return st.fail(i, &why);
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    let _ = conn.on_text("", &plan, &st);
                }
                Some(Ok(Message::Close(f))) => {
                    let (code, reason) = f.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                    let why = format!("closed by the server: {}", ws::describe_close(code, &reason));
                    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
                    return lost(&st, i, conn.joining.is_some(), code, why);
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return lost(&st, i, conn.joining.is_some(), 1006, format!("connection lost: {e}")),
                None => return lost(&st, i, conn.joining.is_some(), 1006, "connection lost".into()),
            },
            c = recv_cmd(&mut cmds) => match c {
                Some(text) => {
                    if let Err(e) = ws.send(Message::text(text)).await {
                        return lost(&st, i, false, 1006, format!("send failed: {e}"));
                    }
                    conn.pending.push_back(Instant::now());
                    st.sent.fetch_add(1, Ordering::AcqRel);
                }
                None => cmds = None,
            },
            _ = async { heartbeat.as_mut().expect("guarded").tick().await }, if heartbeat.is_some() => {
                let ping = serde_json::json!({ "action": "ping" }).to_string();
                if let Err(e) = ws.send(Message::text(ping)).await {
                    return lost(&st, i, conn.joining.is_some(), 1006, format!("heartbeat failed: {e}"));
                }
            }
            _ = deadline(conn.joining.map(|(_, d)| d)), if conn.joining.is_some() => {
                Stats::bump(&mut lock(&st.errors).frames, "join: no reply");
                close(&mut ws, None).await;
                return st.fail(i, "join: no `joined` reply in time");
            }
            _ = stopped(&mut stop) => {
                if conn.joining.is_some() {
                    close(&mut ws, None).await;
                    return st.fail(i, "stopped before it joined");
                }
                st.state[i].store(DONE, Ordering::Release);
                // Frames that arrive before the server's close reply still count.
                close(&mut ws, Some((&mut conn, &plan, &st))).await;
                return;
            }
        }
    }
}

/// One connection's receive-side state.
struct Conn {
    i: usize,
    received: u64,
    /// Send times of messages not yet answered, oldest first.
    pending: VecDeque<Instant>,
    /// (started, deadline) while the join action waits for `joined`.
    joining: Option<(Instant, tokio::time::Instant)>,
}

impl Conn {
    /// Counts a received frame; Err when it refused the join.
    fn on_text(&mut self, text: &str, plan: &Plan, st: &Stats) -> Result<(), String> {
        st.frames.fetch_add(1, Ordering::Relaxed);
        let (frame, ty) = classify(text);
        if counts(&frame, ty.as_deref(), plan.count_type.as_deref()) {
            self.received += 1;
            st.received[self.i].store(self.received, Ordering::Relaxed);
            if plan.expect == Some(self.received) {
                st.reached.fetch_add(1, Ordering::AcqRel);
            }
        }
        match frame {
            Frame::Joined if self.joining.is_some() => {
                let (t, _) = self.joining.take().expect("joining");
                lock(&st.join).record(t.elapsed());
                st.ready(self.i);
            }
            Frame::Error(label) if self.joining.is_some() => {
                Stats::bump(&mut lock(&st.errors).frames, &label);
                return Err(format!("join refused: {label}"));
            }
            Frame::Ack { delivered } => {
                if let Some(t) = self.pending.pop_front() {
                    lock(&st.ack).record(t.elapsed());
                }
                st.acked.fetch_add(1, Ordering::AcqRel);
                st.claimed.fetch_add(delivered, Ordering::AcqRel);
            }
            Frame::Error(label) => {
                Stats::bump(&mut lock(&st.errors).frames, &label);
                if self.pending.pop_front().is_some() {
                    st.rejected.fetch_add(1, Ordering::AcqRel);
                }
            }
            Frame::Message { sent_us: Some(us) } => {
                lock(&st.rtt).record_us(plan.micros().saturating_sub(us));
                st.delivered.fetch_add(1, Ordering::AcqRel);
            }
            _ => {}
        }
        Ok(())
    }
}

fn lost(st: &Stats, i: usize, before_ready: bool, code: u16, why: String) {
    if before_ready {
        Stats::bump(&mut lock(&st.errors).closes, &format!("{code} {}", ws::close_meaning(code)));
        st.fail(i, &why);
    } else {
        st.drop_conn(i, code, why);
    }
}

/// Closes with 1000 and waits (2 s at most) for the server's close frame; frames that arrive
/// meanwhile are counted when `count` is given.
async fn close(ws: &mut Ws, mut count: Option<(&mut Conn, &Plan, &Stats)>) {
    let frame = CloseFrame { code: CloseCode::Normal, reason: "".into() };
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        if ws.close(Some(frame)).await.is_ok() {
            while let Some(Ok(m)) = ws.next().await {
                if let (Message::Text(t), Some((conn, plan, st))) = (&m, count.as_mut()) {
                    let _ = conn.on_text(t, plan, st);
                }
            }
        }
    })
    .await;
}

/// Printed once every connection is open (or failed) in `--hold` mode, so a script knows when
/// to start its broadcast.
#[derive(Debug, Serialize)]
pub struct Ready {
    pub event: &'static str,
    pub open: u64,
    pub failed: u64,
    pub elapsed_secs: f64,
}

impl Report for Ready {
    fn view(&self) -> Vec<Block> {
        vec![Block::Raw(format!(
            "loadtest: {} connection(s) open, {} failed, after {}; holding until Ctrl-C or SIGTERM\n",
            self.open,
            self.failed,
            ws::human_duration(Duration::from_secs_f64(self.elapsed_secs))
        ))]
    }
}

#[derive(Debug, Serialize)]
pub struct LoadtestReport {
    pub url: String,
    pub connections: Connections,
    pub connect_latency: Option<Latency>,
    pub join_latency: Option<Latency>,
    pub messages: Messages,
    pub errors: Errors,
    pub counting: Option<Counting>,
    pub duration_secs: f64,
    /// Stopped by Ctrl-C/SIGTERM (the normal end of --hold).
    pub interrupted: bool,
    pub hold: bool,
    pub source_addresses: usize,
    pub open_files_limit: u64,
}

#[derive(Debug, Serialize)]
pub struct Connections {
    pub requested: usize,
    pub opened: u64,
    pub failed: u64,
    /// Closed by the server or the network after they were ready.
    pub dropped: u64,
    /// Ready and still open when the test ended.
    pub held: u64,
    pub success_ratio: f64,
    /// How long it took to settle every connection, and the rate achieved.
    pub ramp_secs: f64,
    pub ramp_rate: f64,
}

#[derive(Debug, Serialize)]
pub struct Messages {
    pub sent: u64,
    /// `sent` replies received.
    pub acked: u64,
    /// Sends answered with an error frame (throttled, not in room …).
    pub rejected: u64,
    pub ack_ratio: f64,
    /// Sum of `delivered` in the `sent` replies: the copies the backend says it posted.
    pub deliveries_claimed: u64,
    /// Copies of our messages the connections received.
    pub deliveries_received: u64,
    /// Send -> `sent` reply.
    pub ack_latency: Option<Latency>,
    /// Send -> a room member received it (every copy).
    pub round_trip: Option<Latency>,
    /// Every frame received, of any kind.
    pub frames_received: u64,
}

#[derive(Debug, Serialize)]
pub struct Errors {
    /// Connections that never opened, by HTTP status or error.
    pub connect: BTreeMap<String, u64>,
    /// Connect attempts that were retried (429, 5xx, timeouts).
    pub connect_retried: BTreeMap<String, u64>,
    /// Connections closed by the server or the network, by close code.
    pub closes: BTreeMap<String, u64>,
    /// Error frames received (throttling, chat errors).
    pub frames: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize)]
pub struct Counting {
    pub expected: Option<u64>,
    pub count_type: Option<String>,
    /// Connections that received exactly the expected count.
    pub exact: u64,
    pub fewer: u64,
    pub more: u64,
    /// received count -> connections.
    pub histogram: BTreeMap<u64, u64>,
    pub per_connection: Vec<PerConnection>,
}

#[derive(Debug, Serialize)]
pub struct PerConnection {
    pub index: usize,
    pub received: u64,
    /// Received exactly the expected count (null without --expect).
    pub ok: Option<bool>,
    /// held, failed, dropped
    pub state: &'static str,
    pub note: Option<String>,
}

impl LoadtestReport {
    fn mismatched(&self) -> bool {
        self.counting.as_ref().is_some_and(|c| c.expected.is_some() && (c.fewer > 0 || c.more > 0))
    }
}

impl Report for LoadtestReport {
    fn view(&self) -> Vec<Block> {
        let c = &self.connections;
        let m = &self.messages;
        let mut rows = vec![
            ("URL".to_string(), self.url.clone()),
            (
                "Connections".into(),
                format!(
                    "{} requested, {} opened, {} failed, {} dropped, {} held: success {:.2}%",
                    c.requested,
                    c.opened,
                    c.failed,
                    c.dropped,
                    c.held,
                    c.success_ratio * 100.0
                ),
            ),
            (
                "Ramp".into(),
                format!(
                    "{} ({:.0} connections/s)",
                    ws::human_duration(Duration::from_secs_f64(c.ramp_secs)),
                    c.ramp_rate
                ),
            ),
        ];
        if let Some(l) = &self.connect_latency {
            rows.push(("Connect".into(), l.line()));
        }
        if let Some(l) = &self.join_latency {
            rows.push(("Join".into(), l.line()));
        }
        if m.sent > 0 {
            rows.push((
                "Messages".into(),
                format!(
                    "{} sent, {} acked, {} rejected; deliveries {} claimed, {} received",
                    m.sent, m.acked, m.rejected, m.deliveries_claimed, m.deliveries_received
                ),
            ));
        }
        if let Some(l) = &m.ack_latency {
            rows.push(("Ack".into(), l.line()));
        }
        if let Some(l) = &m.round_trip {
            rows.push(("Round trip".into(), l.line()));
        }
        rows.push(("Frames".into(), format!("{} received", m.frames_received)));
        rows.push(("Duration".into(), ws::human_duration(Duration::from_secs_f64(self.duration_secs))));
        let mut blocks = vec![Block::Fields { title: Some("Loadtest".into()), rows }];
        let mut errs = Vec::new();
        let e = &self.errors;
        for (kind, map) in [
            ("connect", &e.connect),
            ("connect retried", &e.connect_retried),
            ("close", &e.closes),
            ("frame", &e.frames),
        ] {
            for (what, n) in map {
                errs.push(vec![kind.to_string(), what.clone(), n.to_string()]);
            }
        }
        blocks.push(Block::Table {
            title: Some("Errors".into()),
            header: vec!["KIND".into(), "WHAT".into(), "COUNT".into()],
            rows: errs,
            empty: "none".into(),
        });
        if let Some(k) = &self.counting {
            let what = k.count_type.as_deref().map(|t| format!("frames of type {t}")).unwrap_or("frames".into());
            let mut rows = vec![(
                "Received".into(),
                k.histogram.iter().map(|(n, c)| format!("{c} connection(s) got {n}")).collect::<Vec<_>>().join(", "),
            )];
            if let Some(x) = k.expected {
                rows.insert(
                    0,
                    (
                        "Expected".into(),
                        format!("{x} {what} each: {} exact, {} fewer, {} more", k.exact, k.fewer, k.more),
                    ),
                );
            }
            blocks.push(Block::Fields { title: Some("Counting".into()), rows });
            if k.expected.is_some() {
                let bad: Vec<Vec<String>> = k
                    .per_connection
                    .iter()
                    .filter(|p| p.ok == Some(false))
                    .take(SHOWN_MISMATCHES)
                    .map(|p| {
                        vec![
                            p.index.to_string(),
                            p.received.to_string(),
                            p.state.to_string(),
                            p.note.clone().unwrap_or_default(),
                        ]
                    })
                    .collect();
                if !bad.is_empty() {
                    blocks.push(Block::Table {
                        title: Some(format!("Mismatches (first {SHOWN_MISMATCHES}; -o json lists all)")),
                        header: vec!["CONNECTION".into(), "RECEIVED".into(), "STATE".into(), "NOTE".into()],
                        rows: bad,
                        empty: String::new(),
                    });
                }
            }
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        if self.interrupted && !self.hold {
            return Some(ErrorKind::Interrupted);
        }
        let m = &self.messages;
        let failed = self.connections.success_ratio < 1.0 || m.acked < m.sent || self.mismatched();
        failed.then_some(ErrorKind::Partial)
    }
}

fn validate(a: &LoadtestArgs, rooms: &[String]) -> Result<(), Error> {
    let bad = |m: &str, h: &str| Err(Error::invalid(m.to_string(), h.to_string()));
    if a.connections == 0 {
        return bad("--connections must be at least 1", "e.g. --connections 1000");
    }
    if !(a.connect_rate.is_finite() && a.connect_rate > 0.0) {
        return bad("--connect-rate must be positive", "AWS allows 500 new connections/s per account and region");
    }
    if !(a.message_rate.is_finite() && a.message_rate >= 0.0) {
        return bad("--message-rate must be 0 or more", "e.g. --message-rate 100");
    }
    if a.message_rate > 0.0 && rooms.is_empty() {
        return bad("messages are sent to rooms: --message-rate needs --rooms K or --room NAME", "e.g. --rooms 20");
    }
    if a.until_expected && a.expect.is_none() {
        return bad("--until-expected needs --expect N", "e.g. --expect 1 --until-expected");
    }
    if a.source_addrs == 0 {
        return bad("--source-addrs must be at least 1", "1 turns spreading off");
    }
    if a.payload_bytes > 128 * 1024 {
        return bad("--payload-bytes is over API Gateway's 128 KB message limit", "e.g. --payload-bytes 1024");
    }
    Ok(())
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        ((a as f64 / b as f64) * 10_000.0).round() / 10_000.0
    }
}

fn progress_line(st: &Stats, n: usize, started: Instant) -> String {
    let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut s = format!(
        "[{}] open {}/{}  failed {}  dropped {}",
        ws::human_duration(started.elapsed()),
        g(&st.ready),
        n,
        g(&st.failed),
        g(&st.dropped)
    );
    if let Some(p) = lock(&st.connect).quantile_us(0.99) {
        s.push_str(&format!("  connect p99 {}", ws::human_duration(Duration::from_micros(p))));
    }
    let sent = g(&st.sent);
    if sent > 0 {
        s.push_str(&format!("  sent {sent}  acked {}  delivered {}", g(&st.acked), g(&st.delivered)));
        if let Some(p) = lock(&st.rtt).quantile_us(0.99) {
            s.push_str(&format!("  rtt p99 {}", ws::human_duration(Duration::from_micros(p))));
        }
    }
    s
}

impl LoadtestArgs {
    pub fn from_cli(l: crate::cli::LoadtestCommand) -> Self {
        LoadtestArgs {
            url: l.url,
            token: l.auth.token,
            token_env: l.auth.token_env,
            token_file: l.auth.token_file,
            token_in: l.auth.token_in,
            headers: l.auth.headers,
            connections: l.connections,
            connect_rate: l.connect_rate,
            duration: l.duration,
            hold: l.hold,
            message_rate: l.message_rate,
            payload_bytes: l.payload_bytes,
            rooms: l.rooms,
            room_names: l.room_names,
            join_via: l.join_via,
            expect: l.expect,
            count_type: l.count_type,
            until_expected: l.until_expected,
            settle: l.settle,
            connect_retries: l.connect_retries,
            source_addrs: l.source_addrs,
            handshake_timeout: l.handshake_timeout,
            heartbeat: l.heartbeat,
            drain: l.drain,
        }
    }
}

pub async fn run(
    ctx: &Ctx,
    cmd: crate::cli::LoadtestCommand,
    on_ready: impl FnOnce(&Ready),
) -> Result<LoadtestReport, Error> {
    let args = LoadtestArgs::from_cli(cmd);
    let rooms = room_names(args.rooms, &args.room_names);
    validate(&args, &rooms)?;
    let url = super::client::client_url(ctx, args.url.as_deref()).await?;
    let (soft, hard) = raise_nofile();
    check_fd_budget(args.connections, soft, hard)?;
    let tokens = match &args.token_file {
        Some(f) if args.token.is_none() && args.token_env.is_none() => {
            let text = std::fs::read_to_string(f)
                .map_err(|source| Error::Io { context: format!("cannot read --token-file {}", f.display()), source })?;
            let t = ws::tokens_in(&text);
            if t.is_empty() {
                return Err(Error::invalid(
                    format!("--token-file {} has no tokens", f.display()),
                    "one token per line",
                ));
            }
            t
        }
        _ => TokenSource::from_args(args.token.clone(), args.token_env.clone(), args.token_file.clone())?
            .read()?
            .into_iter()
            .collect(),
    };
    let addr = ws::resolve(&url).await?;
    let n = args.connections;
    let spread = ws::source_ip(addr.ip(), 0, args.source_addrs).map(|_| args.source_addrs as usize).unwrap_or(1);
    let counting = args.expect.is_some() || args.count_type.is_some();
    let plan = Arc::new(Plan {
        url: url.clone(),
        addr,
        tokens,
        token_in: args.token_in,
        headers: args.headers.clone(),
        rooms,
        join_via: args.join_via,
        handshake_timeout: args.handshake_timeout,
        heartbeat: args.heartbeat,
        connect_retries: args.connect_retries,
        source_addrs: args.source_addrs,
        count_type: args.count_type.clone(),
        expect: args.expect,
        start: Instant::now(),
    });
    let st = Arc::new(Stats::new(n));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut signals = term::stop_signals();
    let progress = term::Progress::new();
    let started = plan.start;
    let messaging = args.message_rate > 0.0;
    let mut handles = Vec::with_capacity(n);
    let mut senders: Vec<Option<mpsc::Sender<String>>> = Vec::with_capacity(n);
    let mut interrupted: Option<Stop> = None;
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let show = |st: &Stats| progress.update(&progress_line(st, n, started));

    // 1. Open the connections at the rate.
    let gap = Duration::from_secs_f64(1.0 / args.connect_rate);
    'open: for i in 0..n {
        let at = tokio::time::Instant::from_std(started + gap.mul_f64(i as f64));
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(at) => break,
                _ = tick.tick() => show(&st),
                s = signals.recv() => { interrupted = s; break 'open; }
            }
        }
        let (tx, rx) = if messaging {
            let (tx, rx) = mpsc::channel(16);
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        senders.push(tx);
        handles.push(tokio::spawn(connection(i, plan.clone(), st.clone(), rx, stop_rx.clone())));
    }

    // 2. Wait until each is open (and joined) or failed.
    while interrupted.is_none() && st.settled.load(Ordering::Acquire) < handles.len() as u64 {
        tokio::select! {
            _ = tick.tick() => show(&st),
            s = signals.recv() => interrupted = s,
        }
    }
    let ramp = started.elapsed();
    if args.hold && interrupted.is_none() {
        progress.clear();
        on_ready(&Ready {
            event: "ready",
            open: st.ready.load(Ordering::Acquire),
            failed: st.failed.load(Ordering::Acquire),
            elapsed_secs: ramp.as_secs_f64(),
        });
    }

    // 3. Hold (and send) until the duration is up, a signal, or every connection has its count.
    if interrupted.is_none() {
        let hold_end = (!args.hold).then(|| tokio::time::Instant::now() + args.duration);
        let msg_start = Instant::now();
        let mut seq = 0u64;
        let mut next = 0usize;
        let mut send_tick = tokio::time::interval(Duration::from_millis(10));
        let mut all_reached: Option<Instant> = None;
        loop {
            tokio::select! {
                _ = deadline(hold_end) => break,
                s = signals.recv() => { interrupted = s; break; }
                _ = send_tick.tick(), if messaging => {
                    let due = (msg_start.elapsed().as_secs_f64() * args.message_rate) as u64;
                    while seq < due {
                        // The next ready connection, round robin.
                        let mut tries = 0;
                        while tries < n && st.state[next].load(Ordering::Relaxed) != READY {
                            next = (next + 1) % n;
                            tries += 1;
                        }
                        if tries == n {
                            break;
                        }
                        let text = payload(seq, plan.micros(), args.payload_bytes);
                        let frame = serde_json::json!({ "action": "send", "room": plan.room(next), "text": text }).to_string();
                        if let Some(Some(tx)) = senders.get(next) {
                            if tx.try_send(frame).is_err() {
                                Stats::bump(&mut lock(&st.errors).frames, "client backlog: message skipped");
                            } else {
                                st.issued.fetch_add(1, Ordering::AcqRel);
                            }
                        }
                        next = (next + 1) % n;
                        seq += 1;
                    }
                }
                _ = tick.tick() => {
                    show(&st);
                    if args.until_expected {
                        let ready = st.ready.load(Ordering::Acquire);
                        if ready > 0 && st.reached.load(Ordering::Acquire) >= ready {
                            let since = *all_reached.get_or_insert_with(Instant::now);
                            if since.elapsed() >= args.settle {
                                break;
                            }
                        } else {
                            all_reached = None;
                        }
                    }
                }
            }
        }
    }

    // 4. Let replies and deliveries in flight arrive.
    if interrupted.is_none() && messaging {
        let until = tokio::time::Instant::now() + args.drain;
        // Wait for every message handed out, not only those already on the wire.
        let outstanding = |st: &Stats| {
            let wanted = st.sent.load(Ordering::Acquire).max(st.issued.load(Ordering::Acquire));
            st.acked.load(Ordering::Acquire) + st.rejected.load(Ordering::Acquire) < wanted
        };
        while outstanding(&st) {
            tokio::select! {
                _ = tokio::time::sleep_until(until) => break,
                _ = tick.tick() => show(&st),
                s = signals.recv() => { interrupted = s; break; }
            }
        }
        // Deliveries trail the acks a little; one more short wait for them.
        let until = tokio::time::Instant::now() + args.drain.min(Duration::from_millis(500));
        while st.delivered.load(Ordering::Acquire) < st.claimed.load(Ordering::Acquire) {
            tokio::select! {
                _ = tokio::time::sleep_until(until) => break,
                _ = tick.tick() => show(&st),
            }
        }
    }
    let duration = started.elapsed();

    // 5. Close everything with 1000.
    let _ = stop_tx.send(true);
    drop(senders);
    let closing = futures::future::join_all(handles);
    let _ = tokio::time::timeout(Duration::from_secs(10), closing).await;
    progress.clear();

    Ok(build_report(&args, &url, &st, n, ramp, duration, interrupted.is_some(), counting, spread, soft))
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    args: &LoadtestArgs,
    url: &Url,
    st: &Stats,
    n: usize,
    ramp: Duration,
    duration: Duration,
    interrupted: bool,
    counting: bool,
    spread: usize,
    soft: u64,
) -> LoadtestReport {
    let g = |a: &AtomicU64| a.load(Ordering::Acquire);
    let held = st.state.iter().filter(|s| s.load(Ordering::Acquire) == DONE).count() as u64;
    let errors = lock(&st.errors);
    let notes = lock(&st.notes);
    let counting = counting.then(|| {
        let mut histogram: BTreeMap<u64, u64> = BTreeMap::new();
        let (mut exact, mut fewer, mut more) = (0, 0, 0);
        let per_connection: Vec<PerConnection> = (0..n)
            .map(|i| {
                let received = st.received[i].load(Ordering::Acquire);
                *histogram.entry(received).or_default() += 1;
                let ok = args.expect.map(|x| {
                    match received.cmp(&x) {
                        std::cmp::Ordering::Equal => exact += 1,
                        std::cmp::Ordering::Less => fewer += 1,
                        std::cmp::Ordering::Greater => more += 1,
                    }
                    received == x
                });
                let state = match st.state[i].load(Ordering::Acquire) {
                    DONE | READY => "held",
                    DROPPED => "dropped",
                    _ => "failed",
                };
                PerConnection { index: i, received, ok, state, note: notes.get(&i).cloned() }
            })
            .collect();
        Counting {
            expected: args.expect,
            count_type: args.count_type.clone(),
            exact,
            fewer,
            more,
            histogram,
            per_connection,
        }
    });
    LoadtestReport {
        url: ws::redact(url),
        connections: Connections {
            requested: n,
            opened: g(&st.opened),
            failed: g(&st.failed),
            dropped: g(&st.dropped),
            held,
            success_ratio: ratio(held, n as u64),
            ramp_secs: ramp.as_secs_f64(),
            ramp_rate: (g(&st.settled) as f64 / ramp.as_secs_f64().max(1e-6)).round(),
        },
        connect_latency: lock(&st.connect).summary(),
        join_latency: lock(&st.join).summary(),
        messages: Messages {
            sent: g(&st.sent),
            acked: g(&st.acked),
            rejected: g(&st.rejected),
            ack_ratio: ratio(g(&st.acked), g(&st.sent)),
            deliveries_claimed: g(&st.claimed),
            deliveries_received: g(&st.delivered),
            ack_latency: lock(&st.ack).summary(),
            round_trip: lock(&st.rtt).summary(),
            frames_received: g(&st.frames),
        },
        errors: Errors {
            connect: errors.connect_failures.clone(),
            connect_retried: errors.connect_retries.clone(),
            closes: errors.closes.clone(),
            frames: errors.frames.clone(),
        },
        counting,
        duration_secs: duration.as_secs_f64(),
        interrupted,
        hold: args.hold,
        source_addresses: spread,
        open_files_limit: soft,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_percentiles() {
        let mut h = Histogram::default();
        assert_eq!(h.quantile_us(0.5), None);
        assert!(h.summary().is_none());
        for us in 1..=100u64 {
            h.record_us(us);
        }
        // Exact below 128 µs.
        assert_eq!(h.quantile_us(0.50), Some(50));
        assert_eq!(h.quantile_us(0.95), Some(95));
        assert_eq!(h.quantile_us(0.99), Some(99));
        assert_eq!(h.quantile_us(1.0), Some(100));
        assert_eq!(h.quantile_us(0.0), Some(1));
        let s = h.summary().unwrap();
        assert_eq!((s.count, s.p50_ms, s.max_ms, s.mean_ms), (100, 0.05, 0.1, 0.05));
    }

    #[test]
    fn histogram_precision_over_a_wide_range() {
        let mut h = Histogram::default();
        // 1 ms .. 10 s, one sample each 1 ms.
        for ms in 1..=10_000u64 {
            h.record(Duration::from_millis(ms));
        }
        for (q, want_ms) in [(0.5, 5000.0), (0.95, 9500.0), (0.99, 9900.0)] {
            let got = h.quantile_us(q).unwrap() as f64 / 1000.0;
            assert!((got - want_ms).abs() / want_ms < 0.016, "q{q}: {got} vs {want_ms}");
            assert!(got >= want_ms, "a percentile is the bucket's top, never below: {got} < {want_ms}");
        }
        assert_eq!(h.quantile_us(1.0), Some(10_000_000));
        // Huge values do not overflow.
        h.record_us(u64::MAX);
        assert_eq!(h.quantile_us(1.0), Some(u64::MAX));
        for v in [0u64, 1, 127, 128, 129, 130, 255, 256, 1 << 20, (1 << 40) + 12345, u64::MAX] {
            let b = bucket(v);
            assert!(b < BUCKETS);
            assert!(bucket_top(b) >= v, "{v}");
            if b > 0 {
                assert!(bucket_top(b - 1) < v, "{v}");
            }
        }
    }

    #[test]
    fn payloads_carry_sequence_and_time() {
        let p = payload(42, 1_234_567, 100);
        assert_eq!(p.len(), 100);
        assert_eq!(parse_payload(&p), Some((42, 1_234_567)));
        // Never shorter than its header.
        let p = payload(7, 9, 1);
        assert_eq!(p, "wsadm-lt:7:9:");
        assert_eq!(parse_payload(&p), Some((7, 9)));
        assert_eq!(parse_payload("hello"), None);
        assert_eq!(parse_payload("wsadm-lt:x:1:"), None);
    }

    #[test]
    fn frames_are_classified_and_counted() {
        let c = |t: &str| classify(t).0;
        assert_eq!(c(r#"{"type":"joined","room":"r","rooms":["r"]}"#), Frame::Joined);
        assert_eq!(c(r#"{"type":"sent","room":"r","delivered":3,"gone":0,"failed":0}"#), Frame::Ack { delivered: 3 });
        assert_eq!(c(r#"{"type":"pong","ts":1}"#), Frame::Reply);
        assert_eq!(c(r#"{"type":"error","error":"not_in_room"}"#), Frame::Error("error: not_in_room".into()));
        assert_eq!(
            c(r#"{"message":"Too Many Requests","connectionId":"x","requestId":"y"}"#),
            Frame::Error("Too Many Requests".into())
        );
        let ours = format!(r#"{{"type":"message","room":"r","from":"u","text":"{}"}}"#, payload(1, 500, 40));
        assert_eq!(c(&ours), Frame::Message { sent_us: Some(500) });
        assert_eq!(c(r#"{"type":"message","text":"hi"}"#), Frame::Message { sent_us: None });
        assert_eq!(c(r#"{"type":"maintenance"}"#), Frame::Push);
        assert_eq!(c("plain text"), Frame::Push);
        // Counting: pushes and messages, not replies; or one type.
        let (f, ty) = classify(r#"{"type":"maintenance"}"#);
        assert!(counts(&f, ty.as_deref(), None));
        assert!(counts(&f, ty.as_deref(), Some("maintenance")));
        let (f, ty) = classify(r#"{"type":"pong"}"#);
        assert!(!counts(&f, ty.as_deref(), None));
        let (f, ty) = classify(r#"{"type":"message","text":"x"}"#);
        assert!(counts(&f, ty.as_deref(), None));
        assert!(!counts(&f, ty.as_deref(), Some("maintenance")));
    }

    #[test]
    fn rooms_and_the_open_files_budget() {
        assert_eq!(room_names(Some(3), &[]), vec!["loadtest-0", "loadtest-1", "loadtest-2"]);
        assert_eq!(room_names(Some(3), &["lobby".into()]), vec!["lobby"]);
        assert!(room_names(None, &[]).is_empty());
        assert!(check_fd_budget(15_000, 20_000, 20_000).is_ok());
        let e = check_fd_budget(25_000, 20_000, 20_000).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert!(e.to_string().contains("20000"), "{e}");
        assert!(e.hint().unwrap().contains("--connections 19968"));
        let (soft, hard) = raise_nofile();
        assert_eq!(soft, hard, "the soft limit is raised to the hard one");
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(0, 0), 1.0);
        assert_eq!(ratio(1999, 2000), 0.9995);
        assert_eq!(ratio(2000, 2000), 1.0);
    }
}
