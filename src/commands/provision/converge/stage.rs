//! The stage (throttling, logging, access log) and the deployment that publishes the routing.

use super::Conv;
use crate::commands::provision::desired::Throttle;
use crate::commands::provision::diff::{action_for, Diff};
use crate::commands::provision::lookup::{delete_ok, Optional};
use crate::commands::provision::names::{access_log_group, ROUTES};
use crate::commands::provision::report::{Action, Change};
use aws_sdk_apigatewayv2::types::{AccessLogSettings, LoggingLevel, RouteSettings};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use wsadm_core::target::TAG_STACK;
use wsadm_core::{AwsResultExt, Error};

fn logging_str(l: Option<&LoggingLevel>) -> Option<String> {
    l.map(|l| l.as_str().to_string())
}

/// The stage needs an account-level CloudWatch role for logging on AWS; say how to set it.
fn explain_stage_error(e: Error) -> Error {
    if e.to_string().contains("CloudWatch Logs role ARN") {
        return Error::invalid(
            format!("{e}"),
            "API Gateway logs through one account-level role per region: create a role trusted by apigateway.amazonaws.com \
             with the AmazonAPIGatewayPushToCloudWatchLogs policy, then `aws apigateway update-account --patch-operations \
             op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN`, and run provision again",
        );
    }
    e
}

impl<'a> Conv<'a> {
    fn route_settings(&self, t: Throttle) -> RouteSettings {
        RouteSettings::builder()
            .throttling_rate_limit(t.rate)
            .throttling_burst_limit(t.burst)
            .logging_level(self.d.logging_level.clone())
            .data_trace_enabled(false)
            .detailed_metrics_enabled(self.d.detailed_metrics)
            .build()
    }

    fn access_log(&self) -> AccessLogSettings {
        AccessLogSettings::builder()
            .destination_arn(self.acct.log_group_arn(&access_log_group(&self.d.stack, &self.d.stage)))
            .format(&self.d.access_log_format)
            .build()
    }

    pub(super) async fn stage(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let stage = self.d.stage.clone();
        let existing = match &self.api {
            Some(a) => gw.get_stage().api_id(&a.id).stage_name(&stage).send().await.ctx("GetStage").optional()?,
            None => None,
        };
        let defaults = self.route_settings(self.d.throttle);
        let per_route: BTreeMap<String, RouteSettings> =
            self.d.route_throttle.iter().map(|(k, t)| (k.clone(), self.route_settings(*t))).collect();
        let Some(st) = existing else {
            self.record("stage", &stage, None, Action::Create, vec![]);
            if !self.dry {
                gw.create_stage()
                    .api_id(self.api_id())
                    .stage_name(&stage)
                    .description(format!("wsadm stack {}", self.d.stack))
                    .default_route_settings(defaults)
                    .set_route_settings(Some(per_route.into_iter().collect()))
                    .access_log_settings(self.access_log())
                    .tags(TAG_STACK, &self.d.stack)
                    .send()
                    .await
                    .ctx("CreateStage")
                    .map_err(explain_stage_error)?;
            }
            return Ok(());
        };
        let mut diff = Diff::default();
        let settings_diff = |diff: &mut Diff, prefix: &str, a: Option<&RouteSettings>, d: &RouteSettings| {
            diff.field(
                format!("{prefix}throttling_rate_limit"),
                a.and_then(|a| a.throttling_rate_limit()),
                d.throttling_rate_limit(),
            );
            diff.field(
                format!("{prefix}throttling_burst_limit"),
                a.and_then(|a| a.throttling_burst_limit()),
                d.throttling_burst_limit(),
            );
            diff.field(
                format!("{prefix}logging_level"),
                logging_str(a.and_then(|a| a.logging_level())),
                logging_str(d.logging_level()),
            );
            diff.field(
                format!("{prefix}data_trace_enabled"),
                a.and_then(|a| a.data_trace_enabled()),
                d.data_trace_enabled(),
            );
            diff.field(
                format!("{prefix}detailed_metrics_enabled"),
                a.and_then(|a| a.detailed_metrics_enabled()),
                d.detailed_metrics_enabled(),
            );
        };
        settings_diff(&mut diff, "", st.default_route_settings(), &defaults);
        let actual_routes = st.route_settings().cloned().unwrap_or_default();
        let mut stale = Vec::new();
        for (k, d) in &per_route {
            settings_diff(&mut diff, &format!("route_settings[{k}]."), actual_routes.get(k), d);
        }
        for k in actual_routes.keys().filter(|k| !per_route.contains_key(*k)) {
            diff.0.push(Change { field: format!("route_settings[{k}]"), from: Some("set".into()), to: None });
            stale.push(k.clone());
        }
        let al = self.access_log();
        let actual_al = st.access_log_settings();
        diff.field("access_log.destination_arn", actual_al.and_then(|a| a.destination_arn()), al.destination_arn());
        diff.field("access_log.format", actual_al.and_then(|a| a.format()), al.format());
        let action = action_for(&diff);
        self.record("stage", &stage, None, action, diff.0);
        if action == Action::Update && !self.dry {
            for k in &stale {
                let r = gw.delete_route_settings().api_id(self.api_id()).stage_name(&stage).route_key(k).send().await;
                delete_ok(r.ctx("DeleteRouteSettings"))?;
            }
            gw.update_stage()
                .api_id(self.api_id())
                .stage_name(&stage)
                .default_route_settings(defaults)
                .set_route_settings(Some(per_route.into_iter().collect()).filter(|m: &HashMap<_, _>| !m.is_empty()))
                .access_log_settings(al)
                .send()
                .await
                .ctx("UpdateStage")
                .map_err(explain_stage_error)?;
        }
        Ok(())
    }

