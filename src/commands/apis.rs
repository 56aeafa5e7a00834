//! `wsadm apis ls` and `wsadm apis show`.

use super::Ctx;
use crate::output::{cell, Block, Report};
use aws_sdk_apigatewayv2::primitives::{DateTime, DateTimeFormat};
use aws_sdk_apigatewayv2::types::{Api, Authorizer, Integration, Route, RouteSettings, Stage};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use wsadm_core::target::{self, TAG_STACK, TAG_TABLE};
use wsadm_core::{apigw, Error};

/// How many APIs are described at once by `ls`.
const CONCURRENCY: usize = 8;

fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|d| d.fmt(DateTimeFormat::DateTime).ok())
}

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

#[derive(Debug, Serialize)]
pub struct ApiList {
    pub region: String,
    pub apis: Vec<ApiSummary>,
}

#[derive(Debug, Serialize)]
pub struct ApiSummary {
    pub id: String,
    pub name: String,
    pub endpoint: String,
    pub route_selection_expression: String,
    pub stages: Vec<String>,
    pub routes: usize,
    pub created: Option<String>,
    /// The wsadm stack that owns the API (tag `wsadm:stack`), if any.
    pub stack: Option<String>,
}

impl Report for ApiList {
    fn view(&self) -> Vec<Block> {
        vec![Block::Table {
            title: None,
            header: ["ID", "NAME", "ENDPOINT", "STAGES", "ROUTES", "CREATED"].map(String::from).into(),
            rows: self
                .apis
                .iter()
                .map(|a| {
                    vec![
                        a.id.clone(),
                        a.name.clone(),
                        a.endpoint.clone(),
                        if a.stages.is_empty() { "-".into() } else { a.stages.join(",") },
                        a.routes.to_string(),
                        cell(a.created.as_deref()),
                    ]
                })
                .collect(),
            empty: format!("No WebSocket APIs in {}.", self.region),
        }]
    }

    fn lines(&self) -> Vec<serde_json::Value> {
        self.apis.iter().map(|a| serde_json::to_value(a).unwrap_or_default()).collect()
    }
}

