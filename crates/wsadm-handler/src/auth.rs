//! The `$connect` REQUEST authorizer: a JWT taken from the `Authorization: Bearer <token>` header
//! or, because browsers cannot set headers on a WebSocket handshake, from the `token` query-string
//! parameter. Tokens are HS256 with a shared secret, or RS256/ES256 with keys from a JWKS.
//!
//! Configuration (environment of the authorizer function):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `WSADM_JWT_SECRET` | HS256 shared secret (use at least 32 random bytes) | — |
//! | `WSADM_JWT_SECRET_FILE` | file holding the HS256 secret; trailing newlines are trimmed | — |
//! | `WSADM_JWKS_URL` | JWKS URL for RS256/ES256 keys; must be `https://` (`http://` only for `127.0.0.1`, `[::1]`, `localhost`) | — |
//! | `WSADM_JWKS_FILE` | local JWKS file for RS256/ES256 keys | — |
//! | `WSADM_JWT_ISSUER` | required `iss` claim | not checked |
//! | `WSADM_JWT_AUDIENCE` | required `aud` claim (one of the token's audiences) | not checked |
//! | `WSADM_JWT_LEEWAY_SECS` | clock skew tolerated on `exp` and `nbf`, at most 3600 | `30` |
//! | `WSADM_JWT_USER_CLAIM` | claim holding the user id (`principalId`, context `userId`) | `sub` |
//! | `WSADM_JWT_CONTEXT_CLAIMS` | comma-separated claims copied into the authorizer context (string, number and boolean values only) | none |
//! | `WSADM_JWKS_TTL_SECS` | how long a loaded JWKS is used before it is fetched again | `600` |
//!
//! Exactly one of `WSADM_JWT_SECRET`, `WSADM_JWT_SECRET_FILE`, `WSADM_JWKS_URL` and `WSADM_JWKS_FILE`
//! must be set; an empty value counts as unset. `exp` is required; `nbf` is checked when present.
//! An unknown `kid` refetches the JWKS at most once every 30 seconds, and a failed fetch keeps
//! using the keys already loaded.
//!
//! Every rejection is logged at WARN with a machine-readable `reason` (see [`Rejection::as_str`]);
//! the token itself is never logged.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use aws_lambda_events::apigw::{
    ApiGatewayCustomAuthorizerPolicy, ApiGatewayCustomAuthorizerRequestTypeRequest, ApiGatewayCustomAuthorizerResponse,
};
use aws_lambda_events::http::header::AUTHORIZATION;
use aws_lambda_events::iam::{IamPolicyEffect, IamPolicyStatement};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

const VAR_SECRET: &str = "WSADM_JWT_SECRET";
const VAR_SECRET_FILE: &str = "WSADM_JWT_SECRET_FILE";
const VAR_JWKS_URL: &str = "WSADM_JWKS_URL";
const VAR_JWKS_FILE: &str = "WSADM_JWKS_FILE";
const VAR_ISSUER: &str = "WSADM_JWT_ISSUER";
const VAR_AUDIENCE: &str = "WSADM_JWT_AUDIENCE";
const VAR_LEEWAY: &str = "WSADM_JWT_LEEWAY_SECS";
const VAR_USER_CLAIM: &str = "WSADM_JWT_USER_CLAIM";
const VAR_CONTEXT_CLAIMS: &str = "WSADM_JWT_CONTEXT_CLAIMS";
const VAR_JWKS_TTL: &str = "WSADM_JWKS_TTL_SECS";

const DEFAULT_LEEWAY_SECS: u64 = 30;
/// jsonwebtoken computes `now - leeway`; a bound keeps that meaningful (and from underflowing).
const MAX_LEEWAY_SECS: u64 = 3600;
const DEFAULT_USER_CLAIM: &str = "sub";
const DEFAULT_JWKS_TTL: Duration = Duration::from_secs(600);
/// Unknown kids and failed refreshes refetch at most this often, so bad tokens cannot hammer the JWKS endpoint.
const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_JWKS_BYTES: usize = 1 << 20;
const QUERY_TOKEN: &str = "token";

/// Why a connection was refused. [`Rejection::as_str`] is the stable, machine-readable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// No `Authorization: Bearer` header and no `token` query parameter.
    MissingToken,
    /// Not a well-formed JWT (shape, base64, JSON, claim types, missing `exp`).
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
    /// No JWKS key matches the token's `kid` (or, without a kid, no single key matches its algorithm).
    UnknownKid,
    /// The token's `alg` is not accepted by the configured key source (`none`, HS256 in JWKS mode, …).
    AlgorithmNotAllowed,
    MissingUserClaim,
    /// The JWKS could not be loaded and no earlier copy is cached.
    JwksUnavailable,
}

impl Rejection {
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::MissingToken => "missing_token",
            Rejection::Malformed => "malformed",
            Rejection::BadSignature => "bad_signature",
            Rejection::Expired => "expired",
            Rejection::NotYetValid => "not_yet_valid",
            Rejection::WrongIssuer => "wrong_issuer",
            Rejection::WrongAudience => "wrong_audience",
            Rejection::UnknownKid => "unknown_kid",
            Rejection::AlgorithmNotAllowed => "algorithm_not_allowed",
            Rejection::MissingUserClaim => "missing_user_claim",
            Rejection::JwksUnavailable => "jwks_unavailable",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Rejection {}

/// Where RS256/ES256 verification keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    Url(String),
    File(PathBuf),
}

/// The authorizer's settings; [`AuthConfig::from_env`] reads them from the variables in the module docs.
///
/// Built by hand, both `hs256_secret` and `jwks` may be set: HS256 tokens then use the secret and
/// RS256/ES256 tokens the JWKS (never the other way round). With neither, every token is refused.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthConfig {
    pub hs256_secret: Option<Vec<u8>>,
    pub jwks: Option<JwksSource>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub leeway_secs: u64,
    pub user_claim: String,
    pub context_claims: Vec<String>,
    pub jwks_ttl: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            hs256_secret: None,
            jwks: None,
            issuer: None,
            audience: None,
            leeway_secs: DEFAULT_LEEWAY_SECS,
            user_claim: DEFAULT_USER_CLAIM.to_owned(),
            context_claims: Vec::new(),
            jwks_ttl: DEFAULT_JWKS_TTL,
        }
    }
}

