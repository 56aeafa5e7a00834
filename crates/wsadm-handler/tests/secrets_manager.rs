//! The HS256 secret in Secrets Manager (`WSADM_JWT_SECRET_ARN`), against moto: the authorizer
//! built from the environment as the Lambda function builds it, with a clock the test moves.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest;
use serde_json::{json, Value};
use wsadm_handler::auth::{AuthConfig, AuthConfigError, Authorizer, Rejection, SecretError};
use wsadm_handler::lambda::Functions;
use wsadm_handler::ports::Clock;
use wsadm_testkit::Moto;

const FIRST: &str = "first-secret-first-secret-first-secret";
const SECOND: &str = "second-secret-second-secret-second-secret";
const UNRELATED: &str = "unrelated-secret-unrelated-secret-unrelated";

struct ManualClock(AtomicI64);

impl ManualClock {
    fn new() -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicI64::new(unix_now() * 1000)))
    }
    fn advance(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }
    fn secs(&self) -> i64 {
        self.0.load(Ordering::SeqCst) / 1000
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A token for `sub` signed with `secret`, valid for longer than the test moves its clock.
fn token(secret: &str) -> String {
    let claims = json!({ "sub": "alice", "exp": unix_now() + 7 * 86400 });
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::encode(&header, &claims, &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

const METHOD_ARN: &str = "arn:aws:execute-api:us-east-1:123456789012:abc/prod/$connect";

fn event(token: &str) -> Value {
    json!({
        "type": "REQUEST", "methodArn": METHOD_ARN, "headers": { "Authorization": format!("Bearer {token}") },
        "requestContext": { "routeKey": "$connect", "eventType": "CONNECT", "connectionId": "A=", "requestId": "r-1" },
    })
}

async fn verify(authorizer: &Authorizer, secret: &str) -> Result<String, Rejection> {
    let req: ApiGatewayCustomAuthorizerRequestTypeRequest = serde_json::from_value(event(&token(secret))).unwrap();
    authorizer.authorize(&req).await.map(|allowed| allowed.user_id)
}

fn secret_json(current: &str, previous: Option<(&str, i64)>) -> String {
    match previous {
        Some((previous, until)) => json!({ "current": current, "previous": previous, "previous_until": until }),
        None => json!({ "current": current, "previous": null, "previous_until": null }),
    }
    .to_string()
}

async fn create_secret(sm: &aws_sdk_secretsmanager::Client, name: &str, value: &str) -> String {
    let created = sm.create_secret().name(name).secret_string(value).send().await.unwrap();
    created.arn().unwrap().to_owned()
}

fn authorizer(sdk: &aws_config::SdkConfig, arn: &str, clock: &Arc<ManualClock>) -> Authorizer {
    let env = HashMap::from([("WSADM_JWT_SECRET_ARN", arn), ("WSADM_JWT_SECRET_TTL_SECS", "300")]);
    let config = AuthConfig::from_env(|name| env.get(name).map(|v| v.to_string())).unwrap();
    Authorizer::with_clock(config, Some(sdk), clock.clone()).unwrap()
}

/// Collects the log lines written while it is the default subscriber.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

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
async fn secret_is_read_cached_rotated_with_a_grace_period_and_kept_for_an_hour_when_unreadable() {
    let logs = LogBuffer::default();
    let subscriber =
        tracing_subscriber::fmt().json().with_writer(logs.clone()).with_max_level(tracing::Level::TRACE).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let sm = aws_sdk_secretsmanager::Client::new(&sdk);
    let arn = create_secret(&sm, "wsadm/chat/jwt-secret", &secret_json(FIRST, None)).await;
    let clock = ManualClock::new();
    // By name (an ARN works too, see below): the secret is deleted and created again further down,
    // which gives it a new ARN.
    let auth = authorizer(&sdk, "wsadm/chat/jwt-secret", &clock);
    let cache = auth.secret_cache().expect("a Secrets Manager cache");

    // Read once (at warm-up, as at cold start), then served from the cache.
    auth.warm_up().await.unwrap();
    assert_eq!(cache.read_count(), 1);
    assert_eq!(verify(&auth, FIRST).await, Ok("alice".to_owned()));
    assert_eq!(verify(&auth, SECOND).await, Err(Rejection::BadSignature));
    assert_eq!(cache.read_count(), 1);

    // Rotation: SECOND becomes current, FIRST stays valid for an hour of grace.
    let grace_until = clock.secs() + 3600;
    sm.put_secret_value()
        .secret_id(&arn)
        .secret_string(secret_json(SECOND, Some((FIRST, grace_until))))
        .send()
        .await
        .unwrap();
    // Until the TTL has passed, the cached value is used.
    clock.advance(299);
    assert_eq!(verify(&auth, SECOND).await, Err(Rejection::BadSignature));
    assert_eq!(cache.read_count(), 1);
    clock.advance(1);
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()), "picked up after the TTL");
    assert_eq!(cache.read_count(), 2);
    assert_eq!(verify(&auth, FIRST).await, Ok("alice".to_owned()), "previous verifies in the grace period");
    assert_eq!(verify(&auth, UNRELATED).await, Err(Rejection::BadSignature));

    // previous_until is exclusive: one second before it FIRST verifies, at it no longer.
    clock.advance(grace_until - clock.secs() - 1);
    assert_eq!(verify(&auth, FIRST).await, Ok("alice".to_owned()));
    clock.advance(1);
    assert_eq!(verify(&auth, FIRST).await, Err(Rejection::BadSignature), "previous after previous_until");
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()));

    // The secret becomes unreadable: the cached value is used up to an hour past its TTL.
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()));
    let loaded = cache.read_count();
    clock.advance(300); // fresh read, then the value is held
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()));
    assert_eq!(cache.read_count(), loaded + 1);
    let loaded_at = clock.secs();
    sm.delete_secret().secret_id(&arn).force_delete_without_recovery(true).send().await.unwrap();
    clock.advance(300);
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()), "kept while the re-read fails");
    let reads = cache.read_count();
    assert_eq!(reads, loaded + 2);
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()));
    assert_eq!(cache.read_count(), reads, "backing off: no read right after a failure");
    clock.advance(loaded_at + 300 + 3600 - 1 - clock.secs());
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()), "one second before the hour is up");
    clock.advance(1);
    assert_eq!(verify(&auth, SECOND).await, Err(Rejection::SecretUnavailable), "fails closed after the hour");
    assert_eq!(verify(&auth, FIRST).await, Err(Rejection::SecretUnavailable));

    // The secret is back: once the back-off has passed, tokens verify again.
    create_secret(&sm, "wsadm/chat/jwt-secret", &secret_json(SECOND, None)).await;
    clock.advance(60);
    assert_eq!(verify(&auth, SECOND).await, Ok("alice".to_owned()));

    let output = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(output.contains("JWT secret loaded from Secrets Manager"), "{output}");
    assert!(output.contains("cannot read the JWT secret from Secrets Manager"), "{output}");
    for secret in [FIRST, SECOND] {
        assert!(!output.contains(secret), "a secret reached the log: {output}");
    }
}

