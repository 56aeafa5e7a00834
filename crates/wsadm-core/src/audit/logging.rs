//! Logging: execution and access logs, the account's CloudWatch role, data trace, retention.

use super::check::{Check, Hit, Scope};
use super::facts::Facts;
use super::finding::{Resource, Severity};
use super::resource;
use crate::logs::AccessFormat;

/// The `$context` variables an access line needs to debug a WebSocket request.
pub const ACCESS_LOG_FIELDS: &[&str] = &["connectionId", "eventType", "routeKey", "status", "requestId"];

pub const CHECKS: &[Check] = &[
    Check {
        id: "WS-LOG-001",
        title: "Execution logging off",
        severity: Severity::Medium,
        scope: Scope::Stage,
        why: "Without execution logs connects, authorizer failures, disconnects and close codes leave no trace (Security Hub APIGateway.1).",
        run: execution_logging_off,
    },
    Check {
        id: "WS-LOG-002",
        title: "No CloudWatch role for API Gateway in the account",
        severity: Severity::High,
        scope: Scope::Account,
        why: "Without the account's CloudWatch role API Gateway silently writes no execution or access logs, whatever the stages say.",
        run: no_cloudwatch_role,
    },
    Check {
        id: "WS-LOG-003",
        title: "Data trace on",
        severity: Severity::Medium,
        scope: Scope::Stage,
        why: "Data trace writes full message payloads to the execution log: chat messages, personal data and tokens end up in CloudWatch.",
        run: data_trace_on,
    },
    Check {
        id: "WS-LOG-004",
        title: "No access logs",
        severity: Severity::Medium,
        scope: Scope::Stage,
        why: "Without access logs there is no record of who connected, from where, and what each request returned (Security Hub APIGateway.9).",
        run: no_access_logs,
    },
    Check {
        id: "WS-LOG-005",
        title: "Access-log format missing fields",
        severity: Severity::Low,
        scope: Scope::Stage,
        why: "An access line without connectionId, eventType, routeKey, status and requestId cannot be tied to a connection or to the execution log.",
        run: access_format_incomplete,
    },
    Check {
        id: "WS-LOG-006",
        title: "Log group without retention",
        severity: Severity::Low,
        scope: Scope::Stage,
        why: "A group without retention keeps chat metadata (and any logged personal data) forever, and its cost grows without bound.",
        run: no_retention,
    },
];

fn level(l: Option<&str>) -> String {
    l.map(str::to_ascii_uppercase).unwrap_or_else(|| "OFF".into())
}

fn execution_logging_off(f: &Facts) -> Vec<Hit> {
    f.stages
        .iter()
        .filter(|s| level(s.default.logging_level.as_deref()) == "OFF")
        .map(|s| {
            Hit::found(
                resource::stage(f, &s.name),
                format!("DefaultRouteSettings.LoggingLevel: {}", s.default.logging_level.as_deref().unwrap_or("not set (OFF)")),
                format!(
                    "wsadm provision --name STACK --logging-level ERROR (or: aws apigatewayv2 update-stage --api-id {} --stage-name {} --default-route-settings LoggingLevel=ERROR)",
                    f.api.id, s.name
                ),
            )
        })
        .collect()
}

fn no_cloudwatch_role(f: &Facts) -> Vec<Hit> {
    if f.stages.is_empty() {
        return vec![];
    }
    match &f.cloudwatch_role {
        Ok(Some(_)) => vec![],
        Ok(None) => vec![Hit::found(
            resource::account(f),
            "GetAccount: cloudwatchRoleArn is not set",
            "create a role trusted by apigateway.amazonaws.com with the policy AmazonAPIGatewayPushToCloudWatchLogs, then: aws apigateway update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=ROLE_ARN",
        )],
        Err(reason) => vec![Hit::not_checked(resource::account(f), reason.clone())],
    }
}

fn data_trace_on(f: &Facts) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in &f.stages {
        if s.default.data_trace == Some(true) {
            hits.push(Hit::found(
                resource::stage(f, &s.name),
                "DefaultRouteSettings.DataTraceEnabled: true",
                format!(
                    "wsadm provision --name STACK (it turns data trace off), or: aws apigatewayv2 update-stage --api-id {} --stage-name {} --default-route-settings DataTraceEnabled=false",
                    f.api.id, s.name
                ),
            ));
        }
        for (key, r) in &s.routes {
            if r.data_trace == Some(true) {
                hits.push(Hit::found(
                    resource::route_settings(f, &s.name, key),
                    format!("RouteSettings[{key}].DataTraceEnabled: true"),
                    format!(
                        "aws apigatewayv2 update-stage --api-id {} --stage-name {} --route-settings '{{\"{key}\":{{\"DataTraceEnabled\":false}}}}'",
                        f.api.id, s.name
                    ),
                ));
            }
        }
    }
    hits
}

fn no_access_logs(f: &Facts) -> Vec<Hit> {
    f.stages
        .iter()
        .filter(|s| s.access_log_arn.as_deref().is_none_or(str::is_empty))
        .map(|s| {
            Hit::found(
                resource::stage(f, &s.name),
                "AccessLogSettings: not set",
                format!(
                    "wsadm provision --name STACK (access logs to /wsadm/STACK/STAGE/access), or: aws apigatewayv2 update-stage --api-id {} --stage-name {} --access-log-settings DestinationArn=LOG_GROUP_ARN,Format='{{\"requestId\":\"$context.requestId\",\"connectionId\":\"$context.connectionId\",\"eventType\":\"$context.eventType\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\"}}'",
                    f.api.id, s.name
                ),
            )
        })
        .collect()
}

fn access_format_incomplete(f: &Facts) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in &f.stages {
        if s.access_log_arn.as_deref().is_none_or(str::is_empty) {
            continue; // WS-LOG-004
        }
        let format = AccessFormat::compile(s.access_log_format.as_deref().unwrap_or(""));
        let missing: Vec<&str> = ACCESS_LOG_FIELDS
            .iter()
            .copied()
            .filter(|v| !(format.has_var(v) || (*v == "requestId" && format.has_var("extendedRequestId"))))
            .collect();
        if !missing.is_empty() {
            hits.push(Hit::found(
                resource::stage(f, &s.name),
                format!(
                    "the access-log format lacks {}",
                    missing.iter().map(|m| format!("$context.{m}")).collect::<Vec<_>>().join(", ")
                ),
                "wsadm provision --name STACK (its default format has them all), or add them to --access-log-format",
            ));
        }
    }
    hits
}

fn no_retention(f: &Facts) -> Vec<Hit> {
    f.log_groups
        .iter()
        .filter_map(|g| {
            let res = || Resource::new("log_group", &g.name, g.arn.clone());
            match &g.retention {
                Ok(Some(None)) => Some(Hit::found(
                    res(),
                    format!("retentionInDays: not set (never expire); {}", g.role),
                    format!(
                        "wsadm provision --name STACK --log-retention-days 30 (or: aws logs put-retention-policy --log-group-name '{}' --retention-in-days 30)",
                        g.name
                    ),
                )),
                // A group that does not exist yet has nothing in it to keep.
                Ok(_) => None,
                Err(reason) => Some(Hit::not_checked(res(), reason.clone())),
            }
        })
        .collect()
}
