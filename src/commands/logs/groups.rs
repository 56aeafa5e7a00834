//! `wsadm logs groups`: where the stage logs, and what its logging settings leave out.

use crate::commands::Ctx;
use crate::output::{cell, Block, Report};
use serde::Serialize;
use wsadm_core::logs::{self, StageLogs};
use wsadm_core::Error;

#[derive(Serialize)]
pub struct GroupsReport {
    #[serde(flatten)]
    pub logs: StageLogs,
}

pub async fn run(ctx: &Ctx) -> Result<GroupsReport, Error> {
    let target = ctx.target().await?;
    Ok(GroupsReport { logs: logs::discover(ctx.aws().await?, &target.api_id, &target.stage).await? })
}

impl Report for GroupsReport {
    fn view(&self) -> Vec<Block> {
        let l = &self.logs;
        vec![
            Block::Fields {
                title: Some(format!("Logging of {}/{}", l.api_id, l.stage)),
                rows: vec![
                    ("Access logging".into(), if l.access_logging { "on" } else { "off" }.into()),
                    ("Execution logging".into(), l.logging_level.clone()),
                    ("Data trace".into(), if l.data_trace { "on" } else { "off" }.into()),
                ],
            },
            Block::Table {
                title: Some("Log groups".into()),
                header: ["GROUP", "SOURCE", "WRITTEN BY", "EXISTS"].map(String::from).into(),
                rows: l
                    .groups
                    .iter()
                    .map(|g| {
                        vec![
                            g.name.clone(),
                            g.source.as_str().to_string(),
                            g.role.clone(),
                            cell(g.exists.map(|e| if e { "yes" } else { "no" })),
                        ]
                    })
                    .collect(),
                empty: "No log groups.".into(),
            },
        ]
    }
}
