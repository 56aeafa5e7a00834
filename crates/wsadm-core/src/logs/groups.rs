//! A stage's log groups, read from its configuration (never guessed from names): the access log's
//! destination, the execution log, and the groups of the Lambda functions its routes and
//! authorizers call; plus findings about its logging settings.

use super::access::AccessFormat;
use super::event::{Parser, Source};
use super::fetch::GroupQuery;
use super::filter::Filter;
use crate::{apigw, Aws, AwsResultExt, Error};
use aws_sdk_apigatewayv2::types::{Authorizer, Integration, LoggingLevel, Route, Stage};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One log group of the stage.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LogGroup {
    pub name: String,
    #[serde(flatten)]
    pub source: Source,
    /// What writes to it: `access log`, `execution log`, `integration of $connect, send`, `authorizer jwt`.
    pub role: String,
    /// The access log's format (access group only).
    pub format: Option<String>,
    /// Whether the group exists (None: could not be checked).
    pub exists: Option<bool>,
}

impl LogGroup {
    pub fn parser(&self) -> Parser {
        match &self.source {
            Source::Access => Parser::Access(AccessFormat::compile(self.format.as_deref().unwrap_or(""))),
            Source::Execution => Parser::Execution,
            Source::Lambda { function } => Parser::Lambda { function: function.clone() },
        }
    }

    /// The fetch query for this group under a filter (with its server-side pattern when safe).
    pub fn query(&self, filter: &Filter) -> GroupQuery {
        let parser = self.parser();
        let pattern = match &parser {
            Parser::Access(f) => filter.pushdown(&self.source, Some(f)),
            _ => filter.pushdown(&self.source, None),
        };
        GroupQuery { group: self.name.clone(), parser, pattern }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Info,
}

/// Something the operator should know before reading the logs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
}

fn finding(severity: Severity, message: impl Into<String>, hint: Option<&str>) -> Finding {
    Finding { severity, message: message.into(), hint: hint.map(str::to_string) }
}

/// Everything `wsadm logs` needs to know about where a stage logs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageLogs {
    pub api_id: String,
    pub stage: String,
    pub access_logging: bool,
    /// The stage's default execution logging level: `OFF`, `ERROR` or `INFO`.
    pub logging_level: String,
    /// Routes whose level differs from the default.
    pub route_logging: BTreeMap<String, String>,
    pub data_trace: bool,
    pub groups: Vec<LogGroup>,
    pub findings: Vec<Finding>,
}

impl StageLogs {
    /// Queries for the groups that exist (or could not be checked).
    pub fn queries(&self, filter: &Filter) -> Vec<GroupQuery> {
        self.groups.iter().filter(|g| g.exists != Some(false)).map(|g| g.query(filter)).collect()
    }

    pub fn group(&self, source: &Source) -> Option<&LogGroup> {
        self.groups.iter().find(|g| &g.source == source)
    }
}

/// A Lambda function the stage calls, as named by its integration or authorizer URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRef {
    /// The ARN (or name) to ask Lambda about.
    pub id: String,
    /// The function's name (no alias or version).
    pub name: String,
    pub roles: Vec<String>,
}

/// The configuration-only part of discovery (no calls), for tests and for the async wrapper.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub logs: StageLogs,
    pub functions: Vec<FunctionRef>,
}

/// `arn:aws:logs:region:account:log-group:NAME[:*]` → `NAME`.
pub fn log_group_of_arn(arn: &str) -> Option<String> {
    let name = arn.split_once(":log-group:")?.1;
    let name = name.strip_suffix(":*").unwrap_or(name);
    (!name.is_empty()).then(|| name.to_string())
}

/// The execution log group of a stage (fixed by API Gateway).
pub fn execution_group(api_id: &str, stage: &str) -> String {
    format!("API-Gateway-Execution-Logs_{api_id}/{stage}")
}

/// The Lambda function an integration or authorizer URI invokes:
/// `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`
/// or a bare function ARN; `${stageVariables.x}` is replaced from the stage's variables.
pub fn function_of_uri(uri: &str, stage_vars: &HashMap<String, String>) -> Option<String> {
    let mut uri = uri.to_string();
    for (k, v) in stage_vars {
        uri = uri.replace(&format!("${{stageVariables.{k}}}"), v);
    }
    let f = match uri.split_once("/functions/") {
        Some((_, rest)) => rest.strip_suffix("/invocations").unwrap_or(rest).to_string(),
        None if uri.starts_with("arn:") && uri.contains(":lambda:") && uri.contains(":function:") => uri,
        None => return None,
    };
    (!f.is_empty() && !f.contains("${")).then_some(f)
}