// Hand-written so the secret never reaches a log line through `{:?}`.
impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("hs256_secret", &self.hs256_secret.as_ref().map(|_| "<redacted>"))
            .field("jwks", &self.jwks)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway_secs", &self.leeway_secs)
            .field("user_claim", &self.user_claim)
            .field("context_claims", &self.context_claims)
            .field("jwks_ttl", &self.jwks_ttl)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    #[error(
        "no JWT key configured: set exactly one of {VAR_SECRET}, {VAR_SECRET_FILE}, {VAR_JWKS_URL} or {VAR_JWKS_FILE}"
    )]
    NoKeySource,
    #[error(
        "{} are all set, but exactly one of {VAR_SECRET}, {VAR_SECRET_FILE}, {VAR_JWKS_URL} or {VAR_JWKS_FILE} is allowed",
        .0.join(", ")
    )]
    ConflictingKeySources(Vec<&'static str>),
    #[error("cannot read the JWT secret file {} ({VAR_SECRET_FILE})", .path.display())]
    SecretFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the JWT secret from {0} is empty")]
    EmptySecret(&'static str),
    #[error("{VAR_JWKS_URL} must use https:// (http:// is allowed only for 127.0.0.1, [::1] and localhost): {0}")]
    InsecureJwksUrl(String),
    #[error("{VAR_JWKS_URL} is not a valid URL: {0}")]
    InvalidJwksUrl(String),
    #[error("{var} must be {expected}, got {value:?}")]
    InvalidValue { var: &'static str, value: String, expected: &'static str },
}

impl AuthConfig {
    /// Reads the configuration through `get` (usually `|name| std::env::var(name).ok()`).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<AuthConfig, AuthConfigError> {
        // An empty value counts as unset, so templates can leave unused variables blank.
        let var = |name: &str| get(name).filter(|value| !value.trim().is_empty());
        let trimmed = |name: &str| var(name).map(|value| value.trim().to_owned());

        let sources = [VAR_SECRET, VAR_SECRET_FILE, VAR_JWKS_URL, VAR_JWKS_FILE];
        let set: Vec<&'static str> = sources.into_iter().filter(|name| var(name).is_some()).collect();
        let source = match set.as_slice() {
            [] => return Err(AuthConfigError::NoKeySource),
            [one] => *one,
            _ => return Err(AuthConfigError::ConflictingKeySources(set)),
        };

        let mut config = AuthConfig::default();
        match source {
            VAR_SECRET => config.hs256_secret = var(VAR_SECRET).map(String::into_bytes),
            VAR_SECRET_FILE => {
                let path = PathBuf::from(trimmed(VAR_SECRET_FILE).unwrap_or_default());
                let mut secret = std::fs::read(&path).map_err(|source| AuthConfigError::SecretFile { path, source })?;
                while secret.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    secret.pop();
                }
                if secret.is_empty() {
                    return Err(AuthConfigError::EmptySecret(VAR_SECRET_FILE));
                }
                config.hs256_secret = Some(secret);
            }
            VAR_JWKS_URL => {
                let url = trimmed(VAR_JWKS_URL).unwrap_or_default();
                check_jwks_url(&url)?;
                config.jwks = Some(JwksSource::Url(url));
            }
            _ => config.jwks = trimmed(VAR_JWKS_FILE).map(|path| JwksSource::File(path.into())),
        }

        config.issuer = trimmed(VAR_ISSUER);
        config.audience = trimmed(VAR_AUDIENCE);
        if let Some(value) = trimmed(VAR_LEEWAY) {
            config.leeway_secs = parse_secs(VAR_LEEWAY, &value, MAX_LEEWAY_SECS, "whole seconds from 0 to 3600")?;
        }
        if let Some(claim) = trimmed(VAR_USER_CLAIM) {
            config.user_claim = claim;
        }
        if let Some(list) = var(VAR_CONTEXT_CLAIMS) {
            config.context_claims =
                list.split(',').map(str::trim).filter(|claim| !claim.is_empty()).map(str::to_owned).collect();
        }
        if let Some(value) = trimmed(VAR_JWKS_TTL) {
            config.jwks_ttl = Duration::from_secs(parse_secs(VAR_JWKS_TTL, &value, u64::MAX, "whole seconds")?);
        }
        Ok(config)
    }
}

fn parse_secs(var: &'static str, value: &str, max: u64, expected: &'static str) -> Result<u64, AuthConfigError> {
    value.parse::<u64>().ok().filter(|secs| *secs <= max).ok_or_else(|| AuthConfigError::InvalidValue {
        var,
        value: value.to_owned(),
        expected,
    })
}

/// Keys must not travel in clear text; plain http is only for a JWKS served on this machine.
fn check_jwks_url(url: &str) -> Result<(), AuthConfigError> {
    let uri: hyper::Uri = url.parse().map_err(|_| AuthConfigError::InvalidJwksUrl(url.to_owned()))?;
    let scheme = uri.scheme_str().unwrap_or_default();
    // `host()` is the real host even for `http://127.0.0.1@evil.example/`.
    let Some(host) = uri.host() else {
        return Err(AuthConfigError::InvalidJwksUrl(url.to_owned()));
    };
    let loopback = ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| host.eq_ignore_ascii_case(h));
    if scheme.eq_ignore_ascii_case("https") || (scheme.eq_ignore_ascii_case("http") && loopback) {
        Ok(())
    } else {
        Err(AuthConfigError::InsecureJwksUrl(url.to_owned()))
    }
}

/// The time source of the JWKS cache, replaceable in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error("cannot read the JWKS file: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid JWKS URL")]
    InvalidUrl,
    #[error("JWKS request failed: {0}")]
    Http(String),
    #[error("JWKS request returned HTTP {0}")]
    Status(u16),
    #[error("JWKS request timed out after {}s", FETCH_TIMEOUT.as_secs())]
    Timeout,
    #[error("JWKS is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// The JWKS, loaded on first use and kept for the TTL.
///
/// Callers that arrive while a fetch is running wait for it rather than starting their own.
pub struct JwksCache {
    source: JwksSource,
    ttl: Duration,
    clock: Arc<dyn Clock>,
    client: OnceLock<HttpClient>,
    fetches: AtomicU64,
    state: tokio::sync::Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    keys: Option<KeySet>,
    loaded_at: Option<Instant>,
    attempted_at: Option<Instant>,
    failed_at: Option<Instant>,
}

impl CacheState {
    fn needs_refresh(&self, now: Instant, ttl: Duration) -> bool {
        let Some(loaded_at) = self.loaded_at else {
            return true;
        };
        let stale = now.saturating_duration_since(loaded_at) >= ttl;
        // After a failed refresh the stale set stays in use; retry only after the back-off.
        stale && !within(self.failed_at, now, MIN_REFETCH_INTERVAL)
    }

    fn lookup(&self, kid: Option<&str>, alg: Algorithm) -> Result<Option<DecodingKey>, Rejection> {
        let keys = self.keys.as_ref().ok_or(Rejection::JwksUnavailable)?;
        keys.find(kid, alg).map(|key| key.cloned())
    }
}

fn within(at: Option<Instant>, now: Instant, interval: Duration) -> bool {
    at.is_some_and(|at| now.saturating_duration_since(at) < interval)
}

impl JwksCache {
    pub fn new(source: JwksSource, ttl: Duration) -> Self {
        Self::with_clock(source, ttl, Arc::new(SystemClock))
    }

    pub fn with_clock(source: JwksSource, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        JwksCache {
            source,
            ttl,
            clock,
            client: OnceLock::new(),
            fetches: AtomicU64::new(0),
            state: tokio::sync::Mutex::new(CacheState::default()),
        }
    }

    /// How many times the JWKS was fetched (or the file read), failures included.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key for a token's `kid` and algorithm, refetching on an unknown kid (rate-limited).
    async fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, Rejection> {
        let mut state = self.state.lock().await;
        let now = self.clock.now();
        if state.needs_refresh(now, self.ttl) {
            self.refresh(&mut state, now).await;
        }
        if let Some(key) = state.lookup(kid, alg)? {
            return Ok(key);
        }
        // The key may have been rotated in since the last fetch.
        if within(state.attempted_at, now, MIN_REFETCH_INTERVAL) {
            return Err(Rejection::UnknownKid);
        }
        self.refresh(&mut state, now).await;
        state.lookup(kid, alg)?.ok_or(Rejection::UnknownKid)
    }

    async fn refresh(&self, state: &mut CacheState, now: Instant) {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        state.attempted_at = Some(now);
        match self.fetch().await.and_then(|body| KeySet::parse(&body)) {
            Ok(keys) => {
                tracing::debug!(keys = keys.len(), "JWKS loaded");
                state.keys = Some(keys);
                state.loaded_at = Some(now);
                state.failed_at = None;
            }
            Err(error) => {
                tracing::warn!(%error, keeping_cached = state.keys.is_some(), "JWKS fetch failed");
                state.failed_at = Some(now);
            }
        }
    }

