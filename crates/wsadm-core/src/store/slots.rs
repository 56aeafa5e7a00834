//! The per-user connection cap, exact under concurrency.
//!
//! Counting the `by-user` index before writing (what this replaced) is check-then-write on an
//! eventually consistent index: twenty simultaneous connects all see "fewer than the cap" and
//! all write. Here each user has one item, `user#ID` / `conns`, whose map attribute `conns`
//! holds the user's connection ids, each with the epoch ms at which its place expires. A place
//! is taken by one conditional UpdateItem on that item, so DynamoDB serialises the connects:
//!
//! - fast path: `SET conns.#id = :expiry` if `size(conns) < :cap` and the id is not there.
//! - when that is refused (no item yet, full, or holding expired places): a consistent read,
//!   the expired places dropped, and the whole map written back if the version read is still
//!   the item's (`ver = :v`); refused when the live places reach the cap. A lost race starts
//!   over, a bounded number of times. Every write bumps `ver`, so no write is lost.
//!
//! Why ids with an expiry and not a bare counter (`ADD count :one` if `count < :cap`): on AWS
//! `$disconnect` is best effort. A lost invocation would leak a counted place for good, and
//! `cap` such losses would lock the user out. A place here stops counting when its connection
//! can no longer be open (connectedAt + 2 h, AWS's longest connection), and is freed at once by
//! anything that removes the record: `$disconnect`, the 410 cleanup of a fan-out or broadcast,
//! prune and kick all go through [`SessionStore::delete`], which frees it. The map stays small:
//! the live places are at most the cap (at most [`MAX_CONNECTIONS_CAP`]).
//!
//! The item has no `userId` or `room` attribute (so no index holds it) and its `sk` is not
//! `session` (so no listing shows it).

use super::item::{condition_failed, get_n, n, user_key, Item};
use super::{SessionStore, TTL_ATTRIBUTE, TTL_MARGIN_SECS};
use crate::{AwsResultExt, Error};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;
use std::time::Duration;

const SK_CONNS: &str = "conns";
/// The largest per-user cap: it bounds the map (about 30 bytes a place) far below the 400 KB item limit.
pub const MAX_CONNECTIONS_CAP: u64 = 1000;
/// Lost races before a connect gives up (each one means another connect of the same user won).
const MAX_ATTEMPTS: u32 = 12;

/// The outcome of asking for a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reserve {
    Taken,
    /// The user holds `open` live places already.
    Full {
        open: u64,
    },
    /// This connection id holds a place already.
    Held,
}

fn item_ttl(expires_ms: i64) -> AttributeValue {
    n(expires_ms / 1000 + TTL_MARGIN_SECS)
}

/// The places in an item: connection id -> expiry (epoch ms).
fn places(item: &Item) -> HashMap<String, i64> {
    let Some(AttributeValue::M(m)) = item.get(SK_CONNS) else { return HashMap::new() };
    m.iter().filter_map(|(id, v)| Some((id.clone(), v.as_n().ok()?.parse().ok()?))).collect()
}

