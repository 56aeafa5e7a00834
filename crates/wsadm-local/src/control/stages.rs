//! Stages: create, update and delete (reads are generic), route settings, access logs and
//! stage variables.

use super::apis::{HTTP, WEBSOCKET};
use super::errors::{bad, conflict, not_found, stage_not_found, Result};
use super::store::ControlPlane;
use super::tags::validate_tags;
use super::wire::{json, no_content, parse_body, required, Reply};
use crate::model::{AccessLogSettings, ApiState, RouteSettings, Stage};
use crate::time::now_iso8601;
use hyper::StatusCode;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StageInput {
    stage_name: Option<String>,
    deployment_id: Option<String>,
    auto_deploy: Option<bool>,
    description: Option<String>,
    default_route_settings: Option<RouteSettings>,
    route_settings: Option<BTreeMap<String, RouteSettings>>,
    access_log_settings: Option<AccessLogSettings>,
    stage_variables: Option<BTreeMap<String, String>>,
    tags: Option<BTreeMap<String, String>>,
}

impl ControlPlane {
    pub(super) fn create_stage(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: StageInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let name = required(input.stage_name, "stageName")?;
        validate_stage_name(&state.api.protocol_type, &name)?;
        if state.stages.contains_key(&name) {
            return Err(conflict(format!("Stage already exists: {name}")));
        }
        let mut defaults = input.default_route_settings.unwrap_or_default();
        if state.api.protocol_type == WEBSOCKET {
            // What AWS reports for a WebSocket stage created without settings.
            defaults.data_trace_enabled.get_or_insert(false);
            defaults.detailed_metrics_enabled.get_or_insert(false);
            defaults.logging_level.get_or_insert_with(|| "OFF".into());
        }
        let now = now_iso8601();
        let stage = Stage {
            stage_name: name,
            deployment_id: input.deployment_id.filter(|d| !d.is_empty()),
            auto_deploy: input.auto_deploy.unwrap_or(false),
            description: input.description,
            default_route_settings: defaults,
            route_settings: input.route_settings.unwrap_or_default(),
            access_log_settings: input.access_log_settings.filter(|s| !access_log_is_empty(s)),
            stage_variables: input.stage_variables.unwrap_or_default(),
            created_date: now.clone(),
            last_updated_date: now,
            tags: input.tags.unwrap_or_default(),
        };
        let named: Vec<String> = stage.route_settings.keys().cloned().collect();
        check_stage(state, &stage, &named)?;
        validate_tags(&stage.tags)?;
        state.stages.insert(stage.stage_name.clone(), stage.clone());
        Ok(json(StatusCode::CREATED, &stage))
    }

    pub(super) fn update_stage(&self, api_id: &str, stage_name: &str, body: &[u8]) -> Result<Reply> {
        let input: StageInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut stage = state.stages.get(stage_name).cloned().ok_or_else(|| stage_not_found(stage_name))?;
        if let Some(d) = input.deployment_id {
            stage.deployment_id = Some(d).filter(|d| !d.is_empty());
        }
        if let Some(v) = input.auto_deploy {
            stage.auto_deploy = v;
        }
        if let Some(d) = input.description {
            stage.description = Some(d).filter(|d| !d.is_empty());
        }
        // Settings merge field by field: an update names only what it changes.
        if let Some(patch) = input.default_route_settings {
            merge_route_settings(&mut stage.default_route_settings, &patch);
        }
        let route_settings = input.route_settings.unwrap_or_default();
        let named: Vec<String> = route_settings.keys().cloned().collect();
        for (key, patch) in route_settings {
            merge_route_settings(stage.route_settings.entry(key).or_default(), &patch);
        }
        if let Some(patch) = input.access_log_settings {
            let mut merged = stage.access_log_settings.take().unwrap_or_default();
            if patch.destination_arn.is_some() {
                merged.destination_arn = patch.destination_arn;
            }
            if patch.format.is_some() {
                merged.format = patch.format;
            }
            // Sending both fields empty turns access logging off.
            stage.access_log_settings = Some(merged).filter(|s| !access_log_is_empty(s));
        }
        for (k, v) in input.stage_variables.unwrap_or_default() {
            stage.stage_variables.insert(k, v);
        }
        check_stage(state, &stage, &named)?;
        stage.last_updated_date = now_iso8601();
        state.stages.insert(stage.stage_name.clone(), stage.clone());
        Ok(json(StatusCode::OK, &stage))
    }

