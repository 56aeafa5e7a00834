//! Authorizers: create, update and delete (reads are generic), and their types and identity sources.

use super::apis::validate_name;
use super::apis::WEBSOCKET;
use super::errors::{authorizer_not_found, bad, conflict, Result};
use super::ids::{new_id, CHILD_ID_LEN};
use super::store::ControlPlane;
use super::wire::{json, no_content, parse_body, required, Reply};
use crate::model::Authorizer;
use hyper::StatusCode;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthorizerInput {
    name: Option<String>,
    authorizer_type: Option<String>,
    authorizer_uri: Option<String>,
    identity_source: Option<Vec<String>>,
    authorizer_result_ttl_in_seconds: Option<i32>,
    authorizer_credentials_arn: Option<String>,
}

impl ControlPlane {
    pub(super) fn create_authorizer(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: AuthorizerInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let name = required(input.name, "name")?;
        let authorizer_type = required(input.authorizer_type, "authorizerType")?;
        if state.authorizers.values().any(|a| a.name == name) {
            return Err(conflict(format!("An Authorizer named {name} already exists in this API")));
        }
        let authorizer = Authorizer {
            authorizer_id: new_id(CHILD_ID_LEN, |id| state.authorizers.contains_key(id)),
            name,
            authorizer_type,
            authorizer_uri: input.authorizer_uri,
            identity_source: input.identity_source.unwrap_or_default(),
            authorizer_result_ttl_in_seconds: input.authorizer_result_ttl_in_seconds,
            authorizer_credentials_arn: input.authorizer_credentials_arn,
        };
        validate_authorizer(&state.api.protocol_type, &authorizer)?;
        state.authorizers.insert(authorizer.authorizer_id.clone(), authorizer.clone());
        Ok(json(StatusCode::CREATED, &authorizer))
    }

    pub(super) fn update_authorizer(&self, api_id: &str, authorizer_id: &str, body: &[u8]) -> Result<Reply> {
        let input: AuthorizerInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut a = state.authorizers.get(authorizer_id).cloned().ok_or_else(|| authorizer_not_found(authorizer_id))?;
        if let Some(name) = input.name {
            if state.authorizers.values().any(|o| o.name == name && o.authorizer_id != authorizer_id) {
                return Err(conflict(format!("An Authorizer named {name} already exists in this API")));
            }
            a.name = name;
        }
        if let Some(t) = input.authorizer_type {
            a.authorizer_type = t;
        }
        if let Some(u) = input.authorizer_uri {
            a.authorizer_uri = Some(u).filter(|u| !u.is_empty());
        }
        if let Some(sources) = input.identity_source {
            a.identity_source = sources;
        }
        if let Some(ttl) = input.authorizer_result_ttl_in_seconds {
            a.authorizer_result_ttl_in_seconds = Some(ttl);
        }
        if let Some(c) = input.authorizer_credentials_arn {
            a.authorizer_credentials_arn = Some(c).filter(|c| !c.is_empty());
        }
        validate_authorizer(&state.api.protocol_type, &a)?;
        state.authorizers.insert(a.authorizer_id.clone(), a.clone());
        Ok(json(StatusCode::OK, &a))
    }

    pub(super) fn delete_authorizer(&self, api_id: &str, authorizer_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let a = state.authorizers.get(authorizer_id).ok_or_else(|| authorizer_not_found(authorizer_id))?;
        // AWS answers 409 "Cannot delete authorizer 'x', is referenced in route: ..." here.
        if let Some(r) = state.routes.values().find(|r| r.authorizer_id.as_deref() == Some(authorizer_id)) {
            return Err(conflict(format!(
                "Cannot delete authorizer '{}', is referenced in route: {}",
                a.name, r.route_key
            )));
        }
        state.authorizers.remove(authorizer_id);
        Ok(no_content())
    }
}

/// WebSocket REQUEST authorizer identity sources (AWS's forms; `$`-less, unlike HTTP APIs).
fn validate_identity_source(protocol: &str, source: &str) -> Result<()> {
    if protocol != WEBSOCKET {
        return Ok(());
    }
    const PREFIXES: &[&str] = &["route.request.header.", "route.request.querystring.", "stageVariables.", "context."];
    let ok = PREFIXES.iter().any(|p| source.strip_prefix(p).is_some_and(|rest| !rest.is_empty()));
    if ok {
        Ok(())
    } else {
        Err(bad(format!(
            "Invalid identitySource {source}: expected route.request.header.<name>, route.request.querystring.<name>, stageVariables.<name> or context.<name>"
        )))
    }
}

fn validate_authorizer(protocol: &str, a: &Authorizer) -> Result<()> {
    validate_name(&a.name)?;
    let types: &[&str] = if protocol == WEBSOCKET { &["REQUEST"] } else { &["REQUEST", "JWT"] };
    if !types.contains(&a.authorizer_type.as_str()) {
        return Err(bad(format!(
            "Invalid authorizerType {}: {protocol} APIs support {}",
            a.authorizer_type,
            types.join(", ")
        )));
    }
    if a.authorizer_type == "REQUEST" {
        match a.authorizer_uri.as_deref() {
            None | Some("") => return Err(bad("authorizerUri is required for REQUEST authorizers")),
            Some(uri) if !uri.starts_with("arn:") => return Err(bad(format!("Invalid authorizerUri {uri}"))),
            _ => {}
        }
        // No identity source is allowed: WebSocket authorizers never cache, so such an
        // authorizer is invoked on every $connect (see the data plane's `admit`).
    }
    for source in &a.identity_source {
        validate_identity_source(protocol, source)?;
    }
    if protocol == WEBSOCKET && a.authorizer_result_ttl_in_seconds.is_some() {
        // AWS's answer: results are cached only for HTTP APIs.
        return Err(bad("AuthorizerResultTtlInSeconds cannot be set for WEBSOCKET protocol Apis."));
    }
    if let Some(ttl) = a.authorizer_result_ttl_in_seconds {
        if !(0..=3600).contains(&ttl) {
            return Err(bad("authorizerResultTtlInSeconds must be between 0 and 3600"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::is_bad;

    fn authorizer(t: &str, sources: &[&str]) -> Authorizer {
        Authorizer {
            name: "auth".into(),
            authorizer_type: t.into(),
            authorizer_uri: Some("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations".into()),
            identity_source: sources.iter().map(|s| s.to_string()).collect(),
            ..Authorizer::default()
        }
    }

    #[test]
    fn authorizers() {
        let ok = authorizer("REQUEST", &["route.request.header.Authorization", "route.request.querystring.token"]);
        assert!(validate_authorizer(WEBSOCKET, &ok).is_ok());
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("TOKEN", &["route.request.header.A"]))));
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("JWT", &["route.request.header.A"]))));
        assert!(
            validate_authorizer(WEBSOCKET, &authorizer("REQUEST", &[])).is_ok(),
            "no identity source: always invoked"
        );
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("REQUEST", &["$request.header.A"]))));
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("REQUEST", &["route.request.header."]))));
        let mut no_uri = ok.clone();
        no_uri.authorizer_uri = None;
        assert!(is_bad(validate_authorizer(WEBSOCKET, &no_uri)));
        let mut ttl = ok;
        ttl.authorizer_result_ttl_in_seconds = Some(0);
        assert!(is_bad(validate_authorizer(WEBSOCKET, &ttl)), "WebSocket authorizers take no TTL");
        assert!(validate_authorizer("HTTP", &ttl).is_ok());
        ttl.authorizer_result_ttl_in_seconds = Some(3601);
        assert!(is_bad(validate_authorizer("HTTP", &ttl)));
    }
}
