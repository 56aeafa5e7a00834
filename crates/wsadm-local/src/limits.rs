//! AWS's limits the emulator enforces: connection lifetime, frame and message sizes, rates and
//! send queues. Each is configurable; tests shorten them.

use std::time::Duration;

/// AWS's limits, each configurable.
#[derive(Debug, Clone)]
pub struct Limits {
    pub idle_timeout: Duration,
    pub max_duration: Duration,
    pub max_frame_bytes: usize,
    pub max_message_bytes: usize,
    /// New connections per second (account and region).
    pub connect_rate: f64,
    /// Bytes queued for one client before posts to it get 429.
    pub max_queued_bytes: usize,
    /// Frames queued for one client before posts to it get 429.
    pub max_queued_frames: usize,
    /// How often metrics are put to CloudWatch (AWS: every minute).
    pub metrics_interval: Duration,
    /// How often expired items are deleted from tables with time to live (fast engine only;
    /// AWS: within a few days).
    pub ttl_sweep_interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle_timeout: Duration::from_secs(600),
            max_duration: Duration::from_secs(2 * 3600),
            max_frame_bytes: 32 * 1024,
            max_message_bytes: 128 * 1024,
            connect_rate: 500.0,
            max_queued_bytes: 1 << 20,
            max_queued_frames: 256,
            metrics_interval: Duration::from_secs(60),
            ttl_sweep_interval: Duration::from_secs(60),
        }
    }
}
