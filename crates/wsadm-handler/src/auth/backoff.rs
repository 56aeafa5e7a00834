//! Exponential back-off for the key sources (JWKS, Secrets Manager): after a failed load no new
//! attempt for 1 s, then 2, 4, … up to 60 s, so an outage of the source costs one slow `$connect`
//! per interval instead of every one.

use std::time::Duration;

const FIRST_DELAY: Duration = Duration::from_secs(1);
pub(super) const MAX_DELAY: Duration = Duration::from_secs(60);

/// Failures since the last success and when the next attempt is allowed (clock milliseconds).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Backoff {
    failures: u32,
    retry_at_ms: i64,
}

impl Backoff {
    /// Whether a load may be attempted at `now_ms`.
    pub(super) fn may_try(&self, now_ms: i64) -> bool {
        self.failures == 0 || now_ms >= self.retry_at_ms
    }

    /// Records a failed load at `now_ms`; returns the delay before the next attempt.
    pub(super) fn failed(&mut self, now_ms: i64) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let delay = FIRST_DELAY.saturating_mul(1 << (self.failures - 1).min(16)).min(MAX_DELAY);
        self.retry_at_ms = now_ms.saturating_add(delay.as_millis() as i64);
        delay
    }

    pub(super) fn succeeded(&mut self) {
        *self = Backoff::default();
    }

    pub(super) fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_from_one_second_up_to_a_minute_and_resets_on_success() {
        let mut backoff = Backoff::default();
        assert!(backoff.may_try(0));
        let delays: Vec<u64> = (0..9).map(|_| backoff.failed(1_000).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff.failures(), 9);

        let mut backoff = Backoff::default();
        backoff.failed(10_000);
        assert!(!backoff.may_try(10_999));
        assert!(backoff.may_try(11_000));
        backoff.failed(11_000);
        assert!(!backoff.may_try(12_999) && backoff.may_try(13_000));
        backoff.succeeded();
        assert!(backoff.may_try(0));
        assert_eq!(backoff.failed(20_000), Duration::from_secs(1));
    }

    #[test]
    fn many_failures_do_not_overflow() {
        let mut backoff = Backoff::default();
        for _ in 0..100 {
            assert!(backoff.failed(i64::MAX - 1) <= MAX_DELAY);
        }
        assert!(!backoff.may_try(i64::MAX - 2));
    }
}
