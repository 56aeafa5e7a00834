//! The token and headers of the WebSocket upgrade, shared by `client` and `loadtest`.

use crate::ws::{parse_header, TokenIn};
use clap::Args;
use std::path::PathBuf;

/// The token and headers of the WebSocket upgrade (client and loadtest).
#[derive(Debug, Clone, Args)]
pub struct WsAuthArgs {
    /// The token (visible in the process list: prefer --token-env or --token-file)
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["token_env", "token_file"], help_heading = "Authentication")]
    pub token: Option<String>,
    /// Read the token from this environment variable
    #[arg(long, value_name = "VAR", conflicts_with = "token_file", help_heading = "Authentication")]
    pub token_env: Option<String>,
    /// Read the token from this file: client, its first line (read again on every reconnect);
    /// loadtest, one token per line, used round-robin
    #[arg(long, value_name = "FILE", help_heading = "Authentication")]
    pub token_file: Option<PathBuf>,
    /// Where the token goes: ?token= (what browsers can do) or Authorization: Bearer
    #[arg(long, value_enum, default_value_t = TokenIn::Query, help_heading = "Authentication")]
    pub token_in: TokenIn,
    /// An extra header on the upgrade request (repeatable)
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header, help_heading = "Authentication")]
    pub headers: Vec<(String, String)>,
}