    async fn fetch(&self) -> Result<Vec<u8>, FetchError> {
        match &self.source {
            JwksSource::File(path) => Ok(tokio::fs::read(path).await?),
            JwksSource::Url(url) => {
                tokio::time::timeout(FETCH_TIMEOUT, self.fetch_url(url)).await.map_err(|_| FetchError::Timeout)?
            }
        }
    }

    async fn fetch_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let uri: hyper::Uri = url.parse().map_err(|_| FetchError::InvalidUrl)?;
        let request = hyper::Request::get(uri)
            .header(hyper::header::ACCEPT, "application/json")
            .body(Empty::new())
            .map_err(|_| FetchError::InvalidUrl)?;
        let response = self.client().request(request).await.map_err(|e| FetchError::Http(e.to_string()))?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
            .collect()
            .await
            .map_err(|e| FetchError::Http(e.to_string()))?;
        Ok(body.to_bytes().to_vec())
    }

    fn client(&self) -> &HttpClient {
        self.client.get_or_init(|| {
            let https =
                hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots().https_or_http().enable_http1().build();
            // Fetches are minutes apart and Lambda freezes between invocations, so a pooled
            // connection would mostly be a dead one.
            Client::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build(https)
        })
    }
}

/// The usable keys of a JWKS: RSA keys for RS256 and P-256 keys for ES256.
struct KeySet {
    keys: Vec<KeyEntry>,
}

struct KeyEntry {
    kid: Option<String>,
    alg: Algorithm,
    key: DecodingKey,
}

impl KeySet {
    fn parse(body: &[u8]) -> Result<KeySet, FetchError> {
        // Keys are parsed one by one so that one key of a type jsonwebtoken does not know does
        // not void the whole set.
        #[derive(Deserialize)]
        struct RawSet {
            keys: Vec<Value>,
        }
        let raw: RawSet = serde_json::from_slice(body)?;
        let keys = raw
            .keys
            .into_iter()
            .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
            .filter_map(|jwk| KeyEntry::from_jwk(&jwk))
            .collect();
        Ok(KeySet { keys })
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// `Ok(None)` when no key matches (a refetch may help), an error when the kid names a key of
    /// another algorithm.
    fn find(&self, kid: Option<&str>, alg: Algorithm) -> Result<Option<&DecodingKey>, Rejection> {
        let Some(kid) = kid else {
            // Without a kid the key is unambiguous only if exactly one key fits the algorithm.
            let mut fitting = self.keys.iter().filter(|entry| entry.alg == alg);
            return Ok(match (fitting.next(), fitting.next()) {
                (Some(entry), None) => Some(&entry.key),
                _ => None,
            });
        };
        let mut named = self.keys.iter().filter(|entry| entry.kid.as_deref() == Some(kid)).peekable();
        if named.peek().is_none() {
            return Ok(None);
        }
        named.find(|entry| entry.alg == alg).map(|entry| Some(&entry.key)).ok_or(Rejection::AlgorithmNotAllowed)
    }
}

impl KeyEntry {
    fn from_jwk(jwk: &Jwk) -> Option<KeyEntry> {
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
            return None;
        }
        // Symmetric ("oct") keys are never taken from a JWKS: that would reopen algorithm confusion.
        let alg = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(params) if params.curve == EllipticCurve::P256 => Algorithm::ES256,
            _ => return None,
        };
        // A key pinned to another algorithm (RS384, PS256 …) is not used for ours.
        let pinned_ok = matches!(
            (jwk.common.key_algorithm, alg),
            (None, _) | (Some(KeyAlgorithm::RS256), Algorithm::RS256) | (Some(KeyAlgorithm::ES256), Algorithm::ES256)
        );
        if !pinned_ok {
            return None;
        }
        let key = DecodingKey::from_jwk(jwk).ok()?;
        Some(KeyEntry { kid: jwk.common.key_id.clone(), alg, key })
    }
}

/// A connection the authorizer let through.
#[derive(Debug, Clone, PartialEq)]
pub struct Allowed {
    pub user_id: String,
    /// `userId` plus the configured context claims; scalar values only, as API Gateway requires.
    pub context: Map<String, Value>,
}

/// Verifies `$connect` tokens against an [`AuthConfig`].
pub struct Authorizer {
    hs256_key: Option<DecodingKey>,
    jwks: Option<JwksCache>,
    validation: Validation,
    user_claim: String,
    context_claims: Vec<String>,
}

impl Authorizer {
    pub fn new(config: AuthConfig) -> Self {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// Like [`Authorizer::new`], with the clock the JWKS cache uses for its TTL and rate limit.
    pub fn with_clock(config: AuthConfig, clock: Arc<dyn Clock>) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = config.leeway_secs.min(MAX_LEEWAY_SECS);
        validation.validate_nbf = true;
        // jsonwebtoken checks iss/aud only when present; configured ones must be present too.
        let mut required = vec!["exp"];
        if let Some(issuer) = &config.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &config.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            // Otherwise jsonwebtoken would refuse every token that carries an `aud`.
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);

        Authorizer {
            hs256_key: config.hs256_secret.as_deref().map(DecodingKey::from_secret),
            jwks: config.jwks.map(|source| JwksCache::with_clock(source, config.jwks_ttl, clock)),
            validation,
            user_claim: config.user_claim,
            context_claims: config.context_claims,
        }
    }

    /// The JWKS cache, when the keys come from a JWKS.
    pub fn jwks_cache(&self) -> Option<&JwksCache> {
        self.jwks.as_ref()
    }

    pub async fn authorize(&self, req: &ApiGatewayCustomAuthorizerRequestTypeRequest) -> Result<Allowed, Rejection> {
        let (result, token_source) = match extract_token(req) {
            Some((token, source)) => (self.verify(token).await, source),
            None => (Err(Rejection::MissingToken), "none"),
        };
        if let Err(rejection) = &result {
            // Only the reason and where the token came from: the token is a credential.
            tracing::warn!(
                reason = rejection.as_str(),
                token_source,
                request_id = req.request_context.request_id.as_deref().unwrap_or_default(),
                "connection refused by the authorizer"
            );
        }
        result
    }

    async fn verify(&self, token: &str) -> Result<Allowed, Rejection> {
        let header = peek_header(token)?;
        let jwks_key;
        let (alg, key) = match header.alg.as_str() {
            "HS256" => (Algorithm::HS256, self.hs256_key.as_ref().ok_or(Rejection::AlgorithmNotAllowed)?),
            name @ ("RS256" | "ES256") => {
                let alg = if name == "RS256" { Algorithm::RS256 } else { Algorithm::ES256 };
                let cache = self.jwks.as_ref().ok_or(Rejection::AlgorithmNotAllowed)?;
                jwks_key = cache.key_for(header.kid.as_deref(), alg).await?;
                (alg, &jwks_key)
            }
            _ => return Err(Rejection::AlgorithmNotAllowed),
        };
        let mut validation = self.validation.clone();
        validation.algorithms = vec![alg];
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation)
            .map_err(|error| rejection_for(error.kind()))?;
        self.allowed(&data.claims)
    }

    fn allowed(&self, claims: &Map<String, Value>) -> Result<Allowed, Rejection> {
        let user_id = match claims.get(&self.user_claim) {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            Some(Value::Number(id)) => id.to_string(),
            _ => return Err(Rejection::MissingUserClaim),
        };
        let mut context = Map::new();
        for name in &self.context_claims {
            if let Some(value @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) = claims.get(name) {
                context.insert(name.clone(), value.clone());
            }
        }
        // Last, so a context claim named `userId` cannot override the verified user.
        context.insert("userId".to_owned(), Value::String(user_id.clone()));
        Ok(Allowed { user_id, context })
    }
}

