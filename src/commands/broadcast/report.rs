//! The summary of a broadcast: what it counts, how it reads, and its exit code.

use super::targets::Skipped;
use crate::output::{Block, Report};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use wsadm_core::broadcast::{Stop, Totals};
use wsadm_core::ErrorKind;

/// The targets of one stage and what became of them.
#[derive(Debug, Clone, Serialize)]
pub struct StageTotals {
    pub stage: String,
    pub management_endpoint: String,
    #[serde(flatten)]
    pub totals: Totals,
}

#[derive(Debug, Serialize)]
pub struct BroadcastReport {
    pub api_id: String,
    pub stage: String,
    pub management_endpoint: String,
    pub dry_run: bool,
    pub bytes: usize,
    /// All stages together.
    #[serde(flatten)]
    pub totals: Totals,
    pub throttled: u64,
    pub retries: u64,
    pub elapsed_secs: f64,
    pub rate_per_sec: f64,
    /// Why it stopped early, if it did.
    pub stopped: Option<Stop>,
    /// False when the table was read no further after a stop (the targets counted are those read).
    pub read_to_end: bool,
    /// Reading the targets failed part way: those read before were sent, the rest not.
    pub read_error: Option<String>,
    pub report_file: Option<PathBuf>,
    /// Why the report file is incomplete, if it is (the summary is still exact).
    pub report_error: Option<String>,
    /// Gone connections whose records could not be removed (no session table known).
    pub records_not_removed: u64,
    /// Gone connections whose records were kept: younger than --min-age (maybe still in $connect).
    pub records_kept_too_new: u64,
    /// Gone connections whose records name another stage: kept (the 410 came from this stage's endpoint).
    pub records_kept_other_stage: u64,
    /// Gone connections whose records could not be removed (DynamoDB refused or failed).
    pub records_delete_failed: u64,
    /// The first such failure.
    pub records_delete_error: Option<String>,
    /// Records of other stages, found and not sent to (without --all-stages), and by stage.
    pub skipped_other_stage: u64,
    pub skipped_by_stage: BTreeMap<String, u64>,
    /// Records naming a stage the API does not have (with --all-stages).
    pub skipped_unknown_stage: u64,
    /// Ids in the table that are not connection ids: never sent; the first of them.
    pub skipped_invalid_id: u64,
    pub invalid_ids: Vec<String>,
    #[serde(skip)]
    pub skipped: Skipped,
    /// Per stage (one entry unless --all-stages found records of several).
    pub stages: Vec<StageTotals>,
}

impl BroadcastReport {
    /// Before anything is sent: every count 0.
    pub fn new(target: &wsadm_core::target::Target, dry_run: bool, bytes: usize, report_file: Option<PathBuf>) -> Self {
        let endpoint = target.management_endpoint.to_string();
        Self::empty(&target.api_id, &target.stage, &endpoint, dry_run, bytes, report_file)
    }

    fn empty(
        api_id: &str,
        stage: &str,
        endpoint: &str,
        dry_run: bool,
        bytes: usize,
        report_file: Option<PathBuf>,
    ) -> Self {
        BroadcastReport {
            api_id: api_id.to_string(),
            stage: stage.to_string(),
            management_endpoint: endpoint.to_string(),
            dry_run,
            bytes,
            totals: Totals::default(),
            throttled: 0,
            retries: 0,
            elapsed_secs: 0.0,
            rate_per_sec: 0.0,
            stopped: None,
            read_to_end: true,
            read_error: None,
            report_file,
            report_error: None,
            records_not_removed: 0,
            records_kept_too_new: 0,
            records_kept_other_stage: 0,
            records_delete_failed: 0,
            records_delete_error: None,
            skipped_other_stage: 0,
            skipped_by_stage: BTreeMap::new(),
            skipped_unknown_stage: 0,
            skipped_invalid_id: 0,
            invalid_ids: vec![],
            skipped: Skipped::default(),
            stages: vec![],
        }
    }

    pub fn set_skipped(&mut self, skipped: Skipped) {
        self.skipped_other_stage = skipped.other_stage;
        self.skipped_unknown_stage = skipped.unknown_stage;
        self.skipped_invalid_id = skipped.invalid_id;
        self.skipped_by_stage = skipped.by_stage.clone();
        self.invalid_ids = skipped.invalid_ids.clone();
        self.skipped = skipped;
    }
}

