//! How many connections are open, from the access log: API Gateway publishes no concurrent
//! connection metric and no disconnect metric, but its access log has a CONNECT and a
//! DISCONNECT line per connection. A connection is open at time t when it connected (2xx)
//! before t and no DISCONNECT was logged before t; none lives longer than 2 hours on AWS, so
//! reading the last 2 hours (and the window) is enough to find every open one.
//! The same lines give connection minutes in the window and messages per route.

use super::summary::Point;
use crate::logs::time::iso;
use crate::logs::LogEvent;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// API Gateway closes every WebSocket connection after 2 hours.
pub const MAX_CONNECTION_MS: i64 = 2 * 3_600_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// Connections with a successful CONNECT and no DISCONNECT in the log, opened within the
    /// last 2 hours.
    pub open: u64,
    /// CONNECT (2xx) and DISCONNECT lines read.
    pub connects: u64,
    pub disconnects: u64,
    /// Summed time the connections were open within the window, in minutes.
    pub connection_minutes: f64,
    /// Open connections at the end of every period of the window.
    pub trend: Vec<Point>,
    /// MESSAGE lines in the window, by route.
    pub messages_by_route: BTreeMap<String, u64>,
}

#[derive(Default)]
struct Life {
    connected_ms: Option<i64>,
    disconnected_ms: Option<i64>,
}

/// From access-log events read over `[read_start_ms, now_ms]`, where `read_start_ms` is at most
/// the window's start and at most `now_ms - 2 h`.
pub fn estimate(events: &[LogEvent], window_start_ms: i64, now_ms: i64, period_ms: i64) -> Estimate {
    let mut lives: HashMap<&str, Life> = HashMap::new();
    let mut messages_by_route: BTreeMap<String, u64> = BTreeMap::new();
    let (mut connects, mut disconnects) = (0u64, 0u64);
    for e in events {
        let Some(id) = e.connection_id.as_deref() else { continue };
        match e.event_type.as_deref() {
            Some("CONNECT") if e.status.is_none_or(|s| s < 300) => {
                connects += 1;
                lives.entry(id).or_default().connected_ms = Some(e.timestamp_ms);
            }
            Some("DISCONNECT") => {
                disconnects += 1;
                let l = lives.entry(id).or_default();
                l.disconnected_ms = Some(l.disconnected_ms.map_or(e.timestamp_ms, |d| d.min(e.timestamp_ms)));
            }
            Some("MESSAGE") if e.timestamp_ms >= window_start_ms => {
                *messages_by_route.entry(e.route.clone().unwrap_or_else(|| "-".into())).or_default() += 1;
            }
            _ => {}
        }
    }
    // Open at t: connected before t (or before the read started, when only its DISCONNECT was
    // read), not disconnected by t, and younger than 2 hours.
    let open_at = |l: &Life, t: i64| -> bool {
        let started = match l.connected_ms {
            Some(c) => c <= t && c > t - MAX_CONNECTION_MS,
            None => l.disconnected_ms.is_some(),
        };
        started && l.disconnected_ms.is_none_or(|d| d > t)
    };
    let open = lives.values().filter(|l| l.connected_ms.is_some() && open_at(l, now_ms)).count() as u64;
    let mut trend = Vec::new();
    if period_ms > 0 {
        let mut t = window_start_ms + period_ms;
        loop {
            let at = t.min(now_ms);
            let n = lives.values().filter(|l| open_at(l, at)).count();
            trend.push(Point { timestamp: iso(at), timestamp_ms: at, value: n as f64 });
            if at >= now_ms {
                break;
            }
            t += period_ms;
        }
    }
    let mut ms = 0i64;
    for l in lives.values() {
        let from = l.connected_ms.unwrap_or(window_start_ms).max(window_start_ms);
        let to = l.disconnected_ms.unwrap_or(now_ms).min(now_ms);
        let to = match l.connected_ms {
            Some(c) => to.min(c + MAX_CONNECTION_MS),
            None => to,
        };
        ms += (to - from).max(0);
    }
    Estimate { open, connects, disconnects, connection_minutes: ms as f64 / 60_000.0, trend, messages_by_route }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::event::{Kind, Source};

    fn ev(t_min: i64, id: &str, event_type: &str, status: u16, route: &str) -> LogEvent {
        LogEvent {
            source: Source::Access,
            group: "g".into(),
            stream: "s".into(),
            event_id: format!("{t_min}{id}{event_type}"),
            timestamp_ms: t_min * 60_000,
            time: String::new(),
            kind: Kind::of_event_type(event_type),
            message: String::new(),
            text: None,
            request_id: None,
            lambda_request_id: None,
            connection_id: Some(id.into()),
            route: Some(route.into()),
            event_type: Some(event_type.into()),
            status: Some(status),
            integration_status: None,
            latency_ms: None,
            error: None,
            level: None,
            user: None,
            close_code: None,
            close_reason: None,
            source_ip: None,
            user_agent: None,
            report: None,
        }
    }

    #[test]
    fn open_connections_minutes_and_trend_by_hand() {
        // Window: minutes 120..180 (now = 180); the log is read from minute 60.
        let events = vec![
            ev(50 + 20, "old", "CONNECT", 200, "$connect"), // opened at 70, still open at 180 (110 min)
            ev(125, "a", "CONNECT", 200, "$connect"),
            ev(130, "a", "MESSAGE", 200, "send"),
            ev(131, "a", "MESSAGE", 200, "ping"),
            ev(140, "a", "DISCONNECT", 200, "$disconnect"),
            ev(150, "b", "CONNECT", 200, "$connect"),
            ev(151, "x", "CONNECT", 401, "$connect"), // rejected: never open
            ev(170, "gone", "DISCONNECT", 200, "$disconnect"), // connected before the read
        ];
        let e = estimate(&events, 120 * 60_000, 180 * 60_000, 30 * 60_000);
        assert_eq!(e.open, 2, "old and b");
        assert_eq!((e.connects, e.disconnects), (3, 2));
        // old 60 + a 15 + b 30 + gone 50 (from the window start to its disconnect)
        assert_eq!(e.connection_minutes, 155.0);
        let trend: Vec<(i64, f64)> = e.trend.iter().map(|p| (p.timestamp_ms / 60_000, p.value)).collect();
        assert_eq!(trend, vec![(150, 3.0), (180, 2.0)], "old, b, gone at 150; old, b at 180");
        assert_eq!(e.messages_by_route, BTreeMap::from([("ping".into(), 1), ("send".into(), 1)]));
    }

    #[test]
    fn a_connection_older_than_two_hours_is_not_open() {
        let events = vec![ev(0, "ancient", "CONNECT", 200, "$connect")];
        let e = estimate(&events, 100 * 60_000, 130 * 60_000, 60 * 60_000);
        assert_eq!(e.open, 0);
        assert_eq!(e.connection_minutes, 20.0, "open from minute 100 until it was closed at 120");
    }
}
