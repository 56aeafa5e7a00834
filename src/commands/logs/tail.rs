//! `wsadm logs tail`: one time-ordered stream of the stage's events, parsed and filtered;
//! with `--follow`, polls under a look-back window and prints each event once.

use super::{filter, select, Selection};
use crate::args::logs::LogsTailArgs;
use crate::commands::Ctx;
use crate::output::{ListReport, OutputFormat};
use futures::stream::{self, BoxStream, StreamExt};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use wsadm_core::logs::follow::GroupSource;
use wsadm_core::logs::{Filter, Follow, Kind, LogEvent, Source, StageLogs};
use wsadm_core::{Error, ErrorKind};

/// What was read, known once the stream ends (or at each poll, for `--follow`).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Read {
    pub events_read: u64,
    pub events_shown: u64,
    pub requests: u64,
    pub throttled: u64,
    /// The window held more than `--limit` events.
    pub truncated: bool,
    pub warnings: Vec<String>,
}

pub struct TailReport {
    pub logs: StageLogs,
    since: String,
    until: Option<String>,
    follow: bool,
    filter: Value,
    items: Option<BoxStream<'static, Result<LogEvent, Error>>>,
    read: Arc<Mutex<Read>>,
}

impl TailReport {
    pub fn findings(&self) -> &[wsadm_core::logs::Finding] {
        &self.logs.findings
    }
}

pub async fn tail(ctx: &Ctx, a: LogsTailArgs) -> Result<TailReport, Error> {
    if a.follow && ctx.global.output == OutputFormat::Json {
        return Err(Error::invalid(
            "--follow never ends, so it cannot be one JSON document",
            "use -o jsonl with --follow",
        ));
    }
    let f = filter(&a.filter)?;
    let sel = select(ctx, &a.window, &f, "10m").await?;
    let (logs, window) = (sel.logs.clone(), sel.window);
    let read = Arc::new(Mutex::new(Read::default()));
    let items: BoxStream<'static, Result<LogEvent, Error>> = if a.follow {
        let Selection { queries, fetcher, .. } = sel;
        follow_stream(
            GroupSource { fetcher, queries },
            Follow::new(window.start_ms, a.lookback),
            f.clone(),
            a.interval,
            read.clone(),
        )
    } else {
        let r = sel.read(&f, a.insights).await?;
        *read.lock().unwrap_or_else(|e| e.into_inner()) = Read {
            events_read: r.read,
            events_shown: r.events.len() as u64,
            requests: r.requests,
            throttled: r.throttled,
            truncated: r.truncated,
            warnings: r.warnings,
        };
        stream::iter(r.events.into_iter().map(Ok)).boxed()
    };
    Ok(TailReport {
        logs,
        since: wsadm_core::logs::time::iso(window.start_ms),
        until: (!a.follow).then(|| wsadm_core::logs::time::iso(window.end_ms)),
        follow: a.follow,
        filter: json!({
            "connection": a.filter.connection, "route": a.filter.route, "user": a.filter.user,
            "status": a.filter.status, "errors": a.filter.errors, "grep": a.filter.grep,
        }),
        items: Some(items),
        read,
    })
}

/// Polls every `interval` until Ctrl-C or SIGTERM, yielding the new matching events of each poll.
fn follow_stream(
    source: GroupSource,
    follow: Follow,
    filter: Filter,
    interval: std::time::Duration,
    read: Arc<Mutex<Read>>,
) -> BoxStream<'static, Result<LogEvent, Error>> {
    let signals = crate::term::stop_signals();
    let state = (source, follow, filter, read, signals, true);
    stream::unfold(state, move |(source, mut follow, filter, read, mut signals, first)| async move {
        if !first {
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = signals.recv() => return None,
            }
        }
        let poll = tokio::select! {
            p = follow.poll(&source, wsadm_core::logs::time::now_ms()) => p,
            _ = signals.recv() => return None,
        };
        let batch: Vec<Result<LogEvent, Error>> = match poll {
            Ok(p) => {
                let mut r = read.lock().unwrap_or_else(|e| e.into_inner());
                r.events_read += p.events.len() as u64;
                r.requests += p.stats.requests;
                r.throttled += p.stats.throttled;
                for w in p.warnings {
                    if !r.warnings.contains(&w) {
                        tracing::warn!("{w}");
                        r.warnings.push(w);
                    }
                }
                let shown: Vec<_> = p.events.into_iter().filter(|e| filter.matches(e)).map(Ok).collect();
                r.events_shown += shown.len() as u64;
                shown
            }
            // A throttled or failed poll is retried at the next tick; the fetcher already backed off.
            Err(e) if matches!(e.kind(), ErrorKind::Failure) => {
                tracing::warn!("poll failed, retrying: {e}");
                Vec::new()
            }
            Err(e) => vec![Err(e)],
        };
        Some((stream::iter(batch), (source, follow, filter, read, signals, false)))
    })
    .flatten()
    .boxed()
}

