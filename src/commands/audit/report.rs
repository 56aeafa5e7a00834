//! The audit report: its JSON schema (documented in the README) and its table, grouped by resource.

use crate::output::{Block, Report};
use serde::Serialize;
use std::time::Duration;
use wsadm_core::audit::{self, Check, Finding, Severity, Status};
use wsadm_core::ErrorKind;

/// Bumped when a field is renamed or removed (never for additions).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct AuditedApi {
    pub id: String,
    pub name: String,
    pub stages: Vec<String>,
    pub table: Option<String>,
    pub functions: Vec<String>,
    /// AWS calls made to read this API's facts.
    pub aws_calls: u32,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    /// Findings that stand, by severity.
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    pub suppressed: usize,
    pub not_checked: usize,
    /// Findings at or above --fail-on.
    pub failing: usize,
    /// `pass`, `fail` (something at or above --fail-on) or `incomplete` (nothing at or above
    /// --fail-on, but a check could not run). A failing finding outweighs an unread setting.
    pub result: &'static str,
}

#[derive(Debug, Serialize)]
pub struct AuditReport {
    pub schema_version: u32,
    pub region: String,
    pub fail_on: Severity,
    pub apis: Vec<AuditedApi>,
    pub checks: Vec<&'static Check>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    pub elapsed_ms: u64,
    pub exit_code: i32,
}

/// The exit code's kind for a result: 3 for `fail`, 6 for `incomplete`, 0 for `pass`.
fn exit_kind(result: &str) -> Option<ErrorKind> {
    match result {
        "fail" => Some(ErrorKind::Partial),
        "incomplete" => Some(ErrorKind::Incomplete),
        _ => None,
    }
}

fn kind_order(kind: &str) -> u8 {
    match kind {
        "account" => 0,
        "api" => 1,
        "authorizer" => 2,
        "route" => 3,
        "stage" => 4,
        "route_settings" => 5,
        "function" => 6,
        "role" => 7,
        "table" => 8,
        "log_group" => 9,
        _ => 10,
    }
}

impl AuditReport {
    pub fn new(
        region: &str,
        fail_on: Severity,
        apis: Vec<AuditedApi>,
        mut findings: Vec<Finding>,
        elapsed: Duration,
    ) -> Self {
        // The account's settings are the same for every API: reported once.
        let mut seen_account = false;
        findings.retain(|f| {
            if f.resource.kind != "account" {
                return true;
            }
            !std::mem::replace(&mut seen_account, true)
        });
        findings.sort_by(|a, b| {
            (&a.api, kind_order(&a.resource.kind), &a.resource.name, std::cmp::Reverse(a.severity), &a.id).cmp(&(
                &b.api,
                kind_order(&b.resource.kind),
                &b.resource.name,
                std::cmp::Reverse(b.severity),
                &b.id,
            ))
        });
        let count = |s: Severity| findings.iter().filter(|f| f.status == Status::Found && f.severity == s).count();
        let failing = findings.iter().filter(|f| f.fails(fail_on)).count();
        let not_checked = findings.iter().filter(|f| f.status == Status::NotChecked).count();
        let result = if failing > 0 {
            "fail"
        } else if not_checked > 0 {
            "incomplete"
        } else {
            "pass"
        };
        let summary = Summary {
            critical: count(Severity::Critical),
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            info: count(Severity::Info),
            suppressed: findings.iter().filter(|f| f.status == Status::Suppressed).count(),
            not_checked,
            failing,
            result,
        };
        let exit_code = exit_kind(result).map_or(0, ErrorKind::exit_code);
        AuditReport {
            schema_version: SCHEMA_VERSION,
            region: region.to_string(),
            fail_on,
            apis,
            checks: audit::checks(),
            findings,
            summary,
            elapsed_ms: elapsed.as_millis() as u64,
            exit_code,
        }
    }

