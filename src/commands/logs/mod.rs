//! `wsadm logs`: the stage's log groups found from its settings, read under one request budget,
//! parsed, correlated and filtered by `wsadm_core::logs`; this module chooses and reports.

pub mod groups;
pub mod summary;
pub mod tail;
pub mod trace;

use super::Ctx;
use crate::args::logs::{LogSource, LogsFilterArgs, LogsWindowArgs};
use wsadm_core::logs::time::Window;
use wsadm_core::logs::{self, FetchOptions, Fetcher, Filter, GroupQuery, LogGroup, Source, StageLogs};
use wsadm_core::Error;

/// Where and what to read, resolved once per command.
pub struct Selection {
    pub logs: StageLogs,
    pub queries: Vec<GroupQuery>,
    pub window: Window,
    pub fetcher: Fetcher,
}

/// What one read of the window gave: the matching events, correlated and in time order.
pub struct Read {
    pub events: Vec<wsadm_core::logs::LogEvent>,
    /// Events read before filtering.
    pub read: u64,
    pub requests: u64,
    pub throttled: u64,
    pub truncated: bool,
    pub warnings: Vec<String>,
}

impl Selection {
    /// Reads the window (FilterLogEvents, or one Logs Insights query), correlates, then filters:
    /// correlation needs every line of a request, so the filter comes last.
    pub async fn read(&self, filter: &Filter, insights: bool) -> Result<Read, Error> {
        let res = if insights {
            self.fetcher.insights(&self.queries, self.window, filter.grep.as_deref()).await?
        } else {
            self.fetcher.fetch(&self.queries, self.window).await?
        };
        let mut events = res.events;
        logs::Correlator::new().apply(&mut events);
        let read = events.len() as u64;
        events.retain(|e| filter.matches(e));
        Ok(Read {
            events,
            read,
            requests: res.stats.requests,
            throttled: res.stats.throttled,
            truncated: res.truncated,
            warnings: res.warnings,
        })
    }
}

/// The stage's groups (discovered, then `--only`/`--group`), the window and a paced fetcher.
pub async fn select(ctx: &Ctx, w: &LogsWindowArgs, filter: &Filter, default_since: &str) -> Result<Selection, Error> {
    if !(w.rate.is_finite() && w.rate > 0.0 && w.rate <= 100.0) {
        return Err(Error::invalid(
            format!("--rate {} is out of range", w.rate),
            "CloudWatch Logs allows a few FilterLogEvents requests per second per account: give 0.1 to 100",
        ));
    }
    if w.limit == 0 {
        return Err(Error::invalid("--limit 0 reads nothing", "give a positive number of events"));
    }
    let window = Window::resolve(w.since.as_deref(), w.until.as_deref(), default_since, logs::time::now_ms())?;
    let target = ctx.target().await?;
    let aws = ctx.aws().await?;
    let mut stage_logs = logs::discover(aws, &target.api_id, &target.stage).await?;
    if !w.only.is_empty() {
        stage_logs.groups.retain(|g| w.only.iter().any(|o| kind_of(&g.source) == *o));
    }
    for name in &w.groups {
        if !stage_logs.groups.iter().any(|g| &g.name == name) {
            stage_logs.groups.push(extra_group(name, &stage_logs));
        }
    }
    if stage_logs.groups.is_empty() {
        return Err(Error::invalid(
            format!("stage {} of API {} has no log groups to read", target.stage, target.api_id),
            "turn on access logging or execution logging (wsadm provision does both), or name one with --group",
        ));
    }
    let queries = stage_logs.queries(filter);
    let opts = FetchOptions { rate_per_sec: w.rate, limit: Some(w.limit), ..FetchOptions::default() };
    Ok(Selection { logs: stage_logs, queries, window, fetcher: Fetcher::new(&aws.logs(), opts) })
}

fn kind_of(source: &Source) -> LogSource {
    match source {
        Source::Access => LogSource::Access,
        Source::Execution => LogSource::Execution,
        Source::Lambda { .. } => LogSource::Lambda,
    }
}

/// A group named with `--group`: its kind from its name, an access group in the stage's format.
fn extra_group(name: &str, stage: &StageLogs) -> LogGroup {
    let source = if name.starts_with("API-Gateway-Execution-Logs_") {
        Source::Execution
    } else if let Some(function) = name.strip_prefix("/aws/lambda/") {
        Source::Lambda { function: function.to_string() }
    } else {
        Source::Access
    };
    let format = match source {
        Source::Access => stage.group(&Source::Access).and_then(|g| g.format.clone()),
        _ => None,
    };
    LogGroup { name: name.to_string(), source, role: "named with --group".into(), format, exists: None }
}

/// The filter flags as the engine's filter; a bad `--status` is a usage error.
pub fn filter(f: &LogsFilterArgs) -> Result<Filter, Error> {
    let status = f.status.as_deref().map(str::parse).transpose()?;
    if let Some(id) = &f.connection {
        wsadm_core::connections::validate_connection_id(id)?;
    }
    Ok(Filter {
        connection: f.connection.clone(),
        route: f.route.clone(),
        user: f.user.clone(),
        status,
        errors: f.errors,
        grep: f.grep.clone(),
    })
}
