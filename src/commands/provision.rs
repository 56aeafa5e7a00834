//! `wsadm provision` and `wsadm destroy`: the whole WebSocket chat stack, converged.
//!
//! Provision reads what exists, compares it with what the options ask for, and creates or
//! updates only what differs, in dependency order: session table, API, the functions' IAM role
//! and policy, log groups, Lambda functions, integrations, authorizer, invoke permissions,
//! routes and route responses, the stage, and a deployment when the API's routing changed.
//! Every piece is found by its name *and* its `wsadm:stack` tag; a same-named resource without
//! the tag is never adopted (it is an error), so a rerun never duplicates and never takes over
//! someone else's resources. `--dry-run` runs the same comparison and changes nothing.
//!
//! Names, for stack NAME and stage STAGE:
//!
//! | resource | name |
//! |---|---|
//! | API | NAME (tags `wsadm:stack=NAME`, `wsadm:table=NAME-sessions`) |
//! | session table | NAME-sessions |
//! | functions | NAME-connect, NAME-disconnect, NAME-chat, NAME-authorizer (jwt only) |
//! | execution role + inline policy | NAME-wsadm-handlers / wsadm-handlers |
//! | REQUEST authorizer | NAME-jwt |
//! | log groups | /aws/lambda/FUNCTION, /wsadm/NAME/STAGE/access, API-Gateway-Execution-Logs_APIID/STAGE |
//!
//! The deployment carries a fingerprint of the routing (routes, integrations, authorizer,
//! route responses) in its description, so a run that stopped before deploying is finished by
//! the next one even though nothing else differs.

use super::Ctx;
use crate::cli::{Architecture, AuthorizerKind, DestroyCommand, LoggingLevelArg, ProvisionCommand};
use crate::output::{cell, Block, Report};
use aws_sdk_apigatewayv2::types::{
    AccessLogSettings, AuthorizationType, AuthorizerType, IntegrationType, LoggingLevel, ProtocolType, RouteSettings,
};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;
use wsadm_core::error::service_code;
use wsadm_core::store::{INDEX_BY_ROOM, INDEX_BY_USER, TTL_ATTRIBUTE};
use wsadm_core::target::{self, TAG_STACK, TAG_TABLE};
use wsadm_core::{apigw, Aws, AwsResultExt, Error, ErrorKind};

/// The routes of the chat stack: key, the function behind it, and whether it replies to the sender.
const ROUTES: &[(&str, FnRole, bool)] = &[
    ("$connect", FnRole::Connect, false),
    ("$disconnect", FnRole::Disconnect, false),
    ("$default", FnRole::Chat, true),
    ("join", FnRole::Chat, true),
    ("leave", FnRole::Chat, true),
    ("send", FnRole::Chat, true),
    ("ping", FnRole::Chat, true),
    ("whoami", FnRole::Chat, true),
];

const ROUTE_SELECTION: &str = "$request.body.action";
/// The authorizer's identity source. AWS answers 401 when *any* listed source is missing, and
/// browsers cannot set headers on a WebSocket handshake, so the query string is the one source;
/// the authorizer function also accepts `Authorization: Bearer` when `?token=` is present.
const IDENTITY_SOURCE: &str = "route.request.querystring.token";
const POLICY_NAME: &str = "wsadm-handlers";
/// The Sid of the statement that lets API Gateway invoke a function.
const PERMISSION_SID: &str = "wsadm-apigateway";
/// AWS's limit for WebSocket integrations.
const INTEGRATION_TIMEOUT_MS: i32 = 29_000;
const FUNCTION_MEMORY_MB: i32 = 256;
/// A zip uploaded directly (not through S3) may be at most this big.
const MAX_ZIP_BYTES: usize = 50 * 1024 * 1024;
/// Values CloudWatch Logs accepts for retentionInDays.
const RETENTION_DAYS: &[i32] =
    &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// The default access-log line: one JSON object per request.
pub const DEFAULT_ACCESS_LOG_FORMAT: &str = concat!(
    r#"{"requestId":"$context.requestId","requestTime":"$context.requestTimeEpoch","#,
    r#""connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","#,
    r#""status":"$context.status","integrationLatency":"$context.integrationLatency","#,
    r#""authorizerError":"$context.authorizer.error","errorMessage":"$context.error.message","#,
    r#""sourceIp":"$context.identity.sourceIp","userAgent":"$context.identity.userAgent"}"#
);

const MASK: &str = "********";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum FnRole {
    Connect,
    Disconnect,
    Chat,
    Authorizer,
}

impl FnRole {
    const ALL: [FnRole; 4] = [FnRole::Connect, FnRole::Disconnect, FnRole::Chat, FnRole::Authorizer];

    fn suffix(self) -> &'static str {
        match self {
            FnRole::Connect => "connect",
            FnRole::Disconnect => "disconnect",
            FnRole::Chat => "chat",
            FnRole::Authorizer => "authorizer",
        }
    }
}

fn function_name(stack: &str, role: FnRole) -> String {
    format!("{stack}-{}", role.suffix())
}

fn table_name(stack: &str) -> String {
    format!("{stack}-sessions")
}

fn role_name(stack: &str) -> String {
    format!("{stack}-wsadm-handlers")
}

fn authorizer_name(stack: &str) -> String {
    format!("{stack}-jwt")
}

fn lambda_log_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

fn access_log_group(stack: &str, stage: &str) -> String {
    format!("/wsadm/{stack}/{stage}/access")
}

fn execution_log_group(api_id: &str, stage: &str) -> String {
    format!("API-Gateway-Execution-Logs_{api_id}/{stage}")
}

/// Stack names end up in function, role, table and log group names: keep them to what all accept.
fn validate_name(name: &str) -> Result<(), Error> {
    let ok = (1..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("`{name}` is not a valid stack name"),
            "use 1-40 letters, digits, '-' or '_', starting with a letter or digit (it prefixes function, role and table names)",
        ))
    }
}

fn validate_stage(stage: &str) -> Result<(), Error> {
    let ok = (1..=128).contains(&stage.len()) && stage.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!("`{stage}` is not a valid stage name"), "use letters, digits, '-' and '_'"))
    }
}

// ----- the report -----

/// What happens (or happened) to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Delete,
    /// destroy: it was not there (already deleted)
    Gone,
    /// destroy: a resource with the stack's name that is not tagged as the stack's; left alone
    Skipped,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
            Action::Gone => "gone",
            Action::Skipped => "skipped",
        }
    }
}

/// One field that differs: its current and its desired value (`None`: not set / not there).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub kind: &'static str,
    pub name: String,
    pub id: Option<String>,
    pub action: Action,
    pub changes: Vec<Change>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub unchanged: usize,
}

fn summarize(steps: &[Step]) -> Summary {
    let mut s = Summary::default();
    for st in steps {
        match st.action {
            Action::Create => s.create += 1,
            Action::Update => s.update += 1,
            Action::Delete => s.delete += 1,
            Action::Unchanged | Action::Gone | Action::Skipped => s.unchanged += 1,
        }
    }
    s
}

/// Where the stack can be reached and what it is made of.
#[derive(Debug, Default, Serialize)]
pub struct Outputs {
    pub api_id: Option<String>,
    pub wss_url: Option<String>,
    pub management_endpoint: Option<String>,
    pub table: String,
    pub role: String,
    pub functions: Vec<String>,
    pub log_groups: Vec<String>,
}

/// Why a run stopped, with what to do about it (the same fields as wsadm's JSON errors).
#[derive(Debug, Serialize)]
pub struct Failure {
    pub kind: ErrorKind,
    pub exit_code: i32,
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
}

impl Failure {
    fn from_error(e: &Error) -> Self {
        let mut causes: Vec<String> = Vec::new();
        let mut src = std::error::Error::source(e);
        while let Some(c) = src {
            let m = c.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
            if !m.is_empty() && !causes.contains(&m) {
                causes.push(m);
            }
            src = c.source();
        }
        Failure { kind: e.kind(), exit_code: e.kind().exit_code(), message: e.to_string(), causes, hint: e.hint() }
    }

    fn blocks(&self, what: &str, trailer: &str) -> Block {
        let mut text = format!("error: {what} stopped: {}", self.message);
        for c in &self.causes {
            text.push_str(": ");
            text.push_str(c);
        }
        text.push('\n');
        if let Some(h) = &self.hint {
            text.push_str(&format!("hint: {h}\n"));
        }
        text.push_str(trailer);
        text.push('\n');
        Block::Raw(text)
    }
}

#[derive(Debug, Serialize)]
pub struct ProvisionReport {
    pub stack: String,
    pub stage: String,
    pub region: String,
    pub account: Option<String>,
    pub dry_run: bool,
    /// Nothing differed (and so nothing was, or would be, changed).
    pub up_to_date: bool,
    pub summary: Summary,
    pub resources: Vec<Step>,
    pub outputs: Outputs,
    pub warnings: Vec<String>,
    /// Set when the run stopped halfway: `resources` is what was done until then.
    pub error: Option<Failure>,
}

