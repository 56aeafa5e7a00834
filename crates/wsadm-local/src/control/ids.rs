//! Resource ids in AWS's shapes, request ids, and the dates resources are stamped with.

use rand::Rng;

// AWS's id lengths: 10 characters for an API, 7 for everything under it.
pub(super) const API_ID_LEN: usize = 10;
pub(super) const CHILD_ID_LEN: usize = 7;

pub(super) fn new_id(len: usize, taken: impl Fn(&str) -> bool) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    loop {
        let id: String = (0..len).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
        if !taken(&id) {
            return id;
        }
    }
}

pub(super) fn request_id() -> String {
    let v: u128 = rand::random();
    let h = format!("{v:032x}");
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

pub(super) fn now_iso8601() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    format_iso8601(secs)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (the SDKs' date-time format).
pub(super) fn format_iso8601(secs: u64) -> String {
    wsadm_core::clock::Utc::from_unix(secs).iso8601()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso8601_dates() {
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_iso8601(1_795_752_306), "2026-11-27T04:05:06Z");
    }

    #[test]
    fn ids_have_aws_shapes() {
        let id = new_id(API_ID_LEN, |_| false);
        assert_eq!(id.len(), 10);
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_eq!(new_id(CHILD_ID_LEN, |_| false).len(), 7);
    }
}
