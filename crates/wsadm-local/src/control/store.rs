//! The in-memory store of APIs and everything under them, and the reads every resource kind shares.

use super::domains::DomainState;
use super::errors::{not_found, ApiError, Result};
use super::paging::{page, Page};
use super::wire::{json, Query, Reply};
use crate::model::ApiState;
use hyper::StatusCode;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The in-memory API Gateway v2 control plane.
pub struct ControlPlane {
    apis: RwLock<BTreeMap<String, ApiState>>,
    /// Custom domain names by name (lowercase). Lock order: `apis` before `domains`.
    domains: RwLock<BTreeMap<String, DomainState>>,
    pub(super) endpoint_host: String,
    /// wss:// and https:// endpoints (`wsadm local --tls`).
    pub(super) secure: bool,
    pub(super) region: String,
    account_id: String,
}

impl ControlPlane {
    /// `endpoint_host` like "127.0.0.1:4510": a created API's apiEndpoint is `ws://{endpoint_host}/apis/{apiId}`,
    /// so clients connect to apiEndpoint + "/" + stage and the management endpoint is
    /// http://{endpoint_host}/apis/{apiId}/{stage}.
    pub fn new(endpoint_host: &str, region: &str, account_id: &str, secure: bool) -> Self {
        ControlPlane {
            apis: RwLock::new(BTreeMap::new()),
            domains: RwLock::new(BTreeMap::new()),
            endpoint_host: endpoint_host.to_string(),
            secure,
            region: region.to_string(),
            account_id: account_id.to_string(),
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Read access for the data plane (no clone).
    pub fn with_api<R>(&self, api_id: &str, f: impl FnOnce(&ApiState) -> R) -> Option<R> {
        self.read().get(api_id).map(f)
    }

    // A panic elsewhere must not take the whole emulator down with a poisoned lock; the maps
    // are only mutated after validation, so the data is still consistent.
    pub(super) fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, ApiState>> {
        self.apis.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, ApiState>> {
        self.apis.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn domains_read(&self) -> RwLockReadGuard<'_, BTreeMap<String, DomainState>> {
        self.domains.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn domains_write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, DomainState>> {
        self.domains.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn api_not_found(&self, api_id: &str) -> ApiError {
        not_found(format!("Invalid API identifier specified {}:{api_id}", self.account_id))
    }

    // Reads and lists are the same for every child kind.
    pub(super) fn get_child<T: Serialize>(
        &self,
        api_id: &str,
        id: &str,
        kind: &str,
        pick: impl FnOnce(&ApiState) -> &BTreeMap<String, T>,
    ) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let item = pick(state).get(id).ok_or_else(|| not_found(format!("Invalid {kind} identifier specified {id}")))?;
        Ok(json(StatusCode::OK, item))
    }

    pub(super) fn list_children<T: Serialize>(
        &self,
        api_id: &str,
        q: &Query,
        pick: impl FnOnce(&ApiState) -> &BTreeMap<String, T>,
    ) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let (items, next_token) = page(pick(state), q)?;
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }
}
