//! `sessions ls` and `ls --count`: the filters, the index query or scan, sorting, the
//! streamed list with its `--live` checks, and their reports.

use super::{
    get_connection, human, is_stale, now_ms, parse_duration, resolve, rfc3339, rooms_cell, table_error, table_only,
    validate_user, Gateway, LiveStatus, SessionRow, CHECK_CONCURRENCY, SCAN, STALE_IDLE_SECS,
};
use crate::args::sessions::{SessionSort, SessionsLsArgs};
use crate::commands::Ctx;
use crate::output::{cell, Block, ListReport, Report};
use aws_sdk_apigatewayv2::primitives::{DateTime, DateTimeFormat};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use wsadm_core::store::{self, Session, SessionStore, MAX_CONNECTION_SECS};
use wsadm_core::{Error, ErrorKind};

/// Most rows `ls --sort` holds to sort (without --limit).
const MAX_SORTED: usize = 100_000;

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

#[cfg(test)]
mod tests {
    use super::super::tests::session;
    use super::*;

    #[test]
    fn since_takes_a_duration_or_a_time() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_since("10m", now).unwrap(), now - 600_000);
        assert_eq!(parse_since("2027-01-15T08:00:00Z", now - 5).unwrap(), 1_800_000_000_000);
        assert!(parse_since("yesterday", now).is_err());
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
