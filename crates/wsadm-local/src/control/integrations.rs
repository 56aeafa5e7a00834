//! Integrations: create, update and delete (reads are generic), and their types and timeouts.

use super::apis::WEBSOCKET;
use super::errors::{bad, conflict, integration_not_found, Result};
use super::ids::{new_id, CHILD_ID_LEN};
use super::store::ControlPlane;
use super::wire::{json, no_content, parse_body, required, Reply};
use crate::model::Integration;
use hyper::StatusCode;
use serde::Deserialize;

/// AWS's limit on an integration's timeout for WebSocket APIs (HTTP APIs allow 30 s).
const WS_MAX_TIMEOUT_MS: i32 = 29_000;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntegrationInput {
    integration_type: Option<String>,
    integration_uri: Option<String>,
    integration_method: Option<String>,
    credentials_arn: Option<String>,
    description: Option<String>,
    timeout_in_millis: Option<i32>,
    payload_format_version: Option<String>,
    content_handling_strategy: Option<String>,
    passthrough_behavior: Option<String>,
    template_selection_expression: Option<String>,
}

impl ControlPlane {
    pub(super) fn create_integration(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: IntegrationInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let integration_type = required(input.integration_type, "integrationType")?;
        let max_timeout = if state.api.protocol_type == WEBSOCKET { WS_MAX_TIMEOUT_MS } else { 30_000 };
        let integration = Integration {
            integration_id: new_id(CHILD_ID_LEN, |id| state.integrations.contains_key(id)),
            integration_type,
            integration_uri: input.integration_uri,
            integration_method: input.integration_method,
            credentials_arn: input.credentials_arn,
            description: input.description,
            timeout_in_millis: input.timeout_in_millis.unwrap_or(max_timeout),
            // AWS reports 1.0 for WebSocket integrations, the only format they support.
            payload_format_version: input.payload_format_version.or_else(|| Some("1.0".into())),
            content_handling_strategy: input.content_handling_strategy,
            passthrough_behavior: input.passthrough_behavior,
            template_selection_expression: input.template_selection_expression,
        };
        validate_integration(&state.api.protocol_type, &integration)?;
        state.integrations.insert(integration.integration_id.clone(), integration.clone());
        Ok(json(StatusCode::CREATED, &integration))
    }

    pub(super) fn update_integration(&self, api_id: &str, integration_id: &str, body: &[u8]) -> Result<Reply> {
        let input: IntegrationInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut i =
            state.integrations.get(integration_id).cloned().ok_or_else(|| integration_not_found(integration_id))?;
        fn set(field: &mut Option<String>, value: Option<String>) {
            if let Some(v) = value {
                *field = Some(v).filter(|v| !v.is_empty());
            }
        }
        if let Some(t) = input.integration_type {
            i.integration_type = t;
        }
        set(&mut i.integration_uri, input.integration_uri);
        set(&mut i.integration_method, input.integration_method);
        set(&mut i.credentials_arn, input.credentials_arn);
        set(&mut i.description, input.description);
        set(&mut i.payload_format_version, input.payload_format_version);
        set(&mut i.content_handling_strategy, input.content_handling_strategy);
        set(&mut i.passthrough_behavior, input.passthrough_behavior);
        set(&mut i.template_selection_expression, input.template_selection_expression);
        if let Some(t) = input.timeout_in_millis {
            i.timeout_in_millis = t;
        }
        validate_integration(&state.api.protocol_type, &i)?;
        state.integrations.insert(i.integration_id.clone(), i.clone());
        Ok(json(StatusCode::OK, &i))
    }

    pub(super) fn delete_integration(&self, api_id: &str, integration_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.integrations.contains_key(integration_id) {
            return Err(integration_not_found(integration_id));
        }
        // AWS refuses this with 409 (observed: "Cannot delete Integration because it is referenced
        // by the following Routes with Ids: [...]"); it also keeps routes from dangling here.
        let target = format!("integrations/{integration_id}");
        let users: Vec<&str> = state
            .routes
            .values()
            .filter(|r| r.target.as_deref() == Some(&target))
            .map(|r| r.route_id.as_str())
            .collect();
        if !users.is_empty() {
            return Err(conflict(format!(
                "Cannot delete Integration because it is referenced by the following Routes with Ids: [{}]",
                users.join(", ")
            )));
        }
        state.integrations.remove(integration_id);
        Ok(no_content())
    }
}

fn validate_integration(protocol: &str, i: &Integration) -> Result<()> {
    let types: &[&str] = if protocol == WEBSOCKET {
        &["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"]
    } else {
        &["AWS_PROXY", "HTTP_PROXY"]
    };
    if !types.contains(&i.integration_type.as_str()) {
        return Err(bad(format!(
            "Invalid integrationType {}: must be one of {}",
            i.integration_type,
            types.join(", ")
        )));
    }
    if i.integration_type != "MOCK" && i.integration_uri.as_deref().is_none_or(str::is_empty) {
        return Err(bad(format!("integrationUri is required for integrationType {}", i.integration_type)));
    }
    let max = if protocol == WEBSOCKET { WS_MAX_TIMEOUT_MS } else { 30_000 };
    if !(50..=max).contains(&i.timeout_in_millis) {
        return Err(bad(format!("timeoutInMillis must be between 50 and {max}")));
    }
    if let Some(s) = &i.content_handling_strategy {
        if !matches!(s.as_str(), "CONVERT_TO_BINARY" | "CONVERT_TO_TEXT") {
            return Err(bad(format!("Invalid contentHandlingStrategy {s}")));
        }
    }
    if let Some(p) = &i.passthrough_behavior {
        if !matches!(p.as_str(), "WHEN_NO_MATCH" | "NEVER" | "WHEN_NO_TEMPLATES") {
            return Err(bad(format!("Invalid passthroughBehavior {p}")));
        }
    }
    if let Some(v) = &i.payload_format_version {
        let ok = v == "1.0" || (v == "2.0" && protocol != WEBSOCKET);
        if !ok {
            return Err(bad(format!("Invalid payloadFormatVersion {v}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::is_bad;

    fn integration(t: &str, uri: Option<&str>) -> Integration {
        Integration {
            integration_type: t.into(),
            integration_uri: uri.map(Into::into),
            timeout_in_millis: WS_MAX_TIMEOUT_MS,
            ..Integration::default()
        }
    }

    #[test]
    fn integrations() {
        for t in ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY"] {
            assert!(validate_integration(WEBSOCKET, &integration(t, Some("arn:aws:lambda"))).is_ok(), "{t}");
        }
        assert!(validate_integration(WEBSOCKET, &integration("MOCK", None)).is_ok());
        assert!(is_bad(validate_integration(WEBSOCKET, &integration("LAMBDA", Some("x")))));
        assert!(is_bad(validate_integration(WEBSOCKET, &integration("AWS_PROXY", None))));
        let mut slow = integration("MOCK", None);
        slow.timeout_in_millis = 29_001;
        assert!(is_bad(validate_integration(WEBSOCKET, &slow)));
        slow.timeout_in_millis = 49;
        assert!(is_bad(validate_integration(WEBSOCKET, &slow)));
        let mut v2 = integration("AWS_PROXY", Some("arn"));
        v2.payload_format_version = Some("2.0".into());
        assert!(is_bad(validate_integration(WEBSOCKET, &v2)));
    }
}
