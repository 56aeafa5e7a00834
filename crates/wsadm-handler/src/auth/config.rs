//! The authorizer's configuration, read from the function's environment (the variables are
//! listed in the [`auth`](super) module docs).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

const VAR_SECRET: &str = "WSADM_JWT_SECRET";
const VAR_SECRET_FILE: &str = "WSADM_JWT_SECRET_FILE";
const VAR_SECRET_ARN: &str = "WSADM_JWT_SECRET_ARN";
const VAR_SECRET_TTL: &str = "WSADM_JWT_SECRET_TTL_SECS";
const VAR_JWKS_URL: &str = "WSADM_JWKS_URL";
const VAR_JWKS_FILE: &str = "WSADM_JWKS_FILE";
const VAR_ISSUER: &str = "WSADM_JWT_ISSUER";
const VAR_AUDIENCE: &str = "WSADM_JWT_AUDIENCE";
const VAR_TYP: &str = "WSADM_JWT_TYP";
const VAR_MAX_AGE: &str = "WSADM_JWT_MAX_AGE_SECS";
const VAR_LEEWAY: &str = "WSADM_JWT_LEEWAY_SECS";
const VAR_USER_CLAIM: &str = "WSADM_JWT_USER_CLAIM";
const VAR_CONTEXT_CLAIMS: &str = "WSADM_JWT_CONTEXT_CLAIMS";
const VAR_ROOMS_CLAIM: &str = "WSADM_ROOMS_CLAIM";
const VAR_JWKS_TTL: &str = "WSADM_JWKS_TTL_SECS";
const VAR_JWKS_MAX_AGE: &str = "WSADM_JWKS_MAX_AGE_SECS";

/// The shortest HS256 secret accepted: 256 bits, as RFC 7518 §3.2 requires of an HMAC SHA-256 key.
pub const MIN_SECRET_BYTES: usize = 32;
const DEFAULT_LEEWAY_SECS: u64 = 30;
/// The claim checks compute `now ± leeway`; a bound keeps that meaningful.
pub(super) const MAX_LEEWAY_SECS: u64 = 3600;
const DEFAULT_USER_CLAIM: &str = "sub";
const DEFAULT_ROOMS_CLAIM: &str = "rooms";
const DEFAULT_JWKS_TTL: Duration = Duration::from_secs(600);
const DEFAULT_JWKS_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
const DEFAULT_SECRET_TTL: Duration = Duration::from_secs(300);
/// Upper bound of the TTL and age settings: long enough for any sane use, small enough for
/// millisecond arithmetic.
const MAX_CACHE_SECS: u64 = 30 * 24 * 3600;
const MAX_TOKEN_AGE_SECS: u64 = 10 * 365 * 24 * 3600;

/// Where RS256/ES256 verification keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    Url(String),
    File(PathBuf),
}

