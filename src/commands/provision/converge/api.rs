//! The WebSocket API itself: its name, route selection and table tag; the stages it has.

use super::{Api, Conv};
use crate::commands::provision::diff::{action_for, Diff};
use crate::commands::provision::lookup::not_ours;
use crate::commands::provision::report::Action;
use aws_sdk_apigatewayv2::types::ProtocolType;
use wsadm_core::target::{TAG_STACK, TAG_TABLE};
use wsadm_core::{apigw, AwsResultExt, Error};

const ROUTE_SELECTION: &str = "$request.body.action";

impl<'a> Conv<'a> {
    pub(super) async fn api(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let stack = self.d.stack.clone();
        let apis = apigw::websocket_apis(&gw).await?;
        let tagged: Vec<_> = apis
            .iter()
            .filter(|a| a.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str) == Some(&stack))
            .collect();
        if tagged.len() > 1 {
            let ids: Vec<&str> = tagged.iter().filter_map(|a| a.api_id()).collect();
            return Err(Error::invalid(
                format!("{} WebSocket APIs are tagged {TAG_STACK}={stack}: {}", tagged.len(), ids.join(", ")),
                "delete or untag all but one (`aws apigatewayv2 delete-api --api-id ID`), then run provision again",
            ));
        }
        let Some(api) = tagged.first() else {
            if let Some(other) = apis.iter().find(|a| a.name() == Some(stack.as_str())) {
                let owner = other.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str);
                return Err(not_ours(
                    "WebSocket API",
                    &format!("{stack} ({})", other.api_id().unwrap_or("?")),
                    &stack,
                    owner,
                ));
            }
            self.record("api", &stack, None, Action::Create, vec![]);
            if !self.dry {
                let o = gw
                    .create_api()
                    .name(&stack)
                    .protocol_type(ProtocolType::Websocket)
                    .route_selection_expression(ROUTE_SELECTION)
                    .description(format!("wsadm chat stack {stack}"))
                    .tags(TAG_STACK, &stack)
                    .tags(TAG_TABLE, &self.d.table)
                    .send()
                    .await
                    .ctx("CreateApi")?;
                let id = o.api_id().unwrap_or_default().to_string();
                self.created(Some(&id));
                self.api = Some(Api { id, endpoint: o.api_endpoint().unwrap_or_default().to_string() });
            }
            self.stages.insert(self.d.stage.clone());
            return Ok(());
        };
        let id = api.api_id().unwrap_or_default().to_string();
        let mut diff = Diff::default();
        diff.field("name", api.name(), Some(stack.as_str()));
        diff.field("route_selection_expression", api.route_selection_expression(), Some(ROUTE_SELECTION));
        let table_tag = api.tags().and_then(|t| t.get(TAG_TABLE)).map(String::as_str);
        diff.field(format!("tags.{TAG_TABLE}"), table_tag, Some(self.d.table.as_str()));
        let action = action_for(&diff);
        let name_or_rse_changed = diff.0.iter().any(|c| !c.field.starts_with("tags."));
        let tag_changed = diff.0.iter().any(|c| c.field.starts_with("tags."));
        self.record("api", &stack, Some(id.clone()), action, diff.0);
        if !self.dry {
            if name_or_rse_changed {
                gw.update_api()
                    .api_id(&id)
                    .name(&stack)
                    .route_selection_expression(ROUTE_SELECTION)
                    .send()
                    .await
                    .ctx("UpdateApi")?;
            }
            if tag_changed {
                gw.tag_resource()
                    .resource_arn(self.acct.api_arn(&id))
                    .tags(TAG_TABLE, &self.d.table)
                    .send()
                    .await
                    .ctx("TagResource")?;
            }
        }
        for st in apigw::stages(&gw, &id).await? {
            if let Some(n) = st.stage_name() {
                self.stages.insert(n.to_string());
            }
        }
        self.stages.insert(self.d.stage.clone());
        self.api = Some(Api { id, endpoint: api.api_endpoint().unwrap_or_default().to_string() });
        Ok(())
    }
}
