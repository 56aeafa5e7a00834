//! Authentication: on a WebSocket API only `$connect` can be authorized; the chat stack's JWT settings.

use super::check::{need, Check, Hit, Scope};
use super::facts::{Facts, TAG_PUBLIC};
use super::finding::Severity;
use super::resource;

pub const CHECKS: &[Check] = &[
    Check {
        id: "WS-AUTH-001",
        title: "$connect has no authorization",
        severity: Severity::Critical,
        scope: Scope::Route,
        why: "On a WebSocket API only $connect can be authorized: without it anyone can connect, receive room broadcasts and send messages.",
        run: connect_unauthorized,
    },
    Check {
        id: "WS-AUTH-002",
        title: "Authorizer attached to no $connect route",
        severity: Severity::Medium,
        scope: Scope::Api,
        why: "An authorizer that no $connect route uses checks nothing: its existence suggests protection the API does not have.",
        run: authorizer_unused,
    },
    Check {
        id: "WS-AUTH-003",
        title: "Authorization on a message route (ignored by API Gateway)",
        severity: Severity::Low,
        scope: Scope::Route,
        why: "API Gateway authorizes WebSocket clients only on $connect: authorization set on another route is never evaluated, so it protects nothing.",
        run: authorization_on_message_route,
    },
    Check {
        id: "WS-AUTH-004",
        title: "REQUEST authorizer without identity sources",
        severity: Severity::Info,
        scope: Scope::Api,
        why: "Without identity sources API Gateway calls the authorizer on every connect, even without a token (fine for WebSocket authorizers, which cache nothing; noted only).",
        run: authorizer_without_identity_sources,
    },
    Check {
        id: "WS-AUTH-005",
        title: "JWT secret in plaintext in a function's environment",
        severity: Severity::High,
        scope: Scope::Function,
        why: "Anyone who can read the function's configuration (lambda:GetFunctionConfiguration) can mint tokens for any user.",
        run: secret_in_environment,
    },
    Check {
        id: "WS-AUTH-006",
        title: "JWKS without issuer and audience",
        severity: Severity::High,
        scope: Scope::Function,
        why: "An identity provider signs tokens for many applications with the same keys: unless iss and aud are checked, a token issued for any of them connects.",
        run: jwks_without_issuer_audience,
    },
    Check {
        id: "WS-AUTH-007",
        title: "HS256 secret shorter than 32 bytes (read with --read-secrets)",
        severity: Severity::High,
        scope: Scope::Function,
        why: "HS256 needs a key at least as long as its 32-byte hash: a shorter secret can be found by brute force from one captured token, and then any user's token can be minted.",
        run: secret_too_short,
    },
];

fn secret_too_short(f: &Facts) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in f.secrets.iter().flatten() {
        let res =
            || super::finding::Resource::new("secret", s.arn.rsplit(':').next().unwrap_or(&s.arn), Some(s.arn.clone()));
        match &s.current_len {
            Err(reason) => hits.push(Hit::not_checked(res(), reason.clone())),
            Ok(len) if *len < 32 => hits.push(Hit::found(
                res(),
                format!("the current secret is {len} bytes (read by {})", s.used_by.join(", ")),
                "rotate to a random secret of 32 bytes or more: wsadm provision --name STACK --jwt-secret-env VAR --rotate-secret (e.g. VAR=$(openssl rand -base64 48))",
            )),
            Ok(_) => {}
        }
    }
    hits
}

fn connect_unauthorized(f: &Facts) -> Vec<Hit> {
    let fix = "wsadm provision --name STACK --authorizer jwt (or: aws apigatewayv2 update-route --api-id API --route-id ROUTE --authorization-type CUSTOM --authorizer-id AUTHORIZER)";
    let mut hit = match f.route("$connect") {
        Some(r) if r.authorization_type.eq_ignore_ascii_case("NONE") || r.authorization_type.is_empty() => Hit::found(
            resource::route(f, r),
            format!("authorizationType: {}", if r.authorization_type.is_empty() { "NONE" } else { &r.authorization_type }),
            fix.replace("API", &f.api.id).replace("ROUTE", &r.id),
        ),
        Some(_) => return vec![],
        None => Hit::found(
            resource::api(f),
            "no $connect route: every client connects without authorization",
            format!("add a $connect route with an authorizer: aws apigatewayv2 create-route --api-id {} --route-key '$connect' --authorization-type CUSTOM --authorizer-id AUTHORIZER --target integrations/INTEGRATION", f.api.id),
        ),
    };
    if f.is_public() {
        hit.suppressed = Some(format!("the API is tagged {TAG_PUBLIC}=true (public on purpose)"));
    }
    vec![hit]
}