fn rejection_for(kind: &ErrorKind) -> Rejection {
    match kind {
        ErrorKind::InvalidSignature => Rejection::BadSignature,
        ErrorKind::ExpiredSignature => Rejection::Expired,
        ErrorKind::ImmatureSignature => Rejection::NotYetValid,
        ErrorKind::InvalidIssuer => Rejection::WrongIssuer,
        ErrorKind::InvalidAudience => Rejection::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) if claim == "iss" => Rejection::WrongIssuer,
        ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => Rejection::WrongAudience,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm | ErrorKind::InvalidAlgorithmName => {
            Rejection::AlgorithmNotAllowed
        }
        // A key that cannot verify anything: the signature cannot be trusted.
        ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat => {
            Rejection::BadSignature
        }
        _ => Rejection::Malformed,
    }
}

/// The token and where it came from: the `Authorization: Bearer` header first, then `?token=`.
fn extract_token(req: &ApiGatewayCustomAuthorizerRequestTypeRequest) -> Option<(&str, &'static str)> {
    let header = req.headers.get(AUTHORIZATION).or_else(|| req.multi_value_headers.get(AUTHORIZATION));
    if let Some(token) = header.and_then(|value| value.to_str().ok()).and_then(bearer) {
        return Some((token, "header"));
    }
    let query = req
        .query_string_parameters
        .first(QUERY_TOKEN)
        .or_else(|| req.multi_value_query_string_parameters.first(QUERY_TOKEN))
        .map(str::trim)
        .filter(|token| !token.is_empty());
    query.map(|token| (token, "query"))
}

fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[derive(Deserialize)]
struct PeekedHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// Reads `alg` and `kid` before a key is chosen. jsonwebtoken's own header parser fails on
/// algorithms it does not know (such as `none`); reading the raw string lets us report those
/// as `algorithm_not_allowed` rather than `malformed`.
fn peek_header(token: &str) -> Result<PeekedHeader, Rejection> {
    let mut parts = token.split('.');
    let (Some(header), Some(_payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejection::Malformed);
    };
    let json = base64url_decode(header).ok_or(Rejection::Malformed)?;
    serde_json::from_slice(&json).map_err(|_| Rejection::Malformed)
}

/// Unpadded base64url (RFC 7515 §2); only used to peek at the header, which the signature covers.
fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        Some(u32::from(value))
    }
    if input.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
    for chunk in input.as_bytes().chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        // Left-align a short final chunk: 2 chars give 1 byte, 3 chars give 2.
        acc <<= 6 * (4 - chunk.len());
        out.extend_from_slice(&acc.to_be_bytes()[1..chunk.len()]);
    }
    Some(out)
}

/// The IAM policy letting `allowed` invoke the `$connect` route (`method_arn`), with its context.
pub fn allow_response(allowed: &Allowed, method_arn: &str) -> ApiGatewayCustomAuthorizerResponse {
    policy_response(&allowed.user_id, method_arn, IamPolicyEffect::Allow, allowed.context.clone())
}

/// The IAM policy refusing the connection (API Gateway answers 403).
pub fn deny_response(principal: &str, method_arn: &str) -> ApiGatewayCustomAuthorizerResponse {
    policy_response(principal, method_arn, IamPolicyEffect::Deny, Map::new())
}