impl SessionStore {
    /// Takes a place for `connection_id` among `user_id`'s connections, if fewer than `cap`
    /// live ones are held. `expires_ms`: when the place stops counting by itself.
    pub(super) async fn reserve_slot(
        &self,
        user_id: &str,
        connection_id: &str,
        expires_ms: i64,
        cap: u64,
        now_ms: i64,
    ) -> Result<Reserve, Error> {
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                // Jittered, so the losers of one race do not meet again at once.
                let ms = 2 + rand::random::<u64>() % (5 * u64::from(attempt.min(8)));
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            let fast = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(user_key(user_id, SK_CONNS)))
                .update_expression("SET conns.#id = :exp, #ttl = :ttl ADD ver :one")
                .condition_expression(
                    "attribute_exists(conns) AND size(conns) < :cap AND attribute_not_exists(conns.#id)",
                )
                .expression_attribute_names("#id", connection_id)
                .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
                .expression_attribute_values(":exp", n(expires_ms))
                .expression_attribute_values(":ttl", item_ttl(expires_ms))
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":cap", n(cap as i64))
                .send()
                .await
                .ctx("UpdateItem");
            match fast {
                Ok(_) => return Ok(Reserve::Taken),
                Err(e) if condition_failed(&e) => {}
                Err(e) => return Err(e),
            }
            if attempt == 0 {
                // Most often a user's first connection: no item yet. Creating it at once saves
                // the read (a quarter of a first connect's requests); refused if it exists.
                let first = HashMap::from([(connection_id.to_string(), expires_ms)]);
                if let Some(r) = self.write_places(user_id, first, None).await? {
                    return Ok(r);
                }
            }
            match self.reserve_slow(user_id, connection_id, expires_ms, cap, now_ms).await? {
                Some(r) => return Ok(r),
                None => continue, // lost a race: start over
            }
        }
        Err(Error::invalid(
            format!("too many simultaneous connects of user {user_id}"),
            "the connection count of this user kept changing; try again",
        ))
    }

    /// Reads the item, drops expired places and writes it back if nobody wrote meanwhile.
    /// None: somebody did (start over).
    async fn reserve_slow(
        &self,
        user_id: &str,
        connection_id: &str,
        expires_ms: i64,
        cap: u64,
        now_ms: i64,
    ) -> Result<Option<Reserve>, Error> {
        let item = self.read_item(user_key(user_id, SK_CONNS)).await?;
        let (mut live, version) = match &item {
            Some(item) => (places(item), get_n(item, "ver")),
            None => (HashMap::new(), None),
        };
        live.retain(|_, exp| *exp > now_ms);
        if live.contains_key(connection_id) {
            return Ok(Some(Reserve::Held));
        }
        if live.len() as u64 >= cap {
            return Ok(Some(Reserve::Full { open: live.len() as u64 }));
        }
        live.insert(connection_id.to_string(), expires_ms);
        self.write_places(user_id, live, version).await
    }

    /// Writes the user's places, if the item is still at `version` (None: if there is no item).
    /// None: it is not (start over).
    async fn write_places(
        &self,
        user_id: &str,
        live: HashMap<String, i64>,
        version: Option<i64>,
    ) -> Result<Option<Reserve>, Error> {
        let latest = live.values().copied().max().unwrap_or_default();
        let map: HashMap<String, AttributeValue> = live.into_iter().map(|(id, exp)| (id, n(exp))).collect();
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(user_key(user_id, SK_CONNS)))
            .update_expression("SET conns = :m, #ttl = :ttl, ver = :next")
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_values(":m", AttributeValue::M(map))
            .expression_attribute_values(":ttl", item_ttl(latest))
            .expression_attribute_values(":next", n(version.unwrap_or(0) + 1));
        req = match version {
            Some(v) => req.condition_expression("ver = :v").expression_attribute_values(":v", n(v)),
            None => req.condition_expression("attribute_not_exists(ver)"),
        };
        match req.send().await.ctx("UpdateItem") {
            Ok(_) => Ok(Some(Reserve::Taken)),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Frees `connection_id`'s place among `user_id`'s connections (a no-op when it holds none).
    pub(super) async fn release_slot(&self, user_id: &str, connection_id: &str) -> Result<(), Error> {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(user_key(user_id, SK_CONNS)))
            // The version moves too, so a concurrent slow-path write cannot put the place back.
            .update_expression("REMOVE conns.#id ADD ver :one")
            .condition_expression("attribute_exists(conns.#id)")
            .expression_attribute_names("#id", connection_id)
            .expression_attribute_values(":one", n(1))
            .send()
            .await
            .ctx("UpdateItem");
        match res {
            Err(e) if condition_failed(&e) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// How many places `user_id` holds that count at `now_ms` (what the cap compares with).
    pub async fn open_connections(&self, user_id: &str, now_ms: i64) -> Result<u64, Error> {
        let item = self.read_item(user_key(user_id, SK_CONNS)).await?;
        Ok(item.as_ref().map(places).unwrap_or_default().values().filter(|exp| **exp > now_ms).count() as u64)
    }
}
