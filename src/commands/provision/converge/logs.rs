//! Log groups: the functions', the stage's access log and API Gateway's execution log.

use super::{Conv, PLACEHOLDER_ID};
use crate::commands::provision::diff::{action_for, Diff};
use crate::commands::provision::lookup::{find_log_group, log_group_arn, log_group_owner, not_ours};
use crate::commands::provision::report::Action;
use wsadm_core::error::service_code;
use wsadm_core::target::TAG_STACK;
use wsadm_core::{AwsResultExt, Error};

impl<'a> Conv<'a> {
    /// A log group with retention and the stack's tag. `derived`: its name is derived from a
    /// resource of the stack (a function, the API), so AWS may have created it untagged; such a
    /// group is adopted (tagged), any other untagged one is refused.
    pub(super) async fn log_group(&mut self, name: &str, derived: bool) -> Result<(), Error> {
        let logs = self.aws.logs();
        let stack = self.d.stack.clone();
        let existing = if name.contains(PLACEHOLDER_ID) { None } else { find_log_group(&logs, name).await? };
        self.log_groups.push(name.to_string());
        let Some(g) = existing else {
            self.record("log_group", name, None, Action::Create, vec![]);
            if !self.dry {
                match logs
                    .create_log_group()
                    .log_group_name(name)
                    .tags(TAG_STACK, &stack)
                    .send()
                    .await
                    .ctx("CreateLogGroup")
                {
                    Ok(_) => {}
                    Err(e) if service_code(&e) == Some("ResourceAlreadyExistsException") => {}
                    Err(e) => return Err(e),
                }
                logs.put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(self.d.retention_days)
                    .send()
                    .await
                    .ctx("PutRetentionPolicy")?;
            }
            return Ok(());
        };
        let arn = log_group_arn(&g).unwrap_or_else(|| self.acct.log_group_arn(name));
        let owner = log_group_owner(&logs, &arn).await?;
        let mut diff = Diff::default();
        match owner.as_deref() {
            Some(o) if o == stack => {}
            None if derived => diff.field(format!("tags.{TAG_STACK}"), None, Some(stack.as_str())),
            other => return Err(not_ours("log group", name, &stack, other)),
        }
        diff.field("retention_in_days", g.retention_in_days(), Some(self.d.retention_days));
        let tag = !diff.0.is_empty() && diff.0[0].field.starts_with("tags.");
        let retention = g.retention_in_days() != Some(self.d.retention_days);
        let action = action_for(&diff);
        self.record("log_group", name, Some(arn.clone()), action, diff.0);
        if !self.dry {
            if tag {
                logs.tag_resource().resource_arn(&arn).tags(TAG_STACK, &stack).send().await.ctx("TagResource")?;
            }
            if retention {
                logs.put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(self.d.retention_days)
                    .send()
                    .await
                    .ctx("PutRetentionPolicy")?;
            }
        }
        Ok(())
    }
}
