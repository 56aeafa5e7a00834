//! The chat handlers' settings, read once from the function's environment (the table of
//! variables is in the [`crate::chat`] docs). A value out of range stops the function at start
//! with the variable's name and what it accepts, rather than running half configured.

use super::rooms::{parse_public, RoomPattern};
use wsadm_core::store::{RateLimit, MAX_CONNECTIONS_CAP};

/// The largest `send` text: API Gateway's WebSocket frame is 32 KB.
pub const MAX_TEXT_BYTES_LIMIT: usize = 32 * 1024;
/// The most rooms a connection may be in: bounds its item and the `whoami` frame.
pub const MAX_ROOMS_LIMIT: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct ChatConfig {
    pub allow_anonymous: bool,
    /// 0: no cap.
    pub max_connections_per_user: u64,
    pub max_text_bytes: usize,
    pub fanout_concurrency: usize,
    pub management_endpoint: Option<String>,
    /// Rooms anyone may join (direct rooms aside).
    pub public_rooms: Vec<RoomPattern>,
    pub max_rooms_per_connection: usize,
    /// Each user's `send` budget over all their connections.
    pub user_rate: RateLimit,
}

impl Default for ChatConfig {
    fn default() -> Self {
        ChatConfig {
            allow_anonymous: false,
            max_connections_per_user: 10,
            max_text_bytes: 4096,
            fanout_concurrency: 32,
            management_endpoint: None,
            public_rooms: vec![RoomPattern::Any],
            max_rooms_per_connection: 20,
            user_rate: RateLimit { per_sec: 10.0, burst: 20 },
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

fn parse<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match get(name).filter(|v| !v.trim().is_empty()) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError { name, message: format!("cannot parse `{v}`") }),
    }
}

fn in_range<T: PartialOrd + std::fmt::Display>(name: &'static str, v: T, lo: T, hi: T) -> Result<T, ConfigError> {
    if v < lo || v > hi {
        return Err(ConfigError { name, message: format!("{v} is out of range: give {lo}-{hi}") });
    }
    Ok(v)
}

impl ChatConfig {
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let d = ChatConfig::default();
        // Unset: every room is public. Set but empty: none is.
        let public_rooms = match get("WSADM_PUBLIC_ROOMS") {
            None => d.public_rooms,
            Some(list) => parse_public(&list).map_err(|message| ConfigError { name: "WSADM_PUBLIC_ROOMS", message })?,
        };
        let per_sec: f64 = parse(&get, "WSADM_USER_RATE", d.user_rate.per_sec)?;
        if !per_sec.is_finite() {
            return Err(ConfigError { name: "WSADM_USER_RATE", message: "give messages per second, 0 = off".into() });
        }
        let cfg = ChatConfig {
            allow_anonymous: parse(&get, "WSADM_ALLOW_ANONYMOUS", d.allow_anonymous)?,
            max_connections_per_user: in_range(
                "WSADM_MAX_CONNECTIONS_PER_USER",
                parse(&get, "WSADM_MAX_CONNECTIONS_PER_USER", d.max_connections_per_user)?,
                0,
                MAX_CONNECTIONS_CAP,
            )?,
            max_text_bytes: in_range(
                "WSADM_MAX_TEXT_BYTES",
                parse(&get, "WSADM_MAX_TEXT_BYTES", d.max_text_bytes)?,
                1,
                MAX_TEXT_BYTES_LIMIT,
            )?,
            fanout_concurrency: in_range(
                "WSADM_FANOUT_CONCURRENCY",
                parse(&get, "WSADM_FANOUT_CONCURRENCY", d.fanout_concurrency)?,
                1,
                1024,
            )?,
            management_endpoint: get("WSADM_MANAGEMENT_ENDPOINT").filter(|v| !v.is_empty()),
            public_rooms,
            max_rooms_per_connection: in_range(
                "WSADM_MAX_ROOMS_PER_CONNECTION",
                parse(&get, "WSADM_MAX_ROOMS_PER_CONNECTION", d.max_rooms_per_connection)?,
                1,
                MAX_ROOMS_LIMIT,
            )?,
            user_rate: RateLimit {
                per_sec: in_range("WSADM_USER_RATE", per_sec, 0.0, 10_000.0)?,
                burst: in_range("WSADM_USER_BURST", parse(&get, "WSADM_USER_BURST", d.user_rate.burst)?, 1, 100_000)?,
            },
        };
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<ChatConfig, ConfigError> {
        let m: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ChatConfig::from_env(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_and_values() {
        assert_eq!(from(&[]).unwrap(), ChatConfig::default());
        let c = from(&[
            ("WSADM_PUBLIC_ROOMS", "lobby,team-*"),
            ("WSADM_MAX_ROOMS_PER_CONNECTION", "5"),
            ("WSADM_USER_RATE", "0.5"),
            ("WSADM_USER_BURST", "3"),
            ("WSADM_MAX_TEXT_BYTES", "32768"),
        ])
        .unwrap();
        assert_eq!(c.public_rooms, vec![RoomPattern::Exact("lobby".into()), RoomPattern::Prefix("team-".into())]);
        assert_eq!((c.max_rooms_per_connection, c.max_text_bytes), (5, 32768));
        assert_eq!(c.user_rate, RateLimit { per_sec: 0.5, burst: 3 });
        assert!(from(&[("WSADM_PUBLIC_ROOMS", "")]).unwrap().public_rooms.is_empty(), "set but empty: none");
        assert!(from(&[("WSADM_USER_RATE", "0")]).unwrap().user_rate.is_off());
    }

    #[test]
    fn out_of_range_values_stop_the_start_with_the_name() {
        for (k, v) in [
            ("WSADM_MAX_TEXT_BYTES", "32769"),
            ("WSADM_MAX_TEXT_BYTES", "0"),
            ("WSADM_MAX_TEXT_BYTES", "-1"),
            ("WSADM_MAX_ROOMS_PER_CONNECTION", "0"),
            ("WSADM_MAX_ROOMS_PER_CONNECTION", "101"),
            ("WSADM_MAX_CONNECTIONS_PER_USER", "1001"),
            ("WSADM_USER_RATE", "-1"),
            ("WSADM_USER_RATE", "NaN"),
            ("WSADM_USER_RATE", "inf"),
            ("WSADM_USER_BURST", "0"),
            ("WSADM_FANOUT_CONCURRENCY", "0"),
            ("WSADM_PUBLIC_ROOMS", "dm:a:b"),
            ("WSADM_PUBLIC_ROOMS", "bad room"),
        ] {
            let e = from(&[(k, v)]).expect_err(v);
            assert_eq!(e.name, k, "{e}");
        }
    }
}
