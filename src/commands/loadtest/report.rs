//! The loadtest's report, the `ready` line of `--hold`, and the live progress line.

use super::histogram::Latency;
use super::stats::{lock, Stats, DONE, DROPPED, READY};
use super::LoadtestArgs;
use crate::output::{Block, Report};
use crate::ws;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use url::Url;
use wsadm_core::ErrorKind;

/// How many mismatched connections the table shows (JSON has them all).
const SHOWN_MISMATCHES: usize = 20;

impl Latency {
    /// One row of the table: `p50 …  p95 …  p99 …  max …  (N samples)`.
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

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        1.0
    } else {
        ((a as f64 / b as f64) * 10_000.0).round() / 10_000.0
    }
}

pub(super) fn progress_line(st: &Stats, n: usize, started: Instant) -> String {
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

#[allow(clippy::too_many_arguments)]
pub(super) fn build_report(
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
    fn ratios() {
        assert_eq!(ratio(0, 0), 1.0);
        assert_eq!(ratio(1999, 2000), 0.9995);
        assert_eq!(ratio(2000, 2000), 1.0);
    }
}
