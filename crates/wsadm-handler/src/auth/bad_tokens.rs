//! The bad-token table: every way a token can be wrong, each against an authorizer built from
//! environment variables exactly as the Lambda function builds it, with the outcome it must get.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use super::test_support::*;
use super::{AuthConfig, Authorizer, Rejection};

/// Which of the table's authorizers a case runs against.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// `WSADM_JWT_SECRET`.
    Hs256,
    /// `WSADM_JWKS_FILE` with one RSA and one EC key.
    Jwks,
    /// `WSADM_JWKS_FILE` with two RSA keys (a token without `kid` is ambiguous).
    JwksTwoRsa,
}

fn authorizer(key_source: (&str, &str)) -> Authorizer {
    let vars = [
        key_source,
        ("WSADM_JWT_ISSUER", "https://issuer.example"),
        ("WSADM_JWT_AUDIENCE", "wsadm, wsadm-chat"),
        ("WSADM_JWT_TYP", "JWT"),
        ("WSADM_JWT_MAX_AGE_SECS", "3600"),
    ];
    let config =
        AuthConfig::from_env(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())).unwrap();
    Authorizer::new(config).unwrap()
}

/// Valid claims (with `iat`, as the max age requires), `changes` merged in (`null` removes).
fn good(changes: Value) -> Value {
    let mut merged = json!({ "iat": now() - 60 });
    for (name, value) in changes.as_object().unwrap() {
        merged[name] = value.clone();
    }
    claims(merged)
}

fn rs(claims: &Value) -> String {
    rs256(Some("rsa-1"), RSA_PRIVATE, claims)
}

/// An HS256 token with a hand-made header (still correctly signed).
fn hs_with_header(header: Value, claims: &Value) -> String {
    signed_hs256(&b64(&header), &b64(claims))
}

fn rs_with(edit: impl FnOnce(&mut Header), claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rsa-1".into());
    edit(&mut header);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap()).unwrap()
}

