//! Deployments: create, update and delete (reads are generic); a stage points at one.

use super::errors::{bad, deployment_not_found, stage_not_found, Result};
use super::ids::{new_id, CHILD_ID_LEN};
use super::store::ControlPlane;
use super::wire::{json, no_content, parse_body, Reply};
use crate::model::Deployment;
use crate::time::now_iso8601;
use hyper::StatusCode;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentInput {
    description: Option<String>,
    stage_name: Option<String>,
}

impl ControlPlane {
    pub(super) fn create_deployment(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: DeploymentInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if state.routes.is_empty() {
            return Err(bad("At least one route is required before deploying the Api."));
        }
        let stage_name = input.stage_name.filter(|s| !s.is_empty());
        if let Some(name) = &stage_name {
            if !state.stages.contains_key(name) {
                return Err(stage_not_found(name));
            }
        }
        let now = now_iso8601();
        let deployment = Deployment {
            deployment_id: new_id(CHILD_ID_LEN, |id| state.deployments.contains_key(id)),
            deployment_status: "DEPLOYED".into(),
            description: input.description,
            created_date: now.clone(),
            auto_deployed: false,
        };
        if let Some(stage) = stage_name.and_then(|n| state.stages.get_mut(&n)) {
            stage.deployment_id = Some(deployment.deployment_id.clone());
            stage.last_updated_date = now;
        }
        state.deployments.insert(deployment.deployment_id.clone(), deployment.clone());
        Ok(json(StatusCode::CREATED, &deployment))
    }

    pub(super) fn update_deployment(&self, api_id: &str, deployment_id: &str, body: &[u8]) -> Result<Reply> {
        let input: DeploymentInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let d = state.deployments.get_mut(deployment_id).ok_or_else(|| deployment_not_found(deployment_id))?;
        if let Some(desc) = input.description {
            d.description = Some(desc).filter(|s| !s.is_empty());
        }
        Ok(json(StatusCode::OK, d))
    }

    pub(super) fn delete_deployment(&self, api_id: &str, deployment_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.deployments.contains_key(deployment_id) {
            return Err(deployment_not_found(deployment_id));
        }
        if let Some(s) = state.stages.values().find(|s| s.deployment_id.as_deref() == Some(deployment_id)) {
            return Err(bad(format!(
                "Active stages pointing to this deployment must be moved or deleted (stage {})",
                s.stage_name
            )));
        }
        state.deployments.remove(deployment_id);
        Ok(no_content())
    }
}
