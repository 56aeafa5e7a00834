//! The options of `logs tail`, `trace` and `summary`.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// The stage's logs as one time-ordered stream: access log, execution log, Lambda functions
    #[command(after_help = TAIL_HELP)]
    Tail(LogsTailArgs),
    /// One connection's life from the logs: connect, authorizer, messages, invocations, close
    #[command(after_help = TRACE_HELP)]
    Trace(LogsTraceArgs),
    /// Per route: requests, errors by status, p50/p99 latency; connects, close codes, rejections
    #[command(after_help = SUMMARY_HELP)]
    Summary(LogsSummaryArgs),
    /// The stage's log groups (found from its settings, routes and authorizers) and logging findings
    Groups,
}

const TAIL_HELP: &str = "\
Examples:
  wsadm logs tail --api chat --stage prod                   # the last 10 minutes, every group
  wsadm logs tail --since 2h --errors                       # failures only: 4xx/5xx, Lambda errors, 1006/1011
  wsadm logs tail --connection XfGLwFTktjMFsLg= --since 1h  # one connection, its Lambda invocations included
  wsadm logs tail --route send --status 5xx -o jsonl | jq .error
  wsadm logs tail --follow --only access --only execution   # new events as they arrive; Ctrl-C stops

CloudWatch Logs allows a few FilterLogEvents requests a second per account: all groups share
one budget (--rate); throttling is retried with backoff. Over long windows, --insights asks
Logs Insights once for all groups.";

const TRACE_HELP: &str = "\
Examples:
  wsadm logs trace XfGLwFTktjMFsLg= --since 2h
  wsadm logs trace XfGLwFTktjMFsLg= -o json | jq .steps";

const SUMMARY_HELP: &str = "\
Examples:
  wsadm logs summary --since 1h
  wsadm logs summary --since 1d -o json | jq '.routes[] | select(.errors > 0)'";

/// Which log groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogSource {
    /// The stage's access log (its destination ARN)
    Access,
    /// API Gateway's execution log (API-Gateway-Execution-Logs_{apiId}/{stage})
    Execution,
    /// The log groups of the functions the routes and the authorizer call
    Lambda,
}

/// The time window and the groups read.
#[derive(Debug, Clone, Args)]
pub struct LogsWindowArgs {
    /// From this long ago (10m, 2h, 1d) or this time (2026-11-29T10:00:00Z)
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Up to this long ago or this time (default: now)
    #[arg(long, value_name = "DURATION|TIME")]
    pub until: Option<String>,
    /// Only these kinds of groups (repeatable)
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub only: Vec<LogSource>,
    /// Also read this log group (repeatable); its kind is told by its name
    #[arg(long = "group", value_name = "NAME")]
    pub groups: Vec<String>,
    /// Read at most N events (the earliest N in the window)
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub limit: usize,
    /// FilterLogEvents requests per second, shared by all groups (CloudWatch's quota is per account)
    #[arg(long, value_name = "RPS", default_value_t = 5.0)]
    pub rate: f64,
}

/// Filters that work across all groups.
#[derive(Debug, Clone, Args)]
pub struct LogsFilterArgs {
    /// One connection: its requests, authorizer decision, Lambda invocations, close
    #[arg(long, value_name = "ID")]
    pub connection: Option<String>,
    /// One route ($connect, $disconnect, $default, send...)
    #[arg(long, value_name = "ROUTE")]
    pub route: Option<String>,
    /// One user (from the authorizer context or the handler's log lines)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// A status (410) or a class (4xx, 5xx)
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Failures only: status 4xx/5xx, errors, Lambda errors, close codes 1006/1011
    #[arg(long)]
    pub errors: bool,
    /// Lines containing TEXT
    #[arg(long, value_name = "TEXT")]
    pub grep: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogsTailArgs {
    #[command(flatten)]
    pub window: LogsWindowArgs,
    #[command(flatten)]
    pub filter: LogsFilterArgs,
    /// Keep reading: print new events as they arrive (late ones included, never twice)
    #[arg(short, long)]
    pub follow: bool,
    /// How often --follow polls
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = super::duration::parse)]
    pub interval: std::time::Duration,
    /// How far back each --follow poll looks again for late events
    #[arg(long, value_name = "DURATION", default_value = "1m", value_parser = super::duration::parse)]
    pub lookback: std::time::Duration,
    /// Ask CloudWatch Logs Insights once for all groups (faster over long windows)
    #[arg(long, conflicts_with = "follow")]
    pub insights: bool,
}

#[derive(Debug, Args)]
pub struct LogsTraceArgs {
    /// The connection id
    pub connection_id: String,
    #[command(flatten)]
    pub window: LogsWindowArgs,
}

#[derive(Debug, Args)]
pub struct LogsSummaryArgs {
    #[command(flatten)]
    pub window: LogsWindowArgs,
    #[command(flatten)]
    pub filter: LogsFilterArgs,
}
