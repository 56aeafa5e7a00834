//! One emulator's shared state: the control plane, the open connections, the integration
//! runner, throttles, faults and telemetry. The data plane and the server give it behaviour.

use crate::control::ControlPlane;
use crate::faults::FaultState;
use crate::integrations::Invoker;
use crate::limits::Limits;
use crate::registry::Registry;
use crate::telemetry::Telemetry;
use crate::throttle::TokenBucket;
use hyper::body::Incoming;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// What every request handler of one running emulator shares.
pub struct Emulator {
    pub control: ControlPlane,
    pub registry: Arc<Registry>,
    pub invoker: Invoker,
    pub limits: Limits,
    pub connect_bucket: TokenBucket,
    pub route_buckets: Mutex<HashMap<String, Arc<TokenBucket>>>,
    /// `127.0.0.1:PORT`, the domain name in events.
    pub host: String,
    pub moto_url: String,
    pub shutdown: watch::Sender<bool>,
    pub faults: Arc<FaultState>,
    pub telemetry: Arc<Telemetry>,
    /// DynamoDB, on its own engine.
    pub dynamodb: Arc<crate::dynamodb::DynamoDb>,
    /// Forwards everything that is not API Gateway to moto.
    pub(crate) proxy: hyper_util::client::legacy::Client<hyper_util::client::legacy::connect::HttpConnector, Incoming>,
    /// Set once the DynamoDB engine is warmed; `None` when it is not one the stack warms.
    pub(crate) dynamodb_warmed: Option<Arc<std::sync::atomic::AtomicBool>>,
}
