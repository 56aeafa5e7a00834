//! wsadm-local: the local API Gateway WebSocket stack. One port serves the API Gateway v2
//! control plane, the WebSocket data plane and the @connections API; every other AWS service
//! is forwarded to moto, chosen by the SigV4 credential scope.

pub mod control;
pub mod dataplane;
pub mod dynamodb;
pub mod emulator;
pub mod events;
pub mod faults;
pub mod gateway;
pub mod identity;
pub mod ids;
pub mod inflight;
pub mod integrations;
pub mod limits;
pub mod model;
pub mod registry;
pub mod response;
pub mod runtime;
pub mod server;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod throttle;
pub mod time;
pub mod tls;
pub mod ttl_cache;

pub use faults::Faults;
pub use limits::Limits;
pub use server::{start, Config, Running};
