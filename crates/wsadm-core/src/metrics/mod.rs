//! `wsadm metrics`' engine: the stage's AWS/ApiGateway metrics (ConnectCount, MessageCount,
//! IntegrationError, ClientError, ExecutionError, IntegrationLatency) read in batched, paged
//! GetMetricData calls, summarized without ever turning "no data" into 0; the connections open
//! now estimated from the access log; the window's cost; the `wsadm/ConnectedSessions` metric.
//!
//! The CLI's path: [`period::Resolution::choose`] → [`fetch::discover`] (ListMetrics: which
//! dimension sets exist, per route only with detailed metrics) → [`fetch::read`] (one
//! GetMetricData call for everything, split only at 500 queries, paged) → [`summary::summarize`]
//! → [`cost::estimate`], [`connected::estimate`].

pub mod catalog;
pub mod connected;
pub mod cost;
pub mod fetch;
pub mod period;
pub mod publish;
pub mod summary;

pub use catalog::{Metric, METRICS, NAMESPACE};
pub use fetch::{discover, read, DimensionSet, Read};
pub use period::Resolution;
pub use summary::{summarize, MetricSummary, Point};
