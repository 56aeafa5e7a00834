//! The session store: a DynamoDB table written by the handlers and read by the CLI,
//! because API Gateway cannot list its connections.
//!
//! Schema (one table, keyed by connection id):
//!
//! | item | `connectionId` (hash) | `sk` (range) | other attributes |
//! |---|---|---|---|
//! | session | the id | `session` | `userId`, `rooms` (string set), `connectedAt`, `lastSeenAt` (epoch ms), `sourceIp`, `userAgent`, `stage`, `expiresAt` (epoch s, the TTL attribute), `disconnectStatus`, `disconnectReason` |
//! | membership | the id | `room#NAME` | `room`, `member` (user id), `joinedAt`, `expiresAt` |
//!
//! Indexes: `by-user` (`userId`, `connectionId`) holds only session items; `by-room`
//! (`room`, `connectionId`) holds only membership items. Filtered lists are Queries on them,
//! never Scans. The TTL is connectedAt + 2 h (no connection outlives that on AWS) + a margin.

use crate::{AwsResultExt, Error};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, DeleteRequest, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    KeysAndAttributes, PointInTimeRecoverySpecification, Projection, ProjectionType, PutRequest, ScalarAttributeType,
    Select, SseSpecification, TableStatus, Tag, TimeToLiveSpecification, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

pub const INDEX_BY_USER: &str = "by-user";
pub const INDEX_BY_ROOM: &str = "by-room";
pub const TTL_ATTRIBUTE: &str = "expiresAt";
/// No connection outlives 2 h on AWS; the margin keeps records of slow disconnects visible to prune.
pub const MAX_CONNECTION_SECS: i64 = 2 * 3600;
pub const TTL_MARGIN_SECS: i64 = 15 * 60;
/// lastSeenAt is written at most this often per connection, to bound write cost.
pub const TOUCH_INTERVAL_MS: i64 = 60_000;

const SK_SESSION: &str = "session";
const SK_ROOM_PREFIX: &str = "room#";
const MAX_ROOM_LEN: usize = 64;
const MAX_USER_LEN: usize = 128;

type Item = HashMap<String, AttributeValue>;

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

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn get_s(item: &Item, k: &str) -> Option<String> {
    item.get(k).and_then(|v| v.as_s().ok()).cloned()
}

fn get_n(item: &Item, k: &str) -> Option<i64> {
    item.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok())
}

fn key(connection_id: &str, sk: &str) -> Item {
    HashMap::from([("connectionId".to_string(), s(connection_id)), ("sk".to_string(), s(sk))])
}

