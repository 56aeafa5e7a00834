//! The command line: global options (AWS, target, output) and the subcommands.

use crate::args::client::ClientCommand;
use crate::args::loadtest::LoadtestCommand;
use crate::args::sessions::{SessionsKickArgs, SessionsLsArgs, SessionsPruneArgs};
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

    /// Custom domain serving the stage, with its base path: chat.example.com/v1 (checked against
    /// its API mappings, which give the stage; a port is for local stacks: chat.localhost:4510/v1)
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
    /// Who is connected: list, inspect, kick and prune sessions (the session table, checked against API Gateway)
    #[command(subcommand)]
    Sessions(SessionsCommand),
    /// The stage's logs as one stream that speaks WebSocket: tail, trace a connection, summarize
    #[command(subcommand)]
    Logs(crate::args::logs::LogsCommand),
    /// Send one message to many connections: fast, throttle-aware, with exact accounting
    #[command(after_help = BROADCAST_HELP)]
    Broadcast(BroadcastCommand),
    /// A chat client: the API as a user sees it, with heartbeat and jittered reconnects
    #[command(after_help = CLIENT_HELP)]
    Client(ClientCommand),
    /// Open, hold and measure many connections: connect latency, message round trip, errors
    #[command(after_help = LOADTEST_HELP)]
    Loadtest(LoadtestCommand),
    /// Create or update the whole chat stack: API, routes, authorizer, handlers, session table,
    /// logging and throttling; a rerun changes nothing, --dry-run shows the plan
    #[command(after_help = PROVISION_HELP)]
    Provision(ProvisionCommand),
    /// Delete everything a stack created: API, functions, JWT secret, role, log groups, session table
    #[command(after_help = DESTROY_HELP)]
    Destroy(DestroyCommand),
    /// Check authentication, throttling, logging and the backend of WebSocket APIs: findings with
    /// evidence and fix, an exit code for CI, SARIF and JUnit
    #[command(after_help = AUDIT_HELP)]
    Audit(crate::args::audit::AuditArgs),
    /// Build the chat stack's handlers as a Lambda zip for x86_64 or arm64 (cargo-lambda)
    #[command(subcommand)]
    Handlers(HandlersCommand),
    /// Run a local API Gateway WebSocket stack (emulator + moto) on one port, no AWS account needed
    #[command(after_help = LOCAL_HELP)]
    Local(LocalCommand),
    /// How the stage is doing in numbers and charts: the six API Gateway metrics, connections open
    /// now (session table beside the access log), error shares, cost; --watch refreshes like top
    #[command(after_help = crate::args::metrics::METRICS_HELP)]
    Metrics(crate::args::metrics::MetricsArgs),
    /// The recommended CloudWatch alarms of a stage: list, plan, apply (idempotent, tagged), delete
    #[command(subcommand)]
    Alarms(crate::args::alarms::AlarmsCommand),
    /// Generate shell completions and man pages
    #[command(subcommand)]
    Generate(GenerateCommand),
}

const AUDIT_HELP: &str = "\
Reads the API once (routes, integrations, authorizers, stages), its functions' configurations,
the session table (tag wsadm:table or --table), the functions' roles and policies, the log
groups and the account's CloudWatch role, then runs every check over what it read. A check that
could not read its setting (access denied) is reported as not_checked, never passed.

Exit codes: 0 nothing at or above --fail-on (default high) was found; 3 something was;
6 nothing was, but a check could not run (summary.result incomplete: give the identity the
read permission the not_checked finding names); 2 bad input (unknown API or stage, bad
--ignore); 4 credentials.

An API tagged wsadm:public=true is public on purpose: its $connect without authorization is
listed as suppressed.

Examples:
  wsadm audit --api chat                            # one API, every stage
  wsadm audit --api chat --stage prod -o json       # one stage, for scripts
  wsadm audit --all --fail-on medium                # every WebSocket API in the region
  wsadm audit --api chat --format sarif > audit.sarif   # for GitHub code scanning
  wsadm audit --api chat --format junit > audit.xml
  wsadm audit --api chat --ignore WS-LOG-003:dev --ignore-file .wsadm-audit-ignore";

