//! The @connections port of the in-process handlers: their posts go straight to the connection
//! registry, after the hooks (account throttle, injected faults) have had their say.

use crate::registry::{PostRefusal, Registry};
use async_trait::async_trait;
use bytes::Bytes;
use std::sync::Arc;
use wsadm_core::connections::ConnError;
use wsadm_handler::ports::Gateway;

/// Posts from in-process handlers go straight to the connection registry.
#[derive(Clone)]
pub struct LocalGateway {
    pub registry: Arc<Registry>,
    pub hooks: Arc<dyn PostHook>,
}

/// Checks run before a post is queued (throttles and injected faults live behind this).
#[async_trait]
pub trait PostHook: Send + Sync {
    async fn before_post(&self) -> Result<(), ConnError>;
}

#[async_trait]
impl Gateway for LocalGateway {
    async fn post(&self, _endpoint: &str, connection_id: &str, data: &[u8]) -> Result<(), ConnError> {
        self.hooks.before_post().await?;
        if data.len() > wsadm_core::connections::MAX_POST_BYTES {
            return Err(ConnError::PayloadTooLarge);
        }
        let conn = self.registry.get(connection_id).ok_or(ConnError::Gone)?;
        match self.registry.post(&conn, Bytes::copy_from_slice(data), true) {
            Ok(()) => Ok(()),
            Err(PostRefusal::Gone) => Err(ConnError::Gone),
            Err(PostRefusal::BufferFull) => Err(ConnError::Throttled("the client's buffer is full".into())),
        }
    }
}
