//! Reading log groups: FilterLogEvents page by page under one request budget for all groups,
//! with backoff on throttling and a hard cap on events; or one Logs Insights query over them all.

use super::event::{LogEvent, Parser, RawEvent};
use super::merge::merge;
use super::time::Window;
use crate::{AwsResultExt, Error, ErrorKind};
use async_trait::async_trait;
use rand::Rng;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Codes that mean "slow down": retried with backoff.
const THROTTLE_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "LimitExceededException",
];
/// Logs Insights answers at most this many rows per query.
pub const INSIGHTS_MAX_ROWS: usize = 10_000;

/// One group to read, how to parse it, and an optional server-side pattern (see `Filter::pushdown`).
#[derive(Debug, Clone)]
pub struct GroupQuery {
    pub group: String,
    pub parser: Parser,
    pub pattern: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Requests per second across all groups (CloudWatch Logs allows a few per account and
    /// region); `0` means no pacing.
    pub rate_per_sec: f64,
    /// Requests that may go at once before pacing starts.
    pub burst: u32,
    /// Retries of one throttled request before giving up.
    pub max_retries: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Hard cap on events returned (the earliest, across groups); `None` reads everything.
    pub limit: Option<usize>,
    /// FilterLogEvents' page size (1–10,000; the service's default when `None`).
    pub page_size: Option<i32>,
    /// Logs Insights: time between GetQueryResults polls, and how long to wait in all.
    pub poll_every: Duration,
    pub max_wait: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            rate_per_sec: 5.0,
            burst: 5,
            max_retries: 6,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            limit: Some(10_000),
            page_size: None,
            poll_every: Duration::from_secs(1),
            max_wait: Duration::from_secs(300),
        }
    }
}

/// What one group gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupStats {
    pub group: String,
    pub requests: u64,
    pub events: u64,
    /// The group does not exist (a warning, not a failure).
    pub missing: bool,
    /// Reading stopped at the limit with more to read.
    pub truncated: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FetchStats {
    pub requests: u64,
    pub events: u64,
    /// Throttled answers that were retried.
    pub throttled: u64,
    pub groups: Vec<GroupStats>,
}

/// Events in time order (parsed, not yet correlated), what reading them cost, and what to tell the operator.
#[derive(Debug, Default)]
pub struct FetchResult {
    pub events: Vec<LogEvent>,
    pub stats: FetchStats,
    pub warnings: Vec<String>,
    /// The limit was reached: there may be more events in the window.
    pub truncated: bool,
}

/// One FilterLogEvents call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub group: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub pattern: Option<String>,
    pub token: Option<String>,
    pub page_size: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub events: Vec<RawEvent>,
    pub next_token: Option<String>,
}

/// Logs Insights' answer: its status and rows of `(field, value)`.
#[derive(Debug, Clone, Default)]
pub struct QueryPage {
    pub status: String,
    pub rows: Vec<Vec<(String, String)>>,
}

/// The CloudWatch Logs calls the engine makes (a trait so the paging, pacing and backoff can be
/// tested without a server).
#[async_trait]
pub trait LogReader: Send + Sync {
    async fn filter_page(&self, req: &PageRequest) -> Result<Page, Error>;
    async fn start_query(&self, groups: &[String], window: Window, query: &str, limit: i32) -> Result<String, Error>;
    async fn query_results(&self, query_id: &str) -> Result<QueryPage, Error>;
}

/// The SDK client, with its own retries off: the fetcher paces and retries itself.
pub struct CloudWatchReader {
    client: aws_sdk_cloudwatchlogs::Client,
}

impl CloudWatchReader {
    pub fn new(client: &aws_sdk_cloudwatchlogs::Client) -> Self {
        let conf = client
            .config()
            .to_builder()
            .retry_config(aws_sdk_cloudwatchlogs::config::retry::RetryConfig::disabled())
            .build();
        CloudWatchReader { client: aws_sdk_cloudwatchlogs::Client::from_conf(conf) }
    }
}

