//! Comparing what exists with what is wanted: the fields that differ, and policy documents by statement.

use super::report::{Action, Change};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const MASK: &str = "********";

fn opt<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// Collects the fields that differ.
#[derive(Default)]
pub(super) struct Diff(pub(super) Vec<Change>);

impl Diff {
    pub(super) fn field<T: PartialEq + ToString>(
        &mut self,
        field: impl Into<String>,
        actual: Option<T>,
        desired: Option<T>,
    ) {
        if actual != desired {
            self.0.push(Change { field: field.into(), from: opt(actual), to: opt(desired) });
        }
    }

    pub(super) fn secret(&mut self, field: impl Into<String>, actual: Option<&String>, desired: Option<&String>) {
        if actual != desired {
            let mask = |v: Option<&String>| v.map(|_| MASK.to_string());
            self.0.push(Change { field: field.into(), from: mask(actual), to: mask(desired) });
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub(super) fn action_for(diff: &Diff) -> Action {
    if diff.is_empty() {
        Action::Unchanged
    } else {
        Action::Update
    }
}

/// IAM hands policy documents back URL-encoded; moto does not. Either way, parsed JSON.
pub(super) fn policy_json(doc: &str) -> Option<Value> {
    let decoded = if doc.trim_start().starts_with('{') {
        doc.to_string()
    } else {
        percent_encoding::percent_decode_str(doc).decode_utf8_lossy().into_owned()
    };
    serde_json::from_str(&decoded).ok()
}

/// Which statements (by Sid) differ between two policy documents.
pub(super) fn statement_diff(actual: &Value, desired: &Value) -> Vec<Change> {
    let by_sid = |v: &Value| -> BTreeMap<String, Value> {
        v.get("Statement")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, s)| {
                        (s.get("Sid").and_then(Value::as_str).map(str::to_string).unwrap_or(format!("#{i}")), s.clone())
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, d) = (by_sid(actual), by_sid(desired));
    let mut out = Vec::new();
    for sid in a.keys().chain(d.keys()).collect::<BTreeSet<_>>() {
        let (x, y) = (a.get(sid), d.get(sid));
        if x == y {
            continue;
        }
        let list = |v: Option<&Value>, k: &str| -> Option<BTreeSet<String>> {
            match v?.get(k)? {
                Value::String(s) => Some(BTreeSet::from([s.clone()])),
                Value::Array(a) => {
                    Some(a.iter().map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string())).collect())
                }
                _ => None,
            }
        };
        let mut detailed = false;
        if let (Some(xs), Some(ys)) = (x, y) {
            // Only Action/Resource lists differ: name what goes and what comes.
            let rest = |s: &Value| {
                let mut s = s.clone();
                if let Some(o) = s.as_object_mut() {
                    o.remove("Action");
                    o.remove("Resource");
                }
                s
            };
            if rest(xs) == rest(ys) {
                detailed = true;
                for k in ["Action", "Resource"] {
                    let (from, to) = (list(x, k).unwrap_or_default(), list(y, k).unwrap_or_default());
                    if from != to {
                        let gone: Vec<&String> = from.difference(&to).collect();
                        let new: Vec<&String> = to.difference(&from).collect();
                        let join = |v: Vec<&String>| {
                            (!v.is_empty()).then(|| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
                        };
                        out.push(Change { field: format!("statement {sid}.{k}"), from: join(gone), to: join(new) });
                    }
                }
            }
        }
        if !detailed {
            let show = |v: Option<&Value>| v.map(|_| "set".to_string());
            out.push(Change { field: format!("statement {sid}"), from: show(x), to: show(y) });
        }
    }
    if out.is_empty() && actual != desired {
        out.push(Change { field: "document".into(), from: Some("(differs)".into()), to: Some("(wsadm's)".into()) });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policy_documents_compare_encoded_or_not() {
        let v = json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Resource": "x"}]});
        let encoded: String =
            percent_encoding::utf8_percent_encode(&v.to_string(), percent_encoding::NON_ALPHANUMERIC).to_string();
        assert_eq!(policy_json(&encoded), Some(v.clone()));
        assert_eq!(policy_json(&v.to_string()), Some(v.clone()));
        let other = json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Resource": "y"}, {"Sid": "B"}]});
        let changes = statement_diff(&v, &other);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(
            changes[0],
            Change { field: "statement A.Resource".into(), from: Some("x".into()), to: Some("y".into()) }
        );
        assert_eq!(changes[1], Change { field: "statement B".into(), from: None, to: Some("set".into()) });
        assert!(statement_diff(&v, &v).is_empty());
        let more = json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Resource": ["x", "z"]}]});
        let changes = statement_diff(&v, &more);
        assert_eq!(changes, vec![Change { field: "statement A.Resource".into(), from: None, to: Some("z".into()) }]);
    }

    #[test]
    fn diff_masks_secrets() {
        let mut d = Diff::default();
        d.secret("environment.WSADM_JWT_SECRET", Some(&"a".to_string()), Some(&"b".to_string()));
        assert_eq!(d.0[0].from.as_deref(), Some(MASK));
        assert_eq!(d.0[0].to.as_deref(), Some(MASK));
        d.field("x", Some(1), Some(1));
        assert_eq!(d.0.len(), 1);
    }
}