impl Report for BroadcastReport {
    fn view(&self) -> Vec<Block> {
        let t = &self.totals;
        let mut rows = vec![
            (
                "Targets".to_string(),
                if self.read_to_end {
                    t.targets.to_string()
                } else {
                    format!("{} (read before the stop; the table was not read to the end)", t.targets)
                },
            ),
            ("Delivered".into(), t.delivered.to_string()),
            ("Gone (410)".into(), t.gone.to_string()),
            (
                "Failed".into(),
                match t.maybe_delivered {
                    0 => t.failed.to_string(),
                    m => format!(
                        "{} ({m} sent without an answer: maybe delivered, not re-sent; `maybe_delivered` in --report)",
                        t.failed
                    ),
                },
            ),
            ("Not attempted".into(), t.not_attempted.to_string()),
            ("429s / retries".into(), format!("{} / {}", self.throttled, self.retries)),
            ("Time".into(), format!("{:.2} s ({:.0} msg/s)", self.elapsed_secs, self.rate_per_sec)),
        ];
        rows.extend(self.skipped.row());
        if let Some(e) = &self.read_error {
            rows.push((
                "Not read".into(),
                format!(
                    "reading the targets failed after {} ({e}): the rest were not sent; rerun to reach them",
                    t.targets
                ),
            ));
        }
        if let Some(f) = &self.report_file {
            let note = match &self.report_error {
                Some(e) => format!("{} — INCOMPLETE: {e}", f.display()),
                None => f.display().to_string(),
            };
            rows.push(("Report".into(), note));
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
        if self.records_delete_failed > 0 {
            rows.push((
                "Not removed".into(),
                format!(
                    "{} gone records could not be removed ({}); `wsadm sessions prune` removes them later",
                    self.records_delete_failed,
                    self.records_delete_error.as_deref().unwrap_or("no detail")
                ),
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
        if self.records_kept_other_stage > 0 {
            rows.push((
                "Records kept".into(),
                format!("{} gone here but recorded for another stage: not removed", self.records_kept_other_stage),
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
        let mut blocks = vec![Block::Fields { title: Some(title), rows }];
        blocks.extend(stages_block(&self.stages));
        blocks
    }

    /// A stop says why; otherwise anything a runbook must look at is partial (3): targets
    /// failed or not attempted, gone records that could not be removed, an incomplete report
    /// file, invalid ids in the table.
    fn exit_kind(&self) -> Option<ErrorKind> {
        match &self.stopped {
            Some(Stop::Interrupted) => Some(ErrorKind::Interrupted),
            Some(Stop::Forbidden(_)) => Some(ErrorKind::Auth),
            Some(Stop::PayloadTooLarge) => Some(ErrorKind::Failure),
            None if self.totals.failed + self.totals.not_attempted > 0
                || self.read_error.is_some()
                || self.records_delete_failed > 0
                || self.report_error.is_some()
                || self.skipped_invalid_id > 0 =>
            {
                Some(ErrorKind::Partial)
            }
            None => None,
        }
    }
}

/// The per-stage table, when a broadcast went to several stages.
fn stages_block(stages: &[StageTotals]) -> Option<Block> {
    if stages.len() < 2 {
        return None;
    }
    let rows = stages
        .iter()
        .map(|s| {
            let t = &s.totals;
            vec![
                s.stage.clone(),
                t.targets.to_string(),
                t.delivered.to_string(),
                t.gone.to_string(),
                t.failed.to_string(),
                t.not_attempted.to_string(),
            ]
        })
        .collect();
    Some(Block::Table {
        title: Some("By stage".into()),
        header: ["STAGE", "TARGETS", "DELIVERED", "GONE", "FAILED", "NOT ATTEMPTED"].map(String::from).to_vec(),
        rows,
        empty: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> BroadcastReport {
        let mut r = BroadcastReport::empty("a1", "prod", "https://x/prod", false, 2, Some("r.jsonl".into()));
        r.totals = Totals { targets: 10, delivered: 9, gone: 1, failed: 0, maybe_delivered: 0, not_attempted: 0 };
        (r.elapsed_secs, r.rate_per_sec) = (1.0, 10.0);
        r
    }

    fn text(r: &BroadcastReport) -> String {
        let fields = |b: &Block| match b {
            Block::Fields { rows, .. } => rows.iter().map(|(k, v)| format!("{k}: {v}\n")).collect::<String>(),
            _ => String::new(),
        };
        r.view().iter().map(fields).collect()
    }

    #[test]
    fn failures_to_record_are_partial_and_said() {
        let ok = report();
        assert_eq!(ok.exit_kind(), None, "every target delivered or gone");

        let mut r = report();
        r.report_error = Some("No space left on device (os error 28)".into());
        assert_eq!(r.exit_kind(), Some(ErrorKind::Partial));
        assert!(text(&r).contains("INCOMPLETE: No space left"), "{}", text(&r));

        let mut r = report();
        r.records_delete_failed = 2;
        r.records_delete_error = Some("GetItem: ResourceNotFoundException".into());
        assert_eq!(r.exit_kind(), Some(ErrorKind::Partial));
        assert!(text(&r).contains("2 gone records could not be removed (GetItem"), "{}", text(&r));

        let mut r = report();
        r.set_skipped(Skipped { invalid_id: 1, invalid_ids: vec!["x y".into()], ..Skipped::default() });
        assert_eq!(r.exit_kind(), Some(ErrorKind::Partial), "invalid ids in the table");

        let mut r = report();
        r.set_skipped(Skipped { other_stage: 4, ..Skipped::default() });
        assert_eq!(r.exit_kind(), None, "other stages' records are not this broadcast's");
        assert_eq!(r.skipped_other_stage, 4);

        let mut r = report();
        r.read_error = Some("Scan: ProvisionedThroughputExceededException".into());
        assert_eq!(r.exit_kind(), Some(ErrorKind::Partial), "targets left unread");
        assert!(text(&r).contains("reading the targets failed after 10 (Scan: Prov"), "{}", text(&r));

        let mut r = report();
        r.read_to_end = false;
        r.stopped = Some(Stop::Interrupted);
        assert!(text(&r).contains("10 (read before the stop; the table was not read to the end)"), "{}", text(&r));

        let mut r = report();
        r.records_delete_failed = 1;
        r.stopped = Some(Stop::Forbidden("denied".into()));
        assert_eq!(r.exit_kind(), Some(ErrorKind::Auth), "a stop says why first");
    }
}
