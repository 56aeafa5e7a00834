//! Which events to show (`--connection`, `--route`, `--user`, `--status`, `--errors`, `--grep`),
//! applied after correlation, and the part of it CloudWatch can safely apply first.

use super::access::AccessFormat;
use super::event::{LogEvent, Source};
use crate::Error;
use std::str::FromStr;

/// `--status 410` or `--status 4xx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Exact(u16),
    /// The hundreds digit: `4` for `4xx`.
    Class(u16),
}

impl StatusMatch {
    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusMatch::Exact(s) => status == s,
            StatusMatch::Class(c) => status / 100 == c,
        }
    }
}

impl FromStr for StatusMatch {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim().to_ascii_lowercase();
        let bad = || {
            Error::invalid(format!("--status `{s}` is not a status"), "use a code (`410`) or a class (`4xx`, `5xx`)")
        };
        if let Some(class) = t.strip_suffix("xx") {
            return match class {
                "1" => Ok(StatusMatch::Class(1)),
                "2" => Ok(StatusMatch::Class(2)),
                "3" => Ok(StatusMatch::Class(3)),
                "4" => Ok(StatusMatch::Class(4)),
                "5" => Ok(StatusMatch::Class(5)),
                _ => Err(bad()),
            };
        }
        match t.parse::<u16>() {
            Ok(code @ 100..=599) => Ok(StatusMatch::Exact(code)),
            _ => Err(bad()),
        }
    }
}

/// What the operator asked to see. An empty filter matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub connection: Option<String>,
    pub route: Option<String>,
    pub user: Option<String>,
    pub status: Option<StatusMatch>,
    /// Only failures (see [`LogEvent::is_failure`]).
    pub errors: bool,
    /// A case-sensitive substring of the raw line.
    pub grep: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.connection.is_none()
            && self.route.is_none()
            && self.user.is_none()
            && self.status.is_none()
            && !self.errors
            && self.grep.is_none()
    }

    /// Whether a (correlated) event is wanted: every criterion given must hold.
    pub fn matches(&self, e: &LogEvent) -> bool {
        let eq = |want: &Option<String>, have: &Option<String>| want.as_ref().is_none_or(|w| have.as_ref() == Some(w));
        eq(&self.connection, &e.connection_id)
            && eq(&self.route, &e.route)
            && eq(&self.user, &e.user)
            && self.status.is_none_or(|m| e.status.is_some_and(|s| m.matches(s)))
            && (!self.errors || e.is_failure())
            && self.grep.as_ref().is_none_or(|g| e.message.contains(g.as_str()))
    }

    /// A CloudWatch filter pattern to send with FilterLogEvents for a group, when every event
    /// this filter wants from that group must contain the term: only the access log, and only for
    /// values its format writes on every line (connection id, then exact status, then route).
    /// Execution and Lambda groups get none: most lines of a request there lack the connection id,
    /// and correlation needs them. One quoted term at most (moto treats several as one phrase).
    pub fn pushdown(&self, source: &Source, access: Option<&AccessFormat>) -> Option<String> {
        let (Source::Access, Some(f)) = (source, access) else { return None };
        let term = [
            (f.has_var("connectionId"), self.connection.clone()),
            (
                f.has_var("status"),
                self.status.and_then(|s| match s {
                    StatusMatch::Exact(code) => Some(code.to_string()),
                    StatusMatch::Class(_) => None,
                }),
            ),
            (f.has_var("routeKey"), self.route.clone()),
        ]
        .into_iter()
        .find_map(|(logged, v)| v.filter(|v| logged && safe_term(v)))?;
        Some(format!("\"{term}\""))
    }
}

