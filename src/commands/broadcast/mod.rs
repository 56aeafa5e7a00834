//! `wsadm broadcast`: one message to many connections, fast and throttle-aware, with exact
//! accounting (delivered + gone + failed + not attempted = targets) and a per-target report.
//!
//! Modules: `targets` (who: the table's records by stage, or given ids), `report` (the
//! summary and its exit code).

mod report;
mod targets;

pub use report::BroadcastReport;
use report::StageTotals;

use super::Ctx;
use async_trait::async_trait;
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;
use wsadm_core::broadcast::{self, Outcome, Poster, Progress, TargetResult, Totals};
use wsadm_core::connections::{ConnError, MAX_POST_BYTES};
use wsadm_core::poster::DirectPoster;
use wsadm_core::store::{GoneRemoval, SessionStore};
use wsadm_core::{Aws, Error};

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
        all_stages: c.all_stages,
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
        sender: c.sender,
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
    /// Records of other stages go to their own stage's endpoint (else they are skipped).
    pub all_stages: bool,
    pub message: Option<String>,
    pub file: Option<PathBuf>,
    pub json: bool,
    pub max_rps: f64,
    pub concurrency: usize,
    pub max_attempts: u32,
    pub report: Option<PathBuf>,
    pub dry_run: bool,
    pub scan_segments: u32,
    pub sender: crate::cli::BroadcastSender,
}

/// PostToConnection without the SDK's per-call overhead (see wsadm_core::poster), or through
/// the SDK client when a proxy applies (the direct sender does not speak to proxies). Neither
/// retries: the engine paces and retries.
enum ManagementPoster {
    Direct(Box<DirectPoster>),
    Sdk(aws_sdk_apigatewaymanagement::Client),
}

