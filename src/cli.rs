//! The command line: global options (AWS, target, output) and the subcommands.

use crate::output::OutputFormat;
use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;
use std::path::PathBuf;

const ABOUT: &str = "Operate AWS API Gateway WebSocket APIs: sessions, broadcast, logs, audit, and a local stack";

const AFTER_HELP: &str = "\
Examples:
  wsadm apis ls                                   # the WebSocket APIs in this account and region
  wsadm apis show chat                            # routes, authorizers, stages of the API named chat
  wsadm --profile prod --region eu-west-1 apis ls # another account and region
  wsadm --endpoint-url http://127.0.0.1:4510 apis ls -o json   # the local stack, for scripts

Configuration (first match wins): flags, then environment (AWS_PROFILE, AWS_REGION,
AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, WSADM_API, WSADM_STAGE, WSADM_TABLE), then the
shared AWS config and credentials files (profiles, SSO, assume-role, credential_process).

Exit codes: 0 ok, 1 failure, 2 usage/configuration, 3 partial, 4 credentials/access denied,
5 connection gone, 130 interrupted.";

#[derive(Debug, Parser)]
#[command(name = "wsadm", version, about = ABOUT, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Named profile from ~/.aws/config (SSO, assume-role and credential_process work) [env: AWS_PROFILE]
    #[arg(long, global = true, value_name = "NAME", help_heading = "AWS")]
    pub profile: Option<String>,

    /// AWS region, e.g. eu-west-1 [env: AWS_REGION]
    #[arg(long, global = true, value_name = "REGION", help_heading = "AWS")]
    pub region: Option<String>,

    /// Send every AWS call to this endpoint, e.g. the local stack [env: AWS_ENDPOINT_URL]
    #[arg(long, global = true, value_name = "URL", help_heading = "AWS")]
    pub endpoint_url: Option<String>,

    /// Seconds to wait for a TCP connection before giving up
    #[arg(long, global = true, value_name = "SECS", default_value_t = 2.0, help_heading = "AWS")]
    pub connect_timeout: f64,

    /// Seconds to wait for a response before giving up
    #[arg(long, global = true, value_name = "SECS", default_value_t = 20.0, help_heading = "AWS")]
    pub read_timeout: f64,

    /// The WebSocket API, by name or id
    #[arg(
        long,
        global = true,
        env = "WSADM_API",
        hide_env_values = true,
        value_name = "NAME|ID",
        help_heading = "Target"
    )]
    pub api: Option<String>,

    /// The stage (defaults to the API's only stage)
    #[arg(
        long,
        global = true,
        env = "WSADM_STAGE",
        hide_env_values = true,
        value_name = "STAGE",
        help_heading = "Target"
    )]
    pub stage: Option<String>,

    /// Custom domain serving the stage, with its base path: chat.example.com/v1
    #[arg(
        long,
        global = true,
        env = "WSADM_DOMAIN",
        hide_env_values = true,
        value_name = "HOST[/PATH]",
        help_heading = "Target"
    )]
    pub domain: Option<String>,

    /// Session table (defaults to the API's wsadm:table tag, set by provision)
    #[arg(
        long,
        global = true,
        env = "WSADM_TABLE",
        hide_env_values = true,
        value_name = "TABLE",
        help_heading = "Target"
    )]
    pub table: Option<String>,

    /// Output format: table for people, json or jsonl (one object per line) for scripts
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Table, env = "WSADM_OUTPUT", hide_env_values = true, help_heading = "Output")]
    pub output: OutputFormat,

    /// No colour (also when NO_COLOR is set to anything, or output is not a terminal)
    #[arg(long, global = true, help_heading = "Output")]
    pub no_color: bool,

    /// More logging on stderr (-v info, -vv debug including AWS calls, -vvv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,

    /// Answer yes to confirmations (required for destructive commands when not on a terminal)
    #[arg(short = 'y', long, global = true, help_heading = "Output")]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List and inspect WebSocket APIs
    #[command(subcommand)]
    Apis(ApisCommand),
    /// Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed
    #[command(after_help = LOCAL_HELP)]
    Local(LocalCommand),
    /// Generate shell completions and man pages
    #[command(subcommand)]
    Generate(GenerateCommand),
}

