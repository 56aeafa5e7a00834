//! The HS256 secret kept in AWS Secrets Manager (`WSADM_JWT_SECRET_ARN`), so that no function's
//! environment holds it. Its SecretString is JSON:
//!
//! ```json
//! {"current": "<at least 32 bytes>", "previous": "<old secret>" | null, "previous_until": <unix seconds> | null}
//! ```
//!
//! Tokens verify with `current`, and with `previous` while `now < previous_until` (the rotation
//! grace period). The secret is read with `GetSecretValue` at cold start and cached for the TTL;
//! after that it is read again. When a re-read fails, or finds a value of the wrong shape (the
//! reads back off like the JWKS fetch), the cached value stays in use for at most [`MAX_STALE`]
//! past its TTL, then every token is refused. A value of the wrong shape is a configuration
//! error, logged at ERROR and never partly used. The secret itself is
//! never logged, nor echoed in an error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_secretsmanager::config::timeout::TimeoutConfig;
use aws_sdk_secretsmanager::error::DisplayErrorContext;
use jsonwebtoken::DecodingKey;
use serde_json::{Map, Value};

use super::backoff::Backoff;
use super::config::{check_secret, AuthConfigError};
use super::rejection::Rejection;
use crate::ports::Clock;

/// How long past its TTL a cached secret is still used while it cannot be read again.
pub const MAX_STALE: Duration = Duration::from_secs(3600);
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The HMAC keys tokens may be signed with: the current secret and, during a rotation's grace
/// period, the previous one. Deliberately not `Debug`.
pub(super) struct HmacKeys {
    current: DecodingKey,
    previous: Option<(DecodingKey, i64)>,
}

impl HmacKeys {
    /// One secret, no rotation (`WSADM_JWT_SECRET`, `WSADM_JWT_SECRET_FILE`).
    pub(super) fn single(secret: &[u8]) -> Self {
        HmacKeys { current: DecodingKey::from_secret(secret), previous: None }
    }

    /// The keys valid at `now_ms`: the current one first.
    pub(super) fn valid_at(&self, now_ms: i64) -> impl Iterator<Item = &DecodingKey> {
        let previous = self.previous.as_ref().filter(|(_, until)| now_ms < until.saturating_mul(1000));
        std::iter::once(&self.current).chain(previous.map(|(key, _)| key))
    }

    /// Parses the SecretString strictly. Problems are described without quoting any value, since
    /// a misplaced value may be the secret.
    fn parse(secret_id: &str, text: &str) -> Result<HmacKeys, AuthConfigError> {
        let invalid = |problem: &str| AuthConfigError::InvalidSecretValue {
            secret: secret_id.to_owned(),
            problem: problem.to_owned(),
        };
        // serde_json's syntax errors give a position only; its type errors would quote the value.
        let value: Value = serde_json::from_str(text).map_err(|e| {
            invalid(&format!("it is not JSON (syntax error at line {} column {})", e.line(), e.column()))
        })?;
        let Value::Object(fields) = value else {
            return Err(invalid("it is not a JSON object"));
        };
        if let Some(unknown) = fields.keys().find(|k| !["current", "previous", "previous_until"].contains(&k.as_str()))
        {
            let named = unknown.len() <= 32 && unknown.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            return Err(invalid(&if named {
                format!("it has an unknown field `{unknown}`")
            } else {
                "it has an unknown field".to_owned()
            }));
        }
        let secret = |name: &str, fields: &Map<String, Value>| -> Result<Option<Vec<u8>>, AuthConfigError> {
            match fields.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(secret)) => {
                    check_secret(&format!("`{name}` of the Secrets Manager secret {secret_id}"), secret.as_bytes())?;
                    Ok(Some(secret.as_bytes().to_vec()))
                }
                Some(_) => Err(invalid(&format!("`{name}` is not a string"))),
            }
        };
        let current = secret("current", &fields)?.ok_or_else(|| invalid("`current` is missing"))?;
        let previous = secret("previous", &fields)?;
        let until = match fields.get("previous_until") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .and_then(|secs| i64::try_from(secs).ok())
                    .ok_or_else(|| invalid("`previous_until` is not a whole number of unix seconds"))?,
            ),
        };
        let previous = match (previous, until) {
            (Some(previous), Some(until)) => Some((DecodingKey::from_secret(&previous), until)),
            (Some(_), None) => return Err(invalid("`previous` is set without `previous_until`")),
            (None, _) => None,
        };
        Ok(HmacKeys { current: DecodingKey::from_secret(&current), previous })
    }
}

