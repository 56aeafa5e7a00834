//! Throttling: the stage's limits, routes above them, and the chat stack's per-user connection cap.

use super::check::{Check, Hit, Scope};
use super::facts::Facts;
use super::finding::Severity;
use super::resource;

/// The account-level throttle of API Gateway (per region), shared by every API and @connections.
pub const ACCOUNT_RATE: f64 = 10_000.0;
pub const ACCOUNT_BURST: i32 = 5_000;

pub const CHECKS: &[Check] = &[
    Check {
        id: "WS-THROTTLE-001",
        title: "Stage without default throttling",
        severity: Severity::Medium,
        scope: Scope::Stage,
        why: "Without stage limits one stage can take the whole account throttle (10,000 rps, burst 5,000), which every API and every @connections call of the region shares.",
        run: stage_unthrottled,
    },
    Check {
        id: "WS-THROTTLE-002",
        title: "Route limit above the stage's or the account's",
        severity: Severity::Low,
        scope: Scope::Route,
        why: "A route's own limit replaces the stage default rather than being capped by it: above the stage default, that one route may take more than the whole stage was sized for; above the account limit, it never applies as written (the account limit caps it).",
        run: route_above_stage,
    },
    Check {
        id: "WS-THROTTLE-003",
        title: "Per-user connection cap off",
        severity: Severity::Medium,
        scope: Scope::Function,
        why: "Without a per-user cap one user (or one stolen token) can hold thousands of connections and exhaust the account's connection rate and the fan-out budget of every room.",
        run: connection_cap_off,
    },
    Check {
        id: "WS-THROTTLE-004",
        title: "Message route without its own limit",
        severity: Severity::Low,
        scope: Scope::Stage,
        why: "Every message route shares the stage's limit: without its own rate and burst one noisy route (a chatty send) can spend the whole stage budget and starve the others.",
        run: message_route_unthrottled,
    },
];

/// Whether a route carries client messages (every route but `$connect` and `$disconnect`).
pub fn is_message_route(key: &str) -> bool {
    key != "$connect" && key != "$disconnect"
}

fn stage_unthrottled(f: &Facts) -> Vec<Hit> {
    f.stages
        .iter()
        .filter(|s| s.default.rate.is_none() || s.default.burst.is_none())
        .map(|s| {
            let show = |v: Option<String>| v.unwrap_or_else(|| "not set".into());
            Hit::found(
                resource::stage(f, &s.name),
                format!(
                    "DefaultRouteSettings: ThrottlingRateLimit {}, ThrottlingBurstLimit {}",
                    show(s.default.rate.map(|r| r.to_string())),
                    show(s.default.burst.map(|b| b.to_string()))
                ),
                format!(
                    "wsadm provision --name STACK --throttle-rate 500 --throttle-burst 1000 (or: aws apigatewayv2 update-stage --api-id {} --stage-name {} --default-route-settings ThrottlingRateLimit=500,ThrottlingBurstLimit=1000)",
                    f.api.id, s.name
                ),
            )
        })
        .collect()
}

fn route_above_stage(f: &Facts) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in &f.stages {
        let stage_rate = s.default.rate.unwrap_or(ACCOUNT_RATE).min(ACCOUNT_RATE);
        let stage_burst = s.default.burst.unwrap_or(ACCOUNT_BURST).min(ACCOUNT_BURST);
        for (key, r) in &s.routes {
            let mut over = Vec::new();
            if let Some(rate) = r.rate.filter(|r| *r > stage_rate) {
                over.push(format!("rate {rate} > {stage_rate}"));
            }
            if let Some(burst) = r.burst.filter(|b| *b > stage_burst) {
                over.push(format!("burst {burst} > {stage_burst}"));
            }
            if !over.is_empty() {
                hits.push(Hit::found(
                    resource::route_settings(f, &s.name, key),
                    format!("RouteSettings[{key}]: {} (stage or account limit)", over.join(", ")),
                    format!("wsadm provision --name STACK --route-throttle '{key}=RATE:BURST' with RATE <= {stage_rate} and BURST <= {stage_burst}"),
                ));
            }
        }
    }
    hits
}

fn connection_cap_off(f: &Facts) -> Vec<Hit> {
    f.functions
        .iter()
        .filter_map(|func| {
            let env = &func.config.as_ref().ok()?.env;
            let v = env.get("WSADM_MAX_CONNECTIONS_PER_USER")?;
            (v.trim() == "0").then(|| {
                Hit::found(
                    resource::function(func),
                    "WSADM_MAX_CONNECTIONS_PER_USER=0",
                    "wsadm provision --name STACK --max-connections-per-user 10",
                )
            })
        })
        .collect()
}

fn message_route_unthrottled(f: &Facts) -> Vec<Hit> {
    let mut keys: Vec<&str> = f.routes.iter().map(|r| r.key.as_str()).filter(|k| is_message_route(k)).collect();
    keys.sort();
    keys.dedup();
    if keys.len() < 2 {
        return vec![];
    }
    f.stages
        .iter()
        .filter_map(|s| {
            let open: Vec<&str> = keys
                .iter()
                .copied()
                .filter(|k| s.routes.get(*k).is_none_or(|r| r.rate.is_none() || r.burst.is_none()))
                .collect();
            (!open.is_empty()).then(|| {
                let flags: Vec<String> = open.iter().map(|k| format!("--route-throttle '{k}=RATE:BURST'")).collect();
                let settings: Vec<String> = open
                    .iter()
                    .map(|k| format!("\"{k}\":{{\"ThrottlingRateLimit\":RATE,\"ThrottlingBurstLimit\":BURST}}"))
                    .collect();
                Hit::found(
                    resource::stage(f, &s.name),
                    format!(
                        "{} of {} message routes without their own RouteSettings rate and burst: {}",
                        open.len(),
                        keys.len(),
                        open.join(", ")
                    ),
                    format!(
                        "wsadm provision --name STACK {} (or: aws apigatewayv2 update-stage --api-id {} --stage-name {} --route-settings '{{{}}}')",
                        flags.join(" "),
                        f.api.id,
                        s.name,
                        settings.join(",")
                    ),
                )
            })
        })
        .collect()
}