const LOCAL_HELP: &str = "\
One endpoint serves the API Gateway v2 control plane, the WebSocket data plane
(ws://127.0.0.1:PORT/apis/{apiId}/{stage}) and @connections
(http://127.0.0.1:PORT/apis/{apiId}/{stage}/@connections/{id}); every other service
(DynamoDB, Lambda, Logs, CloudWatch, IAM, STS) is forwarded to moto. AWS_PROXY routes to
functions that are wsadm handlers run in process, configured by the function's environment
in the Lambda service; HTTP_PROXY routes call your local server.

Examples:
  wsadm local                               # moto from .venv or PATH, port 4510
  wsadm local --port 0 -o jsonl             # a free port; the first line (JSON) says which
  wsadm local --moto-url http://127.0.0.1:5000 --idle-timeout 30
  wsadm local --account-rate 2000 --connections-latency-ms 30 --fail-429 0.1

While it runs, faults change through its control endpoint (unsigned HTTP):
  curl -X PUT localhost:4510/_wsadm/faults -d '{\"fail500\": 0.01}'
  curl -X POST localhost:4510/_wsadm/drop -d '{\"fraction\": 0.05}'   # abrupt drops, no $disconnect
  curl localhost:4510/_wsadm/stats";

#[derive(Debug, Args)]
pub struct LocalCommand {
    /// Port to listen on (127.0.0.1); 0 picks a free one
    #[arg(long, default_value_t = 4510)]
    pub port: u16,
    /// Use this running moto instead of starting one
    #[arg(long, value_name = "URL")]
    pub moto_url: Option<String>,
    /// Account id in ARNs (moto's default)
    #[arg(long, default_value = "123456789012")]
    pub account_id: String,
    /// Close connections idle this long (AWS: 600)
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    pub idle_timeout: u64,
    /// Close connections open this long (AWS: 7200)
    #[arg(long, value_name = "SECS", default_value_t = 7200)]
    pub max_duration: u64,
    /// New connections per second (AWS: 500 per account and region)
    #[arg(long, value_name = "N", default_value_t = 500.0)]
    pub connect_rate: f64,
    /// Account-level throttle shared by @connections calls, requests per second (AWS: 10,000)
    #[arg(long, value_name = "RPS", default_value_t = 10_000.0, help_heading = "Faults and throttles")]
    pub account_rate: f64,
    /// Burst of the account-level throttle (AWS: 5,000)
    #[arg(long, value_name = "N", default_value_t = 5_000.0, help_heading = "Faults and throttles")]
    pub account_burst: f64,
    /// Latency added to every @connections call
    #[arg(long, value_name = "MS", default_value_t = 0, help_heading = "Faults and throttles")]
    pub connections_latency_ms: u64,
    /// Latency added to every integration and authorizer call
    #[arg(long, value_name = "MS", default_value_t = 0, help_heading = "Faults and throttles")]
    pub integration_latency_ms: u64,
    /// Fraction of @connections calls answered 429 LimitExceeded
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, help_heading = "Faults and throttles")]
    pub fail_429: f64,
    /// Fraction of @connections calls answered 500
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, help_heading = "Faults and throttles")]
    pub fail_500: f64,
    /// Fraction of @connections calls answered 410 Gone
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, help_heading = "Faults and throttles")]
    pub fail_410: f64,
    /// Fraction of @connections posts whose client is dropped abruptly (no close frame, no $disconnect)
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, help_heading = "Faults and throttles")]
    pub drop_on_post: f64,
}

#[derive(Debug, Subcommand)]
pub enum ApisCommand {
    /// List the WebSocket APIs: id, name, endpoint, stages, routes, created
    #[command(visible_alias = "list", after_help = "Example:\n  wsadm apis ls -o json | jq -r '.apis[].id'")]
    Ls,
    /// Show one API: routes with their integration and authorization, authorizers, and stages
    /// with throttling, logging and access-log settings
    #[command(
        after_help = "Examples:\n  wsadm apis show chat\n  wsadm apis show chat --stage prod    # one stage, with its management endpoint\n  wsadm apis show a1b2c3d4e5 -o json"
    )]
    Show {
        /// API name or id (or --api / WSADM_API)
        #[arg(value_name = "NAME|ID")]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// Print the completion script for a shell (or write it into --dir)
    #[command(
        after_help = "Examples:\n  wsadm generate completions bash > /etc/bash_completion.d/wsadm\n  wsadm generate completions zsh --dir ~/.zfunc"
    )]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
        /// Write the file into this directory instead of printing it
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Write man pages (one per command) into a directory
    #[command(after_help = "Example:\n  wsadm generate man /usr/local/share/man/man1")]
    Man {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}
