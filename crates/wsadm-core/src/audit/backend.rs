//! The backend: the session table, the handlers' roles and timeouts, and `$disconnect`.

use super::check::{Check, Hit, Scope};
use super::facts::{Facts, TableFacts};
use super::finding::{Resource, Severity};
use super::policy;
use super::resource;

/// API Gateway's integration timeout for WebSocket APIs.
pub const MAX_INTEGRATION_SECS: i32 = 29;

pub const CHECKS: &[Check] = &[
    Check {
        id: "WS-DATA-001",
        title: "Session table without TTL",
        severity: Severity::Medium,
        scope: Scope::Table,
        why: "$disconnect is best effort: without TTL the records of connections that vanished stay forever, and broadcasts keep posting to them.",
        run: table_ttl,
    },
    Check {
        id: "WS-DATA-002",
        title: "Session table without point-in-time recovery",
        severity: Severity::Low,
        scope: Scope::Table,
        why: "Without point-in-time recovery a bad script or a wrong prune cannot be undone; rooms and sessions are lost.",
        run: table_pitr,
    },
    Check {
        id: "WS-DATA-003",
        title: "Session table not encrypted with KMS",
        severity: Severity::Low,
        scope: Scope::Table,
        why: "With an AWS-owned key, access to the table's data (user ids, source IPs, user agents) cannot be controlled or audited through KMS.",
        run: table_sse,
    },
    Check {
        id: "WS-IAM-001",
        title: "Handler role may manage every connection",
        severity: Severity::High,
        scope: Scope::Role,
        why: "execute-api:ManageConnections on * lets a compromised handler post to, read or close the connections of every WebSocket API in the account.",
        run: role_manage_connections_wide,
    },
    Check {
        id: "WS-IAM-002",
        title: "Handler role has DynamoDB actions on *",
        severity: Severity::High,
        scope: Scope::Role,
        why: "DynamoDB actions on * let a compromised handler read, change or delete every table in the account, not just its session table.",
        run: role_dynamodb_wide,
    },
    Check {
        id: "WS-LAMBDA-001",
        title: "Function timeout above API Gateway's 29 s",
        severity: Severity::Low,
        scope: Scope::Function,
        why: "API Gateway gives up on an integration after 29 s: a function that runs longer keeps running (and billing) after the client got a 504, and may act on a request the client saw fail.",
        run: function_timeout,
    },
    Check {
        id: "WS-LAMBDA-002",
        title: "Handlers built by an older wsadm",
        severity: Severity::Low,
        scope: Scope::Function,
        why: "The function runs chat handlers from an older wsadm than the one auditing it: fixes made since (limits, validation, cleanup rules) are not deployed, and the tools and the handlers may disagree about the session table.",
        run: handlers_outdated,
    },
    Check {
        id: "WS-ROUTE-001",
        title: "$disconnect without an integration",
        severity: Severity::Medium,
        scope: Scope::Route,
        why: "Without a $disconnect integration nothing removes a closed connection's session record: the table fills with stale records.",
        run: disconnect_without_integration,
    },
    Check {
        id: "WS-DATA-004",
        title: "Stale session records",
        severity: Severity::Medium,
        scope: Scope::Table,
        why: "Records of connections API Gateway no longer knows make every broadcast post to the dead (410s that cost calls against the shared @connections throttle) and overstate who is online; medium over 10% of a sample, low below.",
        run: stale_records,
    },
];

/// Stale share above which WS-DATA-004 is medium (low below).
pub const STALE_MEDIUM_SHARE: f64 = 0.10;

fn table_resource(t: &TableFacts) -> Resource {
    Resource::new("table", &t.name, t.arn.as_ref().ok().cloned())
}

/// Runs `f` on the session table when there is one and it could be described.
fn on_table(f: &Facts, check: impl FnOnce(&TableFacts) -> Vec<Hit>) -> Vec<Hit> {
    match &f.table {
        None => vec![],
        Some(t) => match &t.arn {
            Err(reason) => vec![Hit::not_checked(table_resource(t), reason.clone())],
            Ok(_) => check(t),
        },
    }
}

fn table_ttl(f: &Facts) -> Vec<Hit> {
    on_table(f, |t| {
        match &t.ttl {
        Ok(Some(_)) => vec![],
        Ok(None) => vec![Hit::found(
            table_resource(t),
            "DescribeTimeToLive: TimeToLiveStatus DISABLED",
            format!(
                "wsadm provision --name STACK (TTL on expiresAt), or: aws dynamodb update-time-to-live --table-name {} --time-to-live-specification Enabled=true,AttributeName=expiresAt",
                t.name
            ),
        )],
        Err(reason) => vec![Hit::not_checked(table_resource(t), reason.clone())],
    }
    })
}

fn table_pitr(f: &Facts) -> Vec<Hit> {
    on_table(f, |t| {
        match &t.pitr {
        Ok(true) => vec![],
        Ok(false) => vec![Hit::found(
            table_resource(t),
            "DescribeContinuousBackups: PointInTimeRecoveryStatus DISABLED",
            format!(
                "wsadm provision --name STACK, or: aws dynamodb update-continuous-backups --table-name {} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
                t.name
            ),
        )],
        Err(reason) => vec![Hit::not_checked(table_resource(t), reason.clone())],
    }
    })
}

