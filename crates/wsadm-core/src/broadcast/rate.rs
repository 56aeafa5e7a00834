//! How fast a broadcast sends: the rate controller, the pacer that spaces calls by its rate,
//! and the backoff of one target's retries.
//!
//! @connections calls count against the account's API Gateway limit (10,000 requests a second,
//! burst 5,000, per account and region), which production traffic shares: every 429 a
//! broadcast provokes is a request a user's message may have lost. The controller therefore
//! moves per unit of time, not per answer. The rate rises by a fixed step (0.5% of the cap)
//! once per 100 ms window in which calls succeeded and none was throttled, and falls by 15% at
//! most once per window, and only for a 429 to a call sent after the last cut (one sent before
//! it says nothing about the new rate). Raising it per success, as before, undid a cut within a
//! few milliseconds at 2,000 calls a second: under a 2,000 rps limit a quarter of all calls
//! were 429s. Now it settles in a shallow sawtooth just under the limit, with a few 429s per
//! second of sending. A cut after a throttled window goes straight to the rate that window let
//! through, so the end of a start-up burst costs two windows of 429s, not five.
//! `--max-rps` is a hard cap: the rate never goes above it.

use std::time::{Duration, Instant};

/// The controller's unit of time: at most one increase or one decrease per window.
pub const WINDOW: Duration = Duration::from_millis(100);
/// A cut keeps this share of the rate.
const DECREASE: f64 = 0.85;
/// The increase per window, as a share of the cap: from a cut back to the cap in about 3 s.
const STEP_OF_CAP: f64 = 1.0 / 200.0;

/// The additive-increase / multiplicative-decrease rate controller (calls per second).
#[derive(Debug, Clone)]
pub struct Aimd {
    rate: f64,
    max: f64,
    min: f64,
    step: f64,
    window_start: Instant,
    ok_in_window: bool,
    throttled_in_window: bool,
    last_decrease: Option<Instant>,
    /// Calls started in the current window, and the rate they were started at in the last
    /// full window: when other limits (concurrency, latency) hold the calls below the nominal
    /// rate, a cut starts from what was really sent.
    started_in_window: u64,
    sent_rate: Option<f64>,
    /// Calls answered without a throttle in the current window, and that rate in the last full
    /// window: under a throttle, what it lets through.
    ok_count_in_window: u64,
    accepted_rate: Option<f64>,
    /// Answers to calls sent since the last cut: the share let through, once there are enough,
    /// says where the throttle is without waiting a whole window.
    ok_since_cut: u64,
    throttled_since_cut: u64,
}

/// Answers to calls sent since a cut needed before their share is trusted.
const SHARE_SAMPLE: u64 = 20;

impl Aimd {
    /// Starts at the cap `max`, at `now`.
    pub fn new(max: f64, now: Instant) -> Self {
        Aimd {
            rate: max,
            max,
            min: (max / 100.0).max(1.0).min(max),
            step: (max * STEP_OF_CAP).max(0.01),
            window_start: now,
            ok_in_window: false,
            throttled_in_window: false,
            last_decrease: None,
            started_in_window: 0,
            sent_rate: None,
            ok_count_in_window: 0,
            accepted_rate: None,
            ok_since_cut: 0,
            throttled_since_cut: 0,
        }
    }