    /// One line: `clean at high and above (1 info)`, `2 findings at high or above`.
    pub fn verdict(&self) -> String {
        let s = &self.summary;
        let counts: Vec<String> = [
            (s.critical, "critical"),
            (s.high, "high"),
            (s.medium, "medium"),
            (s.low, "low"),
            (s.info, "info"),
            (s.suppressed, "suppressed"),
            (s.not_checked, "not checked"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        let counts = if counts.is_empty() { "nothing found".to_string() } else { counts.join(", ") };
        match s.result {
            "fail" => format!(
                "FAIL: {} finding{} at {} or above ({counts})",
                s.failing,
                if s.failing == 1 { "" } else { "s" },
                self.fail_on
            ),
            "incomplete" => format!("INCOMPLETE: {} check(s) could not run ({counts})", s.not_checked),
            _ => format!("PASS: clean at {} and above ({counts})", self.fail_on),
        }
    }
}

fn status_cell(f: &Finding) -> String {
    match (f.status, &f.reason) {
        (Status::Found, _) => "found".into(),
        (Status::Suppressed, Some(r)) => format!("suppressed: {r}"),
        (s, _) => s.as_str().replace('_', " "),
    }
}

impl Report for AuditReport {
    fn view(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut fields: Vec<(String, String)> = self
            .apis
            .iter()
            .map(|a| {
                (
                    format!("API {}", a.name),
                    format!(
                        "{} · stages {} · table {} · {} functions · {} AWS calls",
                        a.id,
                        if a.stages.is_empty() { "-".into() } else { a.stages.join(",") },
                        a.table.as_deref().unwrap_or("-"),
                        a.functions.len(),
                        a.aws_calls
                    ),
                )
            })
            .collect();
        if fields.is_empty() {
            fields.push(("APIs".into(), format!("no WebSocket APIs in {}", self.region)));
        }
        fields.push(("Checks".into(), format!("{} ({} ms)", self.checks.len(), self.elapsed_ms)));
        blocks.push(Block::Fields { title: Some(format!("wsadm audit ({})", self.region)), rows: fields });
        // One table per resource.
        let mut i = 0;
        while i < self.findings.len() {
            let first = &self.findings[i];
            let same = |f: &Finding| f.api == first.api && f.resource == first.resource;
            let group: Vec<&Finding> = self.findings[i..].iter().take_while(|f| same(f)).collect();
            i += group.len();
            let title = match &first.api {
                Some(api) if first.resource.kind != "api" => format!("{api} › {}", first.resource.label()),
                _ => first.resource.label(),
            };
            blocks.push(Block::Table {
                title: Some(title),
                header: ["SEVERITY", "ID", "STATUS", "FOUND", "FIX"].map(String::from).into(),
                rows: group
                    .iter()
                    .map(|f| {
                        vec![
                            f.severity.to_string(),
                            f.id.clone(),
                            status_cell(f),
                            format!("{}: {}", f.title, f.evidence),
                            if f.fix.is_empty() { "-".into() } else { f.fix.clone() },
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        }
        blocks.push(Block::Raw(format!("\n{}\n", self.verdict())));
        blocks
    }

    fn lines(&self) -> Vec<serde_json::Value> {
        self.findings.iter().map(|f| serde_json::to_value(f).unwrap_or_default()).collect()
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        exit_kind(self.summary.result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsadm_core::audit::Resource;

    fn finding(severity: Severity, status: Status) -> Finding {
        Finding {
            id: "WS-TEST-001".into(),
            title: "t".into(),
            severity,
            status,
            reason: (status == Status::NotChecked).then(|| "access denied (GetRolePolicy)".into()),
            api: Some("chat".into()),
            resource: Resource::new("role", "r", None),
            evidence: "e".into(),
            why: "w".into(),
            fix: String::new(),
        }
    }

    fn result(findings: Vec<Finding>) -> (&'static str, i32, Option<ErrorKind>) {
        let r = AuditReport::new("us-east-1", Severity::High, vec![], findings, Duration::ZERO);
        (r.summary.result, r.exit_code, r.exit_kind())
    }

    #[test]
    fn each_result_has_its_own_exit_code() {
        assert_eq!(result(vec![finding(Severity::Low, Status::Found)]), ("pass", 0, None));
        assert_eq!(result(vec![finding(Severity::High, Status::Found)]), ("fail", 3, Some(ErrorKind::Partial)));
        let unread = finding(Severity::High, Status::NotChecked);
        assert_eq!(result(vec![unread.clone()]), ("incomplete", 6, Some(ErrorKind::Incomplete)));
        // Below --fail-on still leaves it incomplete; a failing finding outweighs it.
        assert_eq!(result(vec![unread.clone(), finding(Severity::Medium, Status::Found)]).1, 6);
        assert_eq!(result(vec![unread, finding(Severity::Critical, Status::Found)]).1, 3);
        assert_eq!(result(vec![finding(Severity::Critical, Status::Suppressed)]).1, 0);
    }
}
