//! `--since`/`--until` values (a duration before now, or an RFC 3339 timestamp) and the
//! timestamp formats found in the logs.

use crate::Error;
use jiff::Timestamp;

const ACCEPTED: &str = "use a duration before now (`90s`, `10m`, `2h`, `1d`, `1h30m`), `now`, \
or an RFC 3339 timestamp (`2026-11-29T10:00:00Z`, `2026-11-29T10:00:00+01:00`)";

/// Milliseconds since the Unix epoch for a `--since`/`--until` value, relative to `now_ms`.
pub fn parse_time(flag: &str, value: &str, now_ms: i64) -> Result<i64, Error> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("now") {
        return Ok(now_ms);
    }
    let bad = |why: String| Error::invalid(format!("{flag} `{value}`: {why}"), ACCEPTED);
    if v.starts_with(|c: char| c.is_ascii_digit()) && !v.contains(['-', ':']) {
        let d = humantime::parse_duration(v).map_err(|e| bad(format!("not a duration ({e})")))?;
        let ms =
            i64::try_from(d.as_millis()).ok().filter(|ms| *ms <= now_ms).ok_or_else(|| bad("too far back".into()))?;
        return Ok(now_ms - ms);
    }
    let ts: Timestamp = v.parse().map_err(|e| bad(format!("not a timestamp with a time zone ({e})")))?;
    Ok(ts.as_millisecond())
}

/// A resolved time window, both ends inclusive, in epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Window {
    /// From `--since` (default `default_since`, e.g. `"1h"`) and `--until` (default now).
    pub fn resolve(since: Option<&str>, until: Option<&str>, default_since: &str, now_ms: i64) -> Result<Self, Error> {
        let start_ms = parse_time("--since", since.unwrap_or(default_since), now_ms)?;
        let end_ms = match until {
            Some(u) => parse_time("--until", u, now_ms)?,
            None => now_ms,
        };
        if start_ms > end_ms {
            return Err(Error::invalid(
                format!("--since ({}) is after --until ({})", iso(start_ms), iso(end_ms)),
                "give a --since earlier than --until",
            ));
        }
        Ok(Window { start_ms, end_ms })
    }
}

/// RFC 3339 in UTC with milliseconds: `2026-11-29T10:00:00.000Z`.
pub fn iso(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(t) => t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => ms.to_string(),
    }
}

/// API Gateway's `$context.requestTime`: `29/Nov/2026:10:00:00 +0000`.
pub fn parse_request_time(s: &str) -> Option<i64> {
    let ts = jiff::fmt::strtime::parse("%d/%b/%Y:%H:%M:%S %z", s.trim()).ok()?.to_timestamp().ok()?;
    Some(ts.as_millisecond())
}

/// Logs Insights' `@timestamp` (`2026-11-29 10:00:00.000`, UTC), RFC 3339, or epoch milliseconds.
pub fn parse_log_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(ms) = s.parse::<i64>() {
        return Some(ms);
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts.as_millisecond());
    }
    let dt: jiff::civil::DateTime = s.parse().ok()?;
    Some(dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp().as_millisecond())
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000; // 2026-11-18T11:06:40Z

    #[test]
    fn durations_are_before_now() {
        assert_eq!(parse_time("--since", "10m", NOW).unwrap(), NOW - 600_000);
        assert_eq!(parse_time("--since", "2h", NOW).unwrap(), NOW - 7_200_000);
        assert_eq!(parse_time("--since", "1d", NOW).unwrap(), NOW - 86_400_000);
        assert_eq!(parse_time("--since", "90s", NOW).unwrap(), NOW - 90_000);
        assert_eq!(parse_time("--since", "1h30m", NOW).unwrap(), NOW - 5_400_000);
        assert_eq!(parse_time("--until", "now", NOW).unwrap(), NOW);
    }

    #[test]
    fn timestamps_with_zone_or_offset() {
        assert_eq!(parse_time("--since", "2026-11-18T11:06:40Z", NOW).unwrap(), NOW);
        assert_eq!(parse_time("--since", "2026-11-18T12:06:40+01:00", NOW).unwrap(), NOW);
        assert_eq!(parse_time("--since", "2026-11-18T11:06:40.5Z", NOW).unwrap(), NOW + 500);
    }

    #[test]
    fn bad_values_are_usage_errors_with_the_accepted_forms() {
        for bad in
            ["", "10", "10 minutes ago", "yesterday", "2026-11-18T11:06:40", "2026-13-01T00:00:00Z", "-5m", "99999999d"]
        {
            let e = parse_time("--since", bad, NOW).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Usage, "{bad}");
            assert!(e.hint().unwrap().contains("RFC 3339"), "{bad}");
            assert!(e.to_string().contains("--since"), "{e}");
        }
    }

    #[test]
    fn windows() {
        let w = Window::resolve(Some("1h"), Some("30m"), "1h", NOW).unwrap();
        assert_eq!((w.start_ms, w.end_ms), (NOW - 3_600_000, NOW - 1_800_000));
        assert_eq!(Window::resolve(None, None, "15m", NOW).unwrap().start_ms, NOW - 900_000);
        assert!(Window::resolve(Some("10m"), Some("1h"), "1h", NOW).is_err());
    }

    #[test]
    fn log_formats() {
        assert_eq!(iso(NOW), "2026-11-18T11:06:40.000Z");
        assert_eq!(parse_request_time("18/Nov/2026:11:06:40 +0000"), Some(NOW));
        assert_eq!(parse_request_time("18/Nov/2026:12:06:40 +0100"), Some(NOW));
        assert_eq!(parse_request_time("18/Foo/2026:11:06:40 +0000"), None);
        assert_eq!(parse_log_timestamp("2026-11-18 11:06:40.250"), Some(NOW + 250));
        assert_eq!(parse_log_timestamp("1795000000000"), Some(NOW));
        assert_eq!(parse_log_timestamp("2026-11-18T11:06:40Z"), Some(NOW));
        assert_eq!(parse_log_timestamp("soon"), None);
    }
}
