//! Fan-out to many connections through @connections: bounded concurrency under a rate cap;
//! a 429 backs that connection off (jittered exponential) and lowers the sending rate (see
//! [`rate`]: additive increase per unit of time, multiplicative decrease); 5xx and timeouts
//! are retried up to a limit; 410 means gone (the caller removes that record, if old enough);
//! 403 and 413 stop the whole broadcast (the answers are sorted by HTTP status first:
//! [`crate::connections::classify_answer`]). Every target ends with exactly one outcome, also
//! when stopped early.

pub mod rate;

pub use rate::{backoff, Aimd};

use crate::connections::ConnError;
use async_trait::async_trait;
use rate::Pacer;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sends one message to one connection.
#[async_trait]
pub trait Poster: Send + Sync {
    async fn post(&self, connection_id: &str, data: &[u8]) -> Result<(), ConnError>;
}

/// The youngest a record may be for a 410 to remove it. API Gateway answers 410 (and
/// GetConnection does not know the id) while a connection's `$connect` is still running, and
/// the record is written during `$connect`: a 410 for a younger record does not mean it is
/// stale. Long enough for an authorizer and a `$connect` integration (29 s timeout) to finish.
pub const GONE_MIN_AGE_MS: i64 = 30_000;

/// Whether a 410 may remove the record of a connection made at `connected_at_ms` (epoch ms),
/// at `now_ms`, with `min_age_ms` ([`GONE_MIN_AGE_MS`] unless the operator chose another).
/// The one rule for broadcast, prune and the chat handler's fan-out.
pub fn gone_record_removable(connected_at_ms: i64, now_ms: i64, min_age_ms: i64) -> bool {
    now_ms.saturating_sub(connected_at_ms) >= min_age_ms
}

/// Called for each connection found gone (the caller removes its record, if
/// [`gone_record_removable`]: `SessionStore::remove_gone` applies that rule).
#[async_trait]
pub trait OnGone: Send + Sync {
    async fn gone(&self, connection_id: &str);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Delivered,
    Gone,
    Failed,
    NotAttempted,
}

/// One target's result, as written to the `--report` file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetResult {
    pub connection_id: String,
    pub outcome: Outcome,
    pub attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Failed after a request that got no answer: the client may have the message.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub maybe_delivered: bool,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Most calls in flight.
    pub max_concurrency: usize,
    /// Rate cap (calls per second, retries included).
    pub max_rps: f64,
    /// Attempts per target for 429/5xx/timeouts.
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_concurrency: 256,
            max_rps: 5_000.0,
            max_attempts: 5,
            backoff_base: Duration::from_millis(50),
            backoff_cap: Duration::from_secs(5),
        }
    }
}

/// Why a broadcast stopped before the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum Stop {
    /// 403: wrong endpoint or missing IAM permission; nothing was deleted.
    Forbidden(String),
    /// 413: the payload is over the limit.
    PayloadTooLarge,
    /// Ctrl-C.
    Interrupted,
}

/// Live counters, for a progress display.
#[derive(Debug, Default)]
pub struct Progress {
    /// Targets read (from the table, a file or the command line).
    pub read: AtomicU64,
    pub done: AtomicU64,
    pub delivered: AtomicU64,
    pub gone: AtomicU64,
    pub failed: AtomicU64,
    pub throttled: AtomicU64,
    pub retries: AtomicU64,
    /// Current sending rate cap × 1000.
    pub rate_milli: AtomicU64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub targets: u64,
    pub delivered: u64,
    pub gone: u64,
    pub failed: u64,
    /// Of the failed: sent without an answer, so perhaps delivered.
    pub maybe_delivered: u64,
    pub not_attempted: u64,
}

/// Where one target's message goes: a stage's endpoint, and what a 410 there does.
pub struct Route {
    pub poster: Arc<dyn Poster>,
    pub on_gone: Arc<dyn OnGone>,
}

