//! Fault injection and the account-level throttle, for tests and game days. Set at start
//! (`wsadm local --fail-429 0.1 ...`) and changed while running through the control endpoint:
//!
//! | request | effect |
//! |---|---|
//! | `GET /_wsadm/faults` | the current settings |
//! | `PUT /_wsadm/faults` with a partial JSON object | changes the named settings |
//! | `POST /_wsadm/drop` with `{"fraction": 0.05}` or `{"connectionIds": [...]}` | drops those open connections abruptly (no close frame, no `$disconnect`: a stale session record, as when a client vanishes) |
//! | `GET /_wsadm/connections` | the ids of the open connections |
//! | `GET /_wsadm/stats` | open connections, @connections counters, Lambda invocations in flight and throttled |

use crate::gateway::PostHook;
use crate::throttle::TokenBucket;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use wsadm_core::connections::ConnError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every @connections call (ms).
    pub connections_latency_ms: u64,
    /// Added to every integration and authorizer call (ms).
    pub integration_latency_ms: u64,
    /// Fractions (0..1) of @connections calls answered 429 / 500 / 410.
    pub fail_429: f64,
    pub fail_500: f64,
    pub fail_410: f64,
    /// Fraction of @connections posts whose target connection is dropped abruptly instead.
    pub drop_on_post: f64,
    /// The account-level throttle shared by @connections calls (AWS: 10,000 rps, burst 5,000).
    pub account_rate: f64,
    pub account_burst: f64,
    /// Lambda's concurrent executions per account (AWS: 1,000); an invocation past it is
    /// throttled, never queued, as Lambda does with a synchronous invoke.
    pub lambda_concurrency: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            connections_latency_ms: 0,
            integration_latency_ms: 0,
            fail_429: 0.0,
            fail_500: 0.0,
            fail_410: 0.0,
            drop_on_post: 0.0,
            account_rate: 10_000.0,
            account_burst: 5_000.0,
            lambda_concurrency: 1_000,
        }
    }
}

impl Faults {
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("fail429", self.fail_429),
            ("fail500", self.fail_500),
            ("fail410", self.fail_410),
            ("dropOnPost", self.drop_on_post),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{name} is a fraction between 0 and 1, not {v}"));
            }
        }
        if self.fail_429 + self.fail_500 + self.fail_410 > 1.0 {
            return Err("fail429 + fail500 + fail410 must not exceed 1".into());
        }
        if self.account_rate <= 0.0 || self.account_burst < 1.0 {
            return Err("accountRate must be positive and accountBurst at least 1".into());
        }
        if self.lambda_concurrency == 0 {
            return Err("lambdaConcurrency must be at least 1".into());
        }
        Ok(())
    }
}

/// What an @connections call should do, decided before it touches the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Proceed,
    /// Drop the target connection abruptly, then answer 410.
    Drop,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    pub calls: AtomicU64,
    pub throttled: AtomicU64,
    pub injected_429: AtomicU64,
    pub injected_500: AtomicU64,
    pub injected_410: AtomicU64,
    pub dropped: AtomicU64,
    /// Lambda invocations running now, and those refused by the concurrency limit (reported
    /// apart from the @connections counters).
    #[serde(skip)]
    pub lambda_in_flight: AtomicU64,
    #[serde(skip)]
    pub lambda_throttled: AtomicU64,
}

/// A running invocation's place under the concurrency limit, given back when dropped.
pub struct InvocationSlot<'a>(&'a Counters);

