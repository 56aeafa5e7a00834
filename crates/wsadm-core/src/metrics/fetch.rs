//! Reading the metrics: which dimension sets exist (ListMetrics), then every metric and
//! statistic of every set in one GetMetricData call (split only past its 500-query limit,
//! paged with NextToken).

use super::catalog::{Metric, Stat, METRICS, NAMESPACE};
use super::period::Resolution;
use crate::{AwsResultExt, Error};
use aws_sdk_cloudwatch::types::{Dimension, DimensionFilter, MetricDataQuery, MetricStat, ScanBy};
use aws_smithy_types::DateTime;
use std::collections::BTreeMap;

/// GetMetricData takes at most 500 queries per call.
const MAX_QUERIES: usize = 500;

/// (name, value) pairs.
type Dims = Vec<(String, String)>;

/// One set of dimensions the metrics are published under: the stage's, or one route's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DimensionSet {
    /// (name, value), as ListMetrics named them.
    pub dims: Vec<(String, String)>,
    /// The route, for a per-route set (detailed metrics).
    pub route: Option<String>,
}

impl DimensionSet {
    /// `ApiId` + `Stage`: the set API Gateway always publishes for a stage.
    pub fn stage(api_id: &str, stage: &str) -> Self {
        DimensionSet { dims: vec![("ApiId".into(), api_id.into()), ("Stage".into(), stage.into())], route: None }
    }

    pub fn dimensions(&self) -> Vec<Dimension> {
        self.dims.iter().map(|(n, v)| Dimension::builder().name(n).value(v).build()).collect()
    }
}

/// What ListMetrics knows about a stage.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub stage: DimensionSet,
    /// Per-route sets (only with detailed metrics on), by route.
    pub routes: Vec<DimensionSet>,
    /// ListMetrics listed the stage's own set (false: no datapoint in the last two weeks).
    pub stage_listed: bool,
}

/// The stage's dimension sets, from ListMetrics (metrics with a datapoint in the last two
/// weeks): the names are taken as listed, a set with one more dimension than `ApiId` and
/// `Stage` is a route's.
pub async fn discover(cw: &aws_sdk_cloudwatch::Client, api_id: &str, stage: &str) -> Result<Discovered, Error> {
    // Keyed by the sorted dimensions; the value keeps ListMetrics' order, which queries repeat
    // (moto matches dimension lists with a broken ordering, so only the stored order finds them).
    let mut sets: BTreeMap<Dims, Dims> = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let o = cw
            .list_metrics()
            .namespace(NAMESPACE)
            .dimensions(DimensionFilter::builder().name("ApiId").value(api_id).build())
            .set_next_token(token)
            .send()
            .await
            .ctx("ListMetrics")?;
        for m in o.metrics() {
            if m.metric_name().and_then(Metric::from_name).is_none() {
                continue;
            }
            let listed: Vec<(String, String)> = m
                .dimensions()
                .iter()
                .map(|d| (d.name().unwrap_or_default().to_string(), d.value().unwrap_or_default().to_string()))
                .collect();
            let ours = listed.iter().any(|(n, v)| n == "ApiId" && v == api_id)
                && listed.iter().any(|(n, v)| n == "Stage" && v == stage);
            if ours {
                let mut key = listed.clone();
                key.sort();
                sets.entry(key).or_insert(listed);
            }
        }
        token = o.next_token().filter(|t| !t.is_empty()).map(String::from);
        if token.is_none() {
            break;
        }
    }
    let mut stage_set = None;
    let mut routes = Vec::new();
    for dims in sets.into_values() {
        let extra: Vec<&(String, String)> = dims.iter().filter(|(n, _)| n != "ApiId" && n != "Stage").collect();
        match extra.as_slice() {
            [] => stage_set = Some(DimensionSet { dims, route: None }),
            [(_, route)] => {
                let route = route.clone();
                routes.push(DimensionSet { dims, route: Some(route) });
            }
            _ => {}
        }
    }
    routes.sort_by(|a, b| a.route.cmp(&b.route));
    Ok(Discovered {
        stage_listed: stage_set.is_some(),
        stage: stage_set.unwrap_or_else(|| DimensionSet::stage(api_id, stage)),
        routes,
    })
}

/// (dimension set index, metric, statistic).
pub type SeriesKey = (usize, Metric, Stat);

