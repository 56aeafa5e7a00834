//! The converger: reads each resource, compares it with the desired state, creates or updates
//! what differs, and records a step for each. One file per resource kind; the order is `run`.

mod api;
mod authorizer;
mod functions;
mod logs;
mod role;
mod routes;
mod secret;
mod stage;
mod table;

use super::account::Account;
use super::desired::{Auth, Desired};
use super::lookup::{find_log_group, log_group_arn, log_group_owner, not_ours, table_owner, Optional};
use super::names::{access_log_group, execution_log_group, lambda_log_group, FnRole};
use super::report::{Action, Change, Outputs, Step};
use super::settings::token_in_name;
use std::collections::{BTreeSet, HashMap};
use wsadm_core::target::{self, TAG_STACK};
use wsadm_core::{apigw, Aws, AwsResultExt, Error};

struct Api {
    id: String,
    endpoint: String,
}

pub(super) struct Conv<'a> {
    aws: &'a Aws,
    d: &'a Desired,
    acct: Account,
    dry: bool,
    pub(super) steps: Vec<Step>,
    pub(super) warnings: Vec<String>,
    api: Option<Api>,
    role_arn: String,
    integrations: HashMap<FnRole, String>,
    authorizer_id: Option<String>,
    /// The HS256 secret: the preflight's plan, then its ARN once it exists.
    secret: Option<secret::SecretState>,
    secret_arn: Option<String>,
    /// The secret's current version: in the authorizer's environment, so a rotation changes its
    /// configuration and Lambda starts fresh environments that read the new value at once.
    secret_version: Option<String>,
    /// Stages of the API (for the @connections permission): existing ones and the target.
    stages: BTreeSet<String>,
    /// Log groups that exist (or would) for the outputs.
    log_groups: Vec<String>,
}

const PLACEHOLDER_ID: &str = "(new)";

impl<'a> Conv<'a> {
    pub(super) fn new(aws: &'a Aws, d: &'a Desired, acct: Account, dry: bool, warnings: Vec<String>) -> Self {
        let role_arn = acct.role_arn(&d.role);
        Conv {
            aws,
            d,
            acct,
            dry,
            steps: Vec::new(),
            warnings,
            api: None,
            role_arn,
            integrations: HashMap::new(),
            authorizer_id: None,
            secret: None,
            secret_arn: None,
            secret_version: None,
            stages: BTreeSet::new(),
            log_groups: Vec::new(),
        }
    }

    fn record(
        &mut self,
        kind: &'static str,
        name: impl Into<String>,
        id: Option<String>,
        action: Action,
        changes: Vec<Change>,
    ) {
        self.steps.push(Step { kind, name: name.into(), id, action, changes });
    }

    /// The id AWS gave what the last recorded step created.
    fn created(&mut self, id: Option<&str>) {
        if let Some(last) = self.steps.last_mut() {
            last.id = id.map(str::to_string);
        }
    }

    fn api_id(&self) -> &str {
        self.api.as_ref().map(|a| a.id.as_str()).unwrap_or(PLACEHOLDER_ID)
    }

