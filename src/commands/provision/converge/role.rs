//! The functions' execution role and its inline least-privilege policy.

use super::Conv;
use crate::commands::provision::diff::{action_for, policy_json, statement_diff, Diff};
use crate::commands::provision::lookup::{not_ours, Optional};
use crate::commands::provision::names::lambda_log_group;
use crate::commands::provision::report::{Action, Change};
use serde_json::{json, Value};
use wsadm_core::store::{INDEX_BY_ROOM, INDEX_BY_USER};
use wsadm_core::target::TAG_STACK;
use wsadm_core::{AwsResultExt, Error};

const POLICY_NAME: &str = "wsadm-handlers";

fn build_err(e: impl std::fmt::Display) -> Error {
    Error::invalid(format!("cannot build an AWS request: {e}"), "this is a bug in wsadm; please report it")
}

impl<'a> Conv<'a> {
    fn trust_policy() -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": "lambda.amazonaws.com" },
                "Action": "sts:AssumeRole"
            }]
        })
    }

    /// Least privilege: this table and its indexes, @connections POST on this API's stages,
    /// the functions' own log groups, and reading exactly the stack's HS256 secret (if any).
    fn handler_policy(&self) -> Value {
        let table = self.acct.arn("dynamodb", &format!("table/{}", self.d.table));
        let connections: Vec<String> = self
            .stages
            .iter()
            .map(|s| self.acct.arn("execute-api", &format!("{}/{s}/POST/@connections/*", self.api_id())))
            .collect();
        let logs: Vec<String> = self
            .d
            .functions
            .iter()
            .map(|f| format!("{}:*", self.acct.log_group_arn(&lambda_log_group(&f.name))))
            .collect();
        let mut policy = json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SessionTable",
                    "Effect": "Allow",
                    "Action": [
                        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                        "dynamodb:ConditionCheckItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"
                    ],
                    "Resource": [
                        table.clone(),
                        format!("{table}/index/{INDEX_BY_USER}"),
                        format!("{table}/index/{INDEX_BY_ROOM}")
                    ]
                },
                {
                    "Sid": "Connections",
                    "Effect": "Allow",
                    "Action": "execute-api:ManageConnections",
                    "Resource": connections
                },
                {
                    "Sid": "OwnLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": logs
                }
            ]
        });
        if let (Some(arn), Some(statements)) = (self.secret_arn_or_placeholder(), policy["Statement"].as_array_mut()) {
            statements.push(json!({
                "Sid": "JwtSecret",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": arn
            }));
        }
        policy
    }

    pub(super) async fn role(&mut self) -> Result<(), Error> {
        let iam = self.aws.iam();
        let name = self.d.role.clone();
        let stack = self.d.stack.clone();
        let trust = Self::trust_policy();
        let role = iam.get_role().role_name(&name).send().await.ctx("GetRole").optional()?.and_then(|o| o.role);
        let mut role_exists = true;
        match role {
            None => {
                role_exists = false;
                self.role_arn = self.acct.role_arn(&name);
                self.record("iam_role", &name, None, Action::Create, vec![]);
                if !self.dry {
                    let tag =
                        aws_sdk_iam::types::Tag::builder().key(TAG_STACK).value(&stack).build().map_err(build_err)?;
                    let o = iam
                        .create_role()
                        .role_name(&name)
                        .description(format!("wsadm stack {stack}: the chat handlers' execution role"))
                        .assume_role_policy_document(trust.to_string())
                        .tags(tag)
                        .send()
                        .await
                        .ctx("CreateRole")?;
                    if let Some(r) = o.role() {
                        self.role_arn = r.arn().to_string();
                        self.created(Some(r.arn()));
                    }
                }
            }
            Some(r) => {
                let owner = r.tags().iter().find(|t| t.key() == TAG_STACK).map(|t| t.value().to_string());
                if owner.as_deref() != Some(stack.as_str()) {
                    return Err(not_ours("IAM role", &name, &stack, owner.as_deref()));
                }
                self.role_arn = r.arn().to_string();
                let actual = r.assume_role_policy_document().and_then(policy_json);
                let mut diff = Diff::default();
                if actual.as_ref() != Some(&trust) {
                    diff.0.push(Change {
                        field: "assume_role_policy".into(),
                        from: Some("(differs)".into()),
                        to: Some("lambda.amazonaws.com".into()),
                    });
                }
                let action = action_for(&diff);
                self.record("iam_role", &name, Some(self.role_arn.clone()), action, diff.0);
                if action == Action::Update && !self.dry {
                    iam.update_assume_role_policy()
                        .role_name(&name)
                        .policy_document(trust.to_string())
                        .send()
                        .await
                        .ctx("UpdateAssumeRolePolicy")?;
                }
            }
        }
        let policy = self.handler_policy();
        let step_name = format!("{name}/{POLICY_NAME}");
        let actual = if role_exists {
            let o = iam.get_role_policy().role_name(&name).policy_name(POLICY_NAME).send().await.ctx("GetRolePolicy");
            o.optional()?.and_then(|o| policy_json(o.policy_document()))
        } else {
            None
        };
        let action = match &actual {
            None => {
                self.record("iam_policy", &step_name, None, Action::Create, vec![]);
                Action::Create
            }
            Some(a) => {
                let changes = statement_diff(a, &policy);
                let action = if changes.is_empty() { Action::Unchanged } else { Action::Update };
                self.record("iam_policy", &step_name, None, action, changes);
                action
            }
        };
        if action != Action::Unchanged && !self.dry {
            iam.put_role_policy()
                .role_name(&name)
                .policy_name(POLICY_NAME)
                .policy_document(policy.to_string())
                .send()
                .await
                .ctx("PutRolePolicy")?;
        }
        Ok(())
    }
}