const LOCAL_HELP: &str = "\
One endpoint serves the API Gateway v2 control plane, the WebSocket data plane
(ws://127.0.0.1:PORT/apis/{apiId}/{stage}) and @connections
(http://127.0.0.1:PORT/apis/{apiId}/{stage}/@connections/{id}). DynamoDB goes to dynalite
(thousands of writes a second; wsadm local keeps the TTL, point-in-time-recovery and encryption
settings it lacks, and deletes expired items every --ttl-sweep seconds; it is warmed in the
background as it starts, 1-2 s, so a load test's first second is not its JIT's; WSADM_DYNALITE
names its executable, else .venv/npm or PATH); every other service
(Lambda, Logs, CloudWatch, IAM, STS, Secrets Manager) is forwarded to moto. If an engine
wsadm local started dies, it says so with the engine's last lines and exits 1. AWS_PROXY routes run the
function's own `bootstrap` (from its zip, for this machine's architecture) as processes under
the Lambda Runtime API, with its environment and timeout, logs in /aws/lambda/{fn}; a placeholder
zip (no bootstrap) runs the built-in wsadm handlers in process. HTTP_PROXY routes call your
local server. Custom domain names
(CreateDomainName, CreateApiMapping) are served by Host header: name them under localhost
(chat.localhost), which wsadm resolves to 127.0.0.1 without DNS; then clients connect to
ws://chat.localhost:PORT/BASEPATH and wsadm takes --domain chat.localhost:PORT/BASEPATH.

Examples:
  wsadm local                               # moto and dynalite from .venv or PATH, port 4510
  wsadm local --port 0 -o jsonl             # a free port; the first line (JSON) says which
  wsadm local --moto-url http://127.0.0.1:5000 --idle-timeout 30
  wsadm local --dynamodb-engine moto        # DynamoDB on moto too (slow; complete)
  wsadm local --tls                         # https:// and wss://; export the AWS_CA_BUNDLE it prints
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
    /// Use this running DynamoDB engine (e.g. dynalite) instead of starting one
    #[arg(long, value_name = "URL")]
    pub dynamodb_url: Option<String>,
    /// The engine that serves DynamoDB
    #[arg(long, value_enum, value_name = "ENGINE", default_value = "auto")]
    pub dynamodb_engine: crate::args::local::DynamoDbEngine,
    /// Serve https:// and wss:// with certificates for 127.0.0.1, localhost and *.localhost
    /// custom domains, signed by a CA made for this run and written to --tls-ca-file (printed as
    /// AWS_CA_BUNDLE)
    #[arg(long)]
    pub tls: bool,
    /// With --tls: where to write the CA certificate (PEM)
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub tls_ca_file: Option<PathBuf>,
    /// Delete items past their time to live this often (AWS: within a few days)
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub ttl_sweep: u64,
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
    /// Put AWS/ApiGateway metrics to CloudWatch this often (AWS: 60)
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub metrics_interval: u64,
    /// Account-level throttle shared by @connections calls, requests per second (AWS: 10,000)
    #[arg(long, value_name = "RPS", default_value_t = 10_000.0, help_heading = "Faults and throttles")]
    pub account_rate: f64,
    /// Burst of the account-level throttle (AWS: 5,000)
    #[arg(long, value_name = "N", default_value_t = 5_000.0, help_heading = "Faults and throttles")]
    pub account_burst: f64,
    /// Lambda concurrent executions per account (AWS: 1,000); past it an invocation is
    /// throttled at once and the client gets API Gateway's 500, as on AWS
    #[arg(long, value_name = "N", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..), help_heading = "Faults and throttles")]
    pub lambda_concurrency: u64,
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

const SESSIONS_LS_HELP: &str = "\
The session table is --table, else the API's wsadm:table tag (--api). --user and --room are
index queries (never a scan); the other filters apply to what those return. CONNECTED and IDLE
are how long ago the connection opened and last sent a message (lastSeenAt, written at most
once a minute). A stale record (*) is one no live AWS connection can have: connected over 2 h
ago, or idle over 11 min (the 10 min idle timeout + that minute).

Durations: 90s, 10m, 2h, 1d, 1h30m. -o json and -o jsonl stream: rows are printed as they are
read, in the order the table returns them, with bounded memory; --sort reads them all first (up
to 100,000, or only the top --limit N). A table shows at most 10,000 rows and counts the rest.

Examples:
  wsadm sessions ls --api chat                      # everyone connected to the API named chat
  wsadm sessions ls --room lobby --live             # who is in lobby, checked with GetConnection
  wsadm sessions ls --user alice -o json            # alice's connections, for scripts
  wsadm sessions ls --idle-over 5m --sort idle      # the most idle first
  wsadm sessions ls --since 10m --count             # how many connected in the last 10 minutes
  wsadm sessions ls --stale --count                 # records no live connection can have
  wsadm sessions ls --table chat-sessions -o jsonl | jq -r .connection_id";

const SESSIONS_SHOW_HELP: &str = "\
Exit code 5 when API Gateway no longer knows the connection (410): its record is stale.

Examples:
  wsadm sessions show 'L0SM9cOFvHcCIhw=' --api chat
  wsadm sessions show 'L0SM9cOFvHcCIhw=' -o json | jq .status";

const SESSIONS_KICK_HELP: &str = "\
Each connection is closed with DeleteConnection (a 410 means it was already gone), then its
record is removed. More than one connection needs a yes: asked on a terminal, --yes otherwise.
A record is kept when DeleteConnection fails for another reason (403, throttling, 5xx).

Examples:
  wsadm sessions kick 'L0SM9cOFvHcCIhw='            # one connection
  wsadm sessions kick --user alice                  # every connection of alice (asks first)
  wsadm sessions kick --room lobby --yes -o json    # a whole room, from a script";

const SESSIONS_PRUNE_HELP: &str = "\
Checks every record with GetConnection (--concurrency at a time). A 410 (gone) removes the
record; a 403 or 5xx never removes anything: it is counted as an error (exit code 3). Records
younger than --min-age are left alone: a connection is unknown to GetConnection while its
$connect runs. Records of other stages are checked on their own stage.

Examples:
  wsadm sessions prune --dry-run                    # what would be removed
  wsadm sessions prune --api chat --stage prod
  wsadm sessions prune -o json | jq '{checked, gone, kept, errors}'";

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// List sessions: connection id, user, rooms, connected for, idle for, source IP, user agent
    #[command(visible_alias = "list", after_help = SESSIONS_LS_HELP)]
    Ls(SessionsLsArgs),
    /// One connection: GetConnection beside its session record
    #[command(after_help = SESSIONS_SHOW_HELP)]
    Show {
        /// The connection id (as in `sessions ls`; ids usually end in `=`)
        #[arg(value_name = "CONNECTION_ID")]
        id: String,
    },
    /// Close connections (DeleteConnection) and remove their records
    #[command(after_help = SESSIONS_KICK_HELP)]
    Kick(SessionsKickArgs),
    /// Remove the records of connections API Gateway no longer knows (410)
    #[command(after_help = SESSIONS_PRUNE_HELP)]
    Prune(SessionsPruneArgs),
}

