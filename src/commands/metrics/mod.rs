//! `wsadm metrics`: how the stage is doing in numbers and charts. The metrics come from
//! `wsadm_core::metrics` (one GetMetricData call), the connections open now from the session
//! table beside the access log's estimate, the cost from both; this module gathers and reports.

pub mod chart;
pub mod report;
pub mod watch;

use super::Ctx;
use crate::args::metrics::MetricsArgs;
use report::{Connected, MetricsReport, RouteMetrics, Shares};
use wsadm_core::logs::time::{iso, now_ms, Window};
use wsadm_core::logs::{self, FetchOptions, Fetcher, Filter, Source};
use wsadm_core::metrics::connected::{self, Estimate, MAX_CONNECTION_MS};
use wsadm_core::metrics::cost::{self, Prices, Usage};
use wsadm_core::metrics::{self as m, Metric, MetricSummary, Resolution};
use wsadm_core::store::SessionStore;
use wsadm_core::{Error, Target};

/// Most access-log events read for the estimate.
const LOG_LIMIT: usize = 200_000;

fn check(a: &MetricsArgs) -> Result<(), Error> {
    for (flag, v) in [("--message-price", a.message_price), ("--minute-price", a.minute_price)] {
        if v.is_some_and(|p| !(p.is_finite() && p >= 0.0)) {
            return Err(Error::invalid(
                format!("{flag} must be a price in USD, 0 or more"),
                "e.g. --message-price 1.00",
            ));
        }
    }
    if a.message_size > 128 * 1024 {
        return Err(Error::invalid(
            format!("--message-size {} is over API Gateway's 128 KB message limit", a.message_size),
            "give the average message size in bytes, at most 131072",
        ));
    }
    Ok(())
}

/// One look at the stage.
pub async fn run(ctx: &Ctx, a: &MetricsArgs) -> Result<MetricsReport, Error> {
    check(a)?;
    let now = now_ms();
    let window = Window::resolve(Some(&a.since), a.until.as_deref(), "3h", now)?;
    let res = Resolution::choose(window, a.period.map(|p| p.as_secs() as i64), now)?;
    let target = ctx.target().await?;
    let aws = ctx.aws().await?;
    let cw = aws.cloudwatch();

    let found = m::discover(&cw, &target.api_id, &target.stage).await?;
    let mut sets = vec![found.stage.clone()];
    sets.extend(found.routes.iter().cloned());
    let read = m::read(&cw, &sets, &res).await?;
    let stage_metrics = m::summarize(&read, 0);
    let routes: Vec<RouteMetrics> = found
        .routes
        .iter()
        .enumerate()
        .map(|(i, set)| RouteMetrics {
            route: set.route.clone().unwrap_or_default(),
            dimensions: set.dims.iter().map(|(n, v)| format!("{n}={v}")).collect(),
            metrics: m::summarize(&read, i + 1),
        })
        .collect();
    let mut notes = read.notes.clone();
    if !found.stage_listed {
        notes.push(format!(
            "ListMetrics lists no metric of {}/{} (none published in the last two weeks)",
            target.api_id, target.stage
        ));
    }

    let (sessions, table_error) = table_count(aws, &target).await;
    let (estimate, log_note) = if a.no_logs { (None, None) } else { log_estimate(aws, &target, &res).await };
    notes.extend(log_note);
    if a.publish {
        match sessions {
            Some(n) => {
                m::publish::connected_sessions(&cw, &target.api_id, &target.stage, n, now).await?;
            }
            None => {
                return Err(Error::invalid(
                    "--publish: the session table could not be counted",
                    table_error.clone().unwrap_or_else(|| "pass --table".into()),
                ))
            }
        }
    }

    let value = |ms: &[MetricSummary], metric: Metric| ms.iter().find(|s| s.metric == metric).and_then(|s| s.value);
    let messages = value(&stage_metrics, Metric::MessageCount);
    let share = |metric| match (value(&stage_metrics, metric), messages) {
        (Some(e), Some(n)) if n > 0.0 => Some(100.0 * e / n),
        _ => None,
    };
    let shares = Shares {
        integration_error_pct: share(Metric::IntegrationError),
        client_error_pct: share(Metric::ClientError),
        execution_error_pct: share(Metric::ExecutionError),
    };
    // The heartbeat's messages: its route's own metric with detailed metrics, else the access log.
    let heartbeat = routes
        .iter()
        .find(|r| r.route == a.heartbeat_route)
        .and_then(|r| value(&r.metrics, Metric::MessageCount))
        .or_else(|| {
            estimate.as_ref().map(|e| e.messages_by_route.get(&a.heartbeat_route).copied().unwrap_or(0) as f64)
        });
    let region = a.price_region.clone().unwrap_or_else(|| aws.region().to_string());
    if a.price_region.as_deref().is_some_and(|r| r != "us-east-1") && a.message_price.is_none() {
        notes.push(format!(
            "prices are us-east-1's published ones: pass --message-price and --minute-price for {region}"
        ));
    }
    let usage = Usage {
        messages,
        message_bytes: a.message_size,
        connection_minutes: estimate.as_ref().map(|e| e.connection_minutes),
        heartbeat_messages: heartbeat,
        window_minutes: res.minutes(),
    };
    let cost = cost::estimate(&usage, &Prices::new(&region, a.message_price, a.minute_price));

    Ok(MetricsReport {
        api_id: target.api_id.clone(),
        api_name: target.api_name.clone(),
        stage: target.stage.clone(),
        region: aws.region().to_string(),
        since: iso(res.start_ms),
        until: iso(res.end_ms),
        period_secs: res.period_secs,
        detailed_metrics: !routes.is_empty(),
        stage_metrics,
        routes,
        shares,
        connected: Connected::new(target.table.clone(), sessions, table_error, estimate, a.no_logs),
        heartbeat_route: a.heartbeat_route.clone(),
        cost,
        published: a.publish && sessions.is_some(),
        get_metric_data_calls: read.calls,
        queries: read.queries,
        notes,
        charts: !a.no_charts,
        width: chart::terminal_width(),
        window_end_ms: res.end_ms,
        window_start_ms: res.start_ms,
    })
}

