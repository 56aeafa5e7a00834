//! What `apply` would do: each recommended alarm compared field by field with CloudWatch's copy
//! (create, update with the fields that differ, unchanged), wsadm's alarms no longer
//! recommended (delete), and same-named alarms without wsadm's tag (conflict, left alone).

use super::recommend::AlarmSpec;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Delete,
    /// An alarm with the name but without wsadm's tag: someone else's, never changed.
    Conflict,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
            Action::Conflict => "conflict",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// An alarm as CloudWatch holds it, in the fields wsadm compares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Current {
    pub name: String,
    pub arn: Option<String>,
    /// It carries `wsadm:alarms` with this stage's value.
    pub tagged: bool,
    pub state: Option<String>,
    pub fields: BTreeMap<&'static str, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub name: String,
    pub key: Option<String>,
    pub action: Action,
    pub changes: Vec<Change>,
    #[serde(skip)]
    pub spec: Option<AlarmSpec>,
}

fn list(v: &[String]) -> String {
    let mut v = v.to_vec();
    v.sort();
    v.join(",")
}

/// The compared fields of a recommended alarm (the same names as [`Current::fields`]).
pub fn fields(a: &AlarmSpec) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("description", a.description.clone()),
        ("metric", a.watched.describe()),
        ("comparison", a.comparison.clone()),
        ("threshold", a.threshold.to_string()),
        ("evaluation_periods", a.evaluation_periods.to_string()),
        ("datapoints_to_alarm", a.datapoints_to_alarm.to_string()),
        ("treat_missing_data", a.treat_missing_data.clone()),
        ("alarm_actions", list(&a.actions)),
        ("ok_actions", list(&a.actions)),
    ])
}

pub fn plan(desired: &[AlarmSpec], current: &[Current]) -> Vec<PlanItem> {
    let by_name: BTreeMap<&str, &Current> = current.iter().map(|c| (c.name.as_str(), c)).collect();
    let mut items = Vec::new();
    for d in desired {
        let want = fields(d);
        let (action, changes) = match by_name.get(d.name.as_str()) {
            None => (
                Action::Create,
                want.iter().map(|(f, v)| Change { field: f.to_string(), from: None, to: Some(v.clone()) }).collect(),
            ),
            Some(c) if !c.tagged => (Action::Conflict, Vec::new()),
            Some(c) => {
                let changes: Vec<Change> = want
                    .iter()
                    .filter(|(f, v)| c.fields.get(*f) != Some(*v))
                    .map(|(f, v)| Change { field: f.to_string(), from: c.fields.get(f).cloned(), to: Some(v.clone()) })
                    .collect();
                (if changes.is_empty() { Action::Unchanged } else { Action::Update }, changes)
            }
        };
        items.push(PlanItem {
            name: d.name.clone(),
            key: Some(d.key.to_string()),
            action,
            changes,
            spec: Some(d.clone()),
        });
    }
    for c in current {
        if c.tagged && !desired.iter().any(|d| d.name == c.name) {
            items.push(PlanItem {
                name: c.name.clone(),
                key: None,
                action: Action::Delete,
                changes: Vec::new(),
                spec: None,
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::super::recommend::{recommend, Options};
    use super::*;

    fn current_of(spec: &AlarmSpec, tagged: bool) -> Current {
        Current { name: spec.name.clone(), arn: None, tagged, state: Some("OK".into()), fields: fields(spec) }
    }

    #[test]
    fn create_then_unchanged_update_delete_and_conflict() {
        let o = Options::default();
        let want = recommend("a1", "prod", false, &o);
        assert!(plan(&want, &[]).iter().all(|i| i.action == Action::Create));
        let same: Vec<Current> = want.iter().map(|s| current_of(s, true)).collect();
        assert!(plan(&want, &same).iter().all(|i| i.action == Action::Unchanged));
        // A new threshold: one update, of that field only.
        let tighter = recommend("a1", "prod", false, &Options { latency_ms: 20_000.0, ..o.clone() });
        let p = plan(&tighter, &same);
        let updated: Vec<&PlanItem> = p.iter().filter(|i| i.action == Action::Update).collect();
        assert_eq!(updated.len(), 1);
        let fields: Vec<&str> = updated[0].changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["description", "threshold"]);
        assert_eq!(updated[0].changes[1].from.as_deref(), Some("25000"));
        // A sessions alarm made earlier and no longer asked for is deleted; an untagged one is left alone.
        let with_sessions = recommend("a1", "prod", false, &Options { max_sessions: Some(10), ..o.clone() });
        let mut cur: Vec<Current> = with_sessions.iter().map(|s| current_of(s, true)).collect();
        let p = plan(&want, &cur);
        assert_eq!(p.iter().filter(|i| i.action == Action::Delete).count(), 1);
        cur[0].tagged = false;
        let p = plan(&want, &cur);
        assert_eq!(p[0].action, Action::Conflict);
    }
}
