//! Access-log lines read with the stage's own format: JSON formats by key, text (CLF-like)
//! formats by matching each `$context.*` variable up to the next literal.

use super::event::{present, Kind, LogEvent};
use serde_json::Value;

/// Formats larger than this are not compiled (AWS allows 3 KB); their lines stay raw.
const MAX_FORMAT_BYTES: usize = 64 * 1024;
/// At most this many variables per format.
const MAX_VARS: usize = 512;
const PLACEHOLDER: &str = "@@wsadm_var_";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Lit(String),
    Var(String),
}

/// A compiled access-log format.
#[derive(Debug, Clone)]
pub struct AccessFormat {
    format: String,
    /// The whole format as literals and variables (text formats, and JSON lines that are not valid JSON).
    tokens: Vec<Token>,
    /// For JSON formats: each string leaf holding variables, by its path, as a small template.
    json: Option<Vec<(Vec<PathSeg>, Vec<Token>)>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PathSeg {
    Key(String),
    Index(usize),
}

impl AccessFormat {
    /// Compiles a format. Never fails: a format that cannot be used matches no line.
    pub fn compile(format: &str) -> AccessFormat {
        if format.len() > MAX_FORMAT_BYTES {
            return AccessFormat { format: format.to_string(), tokens: Vec::new(), json: None };
        }
        let tokens = tokenize(format);
        let json = if format.trim_start().starts_with('{') { compile_json(&tokens) } else { None };
        AccessFormat { format: format.to_string(), tokens, json }
    }

    pub fn format(&self) -> &str {
        &self.format
    }

    /// Whether the format logs `$context.<name>`.
    pub fn has_var(&self, name: &str) -> bool {
        self.tokens.iter().any(|t| matches!(t, Token::Var(v) if v == name))
    }

    pub fn is_json(&self) -> bool {
        self.json.is_some()
    }