    /// The current rate, never above the cap.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Closes the windows that ended by `now`: one that saw successes and no 429 raises the
    /// rate one step. Windows without calls change nothing (no evidence either way).
    fn roll(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.window_start);
        if elapsed < WINDOW {
            return;
        }
        if self.ok_in_window && !self.throttled_in_window {
            self.rate = (self.rate + self.step).min(self.max);
        }
        self.ok_in_window = false;
        self.throttled_in_window = false;
        let windows = u32::try_from(elapsed.as_nanos() / WINDOW.as_nanos()).unwrap_or(u32::MAX);
        // Only a window right behind us tells the rate now.
        self.sent_rate = (windows == 1).then(|| self.started_in_window as f64 / WINDOW.as_secs_f64());
        self.accepted_rate = (windows == 1).then(|| self.ok_count_in_window as f64 / WINDOW.as_secs_f64());
        self.started_in_window = 0;
        self.ok_count_in_window = 0;
        self.window_start += WINDOW.saturating_mul(windows);
    }

    /// A call started at `now`.
    pub fn on_start(&mut self, now: Instant) {
        self.roll(now);
        self.started_in_window += 1;
    }

    /// A call sent at `sent_at` answered without a throttle at `now`.
    pub fn on_success(&mut self, now: Instant, sent_at: Instant) {
        self.roll(now);
        self.ok_in_window = true;
        self.ok_count_in_window += 1;
        if self.last_decrease.is_none_or(|l| sent_at >= l) {
            self.ok_since_cut += 1;
        }
    }

    /// The rate the throttle let through since the last cut, when calls sent since then were
    /// mostly throttled (a share well under the 85% a normal cut keeps).
    fn heavy_throttle(&self) -> Option<f64> {
        let n = self.ok_since_cut + self.throttled_since_cut;
        let share = self.ok_since_cut as f64 / n.max(1) as f64;
        (n >= SHARE_SAMPLE && share < DECREASE).then_some(self.rate * share)
    }

    /// A 429 at `now` for a call sent at `sent_at`: cut by 15%, at most once per window, and
    /// not again for calls sent before the last cut. When what the throttle lets through is
    /// known (the last window was throttled, or most calls since the cut were), the cut goes
    /// straight to it, and a heavy throttle is cut again before the window ends: the end of a
    /// start-up burst then costs about a round trip of 429s, not five windows.
    pub fn on_throttle(&mut self, now: Instant, sent_at: Instant) {
        self.roll(now);
        self.throttled_in_window = true;
        if self.last_decrease.is_none_or(|l| sent_at >= l) {
            self.throttled_since_cut += 1;
        }
        let heavy = self.heavy_throttle();
        if let Some(last) = self.last_decrease {
            if sent_at < last || (now.saturating_duration_since(last) < WINDOW && heavy.is_none()) {
                return;
            }
        }
        self.last_decrease = Some(now);
        let sent = self.sent_rate.filter(|r| *r > 0.0).map_or(self.rate, |r| r.min(self.rate));
        // Never below a quarter of what was sent: answers can lag the measurement.
        let floor = sent * 0.25;
        let mut rate = sent * DECREASE;
        for through in [self.accepted_rate.filter(|a| *a > 0.0), heavy].into_iter().flatten() {
            rate = rate.min(through.max(floor));
        }
        self.rate = rate.max(self.min);
        self.ok_since_cut = 0;
        self.throttled_since_cut = 0;
    }
}

/// Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^attempt)].
pub fn backoff(attempt: u32, base: Duration, cap: Duration, unit: f64) -> Duration {
    let exp = base.as_secs_f64() * 2f64.powi(attempt.min(20) as i32);
    Duration::from_secs_f64(exp.min(cap.as_secs_f64()) * unit.clamp(0.0, 1.0))
}

/// Calls whose slot is this close are started together (fewer wake-ups at high rates).
const PACING_SLACK: Duration = Duration::from_millis(2);

/// Spaces calls by the controller's rate: one slot per call.
#[derive(Debug)]
pub struct Pacer {
    pub aimd: Aimd,
    next_slot: Instant,
}

impl Pacer {
    pub fn new(aimd: Aimd, now: Instant) -> Self {
        Pacer { aimd, next_slot: now }
    }

