//! A latency histogram with fixed memory, and the percentiles it reports.

use serde::Serialize;
use std::time::Duration;

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
}
