//! `sessions prune`: remove the records of connections API Gateway no longer knows (410).

use super::{now_ms, parse_duration, resolve, rfc3339, table_error, Gateway, SCAN};
use crate::args::sessions::SessionsPruneArgs;
use crate::commands::Ctx;
use crate::output::{cell, Block, Report};
use futures::stream::{StreamExt, TryStreamExt};
use serde::Serialize;
use wsadm_core::connections::{self, ConnError};
use wsadm_core::store::{Session, SessionStore};
use wsadm_core::{Error, ErrorKind};

/// Most connections a prune report lists one by one (the counts are always complete).
const MAX_LISTED: usize = 1000;
/// Prune stops when this many checks in a row were refused (403) and none succeeded.
const FORBIDDEN_STREAK: u64 = 20;

#[derive(Debug, Serialize)]
pub struct GoneSession {
    pub connection_id: String,
    pub user_id: String,
    pub connected_at: Option<String>,
    pub stage: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CheckError {
    pub connection_id: String,
    pub error: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Kept {
    /// API Gateway knows the connection.
    pub connected: u64,
    /// Younger than --min-age.
    pub too_new: u64,
    /// On a stage --domain does not serve.
    pub unchecked: u64,
}

#[derive(Debug, Serialize)]
pub struct PruneReport {
    pub api_id: String,
    pub stage: String,
    pub table: String,
    pub dry_run: bool,
    pub checked: u64,
    /// Records whose connection is gone (410).
    pub gone: u64,
    /// Of those, removed (0 in a dry run).
    pub removed: u64,
    pub kept: u64,
    pub kept_because: Kept,
    /// Checks (403, 429, 5xx) or removals that failed; nothing was removed for them.
    pub errors: u64,
    /// The gone connections (the first 1000).
    pub gone_sessions: Vec<GoneSession>,
    /// The failures (the first 1000).
    pub error_details: Vec<CheckError>,
    /// Why prune stopped before the end of the table, if it did.
    pub stopped: Option<String>,
}

enum Check {
    Connected,
    TooNew,
    Unchecked,
    Gone(Session, bool),
    Failed(String, String, bool),
}

async fn prune_one(gw: &Gateway, store: &SessionStore, s: Session, dry_run: bool, min_age_ms: i64) -> Check {
    let client = match gw.client(s.stage.as_deref()) {
        Ok(Some(c)) => c,
        Ok(None) => return Check::Unchecked,
        Err(e) => return Check::Failed(s.connection_id, e.to_string(), false),
    };
    match connections::get(&client, &s.connection_id).await {
        Ok(_) => Check::Connected,
        // GetConnection does not know a connection while its $connect runs (after the record is written).
        Err(ConnError::Gone) if !wsadm_core::broadcast::gone_record_removable(s.connected_at, now_ms(), min_age_ms) => {
            Check::TooNew
        }
        Err(ConnError::Gone) if dry_run => Check::Gone(s, false),
        Err(ConnError::Gone) => match store.delete(&s.connection_id).await {
            Ok(_) => Check::Gone(s, true),
            Err(e) => Check::Failed(s.connection_id, format!("gone, but removing the record failed: {e}"), false),
        },
        // 403, 429, 5xx: nothing is known, so nothing is removed.
        Err(e) => {
            let forbidden = matches!(e, ConnError::Forbidden(_));
            Check::Failed(s.connection_id, e.to_string(), forbidden)
        }
    }
}

pub async fn prune(ctx: &Ctx, args: SessionsPruneArgs) -> Result<PruneReport, Error> {
    let min_age_ms = parse_duration(&args.min_age)? * 1000;
    let aws = ctx.aws().await?;
    let (target, store) = resolve(ctx, aws).await?;
    let mut report = PruneReport {
        api_id: target.api_id.clone(),
        stage: target.stage.clone(),
        table: store.table().to_string(),
        dry_run: args.dry_run,
        checked: 0,
        gone: 0,
        removed: 0,
        kept: 0,
        kept_because: Kept::default(),
        errors: 0,
        gone_sessions: Vec::new(),
        error_details: Vec::new(),
        stopped: None,
    };
    let gw = Gateway::new(aws, target, ctx.global.domain.as_deref())?;
    let dry_run = args.dry_run;
    let checker = store.clone();
    let mut checks = store
        .list_all(SCAN)
        .map_err(table_error(store.table()))
        .map_ok(move |s| {
            let (gw, store) = (gw.clone(), checker.clone());
            async move { Ok(prune_one(&gw, &store, s, dry_run, min_age_ms).await) }
        })
        .try_buffer_unordered(args.concurrency as usize);
    let mut forbidden_streak = 0u64;
    loop {
        let check = match checks.next().await {
            None => break,
            Some(Ok(c)) => c,
            // The table read failed: before anything was checked that is the answer; after, a partial report.
            Some(Err(e)) if report.checked == 0 => return Err(e),
            Some(Err(e)) => {
                report.stopped = Some(format!("reading the table failed: {e}"));
                report.errors += 1;
                break;
            }
        };
        report.checked += 1;
        match check {
            Check::Connected => {
                report.kept_because.connected += 1;
                forbidden_streak = 0;
            }
            Check::TooNew => report.kept_because.too_new += 1,
            Check::Unchecked => report.kept_because.unchecked += 1,
            Check::Gone(s, removed) => {
                forbidden_streak = 0;
                report.gone += 1;
                report.removed += removed as u64;
                if report.gone_sessions.len() < MAX_LISTED {
                    report.gone_sessions.push(GoneSession {
                        connected_at: rfc3339(s.connected_at),
                        connection_id: s.connection_id,
                        user_id: s.user_id,
                        stage: s.stage,
                    });
                }
            }
            Check::Failed(connection_id, error, forbidden) => {
                report.errors += 1;
                if report.error_details.len() < MAX_LISTED {
                    report.error_details.push(CheckError { connection_id, error });
                }
                forbidden_streak = if forbidden { forbidden_streak + 1 } else { 0 };
                let nothing_worked = report.kept_because.connected == 0 && report.gone == 0;
                if forbidden_streak >= FORBIDDEN_STREAK && nothing_worked {
                    report.stopped = Some(format!(
                        "stopped after {FORBIDDEN_STREAK} refused (403) checks in a row: check the API, --stage/--domain and the IAM permission execute-api:ManageConnections"
                    ));
                    break;
                }
            }
        }
    }
    let k = &report.kept_because;
    report.kept = k.connected + k.too_new + k.unchecked;
    Ok(report)
}

impl Report for PruneReport {
    fn view(&self) -> Vec<Block> {
        let verb = if self.dry_run { "Would remove" } else { "Removed" };
        let k = &self.kept_because;
        let mut kept = format!("{} ({} connected", self.kept, k.connected);
        if k.too_new > 0 {
            kept.push_str(&format!(", {} too new to judge", k.too_new));
        }
        if k.unchecked > 0 {
            kept.push_str(&format!(", {} on other stages", k.unchecked));
        }
        kept.push(')');
        let title = format!(
            "Prune{} of {} (API {}, stage {})",
            if self.dry_run { " (dry run)" } else { "" },
            self.table,
            self.api_id,
            self.stage
        );
        let mut blocks = vec![Block::Fields {
            title: Some(title),
            rows: vec![
                ("Checked".into(), self.checked.to_string()),
                ("Gone (410)".into(), self.gone.to_string()),
                (verb.into(), if self.dry_run { self.gone } else { self.removed }.to_string()),
                ("Kept".into(), kept),
                ("Errors".into(), self.errors.to_string()),
            ],
        }];
        if !self.gone_sessions.is_empty() {
            blocks.push(Block::Table {
                title: Some(format!("Gone{}", if self.gone > MAX_LISTED as u64 { " (the first 1000)" } else { "" })),
                header: ["CONNECTION ID", "USER", "CONNECTED AT", "STAGE"].map(String::from).into(),
                rows: self
                    .gone_sessions
                    .iter()
                    .map(|g| {
                        vec![
                            g.connection_id.clone(),
                            g.user_id.clone(),
                            cell(g.connected_at.as_deref()),
                            cell(g.stage.as_deref()),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        }
        if !self.error_details.is_empty() {
            blocks.push(Block::Table {
                title: Some("Errors (records kept)".into()),
                header: ["CONNECTION ID", "ERROR"].map(String::from).into(),
                rows: self.error_details.iter().map(|e| vec![e.connection_id.clone(), e.error.clone()]).collect(),
                empty: String::new(),
            });
        }
        if let Some(s) = &self.stopped {
            blocks.push(Block::Raw(format!("\nnote: {s}\n")));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        (self.errors > 0).then_some(ErrorKind::Partial)
    }
}