/// `arn:aws:lambda:r:a:function:NAME[:qualifier]` (or `NAME[:qualifier]`) → `NAME`.
pub fn function_name(id: &str) -> String {
    match id.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest).to_string(),
        None => id.split(':').next().unwrap_or(id).to_string(),
    }
}

fn level_str(l: Option<&LoggingLevel>) -> String {
    l.map(|l| l.as_str().to_ascii_uppercase()).unwrap_or_else(|| "OFF".into())
}

/// Works out groups, functions and findings from the stage, its routes, integrations and authorizers.
pub fn plan(
    api_id: &str,
    stage: &Stage,
    routes: &[Route],
    integrations: &[Integration],
    authorizers: &[Authorizer],
) -> Plan {
    let stage_name = stage.stage_name().unwrap_or_default().to_string();
    let mut findings = Vec::new();
    let mut groups = Vec::new();

    let access = stage.access_log_settings();
    let access_group = access.and_then(|a| a.destination_arn()).and_then(log_group_of_arn);
    match (&access_group, access.and_then(|a| a.format())) {
        (Some(g), format) => {
            if let Some(f) = format {
                let compiled = AccessFormat::compile(f);
                if !compiled.has_var("connectionId") {
                    findings.push(finding(
                        Severity::Info,
                        "the access log format lacks $context.connectionId",
                        Some("add \"connectionId\":\"$context.connectionId\" so --connection can be filtered by CloudWatch"),
                    ));
                }
            }
            groups.push(LogGroup {
                name: g.clone(),
                source: Source::Access,
                role: "access log".into(),
                format: format.map(str::to_string),
                exists: None,
            });
        }
        (None, _) => findings.push(finding(
            Severity::Warning,
            format!("no access logging on stage {stage_name}"),
            Some("set the stage's AccessLogSettings (DestinationArn of a log group, a Format with $context.requestId, $context.connectionId, $context.routeKey, $context.status); `wsadm provision` does"),
        )),
    }

    let defaults = stage.default_route_settings();
    let level = level_str(defaults.and_then(|d| d.logging_level()));
    let data_trace = defaults.and_then(|d| d.data_trace_enabled()).unwrap_or(false);
    let mut route_logging = BTreeMap::new();
    if let Some(rs) = stage.route_settings() {
        for (route, s) in rs {
            if let Some(l) = s.logging_level() {
                let l = level_str(Some(l));
                if l != level {
                    route_logging.insert(route.clone(), l);
                }
            }
        }
    }
    let any_on = level != "OFF" || route_logging.values().any(|l| l != "OFF");
    match level.as_str() {
        "OFF" => findings.push(finding(
            Severity::Warning,
            if any_on {
                "execution logging is OFF by default (on only for some routes)".to_string()
            } else {
                "execution logging is OFF: connects, disconnects and close codes are not logged".to_string()
            },
            Some("set DefaultRouteSettings.LoggingLevel to ERROR or INFO (`wsadm provision` does); the account also needs its API Gateway CloudWatch role"),
        )),
        "ERROR" => findings.push(finding(
            Severity::Info,
            "execution logging is at ERROR: only failed requests are logged",
            Some("set DefaultRouteSettings.LoggingLevel to INFO to trace every connect, message and close"),
        )),
        _ => {}
    }
    if data_trace {
        findings.push(finding(
            Severity::Info,
            "data trace is on: message bodies are written to the execution log",
            Some("turn DataTraceEnabled off outside debugging: bodies may hold personal data"),
        ));
    }
    groups.push(LogGroup {
        name: execution_group(api_id, &stage_name),
        source: Source::Execution,
        role: "execution log".into(),
        format: None,
        exists: None,
    });

    let vars = stage.stage_variables().cloned().unwrap_or_default();
    let by_integration: HashMap<&str, &Integration> =
        integrations.iter().filter_map(|i| Some((i.integration_id()?, i))).collect();
    let mut functions: Vec<FunctionRef> = Vec::new();
    let add =
        |id: String, role: String, functions: &mut Vec<FunctionRef>| match functions.iter_mut().find(|f| f.id == id) {
            Some(f) => f.roles.push(role),
            None => functions.push(FunctionRef { name: function_name(&id), id, roles: vec![role] }),
        };
    let mut sorted_routes: Vec<&Route> = routes.iter().collect();
    sorted_routes.sort_by_key(|r| r.route_key().unwrap_or_default().to_string());
    for r in sorted_routes {
        let key = r.route_key().unwrap_or_default();
        let Some(target) = r.target().and_then(|t| t.strip_prefix("integrations/")) else { continue };
        let Some(integ) = by_integration.get(target) else {
            findings.push(finding(
                Severity::Warning,
                format!("route {key} targets a missing integration {target}"),
                None,
            ));
            continue;
        };
        match integ.integration_uri().and_then(|u| function_of_uri(u, &vars)) {
            Some(f) => add(f, format!("route {key}"), &mut functions),
            None => findings.push(finding(
                Severity::Info,
                format!("route {key} does not integrate a Lambda function: its backend logs elsewhere"),
                None,
            )),
        }
    }
    for a in authorizers {
        let name = a.name().or(a.authorizer_id()).unwrap_or_default();
        if let Some(f) = a.authorizer_uri().and_then(|u| function_of_uri(u, &vars)) {
            add(f, format!("authorizer {name}"), &mut functions);
        }
    }
    Plan {
        logs: StageLogs {
            api_id: api_id.to_string(),
            stage: stage_name,
            access_logging: access_group.is_some(),
            logging_level: level,
            route_logging,
            data_trace,
            groups,
            findings,
        },
        functions,
    }
}