pub async fn ls(ctx: &Ctx) -> Result<ApiList, Error> {
    let aws = ctx.aws().await?;
    let client = aws.apigw();
    let mut apis = apigw::websocket_apis(&client).await?;
    apis.sort_by(|a, b| (a.name(), a.api_id()).cmp(&(b.name(), b.api_id())));
    let summaries: Vec<ApiSummary> = stream::iter(apis)
        .map(|api| {
            let client = client.clone();
            async move {
                let id = s(api.api_id());
                let (stages, routes) = futures::try_join!(apigw::stages(&client, &id), apigw::routes(&client, &id))?;
                let mut stages: Vec<String> = stages.iter().map(|st| s(st.stage_name())).collect();
                stages.sort();
                Ok::<_, Error>(ApiSummary {
                    id,
                    name: s(api.name()),
                    endpoint: s(api.api_endpoint()),
                    route_selection_expression: s(api.route_selection_expression()),
                    stages,
                    routes: routes.len(),
                    created: time(api.created_date()),
                    stack: api.tags().and_then(|t| t.get(TAG_STACK).cloned()),
                })
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    Ok(ApiList { region: aws.region().to_string(), apis: summaries })
}

#[derive(Debug, Serialize)]
pub struct ApiDetail {
    pub id: String,
    pub name: String,
    pub protocol: String,
    pub endpoint: String,
    pub route_selection_expression: String,
    pub api_key_selection_expression: Option<String>,
    pub description: Option<String>,
    pub created: Option<String>,
    pub stack: Option<String>,
    pub table: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub routes: Vec<RouteInfo>,
    pub authorizers: Vec<AuthorizerInfo>,
    pub stages: Vec<StageInfo>,
    /// The Lambda functions the routes and authorizers invoke.
    pub functions: Vec<FunctionInfo>,
    /// Things that could not be read completely (for example an endpoint without GetAuthorizers).
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FunctionInfo {
    pub name: String,
    pub runtime: Option<String>,
    pub architecture: Option<String>,
    pub last_modified: Option<String>,
    pub code_sha256: Option<String>,
    /// The wsadm version that built its handlers (from the description provision writes).
    pub handlers_version: Option<String>,
}

/// The functions `uris` invoke, read in parallel; what cannot be read becomes a warning.
async fn functions(lambda: &aws_sdk_lambda::Client, uris: Vec<&str>, warnings: &mut Vec<String>) -> Vec<FunctionInfo> {
    let mut arns: Vec<&str> = uris.into_iter().filter_map(wsadm_core::apigw::lambda_function_arn).collect();
    arns.sort();
    arns.dedup();
    let reads = futures::future::join_all(
        arns.iter().map(|arn| lambda.get_function_configuration().function_name(*arn).send()),
    )
    .await;
    let mut out = Vec::new();
    for (arn, read) in arns.iter().zip(reads) {
        let name = wsadm_core::apigw::function_name(arn).to_string();
        match read {
            Ok(c) => {
                let handlers_version = c.description().and_then(wsadm_core::handlers::built_by).map(str::to_string);
                if let Some(v) = handlers_version
                    .as_deref()
                    .filter(|v| wsadm_core::handlers::is_older(v, wsadm_core::handlers::VERSION))
                {
                    warnings.push(format!(
                        "function {name} runs handlers from wsadm {v}, older than this wsadm {}: rerun `wsadm provision` to update them",
                        wsadm_core::handlers::VERSION
                    ));
                }
                out.push(FunctionInfo {
                    runtime: c.runtime().map(|r| r.as_str().to_string()),
                    architecture: c.architectures().first().map(|a| a.as_str().to_string()),
                    last_modified: c.last_modified().map(str::to_string),
                    code_sha256: c.code_sha256().map(str::to_string),
                    handlers_version,
                    name,
                });
            }
            Err(e) => warnings
                .push(format!("function {name}: {}", wsadm_core::error::from_sdk("GetFunctionConfiguration", e))),
        }
    }
    out
}

#[derive(Debug, Serialize)]
pub struct RouteInfo {
    pub id: String,
    pub route_key: String,
    pub authorization_type: String,
    pub authorizer: Option<String>,
    pub api_key_required: bool,
    pub integration: Option<IntegrationInfo>,
    /// The raw `Target` when it does not name a known integration.
    pub target: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntegrationInfo {
    pub id: String,
    pub integration_type: String,
    pub uri: Option<String>,
    pub timeout_ms: Option<i32>,
}

#[derive(Debug, Serialize)]
pub struct AuthorizerInfo {
    pub id: String,
    pub name: String,
    pub authorizer_type: String,
    pub identity_sources: Vec<String>,
    pub uri: Option<String>,
    pub result_ttl_seconds: Option<i32>,
}

#[derive(Debug, Default, Serialize)]
pub struct RouteSettingsInfo {
    pub throttling_rate_limit: Option<f64>,
    pub throttling_burst_limit: Option<i32>,
    pub logging_level: Option<String>,
    pub data_trace_enabled: Option<bool>,
    pub detailed_metrics_enabled: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct AccessLogInfo {
    pub destination_arn: Option<String>,
    pub format: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StageInfo {
    pub name: String,
    pub deployment_id: Option<String>,
    pub auto_deploy: Option<bool>,
    pub created: Option<String>,
    pub last_updated: Option<String>,
    pub management_endpoint: Option<String>,
    pub default_route_settings: RouteSettingsInfo,
    pub route_settings: BTreeMap<String, RouteSettingsInfo>,
    pub access_log: Option<AccessLogInfo>,
    pub variables: BTreeMap<String, String>,
}

fn settings(r: Option<&RouteSettings>) -> RouteSettingsInfo {
    match r {
        None => RouteSettingsInfo::default(),
        Some(r) => RouteSettingsInfo {
            throttling_rate_limit: r.throttling_rate_limit(),
            throttling_burst_limit: r.throttling_burst_limit(),
            logging_level: r.logging_level().map(|l| l.as_str().to_string()),
            data_trace_enabled: r.data_trace_enabled(),
            detailed_metrics_enabled: r.detailed_metrics_enabled(),
        },
    }
}

/// `$connect`, `$disconnect`, `$default` first, then the rest by key.
fn route_order(key: &str) -> (u8, &str) {
    match key {
        "$connect" => (0, key),
        "$disconnect" => (1, key),
        "$default" => (2, key),
        _ => (3, key),
    }
}

fn route_info(r: &Route, integrations: &HashMap<String, IntegrationInfo>, authorizers: &[AuthorizerInfo]) -> RouteInfo {
    let target = r.target().map(str::to_string);
    let integration =
        target.as_deref().and_then(|t| t.strip_prefix("integrations/")).and_then(|id| integrations.get(id)).cloned();
    let authorizer = r.authorizer_id().map(|id| {
        authorizers.iter().find(|a| a.id == id).map(|a| format!("{} ({id})", a.name)).unwrap_or_else(|| id.to_string())
    });
    RouteInfo {
        id: s(r.route_id()),
        route_key: s(r.route_key()),
        authorization_type: r.authorization_type().map(|a| a.as_str().to_string()).unwrap_or_else(|| "NONE".into()),
        authorizer,
        api_key_required: r.api_key_required().unwrap_or(false),
        target: if integration.is_some() { None } else { target },
        integration,
    }
}

fn integration_info(i: &Integration) -> IntegrationInfo {
    IntegrationInfo {
        id: s(i.integration_id()),
        integration_type: i.integration_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        uri: i.integration_uri().map(str::to_string),
        timeout_ms: i.timeout_in_millis(),
    }
}

fn authorizer_info(a: &Authorizer) -> AuthorizerInfo {
    AuthorizerInfo {
        id: s(a.authorizer_id()),
        name: s(a.name()),
        authorizer_type: a.authorizer_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        identity_sources: a.identity_source().to_vec(),
        uri: a.authorizer_uri().map(str::to_string),
        result_ttl_seconds: a.authorizer_result_ttl_in_seconds(),
    }
}

fn stage_info(st: &Stage, api: &Api, domain: Option<&str>) -> StageInfo {
    let name = s(st.stage_name());
    StageInfo {
        management_endpoint: api
            .api_endpoint()
            .and_then(|e| target::management_endpoint(e, &name, domain).ok())
            .map(|u| u.to_string()),
        deployment_id: st.deployment_id().map(str::to_string),
        auto_deploy: st.auto_deploy(),
        created: time(st.created_date()),
        last_updated: time(st.last_updated_date()),
        default_route_settings: settings(st.default_route_settings()),
        route_settings: st
            .route_settings()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), settings(Some(v)))).collect())
            .unwrap_or_default(),
        access_log: st.access_log_settings().map(|a| AccessLogInfo {
            destination_arn: a.destination_arn().map(str::to_string),
            format: a.format().map(str::to_string),
        }),
        variables: st.stage_variables().map(|m| m.clone().into_iter().collect()).unwrap_or_default(),
        name,
    }
}

pub async fn show(ctx: &Ctx, api_arg: Option<String>) -> Result<ApiDetail, Error> {
    let query = api_arg.or_else(|| ctx.global.api.clone()).ok_or(Error::MissingApi)?;
    let aws = ctx.aws().await?;
    let client = aws.apigw();
    let api = target::resolve_api(aws, &query).await?;
    let id = s(api.api_id());
    // With --stage, show only that stage (and fail, listing the stages, when it does not exist).
    let only_stage = match ctx.global.stage.as_deref() {
        Some(st) => Some(target::resolve_stage(aws, &id, Some(st)).await?),
        None => None,
    };
    let (routes, integrations, stages) = futures::try_join!(
        apigw::routes(&client, &id),
        apigw::integrations(&client, &id),
        apigw::stages(&client, &id)
    )?;
    let mut warnings = Vec::new();
    let authorizers: Vec<AuthorizerInfo> = match apigw::authorizers(&client, &id).await {
        Ok(list) => list.iter().map(authorizer_info).collect(),
        Err(e) if e.kind() == wsadm_core::ErrorKind::Failure => {
            // Some endpoints (moto) lack GetAuthorizers: read the ones the routes use instead.
            warnings.push(format!("listing authorizers failed ({e}); showing only those used by routes"));
            let mut ids: Vec<&str> = routes.iter().filter_map(|r| r.authorizer_id()).collect();
            ids.sort();
            ids.dedup();
            let mut out = Vec::new();
            for aid in ids {
                match apigw::authorizer(&client, &id, aid).await {
                    Ok(a) => out.push(authorizer_info(&a)),
                    Err(e) => warnings.push(format!("authorizer {aid}: {e}")),
                }
            }
            out
        }
        Err(e) => return Err(e),
    };
    let by_id: HashMap<String, IntegrationInfo> =
        integrations.iter().map(integration_info).map(|i| (i.id.clone(), i)).collect();
    let mut routes: Vec<RouteInfo> = routes.iter().map(|r| route_info(r, &by_id, &authorizers)).collect();
    routes.sort_by(|a, b| route_order(&a.route_key).cmp(&route_order(&b.route_key)));
    let mut stages: Vec<StageInfo> = stages
        .iter()
        .filter(|st| only_stage.is_none() || st.stage_name() == only_stage.as_deref())
        .map(|st| stage_info(st, &api, ctx.global.domain.as_deref()))
        .collect();
    stages.sort_by(|a, b| a.name.cmp(&b.name));
    let uris = integrations
        .iter()
        .filter_map(|i| i.integration_uri())
        .chain(authorizers.iter().filter_map(|a| a.uri.as_deref()))
        .collect();
    let functions = functions(&aws.lambda(), uris, &mut warnings).await;
    let tags: BTreeMap<String, String> = api.tags().map(|t| t.clone().into_iter().collect()).unwrap_or_default();
    Ok(ApiDetail {
        name: s(api.name()),
        protocol: api.protocol_type().map(|p| p.as_str().to_string()).unwrap_or_default(),
        endpoint: s(api.api_endpoint()),
        route_selection_expression: s(api.route_selection_expression()),
        api_key_selection_expression: api.api_key_selection_expression().map(str::to_string),
        description: api.description().map(str::to_string),
        created: time(api.created_date()),
        stack: tags.get(TAG_STACK).cloned(),
        table: ctx.global.table.clone().or_else(|| tags.get(TAG_TABLE).cloned()),
        tags,
        routes,
        authorizers,
        stages,
        functions,
        warnings,
        id,
    })
}

fn throttle(r: &RouteSettingsInfo) -> String {
    match (r.throttling_rate_limit, r.throttling_burst_limit) {
        (None, None) => "account default".into(),
        (rate, burst) => format!("{} rps, burst {}", cell(rate), cell(burst)),
    }
}

fn onoff(b: Option<bool>) -> String {
    match b {
        Some(true) => "on".into(),
        Some(false) => "off".into(),
        None => "-".into(),
    }
}

impl Report for ApiDetail {
    fn view(&self) -> Vec<Block> {
        let mut fields = vec![
            ("ID".to_string(), self.id.clone()),
            ("Name".into(), self.name.clone()),
            ("Endpoint".into(), self.endpoint.clone()),
            ("Route selection".into(), self.route_selection_expression.clone()),
            ("Created".into(), cell(self.created.as_deref())),
            ("Stack".into(), cell(self.stack.as_deref())),
            ("Session table".into(), cell(self.table.as_deref())),
        ];
        if let Some(d) = &self.description {
            fields.push(("Description".into(), d.clone()));
        }
        let mut blocks = vec![
            Block::Fields { title: Some(format!("API {}", self.name)), rows: fields },
            Block::Table {
                title: Some("Routes".into()),
                header: ["ROUTE", "AUTHORIZATION", "AUTHORIZER", "INTEGRATION", "TARGET"].map(String::from).into(),
                rows: self
                    .routes
                    .iter()
                    .map(|r| {
                        vec![
                            r.route_key.clone(),
                            r.authorization_type.clone(),
                            cell(r.authorizer.as_deref()),
                            r.integration
                                .as_ref()
                                .map(|i| i.integration_type.clone())
                                .unwrap_or_else(|| cell(r.target.as_deref())),
                            // The function name; the full URI stays in `-o json`.
                            cell(r.integration.as_ref().and_then(|i| i.uri.as_deref()).map(|u| {
                                wsadm_core::apigw::function_name(wsadm_core::apigw::lambda_function_arn(u).unwrap_or(u))
                            })),
                        ]
                    })
                    .collect(),
                empty: "No routes.".into(),
            },
            Block::Table {
                title: Some("Authorizers".into()),
                header: ["ID", "NAME", "TYPE", "IDENTITY SOURCES", "TTL"].map(String::from).into(),
                rows: self
                    .authorizers
                    .iter()
                    .map(|a| {
                        vec![
                            a.id.clone(),
                            a.name.clone(),
                            a.authorizer_type.clone(),
                            a.identity_sources.join(", "),
                            cell(a.result_ttl_seconds),
                        ]
                    })
                    .collect(),
                empty: "No authorizers.".into(),
            },
        ];
        blocks.push(Block::Table {
            title: Some("Functions".into()),
            header: ["FUNCTION", "RUNTIME", "ARCH", "HANDLERS", "LAST MODIFIED"].map(String::from).into(),
            rows: self
                .functions
                .iter()
                .map(|f| {
                    vec![
                        f.name.clone(),
                        cell(f.runtime.as_deref()),
                        cell(f.architecture.as_deref()),
                        f.handlers_version.as_ref().map(|v| format!("wsadm {v}")).unwrap_or_else(|| "-".into()),
                        cell(f.last_modified.as_deref()),
                    ]
                })
                .collect(),
            empty: "No Lambda functions.".into(),
        });
        let mut stage_rows = Vec::new();
        for st in &self.stages {
            stage_rows.push(vec![
                st.name.clone(),
                throttle(&st.default_route_settings),
                cell(st.default_route_settings.logging_level.as_deref()),
                onoff(st.default_route_settings.data_trace_enabled),
                onoff(st.default_route_settings.detailed_metrics_enabled),
                cell(
                    st.access_log
                        .as_ref()
                        .and_then(|a| a.destination_arn.as_deref())
                        .map(|arn| wsadm_core::apigw::log_group_name(arn).unwrap_or(arn)),
                ),
                cell(st.deployment_id.as_deref()),
            ]);
            for (route, rs) in &st.route_settings {
                stage_rows.push(vec![
                    format!("  {route}"),
                    throttle(rs),
                    cell(rs.logging_level.as_deref()),
                    onoff(rs.data_trace_enabled),
                    onoff(rs.detailed_metrics_enabled),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        blocks.push(Block::Table {
            title: Some("Stages".into()),
            header: ["STAGE", "THROTTLING", "LOGGING", "DATA TRACE", "METRICS", "ACCESS LOG", "DEPLOYMENT"]
                .map(String::from)
                .into(),
            rows: stage_rows,
            empty: "No stages.".into(),
        });
        if !self.stages.is_empty() {
            blocks.push(Block::Fields {
                title: Some("Management endpoints (@connections)".into()),
                rows: self.stages.iter().map(|st| (st.name.clone(), cell(st.management_endpoint.as_deref()))).collect(),
            });
        }
        for w in &self.warnings {
            blocks.push(Block::Raw(format!("\nnote: {w}\n")));
        }
        blocks
    }
}