/// One target: a connection, and the index of its [`Route`] in [`Sender::routes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub connection_id: String,
    pub route: usize,
}

impl Target {
    pub fn new(connection_id: impl Into<String>, route: usize) -> Self {
        Target { connection_id: connection_id.into(), route }
    }
}

/// Where and how to send: the parts of a broadcast besides its targets and message.
pub struct Sender {
    /// One per stage; every target names one. They share the rate: the throttle is the account's.
    pub routes: Vec<Route>,
    pub opts: Options,
    pub progress: Arc<Progress>,
    /// Checked between calls: set it on Ctrl-C. The engine sets it too when it stops by itself
    /// (403, 413), so whoever reads the targets can stop reading.
    pub stop: Arc<AtomicBool>,
}

/// What a broadcast did: over everything, and per route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTotals {
    pub totals: Totals,
    pub by_route: Vec<Totals>,
    pub stopped: Option<Stop>,
}

/// How many targets the engine holds beyond those in flight: what bounds its memory, whatever
/// the number of targets.
const QUEUED: usize = 1024;

/// One call, and the removal of a gone connection's record before it reports (so the
/// summary's "gone" are removed records).
async fn call(
    sender: Arc<Sender>,
    data: Arc<[u8]>,
    target: Target,
    attempts: u32,
) -> (Target, u32, Instant, Result<(), ConnError>) {
    let sent_at = Instant::now();
    let route = &sender.routes[target.route];
    let r = route.poster.post(&target.connection_id, &data).await;
    if let Err(ConnError::Gone) = r {
        route.on_gone.gone(&target.connection_id).await;
    }
    (target, attempts + 1, sent_at, r)
}

