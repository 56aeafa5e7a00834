//! `wsadm broadcast`: one message to many connections, fast and throttle-aware, with exact
//! accounting (delivered + gone + failed + not attempted = targets) and a per-target report.

use super::Ctx;
use crate::output::{Block, Report};
use async_trait::async_trait;
use futures::TryStreamExt;
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wsadm_core::broadcast::{self, Outcome, Poster, Progress, Stop, Totals};
use wsadm_core::connections::{validate_connection_id, ConnError, MAX_POST_BYTES};
use wsadm_core::poster::DirectPoster;
use wsadm_core::store::{ScanOptions, SessionStore};
use wsadm_core::{Error, ErrorKind};

/// From the command line.
pub fn args(c: crate::cli::BroadcastCommand) -> BroadcastArgs {
    use crate::cli::BroadcastOutcome as O;
    BroadcastArgs {
        all: c.all,
        room: c.room,
        user: c.user,
        connections: c.connection,
        targets: c.targets,
        only: c.only.map(|o| match o {
            O::Delivered => Outcome::Delivered,
            O::Gone => Outcome::Gone,
            O::Failed => Outcome::Failed,
            O::NotAttempted => Outcome::NotAttempted,
        }),
        message: c.message,
        file: c.file,
        json: c.json,
        max_rps: c.max_rps,
        concurrency: c.concurrency,
        max_attempts: c.max_attempts,
        report: c.report,
        dry_run: c.dry_run,
        scan_segments: c.scan_segments,
        min_age: c.min_age,
    }
}

#[derive(Debug, Clone)]
pub struct BroadcastArgs {
    /// `--min-age`: a gone record younger than this is kept.
    pub min_age: String,
    pub all: bool,
    pub room: Option<String>,
    pub user: Option<String>,
    pub connections: Vec<String>,
    /// A file of targets, or `-` for stdin.
    pub targets: Option<PathBuf>,
    /// With --targets of a previous report: only the targets with this outcome.
    pub only: Option<Outcome>,
    pub message: Option<String>,
    pub file: Option<PathBuf>,
    pub json: bool,
    pub max_rps: f64,
    pub concurrency: usize,
    pub max_attempts: u32,
    pub report: Option<PathBuf>,
    pub dry_run: bool,
    pub scan_segments: u32,
}

#[derive(Debug, Serialize)]
pub struct BroadcastReport {
    pub api_id: String,
    pub stage: String,
    pub management_endpoint: String,
    pub dry_run: bool,
    pub bytes: usize,
    #[serde(flatten)]
    pub totals: Totals,
    pub throttled: u64,
    pub retries: u64,
    pub elapsed_secs: f64,
    pub rate_per_sec: f64,
    /// Why it stopped early, if it did.
    pub stopped: Option<Stop>,
    pub report_file: Option<PathBuf>,
    /// Gone connections whose records could not be removed (no session table known).
    pub records_not_removed: u64,
    /// Gone connections whose records were kept: younger than --min-age (maybe still in $connect).
    pub records_kept_too_new: u64,
}

impl Report for BroadcastReport {
    fn view(&self) -> Vec<Block> {
        let t = &self.totals;
        let mut rows = vec![
            ("Targets".to_string(), t.targets.to_string()),
            ("Delivered".into(), t.delivered.to_string()),
            ("Gone (410)".into(), t.gone.to_string()),
            ("Failed".into(), t.failed.to_string()),
            ("Not attempted".into(), t.not_attempted.to_string()),
            ("429s / retries".into(), format!("{} / {}", self.throttled, self.retries)),
            ("Time".into(), format!("{:.2} s ({:.0} msg/s)", self.elapsed_secs, self.rate_per_sec)),
        ];
        if let Some(f) = &self.report_file {
            rows.push(("Report".into(), f.display().to_string()));
        }
        if let Some(s) = &self.stopped {
            rows.push((
                "Stopped".into(),
                match s {
                    Stop::Forbidden(m) => format!("403 Forbidden from the endpoint ({m}): check the API/stage/--domain and the execute-api:ManageConnections permission; nothing was deleted"),
                    Stop::PayloadTooLarge => "413: the payload is over 128 KB".into(),
                    Stop::Interrupted => "interrupted (Ctrl-C); in-flight calls were waited for".into(),
                },
            ));
        }
        if self.records_kept_too_new > 0 {
            rows.push((
                "Records kept".into(),
                format!(
                    "{} gone but younger than --min-age (maybe still in $connect); `wsadm sessions prune` removes them later",
                    self.records_kept_too_new
                ),
            ));
        }
        if self.records_not_removed > 0 {
            rows.push((
                "Note".into(),
                format!("{} gone records not removed: no session table (pass --table)", self.records_not_removed),
            ));
        }
        let title = if self.dry_run {
            format!("Dry run: {} targets on {}/{} (nothing sent)", t.targets, self.api_id, self.stage)
        } else {
            format!("Broadcast to {}/{}", self.api_id, self.stage)
        };
        vec![Block::Fields { title: Some(title), rows }]
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        match &self.stopped {
            Some(Stop::Interrupted) => Some(ErrorKind::Interrupted),
            Some(Stop::Forbidden(_)) => Some(ErrorKind::Auth),
            Some(Stop::PayloadTooLarge) => Some(ErrorKind::Failure),
            None if self.totals.failed + self.totals.not_attempted > 0 => Some(ErrorKind::Partial),
            None => None,
        }
    }
}

