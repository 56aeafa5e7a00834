//! wsadm's shared AWS client layer: one `SdkConfig`, the clients built from it,
//! target resolution (API name/id, stage, management endpoint, session table) and errors.

pub mod alarms;
pub mod apigw;
pub mod arch;
pub mod audit;
pub mod broadcast;
pub mod clients;
pub mod config;
pub mod connections;
pub mod error;
pub mod guard;
pub mod handlers;
pub mod localhost;
pub mod logs;
pub mod metrics;
pub mod poster;
pub mod store;
pub mod target;
pub mod tls;

pub use target::{Target, TargetArgs};

pub use clients::Aws;
pub use config::AwsOptions;
pub use error::{AwsResultExt, Error, ErrorKind};
