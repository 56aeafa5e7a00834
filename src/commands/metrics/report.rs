//! What `wsadm metrics` reports, and how it reads: a table of the six metrics, the connections
//! open now (table beside log), error shares, cost, then a chart per metric.

use super::chart;
use crate::output::{Block, Report};
use serde::Serialize;
use wsadm_core::metrics::connected::Estimate;
use wsadm_core::metrics::cost::Cost;
use wsadm_core::metrics::{MetricSummary, Point};

#[derive(Debug, Serialize)]
pub struct RouteMetrics {
    pub route: String,
    /// The dimensions as ListMetrics named them.
    pub dimensions: Vec<String>,
    pub metrics: Vec<MetricSummary>,
}

/// Errors as a percentage of MessageCount (computed here, not with metric math); null when there
/// were no messages or no data.
#[derive(Debug, Serialize)]
pub struct Shares {
    pub integration_error_pct: Option<f64>,
    pub client_error_pct: Option<f64>,
    pub execution_error_pct: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Connected {
    pub table: Option<String>,
    /// Session records in the table (a counting scan), stale ones included.
    pub sessions: Option<u64>,
    pub table_error: Option<String>,
    /// Connections the access log shows opened (2xx) and not closed, over the last 2 hours.
    pub log_estimate: Option<u64>,
    pub log_connects: Option<u64>,
    pub log_disconnects: Option<u64>,
    /// sessions - log_estimate.
    pub difference: Option<i64>,
    pub explanation: String,
    /// Open connections by the access log at the end of each period.
    pub trend: Vec<Point>,
    /// Connection minutes in the window by the access log.
    pub connection_minutes: Option<f64>,
}

impl Connected {
    pub fn new(
        table: Option<String>,
        sessions: Option<u64>,
        table_error: Option<String>,
        estimate: Option<Estimate>,
        no_logs: bool,
    ) -> Self {
        let open = estimate.as_ref().map(|e| e.open);
        let difference = sessions.zip(open).map(|(s, o)| s as i64 - o as i64);
        let explanation = match difference {
            Some(0) => "the session table and the access log agree".into(),
            Some(d) if d > 0 => format!(
                "{d} record(s) more in the table than the log shows open: stale records ($disconnect is best \
                 effort on AWS: abrupt drops leave records until `wsadm sessions prune` or their TTL), or \
                 connects not yet delivered to the log"
            ),
            Some(d) => format!(
                "{} connection(s) more open by the log than records in the table: records removed without a \
                 close, a handler that failed to write one, or a $disconnect not yet delivered to the log",
                -d
            ),
            None if no_logs => "--no-logs: the table's count only".into(),
            None => "only one of the two counts is known (see the notes)".into(),
        };
        Connected {
            table,
            sessions,
            table_error,
            log_estimate: open,
            log_connects: estimate.as_ref().map(|e| e.connects),
            log_disconnects: estimate.as_ref().map(|e| e.disconnects),
            difference,
            explanation,
            connection_minutes: estimate.as_ref().map(|e| e.connection_minutes),
            trend: estimate.map(|e| e.trend).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MetricsReport {
    pub api_id: String,
    pub api_name: String,
    pub stage: String,
    pub region: String,
    /// The window, its start rounded down to a whole period.
    pub since: String,
    pub until: String,
    pub period_secs: i64,
    /// Per-route metrics were found (detailed metrics on).
    pub detailed_metrics: bool,
    pub stage_metrics: Vec<MetricSummary>,
    pub routes: Vec<RouteMetrics>,
    pub shares: Shares,
    pub connected: Connected,
    pub heartbeat_route: String,
    pub cost: Cost,
    /// The table's count was put as wsadm/ConnectedSessions.
    pub published: bool,
    pub get_metric_data_calls: u64,
    pub queries: usize,
    pub notes: Vec<String>,
    #[serde(skip)]
    pub charts: bool,
    #[serde(skip)]
    pub width: usize,
    #[serde(skip)]
    pub window_start_ms: i64,
    #[serde(skip)]
    pub window_end_ms: i64,
}

/// 1234567 -> "1,234,567"; fractions keep two decimals.
pub fn num(v: f64) -> String {
    if v.fract() != 0.0 {
        return format!("{v:.2}");
    }
    let s = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn usd(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.01 {
        format!("${v:.6}")
    } else {
        format!("${v:.2}")
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "-".into())
}

fn period_label(secs: i64) -> String {
    if secs % 3600 == 0 {
        format!("{}h", secs / 3600)
    } else {
        format!("{}m", secs / 60)
    }
}

/// The cells of one metric: VALUE, PEAK PER PERIOD, DATAPOINTS.
fn cells(s: &MetricSummary) -> (String, String) {
    match s.value {
        None => ("no data".into(), "-".into()),
        Some(v) if s.metric.is_latency() => {
            let p99 = s.p99.map(|p| format!(", p99 {} ms", num(p.round()))).unwrap_or_default();
            (
                format!("avg {} ms{p99}", num(v.round())),
                s.max.map(|m| format!("max {} ms", num(m.round()))).unwrap_or_default(),
            )
        }
        Some(v) => {
            let peak = s.points.iter().map(|p| p.value).fold(0.0, f64::max);
            (num(v), format!("{} per period", num(peak)))
        }
    }
}

fn metric_rows(metrics: &[MetricSummary]) -> Vec<Vec<String>> {
    metrics
        .iter()
        .map(|s| {
            let (value, peak) = cells(s);
            vec![s.metric.name().to_string(), value, peak, s.datapoints.to_string()]
        })
        .collect()
}

/// One route in the compact table: each metric's value, `-` where there is no data.
fn route_row(r: &RouteMetrics) -> Vec<String> {
    let mut row = vec![r.route.clone()];
    for s in &r.metrics {
        let v =
            |x: Option<f64>, unit: &str| x.map(|v| format!("{}{unit}", num(v.round()))).unwrap_or_else(|| "-".into());
        if s.metric.is_latency() {
            row.push(v(s.value, " ms"));
            row.push(v(s.max, " ms"));
        } else {
            row.push(v(s.value, ""));
        }
    }
    row
}

impl MetricsReport {
    fn title(&self) -> String {
        format!(
            "Metrics of {} ({}) / {} from {} to {}, {} periods",
            self.api_name,
            self.api_id,
            self.stage,
            self.since,
            self.until,
            period_label(self.period_secs)
        )
    }

    fn connected_rows(&self) -> Vec<(String, String)> {
        let c = &self.connected;
        let table = match (c.sessions, &c.table) {
            (Some(n), Some(t)) => format!("{} in the session table ({t})", num(n as f64)),
            _ => format!("- ({})", c.table_error.as_deref().unwrap_or("no session table")),
        };
        let log = match c.log_estimate {
            Some(n) => format!(
                "{} by the access log ({} connects, {} disconnects over the last 2 h and the window)",
                num(n as f64),
                c.log_connects.unwrap_or(0),
                c.log_disconnects.unwrap_or(0)
            ),
            None => "-".into(),
        };
        let cost = &self.cost;
        let p = &cost.prices;
        let mut rows = vec![
            ("Connected now".into(), table),
            ("".into(), log),
            ("".into(), c.explanation.clone()),
            (
                "Error shares".into(),
                format!(
                    "integration {}, client {}, execution {} of messages",
                    pct(self.shares.integration_error_pct),
                    pct(self.shares.client_error_pct),
                    pct(self.shares.execution_error_pct)
                ),
            ),
        ];
        let messages = match (cost.messages, cost.message_cost) {
            (Some(m), Some(c)) => format!(
                "{} messages x {} unit(s) of 32 KB ({} B each) = {}",
                num(m),
                cost.units_per_message,
                cost.message_bytes,
                usd(c)
            ),
            _ => "messages: no data".into(),
        };
        let minutes = match (cost.connection_minutes, cost.connection_cost) {
            (Some(m), Some(c)) => format!("{m:.1} connection minutes = {}", usd(c)),
            _ => "connection minutes: unknown (no access log)".into(),
        };
        rows.push((
            "Cost (window)".into(),
            format!("{}: {messages}; {minutes}", cost.total.map(usd).unwrap_or("-".into())),
        ));
        rows.push((
            "Cost (month)".into(),
            format!(
                "{} at this rate (730 h); {} prices for {}: {} per million messages, {} per million connection minutes",
                cost.per_month.map(usd).unwrap_or("-".into()),
                p.source,
                p.region,
                usd(p.per_million_messages),
                usd(p.per_million_connection_minutes)
            ),
        ));
        rows.push((
            "Heartbeat".into(),
            match &cost.heartbeat {
                Some(h) => format!(
                    "{} {} messages, {:.1}% of the message bill ({})",
                    num(h.messages),
                    self.heartbeat_route,
                    h.share * 100.0,
                    usd(h.cost)
                ),
                None => "-".into(),
            },
        ));
        if self.published {
            rows.push(("Published".into(), format!("wsadm/ConnectedSessions = {}", c.sessions.unwrap_or(0))));
        }
        rows
    }
}

const HEADER: [&str; 4] = ["METRIC", "VALUE", "PEAK", "DATAPOINTS"];

impl Report for MetricsReport {
    fn view(&self) -> Vec<Block> {
        let mut blocks = vec![Block::Table {
            title: Some(self.title()),
            header: HEADER.map(String::from).into(),
            rows: metric_rows(&self.stage_metrics),
            empty: String::new(),
        }];
        blocks.push(Block::Fields { title: None, rows: self.connected_rows() });
        if !self.routes.is_empty() {
            blocks.push(Block::Table {
                title: Some("Per route (detailed metrics; - is no data)".into()),
                header: ["ROUTE", "CONNECTS", "MESSAGES", "INT ERR", "CLIENT ERR", "EXEC ERR", "LATENCY", "MAX"]
                    .map(String::from)
                    .into(),
                rows: self.routes.iter().map(route_row).collect(),
                empty: String::new(),
            });
        }
        if self.charts {
            let span = (self.window_start_ms, self.window_end_ms);
            let mut text = String::new();
            for s in &self.stage_metrics {
                let stat = if s.metric.is_latency() { "average" } else { "sum" };
                let title = format!("{} ({stat} per {})", s.metric.name(), period_label(self.period_secs));
                text.push_str(&chart::render(&title, &s.points, span, self.period_secs * 1000, self.width));
            }
            if !self.connected.trend.is_empty() {
                let title =
                    format!("Connected (by the access log, at the end of each {})", period_label(self.period_secs));
                text.push_str(&chart::render(&title, &self.connected.trend, span, self.period_secs * 1000, self.width));
            }
            blocks.push(Block::Raw(format!("\n{text}")));
        }
        if !self.notes.is_empty() {
            blocks.push(Block::Raw(self.notes.iter().map(|n| format!("\nnote: {n}")).collect::<String>() + "\n"));
        }
        blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(1_234_567.0), "1,234,567");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(0.5), "0.50");
        assert_eq!(usd(4.15), "$4.15");
        assert_eq!(usd(0.000_012), "$0.000012");
        assert_eq!(pct(None), "-");
    }
}
