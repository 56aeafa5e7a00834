//! The `$connect` REQUEST authorizer: a JWT taken from the `Authorization: Bearer <token>` header
//! or, because browsers cannot set headers on a WebSocket handshake, from the `token` query-string
//! parameter. Tokens are HS256 with a shared secret, or RS256/ES256 with keys from a JWKS; the
//! algorithm is fixed by the key source, never by the token (RFC 8725 §3.1).
//!
//! Configuration (environment of the authorizer function):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `WSADM_JWT_SECRET_ARN` | Secrets Manager secret (ARN or name) holding the HS256 secret as JSON `{"current", "previous", "previous_until"}` (see the `secret` module); what `wsadm provision` sets | — |
//! | `WSADM_JWT_SECRET_VERSION` | not read: provision sets it to the secret's current version, so a rotation changes the function's configuration and Lambda starts environments that read the new value at once | — |
//! | `WSADM_JWT_SECRET_TTL_SECS` | how long the secret read from Secrets Manager is used before it is read again (1 to 2592000) | `300` |
//! | `WSADM_JWT_SECRET` | HS256 shared secret, at least 32 bytes (local development) | — |
//! | `WSADM_JWT_SECRET_FILE` | file holding the HS256 secret, at least 32 bytes; trailing newlines are trimmed (local development) | — |
//! | `WSADM_JWKS_URL` | JWKS URL for RS256/ES256 keys; must be `https://` (`http://` only for `127.0.0.1`, `[::1]`, `localhost`) | — |
//! | `WSADM_JWKS_FILE` | local JWKS file for RS256/ES256 keys | — |
//! | `WSADM_JWT_ISSUER` | required `iss` claim; **required with a JWKS** | not checked |
//! | `WSADM_JWT_AUDIENCE` | accepted audiences, comma-separated: the token's `aud` (a string or an array) must contain one; **required with a JWKS** | not checked |
//! | `WSADM_JWT_TYP` | required header `typ`, e.g. `JWT` or `at+jwt` (case-insensitive; `application/` may be omitted) | not checked |
//! | `WSADM_JWT_MAX_AGE_SECS` | oldest token accepted, by `iat` (which is then required) | not checked |
//! | `WSADM_JWT_LEEWAY_SECS` | clock skew tolerated on `exp`, `nbf`, `iat` and the max age, at most 3600 | `30` |
//! | `WSADM_JWT_USER_CLAIM` | claim holding the user id (`principalId`, context `userId`): a non-empty string of at most 256 bytes | `sub` |
//! | `WSADM_JWT_CONTEXT_CLAIMS` | comma-separated claims copied into the authorizer context (string, number and boolean values only; never `userId` or `rooms`) | none |
//! | `WSADM_ROOMS_CLAIM` | claim listing rooms the token grants (an array of strings, or one string of comma/space-separated names), copied into the context as `rooms`, comma-joined | `rooms` |
//! | `WSADM_JWKS_TTL_SECS` | how long a loaded JWKS is used before it is fetched again (0 to 2592000) | `600` |
//! | `WSADM_JWKS_MAX_AGE_SECS` | a JWKS loaded longer ago than this is no longer trusted while it cannot be refreshed (at least the TTL) | `86400` |
//!
//! Exactly one of `WSADM_JWT_SECRET_ARN`, `WSADM_JWT_SECRET`, `WSADM_JWT_SECRET_FILE`,
//! `WSADM_JWKS_URL` and `WSADM_JWKS_FILE` must be set; an empty value counts as unset. The
//! authorizer refuses to start (every `$connect` then fails with a function error, 500) on a
//! configuration error: a secret shorter than 32 bytes (RFC 7518 §3.2), a JWKS without issuer or
//! audience, a bad number. The Secrets Manager secret is read at cold start; when its value is of
//! the wrong shape or too short, every token is refused (`secret_unavailable`) and the log says why.
//!
//! Checks, in order: size (8 KiB), shape, `alg` (HS256 only with a secret, RS256/ES256 only with a
//! JWKS; `none` never), `crit` (any is refused: no extension is understood), `typ` when
//! configured, the key (`kid`; without one, the single key of the algorithm), the signature, then
//! the claims: `exp` required, `nbf` when present, `iat` never in the future, the max age, `iss`,
//! `aud`, the user claim. The rooms claim is filtered, not refused: at most 100 rooms of 1 to 64
//! characters of `[A-Za-z0-9_:.-]` are passed on, the rest dropped and counted in the log.
//!
//! Key sources that fail back off (1 s doubling to 60 s) from the first failure: during an
//! outage of the identity provider or Secrets Manager, connections are answered at once from the
//! cached keys, or refused (`jwks_unavailable`, `secret_unavailable`) when there are none. A JWKS
//! is trusted for at most `WSADM_JWKS_MAX_AGE_SECS` after its last successful fetch; the secret for
//! at most one hour past its TTL. An unknown `kid` refetches the JWKS at most every 30 seconds.
//!
//! Every rejection is logged at WARN with a machine-readable `reason` (see [`Rejection::as_str`]);
//! neither the token nor any secret is ever logged.

