//! Token verification: the header read first (size, `alg`, `kid`, `crit`, `typ`), the key chosen
//! by the configured key source for that algorithm, the signature checked with jsonwebtoken's
//! crypto, and only then the payload parsed and its claims checked ([`ClaimRules`]).

use std::sync::Arc;

use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{Map, Value};

use super::claims::{Allowed, ClaimRules};
use super::config::{AuthConfig, AuthConfigError};
use super::jwks::JwksCache;
use super::rejection::Rejection;
use super::secret::{HmacKeys, SecretCache, SecretError};
use crate::ports::Clock;

/// The longest token read. Real tokens are well under 2 KiB; API Gateway allows 10 KiB of headers.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Where the HS256 keys come from.
enum HmacSource {
    Static(Arc<HmacKeys>),
    SecretsManager(SecretCache),
}

/// Checks a token's signature and claims, with the keys and rules of an [`AuthConfig`].
pub(super) struct Verifier {
    hmac: Option<HmacSource>,
    jwks: Option<JwksCache>,
    typ: Option<String>,
    rules: ClaimRules,
    clock: Arc<dyn Clock>,
}

impl Verifier {
    /// Refuses a configuration that breaks the rules of [`AuthConfig::validate`]; `sdk` is needed
    /// when the secret is in Secrets Manager.
    pub(super) fn new(
        config: AuthConfig,
        sdk: Option<&aws_config::SdkConfig>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AuthConfigError> {
        config.validate()?;
        let hmac = match (&config.hs256_secret, &config.secret_arn, sdk) {
            (Some(secret), _, _) => Some(HmacSource::Static(Arc::new(HmacKeys::single(secret)))),
            (None, Some(arn), Some(sdk)) => {
                Some(HmacSource::SecretsManager(SecretCache::new(arn.clone(), config.secret_ttl, sdk, clock.clone())))
            }
            (None, Some(_), None) => return Err(AuthConfigError::SecretsManagerWithoutAws),
            (None, None, _) => None,
        };
        let jwks = config
            .jwks
            .clone()
            .map(|source| JwksCache::new(source, config.jwks_ttl, config.jwks_max_age, clock.clone()));
        Ok(Verifier { hmac, jwks, typ: config.typ.clone(), rules: ClaimRules::new(&config), clock })
    }

    pub(super) fn jwks_cache(&self) -> Option<&JwksCache> {
        self.jwks.as_ref()
    }

    pub(super) fn secret_cache(&self) -> Option<&SecretCache> {
        match &self.hmac {
            Some(HmacSource::SecretsManager(cache)) => Some(cache),
            _ => None,
        }
    }

    /// Loads the key material read at cold start (the Secrets Manager secret), if any.
    pub(super) async fn warm_up(&self) -> Result<(), SecretError> {
        match self.secret_cache() {
            Some(cache) => cache.load().await,
            None => Ok(()),
        }
    }

    pub(super) async fn verify(&self, token: &str) -> Result<Allowed, Rejection> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Rejection::TooLarge);
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejection::Malformed);
        };
        let header = Header::parse(header)?;
        // The algorithm is fixed by the key source: HS256 only with a secret, RS256/ES256 only with a JWKS.
        let alg = match header.alg.as_str() {
            "HS256" if self.hmac.is_some() => Algorithm::HS256,
            "RS256" if self.jwks.is_some() => Algorithm::RS256,
            "ES256" if self.jwks.is_some() => Algorithm::ES256,
            _ => return Err(Rejection::AlgorithmNotAllowed),
        };
        if header.crit {
            return Err(Rejection::CritHeader);
        }
        if let Some(expected) = &self.typ {
            if !header.typ.as_deref().is_some_and(|typ| same_media_type(typ, expected)) {
                return Err(Rejection::WrongType);
            }
        }
        // `header.payload` is what the signature covers.
        let message = token.rsplit_once('.').map_or(token, |(message, _)| message);
        let now = self.clock.now_ms();
        let verified = match (&self.hmac, &self.jwks, alg) {
            (Some(HmacSource::Static(keys)), _, Algorithm::HS256) => {
                check_any(keys.valid_at(now), signature, message, alg)?
            }
            (Some(HmacSource::SecretsManager(cache)), _, Algorithm::HS256) => {
                let keys = cache.keys().await?;
                check_any(keys.valid_at(now), signature, message, alg)?
            }
            (_, Some(jwks), _) => {
                let key = jwks.key_for(header.kid.as_deref(), alg).await?;
                check_any(std::iter::once(&key), signature, message, alg)?
            }
            _ => false,
        };
        if !verified {
            return Err(Rejection::BadSignature);
        }
        let claims = base64url_decode(payload).ok_or(Rejection::Malformed)?;
        let claims: Map<String, Value> = serde_json::from_slice(&claims).map_err(|_| Rejection::Malformed)?;
        self.rules.check(&claims, now)
    }
}

/// Whether any of `keys` verifies `signature` over `message`.
fn check_any<'k>(
    keys: impl Iterator<Item = &'k DecodingKey>,
    signature: &str,
    message: &str,
    alg: Algorithm,
) -> Result<bool, Rejection> {
    for key in keys {
        match jsonwebtoken::crypto::verify(signature, message.as_bytes(), key, alg) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(error) => {
                return Err(match error.kind() {
                    jsonwebtoken::errors::ErrorKind::Base64(_) => Rejection::Malformed,
                    // A key that cannot verify anything: the signature cannot be trusted.
                    _ => Rejection::BadSignature,
                });
            }
        }
    }
    Ok(false)
}

