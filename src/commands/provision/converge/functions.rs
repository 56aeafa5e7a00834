//! The Lambda functions: configuration, code, and the permission that lets API Gateway invoke them.

use super::{Conv, PLACEHOLDER_ID};
use crate::commands::provision::desired::FnSpec;
use crate::commands::provision::diff::{action_for, Diff};
use crate::commands::provision::lookup::{not_ours, Optional};
use crate::commands::provision::names::FnRole;
use crate::commands::provision::report::Action;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use wsadm_core::target::TAG_STACK;
use wsadm_core::{AwsResultExt, Error};

/// The Sid of the statement that lets API Gateway invoke a function.
const PERMISSION_SID: &str = "wsadm-apigateway";
const FUNCTION_MEMORY_MB: i32 = 256;

impl<'a> Conv<'a> {
    pub(super) async fn function(&mut self, f: &FnSpec) -> Result<(), Error> {
        let lambda = self.aws.lambda();
        let stack = self.d.stack.clone();
        let existing = lambda.get_function().function_name(&f.name).send().await.ctx("GetFunction").optional()?;
        let env = aws_sdk_lambda::types::Environment::builder()
            .set_variables(Some(f.env.clone().into_iter().collect()))
            .build();
        let Some(o) = existing else {
            self.record("function", &f.name, None, Action::Create, vec![]);
            if !self.dry {
                self.create_function(f, env).await?;
            }
            return Ok(());
        };
        let owner = o.tags().and_then(|t| t.get(TAG_STACK)).cloned();
        if owner.as_deref() != Some(stack.as_str()) {
            return Err(not_ours("Lambda function", &f.name, &stack, owner.as_deref()));
        }
        let c = o
            .configuration()
            .cloned()
            .unwrap_or_else(|| aws_sdk_lambda::types::FunctionConfiguration::builder().build());
        let mut config = Diff::default();
        config.field("runtime", c.runtime().map(|r| r.as_str()), Some("provided.al2023"));
        config.field("handler", c.handler(), Some("bootstrap"));
        config.field("role", c.role(), Some(self.role_arn.as_str()));
        config.field("memory_size", c.memory_size(), Some(FUNCTION_MEMORY_MB));
        config.field("timeout", c.timeout(), Some(f.timeout));
        config.field("description", c.description(), Some(f.description.as_str()));
        let actual_env: BTreeMap<String, String> =
            c.environment().and_then(|e| e.variables()).map(|m| m.clone().into_iter().collect()).unwrap_or_default();
        for k in actual_env.keys().chain(f.env.keys()).collect::<BTreeSet<_>>() {
            let field = format!("environment.{k}");
            // Secret values are masked; a secret's ARN is not secret.
            if k.contains("SECRET") && !k.ends_with("_ARN") {
                config.secret(field, actual_env.get(k), f.env.get(k));
            } else {
                config.field(field, actual_env.get(k), f.env.get(k));
            }
        }
        let mut code = Diff::default();
        code.field("code_sha256", c.code_sha256(), Some(self.d.code_sha256.as_str()));
        code.field("architecture", c.architectures().first().map(|a| a.as_str()), Some(self.d.architecture.as_str()));
        let (config_changed, code_changed) = (!config.is_empty(), !code.is_empty());
        let mut changes = config.0;
        changes.extend(code.0);
        let action = if changes.is_empty() { Action::Unchanged } else { Action::Update };
        self.record("function", &f.name, c.function_arn().map(str::to_string), action, changes);
        if self.dry {
            return Ok(());
        }
        if config_changed {
            wait_function(&lambda, &f.name).await?;
            lambda
                .update_function_configuration()
                .function_name(&f.name)
                .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
                .handler("bootstrap")
                .role(&self.role_arn)
                .memory_size(FUNCTION_MEMORY_MB)
                .timeout(f.timeout)
                .description(&f.description)
                .environment(env)
                .send()
                .await
                .ctx("UpdateFunctionConfiguration")?;
        }
        if code_changed {
            wait_function(&lambda, &f.name).await?;
            lambda
                .update_function_code()
                .function_name(&f.name)
                .zip_file(aws_sdk_lambda::primitives::Blob::new(self.d.zip.clone()))
                .architectures(self.d.architecture.clone())
                .send()
                .await
                .ctx("UpdateFunctionCode")?;
        }
        if config_changed || code_changed {
            wait_function(&lambda, &f.name).await?;
        }
        Ok(())
    }