#[async_trait]
impl LogReader for CloudWatchReader {
    async fn filter_page(&self, req: &PageRequest) -> Result<Page, Error> {
        let o = self
            .client
            .filter_log_events()
            .log_group_name(&req.group)
            .start_time(req.start_ms)
            .end_time(req.end_ms)
            .set_filter_pattern(req.pattern.clone())
            .set_next_token(req.token.clone())
            .set_limit(req.page_size)
            .send()
            .await
            .ctx("FilterLogEvents")?;
        let events = o
            .events()
            .iter()
            .map(|e| RawEvent {
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                event_id: e.event_id().unwrap_or_default().to_string(),
                timestamp_ms: e.timestamp().unwrap_or_default(),
                message: e.message().unwrap_or_default().to_string(),
            })
            .collect();
        Ok(Page { events, next_token: o.next_token().map(str::to_string) })
    }

    async fn start_query(&self, groups: &[String], window: Window, query: &str, limit: i32) -> Result<String, Error> {
        let o = self
            .client
            .start_query()
            .set_log_group_names(Some(groups.to_vec()))
            // Insights takes seconds: round outwards so the window is covered.
            .start_time(window.start_ms.div_euclid(1000))
            .end_time((window.end_ms + 999).div_euclid(1000))
            .query_string(query)
            .limit(limit)
            .send()
            .await
            .ctx("StartQuery")?;
        o.query_id().map(str::to_string).ok_or_else(|| {
            Error::other(
                ErrorKind::Failure,
                "StartQuery answered without a query id",
                "retry, or read without --insights",
            )
        })
    }

    async fn query_results(&self, query_id: &str) -> Result<QueryPage, Error> {
        let o = self.client.get_query_results().query_id(query_id).send().await.ctx("GetQueryResults")?;
        let rows = o
            .results()
            .iter()
            .map(|row| {
                row.iter()
                    .filter_map(|f| Some((f.field()?.to_string(), f.value().unwrap_or_default().to_string())))
                    .collect()
            })
            .collect();
        Ok(QueryPage { status: o.status().map(|s| s.as_str().to_string()).unwrap_or_default(), rows })
    }
}

/// A token bucket shared by every request of a fetch (all groups, all pages, all retries).
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    state: tokio::sync::Mutex<(f64, tokio::time::Instant)>,
}

impl RateLimiter {
    pub fn new(rate_per_sec: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        RateLimiter { rate: rate_per_sec, burst, state: tokio::sync::Mutex::new((burst, tokio::time::Instant::now())) }
    }

    /// Waits for a token. Waiters queue on the lock, so they are served in turn.
    pub async fn acquire(&self) {
        if self.rate <= 0.0 || !self.rate.is_finite() {
            return;
        }
        let mut s = self.state.lock().await;
        loop {
            let now = tokio::time::Instant::now();
            s.0 = (s.0 + now.duration_since(s.1).as_secs_f64() * self.rate).min(self.burst);
            s.1 = now;
            if s.0 >= 1.0 {
                s.0 -= 1.0;
                return;
            }
            tokio::time::sleep(Duration::from_secs_f64((1.0 - s.0) / self.rate)).await;
        }
    }
}

/// The delay before retry `attempt` (0-based): exponential, capped, with jitter in its upper half
/// (so retries spread out but never come back sooner than half the step).
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let step = base.saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX)).min(max);
    let half = step / 2;
    half + step.saturating_sub(half).mul_f64(rand::rng().random::<f64>())
}

fn is_throttle(e: &Error) -> bool {
    match e {
        Error::Service { code, status, .. } => THROTTLE_CODES.contains(&code.as_str()) || status == &Some(429),
        _ => false,
    }
}

fn is_transient(e: &Error) -> bool {
    matches!(e, Error::Timeout { .. }) || matches!(e, Error::Service { status: Some(s), .. } if *s >= 500)
}

/// Reads groups with FilterLogEvents (or Logs Insights) under one request budget.
pub struct Fetcher {
    reader: Arc<dyn LogReader>,
    limiter: Arc<RateLimiter>,
    opts: FetchOptions,
    throttled: AtomicU64,
}

