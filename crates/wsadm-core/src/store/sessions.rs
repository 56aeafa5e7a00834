//! One session's life: recorded at `$connect` (with its place among the user's connections),
//! read, touched, marked, and removed with its memberships and its place.

use super::item::{
    build_err, condition_failed, get_s, key, membership_item, n, s, session_from_item, session_item, validate_room,
    Item, MAX_USER_LEN, SK_SESSION, SLOT_ATTRIBUTE,
};
use super::slots::{Reserve, MAX_CONNECTIONS_CAP};
use super::versions::room_of_sk;
use super::{back_off_unprocessed, Session, SessionStore, MAX_CONNECTION_SECS, TOUCH_INTERVAL_MS};
use crate::broadcast::{gone_record_removable, GONE_MIN_AGE_MS};
use crate::{AwsResultExt, Error};
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};

/// Items per page when reading one connection's items (its session and memberships).
const CONNECTION_PAGE_ITEMS: i32 = 100;

/// What `put_session` / `open_session` can refuse.
#[derive(Debug, thiserror::Error)]
pub enum PutError {
    #[error("connection {0} already has a session record")]
    Exists(String),
    #[error("user {user} has {open} open connections (the most allowed is {cap})")]
    CapReached { user: String, open: u64, cap: u64 },
    #[error(transparent)]
    Store(#[from] Error),
}

/// What a 410 did to a record ([`SessionStore::remove_gone`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoneRemoval {
    /// Removed (with its memberships and its place).
    Removed(Box<Session>),
    /// Left alone: younger than the minimum age, its connection may still be in `$connect`.
    TooNew,
    /// Left alone: the record is of another stage (named), so the 410 came from asking the
    /// wrong stage's endpoint and says nothing about the connection.
    OtherStage(String),
    /// There was no session record (stray memberships, if any, were removed).
    NoRecord,
}

impl SessionStore {
    /// Records a new connection and its initial rooms, without a per-user cap (see
    /// [`SessionStore::open_session`]).
    pub async fn put_session(&self, sn: &Session) -> Result<(), PutError> {
        self.open_session(sn, 0, sn.connected_at).await
    }

    /// Records a new connection and its initial rooms, if its user holds fewer than `cap` live
    /// connections (0: no cap, and the connection takes no place in the count). Never
    /// overwrites another connection's record: an existing id is refused.
    ///
    /// Order: the place (exact, see `slots`), then the session item (conditionally), then the
    /// memberships; what fails undoes what was done, so a failed connect leaves nothing behind.
    /// (No transaction: it costs twice the writes on AWS, and the local stand-in copies the
    /// whole table for each one.)
    pub async fn open_session(&self, sn: &Session, cap: u64, now_ms: i64) -> Result<(), PutError> {
        for r in &sn.rooms {
            validate_room(r)?;
        }
        if sn.user_id.is_empty() || sn.user_id.len() > MAX_USER_LEN {
            return Err(
                Error::invalid("a session needs a user id of 1-128 bytes", "check the authorizer context").into()
            );
        }
        if cap > MAX_CONNECTIONS_CAP {
            return Err(Error::invalid(
                format!("a per-user connection cap of {cap} is over {MAX_CONNECTIONS_CAP}"),
                "set WSADM_MAX_CONNECTIONS_PER_USER to 0 (none) or 1-1000",
            )
            .into());
        }
        let counted = cap > 0;
        if counted {
            // No connection outlives connectedAt + 2 h on AWS: after that its place is free.
            let expires_ms = sn.connected_at.max(now_ms) + MAX_CONNECTION_SECS * 1000;
            match self.reserve_slot(&sn.user_id, &sn.connection_id, expires_ms, cap, now_ms).await? {
                Reserve::Taken => {}
                Reserve::Full { open } => return Err(PutError::CapReached { user: sn.user_id.clone(), open, cap }),
                Reserve::Held => return Err(PutError::Exists(sn.connection_id.clone())),
            }
        }
        let mut item = session_item(sn);
        if counted {
            item.insert(SLOT_ATTRIBUTE.into(), AttributeValue::Bool(true));
        }
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(connectionId)")
            .send()
            .await
            .ctx("PutItem");
        if let Err(e) = res {
            if counted {
                // The place just taken is this attempt's (an id holding one was refused above).
                if let Err(e) = self.release_slot(&sn.user_id, &sn.connection_id).await {
                    tracing::warn!(connection_id = %sn.connection_id, error = %e, "could not free the place of a failed connect");
                }
            }
            return Err(if condition_failed(&e) { PutError::Exists(sn.connection_id.clone()) } else { e.into() });
        }
        let memberships: Vec<Item> = sn.rooms.iter().map(|r| membership_item(sn, r, sn.connected_at)).collect();
        if let Err(e) = self.batch_write(memberships, false).await {
            let _ = self.delete(&sn.connection_id).await;
            return Err(e.into());
        }
        if let Err(e) = self.bump_rooms(&sn.rooms).await {
            let _ = self.delete(&sn.connection_id).await;
            return Err(e.into());
        }
        Ok(())
    }

