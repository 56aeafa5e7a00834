//! `wsadm sessions ls|show|kick|prune`: who is connected, from the session table (API Gateway
//! cannot list its connections), checked against the @connections API. Here: what they share.

mod kick;
mod ls;
mod prune;
mod show;

pub use kick::kick;
pub use ls::{count, ls};
pub use prune::prune;
pub use show::show;

use super::Ctx;
use aws_sdk_apigatewayv2::primitives::{DateTime, DateTimeFormat};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wsadm_core::connections::{self, ConnError, ConnectionInfo};
use wsadm_core::store::{ScanOptions, Session, SessionStore, MAX_CONNECTION_SECS, TOUCH_INTERVAL_MS};
use wsadm_core::target::{self, Target, TAG_TABLE};
use wsadm_core::{Aws, Error};

type Management = aws_sdk_apigatewaymanagement::Client;

/// API Gateway closes a connection idle this long.
const IDLE_TIMEOUT_SECS: i64 = 600;
/// A record idle longer than this cannot be live on AWS: the idle timeout plus the granularity
/// of lastSeenAt (written at most once a minute).
const STALE_IDLE_SECS: i64 = IDLE_TIMEOUT_SECS + TOUCH_INTERVAL_MS / 1000;
/// GetConnection / DeleteConnection calls in flight at once for `ls --live` and `kick`.
const CHECK_CONCURRENCY: usize = 16;
/// The full-table read: one segment, one page of at most 2,000 sessions (~0.6 MB) in memory at a time.
const SCAN: ScanOptions = ScanOptions { segments: 1, page_size: 2000 };
const MAX_USER_LEN: usize = 128;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

// ----- validation and parsing -----

fn validate_user(user: &str) -> Result<(), Error> {
    if user.is_empty() || user.len() > MAX_USER_LEN {
        return Err(Error::invalid(format!("`{user}` is not a user id"), "user ids are 1-128 bytes"));
    }
    Ok(())
}

/// `90s`, `10m`, `2h`, `1d`, `1h30m` (any of humantime's forms), or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<i64, Error> {
    let bad = || {
        Error::invalid(
            format!("`{text}` is not a duration"),
            "write durations like 90s, 10m, 2h, 1d or 1h30m (s, m, h, d)",
        )
    };
    let t = text.trim();
    if let Ok(secs) = t.parse::<i64>() {
        return if secs >= 0 { Ok(secs) } else { Err(bad()) };
    }
    // Whole seconds, as the filters compare them: no `1.5h`, no `500ms` (humantime takes both);
    // one word, as on the rest of the command line (`1h30m`, not `1h 30m`).
    if t.contains('.') || t.contains(char::is_whitespace) {
        return Err(bad());
    }
    match humantime::parse_duration(t) {
        Ok(d) if d.subsec_nanos() == 0 => i64::try_from(d.as_secs()).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// `45s`, `12m05s`, `3h07m`, `2d04h`.
pub fn human(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
    }
}

fn rfc3339(ms: i64) -> Option<String> {
    (ms > 0).then(|| DateTime::from_millis(ms).fmt(DateTimeFormat::DateTime).ok()).flatten()
}

/// True when no live AWS connection can have this record.
fn is_stale(s: &Session, now: i64) -> bool {
    (now - s.connected_at) / 1000 > MAX_CONNECTION_SECS || (now - s.last_seen_at) / 1000 > STALE_IDLE_SECS
}

// ----- where: the table, the API, the @connections endpoints -----

fn no_table(api: Option<(&str, &str)>) -> Error {
    match api {
        Some((name, id)) => Error::invalid(
            format!("no session table: API {name} ({id}) has no {TAG_TABLE} tag"),
            format!(
                "pass --table TABLE (or set WSADM_TABLE), or tag the API: {TAG_TABLE}=TABLE (`wsadm provision` does)"
            ),
        ),
        None => Error::invalid(
            "no session table given",
            format!(
                "pass --table TABLE (or set WSADM_TABLE), or --api NAME|ID for an API whose {TAG_TABLE} tag names it"
            ),
        ),
    }
}