    /// Takes the next slot if it is due by `now` (within the slack); otherwise says when it is.
    pub fn take(&mut self, now: Instant) -> Result<(), Instant> {
        if self.next_slot > now + PACING_SLACK {
            return Err(self.next_slot);
        }
        self.aimd.on_start(now);
        let earliest = now.checked_sub(PACING_SLACK).unwrap_or(now);
        self.next_slot = self.next_slot.max(earliest) + Duration::from_secs_f64(1.0 / self.aimd.rate().max(0.001));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_rate_rises_per_window_not_per_success() {
        let t0 = Instant::now();
        let mut a = Aimd::new(1000.0, t0);
        a.on_throttle(t0, t0);
        assert_eq!(a.rate(), 850.0);
        // A thousand successes inside one window: one step at most (per success, the old
        // controller, this was +1000 calls/s).
        for i in 0..1000 {
            a.on_success(t0 + 150 * MS + Duration::from_micros(i * 10), t0 + 150 * MS + Duration::from_micros(i * 10));
        }
        a.on_success(t0 + 250 * MS, t0 + 250 * MS);
        assert_eq!(a.rate(), 855.0, "the window with the cut rose nothing; the next one step");
        // Idle time is no evidence: nothing rises while nothing is sent.
        a.on_success(t0 + Duration::from_secs(60), t0 + Duration::from_secs(60));
        assert_eq!(a.rate(), 860.0, "one step for the window that had a success, none for the idle minute");
        for w in 0..1000 {
            a.on_success(t0 + Duration::from_secs(61) + WINDOW * w, t0 + Duration::from_secs(61) + WINDOW * w);
        }
        assert_eq!(a.rate(), 1000.0, "back to the cap, never above");
    }

    #[test]
    fn cuts_once_per_window_and_not_for_calls_sent_before_the_cut() {
        let t0 = Instant::now();
        let mut a = Aimd::new(1000.0, t0);
        a.on_throttle(t0 + 10 * MS, t0);
        assert_eq!(a.rate(), 850.0);
        a.on_throttle(t0 + 50 * MS, t0 + 20 * MS);
        assert_eq!(a.rate(), 850.0, "a burst of 429s in one window is one signal");
        a.on_throttle(t0 + 300 * MS, t0 + 5 * MS);
        assert_eq!(a.rate(), 850.0, "sent before the cut: says nothing about the new rate");
        a.on_throttle(t0 + 310 * MS, t0 + 200 * MS);
        assert!((a.rate() - 722.5).abs() < 1e-9, "sent after the cut, a window later: cut again ({})", a.rate());
        for i in 1..200 {
            a.on_throttle(t0 + 310 * MS + WINDOW * i, t0 + 310 * MS + WINDOW * i);
        }
        assert!((a.rate() - 10.0).abs() < 1e-9, "floor at 1% of the cap: {}", a.rate());
    }

    #[test]
    fn a_cut_starts_from_the_rate_really_sent() {
        let t0 = Instant::now();
        let mut a = Aimd::new(10_000.0, t0);
        // Other limits hold the calls at 2,000/s although the nominal rate is 10,000.
        for i in 0..200 {
            a.on_start(t0 + Duration::from_micros(i * 500));
        }
        a.on_start(t0 + 100 * MS);
        a.on_throttle(t0 + 110 * MS, t0 + 105 * MS);
        assert!((a.rate() - 1_700.0).abs() < 1e-9, "85% of the 2,000/s sent, not of 10,000: {}", a.rate());
    }

    #[test]
    fn backoff_is_full_jitter_exponential_capped() {
        let b = |n, u| backoff(n, Duration::from_millis(50), Duration::from_secs(5), u);
        assert_eq!(b(0, 1.0), Duration::from_millis(50));
        assert_eq!(b(3, 1.0), Duration::from_millis(400));
        assert_eq!(b(30, 1.0), Duration::from_secs(5));
        assert_eq!(b(3, 0.0), Duration::ZERO);
    }

    /// An account throttle: a token bucket of `rate` a second holding up to `burst`.
    struct Bucket {
        rate: f64,
        burst: f64,
        tokens: f64,
        at: Instant,
    }

    impl Bucket {
        fn take(&mut self, now: Instant) -> bool {
            self.tokens =
                (self.tokens + now.saturating_duration_since(self.at).as_secs_f64() * self.rate).min(self.burst);
            self.at = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                true
            } else {
                false
            }
        }
    }

    /// Per second of a simulated broadcast with endless targets: calls answered ok, calls answered 429.
    struct Run {
        ok: Vec<u64>,
        throttled: Vec<u64>,
        sent: Vec<u64>,
    }

