//! Keys, tokens and events shared by the authorizer's tests.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use super::{AuthConfig, JwksSource};
use crate::ports::Clock;

pub(super) const RSA_PRIVATE: &[u8] = include_bytes!("../../tests/fixtures/auth/rsa_private.pem");
pub(super) const RSA_PUBLIC: &[u8] = include_bytes!("../../tests/fixtures/auth/rsa_public.pem");
pub(super) const RSA2_PRIVATE: &[u8] = include_bytes!("../../tests/fixtures/auth/rsa2_private.pem");
pub(super) const EC_PRIVATE: &[u8] = include_bytes!("../../tests/fixtures/auth/ec_private.pem");
pub(super) const JWKS: &str = include_str!("../../tests/fixtures/auth/jwks.json");
pub(super) const JWKS_ROTATED: &str = include_str!("../../tests/fixtures/auth/jwks_rotated.json");
pub(super) const JWKS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/auth/jwks.json");
pub(super) const JWKS_ROTATED_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/auth/jwks_rotated.json");
pub(super) const SECRET: &[u8] = b"an-hs256-secret-of-at-least-32-bytes!";
pub(super) const METHOD_ARN: &str = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/$connect";

pub(super) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Valid claims for the HS256 config below, with `changes` merged in (`null` removes a claim).
pub(super) fn claims(changes: Value) -> Value {
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

pub(super) fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

pub(super) fn hs256(claims: &Value) -> String {
    sign(Algorithm::HS256, None, &EncodingKey::from_secret(SECRET), claims)
}

pub(super) fn rs256(kid: Option<&str>, private_pem: &[u8], claims: &Value) -> String {
    sign(Algorithm::RS256, kid, &EncodingKey::from_rsa_pem(private_pem).unwrap(), claims)
}

pub(super) fn es256(kid: Option<&str>, claims: &Value) -> String {
    sign(Algorithm::ES256, kid, &EncodingKey::from_ec_pem(EC_PRIVATE).unwrap(), claims)
}

pub(super) fn hs256_config() -> AuthConfig {
    AuthConfig {
        hs256_secret: Some(SECRET.to_vec()),
        issuer: Some("https://issuer.example".into()),
        audience: vec!["wsadm".into()],
        context_claims: vec!["email".into(), "admin".into(), "level".into(), "groups".into(), "absent".into()],
        ..AuthConfig::default()
    }
}

/// A JWKS config with the issuer and audience of [`claims`] (both are required with a JWKS).
pub(super) fn jwks_config(source: JwksSource) -> AuthConfig {
    AuthConfig {
        jwks: Some(source),
        issuer: Some("https://issuer.example".into()),
        audience: vec!["wsadm".into()],
        ..AuthConfig::default()
    }
}

/// `{"alg":"none","typ":"JWT"}`
pub(super) const NONE_HEADER: &str = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";

/// A token with `alg: none` and no signature, carrying the payload of `token`.
pub(super) fn alg_none(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    format!("{NONE_HEADER}.{payload}.")
}

/// A correctly HS256-signed token made of the given raw (base64url) header and payload.
pub(super) fn signed_hs256(header: &str, payload: &str) -> String {
    let message = format!("{header}.{payload}");
    let key = EncodingKey::from_secret(SECRET);
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{message}.{signature}")
}

/// Unpadded base64url of `json`, for hand-made headers and payloads.
pub(super) fn b64(json: &Value) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = json.to_string().into_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A clock the test moves by hand; starts at the real time so real token times line up.
pub(super) struct ManualClock(AtomicI64);

impl ManualClock {
    pub(super) fn new() -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicI64::new(now() as i64 * 1000)))
    }

    pub(super) fn advance(&self, secs: u64) {
        self.0.fetch_add(secs as i64 * 1000, Ordering::SeqCst);
    }

    pub(super) fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A REQUEST authorizer event as API Gateway sends it for `$connect`.
pub(super) fn event(headers: Value, query: Value) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
    serde_json::from_value(json!({
        "type": "REQUEST",
        "methodArn": METHOD_ARN,
        "headers": headers,
        "queryStringParameters": query,
        "requestContext": { "routeKey": "$connect", "eventType": "CONNECT", "requestId": "req-1", "stage": "prod" },
    }))
    .unwrap()
}

pub(super) fn bearer_event(token: &str) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
    event(json!({ "Authorization": format!("Bearer {token}") }), json!({}))
}

pub(super) fn query_event(token: &str) -> ApiGatewayCustomAuthorizerRequestTypeRequest {
    event(json!({}), json!({ "token": token }))
}