/// Why the secret could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read the Secrets Manager secret {secret}: {detail}")]
    Read { secret: String, detail: String },
    #[error(transparent)]
    Invalid(#[from] AuthConfigError),
}

/// The secret read from Secrets Manager, cached for the TTL.
///
/// Callers that arrive while a read is running wait for it rather than starting their own.
pub struct SecretCache {
    secret_id: String,
    ttl: Duration,
    client: aws_sdk_secretsmanager::Client,
    clock: Arc<dyn Clock>,
    reads: AtomicU64,
    state: tokio::sync::Mutex<SecretState>,
}

#[derive(Default)]
struct SecretState {
    keys: Option<Arc<HmacKeys>>,
    loaded_at_ms: i64,
    backoff: Backoff,
}

impl SecretCache {
    /// `secret_id` is the ARN or name; the client comes from the function's `SdkConfig`.
    pub(super) fn new(secret_id: String, ttl: Duration, sdk: &aws_config::SdkConfig, clock: Arc<dyn Clock>) -> Self {
        // Bounded like the JWKS fetch: a `$connect` must not hang on Secrets Manager.
        let timeouts = TimeoutConfig::builder().operation_timeout(READ_TIMEOUT).build();
        let conf = aws_sdk_secretsmanager::config::Builder::from(sdk).timeout_config(timeouts).build();
        SecretCache {
            secret_id,
            ttl,
            client: aws_sdk_secretsmanager::Client::from_conf(conf),
            clock,
            reads: AtomicU64::new(0),
            state: tokio::sync::Mutex::new(SecretState::default()),
        }
    }

    /// How many times the secret was read, failures included.
    pub fn read_count(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// Reads the secret now unless a fresh copy is cached (used at cold start).
    pub(super) async fn load(&self) -> Result<(), SecretError> {
        let mut state = self.state.lock().await;
        let now = self.clock.now_ms();
        if state.keys.is_some() && self.age(&state, now) < self.ttl {
            return Ok(());
        }
        self.refresh(&mut state, now).await
    }

    /// The keys to verify with, reading the secret again when the TTL has passed.
    pub(super) async fn keys(&self) -> Result<Arc<HmacKeys>, Rejection> {
        let mut state = self.state.lock().await;
        let now = self.clock.now_ms();
        let stale = state.keys.is_none() || self.age(&state, now) >= self.ttl;
        if stale && state.backoff.may_try(now) {
            // The outcome is logged; a failure leaves the cached value to the check below.
            let _ = self.refresh(&mut state, now).await;
        }
        match &state.keys {
            Some(keys) if self.age(&state, now) < self.ttl.saturating_add(MAX_STALE) => Ok(keys.clone()),
            _ => Err(Rejection::SecretUnavailable),
        }
    }

    fn age(&self, state: &SecretState, now_ms: i64) -> Duration {
        Duration::from_millis(now_ms.saturating_sub(state.loaded_at_ms).max(0) as u64)
    }

    async fn refresh(&self, state: &mut SecretState, now: i64) -> Result<(), SecretError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        match self.read().await {
            Ok(keys) => {
                tracing::info!(
                    secret = %self.secret_id,
                    grace_period = keys.previous.is_some(),
                    "JWT secret loaded from Secrets Manager"
                );
                state.keys = Some(Arc::new(keys));
                state.loaded_at_ms = now;
                state.backoff.succeeded();
                Ok(())
            }
            Err(error) => {
                let retry_in = state.backoff.failed(now);
                let cached_age = state.keys.as_ref().map(|_| self.age(state, now).as_secs());
                let cached_trusted = cached_age.is_some_and(|age| age < self.ttl.saturating_add(MAX_STALE).as_secs());
                let failures = state.backoff.failures();
                let retry_in_secs = retry_in.as_secs();
                match &error {
                    SecretError::Invalid(_) => tracing::error!(
                        %error, failures, retry_in_secs, cached_age_secs = cached_age, cached_trusted,
                        "the JWT secret in Secrets Manager is invalid"
                    ),
                    SecretError::Read { .. } => tracing::warn!(
                        %error, failures, retry_in_secs, cached_age_secs = cached_age, cached_trusted,
                        "cannot read the JWT secret from Secrets Manager"
                    ),
                }
                Err(error)
            }
        }
    }

