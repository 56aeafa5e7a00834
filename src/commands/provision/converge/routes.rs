//! Routing: an integration per function, the chat routes, and the replies' route responses.

use super::{Conv, PLACEHOLDER_ID};
use crate::commands::provision::desired::{Auth, INTEGRATION_TIMEOUT_MS};
use crate::commands::provision::diff::{action_for, Diff};
use crate::commands::provision::names::{FnRole, ROUTES};
use crate::commands::provision::report::Action;
use aws_sdk_apigatewayv2::types::{AuthorizationType, IntegrationType};
use wsadm_core::{apigw, AwsResultExt, Error};

impl<'a> Conv<'a> {
    pub(super) async fn integrations(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let existing = match &self.api {
            Some(a) => apigw::integrations(&gw, &a.id).await?,
            None => vec![],
        };
        for role in [FnRole::Connect, FnRole::Disconnect, FnRole::Chat] {
            let f = self.d.function(role).map(|f| f.name.clone()).unwrap_or_default();
            let uri = self.acct.invocation_uri(&self.acct.function_arn(&f));
            let name = format!("{} -> {f}", role.suffix());
            let found = existing.iter().find(|i| i.integration_uri() == Some(uri.as_str()));
            let Some(i) = found else {
                self.record("integration", &name, None, Action::Create, vec![]);
                if !self.dry {
                    let o = gw
                        .create_integration()
                        .api_id(self.api_id())
                        .integration_type(IntegrationType::AwsProxy)
                        .integration_method("POST")
                        .integration_uri(&uri)
                        .timeout_in_millis(INTEGRATION_TIMEOUT_MS)
                        .description(format!("wsadm {}", role.suffix()))
                        .send()
                        .await
                        .ctx("CreateIntegration")?;
                    let id = o.integration_id().unwrap_or_default().to_string();
                    self.created(Some(&id));
                    self.integrations.insert(role, id);
                }
                continue;
            };
            let id = i.integration_id().unwrap_or_default().to_string();
            let mut diff = Diff::default();
            diff.field("integration_type", i.integration_type().map(|t| t.as_str()), Some("AWS_PROXY"));
            diff.field("integration_method", i.integration_method(), Some("POST"));
            diff.field("timeout_in_millis", i.timeout_in_millis(), Some(INTEGRATION_TIMEOUT_MS));
            let action = action_for(&diff);
            self.record("integration", &name, Some(id.clone()), action, diff.0);
            if action == Action::Update && !self.dry {
                gw.update_integration()
                    .api_id(self.api_id())
                    .integration_id(&id)
                    .integration_type(IntegrationType::AwsProxy)
                    .integration_method("POST")
                    .timeout_in_millis(INTEGRATION_TIMEOUT_MS)
                    .send()
                    .await
                    .ctx("UpdateIntegration")?;
            }
            self.integrations.insert(role, id);
        }
        Ok(())
    }

    pub(super) async fn routes(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let existing = match &self.api {
            Some(a) => apigw::routes(&gw, &a.id).await?,
            None => vec![],
        };
        for (key, role, two_way) in ROUTES {
            let target = self.integrations.get(role).map(|i| format!("integrations/{i}"));
            let target = target.unwrap_or_else(|| format!("integrations/{PLACEHOLDER_ID}"));
            let (auth, authorizer) = if *key == "$connect" {
                match self.d.auth {
                    Auth::Jwt => {
                        (AuthorizationType::Custom, Some(self.authorizer_id.clone().unwrap_or(PLACEHOLDER_ID.into())))
                    }
                    Auth::Iam => (AuthorizationType::AwsIam, None),
                    Auth::None => (AuthorizationType::None, None),
                }
            } else {
                (AuthorizationType::None, None)
            };
            let rrse = two_way.then_some("$default");
            let found = existing.iter().find(|r| r.route_key() == Some(*key));
            let route_id = match found {
                None => {
                    self.record("route", *key, None, Action::Create, vec![]);
                    if self.dry {
                        None
                    } else {
                        let o = gw
                            .create_route()
                            .api_id(self.api_id())
                            .route_key(*key)
                            .target(&target)
                            .authorization_type(auth.clone())
                            .set_authorizer_id(authorizer.clone())
                            .set_route_response_selection_expression(rrse.map(str::to_string))
                            .send()
                            .await
                            .ctx("CreateRoute")?;
                        let id = o.route_id().unwrap_or_default().to_string();
                        self.created(Some(&id));
                        Some(id)
                    }
                }
                Some(r) => {
                    let id = r.route_id().unwrap_or_default().to_string();
                    let mut diff = Diff::default();
                    diff.field("target", r.target(), Some(target.as_str()));
                    diff.field(
                        "authorization_type",
                        Some(r.authorization_type().map(|a| a.as_str()).unwrap_or("NONE")),
                        Some(auth.as_str()),
                    );
                    diff.field("authorizer_id", r.authorizer_id(), authorizer.as_deref());
                    diff.field("route_response_selection_expression", r.route_response_selection_expression(), rrse);
                    let action = action_for(&diff);
                    self.record("route", *key, Some(id.clone()), action, diff.0);
                    if action == Action::Update && !self.dry {
                        gw.update_route()
                            .api_id(self.api_id())
                            .route_id(&id)
                            .target(&target)
                            .authorization_type(auth.clone())
                            .set_authorizer_id(authorizer.clone())
                            .route_response_selection_expression(rrse.unwrap_or(""))
                            .send()
                            .await
                            .ctx("UpdateRoute")?;
                    }
                    Some(id)
                }
            };
            if *two_way {
                self.route_response(key, route_id.as_deref()).await?;
            }
        }
        Ok(())
    }

    /// The `$default` route response that sends the integration's answer back to the client.
    async fn route_response(&mut self, key: &str, route_id: Option<&str>) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let name = format!("{key} $default");
        let existing = match (route_id, self.steps.last().map(|s| s.action)) {
            (Some(rid), Some(a)) if a != Action::Create => {
                let o = gw
                    .get_route_responses()
                    .api_id(self.api_id())
                    .route_id(rid)
                    .send()
                    .await
                    .ctx("GetRouteResponses")?;
                o.items()
                    .iter()
                    .find(|r| r.route_response_key() == Some("$default"))
                    .and_then(|r| r.route_response_id())
                    .map(str::to_string)
            }
            _ => None,
        };
        match existing {
            Some(id) => self.record("route_response", name, Some(id), Action::Unchanged, vec![]),
            None => {
                self.record("route_response", name, None, Action::Create, vec![]);
                if let (false, Some(rid)) = (self.dry, route_id) {
                    let o = gw
                        .create_route_response()
                        .api_id(self.api_id())
                        .route_id(rid)
                        .route_response_key("$default")
                        .send()
                        .await
                        .ctx("CreateRouteResponse")?;
                    self.created(o.route_response_id());
                }
            }
        }
        Ok(())
    }
}
