//! `--follow`: each poll re-reads a look-back behind the previous one (CloudWatch delivers late),
//! correlates, and returns only the events not returned before. The CLI calls `poll` in a loop.

use super::correlate::Correlator;
use super::event::LogEvent;
use super::fetch::{FetchResult, FetchStats, Fetcher, GroupQuery};
use super::merge::Dedup;
use super::time::Window;
use crate::Error;
use async_trait::async_trait;
use std::time::Duration;

/// How far each poll reaches back behind the previous poll's end. API Gateway and Lambda hand
/// their lines to CloudWatch in batches, usually seconds late and occasionally tens of seconds;
/// a minute covers that, while every poll re-reads (and de-duplicates) only a minute of events,
/// which on a busy stage is what the request budget has to pay for. Raise it for slower sources.
pub const DEFAULT_LOOKBACK: Duration = Duration::from_secs(60);

/// Where a poll's events come from (the fetcher in the CLI, a script in tests).
#[async_trait]
pub trait EventSource: Send + Sync {
    async fn read(&self, window: Window) -> Result<FetchResult, Error>;
}

/// A fetcher and the groups it reads.
pub struct GroupSource {
    pub fetcher: Fetcher,
    pub queries: Vec<GroupQuery>,
}

#[async_trait]
impl EventSource for GroupSource {
    async fn read(&self, window: Window) -> Result<FetchResult, Error> {
        self.fetcher.fetch(&self.queries, window).await
    }
}

/// One poll's outcome: the new events in time order, correlated (not filtered).
#[derive(Debug, Default)]
pub struct Poll {
    pub events: Vec<LogEvent>,
    pub window: Option<Window>,
    pub stats: FetchStats,
    pub warnings: Vec<String>,
    /// The poll hit the fetch limit; the next poll carries on from its last event.
    pub truncated: bool,
}

/// The follow loop's state between polls.
#[derive(Debug)]
pub struct Follow {
    lookback_ms: i64,
    /// Where the next window starts.
    next_start_ms: i64,
    dedup: Dedup,
    correlator: Correlator,
}

impl Follow {
    /// Starts at `start_ms` (the `--since` time) with a look-back.
    pub fn new(start_ms: i64, lookback: Duration) -> Self {
        Follow {
            lookback_ms: i64::try_from(lookback.as_millis()).unwrap_or(i64::MAX),
            next_start_ms: start_ms,
            dedup: Dedup::default(),
            correlator: Correlator::default(),
        }
    }

    /// The window the next poll reads.
    pub fn window(&self, now_ms: i64) -> Window {
        Window { start_ms: self.next_start_ms.min(now_ms), end_ms: now_ms }
    }

    /// Takes a poll's fetch result: correlates it (duplicates included: they still teach the
    /// correlator), drops events returned before, and moves the window on.
    pub fn accept(&mut self, window: Window, mut res: FetchResult) -> Poll {
        self.correlator.apply(&mut res.events);
        let last_ts = res.events.last().map(|e| e.timestamp_ms);
        let events: Vec<LogEvent> = res.events.into_iter().filter(|e| self.dedup.insert(e)).collect();
        self.next_start_ms = match (res.truncated, last_ts) {
            // Carry on from the last event read; ids at that millisecond are remembered.
            (true, Some(ts)) => ts,
            (true, None) => window.start_ms,
            (false, _) => window.end_ms.saturating_sub(self.lookback_ms).max(window.start_ms),
        };
        // Nothing before the next window's start can be read again.
        self.dedup.forget_before(self.next_start_ms);
        Poll { events, window: Some(window), stats: res.stats, warnings: res.warnings, truncated: res.truncated }
    }

    /// One poll at `now_ms`: read the window, return what is new.
    pub async fn poll(&mut self, source: &dyn EventSource, now_ms: i64) -> Result<Poll, Error> {
        let window = self.window(now_ms);
        let res = source.read(window).await?;
        Ok(self.accept(window, res))
    }