const PROVISION_HELP: &str = "\
Converges the stack NAME to what the options say: creates what is missing, updates only what
differs, and leaves the rest alone. Resources are found by name and the tag wsadm:stack=NAME;
a same-named resource without that tag is an error, never taken over.

  session table   NAME-sessions (by-user/by-room indexes, TTL, point-in-time recovery, KMS)
  JWT secret      wsadm/NAME/jwt-secret in Secrets Manager (HS256 only): the secret of
                  --jwt-secret-env/--jwt-secret-file as {\"current\", \"previous\", \"previous_until\"}
  functions       NAME-connect, NAME-disconnect, NAME-chat, NAME-authorizer (jwt), from
                  --handler-zip
  role            NAME-wsadm-handlers: this table and its indexes, @connections POST on this API's
                  stages, the functions' own log groups, GetSecretValue on exactly the JWT secret
  API             NAME: WEBSOCKET, $request.body.action; routes $connect (authorizer), $disconnect,
                  $default, join, leave, send, ping, whoami (two-way: replies reach the sender)
  authorizer      NAME-jwt: REQUEST; its identity source follows --token-in (below)
  stage           STAGE: default and per-route throttling, logging level, detailed metrics, data
                  trace off, access logs (JSON) to /wsadm/NAME/STAGE/access
  log groups      /aws/lambda/FUNCTION, /wsadm/NAME/STAGE/access,
                  API-Gateway-Execution-Logs_APIID/STAGE, all with --log-retention-days

Tokens (--authorizer jwt): an HS256 secret of at least 32 bytes, or --jwks-url with both
--jwt-issuer and --jwt-audience (a provider's keys sign tokens for other applications too);
--jwt-typ and --jwt-max-age add checks. The secret is read by wsadm and written only to Secrets
Manager; the authorizer gets its ARN (WSADM_JWT_SECRET_ARN), no function's environment holds
it, and plans show it masked. A rerun with a different secret is refused, so a typo never locks
everyone out: replace it with --rotate-secret, and tokens signed with the old one keep working
for --rotation-grace (default 1h; 0 drops it at once, for a leaked secret).

Where clients put the token (--token-in): query (?token=JWT), header (Authorization: Bearer
JWT), or both (default). API Gateway refuses a connect before calling the authorizer when a
listed identity source is missing, so query and header list theirs, and both lists none: the
authorizer then runs on every connect and takes the token from either place. Browsers cannot set
headers on a WebSocket handshake; native clients should prefer the header (URLs end up in logs).

Rooms and limits (the handlers enforce them): --public-rooms (names, PREFIX*, * for all, '' for
none), rooms granted by the token claim --rooms-claim, dm:A:B rooms open only to A and B;
--max-rooms per connection; --user-rate RATE:BURST messages per second per user over all of
their connections; --max-connections-per-user.

A deployment is made when routes, integrations or the authorizer changed. On AWS, stage logging
needs API Gateway's account-level CloudWatch role (once per region): provision says how when it
is missing.

The handlers' code, first found of: --handler-zip; a checkout's dist/; the zip of `wsadm
handlers build`; the handlers a release of wsadm embeds, prebuilt for x86_64 and arm64 (so an
installed wsadm deploys either architecture from any machine, with no toolchain); on Linux,
this wsadm itself as the functions' `bootstrap` for its own architecture. Each function's
description names the wsadm version that built its code.

Examples:
  export CHAT_JWT_SECRET=$(openssl rand -base64 48)
  wsadm provision --name chat --stage prod --jwt-secret-env CHAT_JWT_SECRET
  wsadm provision --name chat --stage prod --jwks-url https://id.example.com/.well-known/jwks.json \\
      --jwt-issuer https://id.example.com/ --jwt-audience chat --jwt-typ at+jwt --token-in header
  export CHAT_JWT_SECRET=$(openssl rand -base64 48)           # a new secret: old tokens work 2h more
  wsadm provision --name chat --stage prod --jwt-secret-env CHAT_JWT_SECRET --rotate-secret \\
      --rotation-grace 2h
  wsadm provision --name chat --stage prod --jwt-secret-env CHAT_JWT_SECRET \\
      --public-rooms 'lobby,help,team-*' --user-rate 5:10 --max-rooms 10 --dry-run  # the plan
  wsadm provision --name chat --stage prod --authorizer iam -o json";

const DESTROY_HELP: &str = "\
Deletes, in dependency order, the API (with its routes, integrations, authorizer, stages and
deployments), the functions, the JWT secret in Secrets Manager (at once, no recovery window),
the role and its policy, the log groups and the session table (and its data). Only resources tagged wsadm:stack=NAME are deleted (plus the log groups AWS made for
the stack's own functions and API); a same-named resource without the tag is reported and left
alone. Pieces already gone are skipped. Asks on a terminal; needs --yes otherwise.

Examples:
  wsadm destroy --name chat --dry-run       # what would be deleted
  wsadm destroy --name chat                 # asks first
  wsadm destroy --name chat --yes -o json   # from a script";

/// How clients authenticate on `$connect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthorizerKind {
    /// A JWT checked by the stack's REQUEST authorizer function (HS256 secret or JWKS)
    Jwt,
    /// SigV4-signed connections (AWS_IAM); users are anonymous to the chat handlers
    Iam,
    /// No authentication: anyone can connect (a warning says so)
    None,
}

/// Where clients put the token on `$connect` (the authorizer's identity source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenIn {
    /// `?token=JWT` (browsers); a connect without it is refused before the authorizer runs
    Query,
    /// `Authorization: Bearer JWT` (native clients); a connect without it is refused before the authorizer runs
    Header,
    /// Either: no identity source, so the authorizer runs on every connect and reads both
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoggingLevelArg {
    #[value(name = "OFF")]
    Off,
    #[value(name = "ERROR")]
    Error,
    #[value(name = "INFO")]
    Info,
}

#[derive(Debug, Subcommand)]
pub enum HandlersCommand {
    /// Cross-build the handlers with cargo-lambda into wsadm's cache, where provision finds them
    #[command(after_help = HANDLERS_BUILD_HELP)]
    Build(HandlersBuildArgs),
}

const HANDLERS_BUILD_HELP: &str = "\
A release of wsadm embeds the handlers prebuilt for x86_64 and arm64: `wsadm provision` uploads
those, and needs no build. A wsadm built from a checkout embeds none: on Linux, provision then
uploads this wsadm executable as the functions' `bootstrap` for its own architecture (it runs
the handlers when Lambda starts it), after checking that Lambda's provided.al2023 (glibc 2.34)
can run it. For the other architecture, or on macOS and Windows, build the handlers here.

