//! What a check reports: a finding, its severity, the resource and its status.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown severity `{s}` (critical, high, medium, low, info)"))
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Resource {
    /// `api`, `stage`, `route`, `route_settings`, `authorizer`, `function`, `table`, `role`, `log_group`, `account`.
    pub kind: String,
    /// The resource's name: `chat`, `prod`, `$connect`, `prod/send`, `chat-connect`, …
    pub name: String,
    pub arn: Option<String>,
}

impl Resource {
    pub fn new(kind: &str, name: impl Into<String>, arn: Option<String>) -> Self {
        Resource { kind: kind.to_string(), name: name.into(), arn }
    }

    /// `route $connect`, `table chat-sessions`.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind.replace('_', " "), self.name)
    }
}

/// Whether the finding stands, was suppressed by an ignore rule, or could not be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Found,
    Suppressed,
    NotChecked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Found => "found",
            Status::Suppressed => "suppressed",
            Status::NotChecked => "not_checked",
        }
    }
}

/// One result of one check on one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The check's stable id, e.g. `WS-AUTH-001`.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Why it was suppressed (the ignore rule's reason) or not checked (e.g. `access denied`).
    pub reason: Option<String>,
    /// The API the resource belongs to (`None` for account-wide resources).
    pub api: Option<String>,
    pub resource: Resource,
    /// The setting actually read.
    pub evidence: String,
    /// Why it matters, in one sentence.
    pub why: String,
    /// The `wsadm provision` option or the exact AWS CLI command that fixes it.
    pub fix: String,
}

impl Finding {
    /// Whether this finding makes `--fail-on threshold` fail.
    pub fn fails(&self, threshold: Severity) -> bool {
        self.status == Status::Found && self.severity >= threshold
    }
}
