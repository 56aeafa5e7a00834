//! A room's members between messages. Reading them is a Query that costs as much as the
//! members it returns, on every message; the room's membership version (one small item,
//! bumped by every join, leave and removal before it is answered) says whether the list read
//! last is still the room's. A list is also re-read after [`MAX_AGE`]: a Query on the index
//! may lag a write on AWS, and a record that expired by TTL bumps nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wsadm_core::store::Member;

/// The longest a list is kept, whatever the version says.
pub const MAX_AGE: Duration = Duration::from_secs(1);
/// Rooms kept at once; past it the cache starts afresh.
const MAX_ROOMS: usize = 4096;
/// Larger rooms are read on every message (their lists would hold too much memory).
const MAX_MEMBERS: usize = 10_000;

struct Entry {
    version: u64,
    read_at: Instant,
    members: Arc<Vec<Member>>,
}

#[derive(Default)]
pub struct MemberCache {
    rooms: Mutex<HashMap<String, Entry>>,
}

impl MemberCache {
    /// The list read at `version`, if it is not older than [`MAX_AGE`].
    pub fn get(&self, room: &str, version: u64) -> Option<Arc<Vec<Member>>> {
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms.get(room).filter(|e| e.version == version && e.read_at.elapsed() < MAX_AGE).map(|e| e.members.clone())
    }

    /// Keeps a list read after the version was read (`read_at` is when the Query began).
    pub fn put(&self, room: &str, version: u64, read_at: Instant, members: Arc<Vec<Member>>) {
        if members.len() > MAX_MEMBERS {
            return;
        }
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if rooms.len() >= MAX_ROOMS && !rooms.contains_key(room) {
            rooms.clear();
        }
        // A newer reading may have landed meanwhile: keep it while it is fresh (a version item
        // that expired starts again from 1, so an old higher one must not stay forever).
        if rooms.get(room).is_some_and(|e| e.version > version && e.read_at.elapsed() < MAX_AGE) {
            return;
        }
        rooms.insert(room.to_string(), Entry { version, read_at, members });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(n: usize) -> Arc<Vec<Member>> {
        Arc::new((0..n).map(|i| Member { connection_id: format!("c{i}"), stage: None }).collect())
    }

    #[test]
    fn a_list_serves_its_version_only_and_not_past_its_age() {
        let c = MemberCache::default();
        c.put("lobby", 3, Instant::now(), members(2));
        assert_eq!(c.get("lobby", 3).map(|m| m.len()), Some(2));
        assert!(c.get("lobby", 4).is_none(), "a bumped version reads again");
        assert!(c.get("other", 3).is_none());
        c.put("old", 1, Instant::now() - MAX_AGE, members(1));
        assert!(c.get("old", 1).is_none(), "an old list reads again");
        // An older reading never replaces a newer one.
        c.put("lobby", 2, Instant::now(), members(5));
        assert_eq!(c.get("lobby", 3).map(|m| m.len()), Some(2));
        // Unless that one is past its age (the room's version started again).
        c.put("reset", 9, Instant::now() - MAX_AGE, members(1));
        c.put("reset", 1, Instant::now(), members(3));
        assert_eq!(c.get("reset", 1).map(|m| m.len()), Some(3));
    }

    #[test]
    fn large_rooms_are_not_kept_and_the_room_count_is_bounded() {
        let c = MemberCache::default();
        c.put("big", 1, Instant::now(), members(MAX_MEMBERS + 1));
        assert!(c.get("big", 1).is_none());
        for i in 0..MAX_ROOMS + 10 {
            c.put(&format!("r{i}"), 1, Instant::now(), members(1));
        }
        assert!(c.rooms.lock().unwrap().len() <= MAX_ROOMS);
    }
}
