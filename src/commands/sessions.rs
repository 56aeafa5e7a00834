//! `wsadm sessions ls|show|kick|prune`: who is connected, from the session table (API Gateway
//! cannot list its connections), checked against the @connections API.

use super::Ctx;
use crate::cli::{SessionSort, SessionsKickArgs, SessionsLsArgs, SessionsPruneArgs};
use crate::output::{cell, Block, ListReport, Printer, Report};
use aws_sdk_apigatewayv2::primitives::{DateTime, DateTimeFormat};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use wsadm_core::connections::validate_connection_id;
use wsadm_core::connections::{self, ConnError, ConnectionInfo};
use wsadm_core::store::{self, ScanOptions, Session, SessionStore, MAX_CONNECTION_SECS, TOUCH_INTERVAL_MS};
use wsadm_core::target::{self, Target, TAG_TABLE};
use wsadm_core::{Aws, Error, ErrorKind};

type Management = aws_sdk_apigatewaymanagement::Client;

/// API Gateway closes a connection idle this long.
const IDLE_TIMEOUT_SECS: i64 = 600;
/// A record idle longer than this cannot be live on AWS: the idle timeout plus the granularity
/// of lastSeenAt (written at most once a minute).
const STALE_IDLE_SECS: i64 = IDLE_TIMEOUT_SECS + TOUCH_INTERVAL_MS / 1000;
/// GetConnection / DeleteConnection calls in flight at once for `ls --live` and `kick`.
const CHECK_CONCURRENCY: usize = 16;
/// Most rows `ls --sort` holds to sort (without --limit).
const MAX_SORTED: usize = 100_000;
/// Most connections a prune report lists one by one (the counts are always complete).
const MAX_LISTED: usize = 1000;
/// Prune stops when this many checks in a row were refused (403) and none succeeded.
const FORBIDDEN_STREAK: u64 = 20;
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

/// `90s`, `10m`, `2h`, `1d`, `1h30m`, or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<i64, Error> {
    let bad = || {
        Error::invalid(
            format!("`{text}` is not a duration"),
            "write durations like 90s, 10m, 2h, 1d or 1h30m (s, m, h, d)",
        )
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = t.parse::<i64>() {
        return if secs >= 0 { Ok(secs) } else { Err(bad()) };
    }
    let (mut total, mut num) = (0i64, String::new());
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n: i64 = num.parse().map_err(|_| bad())?;
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(bad)?;
        num.clear();
    }
    if num.is_empty() {
        Ok(total)
    } else {
        Err(bad())
    }
}

