//! Why the authorizer refuses a connection, in a stable machine-readable form.

use std::fmt;

/// Why a connection was refused. [`Rejection::as_str`] is the stable, machine-readable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// No `Authorization: Bearer` header and no `token` query parameter.
    MissingToken,
    /// Not a well-formed JWT (shape, base64, JSON, claim types, missing `exp`).
    Malformed,
    /// Longer than the authorizer reads (8 KiB).
    TooLarge,
    /// The header has `crit`: it names extensions that must be understood, and none are.
    CritHeader,
    /// The header `typ` is not the configured one (`WSADM_JWT_TYP`).
    WrongType,
    BadSignature,
    Expired,
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    IssuedInFuture,
    /// `iat` is older than `WSADM_JWT_MAX_AGE_SECS`.
    TooOld,
    /// `WSADM_JWT_MAX_AGE_SECS` is set and the token has no `iat`.
    MissingIat,
    WrongIssuer,
    WrongAudience,
    /// No JWKS key matches the token's `kid` (or, without a kid, no single key matches its algorithm).
    UnknownKid,
    /// The token's `alg` is not accepted by the configured key source (`none`, HS256 in JWKS mode, …).
    AlgorithmNotAllowed,
    /// The user claim is missing, empty, not a string, longer than 256 bytes or holds control characters.
    MissingUserClaim,
    /// The JWKS could not be loaded and no trusted copy (younger than the max age) is cached.
    JwksUnavailable,
    /// The Secrets Manager secret could not be read (or is invalid) and no usable copy is cached.
    SecretUnavailable,
}

impl Rejection {
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::MissingToken => "missing_token",
            Rejection::Malformed => "malformed",
            Rejection::TooLarge => "too_large",
            Rejection::CritHeader => "crit_header",
            Rejection::WrongType => "wrong_typ",
            Rejection::BadSignature => "bad_signature",
            Rejection::Expired => "expired",
            Rejection::NotYetValid => "not_yet_valid",
            Rejection::IssuedInFuture => "issued_in_future",
            Rejection::TooOld => "too_old",
            Rejection::MissingIat => "missing_iat",
            Rejection::WrongIssuer => "wrong_issuer",
            Rejection::WrongAudience => "wrong_audience",
            Rejection::UnknownKid => "unknown_kid",
            Rejection::AlgorithmNotAllowed => "algorithm_not_allowed",
            Rejection::MissingUserClaim => "missing_user_claim",
            Rejection::JwksUnavailable => "jwks_unavailable",
            Rejection::SecretUnavailable => "secret_unavailable",
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
            Rejection::TooLarge,
            Rejection::CritHeader,
            Rejection::WrongType,
            Rejection::BadSignature,
            Rejection::Expired,
            Rejection::NotYetValid,
            Rejection::IssuedInFuture,
            Rejection::TooOld,
            Rejection::MissingIat,
            Rejection::WrongIssuer,
            Rejection::WrongAudience,
            Rejection::UnknownKid,
            Rejection::AlgorithmNotAllowed,
            Rejection::MissingUserClaim,
            Rejection::JwksUnavailable,
            Rejection::SecretUnavailable,
        ];
        let reasons: std::collections::HashSet<_> = all.iter().map(|r| r.as_str()).collect();
        assert_eq!(reasons.len(), all.len());
        assert!(reasons.iter().all(|r| r.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert_eq!(Rejection::NotYetValid.to_string(), "not_yet_valid");
    }
}
