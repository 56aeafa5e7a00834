//! Route responses (two-way routes): they live under their route; only `$default` is supported.

use super::apis::WEBSOCKET;
use super::errors::{bad, conflict, route_not_found, route_response_not_found, Result};
use super::ids::{new_id, CHILD_ID_LEN};
use super::paging::{page, Page};
use super::store::ControlPlane;
use super::wire::{json, no_content, parse_body, required, Query, Reply};
use crate::model::RouteResponse;
use hyper::StatusCode;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RouteResponseInput {
    route_response_key: Option<String>,
    model_selection_expression: Option<String>,
}

impl ControlPlane {
    pub(super) fn list_route_responses(&self, api_id: &str, route_id: &str, q: &Query) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let empty = BTreeMap::new();
        let (items, next_token) = page(state.route_responses.get(route_id).unwrap_or(&empty), q)?;
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }

    pub(super) fn get_route_response(&self, api_id: &str, route_id: &str, rr_id: &str) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let rr = state.route_responses.get(route_id).and_then(|m| m.get(rr_id));
        rr.map(|rr| json(StatusCode::OK, rr)).ok_or_else(|| route_response_not_found(rr_id))
    }

    pub(super) fn create_route_response(&self, api_id: &str, route_id: &str, body: &[u8]) -> Result<Reply> {
        let input: RouteResponseInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let key = required(input.route_response_key, "routeResponseKey")?;
        validate_route_response_key(&state.api.protocol_type, &key)?;
        let responses = state.route_responses.entry(route_id.to_string()).or_default();
        if responses.values().any(|r| r.route_response_key == key) {
            return Err(conflict(format!("A RouteResponse with key {key} already exists for this Route")));
        }
        let rr = RouteResponse {
            route_response_id: new_id(CHILD_ID_LEN, |id| responses.contains_key(id)),
            route_response_key: key,
            model_selection_expression: input.model_selection_expression,
        };
        responses.insert(rr.route_response_id.clone(), rr.clone());
        Ok(json(StatusCode::CREATED, &rr))
    }

    pub(super) fn update_route_response(
        &self,
        api_id: &str,
        route_id: &str,
        rr_id: &str,
        body: &[u8],
    ) -> Result<Reply> {
        let input: RouteResponseInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let protocol = state.api.protocol_type.clone();
        let responses = state.route_responses.get_mut(route_id).ok_or_else(|| route_response_not_found(rr_id))?;
        let mut rr = responses.get(rr_id).cloned().ok_or_else(|| route_response_not_found(rr_id))?;
        if let Some(key) = input.route_response_key {
            validate_route_response_key(&protocol, &key)?;
            if responses.values().any(|r| r.route_response_key == key && r.route_response_id != rr_id) {
                return Err(conflict(format!("A RouteResponse with key {key} already exists for this Route")));
            }
            rr.route_response_key = key;
        }
        if let Some(m) = input.model_selection_expression {
            rr.model_selection_expression = Some(m).filter(|m| !m.is_empty());
        }
        responses.insert(rr.route_response_id.clone(), rr.clone());
        Ok(json(StatusCode::OK, &rr))
    }

    pub(super) fn delete_route_response(&self, api_id: &str, route_id: &str, rr_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let responses = state.route_responses.get_mut(route_id).ok_or_else(|| route_response_not_found(rr_id))?;
        responses.remove(rr_id).ok_or_else(|| route_response_not_found(rr_id))?;
        if responses.is_empty() {
            state.route_responses.remove(route_id);
        }
        Ok(no_content())
    }
}

pub(super) fn validate_route_response_selection_expression(protocol: &str, expr: Option<&str>) -> Result<()> {
    match expr {
        None => Ok(()),
        Some(_) if protocol != WEBSOCKET => {
            Err(bad("routeResponseSelectionExpression is supported only for WEBSOCKET"))
        }
        Some("$default") => Ok(()),
        Some(other) => {
            Err(bad(format!("Invalid routeResponseSelectionExpression {other}: only $default is supported")))
        }
    }
}

fn validate_route_response_key(protocol: &str, key: &str) -> Result<()> {
    if protocol != WEBSOCKET {
        return Err(bad("Route responses are supported only for WEBSOCKET APIs"));
    }
    if key != "$default" {
        return Err(bad(format!("Invalid routeResponseKey {key}: only $default is supported")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::is_bad;

    #[test]
    fn route_response_rules() {
        assert!(validate_route_response_key(WEBSOCKET, "$default").is_ok());
        assert!(is_bad(validate_route_response_key(WEBSOCKET, "ok")));
        assert!(validate_route_response_selection_expression(WEBSOCKET, Some("$default")).is_ok());
        assert!(validate_route_response_selection_expression(WEBSOCKET, None).is_ok());
        assert!(is_bad(validate_route_response_selection_expression(WEBSOCKET, Some("$request.body.x"))));
    }
}
