//! What `wsadm alarms` reports: one row per alarm (its action, the fields that change, or its
//! state), a summary, and whether the stage is up to date.

use crate::output::{Block, Report};
use serde::Serialize;
use wsadm_core::alarms::plan::Current;
use wsadm_core::alarms::{Action, Change, PlanItem};

#[derive(Debug, Serialize)]
pub struct AlarmRow {
    pub name: String,
    pub key: Option<String>,
    /// plan/apply/delete: what happens (happened) to it; ls: null.
    pub action: Option<Action>,
    pub changes: Vec<Change>,
    /// ls/delete: OK, ALARM or INSUFFICIENT_DATA.
    pub state: Option<String>,
    pub metric: Option<String>,
    pub threshold: Option<String>,
    /// Datapoints that must breach, of the periods evaluated: `2 of 3`.
    pub datapoints: Option<String>,
    /// It carries wsadm's tag for this stage.
    pub managed: bool,
}

impl AlarmRow {
    pub fn planned(i: &PlanItem) -> Self {
        let field =
            |f: &str| i.spec.as_ref().map(|s| wsadm_core::alarms::plan::fields(s).get(f).cloned().unwrap_or_default());
        AlarmRow {
            name: i.name.clone(),
            key: i.key.clone(),
            action: Some(i.action),
            changes: i.changes.clone(),
            state: None,
            metric: field("metric"),
            threshold: field("threshold"),
            datapoints: i.spec.as_ref().map(|s| format!("{} of {}", s.datapoints_to_alarm, s.evaluation_periods)),
            managed: i.action != Action::Conflict,
        }
    }

    pub fn listed(c: &Current) -> Self {
        AlarmRow {
            name: c.name.clone(),
            key: c.name.rsplit('/').next().map(String::from),
            action: None,
            changes: Vec::new(),
            state: c.state.clone(),
            metric: c.fields.get("metric").cloned(),
            threshold: c.fields.get("threshold").cloned(),
            datapoints: match (c.fields.get("datapoints_to_alarm"), c.fields.get("evaluation_periods")) {
                (Some(d), Some(e)) => Some(format!("{d} of {e}")),
                _ => None,
            },
            managed: c.tagged,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub unchanged: usize,
    pub conflict: usize,
}

#[derive(Debug, Serialize)]
pub struct AlarmsReport {
    /// ls, plan, apply or delete.
    pub command: &'static str,
    pub api_id: String,
    pub stage: String,
    pub dry_run: bool,
    pub up_to_date: bool,
    pub summary: Summary,
    pub alarms: Vec<AlarmRow>,
}

impl AlarmsReport {
    pub fn new(command: &'static str, api_id: &str, stage: &str, dry_run: bool, alarms: Vec<AlarmRow>) -> Self {
        let mut s = Summary::default();
        for a in &alarms {
            match a.action {
                Some(Action::Create) => s.create += 1,
                Some(Action::Update) => s.update += 1,
                Some(Action::Delete) => s.delete += 1,
                Some(Action::Unchanged) => s.unchanged += 1,
                Some(Action::Conflict) => s.conflict += 1,
                None => {}
            }
        }
        AlarmsReport {
            command,
            api_id: api_id.into(),
            stage: stage.into(),
            dry_run,
            up_to_date: s.create + s.update + s.delete == 0,
            summary: s,
            alarms,
        }
    }
}

fn show(v: &Option<String>) -> String {
    v.as_deref().map(|s| if s.is_empty() { "''" } else { s }).unwrap_or("(none)").to_string()
}

impl Report for AlarmsReport {
    fn view(&self) -> Vec<Block> {
        if self.command == "ls" {
            return vec![Block::Table {
                title: Some(format!("Alarms of {}/{}", self.api_id, self.stage)),
                header: ["NAME", "STATE", "THRESHOLD", "METRIC", "MANAGED"].map(String::from).into(),
                rows: self
                    .alarms
                    .iter()
                    .map(|a| {
                        vec![
                            a.name.clone(),
                            a.state.clone().unwrap_or_default(),
                            a.threshold.clone().unwrap_or_default(),
                            a.metric.clone().unwrap_or_default(),
                            if a.managed { "yes" } else { "no (not tagged)" }.into(),
                        ]
                    })
                    .collect(),
                empty: "No alarms: `wsadm alarms plan` shows the recommended set.".into(),
            }];
        }
        let verb = match (self.command, self.dry_run) {
            ("delete", true) => "Would delete",
            ("delete", false) => "Deleted",
            (_, true) => "Plan for",
            _ => "Applied to",
        };
        let mut text = String::new();
        for a in &self.alarms {
            let action = a.action.map(|x| x.as_str()).unwrap_or("");
            let action = if self.command == "delete" && a.action == Some(Action::Conflict) {
                "skipped (not tagged)"
            } else {
                action
            };
            text.push_str(&format!("  {action:<10} {}\n", a.name));
            if a.action != Some(Action::Create) {
                for c in &a.changes {
                    text.push_str(&format!("      {}: {} -> {}\n", c.field, show(&c.from), show(&c.to)));
                }
            } else if let (Some(m), Some(t)) = (&a.metric, &a.threshold) {
                let when = a.datapoints.as_deref().map(|d| format!(", {d} periods")).unwrap_or_default();
                text.push_str(&format!("      {m} > {t}{when}\n"));
            }
        }
        let s = &self.summary;
        let tail = if self.up_to_date && self.command != "delete" {
            "\nUp to date.\n".to_string()
        } else {
            format!(
                "\n{} to create, {} to update, {} to delete, {} unchanged{}\n",
                s.create,
                s.update,
                s.delete,
                s.unchanged,
                if s.conflict > 0 { format!(", {} not wsadm's (left alone)", s.conflict) } else { String::new() }
            )
        };
        vec![Block::Raw(format!("{verb} the alarms of {}/{}:\n{text}{tail}", self.api_id, self.stage))]
    }
}