#[tokio::test]
async fn an_invalid_secret_value_is_a_config_error_and_refuses_every_token() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let sm = aws_sdk_secretsmanager::Client::new(&sdk);
    let clock = ManualClock::new();
    let cases = [
        ("plain", FIRST.to_owned(), "not JSON"),
        ("short", secret_json("short-secret", None), "is 12 bytes, but at least 32"),
        ("short-previous", secret_json(FIRST, Some(("old", clock.secs() + 60))), "`previous`"),
        ("extra", json!({ "current": FIRST, "next": SECOND }).to_string(), "unknown field `next`"),
        ("typed", json!({ "current": [FIRST] }).to_string(), "`current` is not a string"),
    ];
    for (name, value, expected) in cases {
        let arn = create_secret(&sm, &format!("wsadm/{name}/jwt-secret"), &value).await;
        let auth = authorizer(&sdk, &arn, &clock);
        let err = auth.warm_up().await.unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, SecretError::Invalid(_)), "{name}: {message}");
        assert!(message.contains(expected) && message.contains(&arn), "{name}: {message}");
        assert!(!message.contains(FIRST) && !message.contains(SECOND), "{name}: the secret leaked: {message}");
        assert_eq!(verify(&auth, FIRST).await, Err(Rejection::SecretUnavailable), "{name}");
    }

    // A secret that does not exist: a read error, and refused the same way.
    let auth = authorizer(&sdk, "wsadm/missing/jwt-secret", &clock);
    assert!(matches!(auth.warm_up().await, Err(SecretError::Read { .. })));
    assert_eq!(verify(&auth, FIRST).await, Err(Rejection::SecretUnavailable));

    // The ARN needs AWS access to read it.
    let config = AuthConfig { secret_arn: Some("wsadm/chat/jwt-secret".into()), ..AuthConfig::default() };
    assert!(matches!(Authorizer::new(config), Err(AuthConfigError::SecretsManagerWithoutAws)));
}

#[derive(Clone, Default)]
struct NoGateway;

#[async_trait::async_trait]
impl wsadm_handler::ports::Gateway for NoGateway {
    async fn post(&self, _: &str, _: &str, _: &[u8]) -> Result<(), wsadm_core::connections::ConnError> {
        unreachable!("the authorizer posts nothing")
    }
}

#[tokio::test]
async fn the_lambda_function_reads_the_secret_named_by_its_environment() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let sm = aws_sdk_secretsmanager::Client::new(&sdk);
    let arn = create_secret(&sm, "wsadm/chat/jwt-secret", &secret_json(FIRST, None)).await;
    let env = HashMap::from([("WSADM_JWT_SECRET_ARN", arn.as_str())]);
    let functions = Functions::from_env(|k| env.get(k).map(|v| v.to_string()), &sdk, NoGateway);

    let allowed = functions.invoke(event(&token(FIRST))).await.unwrap();
    assert_eq!(allowed["principalId"], "alice");
    assert_eq!(allowed["policyDocument"]["Statement"][0]["Effect"], "Allow");
    let refused = functions.invoke(event(&token(UNRELATED))).await.unwrap_err();
    assert_eq!(refused.to_string(), "Unauthorized");

    // A short secret in the environment: the authorizer refuses to start, saying why.
    let env = HashMap::from([("WSADM_JWT_SECRET", "too-short")]);
    let functions = Functions::from_env(|k| env.get(k).map(|v| v.to_string()), &sdk, NoGateway);
    let err = functions.invoke(event(&token(FIRST))).await.unwrap_err().to_string();
    assert!(err.contains("WSADM_JWT_SECRET is 9 bytes, but at least 32 are required"), "{err}");
}
