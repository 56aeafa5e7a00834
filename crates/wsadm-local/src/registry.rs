//! The open connections: what @connections and the handlers post to, with a bounded
//! per-connection send queue (a slow consumer gets 429s, never unbounded server memory).

use bytes::Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::mpsc;

/// What the connection task is asked to do.
#[derive(Debug)]
pub enum Outbound {
    Text(String),
    Binary(Bytes),
    /// Close with this code and reason (then `$disconnect`).
    Close(u16, String),
    /// Drop the TCP connection without a close frame (fault injection).
    Abort,
}

#[derive(Debug)]
pub struct Conn {
    pub id: String,
    pub api_id: String,
    pub stage: String,
    /// Epoch milliseconds.
    pub connected_at: i64,
    pub last_active: AtomicI64,
    pub source_ip: String,
    pub user_agent: Option<String>,
    /// The host the client connected to (the custom domain, or the emulator's own), as events name it.
    pub domain_name: String,
    /// The authorizer's context (principalId and its context keys), passed on every event.
    pub authorizer: Option<serde_json::Map<String, serde_json::Value>>,
    pub tx: mpsc::Sender<Outbound>,
    /// Bytes posted but not yet written to the socket.
    pub queued_bytes: AtomicUsize,
}

/// Why a post was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostRefusal {
    Gone,
    BufferFull,
}

#[derive(Debug)]
pub struct Registry {
    conns: RwLock<HashMap<String, Arc<Conn>>>,
    max_queued_bytes: usize,
}

impl Registry {
    pub fn new(max_queued_bytes: usize) -> Self {
        Registry { conns: RwLock::new(HashMap::new()), max_queued_bytes }
    }

    pub fn insert(&self, conn: Arc<Conn>) {
        self.conns.write().unwrap_or_else(|e| e.into_inner()).insert(conn.id.clone(), conn);
    }

    pub fn remove(&self, id: &str) -> Option<Arc<Conn>> {
        self.conns.write().unwrap_or_else(|e| e.into_inner()).remove(id)
    }

    pub fn get(&self, id: &str) -> Option<Arc<Conn>> {
        self.conns.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    /// The connection, if it belongs to this API and stage (others are gone, as on AWS).
    pub fn get_in(&self, id: &str, api_id: &str, stage: &str) -> Option<Arc<Conn>> {
        self.get(id).filter(|c| c.api_id == api_id && c.stage == stage)
    }

    pub fn len(&self) -> usize {
        self.conns.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn all(&self) -> Vec<Arc<Conn>> {
        self.conns.read().unwrap_or_else(|e| e.into_inner()).values().cloned().collect()
    }

    /// Queues a message for the client; refuses when its buffer is full.
    pub fn post(&self, conn: &Conn, data: Bytes, text: bool) -> Result<(), PostRefusal> {
        let len = data.len();
        let queued = conn.queued_bytes.fetch_add(len, Ordering::AcqRel);
        if queued + len > self.max_queued_bytes && queued > 0 {
            conn.queued_bytes.fetch_sub(len, Ordering::AcqRel);
            return Err(PostRefusal::BufferFull);
        }
        let msg = if text {
            match String::from_utf8(data.to_vec()) {
                Ok(s) => Outbound::Text(s),
                Err(_) => Outbound::Binary(data),
            }
        } else {
            Outbound::Binary(data)
        };
        match conn.tx.try_send(msg) {
            Ok(()) => Ok(()),
            Err(e) => {
                conn.queued_bytes.fetch_sub(len, Ordering::AcqRel);
                match e {
                    mpsc::error::TrySendError::Full(_) => Err(PostRefusal::BufferFull),
                    mpsc::error::TrySendError::Closed(_) => Err(PostRefusal::Gone),
                }
            }
        }
    }
}