/// The source column: `access`, `execution`, or the function's name.
fn source_label(e: &LogEvent) -> String {
    match &e.source {
        Source::Access => "access".into(),
        Source::Execution => "execution".into(),
        Source::Lambda { function } => format!("λ {function}"),
    }
}

/// The line as people read it: an access line as its parsed fields, others without the request-id prefix.
fn message(e: &LogEvent) -> String {
    if matches!(e.source, Source::Access) && e.event_type.is_some() {
        let mut m = format!("{} {}", e.event_type.as_deref().unwrap_or("-"), e.route.as_deref().unwrap_or("-"));
        if let Some(s) = e.status {
            m.push_str(&format!(" -> {s}"));
        }
        if let Some(l) = e.latency_ms {
            m.push_str(&format!(" in {l:.0} ms"));
        }
        if let Some(u) = &e.user {
            m.push_str(&format!(" user={u}"));
        }
        if let Some(err) = &e.error {
            m.push_str(&format!(" error={err}"));
        }
        return m;
    }
    if e.kind == Kind::Handler {
        // The handler's JSON line as its message and the fields that matter.
        let mut m = format!("[{}] {}", e.level.as_deref().unwrap_or("-"), e.text.as_deref().unwrap_or("-"));
        if let Some(u) = &e.user {
            m.push_str(&format!(" user={u}"));
        }
        if let Some(l) = e.latency_ms {
            m.push_str(&format!(" in {l:.0} ms"));
        }
        if let Some(err) = &e.error {
            m.push_str(&format!(" error={err}"));
        }
        return m;
    }
    let msg = match &e.request_id {
        Some(id) => e.message.strip_prefix(&format!("({id}) ")).unwrap_or(&e.message),
        None => &e.message,
    };
    msg.trim_end().replace('\n', "\n    ")
}

fn failed(e: &LogEvent) -> bool {
    e.status.is_some_and(|s| s >= 400) || e.error.is_some()
}

impl ListReport for TailReport {
    type Item = LogEvent;
    const KEY: &'static str = "events";

    fn items(&mut self) -> BoxStream<'static, Result<LogEvent, Error>> {
        self.items.take().unwrap_or_else(|| stream::empty().boxed())
    }

    fn head(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("api_id".into(), json!(self.logs.api_id));
        m.insert("stage".into(), json!(self.logs.stage));
        m.insert("since".into(), json!(self.since));
        m.insert("until".into(), json!(self.until));
        m.insert("follow".into(), json!(self.follow));
        m.insert("filter".into(), json!(self.filter));
        m.insert("groups".into(), json!(self.logs.groups));
        m.insert("findings".into(), json!(self.logs.findings));
        m
    }

    fn tail(&self) -> Map<String, Value> {
        let r = self.read.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut m = Map::new();
        m.insert("read".into(), json!(r));
        m
    }

    fn header(&self) -> Vec<String> {
        ["TIME", "SOURCE", "CONNECTION", "ROUTE", "STATUS", "MESSAGE"].map(String::from).into()
    }

    fn row(&self, e: &LogEvent) -> Vec<String> {
        vec![
            crate::term::local_hms_ms(e.timestamp_ms),
            source_label(e),
            e.connection_id.clone().unwrap_or_default(),
            e.route.clone().unwrap_or_default(),
            e.status.map(|s| s.to_string()).unwrap_or_default(),
            message(e),
        ]
    }

    fn stream_line(&self, e: &LogEvent, color: bool) -> Option<String> {
        let (dim, red, cyan, reset) =
            if color { ("\x1b[2m", "\x1b[31m", "\x1b[36m", "\x1b[0m") } else { ("", "", "", "") };
        let status = e.status.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
        let (s_on, s_off) = if failed(e) { (red, reset) } else { ("", "") };
        Some(format!(
            "{dim}{}{reset} {cyan}{:<18}{reset} {:<16} {:<12} {s_on}{status:>3}{s_off} {}",
            crate::term::local_hms_ms(e.timestamp_ms),
            source_label(e),
            e.connection_id.as_deref().unwrap_or("-"),
            e.route.as_deref().unwrap_or("-"),
            message(e)
        ))
    }

    fn empty(&self) -> String {
        "No events match.".into()
    }

    fn notes(&self) -> Vec<String> {
        let r = self.read.lock().unwrap_or_else(|e| e.into_inner());
        let mut n = vec![format!(
            "{} of {} events read from {} group(s) in {} request(s){}",
            r.events_shown,
            r.events_read,
            self.logs.groups.len(),
            r.requests,
            if r.throttled > 0 { format!(", {} throttled and retried", r.throttled) } else { String::new() }
        )];
        if r.truncated {
            n.push(
                "the window holds more events than --limit: narrow --since/--until, raise --limit, or use --insights"
                    .into(),
            );
        }
        n.extend(r.warnings.iter().map(|w| format!("warning: {w}")));
        n
    }
}
