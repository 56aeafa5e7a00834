//! The options of `sessions ls`, `kick` and `prune`.

use clap::Args;

/// The order of `sessions ls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SessionSort {
    /// Connection id
    Id,
    /// User, then connection id
    User,
    /// Longest connected first
    Connected,
    /// Longest idle first
    Idle,
}

#[derive(Debug, Args)]
pub struct SessionsLsArgs {
    /// Only this user's connections (a Query on the by-user index)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Only connections in this room (a Query on the by-room index)
    #[arg(long, value_name = "ROOM")]
    pub room: Option<String>,
    /// Only connections opened within DURATION (10m) or since a time (2026-01-31T12:00:00Z)
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Only connections idle for longer than DURATION (90s, 10m, 2h)
    #[arg(long, value_name = "DURATION")]
    pub idle_over: Option<String>,
    /// Only stale records: connected over 2 h ago or idle over 11 min (impossible on AWS)
    #[arg(long)]
    pub stale: bool,
    /// At most N sessions (stops reading the table early unless --sort is given)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Order the list (without it, JSON streams rows in the order the session table returns them)
    #[arg(long, value_enum, value_name = "KEY")]
    pub sort: Option<SessionSort>,
    /// Print only the number of matching sessions
    #[arg(long, conflicts_with_all = ["live", "sort", "limit"])]
    pub count: bool,
    /// Check every listed connection with GetConnection and mark the ones that are gone
    #[arg(long)]
    pub live: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["ids", "user", "room"])))]
pub struct SessionsKickArgs {
    /// Connection ids
    #[arg(value_name = "CONNECTION_ID")]
    pub ids: Vec<String>,
    /// Every connection of this user
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Every connection in this room
    #[arg(long, value_name = "ROOM")]
    pub room: Option<String>,
}

#[derive(Debug, Args)]
pub struct SessionsPruneArgs {
    /// Report what would be removed, remove nothing
    #[arg(long)]
    pub dry_run: bool,
    /// GetConnection calls in flight at once (1-256)
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Leave records younger than this alone (their connection may still be in $connect)
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub min_age: String,
}
