//! The authorizer's configuration, read from the function's environment (the variables are
//! listed in the [`auth`](super) module docs).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

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
pub(super) const MAX_LEEWAY_SECS: u64 = 3600;
const DEFAULT_USER_CLAIM: &str = "sub";
const DEFAULT_JWKS_TTL: Duration = Duration::from_secs(600);

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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

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
}
