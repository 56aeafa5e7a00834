//! `wsadm logs trace ID`: one connection's life, from the logs alone.

use super::{select, Selection};
use crate::args::logs::LogsTraceArgs;
use crate::commands::Ctx;
use crate::output::{cell, Block, Report};
use serde::Serialize;
use wsadm_core::logs::{trace, Filter, Finding, Trace};
use wsadm_core::{Error, ErrorKind};

#[derive(Serialize)]
pub struct TraceReport {
    pub api_id: String,
    pub stage: String,
    pub since: String,
    pub until: String,
    pub events_read: u64,
    pub findings: Vec<Finding>,
    #[serde(flatten)]
    pub trace: Trace,
}

pub async fn run(ctx: &Ctx, a: LogsTraceArgs) -> Result<TraceReport, Error> {
    wsadm_core::connections::validate_connection_id(&a.connection_id)?;
    // Only the access log can be narrowed server-side by the id: the other groups' lines of the
    // same request do not all carry it, so they are read whole and correlated.
    let f = Filter { connection: Some(a.connection_id.clone()), ..Filter::default() };
    let sel = select(ctx, &a.window, &f, "1h").await?;
    let r = sel.read(&f, false).await?;
    let Selection { logs, window, .. } = sel;
    Ok(TraceReport {
        api_id: logs.api_id,
        stage: logs.stage,
        since: wsadm_core::logs::time::iso(window.start_ms),
        until: wsadm_core::logs::time::iso(window.end_ms),
        events_read: r.read,
        findings: logs.findings,
        trace: trace(&a.connection_id, &r.events),
    })
}

impl Report for TraceReport {
    fn view(&self) -> Vec<Block> {
        let t = &self.trace;
        if !t.found {
            return vec![Block::Raw(format!(
                "No event names connection {} between {} and {} ({} events read).\n",
                t.connection_id, self.since, self.until, self.events_read
            ))];
        }
        let mut rows = vec![
            ("Connection".to_string(), t.connection_id.clone()),
            ("User".into(), cell(t.user.as_deref())),
            ("From".into(), format!("{} ({})", cell(t.source_ip.as_deref()), cell(t.user_agent.as_deref()))),
            ("Connected at".into(), cell(t.connected_at.as_deref())),
        ];
        if let Some(a) = &t.authorizer {
            let verdict = if a.allowed { "allowed".to_string() } else { "rejected".to_string() };
            rows.push((
                "Authorizer".into(),
                format!("{verdict}{}", a.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()),
            ));
        }
        rows.push(("Messages".into(), format!("{} ({} failed)", t.messages, t.errors)));
        rows.push(("Lambda invocations".into(), t.lambda_invocations.to_string()));
        rows.push(("@connections calls".into(), t.connection_api_calls.to_string()));
        rows.push((
            "Disconnected at".into(),
            t.disconnected_at.clone().unwrap_or_else(|| {
                "- (no $disconnect logged: still open, or dropped without one; `wsadm sessions show` asks API Gateway)"
                    .into()
            }),
        ));
        if let Some(ms) = t.duration_ms {
            rows.push(("Duration".into(), crate::commands::sessions::human(ms / 1000)));
        }
        if let Some(code) = t.close_code {
            rows.push((
                "Closed".into(),
                format!(
                    "{code} {}{}",
                    t.close_reason.as_deref().unwrap_or(""),
                    t.closed.as_ref().map(|m| format!(" ({m})")).unwrap_or_default()
                ),
            ));
        }
        vec![
            Block::Fields {
                title: Some(format!("Connection {} on {}/{}", t.connection_id, self.api_id, self.stage)),
                rows,
            },
            Block::Table {
                title: Some("Timeline".into()),
                header: ["TIME", "WHAT", "ROUTE", "STATUS", "DETAIL"].map(String::from).into(),
                rows: t
                    .steps
                    .iter()
                    .map(|s| {
                        vec![
                            crate::term::local_hms_ms(s.timestamp_ms),
                            serde_json::to_value(s.kind)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default(),
                            cell(s.route.as_deref()),
                            cell(s.status),
                            s.detail.clone(),
                        ]
                    })
                    .collect(),
                empty: "No steps.".into(),
            },
        ]
    }

    /// A connection the logs never mention is "gone" from their point of view (exit 5).
    fn exit_kind(&self) -> Option<ErrorKind> {
        (!self.trace.found).then_some(ErrorKind::Gone)
    }
}