Needs cargo-lambda (`pip install cargo-lambda` brings zig, the cross linker) and, for a target
other than this machine's, its Rust standard library (`rustup target add aarch64-unknown-linux-gnu`).
Compiles the wsadm checkout around the working directory (or --source), else the published
wsadm-handler crate of this wsadm's version. Output: the cache (WSADM_CACHE_DIR, else
$XDG_CACHE_HOME/wsadm, else ~/.cache/wsadm) or --out.

Examples:
  wsadm handlers build --arch arm64
  wsadm provision --name chat --architecture arm64 --jwt-secret-file secret.txt";

#[derive(Debug, Args)]
pub struct HandlersBuildArgs {
    /// The functions' CPU architecture
    #[arg(long, value_enum, default_value_t = Architecture::X86_64)]
    pub arch: Architecture,

    /// A wsadm checkout to compile [default: the one around the working directory, else the
    /// published crate]
    #[arg(long, value_name = "DIR")]
    pub source: Option<PathBuf>,

    /// Where to write the zip [default: the cache, where provision looks]
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Architecture {
    #[value(name = "x86_64")]
    X86_64,
    #[value(name = "arm64")]
    Arm64,
}

impl Architecture {
    pub fn lambda(self) -> crate::commands::handlers::elf::Arch {
        match self {
            Architecture::X86_64 => crate::commands::handlers::elf::Arch::X86_64,
            Architecture::Arm64 => crate::commands::handlers::elf::Arch::Arm64,
        }
    }
}

/// `--route-throttle ROUTE=RATE:BURST`.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteThrottle {
    pub route: String,
    pub rate: f64,
    pub burst: i32,
}