/// The session table's count (a counting scan), or why there is none.
async fn table_count(aws: &wsadm_core::Aws, target: &Target) -> (Option<u64>, Option<String>) {
    let Some(table) = &target.table else {
        return (None, Some("no session table: pass --table, or tag the API wsadm:table (provision does)".into()));
    };
    match SessionStore::new(aws.dynamodb(), table).count().await {
        Ok(n) => (Some(n), None),
        Err(e) => (None, Some(format!("cannot count the session table {table}: {e}"))),
    }
}

/// Open connections from the access log, read over the window and the last 2 hours.
async fn log_estimate(aws: &wsadm_core::Aws, target: &Target, res: &Resolution) -> (Option<Estimate>, Option<String>) {
    let stage_logs = match logs::discover(aws, &target.api_id, &target.stage).await {
        Ok(s) => s,
        Err(e) => return (None, Some(format!("no log estimate: cannot read the stage's log settings: {e}"))),
    };
    let Some(group) = stage_logs.group(&Source::Access).filter(|g| g.exists != Some(false)) else {
        return (None, Some("no log estimate and no connection minutes: the stage has no access log".into()));
    };
    let query = group.query(&Filter::default());
    let window = Window { start_ms: res.start_ms.min(res.end_ms - MAX_CONNECTION_MS), end_ms: res.end_ms };
    let fetcher = Fetcher::new(&aws.logs(), FetchOptions { limit: Some(LOG_LIMIT), ..FetchOptions::default() });
    match fetcher.fetch(&[query], window).await {
        Ok(r) => {
            let note = r.truncated.then(|| {
                format!("the access log holds over {LOG_LIMIT} events in the window: the estimate counts the earliest")
            });
            (Some(connected::estimate(&r.events, res.start_ms, res.end_ms, res.period_secs * 1000)), note)
        }
        Err(e) => (None, Some(format!("no log estimate: cannot read the access log {}: {e}", group.name))),
    }
}