    /// The session record of one connection.
    pub async fn get(&self, connection_id: &str) -> Result<Option<Session>, Error> {
        Ok(self.read_item(key(connection_id, SK_SESSION)).await?.as_ref().and_then(session_from_item))
    }

    /// One item by its key, read consistently (a write just made is seen).
    pub(super) async fn read_item(&self, key: super::item::Item) -> Result<Option<super::item::Item>, Error> {
        let o = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .ctx("GetItem")?;
        Ok(o.item)
    }

    /// Removes a connection's record, all its memberships (page by page) and its place among
    /// its user's connections. Deleting what is not there is fine. Returns the removed
    /// session, if there was one.
    ///
    /// The place is freed first: that is idempotent, so a call that fails later can simply be
    /// repeated (once the record is gone nothing would tell which user's place to free).
    pub async fn delete(&self, connection_id: &str) -> Result<Option<Session>, Error> {
        let mut keys: Vec<Item> = Vec::new();
        let mut rooms = std::collections::BTreeSet::new();
        let mut session = None;
        let mut counted = false;
        let mut start: Option<Item> = None;
        loop {
            let o = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("connectionId = :c")
                .expression_attribute_values(":c", s(connection_id))
                .consistent_read(true)
                .limit(CONNECTION_PAGE_ITEMS)
                .set_exclusive_start_key(start)
                .send()
                .await
                .ctx("Query")?;
            for item in o.items() {
                let Some(sk) = get_s(item, "sk") else { continue };
                if sk == SK_SESSION {
                    session = session_from_item(item);
                    counted = item.get(SLOT_ATTRIBUTE).and_then(|v| v.as_bool().ok()).copied().unwrap_or(false);
                } else if let Some(room) = room_of_sk(&sk) {
                    rooms.insert(room.to_string());
                } else {
                    continue; // not ours to remove
                }
                keys.push(key(connection_id, &sk));
            }
            match o.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(k) => start = Some(k),
                None => break,
            }
        }
        if let Some(sn) = session.as_ref().filter(|_| counted) {
            self.release_slot(&sn.user_id, connection_id).await?;
        }
        self.batch_write(keys, true).await?;
        // A cached member list that still holds a removed connection only costs a 410.
        if let Err(e) = self.bump_rooms(&rooms).await {
            tracing::warn!(connection_id, error = %e, "could not bump the rooms' membership version");
        }
        Ok(session)
    }

    /// What a 410 (gone) for `connection_id` does to its record at `now_ms`: removed, unless it
    /// is younger than [`GONE_MIN_AGE_MS`] (see [`gone_record_removable`]).
    pub async fn remove_gone(&self, connection_id: &str, now_ms: i64) -> Result<GoneRemoval, Error> {
        self.remove_gone_older_than(connection_id, now_ms, GONE_MIN_AGE_MS).await
    }

    /// [`Self::remove_gone`] with the operator's minimum age (`--min-age`).
    pub async fn remove_gone_older_than(
        &self,
        connection_id: &str,
        now_ms: i64,
        min_age_ms: i64,
    ) -> Result<GoneRemoval, Error> {
        self.remove_gone_in_stage(connection_id, now_ms, min_age_ms, None).await
    }

    /// [`Self::remove_gone_older_than`] for a 410 from `stage`'s endpoint: a record that names
    /// another stage is kept (a record without a stage, or no `stage` given, is not compared).
    pub async fn remove_gone_in_stage(
        &self,
        connection_id: &str,
        now_ms: i64,
        min_age_ms: i64,
        stage: Option<&str>,
    ) -> Result<GoneRemoval, Error> {
        match self.get(connection_id).await? {
            Some(Session { stage: Some(theirs), .. }) if stage.is_some_and(|s| s != theirs) => {
                Ok(GoneRemoval::OtherStage(theirs))
            }
            Some(sn) if !gone_record_removable(sn.connected_at, now_ms, min_age_ms) => Ok(GoneRemoval::TooNew),
            Some(_) => Ok(self
                .delete(connection_id)
                .await?
                .map_or(GoneRemoval::NoRecord, |s| GoneRemoval::Removed(Box::new(s)))),
            None => {
                self.delete(connection_id).await?;
                Ok(GoneRemoval::NoRecord)
            }
        }
    }

    /// Puts items, or deletes the items with these keys, 25 per call, retrying what DynamoDB
    /// leaves unprocessed.
    pub(super) async fn batch_write(&self, items: Vec<Item>, delete: bool) -> Result<(), Error> {
        for chunk in items.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|i| {
                    Ok(if delete {
                        let d = DeleteRequest::builder().set_key(Some(i.clone())).build().map_err(build_err)?;
                        WriteRequest::builder().delete_request(d).build()
                    } else {
                        let p = PutRequest::builder().set_item(Some(i.clone())).build().map_err(build_err)?;
                        WriteRequest::builder().put_request(p).build()
                    })
                })
                .collect::<Result<_, Error>>()?;
            let mut attempt = 0u32;
            while !pending.is_empty() {
                let o = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .ctx("BatchWriteItem")?;
                pending = o.unprocessed_items.and_then(|mut m| m.remove(&self.table)).unwrap_or_default();
                if !pending.is_empty() {
                    back_off_unprocessed(&mut attempt).await?;
                }
            }
        }
        Ok(())
    }

    /// Sets lastSeenAt to `now_ms` unless it was set less than a minute ago (the condition
    /// makes the limit hold across Lambda instances). Returns whether it wrote.
    pub async fn touch(&self, connection_id: &str, now_ms: i64) -> Result<bool, Error> {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(connection_id, SK_SESSION)))
            .update_expression("SET lastSeenAt = :now")
            .condition_expression("attribute_exists(connectionId) AND lastSeenAt < :cutoff")
            .expression_attribute_values(":now", n(now_ms))
            .expression_attribute_values(":cutoff", n(now_ms - TOUCH_INTERVAL_MS))
            .send()
            .await
            .ctx("UpdateItem");
        match res {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Records how a connection ended (when its record is kept, e.g. for inspection).
    pub async fn mark_disconnected(&self, connection_id: &str, status: i64, reason: &str) -> Result<(), Error> {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(connection_id, SK_SESSION)))
            .update_expression("SET disconnectStatus = :s, disconnectReason = :r")
            .condition_expression("attribute_exists(connectionId)")
            .expression_attribute_values(":s", n(status))
            .expression_attribute_values(":r", s(reason))
            .send()
            .await
            .ctx("UpdateItem");
        match res {
            Err(e) if condition_failed(&e) => Ok(()),
            other => other.map(|_| ()),
        }
    }
}
