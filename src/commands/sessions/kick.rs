//! `sessions kick`: close connections with DeleteConnection, then remove their records.

use super::{resolve, table_error, validate_user, Gateway, CHECK_CONCURRENCY};
use crate::args::sessions::SessionsKickArgs;
use crate::commands::Ctx;
use crate::output::{cell, Block, Printer, Report};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;
use std::collections::HashMap;
use wsadm_core::connections::{self, validate_connection_id, ConnError};
use wsadm_core::store::{self, Session, SessionStore};
use wsadm_core::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KickOutcome {
    /// DeleteConnection closed it.
    Closed,
    /// 410: it was closed already.
    AlreadyGone,
    /// DeleteConnection failed: the connection may be open, its record is kept.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordOutcome {
    Removed,
    /// There was no record.
    None,
    Kept,
}

#[derive(Debug, Serialize)]
pub struct KickResult {
    pub connection_id: String,
    pub user_id: Option<String>,
    pub outcome: KickOutcome,
    pub record: RecordOutcome,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct KickReport {
    pub api_id: String,
    pub stage: String,
    pub table: String,
    /// What was asked: `connection ids`, `user alice`, `room lobby`.
    pub selection: String,
    /// The operator said no at the prompt: nothing was done.
    pub cancelled: bool,
    pub requested: usize,
    pub closed: usize,
    pub already_gone: usize,
    pub errors: usize,
    pub records_removed: usize,
    pub results: Vec<KickResult>,
}

pub async fn kick(ctx: &Ctx, args: SessionsKickArgs, printer: &Printer) -> Result<KickReport, Error> {
    for id in &args.ids {
        validate_connection_id(id)?;
    }
    if let Some(u) = &args.user {
        validate_user(u)?;
    }
    if let Some(r) = &args.room {
        store::validate_room(r)?;
    }
    let aws = ctx.aws().await?;
    let (target, store) = resolve(ctx, aws).await?;
    let err = table_error(store.table());
    // Who: (connection id, its record if any).
    let (selection, targets): (String, Vec<(String, Option<Session>)>) = if let Some(u) = &args.user {
        (
            format!("user {u}"),
            store.list_by_user(u).map_ok(|s| (s.connection_id.clone(), Some(s))).try_collect().await.map_err(&err)?,
        )
    } else if let Some(r) = &args.room {
        (
            format!("room {r}"),
            store.list_by_room(r).map_ok(|s| (s.connection_id.clone(), Some(s))).try_collect().await.map_err(&err)?,
        )
    } else {
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<String> = args.ids.iter().filter(|id| seen.insert(id.as_str())).cloned().collect();
        let mut records: HashMap<String, Session> = store
            .batch_get(ids.clone())
            .await
            .map_err(&err)?
            .into_iter()
            .map(|s| (s.connection_id.clone(), s))
            .collect();
        (
            "connection ids".into(),
            ids.into_iter()
                .map(|id| {
                    let s = records.remove(&id);
                    (id, s)
                })
                .collect(),
        )
    };
    let mut report = KickReport {
        api_id: target.api_id.clone(),
        stage: target.stage.clone(),
        table: store.table().to_string(),
        selection,
        cancelled: false,
        requested: targets.len(),
        closed: 0,
        already_gone: 0,
        errors: 0,
        records_removed: 0,
        results: Vec::new(),
    };
    if targets.len() > 1 && !ctx.global.yes {
        let what = format!(
            "{} connections ({}) of API {} stage {}",
            targets.len(),
            report.selection,
            target.api_name,
            target.stage
        );
        if !printer.can_prompt() {
            return Err(Error::invalid(
                format!("refusing to kick {what} without confirmation"),
                "pass --yes (-y) to confirm; on a terminal wsadm asks",
            ));
        }
        if !printer.confirm(&format!("Kick {what}?")).await? {
            report.cancelled = true;
            return Ok(report);
        }
    }
    let gw = Gateway::new(aws, target, ctx.global.domain.as_deref())?;
    let results: Vec<KickResult> = stream::iter(targets)
        .map(|(id, record)| {
            let (gw, store) = (gw.clone(), store.clone());
            async move { kick_one(&gw, &store, id, record).await }
        })
        .buffered(CHECK_CONCURRENCY)
        .collect()
        .await;
    for r in &results {
        match r.outcome {
            KickOutcome::Closed => report.closed += 1,
            KickOutcome::AlreadyGone => report.already_gone += 1,
            KickOutcome::Error => report.errors += 1,
        }
        report.errors += (r.outcome != KickOutcome::Error && r.error.is_some()) as usize;
        report.records_removed += (r.record == RecordOutcome::Removed) as usize;
    }
    report.results = results;
    Ok(report)
}

async fn kick_one(gw: &Gateway, store: &SessionStore, id: String, record: Option<Session>) -> KickResult {
    let stage = record.as_ref().and_then(|s| s.stage.clone());
    let user_id = record.as_ref().map(|s| s.user_id.clone());
    let mut result = KickResult {
        connection_id: id,
        user_id,
        outcome: KickOutcome::Error,
        record: RecordOutcome::Kept,
        error: None,
    };
    let deleted = match gw.client(stage.as_deref()) {
        Ok(Some(c)) => connections::delete(&c, &result.connection_id).await,
        Ok(None) => Err(ConnError::Other(format!(
            "recorded on stage {}, which --domain does not serve",
            stage.as_deref().unwrap_or("?")
        ))),
        Err(e) => Err(ConnError::Other(e.to_string())),
    };
    match deleted {
        Ok(()) => result.outcome = KickOutcome::Closed,
        Err(ConnError::Gone) => result.outcome = KickOutcome::AlreadyGone,
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    }
    // The connection is closed: its record goes (its $disconnect may be removing it too).
    match store.delete(&result.connection_id).await {
        Ok(_) => result.record = if record.is_some() { RecordOutcome::Removed } else { RecordOutcome::None },
        Err(e) => result.error = Some(format!("the connection is closed but its record was not removed: {e}")),
    }
    result
}

impl Report for KickReport {
    fn view(&self) -> Vec<Block> {
        if self.cancelled {
            return vec![Block::Raw("Cancelled: nothing was kicked.\n".into())];
        }
        let mut blocks = vec![Block::Fields {
            title: Some(format!("Kick: {} (stage {}, table {})", self.selection, self.stage, self.table)),
            rows: vec![
                ("Requested".into(), self.requested.to_string()),
                ("Closed".into(), self.closed.to_string()),
                ("Already gone (410)".into(), self.already_gone.to_string()),
                ("Errors".into(), self.errors.to_string()),
                ("Records removed".into(), self.records_removed.to_string()),
            ],
        }];
        if !self.results.is_empty() {
            blocks.push(Block::Table {
                title: None,
                header: ["CONNECTION ID", "USER", "RESULT", "RECORD", "ERROR"].map(String::from).into(),
                rows: self
                    .results
                    .iter()
                    .map(|r| {
                        vec![
                            r.connection_id.clone(),
                            cell(r.user_id.as_deref()),
                            match r.outcome {
                                KickOutcome::Closed => "closed",
                                KickOutcome::AlreadyGone => "already gone",
                                KickOutcome::Error => "ERROR",
                            }
                            .into(),
                            match r.record {
                                RecordOutcome::Removed => "removed",
                                RecordOutcome::None => "-",
                                RecordOutcome::Kept => "kept",
                            }
                            .into(),
                            cell(r.error.as_deref()),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        } else {
            blocks.push(Block::Raw("\nNo connections matched.\n".into()));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        if self.cancelled {
            Some(ErrorKind::Failure)
        } else if self.errors > 0 {
            Some(ErrorKind::Partial)
        } else {
            None
        }
    }
}