impl Drop for InvocationSlot<'_> {
    fn drop(&mut self) {
        self.0.lambda_in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

pub struct FaultState {
    faults: RwLock<Faults>,
    account: RwLock<Arc<TokenBucket>>,
    pub counters: Counters,
}

impl FaultState {
    pub fn new(faults: Faults) -> Self {
        let bucket = Arc::new(TokenBucket::new(faults.account_rate, faults.account_burst));
        FaultState { faults: RwLock::new(faults), account: RwLock::new(bucket), counters: Counters::default() }
    }

    pub fn get(&self) -> Faults {
        self.faults.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Applies a partial update (a JSON object with some of the fields).
    pub fn update(&self, patch: serde_json::Value) -> Result<Faults, String> {
        let mut merged = serde_json::to_value(self.get()).map_err(|e| e.to_string())?;
        let (Some(m), Some(p)) = (merged.as_object_mut(), patch.as_object()) else {
            return Err("send a JSON object with the settings to change".into());
        };
        for (k, v) in p {
            m.insert(k.clone(), v.clone());
        }
        let next: Faults = serde_json::from_value(merged).map_err(|e| e.to_string())?;
        next.validate()?;
        let mut cur = self.faults.write().unwrap_or_else(|e| e.into_inner());
        if cur.account_rate != next.account_rate || cur.account_burst != next.account_burst {
            *self.account.write().unwrap_or_else(|e| e.into_inner()) =
                Arc::new(TokenBucket::new(next.account_rate, next.account_burst));
        }
        *cur = next.clone();
        Ok(next)
    }

    /// A place for one Lambda invocation, or None when the account's concurrency is in use.
    pub fn start_invocation(&self) -> Option<InvocationSlot<'_>> {
        let limit = self.get().lambda_concurrency;
        let c = &self.counters;
        if c.lambda_in_flight.fetch_add(1, Ordering::AcqRel) >= limit {
            c.lambda_in_flight.fetch_sub(1, Ordering::AcqRel);
            c.lambda_throttled.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        Some(InvocationSlot(c))
    }

    pub fn integration_latency(&self) -> Duration {
        Duration::from_millis(self.get().integration_latency_ms)
    }

    /// The account throttle, latency and injected failures for one @connections call.
    pub async fn check(&self, is_post: bool) -> Result<Verdict, ConnError> {
        let f = self.get();
        self.counters.calls.fetch_add(1, Ordering::Relaxed);
        if f.connections_latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.connections_latency_ms)).await;
        }
        let bucket = self.account.read().unwrap_or_else(|e| e.into_inner()).clone();
        if !bucket.try_take() {
            self.counters.throttled.fetch_add(1, Ordering::Relaxed);
            return Err(ConnError::Throttled("Too Many Requests (account throttle)".into()));
        }
        let roll: f64 = rand::random();
        if roll < f.fail_429 {
            self.counters.injected_429.fetch_add(1, Ordering::Relaxed);
            return Err(ConnError::Throttled("injected 429".into()));
        }
        if roll < f.fail_429 + f.fail_500 {
            self.counters.injected_500.fetch_add(1, Ordering::Relaxed);
            return Err(ConnError::Transient("injected 500".into()));
        }
        if roll < f.fail_429 + f.fail_500 + f.fail_410 {
            self.counters.injected_410.fetch_add(1, Ordering::Relaxed);
            return Err(ConnError::Gone);
        }
        if is_post && f.drop_on_post > 0.0 && rand::random::<f64>() < f.drop_on_post {
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
            return Ok(Verdict::Drop);
        }
        Ok(Verdict::Proceed)
    }
}

#[async_trait]
impl PostHook for FaultState {
    async fn before_post(&self) -> Result<(), ConnError> {
        // Handler fan-out shares the account throttle and failures; drops are for @connections callers.
        self.check(false).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_updates_are_validated() {
        let s = FaultState::new(Faults::default());
        let f = s.update(serde_json::json!({"fail429": 0.1, "connectionsLatencyMs": 30})).unwrap();
        assert_eq!((f.fail_429, f.connections_latency_ms, f.account_rate), (0.1, 30, 10_000.0));
        assert!(s.update(serde_json::json!({"fail500": 1.5})).is_err());
        assert!(s.update(serde_json::json!({"fail410": 0.95})).is_err(), "sum over 1");
        assert!(s.update(serde_json::json!({"nonsense": 1})).is_err());
        assert_eq!(s.get().fail_429, 0.1, "a refused update changes nothing");
    }

    #[test]
    fn the_lambda_concurrency_limit_throttles_and_gives_places_back() {
        let s = FaultState::new(Faults { lambda_concurrency: 2, ..Faults::default() });
        let (a, b) = (s.start_invocation(), s.start_invocation());
        assert!(a.is_some() && b.is_some());
        assert!(s.start_invocation().is_none(), "the third is throttled");
        drop(a);
        assert!(s.start_invocation().is_some(), "a finished invocation gives its place back");
        assert_eq!(s.counters.lambda_throttled.load(Ordering::Relaxed), 1);
        assert!(s.update(serde_json::json!({"lambdaConcurrency": 0})).is_err());
        drop(b);
        assert_eq!(s.counters.lambda_in_flight.load(Ordering::Relaxed), 0);
    }

    #[tokio::test]
    async fn injected_failures_and_account_throttle() {
        let s = FaultState::new(Faults { fail_410: 1.0, ..Faults::default() });
        assert_eq!(s.check(true).await, Err(ConnError::Gone));
        s.update(serde_json::json!({"fail410": 0.0, "accountRate": 1.0, "accountBurst": 2.0})).unwrap();
        assert!(s.check(true).await.is_ok() && s.check(true).await.is_ok());
        assert!(matches!(s.check(true).await, Err(ConnError::Throttled(_))), "burst of 2 spent");
        assert_eq!(s.counters.throttled.load(Ordering::Relaxed), 1);
    }
}