/// The authorizer's settings; [`AuthConfig::from_env`] reads them from the variables in the module docs.
///
/// Built by hand, `hs256_secret` (or `secret_arn`) and `jwks` may both be set: HS256 tokens then
/// use the secret and RS256/ES256 tokens the JWKS (never the other way round). With no key
/// source every token is refused. [`AuthConfig::validate`] (run by the authorizer when it is
/// built) applies the same rules as `from_env`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// HS256 secret given directly (`WSADM_JWT_SECRET`, `WSADM_JWT_SECRET_FILE`).
    pub hs256_secret: Option<Vec<u8>>,
    /// Secrets Manager secret (ARN or name) holding the HS256 secret as JSON.
    pub secret_arn: Option<String>,
    /// How long a secret read from Secrets Manager is used before it is read again.
    pub secret_ttl: Duration,
    pub jwks: Option<JwksSource>,
    /// Required `iss` (required in JWKS mode).
    pub issuer: Option<String>,
    /// Accepted audiences: the token's `aud` must contain one (required in JWKS mode; empty = not checked).
    pub audience: Vec<String>,
    /// Required header `typ` (case-insensitive; an `application/` prefix is ignored).
    pub typ: Option<String>,
    /// Oldest token accepted, by `iat` (which is then required).
    pub max_age: Option<Duration>,
    pub leeway_secs: u64,
    pub user_claim: String,
    pub context_claims: Vec<String>,
    /// Claim copied into the authorizer context as `rooms` (comma-joined).
    pub rooms_claim: String,
    pub jwks_ttl: Duration,
    /// A key set older than this is no longer trusted when it cannot be refreshed.
    pub jwks_max_age: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            hs256_secret: None,
            secret_arn: None,
            secret_ttl: DEFAULT_SECRET_TTL,
            jwks: None,
            issuer: None,
            audience: Vec::new(),
            typ: None,
            max_age: None,
            leeway_secs: DEFAULT_LEEWAY_SECS,
            user_claim: DEFAULT_USER_CLAIM.to_owned(),
            context_claims: Vec::new(),
            rooms_claim: DEFAULT_ROOMS_CLAIM.to_owned(),
            jwks_ttl: DEFAULT_JWKS_TTL,
            jwks_max_age: DEFAULT_JWKS_MAX_AGE,
        }
    }
}

// Hand-written so the secret never reaches a log line through `{:?}`.
impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("hs256_secret", &self.hs256_secret.as_ref().map(|_| "<redacted>"))
            .field("secret_arn", &self.secret_arn)
            .field("secret_ttl", &self.secret_ttl)
            .field("jwks", &self.jwks)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("typ", &self.typ)
            .field("max_age", &self.max_age)
            .field("leeway_secs", &self.leeway_secs)
            .field("user_claim", &self.user_claim)
            .field("context_claims", &self.context_claims)
            .field("rooms_claim", &self.rooms_claim)
            .field("jwks_ttl", &self.jwks_ttl)
            .field("jwks_max_age", &self.jwks_max_age)
            .finish()
    }
}

/// A configuration the authorizer refuses to start with; every message names the variable and
/// says what to set.
#[derive(Debug, thiserror::Error)]
pub enum AuthConfigError {
    #[error(
        "no JWT key configured: set exactly one of {VAR_SECRET_ARN}, {VAR_SECRET}, {VAR_SECRET_FILE}, {VAR_JWKS_URL} or {VAR_JWKS_FILE}"
    )]
    NoKeySource,
    #[error(
        "{} are all set, but exactly one of {VAR_SECRET_ARN}, {VAR_SECRET}, {VAR_SECRET_FILE}, {VAR_JWKS_URL} or {VAR_JWKS_FILE} is allowed",
        .0.join(", ")
    )]
    ConflictingKeySources(Vec<&'static str>),
    #[error("cannot read the JWT secret file {} ({VAR_SECRET_FILE})", .path.display())]
    SecretFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the HS256 secret from {from} is {len} bytes, but at least {MIN_SECRET_BYTES} are required (RFC 7518 §3.2); \
         generate one with `openssl rand -base64 48`"
    )]
    ShortSecret { from: String, len: usize },
    #[error(
        "{key_source} is set but {VAR_ISSUER} is not: with a JWKS the issuer must be checked, or tokens the identity \
         provider issued for other applications would be accepted; set {VAR_ISSUER} to the `iss` of your tokens"
    )]
    JwksWithoutIssuer { key_source: &'static str },
    #[error(
        "{key_source} is set but {VAR_AUDIENCE} is not: with a JWKS the audience must be checked, or tokens the identity \
         provider issued for other applications would be accepted; set {VAR_AUDIENCE} to this API's audience \
         (a comma-separated list is allowed)"
    )]
    JwksWithoutAudience { key_source: &'static str },
    #[error("{VAR_JWKS_URL} must use https:// (http:// is allowed only for 127.0.0.1, [::1] and localhost): {0}")]
    InsecureJwksUrl(String),
    #[error("{VAR_JWKS_URL} is not a valid URL: {0}")]
    InvalidJwksUrl(String),
    #[error("{var} must be {expected}, got {value:?}")]
    InvalidValue { var: &'static str, value: String, expected: &'static str },
    #[error(
        "{VAR_JWKS_MAX_AGE} ({max_age}s) is shorter than {VAR_JWKS_TTL} ({ttl}s): a key set would be distrusted before \
         it is refreshed; set {VAR_JWKS_MAX_AGE} to at least {ttl}"
    )]
    JwksMaxAgeBelowTtl { max_age: u64, ttl: u64 },
    #[error(
        "the Secrets Manager secret {secret} ({VAR_SECRET_ARN}) is not usable: {problem}; its SecretString must be JSON \
         {{\"current\": \"<at least {MIN_SECRET_BYTES} bytes>\", \"previous\": \"<old secret>\" | null, \
         \"previous_until\": <unix seconds> | null}} (`wsadm provision` writes it)"
    )]
    InvalidSecretValue { secret: String, problem: String },
    #[error("{VAR_SECRET_ARN} is set, but the authorizer was built without AWS access to read it (no SdkConfig)")]
    SecretsManagerWithoutAws,
}