fn session_item(sn: &Session) -> Item {
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

/// Reads a session item; None for anything else (membership items, foreign data).
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

fn membership_item(sn: &Session, room: &str, now_ms: i64) -> Item {
    let mut item = key(&sn.connection_id, &format!("{SK_ROOM_PREFIX}{room}"));
    item.insert("room".into(), s(room));
    item.insert("member".into(), s(&sn.user_id));
    item.insert("joinedAt".into(), n(now_ms));
    item.insert(TTL_ATTRIBUTE.into(), n(sn.expires_at));
    item
}

fn build_err(e: aws_sdk_dynamodb::error::BuildError) -> Error {
    Error::invalid(format!("cannot build a DynamoDB request: {e}"), "this is a bug in wsadm; please report it")
}

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

/// What `put_session` can refuse.
#[derive(Debug, thiserror::Error)]
pub enum PutError {
    #[error("connection {0} already has a session record")]
    Exists(String),
    #[error(transparent)]
    Store(#[from] Error),
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

    /// Records a new connection and its initial rooms. Never overwrites another connection's
    /// record: an existing id is refused. The session item is written first (conditionally),
    /// then the memberships; if those fail, the session item is removed again, so a failed
    /// connect leaves nothing behind. (No transaction: it costs twice the writes on AWS, and
    /// the local stand-in copies the whole table for each one.)
    pub async fn put_session(&self, sn: &Session) -> Result<(), PutError> {
        for r in &sn.rooms {
            validate_room(r)?;
        }
        if sn.user_id.is_empty() || sn.user_id.len() > MAX_USER_LEN {
            return Err(
                Error::invalid("a session needs a user id of 1-128 bytes", "check the authorizer context").into()
            );
        }
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(session_item(sn)))
            .condition_expression("attribute_not_exists(connectionId)")
            .send()
            .await
            .ctx("PutItem");
        match res {
            Ok(_) => {}
            Err(Error::Service { ref code, .. }) if code == "ConditionalCheckFailedException" => {
                return Err(PutError::Exists(sn.connection_id.clone()))
            }
            Err(e) => return Err(e.into()),
        }
        let memberships: Vec<Item> = sn.rooms.iter().map(|r| membership_item(sn, r, sn.connected_at)).collect();
        if let Err(e) = self.batch_write(memberships, false).await {
            let _ = self.delete(&sn.connection_id).await;
            return Err(e.into());
        }
        Ok(())
    }

    /// The session record of one connection.
    pub async fn get(&self, connection_id: &str) -> Result<Option<Session>, Error> {
        let o = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(connection_id, SK_SESSION)))
            .consistent_read(true)
            .send()
            .await
            .ctx("GetItem")?;
        Ok(o.item.as_ref().and_then(session_from_item))
    }

    /// Removes a connection's record and memberships. Deleting what is not there is fine.
    /// Returns the removed session, if there was one.
    pub async fn delete(&self, connection_id: &str) -> Result<Option<Session>, Error> {
        let o = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("connectionId = :c")
            .expression_attribute_values(":c", s(connection_id))
            .consistent_read(true)
            .send()
            .await
            .ctx("Query")?;
        let items = o.items.unwrap_or_default();
        let session = items.iter().find_map(session_from_item);
        let keys: Vec<Item> =
            items.iter().filter_map(|i| Some(key(&get_s(i, "connectionId")?, &get_s(i, "sk")?))).collect();
        self.batch_write(keys, true).await?;
        Ok(session)
    }

    /// Puts items, or deletes the items with these keys, 25 per call, retrying what DynamoDB
    /// leaves unprocessed.
    async fn batch_write(&self, items: Vec<Item>, delete: bool) -> Result<(), Error> {
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

    /// Adds a connection to a room. Fails with `Invalid` when the connection has no record.
    pub async fn join(&self, connection_id: &str, room: &str, now_ms: i64) -> Result<Session, Error> {
        validate_room(room)?;
        let sn = self.update_rooms(connection_id, "ADD", room).await?;
        if let Err(e) = self.batch_write(vec![membership_item(&sn, room, now_ms)], false).await {
            // Keep the set and the index in step: undo the set change.
            let _ = self.update_rooms(connection_id, "DELETE", room).await;
            return Err(e);
        }
        Ok(sn)
    }

    /// Removes a connection from a room (a no-op when it was not in it).
    pub async fn leave(&self, connection_id: &str, room: &str) -> Result<Session, Error> {
        validate_room(room)?;
        let sn = self.update_rooms(connection_id, "DELETE", room).await?;
        self.batch_write(vec![key(connection_id, &format!("{SK_ROOM_PREFIX}{room}"))], true).await?;
        Ok(sn)
    }

    /// `ADD`/`DELETE` one room in the session's set; returns the session as it now is.
    async fn update_rooms(&self, connection_id: &str, op: &str, room: &str) -> Result<Session, Error> {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(connection_id, SK_SESSION)))
            .update_expression(format!("{op} rooms :r"))
            .condition_expression("attribute_exists(connectionId)")
            .expression_attribute_values(":r", AttributeValue::Ss(vec![room.to_string()]))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await
            .ctx("UpdateItem");
        match res {
            Ok(o) => o.attributes.as_ref().and_then(session_from_item).ok_or_else(|| no_session(connection_id)),
            Err(Error::Service { ref code, .. }) if code == "ConditionalCheckFailedException" => {
                Err(no_session(connection_id))
            }
            Err(e) => Err(e),
        }
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
            Err(Error::Service { ref code, .. }) if code == "ConditionalCheckFailedException" => Ok(false),
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
            Err(Error::Service { ref code, .. }) if code == "ConditionalCheckFailedException" => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Every session, page by page (memory holds at most `segments` pages).
    pub fn list_all(&self, opts: ScanOptions) -> BoxStream<'static, Result<Session, Error>> {
        let segments = opts.segments.max(1);
        let streams: Vec<_> = (0..segments).map(|seg| self.scan_segment(seg, segments, opts.page_size)).collect();
        stream::select_all(streams)
            .map_ok(|page| stream::iter(page.into_iter().map(Ok::<Session, Error>)))
            .try_flatten()
            .boxed()
    }

    fn scan_segment(
        &self,
        segment: u32,
        total: u32,
        page_size: i32,
    ) -> BoxStream<'static, Result<Vec<Session>, Error>> {
        let (client, table) = (self.client.clone(), self.table.clone());
        stream::try_unfold(Some(None::<Item>), move |state| {
            let (client, table) = (client.clone(), table.clone());
            async move {
                let Some(start) = state else { return Ok(None) };
                let mut req = client
                    .scan()
                    .table_name(&table)
                    .filter_expression("sk = :s")
                    .expression_attribute_values(":s", s(SK_SESSION))
                    .limit(page_size)
                    .set_exclusive_start_key(start);
                if total > 1 {
                    req = req.segment(segment as i32).total_segments(total as i32);
                }
                let o = req.send().await.ctx("Scan")?;
                let page: Vec<Session> = o.items().iter().filter_map(session_from_item).collect();
                let next = o.last_evaluated_key.filter(|k| !k.is_empty()).map(Some);
                Ok(Some((page, next)))
            }
        })
        .boxed()
    }

    /// The sessions of one user (a Query on `by-user`).
    pub fn list_by_user(&self, user_id: &str) -> BoxStream<'static, Result<Session, Error>> {
        self.query_index(INDEX_BY_USER, "userId", user_id)
            .map_ok(|items| stream::iter(items.iter().filter_map(session_from_item).map(Ok).collect::<Vec<_>>()))
            .try_flatten()
            .boxed()
    }

    /// The connection ids in a room (a Query on `by-room`), page by page.
    pub fn room_members(&self, room: &str) -> BoxStream<'static, Result<Vec<String>, Error>> {
        self.query_index(INDEX_BY_ROOM, "room", room)
            .map_ok(|items| items.iter().filter_map(|i| get_s(i, "connectionId")).collect())
            .boxed()
    }

    /// The sessions in a room: members from `by-room`, their records by BatchGetItem.
    pub fn list_by_room(&self, room: &str) -> BoxStream<'static, Result<Session, Error>> {
        let this = self.clone();
        self.room_members(room)
            .and_then(move |ids| {
                let this = this.clone();
                async move { this.batch_get(ids).await }
            })
            .map_ok(|v| stream::iter(v.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Session records for these ids (missing ones are skipped), in the given order.
    pub async fn batch_get(&self, ids: Vec<String>) -> Result<Vec<Session>, Error> {
        let mut found: HashMap<String, Session> = HashMap::new();
        for chunk in ids.chunks(100) {
            let mut keys: Vec<Item> = chunk.iter().map(|id| key(id, SK_SESSION)).collect();
            let mut attempt = 0u32;
            while !keys.is_empty() {
                let ka = KeysAndAttributes::builder().set_keys(Some(keys)).build().map_err(build_err)?;
                let o = self.client.batch_get_item().request_items(&self.table, ka).send().await.ctx("BatchGetItem")?;
                for item in o.responses.as_ref().and_then(|r| r.get(&self.table)).into_iter().flatten() {
                    if let Some(sn) = session_from_item(item) {
                        found.insert(sn.connection_id.clone(), sn);
                    }
                }
                keys = o.unprocessed_keys.and_then(|mut m| m.remove(&self.table)).map(|k| k.keys).unwrap_or_default();
                if !keys.is_empty() {
                    back_off_unprocessed(&mut attempt).await?;
                }
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    fn query_index(
        &self,
        index: &'static str,
        attr: &'static str,
        value: &str,
    ) -> BoxStream<'static, Result<Vec<Item>, Error>> {
        let (client, table, value) = (self.client.clone(), self.table.clone(), value.to_string());
        stream::try_unfold(Some(None::<Item>), move |state| {
            let (client, table, value) = (client.clone(), table.clone(), value.clone());
            async move {
                let Some(start) = state else { return Ok(None) };
                let o = client
                    .query()
                    .table_name(&table)
                    .index_name(index)
                    .key_condition_expression("#k = :v")
                    .expression_attribute_names("#k", attr)
                    .expression_attribute_values(":v", s(value))
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .ctx("Query")?;
                let next = o.last_evaluated_key.filter(|k| !k.is_empty()).map(Some);
                Ok(Some((o.items.unwrap_or_default(), next)))
            }
        })
        .boxed()
    }

    /// How many sessions the table holds (a counting scan: no items are transferred).
    pub async fn count(&self) -> Result<u64, Error> {
        let mut total = 0u64;
        let mut start: Option<Item> = None;
        loop {
            let o = self
                .client
                .scan()
                .table_name(&self.table)
                .select(Select::Count)
                .filter_expression("sk = :s")
                .expression_attribute_values(":s", s(SK_SESSION))
                .set_exclusive_start_key(start)
                .send()
                .await
                .ctx("Scan")?;
            total += o.count.max(0) as u64;
            match o.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(k) => start = Some(k),
                None => return Ok(total),
            }
        }
    }

    /// How many sessions one user has (for the per-user connection cap).
    pub async fn count_by_user(&self, user_id: &str) -> Result<u64, Error> {
        let mut total = 0u64;
        let mut start: Option<Item> = None;
        loop {
            let o = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(INDEX_BY_USER)
                .select(Select::Count)
                .key_condition_expression("userId = :u")
                .expression_attribute_values(":u", s(user_id))
                .set_exclusive_start_key(start)
                .send()
                .await
                .ctx("Query")?;
            total += o.count.max(0) as u64;
            match o.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(k) => start = Some(k),
                None => return Ok(total),
            }
        }
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

fn no_session(connection_id: &str) -> Error {
    Error::invalid(
        format!("connection {connection_id} has no session record"),
        "the connection may be gone; see `wsadm sessions ls`",
    )
}

/// Creates the session table (indexes, TTL, point-in-time recovery, encryption) or brings an
/// existing one up to that, and waits until it is active. Returns true when it created it.
pub async fn ensure_table(client: &Client, table: &str, tags: &[(String, String)]) -> Result<bool, Error> {
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(build_err)
    };
    let key_el = |name: &str, kt: KeyType| {
        KeySchemaElement::builder().attribute_name(name).key_type(kt).build().map_err(build_err)
    };
    let gsi = |name: &str, hash: &str| -> Result<GlobalSecondaryIndex, Error> {
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key_el(hash, KeyType::Hash)?)
            .key_schema(key_el("connectionId", KeyType::Range)?)
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()
            .map_err(build_err)
    };
    let exists = match client.describe_table().table_name(table).send().await.ctx("DescribeTable") {
        Ok(_) => true,
        Err(Error::Service { ref code, .. }) if code == "ResourceNotFoundException" => false,
        Err(e) => return Err(e),
    };
    if !exists {
        let mut req = client
            .create_table()
            .table_name(table)
            .attribute_definitions(attr("connectionId")?)
            .attribute_definitions(attr("sk")?)
            .attribute_definitions(attr("userId")?)
            .attribute_definitions(attr("room")?)
            .key_schema(key_el("connectionId", KeyType::Hash)?)
            .key_schema(key_el("sk", KeyType::Range)?)
            .global_secondary_indexes(gsi(INDEX_BY_USER, "userId")?)
            .global_secondary_indexes(gsi(INDEX_BY_ROOM, "room")?)
            .billing_mode(BillingMode::PayPerRequest)
            .sse_specification(SseSpecification::builder().enabled(true).build());
        for (k, v) in tags {
            req = req.tags(Tag::builder().key(k).value(v).build().map_err(build_err)?);
        }
        match req.send().await.ctx("CreateTable") {
            Ok(_) => {}
            // Someone else created it meanwhile: converge on theirs.
            Err(Error::Service { ref code, .. }) if code == "ResourceInUseException" => {}
            Err(e) => return Err(e),
        }
    }
    wait_active(client, table).await?;
    let ttl = client.describe_time_to_live().table_name(table).send().await.ctx("DescribeTimeToLive")?;
    let ttl_on = ttl.time_to_live_description().is_some_and(|d| {
        d.attribute_name() == Some(TTL_ATTRIBUTE) && d.time_to_live_status().is_some_and(|s| s.as_str() != "DISABLED")
    });
    if !ttl_on {
        client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(TTL_ATTRIBUTE)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .ctx("UpdateTimeToLive")?;
    }
    let backups =
        client.describe_continuous_backups().table_name(table).send().await.ctx("DescribeContinuousBackups")?;
    let pitr_on = backups
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        .is_some_and(|s| s.as_str() == "ENABLED");
    if !pitr_on {
        client
            .update_continuous_backups()
            .table_name(table)
            .point_in_time_recovery_specification(
                PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(true)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .ctx("UpdateContinuousBackups")?;
    }
    Ok(!exists)
}

async fn wait_active(client: &Client, table: &str) -> Result<(), Error> {
    for attempt in 0..120u64 {
        let d = client.describe_table().table_name(table).send().await.ctx("DescribeTable")?;
        let status = d.table().and_then(|t| t.table_status()).cloned();
        if status == Some(TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250 * (attempt + 1).min(8))).await;
    }
    Err(Error::invalid(format!("table {table} did not become ACTIVE"), "check it in the DynamoDB console"))
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
        assert_eq!(session_from_item(&item), Some(sn));
        // A membership item is not a session.
        let mut m = key("abc=", "room#lobby");
        m.insert("room".into(), s("lobby"));
        assert_eq!(session_from_item(&m), None);
    }

    #[test]
    fn room_names() {
        for ok in ["lobby", "team-1", "a.b:c_d", &"x".repeat(64)] {
            assert!(validate_room(ok).is_ok(), "{ok}");
        }
        for bad in ["", "has space", "room#x", &"x".repeat(65), "é"] {
            assert!(validate_room(bad).is_err(), "{bad}");
        }
    }
}
