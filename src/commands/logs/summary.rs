//! `wsadm logs summary`: per route requests, errors and latency; connects, close codes and
//! authorizer rejections; Lambda invocations — over a window, from the logs.

use super::{filter, select, Selection};
use crate::args::logs::LogsSummaryArgs;
use crate::commands::Ctx;
use crate::output::{cell, Block, Report};
use serde::Serialize;
use wsadm_core::logs::{summarize, Finding, Summary};
use wsadm_core::Error;

#[derive(Serialize)]
pub struct SummaryReport {
    pub api_id: String,
    pub stage: String,
    pub since: String,
    pub until: String,
    pub events_read: u64,
    /// The window held more events than --limit: the figures cover the earliest ones.
    pub truncated: bool,
    pub findings: Vec<Finding>,
    pub warnings: Vec<String>,
    #[serde(flatten)]
    pub summary: Summary,
}

pub async fn run(ctx: &Ctx, a: LogsSummaryArgs) -> Result<SummaryReport, Error> {
    let f = filter(&a.filter)?;
    let sel = select(ctx, &a.window, &f, "1h").await?;
    let r = sel.read(&f, false).await?;
    let Selection { logs, window, .. } = sel;
    Ok(SummaryReport {
        api_id: logs.api_id,
        stage: logs.stage,
        since: wsadm_core::logs::time::iso(window.start_ms),
        until: wsadm_core::logs::time::iso(window.end_ms),
        events_read: r.read,
        truncated: r.truncated,
        findings: logs.findings,
        warnings: r.warnings,
        summary: summarize(&r.events),
    })
}

fn ms(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.0} ms")).unwrap_or_else(|| "-".into())
}

fn counts(m: &std::collections::BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "-".into();
    }
    m.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")
}

impl Report for SummaryReport {
    fn view(&self) -> Vec<Block> {
        let s = &self.summary;
        let c = &s.connections;
        let mut blocks = vec![
            Block::Fields {
                title: Some(format!("Logs of {}/{} from {} to {}", self.api_id, self.stage, self.since, self.until)),
                rows: vec![
                    ("Events".into(), format!("{} read, {} summarized", self.events_read, s.events)),
                    ("Connects".into(), format!("{} ({} rejected)", c.connects, c.connect_failures)),
                    ("Disconnects".into(), c.disconnects.to_string()),
                    ("Close codes".into(), counts(&c.close_reasons)),
                    ("Authorizer rejections".into(), counts(&s.authorizer_rejections)),
                    ("Rate-limited sends".into(), counts(&s.rate_limited)),
                ],
            },
            Block::Table {
                title: Some(format!("Routes (requests counted from the {} log)", s.requests_from)),
                header: ["ROUTE", "REQUESTS", "ERRORS", "STATUSES", "P50", "P99", "MAX"].map(String::from).into(),
                rows: s
                    .routes
                    .iter()
                    .map(|r| {
                        vec![
                            r.route.clone(),
                            r.requests.to_string(),
                            r.errors.to_string(),
                            counts(&r.statuses),
                            ms(r.p50_ms),
                            ms(r.p99_ms),
                            ms(r.max_ms),
                        ]
                    })
                    .collect(),
                empty: "No requests in the window.".into(),
            },
        ];
        if !s.functions.is_empty() {
            blocks.push(Block::Table {
                title: Some("Lambda functions".into()),
                header: ["FUNCTION", "INVOCATIONS", "ERRORS", "TIMEOUTS", "P50", "P99", "MAX MEMORY"]
                    .map(String::from)
                    .into(),
                rows: s
                    .functions
                    .iter()
                    .map(|f| {
                        vec![
                            f.function.clone(),
                            f.invocations.to_string(),
                            f.errors.to_string(),
                            f.timeouts.to_string(),
                            ms(f.p50_ms),
                            ms(f.p99_ms),
                            f.max_memory_mb.map(|m| format!("{m} MB")).unwrap_or_else(|| cell(None::<u64>)),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        }
        let mut notes: Vec<String> = self.warnings.iter().map(|w| format!("warning: {w}")).collect();
        if self.truncated {
            notes.push("the window holds more events than --limit: these figures cover the earliest ones".into());
        }
        if !notes.is_empty() {
            blocks.push(Block::Raw(notes.iter().map(|n| format!("\n{n}")).collect::<String>() + "\n"));
        }
        blocks
    }
}