impl AuthConfig {
    /// Reads the configuration through `get` (usually `|name| std::env::var(name).ok()`).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<AuthConfig, AuthConfigError> {
        // An empty value counts as unset, so templates can leave unused variables blank.
        let var = |name: &str| get(name).filter(|value| !value.trim().is_empty());
        let trimmed = |name: &str| var(name).map(|value| value.trim().to_owned());

        let sources = [VAR_SECRET_ARN, VAR_SECRET, VAR_SECRET_FILE, VAR_JWKS_URL, VAR_JWKS_FILE];
        let set: Vec<&'static str> = sources.into_iter().filter(|name| var(name).is_some()).collect();
        let source = match set.as_slice() {
            [] => return Err(AuthConfigError::NoKeySource),
            [one] => *one,
            _ => return Err(AuthConfigError::ConflictingKeySources(set)),
        };

        let mut config = AuthConfig::default();
        match source {
            VAR_SECRET_ARN => config.secret_arn = trimmed(VAR_SECRET_ARN),
            VAR_SECRET => {
                let secret = var(VAR_SECRET).map(String::into_bytes).unwrap_or_default();
                check_secret(VAR_SECRET, &secret)?;
                config.hs256_secret = Some(secret);
            }
            VAR_SECRET_FILE => {
                let path = PathBuf::from(trimmed(VAR_SECRET_FILE).unwrap_or_default());
                let mut secret = std::fs::read(&path)
                    .map_err(|source| AuthConfigError::SecretFile { path: path.clone(), source })?;
                while secret.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    secret.pop();
                }
                check_secret(&format!("{VAR_SECRET_FILE} ({})", path.display()), &secret)?;
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
        config.audience = var(VAR_AUDIENCE).map(|list| comma_list(&list)).unwrap_or_default();
        if config.jwks.is_some() {
            if config.issuer.is_none() {
                return Err(AuthConfigError::JwksWithoutIssuer { key_source: source });
            }
            if config.audience.is_empty() {
                return Err(AuthConfigError::JwksWithoutAudience { key_source: source });
            }
        }
        config.typ = trimmed(VAR_TYP);
        if let Some(value) = trimmed(VAR_MAX_AGE) {
            let secs = parse_secs(VAR_MAX_AGE, &value, 1, MAX_TOKEN_AGE_SECS, "whole seconds, at least 1")?;
            config.max_age = Some(Duration::from_secs(secs));
        }
        if let Some(value) = trimmed(VAR_LEEWAY) {
            config.leeway_secs = parse_secs(VAR_LEEWAY, &value, 0, MAX_LEEWAY_SECS, "whole seconds from 0 to 3600")?;
        }
        if let Some(claim) = trimmed(VAR_USER_CLAIM) {
            config.user_claim = claim;
        }
        if let Some(list) = var(VAR_CONTEXT_CLAIMS) {
            config.context_claims = comma_list(&list);
        }
        if let Some(claim) = trimmed(VAR_ROOMS_CLAIM) {
            config.rooms_claim = claim;
        }
        let cache_secs = |name: &'static str, min: u64| -> Result<Option<Duration>, AuthConfigError> {
            let expected = if min == 0 {
                "whole seconds up to 2592000 (30 days)"
            } else {
                "whole seconds from 1 to 2592000 (30 days)"
            };
            trimmed(name)
                .map(|value| parse_secs(name, &value, min, MAX_CACHE_SECS, expected).map(Duration::from_secs))
                .transpose()
        };
        if let Some(ttl) = cache_secs(VAR_JWKS_TTL, 0)? {
            config.jwks_ttl = ttl;
        }
        if let Some(max_age) = cache_secs(VAR_JWKS_MAX_AGE, 1)? {
            config.jwks_max_age = max_age;
        }
        if let Some(ttl) = cache_secs(VAR_SECRET_TTL, 1)? {
            config.secret_ttl = ttl;
        }
        config.validate()?;
        Ok(config)
    }

    /// The rules a configuration must meet, however it was built: a directly given HS256 secret
    /// of at least [`MIN_SECRET_BYTES`], issuer and audience with a JWKS, a JWKS max age no
    /// shorter than its TTL.
    pub fn validate(&self) -> Result<(), AuthConfigError> {
        if self.hs256_secret.is_some() && self.secret_arn.is_some() {
            return Err(AuthConfigError::ConflictingKeySources(vec![VAR_SECRET, VAR_SECRET_ARN]));
        }
        if let Some(secret) = &self.hs256_secret {
            check_secret("the configuration", secret)?;
        }
        if self.jwks.is_some() {
            let source = match self.jwks {
                Some(JwksSource::Url(_)) => VAR_JWKS_URL,
                _ => VAR_JWKS_FILE,
            };
            if self.issuer.as_deref().is_none_or(|issuer| issuer.trim().is_empty()) {
                return Err(AuthConfigError::JwksWithoutIssuer { key_source: source });
            }
            if !self.audience.iter().any(|aud| !aud.trim().is_empty()) {
                return Err(AuthConfigError::JwksWithoutAudience { key_source: source });
            }
            if self.jwks_max_age < self.jwks_ttl {
                return Err(AuthConfigError::JwksMaxAgeBelowTtl {
                    max_age: self.jwks_max_age.as_secs(),
                    ttl: self.jwks_ttl.as_secs(),
                });
            }
        }
        if self.leeway_secs > MAX_LEEWAY_SECS {
            let value = self.leeway_secs.to_string();
            return Err(AuthConfigError::InvalidValue { var: VAR_LEEWAY, value, expected: "at most 3600" });
        }
        Ok(())
    }
}