/// `10m` (that long ago) or an RFC 3339 time, as epoch milliseconds.
fn parse_since(text: &str, now: i64) -> Result<i64, Error> {
    if let Ok(secs) = parse_duration(text) {
        return Ok(now - secs * 1000);
    }
    DateTime::from_str(text.trim(), DateTimeFormat::DateTime).ok().and_then(|d| d.to_millis().ok()).ok_or_else(|| {
        Error::invalid(
            format!("`{text}` is neither a duration nor a time"),
            "--since takes a duration (10m, 2h) or an RFC 3339 time (2026-01-31T12:00:00Z)",
        )
    })
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

pub(crate) fn no_table(api: Option<(&str, &str)>) -> Error {
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

// ----- ls -----

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

/// The filters of `ls` (and `--count`), parsed and validated before any AWS call.
#[derive(Debug, Clone, Serialize)]
pub struct Query {
    pub user: Option<String>,
    pub room: Option<String>,
    /// Epoch milliseconds.
    #[serde(skip)]
    since_ms: Option<i64>,
    pub since: Option<String>,
    pub idle_over_secs: Option<i64>,
    pub stale: bool,
    pub limit: Option<usize>,
    pub sort: Option<&'static str>,
    pub live: bool,
}

impl Query {
    fn new(a: &SessionsLsArgs, now: i64) -> Result<Self, Error> {
        if let Some(u) = &a.user {
            validate_user(u)?;
        }
        if let Some(r) = &a.room {
            store::validate_room(r)?;
        }
        if a.limit == Some(0) {
            return Err(Error::invalid("--limit 0 lists nothing", "give a positive number, or --count"));
        }
        let since_ms = a.since.as_deref().map(|s| parse_since(s, now)).transpose()?;
        Ok(Query {
            user: a.user.clone(),
            room: a.room.clone(),
            since: since_ms.and_then(rfc3339),
            since_ms,
            idle_over_secs: a.idle_over.as_deref().map(parse_duration).transpose()?,
            stale: a.stale,
            limit: a.limit,
            sort: a.sort.map(|s| match s {
                SessionSort::Id => "id",
                SessionSort::User => "user",
                SessionSort::Connected => "connected",
                SessionSort::Idle => "idle",
            }),
            live: a.live,
        })
    }

    /// The filters not answered by the index query itself.
    fn matches(&self, s: &Session, now: i64) -> bool {
        // With both --user and --room the by-user Query answers the user; the room is checked here.
        (self.user.is_none() || self.room.as_ref().is_none_or(|r| s.rooms.contains(r)))
            && self.since_ms.is_none_or(|t| s.connected_at >= t)
            && self.idle_over_secs.is_none_or(|d| (now - s.last_seen_at) / 1000 > d)
            && (!self.stale || is_stale(s, now))
    }

    fn filtered(&self) -> bool {
        self.user.is_some()
            || self.room.is_some()
            || self.since_ms.is_some()
            || self.idle_over_secs.is_some()
            || self.stale
    }

    /// The matching sessions: a Query on an index for --user/--room, else a scan.
    fn source(&self, store: &SessionStore, now: i64) -> BoxStream<'static, Result<Session, Error>> {
        let rows = match (&self.user, &self.room) {
            (Some(u), _) => store.list_by_user(u),
            (None, Some(r)) => store.list_by_room(r),
            (None, None) => store.list_all(SCAN),
        };
        let q = self.clone();
        rows.map_err(table_error(store.table())).try_filter(move |s| futures::future::ready(q.matches(s, now))).boxed()
    }
}

fn sort_sessions(v: &mut [Session], key: SessionSort) {
    match key {
        SessionSort::Id => v.sort_by(|a, b| a.connection_id.cmp(&b.connection_id)),
        SessionSort::User => v.sort_by(|a, b| (&a.user_id, &a.connection_id).cmp(&(&b.user_id, &b.connection_id))),
        SessionSort::Connected => v.sort_by_key(|s| (s.connected_at, s.connection_id.clone())),
        SessionSort::Idle => v.sort_by_key(|s| (s.last_seen_at, s.connection_id.clone())),
    }
}

/// Reads every session to sort them: up to MAX_SORTED, or only the top `limit` (memory 2 x limit).
async fn sorted(
    mut rows: BoxStream<'static, Result<Session, Error>>,
    key: SessionSort,
    limit: Option<usize>,
) -> Result<Vec<Session>, Error> {
    let mut buf = Vec::new();
    while let Some(s) = rows.try_next().await? {
        buf.push(s);
        match limit {
            Some(n) if buf.len() >= 2 * n.max(512) => {
                sort_sessions(&mut buf, key);
                buf.truncate(n);
            }
            None if buf.len() > MAX_SORTED => {
                return Err(Error::invalid(
                    format!("over {MAX_SORTED} sessions match: too many to sort"),
                    "narrow the list (--user, --room, --since, --idle-over), add --limit N for the top N, or drop --sort to stream them",
                ))
            }
            _ => {}
        }
    }
    sort_sessions(&mut buf, key);
    if let Some(n) = limit {
        buf.truncate(n);
    }
    Ok(buf)
}

#[derive(Debug, Default)]
struct ListStats {
    count: u64,
    stale: u64,
    connected: u64,
    gone: u64,
    errors: u64,
    unchecked: u64,
    first_error: Option<String>,
}

/// `sessions ls`: rows arrive as a stream (see [`ListReport`]).
pub struct SessionList {
    table: String,
    query: Query,
    items: Option<BoxStream<'static, Result<SessionRow, Error>>>,
    stats: Arc<Mutex<ListStats>>,
}

impl SessionList {
    fn stats(&self) -> std::sync::MutexGuard<'_, ListStats> {
        self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub async fn ls(ctx: &Ctx, args: SessionsLsArgs) -> Result<SessionList, Error> {
    let now = now_ms();
    let query = Query::new(&args, now)?;
    let aws = ctx.aws().await?;
    let (store, gateway) = if args.live {
        let (t, store) = resolve(ctx, aws).await?;
        (store, Some(Gateway::new(aws, t, ctx.global.domain.as_deref())?))
    } else {
        (table_only(ctx, aws).await?, None)
    };
    let mut rows = query.source(&store, now);
    if let Some(key) = args.sort {
        rows = stream::once(sorted(rows, key, args.limit))
            .map_ok(|v| stream::iter(v.into_iter().map(Ok)))
            .try_flatten()
            .boxed();
    } else if let Some(n) = args.limit {
        rows = rows.take(n).boxed();
    }
    let mut rows = rows.map_ok(move |s| SessionRow::new(s, now)).boxed();
    if let Some(gw) = gateway {
        rows = rows
            .map_ok(move |mut row| {
                let gw = gw.clone();
                async move {
                    row.live = Some(get_connection(&gw, &row.connection_id, row.stage.as_deref()).await?);
                    Ok(row)
                }
            })
            .try_buffered(CHECK_CONCURRENCY)
            .boxed();
    }
    let stats = Arc::new(Mutex::new(ListStats::default()));
    let tally = stats.clone();
    let rows = rows
        .inspect_ok(move |row| {
            let mut st = tally.lock().unwrap_or_else(|e| e.into_inner());
            st.count += 1;
            st.stale += row.stale as u64;
            if let Some(live) = &row.live {
                match live.status {
                    LiveStatus::Connected => st.connected += 1,
                    LiveStatus::Gone => st.gone += 1,
                    LiveStatus::Unchecked => st.unchecked += 1,
                    LiveStatus::Error => {
                        st.errors += 1;
                        if st.first_error.is_none() {
                            st.first_error = live.error.clone();
                        }
                    }
                }
            }
        })
        .boxed();
    Ok(SessionList { table: store.table().to_string(), query, items: Some(rows), stats })
}

fn rooms_cell(rooms: &[String]) -> String {
    if rooms.is_empty() {
        "-".into()
    } else {
        rooms.join(",")
    }
}

fn shorten(s: Option<&str>, max: usize) -> String {
    match s {
        None => "-".into(),
        Some(s) if s.chars().count() <= max => s.to_string(),
        Some(s) => s.chars().take(max - 1).collect::<String>() + "…",
    }
}

impl ListReport for SessionList {
    type Item = SessionRow;
    const KEY: &'static str = "sessions";

    fn items(&mut self) -> BoxStream<'static, Result<SessionRow, Error>> {
        self.items.take().unwrap_or_else(|| stream::empty().boxed())
    }

    fn head(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("table".into(), json!(self.table));
        m.insert("query".into(), serde_json::to_value(&self.query).unwrap_or_default());
        m
    }

    fn tail(&self) -> Map<String, Value> {
        let st = self.stats();
        let mut m = Map::new();
        m.insert("count".into(), json!(st.count));
        m.insert("stale".into(), json!(st.stale));
        if self.query.live {
            m.insert(
                "live".into(),
                json!({ "connected": st.connected, "gone": st.gone, "errors": st.errors, "unchecked": st.unchecked }),
            );
        }
        m
    }

    fn header(&self) -> Vec<String> {
        let mut h: Vec<String> =
            ["CONNECTION ID", "USER", "ROOMS", "CONNECTED", "IDLE", "SOURCE IP", "USER AGENT"].map(String::from).into();
        if self.query.live {
            h.push("API GATEWAY".into());
        }
        h
    }

    fn row(&self, r: &SessionRow) -> Vec<String> {
        let star = |cond: bool| if cond { "*" } else { "" };
        let mut cells = vec![
            r.connection_id.clone(),
            r.user_id.clone(),
            rooms_cell(&r.rooms),
            format!("{}{}", human(r.connected_secs), star(r.connected_secs > MAX_CONNECTION_SECS)),
            format!("{}{}", human(r.idle_secs), star(r.idle_secs > STALE_IDLE_SECS)),
            cell(r.source_ip.as_deref()),
            shorten(r.user_agent.as_deref(), 32),
        ];
        if let Some(l) = &r.live {
            cells.push(match l.status {
                LiveStatus::Connected => "connected".into(),
                LiveStatus::Gone => "GONE (410)".into(),
                LiveStatus::Unchecked => "unchecked".into(),
                LiveStatus::Error => format!("error: {}", l.error.as_deref().unwrap_or("?")),
            });
        }
        cells
    }

    fn empty(&self) -> String {
        if self.query.filtered() {
            "No sessions match.".into()
        } else {
            format!("No sessions in {}.", self.table)
        }
    }

    fn sort_table(&self, items: &mut [SessionRow]) {
        // The stream is already in --sort order; otherwise people get users together, longest connected first.
        if self.query.sort.is_none() {
            items.sort_by(|a, b| {
                (&a.user_id, -a.connected_secs, &a.connection_id).cmp(&(
                    &b.user_id,
                    -b.connected_secs,
                    &b.connection_id,
                ))
            });
        }
    }

    fn notes(&self) -> Vec<String> {
        let st = self.stats();
        let mut notes = Vec::new();
        if st.count > 0 {
            notes.push(format!("{} session(s) in {}", st.count, self.table));
        }
        if st.stale > 0 {
            notes.push(format!(
                "* stale: {} record(s) connected over 2 h ago or idle over 11 min, impossible on AWS (`wsadm sessions prune` removes the ones that are gone)",
                st.stale
            ));
        }
        if st.gone > 0 {
            notes.push(format!(
                "{} connection(s) are gone (410): their records are stale; `wsadm sessions prune` removes them",
                st.gone
            ));
        }
        if st.errors > 0 {
            notes.push(format!(
                "{} GetConnection check(s) failed, e.g. {}",
                st.errors,
                st.first_error.as_deref().unwrap_or("?")
            ));
        }
        notes
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        (self.stats().errors > 0).then_some(ErrorKind::Partial)
    }
}

/// `sessions ls --count`.
#[derive(Debug, Serialize)]
pub struct SessionCount {
    pub table: String,
    pub query: Query,
    pub count: u64,
}

impl Report for SessionCount {
    fn view(&self) -> Vec<Block> {
        vec![Block::Raw(format!("{}\n", self.count))]
    }
}

pub async fn count(ctx: &Ctx, args: SessionsLsArgs) -> Result<SessionCount, Error> {
    let now = now_ms();
    let query = Query::new(&args, now)?;
    let aws = ctx.aws().await?;
    let store = table_only(ctx, aws).await?;
    let err = table_error(store.table());
    let only_user = query.user.is_some() && query.room.is_none() && query.since_ms.is_none();
    let count = if !query.filtered() {
        // A counting scan: DynamoDB counts, no items are transferred.
        store.count().await.map_err(err)?
    } else if only_user && query.idle_over_secs.is_none() && !query.stale {
        store.count_by_user(query.user.as_deref().unwrap_or_default()).await.map_err(err)?
    } else {
        query.source(&store, now).try_fold(0u64, |n, _| futures::future::ready(Ok(n + 1))).await?
    };
    Ok(SessionCount { table: store.table().to_string(), query, count })
}

// ----- show -----

#[derive(Debug, Serialize)]
pub struct SessionDetail {
    pub connection_id: String,
    pub api_id: String,
    pub api_name: String,
    /// The stage GetConnection asked (the record's, else --stage).
    pub stage: String,
    pub table: String,
    /// connected, gone (410), error or unchecked.
    pub status: LiveStatus,
    /// GetConnection's answer.
    pub gateway: Option<ConnectionInfo>,
    pub error: Option<String>,
    /// The session record, if there is one.
    pub record: Option<SessionRow>,
    #[serde(skip)]
    forbidden: bool,
}

pub async fn show(ctx: &Ctx, id: &str) -> Result<SessionDetail, Error> {
    validate_connection_id(id)?;
    let aws = ctx.aws().await?;
    let (target, store) = resolve(ctx, aws).await?;
    let now = now_ms();
    let record = store.get(id).await.map_err(table_error(store.table()))?;
    let stage = record.as_ref().and_then(|s| s.stage.clone()).unwrap_or_else(|| target.stage.clone());
    let (api_id, api_name) = (target.api_id.clone(), target.api_name.clone());
    let gw = Gateway::new(aws, target, ctx.global.domain.as_deref())?;
    let (status, gateway, error, forbidden) = match gw.client(Some(&stage))? {
        None => (LiveStatus::Unchecked, None, Some(format!("stage {stage} is not the one --domain serves")), false),
        Some(c) => match connections::get(&c, id).await {
            Ok(info) => (LiveStatus::Connected, Some(info), None, false),
            Err(ConnError::Gone) => (LiveStatus::Gone, None, None, false),
            Err(e) => (LiveStatus::Error, None, Some(e.to_string()), matches!(e, ConnError::Forbidden(_))),
        },
    };
    Ok(SessionDetail {
        connection_id: id.to_string(),
        api_id,
        api_name,
        stage,
        table: store.table().to_string(),
        status,
        gateway,
        error,
        record: record.map(|s| SessionRow::new(s, now)),
        forbidden,
    })
}

impl Report for SessionDetail {
    fn view(&self) -> Vec<Block> {
        let status = match self.status {
            LiveStatus::Connected => "connected".to_string(),
            LiveStatus::Gone => "GONE (410): API Gateway no longer knows this connection".into(),
            LiveStatus::Error => format!("unknown: GetConnection failed: {}", self.error.as_deref().unwrap_or("?")),
            LiveStatus::Unchecked => format!("unchecked: {}", self.error.as_deref().unwrap_or("?")),
        };
        let r = self.record.as_ref();
        let g = self.gateway.as_ref();
        let mut fields = vec![
            ("Status".to_string(), status),
            ("User".into(), cell(r.map(|r| r.user_id.as_str()))),
            ("Rooms".into(), r.map(|r| rooms_cell(&r.rooms)).unwrap_or_else(|| "-".into())),
            ("API".into(), format!("{} ({})", self.api_name, self.api_id)),
            ("Stage".into(), self.stage.clone()),
            ("Table".into(), self.table.clone()),
        ];
        if let Some(r) = r {
            fields.push(("Connected for".into(), human(r.connected_secs)));
            if r.stale {
                fields.push(("Stale".into(), "yes: connected over 2 h ago or idle over 11 min".into()));
            }
            if let Some(code) = r.disconnect_status {
                fields.push((
                    "Disconnect".into(),
                    format!("{code} {}", r.disconnect_reason.as_deref().unwrap_or_default()).trim_end().to_string(),
                ));
            }
        }
        let rows = vec![
            vec![
                "connected at".to_string(),
                cell(g.and_then(|g| g.connected_at.as_deref())),
                cell(r.and_then(|r| r.connected_at.as_deref())),
            ],
            vec![
                "last active".into(),
                cell(g.and_then(|g| g.last_active_at.as_deref())),
                cell(r.and_then(|r| r.last_seen_at.as_deref())),
            ],
            vec![
                "source IP".into(),
                cell(g.and_then(|g| g.source_ip.as_deref())),
                cell(r.and_then(|r| r.source_ip.as_deref())),
            ],
            vec![
                "user agent".into(),
                cell(g.and_then(|g| g.user_agent.as_deref())),
                cell(r.and_then(|r| r.user_agent.as_deref())),
            ],
        ];
        let mut blocks = vec![
            Block::Fields { title: Some(format!("Connection {}", self.connection_id)), rows: fields },
            Block::Table {
                title: None,
                header: ["", "API GATEWAY", "SESSION RECORD"].map(String::from).into(),
                rows,
                empty: String::new(),
            },
        ];
        let note = match (self.status, r.is_some()) {
            (LiveStatus::Gone, true) => Some("the record is stale: `wsadm sessions prune` removes it"),
            (LiveStatus::Gone, false) => Some("there is no session record either"),
            (LiveStatus::Connected, false) => {
                Some("no session record: $connect did not write one, or it was removed (`wsadm sessions kick` closes the connection)")
            }
            _ => None,
        };
        if let Some(n) = note {
            blocks.push(Block::Raw(format!("\nnote: {n}\n")));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        match self.status {
            LiveStatus::Gone => Some(ErrorKind::Gone),
            LiveStatus::Error if self.forbidden => Some(ErrorKind::Auth),
            LiveStatus::Error => Some(ErrorKind::Failure),
            _ => None,
        }
    }
}

// ----- kick -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KickOutcome {
    /// DeleteConnection closed it.
    Closed,
    /// 410: it was closed already.
    AlreadyGone,
    /// DeleteConnection failed: the connection may be open, its record is kept.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordOutcome {
    Removed,
    /// There was no record.
    None,
    Kept,
}

#[derive(Debug, Serialize)]
pub struct KickResult {
    pub connection_id: String,
    pub user_id: Option<String>,
    pub outcome: KickOutcome,
    pub record: RecordOutcome,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct KickReport {
    pub api_id: String,
    pub stage: String,
    pub table: String,
    /// What was asked: `connection ids`, `user alice`, `room lobby`.
    pub selection: String,
    /// The operator said no at the prompt: nothing was done.
    pub cancelled: bool,
    pub requested: usize,
    pub closed: usize,
    pub already_gone: usize,
    pub errors: usize,
    pub records_removed: usize,
    pub results: Vec<KickResult>,
}

pub async fn kick(ctx: &Ctx, args: SessionsKickArgs, printer: &Printer) -> Result<KickReport, Error> {
    for id in &args.ids {
        validate_connection_id(id)?;
    }
    if let Some(u) = &args.user {
        validate_user(u)?;
    }
    if let Some(r) = &args.room {
        store::validate_room(r)?;
    }
    let aws = ctx.aws().await?;
    let (target, store) = resolve(ctx, aws).await?;
    let err = table_error(store.table());
    // Who: (connection id, its record if any).
    let (selection, targets): (String, Vec<(String, Option<Session>)>) = if let Some(u) = &args.user {
        (
            format!("user {u}"),
            store.list_by_user(u).map_ok(|s| (s.connection_id.clone(), Some(s))).try_collect().await.map_err(&err)?,
        )
    } else if let Some(r) = &args.room {
        (
            format!("room {r}"),
            store.list_by_room(r).map_ok(|s| (s.connection_id.clone(), Some(s))).try_collect().await.map_err(&err)?,
        )
    } else {
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<String> = args.ids.iter().filter(|id| seen.insert(id.as_str())).cloned().collect();
        let mut records: HashMap<String, Session> = store
            .batch_get(ids.clone())
            .await
            .map_err(&err)?
            .into_iter()
            .map(|s| (s.connection_id.clone(), s))
            .collect();
        (
            "connection ids".into(),
            ids.into_iter()
                .map(|id| {
                    let s = records.remove(&id);
                    (id, s)
                })
                .collect(),
        )
    };
    let mut report = KickReport {
        api_id: target.api_id.clone(),
        stage: target.stage.clone(),
        table: store.table().to_string(),
        selection,
        cancelled: false,
        requested: targets.len(),
        closed: 0,
        already_gone: 0,
        errors: 0,
        records_removed: 0,
        results: Vec::new(),
    };
    if targets.len() > 1 && !ctx.global.yes {
        let what = format!(
            "{} connections ({}) of API {} stage {}",
            targets.len(),
            report.selection,
            target.api_name,
            target.stage
        );
        if !printer.can_prompt() {
            return Err(Error::invalid(
                format!("refusing to kick {what} without confirmation"),
                "pass --yes (-y) to confirm; on a terminal wsadm asks",
            ));
        }
        if !printer.confirm(&format!("Kick {what}?")).await? {
            report.cancelled = true;
            return Ok(report);
        }
    }
    let gw = Gateway::new(aws, target, ctx.global.domain.as_deref())?;
    let results: Vec<KickResult> = stream::iter(targets)
        .map(|(id, record)| {
            let (gw, store) = (gw.clone(), store.clone());
            async move { kick_one(&gw, &store, id, record).await }
        })
        .buffered(CHECK_CONCURRENCY)
        .collect()
        .await;
    for r in &results {
        match r.outcome {
            KickOutcome::Closed => report.closed += 1,
            KickOutcome::AlreadyGone => report.already_gone += 1,
            KickOutcome::Error => report.errors += 1,
        }
        report.errors += (r.outcome != KickOutcome::Error && r.error.is_some()) as usize;
        report.records_removed += (r.record == RecordOutcome::Removed) as usize;
    }
    report.results = results;
    Ok(report)
}

async fn kick_one(gw: &Gateway, store: &SessionStore, id: String, record: Option<Session>) -> KickResult {
    let stage = record.as_ref().and_then(|s| s.stage.clone());
    let user_id = record.as_ref().map(|s| s.user_id.clone());
    let mut result = KickResult {
        connection_id: id,
        user_id,
        outcome: KickOutcome::Error,
        record: RecordOutcome::Kept,
        error: None,
    };
    let deleted = match gw.client(stage.as_deref()) {
        Ok(Some(c)) => connections::delete(&c, &result.connection_id).await,
        Ok(None) => Err(ConnError::Other(format!(
            "recorded on stage {}, which --domain does not serve",
            stage.as_deref().unwrap_or("?")
        ))),
        Err(e) => Err(ConnError::Other(e.to_string())),
    };
    match deleted {
        Ok(()) => result.outcome = KickOutcome::Closed,
        Err(ConnError::Gone) => result.outcome = KickOutcome::AlreadyGone,
        Err(e) => {
            result.error = Some(e.to_string());
            return result;
        }
    }
    // The connection is closed: its record goes (its $disconnect may be removing it too).
    match store.delete(&result.connection_id).await {
        Ok(_) => result.record = if record.is_some() { RecordOutcome::Removed } else { RecordOutcome::None },
        Err(e) => result.error = Some(format!("the connection is closed but its record was not removed: {e}")),
    }
    result
}

impl Report for KickReport {
    fn view(&self) -> Vec<Block> {
        if self.cancelled {
            return vec![Block::Raw("Cancelled: nothing was kicked.\n".into())];
        }
        let mut blocks = vec![Block::Fields {
            title: Some(format!("Kick: {} (stage {}, table {})", self.selection, self.stage, self.table)),
            rows: vec![
                ("Requested".into(), self.requested.to_string()),
                ("Closed".into(), self.closed.to_string()),
                ("Already gone (410)".into(), self.already_gone.to_string()),
                ("Errors".into(), self.errors.to_string()),
                ("Records removed".into(), self.records_removed.to_string()),
            ],
        }];
        if !self.results.is_empty() {
            blocks.push(Block::Table {
                title: None,
                header: ["CONNECTION ID", "USER", "RESULT", "RECORD", "ERROR"].map(String::from).into(),
                rows: self
                    .results
                    .iter()
                    .map(|r| {
                        vec![
                            r.connection_id.clone(),
                            cell(r.user_id.as_deref()),
                            match r.outcome {
                                KickOutcome::Closed => "closed",
                                KickOutcome::AlreadyGone => "already gone",
                                KickOutcome::Error => "ERROR",
                            }
                            .into(),
                            match r.record {
                                RecordOutcome::Removed => "removed",
                                RecordOutcome::None => "-",
                                RecordOutcome::Kept => "kept",
                            }
                            .into(),
                            cell(r.error.as_deref()),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        } else {
            blocks.push(Block::Raw("\nNo connections matched.\n".into()));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        if self.cancelled {
            Some(ErrorKind::Failure)
        } else if self.errors > 0 {
            Some(ErrorKind::Partial)
        } else {
            None
        }
    }
}

// ----- prune -----

#[derive(Debug, Serialize)]
pub struct GoneSession {
    pub connection_id: String,
    pub user_id: String,
    pub connected_at: Option<String>,
    pub stage: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CheckError {
    pub connection_id: String,
    pub error: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Kept {
    /// API Gateway knows the connection.
    pub connected: u64,
    /// Younger than --min-age.
    pub too_new: u64,
    /// On a stage --domain does not serve.
    pub unchecked: u64,
}

#[derive(Debug, Serialize)]
pub struct PruneReport {
    pub api_id: String,
    pub stage: String,
    pub table: String,
    pub dry_run: bool,
    pub checked: u64,
    /// Records whose connection is gone (410).
    pub gone: u64,
    /// Of those, removed (0 in a dry run).
    pub removed: u64,
    pub kept: u64,
    pub kept_because: Kept,
    /// Checks (403, 429, 5xx) or removals that failed; nothing was removed for them.
    pub errors: u64,
    /// The gone connections (the first 1000).
    pub gone_sessions: Vec<GoneSession>,
    /// The failures (the first 1000).
    pub error_details: Vec<CheckError>,
    /// Why prune stopped before the end of the table, if it did.
    pub stopped: Option<String>,
}

enum Check {
    Connected,
    TooNew,
    Unchecked,
    Gone(Session, bool),
    Failed(String, String, bool),
}

async fn prune_one(gw: &Gateway, store: &SessionStore, s: Session, dry_run: bool, min_age_ms: i64) -> Check {
    let client = match gw.client(s.stage.as_deref()) {
        Ok(Some(c)) => c,
        Ok(None) => return Check::Unchecked,
        Err(e) => return Check::Failed(s.connection_id, e.to_string(), false),
    };
    match connections::get(&client, &s.connection_id).await {
        Ok(_) => Check::Connected,
        // GetConnection does not know a connection while its $connect runs (after the record is written).
        Err(ConnError::Gone) if now_ms() - s.connected_at < min_age_ms => Check::TooNew,
        Err(ConnError::Gone) if dry_run => Check::Gone(s, false),
        Err(ConnError::Gone) => match store.delete(&s.connection_id).await {
            Ok(_) => Check::Gone(s, true),
            Err(e) => Check::Failed(s.connection_id, format!("gone, but removing the record failed: {e}"), false),
        },
        // 403, 429, 5xx: nothing is known, so nothing is removed.
        Err(e) => {
            let forbidden = matches!(e, ConnError::Forbidden(_));
            Check::Failed(s.connection_id, e.to_string(), forbidden)
        }
    }
}

pub async fn prune(ctx: &Ctx, args: SessionsPruneArgs) -> Result<PruneReport, Error> {
    let min_age_ms = parse_duration(&args.min_age)? * 1000;
    let aws = ctx.aws().await?;
    let (target, store) = resolve(ctx, aws).await?;
    let mut report = PruneReport {
        api_id: target.api_id.clone(),
        stage: target.stage.clone(),
        table: store.table().to_string(),
        dry_run: args.dry_run,
        checked: 0,
        gone: 0,
        removed: 0,
        kept: 0,
        kept_because: Kept::default(),
        errors: 0,
        gone_sessions: Vec::new(),
        error_details: Vec::new(),
        stopped: None,
    };
    let gw = Gateway::new(aws, target, ctx.global.domain.as_deref())?;
    let dry_run = args.dry_run;
    let checker = store.clone();
    let mut checks = store
        .list_all(SCAN)
        .map_err(table_error(store.table()))
        .map_ok(move |s| {
            let (gw, store) = (gw.clone(), checker.clone());
            async move { Ok(prune_one(&gw, &store, s, dry_run, min_age_ms).await) }
        })
        .try_buffer_unordered(args.concurrency as usize);
    let mut forbidden_streak = 0u64;
    loop {
        let check = match checks.next().await {
            None => break,
            Some(Ok(c)) => c,
            // The table read failed: before anything was checked that is the answer; after, a partial report.
            Some(Err(e)) if report.checked == 0 => return Err(e),
            Some(Err(e)) => {
                report.stopped = Some(format!("reading the table failed: {e}"));
                report.errors += 1;
                break;
            }
        };
        report.checked += 1;
        match check {
            Check::Connected => {
                report.kept_because.connected += 1;
                forbidden_streak = 0;
            }
            Check::TooNew => report.kept_because.too_new += 1,
            Check::Unchecked => report.kept_because.unchecked += 1,
            Check::Gone(s, removed) => {
                forbidden_streak = 0;
                report.gone += 1;
                report.removed += removed as u64;
                if report.gone_sessions.len() < MAX_LISTED {
                    report.gone_sessions.push(GoneSession {
                        connected_at: rfc3339(s.connected_at),
                        connection_id: s.connection_id,
                        user_id: s.user_id,
                        stage: s.stage,
                    });
                }
            }
            Check::Failed(connection_id, error, forbidden) => {
                report.errors += 1;
                if report.error_details.len() < MAX_LISTED {
                    report.error_details.push(CheckError { connection_id, error });
                }
                forbidden_streak = if forbidden { forbidden_streak + 1 } else { 0 };
                let nothing_worked = report.kept_because.connected == 0 && report.gone == 0;
                if forbidden_streak >= FORBIDDEN_STREAK && nothing_worked {
                    report.stopped = Some(format!(
                        "stopped after {FORBIDDEN_STREAK} refused (403) checks in a row: check the API, --stage/--domain and the IAM permission execute-api:ManageConnections"
                    ));
                    break;
                }
            }
        }
    }
    let k = &report.kept_because;
    report.kept = k.connected + k.too_new + k.unchecked;
    Ok(report)
}

impl Report for PruneReport {
    fn view(&self) -> Vec<Block> {
        let verb = if self.dry_run { "Would remove" } else { "Removed" };
        let k = &self.kept_because;
        let mut kept = format!("{} ({} connected", self.kept, k.connected);
        if k.too_new > 0 {
            kept.push_str(&format!(", {} too new to judge", k.too_new));
        }
        if k.unchecked > 0 {
            kept.push_str(&format!(", {} on other stages", k.unchecked));
        }
        kept.push(')');
        let title = format!(
            "Prune{} of {} (API {}, stage {})",
            if self.dry_run { " (dry run)" } else { "" },
            self.table,
            self.api_id,
            self.stage
        );
        let mut blocks = vec![Block::Fields {
            title: Some(title),
            rows: vec![
                ("Checked".into(), self.checked.to_string()),
                ("Gone (410)".into(), self.gone.to_string()),
                (verb.into(), if self.dry_run { self.gone } else { self.removed }.to_string()),
                ("Kept".into(), kept),
                ("Errors".into(), self.errors.to_string()),
            ],
        }];
        if !self.gone_sessions.is_empty() {
            blocks.push(Block::Table {
                title: Some(format!("Gone{}", if self.gone > MAX_LISTED as u64 { " (the first 1000)" } else { "" })),
                header: ["CONNECTION ID", "USER", "CONNECTED AT", "STAGE"].map(String::from).into(),
                rows: self
                    .gone_sessions
                    .iter()
                    .map(|g| {
                        vec![
                            g.connection_id.clone(),
                            g.user_id.clone(),
                            cell(g.connected_at.as_deref()),
                            cell(g.stage.as_deref()),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            });
        }
        if !self.error_details.is_empty() {
            blocks.push(Block::Table {
                title: Some("Errors (records kept)".into()),
                header: ["CONNECTION ID", "ERROR"].map(String::from).into(),
                rows: self.error_details.iter().map(|e| vec![e.connection_id.clone(), e.error.clone()]).collect(),
                empty: String::new(),
            });
        }
        if let Some(s) = &self.stopped {
            blocks.push(Block::Raw(format!("\nnote: {s}\n")));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        (self.errors > 0).then_some(ErrorKind::Partial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn since_takes_a_duration_or_a_time() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_since("10m", now).unwrap(), now - 600_000);
        assert_eq!(parse_since("2027-01-15T08:00:00Z", now - 5).unwrap(), 1_800_000_000_000);
        assert!(parse_since("yesterday", now).is_err());
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

    fn session(id: &str, user: &str, connected_ago_s: i64, idle_s: i64, now: i64) -> Session {
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

    #[test]
    fn filters_apply_after_the_index_query() {
        let now = 1_800_000_000_000;
        let args = |f: &dyn Fn(&mut SessionsLsArgs)| {
            let mut a = no_args();
            f(&mut a);
            Query::new(&a, now).unwrap()
        };
        let mut s = session("a", "alice", 1200, 300, now);
        s.rooms.insert("lobby".into());
        assert!(args(&|_| {}).matches(&s, now));
        assert!(args(&|a| a.since = Some("30m".into())).matches(&s, now));
        assert!(!args(&|a| a.since = Some("10m".into())).matches(&s, now));
        assert!(args(&|a| a.idle_over = Some("4m".into())).matches(&s, now));
        assert!(!args(&|a| a.idle_over = Some("6m".into())).matches(&s, now));
        assert!(!args(&|a| a.stale = true).matches(&s, now));
        let both = |room: &str| {
            args(&|a| {
                a.user = Some("alice".into());
                a.room = Some(room.into());
            })
        };
        assert!(both("lobby").matches(&s, now));
        assert!(!both("ops").matches(&s, now));
        let bad_room = SessionsLsArgs { room: Some("bad room".into()), ..no_args() };
        assert!(Query::new(&bad_room, now).is_err());
        let zero = SessionsLsArgs { limit: Some(0), ..no_args() };
        assert!(Query::new(&zero, now).is_err());
    }

    fn no_args() -> SessionsLsArgs {
        SessionsLsArgs {
            user: None,
            room: None,
            since: None,
            idle_over: None,
            stale: false,
            limit: None,
            sort: None,
            count: false,
            live: false,
        }
    }

    #[tokio::test]
    async fn sorting_keeps_only_the_top_n() {
        let now = 1_800_000_000_000;
        let all: Vec<Session> = (0..5000).map(|i| session(&format!("c{i:05}"), "u", i, i, now)).collect();
        let rows = stream::iter(all.clone().into_iter().map(Ok)).boxed();
        let top = sorted(rows, SessionSort::Connected, Some(3)).await.unwrap();
        let ids: Vec<&str> = top.iter().map(|s| s.connection_id.as_str()).collect();
        assert_eq!(ids, ["c04999", "c04998", "c04997"], "longest connected first");
        let rows = stream::iter(all.into_iter().map(Ok)).boxed();
        let top = sorted(rows, SessionSort::Id, Some(2)).await.unwrap();
        assert_eq!(top[0].connection_id, "c00000");
    }
}
