//! A room's membership version: a counter every membership change bumps after its write, so a
//! fan-out can keep a room's members between messages and read one small item per message
//! instead of the whole room (a Query of the room's members costs as much as the members it
//! returns). A change is acknowledged only after its bump, so a send that starts after a join
//! or leave was answered sees the new version and reads the members again.

use super::item::{get_n, key, n, ROOM_KEY_PREFIX};
use super::{SessionStore, MAX_CONNECTION_SECS, TTL_ATTRIBUTE, TTL_MARGIN_SECS};
use crate::{AwsResultExt, Error};
use std::collections::BTreeSet;

const SK_VERSION: &str = "version";

fn version_key(room: &str) -> super::item::Item {
    key(&format!("{ROOM_KEY_PREFIX}{room}"), SK_VERSION)
}

impl SessionStore {
    /// The room's membership version (0 before its first change), read consistently.
    pub async fn room_version(&self, room: &str) -> Result<u64, Error> {
        let o = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(version_key(room)))
            .consistent_read(true)
            .projection_expression("ver")
            .send()
            .await
            .ctx("GetItem")?;
        Ok(o.item.as_ref().and_then(|i| get_n(i, "ver")).unwrap_or(0).max(0) as u64)
    }

    /// Bumps each room's version, after its membership write. The item expires once no
    /// membership written before the bump can still exist.
    pub(super) async fn bump_rooms(&self, rooms: &BTreeSet<String>) -> Result<(), Error> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let expires = now + MAX_CONNECTION_SECS + TTL_MARGIN_SECS;
        for room in rooms {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(version_key(room)))
                .update_expression("ADD ver :one SET #ttl = :ttl")
                .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":ttl", n(expires))
                .send()
                .await
                .ctx("UpdateItem")?;
        }
        Ok(())
    }
}

/// The room named by a membership item's sort key.
pub(super) fn room_of_sk(sk: &str) -> Option<&str> {
    sk.strip_prefix(super::item::SK_ROOM_PREFIX)
}
