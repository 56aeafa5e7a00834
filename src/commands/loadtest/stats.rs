//! What the connection tasks count, shared with the run: connection states, counters,
//! latency histograms, errors by kind, and why each failed connection failed.

use super::histogram::Histogram;
use crate::ws;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;

// A connection's state (`Stats::state`).
const PENDING: u8 = 0;
pub(super) const READY: u8 = 1;
const FAILED: u8 = 2;
pub(super) const DROPPED: u8 = 3;
pub(super) const DONE: u8 = 4;

#[derive(Default)]
pub(super) struct ErrorCounts {
    pub(super) connect_failures: BTreeMap<String, u64>,
    pub(super) connect_retries: BTreeMap<String, u64>,
    pub(super) closes: BTreeMap<String, u64>,
    pub(super) frames: BTreeMap<String, u64>,
}

pub(super) struct Stats {
    pub(super) settled: AtomicU64,
    pub(super) opened: AtomicU64,
    pub(super) ready: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) dropped: AtomicU64,
    pub(super) sent: AtomicU64,
    /// Messages handed to connection tasks (a handed one may not be `sent` yet).
    pub(super) issued: AtomicU64,
    pub(super) acked: AtomicU64,
    pub(super) rejected: AtomicU64,
    pub(super) claimed: AtomicU64,
    pub(super) delivered: AtomicU64,
    pub(super) frames: AtomicU64,
    pub(super) reached: AtomicU64,
    pub(super) connect: Mutex<Histogram>,
    pub(super) join: Mutex<Histogram>,
    pub(super) ack: Mutex<Histogram>,
    pub(super) rtt: Mutex<Histogram>,
    pub(super) errors: Mutex<ErrorCounts>,
    pub(super) received: Vec<AtomicU64>,
    pub(super) state: Vec<AtomicU8>,
    pub(super) notes: Mutex<BTreeMap<usize, String>>,
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Stats {
    pub(super) fn new(n: usize) -> Self {
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

    pub(super) fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
        *map.entry(key.to_string()).or_default() += 1;
    }

    pub(super) fn ready(&self, i: usize) {
        self.state[i].store(READY, Ordering::Release);
        self.ready.fetch_add(1, Ordering::AcqRel);
        self.settled.fetch_add(1, Ordering::AcqRel);
    }

    /// Failed before it was ready.
    pub(super) fn fail(&self, i: usize, why: &str) {
        self.state[i].store(FAILED, Ordering::Release);
        self.failed.fetch_add(1, Ordering::AcqRel);
        self.settled.fetch_add(1, Ordering::AcqRel);
        lock(&self.notes).insert(i, why.to_string());
    }

    /// Lost after it was ready.
    pub(super) fn drop_conn(&self, i: usize, code: u16, why: String) {
        self.state[i].store(DROPPED, Ordering::Release);
        self.ready.fetch_sub(1, Ordering::AcqRel);
        self.dropped.fetch_add(1, Ordering::AcqRel);
        Stats::bump(&mut lock(&self.errors).closes, &format!("{code} {}", ws::close_meaning(code)));
        lock(&self.notes).insert(i, why);
    }
}