fn policy_response(
    principal: &str,
    method_arn: &str,
    effect: IamPolicyEffect,
    context: Map<String, Value>,
) -> ApiGatewayCustomAuthorizerResponse {
    // The event types are #[non_exhaustive]: built from Default, field by field.
    let mut statement = IamPolicyStatement::default();
    statement.action = vec!["execute-api:Invoke".to_owned()];
    statement.effect = effect;
    statement.resource = vec![method_arn.to_owned()];
    let mut policy = ApiGatewayCustomAuthorizerPolicy::default();
    policy.version = Some("2012-10-17".to_owned());
    policy.statement = vec![statement];
    let mut response = ApiGatewayCustomAuthorizerResponse::default();
    response.principal_id = Some(principal.to_owned());
    response.policy_document = policy;
    response.context = Value::Object(context);
    response
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::Write;
    use std::sync::Mutex;
    use std::time::{SystemTime, UNIX_EPOCH};

    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    const RSA_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/auth/rsa_private.pem");
    const RSA_PUBLIC: &[u8] = include_bytes!("../tests/fixtures/auth/rsa_public.pem");
    const RSA2_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/auth/rsa2_private.pem");
    const EC_PRIVATE: &[u8] = include_bytes!("../tests/fixtures/auth/ec_private.pem");
    const JWKS: &str = include_str!("../tests/fixtures/auth/jwks.json");
    const JWKS_ROTATED: &str = include_str!("../tests/fixtures/auth/jwks_rotated.json");
    const JWKS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/auth/jwks.json");
    const JWKS_ROTATED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/auth/jwks_rotated.json");
    const SECRET: &[u8] = b"an-hs256-secret-of-at-least-32-bytes!";
    const METHOD_ARN: &str = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/$connect";
    /// `{"alg":"none","typ":"JWT"}`
    const NONE_HEADER: &str = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";

    fn now() -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    /// Valid claims for the HS256 config below, with `changes` merged in (`null` removes a claim).
    fn claims(changes: Value) -> Value {
        let mut claims = json!({
            "sub": "user-1",
            "iss": "https://issuer.example",
            "aud": "wsadm",
            "exp": now() + 300,
            "email": "u1@example.com",
        });
        if let (Value::Object(base), Value::Object(changes)) = (&mut claims, changes) {
            for (name, value) in changes {
                if value.is_null() {
                    base.remove(&name);
                } else {
                    base.insert(name, value);
                }
            }
        }
        claims
    }

    fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(&header, claims, key).unwrap()
    }

    fn hs256(claims: &Value) -> String {
        sign(Algorithm::HS256, None, &EncodingKey::from_secret(SECRET), claims)
    }

    fn rs256(kid: Option<&str>, private_pem: &[u8], claims: &Value) -> String {
        sign(Algorithm::RS256, kid, &EncodingKey::from_rsa_pem(private_pem).unwrap(), claims)
    }

    fn es256(kid: Option<&str>, claims: &Value) -> String {
        sign(Algorithm::ES256, kid, &EncodingKey::from_ec_pem(EC_PRIVATE).unwrap(), claims)
    }

    /// A correctly HS256-signed token made of the given raw (base64url) header and payload.
    fn signed_hs256(header: &str, payload: &str) -> String {
        let message = format!("{header}.{payload}");
        let key = EncodingKey::from_secret(SECRET);
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
        format!("{message}.{signature}")
    }

    /// A token with `alg: none` and no signature, carrying the payload of `token`.
    fn alg_none(token: &str) -> String {
        let payload = token.split('.').nth(1).unwrap();
        format!("{NONE_HEADER}.{payload}.")
    }

    fn hs256_config() -> AuthConfig {
        AuthConfig {
            hs256_secret: Some(SECRET.to_vec()),
            issuer: Some("https://issuer.example".into()),
            audience: Some("wsadm".into()),
            context_claims: vec!["email".into(), "admin".into(), "level".into(), "groups".into(), "absent".into()],
            ..AuthConfig::default()
        }
    }

    fn jwks_config(source: JwksSource) -> AuthConfig {
        AuthConfig { jwks: Some(source), ..AuthConfig::default() }
    }

    /// A REQUEST authorizer event as API Gateway sends it for `$connect`.
    fn event(headers: Value, query: Value) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
        serde_json::from_value(json!({
            "type": "REQUEST",
            "methodArn": METHOD_ARN,
            "headers": headers,
            "queryStringParameters": query,
            "requestContext": { "routeKey": "$connect", "eventType": "CONNECT", "requestId": "req-1", "stage": "prod" },
        }))
        .unwrap()
    }

    fn bearer_event(token: &str) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
        event(json!({ "Authorization": format!("Bearer {token}") }), json!({}))
    }

    fn query_event(token: &str) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
        event(json!({}), json!({ "token": token }))
    }

    #[tokio::test]
    async fn hs256_token_is_accepted_with_user_id_and_scalar_context_claims() {
        let authorizer = Authorizer::new(hs256_config());
        let token = hs256(&claims(json!({ "admin": true, "level": 3, "groups": ["a", "b"], "userId": "forged" })));
        let allowed = authorizer.authorize(&bearer_event(&token)).await.unwrap();
        assert_eq!(allowed.user_id, "user-1");
        let expected = json!({ "userId": "user-1", "email": "u1@example.com", "admin": true, "level": 3 });
        assert_eq!(Value::Object(allowed.context), expected);
    }

    #[tokio::test]
    async fn user_claim_is_configurable_and_may_be_numeric() {
        let authorizer = Authorizer::new(AuthConfig { user_claim: "uid".into(), ..hs256_config() });
        let allowed = authorizer.authorize(&bearer_event(&hs256(&claims(json!({ "uid": 42 }))))).await.unwrap();
        assert_eq!(allowed.user_id, "42");
        for uid in [json!(null), json!(""), json!(true), json!(["u"]), json!({ "id": 1 })] {
            let token = hs256(&claims(json!({ "uid": uid })));
            assert_eq!(authorizer.authorize(&bearer_event(&token)).await, Err(Rejection::MissingUserClaim), "{uid}");
        }
    }

    #[tokio::test]
    async fn token_is_read_from_the_header_or_the_query_string() {
        let authorizer = Authorizer::new(hs256_config());
        let token = hs256(&claims(json!({})));
        let cases = [
            ("Bearer header", bearer_event(&token)),
            ("lower-case name and scheme", event(json!({ "authorization": format!("bearer {token}") }), json!({}))),
            (
                "upper-case scheme, extra spaces",
                event(json!({ "AUTHORIZATION": format!("  BEARER  {token} ") }), json!({})),
            ),
            ("query string", query_event(&token)),
            (
                "non-Bearer header falls back to the query",
                event(json!({ "Authorization": "Basic dTpw" }), json!({ "token": token })),
            ),
        ];
        for (name, req) in cases {
            let allowed = authorizer.authorize(&req).await;
            assert_eq!(allowed.map(|a| a.user_id), Ok("user-1".to_owned()), "{name}");
        }
        // The header wins over the query string.
        let req = event(json!({ "Authorization": "Bearer garbage" }), json!({ "token": token }));
        assert_eq!(authorizer.authorize(&req).await, Err(Rejection::Malformed));
    }

    #[tokio::test]
    async fn hs256_rejections_carry_the_right_reason() {
        let authorizer = Authorizer::new(hs256_config());
        let good = hs256(&claims(json!({})));
        let parts: Vec<&str> = good.split('.').collect();
        let wrong_key = EncodingKey::from_secret(b"another-secret-another-secret-another");
        let cases: Vec<(&str, String, Rejection)> = vec![
            ("expired", hs256(&claims(json!({ "exp": now() - 120 }))), Rejection::Expired),
            ("not yet valid", hs256(&claims(json!({ "nbf": now() + 120 }))), Rejection::NotYetValid),
            ("wrong iss", hs256(&claims(json!({ "iss": "https://evil.example" }))), Rejection::WrongIssuer),
            ("missing iss", hs256(&claims(json!({ "iss": null }))), Rejection::WrongIssuer),
            ("wrong aud", hs256(&claims(json!({ "aud": "other" }))), Rejection::WrongAudience),
            ("missing aud", hs256(&claims(json!({ "aud": null }))), Rejection::WrongAudience),
            ("missing user claim", hs256(&claims(json!({ "sub": null }))), Rejection::MissingUserClaim),
            ("empty user claim", hs256(&claims(json!({ "sub": "" }))), Rejection::MissingUserClaim),
            // jsonwebtoken itself refuses a `sub` that is not a string.
            ("object sub", hs256(&claims(json!({ "sub": { "id": 1 } }))), Rejection::Malformed),
            ("missing exp", hs256(&claims(json!({ "exp": null }))), Rejection::Malformed),
            ("string exp", hs256(&claims(json!({ "exp": "tomorrow" }))), Rejection::Malformed),
            ("bad signature", sign(Algorithm::HS256, None, &wrong_key, &claims(json!({}))), Rejection::BadSignature),
            (
                "tampered payload",
                format!(
                    "{}.{}.{}",
                    parts[0],
                    hs256(&claims(json!({ "sub": "admin" }))).split('.').nth(1).unwrap(),
                    parts[2]
                ),
                Rejection::BadSignature,
            ),
            ("alg none", alg_none(&good), Rejection::AlgorithmNotAllowed),
            (
                "HS384",
                sign(Algorithm::HS384, None, &EncodingKey::from_secret(SECRET), &claims(json!({}))),
                Rejection::AlgorithmNotAllowed,
            ),
            (
                "RS256 without a JWKS",
                rs256(Some("rsa-1"), RSA_PRIVATE, &claims(json!({}))),
                Rejection::AlgorithmNotAllowed,
            ),
            ("garbage", "not-a-jwt".into(), Rejection::Malformed),
            ("two segments", format!("{}.{}", parts[0], parts[1]), Rejection::Malformed),
            ("four segments", format!("{good}.x"), Rejection::Malformed),
            ("bad base64 header", format!("%%%.{}.{}", parts[1], parts[2]), Rejection::Malformed),
            // The signature is checked first and covers the payload as sent.
            ("bad base64 payload, old signature", format!("{}.***.{}", parts[0], parts[2]), Rejection::BadSignature),
            ("signed bad base64 payload", signed_hs256(parts[0], "***"), Rejection::Malformed),
            ("signed payload not JSON", signed_hs256(parts[0], "bm90IGpzb24"), Rejection::Malformed),
            ("signed payload a JSON array", signed_hs256(parts[0], "WzFd"), Rejection::Malformed),
            ("bad base64 signature", format!("{}.{}.!!", parts[0], parts[1]), Rejection::Malformed),
            ("header not JSON", format!("bm90IGpzb24.{}.{}", parts[1], parts[2]), Rejection::Malformed),
            ("header without alg", format!("e30.{}.{}", parts[1], parts[2]), Rejection::Malformed),
            ("empty segments", "..".into(), Rejection::Malformed),
        ];
        for (name, token, expected) in cases {
            assert_eq!(authorizer.authorize(&bearer_event(&token)).await, Err(expected), "{name}");
            assert_eq!(authorizer.authorize(&query_event(&token)).await, Err(expected), "{name} (query)");
        }
    }

    #[tokio::test]
    async fn leeway_tolerates_small_clock_skew() {
        let authorizer = Authorizer::new(hs256_config());
        let token = hs256(&claims(json!({ "exp": now() - 10, "nbf": now() + 10 })));
        assert!(authorizer.authorize(&bearer_event(&token)).await.is_ok());
        let strict = Authorizer::new(AuthConfig { leeway_secs: 0, ..hs256_config() });
        assert_eq!(strict.authorize(&bearer_event(&token)).await, Err(Rejection::Expired));
    }

    #[tokio::test]
    async fn without_configured_iss_and_aud_they_are_not_checked() {
        let authorizer = Authorizer::new(AuthConfig { hs256_secret: Some(SECRET.to_vec()), ..AuthConfig::default() });
        let token = hs256(&json!({ "sub": "u", "exp": now() + 60, "iss": "anyone", "aud": ["x", "y"] }));
        assert!(authorizer.authorize(&bearer_event(&token)).await.is_ok());
    }

    #[tokio::test]
    async fn missing_token_is_rejected() {
        let authorizer = Authorizer::new(hs256_config());
        let cases = [
            ("nothing", event(json!({}), json!({}))),
            ("empty query token", event(json!({}), json!({ "token": "" }))),
            ("Bearer without token", event(json!({ "Authorization": "Bearer " }), json!({}))),
            ("other query parameter", event(json!({}), json!({ "access_token": "x" }))),
        ];
        for (name, req) in cases {
            assert_eq!(authorizer.authorize(&req).await, Err(Rejection::MissingToken), "{name}");
        }
    }

    #[tokio::test]
    async fn jwks_file_accepts_rs256_and_es256() {
        let authorizer = Authorizer::new(jwks_config(JwksSource::File(JWKS_PATH.into())));
        let claims = json!({ "sub": "user-2", "exp": now() + 60 });
        let cases = [
            ("RS256 with kid", rs256(Some("rsa-1"), RSA_PRIVATE, &claims)),
            ("ES256 with kid", es256(Some("ec-1"), &claims)),
            ("RS256 without kid, one RSA key", rs256(None, RSA_PRIVATE, &claims)),
            ("ES256 without kid, one EC key", es256(None, &claims)),
        ];
        for (name, token) in cases {
            let allowed = authorizer.authorize(&bearer_event(&token)).await;
            assert_eq!(allowed.map(|a| a.user_id), Ok("user-2".to_owned()), "{name}");
        }
        assert_eq!(authorizer.jwks_cache().map(JwksCache::fetch_count), Some(1));
    }

    #[tokio::test]
    async fn jwks_rejections_carry_the_right_reason() {
        let authorizer = Authorizer::new(jwks_config(JwksSource::File(JWKS_PATH.into())));
        let claims = json!({ "sub": "user-2", "exp": now() + 60 });
        let rsa_public_as_secret = EncodingKey::from_secret(RSA_PUBLIC);
        let rsa_key = EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap();
        let cases = [
            ("signed by another RSA key", rs256(Some("rsa-1"), RSA2_PRIVATE, &claims), Rejection::BadSignature),
            ("unknown kid", rs256(Some("rsa-2"), RSA2_PRIVATE, &claims), Rejection::UnknownKid),
            (
                "HS256 with the RSA public key as secret",
                sign(Algorithm::HS256, Some("rsa-1"), &rsa_public_as_secret, &claims),
                Rejection::AlgorithmNotAllowed,
            ),
            (
                "HS256 confusion without kid",
                sign(Algorithm::HS256, None, &rsa_public_as_secret, &claims),
                Rejection::AlgorithmNotAllowed,
            ),
            ("ES256 naming the RSA key", es256(Some("rsa-1"), &claims), Rejection::AlgorithmNotAllowed),
            ("RS384", sign(Algorithm::RS384, Some("rsa-1"), &rsa_key, &claims), Rejection::AlgorithmNotAllowed),
            ("PS256", sign(Algorithm::PS256, Some("rsa-1"), &rsa_key, &claims), Rejection::AlgorithmNotAllowed),
            ("alg none", alg_none(&rs256(Some("rsa-1"), RSA_PRIVATE, &claims)), Rejection::AlgorithmNotAllowed),
            (
                "expired",
                rs256(Some("rsa-1"), RSA_PRIVATE, &json!({ "sub": "u", "exp": now() - 120 })),
                Rejection::Expired,
            ),
            ("missing user claim", es256(Some("ec-1"), &json!({ "exp": now() + 60 })), Rejection::MissingUserClaim),
        ];
        for (name, token, expected) in cases {
            assert_eq!(authorizer.authorize(&bearer_event(&token)).await, Err(expected), "{name}");
        }
    }

    #[tokio::test]
    async fn token_without_kid_needs_exactly_one_key_of_its_family() {
        let authorizer = Authorizer::new(jwks_config(JwksSource::File(JWKS_ROTATED_PATH.into())));
        let claims = json!({ "sub": "u", "exp": now() + 60 });
        // Two RSA keys: ambiguous. One EC key: fine.
        assert_eq!(
            authorizer.authorize(&bearer_event(&rs256(None, RSA_PRIVATE, &claims))).await,
            Err(Rejection::UnknownKid)
        );
        assert!(authorizer.authorize(&bearer_event(&es256(None, &claims))).await.is_ok());
        assert!(authorizer.authorize(&bearer_event(&rs256(Some("rsa-2"), RSA2_PRIVATE, &claims))).await.is_ok());
    }

    #[test]
    fn jwks_parsing_skips_keys_it_cannot_use() {
        let body = json!({ "keys": [
            { "kty": "oct", "kid": "sym", "k": "c2VjcmV0" },
            { "kty": "OKP", "kid": "x", "crv": "X25519", "x": "AAAA" },
            { "kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB" },
            { "kty": "RSA", "kid": "ps", "alg": "PS256", "n": "AQAB", "e": "AQAB" },
            { "kty": "EC", "kid": "p384", "crv": "P-384", "x": "AAAA", "y": "AAAA" },
            { "kty": "RSA", "kid": "ok", "n": "AQAB", "e": "AQAB" },
        ]});
        let keys = KeySet::parse(body.to_string().as_bytes()).unwrap();
        let kids: Vec<_> = keys.keys.iter().map(|k| k.kid.as_deref()).collect();
        assert_eq!(kids, [Some("ok")]);
        assert!(KeySet::parse(b"not json").is_err());
        assert!(KeySet::parse(b"{\"nokeys\": []}").is_err());
        assert_eq!(KeySet::parse(JWKS.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn base64url_decoding() {
        assert_eq!(base64url_decode("").unwrap(), b"");
        assert_eq!(base64url_decode("Zg").unwrap(), b"f");
        assert_eq!(base64url_decode("Zm8").unwrap(), b"fo");
        assert_eq!(base64url_decode("Zm9v").unwrap(), b"foo");
        assert_eq!(base64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        for bad in ["Z", "Zm9vY", "Zm9v=", "Zm+v", "Zm/v", "Zm 9"] {
            assert_eq!(base64url_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_rejection_has_a_distinct_snake_case_reason() {
        let all = [
            Rejection::MissingToken,
            Rejection::Malformed,
            Rejection::BadSignature,
            Rejection::Expired,
            Rejection::NotYetValid,
            Rejection::WrongIssuer,
            Rejection::WrongAudience,
            Rejection::UnknownKid,
            Rejection::AlgorithmNotAllowed,
            Rejection::MissingUserClaim,
            Rejection::JwksUnavailable,
        ];
        let reasons: std::collections::HashSet<_> = all.iter().map(|r| r.as_str()).collect();
        assert_eq!(reasons.len(), all.len());
        assert!(reasons.iter().all(|r| r.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert_eq!(Rejection::NotYetValid.to_string(), "not_yet_valid");
    }

    #[test]
    fn allow_and_deny_responses_are_iam_policies_for_the_connect_route() {
        let mut context = Map::new();
        context.insert("userId".into(), json!("user-1"));
        context.insert("admin".into(), json!(true));
        let allowed = Allowed { user_id: "user-1".into(), context };
        let allow = serde_json::to_value(allow_response(&allowed, METHOD_ARN)).unwrap();
        assert_eq!(allow["principalId"], "user-1");
        assert_eq!(
            allow["policyDocument"],
            json!({
                "Version": "2012-10-17",
                "Statement": [{ "Action": ["execute-api:Invoke"], "Effect": "Allow", "Resource": [METHOD_ARN] }],
            })
        );
        assert_eq!(allow["context"], json!({ "userId": "user-1", "admin": true }));

        let deny = serde_json::to_value(deny_response("anonymous", METHOD_ARN)).unwrap();
        assert_eq!(deny["principalId"], "anonymous");
        assert_eq!(deny["policyDocument"]["Statement"][0]["Effect"], "Deny");
        assert_eq!(deny["policyDocument"]["Statement"][0]["Resource"], json!([METHOD_ARN]));
        assert_eq!(deny["context"], json!({}));
    }

    #[test]
    fn authorize_future_is_send() {
        // lambda_runtime needs Send futures.
        fn assert_send<T: Send>(_: T) {}
        let authorizer = Authorizer::new(hs256_config());
        let req = event(json!({}), json!({}));
        assert_send(authorizer.authorize(&req));
    }

    /// A `MakeWriter` collecting formatted tracing output.
    #[derive(Clone, Default)]
    struct LogBuffer(Arc<Mutex<Vec<u8>>>);

    impl LogBuffer {
        fn contents(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    impl Write for LogBuffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
        type Writer = LogBuffer;
        fn make_writer(&'a self) -> LogBuffer {
            self.clone()
        }
    }

    #[tokio::test]
    async fn rejection_logs_the_reason_but_never_the_token() {
        let logs = LogBuffer::default();
        let subscriber =
            tracing_subscriber::fmt().json().with_writer(logs.clone()).with_max_level(tracing::Level::TRACE).finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let authorizer = Authorizer::new(hs256_config());
        let expired = hs256(&claims(json!({ "exp": now() - 3600 })));
        let forged = sign(Algorithm::HS256, None, &EncodingKey::from_secret(b"wrong"), &claims(json!({})));
        let tokens = [(expired, "expired"), (forged, "bad_signature")];
        for (token, reason) in &tokens {
            assert!(authorizer.authorize(&query_event(token)).await.is_err());
            assert!(authorizer.authorize(&bearer_event(token)).await.is_err());
            let output = logs.contents();
            assert!(output.contains(&format!("\"reason\":\"{reason}\"")), "{output}");
        }

        let output = logs.contents();
        assert!(output.contains("\"token_source\":\"query\"") && output.contains("\"token_source\":\"header\""));
        for (token, _) in &tokens {
            assert!(!output.contains(token.as_str()), "token leaked into the log: {output}");
            // Nor any part of it: payload and signature are as sensitive as the whole.
            for part in token.split('.').skip(1) {
                assert!(!output.contains(part), "token part leaked into the log: {output}");
            }
        }
    }

    // ---- from_env ----

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn from_env_defaults_and_values() {
        let config = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", "s3cret")])).unwrap();
        assert_eq!(config, AuthConfig { hs256_secret: Some(b"s3cret".to_vec()), ..AuthConfig::default() });
        assert_eq!((config.leeway_secs, config.user_claim.as_str()), (30, "sub"));
        assert_eq!(config.jwks_ttl, Duration::from_secs(600));
        assert!(config.context_claims.is_empty());
        assert!(!format!("{config:?}").contains("s3cret"), "Debug must redact the secret");

        let config = AuthConfig::from_env(env(&[
            ("WSADM_JWKS_FILE", "/etc/wsadm/jwks.json"),
            ("WSADM_JWT_SECRET", ""),
            ("WSADM_JWT_ISSUER", "https://issuer.example"),
            ("WSADM_JWT_AUDIENCE", " wsadm "),
            ("WSADM_JWT_LEEWAY_SECS", "5"),
            ("WSADM_JWT_USER_CLAIM", "uid"),
            ("WSADM_JWT_CONTEXT_CLAIMS", "email, admin,,"),
            ("WSADM_JWKS_TTL_SECS", "60"),
        ]))
        .unwrap();
        let expected = AuthConfig {
            hs256_secret: None,
            jwks: Some(JwksSource::File("/etc/wsadm/jwks.json".into())),
            issuer: Some("https://issuer.example".into()),
            audience: Some("wsadm".into()),
            leeway_secs: 5,
            user_claim: "uid".into(),
            context_claims: vec!["email".into(), "admin".into()],
            jwks_ttl: Duration::from_secs(60),
        };
        assert_eq!(config, expected);
    }

    #[test]
    fn from_env_requires_exactly_one_key_source() {
        assert!(matches!(AuthConfig::from_env(env(&[])), Err(AuthConfigError::NoKeySource)));
        assert!(matches!(AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", "  ")])), Err(AuthConfigError::NoKeySource)));
        let err = AuthConfig::from_env(env(&[
            ("WSADM_JWT_SECRET", "s"),
            ("WSADM_JWKS_URL", "https://issuer.example/jwks.json"),
        ]))
        .unwrap_err();
        assert!(
            matches!(&err, AuthConfigError::ConflictingKeySources(set) if set == &["WSADM_JWT_SECRET", "WSADM_JWKS_URL"])
        );
        assert!(err.to_string().contains("exactly one of"), "{err}");
        let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", "/x"), ("WSADM_JWKS_FILE", "/y")])).unwrap_err();
        assert!(matches!(err, AuthConfigError::ConflictingKeySources(set) if set.len() == 2));
    }

    #[test]
    fn from_env_jwks_url_must_be_https_except_loopback() {
        for url in [
            "https://issuer.example/.well-known/jwks.json",
            "HTTPS://issuer.example/jwks",
            "http://127.0.0.1:8080/jwks.json",
            "http://localhost/jwks.json",
            "http://[::1]:9000/jwks.json",
        ] {
            let config = AuthConfig::from_env(env(&[("WSADM_JWKS_URL", url)]));
            assert_eq!(config.unwrap().jwks, Some(JwksSource::Url(url.into())), "{url}");
        }
        for url in [
            "http://issuer.example/jwks.json",
            "http://127.0.0.1@evil.example/jwks.json",
            "http://127.0.0.1.evil.example/jwks.json",
            "ftp://issuer.example/jwks.json",
        ] {
            let err = AuthConfig::from_env(env(&[("WSADM_JWKS_URL", url)])).unwrap_err();
            assert!(matches!(err, AuthConfigError::InsecureJwksUrl(_)), "{url}: {err}");
        }
        for url in ["not a url", "https://", "issuer.example/jwks.json"] {
            let err = AuthConfig::from_env(env(&[("WSADM_JWKS_URL", url)])).unwrap_err();
            assert!(matches!(err, AuthConfigError::InvalidJwksUrl(_)), "{url}: {err}");
        }
    }

    #[test]
    fn from_env_rejects_bad_numbers() {
        for (var, value) in [
            ("WSADM_JWT_LEEWAY_SECS", "abc"),
            ("WSADM_JWT_LEEWAY_SECS", "-1"),
            ("WSADM_JWT_LEEWAY_SECS", "3601"),
            ("WSADM_JWKS_TTL_SECS", "10m"),
        ] {
            let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", "s"), (var, value)])).unwrap_err();
            assert!(matches!(&err, AuthConfigError::InvalidValue { var: v, .. } if *v == var), "{var}={value}: {err}");
        }
    }

    #[test]
    fn from_env_reads_the_secret_file() {
        let dir = std::env::temp_dir().join(format!("wsadm-auth-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, "file-secret\r\n\n").unwrap();
        let path = file.to_string_lossy().into_owned();
        let config = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", &path)])).unwrap();
        assert_eq!(config.hs256_secret.as_deref(), Some(&b"file-secret"[..]));

        std::fs::write(&file, "\n").unwrap();
        let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", &path)])).unwrap_err();
        assert!(matches!(err, AuthConfigError::EmptySecret("WSADM_JWT_SECRET_FILE")));

        let missing = dir.join("missing").to_string_lossy().into_owned();
        let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", &missing)])).unwrap_err();
        assert!(matches!(err, AuthConfigError::SecretFile { .. }));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // ---- JWKS over HTTP ----

    /// A clock the test moves by hand.
    struct TestClock {
        start: Instant,
        offset: Mutex<Duration>,
    }

    impl TestClock {
        fn new() -> Arc<TestClock> {
            Arc::new(TestClock { start: Instant::now(), offset: Mutex::new(Duration::ZERO) })
        }
        fn advance(&self, secs: u64) {
            *self.offset.lock().unwrap() += Duration::from_secs(secs);
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Instant {
            self.start + *self.offset.lock().unwrap()
        }
    }

    /// A one-route HTTP/1.1 server on 127.0.0.1 answering every request with `status` and `body`.
    struct JwksServer {
        url: String,
        hits: Arc<AtomicU64>,
        response: Arc<Mutex<(u16, String)>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl JwksServer {
        async fn start(body: &str) -> JwksServer {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/.well-known/jwks.json", listener.local_addr().unwrap());
            let hits = Arc::new(AtomicU64::new(0));
            let response = Arc::new(Mutex::new((200, body.to_owned())));
            let (task_hits, task_response) = (hits.clone(), response.clone());
            let task = tokio::spawn(async move {
                while let Ok((mut socket, _)) = listener.accept().await {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    task_hits.fetch_add(1, Ordering::SeqCst);
                    let (status, body) = task_response.lock().unwrap().clone();
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            });
            JwksServer { url, hits, response, task }
        }

        fn hits(&self) -> u64 {
            self.hits.load(Ordering::SeqCst)
        }

        fn respond(&self, status: u16, body: &str) {
            *self.response.lock().unwrap() = (status, body.to_owned());
        }
    }

    impl Drop for JwksServer {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    #[tokio::test]
    async fn jwks_url_is_cached_refreshed_after_ttl_and_refetched_for_unknown_kids_at_most_every_30s() {
        let server = JwksServer::start(JWKS).await;
        let clock = TestClock::new();
        let authorizer = Authorizer::with_clock(jwks_config(JwksSource::Url(server.url.clone())), clock.clone());
        let cache = authorizer.jwks_cache().unwrap();
        let claims = json!({ "sub": "user-3", "exp": now() + 3600 });
        let rsa = bearer_event(&rs256(Some("rsa-1"), RSA_PRIVATE, &claims));
        let ec = bearer_event(&es256(Some("ec-1"), &claims));
        let rotated = bearer_event(&rs256(Some("rsa-2"), RSA2_PRIVATE, &claims));

        // Many authorizations, one fetch.
        for _ in 0..5 {
            assert!(authorizer.authorize(&rsa).await.is_ok());
            assert!(authorizer.authorize(&ec).await.is_ok());
        }
        assert_eq!((cache.fetch_count(), server.hits()), (1, 1));

        // Within the TTL nothing is fetched; once it has passed, the set is fetched again.
        clock.advance(599);
        assert!(authorizer.authorize(&rsa).await.is_ok());
        assert_eq!((cache.fetch_count(), server.hits()), (1, 1));
        clock.advance(1);
        assert!(authorizer.authorize(&rsa).await.is_ok());
        assert_eq!((cache.fetch_count(), server.hits()), (2, 2));

        // An unknown kid right after a fetch does not refetch; after 30 s it does, once.
        assert_eq!(authorizer.authorize(&rotated).await, Err(Rejection::UnknownKid));
        assert_eq!(server.hits(), 2);
        clock.advance(30);
        for _ in 0..5 {
            assert_eq!(authorizer.authorize(&rotated).await, Err(Rejection::UnknownKid));
        }
        assert_eq!((cache.fetch_count(), server.hits()), (3, 3));
        clock.advance(29);
        assert_eq!(authorizer.authorize(&rotated).await, Err(Rejection::UnknownKid));
        assert_eq!(server.hits(), 3);

        // The key is rotated in: the next allowed refetch picks it up.
        server.respond(200, JWKS_ROTATED);
        clock.advance(1);
        assert!(authorizer.authorize(&rotated).await.is_ok());
        assert_eq!((cache.fetch_count(), server.hits()), (4, 4));
        assert!(authorizer.authorize(&rotated).await.is_ok());
        assert_eq!(server.hits(), 4);
    }

    #[tokio::test]
    async fn jwks_fetch_failure_keeps_the_cached_set() {
        let server = JwksServer::start(JWKS).await;
        let clock = TestClock::new();
        let config =
            AuthConfig { jwks_ttl: Duration::from_secs(60), ..jwks_config(JwksSource::Url(server.url.clone())) };
        let authorizer = Authorizer::with_clock(config, clock.clone());
        let cache = authorizer.jwks_cache().unwrap();
        let rsa = bearer_event(&rs256(Some("rsa-1"), RSA_PRIVATE, &json!({ "sub": "u", "exp": now() + 3600 })));
        assert!(authorizer.authorize(&rsa).await.is_ok());

        for (status, body) in [(500, "oops"), (200, "not json")] {
            server.respond(status, body);
            clock.advance(61);
            let before = server.hits();
            assert!(authorizer.authorize(&rsa).await.is_ok(), "HTTP {status}");
            assert_eq!(server.hits(), before + 1);
            // A failed refresh is retried only after the back-off, not on every request.
            clock.advance(10);
            assert!(authorizer.authorize(&rsa).await.is_ok());
            assert_eq!(server.hits(), before + 1);
        }
        assert_eq!(cache.fetch_count(), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_fetch() {
        let server = JwksServer::start(JWKS).await;
        let authorizer = Arc::new(Authorizer::new(jwks_config(JwksSource::Url(server.url.clone()))));
        let token = rs256(Some("rsa-1"), RSA_PRIVATE, &json!({ "sub": "u", "exp": now() + 3600 }));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (authorizer, req) = (authorizer.clone(), bearer_event(&token));
                tokio::spawn(async move { authorizer.authorize(&req).await })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap().is_ok());
        }
        assert_eq!(server.hits(), 1);
        assert_eq!(authorizer.jwks_cache().unwrap().fetch_count(), 1);
    }

    #[tokio::test]
    async fn unreachable_jwks_without_a_cached_set_is_jwks_unavailable() {
        // A port that was just free: nothing listens there.
        let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/jwks.json");
        let authorizer = Authorizer::new(jwks_config(JwksSource::Url(url)));
        let token = rs256(Some("rsa-1"), RSA_PRIVATE, &json!({ "sub": "u", "exp": now() + 3600 }));
        assert_eq!(authorizer.authorize(&bearer_event(&token)).await, Err(Rejection::JwksUnavailable));

        let missing = Authorizer::new(jwks_config(JwksSource::File("/nonexistent/jwks.json".into())));
        assert_eq!(missing.authorize(&bearer_event(&token)).await, Err(Rejection::JwksUnavailable));
    }
}