    async fn create_function(&mut self, f: &FnSpec, env: aws_sdk_lambda::types::Environment) -> Result<(), Error> {
        let lambda = self.aws.lambda();
        // A role just created takes a few seconds to be assumable by Lambda on AWS.
        let mut attempt = 0u64;
        let o = loop {
            let res = lambda
                .create_function()
                .function_name(&f.name)
                .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
                .handler("bootstrap")
                .role(&self.role_arn)
                .code(
                    aws_sdk_lambda::types::FunctionCode::builder()
                        .zip_file(aws_sdk_lambda::primitives::Blob::new(self.d.zip.clone()))
                        .build(),
                )
                .architectures(self.d.architecture.clone())
                .memory_size(FUNCTION_MEMORY_MB)
                .timeout(f.timeout)
                .description(&f.description)
                .environment(env.clone())
                .tags(TAG_STACK, &self.d.stack)
                .send()
                .await
                .ctx("CreateFunction");
            match res {
                Ok(o) => break o,
                Err(Error::Service { ref code, ref message, .. })
                    if code == "InvalidParameterValueException" && message.contains("assumed") && attempt < 12 =>
                {
                    attempt += 1;
                    tracing::info!(function = %f.name, attempt, "the new role is not assumable yet; retrying");
                    tokio::time::sleep(Duration::from_millis(1000 * attempt.min(5))).await;
                }
                Err(e) => return Err(e),
            }
        };
        self.created(o.function_arn());
        wait_function(&lambda, &f.name).await
    }

    /// The execute-api ARN API Gateway invokes a function as.
    fn source_arn(&self, role: FnRole) -> String {
        let api = self.api_id();
        let resource = match role {
            FnRole::Connect => format!("{api}/*/$connect"),
            FnRole::Disconnect => format!("{api}/*/$disconnect"),
            FnRole::Chat => format!("{api}/*/*"),
            FnRole::Authorizer => {
                format!("{api}/authorizers/{}", self.authorizer_id.as_deref().unwrap_or(PLACEHOLDER_ID))
            }
        };
        self.acct.arn("execute-api", &resource)
    }

    pub(super) async fn permission(&mut self, f: &FnSpec) -> Result<(), Error> {
        let lambda = self.aws.lambda();
        let source = self.source_arn(f.role);
        let name = format!("{} <- apigateway", f.name);
        let function_exists =
            self.steps.iter().any(|s| s.kind == "function" && s.name == f.name && s.action != Action::Create);
        let current = if function_exists || !self.dry {
            let o = lambda.get_policy().function_name(&f.name).send().await.ctx("GetPolicy").optional()?;
            o.and_then(|o| o.policy().and_then(|p| serde_json::from_str::<Value>(p).ok())).and_then(|p| {
                p.get("Statement")?
                    .as_array()?
                    .iter()
                    .find(|s| s.get("Sid").and_then(Value::as_str) == Some(PERMISSION_SID))
                    .cloned()
            })
        } else {
            None
        };
        let add = |lambda: aws_sdk_lambda::Client, fname: String, source: String| async move {
            lambda
                .add_permission()
                .function_name(fname)
                .statement_id(PERMISSION_SID)
                .action("lambda:InvokeFunction")
                .principal("apigateway.amazonaws.com")
                .source_arn(source)
                .send()
                .await
                .ctx("AddPermission")
        };
        let Some(st) = current else {
            self.record("permission", &name, None, Action::Create, vec![]);
            if !self.dry {
                add(lambda, f.name.clone(), source).await?;
            }
            return Ok(());
        };
        let actual_source = st.pointer("/Condition/ArnLike/AWS:SourceArn").and_then(Value::as_str).map(str::to_string);
        let principal =
            st.get("Principal").and_then(|p| p.get("Service").or(Some(p))).and_then(Value::as_str).map(str::to_string);
        let mut diff = Diff::default();
        diff.field("source_arn", actual_source, Some(source.clone()));
        diff.field("principal", principal, Some("apigateway.amazonaws.com".to_string()));
        let action = action_for(&diff);
        self.record("permission", &name, None, action, diff.0);
        if action == Action::Update && !self.dry {
            lambda
                .remove_permission()
                .function_name(&f.name)
                .statement_id(PERMISSION_SID)
                .send()
                .await
                .ctx("RemovePermission")?;
            add(lambda, f.name.clone(), source).await?;
        }
        Ok(())
    }
}

/// Waits until a function accepts updates (created functions start Pending; updates run InProgress).
async fn wait_function(lambda: &aws_sdk_lambda::Client, name: &str) -> Result<(), Error> {
    use aws_sdk_lambda::types::{LastUpdateStatus, State};
    for attempt in 0..120u64 {
        let c = lambda.get_function_configuration().function_name(name).send().await.ctx("GetFunctionConfiguration")?;
        let failed = c.state() == Some(&State::Failed) || c.last_update_status() == Some(&LastUpdateStatus::Failed);
        if failed {
            return Err(Error::invalid(
                format!(
                    "function {name} failed: {}",
                    c.state_reason().or(c.last_update_status_reason()).unwrap_or("no reason given")
                ),
                "see the function in the Lambda console, fix the cause and run provision again",
            ));
        }
        let pending =
            c.state() == Some(&State::Pending) || c.last_update_status() == Some(&LastUpdateStatus::InProgress);
        if !pending {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250 * (attempt + 1).min(8))).await;
    }
    Err(Error::invalid(format!("function {name} did not become ready"), "check it in the Lambda console"))
}
