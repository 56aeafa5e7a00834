//! The HS256 secret: read from the operator's source, kept only in Secrets Manager as the JSON
//! `{"current", "previous", "previous_until"}` the authorizer reads, compared without ever being
//! shown, and replaced only when asked (`--rotate-secret`), so a mistyped secret never locks every
//! user out. This file is the pure part; `converge/secret.rs` talks to Secrets Manager.

use super::diff::Diff;
use super::report::Change;
use crate::cli::ProvisionCommand;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use wsadm_core::Error;

/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash (256 bits).
pub(super) const MIN_SECRET_BYTES: usize = 32;
/// Far more than any real key; keeps the stored JSON well under Secrets Manager's 64 KB.
const MAX_SECRET_BYTES: usize = 4096;
pub(super) const DEFAULT_GRACE: Duration = Duration::from_secs(3600);
/// Old secrets should die soon: a week covers any sane token lifetime.
pub(super) const MAX_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);

/// Key material. Its `Debug` is redacted, so it never reaches a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct Secret(String);

impl Secret {
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<{} bytes, redacted>)", self.0.len())
    }
}

/// The secret provision wants, and what to do when Secrets Manager holds another one.
#[derive(Debug, Clone)]
pub(super) struct SecretSpec {
    pub(super) name: String,
    pub(super) value: Secret,
    /// Where it came from, for messages (`--jwt-secret-env CHAT_SECRET`).
    pub(super) source: String,
    pub(super) rotate: bool,
    pub(super) grace: Duration,
}

/// The secret's SecretString (the shared contract's format).
#[derive(Serialize, Deserialize, Clone, PartialEq)]
pub(super) struct Stored {
    pub(super) current: String,
    pub(super) previous: Option<String>,
    pub(super) previous_until: Option<i64>,
}

impl Stored {
    pub(super) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What the secret step does.
#[derive(Debug, PartialEq)]
pub(super) enum Plan {
    /// CreateSecret with this SecretString.
    Create(Stored),
    Unchanged,
    /// PutSecretValue with this SecretString; the changes are masked.
    Rotate(Stored, Vec<Change>),
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Stored {{ previous: {}, previous_until: {:?} }}", self.previous.is_some(), self.previous_until)
    }
}

/// Reads the HS256 secret from `--jwt-secret-env`/`--jwt-secret-file`, refusing a short one.
pub(super) fn read(p: &ProvisionCommand) -> Result<Option<(Secret, String)>, Error> {
    let (value, source) = if let Some(var) = &p.jwt_secret_env {
        let v = std::env::var(var).unwrap_or_default();
        if v.is_empty() {
            return Err(Error::invalid(
                format!("--jwt-secret-env {var}: the environment variable {var} is not set or empty"),
                format!("export {var}=\"$(openssl rand -base64 48)\" (at least 32 random bytes) and run again"),
            ));
        }
        (v, format!("--jwt-secret-env {var}"))
    } else if let Some(file) = &p.jwt_secret_file {
        let v = std::fs::read_to_string(file).map_err(|source| Error::Io {
            context: format!("cannot read --jwt-secret-file {}", file.display()),
            source,
        })?;
        let v = v.trim_end_matches(['\r', '\n']).to_string();
        if v.is_empty() {
            return Err(Error::invalid(
                format!("--jwt-secret-file {} is empty", file.display()),
                "put the HS256 secret in it (at least 32 random bytes, e.g. `openssl rand -base64 48`)",
            ));
        }
        (v, format!("--jwt-secret-file {}", file.display()))
    } else {
        return Ok(None);
    };
    if value.len() < MIN_SECRET_BYTES {
        return Err(Error::invalid(
            format!(
                "the HS256 secret of {source} is {} bytes; it must be at least {MIN_SECRET_BYTES} (RFC 7518: as long as the hash)",
                value.len()
            ),
            "make a strong one with `openssl rand -base64 48` (then sign your tokens with it too)",
        ));
    }
    if value.len() > MAX_SECRET_BYTES {
        return Err(Error::invalid(
            format!("the HS256 secret of {source} is {} bytes; at most {MAX_SECRET_BYTES} are accepted", value.len()),
            "use 32-64 random bytes, e.g. `openssl rand -base64 48`",
        ));
    }
    Ok(Some((Secret(value), source)))
}

fn when(t: Option<i64>) -> Option<String> {
    t.map(|t| jiff::Timestamp::from_second(t).map(|ts| ts.to_string()).unwrap_or_else(|_| t.to_string()))
}

