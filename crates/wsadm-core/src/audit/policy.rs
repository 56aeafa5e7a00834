//! Reading IAM policy documents: which Allow statements grant an action on every resource.

use serde_json::Value;

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => vec![],
    }
}

/// IAM's wildcard match (`*` any run, `?` one character), case-insensitive.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether an action pattern of a policy covers `target` (`service:Action`, or `service:*` for
/// any action of the service).
fn covers(pattern: &str, target: &str) -> bool {
    match target.strip_suffix(":*") {
        Some(service) => pattern == "*" || pattern.split_once(':').is_some_and(|(s, _)| glob(s, service)),
        None => glob(pattern, target),
    }
}

/// Whether a resource pattern covers every resource of its kind: `*`, an ARN whose resource part
/// starts with `*` (every API: `arn:aws:execute-api:r:a:*`) or every table (`table/*`).
fn is_wide(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    match parts.get(5) {
        Some(rest) => rest.starts_with('*') || *rest == "table/*" || rest.starts_with("table/*/"),
        None => false,
    }
}

/// The Allow statements of `doc` that grant `target` on every resource, described for evidence.
pub fn wide_grants(doc: &Value, target: &str) -> Vec<String> {
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => vec![],
    };
    let mut out = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let actions = strings(st.get("Action"));
        let not_actions = strings(st.get("NotAction"));
        let granted: Vec<&String> = actions.iter().filter(|a| covers(a, target)).collect();
        let by_not_action = st.get("NotAction").is_some() && !not_actions.iter().any(|a| covers(a, target));
        if granted.is_empty() && !by_not_action {
            continue;
        }
        let resources = strings(st.get("Resource"));
        let wide: Vec<&String> = resources.iter().filter(|r| is_wide(r)).collect();
        if wide.is_empty() && st.get("NotResource").is_none() {
            continue;
        }
        let sid = st.get("Sid").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| format!("#{}", i + 1));
        let what = if by_not_action {
            format!("NotAction {not_actions:?}")
        } else {
            format!("Action {}", granted.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
        };
        let on = if wide.is_empty() {
            "NotResource".to_string()
        } else {
            format!("Resource {}", wide.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
        };
        out.push(format!("statement {sid} allows {what} on {on}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn globs() {
        assert!(glob("execute-api:*", "execute-api:ManageConnections"));
        assert!(glob("execute-api:manage*", "execute-api:ManageConnections"));
        assert!(glob("*", "dynamodb:GetItem"));
        assert!(!glob("execute-api:Invoke", "execute-api:ManageConnections"));
        assert!(glob("a?c", "abc"));
    }

    #[test]
    fn wide_and_scoped_grants() {
        let scoped = json!({"Statement": [
            {"Effect": "Allow", "Action": "execute-api:ManageConnections",
             "Resource": ["arn:aws:execute-api:us-east-1:1:abc/prod/POST/@connections/*"]},
            {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": ["arn:aws:dynamodb:us-east-1:1:table/t", "arn:aws:dynamodb:us-east-1:1:table/t/index/*"]}
        ]});
        assert!(wide_grants(&scoped, "execute-api:ManageConnections").is_empty());
        assert!(wide_grants(&scoped, "dynamodb:*").is_empty());
        let wide = json!({"Statement": {"Sid": "All", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}});
        assert_eq!(wide_grants(&wide, "dynamodb:*"), vec!["statement All allows Action dynamodb:* on Resource *"]);
        assert!(wide_grants(&wide, "execute-api:ManageConnections").is_empty());
        let star = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        assert_eq!(wide_grants(&star, "execute-api:ManageConnections").len(), 1);
        let every_api = json!({"Statement": [{"Effect": "Allow", "Action": "execute-api:*", "Resource": "arn:aws:execute-api:*:*:*"}]});
        assert_eq!(wide_grants(&every_api, "execute-api:ManageConnections").len(), 1);
        let tables = json!({"Statement": [{"Effect": "Allow", "Action": "dynamodb:Query", "Resource": "arn:aws:dynamodb:us-east-1:1:table/*"}]});
        assert_eq!(wide_grants(&tables, "dynamodb:*").len(), 1);
        let deny = json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]});
        assert!(wide_grants(&deny, "dynamodb:*").is_empty());
        let not_action = json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]});
        assert_eq!(wide_grants(&not_action, "dynamodb:*").len(), 1);
    }
}