mod backoff;
#[cfg(test)]
mod bad_tokens;
mod claims;
mod config;
mod jwks;
mod jwt;
mod policy;
mod rejection;
mod secret;
#[cfg(test)]
mod test_support;

pub use claims::{Allowed, MAX_CLAIMED_ROOMS, MAX_ROOM_NAME_CHARS};
pub use config::{AuthConfig, AuthConfigError, JwksSource, MIN_SECRET_BYTES};
pub use jwks::JwksCache;
pub use jwt::MAX_TOKEN_BYTES;
pub use policy::{allow_response, deny_response};
pub use rejection::Rejection;
pub use secret::{SecretCache, SecretError};

use std::sync::Arc;

use aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest;
use aws_lambda_events::http::header::AUTHORIZATION;

use crate::ports::{Clock, SystemClock};
use jwt::Verifier;

const QUERY_TOKEN: &str = "token";

/// Verifies `$connect` tokens against an [`AuthConfig`].
pub struct Authorizer {
    verifier: Verifier,
}

impl Authorizer {
    /// An authorizer without AWS access: for a secret given directly or a JWKS.
    pub fn new(config: AuthConfig) -> Result<Self, AuthConfigError> {
        Self::with_clock(config, None, Arc::new(SystemClock))
    }

    /// An authorizer that reads a `WSADM_JWT_SECRET_ARN` secret through `sdk` (the function's config).
    pub fn with_sdk(config: AuthConfig, sdk: &aws_config::SdkConfig) -> Result<Self, AuthConfigError> {
        Self::with_clock(config, Some(sdk), Arc::new(SystemClock))
    }

    /// Like [`Authorizer::with_sdk`], with the clock used for token times, cache TTLs and back-off.
    /// Refuses a configuration that breaks the rules of [`AuthConfig::validate`].
    pub fn with_clock(
        config: AuthConfig,
        sdk: Option<&aws_config::SdkConfig>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AuthConfigError> {
        Ok(Authorizer { verifier: Verifier::new(config, sdk, clock)? })
    }

    /// The JWKS cache, when the keys come from a JWKS.
    pub fn jwks_cache(&self) -> Option<&JwksCache> {
        self.verifier.jwks_cache()
    }

    /// The Secrets Manager cache, when the HS256 secret comes from `WSADM_JWT_SECRET_ARN`.
    pub fn secret_cache(&self) -> Option<&SecretCache> {
        self.verifier.secret_cache()
    }

    /// Reads the key material that is loaded at cold start (the Secrets Manager secret) now,
    /// rather than on the first `$connect`. A failure is logged and backs off like any other.
    pub async fn warm_up(&self) -> Result<(), SecretError> {
        self.verifier.warm_up().await
    }

    pub async fn authorize(&self, req: &ApiGatewayCustomAuthorizerRequestTypeRequest) -> Result<Allowed, Rejection> {
        let (result, token_source) = match extract_token(req) {
            Some((token, source)) => (self.verifier.verify(token).await, source),
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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::Mutex;

    use jsonwebtoken::{Algorithm, EncodingKey};
    use serde_json::json;

    use super::*;
    use test_support::*;

    #[tokio::test]
    async fn token_is_read_from_the_header_or_the_query_string() {
        let authorizer = Authorizer::new(hs256_config()).unwrap();
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
    async fn missing_token_is_rejected() {
        let authorizer = Authorizer::new(hs256_config()).unwrap();
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

    #[test]
    fn authorize_future_is_send() {
        // lambda_runtime needs Send futures.
        fn assert_send<T: Send>(_: T) {}
        let authorizer = Authorizer::new(hs256_config()).unwrap();
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

        let authorizer = Authorizer::new(hs256_config()).unwrap();
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
}
