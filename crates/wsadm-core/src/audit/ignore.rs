//! Ignore rules: `ID[:RESOURCE]` from `--ignore`, or one `ID[:RESOURCE] reason` per line of an
//! ignore file. A matching finding is listed as suppressed, with the reason, never hidden.

use super::finding::{Finding, Status};

#[derive(Debug, Clone, PartialEq)]
pub struct IgnoreRule {
    pub id: String,
    /// A resource name (`$connect`, `prod`, `chat-sessions`) or ARN; `None`: every resource.
    pub resource: Option<String>,
    pub reason: String,
}

impl IgnoreRule {
    /// `ID[:RESOURCE]`. The resource may itself contain `:` (an ARN).
    pub fn parse(spec: &str, reason: &str) -> Result<Self, String> {
        let spec = spec.trim();
        let (id, resource) = match spec.split_once(':') {
            Some((id, r)) if !r.is_empty() => (id, Some(r.to_string())),
            Some((id, _)) => (id, None),
            None => (spec, None),
        };
        let ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*');
        if !ok {
            return Err(format!("`{spec}` is not ID[:RESOURCE] (e.g. WS-AUTH-001 or WS-LOG-003:prod)"));
        }
        Ok(IgnoreRule { id: id.to_ascii_uppercase(), resource, reason: reason.to_string() })
    }

    /// An ignore file: `ID[:RESOURCE] reason` per line; `#` comments and blank lines skipped.
    /// A reason is required: a suppression nobody can explain should not pass review.
    pub fn parse_file(text: &str) -> Result<Vec<Self>, String> {
        let mut rules = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (spec, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(format!(
                    "line {}: `{spec}` has no reason (write `ID[:RESOURCE] why it is accepted`)",
                    n + 1
                ));
            }
            rules.push(Self::parse(spec, reason).map_err(|e| format!("line {}: {e}", n + 1))?);
        }
        Ok(rules)
    }

    pub fn matches(&self, f: &Finding) -> bool {
        let id = crate::audit::policy::glob(&self.id, &f.id);
        id && self.resource.as_deref().is_none_or(|r| r == f.resource.name || Some(r) == f.resource.arn.as_deref())
    }
}

/// Marks the findings an ignore rule matches as suppressed (with its reason).
pub fn apply(findings: &mut [Finding], rules: &[IgnoreRule]) {
    for f in findings.iter_mut().filter(|f| f.status == Status::Found) {
        if let Some(r) = rules.iter().find(|r| r.matches(f)) {
            f.status = Status::Suppressed;
            f.reason = Some(r.reason.clone());
        }
    }
}
