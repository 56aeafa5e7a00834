//! The session record and how items of the table are read and written: keys, attribute
//! helpers, the room-name rule.

use crate::Error;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

use super::{MAX_CONNECTION_SECS, TTL_ATTRIBUTE, TTL_MARGIN_SECS};

pub(super) const SK_SESSION: &str = "session";
pub(super) const SK_ROOM_PREFIX: &str = "room#";
/// The hash-key prefix of the per-user items (connection places, send budget). API Gateway's
/// connection ids never contain `#`, so these keys cannot meet a connection's.
pub(super) const USER_KEY_PREFIX: &str = "user#";
/// The hash-key prefix of the per-room items (the membership version, [`super::versions`]).
pub(super) const ROOM_KEY_PREFIX: &str = "room#";
/// Set on a session item that holds a place in its user's connection count.
pub(super) const SLOT_ATTRIBUTE: &str = "slot";
const MAX_ROOM_LEN: usize = 64;
pub(super) const MAX_USER_LEN: usize = 128;

pub(super) type Item = HashMap<String, AttributeValue>;

/// One connection as recorded by `$connect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub connection_id: String,
    pub user_id: String,
    pub rooms: BTreeSet<String>,
    /// Epoch milliseconds.
    pub connected_at: i64,
    /// Epoch milliseconds; updated at most once a minute.
    pub last_seen_at: i64,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub stage: Option<String>,
    /// Epoch seconds: when DynamoDB's TTL may delete the record.
    pub expires_at: i64,
    pub disconnect_status: Option<i64>,
    pub disconnect_reason: Option<String>,
}

impl Session {
    /// A fresh session record; the TTL follows from `connected_at`.
    pub fn new(connection_id: &str, user_id: &str, connected_at_ms: i64) -> Self {
        Session {
            connection_id: connection_id.to_string(),
            user_id: user_id.to_string(),
            rooms: BTreeSet::new(),
            connected_at: connected_at_ms,
            last_seen_at: connected_at_ms,
            source_ip: None,
            user_agent: None,
            stage: None,
            expires_at: connected_at_ms / 1000 + MAX_CONNECTION_SECS + TTL_MARGIN_SECS,
            disconnect_status: None,
            disconnect_reason: None,
        }
    }
}

/// Room names: 1-64 characters of letters, digits, `-`, `_`, `.`, `:`.
pub fn validate_room(room: &str) -> Result<(), Error> {
    let ok = !room.is_empty()
        && room.len() <= MAX_ROOM_LEN
        && room.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("`{room}` is not a valid room name"),
            "rooms are 1-64 characters of letters, digits, '-', '_', '.', ':'",
        ))
    }
}

pub(super) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(super) fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(super) fn get_s(item: &Item, k: &str) -> Option<String> {
    item.get(k).and_then(|v| v.as_s().ok()).cloned()
}

pub(super) fn get_n(item: &Item, k: &str) -> Option<i64> {
    item.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok())
}

pub(super) fn key(hash: &str, sk: &str) -> Item {
    HashMap::from([("connectionId".to_string(), s(hash)), ("sk".to_string(), s(sk))])
}

pub(super) fn room_sk(room: &str) -> String {
    format!("{SK_ROOM_PREFIX}{room}")
}

pub(super) fn user_key(user_id: &str, sk: &str) -> Item {
    key(&format!("{USER_KEY_PREFIX}{user_id}"), sk)
}

pub(super) fn session_item(sn: &Session) -> Item {
    let mut item = key(&sn.connection_id, SK_SESSION);
    item.insert("userId".into(), s(&sn.user_id));
    item.insert("connectedAt".into(), n(sn.connected_at));
    item.insert("lastSeenAt".into(), n(sn.last_seen_at));
    item.insert(TTL_ATTRIBUTE.into(), n(sn.expires_at));
    if !sn.rooms.is_empty() {
        item.insert("rooms".into(), AttributeValue::Ss(sn.rooms.iter().cloned().collect()));
    }
    for (k, v) in [("sourceIp", &sn.source_ip), ("userAgent", &sn.user_agent), ("stage", &sn.stage)] {
        if let Some(v) = v {
            item.insert(k.into(), s(v));
        }
    }
    item
}

/// Reads a session item; None for anything else (membership items, per-user items, foreign data).
pub fn session_from_item(item: &Item) -> Option<Session> {
    if get_s(item, "sk").as_deref() != Some(SK_SESSION) {
        return None;
    }
    let connected_at = get_n(item, "connectedAt").unwrap_or(0);
    Some(Session {
        connection_id: get_s(item, "connectionId")?,
        user_id: get_s(item, "userId").unwrap_or_default(),
        rooms: item.get("rooms").and_then(|v| v.as_ss().ok()).map(|v| v.iter().cloned().collect()).unwrap_or_default(),
        connected_at,
        last_seen_at: get_n(item, "lastSeenAt").unwrap_or(connected_at),
        source_ip: get_s(item, "sourceIp"),
        user_agent: get_s(item, "userAgent"),
        stage: get_s(item, "stage"),
        expires_at: get_n(item, TTL_ATTRIBUTE).unwrap_or(0),
        disconnect_status: get_n(item, "disconnectStatus"),
        disconnect_reason: get_s(item, "disconnectReason"),
    })
}

pub(super) fn membership_item(sn: &Session, room: &str, now_ms: i64) -> Item {
    let mut item = key(&sn.connection_id, &room_sk(room));
    item.insert("room".into(), s(room));
    item.insert("member".into(), s(&sn.user_id));
    item.insert("joinedAt".into(), n(now_ms));
    item.insert(TTL_ATTRIBUTE.into(), n(sn.expires_at));
    // So a room's fan-out can tell the stages apart without reading every member's record.
    if let Some(stage) = &sn.stage {
        item.insert("stage".into(), s(stage));
    }
    item
}

pub(super) fn build_err(e: aws_sdk_dynamodb::error::BuildError) -> Error {
    Error::invalid(format!("cannot build a DynamoDB request: {e}"), "this is a bug in wsadm; please report it")
}

/// A write refused by its condition expression (an expected outcome, not a failure).
pub(super) fn condition_failed(e: &Error) -> bool {
    matches!(e, Error::Service { code, .. } if code == "ConditionalCheckFailedException")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_round_trips_through_an_item() {
        let mut sn = Session::new("abc=", "alice", 1_700_000_000_000);
        sn.rooms = ["lobby".to_string(), "ops".to_string()].into();
        sn.source_ip = Some("192.0.2.1".into());
        sn.user_agent = Some("curl/8".into());
        sn.stage = Some("prod".into());
        let item = session_item(&sn);
        assert_eq!(get_n(&item, TTL_ATTRIBUTE), Some(1_700_000_000 + 7200 + 900));
        assert_eq!(session_from_item(&item), Some(sn.clone()));
        assert_eq!(get_s(&membership_item(&sn, "lobby", 1), "stage").as_deref(), Some("prod"), "fan-out reads it");
        // A membership item is not a session, nor is a per-user item.
        let mut m = key("abc=", "room#lobby");
        m.insert("room".into(), s("lobby"));
        assert_eq!(session_from_item(&m), None);
        assert_eq!(session_from_item(&user_key("alice", "conns")), None);
    }

    #[test]
    fn room_names() {
        for ok in ["lobby", "team-1", "a.b:c_d", "dm:alice:bob", &"x".repeat(64)] {
            assert!(validate_room(ok).is_ok(), "{ok}");
        }
        for bad in ["", "has space", "room#x", &"x".repeat(65), "é"] {
            assert!(validate_room(bad).is_err(), "{bad}");
        }
    }
}