fn parse_route_throttle(s: &str) -> Result<RouteThrottle, String> {
    let bad = || format!("`{s}` is not ROUTE=RATE:BURST (e.g. send=50:100)");
    let (route, limits) = s.rsplit_once('=').ok_or_else(bad)?;
    let (rate, burst) = limits.split_once(':').ok_or_else(bad)?;
    let rate: f64 = rate.trim().parse().map_err(|_| bad())?;
    let burst: i32 = burst.trim().parse().map_err(|_| bad())?;
    if route.is_empty() || !rate.is_finite() || rate < 0.0 || burst < 0 {
        return Err(bad());
    }
    Ok(RouteThrottle { route: route.to_string(), rate, burst })
}

#[derive(Debug, Args)]
pub struct ProvisionCommand {
    /// Stack name: names the API, functions, role, table and log groups, all tagged wsadm:stack=NAME
    /// (the stage is the global --stage)
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Show what would be created, updated or deleted, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// How clients authenticate on $connect
    #[arg(long, value_enum, default_value_t = AuthorizerKind::Jwt, help_heading = "Authorization")]
    pub authorizer: AuthorizerKind,

    /// JWKS URL with the RS256/ES256 keys that sign client tokens (https)
    #[arg(long, value_name = "URL", help_heading = "Authorization")]
    pub jwks_url: Option<String>,

    /// Environment variable holding the HS256 secret, at least 32 bytes (read here, stored in
    /// Secrets Manager as wsadm/NAME/jwt-secret)
    #[arg(long, value_name = "VAR", help_heading = "Authorization")]
    pub jwt_secret_env: Option<String>,

    /// File holding the HS256 secret, at least 32 bytes (read here, trailing newlines trimmed;
    /// stored in Secrets Manager)
    #[arg(long, value_name = "FILE", help_heading = "Authorization")]
    pub jwt_secret_file: Option<PathBuf>,

    /// Required `iss` claim
    #[arg(long, value_name = "ISS", help_heading = "Authorization")]
    pub jwt_issuer: Option<String>,

    /// Required `aud` claim (comma-separated: a token must name one of them); with --jwks-url
    /// both --jwt-issuer and --jwt-audience are required
    #[arg(long, value_name = "AUD", help_heading = "Authorization")]
    pub jwt_audience: Option<String>,

    /// Required `typ` header, compared case-insensitively (e.g. JWT, or at+jwt for OAuth access tokens)
    #[arg(long, value_name = "T", help_heading = "Authorization")]
    pub jwt_typ: Option<String>,

    /// Refuse tokens issued (`iat`) longer ago than this, e.g. 1h (tokens must then carry `iat`)
    #[arg(long, value_name = "DURATION", value_parser = crate::args::duration::parse, help_heading = "Authorization")]
    pub jwt_max_age: Option<std::time::Duration>,

    /// Where clients put the token on $connect: query (?token=JWT), header (Authorization: Bearer
    /// JWT), or both (the authorizer has no identity source and reads either) [default: both]
    #[arg(long, value_enum, value_name = "WHERE", help_heading = "Authorization")]
    pub token_in: Option<TokenIn>,

    /// Replace the HS256 secret in Secrets Manager with the one given now; tokens signed with the
    /// old one keep working for --rotation-grace
    #[arg(long, help_heading = "Authorization")]
    pub rotate_secret: bool,

    /// With --rotate-secret: how long the old secret still verifies (0 drops it at once, for a
    /// leaked secret; at most 7d) [default: 1h]
    #[arg(long, value_name = "DURATION", value_parser = crate::args::duration::parse, requires = "rotate_secret", help_heading = "Authorization")]
    pub rotation_grace: Option<std::time::Duration>,