/// PostToConnection without the SDK's per-call overhead (see wsadm_core::poster), or through
/// the SDK client when a proxy applies (the direct sender does not speak to proxies). Neither
/// retries: the engine paces and retries.
enum ManagementPoster {
    Direct(Box<DirectPoster>),
    Sdk(aws_sdk_apigatewaymanagement::Client),
}

#[async_trait]
impl Poster for ManagementPoster {
    async fn post(&self, id: &str, data: &[u8]) -> Result<(), ConnError> {
        match self {
            ManagementPoster::Direct(p) => p.post(id, data).await,
            ManagementPoster::Sdk(c) => wsadm_core::connections::post(c, id, data).await,
        }
    }
}

struct RemoveRecord {
    store: Option<SessionStore>,
    min_age_ms: i64,
    not_removed: std::sync::atomic::AtomicU64,
    kept_too_new: std::sync::atomic::AtomicU64,
}

#[async_trait]
impl broadcast::OnGone for RemoveRecord {
    async fn gone(&self, id: &str) {
        match &self.store {
            Some(s) => {
                // The one rule for 410s (broadcast, prune, the chat fan-out): a young record stays.
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                match s.remove_gone_older_than(id, now, self.min_age_ms).await {
                    Ok(wsadm_core::store::GoneRemoval::TooNew) => {
                        self.kept_too_new.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(connection_id = id, "could not remove the gone record: {e}"),
                }
            }
            None => {
                self.not_removed.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn io_err(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// The payload: --message, --file, or stdin (when stdin is not taken by --targets -).
fn payload(args: &BroadcastArgs) -> Result<Vec<u8>, Error> {
    let data = match (&args.message, &args.file) {
        (Some(m), None) => m.clone().into_bytes(),
        (None, Some(f)) => std::fs::read(f).map_err(io_err(format!("cannot read {}", f.display())))?,
        (None, None) if args.targets.as_deref() != Some(std::path::Path::new("-")) => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                return Err(Error::invalid(
                    "no message given",
                    "pass --message TEXT or --file PATH, or pipe it on stdin",
                ));
            }
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(io_err("cannot read stdin".into()))?;
            buf
        }
        (None, None) => {
            return Err(Error::invalid("no message given", "stdin holds the targets: pass --message or --file"))
        }
        (Some(_), Some(_)) => return Err(Error::invalid("--message and --file both given", "pass one of them")),
    };
    if data.is_empty() {
        return Err(Error::invalid("the message is empty", "pass a non-empty --message or --file"));
    }
    if data.len() > MAX_POST_BYTES {
        return Err(Error::invalid(
            format!("the message is {} bytes; @connections accepts at most {MAX_POST_BYTES}", data.len()),
            "send a link or an id instead of the payload; nothing was sent",
        ));
    }
    if args.json {
        serde_json::from_slice::<serde_json::Value>(&data)
            .map_err(|e| Error::invalid(format!("the message is not JSON: {e}"), "fix it, or drop --json"))?;
    }
    Ok(data)
}

/// Reads target ids: one per line, or JSON lines from `sessions ls -o jsonl` or a broadcast report.
pub fn parse_targets(reader: impl BufRead, only: Option<Outcome>) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(io_err("cannot read the targets".into()))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, outcome) = if line.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                Error::invalid(format!("targets line {}: not JSON: {e}", n + 1), "one id per line, or JSON lines")
            })?;
            let id = ["connection_id", "connectionId", "id"].iter().find_map(|k| v.get(*k).and_then(|x| x.as_str()));
            let id = id.ok_or_else(|| {
                Error::invalid(
                    format!("targets line {}: no connection_id", n + 1),
                    "JSON lines need a connection_id field",
                )
            })?;
            let outcome = v.get("outcome").and_then(|o| serde_json::from_value::<Outcome>(o.clone()).ok());
            (id.to_string(), outcome)
        } else {
            (line.to_string(), None)
        };
        if let Some(want) = only {
            if outcome != Some(want) {
                continue;
            }
        }
        validate_connection_id(&id)?;
        out.push(id);
    }
    Ok(out)
}

