//! The session store: a DynamoDB table written by the handlers and read by the CLI,
//! because API Gateway cannot list its connections.
//!
//! Schema (one table, keyed by connection id):
//!
//! | item | `connectionId` (hash) | `sk` (range) | other attributes |
//! |---|---|---|---|
//! | session | the id | `session` | `userId`, `rooms` (string set), `connectedAt`, `lastSeenAt` (epoch ms), `sourceIp`, `userAgent`, `stage`, `expiresAt` (epoch s, the TTL attribute), `disconnectStatus`, `disconnectReason`, `slot` (true: holds a place in its user's `conns`) |
//! | membership | the id | `room#NAME` | `room`, `member` (user id), `stage` (the session's; older items have none), `joinedAt`, `expiresAt` |
//! | a user's connections | `user#USER` | `conns` | `conns` (map: connection id -> epoch ms its place expires), `ver`, `expiresAt` ([`slots`]) |
//! | a room's membership version | `room#NAME` | `version` | `ver` (bumped after every membership change), `expiresAt` ([`versions`]) |
//! | a user's send budget | `user#USER` | `rate` | `tokens` (thousandths of a message), `at` (epoch ms), `ver`, `expiresAt` ([`rate`]) |
//!
//! Indexes: `by-user` (`userId`, `connectionId`) holds only session items; `by-room`
//! (`room`, `connectionId`) holds only membership items. Filtered lists are Queries on them,
//! never Scans. The per-user items carry neither `userId` nor `room`, and every listing and
//! count filters on `sk = session`, so they never show up as sessions. The TTL is
//! connectedAt + 2 h (no connection outlives that on AWS) + a margin.
//!
//! Modules: [`item`] (the record and its items), `sessions` (one session's life), `rooms`
//! (join, leave), `versions` (a room's membership version), `lists` (bulk reads), [`slots`]
//! (the exact per-user connection cap), [`rate`] (the per-user send budget), `table` (creating
//! the table).

mod item;
mod lists;
pub mod rate;
mod rooms;
mod sessions;
pub mod slots;
mod table;
mod versions;

pub use item::{session_from_item, validate_room, Session};
pub use lists::Member;
pub use rate::{Admit, RateLimit};
pub use rooms::RoomError;
pub use sessions::{GoneRemoval, PutError};
pub use slots::MAX_CONNECTIONS_CAP;
pub use table::ensure_table;

use crate::Error;
use aws_sdk_dynamodb::Client;
use std::time::Duration;

pub const INDEX_BY_USER: &str = "by-user";
pub const INDEX_BY_ROOM: &str = "by-room";
pub const TTL_ATTRIBUTE: &str = "expiresAt";
/// No connection outlives 2 h on AWS; the margin keeps records of slow disconnects visible to prune.
pub const MAX_CONNECTION_SECS: i64 = 2 * 3600;
pub const TTL_MARGIN_SECS: i64 = 15 * 60;
/// lastSeenAt is written at most this often per connection, to bound write cost.
pub const TOUCH_INTERVAL_MS: i64 = 60_000;

/// Options for listing every session.
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Parallel scan segments (1 = a plain scan).
    pub segments: u32,
    /// Items per page (DynamoDB also stops a page at 1 MB).
    pub page_size: i32,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { segments: 1, page_size: 1000 }
    }
}

/// The session store over one DynamoDB table.
#[derive(Clone, Debug)]
pub struct SessionStore {
    client: Client,
    table: String,
}

impl SessionStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        SessionStore { client, table: table.into() }
    }

    pub fn table(&self) -> &str {
        &self.table
    }
}

/// DynamoDB left part of a batch unprocessed (throttling): wait longer each time, give up after 8.
async fn back_off_unprocessed(attempt: &mut u32) -> Result<(), Error> {
    *attempt += 1;
    if *attempt > 8 {
        return Err(Error::invalid(
            "DynamoDB kept throttling a batch request",
            "try again later, or raise the table's capacity",
        ));
    }
    tokio::time::sleep(Duration::from_millis(25 << (*attempt).min(6))).await;
    Ok(())
}