    /// Token claim listing the rooms a user may join besides the public ones (copied by the
    /// authorizer into its context) [default: rooms]
    #[arg(long, value_name = "NAME", help_heading = "Authorization")]
    pub rooms_claim: Option<String>,

    /// Stage default: steady requests per second per route
    #[arg(long, value_name = "RPS", default_value_t = 500.0, help_heading = "Throttling")]
    pub throttle_rate: f64,

    /// Stage default: burst
    #[arg(long, value_name = "N", default_value_t = 1000, help_heading = "Throttling")]
    pub throttle_burst: i32,

    /// One route's own limits, e.g. send=50:100 (repeatable)
    #[arg(long, value_name = "ROUTE=RATE:BURST", value_parser = parse_route_throttle, help_heading = "Throttling")]
    pub route_throttle: Vec<RouteThrottle>,

    /// Execution logging level
    #[arg(long, value_enum, ignore_case = true, default_value_t = LoggingLevelArg::Error, help_heading = "Logging")]
    pub logging_level: LoggingLevelArg,

    /// Per-route CloudWatch metrics (billed per metric)
    #[arg(long, help_heading = "Logging")]
    pub detailed_metrics: bool,

    /// Access-log format with $context variables (must contain $context.requestId) [default: JSON
    /// with requestId, requestTime, connectionId, eventType, routeKey, status, integrationLatency,
    /// authorizerError, errorMessage, sourceIp, userAgent]
    #[arg(long, value_name = "FORMAT", help_heading = "Logging")]
    pub access_log_format: Option<String>,

    /// Retention of every log group of the stack
    #[arg(long, value_name = "DAYS", default_value_t = 30, help_heading = "Logging")]
    pub log_retention_days: i32,

    /// Open connections one user may hold (0 = no cap)
    #[arg(long, value_name = "N", default_value_t = 10, help_heading = "Handlers")]
    pub max_connections_per_user: u64,

    /// Rooms anyone may join: comma-separated names, NAME* for a prefix, * for every room, ''
    /// for none (dm:A:B rooms are only ever open to A and B)
    #[arg(long, value_name = "LIST", default_value = "*", help_heading = "Handlers")]
    pub public_rooms: String,

    /// Rooms one connection may be in at once (1-100)
    #[arg(long, value_name = "N", default_value_t = 20, help_heading = "Handlers")]
    pub max_rooms: u32,

    /// Messages one user may send per second over all of their connections, and the burst
    /// (0:0 = no per-user limit)
    #[arg(long, value_name = "RATE:BURST", default_value = "10:20", help_heading = "Handlers")]
    pub user_rate: String,

    /// The handlers' Lambda zip [default: dist/wsadm-handler-ARCH.zip if present, else the zip
    /// `wsadm handlers build --arch ARCH` made, else this wsadm itself as `bootstrap` (Linux,
    /// same architecture)]
    #[arg(long, value_name = "PATH", help_heading = "Handlers")]
    pub handler_zip: Option<PathBuf>,

    /// CPU architecture of the functions (must match the zip)
    #[arg(long, value_enum, default_value_t = Architecture::X86_64, help_heading = "Handlers")]
    pub architecture: Architecture,

    /// Also create the stage's recommended CloudWatch alarms, with their default thresholds
    /// (`wsadm alarms plan` shows them; `wsadm alarms apply` takes other thresholds)
    #[arg(long, help_heading = "Alarms")]
    pub alarms: bool,

    /// With --alarms: SNS topic notified when an alarm fires and when it recovers
    #[arg(long, value_name = "ARN", requires = "alarms", help_heading = "Alarms")]
    pub alarm_topic: Option<String>,
}

#[derive(Debug, Args)]
pub struct DestroyCommand {
    /// The stack to delete
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Show what would be deleted, and delete nothing
    #[arg(long)]
    pub dry_run: bool,
}

const CLIENT_HELP: &str = "\
Without URL it connects to the --api/--stage target (the API endpoint + / + stage, or --domain).

On a terminal: line editing and history; a line is sent to the current room (the last joined);
/join ROOM, /leave [ROOM], /send ROOM TEXT, /raw JSON, /whoami, /ping, /rooms, /help, /quit.
Messages are shown with their time and sender.

