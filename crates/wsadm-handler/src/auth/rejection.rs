//! Why the authorizer refuses a connection, in a stable machine-readable form.

use std::fmt;

/// Why a connection was refused. [`Rejection::as_str`] is the stable, machine-readable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// No `Authorization: Bearer` header and no `token` query parameter.
    MissingToken,
    /// Not a well-formed JWT (shape, base64, JSON, claim types, missing `exp`).
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
    /// No JWKS key matches the token's `kid` (or, without a kid, no single key matches its algorithm).
    UnknownKid,
    /// The token's `alg` is not accepted by the configured key source (`none`, HS256 in JWKS mode, …).
    AlgorithmNotAllowed,
    MissingUserClaim,
    /// The JWKS could not be loaded and no earlier copy is cached.
    JwksUnavailable,
}

impl Rejection {
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::MissingToken => "missing_token",
            Rejection::Malformed => "malformed",
            Rejection::BadSignature => "bad_signature",
            Rejection::Expired => "expired",
            Rejection::NotYetValid => "not_yet_valid",
            Rejection::WrongIssuer => "wrong_issuer",
            Rejection::WrongAudience => "wrong_audience",
            Rejection::UnknownKid => "unknown_kid",
            Rejection::AlgorithmNotAllowed => "algorithm_not_allowed",
            Rejection::MissingUserClaim => "missing_user_claim",
            Rejection::JwksUnavailable => "jwks_unavailable",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Rejection {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rejection_has_a_distinct_snake_case_reason() {
        let all = [
            Rejection::MissingToken,
            Rejection::Malformed,
            Rejection::BadSignature,
            Rejection::Expired,
            Rejection::NotYetValid,
            Rejection::WrongIssuer,
            Rejection::WrongAudience,
            Rejection::UnknownKid,
            Rejection::AlgorithmNotAllowed,
            Rejection::MissingUserClaim,
            Rejection::JwksUnavailable,
        ];
        let reasons: std::collections::HashSet<_> = all.iter().map(|r| r.as_str()).collect();
        assert_eq!(reasons.len(), all.len());
        assert!(reasons.iter().all(|r| r.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert_eq!(Rejection::NotYetValid.to_string(), "not_yet_valid");
    }
}