    impl Run {
        fn ok_per_sec(&self, from: usize) -> f64 {
            self.ok[from..].iter().sum::<u64>() as f64 / (self.ok.len() - from) as f64
        }
        fn throttled_share(&self, from: usize) -> f64 {
            let t: u64 = self.throttled[from..].iter().sum();
            t as f64 / (t + self.ok[from..].iter().sum::<u64>()) as f64
        }
    }

    /// The engine's pacing and feedback on a simulated clock: calls start in their slots, each
    /// meets the throttle when sent and is answered `latency` later.
    fn simulate(max_rps: f64, limit: f64, burst: f64, latency: Duration, secs: u64) -> Run {
        let t0 = Instant::now();
        let end = t0 + Duration::from_secs(secs);
        let mut pacer = Pacer::new(Aimd::new(max_rps, t0), t0);
        let mut bucket = Bucket { rate: limit, burst, tokens: burst, at: t0 };
        let mut pending: BinaryHeap<Reverse<(Instant, Instant, bool)>> = BinaryHeap::new();
        let n = secs as usize;
        let mut run = Run { ok: vec![0; n], throttled: vec![0; n], sent: vec![0; n] };
        let mut now = t0;
        while now < end {
            match pacer.take(now) {
                Ok(()) => {
                    let ok = bucket.take(now);
                    let sec = (now - t0).as_secs() as usize;
                    run.sent[sec] += 1;
                    if ok {
                        run.ok[sec] += 1;
                    } else {
                        run.throttled[sec] += 1;
                    }
                    pending.push(Reverse((now + latency, now, ok)));
                }
                Err(slot) => match pending.peek() {
                    Some(Reverse((done, _, _))) if *done <= slot => {
                        let Reverse((done, sent, ok)) = pending.pop().expect("peeked");
                        now = done;
                        if ok {
                            pacer.aimd.on_success(done, sent);
                        } else {
                            pacer.aimd.on_throttle(done, sent);
                        }
                    }
                    _ => now = slot,
                },
            }
        }
        run
    }

    /// Under a 2,000 rps account throttle (30 ms away, as from an operator's laptop to the
    /// region): at least 90% of it sustained, at most 5% of calls 429, with AWS's burst and
    /// with almost none.
    #[test]
    fn settles_just_under_a_steady_throttle() {
        for burst in [5000.0, 50.0] {
            for max_rps in [5000.0, 2500.0] {
                let run = simulate(max_rps, 2000.0, burst, 30 * MS, 30);
                let (rate, share) = (run.ok_per_sec(5), run.throttled_share(5));
                let whole = run.throttled_share(0);
                let what = format!(
                    "burst {burst}, cap {max_rps}: {rate:.0} ok/s, {:.2}% 429s settled, {:.2}% over the run",
                    share * 100.0,
                    whole * 100.0
                );
                assert!(rate >= 1800.0, "{what}");
                assert!(share <= 0.05, "{what}");
                assert!(whole <= 0.05, "{what}");
            }
        }
    }

    /// A short broadcast that starts far above the throttle, as `wsadm broadcast` does (about
    /// 5,000/s really sent from a laptop against a 2,000 rps limit and its burst): the descent is
    /// quick enough that the whole run stays within 5% of calls answered 429.
    #[test]
    fn a_short_run_from_a_high_start_stays_within_five_percent() {
        for secs in [4, 8] {
            let run = simulate(5_000.0, 2000.0, 2000.0, 30 * MS, secs);
            let whole = run.throttled_share(0);
            assert!(whole <= 0.05, "{secs} s: {:.2}% 429s, per second {:?}", whole * 100.0, run.throttled);
            assert!(run.ok_per_sec(0) >= 1800.0, "{secs} s: {:.0} ok/s", run.ok_per_sec(0));
        }
    }

    /// No throttle at all: the cap holds, second by second.
    #[test]
    fn max_rps_is_a_hard_cap() {
        let run = simulate(800.0, 1e9, 1e9, 30 * MS, 10);
        for (sec, sent) in run.sent.iter().enumerate() {
            assert!(*sent <= 801, "second {sec}: {sent} calls under an 800/s cap");
            assert!(*sent >= 790, "second {sec}: {sent} calls, the cap is used");
        }
        assert_eq!(run.throttled.iter().sum::<u64>(), 0);
    }
}
