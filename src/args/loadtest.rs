//! The options of `wsadm loadtest`.

use super::auth::WsAuthArgs;
use super::duration;
use clap::Args;

#[derive(Debug, Args)]
pub struct LoadtestCommand {
    /// ws:// or wss:// URL of the stage (default: the --api/--stage target)
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    #[command(flatten)]
    pub auth: WsAuthArgs,
    /// Connections to open
    #[arg(short = 'n', long, value_name = "N", default_value_t = 100)]
    pub connections: usize,
    /// New connections per second
    #[arg(long, value_name = "R", default_value_t = 500.0)]
    pub connect_rate: f64,
    /// How long to hold the connections once they are all open
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration::parse)]
    pub duration: std::time::Duration,
    /// Hold until Ctrl-C or SIGTERM instead of --duration
    #[arg(long)]
    pub hold: bool,
    /// Messages per second across all connections (0 = none)
    #[arg(long, value_name = "M", default_value_t = 0.0, help_heading = "Messages")]
    pub message_rate: f64,
    /// Text size of each message
    #[arg(long, value_name = "BYTES", default_value_t = 64, help_heading = "Messages")]
    pub payload_bytes: usize,
    /// Spread the connections over K rooms named loadtest-0 … loadtest-(K-1)
    #[arg(long, value_name = "K", help_heading = "Messages")]
    pub rooms: Option<usize>,
    /// Rooms by name instead (repeatable)
    #[arg(long = "room", value_name = "NAME", conflicts_with = "rooms", help_heading = "Messages")]
    pub room_names: Vec<String>,
    /// How connections join: the join action, or ?room= on the upgrade (the chat handler joins on $connect)
    #[arg(long, value_enum, default_value_t = JoinVia::Action, help_heading = "Messages")]
    pub join_via: JoinVia,
    /// Counting mode: every connection should receive exactly N frames
    #[arg(long, value_name = "N", help_heading = "Counting")]
    pub expect: Option<u64>,
    /// Count only frames whose JSON "type" is TYPE
    #[arg(long, value_name = "TYPE", help_heading = "Counting")]
    pub count_type: Option<String>,
    /// Finish once every connection has received its --expect count (then wait --settle)
    #[arg(long, help_heading = "Counting")]
    pub until_expected: bool,
    /// With --until-expected: how long to keep counting after that, to catch duplicates
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = duration::parse, help_heading = "Counting")]
    pub settle: std::time::Duration,
    /// Retries of a connect refused with 429 or 5xx or timed out (jittered backoff)
    #[arg(long, value_name = "N", default_value_t = 3, help_heading = "Connection")]
    pub connect_retries: u32,
    /// On loopback, spread connections over this many source addresses (127.0.0.1 …)
    #[arg(long, value_name = "K", default_value_t = 8, help_heading = "Connection")]
    pub source_addrs: u8,
    /// Give up a connection attempt (TCP, TLS, upgrade with the authorizer) after this long
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration::parse, help_heading = "Connection")]
    pub handshake_timeout: std::time::Duration,
    /// Each connection sends the ping action this often (0 = never)
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = duration::parse, help_heading = "Connection")]
    pub heartbeat: std::time::Duration,
    /// At the end, wait up to this long for replies and deliveries in flight
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = duration::parse, help_heading = "Messages")]
    pub drain: std::time::Duration,
}

/// How connections join their room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JoinVia {
    /// The `join` action after connecting (waits for `joined`)
    Action,
    /// `?room=` on the upgrade request (the chat handler joins on $connect: one write fewer)
    Query,
}