impl ManagementPoster {
    async fn new(aws: &Aws, endpoint: &Url, choice: crate::cli::BroadcastSender) -> Result<Self, Error> {
        use crate::cli::BroadcastSender as S;
        let proxied = wsadm_core::poster::proxied(endpoint);
        let sdk = match choice {
            S::Sdk => {
                tracing::info!("--sender sdk: sending through the SDK client (slower)");
                true
            }
            S::Direct => {
                if proxied {
                    tracing::warn!("--sender direct: HTTPS_PROXY/HTTP_PROXY is ignored for {endpoint}");
                }
                false
            }
            S::Auto => {
                if proxied {
                    tracing::info!(
                        "HTTPS_PROXY/HTTP_PROXY applies to {endpoint}: sending through the SDK client (slower)"
                    );
                }
                proxied
            }
        };
        // The engine retries and paces: a client that retried by itself would hide 429s from it.
        Ok(if sdk {
            ManagementPoster::Sdk(aws.management_without_retries(endpoint)?)
        } else {
            ManagementPoster::Direct(Box::new(DirectPoster::new(aws.sdk_config(), endpoint).await?))
        })
    }
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

/// What the 410s did to the records, over every stage of a broadcast.
#[derive(Default)]
struct GoneCounts {
    not_removed: AtomicU64,
    kept_too_new: AtomicU64,
    kept_other_stage: AtomicU64,
    delete_failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

/// Removes the record of a connection found gone on `stage`'s endpoint, by the shared rule.
struct RemoveRecord {
    store: Option<SessionStore>,
    stage: String,
    min_age_ms: i64,
    counts: Arc<GoneCounts>,
}

#[async_trait]
impl broadcast::OnGone for RemoveRecord {
    async fn gone(&self, id: &str) {
        let c = &self.counts;
        let Some(store) = &self.store else {
            c.not_removed.fetch_add(1, Ordering::Relaxed);
            return;
        };
        // The one rule for 410s (broadcast, prune, the chat fan-out): a young record stays, and
        // a record of another stage is not this 410's to remove.
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        match store.remove_gone_in_stage(id, now, self.min_age_ms, Some(&self.stage)).await {
            Ok(GoneRemoval::TooNew) => {
                c.kept_too_new.fetch_add(1, Ordering::Relaxed);
            }
            Ok(GoneRemoval::OtherStage(_)) => {
                c.kept_other_stage.fetch_add(1, Ordering::Relaxed);
            }
            Ok(GoneRemoval::Removed(_) | GoneRemoval::NoRecord) => {}
            Err(e) => {
                c.delete_failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(connection_id = id, "could not remove the gone record: {e}");
                let mut first = c.first_error.lock().unwrap_or_else(|p| p.into_inner());
                first.get_or_insert_with(|| e.to_string());
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

/// One line of the `--report` file: the target's result, and its stage when the broadcast
/// went to several.
#[derive(Serialize)]
struct ReportLine<'a> {
    #[serde(flatten)]
    result: &'a TargetResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a str>,
}

/// The `--report` file, with the first write error kept (the broadcast goes on: its summary is
/// still exact, and says the file is incomplete).
struct ReportFile {
    out: std::io::BufWriter<std::fs::File>,
    error: Option<std::io::Error>,
}

impl ReportFile {
    fn write(&mut self, r: &TargetResult, stage: Option<&str>) {
        if self.error.is_some() {
            return;
        }
        let line = serde_json::to_string(&ReportLine { result: r, stage }).unwrap_or_default();
        if let Err(e) = writeln!(self.out, "{line}") {
            self.error = Some(e);
        }
    }

    /// Flushes; the first error of the whole file, if any.
    fn finish(mut self) -> Option<std::io::Error> {
        if self.error.is_none() {
            if let Err(e) = self.out.flush() {
                self.error = Some(e);
            }
        }
        self.error
    }
}

pub async fn run(ctx: &Ctx, args: BroadcastArgs) -> Result<BroadcastReport, Error> {
    if args.max_rps.is_nan() || args.max_rps <= 0.0 || args.concurrency == 0 || args.max_attempts == 0 {
        return Err(Error::invalid(
            "--max-rps, --concurrency and --max-attempts must be positive",
            "e.g. --max-rps 2000",
        ));
    }
    if args.all_stages && ctx.target_args().domain.is_some() {
        return Err(Error::invalid(
            "--all-stages and --domain do not go together",
            "a custom domain's mapping serves one stage: drop --domain, or --all-stages",
        ));
    }
    let min_age_ms = crate::commands::sessions::parse_duration(&args.min_age)? * 1000;
    let data = payload(&args)?;
    let target = ctx.target().await?;
    let aws = ctx.aws().await?;
    let store = target.table.clone().map(|t| SessionStore::new(aws.dynamodb(), t));
    let api_stages: Option<HashSet<String>> = if args.all_stages {
        let stages = wsadm_core::apigw::stages(&aws.apigw(), &target.api_id).await?;
        Some(stages.iter().filter_map(|s| s.stage_name().map(String::from)).collect())
    } else {
        None
    };
    let stop = Arc::new(AtomicBool::new(false));
    let reader = targets::read(&args, store.as_ref(), &target.stage, api_stages.as_ref(), stop.clone()).await?;
    let targets::Reader { stages, targets: mut rx, known_count, counts: read_counts, task } = reader;
    // Each stage's endpoint: this stage's as resolved (--domain included), the others' from the API.
    let mut endpoints = Vec::with_capacity(stages.len());
    for stage in &stages {
        endpoints.push(if *stage == target.stage {
            target.management_endpoint.clone()
        } else {
            wsadm_core::target::management_endpoint(&target.api_endpoint, stage, None)?
        });
    }
    let mut report = BroadcastReport::new(&target, args.dry_run, data.len(), args.report.clone());
    let started = Instant::now();
    let by_route = if args.dry_run {
        report.report_file = None;
        // Read everything, send nothing: the counts per stage.
        let mut by_route = vec![Totals::default(); stages.len()];
        while let Some(t) = rx.recv().await {
            by_route[t.route].targets += 1;
        }
        by_route
    } else {
        let routes = match routes(aws, &endpoints, &store, &stages, min_age_ms, args.sender).await {
            Ok(r) => r,
            Err(e) => {
                // Nothing sent: stop the reader before saying why.
                stop.store(true, Ordering::Relaxed);
                drop(rx);
                task.finish().await;
                return Err(e);
            }
        };
        // The stage goes in the report's lines when the broadcast may reach several.
        let stage_labels = if stages.len() > 1 { stages.clone() } else { vec![] };
        let sending = Sending { args: &args, known_count, read_counts, stage_labels, stop: stop.clone() };
        match sending.run(routes, rx, data, &mut report).await {
            Ok(by_route) => by_route,
            Err(e) => {
                task.finish().await;
                return Err(e);
            }
        }
    };
    let end = task.finish().await;
    report.set_skipped(end.skipped);
    report.read_to_end = !end.stopped_early;
    if let Some(e) = end.error {
        tracing::warn!("reading the targets failed: {e}");
        report.read_error = Some(e);
    }
    for (i, (stage, t)) in stages.into_iter().zip(by_route).enumerate() {
        add(&mut report.totals, &t);
        // This stage always; another only when it had targets.
        if i == 0 || t.targets > 0 {
            report.stages.push(StageTotals { stage, management_endpoint: endpoints[i].to_string(), totals: t });
        }
    }
    if !args.dry_run {
        let elapsed = started.elapsed().as_secs_f64();
        let t = &report.totals;
        report.elapsed_secs = elapsed;
        report.rate_per_sec = (t.delivered + t.gone + t.failed) as f64 / elapsed.max(0.001);
    }
    Ok(report)
}

/// One route per stage: its sender, and the removal of its gone records. Every sender is made
/// before the first call: a broadcast that starts, ends with a summary.
async fn routes(
    aws: &Aws,
    endpoints: &[Url],
    store: &Option<SessionStore>,
    stages: &[String],
    min_age_ms: i64,
    sender: crate::cli::BroadcastSender,
) -> Result<(Vec<broadcast::Route>, Arc<GoneCounts>), Error> {
    let counts = Arc::new(GoneCounts::default());
    let mut routes = Vec::with_capacity(endpoints.len());
    for (endpoint, stage) in endpoints.iter().zip(stages) {
        routes.push(broadcast::Route {
            poster: Arc::new(ManagementPoster::new(aws, endpoint, sender).await?),
            on_gone: Arc::new(RemoveRecord {
                store: store.clone(),
                stage: stage.clone(),
                min_age_ms,
                counts: counts.clone(),
            }),
        });
    }
    Ok((routes, counts))
}

/// The sending part of a broadcast: the engine, the report file, the progress display.
struct Sending<'a> {
    args: &'a BroadcastArgs,
    /// Given ids: how many (a bar); from the table: unknown (a counter of read and sent).
    known_count: Option<u64>,
    /// The table reader's counts (read, skipped), for the counter.
    read_counts: Arc<targets::ReadCounts>,
    /// Route index -> stage, for the report's lines (empty: one stage, not named).
    stage_labels: Vec<String>,
    stop: Arc<AtomicBool>,
}

impl Sending<'_> {
    /// Sends to every target read; the totals per route. Fills the report's counters.
    async fn run(
        self,
        (routes, counts): (Vec<broadcast::Route>, Arc<GoneCounts>),
        targets: tokio::sync::mpsc::Receiver<broadcast::Target>,
        data: Vec<u8>,
        report: &mut BroadcastReport,
    ) -> Result<Vec<Totals>, Error> {
        let args = self.args;
        let mut report_out = match &args.report {
            Some(p) => Some(ReportFile {
                out: std::io::BufWriter::new(
                    std::fs::File::create(p).map_err(io_err(format!("cannot create the report {}", p.display())))?,
                ),
                error: None,
            }),
            None => None,
        };
        let progress = Arc::new(Progress::default());
        let bar = match self.known_count {
            Some(n) => crate::term::Progress::bar(n),
            None => crate::term::Progress::new(),
        };
        let watcher = {
            let (stop, progress, bar, known) = (self.stop.clone(), progress.clone(), bar.clone(), self.known_count);
            let read_counts = self.read_counts.clone();
            tokio::spawn(async move {
                let mut signals = crate::term::stop_signals();
                let mut tick = tokio::time::interval(Duration::from_millis(250));
                loop {
                    tokio::select! {
                        _ = signals.recv() => stop.store(true, Ordering::SeqCst),
                        _ = tick.tick() => {
                            let done = progress.done.load(Ordering::Relaxed);
                            let (throttled, retries) =
                                (progress.throttled.load(Ordering::Relaxed), progress.retries.load(Ordering::Relaxed));
                            if known.is_some() {
                                bar.set_position(done);
                                bar.update(&format!("429s {throttled}  retries {retries}"));
                            } else {
                                let line = read_counts.line(done);
                                bar.update(&format!("{line}  429s {throttled}  retries {retries}"));
                            }
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
        let labels = &self.stage_labels;
        let sender = broadcast::Sender { routes, opts, progress: progress.clone(), stop: self.stop.clone() };
        let run = broadcast::run(sender, targets, Arc::from(data.as_slice()), |route, r| {
            if let Some(f) = report_out.as_mut() {
                f.write(r, labels.get(route).map(String::as_str));
            }
        })
        .await;
        watcher.abort();
        tracing::debug!("sending done");
        bar.clear();
        if let Some(e) = report_out.and_then(ReportFile::finish) {
            tracing::warn!("the report file is incomplete: {e}");
            report.report_error = Some(e.to_string());
        }
        report.stopped = run.stopped;
        report.throttled = progress.throttled.load(Ordering::Relaxed);
        report.retries = progress.retries.load(Ordering::Relaxed);
        report.records_not_removed = counts.not_removed.load(Ordering::Relaxed);
        report.records_kept_too_new = counts.kept_too_new.load(Ordering::Relaxed);
        report.records_kept_other_stage = counts.kept_other_stage.load(Ordering::Relaxed);
        report.records_delete_failed = counts.delete_failed.load(Ordering::Relaxed);
        report.records_delete_error = counts.first_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Ok(run.by_route)
    }
}

fn add(sum: &mut Totals, t: &Totals) {
    sum.targets += t.targets;
    sum.delivered += t.delivered;
    sum.gone += t.gone;
    sum.failed += t.failed;
    sum.maybe_delivered += t.maybe_delivered;
    sum.not_attempted += t.not_attempted;
}
