//! Token verification: the key chosen by `alg` and `kid`, then signature and claims checked by
//! jsonwebtoken, and the verified user and context taken from the claims.

use std::sync::Arc;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::config::{AuthConfig, MAX_LEEWAY_SECS};
use super::jwks::{Clock, JwksCache};
use super::rejection::Rejection;

/// A connection the authorizer let through.
#[derive(Debug, Clone, PartialEq)]
pub struct Allowed {
    pub user_id: String,
    /// `userId` plus the configured context claims; scalar values only, as API Gateway requires.
    pub context: Map<String, Value>,
}

/// Checks a token's signature and claims, with the keys and rules of an [`AuthConfig`].
pub(super) struct Verifier {
    hs256_key: Option<DecodingKey>,
    jwks: Option<JwksCache>,
    validation: Validation,
    user_claim: String,
    context_claims: Vec<String>,
}

impl Verifier {
    /// `clock` is the one the JWKS cache uses for its TTL and rate limit.
    pub(super) fn new(config: AuthConfig, clock: Arc<dyn Clock>) -> Self {
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

        Verifier {
            hs256_key: config.hs256_secret.as_deref().map(DecodingKey::from_secret),
            jwks: config.jwks.map(|source| JwksCache::with_clock(source, config.jwks_ttl, clock)),
            validation,
            user_claim: config.user_claim,
            context_claims: config.context_claims,
        }
    }

    pub(super) fn jwks_cache(&self) -> Option<&JwksCache> {
        self.jwks.as_ref()
    }

    pub(super) async fn verify(&self, token: &str) -> Result<Allowed, Rejection> {
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

#[cfg(test)]
mod tests {
    use jsonwebtoken::EncodingKey;
    use serde_json::json;

    use super::*;
    use crate::auth::test_support::*;
    use crate::auth::{AuthConfig, Authorizer, JwksCache, JwksSource};

    /// `{"alg":"none","typ":"JWT"}`
    const NONE_HEADER: &str = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";

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
}