/// Refuses an HS256 secret shorter than [`MIN_SECRET_BYTES`] (an empty one included).
pub(super) fn check_secret(from: &str, secret: &[u8]) -> Result<(), AuthConfigError> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(AuthConfigError::ShortSecret { from: from.to_owned(), len: secret.len() });
    }
    Ok(())
}

fn comma_list(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

fn parse_secs(
    var: &'static str,
    value: &str,
    min: u64,
    max: u64,
    expected: &'static str,
) -> Result<u64, AuthConfigError> {
    value.parse::<u64>().ok().filter(|secs| (min..=max).contains(secs)).ok_or_else(|| AuthConfigError::InvalidValue {
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const S32: &str = "0123456789abcdef0123456789abcdef";

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.get(name).cloned()
    }

    /// A JWKS environment with the required issuer and audience, plus `more`.
    fn jwks_env(
        source: (&'static str, &'static str),
        more: &[(&'static str, &'static str)],
    ) -> Vec<(&'static str, &'static str)> {
        let mut vars = vec![source, ("WSADM_JWT_ISSUER", "https://issuer.example"), ("WSADM_JWT_AUDIENCE", "wsadm")];
        vars.extend_from_slice(more);
        vars
    }

    #[test]
    fn from_env_defaults_and_values() {
        let config = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", S32)])).unwrap();
        assert_eq!(config, AuthConfig { hs256_secret: Some(S32.as_bytes().to_vec()), ..AuthConfig::default() });
        assert_eq!((config.leeway_secs, config.user_claim.as_str(), config.rooms_claim.as_str()), (30, "sub", "rooms"));
        assert_eq!((config.jwks_ttl, config.jwks_max_age), (Duration::from_secs(600), Duration::from_secs(86400)));
        assert_eq!((config.secret_ttl, config.max_age, config.typ.as_deref()), (Duration::from_secs(300), None, None));
        assert!(config.context_claims.is_empty() && config.audience.is_empty());
        assert!(!format!("{config:?}").contains(S32), "Debug must redact the secret");

        let config = AuthConfig::from_env(env(&[
            ("WSADM_JWKS_FILE", "/etc/wsadm/jwks.json"),
            ("WSADM_JWT_SECRET", ""),
            ("WSADM_JWT_ISSUER", "https://issuer.example"),
            ("WSADM_JWT_AUDIENCE", " wsadm , chat,, "),
            ("WSADM_JWT_TYP", "at+jwt"),
            ("WSADM_JWT_MAX_AGE_SECS", "3600"),
            ("WSADM_JWT_LEEWAY_SECS", "5"),
            ("WSADM_JWT_USER_CLAIM", "uid"),
            ("WSADM_JWT_CONTEXT_CLAIMS", "email, admin,,"),
            ("WSADM_ROOMS_CLAIM", "groups"),
            ("WSADM_JWKS_TTL_SECS", "60"),
            ("WSADM_JWKS_MAX_AGE_SECS", "3600"),
        ]))
        .unwrap();
        let expected = AuthConfig {
            jwks: Some(JwksSource::File("/etc/wsadm/jwks.json".into())),
            issuer: Some("https://issuer.example".into()),
            audience: vec!["wsadm".into(), "chat".into()],
            typ: Some("at+jwt".into()),
            max_age: Some(Duration::from_secs(3600)),
            leeway_secs: 5,
            user_claim: "uid".into(),
            context_claims: vec!["email".into(), "admin".into()],
            rooms_claim: "groups".into(),
            jwks_ttl: Duration::from_secs(60),
            jwks_max_age: Duration::from_secs(3600),
            ..AuthConfig::default()
        };
        assert_eq!(config, expected);

        let config = AuthConfig::from_env(env(&[
            (
                "WSADM_JWT_SECRET_ARN",
                " arn:aws:secretsmanager:eu-west-1:123456789012:secret:wsadm/chat/jwt-secret-AbCdEf ",
            ),
            ("WSADM_JWT_SECRET_TTL_SECS", "60"),
        ]))
        .unwrap();
        let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:wsadm/chat/jwt-secret-AbCdEf";
        assert_eq!((config.secret_arn.as_deref(), config.secret_ttl), (Some(arn), Duration::from_secs(60)));
        assert_eq!(config.hs256_secret, None);
    }

    #[test]
    fn from_env_requires_exactly_one_key_source() {
        assert!(matches!(AuthConfig::from_env(env(&[])), Err(AuthConfigError::NoKeySource)));
        assert!(matches!(AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", "  ")])), Err(AuthConfigError::NoKeySource)));
        let err = AuthConfig::from_env(env(&[
            ("WSADM_JWT_SECRET", S32),
            ("WSADM_JWKS_URL", "https://issuer.example/jwks.json"),
        ]))
        .unwrap_err();
        assert!(
            matches!(&err, AuthConfigError::ConflictingKeySources(set) if set == &["WSADM_JWT_SECRET", "WSADM_JWKS_URL"])
        );
        assert!(err.to_string().contains("exactly one of WSADM_JWT_SECRET_ARN"), "{err}");
        let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", "/x"), ("WSADM_JWKS_FILE", "/y")])).unwrap_err();
        assert!(matches!(err, AuthConfigError::ConflictingKeySources(set) if set.len() == 2));
        let err =
            AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_ARN", "wsadm/chat/jwt-secret"), ("WSADM_JWT_SECRET", S32)]))
                .unwrap_err();
        assert!(
            matches!(&err, AuthConfigError::ConflictingKeySources(set) if set == &["WSADM_JWT_SECRET_ARN", "WSADM_JWT_SECRET"])
        );
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
            let config = AuthConfig::from_env(env(&jwks_env(("WSADM_JWKS_URL", url), &[])));
            assert_eq!(config.unwrap().jwks, Some(JwksSource::Url(url.into())), "{url}");
        }
        for url in [
            "http://issuer.example/jwks.json",
            "http://127.0.0.1@evil.example/jwks.json",
            "http://127.0.0.1.evil.example/jwks.json",
            "ftp://issuer.example/jwks.json",
        ] {
            let err = AuthConfig::from_env(env(&jwks_env(("WSADM_JWKS_URL", url), &[]))).unwrap_err();
            assert!(matches!(err, AuthConfigError::InsecureJwksUrl(_)), "{url}: {err}");
        }
        for url in ["not a url", "https://", "issuer.example/jwks.json"] {
            let err = AuthConfig::from_env(env(&jwks_env(("WSADM_JWKS_URL", url), &[]))).unwrap_err();
            assert!(matches!(err, AuthConfigError::InvalidJwksUrl(_)), "{url}: {err}");
        }
    }

    #[test]
    fn jwks_without_issuer_or_audience_is_refused_with_what_to_set() {
        for source in [("WSADM_JWKS_URL", "https://idp.example/jwks.json"), ("WSADM_JWKS_FILE", "/etc/jwks.json")] {
            let cases = [
                (vec![source, ("WSADM_JWT_AUDIENCE", "wsadm")], "WSADM_JWT_ISSUER"),
                (vec![source, ("WSADM_JWT_ISSUER", " "), ("WSADM_JWT_AUDIENCE", "wsadm")], "WSADM_JWT_ISSUER"),
                (vec![source, ("WSADM_JWT_ISSUER", "https://idp.example")], "WSADM_JWT_AUDIENCE"),
                (
                    vec![source, ("WSADM_JWT_ISSUER", "https://idp.example"), ("WSADM_JWT_AUDIENCE", " , ")],
                    "WSADM_JWT_AUDIENCE",
                ),
                (vec![source], "WSADM_JWT_ISSUER"),
            ];
            for (vars, missing) in cases {
                let err = AuthConfig::from_env(env(&vars)).unwrap_err();
                let message = err.to_string();
                assert!(
                    matches!(
                        err,
                        AuthConfigError::JwksWithoutIssuer { .. } | AuthConfigError::JwksWithoutAudience { .. }
                    ),
                    "{vars:?}: {message}"
                );
                assert!(message.contains(&format!("{} is set but {missing} is not", source.0)), "{message}");
                assert!(message.contains(&format!("set {missing} to")), "{message}");
            }
        }
        // Built by hand, the same rule holds.
        let config = AuthConfig { jwks: Some(JwksSource::File("/x".into())), ..AuthConfig::default() };
        assert!(matches!(config.validate(), Err(AuthConfigError::JwksWithoutIssuer { key_source: "WSADM_JWKS_FILE" })));
        let config = AuthConfig { issuer: Some("i".into()), audience: vec![" ".into()], ..config };
        assert!(matches!(config.validate(), Err(AuthConfigError::JwksWithoutAudience { .. })));
    }

    #[test]
    fn short_secrets_are_refused_wherever_they_come_from() {
        let short = "0123456789abcdef0123456789abcde"; // 31 bytes
        let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", short)])).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, AuthConfigError::ShortSecret { len: 31, .. }), "{message}");
        assert!(message.contains("WSADM_JWT_SECRET is 31 bytes") && message.contains("at least 32"), "{message}");
        assert!(message.contains("openssl rand"), "the hint: {message}");
        assert!(!message.contains(short), "the secret leaked: {message}");
        // Spaces count as set (and are part of the secret): not trimmed, not padded.
        let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", " short ")])).unwrap_err();
        assert!(matches!(err, AuthConfigError::ShortSecret { len: 7, .. }), "{err}");

        // Built by hand: an empty or short secret never reaches a verifier.
        for secret in [Vec::new(), b"x".to_vec(), short.as_bytes().to_vec()] {
            let config = AuthConfig { hs256_secret: Some(secret.clone()), ..AuthConfig::default() };
            let err = config.validate().unwrap_err();
            assert!(matches!(err, AuthConfigError::ShortSecret { len, .. } if len == secret.len()), "{err}");
        }
        let both = AuthConfig {
            hs256_secret: Some(S32.into()),
            secret_arn: Some("wsadm/chat/jwt-secret".into()),
            ..AuthConfig::default()
        };
        assert!(matches!(both.validate(), Err(AuthConfigError::ConflictingKeySources(_))));
    }

    #[test]
    fn from_env_rejects_bad_numbers() {
        for (var, value) in [
            ("WSADM_JWT_LEEWAY_SECS", "abc"),
            ("WSADM_JWT_LEEWAY_SECS", "-1"),
            ("WSADM_JWT_LEEWAY_SECS", "3601"),
            ("WSADM_JWKS_TTL_SECS", "10m"),
            ("WSADM_JWKS_TTL_SECS", "2592001"),
            ("WSADM_JWKS_MAX_AGE_SECS", "0"),
            ("WSADM_JWT_SECRET_TTL_SECS", "0"),
            ("WSADM_JWT_SECRET_TTL_SECS", "5m"),
            ("WSADM_JWT_MAX_AGE_SECS", "0"),
            ("WSADM_JWT_MAX_AGE_SECS", "1h"),
        ] {
            let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET", S32), (var, value)])).unwrap_err();
            assert!(matches!(&err, AuthConfigError::InvalidValue { var: v, .. } if *v == var), "{var}={value}: {err}");
            assert!(err.to_string().starts_with(var), "{err}");
        }
        let vars = jwks_env(
            ("WSADM_JWKS_FILE", "/x"),
            &[("WSADM_JWKS_TTL_SECS", "7200"), ("WSADM_JWKS_MAX_AGE_SECS", "3600")],
        );
        let err = AuthConfig::from_env(env(&vars)).unwrap_err();
        assert!(matches!(err, AuthConfigError::JwksMaxAgeBelowTtl { max_age: 3600, ttl: 7200 }), "{err}");
    }

    #[test]
    fn from_env_reads_the_secret_file() {
        let dir = std::env::temp_dir().join(format!("wsadm-auth-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("secret");
        std::fs::write(&file, format!("{S32}\r\n\n")).unwrap();
        let path = file.to_string_lossy().into_owned();
        let config = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", &path)])).unwrap();
        assert_eq!(config.hs256_secret.as_deref(), Some(S32.as_bytes()));

        for (content, len) in [("\n", 0), ("file-secret\n", 11)] {
            std::fs::write(&file, content).unwrap();
            let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", &path)])).unwrap_err();
            assert!(matches!(err, AuthConfigError::ShortSecret { len: l, .. } if l == len), "{err}");
            assert!(err.to_string().contains(&path), "names the file: {err}");
        }

        let missing = dir.join("missing").to_string_lossy().into_owned();
        let err = AuthConfig::from_env(env(&[("WSADM_JWT_SECRET_FILE", &missing)])).unwrap_err();
        assert!(matches!(err, AuthConfigError::SecretFile { .. }));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