/// Resolves every log group of `api_id`/`stage` through the API Gateway, Lambda and CloudWatch
/// Logs APIs, and marks which groups exist.
pub async fn discover(aws: &Aws, api_id: &str, stage: &str) -> Result<StageLogs, Error> {
    let gw = aws.apigw();
    let st = gw.get_stage().api_id(api_id).stage_name(stage).send().await.ctx("GetStage")?;
    let stage_obj = Stage::builder()
        .stage_name(st.stage_name().unwrap_or(stage))
        .set_access_log_settings(st.access_log_settings().cloned())
        .set_default_route_settings(st.default_route_settings().cloned())
        .set_route_settings(st.route_settings().cloned())
        .set_stage_variables(st.stage_variables().cloned())
        .build();
    let (routes, integrations) = futures::try_join!(apigw::routes(&gw, api_id), apigw::integrations(&gw, api_id))?;
    let mut findings = Vec::new();
    let authorizers = match apigw::authorizers(&gw, api_id).await {
        Ok(list) => list,
        // Some endpoints (moto) lack GetAuthorizers: read those the routes use instead.
        Err(e) if e.kind() == crate::ErrorKind::Failure => {
            let mut ids: Vec<&str> = routes.iter().filter_map(|r| r.authorizer_id()).collect();
            ids.sort();
            ids.dedup();
            let mut out = Vec::new();
            for id in ids {
                match apigw::authorizer(&gw, api_id, id).await {
                    Ok(a) => out.push(a),
                    Err(e) => findings.push(finding(Severity::Warning, format!("authorizer {id}: {e}"), None)),
                }
            }
            out
        }
        Err(e) => return Err(e),
    };
    let mut plan = plan(api_id, &stage_obj, &routes, &integrations, &authorizers);
    plan.logs.findings.extend(findings);

    // The functions' logging settings, the groups' existence and the account's CloudWatch role
    // are independent reads: made concurrently, so discovery costs one round trip of each kind.
    let lambda = aws.lambda();
    let configs =
        futures::future::join_all(plan.functions.iter().map(|f| {
            let lambda = lambda.clone();
            async move {
                lambda.get_function_configuration().function_name(&f.id).send().await.ctx("GetFunctionConfiguration")
            }
        }))
        .await;
    for (f, config) in plan.functions.iter().zip(configs) {
        let roles = f.roles.join(", ");
        let group = match config {
            Ok(c) => c
                .logging_config()
                .and_then(|l| l.log_group())
                .map(str::to_string)
                .unwrap_or_else(|| format!("/aws/lambda/{}", c.function_name().unwrap_or(&f.name))),
            Err(Error::Service { code, .. }) if code == "ResourceNotFoundException" => {
                plan.logs.findings.push(finding(
                    Severity::Warning,
                    format!("function {} ({roles}) does not exist", f.name),
                    Some("fix the integration or authorizer URI, or deploy the function (`wsadm provision`)"),
                ));
                continue;
            }
            Err(e) => {
                // Lambda's default group, with a note: the function's own setting could not be read.
                plan.logs.findings.push(finding(
                    Severity::Info,
                    format!("cannot read function {}'s logging config ({e}); assuming /aws/lambda/{}", f.name, f.name),
                    None,
                ));
                format!("/aws/lambda/{}", f.name)
            }
        };
        match plan.logs.groups.iter_mut().find(|g| g.name == group) {
            Some(g) => g.role = format!("{}, {roles}", g.role),
            None => plan.logs.groups.push(LogGroup {
                name: group,
                source: Source::Lambda { function: f.name.clone() },
                role: roles,
                format: None,
                exists: None,
            }),
        }
    }

    let logs = aws.logs();
    let (exists, account) = futures::join!(
        futures::future::join_all(plan.logs.groups.iter().map(|g| group_exists(&logs, &g.name))),
        cloudwatch_role(aws)
    );
    for (g, e) in plan.logs.groups.iter_mut().zip(exists) {
        g.exists = e.ok();
        if g.exists == Some(false) {
            plan.logs.findings.push(finding(
                Severity::Info,
                format!("log group {} ({}) does not exist yet: nothing has been logged there", g.name, g.role),
                None,
            ));
        }
    }
    match account {
        Ok(Some(_)) => {}
        Ok(None) => plan.logs.findings.insert(
            0,
            finding(
                Severity::Warning,
                "this account has no CloudWatch role for API Gateway in this region: API Gateway writes no execution or access logs",
                Some("create a role API Gateway can assume with AmazonAPIGatewayPushToCloudWatchLogs, then `aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN`"),
            ),
        ),
        Err(e) => plan.logs.findings.push(finding(
            Severity::Info,
            format!("cannot read the account's API Gateway settings ({e}): whether a CloudWatch role is set is unknown"),
            None,
        )),
    }
    Ok(plan.logs)
}

