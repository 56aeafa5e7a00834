//! Calendar time from Unix seconds, without a date-time crate: SigV4 dates here, the SDKs'
//! date-time strings in the emulator.

/// A UTC calendar time, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Utc {
    pub fn from_unix(secs: u64) -> Utc {
        let (days, rem) = (secs / 86_400, secs % 86_400);
        // Civil-from-days (H. Hinnant), with the era shift that keeps every quantity non-negative.
        let z = days as i64 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Utc {
            year,
            month,
            day,
            hour: (rem / 3_600) as u32,
            minute: (rem % 3_600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (the SDKs' date-time format).
    pub fn iso8601(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates() {
        assert_eq!(Utc::from_unix(0).iso8601(), "1970-01-01T00:00:00Z");
        assert_eq!(Utc::from_unix(951_782_400).iso8601(), "2000-02-29T00:00:00Z");
        assert_eq!(Utc::from_unix(1_709_164_799).iso8601(), "2024-02-28T23:59:59Z");
        assert_eq!(Utc::from_unix(1_795_000_000).iso8601(), "2026-11-18T11:06:40Z");
        assert_eq!(Utc::from_unix(4_107_542_400).iso8601(), "2100-03-01T00:00:00Z");
    }
}