    /// The `$context` variables of one line, or `None` when the line does not fit the format.
    pub fn parse(&self, line: &str) -> Option<Vec<(String, String)>> {
        if self.tokens.is_empty() || line.len() > super::MAX_PARSE_BYTES {
            return None;
        }
        let line = line.trim_end_matches(['\n', '\r']);
        if let Some(leaves) = &self.json {
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                let mut out = Vec::new();
                for (path, tokens) in leaves {
                    let Some(leaf) = lookup(&v, path) else { continue };
                    let text = match leaf {
                        Value::String(s) => s.clone(),
                        Value::Null => continue,
                        other => other.to_string(),
                    };
                    if let Some(vars) = match_tokens(tokens, &text) {
                        out.extend(vars.into_iter().map(|(k, v)| (k.to_string(), v.to_string())));
                    }
                }
                return if out.is_empty() { None } else { Some(out) };
            }
            // Not valid JSON (an unescaped quote in a user agent, say): fall back to the text match.
        }
        let vars = match_tokens(&self.tokens, line)?;
        Some(vars.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    /// Fills an event from its line; a line that does not match keeps only its raw message.
    pub fn fill(&self, e: &mut LogEvent) {
        let Some(vars) = self.parse(&e.message) else { return };
        for (name, value) in vars {
            assign(e, &name, &value);
        }
    }
}

/// Sets the event field a `$context` variable stands for.
fn assign(e: &mut LogEvent, name: &str, value: &str) {
    let Some(v) = present(value) else { return };
    let num = |v: &str| v.parse::<u16>().ok();
    match name {
        "requestId" => e.request_id = Some(v),
        "extendedRequestId" => {
            e.request_id.get_or_insert(v);
        }
        "connectionId" => e.connection_id = Some(v),
        "eventType" => {
            e.kind = Kind::of_event_type(&v);
            e.event_type = Some(v);
        }
        "routeKey" => e.route = Some(v),
        "status" => e.status = num(&v),
        "integrationLatency" | "integration.latency" => e.latency_ms = v.parse::<f64>().ok(),
        "integration.status" | "integrationStatus" => e.integration_status = num(&v),
        "error.message" | "error.messageString" | "integration.error" | "integrationErrorMessage" => {
            let v = v.trim_matches('"').to_string();
            if !v.is_empty() {
                e.error = Some(v);
            }
        }
        // Less specific than a message: only when nothing better is known.
        "error.responseType" | "authorizer.error" | "authorize.error" => {
            e.error.get_or_insert(v);
        }
        "identity.sourceIp" => e.source_ip = Some(v),
        "identity.userAgent" => e.user_agent = Some(v),
        "authorizer.userId" | "authorizer.user" | "authorizer.username" | "authorizer.sub" => e.user = Some(v),
        "authorizer.principalId" => {
            e.user.get_or_insert(v);
        }
        "disconnectStatusCode" => e.close_code = num(&v),
        "disconnectReason" => e.close_reason = Some(v),
        _ => {}
    }
}

/// Splits a format into literals and `$context.<name>` variables.
fn tokenize(format: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = format;
    let mut vars = 0;
    while let Some(i) = rest.find("$context.") {
        let after = &rest[i + "$context.".len()..];
        let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')).unwrap_or(after.len());
        let name = after[..len].trim_end_matches('.');
        if name.is_empty() || vars >= MAX_VARS {
            // Not a variable after all: keep it as text.
            push_lit(&mut out, &rest[..i + "$context.".len()]);
            rest = after;
            continue;
        }
        push_lit(&mut out, &rest[..i]);
        out.push(Token::Var(name.to_string()));
        vars += 1;
        rest = &after[name.len()..];
    }
    push_lit(&mut out, rest);
    out
}

fn push_lit(out: &mut Vec<Token>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Token::Lit(prev)) = out.last_mut() {
        prev.push_str(s);
    } else {
        out.push(Token::Lit(s.to_string()));
    }
}

/// A JSON format: each variable becomes a placeholder string (quoted when it stands bare, as in
/// `"status":$context.status`), the result is parsed as JSON, and every string leaf holding
/// placeholders becomes a template for that leaf.
fn compile_json(tokens: &[Token]) -> Option<Vec<(Vec<PathSeg>, Vec<Token>)>> {
    let mut text = String::new();
    let mut names = Vec::new();
    let mut in_string = false;
    for t in tokens {
        match t {
            Token::Lit(l) => {
                let mut escaped = false;
                for c in l.chars() {
                    if in_string && escaped {
                        escaped = false;
                    } else if in_string && c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_string = !in_string;
                    }
                }
                text.push_str(l);
            }
            Token::Var(name) => {
                let ph = format!("{PLACEHOLDER}{}@@", names.len());
                names.push(name.clone());
                if in_string {
                    text.push_str(&ph);
                } else {
                    text.push('"');
                    text.push_str(&ph);
                    text.push('"');
                }
            }
        }
    }
    let v: Value = serde_json::from_str(&text).ok()?;
    let mut out = Vec::new();
    collect_leaves(&v, &mut Vec::new(), &names, &mut out);
    Some(out)
}

fn collect_leaves(v: &Value, path: &mut Vec<PathSeg>, names: &[String], out: &mut Vec<(Vec<PathSeg>, Vec<Token>)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push(PathSeg::Key(k.clone()));
                collect_leaves(child, path, names, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                path.push(PathSeg::Index(i));
                collect_leaves(child, path, names, out);
                path.pop();
            }
        }
        Value::String(s) if s.contains(PLACEHOLDER) => out.push((path.clone(), leaf_template(s, names))),
        _ => {}
    }
}

/// `"@@wsadm_var_0@@ - @@wsadm_var_1@@"` → `[Var, Lit(" - "), Var]`.
fn leaf_template(s: &str, names: &[String]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(PLACEHOLDER) {
        push_lit(&mut out, &rest[..i]);
        let after = &rest[i + PLACEHOLDER.len()..];
        let Some(end) = after.find("@@") else { break };
        match after[..end].parse::<usize>().ok().and_then(|n| names.get(n)) {
            Some(name) => out.push(Token::Var(name.clone())),
            None => push_lit(&mut out, &rest[i..i + PLACEHOLDER.len() + end + 2]),
        }
        rest = &after[end + 2..];
    }
    push_lit(&mut out, rest);
    out
}

fn lookup<'a>(v: &'a Value, path: &[PathSeg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, seg| match seg {
        PathSeg::Key(k) => cur.get(k),
        PathSeg::Index(i) => cur.get(i),
    })
}

