//! The desired state: everything the options ask for, validated before any AWS call
//! (the handlers' settings in `settings.rs`, the HS256 secret in `secret.rs`).

use super::names::{function_name, role_name, secret_name, table_name, validate_name, validate_stage, FnRole, ROUTES};
use super::secret::{self, SecretSpec};
use super::settings;
use crate::cli::{Architecture, AuthorizerKind, LoggingLevelArg, ProvisionCommand, TokenIn};
use crate::commands::handlers::artifact::{self, Origin};
use aws_sdk_apigatewayv2::types::LoggingLevel;
use std::collections::BTreeMap;
use wsadm_core::Error;

/// AWS's limit for WebSocket integrations.
pub(super) const INTEGRATION_TIMEOUT_MS: i32 = 29_000;
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

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Auth {
    Jwt,
    Iam,
    None,
}

#[derive(Debug, Clone)]
pub(super) struct FnSpec {
    pub(super) role: FnRole,
    pub(super) name: String,
    pub(super) env: BTreeMap<String, String>,
    pub(super) timeout: i32,
    pub(super) description: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Throttle {
    pub(super) rate: f64,
    pub(super) burst: i32,
}

/// Everything the options ask for, validated, before any AWS call.
#[derive(Debug)]
pub(super) struct Desired {
    pub(super) stack: String,
    pub(super) stage: String,
    pub(super) table: String,
    pub(super) role: String,
    pub(super) auth: Auth,
    /// The HS256 secret for Secrets Manager (jwt with --jwt-secret-env/--jwt-secret-file).
    pub(super) secret: Option<SecretSpec>,
    /// The authorizer's identity sources (`--token-in`).
    pub(super) identity_source: Vec<String>,
    pub(super) token_in: TokenIn,
    pub(super) functions: Vec<FnSpec>,
    pub(super) zip: Vec<u8>,
    pub(super) code_sha256: String,
    pub(super) artifact: Origin,
    pub(super) architecture: aws_sdk_lambda::types::Architecture,
    pub(super) throttle: Throttle,
    pub(super) route_throttle: BTreeMap<String, Throttle>,
    pub(super) logging_level: LoggingLevel,
    pub(super) detailed_metrics: bool,
    pub(super) access_log_format: String,
    pub(super) retention_days: i32,
}

impl Desired {
    pub(super) fn function(&self, role: FnRole) -> Option<&FnSpec> {
        self.functions.iter().find(|f| f.role == role)
    }
}

fn is_loopback_http(url: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| url.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/'])))
}

/// The authorizer function's settings from the options, and the HS256 secret (kept out of the
/// environment: the function gets `WSADM_JWT_SECRET_ARN`, filled in once the secret exists).
fn authorizer_env(p: &ProvisionCommand, stack: &str) -> Result<(BTreeMap<String, String>, Option<SecretSpec>), Error> {
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
    let issuer = p.jwt_issuer.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let audience = p.jwt_audience.as_deref().and_then(settings::audience);
    if let Some(url) = &p.jwks_url {
        if !(url.starts_with("https://") || is_loopback_http(url)) {
            return Err(Error::invalid(
                format!("--jwks-url {url} must be an https:// URL"),
                "keys fetched over plain http could be swapped in transit (http:// is accepted only for 127.0.0.1/localhost)",
            ));
        }
        if issuer.is_none() || audience.is_none() {
            let missing: Vec<&str> = [(issuer.is_none(), "--jwt-issuer"), (audience.is_none(), "--jwt-audience")]
                .iter()
                .filter(|(m, _)| *m)
                .map(|(_, o)| *o)
                .collect();
            return Err(Error::invalid(
                format!("--jwks-url needs {}", missing.join(" and ")),
                "an identity provider signs tokens for many applications with the same keys: unless the issuer and \
                 the audience are checked, tokens it issued for any of them get in; e.g. --jwt-issuer \
                 https://id.example.com/ --jwt-audience chat",
            ));
        }
        env.insert("WSADM_JWKS_URL".into(), url.clone());
    }
    if p.rotate_secret && p.jwks_url.is_some() {
        return Err(Error::invalid(
            "--rotate-secret rotates the HS256 secret; with --jwks-url the identity provider rotates its keys",
            "drop --rotate-secret",
        ));
    }
    let secret = secret::read(p)?.map(|(value, source)| SecretSpec {
        name: secret_name(stack),
        value,
        source,
        rotate: p.rotate_secret,
        grace: p.rotation_grace.unwrap_or(secret::DEFAULT_GRACE),
    });
    if let Some(g) = p.rotation_grace.filter(|g| *g > secret::MAX_GRACE) {
        return Err(Error::invalid(
            format!("--rotation-grace {} is longer than 7 days", humantime::format_duration(g)),
            "the old secret should stop working soon; the grace only has to outlive the tokens signed with it, e.g. 1h",
        ));
    }
    if let Some(iss) = issuer {
        env.insert("WSADM_JWT_ISSUER".into(), iss.to_string());
    }
    if let Some(aud) = audience {
        env.insert("WSADM_JWT_AUDIENCE".into(), aud);
    }
    if let Some(t) = &p.jwt_typ {
        env.insert("WSADM_JWT_TYP".into(), settings::jwt_typ(t)?);
    }
    if let Some(age) = p.jwt_max_age {
        env.insert("WSADM_JWT_MAX_AGE_SECS".into(), settings::jwt_max_age(age)?);
    }
    env.insert("WSADM_ROOMS_CLAIM".into(), settings::rooms_claim(p.rooms_claim.as_deref().unwrap_or("rooms"))?);
    Ok((env, secret))
}

pub(super) fn desired(p: &ProvisionCommand, stage: &str, warnings: &mut Vec<String>) -> Result<Desired, Error> {
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
            || p.jwt_audience.is_some()
            || p.jwt_typ.is_some()
            || p.jwt_max_age.is_some()
            || p.token_in.is_some()
            || p.rotate_secret
            || p.rooms_claim.is_some())
    {
        return Err(Error::invalid(
            "the --jwt-*/--jwks-url/--token-in/--rotate-secret/--rooms-claim options apply to --authorizer jwt only",
            "drop them, or use --authorizer jwt",
        ));
    }
    let (auth_env, secret) = match auth {
        Auth::Jwt => {
            let (env, secret) = authorizer_env(p, &p.name)?;
            (Some(env), secret)
        }
        _ => (None, None),
    };
    let token_in = p.token_in.unwrap_or(TokenIn::Both);
    let public_rooms = settings::public_rooms(&p.public_rooms)?;
    let max_rooms = settings::max_rooms(p.max_rooms)?;
    let (user_rate, user_burst) = settings::user_rate(&p.user_rate)?;
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
    let arch = match p.architecture {
        Architecture::X86_64 => aws_sdk_lambda::types::Architecture::X8664,
        Architecture::Arm64 => aws_sdk_lambda::types::Architecture::Arm64,
    };
    let artifact = artifact::resolve(p.handler_zip.as_deref(), p.architecture.lambda())?;
    // Says which wsadm built the code, so `apis show` and audit can tell when it is older.
    let built_by = match artifact.origin.version() {
        Some(v) => format!("{}{v}", wsadm_core::handlers::MARK),
        None => "handlers from --handler-zip".to_string(),
    };