/// Sends `data` to every target read from `targets`, as they come: sending starts with the
/// first, and the engine holds at most [`QUEUED`] beyond those in flight (the channel's bound
/// holds back the reader). Results come back in completion order, one per target read, with
/// the route's index. Stopped, it reads on to the end of `targets` (the reader may end it
/// early: see [`Sender::stop`]), and every target read is reported not attempted. The calls
/// in flight are polled by this one task (no task per call): the CPU a call costs is what
/// limits a broadcast on a busy machine.
pub async fn run(
    sender: Sender,
    mut targets: tokio::sync::mpsc::Receiver<Target>,
    data: Arc<[u8]>,
    mut on_result: impl FnMut(usize, &TargetResult),
) -> RunTotals {
    use futures::stream::{FuturesUnordered, StreamExt};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    use tokio::sync::mpsc::error::TryRecvError;

    let sender = Arc::new(sender);
    let (opts, progress) = (sender.opts.clone(), sender.progress.clone());
    let mut ready: VecDeque<(Target, u32)> = VecDeque::new();
    let mut reading = true;
    // Targets backing off after a 429/5xx: (due, sequence, id, route, attempts), earliest first.
    type Waiting = Reverse<(Instant, u64, String, usize, u32)>;
    let mut waiting: BinaryHeap<Waiting> = BinaryHeap::new();
    let mut seq = 0u64;
    let started = Instant::now();
    let mut pacer = Pacer::new(Aimd::new(opts.max_rps, started), started);
    progress.rate_milli.store((opts.max_rps * 1000.0) as u64, Ordering::Relaxed);
    let mut out =
        RunTotals { totals: Totals::default(), by_route: vec![Totals::default(); sender.routes.len()], stopped: None };
    let mut inflight = FuturesUnordered::new();
    // Wakes the loop for the next slot in the rate or a retry that falls due, and now and then
    // to see a stop request. Calls start only in their slot: nothing waits in flight.
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);
    let mut stop_check = tokio::time::interval(Duration::from_millis(50));
    stop_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut finish = |route: usize, r: TargetResult, out: &mut RunTotals| {
        for t in [&mut out.totals, &mut out.by_route[route]] {
            match r.outcome {
                Outcome::Delivered => t.delivered += 1,
                Outcome::Gone => t.gone += 1,
                Outcome::Failed => t.failed += 1,
                Outcome::NotAttempted => t.not_attempted += 1,
            }
            t.maybe_delivered += u64::from(r.maybe_delivered);
        }
        progress.done.fetch_add(1, Ordering::Relaxed);
        on_result(route, &r);
    };
    let read = |t: &Target, out: &mut RunTotals| {
        out.totals.targets += 1;
        out.by_route[t.route].targets += 1;
        progress.read.fetch_add(1, Ordering::Relaxed);
    };
    let result = |connection_id: String, outcome, attempts, error: Option<String>| TargetResult {
        connection_id,
        outcome,
        attempts,
        error,
        maybe_delivered: false,
    };
    loop {
        if out.stopped.is_none() && sender.stop.load(Ordering::Relaxed) {
            out.stopped = Some(Stop::Interrupted);
        }
        if out.stopped.is_some() {
            sender.stop.store(true, Ordering::Relaxed);
        }
        // Take what the reader has ready, up to the bound.
        while reading && out.stopped.is_none() && ready.len() < QUEUED {
            match targets.try_recv() {
                Ok(t) => {
                    read(&t, &mut out);
                    ready.push_back((t, 0));
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => reading = false,
            }
        }
        let now = Instant::now();
        while waiting.peek().is_some_and(|Reverse(w)| w.0 <= now) {
            let Reverse((_, _, id, route, attempts)) = waiting.pop().expect("peeked");
            ready.push_back((Target { connection_id: id, route }, attempts));
        }
        // Start calls while there is room, work that is due, and a slot in the rate.
        let mut next_slot = None;
        while out.stopped.is_none() && inflight.len() < opts.max_concurrency && !ready.is_empty() {
            if let Err(at) = pacer.take(now) {
                next_slot = Some(at);
                break;
            }
            let (t, attempts) = ready.pop_front().expect("not empty");
            inflight.push(call(sender.clone(), data.clone(), t, attempts));
        }
        let done_sending = out.stopped.is_some() || (!reading && ready.is_empty() && waiting.is_empty());
        if inflight.is_empty() && done_sending {
            break;
        }
        let next_retry = waiting.peek().map(|Reverse(w)| w.0);
        let wake = [next_slot, next_retry].into_iter().flatten().min().filter(|_| out.stopped.is_none());
        if let Some(at) = wake {
            if timer.deadline() != at.into() {
                timer.as_mut().reset(at.into());
            }
        }
        let want_more = reading && out.stopped.is_none() && ready.len() < QUEUED;
        let joined = tokio::select! {
            j = inflight.next(), if !inflight.is_empty() => j,
            t = targets.recv(), if want_more => {
                match t {
                    Some(t) => {
                        read(&t, &mut out);
                        ready.push_back((t, 0));
                    }
                    None => reading = false,
                }
                continue;
            }
            _ = &mut timer, if wake.is_some() => continue,
            _ = stop_check.tick() => continue,
        };
        let Some((target, attempts, sent_at, r)) = joined else { continue };
        match &r {
            Err(ConnError::Throttled(_)) => {
                pacer.aimd.on_throttle(Instant::now(), sent_at);
                progress.throttled.fetch_add(1, Ordering::Relaxed);
            }
            // The throttle let these through: the rate was accepted.
            Ok(()) | Err(ConnError::Gone) => pacer.aimd.on_success(Instant::now(), sent_at),
            _ => {}
        }
        progress.rate_milli.store((pacer.aimd.rate() * 1000.0) as u64, Ordering::Relaxed);
        let Target { connection_id: id, route } = target;
        match r {
            Ok(()) => {
                progress.delivered.fetch_add(1, Ordering::Relaxed);
                finish(route, result(id, Outcome::Delivered, attempts, None), &mut out);
            }
            Err(ConnError::Gone) => {
                progress.gone.fetch_add(1, Ordering::Relaxed);
                finish(route, result(id, Outcome::Gone, attempts, None), &mut out);
            }
            Err(ConnError::Throttled(_) | ConnError::Transient(_)) if attempts < opts.max_attempts => {
                progress.retries.fetch_add(1, Ordering::Relaxed);
                let due = Instant::now() + backoff(attempts, opts.backoff_base, opts.backoff_cap, rand::random());
                seq += 1;
                waiting.push(Reverse((due, seq, id, route, attempts)));
            }
            Err(ConnError::Forbidden(m)) => {
                progress.failed.fetch_add(1, Ordering::Relaxed);
                let error = Some(format!("403: {m}"));
                out.stopped.get_or_insert(Stop::Forbidden(m));
                finish(route, result(id, Outcome::Failed, attempts, error), &mut out);
            }
            Err(ConnError::PayloadTooLarge) => {
                out.stopped.get_or_insert(Stop::PayloadTooLarge);
                progress.failed.fetch_add(1, Ordering::Relaxed);
                finish(route, result(id, Outcome::Failed, attempts, Some("413".into())), &mut out);
            }
            Err(e @ ConnError::MaybeDelivered(_)) => {
                progress.failed.fetch_add(1, Ordering::Relaxed);
                let r = TargetResult {
                    maybe_delivered: true,
                    ..result(id, Outcome::Failed, attempts, Some(e.to_string()))
                };
                finish(route, r, &mut out);
            }
            Err(e) => {
                progress.failed.fetch_add(1, Ordering::Relaxed);
                finish(route, result(id, Outcome::Failed, attempts, Some(e.to_string())), &mut out);
            }
        }
    }
    if out.stopped.is_some() {
        sender.stop.store(true, Ordering::Relaxed);
    }
    // Stopped: whatever was not sent (queued, waiting to retry, or still to be read) is not
    // attempted / failed.
    let left = ready
        .into_iter()
        .map(|(t, a)| (t.connection_id, t.route, a))
        .chain(waiting.into_iter().map(|Reverse((_, _, id, route, a))| (id, route, a)));
    for (id, route, attempts) in left {
        let outcome = if attempts == 0 { Outcome::NotAttempted } else { Outcome::Failed };
        let error = (attempts > 0).then(|| "stopped before a retry".to_string());
        finish(route, result(id, outcome, attempts, error), &mut out);
    }
    if reading {
        while let Some(t) = targets.recv().await {
            read(&t, &mut out);
            finish(t.route, result(t.connection_id, Outcome::NotAttempted, 0, None), &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// Answers from a script per id (then Ok), and records the peak concurrency.
    #[derive(Default)]
    struct Fake {
        script: Mutex<HashMap<String, Vec<ConnError>>>,
        calls: AtomicU64,
        inflight: AtomicU64,
        peak: AtomicU64,
    }

    #[async_trait]
    impl Poster for Fake {
        async fn post(&self, id: &str, _data: &[u8]) -> Result<(), ConnError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let now = self.inflight.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(1)).await;
            self.inflight.fetch_sub(1, Ordering::SeqCst);
            let next = self.script.lock().unwrap().get_mut(id).and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
            next.map_or(Ok(()), Err)
        }
    }

    #[derive(Default)]
    struct Gone(Mutex<Vec<String>>);

    #[async_trait]
    impl OnGone for Gone {
        async fn gone(&self, id: &str) {
            self.0.lock().unwrap().push(id.to_string());
        }
    }

    fn opts() -> Options {
        Options {
            max_concurrency: 8,
            max_rps: 100_000.0,
            max_attempts: 3,
            backoff_base: Duration::from_millis(1),
            backoff_cap: Duration::from_millis(5),
        }
    }

    /// The targets as a channel, fed by a task (as a table scan feeds a broadcast).
    fn feed(ids: Vec<Target>) -> tokio::sync::mpsc::Receiver<Target> {
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        tokio::spawn(async move {
            for t in ids {
                if tx.send(t).await.is_err() {
                    break;
                }
            }
        });
        rx
    }

    fn route(fake: Arc<Fake>, gone: Arc<Gone>) -> Route {
        Route { poster: fake, on_gone: gone }
    }

    async fn go(
        fake: Arc<Fake>,
        n: usize,
        stop: Arc<AtomicBool>,
    ) -> (Totals, Option<Stop>, Vec<TargetResult>, Arc<Gone>) {
        let gone = Arc::new(Gone::default());
        let ids: Vec<Target> = (0..n).map(|i| Target::new(format!("c{i}="), 0)).collect();
        let mut results = vec![];
        let sender = Sender {
            routes: vec![route(fake, gone.clone())],
            opts: opts(),
            progress: Arc::new(Progress::default()),
            stop,
        };
        let r = run(sender, feed(ids), Arc::from(&b"hi"[..]), |_, r| results.push(r.clone())).await;
        assert_eq!(r.by_route, vec![r.totals]);
        (r.totals, r.stopped, results, gone)
    }

    #[tokio::test]
    async fn accounting_is_exact_with_retries_gone_and_failures() {
        let fake = Arc::new(Fake::default());
        {
            let mut s = fake.script.lock().unwrap();
            s.insert("c1=".into(), vec![ConnError::Throttled("x".into()), ConnError::Throttled("x".into())]);
            s.insert("c2=".into(), vec![ConnError::Gone]);
            s.insert("c3=".into(), vec![ConnError::Transient("500".into()); 5]);
            s.insert("c4=".into(), vec![ConnError::Other("400".into())]);
            s.insert("c5=".into(), vec![ConnError::MaybeDelivered("reset".into())]);
        }
        let (t, stop, results, gone) = go(fake.clone(), 100, Arc::new(AtomicBool::new(false))).await;
        assert_eq!(stop, None);
        assert_eq!(t, Totals { targets: 100, delivered: 96, gone: 1, failed: 3, maybe_delivered: 1, not_attempted: 0 });
        assert_eq!(results.len(), 100);
        assert_eq!(gone.0.lock().unwrap().clone(), vec!["c2=".to_string()]);
        let c1 = results.iter().find(|r| r.connection_id == "c1=").unwrap();
        assert_eq!((c1.outcome, c1.attempts), (Outcome::Delivered, 3));
        let c3 = results.iter().find(|r| r.connection_id == "c3=").unwrap();
        assert_eq!((c3.outcome, c3.attempts), (Outcome::Failed, 3), "max attempts");
        assert!(!c3.maybe_delivered);
        // Sent without an answer: never re-sent, and marked.
        let c5 = results.iter().find(|r| r.connection_id == "c5=").unwrap();
        assert_eq!((c5.outcome, c5.attempts, c5.maybe_delivered), (Outcome::Failed, 1, true));
        let line = serde_json::to_value(c5).unwrap();
        assert_eq!(line["maybe_delivered"], true);
        assert!(serde_json::to_value(c3).unwrap().get("maybe_delivered").is_none(), "only when true");
        assert!(fake.peak.load(Ordering::SeqCst) <= 8, "bounded concurrency");
    }

    #[tokio::test]
    async fn forbidden_stops_and_counts_the_rest_not_attempted() {
        let fake = Arc::new(Fake::default());
        fake.script.lock().unwrap().insert("c0=".into(), vec![ConnError::Forbidden("bad endpoint".into())]);
        let (t, stop, results, gone) = go(fake, 1000, Arc::new(AtomicBool::new(false))).await;
        assert_eq!(stop, Some(Stop::Forbidden("bad endpoint".into())));
        assert_eq!(t.delivered + t.gone + t.failed + t.not_attempted, 1000);
        assert!(t.not_attempted > 900, "{t:?}");
        assert_eq!(results.len(), 1000);
        assert!(gone.0.lock().unwrap().is_empty(), "a 403 deletes nothing");
    }

    #[tokio::test]
    async fn payload_too_large_fails_once_and_stops() {
        let fake = Arc::new(Fake::default());
        fake.script.lock().unwrap().insert("c0=".into(), vec![ConnError::PayloadTooLarge; 5]);
        let (t, stop, results, gone) = go(fake, 1000, Arc::new(AtomicBool::new(false))).await;
        assert_eq!(stop, Some(Stop::PayloadTooLarge));
        let c0 = results.iter().find(|r| r.connection_id == "c0=").unwrap();
        assert_eq!((c0.outcome, c0.attempts), (Outcome::Failed, 1), "never retried");
        assert_eq!(t.delivered + t.gone + t.failed + t.not_attempted, 1000);
        assert!(t.not_attempted > 900, "{t:?}");
        assert!(gone.0.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn interrupt_waits_for_inflight_and_accounts_exactly() {
        let fake = Arc::new(Fake::default());
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            s2.store(true, Ordering::SeqCst);
        });
        let (t, s, results, _) = go(fake.clone(), 5000, stop).await;
        assert_eq!(s, Some(Stop::Interrupted));
        assert_eq!(t.delivered + t.gone + t.failed + t.not_attempted, 5000);
        assert_eq!(t.delivered, fake.calls.load(Ordering::SeqCst), "every call made was waited for");
        assert!(t.not_attempted > 0);
        assert_eq!(results.len(), 5000);
    }

    #[tokio::test]
    async fn the_rate_cap_spreads_calls_over_time() {
        let fake = Arc::new(Fake::default());
        let ids: Vec<Target> = (0..41).map(|i| Target::new(format!("c{i}="), 0)).collect();
        let mut o = opts();
        o.max_rps = 200.0;
        let progress = Arc::new(Progress::default());
        let sender = Sender {
            routes: vec![route(fake.clone(), Arc::new(Gone::default()))],
            opts: o,
            progress,
            stop: Arc::new(AtomicBool::new(false)),
        };
        let t0 = Instant::now();
        let t = run(sender, feed(ids), Arc::from(&b"hi"[..]), |_, _| {}).await.totals;
        let took = t0.elapsed();
        assert_eq!(t.delivered, 41);
        // 40 intervals of 5 ms, less the pacing slack.
        assert!(took >= Duration::from_millis(190), "41 calls at 200/s took {took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }

    #[tokio::test]
    async fn sending_starts_before_the_targets_are_all_read_and_memory_stays_bounded() {
        let fake = Arc::new(Fake::default());
        let progress = Arc::new(Progress::default());
        let (tx, rx) = tokio::sync::mpsc::channel(100);
        let sender = Sender {
            routes: vec![route(fake.clone(), Arc::new(Gone::default()))],
            opts: opts(),
            progress: progress.clone(),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let engine = tokio::spawn(run(sender, rx, Arc::from(&b"hi"[..]), |_, _| {}));
        // The reader holds back one target until the first ones were sent.
        for i in 0..10 {
            tx.send(Target::new(format!("a{i}="), 0)).await.unwrap();
        }
        let t0 = Instant::now();
        while fake.calls.load(Ordering::SeqCst) < 10 {
            assert!(t0.elapsed() < Duration::from_secs(5), "nothing sent while the reader is open");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        // Many more: the engine never holds more than its bound beyond what it finished.
        let mut most_ahead = 0;
        for i in 0..5_000 {
            tx.send(Target::new(format!("b{i}="), 0)).await.unwrap();
            let ahead = progress.read.load(Ordering::Relaxed) - progress.done.load(Ordering::Relaxed);
            most_ahead = most_ahead.max(ahead);
        }
        drop(tx);
        let r = engine.await.unwrap();
        assert_eq!((r.totals.targets, r.totals.delivered), (5_010, 5_010));
        assert!(most_ahead as usize <= QUEUED + 8 + 1, "held {most_ahead} targets ahead");
    }

    #[tokio::test]
    async fn each_target_goes_by_its_route_and_is_counted_there() {
        let (a, b) = (Arc::new(Fake::default()), Arc::new(Fake::default()));
        let (gone_a, gone_b) = (Arc::new(Gone::default()), Arc::new(Gone::default()));
        b.script.lock().unwrap().insert("b1=".into(), vec![ConnError::Gone]);
        let sender = Sender {
            routes: vec![route(a.clone(), gone_a.clone()), route(b.clone(), gone_b.clone())],
            opts: opts(),
            progress: Arc::new(Progress::default()),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let ids = vec![Target::new("a1=", 0), Target::new("b1=", 1), Target::new("a2=", 0), Target::new("b2=", 1)];
        let mut seen = vec![];
        let r =
            run(sender, feed(ids), Arc::from(&b"hi"[..]), |route, t| seen.push((route, t.connection_id.clone()))).await;
        assert_eq!((a.calls.load(Ordering::SeqCst), b.calls.load(Ordering::SeqCst)), (2, 2));
        assert_eq!(r.by_route[0], Totals { targets: 2, delivered: 2, ..Totals::default() });
        assert_eq!(r.by_route[1], Totals { targets: 2, delivered: 1, gone: 1, ..Totals::default() });
        assert_eq!(r.totals.targets, 4);
        assert!(gone_a.0.lock().unwrap().is_empty());
        assert_eq!(gone_b.0.lock().unwrap().clone(), vec!["b1=".to_string()], "the 410 of its own route");
        seen.sort();
        assert_eq!(seen, vec![(0, "a1=".into()), (0, "a2=".into()), (1, "b1=".into()), (1, "b2=".into())]);
    }

    #[tokio::test]
    async fn a_stop_tells_the_reader_and_the_rest_read_is_not_attempted() {
        let fake = Arc::new(Fake::default());
        fake.script.lock().unwrap().insert("c0=".into(), vec![ConnError::Forbidden("no".into())]);
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        let reader_stop = stop.clone();
        // A reader that stops when told (as the table scan does), after the current page.
        let reader = tokio::spawn(async move {
            let mut sent = 0u64;
            for i in 0..1_000_000 {
                if reader_stop.load(Ordering::Relaxed) {
                    break;
                }
                if tx.send(Target::new(format!("c{i}="), 0)).await.is_err() {
                    break;
                }
                sent += 1;
            }
            sent
        });
        let sender = Sender {
            routes: vec![route(fake, Arc::new(Gone::default()))],
            opts: opts(),
            progress: Arc::new(Progress::default()),
            stop: stop.clone(),
        };
        let mut n = 0u64;
        let r = run(sender, rx, Arc::from(&b"hi"[..]), |_, _| n += 1).await;
        let sent = reader.await.unwrap();
        assert_eq!(r.stopped, Some(Stop::Forbidden("no".into())));
        assert!(stop.load(Ordering::SeqCst), "the reader is told");
        assert!(sent < 1_000_000, "the reader stopped early");
        let t = r.totals;
        assert_eq!(t.targets, sent, "every target read is accounted for");
        assert_eq!(n, sent);
        assert_eq!(t.delivered + t.gone + t.failed + t.not_attempted, sent);
    }

    #[test]
    fn a_gone_record_is_removable_only_past_the_minimum_age() {
        let t0 = 1_800_000_000_000;
        assert!(!gone_record_removable(t0, t0, GONE_MIN_AGE_MS), "still in $connect");
        assert!(!gone_record_removable(t0, t0 + GONE_MIN_AGE_MS - 1, GONE_MIN_AGE_MS));
        assert!(gone_record_removable(t0, t0 + GONE_MIN_AGE_MS, GONE_MIN_AGE_MS));
        assert!(!gone_record_removable(t0, t0 - 5_000, GONE_MIN_AGE_MS), "a clock behind the record's");
        assert!(gone_record_removable(t0, t0, 0), "no minimum: any 410 removes");
    }
}
