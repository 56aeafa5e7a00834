//! The emulator's clock and the UTC date formats AWS writes: ISO-8601, API Gateway's request
//! time, and the dates in log stream names.

use jiff::Timestamp;

/// Milliseconds since the Unix epoch (0 if the system clock is before it).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Now, in whole seconds: what control-plane resources are stamped with.
pub fn now_iso8601() -> String {
    iso8601_secs(now_ms().div_euclid(1000))
}

/// `2026-11-27T04:05:06Z`, the SDKs' date-time format.
pub fn iso8601_secs(secs: i64) -> String {
    utc(secs.saturating_mul(1000)).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `2026-11-27T04:05:06.789Z`, as @connections GetConnection returns.
pub fn iso8601_ms(ms: i64) -> String {
    utc(ms).strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// API Gateway's CLF-like `$context.requestTime`: `27/Nov/2026:04:05:06 +0000`.
pub fn request_time(ms: i64) -> String {
    utc(ms).strftime("%d/%b/%Y:%H:%M:%S +0000").to_string()
}

/// The day a Lambda log stream is named after: `2026/11/27`.
pub fn lambda_stream_date(ms: i64) -> String {
    utc(ms).strftime("%Y/%m/%d").to_string()
}

/// The hour an execution-log stream is named after: `2026-11-27-04`.
pub fn hour_of(ms: i64) -> String {
    utc(ms).strftime("%Y-%m-%d-%H").to_string()
}

/// Timestamps format in UTC. Outside jiff's range (years -9999 to 9999) the nearest end is used;
/// no clock reading gets there.
fn utc(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 { Timestamp::MIN } else { Timestamp::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso8601_dates() {
        assert_eq!(iso8601_secs(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_secs(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_secs(1_795_752_306), "2026-11-27T04:05:06Z");
    }

    #[test]
    fn times() {
        assert_eq!(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_ms(1_795_752_306_789), "2026-11-27T04:05:06.789Z");
        assert_eq!(request_time(1_795_752_306_789), "27/Nov/2026:04:05:06 +0000");
        assert_eq!(iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn log_stream_dates() {
        assert_eq!(lambda_stream_date(1_795_752_306_789), "2026/11/27");
        assert_eq!(hour_of(1_795_752_306_789), "2026-11-27-04");
        assert_eq!(hour_of(-1), "1969-12-31-23");
    }

    #[test]
    fn leap_days_padding_and_year_ends() {
        // 2000-02-29T00:00:00.005Z, 2024-03-01T09:08:07Z, 2099-12-31T23:59:59.999Z.
        assert_eq!(iso8601_ms(951_782_400_005), "2000-02-29T00:00:00.005Z");
        assert_eq!(request_time(951_782_400_005), "29/Feb/2000:00:00:00 +0000");
        assert_eq!(request_time(1_709_284_087_000), "01/Mar/2024:09:08:07 +0000");
        assert_eq!(lambda_stream_date(1_709_284_087_000), "2024/03/01");
        assert_eq!(hour_of(1_709_284_087_000), "2024-03-01-09");
        assert_eq!(iso8601_secs(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(iso8601_ms(4_102_444_799_999), "2099-12-31T23:59:59.999Z");
        assert_eq!(request_time(4_102_444_800_000), "01/Jan/2100:00:00:00 +0000");
    }
}
