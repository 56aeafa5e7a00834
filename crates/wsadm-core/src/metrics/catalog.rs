//! The six metrics API Gateway publishes for WebSocket APIs, and the statistics wsadm asks for.

use serde::Serialize;

/// API Gateway's namespace (for WebSocket and REST APIs alike).
pub const NAMESPACE: &str = "AWS/ApiGateway";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Metric {
    ConnectCount,
    MessageCount,
    IntegrationError,
    ClientError,
    ExecutionError,
    IntegrationLatency,
}

/// In the order they are shown.
pub const METRICS: [Metric; 6] = [
    Metric::ConnectCount,
    Metric::MessageCount,
    Metric::IntegrationError,
    Metric::ClientError,
    Metric::ExecutionError,
    Metric::IntegrationLatency,
];

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::ConnectCount => "ConnectCount",
            Metric::MessageCount => "MessageCount",
            Metric::IntegrationError => "IntegrationError",
            Metric::ClientError => "ClientError",
            Metric::ExecutionError => "ExecutionError",
            Metric::IntegrationLatency => "IntegrationLatency",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        METRICS.into_iter().find(|m| m.name() == name)
    }

    /// What it counts, for people.
    pub fn meaning(self) -> &'static str {
        match self {
            Metric::ConnectCount => "connections accepted ($connect)",
            Metric::MessageCount => "messages sent to the API, from or to clients",
            Metric::IntegrationError => "requests whose integration answered 4xx/5xx or failed",
            Metric::ClientError => "requests answered 4xx before the integration (auth, throttling, bad route)",
            Metric::ExecutionError => "errors while calling the integration (timeouts, bad responses)",
            Metric::IntegrationLatency => "time between the request to the integration and its response",
        }
    }

    pub fn is_latency(self) -> bool {
        self == Metric::IntegrationLatency
    }

    /// The statistics wsadm asks for: counts are summed; latency gets its sample count (to
    /// average the window exactly), the average, p99 and maximum of every period.
    pub fn stats(self) -> &'static [Stat] {
        if self.is_latency() {
            &[Stat::SampleCount, Stat::Average, Stat::P99, Stat::Maximum]
        } else {
            &[Stat::Sum]
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Stat {
    Sum,
    SampleCount,
    Average,
    Maximum,
    /// A percentile (an extended statistic): not every CloudWatch implementation computes it.
    P99,
}

impl Stat {
    pub fn name(self) -> &'static str {
        match self {
            Stat::Sum => "Sum",
            Stat::SampleCount => "SampleCount",
            Stat::Average => "Average",
            Stat::Maximum => "Maximum",
            Stat::P99 => "p99",
        }
    }

    pub fn is_percentile(self) -> bool {
        matches!(self, Stat::P99)
    }
}