    pub(super) fn delete_stage(&self, api_id: &str, stage_name: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.stages.contains_key(stage_name) {
            return Err(stage_not_found(stage_name));
        }
        // A stage a custom domain serves would leave the mapping pointing nowhere.
        let mapped = self.mapped_from(api_id, Some(stage_name));
        if !mapped.is_empty() {
            return Err(bad(format!(
                "Deleting stage {stage_name} failed. Please remove the API mappings of the stage from your custom domain names: {}",
                mapped.join(", ")
            )));
        }
        state.stages.remove(stage_name);
        Ok(no_content())
    }

    pub(super) fn delete_route_settings(&self, api_id: &str, stage_name: &str, route_key: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let stage = state.stages.get_mut(stage_name).ok_or_else(|| stage_not_found(stage_name))?;
        stage
            .route_settings
            .remove(route_key)
            .ok_or_else(|| not_found(format!("Unable to find RouteSettings for route key {route_key}")))?;
        stage.last_updated_date = now_iso8601();
        Ok(no_content())
    }
}

fn validate_logging_level(level: Option<&str>) -> Result<()> {
    match level {
        None | Some("OFF" | "ERROR" | "INFO") => Ok(()),
        Some(other) => Err(bad(format!("Invalid loggingLevel {other}: must be OFF, ERROR or INFO"))),
    }
}

fn validate_route_settings(s: &RouteSettings) -> Result<()> {
    validate_logging_level(s.logging_level.as_deref())?;
    if s.throttling_rate_limit.is_some_and(|r| r < 0.0) {
        return Err(bad("throttlingRateLimit must not be negative"));
    }
    if s.throttling_burst_limit.is_some_and(|b| b < 0) {
        return Err(bad("throttlingBurstLimit must not be negative"));
    }
    Ok(())
}

fn merge_route_settings(base: &mut RouteSettings, patch: &RouteSettings) {
    if patch.throttling_rate_limit.is_some() {
        base.throttling_rate_limit = patch.throttling_rate_limit;
    }
    if patch.throttling_burst_limit.is_some() {
        base.throttling_burst_limit = patch.throttling_burst_limit;
    }
    if patch.logging_level.is_some() {
        base.logging_level.clone_from(&patch.logging_level);
    }
    if patch.data_trace_enabled.is_some() {
        base.data_trace_enabled = patch.data_trace_enabled;
    }
    if patch.detailed_metrics_enabled.is_some() {
        base.detailed_metrics_enabled = patch.detailed_metrics_enabled;
    }
}

fn validate_stage_name(protocol: &str, name: &str) -> Result<()> {
    if protocol == HTTP && name == "$default" {
        return Ok(());
    }
    let ok = (1..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(bad(format!("Invalid stageName {name}: use 1-128 characters from a-z, A-Z, 0-9, - and _")))
    }
}

fn access_log_is_empty(s: &AccessLogSettings) -> bool {
    s.destination_arn.as_deref().is_none_or(str::is_empty) && s.format.as_deref().is_none_or(str::is_empty)
}

fn validate_access_log_settings(s: &AccessLogSettings) -> Result<()> {
    if access_log_is_empty(s) {
        return Ok(());
    }
    let arn = s.destination_arn.as_deref().unwrap_or("");
    if arn.split(':').nth(2) != Some("logs") || !arn.starts_with("arn:") {
        return Err(bad(format!("Invalid access log destinationArn {arn}: expected a CloudWatch Logs log group ARN")));
    }
    let format = s.format.as_deref().unwrap_or("");
    // AWS insists on a request id in every access log line.
    if !format.contains("$context.requestId") && !format.contains("$context.extendedRequestId") {
        return Err(bad("Access log format must include at least $context.requestId or $context.extendedRequestId"));
    }
    Ok(())
}

