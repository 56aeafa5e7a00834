//! The stack's fixed shape: its routes and functions, and the names derived from the stack and stage.

use wsadm_core::Error;

/// The routes of the chat stack: key, the function behind it, and whether it replies to the sender.
pub(super) const ROUTES: &[(&str, FnRole, bool)] = &[
    ("$connect", FnRole::Connect, false),
    ("$disconnect", FnRole::Disconnect, false),
    ("$default", FnRole::Chat, true),
    ("join", FnRole::Chat, true),
    ("leave", FnRole::Chat, true),
    ("send", FnRole::Chat, true),
    ("ping", FnRole::Chat, true),
    ("whoami", FnRole::Chat, true),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum FnRole {
    Connect,
    Disconnect,
    Chat,
    Authorizer,
}

impl FnRole {
    pub(super) const ALL: [FnRole; 4] = [FnRole::Connect, FnRole::Disconnect, FnRole::Chat, FnRole::Authorizer];

    pub(super) fn suffix(self) -> &'static str {
        match self {
            FnRole::Connect => "connect",
            FnRole::Disconnect => "disconnect",
            FnRole::Chat => "chat",
            FnRole::Authorizer => "authorizer",
        }
    }
}

pub(super) fn function_name(stack: &str, role: FnRole) -> String {
    format!("{stack}-{}", role.suffix())
}

pub(super) fn table_name(stack: &str) -> String {
    format!("{stack}-sessions")
}

pub(super) fn role_name(stack: &str) -> String {
    format!("{stack}-wsadm-handlers")
}

pub(super) fn authorizer_name(stack: &str) -> String {
    format!("{stack}-jwt")
}

/// The Secrets Manager secret holding the HS256 key material.
pub(super) fn secret_name(stack: &str) -> String {
    format!("wsadm/{stack}/jwt-secret")
}

pub(super) fn lambda_log_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

pub(super) fn access_log_group(stack: &str, stage: &str) -> String {
    format!("/wsadm/{stack}/{stage}/access")
}

pub(super) fn execution_log_group(api_id: &str, stage: &str) -> String {
    format!("API-Gateway-Execution-Logs_{api_id}/{stage}")
}

/// Stack names end up in function, role, table and log group names: keep them to what all accept.
pub(super) fn validate_name(name: &str) -> Result<(), Error> {
    let ok = (1..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("`{name}` is not a valid stack name"),
            "use 1-40 letters, digits, '-' or '_', starting with a letter or digit (it prefixes function, role and table names)",
        ))
    }
}

pub(super) fn validate_stage(stage: &str) -> Result<(), Error> {
    let ok = (1..=128).contains(&stage.len()) && stage.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!("`{stage}` is not a valid stage name"), "use letters, digits, '-' and '_'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(validate_name("chat").is_ok());
        assert!(validate_name("chat_prod-2").is_ok());
        for bad in ["", "-chat", "chat room", "a/b", &"x".repeat(41)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
        assert!(validate_stage("prod").is_ok());
        assert!(validate_stage("pr od").is_err());
    }
}