fn changes_cell(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "-".into();
    }
    changes
        .iter()
        .map(|c| {
            format!("{}: {} -> {}", c.field, c.from.as_deref().unwrap_or("(none)"), c.to.as_deref().unwrap_or("(none)"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn steps_table(steps: &[Step], with_changes: bool) -> Block {
    let mut header = vec!["KIND".to_string(), "NAME".into(), "ACTION".into()];
    if with_changes {
        header.push("CHANGES".into());
    }
    Block::Table {
        title: None,
        header,
        rows: steps
            .iter()
            .map(|s| {
                let mut row = vec![s.kind.to_string(), s.name.clone(), s.action.as_str().to_string()];
                if with_changes {
                    row.push(changes_cell(&s.changes));
                }
                row
            })
            .collect(),
        empty: "No resources.".into(),
    }
}

impl Report for ProvisionReport {
    fn view(&self) -> Vec<Block> {
        let s = &self.summary;
        let headline = if self.error.is_some() {
            format!("Stack {} (stage {}): provision did not finish", self.stack, self.stage)
        } else if self.up_to_date {
            format!("Stack {} (stage {}) is up to date: nothing to change.", self.stack, self.stage)
        } else if self.dry_run {
            format!(
                "Plan for stack {} (stage {}): {} to create, {} to update, {} to delete, {} unchanged (dry run: nothing was changed)",
                self.stack, self.stage, s.create, s.update, s.delete, s.unchanged
            )
        } else {
            format!(
                "Stack {} (stage {}): {} created, {} updated, {} deleted, {} unchanged",
                self.stack, self.stage, s.create, s.update, s.delete, s.unchanged
            )
        };
        let mut blocks = vec![Block::Raw(format!("{headline}\n")), steps_table(&self.resources, true)];
        let o = &self.outputs;
        if !self.dry_run && self.error.is_none() {
            blocks.push(Block::Fields {
                title: Some("Stack".into()),
                rows: vec![
                    ("WebSocket URL".into(), cell(o.wss_url.as_deref())),
                    ("Management endpoint".into(), cell(o.management_endpoint.as_deref())),
                    ("API id".into(), cell(o.api_id.as_deref())),
                    ("Session table".into(), o.table.clone()),
                    ("Role".into(), o.role.clone()),
                    ("Functions".into(), o.functions.join(", ")),
                    ("Log groups".into(), o.log_groups.join(", ")),
                ],
            });
        }
        if !self.warnings.is_empty() {
            blocks.push(Block::Raw(self.warnings.iter().map(|w| format!("warning: {w}\n")).collect()));
        }
        if let Some(f) = &self.error {
            blocks.push(if self.dry_run {
                f.blocks("the dry run", "The plan above is as far as it got; nothing was changed.")
            } else {
                f.blocks(
                    "provision",
                    "The resources above are what exists now; run the same command again to converge.",
                )
            });
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        self.error.as_ref().map(|f| f.kind)
    }
}

#[derive(Debug, Serialize)]
pub struct DestroyReport {
    pub stack: String,
    pub region: String,
    pub dry_run: bool,
    /// Nothing of the stack was found.
    pub nothing_to_destroy: bool,
    pub resources: Vec<Step>,
    pub warnings: Vec<String>,
    pub error: Option<Failure>,
}

impl Report for DestroyReport {
    fn view(&self) -> Vec<Block> {
        let deleted = self.resources.iter().filter(|s| s.action == Action::Delete).count();
        let gone = self.resources.iter().filter(|s| s.action == Action::Gone).count();
        let headline = if self.error.is_some() {
            format!("Stack {}: destroy did not finish", self.stack)
        } else if self.nothing_to_destroy {
            format!(
                "Stack {}: nothing to destroy (no resource tagged {TAG_STACK}={} was found).",
                self.stack, self.stack
            )
        } else if self.dry_run {
            format!("Stack {}: {deleted} resource(s) would be deleted (dry run: nothing was changed)", self.stack)
        } else {
            format!("Stack {} destroyed: {deleted} deleted, {gone} already gone", self.stack)
        };
        let mut blocks = vec![Block::Raw(format!("{headline}\n"))];
        if !self.resources.is_empty() {
            blocks.push(steps_table(&self.resources, false));
        }
        if !self.warnings.is_empty() {
            blocks.push(Block::Raw(self.warnings.iter().map(|w| format!("warning: {w}\n")).collect()));
        }
        if let Some(f) = &self.error {
            blocks.push(f.blocks(
                "destroy",
                "The resources above are what was deleted; run the same command again to delete the rest.",
            ));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        self.error.as_ref().map(|f| f.kind)
    }
}

// ----- the desired state -----

#[derive(Debug, Clone, PartialEq)]
enum Auth {
    Jwt,
    Iam,
    None,
}

#[derive(Debug, Clone)]
struct FnSpec {
    role: FnRole,
    name: String,
    env: BTreeMap<String, String>,
    timeout: i32,
    description: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Throttle {
    rate: f64,
    burst: i32,
}

/// Everything the options ask for, validated, before any AWS call.
#[derive(Debug)]
struct Desired {
    stack: String,
    stage: String,
    table: String,
    role: String,
    auth: Auth,
    functions: Vec<FnSpec>,
    zip: Vec<u8>,
    code_sha256: String,
    architecture: aws_sdk_lambda::types::Architecture,
    throttle: Throttle,
    route_throttle: BTreeMap<String, Throttle>,
    logging_level: LoggingLevel,
    detailed_metrics: bool,
    access_log_format: String,
    retention_days: i32,
}

impl Desired {
    fn function(&self, role: FnRole) -> Option<&FnSpec> {
        self.functions.iter().find(|f| f.role == role)
    }
}

fn read_zip(path: &Path) -> Result<Vec<u8>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::invalid(
                format!("the handler artifact {} does not exist", path.display()),
                "build it with `scripts/build-handlers` (arm64: `scripts/build-handlers arm64`), or pass --handler-zip PATH",
            ))
        }
        Err(source) => return Err(Error::Io { context: format!("cannot read {}", path.display()), source }),
    };
    if !bytes.starts_with(b"PK") {
        return Err(Error::invalid(
            format!("{} is not a zip file", path.display()),
            "pass the zip made by `scripts/build-handlers` (it holds the `bootstrap` binary)",
        ));
    }
    if bytes.len() > MAX_ZIP_BYTES {
        return Err(Error::invalid(
            format!(
                "{} is {} bytes; a directly uploaded function zip may be at most 50 MB",
                path.display(),
                bytes.len()
            ),
            "build the handlers in release mode with `scripts/build-handlers`",
        ));
    }
    Ok(bytes)
}

fn is_loopback_http(url: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| url.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/'])))
}

/// The authorizer function's key settings from the options; warnings for weak choices.
fn authorizer_env(p: &ProvisionCommand, warnings: &mut Vec<String>) -> Result<BTreeMap<String, String>, Error> {
    let mut env = BTreeMap::new();
    let sources = [p.jwks_url.is_some(), p.jwt_secret_env.is_some(), p.jwt_secret_file.is_some()];
    match sources.iter().filter(|s| **s).count() {
        0 => return Err(Error::invalid(
            "--authorizer jwt needs the key that verifies tokens",
            "pass --jwks-url URL (RS256/ES256), or an HS256 secret with --jwt-secret-env VAR or --jwt-secret-file FILE",
        )),
        1 => {}
        _ => {
            return Err(Error::invalid(
                "give only one of --jwks-url, --jwt-secret-env and --jwt-secret-file",
                "the authorizer verifies tokens with exactly one key source",
            ))
        }
    }
    if let Some(url) = &p.jwks_url {
        if !(url.starts_with("https://") || is_loopback_http(url)) {
            return Err(Error::invalid(
                format!("--jwks-url {url} must be an https:// URL"),
                "keys fetched over plain http could be swapped in transit (http:// is accepted only for 127.0.0.1/localhost)",
            ));
        }
        env.insert("WSADM_JWKS_URL".into(), url.clone());
    }
    let secret = if let Some(var) = &p.jwt_secret_env {
        let v = std::env::var(var).unwrap_or_default();
        if v.is_empty() {
            return Err(Error::invalid(
                format!("--jwt-secret-env {var}: the environment variable {var} is not set or empty"),
                format!("export {var}=... with the HS256 secret (at least 32 random bytes) and run again"),
            ));
        }
        Some(v)
    } else if let Some(file) = &p.jwt_secret_file {
        let v = std::fs::read_to_string(file).map_err(|source| Error::Io {
            context: format!("cannot read --jwt-secret-file {}", file.display()),
            source,
        })?;
        let v = v.trim_end_matches(['\r', '\n']).to_string();
        if v.is_empty() {
            return Err(Error::invalid(
                format!("--jwt-secret-file {} is empty", file.display()),
                "put the HS256 secret in it",
            ));
        }
        Some(v)
    } else {
        None
    };
    if let Some(secret) = secret {
        if secret.len() < 32 {
            warnings.push(format!(
                "the HS256 secret is {} bytes; use at least 32 random bytes (e.g. `openssl rand -base64 48`)",
                secret.len()
            ));
        }
        env.insert("WSADM_JWT_SECRET".into(), secret);
    }
    if let Some(iss) = p.jwt_issuer.as_ref().filter(|s| !s.is_empty()) {
        env.insert("WSADM_JWT_ISSUER".into(), iss.clone());
    }
    if let Some(aud) = p.jwt_audience.as_ref().filter(|s| !s.is_empty()) {
        env.insert("WSADM_JWT_AUDIENCE".into(), aud.clone());
    }
    Ok(env)
}

fn desired(p: &ProvisionCommand, stage: &str, warnings: &mut Vec<String>) -> Result<Desired, Error> {
    validate_name(&p.name)?;
    validate_stage(stage)?;
    let auth = match p.authorizer {
        AuthorizerKind::Jwt => Auth::Jwt,
        AuthorizerKind::Iam => Auth::Iam,
        AuthorizerKind::None => Auth::None,
    };
    if auth != Auth::Jwt
        && (p.jwks_url.is_some()
            || p.jwt_secret_env.is_some()
            || p.jwt_secret_file.is_some()
            || p.jwt_issuer.is_some()
            || p.jwt_audience.is_some())
    {
        return Err(Error::invalid(
            "the --jwt-*/--jwks-url options apply to --authorizer jwt only",
            "drop them, or use --authorizer jwt",
        ));
    }
    let auth_env = if auth == Auth::Jwt { Some(authorizer_env(p, warnings)?) } else { None };
    if auth == Auth::None {
        warnings.push(
            "--authorizer none: anyone who knows the URL can connect and chat (connections get anonymous user ids); \
             use --authorizer jwt or iam for anything but a demo"
                .into(),
        );
    }
    if !p.throttle_rate.is_finite() || p.throttle_rate < 0.0 || p.throttle_burst < 0 {
        return Err(Error::invalid(
            "--throttle-rate and --throttle-burst must be zero or more",
            "e.g. --throttle-rate 500 --throttle-burst 1000",
        ));
    }
    let mut route_throttle = BTreeMap::new();
    for rt in &p.route_throttle {
        if !ROUTES.iter().any(|(k, _, _)| *k == rt.route) {
            let keys: Vec<&str> = ROUTES.iter().map(|(k, _, _)| *k).collect();
            return Err(Error::invalid(
                format!("--route-throttle: the stack has no route `{}`", rt.route),
                format!("routes: {}", keys.join(", ")),
            ));
        }
        if route_throttle.insert(rt.route.clone(), Throttle { rate: rt.rate, burst: rt.burst }).is_some() {
            return Err(Error::invalid(format!("--route-throttle names `{}` twice", rt.route), "give each route once"));
        }
    }
    let access_log_format = p.access_log_format.clone().unwrap_or_else(|| DEFAULT_ACCESS_LOG_FORMAT.to_string());
    if !access_log_format.contains("$context.requestId") && !access_log_format.contains("$context.extendedRequestId") {
        return Err(Error::invalid(
            "--access-log-format must contain $context.requestId (API Gateway refuses formats without it)",
            "e.g. --access-log-format '{\"requestId\":\"$context.requestId\",\"status\":\"$context.status\"}'",
        ));
    }
    if !RETENTION_DAYS.contains(&p.log_retention_days) {
        return Err(Error::invalid(
            format!("--log-retention-days {} is not a value CloudWatch Logs accepts", p.log_retention_days),
            format!("one of {}", RETENTION_DAYS.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")),
        ));
    }
    let (arch, arch_name) = match p.architecture {
        Architecture::X86_64 => (aws_sdk_lambda::types::Architecture::X8664, "x86_64"),
        Architecture::Arm64 => (aws_sdk_lambda::types::Architecture::Arm64, "arm64"),
    };
    let zip_path =
        p.handler_zip.clone().unwrap_or_else(|| PathBuf::from(format!("dist/wsadm-handler-{arch_name}.zip")));
    let zip = read_zip(&zip_path)?;
    let code_sha256 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&zip));

    let table = table_name(&p.name);
    let mut functions = Vec::new();
    let base = |role: FnRole, env: BTreeMap<String, String>, timeout: i32, what: &str| FnSpec {
        role,
        name: function_name(&p.name, role),
        env,
        timeout,
        description: format!("wsadm stack {}: {what}", p.name),
    };
    let anonymous = if auth == Auth::Jwt { "false" } else { "true" };
    functions.push(base(
        FnRole::Connect,
        BTreeMap::from([
            ("WSADM_TABLE".to_string(), table.clone()),
            ("WSADM_ALLOW_ANONYMOUS".to_string(), anonymous.to_string()),
            ("WSADM_MAX_CONNECTIONS_PER_USER".to_string(), p.max_connections_per_user.to_string()),
        ]),
        10,
        "$connect",
    ));
    functions.push(base(
        FnRole::Disconnect,
        BTreeMap::from([("WSADM_TABLE".to_string(), table.clone())]),
        10,
        "$disconnect",
    ));
    functions.push(base(
        FnRole::Chat,
        BTreeMap::from([("WSADM_TABLE".to_string(), table.clone())]),
        INTEGRATION_TIMEOUT_MS / 1000,
        "chat routes",
    ));
    if let Some(env) = auth_env {
        functions.push(base(FnRole::Authorizer, env, 10, "$connect JWT authorizer"));
    }
    Ok(Desired {
        stack: p.name.clone(),
        stage: stage.to_string(),
        role: role_name(&p.name),
        table,
        auth,
        functions,
        zip,
        code_sha256,
        architecture: arch,
        throttle: Throttle { rate: p.throttle_rate, burst: p.throttle_burst },
        route_throttle,
        logging_level: match p.logging_level {
            LoggingLevelArg::Off => LoggingLevel::Off,
            LoggingLevelArg::Error => LoggingLevel::Error,
            LoggingLevelArg::Info => LoggingLevel::Info,
        },
        detailed_metrics: p.detailed_metrics,
        access_log_format,
        retention_days: p.log_retention_days,
    })
}

// ----- helpers -----

/// Account id and partition (from STS), and region: what ARNs are made of.
#[derive(Debug, Clone)]
struct Account {
    id: String,
    partition: String,
    region: String,
}

impl Account {
    async fn load(aws: &Aws) -> Result<Self, Error> {
        let who = aws.sts().get_caller_identity().send().await.ctx("GetCallerIdentity")?;
        let id = who.account().unwrap_or_default().to_string();
        let partition = who.arn().and_then(|a| a.split(':').nth(1)).filter(|p| !p.is_empty()).unwrap_or("aws");
        if id.is_empty() {
            return Err(Error::invalid("GetCallerIdentity returned no account id", "check the credentials"));
        }
        Ok(Account { id, partition: partition.to_string(), region: aws.region().to_string() })
    }

    fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:{}:{service}:{}:{}:{resource}", self.partition, self.region, self.id)
    }

    fn function_arn(&self, name: &str) -> String {
        self.arn("lambda", &format!("function:{name}"))
    }

    fn role_arn(&self, role: &str) -> String {
        format!("arn:{}:iam::{}:role/{role}", self.partition, self.id)
    }

    fn log_group_arn(&self, group: &str) -> String {
        self.arn("logs", &format!("log-group:{group}"))
    }

    fn invocation_uri(&self, function_arn: &str) -> String {
        format!(
            "arn:{}:apigateway:{}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
            self.partition, self.region
        )
    }

    fn api_arn(&self, api_id: &str) -> String {
        format!("arn:{}:apigateway:{}::/apis/{api_id}", self.partition, self.region)
    }
}

fn is_not_found(e: &Error) -> bool {
    matches!(
        service_code(e),
        Some("NotFoundException" | "ResourceNotFoundException" | "NoSuchEntity" | "NoSuchEntityException")
    )
}

/// A resource with the stack's name that does not carry the stack's tag: never adopted.
fn not_ours(kind: &str, name: &str, stack: &str, tag: Option<&str>) -> Error {
    let found = match tag {
        Some(t) => format!("it belongs to stack `{t}`"),
        None => format!("it has no {TAG_STACK} tag"),
    };
    Error::invalid(
        format!("{kind} {name} exists but is not part of stack {stack} ({found})"),
        format!(
            "wsadm never takes over resources it did not create: pick another --name, or remove {name}, or tag it {TAG_STACK}={stack} if it really is this stack's"
        ),
    )
}

fn opt<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// Collects the fields that differ.
#[derive(Default)]
struct Diff(Vec<Change>);

impl Diff {
    fn field<T: PartialEq + ToString>(&mut self, field: impl Into<String>, actual: Option<T>, desired: Option<T>) {
        if actual != desired {
            self.0.push(Change { field: field.into(), from: opt(actual), to: opt(desired) });
        }
    }

    fn secret(&mut self, field: impl Into<String>, actual: Option<&String>, desired: Option<&String>) {
        if actual != desired {
            let mask = |v: Option<&String>| v.map(|_| MASK.to_string());
            self.0.push(Change { field: field.into(), from: mask(actual), to: mask(desired) });
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn action_for(diff: &Diff) -> Action {
    if diff.is_empty() {
        Action::Unchanged
    } else {
        Action::Update
    }
}

/// IAM hands policy documents back URL-encoded; moto does not. Either way, parsed JSON.
fn policy_json(doc: &str) -> Option<Value> {
    let decoded = if doc.trim_start().starts_with('{') {
        doc.to_string()
    } else {
        percent_encoding::percent_decode_str(doc).decode_utf8_lossy().into_owned()
    };
    serde_json::from_str(&decoded).ok()
}

/// Which statements (by Sid) differ between two policy documents.
fn statement_diff(actual: &Value, desired: &Value) -> Vec<Change> {
    let by_sid = |v: &Value| -> BTreeMap<String, Value> {
        v.get("Statement")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, s)| {
                        (s.get("Sid").and_then(Value::as_str).map(str::to_string).unwrap_or(format!("#{i}")), s.clone())
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, d) = (by_sid(actual), by_sid(desired));
    let mut out = Vec::new();
    for sid in a.keys().chain(d.keys()).collect::<BTreeSet<_>>() {
        let (x, y) = (a.get(sid), d.get(sid));
        if x == y {
            continue;
        }
        let list = |v: Option<&Value>, k: &str| -> Option<BTreeSet<String>> {
            match v?.get(k)? {
                Value::String(s) => Some(BTreeSet::from([s.clone()])),
                Value::Array(a) => {
                    Some(a.iter().map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string())).collect())
                }
                _ => None,
            }
        };
        let mut detailed = false;
        if let (Some(xs), Some(ys)) = (x, y) {
            // Only Action/Resource lists differ: name what goes and what comes.
            let rest = |s: &Value| {
                let mut s = s.clone();
                if let Some(o) = s.as_object_mut() {
                    o.remove("Action");
                    o.remove("Resource");
                }
                s
            };
            if rest(xs) == rest(ys) {
                detailed = true;
                for k in ["Action", "Resource"] {
                    let (from, to) = (list(x, k).unwrap_or_default(), list(y, k).unwrap_or_default());
                    if from != to {
                        let gone: Vec<&String> = from.difference(&to).collect();
                        let new: Vec<&String> = to.difference(&from).collect();
                        let join = |v: Vec<&String>| {
                            (!v.is_empty()).then(|| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
                        };
                        out.push(Change { field: format!("statement {sid}.{k}"), from: join(gone), to: join(new) });
                    }
                }
            }
        }
        if !detailed {
            let show = |v: Option<&Value>| v.map(|_| "set".to_string());
            out.push(Change { field: format!("statement {sid}"), from: show(x), to: show(y) });
        }
    }
    if out.is_empty() && actual != desired {
        out.push(Change { field: "document".into(), from: Some("(differs)".into()), to: Some("(wsadm's)".into()) });
    }
    out
}

fn build_err(e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("cannot build an AWS request: {e}"), "this is a bug in wsadm; please report it")
}

fn logging_str(l: Option<&LoggingLevel>) -> Option<String> {
    l.map(|l| l.as_str().to_string())
}

/// The stage needs an account-level CloudWatch role for logging on AWS; say how to set it.
fn explain_stage_error(e: Error) -> Error {
    if e.to_string().contains("CloudWatch Logs role ARN") {
        return Error::invalid(
            format!("{e}"),
            "API Gateway logs through one account-level role per region: create a role trusted by apigateway.amazonaws.com \
             with the AmazonAPIGatewayPushToCloudWatchLogs policy, then `aws apigateway update-account --patch-operations \
             op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN`, and run provision again",
        );
    }
    e
}

// ----- the converger -----

struct Api {
    id: String,
    endpoint: String,
}

struct Conv<'a> {
    aws: &'a Aws,
    d: &'a Desired,
    acct: Account,
    dry: bool,
    steps: Vec<Step>,
    warnings: Vec<String>,
    api: Option<Api>,
    role_arn: String,
    integrations: HashMap<FnRole, String>,
    authorizer_id: Option<String>,
    /// Stages of the API (for the @connections permission): existing ones and the target.
    stages: BTreeSet<String>,
    /// Log groups that exist (or would) for the outputs.
    log_groups: Vec<String>,
}

const PLACEHOLDER_ID: &str = "(new)";

impl<'a> Conv<'a> {
    fn record(
        &mut self,
        kind: &'static str,
        name: impl Into<String>,
        id: Option<String>,
        action: Action,
        changes: Vec<Change>,
    ) {
        self.steps.push(Step { kind, name: name.into(), id, action, changes });
    }

    /// The id AWS gave what the last recorded step created.
    fn created(&mut self, id: Option<&str>) {
        if let Some(last) = self.steps.last_mut() {
            last.id = id.map(str::to_string);
        }
    }

    fn api_id(&self) -> &str {
        self.api.as_ref().map(|a| a.id.as_str()).unwrap_or(PLACEHOLDER_ID)
    }

    fn stack_tags(&self) -> [(&'static str, String); 1] {
        [(TAG_STACK, self.d.stack.clone())]
    }

    async fn run(&mut self) -> Result<(), Error> {
        self.preflight().await?;
        self.table().await?;
        self.api().await?;
        self.role().await?;
        for f in self.d.functions.clone() {
            self.log_group(&lambda_log_group(&f.name), true).await?;
        }
        for f in self.d.functions.clone() {
            self.function(&f).await?;
        }
        self.integrations().await?;
        self.authorizer().await?;
        for f in self.d.functions.clone() {
            self.permission(&f).await?;
        }
        self.routes().await?;
        self.log_group(&access_log_group(&self.d.stack, &self.d.stage), false).await?;
        let exec = execution_log_group(self.api_id(), &self.d.stage);
        self.log_group(&exec, true).await?;
        self.stage().await?;
        self.deployment().await?;
        self.leftovers().await?;
        Ok(())
    }

    /// Refuses, before anything is changed, when a resource with one of the stack's names
    /// exists without the stack's tag (each step checks again, for races).
    async fn preflight(&self) -> Result<(), Error> {
        let stack = self.d.stack.as_str();
        let apis = apigw::websocket_apis(&self.aws.apigw()).await?;
        let tagged: Vec<_> = apis
            .iter()
            .filter(|a| a.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str) == Some(stack))
            .collect();
        if tagged.is_empty() {
            if let Some(other) = apis.iter().find(|a| a.name() == Some(stack)) {
                let owner = other.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str);
                return Err(not_ours(
                    "WebSocket API",
                    &format!("{stack} ({})", other.api_id().unwrap_or("?")),
                    stack,
                    owner,
                ));
            }
        }
        let ddb = self.aws.dynamodb();
        match ddb.describe_table().table_name(&self.d.table).send().await.ctx("DescribeTable") {
            Ok(o) => {
                let owner = table_owner(&ddb, o.table().and_then(|t| t.table_arn()).unwrap_or_default()).await?;
                if owner.as_deref() != Some(stack) {
                    return Err(not_ours("DynamoDB table", &self.d.table, stack, owner.as_deref()));
                }
            }
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(e),
        }
        match self.aws.iam().get_role().role_name(&self.d.role).send().await.ctx("GetRole") {
            Ok(o) => {
                let owner = o
                    .role()
                    .and_then(|r| r.tags().iter().find(|t| t.key() == TAG_STACK))
                    .map(|t| t.value().to_string());
                if owner.as_deref() != Some(stack) {
                    return Err(not_ours("IAM role", &self.d.role, stack, owner.as_deref()));
                }
            }
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(e),
        }
        let lambda = self.aws.lambda();
        for f in &self.d.functions {
            match lambda.get_function().function_name(&f.name).send().await.ctx("GetFunction") {
                Ok(o) => {
                    let owner = o.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str);
                    if owner != Some(stack) {
                        return Err(not_ours("Lambda function", &f.name, stack, owner));
                    }
                }
                Err(e) if is_not_found(&e) => {}
                Err(e) => return Err(e),
            }
        }
        let logs = self.aws.logs();
        let access = access_log_group(stack, &self.d.stage);
        if let Some(g) = find_log_group(&logs, &access).await? {
            let owner =
                log_group_owner(&logs, &log_group_arn(&g).unwrap_or_else(|| self.acct.log_group_arn(&access))).await?;
            if owner.as_deref() != Some(stack) {
                return Err(not_ours("log group", &access, stack, owner.as_deref()));
            }
        }
        Ok(())
    }

    // --- table ---

    async fn table(&mut self) -> Result<(), Error> {
        let ddb = self.aws.dynamodb();
        let name = self.d.table.clone();
        let described = match ddb.describe_table().table_name(&name).send().await.ctx("DescribeTable") {
            Ok(o) => o.table,
            Err(e) if is_not_found(&e) => None,
            Err(e) => return Err(e),
        };
        let tags: Vec<(String, String)> = self.stack_tags().iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let Some(t) = described else {
            self.record("table", &name, None, Action::Create, vec![]);
            if !self.dry {
                wsadm_core::store::ensure_table(&ddb, &name, &tags).await?;
            }
            return Ok(());
        };
        let arn = t.table_arn().unwrap_or_default().to_string();
        let owner = table_owner(&ddb, &arn).await?;
        if owner.as_deref() != Some(self.d.stack.as_str()) {
            return Err(not_ours("DynamoDB table", &name, &self.d.stack, owner.as_deref()));
        }
        let indexes: BTreeSet<&str> = t.global_secondary_indexes().iter().filter_map(|i| i.index_name()).collect();
        for ix in [INDEX_BY_USER, INDEX_BY_ROOM] {
            if !indexes.contains(ix) {
                return Err(Error::invalid(
                    format!("table {name} has no index {ix}; wsadm cannot repair its key schema"),
                    format!("delete the table (`wsadm destroy --name {}`) and provision again", self.d.stack),
                ));
            }
        }
        let mut diff = Diff::default();
        let ttl = ddb.describe_time_to_live().table_name(&name).send().await.ctx("DescribeTimeToLive")?;
        let ttl_attr = ttl
            .time_to_live_description()
            .filter(|d| d.time_to_live_status().is_some_and(|s| s.as_str() != "DISABLED"))
            .and_then(|d| d.attribute_name())
            .map(str::to_string);
        diff.field("ttl_attribute", ttl_attr, Some(TTL_ATTRIBUTE.to_string()));
        let backups =
            ddb.describe_continuous_backups().table_name(&name).send().await.ctx("DescribeContinuousBackups")?;
        let pitr = backups
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED");
        diff.field("point_in_time_recovery", Some(pitr), Some(true));
        let sse =
            t.sse_description().and_then(|s| s.status()).is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING"));
        diff.field("sse_kms", Some(sse), Some(true));
        let action = action_for(&diff);
        self.record("table", &name, Some(arn), action, diff.0);
        if action == Action::Update && !self.dry {
            if !sse {
                ddb.update_table()
                    .table_name(&name)
                    .sse_specification(aws_sdk_dynamodb::types::SseSpecification::builder().enabled(true).build())
                    .send()
                    .await
                    .ctx("UpdateTable")?;
            }
            wsadm_core::store::ensure_table(&ddb, &name, &tags).await?;
        }
        Ok(())
    }

    // --- API ---

    async fn api(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let stack = self.d.stack.clone();
        let apis = apigw::websocket_apis(&gw).await?;
        let tagged: Vec<_> = apis
            .iter()
            .filter(|a| a.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str) == Some(&stack))
            .collect();
        if tagged.len() > 1 {
            let ids: Vec<&str> = tagged.iter().filter_map(|a| a.api_id()).collect();
            return Err(Error::invalid(
                format!("{} WebSocket APIs are tagged {TAG_STACK}={stack}: {}", tagged.len(), ids.join(", ")),
                "delete or untag all but one (`aws apigatewayv2 delete-api --api-id ID`), then run provision again",
            ));
        }
        let Some(api) = tagged.first() else {
            if let Some(other) = apis.iter().find(|a| a.name() == Some(stack.as_str())) {
                let owner = other.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str);
                return Err(not_ours(
                    "WebSocket API",
                    &format!("{stack} ({})", other.api_id().unwrap_or("?")),
                    &stack,
                    owner,
                ));
            }
            self.record("api", &stack, None, Action::Create, vec![]);
            if !self.dry {
                let o = gw
                    .create_api()
                    .name(&stack)
                    .protocol_type(ProtocolType::Websocket)
                    .route_selection_expression(ROUTE_SELECTION)
                    .description(format!("wsadm chat stack {stack}"))
                    .tags(TAG_STACK, &stack)
                    .tags(TAG_TABLE, &self.d.table)
                    .send()
                    .await
                    .ctx("CreateApi")?;
                let id = o.api_id().unwrap_or_default().to_string();
                self.created(Some(&id));
                self.api = Some(Api { id, endpoint: o.api_endpoint().unwrap_or_default().to_string() });
            }
            self.stages.insert(self.d.stage.clone());
            return Ok(());
        };
        let id = api.api_id().unwrap_or_default().to_string();
        let mut diff = Diff::default();
        diff.field("name", api.name(), Some(stack.as_str()));
        diff.field("route_selection_expression", api.route_selection_expression(), Some(ROUTE_SELECTION));
        let table_tag = api.tags().and_then(|t| t.get(TAG_TABLE)).map(String::as_str);
        diff.field(format!("tags.{TAG_TABLE}"), table_tag, Some(self.d.table.as_str()));
        let action = action_for(&diff);
        let name_or_rse_changed = diff.0.iter().any(|c| !c.field.starts_with("tags."));
        let tag_changed = diff.0.iter().any(|c| c.field.starts_with("tags."));
        self.record("api", &stack, Some(id.clone()), action, diff.0);
        if !self.dry {
            if name_or_rse_changed {
                gw.update_api()
                    .api_id(&id)
                    .name(&stack)
                    .route_selection_expression(ROUTE_SELECTION)
                    .send()
                    .await
                    .ctx("UpdateApi")?;
            }
            if tag_changed {
                gw.tag_resource()
                    .resource_arn(self.acct.api_arn(&id))
                    .tags(TAG_TABLE, &self.d.table)
                    .send()
                    .await
                    .ctx("TagResource")?;
            }
        }
        for st in apigw::stages(&gw, &id).await? {
            if let Some(n) = st.stage_name() {
                self.stages.insert(n.to_string());
            }
        }
        self.stages.insert(self.d.stage.clone());
        self.api = Some(Api { id, endpoint: api.api_endpoint().unwrap_or_default().to_string() });
        Ok(())
    }

    // --- IAM ---

    fn trust_policy() -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": "lambda.amazonaws.com" },
                "Action": "sts:AssumeRole"
            }]
        })
    }

    /// Least privilege: this table and its indexes, @connections POST on this API's stages,
    /// and the functions' own log groups.
    fn handler_policy(&self) -> Value {
        let table = self.acct.arn("dynamodb", &format!("table/{}", self.d.table));
        let connections: Vec<String> = self
            .stages
            .iter()
            .map(|s| self.acct.arn("execute-api", &format!("{}/{s}/POST/@connections/*", self.api_id())))
            .collect();
        let logs: Vec<String> = self
            .d
            .functions
            .iter()
            .map(|f| format!("{}:*", self.acct.log_group_arn(&lambda_log_group(&f.name))))
            .collect();
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SessionTable",
                    "Effect": "Allow",
                    "Action": [
                        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                        "dynamodb:ConditionCheckItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"
                    ],
                    "Resource": [
                        table.clone(),
                        format!("{table}/index/{INDEX_BY_USER}"),
                        format!("{table}/index/{INDEX_BY_ROOM}")
                    ]
                },
                {
                    "Sid": "Connections",
                    "Effect": "Allow",
                    "Action": "execute-api:ManageConnections",
                    "Resource": connections
                },
                {
                    "Sid": "OwnLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": logs
                }
            ]
        })
    }

    async fn role(&mut self) -> Result<(), Error> {
        let iam = self.aws.iam();
        let name = self.d.role.clone();
        let stack = self.d.stack.clone();
        let trust = Self::trust_policy();
        let role = match iam.get_role().role_name(&name).send().await.ctx("GetRole") {
            Ok(o) => o.role,
            Err(e) if is_not_found(&e) => None,
            Err(e) => return Err(e),
        };
        let mut role_exists = true;
        match role {
            None => {
                role_exists = false;
                self.role_arn = self.acct.role_arn(&name);
                self.record("iam_role", &name, None, Action::Create, vec![]);
                if !self.dry {
                    let tag =
                        aws_sdk_iam::types::Tag::builder().key(TAG_STACK).value(&stack).build().map_err(build_err)?;
                    let o = iam
                        .create_role()
                        .role_name(&name)
                        .description(format!("wsadm stack {stack}: the chat handlers' execution role"))
                        .assume_role_policy_document(trust.to_string())
                        .tags(tag)
                        .send()
                        .await
                        .ctx("CreateRole")?;
                    if let Some(r) = o.role() {
                        self.role_arn = r.arn().to_string();
                        self.created(Some(r.arn()));
                    }
                }
            }
            Some(r) => {
                let owner = r.tags().iter().find(|t| t.key() == TAG_STACK).map(|t| t.value().to_string());
                if owner.as_deref() != Some(stack.as_str()) {
                    return Err(not_ours("IAM role", &name, &stack, owner.as_deref()));
                }
                self.role_arn = r.arn().to_string();
                let actual = r.assume_role_policy_document().and_then(policy_json);
                let mut diff = Diff::default();
                if actual.as_ref() != Some(&trust) {
                    diff.0.push(Change {
                        field: "assume_role_policy".into(),
                        from: Some("(differs)".into()),
                        to: Some("lambda.amazonaws.com".into()),
                    });
                }
                let action = action_for(&diff);
                self.record("iam_role", &name, Some(self.role_arn.clone()), action, diff.0);
                if action == Action::Update && !self.dry {
                    iam.update_assume_role_policy()
                        .role_name(&name)
                        .policy_document(trust.to_string())
                        .send()
                        .await
                        .ctx("UpdateAssumeRolePolicy")?;
                }
            }
        }
        let policy = self.handler_policy();
        let step_name = format!("{name}/{POLICY_NAME}");
        let actual = if role_exists {
            match iam.get_role_policy().role_name(&name).policy_name(POLICY_NAME).send().await.ctx("GetRolePolicy") {
                Ok(o) => policy_json(o.policy_document()),
                Err(e) if is_not_found(&e) => None,
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        let action = match &actual {
            None => {
                self.record("iam_policy", &step_name, None, Action::Create, vec![]);
                Action::Create
            }
            Some(a) => {
                let changes = statement_diff(a, &policy);
                let action = if changes.is_empty() { Action::Unchanged } else { Action::Update };
                self.record("iam_policy", &step_name, None, action, changes);
                action
            }
        };
        if action != Action::Unchanged && !self.dry {
            iam.put_role_policy()
                .role_name(&name)
                .policy_name(POLICY_NAME)
                .policy_document(policy.to_string())
                .send()
                .await
                .ctx("PutRolePolicy")?;
        }
        Ok(())
    }

    // --- log groups ---

    /// A log group with retention and the stack's tag. `derived`: its name is derived from a
    /// resource of the stack (a function, the API), so AWS may have created it untagged; such a
    /// group is adopted (tagged), any other untagged one is refused.
    async fn log_group(&mut self, name: &str, derived: bool) -> Result<(), Error> {
        let logs = self.aws.logs();
        let stack = self.d.stack.clone();
        let existing = if name.contains(PLACEHOLDER_ID) { None } else { find_log_group(&logs, name).await? };
        self.log_groups.push(name.to_string());
        let Some(g) = existing else {
            self.record("log_group", name, None, Action::Create, vec![]);
            if !self.dry {
                match logs
                    .create_log_group()
                    .log_group_name(name)
                    .tags(TAG_STACK, &stack)
                    .send()
                    .await
                    .ctx("CreateLogGroup")
                {
                    Ok(_) => {}
                    Err(e) if service_code(&e) == Some("ResourceAlreadyExistsException") => {}
                    Err(e) => return Err(e),
                }
                logs.put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(self.d.retention_days)
                    .send()
                    .await
                    .ctx("PutRetentionPolicy")?;
            }
            return Ok(());
        };
        let arn = log_group_arn(&g).unwrap_or_else(|| self.acct.log_group_arn(name));
        let owner = log_group_owner(&logs, &arn).await?;
        let mut diff = Diff::default();
        match owner.as_deref() {
            Some(o) if o == stack => {}
            None if derived => diff.field(format!("tags.{TAG_STACK}"), None, Some(stack.as_str())),
            other => return Err(not_ours("log group", name, &stack, other)),
        }
        diff.field("retention_in_days", g.retention_in_days(), Some(self.d.retention_days));
        let tag = !diff.0.is_empty() && diff.0[0].field.starts_with("tags.");
        let retention = g.retention_in_days() != Some(self.d.retention_days);
        let action = action_for(&diff);
        self.record("log_group", name, Some(arn.clone()), action, diff.0);
        if !self.dry {
            if tag {
                logs.tag_resource().resource_arn(&arn).tags(TAG_STACK, &stack).send().await.ctx("TagResource")?;
            }
            if retention {
                logs.put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(self.d.retention_days)
                    .send()
                    .await
                    .ctx("PutRetentionPolicy")?;
            }
        }
        Ok(())
    }

    // --- functions ---

    async fn function(&mut self, f: &FnSpec) -> Result<(), Error> {
        let lambda = self.aws.lambda();
        let stack = self.d.stack.clone();
        let existing = match lambda.get_function().function_name(&f.name).send().await.ctx("GetFunction") {
            Ok(o) => Some(o),
            Err(e) if is_not_found(&e) => None,
            Err(e) => return Err(e),
        };
        let env = aws_sdk_lambda::types::Environment::builder()
            .set_variables(Some(f.env.clone().into_iter().collect()))
            .build();
        let Some(o) = existing else {
            self.record("function", &f.name, None, Action::Create, vec![]);
            if !self.dry {
                self.create_function(f, env).await?;
            }
            return Ok(());
        };
        let owner = o.tags().and_then(|t| t.get(TAG_STACK)).cloned();
        if owner.as_deref() != Some(stack.as_str()) {
            return Err(not_ours("Lambda function", &f.name, &stack, owner.as_deref()));
        }
        let c = o
            .configuration()
            .cloned()
            .unwrap_or_else(|| aws_sdk_lambda::types::FunctionConfiguration::builder().build());
        let mut config = Diff::default();
        config.field("runtime", c.runtime().map(|r| r.as_str()), Some("provided.al2023"));
        config.field("handler", c.handler(), Some("bootstrap"));
        config.field("role", c.role(), Some(self.role_arn.as_str()));
        config.field("memory_size", c.memory_size(), Some(FUNCTION_MEMORY_MB));
        config.field("timeout", c.timeout(), Some(f.timeout));
        config.field("description", c.description(), Some(f.description.as_str()));
        let actual_env: BTreeMap<String, String> =
            c.environment().and_then(|e| e.variables()).map(|m| m.clone().into_iter().collect()).unwrap_or_default();
        for k in actual_env.keys().chain(f.env.keys()).collect::<BTreeSet<_>>() {
            let field = format!("environment.{k}");
            if k.contains("SECRET") {
                config.secret(field, actual_env.get(k), f.env.get(k));
            } else {
                config.field(field, actual_env.get(k), f.env.get(k));
            }
        }
        let mut code = Diff::default();
        code.field("code_sha256", c.code_sha256(), Some(self.d.code_sha256.as_str()));
        code.field("architecture", c.architectures().first().map(|a| a.as_str()), Some(self.d.architecture.as_str()));
        let (config_changed, code_changed) = (!config.is_empty(), !code.is_empty());
        let mut changes = config.0;
        changes.extend(code.0);
        let action = if changes.is_empty() { Action::Unchanged } else { Action::Update };
        self.record("function", &f.name, c.function_arn().map(str::to_string), action, changes);
        if self.dry {
            return Ok(());
        }
        if config_changed {
            wait_function(&lambda, &f.name).await?;
            lambda
                .update_function_configuration()
                .function_name(&f.name)
                .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
                .handler("bootstrap")
                .role(&self.role_arn)
                .memory_size(FUNCTION_MEMORY_MB)
                .timeout(f.timeout)
                .description(&f.description)
                .environment(env)
                .send()
                .await
                .ctx("UpdateFunctionConfiguration")?;
        }
        if code_changed {
            wait_function(&lambda, &f.name).await?;
            lambda
                .update_function_code()
                .function_name(&f.name)
                .zip_file(aws_sdk_lambda::primitives::Blob::new(self.d.zip.clone()))
                .architectures(self.d.architecture.clone())
                .send()
                .await
                .ctx("UpdateFunctionCode")?;
        }
        if config_changed || code_changed {
            wait_function(&lambda, &f.name).await?;
        }
        Ok(())
    }

    async fn create_function(&mut self, f: &FnSpec, env: aws_sdk_lambda::types::Environment) -> Result<(), Error> {
        let lambda = self.aws.lambda();
        // A role just created takes a few seconds to be assumable by Lambda on AWS.
        let mut attempt = 0u64;
        let o = loop {
            let res = lambda
                .create_function()
                .function_name(&f.name)
                .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
                .handler("bootstrap")
                .role(&self.role_arn)
                .code(
                    aws_sdk_lambda::types::FunctionCode::builder()
                        .zip_file(aws_sdk_lambda::primitives::Blob::new(self.d.zip.clone()))
                        .build(),
                )
                .architectures(self.d.architecture.clone())
                .memory_size(FUNCTION_MEMORY_MB)
                .timeout(f.timeout)
                .description(&f.description)
                .environment(env.clone())
                .tags(TAG_STACK, &self.d.stack)
                .send()
                .await
                .ctx("CreateFunction");
            match res {
                Ok(o) => break o,
                Err(Error::Service { ref code, ref message, .. })
                    if code == "InvalidParameterValueException" && message.contains("assumed") && attempt < 12 =>
                {
                    attempt += 1;
                    tracing::info!(function = %f.name, attempt, "the new role is not assumable yet; retrying");
                    tokio::time::sleep(Duration::from_millis(1000 * attempt.min(5))).await;
                }
                Err(e) => return Err(e),
            }
        };
        self.created(o.function_arn());
        wait_function(&lambda, &f.name).await
    }

    // --- integrations, authorizer, permissions, routes ---

    async fn integrations(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let existing = match &self.api {
            Some(a) => apigw::integrations(&gw, &a.id).await?,
            None => vec![],
        };
        for role in [FnRole::Connect, FnRole::Disconnect, FnRole::Chat] {
            let f = self.d.function(role).map(|f| f.name.clone()).unwrap_or_default();
            let uri = self.acct.invocation_uri(&self.acct.function_arn(&f));
            let name = format!("{} -> {f}", role.suffix());
            let found = existing.iter().find(|i| i.integration_uri() == Some(uri.as_str()));
            let Some(i) = found else {
                self.record("integration", &name, None, Action::Create, vec![]);
                if !self.dry {
                    let o = gw
                        .create_integration()
                        .api_id(self.api_id())
                        .integration_type(IntegrationType::AwsProxy)
                        .integration_method("POST")
                        .integration_uri(&uri)
                        .timeout_in_millis(INTEGRATION_TIMEOUT_MS)
                        .description(format!("wsadm {}", role.suffix()))
                        .send()
                        .await
                        .ctx("CreateIntegration")?;
                    let id = o.integration_id().unwrap_or_default().to_string();
                    self.created(Some(&id));
                    self.integrations.insert(role, id);
                }
                continue;
            };
            let id = i.integration_id().unwrap_or_default().to_string();
            let mut diff = Diff::default();
            diff.field("integration_type", i.integration_type().map(|t| t.as_str()), Some("AWS_PROXY"));
            diff.field("integration_method", i.integration_method(), Some("POST"));
            diff.field("timeout_in_millis", i.timeout_in_millis(), Some(INTEGRATION_TIMEOUT_MS));
            let action = action_for(&diff);
            self.record("integration", &name, Some(id.clone()), action, diff.0);
            if action == Action::Update && !self.dry {
                gw.update_integration()
                    .api_id(self.api_id())
                    .integration_id(&id)
                    .integration_type(IntegrationType::AwsProxy)
                    .integration_method("POST")
                    .timeout_in_millis(INTEGRATION_TIMEOUT_MS)
                    .send()
                    .await
                    .ctx("UpdateIntegration")?;
            }
            self.integrations.insert(role, id);
        }
        Ok(())
    }

    async fn authorizer(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let name = authorizer_name(&self.d.stack);
        let existing = match &self.api {
            Some(a) => apigw::authorizers(&gw, &a.id).await?.into_iter().find(|z| z.name() == Some(name.as_str())),
            None => None,
        };
        let Some(f) = self.d.function(FnRole::Authorizer).map(|f| f.name.clone()) else {
            // Not wanted (iam/none): removed after the $connect route lets go of it (see leftovers).
            self.authorizer_id = None;
            return Ok(());
        };
        let uri = self.acct.invocation_uri(&self.acct.function_arn(&f));
        let Some(z) = existing else {
            self.record("authorizer", &name, None, Action::Create, vec![]);
            if !self.dry {
                let o = gw
                    .create_authorizer()
                    .api_id(self.api_id())
                    .name(&name)
                    .authorizer_type(AuthorizerType::Request)
                    .authorizer_uri(&uri)
                    .identity_source(IDENTITY_SOURCE)
                    .send()
                    .await
                    .ctx("CreateAuthorizer")?;
                let id = o.authorizer_id().unwrap_or_default().to_string();
                self.created(Some(&id));
                self.authorizer_id = Some(id);
            }
            return Ok(());
        };
        let id = z.authorizer_id().unwrap_or_default().to_string();
        let mut diff = Diff::default();
        diff.field("authorizer_type", z.authorizer_type().map(|t| t.as_str()), Some("REQUEST"));
        diff.field("authorizer_uri", z.authorizer_uri(), Some(uri.as_str()));
        diff.field("identity_source", Some(z.identity_source().join(",")), Some(IDENTITY_SOURCE.to_string()));
        let action = action_for(&diff);
        self.record("authorizer", &name, Some(id.clone()), action, diff.0);
        if action == Action::Update && !self.dry {
            gw.update_authorizer()
                .api_id(self.api_id())
                .authorizer_id(&id)
                .authorizer_type(AuthorizerType::Request)
                .authorizer_uri(&uri)
                .set_identity_source(Some(vec![IDENTITY_SOURCE.to_string()]))
                .send()
                .await
                .ctx("UpdateAuthorizer")?;
        }
        self.authorizer_id = Some(id);
        Ok(())
    }

    /// The execute-api ARN API Gateway invokes a function as.
    fn source_arn(&self, role: FnRole) -> String {
        let api = self.api_id();
        let resource = match role {
            FnRole::Connect => format!("{api}/*/$connect"),
            FnRole::Disconnect => format!("{api}/*/$disconnect"),
            FnRole::Chat => format!("{api}/*/*"),
            FnRole::Authorizer => {
                format!("{api}/authorizers/{}", self.authorizer_id.as_deref().unwrap_or(PLACEHOLDER_ID))
            }
        };
        self.acct.arn("execute-api", &resource)
    }

    async fn permission(&mut self, f: &FnSpec) -> Result<(), Error> {
        let lambda = self.aws.lambda();
        let source = self.source_arn(f.role);
        let name = format!("{} <- apigateway", f.name);
        let function_exists =
            self.steps.iter().any(|s| s.kind == "function" && s.name == f.name && s.action != Action::Create);
        let current = if function_exists || !self.dry {
            match lambda.get_policy().function_name(&f.name).send().await.ctx("GetPolicy") {
                Ok(o) => o.policy().and_then(|p| serde_json::from_str::<Value>(p).ok()).and_then(|p| {
                    p.get("Statement")?
                        .as_array()?
                        .iter()
                        .find(|s| s.get("Sid").and_then(Value::as_str) == Some(PERMISSION_SID))
                        .cloned()
                }),
                Err(e) if is_not_found(&e) => None,
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        let add = |lambda: aws_sdk_lambda::Client, fname: String, source: String| async move {
            lambda
                .add_permission()
                .function_name(fname)
                .statement_id(PERMISSION_SID)
                .action("lambda:InvokeFunction")
                .principal("apigateway.amazonaws.com")
                .source_arn(source)
                .send()
                .await
                .ctx("AddPermission")
        };
        let Some(st) = current else {
            self.record("permission", &name, None, Action::Create, vec![]);
            if !self.dry {
                add(lambda, f.name.clone(), source).await?;
            }
            return Ok(());
        };
        let actual_source = st.pointer("/Condition/ArnLike/AWS:SourceArn").and_then(Value::as_str).map(str::to_string);
        let principal =
            st.get("Principal").and_then(|p| p.get("Service").or(Some(p))).and_then(Value::as_str).map(str::to_string);
        let mut diff = Diff::default();
        diff.field("source_arn", actual_source, Some(source.clone()));
        diff.field("principal", principal, Some("apigateway.amazonaws.com".to_string()));
        let action = action_for(&diff);
        self.record("permission", &name, None, action, diff.0);
        if action == Action::Update && !self.dry {
            lambda
                .remove_permission()
                .function_name(&f.name)
                .statement_id(PERMISSION_SID)
                .send()
                .await
                .ctx("RemovePermission")?;
            add(lambda, f.name.clone(), source).await?;
        }
        Ok(())
    }

    async fn routes(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let existing = match &self.api {
            Some(a) => apigw::routes(&gw, &a.id).await?,
            None => vec![],
        };
        for (key, role, two_way) in ROUTES {
            let target = self.integrations.get(role).map(|i| format!("integrations/{i}"));
            let target = target.unwrap_or_else(|| format!("integrations/{PLACEHOLDER_ID}"));
            let (auth, authorizer) = if *key == "$connect" {
                match self.d.auth {
                    Auth::Jwt => {
                        (AuthorizationType::Custom, Some(self.authorizer_id.clone().unwrap_or(PLACEHOLDER_ID.into())))
                    }
                    Auth::Iam => (AuthorizationType::AwsIam, None),
                    Auth::None => (AuthorizationType::None, None),
                }
            } else {
                (AuthorizationType::None, None)
            };
            let rrse = two_way.then_some("$default");
            let found = existing.iter().find(|r| r.route_key() == Some(*key));
            let route_id = match found {
                None => {
                    self.record("route", *key, None, Action::Create, vec![]);
                    if self.dry {
                        None
                    } else {
                        let o = gw
                            .create_route()
                            .api_id(self.api_id())
                            .route_key(*key)
                            .target(&target)
                            .authorization_type(auth.clone())
                            .set_authorizer_id(authorizer.clone())
                            .set_route_response_selection_expression(rrse.map(str::to_string))
                            .send()
                            .await
                            .ctx("CreateRoute")?;
                        let id = o.route_id().unwrap_or_default().to_string();
                        self.created(Some(&id));
                        Some(id)
                    }
                }
                Some(r) => {
                    let id = r.route_id().unwrap_or_default().to_string();
                    let mut diff = Diff::default();
                    diff.field("target", r.target(), Some(target.as_str()));
                    diff.field(
                        "authorization_type",
                        Some(r.authorization_type().map(|a| a.as_str()).unwrap_or("NONE")),
                        Some(auth.as_str()),
                    );
                    diff.field("authorizer_id", r.authorizer_id(), authorizer.as_deref());
                    diff.field("route_response_selection_expression", r.route_response_selection_expression(), rrse);
                    let action = action_for(&diff);
                    self.record("route", *key, Some(id.clone()), action, diff.0);
                    if action == Action::Update && !self.dry {
                        gw.update_route()
                            .api_id(self.api_id())
                            .route_id(&id)
                            .target(&target)
                            .authorization_type(auth.clone())
                            .set_authorizer_id(authorizer.clone())
                            .route_response_selection_expression(rrse.unwrap_or(""))
                            .send()
                            .await
                            .ctx("UpdateRoute")?;
                    }
                    Some(id)
                }
            };
            if *two_way {
                self.route_response(key, route_id.as_deref()).await?;
            }
        }
        Ok(())
    }

    /// The `$default` route response that sends the integration's answer back to the client.
    async fn route_response(&mut self, key: &str, route_id: Option<&str>) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let name = format!("{key} $default");
        let existing = match (route_id, self.steps.last().map(|s| s.action)) {
            (Some(rid), Some(a)) if a != Action::Create => {
                let o = gw
                    .get_route_responses()
                    .api_id(self.api_id())
                    .route_id(rid)
                    .send()
                    .await
                    .ctx("GetRouteResponses")?;
                o.items()
                    .iter()
                    .find(|r| r.route_response_key() == Some("$default"))
                    .and_then(|r| r.route_response_id())
                    .map(str::to_string)
            }
            _ => None,
        };
        match existing {
            Some(id) => self.record("route_response", name, Some(id), Action::Unchanged, vec![]),
            None => {
                self.record("route_response", name, None, Action::Create, vec![]);
                if let (false, Some(rid)) = (self.dry, route_id) {
                    let o = gw
                        .create_route_response()
                        .api_id(self.api_id())
                        .route_id(rid)
                        .route_response_key("$default")
                        .send()
                        .await
                        .ctx("CreateRouteResponse")?;
                    self.created(o.route_response_id());
                }
            }
        }
        Ok(())
    }

    // --- stage and deployment ---

    fn route_settings(&self, t: Throttle) -> RouteSettings {
        RouteSettings::builder()
            .throttling_rate_limit(t.rate)
            .throttling_burst_limit(t.burst)
            .logging_level(self.d.logging_level.clone())
            .data_trace_enabled(false)
            .detailed_metrics_enabled(self.d.detailed_metrics)
            .build()
    }

    fn access_log(&self) -> AccessLogSettings {
        AccessLogSettings::builder()
            .destination_arn(self.acct.log_group_arn(&access_log_group(&self.d.stack, &self.d.stage)))
            .format(&self.d.access_log_format)
            .build()
    }

    async fn stage(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let stage = self.d.stage.clone();
        let existing = match &self.api {
            Some(a) => match gw.get_stage().api_id(&a.id).stage_name(&stage).send().await.ctx("GetStage") {
                Ok(o) => Some(o),
                Err(e) if is_not_found(&e) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let defaults = self.route_settings(self.d.throttle);
        let per_route: BTreeMap<String, RouteSettings> =
            self.d.route_throttle.iter().map(|(k, t)| (k.clone(), self.route_settings(*t))).collect();
        let Some(st) = existing else {
            self.record("stage", &stage, None, Action::Create, vec![]);
            if !self.dry {
                gw.create_stage()
                    .api_id(self.api_id())
                    .stage_name(&stage)
                    .description(format!("wsadm stack {}", self.d.stack))
                    .default_route_settings(defaults)
                    .set_route_settings(Some(per_route.into_iter().collect()))
                    .access_log_settings(self.access_log())
                    .tags(TAG_STACK, &self.d.stack)
                    .send()
                    .await
                    .ctx("CreateStage")
                    .map_err(explain_stage_error)?;
            }
            return Ok(());
        };
        let mut diff = Diff::default();
        let settings_diff = |diff: &mut Diff, prefix: &str, a: Option<&RouteSettings>, d: &RouteSettings| {
            diff.field(
                format!("{prefix}throttling_rate_limit"),
                a.and_then(|a| a.throttling_rate_limit()),
                d.throttling_rate_limit(),
            );
            diff.field(
                format!("{prefix}throttling_burst_limit"),
                a.and_then(|a| a.throttling_burst_limit()),
                d.throttling_burst_limit(),
            );
            diff.field(
                format!("{prefix}logging_level"),
                logging_str(a.and_then(|a| a.logging_level())),
                logging_str(d.logging_level()),
            );
            diff.field(
                format!("{prefix}data_trace_enabled"),
                a.and_then(|a| a.data_trace_enabled()),
                d.data_trace_enabled(),
            );
            diff.field(
                format!("{prefix}detailed_metrics_enabled"),
                a.and_then(|a| a.detailed_metrics_enabled()),
                d.detailed_metrics_enabled(),
            );
        };
        settings_diff(&mut diff, "", st.default_route_settings(), &defaults);
        let actual_routes = st.route_settings().cloned().unwrap_or_default();
        let mut stale = Vec::new();
        for (k, d) in &per_route {
            settings_diff(&mut diff, &format!("route_settings[{k}]."), actual_routes.get(k), d);
        }
        for k in actual_routes.keys().filter(|k| !per_route.contains_key(*k)) {
            diff.0.push(Change { field: format!("route_settings[{k}]"), from: Some("set".into()), to: None });
            stale.push(k.clone());
        }
        let al = self.access_log();
        let actual_al = st.access_log_settings();
        diff.field("access_log.destination_arn", actual_al.and_then(|a| a.destination_arn()), al.destination_arn());
        diff.field("access_log.format", actual_al.and_then(|a| a.format()), al.format());
        let action = action_for(&diff);
        self.record("stage", &stage, None, action, diff.0);
        if action == Action::Update && !self.dry {
            for k in &stale {
                match gw
                    .delete_route_settings()
                    .api_id(self.api_id())
                    .stage_name(&stage)
                    .route_key(k)
                    .send()
                    .await
                    .ctx("DeleteRouteSettings")
                {
                    Ok(_) => {}
                    Err(e) if is_not_found(&e) => {}
                    Err(e) => return Err(e),
                }
            }
            gw.update_stage()
                .api_id(self.api_id())
                .stage_name(&stage)
                .default_route_settings(defaults)
                .set_route_settings(Some(per_route.into_iter().collect()).filter(|m: &HashMap<_, _>| !m.is_empty()))
                .access_log_settings(al)
                .send()
                .await
                .ctx("UpdateStage")
                .map_err(explain_stage_error)?;
        }
        Ok(())
    }

    /// A fingerprint of the routing a deployment snapshots: changes to any of it need a new deployment.
    fn routing_fingerprint(&self) -> String {
        let mut s = String::new();
        for (key, role, two_way) in ROUTES {
            let auth =
                if *key == "$connect" { format!("{:?}:{:?}", self.d.auth, self.authorizer_id) } else { "NONE".into() };
            s.push_str(&format!("route {key} {:?} {auth} {two_way}\n", self.integrations.get(role)));
        }
        for f in &self.d.functions {
            s.push_str(&format!("function {} {}\n", f.name, self.acct.function_arn(&f.name)));
        }
        s.push_str(&format!("authorizer {:?} {IDENTITY_SOURCE}\n", self.authorizer_id));
        let digest = Sha256::digest(s.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    async fn deployment(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let stage = self.d.stage.clone();
        let routing_changed = self.steps.iter().any(|s| {
            matches!(s.kind, "integration" | "authorizer" | "route" | "route_response" | "api")
                && matches!(s.action, Action::Create | Action::Delete)
                || (matches!(s.kind, "integration" | "authorizer" | "route") && s.action == Action::Update)
        });
        let wanted = format!("wsadm {}", self.routing_fingerprint());
        let current = match &self.api {
            Some(a) => match gw.get_stage().api_id(&a.id).stage_name(&stage).send().await.ctx("GetStage") {
                Ok(st) => match st.deployment_id() {
                    Some(d) => {
                        match gw.get_deployment().api_id(&a.id).deployment_id(d).send().await.ctx("GetDeployment") {
                            Ok(o) => Some((d.to_string(), o.description().unwrap_or_default().to_string())),
                            Err(e) if is_not_found(&e) => None,
                            Err(e) => return Err(e),
                        }
                    }
                    None => None,
                },
                Err(e) if is_not_found(&e) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        match current {
            Some((id, desc)) if desc == wanted && !routing_changed => {
                self.record("deployment", &stage, Some(id), Action::Unchanged, vec![]);
            }
            current => {
                let from = current.as_ref().map(|(_, d)| d.clone());
                let changes = vec![Change { field: "routing".into(), from, to: Some(wanted.clone()) }];
                self.record("deployment", &stage, None, Action::Create, changes);
                if !self.dry {
                    let o = gw
                        .create_deployment()
                        .api_id(self.api_id())
                        .stage_name(&stage)
                        .description(&wanted)
                        .send()
                        .await
                        .ctx("CreateDeployment")?;
                    self.created(o.deployment_id());
                }
            }
        }
        Ok(())
    }

    /// What an earlier run made that the options no longer want: the authorizer and its
    /// function when the authorizer is now iam or none. Removed last, when nothing uses them.
    async fn leftovers(&mut self) -> Result<(), Error> {
        if self.d.auth == Auth::Jwt {
            return Ok(());
        }
        let gw = self.aws.apigw();
        let name = authorizer_name(&self.d.stack);
        if let Some(a) = &self.api {
            let found = apigw::authorizers(&gw, &a.id).await?.into_iter().find(|z| z.name() == Some(name.as_str()));
            if let Some(z) = found {
                let id = z.authorizer_id().unwrap_or_default().to_string();
                self.record("authorizer", &name, Some(id.clone()), Action::Delete, vec![]);
                if !self.dry {
                    match gw
                        .delete_authorizer()
                        .api_id(self.api_id())
                        .authorizer_id(&id)
                        .send()
                        .await
                        .ctx("DeleteAuthorizer")
                    {
                        Ok(_) => {}
                        Err(e) if is_not_found(&e) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        let fname = function_name(&self.d.stack, FnRole::Authorizer);
        let lambda = self.aws.lambda();
        let f = match lambda.get_function().function_name(&fname).send().await.ctx("GetFunction") {
            Ok(o) => Some(o),
            Err(e) if is_not_found(&e) => None,
            Err(e) => return Err(e),
        };
        if let Some(o) = f {
            if o.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str) == Some(self.d.stack.as_str()) {
                self.record("function", &fname, None, Action::Delete, vec![]);
                if !self.dry {
                    delete_ok(lambda.delete_function().function_name(&fname).send().await.ctx("DeleteFunction"))?;
                }
                let group = lambda_log_group(&fname);
                let logs = self.aws.logs();
                if find_log_group(&logs, &group).await?.is_some() {
                    self.record("log_group", &group, None, Action::Delete, vec![]);
                    if !self.dry {
                        delete_ok(logs.delete_log_group().log_group_name(&group).send().await.ctx("DeleteLogGroup"))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn outputs(&self) -> Outputs {
        let (api_id, wss_url, management_endpoint) = match &self.api {
            Some(a) => (
                Some(a.id.clone()),
                Some(format!("{}/{}", a.endpoint.trim_end_matches('/'), self.d.stage)),
                target::management_endpoint(&a.endpoint, &self.d.stage, None).ok().map(|u| u.to_string()),
            ),
            None => (None, None, None),
        };
        let mut log_groups = self.log_groups.clone();
        log_groups.dedup();
        Outputs {
            api_id,
            wss_url,
            management_endpoint,
            table: self.d.table.clone(),
            role: self.d.role.clone(),
            functions: self.d.functions.iter().map(|f| f.name.clone()).collect(),
            log_groups,
        }
    }
}

/// Deleting something already gone is fine.
fn delete_ok<T>(r: Result<T, Error>) -> Result<bool, Error> {
    match r {
        Ok(_) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn find_log_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    name: &str,
) -> Result<Option<aws_sdk_cloudwatchlogs::types::LogGroup>, Error> {
    Ok(log_groups_with_prefix(logs, name).await?.into_iter().find(|g| g.log_group_name() == Some(name)))
}

async fn log_groups_with_prefix(
    logs: &aws_sdk_cloudwatchlogs::Client,
    prefix: &str,
) -> Result<Vec<aws_sdk_cloudwatchlogs::types::LogGroup>, Error> {
    apigw::paged(|t| async move {
        let o = logs
            .describe_log_groups()
            .log_group_name_prefix(prefix)
            .set_next_token(t)
            .send()
            .await
            .ctx("DescribeLogGroups")?;
        Ok((o.log_groups.unwrap_or_default(), o.next_token))
    })
    .await
}

async fn table_owner(ddb: &aws_sdk_dynamodb::Client, arn: &str) -> Result<Option<String>, Error> {
    let o = ddb.list_tags_of_resource().resource_arn(arn).send().await.ctx("ListTagsOfResource")?;
    Ok(o.tags().iter().find(|t| t.key() == TAG_STACK).map(|t| t.value().to_string()))
}

fn log_group_arn(g: &aws_sdk_cloudwatchlogs::types::LogGroup) -> Option<String> {
    g.log_group_arn().map(str::to_string).or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string()))
}

async fn log_group_owner(logs: &aws_sdk_cloudwatchlogs::Client, arn: &str) -> Result<Option<String>, Error> {
    let o = logs.list_tags_for_resource().resource_arn(arn).send().await.ctx("ListTagsForResource")?;
    Ok(o.tags().and_then(|t| t.get(TAG_STACK)).cloned())
}

/// Waits until a function accepts updates (created functions start Pending; updates run InProgress).
async fn wait_function(lambda: &aws_sdk_lambda::Client, name: &str) -> Result<(), Error> {
    use aws_sdk_lambda::types::{LastUpdateStatus, State};
    for attempt in 0..120u64 {
        let c = lambda.get_function_configuration().function_name(name).send().await.ctx("GetFunctionConfiguration")?;
        let failed = c.state() == Some(&State::Failed) || c.last_update_status() == Some(&LastUpdateStatus::Failed);
        if failed {
            return Err(Error::invalid(
                format!(
                    "function {name} failed: {}",
                    c.state_reason().or(c.last_update_status_reason()).unwrap_or("no reason given")
                ),
                "see the function in the Lambda console, fix the cause and run provision again",
            ));
        }
        let pending =
            c.state() == Some(&State::Pending) || c.last_update_status() == Some(&LastUpdateStatus::InProgress);
        if !pending {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250 * (attempt + 1).min(8))).await;
    }
    Err(Error::invalid(format!("function {name} did not become ready"), "check it in the Lambda console"))
}

/// `wsadm provision`.
pub async fn provision(ctx: &Ctx, p: ProvisionCommand) -> Result<ProvisionReport, Error> {
    let stage = ctx.global.stage.clone().ok_or_else(|| {
        Error::invalid(
            "provision needs a stage",
            format!("pass --stage, e.g. wsadm provision --name {} --stage prod", p.name),
        )
    })?;
    let mut warnings = Vec::new();
    let d = desired(&p, &stage, &mut warnings)?;
    let aws = ctx.aws().await?;
    let acct = Account::load(aws).await?;
    let mut conv = Conv {
        aws,
        d: &d,
        acct: acct.clone(),
        dry: p.dry_run,
        steps: Vec::new(),
        warnings,
        api: None,
        role_arn: acct.role_arn(&d.role),
        integrations: HashMap::new(),
        authorizer_id: None,
        stages: BTreeSet::new(),
        log_groups: Vec::new(),
    };
    let result = conv.run().await;
    let error = match result {
        Ok(()) => None,
        // Found before the first resource was looked at (bad names, conflicts): a plain error.
        Err(e) if conv.steps.is_empty() => return Err(e),
        Err(e) => Some(Failure::from_error(&e)),
    };
    let summary = summarize(&conv.steps);
    Ok(ProvisionReport {
        stack: d.stack.clone(),
        stage: d.stage.clone(),
        region: acct.region.clone(),
        account: Some(acct.id.clone()),
        dry_run: p.dry_run,
        up_to_date: error.is_none() && summary.create + summary.update + summary.delete == 0,
        summary,
        outputs: conv.outputs(),
        resources: std::mem::take(&mut conv.steps),
        warnings: std::mem::take(&mut conv.warnings),
        error,
    })
}

// ----- destroy -----

/// Asks on the terminal; true for "y"/"yes".
async fn confirm(question: String) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{question} [y/N] ");
        let _ = err.flush();
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    })
    .await
    .map_err(|e| Error::invalid(format!("the confirmation prompt failed: {e}"), "pass --yes"))?
    .map_err(|source| Error::Io { context: "cannot read the answer from the terminal".into(), source })
}

/// What destroy found: deleted in this order.
enum Found {
    Api(String),
    Function(String),
    Role(String),
    LogGroup(String),
    Table(String),
}

impl Found {
    fn kind(&self) -> &'static str {
        match self {
            Found::Api(_) => "api",
            Found::Function(_) => "function",
            Found::Role(_) => "iam_role",
            Found::LogGroup(_) => "log_group",
            Found::Table(_) => "table",
        }
    }
}

/// Finds everything of the stack: by tag, and by name checked against the tag.
async fn discover(
    aws: &Aws,
    stack: &str,
    warnings: &mut Vec<String>,
) -> Result<(Vec<(Found, String)>, Vec<Step>), Error> {
    let mut found: Vec<(Found, String)> = Vec::new();
    let mut skipped = Vec::new();
    let mut skip = |kind: &'static str, name: String, owner: Option<String>, warnings: &mut Vec<String>| {
        warnings.push(format!(
            "{kind} {name} has the stack's name but {}; left alone",
            match owner {
                Some(o) => format!("belongs to stack `{o}`"),
                None => format!("no {TAG_STACK} tag"),
            }
        ));
        skipped.push(Step { kind, name, id: None, action: Action::Skipped, changes: vec![] });
    };
    let gw = aws.apigw();
    let mut api_ids = Vec::new();
    for a in apigw::websocket_apis(&gw).await? {
        let owner = a.tags().and_then(|t| t.get(TAG_STACK)).cloned();
        let id = a.api_id().unwrap_or_default().to_string();
        if owner.as_deref() == Some(stack) {
            api_ids.push(id.clone());
            found.push((Found::Api(id.clone()), format!("{} ({id})", a.name().unwrap_or_default())));
        } else if a.name() == Some(stack) {
            skip("api", format!("{stack} ({id})"), owner, warnings);
        }
    }
    let lambda = aws.lambda();
    let mut our_functions = Vec::new();
    for role in FnRole::ALL {
        let name = function_name(stack, role);
        match lambda.get_function().function_name(&name).send().await.ctx("GetFunction") {
            Ok(o) => {
                let owner = o.tags().and_then(|t| t.get(TAG_STACK)).cloned();
                if owner.as_deref() == Some(stack) {
                    our_functions.push(name.clone());
                    found.push((Found::Function(name.clone()), name));
                } else {
                    skip("function", name, owner, warnings);
                }
            }
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(e),
        }
    }
    let iam = aws.iam();
    let role = role_name(stack);
    match iam.get_role().role_name(&role).send().await.ctx("GetRole") {
        Ok(o) => {
            let owner =
                o.role().and_then(|r| r.tags().iter().find(|t| t.key() == TAG_STACK)).map(|t| t.value().to_string());
            if owner.as_deref() == Some(stack) {
                found.push((Found::Role(role.clone()), role));
            } else {
                skip("iam_role", role, owner, warnings);
            }
        }
        Err(e) if is_not_found(&e) => {}
        Err(e) => return Err(e),
    }
    let logs = aws.logs();
    let mut prefixes = vec![format!("/wsadm/{stack}/"), format!("/aws/lambda/{stack}-")];
    prefixes.extend(api_ids.iter().map(|id| format!("API-Gateway-Execution-Logs_{id}/")));
    let derived: BTreeSet<String> = our_functions.iter().map(|f| lambda_log_group(f)).collect();
    for prefix in prefixes {
        for g in log_groups_with_prefix(&logs, &prefix).await? {
            let name = g.log_group_name().unwrap_or_default().to_string();
            let arn = log_group_arn(&g).unwrap_or_default();
            let owner = log_group_owner(&logs, &arn).await?;
            // Groups AWS made for the stack's own functions or API count as the stack's even untagged.
            let adopted =
                owner.is_none() && (derived.contains(&name) || prefix.starts_with("API-Gateway-Execution-Logs_"));
            if owner.as_deref() == Some(stack) || adopted {
                found.push((Found::LogGroup(name.clone()), name));
            } else if name.starts_with("/wsadm/") || derived.contains(&name) {
                skip("log_group", name, owner, warnings);
            }
        }
    }
    let ddb = aws.dynamodb();
    let table = table_name(stack);
    match ddb.describe_table().table_name(&table).send().await.ctx("DescribeTable") {
        Ok(o) => {
            let owner = table_owner(&ddb, o.table().and_then(|t| t.table_arn()).unwrap_or_default()).await?;
            if owner.as_deref() == Some(stack) {
                found.push((Found::Table(table.clone()), table));
            } else {
                skip("table", table, owner, warnings);
            }
        }
        Err(e) if is_not_found(&e) => {}
        Err(e) => return Err(e),
    }
    Ok((found, skipped))
}

async fn delete(aws: &Aws, what: &Found) -> Result<bool, Error> {
    match what {
        Found::Api(id) => delete_ok(aws.apigw().delete_api().api_id(id).send().await.ctx("DeleteApi")),
        Found::Function(name) => {
            delete_ok(aws.lambda().delete_function().function_name(name).send().await.ctx("DeleteFunction"))
        }
        Found::Role(name) => {
            let iam = aws.iam();
            let policies = match iam.list_role_policies().role_name(name).send().await.ctx("ListRolePolicies") {
                Ok(o) => o.policy_names,
                Err(e) if is_not_found(&e) => return Ok(false),
                Err(e) => return Err(e),
            };
            for p in policies {
                delete_ok(
                    iam.delete_role_policy().role_name(name).policy_name(&p).send().await.ctx("DeleteRolePolicy"),
                )?;
            }
            delete_ok(iam.delete_role().role_name(name).send().await.ctx("DeleteRole"))
        }
        Found::LogGroup(name) => {
            delete_ok(aws.logs().delete_log_group().log_group_name(name).send().await.ctx("DeleteLogGroup"))
        }
        Found::Table(name) => delete_ok(aws.dynamodb().delete_table().table_name(name).send().await.ctx("DeleteTable")),
    }
}

/// `wsadm destroy`.
pub async fn destroy(ctx: &Ctx, p: DestroyCommand) -> Result<DestroyReport, Error> {
    validate_name(&p.name)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !ctx.global.yes && !p.dry_run && !interactive {
        return Err(Error::invalid(
            format!("destroy deletes stack {} and needs confirmation; nothing was deleted", p.name),
            format!("not on a terminal: pass --yes to confirm (`wsadm destroy --name {} --yes`), or --dry-run to see what would go", p.name),
        ));
    }
    let aws = ctx.aws().await?;
    let mut warnings = Vec::new();
    let (found, skipped) = discover(aws, &p.name, &mut warnings).await?;
    let mut report = DestroyReport {
        stack: p.name.clone(),
        region: aws.region().to_string(),
        dry_run: p.dry_run,
        nothing_to_destroy: found.is_empty(),
        resources: skipped,
        warnings,
        error: None,
    };
    if found.is_empty() {
        return Ok(report);
    }
    if p.dry_run {
        for (f, name) in &found {
            report.resources.push(Step {
                kind: f.kind(),
                name: name.clone(),
                id: None,
                action: Action::Delete,
                changes: vec![],
            });
        }
        return Ok(report);
    }
    if !ctx.global.yes {
        let list: Vec<String> = found.iter().map(|(f, n)| format!("  {} {n}", f.kind())).collect();
        let question = format!(
            "This deletes stack {} for good (the session table's data too):\n{}\nDelete?",
            p.name,
            list.join("\n")
        );
        if !confirm(question).await? {
            return Err(Error::invalid(
                "destroy cancelled; nothing was deleted",
                "answer `y` to delete, or pass --yes",
            ));
        }
    }
    for (f, name) in &found {
        match delete(aws, f).await {
            Ok(deleted) => report.resources.push(Step {
                kind: f.kind(),
                name: name.clone(),
                id: None,
                action: if deleted { Action::Delete } else { Action::Gone },
                changes: vec![],
            }),
            Err(e) => {
                report.error = Some(Failure::from_error(&e));
                break;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_compare_encoded_or_not() {
        let v = json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Resource": "x"}]});
        let encoded: String =
            percent_encoding::utf8_percent_encode(&v.to_string(), percent_encoding::NON_ALPHANUMERIC).to_string();
        assert_eq!(policy_json(&encoded), Some(v.clone()));
        assert_eq!(policy_json(&v.to_string()), Some(v.clone()));
        let other = json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Resource": "y"}, {"Sid": "B"}]});
        let changes = statement_diff(&v, &other);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(
            changes[0],
            Change { field: "statement A.Resource".into(), from: Some("x".into()), to: Some("y".into()) }
        );
        assert_eq!(changes[1], Change { field: "statement B".into(), from: None, to: Some("set".into()) });
        assert!(statement_diff(&v, &v).is_empty());
        let more = json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Resource": ["x", "z"]}]});
        let changes = statement_diff(&v, &more);
        assert_eq!(changes, vec![Change { field: "statement A.Resource".into(), from: None, to: Some("z".into()) }]);
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_name("chat").is_ok());
        assert!(validate_name("chat_prod-2").is_ok());
        for bad in ["", "-chat", "chat room", "a/b", &"x".repeat(41)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        assert!(validate_stage("prod").is_ok());
        assert!(validate_stage("pr od").is_err());
    }

    #[test]
    fn default_access_log_is_json_with_the_request_id() {
        let v: Value = serde_json::from_str(DEFAULT_ACCESS_LOG_FORMAT).unwrap();
        for k in [
            "requestId",
            "connectionId",
            "eventType",
            "routeKey",
            "status",
            "integrationLatency",
            "authorizerError",
            "sourceIp",
            "userAgent",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
    }

    #[test]
    fn diff_masks_secrets() {
        let mut d = Diff::default();
        d.secret("environment.WSADM_JWT_SECRET", Some(&"a".to_string()), Some(&"b".to_string()));
        assert_eq!(d.0[0].from.as_deref(), Some(MASK));
        assert_eq!(d.0[0].to.as_deref(), Some(MASK));
        d.field("x", Some(1), Some(1));
        assert_eq!(d.0.len(), 1);
    }

    #[test]
    fn loopback_http_only() {
        assert!(is_loopback_http("http://127.0.0.1:8080/jwks.json"));
        assert!(is_loopback_http("http://localhost/jwks"));
        assert!(!is_loopback_http("http://127.0.0.1.evil.com/jwks"));
        assert!(!is_loopback_http("http://example.com"));
    }
}