/// A value that can stand inside a quoted filter-pattern term as it is.
fn safe_term(v: &str) -> bool {
    !v.is_empty() && v.len() <= 256 && !v.chars().any(|c| c == '"' || c == '\\' || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::event::{Kind, Parser, RawEvent};

    fn event() -> LogEvent {
        let raw =
            RawEvent { stream: "s".into(), event_id: "1".into(), timestamp_ms: 0, message: "line with needle".into() };
        let mut e = Parser::Execution.parse("g", raw);
        e.kind = Kind::Message;
        e.connection_id = Some("c1=".into());
        e.route = Some("send".into());
        e.user = Some("alice".into());
        e.status = Some(200);
        e
    }

    #[test]
    fn status_syntax() {
        assert_eq!("410".parse::<StatusMatch>().unwrap(), StatusMatch::Exact(410));
        assert_eq!("4xx".parse::<StatusMatch>().unwrap(), StatusMatch::Class(4));
        assert_eq!("5XX".parse::<StatusMatch>().unwrap(), StatusMatch::Class(5));
        for bad in ["", "41", "600", "xx", "6xx", "04xx", "4x", "abc"] {
            let e = bad.parse::<StatusMatch>().unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Usage, "{bad}");
        }
        assert!(StatusMatch::Class(4).matches(404) && !StatusMatch::Class(4).matches(500));
    }

    #[test]
    fn each_criterion() {
        let e = event();
        assert!(Filter::default().matches(&e));
        let f = |f: Filter| f.matches(&e);
        assert!(f(Filter { connection: Some("c1=".into()), ..Default::default() }));
        assert!(!f(Filter { connection: Some("c2=".into()), ..Default::default() }));
        assert!(f(Filter { route: Some("send".into()), ..Default::default() }));
        assert!(!f(Filter { route: Some("$connect".into()), ..Default::default() }));
        assert!(f(Filter { user: Some("alice".into()), ..Default::default() }));
        assert!(!f(Filter { user: Some("bob".into()), ..Default::default() }));
        assert!(f(Filter { status: Some(StatusMatch::Class(2)), ..Default::default() }));
        assert!(!f(Filter { status: Some(StatusMatch::Exact(410)), ..Default::default() }));
        assert!(!f(Filter { errors: true, ..Default::default() }));
        assert!(f(Filter { grep: Some("needle".into()), ..Default::default() }));
        assert!(!f(Filter { grep: Some("NEEDLE".into()), ..Default::default() }));
        // All must hold.
        assert!(!f(Filter { route: Some("send".into()), user: Some("bob".into()), ..Default::default() }));

        let mut failed = event();
        failed.status = None;
        assert!(
            !Filter { status: Some(StatusMatch::Class(2)), ..Default::default() }.matches(&failed),
            "no status, no match"
        );
        failed.close_code = Some(1011);
        assert!(Filter { errors: true, ..Default::default() }.matches(&failed));
    }

    #[test]
    fn pushdown_only_where_every_wanted_line_has_the_term() {
        let json = AccessFormat::compile(
            r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","status":"$context.status","routeKey":"$context.routeKey"}"#,
        );
        let no_conn = AccessFormat::compile(r#"{"requestId":"$context.requestId","routeKey":"$context.routeKey"}"#);
        let lambda = Source::Lambda { function: "chat".into() };
        let conn = Filter { connection: Some("c1=".into()), route: Some("send".into()), ..Default::default() };
        assert_eq!(conn.pushdown(&Source::Access, Some(&json)).as_deref(), Some("\"c1=\""));
        assert_eq!(conn.pushdown(&Source::Access, Some(&no_conn)).as_deref(), Some("\"send\""), "the route, then");
        assert_eq!(conn.pushdown(&Source::Execution, Some(&json)), None);
        assert_eq!(conn.pushdown(&lambda, None), None);
        assert_eq!(conn.pushdown(&Source::Access, None), None, "unknown format");
        let status = Filter { status: Some(StatusMatch::Exact(410)), ..Default::default() };
        assert_eq!(status.pushdown(&Source::Access, Some(&json)).as_deref(), Some("\"410\""));
        let class = Filter { status: Some(StatusMatch::Class(5)), ..Default::default() };
        assert_eq!(class.pushdown(&Source::Access, Some(&json)), None);
        // Users, errors and grep are never pushed: not every wanted line writes them literally.
        let other = Filter { user: Some("alice".into()), errors: true, grep: Some("x".into()), ..Default::default() };
        assert_eq!(other.pushdown(&Source::Access, Some(&json)), None);
        let quote = Filter { connection: Some("a\"b".into()), ..Default::default() };
        assert_eq!(quote.pushdown(&Source::Access, Some(&json)), None);
    }
}
