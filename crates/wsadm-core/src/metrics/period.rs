//! The period of the datapoints and CloudWatch's retention by period: data at 1-minute
//! resolution is kept 15 days, 5-minute 63 days, 1-hour 455 days. A window that starts before
//! the retention of its period has no data there, which is an error, not an empty chart.

use crate::logs::time::Window;
use crate::Error;
use serde::Serialize;

const DAY_MS: i64 = 86_400_000;

/// The periods offered when none is asked for, finest first.
const AUTO_PERIODS: [i64; 3] = [60, 300, 3600];
/// A chart or table has no use for more points than this per series.
const MAX_POINTS: i64 = 1440;

/// How long CloudWatch keeps datapoints of a period (seconds): 1 min 15 days, 5 min 63 days,
/// 1 h 455 days.
pub fn retention_ms(period_secs: i64) -> i64 {
    match period_secs {
        p if p < 300 => 15 * DAY_MS,
        p if p < 3600 => 63 * DAY_MS,
        _ => 455 * DAY_MS,
    }
}

fn label(period_secs: i64) -> String {
    match period_secs {
        p if p % 3600 == 0 => format!("{}h", p / 3600),
        p if p % 60 == 0 => format!("{}m", p / 60),
        p => format!("{p}s"),
    }
}

/// The window aligned to whole periods, and the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub period_secs: i64,
    /// The window's start rounded down to a whole period (CloudWatch does the same).
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Resolution {
    /// The period asked for (checked against the retention), or the finest one that keeps the
    /// whole window and gives at most 1,440 points.
    pub fn choose(window: Window, period_secs: Option<i64>, now_ms: i64) -> Result<Resolution, Error> {
        let age_ms = now_ms - window.start_ms;
        let period = match period_secs {
            Some(p) => {
                if p < 60 || p % 60 != 0 {
                    return Err(Error::invalid(
                        format!("--period {}: API Gateway publishes at 1-minute resolution", label(p)),
                        "give a whole number of minutes: 1m, 5m, 1h",
                    ));
                }
                if age_ms > retention_ms(p) {
                    let fits = AUTO_PERIODS.iter().find(|q| age_ms <= retention_ms(**q));
                    return Err(Error::invalid(
                        format!(
                            "the window starts {} days ago, but CloudWatch keeps {}-period data {} days",
                            age_ms / DAY_MS,
                            label(p),
                            retention_ms(p) / DAY_MS
                        ),
                        match fits {
                            Some(q) => format!(
                                "use --period {} (kept {} days), or a later --since",
                                label(*q),
                                retention_ms(*q) / DAY_MS
                            ),
                            None => "CloudWatch keeps no datapoint older than 455 days: give a later --since".into(),
                        },
                    ));
                }
                p
            }
            None => {
                let span_secs = ((window.end_ms - window.start_ms) / 1000).max(1);
                let fits =
                    AUTO_PERIODS.iter().copied().find(|p| age_ms <= retention_ms(*p) && span_secs / p <= MAX_POINTS);
                match fits {
                    Some(p) => p,
                    None if age_ms <= retention_ms(3600) => {
                        // Longer than 60 days at 1 h: still within retention, just many points.
                        3600 * ((span_secs / 3600 + MAX_POINTS - 1) / MAX_POINTS).max(1)
                    }
                    None => {
                        return Err(Error::invalid(
                            format!("the window starts {} days ago; CloudWatch keeps data 455 days", age_ms / DAY_MS),
                            "give a later --since",
                        ))
                    }
                }
            }
        };
        let p_ms = period * 1000;
        let start_ms = window.start_ms.div_euclid(p_ms) * p_ms;
        // GetMetricData needs an end after the start.
        let end_ms = window.end_ms.max(start_ms + 1000);
        Ok(Resolution { period_secs: period, start_ms, end_ms })
    }

    pub fn label(&self) -> String {
        label(self.period_secs)
    }

    /// The window's length in minutes.
    pub fn minutes(&self) -> f64 {
        (self.end_ms - self.start_ms) as f64 / 60_000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn window(ago_ms: i64) -> Window {
        Window { start_ms: NOW - ago_ms, end_ms: NOW }
    }

    #[test]
    fn auto_picks_the_finest_period_that_fits() {
        let r = Resolution::choose(window(3 * 3_600_000), None, NOW).unwrap();
        assert_eq!(r.period_secs, 60);
        assert_eq!(r.start_ms % 60_000, 0);
        assert!(r.start_ms <= NOW - 3 * 3_600_000);
        assert_eq!(Resolution::choose(window(3 * DAY_MS), None, NOW).unwrap().period_secs, 300);
        assert_eq!(Resolution::choose(window(20 * DAY_MS), None, NOW).unwrap().period_secs, 3600);
    }

    #[test]
    fn a_window_beyond_retention_is_refused_with_the_period_that_fits() {
        let e = Resolution::choose(window(20 * DAY_MS), Some(60), NOW).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Usage);
        assert!(e.to_string().contains("keeps 1m-period data 15 days"), "{e}");
        assert!(e.hint().unwrap().contains("--period 5m"), "{:?}", e.hint());
        assert!(Resolution::choose(window(100 * DAY_MS), Some(300), NOW).unwrap_err().hint().unwrap().contains("1h"));
        assert!(Resolution::choose(window(500 * DAY_MS), Some(3600), NOW).is_err());
        assert!(Resolution::choose(window(500 * DAY_MS), None, NOW).is_err());
        assert!(Resolution::choose(window(14 * DAY_MS), Some(60), NOW).is_ok());
    }

    #[test]
    fn periods_are_whole_minutes() {
        assert!(Resolution::choose(window(3_600_000), Some(30), NOW).is_err());
        assert!(Resolution::choose(window(3_600_000), Some(90), NOW).is_err());
        assert_eq!(Resolution::choose(window(3_600_000), Some(120), NOW).unwrap().period_secs, 120);
    }
}