/// A missing table is the operator's to fix (wrong --table, tag or region), not a failure.
fn table_error(table: &str) -> impl Fn(Error) -> Error + Clone + Send + Sync + 'static {
    let table = table.to_string();
    move |e| match wsadm_core::error::service_code(&e) {
        Some("ResourceNotFoundException") => Error::invalid(
            format!("the session table `{table}` does not exist"),
            format!("check --table / the API's {TAG_TABLE} tag, and --region"),
        ),
        _ => e,
    }
}

/// The table alone (`ls` without `--live`): `--table`, else the API's tag; no stage needed.
async fn table_only(ctx: &Ctx, aws: &Aws) -> Result<SessionStore, Error> {
    if let Some(t) = &ctx.global.table {
        return Ok(SessionStore::new(aws.dynamodb(), t));
    }
    let query = ctx.global.api.as_deref().ok_or_else(|| no_table(None))?;
    let api = target::resolve_api(aws, query).await?;
    let table = api
        .tags()
        .and_then(|t| t.get(TAG_TABLE))
        .cloned()
        .ok_or_else(|| no_table(Some((api.name().unwrap_or_default(), api.api_id().unwrap_or_default()))))?;
    Ok(SessionStore::new(aws.dynamodb(), table))
}

/// API, stage, management endpoint and table.
async fn resolve(ctx: &Ctx, aws: &Aws) -> Result<(Target, SessionStore), Error> {
    let t = target::resolve(aws, &ctx.target_args()).await?;
    let table = t.table.clone().ok_or_else(|| no_table(Some((&t.api_name, &t.api_id))))?;
    let store = SessionStore::new(aws.dynamodb(), table);
    Ok((t, store))
}

/// The @connections clients, one per stage: a record is checked on the stage that recorded
/// it (a connection of another stage is unknown to this stage's endpoint: it would look gone).
struct Gateway {
    aws: Aws,
    target: Target,
    custom_domain: bool,
    clients: Mutex<HashMap<String, Management>>,
}

impl Gateway {
    fn new(aws: &Aws, target: Target, domain: Option<&str>) -> Result<Arc<Self>, Error> {
        let client = aws.management(&target.management_endpoint)?;
        let clients = Mutex::new(HashMap::from([(target.stage.clone(), client)]));
        Ok(Arc::new(Gateway { aws: aws.clone(), target, custom_domain: domain.is_some(), clients }))
    }

    /// The client for a record's stage; None when that stage is out of reach (another stage
    /// than the one a custom domain serves).
    fn client(&self, stage: Option<&str>) -> Result<Option<Management>, Error> {
        let stage = stage.filter(|s| !s.is_empty()).unwrap_or(&self.target.stage);
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = clients.get(stage) {
            return Ok(Some(c.clone()));
        }
        if self.custom_domain {
            return Ok(None);
        }
        let url = target::management_endpoint(&self.target.api_endpoint, stage, None)?;
        let c = self.aws.management(&url)?;
        clients.insert(stage.to_string(), c.clone());
        Ok(Some(c))
    }
}

// ----- a session record, and what GetConnection says of it -----

/// One session as listed.
#[derive(Debug, Clone, Serialize)]
pub struct SessionRow {
    pub connection_id: String,
    pub user_id: String,
    pub rooms: Vec<String>,
    pub connected_at: Option<String>,
    /// The record's lastSeenAt (written at most once a minute).
    pub last_seen_at: Option<String>,
    pub connected_secs: i64,
    pub idle_secs: i64,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub stage: Option<String>,
    /// Connected over 2 h ago or idle over 11 min: no live AWS connection has such a record.
    pub stale: bool,
    pub disconnect_status: Option<i64>,
    pub disconnect_reason: Option<String>,
    /// What GetConnection said (`--live` only).
    pub live: Option<LiveCheck>,
}

