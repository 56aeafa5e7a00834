//! One dimension set's metrics over the window: a total (counts) or an average (latency) and the
//! per-period points behind it. A metric without datapoints has no value (`None`, "no data"),
//! which is not the same as 0: API Gateway publishes nothing for a stage without traffic.

use super::catalog::{Metric, Stat, METRICS};
use super::fetch::Read;
use crate::logs::time::iso;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub timestamp: String,
    pub timestamp_ms: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSummary {
    pub metric: Metric,
    /// `count` or `ms`.
    pub unit: &'static str,
    /// How `value` is made: `Sum` of the periods, or `Average` of every sample.
    pub statistic: &'static str,
    /// The window's sum (counts) or average (latency); null when there is no datapoint.
    pub value: Option<f64>,
    /// Latency: the highest per-period p99 (a percentile of the whole window cannot be made
    /// from the periods'); null without data or when the endpoint computes no percentiles.
    pub p99: Option<f64>,
    /// Latency: the highest value of any period.
    pub max: Option<f64>,
    /// Latency: how many requests were timed.
    pub samples: Option<f64>,
    /// Periods with a datapoint.
    pub datapoints: usize,
    /// Per period: the sum (counts) or the average (latency).
    pub points: Vec<Point>,
}

impl MetricSummary {
    pub fn has_data(&self) -> bool {
        self.value.is_some()
    }
}

fn points(series: &[(i64, f64)]) -> Vec<Point> {
    series.iter().map(|(t, v)| Point { timestamp: iso(*t), timestamp_ms: *t, value: *v }).collect()
}

fn max_of(series: Option<&Vec<(i64, f64)>>) -> Option<f64> {
    series.and_then(|s| s.iter().map(|(_, v)| *v).reduce(f64::max))
}

/// The six metrics of dimension set `set` (an index into the sets [`super::read`] was given).
pub fn summarize(read: &Read, set: usize) -> Vec<MetricSummary> {
    let get = |m: Metric, s: Stat| read.series.get(&(set, m, s));
    METRICS
        .into_iter()
        .map(|m| {
            if !m.is_latency() {
                let s = get(m, Stat::Sum);
                return MetricSummary {
                    metric: m,
                    unit: "count",
                    statistic: "Sum",
                    value: s.map(|s| s.iter().map(|(_, v)| v).sum()),
                    p99: None,
                    max: None,
                    samples: None,
                    datapoints: s.map_or(0, Vec::len),
                    points: s.map(|s| points(s)).unwrap_or_default(),
                };
            }
            let avg = get(m, Stat::Average);
            let counts: BTreeMap<i64, f64> = get(m, Stat::SampleCount).into_iter().flatten().copied().collect();
            let (mut weighted, mut n) = (0.0, 0.0);
            for (t, a) in avg.into_iter().flatten() {
                let c = counts.get(t).copied().unwrap_or(1.0);
                weighted += a * c;
                n += c;
            }
            MetricSummary {
                metric: m,
                unit: "ms",
                statistic: "Average",
                value: (n > 0.0).then(|| weighted / n),
                p99: max_of(get(m, Stat::P99)),
                max: max_of(get(m, Stat::Maximum)),
                samples: (!counts.is_empty()).then(|| counts.values().sum()),
                datapoints: avg.map_or(0, Vec::len),
                points: avg.map(|s| points(s)).unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_datapoint_is_no_data_and_zero_is_zero() {
        let mut read = Read::default();
        read.series.insert((0, Metric::MessageCount, Stat::Sum), vec![(0, 3.0), (60_000, 4.0)]);
        read.series.insert((0, Metric::ClientError, Stat::Sum), vec![(0, 0.0)]);
        read.series.insert((0, Metric::IntegrationLatency, Stat::Average), vec![(0, 10.0), (60_000, 40.0)]);
        read.series.insert((0, Metric::IntegrationLatency, Stat::SampleCount), vec![(0, 3.0), (60_000, 1.0)]);
        read.series.insert((0, Metric::IntegrationLatency, Stat::Maximum), vec![(0, 15.0), (60_000, 40.0)]);
        let s = summarize(&read, 0);
        let by = |m: Metric| s.iter().find(|x| x.metric == m).unwrap();
        assert_eq!(by(Metric::MessageCount).value, Some(7.0));
        assert_eq!(by(Metric::MessageCount).points.len(), 2);
        assert_eq!(by(Metric::ClientError).value, Some(0.0), "a published 0 is a 0");
        assert_eq!(by(Metric::ConnectCount).value, None, "nothing published is no data");
        assert_eq!(by(Metric::ConnectCount).datapoints, 0);
        let lat = by(Metric::IntegrationLatency);
        assert_eq!(lat.value, Some((10.0 * 3.0 + 40.0) / 4.0), "weighted by samples");
        assert_eq!((lat.max, lat.p99, lat.samples), (Some(40.0), None, Some(4.0)));
        assert!(summarize(&read, 1).iter().all(|m| !m.has_data()));
    }
}
