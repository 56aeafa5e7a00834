//! Keys, tokens and events shared by the authorizer's tests.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use super::{AuthConfig, JwksSource};

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
        audience: Some("wsadm".into()),
        context_claims: vec!["email".into(), "admin".into(), "level".into(), "groups".into(), "absent".into()],
        ..AuthConfig::default()
    }
}

pub(super) fn jwks_config(source: JwksSource) -> AuthConfig {
    AuthConfig { jwks: Some(source), ..AuthConfig::default() }
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
