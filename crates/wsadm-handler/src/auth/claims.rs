//! The claims of a token whose signature checked out: times (`exp`, `nbf`, `iat` and the
//! maximum age), `iss`, `aud`, the user, and what goes into the authorizer context (the
//! configured scalar claims and the rooms the token grants).

use std::time::Duration;

use serde_json::{Map, Value};

use super::config::AuthConfig;
use super::rejection::Rejection;

/// The longest user id accepted (it becomes the principal and is stored with every session).
const MAX_USER_ID_BYTES: usize = 256;
/// Rooms copied from the rooms claim: at most this many …
pub const MAX_CLAIMED_ROOMS: usize = 100;
/// … each at most this long, of `[A-Za-z0-9_:.-]`.
pub const MAX_ROOM_NAME_CHARS: usize = 64;
/// Context keys the authorizer sets itself; a configured context claim cannot take them over.
const USER_ID_KEY: &str = "userId";
const ROOMS_KEY: &str = "rooms";

/// A connection the authorizer let through.
#[derive(Debug, Clone, PartialEq)]
pub struct Allowed {
    pub user_id: String,
    /// `userId`, the configured context claims (scalar values only, as API Gateway requires)
    /// and `rooms` (comma-joined, absent when the token grants none).
    pub context: Map<String, Value>,
}

/// The claim rules of an [`AuthConfig`].
pub(super) struct ClaimRules {
    issuer: Option<String>,
    audience: Vec<String>,
    leeway_secs: f64,
    max_age: Option<Duration>,
    user_claim: String,
    context_claims: Vec<String>,
    rooms_claim: String,
}

impl ClaimRules {
    pub(super) fn new(config: &AuthConfig) -> Self {
        ClaimRules {
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            leeway_secs: config.leeway_secs as f64,
            max_age: config.max_age,
            user_claim: config.user_claim.clone(),
            context_claims: config.context_claims.clone(),
            rooms_claim: config.rooms_claim.clone(),
        }
    }

    /// Checks `claims` at `now_ms` (unix milliseconds) and builds the authorizer's answer.
    pub(super) fn check(&self, claims: &Map<String, Value>, now_ms: i64) -> Result<Allowed, Rejection> {
        self.check_times(claims, now_ms as f64 / 1000.0)?;
        if let Some(issuer) = &self.issuer {
            if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
                return Err(Rejection::WrongIssuer);
            }
        }
        if !self.audience.is_empty() && !self.audience_matches(claims.get("aud")) {
            return Err(Rejection::WrongAudience);
        }
        let user_id = match claims.get(&self.user_claim) {
            Some(Value::String(id))
                if !id.is_empty() && id.len() <= MAX_USER_ID_BYTES && !id.chars().any(char::is_control) =>
            {
                id.clone()
            }
            _ => return Err(Rejection::MissingUserClaim),
        };
        let mut context = Map::new();
        for name in &self.context_claims {
            if name == USER_ID_KEY || name == ROOMS_KEY {
                continue;
            }
            if let Some(value @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) = claims.get(name) {
                context.insert(name.clone(), value.clone());
            }
        }
        if let Some(rooms) = claims.get(&self.rooms_claim).map(|claim| self.rooms(claim)) {
            if !rooms.is_empty() {
                context.insert(ROOMS_KEY.to_owned(), Value::String(rooms.join(",")));
            }
        }
        context.insert(USER_ID_KEY.to_owned(), Value::String(user_id.clone()));
        Ok(Allowed { user_id, context })
    }

    /// `exp` required; `nbf` when present; `iat` never in the future, and required and bounded
    /// when a maximum age is set. All with the leeway for clock skew.
    fn check_times(&self, claims: &Map<String, Value>, now: f64) -> Result<(), Rejection> {
        let leeway = self.leeway_secs;
        let exp = numeric_date(claims, "exp")?.ok_or(Rejection::Malformed)?;
        if now >= exp + leeway {
            return Err(Rejection::Expired);
        }
        if numeric_date(claims, "nbf")?.is_some_and(|nbf| now + leeway < nbf) {
            return Err(Rejection::NotYetValid);
        }
        let iat = numeric_date(claims, "iat")?;
        if iat.is_some_and(|iat| iat > now + leeway) {
            return Err(Rejection::IssuedInFuture);
        }
        if let Some(max_age) = self.max_age {
            let iat = iat.ok_or(Rejection::MissingIat)?;
            if now - iat > max_age.as_secs_f64() + leeway {
                return Err(Rejection::TooOld);
            }
        }
        Ok(())
    }

    /// `aud` is one string or an array of strings; one of them must be ours.
    fn audience_matches(&self, aud: Option<&Value>) -> bool {
        let ours = |value: &Value| value.as_str().is_some_and(|aud| self.audience.iter().any(|ours| ours == aud));
        match aud {
            Some(Value::Array(items)) => items.iter().any(ours),
            Some(value) => ours(value),
            None => false,
        }
    }

    /// The valid room names of the rooms claim (a string of comma- or space-separated names, or an
    /// array of strings), in order, without duplicates. Invalid entries and those past the limit
    /// are dropped and counted in the log; they do not refuse the token.
    fn rooms(&self, claim: &Value) -> Vec<String> {
        let entries: Vec<Option<&str>> = match claim {
            Value::String(list) => {
                list.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(Some).collect()
            }
            Value::Array(items) => items.iter().map(Value::as_str).collect(),
            _ => vec![None],
        };
        let mut rooms: Vec<String> = Vec::new();
        let mut dropped = 0usize;
        for entry in entries {
            match entry {
                Some(room) if valid_room(room) => {
                    if rooms.iter().any(|r| r == room) {
                        continue;
                    }
                    if rooms.len() < MAX_CLAIMED_ROOMS {
                        rooms.push(room.to_owned());
                    } else {
                        dropped += 1;
                    }
                }
                _ => dropped += 1,
            }
        }
        if dropped > 0 {
            // Counts only: the entries come from the token.
            tracing::warn!(
                claim = %self.rooms_claim,
                dropped,
                kept = rooms.len(),
                "rooms claim entries dropped (invalid names or over the limit of {MAX_CLAIMED_ROOMS})"
            );
        }
        rooms
    }
}