/// The account's CloudWatch role for API Gateway (API Gateway's account settings, shared by REST
/// and WebSocket APIs): without one, no stage of the region writes execution or access logs.
pub async fn cloudwatch_role(aws: &Aws) -> Result<Option<String>, Error> {
    let account = aws.apigateway_account().get_account().send().await.ctx("GetAccount")?;
    Ok(account.cloudwatch_role_arn().filter(|a| !a.is_empty()).map(str::to_string))
}

/// Whether a group of exactly this name exists (DescribeLogGroups by prefix, a few pages at most).
pub async fn group_exists(client: &aws_sdk_cloudwatchlogs::Client, name: &str) -> Result<bool, Error> {
    let mut token: Option<String> = None;
    for _ in 0..20 {
        let o = client
            .describe_log_groups()
            .log_group_name_prefix(name)
            .set_next_token(token.clone())
            .send()
            .await
            .ctx("DescribeLogGroups")?;
        if o.log_groups().iter().any(|g| g.log_group_name() == Some(name)) {
            return Ok(true);
        }
        match o.next_token() {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => return Ok(false),
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_apigatewayv2::types::{AccessLogSettings, IntegrationType, RouteSettings};

    const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:chat-handler";

    fn uri(f: &str) -> String {
        format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{f}/invocations")
    }

    #[test]
    fn names_from_arns_and_uris() {
        assert_eq!(
            log_group_of_arn("arn:aws:logs:us-east-1:1:log-group:/wsadm/chat/prod:*").as_deref(),
            Some("/wsadm/chat/prod")
        );
        assert_eq!(log_group_of_arn("arn:aws:logs:us-east-1:1:log-group:g").as_deref(), Some("g"));
        assert_eq!(log_group_of_arn("arn:aws:s3:::bucket"), None);
        let vars = HashMap::from([("fn".to_string(), "chat-dev".to_string())]);
        assert_eq!(function_of_uri(&uri(FN), &vars).as_deref(), Some(FN));
        assert_eq!(function_of_uri(&uri(&format!("{FN}:live")), &vars).as_deref(), Some(&*format!("{FN}:live")));
        assert_eq!(
            function_of_uri(&uri("arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}"), &vars).as_deref(),
            Some("arn:aws:lambda:us-east-1:1:function:chat-dev")
        );
        assert_eq!(function_of_uri(&uri("arn:aws:lambda:us-east-1:1:function:${stageVariables.nope}"), &vars), None);
        assert_eq!(function_of_uri(FN, &vars).as_deref(), Some(FN));
        assert_eq!(function_of_uri("https://backend.example.com/ws", &vars), None);
        assert_eq!(function_name(FN), "chat-handler");
        assert_eq!(function_name(&format!("{FN}:live")), "chat-handler");
        assert_eq!(function_name("chat-handler:3"), "chat-handler");
        assert_eq!(execution_group("abc", "prod"), "API-Gateway-Execution-Logs_abc/prod");
    }

    fn routes() -> Vec<Route> {
        ["$connect", "$disconnect", "send"]
            .iter()
            .map(|k| Route::builder().route_key(*k).target("integrations/i1").build())
            .chain([Route::builder().route_key("http").target("integrations/i2").build()])
            .collect()
    }

    fn integrations() -> Vec<Integration> {
        vec![
            Integration::builder()
                .integration_id("i1")
                .integration_type(IntegrationType::AwsProxy)
                .integration_uri(uri(FN))
                .build(),
            Integration::builder()
                .integration_id("i2")
                .integration_type(IntegrationType::HttpProxy)
                .integration_uri("https://x")
                .build(),
        ]
    }

    #[test]
    fn a_well_configured_stage() {
        let stage = Stage::builder()
            .stage_name("prod")
            .access_log_settings(
                AccessLogSettings::builder()
                    .destination_arn("arn:aws:logs:us-east-1:123456789012:log-group:/wsadm/chat/prod/access:*")
                    .format(r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId"}"#)
                    .build(),
            )
            .default_route_settings(RouteSettings::builder().logging_level(LoggingLevel::Info).build())
            .route_settings("send", RouteSettings::builder().logging_level(LoggingLevel::Error).build())
            .build();
        let auth = Authorizer::builder()
            .name("jwt")
            .authorizer_uri(uri("arn:aws:lambda:us-east-1:123456789012:function:chat-auth"))
            .build();
        let p = plan("abc", &stage, &routes(), &integrations(), &[auth]);
        let names: Vec<&str> = p.logs.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, vec!["/wsadm/chat/prod/access", "API-Gateway-Execution-Logs_abc/prod"]);
        assert!(p.logs.access_logging);
        assert_eq!(p.logs.logging_level, "INFO");
        assert_eq!(p.logs.route_logging.get("send").map(String::as_str), Some("ERROR"));
        assert_eq!(p.functions.len(), 2);
        assert_eq!(p.functions[0].name, "chat-handler");
        assert_eq!(p.functions[0].roles, vec!["route $connect", "route $disconnect", "route send"]);
        assert_eq!(p.functions[1].roles, vec!["authorizer jwt"]);
        assert!(p.logs.findings.iter().all(|f| f.severity == Severity::Info), "{:?}", p.logs.findings);
        assert!(p.logs.findings.iter().any(|f| f.message.contains("route http")));
        let q = p.logs.groups[0].query(&Filter { connection: Some("c1=".into()), ..Default::default() });
        assert_eq!(q.pattern.as_deref(), Some("\"c1=\""));
        assert_eq!(
            p.logs.groups[1].query(&Filter { connection: Some("c1=".into()), ..Default::default() }).pattern,
            None
        );
    }

    #[test]
    fn a_stage_without_logging_gets_findings() {
        let stage = Stage::builder().stage_name("dev").build();
        let p = plan("abc", &stage, &[], &[], &[]);
        assert!(!p.logs.access_logging);
        assert_eq!(p.logs.logging_level, "OFF");
        let warnings: Vec<&str> =
            p.logs.findings.iter().filter(|f| f.severity == Severity::Warning).map(|f| f.message.as_str()).collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("no access logging"));
        assert!(warnings[1].contains("execution logging is OFF"));
        assert!(p
            .logs
            .findings
            .iter()
            .all(|f| f.severity == Severity::Info || f.hint.as_deref().is_some_and(|h| h.contains("wsadm provision"))));
        // The execution group is a fact of API Gateway, listed even when logging is off.
        assert_eq!(p.logs.groups.len(), 1);
        assert_eq!(p.logs.groups[0].source, Source::Execution);
    }
}
