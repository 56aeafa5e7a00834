//! The handlers' settings from the options, validated before any AWS call: where the token
//! travels (the authorizer's identity source), the JWT checks, the rooms policy and the per-user
//! message rate, each written to the functions' environment under the shared contract's names.

use crate::cli::TokenIn;
use std::time::Duration;
use wsadm_core::store::validate_room;
use wsadm_core::Error;

/// `--token-in query`: AWS answers 401 before the authorizer runs when `?token=` is missing.
pub(super) const QUERY_SOURCE: &str = "route.request.querystring.token";
/// `--token-in header`: likewise for the `Authorization` header.
pub(super) const HEADER_SOURCE: &str = "route.request.header.Authorization";

/// The authorizer's identity sources. "both" lists none: a WebSocket REQUEST authorizer without
/// identity sources (WebSocket authorizers never cache results) runs on every `$connect`, and the
/// function itself takes the token from `Authorization: Bearer` or `?token=`. Listing both would
/// refuse every client that sends only one of them.
pub(super) fn identity_sources(token_in: TokenIn) -> Vec<String> {
    match token_in {
        TokenIn::Query => vec![QUERY_SOURCE.to_string()],
        TokenIn::Header => vec![HEADER_SOURCE.to_string()],
        TokenIn::Both => vec![],
    }
}

pub(super) fn token_in_name(t: TokenIn) -> &'static str {
    match t {
        TokenIn::Query => "query",
        TokenIn::Header => "header",
        TokenIn::Both => "both",
    }
}

/// Lambda allows 4 KB for all of a function's variables; the rooms list gets a quarter of it.
const MAX_PUBLIC_ROOMS_BYTES: usize = 1024;
pub(super) const MAX_ROOMS_PER_CONNECTION: u32 = 100;
const MAX_USER_RATE: f64 = 10_000.0;
const MAX_USER_BURST: u64 = 100_000;
/// A token a month old is not "fresh" in any sense; longer would make the check meaningless.
const MAX_TOKEN_AGE: Duration = Duration::from_secs(30 * 24 * 3600);

/// `--public-rooms`: `*`, names, and `PREFIX*` prefixes, comma-separated; `''` for none.
/// Returns the normalized value for `WSADM_PUBLIC_ROOMS`.
pub(super) fn public_rooms(list: &str) -> Result<String, Error> {
    let entries: Vec<&str> = list.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
    if list.split(',').any(|e| e.trim().is_empty()) && !entries.is_empty() {
        return Err(Error::invalid(
            format!("--public-rooms `{list}` has an empty entry"),
            "separate rooms with single commas, e.g. --public-rooms 'lobby,help,team-*'",
        ));
    }
    for e in &entries {
        // The handlers never treat dm: rooms as public; an entry naming them is a misunderstanding.
        if e.starts_with("dm:") {
            return Err(Error::invalid(
                format!("--public-rooms: `{e}` would make direct rooms public"),
                "dm:A:B rooms are open only to A and B, always; leave them out of --public-rooms",
            ));
        }
        if *e == "*" {
            continue;
        }
        let name = e.strip_suffix('*').unwrap_or(e);
        if name.contains('*') || validate_room(name).is_err() {
            return Err(Error::invalid(
                format!("--public-rooms: `{e}` is not a room name or a prefix"),
                "entries are room names (letters, digits, '-', '_', '.', ':'; up to 64), NAME* for every room starting \
                 with NAME, or * alone for every room",
            ));
        }
    }
    let value = entries.join(",");
    if value.len() > MAX_PUBLIC_ROOMS_BYTES {
        return Err(Error::invalid(
            format!(
                "--public-rooms is {} bytes; at most {MAX_PUBLIC_ROOMS_BYTES} fit the functions' environment",
                value.len()
            ),
            "name families of rooms with a prefix (team-*) instead of listing each",
        ));
    }
    Ok(value)
}

/// `--user-rate RATE:BURST`: (`WSADM_USER_RATE`, `WSADM_USER_BURST`).
pub(super) fn user_rate(s: &str) -> Result<(String, String), Error> {
    let bad = || {
        Error::invalid(
            format!("--user-rate `{s}` is not RATE:BURST"),
            "messages per second and burst over all of a user's connections, e.g. --user-rate 10:20 (0:0 turns the limit off)",
        )
    };
    let (rate, burst) = s.split_once(':').ok_or_else(bad)?;
    let rate: f64 = rate.trim().parse().map_err(|_| bad())?;
    let burst: u64 = burst.trim().parse().map_err(|_| bad())?;
    if !rate.is_finite() || !(0.0..=MAX_USER_RATE).contains(&rate) || burst > MAX_USER_BURST {
        return Err(Error::invalid(
            format!("--user-rate `{s}` is out of range"),
            format!("RATE 0-{MAX_USER_RATE} per second, BURST 0-{MAX_USER_BURST}"),
        ));
    }
    if rate > 0.0 && (burst as f64) < rate.max(1.0) {
        return Err(Error::invalid(
            format!("--user-rate `{s}`: the burst must be at least the rate (and at least 1)"),
            "a bucket smaller than one second's messages refuses steady traffic; e.g. --user-rate 10:20",
        ));
    }
    if rate == 0.0 {
        return Ok(("0".into(), burst.to_string()));
    }
    Ok((rate.to_string(), burst.to_string()))
}