impl Fetcher {
    pub fn new(client: &aws_sdk_cloudwatchlogs::Client, opts: FetchOptions) -> Self {
        Fetcher::with_reader(Arc::new(CloudWatchReader::new(client)), opts)
    }

    pub fn with_reader(reader: Arc<dyn LogReader>, opts: FetchOptions) -> Self {
        let limiter = Arc::new(RateLimiter::new(opts.rate_per_sec, opts.burst));
        Fetcher { reader, limiter, opts, throttled: AtomicU64::new(0) }
    }

    pub fn options(&self) -> &FetchOptions {
        &self.opts
    }

    /// One call, paced, retried with backoff on throttling and transient failures.
    async fn call<T, F, Fut>(&self, what: &str, mut f: F) -> Result<(T, u64), Error>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let mut requests = 0;
        let mut attempt = 0;
        loop {
            self.limiter.acquire().await;
            requests += 1;
            match f().await {
                Ok(v) => return Ok((v, requests)),
                Err(e) if (is_throttle(&e) || is_transient(&e)) && attempt < self.opts.max_retries => {
                    if is_throttle(&e) {
                        self.throttled.fetch_add(1, Ordering::Relaxed);
                    }
                    tokio::time::sleep(backoff(attempt, self.opts.base_backoff, self.opts.max_backoff)).await;
                    attempt += 1;
                }
                Err(e) if is_throttle(&e) => {
                    return Err(Error::other(
                        ErrorKind::Failure,
                        format!("CloudWatch Logs kept throttling {what} ({} attempts): {e}", attempt + 1),
                        "read less: narrow --since/--until, filter with --connection or --route (applied by \
                         CloudWatch to the access log), lower --rate, or search wide windows with --insights",
                    ))
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads one group in the window, page after page, up to the limit.
    async fn read_group(&self, q: &GroupQuery, window: Window) -> Result<(Vec<LogEvent>, GroupStats), Error> {
        let mut stats = GroupStats { group: q.group.clone(), ..Default::default() };
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        let what = format!("FilterLogEvents on {}", q.group);
        loop {
            let req = PageRequest {
                group: q.group.clone(),
                start_ms: window.start_ms,
                end_ms: window.end_ms,
                pattern: q.pattern.clone(),
                token: token.clone(),
                page_size: self.opts.page_size,
            };
            let (page, n) = match self.call(&what, || self.reader.filter_page(&req)).await {
                Ok(p) => p,
                Err(Error::Service { code, .. }) if code == "ResourceNotFoundException" => {
                    stats.requests += 1;
                    stats.missing = true;
                    return Ok((out, stats));
                }
                Err(e) => return Err(e),
            };
            stats.requests += n;
            for raw in page.events {
                if self.opts.limit.is_some_and(|l| out.len() >= l) {
                    stats.truncated = true;
                    break;
                }
                out.push(q.parser.parse(&q.group, raw));
            }
            stats.events = out.len() as u64;
            if stats.truncated {
                return Ok((out, stats));
            }
            // Empty pages with a token are normal: keep going. A repeated token would loop forever.
            match page.next_token {
                Some(t) if !t.is_empty() && Some(&t) != token.as_ref() => {
                    if self.opts.limit.is_some_and(|l| out.len() >= l) {
                        stats.truncated = true;
                        return Ok((out, stats));
                    }
                    token = Some(t)
                }
                _ => return Ok((out, stats)),
            }
        }
    }

    /// Reads every group in the window (concurrently, under the shared budget), merges them in
    /// time order and keeps the earliest `limit` events. A missing group is a warning.
    pub async fn fetch(&self, queries: &[GroupQuery], window: Window) -> Result<FetchResult, Error> {
        self.throttled.store(0, Ordering::Relaxed);
        let results = futures::future::join_all(queries.iter().map(|q| self.read_group(q, window))).await;
        let mut res = FetchResult::default();
        let mut batches = Vec::new();
        for r in results {
            let (events, stats) = r?;
            if stats.missing {
                res.warnings.push(format!("log group {} does not exist (nothing logged there yet?)", stats.group));
            }
            res.truncated |= stats.truncated;
            res.stats.requests += stats.requests;
            res.stats.events += stats.events;
            res.stats.groups.push(stats);
            batches.push(events);
        }
        res.events = merge(batches);
        if let Some(l) = self.opts.limit {
            if res.events.len() > l {
                res.events.truncate(l);
                res.truncated = true;
            }
        }
        res.stats.throttled = self.throttled.load(Ordering::Relaxed);
        Ok(res)
    }

    /// One Logs Insights query over all groups (up to 50), polled until complete. `grep` becomes
    /// a `filter @message like` clause. Results are capped at 10,000 rows by the service.
    pub async fn insights(
        &self,
        queries: &[GroupQuery],
        window: Window,
        grep: Option<&str>,
    ) -> Result<FetchResult, Error> {
        self.throttled.store(0, Ordering::Relaxed);
        let groups: Vec<String> = queries.iter().map(|q| q.group.clone()).collect();
        let limit = self.opts.limit.unwrap_or(INSIGHTS_MAX_ROWS).clamp(1, INSIGHTS_MAX_ROWS);
        let query = insights_query(grep, limit);
        let mut res = FetchResult::default();
        let (id, n) =
            self.call("StartQuery", || self.reader.start_query(&groups, window, &query, limit as i32)).await?;
        res.stats.requests += n;
        let started = tokio::time::Instant::now();
        let page = loop {
            let (page, n) = self.call("GetQueryResults", || self.reader.query_results(&id)).await?;
            res.stats.requests += n;
            match page.status.as_str() {
                "Complete" => break page,
                "Scheduled" | "Running" | "Unknown" | "" => {}
                other => {
                    return Err(Error::other(
                        ErrorKind::Failure,
                        format!("the Logs Insights query ended {other}"),
                        "narrow the window or read without --insights",
                    ))
                }
            }
            if started.elapsed() >= self.opts.max_wait {
                return Err(Error::other(
                    ErrorKind::Failure,
                    format!("the Logs Insights query did not complete within {:?}", self.opts.max_wait),
                    "narrow the window (--since/--until) or read without --insights",
                ));
            }
            tokio::time::sleep(self.opts.poll_every).await;
        };
        let (events, warnings) = map_insights_rows(&page.rows, queries);
        res.truncated = page.rows.len() >= limit;
        res.warnings = warnings;
        res.stats.events = events.len() as u64;
        res.events = events;
        res.stats.throttled = self.throttled.load(Ordering::Relaxed);
        Ok(res)
    }
}

/// `fields … | filter @message like "…" | sort @timestamp asc | limit N`.
pub fn insights_query(grep: Option<&str>, limit: usize) -> String {
    let mut q = String::from("fields @timestamp, @message, @logStream, @log");
    if let Some(g) = grep {
        let escaped = g.replace('\\', "\\\\").replace('"', "\\\"");
        q.push_str(&format!(" | filter @message like \"{escaped}\""));
    }
    q.push_str(&format!(" | sort @timestamp asc | limit {limit}"));
    q
}

/// Insights rows to events. `@log` is `account:group` on AWS (the bare group on some emulators);
/// `@ptr` stands in for the event id; `@timestamp` is `2026-11-29 10:00:00.000` (UTC).
pub fn map_insights_rows(rows: &[Vec<(String, String)>], queries: &[GroupQuery]) -> (Vec<LogEvent>, Vec<String>) {
    let mut per_group: Vec<Vec<LogEvent>> = vec![Vec::new(); queries.len()];
    let mut skipped = 0;
    for row in rows {
        let get = |k: &str| row.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
        let log = get("@log").unwrap_or_default();
        let idx = if queries.len() == 1 && log.is_empty() {
            Some(0)
        } else {
            queries
                .iter()
                .position(|q| log == q.group || log.strip_suffix(q.group.as_str()).is_some_and(|p| p.ends_with(':')))
        };
        let (Some(i), Some(ts)) = (idx, get("@timestamp").and_then(super::time::parse_log_timestamp)) else {
            skipped += 1;
            continue;
        };
        let raw = RawEvent {
            stream: get("@logStream").unwrap_or_default().to_string(),
            event_id: get("@ptr").unwrap_or_default().to_string(),
            timestamp_ms: ts,
            message: get("@message").unwrap_or_default().to_string(),
        };
        per_group[i].push(queries[i].parser.parse(&queries[i].group, raw));
    }
    let warnings = if skipped > 0 {
        vec![format!("{skipped} Logs Insights rows had no known group or timestamp and were skipped")]
    } else {
        Vec::new()
    };
    (merge(per_group), warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    fn raw(id: u32, ts: i64) -> RawEvent {
        RawEvent { stream: "s".into(), event_id: id.to_string(), timestamp_ms: ts, message: format!("m{id}") }
    }

    fn throttled() -> Error {
        Error::Service {
            operation: "FilterLogEvents",
            code: "ThrottlingException".into(),
            message: "Rate exceeded".into(),
            status: Some(400),
        }
    }

    fn not_found() -> Error {
        Error::Service {
            operation: "FilterLogEvents",
            code: "ResourceNotFoundException".into(),
            message: "".into(),
            status: Some(400),
        }
    }

    /// Scripted answers per group, and the requests seen.
    #[derive(Default)]
    struct Fake {
        pages: Mutex<std::collections::HashMap<String, VecDeque<Result<Page, Error>>>>,
        seen: Mutex<Vec<PageRequest>>,
        query: Mutex<VecDeque<QueryPage>>,
    }

    impl Fake {
        fn script(self, group: &str, answers: Vec<Result<Page, Error>>) -> Self {
            self.pages.lock().unwrap().insert(group.into(), answers.into());
            self
        }
    }

    #[async_trait]
    impl LogReader for Fake {
        async fn filter_page(&self, req: &PageRequest) -> Result<Page, Error> {
            self.seen.lock().unwrap().push(req.clone());
            self.pages
                .lock()
                .unwrap()
                .get_mut(&req.group)
                .and_then(|q| q.pop_front())
                .unwrap_or_else(|| Err(not_found()))
        }
        async fn start_query(&self, _: &[String], _: Window, q: &str, _: i32) -> Result<String, Error> {
            assert!(q.starts_with("fields @timestamp"));
            Ok("q1".into())
        }
        async fn query_results(&self, _: &str) -> Result<QueryPage, Error> {
            Ok(self.query.lock().unwrap().pop_front().unwrap_or(QueryPage { status: "Running".into(), rows: vec![] }))
        }
    }

    fn page(events: Vec<RawEvent>, next: Option<&str>) -> Result<Page, Error> {
        Ok(Page { events, next_token: next.map(str::to_string) })
    }

    fn q(group: &str) -> GroupQuery {
        GroupQuery { group: group.into(), parser: Parser::Execution, pattern: Some("\"c1=\"".into()) }
    }

    const W: Window = Window { start_ms: 0, end_ms: 1000 };

    fn opts() -> FetchOptions {
        FetchOptions { rate_per_sec: 0.0, limit: None, ..Default::default() }
    }

    #[tokio::test(start_paused = true)]
    async fn pages_through_empty_pages_and_merges_groups() {
        let fake = Fake::default()
            .script(
                "a",
                vec![page(vec![raw(1, 10)], Some("t1")), page(vec![], Some("t2")), page(vec![raw(2, 30)], None)],
            )
            .script("b", vec![page(vec![raw(3, 20)], None)]);
        let fake = Arc::new(fake);
        let f = Fetcher::with_reader(fake.clone(), opts());
        let r = f.fetch(&[q("a"), q("b"), q("gone")], W).await.unwrap();
        let ids: Vec<&str> = r.events.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, vec!["1", "3", "2"]);
        assert_eq!(r.stats.requests, 5);
        assert_eq!(r.stats.events, 3);
        assert!(!r.truncated);
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].contains("gone"));
        assert!(r.stats.groups[2].missing);
        let seen = fake.seen.lock().unwrap();
        let tokens: Vec<Option<&str>> = seen.iter().filter(|r| r.group == "a").map(|r| r.token.as_deref()).collect();
        assert_eq!(tokens, vec![None, Some("t1"), Some("t2")]);
        assert!(seen.iter().all(|r| r.pattern.as_deref() == Some("\"c1=\"") && r.end_ms == 1000));
    }

    #[tokio::test(start_paused = true)]
    async fn the_limit_keeps_the_earliest_events_and_says_so() {
        let fake = Fake::default()
            .script("a", vec![page(vec![raw(1, 10), raw(2, 40)], Some("t")), page(vec![raw(5, 50)], None)])
            .script("b", vec![page(vec![raw(3, 20), raw(4, 30)], Some("t")), page(vec![raw(6, 60)], None)]);
        let fake = Arc::new(fake);
        let f = Fetcher::with_reader(fake.clone(), FetchOptions { limit: Some(3), ..opts() });
        let r = f.fetch(&[q("a"), q("b")], W).await.unwrap();
        let ids: Vec<&str> = r.events.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, vec!["1", "3", "4"]);
        assert!(r.truncated);
        let f = Fetcher::with_reader(
            Arc::new(Fake::default().script("a", vec![page(vec![raw(1, 10)], None)])),
            FetchOptions { limit: Some(1), ..opts() },
        );
        assert!(!f.fetch(&[q("a")], W).await.unwrap().truncated, "exactly the limit and no more pages");
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_backs_off_then_succeeds_or_fails_with_a_hint() {
        let fake = Fake::default().script("a", vec![Err(throttled()), Err(throttled()), page(vec![raw(1, 10)], None)]);
        let f = Fetcher::with_reader(Arc::new(fake), opts());
        let t0 = tokio::time::Instant::now();
        let r = f.fetch(&[q("a")], W).await.unwrap();
        assert_eq!((r.events.len(), r.stats.requests, r.stats.throttled), (1, 3, 2));
        // 250 ms then 500 ms steps, each at least half of its step.
        assert!(t0.elapsed() >= Duration::from_millis(125 + 250), "{:?}", t0.elapsed());

        let fake = Fake::default().script("a", (0..10).map(|_| Err(throttled())).collect());
        let f = Fetcher::with_reader(Arc::new(fake), FetchOptions { max_retries: 2, ..opts() });
        let e = f.fetch(&[q("a")], W).await.unwrap_err();
        assert!(e.to_string().contains("3 attempts"), "{e}");
        assert!(e.hint().unwrap().contains("--insights"));

        let other = Error::Service {
            operation: "FilterLogEvents",
            code: "InvalidParameterException".into(),
            message: "".into(),
            status: Some(400),
        };
        let f = Fetcher::with_reader(Arc::new(Fake::default().script("a", vec![Err(other)])), opts());
        assert!(matches!(f.fetch(&[q("a")], W).await, Err(Error::Service { .. })), "not retried");
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_is_shared_across_groups() {
        // Four pages per group, each with its own token.
        let pages = |g: &str| -> Vec<Result<Page, Error>> {
            (0..4).map(|i| page(vec![raw(i, i64::from(i))], (i < 3).then(|| format!("{g}{i}")).as_deref())).collect()
        };
        let fake = Fake::default().script("a", pages("a")).script("b", pages("b"));
        let f = Fetcher::with_reader(Arc::new(fake), FetchOptions { rate_per_sec: 2.0, burst: 2, ..opts() });
        let t0 = tokio::time::Instant::now();
        let r = f.fetch(&[q("a"), q("b")], W).await.unwrap();
        assert_eq!((r.stats.requests, r.events.len()), (8, 8));
        // 2 at once, then 6 more at 2/s: 3 s, whichever group asks.
        let took = t0.elapsed();
        assert!(took >= Duration::from_millis(2_900) && took < Duration::from_millis(3_600), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_repeated_token_ends_paging() {
        let fake =
            Fake::default().script("a", vec![page(vec![raw(1, 1)], Some("same")), page(vec![raw(2, 2)], Some("same"))]);
        let r = Fetcher::with_reader(Arc::new(fake), opts()).fetch(&[q("a")], W).await.unwrap();
        assert_eq!(r.stats.requests, 2);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let (b, m) = (Duration::from_millis(100), Duration::from_secs(1));
        for attempt in 0..40 {
            let step = (b * 2u32.pow(attempt.min(10))).min(m);
            let d = backoff(attempt, b, m);
            assert!(d >= step / 2 && d <= step, "{attempt}: {d:?}");
        }
        let samples: std::collections::HashSet<Duration> = (0..20).map(|_| backoff(3, b, m)).collect();
        assert!(samples.len() > 1, "jittered");
    }

    #[test]
    fn insights_rows_map_to_events_by_group() {
        let queries = vec![
            GroupQuery {
                group: "API-Gateway-Execution-Logs_abc/prod".into(),
                parser: Parser::Execution,
                pattern: None,
            },
            GroupQuery {
                group: "/aws/lambda/chat".into(),
                parser: Parser::Lambda { function: "chat".into() },
                pattern: None,
            },
        ];
        let row = |ts: &str, log: &str, msg: &str, ptr: &str| {
            vec![
                ("@timestamp".to_string(), ts.to_string()),
                ("@message".to_string(), msg.to_string()),
                ("@logStream".to_string(), "st".to_string()),
                ("@log".to_string(), log.to_string()),
                ("@ptr".to_string(), ptr.to_string()),
            ]
        };
        let rows = vec![
            row("2026-11-29 10:00:00.500", "123456789012:/aws/lambda/chat", "END RequestId: x", "p2"),
            row(
                "2026-11-29 10:00:00.100",
                "123456789012:API-Gateway-Execution-Logs_abc/prod",
                "(r1) Execution failed: x",
                "p1",
            ),
            row("1795000000000", "/aws/lambda/chat", "START RequestId: y Version: 1", "p3"),
            row("2026-11-29 10:00:00.100", "123456789012:/aws/lambda/other", "x", "p4"),
            row("bad", "/aws/lambda/chat", "x", "p5"),
        ];
        let (events, warnings) = map_insights_rows(&rows, &queries);
        let got: Vec<(&str, &str)> = events.iter().map(|e| (e.event_id.as_str(), e.kind.as_str())).collect();
        assert_eq!(got, vec![("p3", "lambda_start"), ("p1", "execution_failed"), ("p2", "lambda_end")]);
        assert_eq!(events[1].request_id.as_deref(), Some("r1"));
        assert_eq!(events[1].timestamp_ms, 1_795_946_400_100);
        assert!(warnings[0].starts_with("2 "));
        assert_eq!(
            insights_query(Some(r#"say "hi""#), 50),
            r#"fields @timestamp, @message, @logStream, @log | filter @message like "say \"hi\"" | sort @timestamp asc | limit 50"#
        );
    }

    #[tokio::test(start_paused = true)]
    async fn insights_polls_until_complete() {
        let fake = Fake::default();
        fake.query.lock().unwrap().extend([
            QueryPage { status: "Scheduled".into(), rows: vec![] },
            QueryPage { status: "Running".into(), rows: vec![] },
            QueryPage {
                status: "Complete".into(),
                rows: vec![vec![
                    ("@timestamp".into(), "2026-11-29 10:00:00.000".into()),
                    ("@message".into(), "(r) x".into()),
                    ("@ptr".into(), "p".into()),
                ]],
            },
        ]);
        let f = Fetcher::with_reader(Arc::new(fake), FetchOptions { poll_every: Duration::from_secs(1), ..opts() });
        let t0 = tokio::time::Instant::now();
        let r = f.insights(&[q("a")], W, None).await.unwrap();
        assert_eq!((r.events.len(), r.stats.requests), (1, 4));
        assert_eq!(t0.elapsed(), Duration::from_secs(2));

        let f = Fetcher::with_reader(
            Arc::new(Fake::default()),
            FetchOptions { max_wait: Duration::from_secs(5), ..opts() },
        );
        let e = f.insights(&[q("a")], W, None).await.unwrap_err();
        assert!(e.to_string().contains("did not complete"), "{e}");
    }
}
