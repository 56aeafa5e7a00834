//! The JWT authorizer on $connect, and its removal when the options no longer want it.
//!
//! Its identity sources follow `--token-in` (see `settings.rs`). AWS answers 401 without calling
//! the authorizer when *any* listed source is missing, so "both" lists none and the function
//! reads `?token=` or `Authorization: Bearer` itself. No result TTL is set: WebSocket APIs do not
//! cache authorizer results, and AWS refuses `AuthorizerResultTtlInSeconds` for them.

use super::Conv;
use crate::commands::provision::desired::Auth;
use crate::commands::provision::diff::{action_for, Diff};
use crate::commands::provision::lookup::{delete_ok, find_log_group, Optional};
use crate::commands::provision::names::{authorizer_name, function_name, lambda_log_group, FnRole};
use crate::commands::provision::report::Action;
use aws_sdk_apigatewayv2::types::AuthorizerType;
use wsadm_core::target::TAG_STACK;
use wsadm_core::{apigw, AwsResultExt, Error};

impl<'a> Conv<'a> {
    pub(super) async fn authorizer(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let name = authorizer_name(&self.d.stack);
        let existing = match &self.api {
            Some(a) => apigw::authorizers(&gw, &a.id).await?.into_iter().find(|z| z.name() == Some(name.as_str())),
            None => None,
        };
        let Some(f) = self.d.function(FnRole::Authorizer).map(|f| f.name.clone()) else {
            // Not wanted (iam/none): removed after the $connect route lets go of it (see leftovers).
            self.authorizer_id = None;
            return Ok(());
        };
        let uri = self.acct.invocation_uri(&self.acct.function_arn(&f));
        let Some(z) = existing else {
            self.record("authorizer", &name, None, Action::Create, vec![]);
            if !self.dry {
                let o = gw
                    .create_authorizer()
                    .api_id(self.api_id())
                    .name(&name)
                    .authorizer_type(AuthorizerType::Request)
                    .authorizer_uri(&uri)
                    .set_identity_source((!self.d.identity_source.is_empty()).then(|| self.d.identity_source.clone()))
                    .send()
                    .await
                    .ctx("CreateAuthorizer")?;
                let id = o.authorizer_id().unwrap_or_default().to_string();
                self.created(Some(&id));
                self.authorizer_id = Some(id);
            }
            return Ok(());
        };
        let id = z.authorizer_id().unwrap_or_default().to_string();
        let mut diff = Diff::default();
        diff.field("authorizer_type", z.authorizer_type().map(|t| t.as_str()), Some("REQUEST"));
        diff.field("authorizer_uri", z.authorizer_uri(), Some(uri.as_str()));
        let sources = |v: &[String]| Some(v.join(",")).filter(|s| !s.is_empty());
        diff.field("identity_source", sources(z.identity_source()), sources(&self.d.identity_source));
        let action = action_for(&diff);
        self.record("authorizer", &name, Some(id.clone()), action, diff.0);
        if action == Action::Update && !self.dry {
            gw.update_authorizer()
                .api_id(self.api_id())
                .authorizer_id(&id)
                .authorizer_type(AuthorizerType::Request)
                .authorizer_uri(&uri)
                .set_identity_source(Some(self.d.identity_source.clone()))
                .send()
                .await
                .ctx("UpdateAuthorizer")?;
        }
        self.authorizer_id = Some(id);
        Ok(())
    }

    /// What an earlier run made that the options no longer want: the authorizer and its
    /// function when the authorizer is now iam or none, and the HS256 secret when no option
    /// gives one. Removed last, when nothing uses them.
    pub(super) async fn leftovers(&mut self) -> Result<(), Error> {
        if self.d.auth != Auth::Jwt {
            self.authorizer_leftovers().await?;
        }
        self.secret_leftover().await
    }

    async fn authorizer_leftovers(&mut self) -> Result<(), Error> {
        let gw = self.aws.apigw();
        let name = authorizer_name(&self.d.stack);
        if let Some(a) = &self.api {
            let found = apigw::authorizers(&gw, &a.id).await?.into_iter().find(|z| z.name() == Some(name.as_str()));
            if let Some(z) = found {
                let id = z.authorizer_id().unwrap_or_default().to_string();
                self.record("authorizer", &name, Some(id.clone()), Action::Delete, vec![]);
                if !self.dry {
                    let r = gw.delete_authorizer().api_id(self.api_id()).authorizer_id(&id).send().await;
                    delete_ok(r.ctx("DeleteAuthorizer"))?;
                }
            }
        }
        let fname = function_name(&self.d.stack, FnRole::Authorizer);
        let lambda = self.aws.lambda();
        if let Some(o) = lambda.get_function().function_name(&fname).send().await.ctx("GetFunction").optional()? {
            if o.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str) == Some(self.d.stack.as_str()) {
                self.record("function", &fname, None, Action::Delete, vec![]);
                if !self.dry {
                    delete_ok(lambda.delete_function().function_name(&fname).send().await.ctx("DeleteFunction"))?;
                }
                let group = lambda_log_group(&fname);
                let logs = self.aws.logs();
                if find_log_group(&logs, &group).await?.is_some() {
                    self.record("log_group", &group, None, Action::Delete, vec![]);
                    if !self.dry {
                        delete_ok(logs.delete_log_group().log_group_name(&group).send().await.ctx("DeleteLogGroup"))?;
                    }
                }
            }
        }
        Ok(())
    }
}
