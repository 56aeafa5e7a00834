//! Routes: create, update and delete (reads are generic), route keys, authorization and targets.

use super::apis::WEBSOCKET;
use super::errors::{bad, conflict, route_not_found, Result};
use super::ids::{new_id, CHILD_ID_LEN};
use super::route_responses::validate_route_response_selection_expression;
use super::store::ControlPlane;
use super::wire::{json, no_content, parse_body, required, Reply};
use crate::model::{ApiState, Route};
use hyper::StatusCode;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RouteInput {
    route_key: Option<String>,
    target: Option<String>,
    authorization_type: Option<String>,
    authorizer_id: Option<String>,
    api_key_required: Option<bool>,
    route_response_selection_expression: Option<String>,
    operation_name: Option<String>,
}

impl ControlPlane {
    pub(super) fn create_route(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: RouteInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let key = required(input.route_key, "routeKey")?;
        validate_route_key(&state.api.protocol_type, &key)?;
        if state.route_by_key(&key).is_some() {
            return Err(conflict(format!("Unable to create Route, a Route already exists with key {key}")));
        }
        let route = Route {
            route_id: new_id(CHILD_ID_LEN, |id| state.routes.contains_key(id)),
            route_key: key,
            target: input.target.filter(|t| !t.is_empty()),
            authorization_type: input.authorization_type.unwrap_or_else(|| "NONE".into()),
            authorizer_id: input.authorizer_id.filter(|a| !a.is_empty()),
            api_key_required: input.api_key_required.unwrap_or(false),
            route_response_selection_expression: input.route_response_selection_expression.filter(|e| !e.is_empty()),
            operation_name: input.operation_name,
        };
        check_route(state, &route)?;
        state.routes.insert(route.route_id.clone(), route.clone());
        Ok(json(StatusCode::CREATED, &route))
    }

    pub(super) fn update_route(&self, api_id: &str, route_id: &str, body: &[u8]) -> Result<Reply> {
        let input: RouteInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut route = state.routes.get(route_id).cloned().ok_or_else(|| route_not_found(route_id))?;
        if let Some(key) = input.route_key {
            validate_route_key(&state.api.protocol_type, &key)?;
            if state.routes.values().any(|r| r.route_key == key && r.route_id != route_id) {
                return Err(conflict(format!("Unable to update Route, a Route already exists with key {key}")));
            }
            route.route_key = key;
        }
        if let Some(t) = input.authorization_type {
            // Switching away from an authorizer detaches it, as AWS does for NONE/AWS_IAM.
            if !uses_authorizer(&t) && input.authorizer_id.is_none() {
                route.authorizer_id = None;
            }
            route.authorization_type = t;
        }
        if let Some(a) = input.authorizer_id {
            route.authorizer_id = Some(a).filter(|a| !a.is_empty());
        }
        if let Some(t) = input.target {
            route.target = Some(t).filter(|t| !t.is_empty());
        }
        if let Some(v) = input.api_key_required {
            route.api_key_required = v;
        }
        if let Some(e) = input.route_response_selection_expression {
            route.route_response_selection_expression = Some(e).filter(|e| !e.is_empty());
        }
        if let Some(o) = input.operation_name {
            route.operation_name = Some(o).filter(|o| !o.is_empty());
        }
        check_route(state, &route)?;
        state.routes.insert(route.route_id.clone(), route.clone());
        Ok(json(StatusCode::OK, &route))
    }

    pub(super) fn delete_route(&self, api_id: &str, route_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        state.routes.remove(route_id).ok_or_else(|| route_not_found(route_id))?;
        // Route responses live under their route; they go with it.
        state.route_responses.remove(route_id);
        Ok(no_content())
    }
}