/// Compares what Secrets Manager holds (`stored`: its SecretString, if the secret exists) with
/// what is wanted, at unix time `now`. Warnings are pushed for a rotation with nothing to do.
pub(super) fn plan(
    stored: Option<&str>,
    spec: &SecretSpec,
    now: i64,
    warnings: &mut Vec<String>,
) -> Result<Plan, Error> {
    let want = spec.value.expose();
    let Some(raw) = stored else {
        if spec.rotate {
            warnings.push(format!("--rotate-secret: {} did not exist yet; it is created", spec.name));
        }
        return Ok(Plan::Create(Stored { current: want.to_string(), previous: None, previous_until: None }));
    };
    let old: Stored = serde_json::from_str(raw).map_err(|_| {
        Error::invalid(
            format!(
                "secret {} does not hold wsadm's JSON ({{\"current\", \"previous\", \"previous_until\"}}); nothing was changed",
                spec.name
            ),
            format!(
                "restore its value, or delete it (aws secretsmanager delete-secret --secret-id {} --force-delete-without-recovery) and provision again",
                spec.name
            ),
        )
    })?;
    if old.current == want {
        if spec.rotate {
            warnings.push(format!(
                "--rotate-secret: the secret of {} is already the current one in {}; nothing rotated",
                spec.source, spec.name
            ));
        }
        return Ok(Plan::Unchanged);
    }
    if !spec.rotate {
        return Err(Error::invalid(
            format!(
                "the HS256 secret of {} differs from the one in Secrets Manager ({}); nothing was changed",
                spec.source, spec.name
            ),
            "to replace it, run again with --rotate-secret (tokens signed with the old secret keep working for \
             --rotation-grace, default 1h); if you did not mean to change it, give the secret the stack was provisioned with",
        ));
    }
    let grace = spec.grace.as_secs_f64().ceil() as i64;
    let new = if grace == 0 {
        Stored { current: want.to_string(), previous: None, previous_until: None }
    } else {
        Stored { current: want.to_string(), previous: Some(old.current.clone()), previous_until: Some(now + grace) }
    };
    let mut diff = Diff::default();
    diff.secret("current", Some(&old.current), Some(&new.current));
    diff.secret("previous", old.previous.as_ref(), new.previous.as_ref());
    diff.field("previous_until", when(old.previous_until), when(new.previous_until));
    Ok(Plan::Rotate(new, diff.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(value: &str, rotate: bool, grace: u64) -> SecretSpec {
        SecretSpec {
            name: "wsadm/chat/jwt-secret".into(),
            value: Secret(value.into()),
            source: "--jwt-secret-env S".into(),
            rotate,
            grace: Duration::from_secs(grace),
        }
    }

    const A: &str = "a-secret-of-at-least-32-bytes-aaaaaaaa";
    const B: &str = "b-secret-of-at-least-32-bytes-bbbbbbbb";

    fn stored(current: &str) -> String {
        Stored { current: current.into(), previous: None, previous_until: None }.to_json()
    }

    #[test]
    fn the_stored_json_is_the_contracts() {
        let v: serde_json::Value = serde_json::from_str(&stored(A)).unwrap();
        assert_eq!(v, serde_json::json!({"current": A, "previous": null, "previous_until": null}));
    }

    #[test]
    fn create_unchanged_and_a_refused_change() {
        let mut w = Vec::new();
        assert_eq!(
            plan(None, &spec(A, false, 3600), 100, &mut w).unwrap(),
            Plan::Create(Stored { current: A.into(), previous: None, previous_until: None })
        );
        assert_eq!(plan(Some(&stored(A)), &spec(A, false, 3600), 100, &mut w).unwrap(), Plan::Unchanged);
        assert!(w.is_empty());
        let e = plan(Some(&stored(A)), &spec(B, false, 3600), 100, &mut w).unwrap_err();
        assert!(e.to_string().contains("differs") && e.hint().unwrap().contains("--rotate-secret"), "{e}");
        let e = plan(Some("not json"), &spec(A, false, 3600), 100, &mut w).unwrap_err();
        assert!(e.hint().unwrap().contains("delete-secret"), "{e}");
    }

    #[test]
    fn rotation_keeps_the_old_secret_for_the_grace_and_never_shows_either() {
        let mut w = Vec::new();
        let Plan::Rotate(new, changes) = plan(Some(&stored(A)), &spec(B, true, 3600), 1_000, &mut w).unwrap() else {
            panic!("expected a rotation")
        };
        assert_eq!(new, Stored { current: B.into(), previous: Some(A.into()), previous_until: Some(4_600) });
        let shown = format!("{changes:?} {new:?}");
        assert!(!shown.contains(A) && !shown.contains(B), "{shown}");
        assert_eq!(
            changes[0],
            Change { field: "current".into(), from: Some("********".into()), to: Some("********".into()) }
        );
        assert_eq!(changes[1], Change { field: "previous".into(), from: None, to: Some("********".into()) });
        assert_eq!(changes[2].to.as_deref(), Some("1970-01-01T01:16:40Z"));
        // Grace 0: the old secret is dropped at once (a leaked secret).
        let Plan::Rotate(new, _) = plan(Some(&stored(A)), &spec(B, true, 0), 1_000, &mut w).unwrap() else {
            panic!("expected a rotation")
        };
        assert_eq!((new.previous, new.previous_until), (None, None));
        // Rotating to the secret already current: nothing to do, said so.
        assert_eq!(plan(Some(&stored(B)), &spec(B, true, 3600), 1_000, &mut w).unwrap(), Plan::Unchanged);
        assert!(w[0].contains("nothing rotated"), "{w:?}");
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let s = spec(A, false, 1);
        assert!(!format!("{s:?}").contains(A));
    }
}