/// Matches `text` against literals and variables: each variable takes the text up to the first
/// occurrence of the next literal (the last literal must end the text). Linear in the text's length
/// per token; `None` when a literal is not where the format puts it.
fn match_tokens<'t, 'f>(tokens: &'f [Token], text: &'t str) -> Option<Vec<(&'f str, &'t str)>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Lit(l) => {
                if !text[pos..].starts_with(l.as_str()) {
                    return None;
                }
                pos += l.len();
                i += 1;
            }
            Token::Var(name) => {
                // Variables with no literal between them cannot be told apart: the first takes it all.
                let next = tokens[i + 1..].iter().position(|t| matches!(t, Token::Lit(_))).map(|p| p + i + 1);
                let end = match next.map(|j| (j, &tokens[j])) {
                    None => text.len(),
                    Some((j, Token::Lit(l))) if j == tokens.len() - 1 => {
                        let l = l.trim_end();
                        let body = text.trim_end();
                        if body.len() < pos + l.len() || !body.ends_with(l) {
                            return None;
                        }
                        body.len() - l.len()
                    }
                    Some((_, Token::Lit(l))) => pos + text[pos..].find(l.as_str())?,
                    Some(_) => return None,
                };
                out.push((name.as_str(), &text[pos..end]));
                pos = end;
                i = match next {
                    Some(j) if j == tokens.len() - 1 => {
                        // The trailing literal was checked against the trimmed end.
                        pos = text.len();
                        tokens.len()
                    }
                    Some(j) => j,
                    None => tokens.len(),
                };
            }
        }
    }
    (pos == text.len() || text[pos..].trim().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::event::{Parser, RawEvent};

    const JSON_FORMAT: &str = concat!(
        r#"{"requestId":"$context.requestId","requestTime":"$context.requestTimeEpoch","#,
        r#""connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","#,
        r#""status":"$context.status","integrationLatency":"$context.integrationLatency","#,
        r#""authorizerError":"$context.authorizer.error","errorMessage":"$context.error.message","#,
        r#""sourceIp":"$context.identity.sourceIp","userAgent":"$context.identity.userAgent"}"#
    );
    const CLF: &str = r#"$context.identity.sourceIp - - [$context.requestTime] "$context.eventType $context.routeKey" $context.status $context.connectionId $context.requestId"#;

    fn parse(format: &str, line: &str) -> LogEvent {
        let raw = RawEvent { stream: "s".into(), event_id: "1".into(), timestamp_ms: 0, message: line.into() };
        Parser::Access(AccessFormat::compile(format)).parse("/wsadm/chat/prod/access", raw)
    }

    #[test]
    fn json_format_by_key() {
        let e = parse(
            JSON_FORMAT,
            r#"{"requestId":"XfGLwFTktjMFsLg=","requestTime":"1795000000000","connectionId":"XfGLwdb4IAMCF-w=","eventType":"MESSAGE","routeKey":"send","status":"200","integrationLatency":"12","authorizerError":"-","errorMessage":"-","sourceIp":"203.0.113.9","userAgent":"Mozilla/5.0 (X11; Linux)"}"#,
        );
        assert_eq!(e.request_id.as_deref(), Some("XfGLwFTktjMFsLg="));
        assert_eq!(e.connection_id.as_deref(), Some("XfGLwdb4IAMCF-w="));
        assert_eq!(e.kind, Kind::Message);
        assert_eq!(e.event_type.as_deref(), Some("MESSAGE"));
        assert_eq!(e.route.as_deref(), Some("send"));
        assert_eq!(e.status, Some(200));
        assert_eq!(e.latency_ms, Some(12.0));
        assert_eq!(e.error, None, "`-` is absent");
        assert_eq!(e.source_ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(e.user_agent.as_deref(), Some("Mozilla/5.0 (X11; Linux)"));
    }

    #[test]
    fn json_with_bare_numbers_nested_keys_missing_fields_and_templates() {
        let f = r#"{ "status": $context.status, "ctx": {"conn": "$context.connectionId", "who": "user=$context.authorizer.userId"}, "err": "$context.authorizer.error", "lat": $context.integration.latency }"#;
        let e = parse(
            f,
            r#"{"status": 403, "ctx": {"conn": "abc=", "who": "user=alice"}, "err": "Unauthorized", "lat": "-"}"#,
        );
        assert_eq!(e.status, Some(403));
        assert_eq!(e.connection_id.as_deref(), Some("abc="));
        assert_eq!(e.user.as_deref(), Some("alice"));
        assert_eq!(e.error.as_deref(), Some("Unauthorized"));
        assert_eq!(e.latency_ms, None);
        // Keys the line lacks are absent; keys the format lacks are ignored.
        let e = parse(f, r#"{"status": 200, "extra": 1}"#);
        assert_eq!(e.status, Some(200));
        assert_eq!(e.connection_id, None);
    }

    #[test]
    fn json_line_that_is_not_json_falls_back_to_the_text_match() {
        let f = r#"{"requestId":"$context.requestId","userAgent":"$context.identity.userAgent","status":"$context.status"}"#;
        let e = parse(f, r#"{"requestId":"r1=","userAgent":"evil "quoted" agent","status":"101"}"#);
        assert_eq!(e.request_id.as_deref(), Some("r1="));
        assert_eq!(e.user_agent.as_deref(), Some(r#"evil "quoted" agent"#));
        assert_eq!(e.status, Some(101));
    }

    #[test]
    fn clf_format() {
        let e = parse(
            CLF,
            r#"203.0.113.9 - - [29/Nov/2026:10:00:00 +0000] "CONNECT $connect" 200 XfGLwdb4IAMCF-w= XfGLwFTktjMFsLg="#,
        );
        assert_eq!(e.source_ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(e.kind, Kind::Connect);
        assert_eq!(e.route.as_deref(), Some("$connect"));
        assert_eq!(e.status, Some(200));
        assert_eq!(e.connection_id.as_deref(), Some("XfGLwdb4IAMCF-w="));
        assert_eq!(e.request_id.as_deref(), Some("XfGLwFTktjMFsLg="));
        // `-` values in the text form are absent too.
        let e = parse(CLF, r#"- - - [29/Nov/2026:10:00:00 +0000] "DISCONNECT $disconnect" 200 c1= -"#);
        assert_eq!(e.source_ip, None);
        assert_eq!(e.request_id, None);
        assert_eq!(e.kind, Kind::Disconnect);
    }

    #[test]
    fn text_format_with_quoted_values_and_trailing_literal() {
        let f = r#"id=$context.requestId route="$context.routeKey" err="$context.error.messageString" ua="$context.identity.userAgent""#;
        let e = parse(f, r#"id=r1 route="$default" err=""Internal server error"" ua="curl/8.5 (x)""#);
        assert_eq!(e.route.as_deref(), Some("$default"));
        assert_eq!(e.error.as_deref(), Some("Internal server error"));
        assert_eq!(e.user_agent.as_deref(), Some("curl/8.5 (x)"));
        assert_eq!(e.request_id.as_deref(), Some("r1"));
    }

    #[test]
    fn lines_that_do_not_match_stay_raw() {
        for (f, line) in [
            (CLF, "START RequestId: 1 Version: $LATEST"),
            (CLF, ""),
            (JSON_FORMAT, "not json and not the text form either"),
            (JSON_FORMAT, r#"{"other":"shape"}"#),
            ("prefix $context.requestId suffix", "prefix r1 wrong"),
        ] {
            let e = parse(f, line);
            assert_eq!(e.kind, Kind::Other, "{line}");
            assert_eq!((e.request_id.as_deref(), e.status), (None, None), "{line}");
            assert_eq!(e.message, line);
        }
    }

    #[test]
    fn hostile_formats_and_lines_are_bounded() {
        let huge = "$context.status ".repeat(10_000);
        let f = AccessFormat::compile(&huge);
        assert!(f.parse("200 ").is_none());
        let f = AccessFormat::compile("$context. $context.status $");
        assert_eq!(f.parse("$context. 404 $").unwrap(), vec![("status".to_string(), "404".to_string())]);
        let f = AccessFormat::compile(CLF);
        assert!(f.parse(&"x".repeat(super::super::MAX_PARSE_BYTES + 1)).is_none());
        // Deeply nested JSON is refused by serde's recursion limit, not a stack overflow.
        let f = AccessFormat::compile(JSON_FORMAT);
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(f.parse(&deep).is_none());
    }

    #[test]
    fn knows_its_variables() {
        let f = AccessFormat::compile(JSON_FORMAT);
        assert!(f.is_json());
        assert!(f.has_var("connectionId") && f.has_var("authorizer.error"));
        assert!(!f.has_var("authorizer.principalId"));
        assert!(!AccessFormat::compile(CLF).is_json());
    }
}