/// `typ` values compare case-insensitively, and `application/` may be left out (RFC 7515 §4.1.9).
fn same_media_type(a: &str, b: &str) -> bool {
    fn bare(value: &str) -> &str {
        let value = value.trim();
        match value.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &value[12..],
            _ => value,
        }
    }
    bare(a).eq_ignore_ascii_case(bare(b))
}

/// The JOSE header fields the verifier looks at, read before any key is chosen (jsonwebtoken's
/// own parser fails on algorithms it does not know, such as `none`, which we report as
/// `algorithm_not_allowed`).
struct Header {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
    crit: bool,
}

impl Header {
    fn parse(encoded: &str) -> Result<Header, Rejection> {
        let json = base64url_decode(encoded).ok_or(Rejection::Malformed)?;
        let fields: Map<String, Value> = serde_json::from_slice(&json).map_err(|_| Rejection::Malformed)?;
        let string = |name: &str| match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => Ok(Some(value.clone())),
            Some(_) => Err(Rejection::Malformed),
        };
        Ok(Header {
            alg: string("alg")?.ok_or(Rejection::Malformed)?,
            kid: string("kid")?,
            typ: string("typ")?,
            crit: fields.contains_key("crit"),
        })
    }
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

#[cfg(test)]
mod tests {
    use jsonwebtoken::EncodingKey;
    use serde_json::json;

    use super::*;
    use crate::auth::test_support::*;
    use crate::auth::{AuthConfig, Authorizer, JwksCache, JwksSource};

    #[tokio::test]
    async fn hs256_token_is_accepted_with_user_id_and_scalar_context_claims() {
        let authorizer = Authorizer::new(hs256_config()).unwrap();
        let token = hs256(&claims(json!({ "admin": true, "level": 3, "groups": ["a", "b"], "userId": "forged" })));
        let allowed = authorizer.authorize(&bearer_event(&token)).await.unwrap();
        assert_eq!(allowed.user_id, "user-1");
        let expected = json!({ "userId": "user-1", "email": "u1@example.com", "admin": true, "level": 3 });
        assert_eq!(Value::Object(allowed.context), expected);
    }

    #[tokio::test]
    async fn user_claim_is_configurable() {
        let authorizer = Authorizer::new(AuthConfig { user_claim: "uid".into(), ..hs256_config() }).unwrap();
        let allowed = authorizer.authorize(&bearer_event(&hs256(&claims(json!({ "uid": "u-42" }))))).await.unwrap();
        assert_eq!(allowed.user_id, "u-42");
        // `sub` alone is not enough once another claim is configured.
        let token = hs256(&claims(json!({})));
        assert_eq!(authorizer.authorize(&bearer_event(&token)).await, Err(Rejection::MissingUserClaim));
    }

    #[tokio::test]
    async fn leeway_tolerates_small_clock_skew() {
        let authorizer = Authorizer::new(hs256_config()).unwrap();
        let token = hs256(&claims(json!({ "exp": now() - 10, "nbf": now() + 10, "iat": now() + 10 })));
        assert!(authorizer.authorize(&bearer_event(&token)).await.is_ok());
        let strict = Authorizer::new(AuthConfig { leeway_secs: 0, ..hs256_config() }).unwrap();
        assert_eq!(strict.authorize(&bearer_event(&token)).await, Err(Rejection::Expired));
    }

    #[tokio::test]
    async fn with_hs256_and_no_configured_iss_and_aud_they_are_not_checked() {
        let config = AuthConfig { hs256_secret: Some(SECRET.to_vec()), ..AuthConfig::default() };
        let authorizer = Authorizer::new(config).unwrap();
        let token = hs256(&json!({ "sub": "u", "exp": now() + 60, "iss": "anyone", "aud": ["x", "y"] }));
        assert!(authorizer.authorize(&bearer_event(&token)).await.is_ok());
    }

    #[tokio::test]
    async fn jwks_file_accepts_rs256_and_es256() {
        let authorizer = Authorizer::new(jwks_config(JwksSource::File(JWKS_PATH.into()))).unwrap();
        let claims = claims(json!({ "sub": "user-2" }));
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
    async fn typ_is_checked_only_when_configured() {
        let at_jwt = |typ: Option<&str>| {
            let mut header = jsonwebtoken::Header::new(Algorithm::HS256);
            header.typ = typ.map(str::to_owned);
            jsonwebtoken::encode(&header, &claims(json!({})), &EncodingKey::from_secret(SECRET)).unwrap()
        };
        let open = Authorizer::new(hs256_config()).unwrap();
        let strict = Authorizer::new(AuthConfig { typ: Some("at+jwt".into()), ..hs256_config() }).unwrap();
        for (typ, strict_ok) in [
            (Some("at+jwt"), true),
            (Some("AT+JWT"), true),
            (Some("application/at+jwt"), true),
            (Some("JWT"), false),
            (Some("application/jwt"), false),
            (None, false),
        ] {
            let req = bearer_event(&at_jwt(typ));
            assert!(open.authorize(&req).await.is_ok(), "{typ:?}");
            let expected = if strict_ok { Ok(()) } else { Err(Rejection::WrongType) };
            assert_eq!(strict.authorize(&req).await.map(|_| ()), expected, "{typ:?}");
        }
        assert!(same_media_type("JWT", "application/JWT") && !same_media_type("jwt", "at+jwt"));
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
        let json = json!({ "alg": "HS256", "x": "ü~?" });
        assert_eq!(base64url_decode(&b64(&json)).unwrap(), json.to_string().into_bytes());
    }
}
