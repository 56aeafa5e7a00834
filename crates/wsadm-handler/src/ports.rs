//! The small traits the handlers are written against: the session store, the @connections
//! poster and the clock. Lambda and the local emulator plug in real ones; tests plug in fakes.

use async_trait::async_trait;
use futures::stream::BoxStream;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;
use wsadm_core::broadcast::GONE_MIN_AGE_MS;
use wsadm_core::connections::ConnError;
use wsadm_core::store::{Admit, GoneRemoval, Member, PutError, RateLimit, RoomError, Session, SessionStore};
use wsadm_core::Error;

/// The session store as the handlers use it; [`SessionStore`] is the real one (see its
/// methods for the semantics: the exact per-user cap, the room cap, the send budget).
#[async_trait]
pub trait Store: Send + Sync {
    /// Records a connection if its user holds fewer than `max_per_user` (0: no cap).
    async fn open_session(&self, s: &Session, max_per_user: u64, now_ms: i64) -> Result<(), PutError>;
    async fn get(&self, connection_id: &str) -> Result<Option<Session>, Error>;
    /// Removes the record, its memberships and its place among its user's connections.
    async fn delete(&self, connection_id: &str) -> Result<Option<Session>, Error>;
    /// A 410's cleanup, for a 410 from `stage`'s endpoint: removes the record unless it is too
    /// young (broadcast's rule) or names another stage.
    async fn remove_gone(&self, connection_id: &str, now_ms: i64, stage: Option<&str>) -> Result<GoneRemoval, Error>;
    async fn join(&self, connection_id: &str, room: &str, now_ms: i64, max_rooms: usize) -> Result<Session, RoomError>;
    async fn leave(&self, connection_id: &str, room: &str) -> Result<Session, RoomError>;
    /// The room's membership version: every join, leave and removal bumps it before it is answered.
    async fn room_version(&self, room: &str) -> Result<u64, Error>;
    /// The room's members with their stages, page by page.
    fn room_members(&self, room: &str) -> BoxStream<'static, Result<Vec<Member>, Error>>;
    /// Takes one `send` from the user's budget.
    async fn take_send_token(&self, user_id: &str, now_ms: i64, limit: RateLimit) -> Result<Admit, Error>;
    async fn touch(&self, connection_id: &str, now_ms: i64) -> Result<bool, Error>;
}

#[async_trait]
impl Store for SessionStore {
    async fn open_session(&self, s: &Session, max_per_user: u64, now_ms: i64) -> Result<(), PutError> {
        SessionStore::open_session(self, s, max_per_user, now_ms).await
    }
    async fn get(&self, connection_id: &str) -> Result<Option<Session>, Error> {
        SessionStore::get(self, connection_id).await
    }
    async fn delete(&self, connection_id: &str) -> Result<Option<Session>, Error> {
        SessionStore::delete(self, connection_id).await
    }
    async fn remove_gone(&self, connection_id: &str, now_ms: i64, stage: Option<&str>) -> Result<GoneRemoval, Error> {
        SessionStore::remove_gone_in_stage(self, connection_id, now_ms, GONE_MIN_AGE_MS, stage).await
    }
    async fn join(&self, connection_id: &str, room: &str, now_ms: i64, max_rooms: usize) -> Result<Session, RoomError> {
        SessionStore::join(self, connection_id, room, now_ms, max_rooms).await
    }
    async fn leave(&self, connection_id: &str, room: &str) -> Result<Session, RoomError> {
        SessionStore::leave(self, connection_id, room).await
    }
    async fn room_version(&self, room: &str) -> Result<u64, Error> {
        SessionStore::room_version(self, room).await
    }
    fn room_members(&self, room: &str) -> BoxStream<'static, Result<Vec<Member>, Error>> {
        SessionStore::room_members_staged(self, room).boxed()
    }
    async fn take_send_token(&self, user_id: &str, now_ms: i64, limit: RateLimit) -> Result<Admit, Error> {
        SessionStore::take_send_token(self, user_id, now_ms, limit).await
    }
    async fn touch(&self, connection_id: &str, now_ms: i64) -> Result<bool, Error> {
        SessionStore::touch(self, connection_id, now_ms).await
    }
}

/// Posts to connections through the @connections API of the stage the event came from.
#[async_trait]
pub trait Gateway: Send + Sync {
    async fn post(&self, endpoint: &str, connection_id: &str, data: &[u8]) -> Result<(), ConnError>;
}

pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
    }
}

/// The AWS @connections API, one client per management endpoint (a Lambda may serve several stages).
pub struct ManagementGateway {
    config: aws_config::SdkConfig,
    clients: Mutex<HashMap<String, aws_sdk_apigatewaymanagement::Client>>,
}

impl ManagementGateway {
    pub fn new(config: aws_config::SdkConfig) -> Self {
        ManagementGateway { config, clients: Mutex::new(HashMap::new()) }
    }

    fn client(&self, endpoint: &str) -> aws_sdk_apigatewaymanagement::Client {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(endpoint.to_string())
            .or_insert_with(|| {
                let conf =
                    aws_sdk_apigatewaymanagement::config::Builder::from(&self.config).endpoint_url(endpoint).build();
                aws_sdk_apigatewaymanagement::Client::from_conf(conf)
            })
            .clone()
    }
}

#[async_trait]
impl Gateway for ManagementGateway {
    async fn post(&self, endpoint: &str, connection_id: &str, data: &[u8]) -> Result<(), ConnError> {
        wsadm_core::connections::post(&self.client(endpoint), connection_id, data).await
    }
}