impl SessionRow {
    fn new(s: Session, now: i64) -> Self {
        SessionRow {
            stale: is_stale(&s, now),
            connected_at: rfc3339(s.connected_at),
            last_seen_at: rfc3339(s.last_seen_at),
            connected_secs: ((now - s.connected_at) / 1000).max(0),
            idle_secs: ((now - s.last_seen_at) / 1000).max(0),
            rooms: s.rooms.into_iter().collect(),
            connection_id: s.connection_id,
            user_id: s.user_id,
            source_ip: s.source_ip,
            user_agent: s.user_agent,
            stage: s.stage,
            disconnect_status: s.disconnect_status,
            disconnect_reason: s.disconnect_reason,
            live: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveStatus {
    /// API Gateway knows the connection.
    Connected,
    /// 410: the connection is closed; the record is stale.
    Gone,
    /// The check failed (403, throttling, 5xx): nothing is known.
    Error,
    /// Recorded on a stage the custom domain does not serve.
    Unchecked,
}

#[derive(Debug, Clone, Serialize)]
pub struct LiveCheck {
    pub status: LiveStatus,
    /// GetConnection's answer when connected.
    pub connected_at: Option<String>,
    pub last_active_at: Option<String>,
    pub error: Option<String>,
}

impl LiveCheck {
    fn of(result: Option<Result<ConnectionInfo, ConnError>>) -> Self {
        let (status, info, error) = match result {
            None => (LiveStatus::Unchecked, None, Some("recorded on another stage than --domain serves".into())),
            Some(Ok(info)) => (LiveStatus::Connected, Some(info), None),
            Some(Err(ConnError::Gone)) => (LiveStatus::Gone, None, None),
            Some(Err(e)) => (LiveStatus::Error, None, Some(e.to_string())),
        };
        LiveCheck {
            status,
            connected_at: info.as_ref().and_then(|i| i.connected_at.clone()),
            last_active_at: info.and_then(|i| i.last_active_at),
            error,
        }
    }
}

async fn get_connection(gw: &Gateway, id: &str, stage: Option<&str>) -> Result<LiveCheck, Error> {
    Ok(match gw.client(stage)? {
        Some(c) => LiveCheck::of(Some(connections::get(&c, id).await)),
        None => LiveCheck::of(None),
    })
}

fn rooms_cell(rooms: &[String]) -> String {
    if rooms.is_empty() {
        "-".into()
    } else {
        rooms.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsadm_core::connections::validate_connection_id;

    #[test]
    fn durations() {
        for (text, secs) in [("90s", 90), ("10m", 600), ("2h", 7200), ("1d", 86_400), ("1h30m", 5400), ("45", 45)] {
            assert_eq!(parse_duration(text).unwrap(), secs, "{text}");
        }
        for bad in ["", "m", "10x", "1.5h", "-3", "10m5"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(human(45), "45s");
        assert_eq!(human(725), "12m05s");
        assert_eq!(human(3 * 3600 + 7 * 60), "3h07m");
        assert_eq!(human(2 * 86_400 + 4 * 3600), "2d04h");
    }

    #[test]
    fn durations_take_humantime_forms_in_whole_seconds() {
        for (text, secs) in [("1h30m", 5400), ("2days", 172_800), ("1w", 604_800), ("90s", 90)] {
            assert_eq!(parse_duration(text).unwrap(), secs, "{text}");
        }
        for bad in ["500ms", "1m500ms", "1.5", "1h 30m", "5 minutes"] {
            let e = parse_duration(bad).unwrap_err();
            assert_eq!(e.kind(), wsadm_core::ErrorKind::Usage, "{bad}");
            assert_eq!(e.hint().as_deref(), Some("write durations like 90s, 10m, 2h, 1d or 1h30m (s, m, h, d)"));
        }
    }

    #[test]
    fn connection_ids() {
        for ok in ["L0SM9cOFvHcCIhw=", "a+b/c=", "x", &"A".repeat(128), "ab-_"] {
            assert!(validate_connection_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "has space", "pct%3D", "a?b", "a#b", &"A".repeat(129), "é"] {
            assert!(validate_connection_id(bad).is_err(), "{bad}");
        }
    }

    pub(super) fn session(id: &str, user: &str, connected_ago_s: i64, idle_s: i64, now: i64) -> Session {
        let mut s = Session::new(id, user, now - connected_ago_s * 1000);
        s.last_seen_at = now - idle_s * 1000;
        s
    }

    #[test]
    fn stale_means_impossible_on_aws() {
        let now = 1_800_000_000_000;
        assert!(!is_stale(&session("a", "u", 60, 10, now), now));
        assert!(!is_stale(&session("a", "u", 3600, 650, now), now), "11 min idle is still possible");
        assert!(is_stale(&session("a", "u", 3600, 700, now), now));
        assert!(is_stale(&session("a", "u", 7300, 10, now), now));
    }
}
