//! Who may enter which room, decided on `join` and on `?room=` at `$connect`:
//!
//! - a direct room `dm:<a>:<b>` is open to users `a` and `b`, and to nobody else, whatever
//!   the public list or a token says (a `dm:` name that is not exactly two non-empty user ids
//!   is open to nobody);
//! - any other room is open when it is public (`WSADM_PUBLIC_ROOMS`) or granted to the user
//!   by the authorizer (the context key `rooms`, a comma-joined list the authorizer copies
//!   from the token's rooms claim).
//!
//! Both lists take the same entries: a room name, a prefix ending in `*` (`team-*`), or `*`
//! (every room but direct ones).

use serde_json::Value;
use wsadm_core::store::validate_room;

/// The prefix of direct rooms.
pub const DIRECT_PREFIX: &str = "dm:";
/// The authorizer context key that carries the rooms a token grants.
pub const GRANTED_ROOMS_KEY: &str = "rooms";
/// Entries read from the granted list (the authorizer context is small anyway).
const MAX_GRANTED: usize = 256;

/// One entry of a room list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomPattern {
    /// `*`: every room (but direct ones).
    Any,
    /// `team-*`: every room whose name starts with `team-`.
    Prefix(String),
    /// A room name.
    Exact(String),
}

impl RoomPattern {
    /// Reads one entry: a room name, a prefix ending in `*`, or `*`.
    pub fn parse(entry: &str) -> Result<RoomPattern, String> {
        let e = entry.trim();
        if e == "*" {
            return Ok(RoomPattern::Any);
        }
        let (name, prefix) = match e.strip_suffix('*') {
            Some(p) => (p, true),
            None => (e, false),
        };
        // A prefix is checked as a room name would be (its own characters, room-name length).
        validate_room(name).map_err(|_| {
            format!("`{e}` is neither a room name (1-64 of letters, digits, - _ . :), a prefix ending in `*`, nor `*`")
        })?;
        Ok(if prefix { RoomPattern::Prefix(name.to_string()) } else { RoomPattern::Exact(name.to_string()) })
    }

    fn matches(&self, room: &str) -> bool {
        match self {
            RoomPattern::Any => true,
            RoomPattern::Prefix(p) => room.starts_with(p.as_str()),
            RoomPattern::Exact(r) => r == room,
        }
    }
}

/// Reads `WSADM_PUBLIC_ROOMS`: comma-separated entries (empty: no public room). Direct rooms
/// cannot be listed: they are never public.
pub fn parse_public(list: &str) -> Result<Vec<RoomPattern>, String> {
    let mut out = Vec::new();
    for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        if entry.starts_with(DIRECT_PREFIX) {
            return Err(format!("`{entry}`: direct rooms (dm:<a>:<b>) are never public; leave them out"));
        }
        out.push(RoomPattern::parse(entry)?);
    }
    Ok(out)
}

/// The rooms the authorizer granted: its context's `rooms`, comma-joined. Entries that are not
/// room names or prefixes are ignored.
pub fn granted(context_value: Option<&Value>) -> Vec<RoomPattern> {
    let Some(Value::String(list)) = context_value else { return Vec::new() };
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .filter_map(|e| RoomPattern::parse(e).ok())
        .take(MAX_GRANTED)
        .collect()
}

/// Why a user may not enter a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A direct room of two other users (or a malformed `dm:` name).
    NotYourDirectRoom,
    /// Not public, not granted.
    NotPublic,
}

impl Refusal {
    /// The reason shown to the client.
    pub fn message(&self, room: &str) -> String {
        match self {
            Refusal::NotYourDirectRoom => {
                format!("`{room}` is a direct room: dm:<a>:<b> is open only to users a and b")
            }
            Refusal::NotPublic => format!("`{room}` is not a public room and your token does not grant it"),
        }
    }
}

/// The two users of a direct room, if `room` is one and well formed.
pub fn direct_members(room: &str) -> Option<(&str, &str)> {
    let (a, b) = room.strip_prefix(DIRECT_PREFIX)?.split_once(':')?;
    (!a.is_empty() && !b.is_empty() && !b.contains(':')).then_some((a, b))
}

/// Whether `user` may enter `room`, given the public list and what the token grants.
pub fn may_enter(room: &str, user: &str, public: &[RoomPattern], granted: &[RoomPattern]) -> Result<(), Refusal> {
    if room.starts_with(DIRECT_PREFIX) {
        return match direct_members(room) {
            Some((a, b)) if user == a || user == b => Ok(()),
            _ => Err(Refusal::NotYourDirectRoom),
        };
    }
    if public.iter().chain(granted).any(|p| p.matches(room)) {
        Ok(())
    } else {
        Err(Refusal::NotPublic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list(s: &str) -> Vec<RoomPattern> {
        parse_public(s).unwrap()
    }

    #[test]
    fn the_policy_table() {
        let public = list("lobby, team-*");
        let none: Vec<RoomPattern> = vec![];
        let grants = granted(Some(&json!("ops,board-*")));
        let cases: &[(&str, &str, &[RoomPattern], bool)] = &[
            ("lobby", "alice", &none, true),
            ("team-red", "alice", &none, true),
            ("team", "alice", &none, false),
            ("ops", "alice", &none, false),
            ("ops", "alice", &grants, true),
            ("board-q3", "alice", &grants, true),
            ("dm:alice:bob", "alice", &none, true),
            ("dm:alice:bob", "bob", &none, true),
            ("dm:alice:bob", "carol", &grants, false),
            ("dm:alice:bob", "alice:bob", &none, false),
            ("dm:alice", "alice", &none, false),
            ("dm::alice", "alice", &none, false),
            ("dm:alice:bob:carol", "carol", &none, false),
        ];
        for (room, user, g, ok) in cases {
            assert_eq!(may_enter(room, user, &public, g).is_ok(), *ok, "{user} -> {room}");
        }
        // `*` opens every room but direct ones; a token cannot grant a direct room either.
        let all = list("*");
        assert!(may_enter("anything", "x", &all, &none).is_ok());
        assert_eq!(may_enter("dm:a:b", "x", &all, &granted(Some(&json!("*,dm:a:b")))), Err(Refusal::NotYourDirectRoom));
        assert_eq!(may_enter("lobby", "x", &[], &[]), Err(Refusal::NotPublic), "empty list: nothing public");
    }

    #[test]
    fn list_parsing() {
        assert_eq!(
            list(" a ,b*,,*"),
            vec![RoomPattern::Exact("a".into()), RoomPattern::Prefix("b".into()), RoomPattern::Any]
        );
        assert!(list("").is_empty());
        for bad in ["has space", "a*b", "dm:alice:bob", "dm:*", "**", "é"] {
            assert!(parse_public(bad).is_err(), "{bad}");
        }
        // Granted lists are lenient: bad entries are skipped, non-strings ignored.
        assert_eq!(granted(Some(&json!("x y,ok"))), vec![RoomPattern::Exact("ok".into())]);
        assert!(granted(Some(&json!(["a"]))).is_empty());
        assert!(granted(None).is_empty());
    }
}