Scripted (stdin not a terminal): each stdin line is sent; a line starting with { is sent as
it is, any other line as {\"action\":\"send\",\"room\":ROOM,\"text\":LINE} when --room is given.
Every frame received is printed to stdout as one JSON line; status (connected, reconnecting,
closed, the summary) goes to stderr, as JSON lines with -o json/jsonl. When stdin ends, the
client waits up to --linger for the replies to what it sent, then closes (1000); --stay keeps
it connected until Ctrl-C or SIGTERM.

Heartbeat: the ping action every --heartbeat (default 5m, under API Gateway's 10-minute idle
timeout); no pong within --pong-timeout means the connection is dead: it is dropped and
reconnected. Reconnects: after the server or the network closes the connection (a kick with
1000, 1001 at the idle timeout or the 2-hour limit, 1006 drops, 1011-1014), with exponential
backoff and full jitter: a delay drawn uniformly from [0, min(cap, base * 2^attempt)); rooms are
rejoined. Never after an upgrade refused with 401 or 403 (exit code 4, with the reason), nor
after close codes that say the client is not welcome (1002, 1003, 1007, 1008, 3000, 3003,
4401, 4403). The first connection is retried only on 429 and 5xx.

Exit codes: 0 after /quit, the end of input or SIGTERM; 1 when the server closed with an error
code and no reconnect followed, or reconnects were used up; 4 on 401/403; 130 on Ctrl-C.

Examples:
  wsadm client --api chat --stage prod --token-env CHAT_TOKEN --room lobby
  wsadm client wss://abc123.execute-api.eu-west-1.amazonaws.com/prod --token-file ~/.chat-token
  echo '{\"action\":\"whoami\"}' | wsadm client ws://127.0.0.1:4510/apis/abc123/prod --token \"$T\"
  tail -f alerts.log | wsadm client \"$URL\" --token-env T --room ops --stay";

const LOADTEST_HELP: &str = "\
Opens --connections at --connect-rate (AWS allows 500 new connections/s per account and
region), retrying 429/5xx/timeouts --connect-retries times; connection i joins room i % K
(--rooms K names them loadtest-0…; --room NAME names them) with the join action or ?room=
(--join-via query). Once all are open it holds them for --duration (or, with --hold, until
Ctrl-C or SIGTERM) while sending --message-rate messages/s in total, each a send to the
sender's room with --payload-bytes of text that carries its send time: every copy a room
member receives gives a round trip. Then it closes them all (1000) and reports connect and
join latency, ack latency (send -> sent reply) and round trip (send -> each delivery) as
p50/p95/p99/max, errors by HTTP status and close code, and the success ratio (connections
held to the end / requested). A live progress line is shown on stderr when it is a terminal.

Counting mode, for verifying a broadcast: --expect N checks that every connection received
exactly N frames (other than replies to its own actions; --count-type T counts only frames
with \"type\":T); the JSON report lists every connection's count. With --hold, the line
`ready` (JSON with -o json/jsonl) is printed once all connections are open; start the
broadcast then, and stop the loadtest with SIGTERM — or pass --until-expected to finish as
soon as every connection has its N (after --settle, to catch duplicates).

On loopback, connections come from 127.0.0.1 … 127.0.0.K (--source-addrs, default 8), each
address with its own ephemeral ports. The soft open-files limit is raised to the hard one; more
connections than it allows is an error.

Exit codes: 0 when every connection was held and every message acked (and counts matched);
3 otherwise; 130 on Ctrl-C without --hold.

Examples:
  wsadm loadtest --api chat --token-file tokens.txt --connections 5000 --duration 60s \\
      --rooms 100 --message-rate 200 -o json
  wsadm loadtest ws://127.0.0.1:4510/apis/abc123/prod --token \"$T\" -n 10000 \\
      --room lobby --join-via query --hold --expect 1 -o jsonl";

const BROADCAST_HELP: &str = "\
Targets come from the session table (--all, --room, --user: index queries and a parallel
scan), or are given (--connection, --targets FILE with one id per line or the JSONL of
`sessions ls -o jsonl` or of a previous --report; - reads stdin). Records of another stage
(one table may serve several) are skipped and counted, unless --all-stages sends each to its
own stage; ids in the table that are not connection ids are counted and never sent. The
table is read as the messages go out: sending starts with the first page, and memory stays
bounded for any number of connections. Given ids are all read and checked before the first
send.

The account limit: @connections calls count against the account's API Gateway limit
(10,000 requests/s, burst 5,000, per region), which production traffic (clients' messages,
the handlers' own fan-out) shares. Every 429 a broadcast causes may be a user's message
refused. --max-rps is a hard cap (default 5,000: half the limit); under it the rate adapts:
it rises a step each 100 ms without a 429 and falls by 15% at most once per 100 ms, or straight
to what the throttle lets through once that is measured, so under a steady throttle it settles
just below it with a few percent of calls answered 429.

Answers are sorted by HTTP status first: 410 gone; 429 throttled (that connection backs
off, jittered exponential); 5xx and connect failures retried up to --max-attempts; 401/403
(wrong endpoint, credentials or IAM) and 413 (payload too large) stop the broadcast, delete
nothing and are not retried. With either sender (direct or sdk), a request that may have
been sent and got no answer (reset, closed connection, timeout) may have been delivered: it
is not re-sent, and is reported failed with maybe_delivered: true, so re-sending the
failures is at-least-once for those targets. A 410 removes that connection's record unless
it is younger than --min-age (it may still be in $connect) or names another stage.
delivered + gone + failed + not attempted = targets, always, also on Ctrl-C (which stops
sending, waits for the calls in flight and prints the partial summary).

Exit codes: 0 all delivered or gone; 3 some failed or not attempted, reading the table
failed part way, gone records could not be removed, the --report file could not be written
completely, or the table holds invalid ids; 4 a 403 stopped it; 1 a 413 stopped it;
130 interrupted.

Examples:
  wsadm broadcast --room lobby --message '{\"type\":\"maintenance\",\"in\":\"5m\"}' --json
  wsadm broadcast --all --file notice.json --report sent.jsonl
  wsadm broadcast --targets sent.jsonl --only failed --file notice.json     # retry just the failures
  wsadm sessions ls --user alice -o jsonl | wsadm broadcast --targets - --message hi
  wsadm broadcast --all --dry-run                                           # count, send nothing
  wsadm broadcast --all --all-stages --message hi                           # each stage on its own";

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["all", "room", "user", "connection", "targets"])))]
pub struct BroadcastCommand {
    /// Every connection in the session table
    #[arg(long, help_heading = "Targets")]
    pub all: bool,
    /// The connections in this room
    #[arg(long, value_name = "ROOM", help_heading = "Targets")]
    pub room: Option<String>,
    /// The connections of this user
    #[arg(long, value_name = "USER", help_heading = "Targets")]
    pub user: Option<String>,
    /// These connection ids (repeatable)
    #[arg(long, value_name = "ID", num_args = 1.., help_heading = "Targets")]
    pub connection: Vec<String>,
    /// A file of targets (ids, or JSON lines with connection_id); - for stdin
    #[arg(long, value_name = "FILE", help_heading = "Targets")]
    pub targets: Option<std::path::PathBuf>,
    /// With --targets of a previous report: only targets with this outcome
    #[arg(long, value_enum, value_name = "OUTCOME", help_heading = "Targets")]
    pub only: Option<BroadcastOutcome>,
    /// With --all/--room/--user: send records of other stages to their own stage's endpoint
    /// (by default they are skipped and counted)
    #[arg(long, help_heading = "Targets", conflicts_with_all = ["connection", "targets"])]
    pub all_stages: bool,
    /// The message text
    #[arg(long, short = 'm', value_name = "TEXT", help_heading = "Message", conflicts_with = "file")]
    pub message: Option<String>,
    /// Read the message from a file (or pipe it on stdin)
    #[arg(long, value_name = "PATH", help_heading = "Message")]
    pub file: Option<std::path::PathBuf>,
    /// Refuse a message that is not valid JSON
    #[arg(long, help_heading = "Message")]
    pub json: bool,
    /// Most @connections calls per second, retries included: a hard cap (they share the
    /// account's limit with production traffic)
    #[arg(long, value_name = "RPS", default_value_t = 5_000.0, help_heading = "Delivery")]
    pub max_rps: f64,
    /// Most calls in flight
    #[arg(long, value_name = "N", default_value_t = 256, help_heading = "Delivery")]
    pub concurrency: usize,
    /// Attempts per connection for 429, 5xx and connect failures (never after a timeout)
    #[arg(long, value_name = "N", default_value_t = 5, help_heading = "Delivery")]
    pub max_attempts: u32,
    /// Parallel scan segments for --all
    #[arg(long, value_name = "N", default_value_t = 4, help_heading = "Delivery")]
    pub scan_segments: u32,
    /// How calls are sent: direct (wsadm's own signer on hyper's pooled client), sdk (the AWS
    /// SDK client: slower, speaks to proxies), auto (direct unless HTTPS_PROXY/HTTP_PROXY applies)
    #[arg(long, value_enum, value_name = "SENDER", default_value = "auto", help_heading = "Delivery")]
    pub sender: BroadcastSender,
    /// Write one JSON line per target with its outcome
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
    /// Keep the record of a gone (410) connection younger than this: it may still be in $connect
    #[arg(long, value_name = "DURATION", default_value = "30s", help_heading = "Delivery")]
    pub min_age: String,
    /// Resolve and count the targets; send nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BroadcastSender {
    Auto,
    Direct,
    Sdk,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum BroadcastOutcome {
    Delivered,
    Gone,
    Failed,
    NotAttempted,
}
