//! APIs: create, read, update and delete, and the rules for names and selection expressions.

use super::errors::{bad, Result};
use super::ids::{new_id, API_ID_LEN};
use super::paging::{page, Page};
use super::store::ControlPlane;
use super::tags::validate_tags;
use super::wire::{json, no_content, parse_body, required, Query, Reply};
use crate::model::{Api, ApiState};
use crate::time::now_iso8601;
use hyper::StatusCode;
use serde::Deserialize;
use std::collections::BTreeMap;

// An API's two protocol types; many rules differ between them.
pub(super) const WEBSOCKET: &str = "WEBSOCKET";
pub(super) const HTTP: &str = "HTTP";

const HTTP_ROUTE_SELECTION_EXPRESSION: &str = "${request.method} ${request.path}";
const DEFAULT_API_KEY_SELECTION_EXPRESSION: &str = "$request.header.x-api-key";

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiInput {
    name: Option<String>,
    protocol_type: Option<String>,
    route_selection_expression: Option<String>,
    api_key_selection_expression: Option<String>,
    description: Option<String>,
    disable_execute_api_endpoint: Option<bool>,
    tags: Option<BTreeMap<String, String>>,
}

impl ControlPlane {
    pub(super) fn create_api(&self, body: &[u8]) -> Result<Reply> {
        let input: ApiInput = parse_body(body)?;
        let name = required(input.name, "name")?;
        validate_name(&name)?;
        let protocol = required(input.protocol_type, "protocolType")?;
        validate_protocol_type(&protocol)?;
        let rse = match (protocol.as_str(), input.route_selection_expression) {
            (WEBSOCKET, None) => return Err(bad("RouteSelectionExpression is required for WEBSOCKET APIs")),
            (_, None) => HTTP_ROUTE_SELECTION_EXPRESSION.to_string(),
            (_, Some(e)) => e,
        };
        validate_route_selection_expression(&protocol, &rse)?;
        let akse = input.api_key_selection_expression.unwrap_or_else(|| DEFAULT_API_KEY_SELECTION_EXPRESSION.into());
        validate_api_key_selection_expression(&akse)?;
        let tags = input.tags.unwrap_or_default();
        validate_tags(&tags)?;

        let mut apis = self.write();
        let api_id = new_id(API_ID_LEN, |id| apis.contains_key(id));
        let scheme = match (protocol == WEBSOCKET, self.secure) {
            (true, false) => "ws",
            (true, true) => "wss",
            (false, false) => "http",
            (false, true) => "https",
        };
        let api = Api {
            api_endpoint: format!("{scheme}://{}/apis/{api_id}", self.endpoint_host),
            api_id: api_id.clone(),
            name,
            protocol_type: protocol,
            route_selection_expression: rse,
            api_key_selection_expression: Some(akse),
            description: input.description,
            created_date: now_iso8601(),
            disable_execute_api_endpoint: input.disable_execute_api_endpoint.unwrap_or(false),
            tags,
        };
        apis.insert(api_id, ApiState { api: api.clone(), ..ApiState::default() });
        Ok(json(StatusCode::CREATED, &api))
    }

    pub(super) fn get_apis(&self, q: &Query) -> Result<Reply> {
        let apis = self.read();
        let (items, next_token) = page(&apis, q)?;
        let items: Vec<&Api> = items.into_iter().map(|s| &s.api).collect();
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }

    pub(super) fn get_api(&self, api_id: &str) -> Result<Reply> {
        self.with_api(api_id, |s| json(StatusCode::OK, &s.api)).ok_or_else(|| self.api_not_found(api_id))
    }

    pub(super) fn update_api(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: ApiInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut api = state.api.clone();
        if let Some(name) = input.name {
            validate_name(&name)?;
            api.name = name;
        }
        if let Some(rse) = input.route_selection_expression {
            validate_route_selection_expression(&api.protocol_type, &rse)?;
            api.route_selection_expression = rse;
        }
        if let Some(akse) = input.api_key_selection_expression {
            validate_api_key_selection_expression(&akse)?;
            api.api_key_selection_expression = Some(akse);
        }
        if let Some(d) = input.description {
            api.description = Some(d);
        }
        if let Some(v) = input.disable_execute_api_endpoint {
            api.disable_execute_api_endpoint = v;
        }
        state.api = api;
        Ok(json(StatusCode::OK, &state.api))
    }

    pub(super) fn delete_api(&self, api_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        if !apis.contains_key(api_id) {
            return Err(self.api_not_found(api_id));
        }
        // AWS's answer when a custom domain still maps the API.
        if !self.mapped_from(api_id, None).is_empty() {
            return Err(bad(format!(
                "Deleting API {api_id} failed. Please remove all API mappings for the API from your custom domain names."
            )));
        }
        apis.remove(api_id);
        Ok(no_content())
    }
}

pub(super) fn validate_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(bad("name must be between 1 and 128 characters"));
    }
    Ok(())
}

fn validate_protocol_type(protocol: &str) -> Result<()> {
    match protocol {
        WEBSOCKET | HTTP => Ok(()),
        other => Err(bad(format!("Invalid protocolType {other}: must be WEBSOCKET or HTTP"))),
    }
}

/// A JSON member name in a selection expression path.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn validate_route_selection_expression(protocol: &str, expr: &str) -> Result<()> {
    let ok = if protocol == WEBSOCKET {
        expr.strip_prefix("$request.body.").is_some_and(|path| path.split('.').all(is_identifier))
    } else {
        expr == HTTP_ROUTE_SELECTION_EXPRESSION
    };
    if ok {
        Ok(())
    } else if protocol == WEBSOCKET {
        Err(bad(format!(
            "Invalid routeSelectionExpression {expr}: expected $request.body.<path>, e.g. $request.body.action"
        )))
    } else {
        Err(bad(format!("Invalid routeSelectionExpression {expr}: HTTP APIs use {HTTP_ROUTE_SELECTION_EXPRESSION}")))
    }
}

fn validate_api_key_selection_expression(expr: &str) -> Result<()> {
    match expr {
        "$request.header.x-api-key" | "$context.authorizer.usageIdentifierKey" => Ok(()),
        other => Err(bad(format!("Invalid apiKeySelectionExpression {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::is_bad;

    #[test]
    fn protocol_types() {
        assert!(validate_protocol_type("WEBSOCKET").is_ok());
        assert!(validate_protocol_type("HTTP").is_ok());
        assert!(is_bad(validate_protocol_type("REST")));
        assert!(is_bad(validate_protocol_type("websocket")));
    }

    #[test]
    fn route_selection_expressions() {
        assert!(validate_route_selection_expression(WEBSOCKET, "$request.body.action").is_ok());
        assert!(validate_route_selection_expression(WEBSOCKET, "$request.body.meta.type").is_ok());
        assert!(validate_route_selection_expression(WEBSOCKET, "$request.body.my_key-2").is_ok());
        for bad_expr in [
            "",
            "action",
            "$request.body.",
            "$request.body..a",
            "$request.body.a.",
            "$request.header.x",
            "${request.body.action}",
            "$request.body.1a",
            "$request.body.a b",
        ] {
            assert!(is_bad(validate_route_selection_expression(WEBSOCKET, bad_expr)), "{bad_expr}");
        }
        assert!(validate_route_selection_expression(HTTP, HTTP_ROUTE_SELECTION_EXPRESSION).is_ok());
        assert!(is_bad(validate_route_selection_expression(HTTP, "$request.body.action")));
    }
}
