//! `send`: checks (text, membership, the user's budget), then the fan-out to the room's other
//! members through @connections, with bounded concurrency. The members come from the cache
//! while the room's membership version is unchanged (`members`), else from the `by-room`
//! index. A 410 removes that member's record by the same minimum-age rule as broadcast and
//! prune ([`SessionStore::remove_gone`] applies
//! [`wsadm_core::broadcast::gone_record_removable`]): a member still in `$connect` answers 410
//! too. One table may serve several stages: members of another stage are not posted
//! to (their membership names their stage), and a 410 never removes a record of another stage
//! (memberships written before they named a stage are tried on this stage's endpoint).
//!
//! [`SessionStore::remove_gone`]: wsadm_core::store::SessionStore::remove_gone

use super::reply::Reply;
use super::{room_of, Chat, Incoming};
use crate::ports::{Clock, Gateway, Store};
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use wsadm_core::connections::ConnError;
use wsadm_core::store::{Admit, GoneRemoval, Member};

/// The largest PostToConnection payload.
const MAX_POST_BYTES: usize = 128 * 1024;

/// Fan-out result of one `send`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fanout {
    pub delivered: usize,
    pub gone: usize,
    pub failed: usize,
}

impl<S: Store, G: Gateway, C: Clock> Chat<S, G, C> {
    pub(super) async fn send(
        &self,
        ev: &ApiGatewayWebsocketProxyRequest,
        sender: &str,
        msg: &Incoming,
        now: i64,
    ) -> Reply {
        let room = match room_of(msg) {
            Ok(r) => r,
            Err(reply) => return reply,
        };
        let text = match &msg.text {
            Some(Value::String(t)) => t.clone(),
            Some(_) => return Reply::client_error("bad_request", "`text` must be a string"),
            None => return Reply::client_error("bad_request", "`send` needs {\"room\": ..., \"text\": ...}"),
        };
        if text.len() > self.config.max_text_bytes {
            return Reply::client_error("too_large", format!("text is over {} bytes", self.config.max_text_bytes));
        }
        let me = match self.store.get(sender).await {
            Ok(Some(s)) => s,
            Ok(None) => return Reply::client_error("no_session", "this connection has no session record"),
            Err(e) => return Reply::internal(&e),
        };
        if !me.rooms.contains(&room) {
            return Reply::client_error("not_in_room", format!("join `{room}` before sending to it"));
        }
        match self.store.take_send_token(&me.user_id, now, self.config.user_rate).await {
            Ok(Admit::Allowed) => {}
            Ok(Admit::Limited { retry_after_ms }) => {
                let mut r = Reply::ok(json!({
                    "type": "error", "error": "rate_limited", "retryAfterMs": retry_after_ms,
                    "message": format!("you are sending faster than {}/s; retry in {retry_after_ms} ms", self.config.user_rate.per_sec),
                }));
                r.note.rate_limited = true;
                return r;
            }
            Err(e) => return Reply::internal(&e),
        }
        let frame = json!({
            "type": "message", "room": room, "from": me.user_id, "text": text, "ts": now,
            "id": ev.request_context.message_id,
        })
        .to_string();
        // Escaping can make the frame several times the text (a control character is 6 bytes).
        if frame.len() > MAX_POST_BYTES {
            return Reply::client_error("too_large", "the message is over 128 KB once encoded");
        }
        match self.fanout(ev, sender, &room, frame.as_bytes(), now).await {
            Ok(f) => Reply::ok(json!({
                "type": "sent", "room": room, "delivered": f.delivered, "gone": f.gone, "failed": f.failed,
            })),
            Err(e) => Reply::internal(&e),
        }
    }

    /// Posts `data` to every member of `room` but the sender, with bounded concurrency.
    /// A 410 removes THAT member's stale record (if old enough); throttling is retried briefly.
    pub async fn fanout(
        &self,
        ev: &ApiGatewayWebsocketProxyRequest,
        sender: &str,
        room: &str,
        data: &[u8],
        now: i64,
    ) -> Result<Fanout, wsadm_core::Error> {
        let endpoint = self.endpoint(ev);
        let stage = ev.request_context.stage.as_deref();
        let mut total = Fanout::default();
        let version = self.store.room_version(room).await?;
        let members = match self.members.get(room, version) {
            Some(m) => m,
            None => {
                let read_at = std::time::Instant::now();
                let all: Vec<Member> = self.store.room_members(room).try_concat().await?;
                let all = Arc::new(all);
                self.members.put(room, version, read_at, all.clone());
                all
            }
        };
        // Not the sender, nor a member of another stage sharing the table (this stage's
        // endpoint would answer 410 for it); members recorded without a stage are tried.
        let here = |m: &Member| m.stage.as_deref().is_none_or(|s| stage.is_none_or(|mine| s == mine));
        let ids: Vec<String> =
            members.iter().filter(|m| m.connection_id != sender && here(m)).map(|m| m.connection_id.clone()).collect();
        drop(members);
        let mut results = futures::stream::iter(ids)
            .map(|id| {
                let endpoint = &endpoint;
                async move {
                    let r = self.post_with_retry(endpoint, &id, data).await;
                    match &r {
                        Err(ConnError::Gone) => match self.store.remove_gone(&id, now, stage).await {
                            Ok(GoneRemoval::TooNew) => {
                                tracing::debug!(connection_id = %id, "410 for a connection still connecting: record kept")
                            }
                            Ok(GoneRemoval::OtherStage(theirs)) => {
                                tracing::debug!(connection_id = %id, stage = %theirs, "410 for a member of another stage: record kept")
                            }
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(connection_id = %id, error = %e, "could not delete a stale record")
                            }
                        },
                        Err(e) => tracing::warn!(connection_id = %id, error = %e, "post failed"),
                        Ok(()) => {}
                    }
                    r
                }
            })
            .buffer_unordered(self.config.fanout_concurrency);
        while let Some(r) = results.next().await {
            match r {
                Ok(()) => total.delivered += 1,
                Err(ConnError::Gone) => total.gone += 1,
                Err(_) => total.failed += 1,
            }
        }
        Ok(total)
    }

    async fn post_with_retry(&self, endpoint: &str, id: &str, data: &[u8]) -> Result<(), ConnError> {
        let mut attempt = 0u32;
        loop {
            match self.gateway.post(endpoint, id, data).await {
                Err(e) if e.is_retryable() && attempt < 2 => {
                    attempt += 1;
                    let base = 50u64 << attempt;
                    tokio::time::sleep(Duration::from_millis(base / 2 + rand::random::<u64>() % base)).await;
                }
                r => return r,
            }
        }
    }
}