    let table = table_name(&p.name);
    let mut functions = Vec::new();
    let base = |role: FnRole, env: BTreeMap<String, String>, timeout: i32, what: &str| FnSpec {
        role,
        name: function_name(&p.name, role),
        env,
        timeout,
        description: format!("wsadm stack {}: {what}; {built_by}", p.name),
    };
    let anonymous = if auth == Auth::Jwt { "false" } else { "true" };
    functions.push(base(
        FnRole::Connect,
        BTreeMap::from([
            ("WSADM_TABLE".to_string(), table.clone()),
            ("WSADM_ALLOW_ANONYMOUS".to_string(), anonymous.to_string()),
            ("WSADM_MAX_CONNECTIONS_PER_USER".to_string(), p.max_connections_per_user.to_string()),
            // `?room=` joins at connect: the same rooms policy as `join`.
            ("WSADM_PUBLIC_ROOMS".to_string(), public_rooms.clone()),
            ("WSADM_MAX_ROOMS_PER_CONNECTION".to_string(), max_rooms.clone()),
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
        BTreeMap::from([
            ("WSADM_TABLE".to_string(), table.clone()),
            ("WSADM_PUBLIC_ROOMS".to_string(), public_rooms),
            ("WSADM_MAX_ROOMS_PER_CONNECTION".to_string(), max_rooms),
            ("WSADM_USER_RATE".to_string(), user_rate),
            ("WSADM_USER_BURST".to_string(), user_burst),
        ]),
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
        secret,
        identity_source: settings::identity_sources(token_in),
        token_in,
        functions,
        zip: artifact.zip,
        code_sha256: artifact.code_sha256,
        artifact: artifact.origin,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

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
    fn loopback_http_only() {
        assert!(is_loopback_http("http://127.0.0.1:8080/jwks.json"));
        assert!(is_loopback_http("http://localhost/jwks"));
        assert!(!is_loopback_http("http://127.0.0.1.evil.com/jwks"));
        assert!(!is_loopback_http("http://example.com"));
    }
}
