//! `wsadm loadtest`: opens N connections at a set rate, holds them, sends chat messages to rooms,
//! and reports connect latency, round trip, errors and the success ratio; `--expect N` counts.

// The counting mode (`--expect N` with `--hold`) is how the broadcast and emulator benchmarks
// prove that every one of thousands of clients received exactly what was sent.

mod conn;
mod frames;
mod histogram;
mod limits;
mod report;
mod stats;

pub use report::{LoadtestReport, Ready};

use super::Ctx;
use crate::args::loadtest::{JoinVia, LoadtestCommand};
use crate::term::{self, Stop};
use crate::ws::{self, TokenIn, TokenSource};
use conn::connection;
use frames::payload;
use limits::{check_fd_budget, raise_nofile};
use report::{build_report, progress_line};
use stats::{lock, Stats, READY};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use url::Url;
use wsadm_core::Error;

/// The command line's options, as the run uses them.
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

/// The rooms: the names given, else `loadtest-0` … `loadtest-{K-1}`.
pub fn room_names(rooms: Option<usize>, names: &[String]) -> Vec<String> {
    if !names.is_empty() {
        return names.to_vec();
    }
    (0..rooms.unwrap_or(0)).map(|i| format!("loadtest-{i}")).collect()
}

/// What every connection task is given: where to connect, how to authenticate, what to count.
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

/// Sleeps until `t`; without one, forever (a `select!` arm that never fires).
async fn deadline(t: Option<tokio::time::Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
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

impl LoadtestArgs {
    pub fn from_cli(l: LoadtestCommand) -> Self {
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

pub async fn run(ctx: &Ctx, cmd: LoadtestCommand, on_ready: impl FnOnce(&Ready)) -> Result<LoadtestReport, Error> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_names_are_given_or_numbered() {
        assert_eq!(room_names(Some(3), &[]), vec!["loadtest-0", "loadtest-1", "loadtest-2"]);
        assert_eq!(room_names(Some(3), &["lobby".into()]), vec!["lobby"]);
        assert!(room_names(None, &[]).is_empty());
    }
}
