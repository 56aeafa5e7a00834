//! `sessions show`: GetConnection beside the connection's session record.

use super::{human, now_ms, resolve, rooms_cell, table_error, Gateway, LiveStatus, SessionRow};
use crate::commands::Ctx;
use crate::output::{cell, Block, Report};
use serde::Serialize;
use wsadm_core::connections::{self, validate_connection_id, ConnError, ConnectionInfo};
use wsadm_core::{Error, ErrorKind};

#[derive(Debug, Serialize)]
pub struct SessionDetail {
    pub connection_id: String,
    pub api_id: String,
    pub api_name: String,
    /// The stage GetConnection asked (the record's, else --stage).
    pub stage: String,
    pub table: String,
    /// connected, gone (410), error or unchecked.
    pub status: LiveStatus,
    /// GetConnection's answer.
    pub gateway: Option<ConnectionInfo>,
    pub error: Option<String>,
    /// The session record, if there is one.
    pub record: Option<SessionRow>,
    #[serde(skip)]
    forbidden: bool,
}

pub async fn show(ctx: &Ctx, id: &str) -> Result<SessionDetail, Error> {
    validate_connection_id(id)?;
    let aws = ctx.aws().await?;
    let (target, store) = resolve(ctx, aws).await?;
    let now = now_ms();
    let record = store.get(id).await.map_err(table_error(store.table()))?;
    let stage = record.as_ref().and_then(|s| s.stage.clone()).unwrap_or_else(|| target.stage.clone());
    let (api_id, api_name) = (target.api_id.clone(), target.api_name.clone());
    let gw = Gateway::new(aws, target, ctx.global.domain.as_deref())?;
    let (status, gateway, error, forbidden) = match gw.client(Some(&stage))? {
        None => (LiveStatus::Unchecked, None, Some(format!("stage {stage} is not the one --domain serves")), false),
        Some(c) => match connections::get(&c, id).await {
            Ok(info) => (LiveStatus::Connected, Some(info), None, false),
            Err(ConnError::Gone) => (LiveStatus::Gone, None, None, false),
            Err(e) => (LiveStatus::Error, None, Some(e.to_string()), matches!(e, ConnError::Forbidden(_))),
        },
    };
    Ok(SessionDetail {
        connection_id: id.to_string(),
        api_id,
        api_name,
        stage,
        table: store.table().to_string(),
        status,
        gateway,
        error,
        record: record.map(|s| SessionRow::new(s, now)),
        forbidden,
    })
}

impl Report for SessionDetail {
    fn view(&self) -> Vec<Block> {
        let status = match self.status {
            LiveStatus::Connected => "connected".to_string(),
            LiveStatus::Gone => "GONE (410): API Gateway no longer knows this connection".into(),
            LiveStatus::Error => format!("unknown: GetConnection failed: {}", self.error.as_deref().unwrap_or("?")),
            LiveStatus::Unchecked => format!("unchecked: {}", self.error.as_deref().unwrap_or("?")),
        };
        let r = self.record.as_ref();
        let g = self.gateway.as_ref();
        let mut fields = vec![
            ("Status".to_string(), status),
            ("User".into(), cell(r.map(|r| r.user_id.as_str()))),
            ("Rooms".into(), r.map(|r| rooms_cell(&r.rooms)).unwrap_or_else(|| "-".into())),
            ("API".into(), format!("{} ({})", self.api_name, self.api_id)),
            ("Stage".into(), self.stage.clone()),
            ("Table".into(), self.table.clone()),
        ];
        if let Some(r) = r {
            fields.push(("Connected for".into(), human(r.connected_secs)));
            if r.stale {
                fields.push(("Stale".into(), "yes: connected over 2 h ago or idle over 11 min".into()));
            }
            if let Some(code) = r.disconnect_status {
                fields.push((
                    "Disconnect".into(),
                    format!("{code} {}", r.disconnect_reason.as_deref().unwrap_or_default()).trim_end().to_string(),
                ));
            }
        }
        let rows = vec![
            vec![
                "connected at".to_string(),
                cell(g.and_then(|g| g.connected_at.as_deref())),
                cell(r.and_then(|r| r.connected_at.as_deref())),
            ],
            vec![
                "last active".into(),
                cell(g.and_then(|g| g.last_active_at.as_deref())),
                cell(r.and_then(|r| r.last_seen_at.as_deref())),
            ],
            vec![
                "source IP".into(),
                cell(g.and_then(|g| g.source_ip.as_deref())),
                cell(r.and_then(|r| r.source_ip.as_deref())),
            ],
            vec![
                "user agent".into(),
                cell(g.and_then(|g| g.user_agent.as_deref())),
                cell(r.and_then(|r| r.user_agent.as_deref())),
            ],
        ];
        let mut blocks = vec![
            Block::Fields { title: Some(format!("Connection {}", self.connection_id)), rows: fields },
            Block::Table {
                title: None,
                header: ["", "API GATEWAY", "SESSION RECORD"].map(String::from).into(),
                rows,
                empty: String::new(),
            },
        ];
        let note = match (self.status, r.is_some()) {
            (LiveStatus::Gone, true) => Some("the record is stale: `wsadm sessions prune` removes it"),
            (LiveStatus::Gone, false) => Some("there is no session record either"),
            (LiveStatus::Connected, false) => {
                Some("no session record: $connect did not write one, or it was removed (`wsadm sessions kick` closes the connection)")
            }
            _ => None,
        };
        if let Some(n) = note {
            blocks.push(Block::Raw(format!("\nnote: {n}\n")));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        match self.status {
            LiveStatus::Gone => Some(ErrorKind::Gone),
            LiveStatus::Error if self.forbidden => Some(ErrorKind::Auth),
            LiveStatus::Error => Some(ErrorKind::Failure),
            _ => None,
        }
    }
}