    /// A fingerprint of the routing a deployment snapshots: changes to any of it need a new deployment.
    fn routing_fingerprint(&self) -> String {
        let mut s = String::new();
        for (key, role, two_way) in ROUTES {
            let auth =
                if *key == "$connect" { format!("{:?}:{:?}", self.d.auth, self.authorizer_id) } else { "NONE".into() };
            s.push_str(&format!("route {key} {:?} {auth} {two_way}\n", self.integrations.get(role)));
        }
        for f in &self.d.functions {
            s.push_str(&format!("function {} {}\n", f.name, self.acct.function_arn(&f.name)));
        }
        s.push_str(&format!("authorizer {:?} {}\n", self.authorizer_id, self.d.identity_source.join(",")));
        let digest = Sha256::digest(s.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    pub(super) async fn deployment(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let stage = self.d.stage.clone();
        let routing_changed = self.steps.iter().any(|s| {
            matches!(s.kind, "integration" | "authorizer" | "route" | "route_response" | "api")
                && matches!(s.action, Action::Create | Action::Delete)
                || (matches!(s.kind, "integration" | "authorizer" | "route") && s.action == Action::Update)
        });
        let wanted = format!("wsadm {}", self.routing_fingerprint());
        let deployed = match &self.api {
            Some(a) => gw.get_stage().api_id(&a.id).stage_name(&stage).send().await.ctx("GetStage").optional()?,
            None => None,
        };
        let current = match (&self.api, deployed.as_ref().and_then(|st| st.deployment_id())) {
            (Some(a), Some(d)) => {
                let o = gw.get_deployment().api_id(&a.id).deployment_id(d).send().await.ctx("GetDeployment");
                o.optional()?.map(|o| (d.to_string(), o.description().unwrap_or_default().to_string()))
            }
            _ => None,
        };
        match current {
            Some((id, desc)) if desc == wanted && !routing_changed => {
                self.record("deployment", &stage, Some(id), Action::Unchanged, vec![]);
            }
            current => {
                let from = current.as_ref().map(|(_, d)| d.clone());
                let changes = vec![Change { field: "routing".into(), from, to: Some(wanted.clone()) }];
                self.record("deployment", &stage, None, Action::Create, changes);
                if !self.dry {
                    let o = gw
                        .create_deployment()
                        .api_id(self.api_id())
                        .stage_name(&stage)
                        .description(&wanted)
                        .send()
                        .await
                        .ctx("CreateDeployment")?;
                    self.created(o.deployment_id());
                }
            }
        }
        Ok(())
    }
}
