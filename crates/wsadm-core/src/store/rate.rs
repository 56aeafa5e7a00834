//! The per-user send budget: a token bucket shared by all of one user's connections. API
//! Gateway throttles per route and stage, not per user, so without it one user (or one stolen
//! token on many connections) can spend the whole stage's budget.
//!
//! State: one item per user, `user#ID` / `rate`, holding `tokens` (thousandths of a message:
//! an integer, so the stored value compares exactly), `at` (epoch ms of the last refill) and
//! `ver`. A send reads it (consistently), refills `per_sec` a second up to `burst`, and takes
//! one message by writing the new state on condition that `ver` is still the one it read
//! (optimistic concurrency); a lost race reads again, a bounded number of times. A refusal
//! writes nothing: a refused message costs no budget.
//!
//! Closed when in doubt. When every race is lost (the user sends from many connections at
//! once, the very case the limit is for), the send is refused as rate limited; a store error
//! goes to the caller, and the chat handler answers it with a 5xx and sends nothing. Failing
//! open would let exactly that traffic through unlimited: a burst that contends on, or
//! throttles, this one hot item.

use super::item::{condition_failed, get_n, n, user_key};
use super::{SessionStore, TTL_ATTRIBUTE};
use crate::{AwsResultExt, Error};
use std::time::Duration;

const SK_RATE: &str = "rate";
/// One message, in the bucket's unit.
const ONE: i64 = 1000;
const MAX_ATTEMPTS: u32 = 6;

/// A user's budget: `per_sec` messages a second on average, `burst` at once. `per_sec <= 0` is off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_sec: f64,
    pub burst: u32,
}

impl RateLimit {
    pub fn is_off(&self) -> bool {
        self.per_sec <= 0.0 || !self.per_sec.is_finite()
    }

    /// How long one message takes to refill.
    fn one_message_ms(&self) -> u64 {
        (ONE as f64 / self.per_sec).ceil() as u64
    }
}

/// Whether a message may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Allowed,
    /// Over the budget; a message will be allowed again in `retry_after_ms`.
    Limited {
        retry_after_ms: u64,
    },
}

/// A bucket's state: `milli` thousandths of a message, as of `at_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub milli: i64,
    pub at_ms: i64,
}

/// Takes one message from the bucket (a missing bucket is full): the new state, or how long
/// until one message is there. A clock that went back refills nothing.
pub fn take(prev: Option<Bucket>, now_ms: i64, limit: RateLimit) -> Result<Bucket, u64> {
    let full = i64::from(limit.burst) * ONE;
    let b = match prev {
        None => Bucket { milli: full, at_ms: now_ms },
        Some(b) => {
            // per_sec messages a second = per_sec thousandths a millisecond.
            let refill = ((now_ms - b.at_ms).max(0) as f64 * limit.per_sec) as i64;
            Bucket { milli: b.milli.saturating_add(refill).min(full), at_ms: b.at_ms.max(now_ms) }
        }
    };
    if b.milli >= ONE {
        Ok(Bucket { milli: b.milli - ONE, ..b })
    } else {
        Err(((ONE - b.milli) as f64 / limit.per_sec).ceil() as u64)
    }
}

impl SessionStore {
    /// Takes one message from `user_id`'s budget at `now_ms`.
    pub async fn take_send_token(&self, user_id: &str, now_ms: i64, limit: RateLimit) -> Result<Admit, Error> {
        if limit.is_off() {
            return Ok(Admit::Allowed);
        }
        // Refilled after this long the bucket is full, the same as no item.
        let ttl_secs = (f64::from(limit.burst) / limit.per_sec).ceil() as i64 + 3600;
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(1 + rand::random::<u64>() % (4 * u64::from(attempt)))).await;
            }
            let item = self.read_item(user_key(user_id, SK_RATE)).await?;
            let (prev, version) = match &item {
                Some(item) => {
                    let b = Bucket { milli: get_n(item, "tokens").unwrap_or(0), at_ms: get_n(item, "at").unwrap_or(0) };
                    (Some(b), get_n(item, "ver"))
                }
                None => (None, None),
            };
            let next = match take(prev, now_ms, limit) {
                Ok(b) => b,
                Err(retry_after_ms) => return Ok(Admit::Limited { retry_after_ms }),
            };
            let mut req = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(user_key(user_id, SK_RATE)))
                .update_expression("SET tokens = :t, #at = :at, ver = :next, #ttl = :ttl")
                .expression_attribute_names("#at", "at")
                .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                .expression_attribute_values(":t", n(next.milli))
                .expression_attribute_values(":at", n(next.at_ms))
                .expression_attribute_values(":next", n(version.unwrap_or(0) + 1))
                .expression_attribute_values(":ttl", n(now_ms / 1000 + ttl_secs));
            req = match version {
                Some(v) => req.condition_expression("ver = :v").expression_attribute_values(":v", n(v)),
                None => req.condition_expression("attribute_not_exists(ver)"),
            };
            match req.send().await.ctx("UpdateItem") {
                Ok(_) => return Ok(Admit::Allowed),
                Err(e) if condition_failed(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        // Every race lost: this user is sending from many connections at once. Closed (see above).
        Ok(Admit::Limited { retry_after_ms: limit.one_message_ms() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000;

    #[test]
    fn burst_then_refill_at_the_rate() {
        let lim = RateLimit { per_sec: 10.0, burst: 3 };
        let mut b = None;
        for _ in 0..3 {
            b = Some(take(b, T0, lim).expect("within the burst"));
        }
        assert_eq!(take(b, T0, lim), Err(100), "one message refills in 100 ms");
        assert_eq!(take(b, T0 + 40, lim), Err(60));
        let after = take(b, T0 + 100, lim).expect("refilled");
        assert_eq!(after, Bucket { milli: 0, at_ms: T0 + 100 });
        // A long pause refills to the burst, never above.
        let full = take(Some(after), T0 + 3_600_000, lim).unwrap();
        assert_eq!(full.milli, 2 * ONE);
    }

    #[test]
    fn a_clock_going_back_refills_nothing() {
        let lim = RateLimit { per_sec: 1.0, burst: 1 };
        let b = take(None, T0, lim).unwrap();
        assert_eq!(take(Some(b), T0 - 5_000, lim), Err(1000));
        assert_eq!(take(Some(b), T0 + 999, lim), Err(1));
    }

    #[test]
    fn fractional_rates() {
        let lim = RateLimit { per_sec: 0.5, burst: 1 };
        let b = take(None, T0, lim).unwrap();
        assert_eq!(take(Some(b), T0, lim), Err(2000));
        assert!(take(Some(b), T0 + 2000, lim).is_ok());
        assert!(RateLimit { per_sec: 0.0, burst: 5 }.is_off());
    }
}
