//! Token buckets, as API Gateway throttles: a steady rate and a burst.

use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    /// `rate` tokens per second, holding at most `burst` (at least 1).
    pub fn new(rate: f64, burst: f64) -> Self {
        let burst = burst.max(1.0);
        TokenBucket { rate: rate.max(0.0), burst, state: Mutex::new((burst, Instant::now())) }
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// Takes one token if there is one.
    pub fn try_take(&self) -> bool {
        self.try_take_at(Instant::now())
    }

    fn try_take_at(&self, now: Instant) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = now.saturating_duration_since(s.1).as_secs_f64();
        s.0 = (s.0 + elapsed * self.rate).min(self.burst);
        s.1 = now;
        if s.0 >= 1.0 {
            s.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_rate() {
        let b = TokenBucket::new(10.0, 3.0);
        let t0 = Instant::now();
        assert!(b.try_take_at(t0) && b.try_take_at(t0) && b.try_take_at(t0));
        assert!(!b.try_take_at(t0), "burst spent");
        assert!(!b.try_take_at(t0 + Duration::from_millis(50)));
        assert!(b.try_take_at(t0 + Duration::from_millis(110)), "one token per 100 ms");
        assert!(b.try_take_at(t0 + Duration::from_secs(10)) && b.try_take_at(t0 + Duration::from_secs(10)));
        assert!(b.try_take_at(t0 + Duration::from_secs(10)));
        assert!(!b.try_take_at(t0 + Duration::from_secs(10)), "refill capped at burst");
        let zero = TokenBucket::new(0.0, 0.0);
        assert!(zero.try_take_at(t0) && !zero.try_take_at(t0 + Duration::from_secs(5)));
    }
}