fn table_sse(f: &Facts) -> Vec<Hit> {
    on_table(f, |t| {
        match &t.sse {
        Ok(s) if s == "KMS" => vec![],
        Ok(s) => vec![Hit::found(
            table_resource(t),
            format!("SSEDescription: {s} (not a KMS key)"),
            format!(
                "wsadm provision --name STACK, or: aws dynamodb update-table --table-name {} --sse-specification Enabled=true,SSEType=KMS",
                t.name
            ),
        )],
        Err(reason) => vec![Hit::not_checked(table_resource(t), reason.clone())],
    }
    })
}

fn role_check(f: &Facts, service_action: &str, what: &str, fix: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for role in &f.roles {
        let res = || Resource::new("role", &role.name, Some(role.arn.clone()));
        let policies = match &role.policies {
            Ok(p) => p,
            Err(reason) => {
                hits.push(Hit::not_checked(res(), reason.clone()));
                continue;
            }
        };
        let wide: Vec<String> = policies
            .iter()
            .flat_map(|(name, doc)| {
                policy::wide_grants(doc, service_action).into_iter().map(move |g| format!("policy {name}: {g}"))
            })
            .collect();
        if !wide.is_empty() {
            hits.push(Hit::found(
                res(),
                format!("{what}: {}", wide.join("; ")),
                format!("scope the statement to {fix}; wsadm provision --name STACK writes the least-privilege policy wsadm-handlers (then: aws iam delete-role-policy / detach-role-policy for the wide one)"),
            ));
        }
    }
    hits
}

fn role_manage_connections_wide(f: &Facts) -> Vec<Hit> {
    role_check(
        f,
        "execute-api:ManageConnections",
        "allows execute-api:ManageConnections on every API",
        "arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/POST/@connections/*",
    )
}

fn role_dynamodb_wide(f: &Facts) -> Vec<Hit> {
    role_check(
        f,
        "dynamodb:*",
        "allows DynamoDB actions on every table",
        "the session table and its indexes (arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE, …/index/*)",
    )
}

fn function_timeout(f: &Facts) -> Vec<Hit> {
    f.functions
        .iter()
        .filter_map(|func| {
            let t = func.config.as_ref().ok()?.timeout_secs?;
            (t > MAX_INTEGRATION_SECS).then(|| {
                Hit::found(
                    resource::function(func),
                    format!("Timeout: {t} s ({})", func.used_by.join(", ")),
                    format!("aws lambda update-function-configuration --function-name {} --timeout 29", func.name),
                )
            })
        })
        .collect()
}

fn handlers_outdated(f: &Facts) -> Vec<Hit> {
    use crate::handlers::{built_by, is_older, VERSION};
    f.functions
        .iter()
        .filter_map(|func| {
            let built = built_by(func.config.as_ref().ok()?.description.as_deref()?)?;
            is_older(built, VERSION).then(|| {
                Hit::found(
                    resource::function(func),
                    format!("handlers from wsadm {built}; this is wsadm {VERSION} ({})", func.used_by.join(", ")),
                    "wsadm provision --name STACK (the same options) uploads this version's handlers".to_string(),
                )
            })
        })
        .collect()
}

fn disconnect_without_integration(f: &Facts) -> Vec<Hit> {
    match f.route("$disconnect") {
        Some(r) if r.integration_id.as_deref().is_none_or(|i| f.integration(i).is_none()) => vec![Hit::found(
            resource::route(f, r),
            match &r.integration_id {
                None => "target: none".to_string(),
                Some(i) => format!("target: integrations/{i}, which does not exist"),
            },
            format!(
                "wsadm provision --name STACK, or: aws apigatewayv2 update-route --api-id {} --route-id {} --target integrations/INTEGRATION_ID",
                f.api.id, r.id
            ),
        )],
        Some(_) => vec![],
        // Without the route, records of a session table are never removed either.
        None if f.table.is_some() => vec![Hit::found(
            resource::api(f),
            "no $disconnect route, but the API keeps sessions in a table (tag wsadm:table)",
            "wsadm provision --name STACK (it adds $disconnect with the disconnect handler)",
        )],
        None => vec![],
    }
}

fn stale_records(f: &Facts) -> Vec<Hit> {
    let Some(stale) = &f.stale else { return vec![] };
    on_table(f, |t| match &stale.sample {
        Err(reason) => vec![Hit::not_checked(table_resource(t), reason.clone())],
        Ok(s) if s.gone == 0 => vec![],
        Ok(s) => {
            let share = s.gone as f64 / s.checked as f64;
            let hit = Hit::found(
                table_resource(t),
                format!(
                    "{} of {} sampled records are gone (410) on stage {} ({:.0}%)",
                    s.gone,
                    s.checked,
                    stale.stage,
                    share * 100.0
                ),
                format!("wsadm sessions prune --api {} --stage {}", f.api.name, stale.stage),
            );
            vec![if share > STALE_MEDIUM_SHARE { hit } else { hit.at(Severity::Low) }]
        }
    })
}