async fn resolve_targets(args: &BroadcastArgs, store: Option<&SessionStore>) -> Result<Vec<String>, Error> {
    let chosen =
        [args.all, args.room.is_some(), args.user.is_some(), !args.connections.is_empty(), args.targets.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
    if chosen != 1 {
        return Err(Error::invalid(
            "choose exactly one set of targets",
            "--all, --room R, --user U, --connection ID..., or --targets FILE (- for stdin)",
        ));
    }
    if args.only.is_some() && args.targets.is_none() {
        return Err(Error::invalid("--only works with --targets", "e.g. --targets last.jsonl --only failed"));
    }
    let need_store = || {
        store.ok_or_else(|| {
            Error::invalid(
                "no session table for this API",
                "pass --table, or provision the stack with `wsadm provision`",
            )
        })
    };
    let mut ids: Vec<String> = if args.all {
        let segments = args.scan_segments.max(1);
        need_store()?
            .list_all(ScanOptions { segments, page_size: 1000 })
            .map_ok(|s| s.connection_id)
            .try_collect()
            .await?
    } else if let Some(room) = &args.room {
        let pages: Vec<Vec<String>> = need_store()?.room_members(room).try_collect().await?;
        pages.into_iter().flatten().collect()
    } else if let Some(user) = &args.user {
        need_store()?.list_by_user(user).map_ok(|s| s.connection_id).try_collect().await?
    } else if !args.connections.is_empty() {
        for c in &args.connections {
            validate_connection_id(c)?;
        }
        args.connections.clone()
    } else {
        let path = args.targets.clone().unwrap_or_default();
        if path.as_os_str() == "-" {
            parse_targets(std::io::stdin().lock(), args.only)?
        } else {
            let f = std::fs::File::open(&path).map_err(io_err(format!("cannot open {}", path.display())))?;
            parse_targets(std::io::BufReader::new(f), args.only)?
        }
    };
    // A connection in several places (or listed twice) gets the message once.
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.retain(|id| seen.insert(id.clone()));
    Ok(ids)
}

pub async fn run(ctx: &Ctx, args: BroadcastArgs) -> Result<BroadcastReport, Error> {
    if args.max_rps.is_nan() || args.max_rps <= 0.0 || args.concurrency == 0 || args.max_attempts == 0 {
        return Err(Error::invalid(
            "--max-rps, --concurrency and --max-attempts must be positive",
            "e.g. --max-rps 2000",
        ));
    }
    let data = payload(&args)?;
    let target = ctx.target().await?;
    let aws = ctx.aws().await?;
    let store = target.table.clone().map(|t| SessionStore::new(aws.dynamodb(), t));
    let ids = resolve_targets(&args, store.as_ref()).await?;
    tracing::debug!(targets = ids.len(), "targets resolved");
    let mut report = BroadcastReport {
        api_id: target.api_id.clone(),
        stage: target.stage.clone(),
        management_endpoint: target.management_endpoint.to_string(),
        dry_run: args.dry_run,
        bytes: data.len(),
        totals: Totals { targets: ids.len() as u64, not_attempted: ids.len() as u64, ..Totals::default() },
        throttled: 0,
        retries: 0,
        elapsed_secs: 0.0,
        rate_per_sec: 0.0,
        stopped: None,
        report_file: args.report.clone(),
        records_not_removed: 0,
        records_kept_too_new: 0,
    };
    if args.dry_run {
        report.report_file = None;
        report.totals.not_attempted = 0;
        return Ok(report);
    }
    let mut report_out = match &args.report {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).map_err(io_err(format!("cannot create the report {}", p.display())))?,
        )),
        None => None,
    };
    // The engine retries and paces: a client that retried by itself would hide 429s from it.
    let endpoint = &target.management_endpoint;
    let poster = Arc::new(if wsadm_core::poster::proxied(endpoint) {
        tracing::info!("HTTPS_PROXY/HTTP_PROXY applies to {endpoint}: sending through the SDK client (slower)");
        ManagementPoster::Sdk(aws.management_without_retries(endpoint)?)
    } else {
        ManagementPoster::Direct(Box::new(DirectPoster::new(aws.sdk_config(), endpoint).await?))
    });
    tracing::debug!("poster ready");
    let min_age_ms = crate::commands::sessions::parse_duration(&args.min_age)? * 1000;
    let on_gone = Arc::new(RemoveRecord { store, min_age_ms, not_removed: 0.into(), kept_too_new: 0.into() });
    let progress = Arc::new(Progress::default());
    let stop = Arc::new(AtomicBool::new(false));
    let bar = crate::term::Progress::bar(ids.len() as u64);
    let watcher = {
        let (stop, progress, bar) = (stop.clone(), progress.clone(), bar.clone());
        tokio::spawn(async move {
            let mut signals = crate::term::stop_signals();
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            loop {
                tokio::select! {
                    _ = signals.recv() => stop.store(true, Ordering::SeqCst),
                    _ = tick.tick() => {
                        bar.set_position(progress.done.load(Ordering::Relaxed));
                        bar.update(&format!(
                            "429s {}  retries {}",
                            progress.throttled.load(Ordering::Relaxed),
                            progress.retries.load(Ordering::Relaxed)
                        ));
                    }
                }
            }
        })
    };
    let opts = broadcast::Options {
        max_concurrency: args.concurrency,
        max_rps: args.max_rps,
        max_attempts: args.max_attempts,
        ..broadcast::Options::default()
    };
    let sender = broadcast::Sender { poster, on_gone: on_gone.clone(), opts, progress: progress.clone(), stop };
    let started = Instant::now();
    let mut write_error: Option<std::io::Error> = None;
    let (totals, stopped) = broadcast::run(sender, ids, Arc::from(data.as_slice()), |r| {
        if let Some(w) = report_out.as_mut() {
            let line = serde_json::to_string(r).unwrap_or_default();
            if let Err(e) = writeln!(w, "{line}") {
                write_error.get_or_insert(e);
            }
        }
    })
    .await;
    watcher.abort();
    tracing::debug!("sending done");
    bar.clear();
    if let Some(mut w) = report_out {
        if let Err(e) = w.flush() {
            write_error.get_or_insert(e);
        }
    }
    if let Some(e) = write_error {
        tracing::warn!("the report file is incomplete: {e}");
    }
    let elapsed = started.elapsed().as_secs_f64();
    report.totals = totals;
    report.stopped = stopped;
    report.throttled = progress.throttled.load(Ordering::Relaxed);
    report.retries = progress.retries.load(Ordering::Relaxed);
    report.elapsed_secs = elapsed;
    report.rate_per_sec = (totals.delivered + totals.gone + totals.failed) as f64 / elapsed.max(0.001);
    report.records_not_removed = on_gone.not_removed.load(Ordering::Relaxed);
    report.records_kept_too_new = on_gone.kept_too_new.load(Ordering::Relaxed);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_from_ids_sessions_jsonl_and_reports() {
        let text = "# ids\nAbc=\n\n{\"connection_id\":\"Def=\",\"user_id\":\"u\"}\n{\"connection_id\":\"Ghi=\",\"outcome\":\"failed\",\"attempts\":5}\n{\"connection_id\":\"Jkl=\",\"outcome\":\"delivered\",\"attempts\":1}\n";
        assert_eq!(parse_targets(text.as_bytes(), None).unwrap(), vec!["Abc=", "Def=", "Ghi=", "Jkl="]);
        assert_eq!(parse_targets(text.as_bytes(), Some(Outcome::Failed)).unwrap(), vec!["Ghi="]);
        assert!(parse_targets("not an id!\n".as_bytes(), None).is_err());
        assert!(parse_targets("{\"x\":1}\n".as_bytes(), None).is_err());
    }
}
