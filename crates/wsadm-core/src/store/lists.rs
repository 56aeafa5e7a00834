//! Reading sessions in bulk: every session (a scan filtered on `sk = session`, so membership
//! and per-user items never show up), one user's or one room's (Queries on the indexes),
//! counts, and records by id.

use super::item::{build_err, get_s, key, s, session_from_item, Item, SK_SESSION};
use super::{back_off_unprocessed, ScanOptions, Session, SessionStore, INDEX_BY_ROOM, INDEX_BY_USER};
use crate::{AwsResultExt, Error};
use aws_sdk_dynamodb::types::{KeysAndAttributes, Select};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use std::collections::HashMap;

/// A room's member, as its membership item names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub connection_id: String,
    /// The connection's stage (None for memberships written before they carried one).
    pub stage: Option<String>,
}

impl SessionStore {
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

    /// At most `n` sessions, from at most `max_pages` Scan pages of `Limit n`: a bounded sample,
    /// never the whole table (membership items count against the limit, hence a few pages).
    pub async fn sample(&self, n: usize, max_pages: usize) -> Result<Vec<Session>, Error> {
        let limit = i32::try_from(n.max(1)).unwrap_or(i32::MAX);
        let mut pages = self.scan_segment(0, 1, limit).take(max_pages);
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            out.extend(page?);
            if out.len() >= n {
                break;
            }
        }
        out.truncate(n);
        Ok(out)
    }

    /// The sessions of one user (a Query on `by-user`).
    pub fn list_by_user(&self, user_id: &str) -> BoxStream<'static, Result<Session, Error>> {
        self.query_index(INDEX_BY_USER, "userId", user_id, &[])
            .map_ok(|items| stream::iter(items.iter().filter_map(session_from_item).map(Ok).collect::<Vec<_>>()))
            .try_flatten()
            .boxed()
    }

    /// The connection ids in a room (a Query on `by-room`), page by page.
    pub fn room_members(&self, room: &str) -> BoxStream<'static, Result<Vec<String>, Error>> {
        self.query_index(INDEX_BY_ROOM, "room", room, &["connectionId"])
            .map_ok(|items| items.iter().filter_map(|i| get_s(i, "connectionId")).collect())
            .boxed()
    }

    /// The members of a room with the stage their membership names (a Query on `by-room`),
    /// page by page.
    pub fn room_members_staged(&self, room: &str) -> BoxStream<'static, Result<Vec<Member>, Error>> {
        self.query_index(INDEX_BY_ROOM, "room", room, &["connectionId", "stage"])
            .map_ok(|items| {
                items
                    .iter()
                    .filter_map(|i| Some(Member { connection_id: get_s(i, "connectionId")?, stage: get_s(i, "stage") }))
                    .collect()
            })
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
        projection: &'static [&'static str],
    ) -> BoxStream<'static, Result<Vec<Item>, Error>> {
        let (client, table, value) = (self.client.clone(), self.table.clone(), value.to_string());
        stream::try_unfold(Some(None::<Item>), move |state| {
            let (client, table, value) = (client.clone(), table.clone(), value.clone());
            async move {
                let Some(start) = state else { return Ok(None) };
                let mut q = client
                    .query()
                    .table_name(&table)
                    .index_name(index)
                    .key_condition_expression("#k = :v")
                    .expression_attribute_names("#k", attr)
                    .expression_attribute_values(":v", s(value))
                    .set_exclusive_start_key(start);
                // Only the attributes used: a room's fan-out reads its members on every message.
                if !projection.is_empty() {
                    let names: Vec<String> = (0..projection.len()).map(|i| format!("#p{i}")).collect();
                    q = q.projection_expression(names.join(", "));
                    for (name, attr) in names.into_iter().zip(projection) {
                        q = q.expression_attribute_names(name, *attr);
                    }
                }
                let o = q.send().await.ctx("Query")?;
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

    /// How many session records one user has (a count of the eventually consistent `by-user`
    /// index, for listings; the connection cap uses [`SessionStore::open_connections`]).
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