fn validate_stage_variables(vars: &BTreeMap<String, String>) -> Result<()> {
    for (k, v) in vars {
        if k.is_empty() || k.len() > 64 || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(format!("Invalid stage variable name {k}: use 1-64 characters from A-Z, a-z, 0-9 and _")));
        }
        if v.len() > 2048 || !v.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/?#&=,".contains(c)) {
            return Err(bad(format!(
                "Invalid value for stage variable {k}: use up to 2048 of A-Z a-z 0-9 -._~:/?#&=,"
            )));
        }
    }
    Ok(())
}

/// Every rule a stage must satisfy against its API. Only the route keys a request names must
/// exist: settings left behind by a renamed or deleted route must not block later updates.
fn check_stage(state: &ApiState, stage: &Stage, named_keys: &[String]) -> Result<()> {
    if let Some(d) = &stage.deployment_id {
        if !state.deployments.contains_key(d) {
            return Err(bad(format!("Invalid deployment identifier specified {d}")));
        }
    }
    validate_route_settings(&stage.default_route_settings)?;
    if let Some(key) = named_keys.iter().find(|k| state.route_by_key(k).is_none()) {
        return Err(bad(format!("Unable to find Route by key {key} within the provided RouteSettings")));
    }
    for settings in stage.route_settings.values() {
        validate_route_settings(settings)?;
    }
    if let Some(s) = &stage.access_log_settings {
        validate_access_log_settings(s)?;
    }
    validate_stage_variables(&stage.stage_variables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::is_bad;

    #[test]
    fn route_settings_rules() {
        let mut s = RouteSettings {
            logging_level: Some("INFO".into()),
            throttling_rate_limit: Some(0.0),
            throttling_burst_limit: Some(0),
            ..RouteSettings::default()
        };
        assert!(validate_route_settings(&s).is_ok());
        s.logging_level = Some("DEBUG".into());
        assert!(is_bad(validate_route_settings(&s)));
        s.logging_level = None;
        s.throttling_rate_limit = Some(-1.0);
        assert!(is_bad(validate_route_settings(&s)));
        s.throttling_rate_limit = None;
        s.throttling_burst_limit = Some(-1);
        assert!(is_bad(validate_route_settings(&s)));
    }

    #[test]
    fn merging_route_settings_keeps_unnamed_fields() {
        let mut base = RouteSettings {
            logging_level: Some("INFO".into()),
            throttling_rate_limit: Some(10.0),
            ..RouteSettings::default()
        };
        merge_route_settings(&mut base, &RouteSettings { throttling_burst_limit: Some(5), ..RouteSettings::default() });
        assert_eq!(base.logging_level.as_deref(), Some("INFO"));
        assert_eq!(base.throttling_rate_limit, Some(10.0));
        assert_eq!(base.throttling_burst_limit, Some(5));
    }

    #[test]
    fn access_logs_stage_names_and_variables() {
        let good = AccessLogSettings {
            destination_arn: Some("arn:aws:logs:us-east-1:123456789012:log-group:chat".into()),
            format: Some(r#"{"requestId":"$context.requestId"}"#.into()),
        };
        assert!(validate_access_log_settings(&good).is_ok());
        assert!(validate_access_log_settings(&AccessLogSettings::default()).is_ok());
        let no_id = AccessLogSettings { format: Some("$context.status".into()), ..good.clone() };
        assert!(is_bad(validate_access_log_settings(&no_id)));
        let s3 = AccessLogSettings { destination_arn: Some("arn:aws:s3:::bucket".into()), ..good };
        assert!(is_bad(validate_access_log_settings(&s3)));

        assert!(validate_stage_name(WEBSOCKET, "prod").is_ok());
        assert!(validate_stage_name(WEBSOCKET, "dev_1-a").is_ok());
        assert!(is_bad(validate_stage_name(WEBSOCKET, "$default")));
        assert!(is_bad(validate_stage_name(WEBSOCKET, "")));
        assert!(is_bad(validate_stage_name(WEBSOCKET, "a/b")));
        assert!(validate_stage_name(HTTP, "$default").is_ok());

        let vars = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert!(validate_stage_variables(&vars("table", "chat-sessions")).is_ok());
        assert!(is_bad(validate_stage_variables(&vars("bad-name", "x"))));
        assert!(is_bad(validate_stage_variables(&vars("ok", "has space"))));
    }
}
