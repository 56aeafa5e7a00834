//! Durations on the command line: humantime's forms in one word (`500ms`, `30s`, `1h30m`, `1.5s`, `2days`)
//! or a plain number of seconds.

use std::time::Duration;

/// Longer ones are refused: adding them to an `Instant` (the timers do) would overflow.
const MAX_SECS: f64 = 1e9;

/// The value parser of `--heartbeat`, `--duration` and the other DURATION options.
pub fn parse(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        return secs_to_duration(secs).ok_or_else(|| format!("`{s}` is not a valid duration"));
    }
    let bad = || format!("`{s}` is not a duration (e.g. 500ms, 30s, 5m, 1h30m)");
    if s.contains(char::is_whitespace) {
        return Err(bad());
    }
    humantime::parse_duration(s).ok().filter(|d| d.as_secs_f64() < MAX_SECS).ok_or_else(bad)
}

fn secs_to_duration(secs: f64) -> Option<Duration> {
    (0.0..MAX_SECS).contains(&secs).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse("0").unwrap(), Duration::ZERO);
        for bad in ["", "s", "5x", "-1", "1..2s", "m5"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
    #[test]
    fn humantime_forms() {
        assert!(parse("1h 30m").is_err(), "one word, as everywhere on the command line");
        assert_eq!(parse("2days").unwrap(), Duration::from_secs(172_800));
        assert_eq!(parse("1m500ms").unwrap(), Duration::from_millis(60_500));
        assert!(parse("40years").is_err(), "longer than the timers can add");
    }
}
