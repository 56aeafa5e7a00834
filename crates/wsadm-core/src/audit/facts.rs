//! The facts about one API that the checks read: gathered once (see [`super::gather`]), plain data
//! so that checks are pure functions and tests build fixtures by hand.

use serde_json::Value;
use std::collections::BTreeMap;

/// A fact that was read, or why it could not be (`access denied (GetRolePolicy)`).
pub type Fact<T> = Result<T, String>;

/// Tag marking an API whose `$connect` is public on purpose.
pub const TAG_PUBLIC: &str = "wsadm:public";

#[derive(Debug, Clone)]
pub struct Facts {
    pub region: String,
    pub api: ApiFacts,
    pub routes: Vec<RouteFacts>,
    pub integrations: Vec<IntegrationFacts>,
    /// All authorizers of the API (or, where GetAuthorizers is missing, those the routes use).
    pub authorizers: Fact<Vec<AuthorizerFacts>>,
    /// The stages audited (all, or the one given with `--stage`).
    pub stages: Vec<StageFacts>,
    /// The Lambda functions the routes and authorizers invoke.
    pub functions: Vec<FunctionFacts>,
    /// The session table (the API's `wsadm:table` tag or `--table`), if the API names one.
    pub table: Option<TableFacts>,
    /// A sample of the session table's records checked with GetConnection (`None`: not sampled:
    /// no table, no single stage, or `--stale-sample 0`).
    pub stale: Option<StaleFacts>,
    /// The HS256 secrets the functions read from Secrets Manager (`None`: not read; only with
    /// `--read-secrets`, as reading them needs secretsmanager:GetSecretValue).
    pub secrets: Option<Vec<SecretFacts>>,
    /// The functions' execution roles.
    pub roles: Vec<RoleFacts>,
    /// The log groups the stages and functions write to.
    pub log_groups: Vec<LogGroupFacts>,
    /// The account's CloudWatch Logs role for API Gateway (None: none set).
    pub cloudwatch_role: Fact<Option<String>>,
    /// AWS calls made to gather these facts.
    pub calls: u32,
}

#[derive(Debug, Clone, Default)]
pub struct ApiFacts {
    pub id: String,
    pub name: String,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct RouteFacts {
    pub id: String,
    pub key: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM`.
    pub authorization_type: String,
    pub authorizer_id: Option<String>,
    /// The integration id from the route's target (`integrations/ID`).
    pub integration_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct IntegrationFacts {
    pub id: String,
    pub integration_type: String,
    pub uri: Option<String>,
    pub timeout_ms: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct AuthorizerFacts {
    pub id: String,
    pub name: String,
    /// `REQUEST` (Lambda) or `JWT` (HTTP APIs only).
    pub authorizer_type: String,
    pub identity_sources: Vec<String>,
    pub uri: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteSettingsFacts {
    pub rate: Option<f64>,
    pub burst: Option<i32>,
    /// `OFF`, `ERROR`, `INFO` (absent: OFF).
    pub logging_level: Option<String>,
    pub data_trace: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct StageFacts {
    pub name: String,
    pub default: RouteSettingsFacts,
    pub routes: BTreeMap<String, RouteSettingsFacts>,
    pub access_log_arn: Option<String>,
    pub access_log_format: Option<String>,
}

/// One HS256 secret in Secrets Manager, as far as the audit needs it: never its value.
#[derive(Debug, Clone)]
pub struct SecretFacts {
    pub arn: String,
    /// The functions that read it (`WSADM_JWT_SECRET_ARN`).
    pub used_by: Vec<String>,
    /// The length in bytes of the current secret.
    pub current_len: Fact<usize>,
}

#[derive(Debug, Clone)]
pub struct FunctionFacts {
    pub name: String,
    /// The ARN (from the integration URI until the configuration is read).
    pub arn: String,
    /// Which routes and authorizers invoke it: `route $connect`, `authorizer chat-jwt`.
    pub used_by: Vec<String>,
    /// The configuration as read (GetFunctionConfiguration).
    pub config: Fact<FunctionConfig>,
}

#[derive(Debug, Clone, Default)]
pub struct FunctionConfig {
    pub role_arn: Option<String>,
    pub timeout_secs: Option<i32>,
    pub env: BTreeMap<String, String>,
    pub log_group: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TableFacts {
    pub name: String,
    /// The table as described; an error when it cannot be read (or does not exist).
    pub arn: Fact<String>,
    /// The TTL attribute when TTL is enabled (or being enabled).
    pub ttl: Fact<Option<String>>,
    pub pitr: Fact<bool>,
    /// `KMS` when encrypted with a KMS key, `AWS_OWNED` otherwise.
    pub sse: Fact<String>,
}

/// The stale share of the session table, from a bounded sample.
#[derive(Debug, Clone)]
pub struct StaleFacts {
    /// The stage whose @connections endpoint answered.
    pub stage: String,
    /// The sample as checked, or why it could not be (the Scan or a GetConnection failed).
    pub sample: Fact<StaleSample>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaleSample {
    /// Records checked with GetConnection.
    pub checked: usize,
    /// Of those, connections API Gateway no longer knows (410).
    pub gone: usize,
}

#[derive(Debug, Clone)]
pub struct RoleFacts {
    pub name: String,
    pub arn: String,
    /// `(policy name, document)` of its inline and attached policies.
    pub policies: Fact<Vec<(String, Value)>>,
}

#[derive(Debug, Clone)]
pub struct LogGroupFacts {
    pub name: String,
    pub arn: Option<String>,
    /// What writes there: `access log of prod`, `function chat-connect`.
    pub role: String,
    /// `Ok(None)`: the group does not exist; `Ok(Some(None))`: never expire.
    pub retention: Fact<Option<Option<i32>>>,
}

impl Facts {
    /// Facts about an API with nothing read yet (every list empty, the account role unknown).
    pub fn new(region: &str, api: ApiFacts) -> Self {
        Facts {
            region: region.to_string(),
            api,
            routes: Vec::new(),
            integrations: Vec::new(),
            authorizers: Ok(Vec::new()),
            stages: Vec::new(),
            functions: Vec::new(),
            table: None,
            stale: None,
            secrets: None,
            roles: Vec::new(),
            log_groups: Vec::new(),
            cloudwatch_role: Err("not read".into()),
            calls: 0,
        }
    }

    /// `arn:aws:apigateway:REGION::/apis/ID` and below.
    pub fn api_arn(&self, path: &str) -> String {
        format!("arn:aws:apigateway:{}::/apis/{}{path}", self.region, self.api.id)
    }

    pub fn integration(&self, id: &str) -> Option<&IntegrationFacts> {
        self.integrations.iter().find(|i| i.id == id)
    }

    pub fn route(&self, key: &str) -> Option<&RouteFacts> {
        self.routes.iter().find(|r| r.key == key)
    }

    pub fn is_public(&self) -> bool {
        self.api.tags.get(TAG_PUBLIC).is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}
