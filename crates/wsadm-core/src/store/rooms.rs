//! Joining and leaving rooms. A connection's rooms live twice: in its session's `rooms` set
//! (what `whoami` shows, what `send` checks) and as membership items (what the `by-room` index
//! finds for a fan-out). Both writes are ordered so that a failure never leaves a connection
//! receiving a room it was told it left, and the room cap is a condition on the set's write.
//! Every change bumps the room's membership version ([`super::versions`]) before it is answered.

use super::item::{
    condition_failed, key, membership_item, n, room_sk, s, session_from_item, validate_room, SK_SESSION,
};
use super::{Session, SessionStore};
use crate::{AwsResultExt, Error};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::collections::BTreeSet;
use std::time::Duration;

/// Attempts of each write of a `leave` (on top of the SDK's own retries).
const LEAVE_ATTEMPTS: u32 = 3;

/// Why a join or leave did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RoomError {
    #[error("connection {0} has no session record")]
    NoSession(String),
    #[error("this connection is in {max} rooms already, the most it may join")]
    TooManyRooms { max: usize },
    #[error(transparent)]
    Invalid(Error),
    #[error(transparent)]
    Store(Error),
}

impl SessionStore {
    /// Adds a connection to a room, unless it is in `max_rooms` rooms already (0: no cap).
    /// Returns the session as it now is.
    pub async fn join(
        &self,
        connection_id: &str,
        room: &str,
        now_ms: i64,
        max_rooms: usize,
    ) -> Result<Session, RoomError> {
        validate_room(room).map_err(RoomError::Invalid)?;
        let mut attempt = 0;
        let (before, after) = loop {
            match self.add_room(connection_id, room, max_rooms).await {
                Ok(Some(old)) => {
                    let mut new = old.clone();
                    new.rooms.insert(room.to_string());
                    break (old, new);
                }
                Ok(None) => {}
                Err(e) => return Err(RoomError::Store(e)),
            }
            // Refused by the condition: no record, or the cap. Which one?
            match self.get(connection_id).await.map_err(RoomError::Store)? {
                None => return Err(RoomError::NoSession(connection_id.to_string())),
                Some(sn) if max_rooms > 0 && !sn.rooms.contains(room) && sn.rooms.len() >= max_rooms => {
                    return Err(RoomError::TooManyRooms { max: max_rooms })
                }
                // It left a room (or joined this one) meanwhile: ask again.
                Some(_) if attempt < 3 => attempt += 1,
                Some(_) => return Err(RoomError::Store(Error::invalid("the session kept changing", "try again"))),
            }
        };
        if let Err(e) = self.batch_write(vec![membership_item(&after, room, now_ms)], false).await {
            // Keep the set and the index in step: undo the set change (if it was one).
            if !before.rooms.contains(room) {
                let _ = self.remove_room(connection_id, room).await;
            }
            return Err(RoomError::Store(e));
        }
        // Answered only after the bump: a send that starts later reads the members again.
        self.bump_rooms(&BTreeSet::from([room.to_string()])).await.map_err(RoomError::Store)?;
        Ok(after)
    }

    /// `ADD` the room to the set if the session exists and is under the cap (or in the room
    /// already). The session as it was; None when the condition refused.
    async fn add_room(&self, connection_id: &str, room: &str, max_rooms: usize) -> Result<Option<Session>, Error> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(connection_id, SK_SESSION)))
            .update_expression("ADD rooms :r")
            .expression_attribute_values(":r", AttributeValue::Ss(vec![room.to_string()]))
            .return_values(ReturnValue::AllOld);
        req = if max_rooms > 0 {
            req.condition_expression(
                "attribute_exists(connectionId) AND (attribute_not_exists(rooms) OR contains(rooms, :room) OR size(rooms) < :max)",
            )
            .expression_attribute_values(":room", s(room))
            .expression_attribute_values(":max", n(max_rooms as i64))
        } else {
            req.condition_expression("attribute_exists(connectionId)")
        };
        match req.send().await.ctx("UpdateItem") {
            Ok(o) => Ok(Some(o.attributes.as_ref().and_then(session_from_item).ok_or_else(|| {
                Error::invalid("UpdateItem returned no session", "the table holds a malformed session item")
            })?)),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `DELETE` the room from the set; the session as it now is (None: no session).
    async fn remove_room(&self, connection_id: &str, room: &str) -> Result<Option<Session>, Error> {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(connection_id, SK_SESSION)))
            .update_expression("DELETE rooms :r")
            .condition_expression("attribute_exists(connectionId)")
            .expression_attribute_values(":r", AttributeValue::Ss(vec![room.to_string()]))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .ctx("UpdateItem");
        match res {
            Ok(o) => Ok(o.attributes.as_ref().and_then(session_from_item)),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes a connection from a room (a no-op when it was not in it).
    ///
    /// The membership item goes first, retried: once it is gone the fan-out no longer
    /// delivers the room. If it cannot be removed, nothing has changed and the error says so.
    /// If the set's update then fails, the room is no longer delivered but still listed; the
    /// error tells the client, and leaving again completes it.
    pub async fn leave(&self, connection_id: &str, room: &str) -> Result<Session, RoomError> {
        validate_room(room).map_err(RoomError::Invalid)?;
        retry(|| async {
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key(connection_id, &room_sk(room))))
                .send()
                .await
                .ctx("DeleteItem")
                .map(|_| ())
        })
        .await
        .map_err(RoomError::Store)?;
        let rooms = BTreeSet::from([room.to_string()]);
        retry(|| self.bump_rooms(&rooms)).await.map_err(RoomError::Store)?;
        match retry(|| self.remove_room(connection_id, room)).await {
            Ok(Some(sn)) => Ok(sn),
            Ok(None) => Err(RoomError::NoSession(connection_id.to_string())),
            Err(e) => Err(RoomError::Store(e)),
        }
    }
}

/// Runs `f` up to [`LEAVE_ATTEMPTS`] times while it fails, with a short growing pause.
async fn retry<T, F, Fut>(mut f: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    let mut attempt = 1;
    loop {
        match f().await {
            Err(e) if attempt < LEAVE_ATTEMPTS => {
                tracing::warn!(error = %e, attempt, "retrying a leave write");
                tokio::time::sleep(Duration::from_millis(20 << attempt)).await;
                attempt += 1;
            }
            r => return r,
        }
    }
}
