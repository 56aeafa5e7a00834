//! The options of `wsadm client`.

use super::auth::WsAuthArgs;
use super::duration;
use clap::Args;

#[derive(Debug, Args)]
pub struct ClientCommand {
    /// ws:// or wss:// URL of the stage (default: the --api/--stage target)
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    #[command(flatten)]
    pub auth: WsAuthArgs,
    /// Join this room after connecting and after every reconnect (repeatable); scripted
    /// text lines are sent to the first
    #[arg(long = "room", value_name = "ROOM")]
    pub rooms: Vec<String>,
    /// Send the ping action this often (0 = never); API Gateway closes idle connections after 10m
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = duration::parse, help_heading = "Connection")]
    pub heartbeat: std::time::Duration,
    /// The connection is dead when a heartbeat gets no pong within this long
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration::parse, help_heading = "Connection")]
    pub pong_timeout: std::time::Duration,
    /// Give up a connection attempt (TCP, TLS, upgrade with the authorizer) after this long
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration::parse, help_heading = "Connection")]
    pub handshake_timeout: std::time::Duration,
    /// Upper bound of the first reconnect delay (it doubles each attempt)
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = duration::parse, help_heading = "Reconnect")]
    pub backoff_base: std::time::Duration,
    /// Largest reconnect delay
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration::parse, help_heading = "Reconnect")]
    pub backoff_cap: std::time::Duration,
    /// Consecutive failed reconnects before giving up (0 = never give up)
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Reconnect")]
    pub max_attempts: u32,
    /// A connection up this long resets the attempt count
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration::parse, help_heading = "Reconnect")]
    pub stable_after: std::time::Duration,
    /// Never reconnect: exit when the connection ends
    #[arg(long, help_heading = "Reconnect")]
    pub no_reconnect: bool,
    /// Scripted: after stdin ends, wait this long for the replies to what was sent
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = duration::parse)]
    pub linger: std::time::Duration,
    /// Scripted: after stdin ends, stay connected (and reconnect) until Ctrl-C or SIGTERM
    #[arg(long)]
    pub stay: bool,
}
