//! Checks as data: an id, a title, a severity, a scope, why it matters, and a pure function over
//! the gathered facts that returns what it found.

use super::facts::{Fact, Facts};
use super::finding::{Finding, Resource, Severity, Status};
use serde::Serialize;

/// What a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Api,
    Stage,
    Route,
    Function,
    Table,
    Role,
    Account,
}

/// One thing a check found (or could not check) on one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub resource: Resource,
    pub evidence: String,
    pub fix: String,
    /// `Some(reason)`: the check could not run on this resource (the fact could not be read).
    pub not_checked: Option<String>,
    /// `Some(reason)`: found, but suppressed by the resource itself (an API tagged public).
    pub suppressed: Option<String>,
    /// `Some(severity)`: this hit is less severe than the check's (at most) severity.
    pub severity: Option<Severity>,
}

impl Hit {
    pub fn found(resource: Resource, evidence: impl Into<String>, fix: impl Into<String>) -> Self {
        Hit {
            resource,
            evidence: evidence.into(),
            fix: fix.into(),
            not_checked: None,
            suppressed: None,
            severity: None,
        }
    }

    /// The same hit at `severity` instead of the check's.
    pub fn at(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    pub fn not_checked(resource: Resource, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Hit {
            resource,
            evidence: format!("not checked: {reason}"),
            fix: String::new(),
            not_checked: Some(reason),
            suppressed: None,
            severity: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// Why it matters, in one sentence.
    pub why: &'static str,
    #[serde(skip)]
    pub run: fn(&Facts) -> Vec<Hit>,
}

impl Check {
    /// Runs the check and turns its hits into findings.
    pub fn findings(&self, facts: &Facts) -> Vec<Finding> {
        (self.run)(facts)
            .into_iter()
            .map(|h| {
                let (status, reason) = match (h.not_checked, h.suppressed) {
                    (Some(r), _) => (Status::NotChecked, Some(r)),
                    (None, Some(r)) => (Status::Suppressed, Some(r)),
                    (None, None) => (Status::Found, None),
                };
                Finding {
                    id: self.id.to_string(),
                    title: self.title.to_string(),
                    severity: h.severity.unwrap_or(self.severity),
                    status,
                    reason,
                    api: (h.resource.kind != "account").then(|| facts.api.name.clone()),
                    resource: h.resource,
                    evidence: h.evidence,
                    why: self.why.to_string(),
                    fix: h.fix,
                }
            })
            .collect()
    }
}

/// A fact the check needs, or the not-checked hit for `resource` when it could not be read.
pub fn need<T>(fact: &Fact<T>, resource: impl FnOnce() -> Resource) -> Result<&T, Vec<Hit>> {
    fact.as_ref().map_err(|reason| vec![Hit::not_checked(resource(), reason.clone())])
}