/// A room name the authorizer passes on: 1 to 64 characters of `[A-Za-z0-9_:.-]`.
fn valid_room(room: &str) -> bool {
    !room.is_empty()
        && room.len() <= MAX_ROOM_NAME_CHARS
        && room.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-'))
}

/// A NumericDate claim (seconds since the epoch, fractions allowed): `None` when absent, an error
/// when it is not a number.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, Rejection> {
    match claims.get(name) {
        None => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or(Rejection::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rules() -> ClaimRules {
        ClaimRules::new(&AuthConfig {
            issuer: Some("iss".into()),
            audience: vec!["a".into(), "b".into()],
            max_age: Some(Duration::from_secs(600)),
            leeway_secs: 30,
            context_claims: vec!["email".into(), "rooms".into(), "userId".into()],
            ..AuthConfig::default()
        })
    }

    const NOW: i64 = 1_800_000_000;

    fn check(changes: Value) -> Result<Allowed, Rejection> {
        let mut claims = json!({ "sub": "u", "iss": "iss", "aud": "a", "exp": NOW + 60, "iat": NOW - 10 });
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        rules().check(claims.as_object().unwrap(), NOW * 1000)
    }

    #[test]
    fn time_claims_at_their_edges() {
        let cases = [
            (json!({}), Ok(())),
            (json!({ "exp": NOW - 29 }), Ok(())),
            (json!({ "exp": NOW - 30 }), Err(Rejection::Expired)),
            (json!({ "exp": (NOW + 60) as f64 + 0.5 }), Ok(())),
            (json!({ "nbf": NOW + 30 }), Ok(())),
            (json!({ "nbf": NOW + 31 }), Err(Rejection::NotYetValid)),
            (json!({ "iat": NOW + 30 }), Ok(())),
            (json!({ "iat": NOW + 31 }), Err(Rejection::IssuedInFuture)),
            (json!({ "iat": NOW - 630 }), Ok(())),
            (json!({ "iat": NOW - 631 }), Err(Rejection::TooOld)),
            (json!({ "iat": null }), Err(Rejection::MissingIat)),
            (json!({ "iat": "yesterday" }), Err(Rejection::Malformed)),
            (json!({ "nbf": [1] }), Err(Rejection::Malformed)),
            (json!({ "exp": null }), Err(Rejection::Malformed)),
        ];
        for (changes, expected) in cases {
            assert_eq!(check(changes.clone()).map(|_| ()), expected, "{changes}");
        }
        // Without a maximum age, `iat` is optional (but still never in the future).
        let lax = ClaimRules { max_age: None, ..rules() };
        let claims = json!({ "sub": "u", "iss": "iss", "aud": "a", "exp": NOW + 60 });
        assert!(lax.check(claims.as_object().unwrap(), NOW * 1000).is_ok());
    }

    #[test]
    fn audience_is_a_string_or_an_array_containing_one_of_ours() {
        for (aud, ok) in [
            (json!("a"), true),
            (json!("b"), true),
            (json!(["x", "b"]), true),
            (json!(["x", 5, "a"]), true),
            (json!("c"), false),
            (json!(["x", "y"]), false),
            (json!([]), false),
            (json!(5), false),
            (json!({ "a": 1 }), false),
            (json!("A"), false),
        ] {
            let result = check(json!({ "aud": aud }));
            assert_eq!(result.is_ok(), ok, "{aud}");
            if !ok {
                assert_eq!(result, Err(Rejection::WrongAudience), "{aud}");
            }
        }
    }

    #[test]
    fn the_user_id_is_a_bounded_non_empty_string() {
        let long = "u".repeat(MAX_USER_ID_BYTES);
        assert_eq!(check(json!({ "sub": long.clone() })).unwrap().user_id, long);
        for sub in [json!(42), json!(""), json!("u".repeat(257)), json!("a\nb"), json!(true), json!(["u"])] {
            assert_eq!(check(json!({ "sub": sub })), Err(Rejection::MissingUserClaim), "{sub}");
        }
    }

    #[test]
    fn reserved_context_keys_come_from_the_verified_claims_only() {
        let allowed = check(json!({ "email": "e", "userId": "forged", "rooms": 5 })).unwrap();
        assert_eq!(Value::Object(allowed.context), json!({ "email": "e", "userId": "u" }));
    }

    #[test]
    fn rooms_claim_is_filtered_deduplicated_and_bounded() {
        let context = |rooms: Value| check(json!({ "rooms": rooms })).unwrap().context;
        assert_eq!(context(json!(["lobby", "team:42", "a.b-c_d"]))["rooms"], "lobby,team:42,a.b-c_d");
        assert_eq!(context(json!("lobby, ops  dm:a:b"))["rooms"], "lobby,ops,dm:a:b");
        let sixty_four = "r".repeat(64);
        let bad = json!(["ok", "has space", "a,b", "", "r".repeat(65), 7, null, "ü", "ok", sixty_four]);
        assert_eq!(context(bad)["rooms"], format!("ok,{sixty_four}"));
        assert!(!context(json!([])).contains_key("rooms"));
        assert!(!context(json!({ "lobby": true })).contains_key("rooms"));
        assert!(!context(json!(["bad room"])).contains_key("rooms"));
        let many: Vec<String> = (0..150).map(|i| format!("room-{i}")).collect();
        let rooms = context(json!(many));
        let kept: Vec<&str> = rooms["rooms"].as_str().unwrap().split(',').collect();
        assert_eq!(kept.len(), MAX_CLAIMED_ROOMS);
        assert_eq!((kept[0], kept[99]), ("room-0", "room-99"));
    }

    #[test]
    fn rooms_claim_name_is_configurable() {
        let rules = ClaimRules { rooms_claim: "groups".into(), ..rules() };
        let claims = json!({ "sub": "u", "iss": "iss", "aud": "a", "exp": NOW + 60, "iat": NOW,
            "groups": ["g1"], "rooms": ["r1"] });
        let allowed = rules.check(claims.as_object().unwrap(), NOW * 1000).unwrap();
        assert_eq!(allowed.context["rooms"], "g1");
    }
}
