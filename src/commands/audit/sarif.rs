//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one rule per check, one result
//! per finding (suppressed ones carry a suppression; not-checked ones are `open` notes).

use super::AuditReport;
use serde_json::{json, Value};
use wsadm_core::audit::{Check, Severity, Status};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` (0-10) for its critical/high/medium/low buckets.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.5",
    }
}

/// A stable artifact path for a resource (code scanning needs a physical location).
fn artifact(region: &str, api: Option<&str>, kind: &str, name: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.$".contains(c) { c } else { '_' }).collect()
    };
    match api {
        Some(api) => format!("aws/{region}/apigateway/{}/{kind}/{}", clean(api), clean(name)),
        None => format!("aws/{region}/{kind}/{}", clean(name)),
    }
}

fn scope(c: &Check) -> String {
    serde_json::to_value(c.scope).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub fn render(r: &AuditReport) -> Value {
    let rules: Vec<Value> = r
        .checks
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.title.replace(|ch: char| !ch.is_ascii_alphanumeric(), ""),
                "shortDescription": { "text": c.title },
                "fullDescription": { "text": c.why },
                "help": { "text": format!("{} Applies to each {}; every finding names the fix (a wsadm provision option or an AWS CLI command).", c.why, scope(c)) },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": {
                    "security-severity": security_severity(c.severity),
                    "severity": c.severity.as_str(),
                    "tags": ["security", "aws", "api-gateway", "websocket"]
                }
            })
        })
        .collect();
    let index = |id: &str| r.checks.iter().position(|c| c.id == id).unwrap_or(0);
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let text = match f.status {
                Status::NotChecked => format!("{} on {}: {}", f.title, f.resource.label(), f.evidence),
                _ => format!("{} on {}: {}. Fix: {}", f.title, f.resource.label(), f.evidence, f.fix),
            };
            let mut res = json!({
                "ruleId": f.id,
                "ruleIndex": index(&f.id),
                "level": level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": artifact(&r.region, f.api.as_deref(), &f.resource.kind, &f.resource.name) },
                        "region": { "startLine": 1 }
                    },
                    "logicalLocations": [{
                        "name": f.resource.name,
                        "kind": f.resource.kind,
                        "fullyQualifiedName": f.resource.arn.clone().unwrap_or_else(|| f.resource.name.clone())
                    }]
                }],
                "partialFingerprints": {
                    "wsadmFinding/v1": format!("{}:{}", f.id, f.resource.arn.as_deref().unwrap_or(&f.resource.name))
                },
                "properties": { "severity": f.severity.as_str(), "status": f.status.as_str(), "evidence": f.evidence, "fix": f.fix }
            });
            match f.status {
                Status::Suppressed => {
                    res["suppressions"] = json!([{
                        "kind": "external",
                        "justification": f.reason.clone().unwrap_or_default()
                    }]);
                }
                Status::NotChecked => {
                    res["kind"] = json!("open");
                    res["level"] = json!("none");
                }
                Status::Found => {}
            }
            res
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "wsadm",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/wsadm/wsadm",
                "rules": rules
            }},
            "automationDetails": { "id": format!("wsadm-audit/{}/", r.region) },
            "results": results,
            "invocations": [{ "executionSuccessful": r.summary.not_checked == 0 }]
        }]
    })
}