fn authorizer_unused(f: &Facts) -> Vec<Hit> {
    let authorizers = match need(&f.authorizers, || resource::api(f)) {
        Ok(a) => a,
        Err(h) => return h,
    };
    // Attached: $connect authorizes with it (an authorizer id left on a NONE route is not used).
    let connect_uses = |id: &str| {
        f.routes.iter().any(|r| {
            r.key == "$connect"
                && r.authorization_type.eq_ignore_ascii_case("CUSTOM")
                && r.authorizer_id.as_deref() == Some(id)
        })
    };
    authorizers
        .iter()
        .filter(|a| !connect_uses(&a.id))
        .map(|a| {
            Hit::found(
                resource::authorizer(f, a),
                format!("authorizer {} ({}) is not the authorizer of $connect", a.name, a.id),
                format!(
                    "attach it: aws apigatewayv2 update-route --api-id {} --route-id CONNECT_ROUTE --authorization-type CUSTOM --authorizer-id {}, or delete it: aws apigatewayv2 delete-authorizer --api-id {} --authorizer-id {}",
                    f.api.id, a.id, f.api.id, a.id
                ),
            )
        })
        .collect()
}

fn authorization_on_message_route(f: &Facts) -> Vec<Hit> {
    f.routes
        .iter()
        .filter(|r| r.key != "$connect")
        .filter(|r| {
            let t = r.authorization_type.to_ascii_uppercase();
            (!t.is_empty() && t != "NONE") || r.authorizer_id.is_some()
        })
        .map(|r| {
            Hit::found(
                resource::route(f, r),
                format!(
                    "authorizationType: {}{}",
                    r.authorization_type,
                    r.authorizer_id.as_deref().map(|a| format!(", authorizerId: {a}")).unwrap_or_default()
                ),
                format!(
                    "authorize on $connect instead, and clear it here: aws apigatewayv2 update-route --api-id {} --route-id {} --authorization-type NONE",
                    f.api.id, r.id
                ),
            )
        })
        .collect()
}

fn authorizer_without_identity_sources(f: &Facts) -> Vec<Hit> {
    let Ok(authorizers) = &f.authorizers else { return vec![] };
    authorizers
        .iter()
        .filter(|a| a.authorizer_type.eq_ignore_ascii_case("REQUEST") && a.identity_sources.is_empty())
        .map(|a| {
            Hit::found(
                resource::authorizer(f, a),
                format!("authorizer {}: identitySource: []", a.name),
                "nothing to fix when clients send the token either way (wsadm provision --token-in both); to have API Gateway answer 401 without calling the authorizer, wsadm provision --token-in query|header",
            )
        })
        .collect()
}

fn secret_in_environment(f: &Facts) -> Vec<Hit> {
    let mut hits = Vec::new();
    for func in &f.functions {
        let config = match need(&func.config, || resource::function(func)) {
            Ok(c) => c,
            Err(h) => {
                hits.extend(h);
                continue;
            }
        };
        if let Some(v) = config.env.get("WSADM_JWT_SECRET").filter(|v| !v.is_empty()) {
            // Never the value: its length says whether it is also too short.
            let short = if v.len() < 32 { ", shorter than the 32 bytes HS256 needs" } else { "" };
            hits.push(Hit::found(
                resource::function(func),
                format!("environment variable WSADM_JWT_SECRET is set ({} bytes{short})", v.len()),
                "keep the secret in Secrets Manager: wsadm provision --name STACK --jwt-secret-env VAR --rotate-secret (the authorizer then gets WSADM_JWT_SECRET_ARN), and rotate the exposed secret",
            ));
        }
    }
    hits
}

fn jwks_without_issuer_audience(f: &Facts) -> Vec<Hit> {
    let mut hits = Vec::new();
    for func in &f.functions {
        let Ok(config) = &func.config else { continue };
        let env = &config.env;
        if !(env.contains_key("WSADM_JWKS_URL") || env.contains_key("WSADM_JWKS_FILE")) {
            continue;
        }
        let missing: Vec<&str> = ["WSADM_JWT_ISSUER", "WSADM_JWT_AUDIENCE"]
            .into_iter()
            .filter(|k| env.get(*k).is_none_or(|v| v.trim().is_empty()))
            .collect();
        if !missing.is_empty() {
            hits.push(Hit::found(
                resource::function(func),
                format!("WSADM_JWKS_URL is set; {} not set", missing.join(" and ")),
                "wsadm provision --name STACK --jwks-url URL --jwt-issuer ISSUER --jwt-audience AUDIENCE",
            ));
        }
    }
    hits
}