fn validate_route_key(protocol: &str, key: &str) -> Result<()> {
    if protocol == WEBSOCKET {
        let ok = match key {
            "$connect" | "$disconnect" | "$default" => true,
            custom => !custom.starts_with('$') && (1..=128).contains(&custom.chars().count()),
        };
        if !ok {
            return Err(bad(format!(
                "Invalid routeKey {key}: use $connect, $disconnect, $default or a custom key of 1-128 characters not starting with $"
            )));
        }
        return Ok(());
    }
    // HTTP: `$default` or `METHOD /path`.
    const METHODS: &[&str] = &["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    let ok = key == "$default"
        || key.split_once(' ').is_some_and(|(m, p)| METHODS.contains(&m) && p.starts_with('/') && !p.contains(' '));
    if ok {
        Ok(())
    } else {
        Err(bad(format!("Invalid routeKey {key}: use $default or '<METHOD> /<path>'")))
    }
}

fn uses_authorizer(authorization_type: &str) -> bool {
    matches!(authorization_type, "CUSTOM" | "JWT")
}

/// The route-local part of the authorization rules; the authorizer's existence is checked by
/// `check_route`, which has the API.
fn validate_authorization(protocol: &str, route_key: &str, auth_type: &str, authorizer_id: Option<&str>) -> Result<()> {
    let allowed: &[&str] =
        if protocol == WEBSOCKET { &["NONE", "AWS_IAM", "CUSTOM"] } else { &["NONE", "AWS_IAM", "CUSTOM", "JWT"] };
    if !allowed.contains(&auth_type) {
        return Err(bad(format!("Invalid authorizationType {auth_type}: must be one of {}", allowed.join(", "))));
    }
    if protocol == WEBSOCKET && auth_type != "NONE" && route_key != "$connect" {
        return Err(bad("Currently, authorization is restricted to the $connect route only"));
    }
    match (uses_authorizer(auth_type), authorizer_id) {
        (true, None) => Err(bad(format!("authorizerId is required when authorizationType is {auth_type}"))),
        (false, Some(_)) => Err(bad(format!("authorizerId is not allowed when authorizationType is {auth_type}"))),
        _ => Ok(()),
    }
}

/// The integration id a route target names (`integrations/{id}`).
fn parse_target(target: &str) -> Result<&str> {
    match target.strip_prefix("integrations/") {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) => Ok(id),
        _ => Err(bad(format!("Invalid target {target}: expected integrations/<integrationId>"))),
    }
}

/// Every rule a route must satisfy against its API.
fn check_route(state: &ApiState, route: &Route) -> Result<()> {
    let protocol = state.api.protocol_type.as_str();
    validate_route_key(protocol, &route.route_key)?;
    validate_authorization(protocol, &route.route_key, &route.authorization_type, route.authorizer_id.as_deref())?;
    if let Some(id) = &route.authorizer_id {
        let a = state.authorizers.get(id).ok_or_else(|| bad(format!("Invalid authorizer id specified: {id}")))?;
        let expected = if route.authorization_type == "JWT" { "JWT" } else { "REQUEST" };
        if a.authorizer_type != expected {
            return Err(bad(format!(
                "Authorizer {id} is of type {}, which authorizationType {} cannot use",
                a.authorizer_type, route.authorization_type
            )));
        }
    }
    if let Some(target) = &route.target {
        let id = parse_target(target)?;
        if !state.integrations.contains_key(id) {
            return Err(bad(format!("Invalid target {target}: no integration {id} in this API")));
        }
    }
    validate_route_response_selection_expression(protocol, route.route_response_selection_expression.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::apis::HTTP;
    use crate::control::errors::is_bad;

    #[test]
    fn websocket_route_keys() {
        for ok in ["$connect", "$disconnect", "$default", "send", "a", &"x".repeat(128)] {
            assert!(validate_route_key(WEBSOCKET, ok).is_ok(), "{ok}");
        }
        for no in ["", "$foo", "$Connect", &"x".repeat(129)] {
            assert!(is_bad(validate_route_key(WEBSOCKET, no)), "{no}");
        }
        assert!(validate_route_key(HTTP, "GET /items").is_ok());
        assert!(validate_route_key(HTTP, "$default").is_ok());
        assert!(is_bad(validate_route_key(HTTP, "send")));
    }

    #[test]
    fn authorization_rules() {
        assert!(validate_authorization(WEBSOCKET, "$connect", "CUSTOM", Some("abc1234")).is_ok());
        assert!(validate_authorization(WEBSOCKET, "$connect", "AWS_IAM", None).is_ok());
        assert!(validate_authorization(WEBSOCKET, "send", "NONE", None).is_ok());
        assert!(is_bad(validate_authorization(WEBSOCKET, "send", "CUSTOM", Some("abc1234"))));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$default", "AWS_IAM", None)));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$connect", "CUSTOM", None)));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$connect", "NONE", Some("abc1234"))));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$connect", "JWT", Some("abc1234"))));
        assert!(validate_authorization(HTTP, "GET /x", "JWT", Some("abc1234")).is_ok());
    }

    #[test]
    fn targets() {
        assert_eq!(parse_target("integrations/abc1234"), Ok("abc1234"));
        for no in ["", "integrations/", "abc1234", "integrations/a/b", "lambda:arn"] {
            assert!(is_bad(parse_target(no)), "{no}");
        }
    }
}