pub(super) fn max_rooms(n: u32) -> Result<String, Error> {
    if !(1..=MAX_ROOMS_PER_CONNECTION).contains(&n) {
        return Err(Error::invalid(
            format!("--max-rooms {n} is out of range"),
            format!(
                "1-{MAX_ROOMS_PER_CONNECTION}: each room lives in the connection's record and in `whoami`'s reply, \
                 which must stay within DynamoDB's item and API Gateway's frame limits"
            ),
        ));
    }
    Ok(n.to_string())
}

/// `--jwt-typ`: a media type's characters (`JWT`, `at+jwt`, `application/at+jwt`).
pub(super) fn jwt_typ(t: &str) -> Result<String, Error> {
    let ok = (1..=64).contains(&t.len())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '/' | '_'));
    if ok {
        Ok(t.to_string())
    } else {
        Err(Error::invalid(
            format!("--jwt-typ `{t}` is not a token type"),
            "the `typ` header your identity provider sets, e.g. JWT or at+jwt",
        ))
    }
}

/// `--jwt-max-age`: whole seconds for `WSADM_JWT_MAX_AGE_SECS`.
pub(super) fn jwt_max_age(d: Duration) -> Result<String, Error> {
    if d < Duration::from_secs(1) || d > MAX_TOKEN_AGE || d.subsec_nanos() != 0 {
        return Err(Error::invalid(
            format!("--jwt-max-age {} is out of range", humantime::format_duration(d)),
            "whole seconds from 1s to 30d, e.g. --jwt-max-age 1h",
        ));
    }
    Ok(d.as_secs().to_string())
}

/// `--rooms-claim`: a claim name (JSON key), possibly a URI for namespaced claims.
pub(super) fn rooms_claim(name: &str) -> Result<String, Error> {
    let ok = (1..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_graphic() && c != ',');
    if ok {
        Ok(name.to_string())
    } else {
        Err(Error::invalid(
            format!("--rooms-claim `{name}` is not a claim name"),
            "the name of the token claim listing a user's rooms, e.g. rooms or https://example.com/rooms",
        ))
    }
}

/// `--jwt-audience`: a comma-separated list, trimmed, empty entries dropped.
pub(super) fn audience(list: &str) -> Option<String> {
    let v: Vec<&str> = list.split(',').map(str::trim).filter(|a| !a.is_empty()).collect();
    (!v.is_empty()).then(|| v.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_sources_per_token_placement() {
        assert_eq!(identity_sources(TokenIn::Query), vec![QUERY_SOURCE]);
        assert_eq!(identity_sources(TokenIn::Header), vec![HEADER_SOURCE]);
        assert!(identity_sources(TokenIn::Both).is_empty());
    }

    #[test]
    fn public_rooms_are_names_prefixes_or_everything() {
        assert_eq!(public_rooms("*").unwrap(), "*");
        assert_eq!(public_rooms(" lobby, help ,team-*").unwrap(), "lobby,help,team-*");
        assert_eq!(public_rooms("").unwrap(), "", "none");
        assert_eq!(public_rooms("d*").unwrap(), "d*", "dm: rooms stay private whatever the prefix");
        for bad in ["dm:*", "dm:a:b", "lob*by", "a b", "lobby,,help", "**", &"x".repeat(65)] {
            assert!(public_rooms(bad).is_err(), "{bad}");
        }
        let many: Vec<String> = (0..200).map(|i| format!("room-{i:04}")).collect();
        assert!(public_rooms(&many.join(",")).is_err(), "too long for the environment");
    }

    #[test]
    fn user_rate_is_rate_colon_burst() {
        assert_eq!(user_rate("10:20").unwrap(), ("10".into(), "20".into()));
        assert_eq!(user_rate("0.5:3").unwrap(), ("0.5".into(), "3".into()));
        assert_eq!(user_rate("0:0").unwrap(), ("0".into(), "0".into()));
        for bad in ["10", "10:", ":5", "-1:5", "10:5", "0.5:0", "x:y", "NaN:5", "inf:5", "20000:30000"] {
            assert!(user_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn jwt_checks_and_limits() {
        assert_eq!(jwt_typ("at+jwt").unwrap(), "at+jwt");
        assert!(jwt_typ("").is_err() && jwt_typ("a b").is_err());
        assert_eq!(jwt_max_age(Duration::from_secs(3600)).unwrap(), "3600");
        for bad in [0, 31 * 24 * 3600] {
            assert!(jwt_max_age(Duration::from_secs(bad)).is_err(), "{bad}");
        }
        assert!(jwt_max_age(Duration::from_millis(1500)).is_err());
        assert_eq!(rooms_claim("https://example.com/rooms").unwrap(), "https://example.com/rooms");
        assert!(rooms_claim("").is_err() && rooms_claim("a,b").is_err() && rooms_claim("a b").is_err());
        assert_eq!(max_rooms(20).unwrap(), "20");
        assert!(max_rooms(0).is_err() && max_rooms(101).is_err());
        assert_eq!(audience(" chat , admin,"), Some("chat,admin".into()));
        assert_eq!(audience(" , "), None);
    }
}