    async fn read(&self) -> Result<HmacKeys, SecretError> {
        // Boxed: the SDK's future is deeply nested, and inlined into the handler's it overflows
        // the compiler's layout depth limit.
        let send = Box::pin(self.client.get_secret_value().secret_id(&self.secret_id).send());
        let output = send.await.map_err(|e| SecretError::Read {
            secret: self.secret_id.clone(),
            detail: DisplayErrorContext(&e).to_string(),
        })?;
        let Some(text) = output.secret_string() else {
            return Err(SecretError::Invalid(AuthConfigError::InvalidSecretValue {
                secret: self.secret_id.clone(),
                problem: "it holds SecretBinary, not a SecretString".to_owned(),
            }));
        };
        Ok(HmacKeys::parse(&self.secret_id, text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S32: &str = "0123456789abcdef0123456789abcdef";
    const OLD: &str = "an-old-secret-of-32-bytes-or-more";

    fn parse(text: &str) -> Result<HmacKeys, AuthConfigError> {
        HmacKeys::parse("wsadm/chat/jwt-secret", text)
    }

    #[test]
    fn valid_shapes_and_the_grace_period() {
        let keys = parse(&format!(r#"{{"current": "{S32}"}}"#)).unwrap();
        assert_eq!(keys.valid_at(0).count(), 1);
        let keys = parse(&format!(r#"{{"current": "{S32}", "previous": null, "previous_until": null}}"#)).unwrap();
        assert_eq!(keys.valid_at(0).count(), 1);
        let keys = parse(&format!(r#"{{"current": "{S32}", "previous": "{OLD}", "previous_until": 1000}}"#)).unwrap();
        assert_eq!(keys.valid_at(999_999).count(), 2, "before previous_until");
        assert_eq!(keys.valid_at(1_000_000).count(), 1, "at previous_until");
        // previous_until alone is harmless.
        assert!(parse(&format!(r#"{{"current": "{S32}", "previous_until": 5}}"#)).is_ok());
    }

    #[test]
    fn every_other_shape_is_a_config_error_that_never_quotes_a_value() {
        let cases = [
            ("plain text", S32.to_owned(), "not JSON"),
            ("a JSON string", format!(r#""{S32}""#), "not a JSON object"),
            ("an array", format!(r#"["{S32}"]"#), "not a JSON object"),
            ("no current", format!(r#"{{"previous": "{S32}", "previous_until": 1}}"#), "`current` is missing"),
            ("null current", r#"{"current": null}"#.to_owned(), "`current` is missing"),
            ("numeric current", r#"{"current": 12345}"#.to_owned(), "`current` is not a string"),
            ("short current", r#"{"current": "0123456789abcdef0123456789abcde"}"#.to_owned(), "31 bytes"),
            ("empty current", r#"{"current": ""}"#.to_owned(), "0 bytes"),
            (
                "short previous",
                format!(r#"{{"current": "{S32}", "previous": "short", "previous_until": 1}}"#),
                "5 bytes",
            ),
            ("previous without until", format!(r#"{{"current": "{S32}", "previous": "{OLD}"}}"#), "without"),
            (
                "until as a string",
                format!(r#"{{"current": "{S32}", "previous": "{OLD}", "previous_until": "{S32}"}}"#),
                "whole number",
            ),
            ("negative until", format!(r#"{{"current": "{S32}", "previous_until": -1}}"#), "whole number"),
            ("unknown field", format!(r#"{{"current": "{S32}", "key": "x"}}"#), "unknown field `key`"),
            ("unknown odd field", format!(r#"{{"current": "{S32}", "{OLD}!": 1}}"#), "an unknown field"),
        ];
        for (name, text, expected) in cases {
            let Err(err) = parse(&text) else { panic!("{name}: accepted") };
            let message = err.to_string();
            assert!(message.contains(expected), "{name}: {message}");
            assert!(message.contains("wsadm/chat/jwt-secret"), "{name}: {message}");
            assert!(!message.contains(S32) && !message.contains(OLD), "{name}: a secret leaked: {message}");
        }
    }
}