    /// Event ids remembered for de-duplication.
    pub fn remembered(&self) -> usize {
        self.dedup.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::event::{Parser, RawEvent};
    use std::sync::Mutex;

    /// A log store: events become visible at `visible_at`, and reads return the visible ones in the window.
    #[derive(Default)]
    struct Store {
        events: Vec<(i64, LogEvent)>,
        now: Mutex<i64>,
        windows: Mutex<Vec<Window>>,
    }

    impl Store {
        fn put(&mut self, group: &str, id: &str, ts: i64, visible_at: i64, msg: &str) {
            let raw = RawEvent { stream: "s".into(), event_id: id.into(), timestamp_ms: ts, message: msg.into() };
            let p = if group == "exec" { Parser::Execution } else { Parser::Lambda { function: "chat".into() } };
            self.events.push((visible_at, p.parse(group, raw)));
        }
    }

    #[async_trait]
    impl EventSource for Store {
        async fn read(&self, w: Window) -> Result<FetchResult, Error> {
            self.windows.lock().unwrap().push(w);
            let now = *self.now.lock().unwrap();
            let mut events: Vec<LogEvent> = self
                .events
                .iter()
                .filter(|(vis, e)| *vis <= now && e.timestamp_ms >= w.start_ms && e.timestamp_ms <= w.end_ms)
                .map(|(_, e)| e.clone())
                .collect();
            events.sort_by(crate::logs::merge::event_order);
            Ok(FetchResult { events, ..Default::default() })
        }
    }

    async fn poll_at(f: &mut Follow, s: &Store, now: i64) -> Vec<String> {
        *s.now.lock().unwrap() = now;
        f.poll(s, now).await.unwrap().events.into_iter().map(|e| e.event_id).collect()
    }

    #[tokio::test]
    async fn late_events_are_caught_once_and_nothing_repeats() {
        let mut s = Store::default();
        s.put("exec", "1", 1_000, 1_500, "(r1) x");
        s.put("exec", "2", 2_000, 2_500, "(r1) y");
        // Written at 2.9 s but delivered 20 s later.
        s.put("lambda", "3", 2_900, 23_000, "z");
        s.put("exec", "4", 10_000, 10_100, "(r2) w");
        let mut f = Follow::new(0, Duration::from_secs(60));
        assert_eq!(poll_at(&mut f, &s, 3_000).await, vec!["1", "2"]);
        assert_eq!(poll_at(&mut f, &s, 5_000).await, Vec::<String>::new());
        assert_eq!(poll_at(&mut f, &s, 12_000).await, vec!["4"]);
        assert_eq!(poll_at(&mut f, &s, 24_000).await, vec!["3"], "the late one, once");
        assert_eq!(poll_at(&mut f, &s, 30_000).await, Vec::<String>::new());
        let windows = s.windows.lock().unwrap().clone();
        assert_eq!(windows[0], Window { start_ms: 0, end_ms: 3_000 });
        // Each later window reaches back the look-back behind the previous poll's end (not before --since).
        assert_eq!(windows[1].start_ms, 0);
        assert_eq!(windows[4], Window { start_ms: 0, end_ms: 30_000 });
    }

    #[tokio::test]
    async fn the_window_slides_and_memory_is_released() {
        let mut s = Store::default();
        for i in 0..100 {
            s.put("exec", &i.to_string(), i * 1_000, i * 1_000, "(r) x");
        }
        let mut f = Follow::new(0, Duration::from_secs(10));
        assert_eq!(poll_at(&mut f, &s, 50_000).await.len(), 51);
        assert_eq!(f.window(60_000), Window { start_ms: 40_000, end_ms: 60_000 });
        // Only ids inside the look-back are remembered.
        assert_eq!(f.remembered(), 11);
        let next = poll_at(&mut f, &s, 60_000).await;
        assert_eq!(next, (51..=60).map(|i| i.to_string()).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_truncated_poll_carries_on_from_its_last_event() {
        let mut f = Follow::new(0, Duration::from_secs(60));
        let w = f.window(100_000);
        let mk = |id: &str, ts: i64| {
            Parser::Execution
                .parse("g", RawEvent { stream: "s".into(), event_id: id.into(), timestamp_ms: ts, message: "x".into() })
        };
        let res = FetchResult { events: vec![mk("1", 10), mk("2", 20)], truncated: true, ..Default::default() };
        let p = f.accept(w, res);
        assert!(p.truncated);
        assert_eq!(f.window(100_000).start_ms, 20);
        let res = FetchResult { events: vec![mk("2", 20), mk("3", 30)], ..Default::default() };
        let ids: Vec<String> = f.accept(f.window(100_000), res).events.into_iter().map(|e| e.event_id).collect();
        assert_eq!(ids, vec!["3"]);
    }

    #[tokio::test]
    async fn correlation_spans_polls() {
        let mut s = Store::default();
        s.put("lambda", "1", 1_000, 1_000, "START RequestId: 6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b Version: $LATEST");
        s.put("exec", "2", 1_100, 1_100, "(r1) Client [Connection Id: c1=] connected to API [a] successfully.");
        s.put(
            "exec",
            "3",
            5_000,
            5_000,
            "(r1) AWS Integration Endpoint RequestId : 6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b",
        );
        s.put("lambda", "4", 5_100, 5_100, "REPORT RequestId: 6d5a1b2c-0000-4e8f-9a1b-2c3d4e5f6a7b\tDuration: 2.00 ms");
        let mut f = Follow::new(0, Duration::from_secs(60));
        *s.now.lock().unwrap() = 2_000;
        let first = f.poll(&s, 2_000).await.unwrap();
        assert_eq!(first.events[0].connection_id, None, "not linked yet");
        *s.now.lock().unwrap() = 6_000;
        let second = f.poll(&s, 6_000).await.unwrap();
        let report = second.events.iter().find(|e| e.event_id == "4").unwrap();
        assert_eq!(report.connection_id.as_deref(), Some("c1="));
    }
}
