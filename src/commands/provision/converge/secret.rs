//! The HS256 secret in Secrets Manager: checked before anything changes (it must be the stack's,
//! and a different secret needs --rotate-secret), created or rotated, and deleted when the
//! options no longer want one. The calls that carry the value run with logging off, so not even
//! `-vvv`'s SDK traces can print it.

use super::{Conv, PLACEHOLDER_ID};
use crate::commands::provision::diff::Diff;
use crate::commands::provision::lookup::{delete_ok, not_ours, Optional};
use crate::commands::provision::names::secret_name;
use crate::commands::provision::report::Action;
use crate::commands::provision::secret::{self, Plan, Stored};
use std::future::Future;
use tracing::instrument::WithSubscriber;
use wsadm_core::target::TAG_STACK;
use wsadm_core::{AwsResultExt, Error};

/// What the preflight found: the secret's ARN if it exists, and the plan.
pub(super) struct SecretState {
    arn: Option<String>,
    /// The version labelled AWSCURRENT (not secret: a UUID Secrets Manager assigns).
    version: Option<String>,
    plan: Plan,
}

/// Runs an SDK call that carries the secret with no tracing subscriber (the SDK traces bodies).
async fn quiet<F: Future>(f: F) -> F::Output {
    f.with_subscriber(tracing::Dispatch::none()).await
}

fn owner(tags: &[aws_sdk_secretsmanager::types::Tag]) -> Option<String> {
    tags.iter().find(|t| t.key() == Some(TAG_STACK)).and_then(|t| t.value()).map(str::to_string)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl<'a> Conv<'a> {
    /// Part of the preflight: reads the secret and decides, so a refused change changes nothing.
    pub(super) async fn check_secret(&mut self) -> Result<(), Error> {
        let Some(spec) = self.d.secret.clone() else { return Ok(()) };
        let sm = self.aws.secretsmanager();
        let described = sm.describe_secret().secret_id(&spec.name).send().await.ctx("DescribeSecret").optional()?;
        let (arn, version, stored) = match described {
            None => (None, None, None),
            Some(d) => {
                let tag = owner(d.tags());
                if tag.as_deref() != Some(self.d.stack.as_str()) {
                    return Err(not_ours("secret", &spec.name, &self.d.stack, tag.as_deref()));
                }
                if d.deleted_date().is_some() {
                    return Err(Error::invalid(
                        format!("secret {} is scheduled for deletion; nothing was changed", spec.name),
                        format!(
                            "restore it (aws secretsmanager restore-secret --secret-id {0}) or delete it for good \
                             (aws secretsmanager delete-secret --secret-id {0} --force-delete-without-recovery), then provision again",
                            spec.name
                        ),
                    ));
                }
                let v = quiet(sm.get_secret_value().secret_id(&spec.name).send()).await;
                // A secret without a current value (created empty) is given one; a binary one is not wsadm's.
                let value = v.ctx("GetSecretValue").optional()?.map(|o| o.secret_string().unwrap_or("").to_string());
                let current = d.version_ids_to_stages().and_then(|m| {
                    m.iter().find(|(_, stages)| stages.iter().any(|s| s == "AWSCURRENT")).map(|(v, _)| v.clone())
                });
                (d.arn().map(str::to_string), current, value)
            }
        };
        let plan = secret::plan(stored.as_deref(), &spec, unix_now(), &mut self.warnings)?;
        self.secret = Some(SecretState { arn, version, plan });
        Ok(())
    }

    /// Creates the secret, or rotates it when the preflight said so.
    pub(super) async fn secret(&mut self) -> Result<(), Error> {
        let (Some(spec), Some(state)) = (self.d.secret.clone(), self.secret.take()) else { return Ok(()) };
        let sm = self.aws.secretsmanager();
        let put = |arn: String, value: Stored| {
            let sm = sm.clone();
            async move {
                quiet(sm.put_secret_value().secret_id(arn).secret_string(value.to_json()).send())
                    .await
                    .ctx("PutSecretValue")
                    .map(|o| o.version_id().map(str::to_string))
            }
        };
        match (state.plan, state.arn) {
            (Plan::Unchanged, arn) => {
                self.record("secret", &spec.name, arn.clone(), Action::Unchanged, vec![]);
                self.secret_arn = arn;
                self.secret_version = state.version;
            }
            (Plan::Create(value), None) => {
                self.record("secret", &spec.name, None, Action::Create, vec![]);
                if !self.dry {
                    let tag = aws_sdk_secretsmanager::types::Tag::builder().key(TAG_STACK).value(&self.d.stack).build();
                    let o = quiet(
                        sm.create_secret()
                            .name(&spec.name)
                            .description(format!(
                                "wsadm stack {}: the HS256 key of the JWT authorizer (current, previous, previous_until)",
                                self.d.stack
                            ))
                            .secret_string(value.to_json())
                            .tags(tag)
                            .send(),
                    )
                    .await
                    .ctx("CreateSecret")?;
                    self.created(o.arn());
                    self.secret_arn = o.arn().map(str::to_string);
                    self.secret_version = o.version_id().map(str::to_string);
                }
            }
            (Plan::Create(value), Some(arn)) => {
                // It exists but holds no value (created empty, or its value was removed).
                let mut diff = Diff::default();
                let none: Option<&String> = None;
                diff.secret("current", none, Some(&value.current));
                self.record("secret", &spec.name, Some(arn.clone()), Action::Update, diff.0);
                if !self.dry {
                    self.secret_version = put(arn.clone(), value).await?;
                }
                self.secret_arn = Some(arn);
            }
            (Plan::Rotate(value, changes), Some(arn)) => {
                self.record("secret", &spec.name, Some(arn.clone()), Action::Update, changes);
                self.secret_version = None;
                if !self.dry {
                    self.secret_version = put(arn.clone(), value).await?;
                }
                self.secret_arn = Some(arn);
            }
            (Plan::Rotate(..), None) => {
                return Err(Error::invalid("a rotation was planned for a secret that does not exist", "run again"))
            }
        }
        Ok(())
    }

    /// The secret's ARN, or what stands for it in a dry run before it exists.
    pub(super) fn secret_arn_or_placeholder(&self) -> Option<String> {
        let spec = self.d.secret.as_ref()?;
        Some(
            self.secret_arn
                .clone()
                .unwrap_or_else(|| self.acct.arn("secretsmanager", &format!("secret:{}-{PLACEHOLDER_ID}", spec.name))),
        )
    }

    /// The stack's secret when the options no longer want one (JWKS, iam, none): nothing reads it.
    pub(super) async fn secret_leftover(&mut self) -> Result<(), Error> {
        if self.d.secret.is_some() {
            return Ok(());
        }
        let name = secret_name(&self.d.stack);
        let sm = self.aws.secretsmanager();
        let Some(d) = sm.describe_secret().secret_id(&name).send().await.ctx("DescribeSecret").optional()? else {
            return Ok(());
        };
        if owner(d.tags()).as_deref() != Some(self.d.stack.as_str()) || d.deleted_date().is_some() {
            return Ok(());
        }
        let arn = d.arn().unwrap_or(&name).to_string();
        self.record("secret", &name, Some(arn.clone()), Action::Delete, vec![]);
        if !self.dry {
            let r = sm.delete_secret().secret_id(&arn).force_delete_without_recovery(true).send().await;
            delete_ok(r.ctx("DeleteSecret"))?;
        }
        Ok(())
    }
}