    fn stack_tags(&self) -> [(&'static str, String); 1] {
        [(TAG_STACK, self.d.stack.clone())]
    }

    pub(super) async fn run(&mut self) -> Result<(), Error> {
        self.preflight().await?;
        self.table().await?;
        self.api().await?;
        self.secret().await?;
        self.role().await?;
        for f in self.d.functions.clone() {
            self.log_group(&lambda_log_group(&f.name), true).await?;
        }
        for mut f in self.d.functions.clone() {
            if f.role == FnRole::Authorizer {
                if let Some(arn) = self.secret_arn_or_placeholder() {
                    f.env.insert("WSADM_JWT_SECRET_ARN".into(), arn);
                    let version = self.secret_version.clone().unwrap_or_else(|| PLACEHOLDER_ID.to_string());
                    f.env.insert("WSADM_JWT_SECRET_VERSION".into(), version);
                }
            }
            self.function(&f).await?;
        }
        self.integrations().await?;
        self.authorizer().await?;
        for f in self.d.functions.clone() {
            self.permission(&f).await?;
        }
        self.routes().await?;
        self.log_group(&access_log_group(&self.d.stack, &self.d.stage), false).await?;
        let exec = execution_log_group(self.api_id(), &self.d.stage);
        self.log_group(&exec, true).await?;
        self.stage().await?;
        self.deployment().await?;
        self.leftovers().await?;
        Ok(())
    }

    /// Refuses, before anything is changed, when a resource with one of the stack's names
    /// exists without the stack's tag (each step checks again, for races), or when the HS256
    /// secret differs from the stored one without --rotate-secret.
    async fn preflight(&mut self) -> Result<(), Error> {
        let stack = self.d.stack.as_str();
        let apis = apigw::websocket_apis(&self.aws.apigw()).await?;
        let tagged: Vec<_> = apis
            .iter()
            .filter(|a| a.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str) == Some(stack))
            .collect();
        if tagged.is_empty() {
            if let Some(other) = apis.iter().find(|a| a.name() == Some(stack)) {
                let owner = other.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str);
                return Err(not_ours(
                    "WebSocket API",
                    &format!("{stack} ({})", other.api_id().unwrap_or("?")),
                    stack,
                    owner,
                ));
            }
        }
        let ddb = self.aws.dynamodb();
        if let Some(o) = ddb.describe_table().table_name(&self.d.table).send().await.ctx("DescribeTable").optional()? {
            let owner = table_owner(&ddb, o.table().and_then(|t| t.table_arn()).unwrap_or_default()).await?;
            if owner.as_deref() != Some(stack) {
                return Err(not_ours("DynamoDB table", &self.d.table, stack, owner.as_deref()));
            }
        }
        if let Some(o) = self.aws.iam().get_role().role_name(&self.d.role).send().await.ctx("GetRole").optional()? {
            let owner =
                o.role().and_then(|r| r.tags().iter().find(|t| t.key() == TAG_STACK)).map(|t| t.value().to_string());
            if owner.as_deref() != Some(stack) {
                return Err(not_ours("IAM role", &self.d.role, stack, owner.as_deref()));
            }
        }
        let lambda = self.aws.lambda();
        for f in &self.d.functions {
            if let Some(o) = lambda.get_function().function_name(&f.name).send().await.ctx("GetFunction").optional()? {
                let owner = o.tags().and_then(|t| t.get(TAG_STACK)).map(String::as_str);
                if owner != Some(stack) {
                    return Err(not_ours("Lambda function", &f.name, stack, owner));
                }
            }
        }
        let logs = self.aws.logs();
        let access = access_log_group(stack, &self.d.stage);
        if let Some(g) = find_log_group(&logs, &access).await? {
            let owner =
                log_group_owner(&logs, &log_group_arn(&g).unwrap_or_else(|| self.acct.log_group_arn(&access))).await?;
            if owner.as_deref() != Some(stack) {
                return Err(not_ours("log group", &access, stack, owner.as_deref()));
            }
        }
        self.check_secret().await
    }

    pub(super) fn outputs(&self) -> Outputs {
        let (api_id, wss_url, management_endpoint) = match &self.api {
            Some(a) => (
                Some(a.id.clone()),
                Some(format!("{}/{}", a.endpoint.trim_end_matches('/'), self.d.stage)),
                target::management_endpoint(&a.endpoint, &self.d.stage, None).ok().map(|u| u.to_string()),
            ),
            None => (None, None, None),
        };
        let mut log_groups = self.log_groups.clone();
        log_groups.dedup();
        Outputs {
            api_id,
            wss_url,
            management_endpoint,
            table: self.d.table.clone(),
            role: self.d.role.clone(),
            functions: self.d.functions.iter().map(|f| f.name.clone()).collect(),
            log_groups,
            jwt_secret_arn: self.secret_arn.clone(),
            token_in: (self.d.auth == Auth::Jwt).then(|| token_in_name(self.d.token_in).to_string()),
            handlers: self.d.artifact.describe(),
            handlers_version: self.d.artifact.version().map(str::to_string),
        }
    }
}