/// What GetMetricData gave: per series its datapoints in time order (epoch ms, value); a
/// series without datapoints is absent, never zero.
#[derive(Debug, Default)]
pub struct Read {
    pub series: BTreeMap<SeriesKey, Vec<(i64, f64)>>,
    pub calls: u64,
    pub queries: usize,
    /// The endpoint computed no percentiles: the call was made again without them.
    pub percentiles_missing: bool,
    pub notes: Vec<String>,
}

fn queries(sets: &[DimensionSet], period: i32, percentiles: bool) -> Vec<(String, SeriesKey, MetricDataQuery)> {
    let mut out = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        for m in METRICS {
            for &s in m.stats() {
                if s.is_percentile() && !percentiles {
                    continue;
                }
                let id = format!("q{}", out.len());
                let metric = aws_sdk_cloudwatch::types::Metric::builder()
                    .namespace(NAMESPACE)
                    .metric_name(m.name())
                    .set_dimensions(Some(set.dimensions()))
                    .build();
                let stat = MetricStat::builder().metric(metric).period(period).stat(s.name()).build();
                let q = MetricDataQuery::builder().id(&id).metric_stat(stat).return_data(true).build();
                out.push((id, (i, m, s), q));
            }
        }
    }
    out
}

/// Every metric and statistic of every set over the window.
pub async fn read(cw: &aws_sdk_cloudwatch::Client, sets: &[DimensionSet], res: &Resolution) -> Result<Read, Error> {
    match read_with(cw, sets, res, true, false).await {
        Ok(r) => Ok(r),
        // Not every CloudWatch computes percentiles (moto answers 500 to p99): say so, and ask again without.
        Err(Error::BadResponse { .. }) | Err(Error::Service { status: Some(500..), .. }) => {
            let mut r = read_with(cw, sets, res, false, true).await?;
            r.percentiles_missing = true;
            r.notes.push(
                "the CloudWatch endpoint computed no p99 (it failed the call that asked for it): p99 is not shown"
                    .into(),
            );
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

async fn read_with(
    cw: &aws_sdk_cloudwatch::Client,
    sets: &[DimensionSet],
    res: &Resolution,
    percentiles: bool,
    retry: bool,
) -> Result<Read, Error> {
    let all = queries(sets, res.period_secs as i32, percentiles);
    let mut read = Read { queries: all.len(), ..Read::default() };
    let keys: BTreeMap<String, SeriesKey> = all.iter().map(|(id, k, _)| (id.clone(), *k)).collect();
    for batch in all.chunks(MAX_QUERIES) {
        let mut token: Option<String> = None;
        loop {
            let mut call = cw
                .get_metric_data()
                .set_metric_data_queries(Some(batch.iter().map(|(_, _, q)| q.clone()).collect()))
                .start_time(DateTime::from_millis(res.start_ms))
                .end_time(DateTime::from_millis(res.end_ms))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.clone())
                .customize();
            if !retry {
                // One attempt: a 500 here is most likely the percentile, asked again without it.
                call = call.config_override(
                    aws_sdk_cloudwatch::config::Builder::default()
                        .retry_config(aws_smithy_types::retry::RetryConfig::disabled()),
                );
            }
            let o = call.send().await.ctx("GetMetricData")?;
            read.calls += 1;
            for r in o.metric_data_results() {
                let Some(key) = r.id().and_then(|id| keys.get(id)) else { continue };
                let points = r.timestamps().iter().zip(r.values()).map(|(t, v)| (t.to_millis().unwrap_or(0), *v));
                let series = read.series.entry(*key).or_default();
                series.extend(points);
            }
            for m in o.messages() {
                if let Some(v) = m.value() {
                    read.notes.push(format!("CloudWatch: {v}"));
                }
            }
            token = o.next_token().filter(|t| !t.is_empty()).map(String::from);
            if token.is_none() {
                break;
            }
        }
    }
    read.series.retain(|_, v| !v.is_empty());
    for v in read.series.values_mut() {
        v.sort_by_key(|(t, _)| *t);
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_query_per_metric_and_statistic_with_unique_ids() {
        let sets = [DimensionSet::stage("a1", "prod"), DimensionSet::stage("a1", "dev")];
        let q = queries(&sets, 60, true);
        assert_eq!(q.len(), 2 * (5 + 4));
        let ids: std::collections::BTreeSet<&String> = q.iter().map(|(id, _, _)| id).collect();
        assert_eq!(ids.len(), q.len());
        assert!(ids.iter().all(|id| id.starts_with('q')), "ids start with a lower-case letter");
        assert_eq!(queries(&sets, 60, false).len(), 2 * (5 + 3), "without p99");
    }
}