#[tokio::test]
async fn every_bad_token_is_refused_with_its_reason() {
    use Mode::*;
    use Rejection::*;
    let hs = authorizer(("WSADM_JWT_SECRET", std::str::from_utf8(SECRET).unwrap()));
    let jwks = authorizer(("WSADM_JWKS_FILE", JWKS_PATH));
    let jwks_two_rsa = authorizer(("WSADM_JWKS_FILE", JWKS_ROTATED_PATH));

    let valid = hs256(&good(json!({})));
    let parts: Vec<&str> = valid.split('.').collect();
    let other_secret = EncodingKey::from_secret(b"another-secret-another-secret-another");
    let rsa_public_as_secret = EncodingKey::from_secret(RSA_PUBLIC);
    let rsa_key = EncodingKey::from_rsa_pem(RSA_PRIVATE).unwrap();
    let hs_header = json!({ "alg": "HS256", "typ": "JWT" });

    // (case, authorizer, token, the user it lets in or why it refuses)
    let cases: Vec<(&str, Mode, String, Result<&str, Rejection>)> = vec![
        // The table's control rows: good tokens pass.
        ("valid HS256", Hs256, valid.clone(), Ok("user-1")),
        ("valid, aud an array holding ours", Hs256, hs256(&good(json!({ "aud": ["x", "wsadm"] }))), Ok("user-1")),
        ("valid, second configured audience", Hs256, hs256(&good(json!({ "aud": "wsadm-chat" }))), Ok("user-1")),
        ("valid RS256", Jwks, rs(&good(json!({}))), Ok("user-1")),
        ("valid ES256", Jwks, es256(Some("ec-1"), &good(json!({}))), Ok("user-1")),
        ("valid RS256 without kid, one RSA key", Jwks, rs256(None, RSA_PRIVATE, &good(json!({}))), Ok("user-1")),
        // Times.
        ("expired", Hs256, hs256(&good(json!({ "exp": now() - 120 }))), Err(Expired)),
        ("expired (RS256)", Jwks, rs(&good(json!({ "exp": now() - 120 }))), Err(Expired)),
        ("not yet valid", Hs256, hs256(&good(json!({ "nbf": now() + 120 }))), Err(NotYetValid)),
        ("iat in the future", Hs256, hs256(&good(json!({ "iat": now() + 120 }))), Err(IssuedInFuture)),
        ("too old", Hs256, hs256(&good(json!({ "iat": now() - 7200 }))), Err(TooOld)),
        ("too old (ES256)", Jwks, es256(Some("ec-1"), &good(json!({ "iat": now() - 7200 }))), Err(TooOld)),
        ("no iat with a max age", Hs256, hs256(&good(json!({ "iat": null }))), Err(MissingIat)),
        ("missing exp", Hs256, hs256(&good(json!({ "exp": null }))), Err(Malformed)),
        ("string exp", Hs256, hs256(&good(json!({ "exp": "tomorrow" }))), Err(Malformed)),
        ("string iat", Hs256, hs256(&good(json!({ "iat": "today" }))), Err(Malformed)),
        // Issuer and audience.
        ("wrong iss", Hs256, hs256(&good(json!({ "iss": "https://evil.example" }))), Err(WrongIssuer)),
        ("missing iss", Hs256, hs256(&good(json!({ "iss": null }))), Err(WrongIssuer)),
        ("iss an array", Hs256, hs256(&good(json!({ "iss": ["https://issuer.example"] }))), Err(WrongIssuer)),
        ("wrong iss (RS256)", Jwks, rs(&good(json!({ "iss": "https://other.example" }))), Err(WrongIssuer)),
        ("wrong aud", Hs256, hs256(&good(json!({ "aud": "other-app" }))), Err(WrongAudience)),
        ("wrong aud array", Hs256, hs256(&good(json!({ "aud": ["other-app", "third"] }))), Err(WrongAudience)),
        ("empty aud array", Hs256, hs256(&good(json!({ "aud": [] }))), Err(WrongAudience)),
        ("missing aud", Hs256, hs256(&good(json!({ "aud": null }))), Err(WrongAudience)),
        ("aud of another app (RS256)", Jwks, rs(&good(json!({ "aud": ["other-app"] }))), Err(WrongAudience)),
        ("missing aud (ES256)", Jwks, es256(Some("ec-1"), &good(json!({ "aud": null }))), Err(WrongAudience)),
        // Signatures and algorithms.
        ("bad signature", Hs256, sign(Algorithm::HS256, None, &other_secret, &good(json!({}))), Err(BadSignature)),
        (
            "tampered payload",
            Hs256,
            format!("{}.{}.{}", parts[0], b64(&good(json!({ "sub": "admin" }))), parts[2]),
            Err(BadSignature),
        ),
        ("RSA signature by another key", Jwks, rs256(Some("rsa-1"), RSA2_PRIVATE, &good(json!({}))), Err(BadSignature)),
        ("alg none", Hs256, alg_none(&valid), Err(AlgorithmNotAllowed)),
        ("alg none (JWKS)", Jwks, alg_none(&rs(&good(json!({})))), Err(AlgorithmNotAllowed)),
        (
            "HS384",
            Hs256,
            sign(Algorithm::HS384, None, &EncodingKey::from_secret(SECRET), &good(json!({}))),
            Err(AlgorithmNotAllowed),
        ),
        ("RS256 with a secret configured", Hs256, rs(&good(json!({}))), Err(AlgorithmNotAllowed)),
        (
            "HS256 signed with the RSA public key",
            Jwks,
            sign(Algorithm::HS256, Some("rsa-1"), &rsa_public_as_secret, &good(json!({}))),
            Err(AlgorithmNotAllowed),
        ),
        (
            "HS256 signed with the RSA public key, no kid",
            Jwks,
            sign(Algorithm::HS256, None, &rsa_public_as_secret, &good(json!({}))),
            Err(AlgorithmNotAllowed),
        ),
        (
            "wrong key type: ES256 naming the RSA key",
            Jwks,
            es256(Some("rsa-1"), &good(json!({}))),
            Err(AlgorithmNotAllowed),
        ),
        (
            "wrong key type: RS384",
            Jwks,
            sign(Algorithm::RS384, Some("rsa-1"), &rsa_key, &good(json!({}))),
            Err(AlgorithmNotAllowed),
        ),
        (
            "wrong key type: PS256",
            Jwks,
            sign(Algorithm::PS256, Some("rsa-1"), &rsa_key, &good(json!({}))),
            Err(AlgorithmNotAllowed),
        ),
        // Key ids.
        ("unknown kid", Jwks, rs256(Some("rsa-2"), RSA2_PRIVATE, &good(json!({}))), Err(UnknownKid)),
        ("missing kid, two RSA keys", JwksTwoRsa, rs256(None, RSA_PRIVATE, &good(json!({}))), Err(UnknownKid)),
        ("missing kid, ES256 unambiguous", JwksTwoRsa, es256(None, &good(json!({}))), Ok("user-1")),
        // Header rules.
        (
            "crit",
            Hs256,
            hs_with_header(json!({ "alg": "HS256", "typ": "JWT", "crit": ["exp"] }), &good(json!({}))),
            Err(CritHeader),
        ),
        ("crit (RS256)", Jwks, rs_with(|h| h.crit = Some(vec!["b64".into()]), &good(json!({}))), Err(CritHeader)),
        (
            "wrong typ",
            Hs256,
            hs_with_header(json!({ "alg": "HS256", "typ": "at+jwt" }), &good(json!({}))),
            Err(WrongType),
        ),
        ("missing typ", Hs256, hs_with_header(json!({ "alg": "HS256" }), &good(json!({}))), Err(WrongType)),
        ("wrong typ (RS256)", Jwks, rs_with(|h| h.typ = Some("dpop+jwt".into()), &good(json!({}))), Err(WrongType)),
        (
            "typ in another case",
            Hs256,
            hs_with_header(json!({ "alg": "HS256", "typ": "jwt" }), &good(json!({}))),
            Ok("user-1"),
        ),
        // The user.
        ("missing sub", Hs256, hs256(&good(json!({ "sub": null }))), Err(MissingUserClaim)),
        ("empty sub", Hs256, hs256(&good(json!({ "sub": "" }))), Err(MissingUserClaim)),
        ("numeric sub", Hs256, hs256(&good(json!({ "sub": 42 }))), Err(MissingUserClaim)),
        ("object sub", Hs256, hs256(&good(json!({ "sub": { "id": 1 } }))), Err(MissingUserClaim)),
        ("missing sub (ES256)", Jwks, es256(Some("ec-1"), &good(json!({ "sub": null }))), Err(MissingUserClaim)),
        // Shape and size.
        ("oversized", Hs256, hs256(&good(json!({ "pad": "x".repeat(9000) }))), Err(TooLarge)),
        ("oversized garbage", Jwks, "a".repeat(20_000), Err(TooLarge)),
        ("garbage", Hs256, "not-a-jwt".into(), Err(Malformed)),
        ("two segments", Hs256, format!("{}.{}", parts[0], parts[1]), Err(Malformed)),
        ("four segments", Hs256, format!("{valid}.x"), Err(Malformed)),
        ("empty segments", Hs256, "..".into(), Err(Malformed)),
        ("bad base64 header", Hs256, format!("%%%.{}.{}", parts[1], parts[2]), Err(Malformed)),
        ("header not JSON", Hs256, format!("bm90IGpzb24.{}.{}", parts[1], parts[2]), Err(Malformed)),
        ("header without alg", Hs256, format!("e30.{}.{}", parts[1], parts[2]), Err(Malformed)),
        (
            "alg not a string",
            Hs256,
            hs_with_header(json!({ "alg": 256, "typ": "JWT" }), &good(json!({}))),
            Err(Malformed),
        ),
        (
            "kid not a string",
            Jwks,
            format!("{}.{}.sig", b64(&json!({ "alg": "RS256", "kid": 1 })), parts[1]),
            Err(Malformed),
        ),
        // The signature is checked first and covers the payload as sent.
        ("bad base64 payload, old signature", Hs256, format!("{}.***.{}", parts[0], parts[2]), Err(BadSignature)),
        ("signed bad base64 payload", Hs256, signed_hs256(&b64(&hs_header), "***"), Err(Malformed)),
        ("signed payload not JSON", Hs256, signed_hs256(&b64(&hs_header), "bm90IGpzb24"), Err(Malformed)),
        ("signed payload a JSON array", Hs256, signed_hs256(&b64(&hs_header), "WzFd"), Err(Malformed)),
        ("bad base64 signature", Hs256, format!("{}.{}.!!", parts[0], parts[1]), Err(Malformed)),
    ];

    let mut failures = Vec::new();
    for (name, mode, token, expected) in &cases {
        let authorizer = match mode {
            Hs256 => &hs,
            Jwks => &jwks,
            JwksTwoRsa => &jwks_two_rsa,
        };
        for (source, req) in [("header", bearer_event(token)), ("query", query_event(token))] {
            let got = authorizer.authorize(&req).await;
            let got = got.as_ref().map(|allowed| allowed.user_id.as_str()).map_err(|r| *r);
            if got != *expected {
                failures.push(format!("{name} ({mode:?}, {source}): expected {expected:?}, got {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
