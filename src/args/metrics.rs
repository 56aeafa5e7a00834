//! The options of `wsadm metrics`.

use clap::Args;
use std::time::Duration;

pub const METRICS_HELP: &str = "\
Per stage, and per route where detailed metrics are on (the dimension sets are found with
ListMetrics), over the window: ConnectCount, MessageCount, IntegrationError, ClientError and
ExecutionError summed, IntegrationLatency averaged (p99: the worst period's), with a chart per
metric and the error shares (computed here: metric math is not needed). One GetMetricData call
reads everything. A metric without a datapoint says \"no data\", never 0.

Connected now: API Gateway publishes no such metric. wsadm counts the session table (a
counting scan) and, beside it, the connections the access log shows opened (2xx) and not
closed over the last 2 hours (no connection lives longer); the difference is explained
(stale records, logs not yet delivered). The trend chart comes from the same lines.

Cost: MessageCount x 32 KB units of --message-size, plus the access log's connection minutes,
at the published us-east-1 prices ($1.00 per million messages, $0.25 per million connection
minutes) or --message-price/--minute-price; per month at the window's rate (730 h); the
--heartbeat-route's share of the message bill.

CloudWatch keeps 1-minute data 15 days, 5-minute 63 days, 1-hour 455 days: a window older than
its --period keeps is an error. --publish puts the table's count as the custom metric
wsadm/ConnectedSessions (ApiId, Stage), which `wsadm alarms` watches: run it from cron, or
keep `wsadm metrics --watch --publish` running.

Examples:
  wsadm metrics --api chat --stage prod                 # the last 3 hours, 1-minute periods
  wsadm metrics --since 2d --period 1h -o json | jq '.stage_metrics[] | {metric, value}'
  wsadm metrics --watch                                 # refreshes every period, like top
  wsadm metrics --since 10m --no-charts --publish       # for cron: also publish ConnectedSessions
  wsadm metrics --message-size 40000 --message-price 1.14 --price-region eu-central-1";

#[derive(Debug, Clone, Args)]
pub struct MetricsArgs {
    /// From this long ago (10m, 3h, 2d) or this time (2026-11-29T10:00:00Z)
    #[arg(long, value_name = "DURATION|TIME", default_value = "3h")]
    pub since: String,
    /// Up to this long ago or this time (default: now)
    #[arg(long, value_name = "DURATION|TIME")]
    pub until: Option<String>,
    /// Datapoint period: 1m, 5m, 1h … (default: the finest CloudWatch keeps for the window,
    /// at most 1,440 points)
    #[arg(long, value_name = "DURATION", value_parser = super::duration::parse)]
    pub period: Option<Duration>,
    /// Refresh in place every period (or --interval), like top; Ctrl-C stops
    #[arg(short, long)]
    pub watch: bool,
    /// With --watch: refresh this often instead of every period
    #[arg(long, value_name = "DURATION", value_parser = super::duration::parse, requires = "watch")]
    pub interval: Option<Duration>,
    /// With --watch: stop after N refreshes
    #[arg(short = 'n', long, value_name = "N", requires = "watch")]
    pub iterations: Option<u64>,
    /// Put the session table's count as the custom metric wsadm/ConnectedSessions (for alarms)
    #[arg(long)]
    pub publish: bool,
    /// Read no access log: no log estimate of open connections, no connection minutes
    #[arg(long)]
    pub no_logs: bool,
    /// Tables only, no charts
    #[arg(long)]
    pub no_charts: bool,
    /// The route clients send heartbeats to (its share of the message bill)
    #[arg(long, value_name = "ROUTE", default_value = "ping", help_heading = "Cost")]
    pub heartbeat_route: String,
    /// Average message size in bytes (billed in 32 KB units)
    #[arg(long, value_name = "BYTES", default_value_t = 1024, help_heading = "Cost")]
    pub message_size: u64,
    /// USD per million messages [default: 1.00, us-east-1's published price]
    #[arg(long, value_name = "USD", help_heading = "Cost")]
    pub message_price: Option<f64>,
    /// USD per million connection minutes [default: 0.25, us-east-1's published price]
    #[arg(long, value_name = "USD", help_heading = "Cost")]
    pub minute_price: Option<f64>,
    /// The region the prices are for (a label; default: the API's region)
    #[arg(long, value_name = "REGION", help_heading = "Cost")]
    pub price_region: Option<String>,
}
