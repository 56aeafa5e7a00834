//! Every check over fact fixtures: a clean stack (what `wsadm provision` makes) and, per check,
//! that stack with exactly one thing wrong.

use super::facts::*;
use super::*;
use serde_json::json;
use std::collections::BTreeMap;

const REGION: &str = "us-east-1";
const FN_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:chat-";

fn uri(f: &str) -> Option<String> {
    Some(format!("arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{FN_ARN}{f}/invocations"))
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn function(suffix: &str, used_by: &str, vars: BTreeMap<String, String>) -> FunctionFacts {
    FunctionFacts {
        name: format!("chat-{suffix}"),
        arn: format!("{FN_ARN}{suffix}"),
        used_by: vec![used_by.into()],
        config: Ok(FunctionConfig {
            role_arn: Some("arn:aws:iam::123456789012:role/chat-wsadm-handlers".into()),
            timeout_secs: Some(10),
            env: vars,
            log_group: format!("/aws/lambda/chat-{suffix}"),
            description: Some(format!("wsadm stack chat: {suffix}; handlers from wsadm {}", crate::handlers::VERSION)),
        }),
    }
}

fn route(id: &str, key: &str, integration: Option<&str>) -> RouteFacts {
    RouteFacts {
        id: id.into(),
        key: key.into(),
        authorization_type: "NONE".into(),
        authorizer_id: None,
        integration_id: integration.map(str::to_string),
    }
}

fn throttled(rate: f64, burst: i32) -> RouteSettingsFacts {
    RouteSettingsFacts {
        rate: Some(rate),
        burst: Some(burst),
        logging_level: Some("ERROR".into()),
        data_trace: Some(false),
    }
}

/// The facts of a stack `wsadm provision` made with default options.
fn clean() -> Facts {
    let api = ApiFacts {
        id: "abc123".into(),
        name: "chat".into(),
        tags: BTreeMap::from([("wsadm:stack".into(), "chat".into()), ("wsadm:table".into(), "chat-sessions".into())]),
    };
    let mut f = Facts::new(REGION, api);
    let mut connect = route("r0", "$connect", Some("i0"));
    connect.authorization_type = "CUSTOM".into();
    connect.authorizer_id = Some("a1".into());
    f.routes = vec![
        connect,
        route("r1", "$disconnect", Some("i1")),
        route("r2", "$default", Some("i2")),
        route("r3", "send", Some("i2")),
    ];
    f.integrations = ["connect", "disconnect", "chat"]
        .iter()
        .enumerate()
        .map(|(i, name)| IntegrationFacts {
            id: format!("i{i}"),
            integration_type: "AWS_PROXY".into(),
            uri: uri(name),
            timeout_ms: Some(29_000),
        })
        .collect();
    f.authorizers = Ok(vec![AuthorizerFacts {
        id: "a1".into(),
        name: "chat-jwt".into(),
        authorizer_type: "REQUEST".into(),
        identity_sources: vec![],
        uri: uri("authorizer"),
    }]);
    f.stages = vec![StageFacts {
        name: "prod".into(),
        default: throttled(500.0, 1000),
        // `--route-throttle` is not given by default.
        routes: BTreeMap::new(),
        access_log_arn: Some("arn:aws:logs:us-east-1:123456789012:log-group:/wsadm/chat/prod/access".into()),
        access_log_format: Some(
            r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status"}"#
                .into(),
        ),
    }];
    f.functions = vec![
        function(
            "connect",
            "route $connect",
            env(&[("WSADM_TABLE", "chat-sessions"), ("WSADM_MAX_CONNECTIONS_PER_USER", "10")]),
        ),
        function("disconnect", "route $disconnect", env(&[("WSADM_TABLE", "chat-sessions")])),
        function("chat", "route $default", env(&[("WSADM_TABLE", "chat-sessions")])),
        function(
            "authorizer",
            "authorizer chat-jwt",
            env(&[("WSADM_JWT_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:wsadm/chat/jwt-secret")]),
        ),
    ];
    f.table = Some(TableFacts {
        name: "chat-sessions".into(),
        arn: Ok("arn:aws:dynamodb:us-east-1:123456789012:table/chat-sessions".into()),
        ttl: Ok(Some("expiresAt".into())),
        pitr: Ok(true),
        sse: Ok("KMS".into()),
    });
    f.roles = vec![RoleFacts {
        name: "chat-wsadm-handlers".into(),
        arn: "arn:aws:iam::123456789012:role/chat-wsadm-handlers".into(),
        policies: Ok(vec![(
            "wsadm-handlers".into(),
            json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "SessionTable", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                 "Resource": ["arn:aws:dynamodb:us-east-1:123456789012:table/chat-sessions", "arn:aws:dynamodb:us-east-1:123456789012:table/chat-sessions/index/by-user"]},
                {"Sid": "Connections", "Effect": "Allow", "Action": "execute-api:ManageConnections",
                 "Resource": ["arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/@connections/*"]}
            ]}),
        )]),
    }];
    f.log_groups = vec![LogGroupFacts {
        name: "/wsadm/chat/prod/access".into(),
        arn: None,
        role: "access log of stage prod".into(),
        retention: Ok(Some(Some(30))),
    }];
    f.cloudwatch_role = Ok(Some("arn:aws:iam::123456789012:role/apigw-logs".into()));
    f
}

/// The findings that stand (status found), as `(id, resource name)`.
fn found(f: &Facts) -> Vec<(String, String)> {
    run(f).into_iter().filter(|x| x.status == Status::Found).map(|x| (x.id, x.resource.name)).collect()
}

/// Exactly one new finding compared with the clean stack.
#[track_caller]
fn only(f: &Facts, id: &str, resource: &str) {
    let base = found(&clean());
    let mut now = found(f);
    now.retain(|x| !base.contains(x));
    assert_eq!(now, vec![(id.to_string(), resource.to_string())]);
}

fn severity_of(id: &str) -> Severity {
    checks().iter().find(|c| c.id == id).unwrap().severity
}

#[test]
fn a_default_stack_has_only_the_identity_source_note_and_open_message_routes() {
    let f = found(&clean());
    assert_eq!(
        f,
        vec![("WS-AUTH-004".to_string(), "chat-jwt".to_string()), ("WS-THROTTLE-004".to_string(), "prod".to_string())]
    );
    assert_eq!(severity_of("WS-AUTH-004"), Severity::Info);
    assert_eq!(severity_of("WS-THROTTLE-004"), Severity::Low);
}

#[test]
fn check_ids_are_unique_and_well_formed() {
    let ids: Vec<&str> = checks().iter().map(|c| c.id).collect();
    let mut dedup = ids.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(ids.len(), dedup.len());
    for c in checks() {
        assert!(c.id.starts_with("WS-") && c.why.ends_with('.'), "{}", c.id);
    }
}

#[test]
fn connect_without_authorization_is_critical_unless_tagged_public() {
    let mut f = clean();
    f.routes[0].authorization_type = "NONE".into();
    let all = found(&f);
    assert!(all.contains(&("WS-AUTH-001".into(), "$connect".into())));
    // The authorizer is then attached to nothing.
    assert!(all.contains(&("WS-AUTH-002".into(), "chat-jwt".into())));
    assert_eq!(severity_of("WS-AUTH-001"), Severity::Critical);
    f.api.tags.insert(TAG_PUBLIC.into(), "true".into());
    let r = run(&f);
    let x = r.iter().find(|x| x.id == "WS-AUTH-001").unwrap();
    assert_eq!(x.status, Status::Suppressed);
    // No $connect route at all: anyone connects.
    let mut f = clean();
    f.routes.remove(0);
    assert!(found(&f).contains(&("WS-AUTH-001".into(), "chat".into())));
}

#[test]
fn authorizer_on_a_message_route() {
    let mut f = clean();
    f.routes[3].authorization_type = "CUSTOM".into();
    f.routes[3].authorizer_id = Some("a1".into());
    only(&f, "WS-AUTH-003", "send");
    assert_eq!(severity_of("WS-AUTH-003"), Severity::Low);
}

#[test]
fn unused_authorizer() {
    let mut f = clean();
    if let Ok(a) = &mut f.authorizers {
        a.push(AuthorizerFacts {
            id: "a2".into(),
            name: "old".into(),
            authorizer_type: "REQUEST".into(),
            identity_sources: vec!["route.request.header.Authorization".into()],
            uri: None,
        });
    }
    only(&f, "WS-AUTH-002", "old");
}

#[test]
fn plaintext_secret_and_jwks_without_issuer() {
    let mut f = clean();
    if let Ok(c) = &mut f.functions[3].config {
        c.env.insert("WSADM_JWT_SECRET".into(), "short-secret".into());
    }
    only(&f, "WS-AUTH-005", "chat-authorizer");
    let x = run(&f).into_iter().find(|x| x.id == "WS-AUTH-005").unwrap();
    assert!(!x.evidence.contains("short-secret"), "the secret leaked into the evidence: {}", x.evidence);
    assert!(x.evidence.contains("12 bytes, shorter than"), "{}", x.evidence);
    assert_eq!(x.severity, Severity::High);

    let mut f = clean();
    if let Ok(c) = &mut f.functions[3].config {
        c.env =
            env(&[("WSADM_JWKS_URL", "https://id.example.com/jwks"), ("WSADM_JWT_ISSUER", "https://id.example.com/")]);
    }
    only(&f, "WS-AUTH-006", "chat-authorizer");
    let x = run(&f).into_iter().find(|x| x.id == "WS-AUTH-006").unwrap();
    assert!(x.evidence.contains("WSADM_JWT_AUDIENCE not set"), "{}", x.evidence);
    if let Ok(c) = &mut f.functions[3].config {
        c.env.insert("WSADM_JWT_AUDIENCE".into(), "chat".into());
    }
    assert_eq!(found(&f), found(&clean()));
}

#[test]
fn a_short_hs256_secret_is_found_only_when_secrets_are_read() {
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:wsadm/chat/jwt-secret-AbCdEf";
    let secret =
        |len: Fact<usize>| SecretFacts { arn: arn.into(), used_by: vec!["chat-authorizer".into()], current_len: len };
    let mut f = clean();
    assert!(!found(&f).iter().any(|(id, _)| id == "WS-AUTH-007"));
    f.secrets = Some(vec![secret(Ok(40))]);
    assert!(!found(&f).iter().any(|(id, _)| id == "WS-AUTH-007"));
    f.secrets = Some(vec![secret(Ok(12))]);
    only(&f, "WS-AUTH-007", "wsadm/chat/jwt-secret-AbCdEf");
    let x = run(&f).into_iter().find(|x| x.id == "WS-AUTH-007").unwrap();
    assert_eq!(x.severity, Severity::High);
    assert!(x.evidence.contains("12 bytes"), "{}", x.evidence);
    f.secrets = Some(vec![secret(Err("access denied (GetSecretValue)".into()))]);
    let x = run(&f).into_iter().find(|x| x.id == "WS-AUTH-007").unwrap();
    assert_eq!(x.status, Status::NotChecked);
}

#[test]
fn throttling() {
    let mut f = clean();
    f.stages[0].default.rate = None;
    f.stages[0].default.burst = None;
    only(&f, "WS-THROTTLE-001", "prod");

    let mut f = clean();
    f.stages[0].routes.insert("send".into(), throttled(600.0, 20));
    only(&f, "WS-THROTTLE-002", "prod/send");
    // Without stage limits the account's apply.
    let mut f = clean();
    f.stages[0].default = RouteSettingsFacts { logging_level: Some("ERROR".into()), ..Default::default() };
    f.stages[0].routes.insert("send".into(), throttled(20_000.0, 20));
    assert!(found(&f).contains(&("WS-THROTTLE-002".into(), "prod/send".into())));

    let mut f = clean();
    if let Ok(c) = &mut f.functions[0].config {
        c.env.insert("WSADM_MAX_CONNECTIONS_PER_USER".into(), "0".into());
    }
    only(&f, "WS-THROTTLE-003", "chat-connect");
}

#[test]
fn message_routes_without_their_own_limit() {
    let evidence = |f: &Facts| {
        run(f).into_iter().find(|x| x.id == "WS-THROTTLE-004" && x.status == Status::Found).map(|x| (x.evidence, x.fix))
    };
    // The default stack: $default and send share the stage's limit.
    let (ev, fix) = evidence(&clean()).unwrap();
    assert_eq!(ev, "2 of 2 message routes without their own RouteSettings rate and burst: $default, send");
    assert!(
        fix.starts_with(
            "wsadm provision --name STACK --route-throttle '$default=RATE:BURST' --route-throttle 'send=RATE:BURST'"
        ),
        "{fix}"
    );
    assert!(fix.contains("aws apigatewayv2 update-stage --api-id abc123 --stage-name prod --route-settings"), "{fix}");
    // One limited: the other is reported.
    let mut f = clean();
    f.stages[0].routes.insert("send".into(), throttled(10.0, 20));
    assert_eq!(
        evidence(&f).unwrap().0,
        "1 of 2 message routes without their own RouteSettings rate and burst: $default"
    );
    // A rate without a burst is not a limit; settings of $connect/$disconnect do not count.
    f.stages[0].routes.insert("$default".into(), RouteSettingsFacts { rate: Some(5.0), ..Default::default() });
    f.stages[0].routes.insert("$connect".into(), throttled(10.0, 20));
    assert_eq!(
        evidence(&f).unwrap().0,
        "1 of 2 message routes without their own RouteSettings rate and burst: $default"
    );
    // Both limited: nothing.
    f.stages[0].routes.insert("$default".into(), throttled(5.0, 10));
    assert_eq!(evidence(&f), None);
    let mut base = found(&clean());
    base.retain(|x| x.0 != "WS-THROTTLE-004");
    assert_eq!(found(&f), base);
    // A single message route has the stage's limit to itself.
    let mut f = clean();
    f.routes.retain(|r| r.key != "send");
    assert_eq!(evidence(&f), None);
}

#[test]
fn logging() {
    let mut f = clean();
    f.stages[0].default.logging_level = Some("OFF".into());
    only(&f, "WS-LOG-001", "prod");
    f.stages[0].default.logging_level = None;
    only(&f, "WS-LOG-001", "prod");

    let mut f = clean();
    f.cloudwatch_role = Ok(None);
    only(&f, "WS-LOG-002", "API Gateway settings (us-east-1)");
    f.cloudwatch_role = Err("access denied (GetAccount)".into());
    let x = run(&f).into_iter().find(|x| x.id == "WS-LOG-002").unwrap();
    assert_eq!((x.status, x.reason.as_deref()), (Status::NotChecked, Some("access denied (GetAccount)")));

    let mut f = clean();
    f.stages[0].default.data_trace = Some(true);
    only(&f, "WS-LOG-003", "prod");

    let mut f = clean();
    f.stages[0].access_log_arn = None;
    only(&f, "WS-LOG-004", "prod");

    let mut f = clean();
    f.stages[0].access_log_format = Some("$context.requestId $context.status".into());
    only(&f, "WS-LOG-005", "prod");
    let x = run(&f).into_iter().find(|x| x.id == "WS-LOG-005").unwrap();
    assert!(x.evidence.contains("$context.connectionId, $context.eventType, $context.routeKey"), "{}", x.evidence);

    let mut f = clean();
    f.log_groups[0].retention = Ok(Some(None));
    only(&f, "WS-LOG-006", "/wsadm/chat/prod/access");
    // A group that does not exist yet holds nothing.
    f.log_groups[0].retention = Ok(None);
    assert_eq!(found(&f), found(&clean()));
}

#[test]
fn the_session_table() {
    let set = |change: fn(&mut TableFacts)| {
        let mut f = clean();
        change(f.table.as_mut().unwrap());
        f
    };
    only(&set(|t| t.ttl = Ok(None)), "WS-DATA-001", "chat-sessions");
    only(&set(|t| t.pitr = Ok(false)), "WS-DATA-002", "chat-sessions");
    only(&set(|t| t.sse = Ok("AWS_OWNED".into())), "WS-DATA-003", "chat-sessions");
    let f = set(|t| t.arn = Err("access denied (DescribeTable)".into()));
    let not_checked: Vec<String> =
        run(&f).into_iter().filter(|x| x.status == Status::NotChecked).map(|x| x.id).collect();
    assert_eq!(not_checked, vec!["WS-DATA-001", "WS-DATA-002", "WS-DATA-003"]);
}

#[test]
fn wide_role_policies() {
    let mut f = clean();
    if let Ok(p) = &mut f.roles[0].policies {
        p.push((
            "extra".into(),
            json!({"Statement": [{"Effect": "Allow", "Action": "execute-api:ManageConnections", "Resource": "*"}]}),
        ));
    }
    only(&f, "WS-IAM-001", "chat-wsadm-handlers");
    let mut f = clean();
    if let Ok(p) = &mut f.roles[0].policies {
        p.push((
            "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess".into(),
            json!({"Statement": [{"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "*"}]}),
        ));
    }
    only(&f, "WS-IAM-002", "chat-wsadm-handlers");
    let mut f = clean();
    f.roles[0].policies = Err("access denied (ListRolePolicies)".into());
    let r = run(&f);
    assert_eq!(r.iter().filter(|x| x.status == Status::NotChecked).count(), 2);
}

#[test]
fn timeouts_and_disconnect() {
    let mut f = clean();
    if let Ok(c) = &mut f.functions[2].config {
        c.timeout_secs = Some(60);
    }
    only(&f, "WS-LAMBDA-001", "chat-chat");
    let mut f = clean();
    if let Ok(c) = &mut f.functions[0].config {
        c.description = Some("wsadm stack chat: $connect; handlers from wsadm 0.0.1".into());
    }
    let name = f.functions[0].name.clone();
    only(&f, "WS-LAMBDA-002", &name);
    // Code from --handler-zip names no version: nothing to compare.
    let mut f = clean();
    if let Ok(c) = &mut f.functions[0].config {
        c.description = Some("wsadm stack chat: $connect; handlers from --handler-zip".into());
    }
    assert_eq!(found(&f), found(&clean()));

    let mut f = clean();
    f.routes[1].integration_id = None;
    only(&f, "WS-ROUTE-001", "$disconnect");
    let mut f = clean();
    f.routes.remove(1);
    only(&f, "WS-ROUTE-001", "chat");
}

#[test]
fn unreadable_function_is_not_checked_once() {
    let mut f = clean();
    f.functions[3].config = Err("access denied (GetFunctionConfiguration)".into());
    let r: Vec<Finding> = run(&f).into_iter().filter(|x| x.status == Status::NotChecked).collect();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].id, "WS-AUTH-005");
    assert_eq!(r[0].evidence, "not checked: access denied (GetFunctionConfiguration)");
}

#[test]
fn ignore_rules() {
    let mut f = clean();
    f.stages[0].default.data_trace = Some(true);
    f.stages[0].access_log_arn = None;
    let mut findings = run(&f);
    let rules = IgnoreRule::parse_file(
        "# accepted\nWS-LOG-003:prod debugging until Friday\n\nws-log-004 no access logs in dev\n",
    )
    .unwrap();
    ignore::apply(&mut findings, &rules);
    let sup: Vec<(&str, &str)> = findings
        .iter()
        .filter(|x| x.status == Status::Suppressed)
        .map(|x| (x.id.as_str(), x.reason.as_deref().unwrap()))
        .collect();
    assert_eq!(sup, vec![("WS-LOG-003", "debugging until Friday"), ("WS-LOG-004", "no access logs in dev")]);
    assert!(IgnoreRule::parse_file("WS-LOG-003").is_err(), "a reason is required");
    assert!(IgnoreRule::parse("bad id!", "").is_err());
    let arn = IgnoreRule::parse("WS-LOG-003:arn:aws:apigateway:us-east-1::/apis/abc123/stages/prod", "x").unwrap();
    assert_eq!(arn.resource.as_deref(), Some("arn:aws:apigateway:us-east-1::/apis/abc123/stages/prod"));
    let other = IgnoreRule::parse("WS-LOG-003:dev", "x").unwrap();
    let x = run(&f).into_iter().find(|x| x.id == "WS-LOG-003").unwrap();
    assert!(arn.matches(&x) && !other.matches(&x));
}

#[test]
fn stale_records_from_a_sample() {
    let with = |sample: Fact<StaleSample>| {
        let mut f = clean();
        f.stale = Some(StaleFacts { stage: "prod".into(), sample });
        f
    };
    // None gone, or not sampled at all: nothing.
    assert_eq!(found(&with(Ok(StaleSample { checked: 50, gone: 0 }))), found(&clean()));
    // Over 10%: medium, with the counts.
    let f = with(Ok(StaleSample { checked: 2, gone: 1 }));
    only(&f, "WS-DATA-004", "chat-sessions");
    let x = run(&f).into_iter().find(|x| x.id == "WS-DATA-004").unwrap();
    assert_eq!(x.severity, Severity::Medium);
    assert!(x.evidence.starts_with("1 of 2 sampled records are gone (410)"), "{}", x.evidence);
    assert_eq!(x.fix, "wsadm sessions prune --api chat --stage prod");
    // At most 10%: low.
    let x = run(&with(Ok(StaleSample { checked: 50, gone: 5 }))).into_iter().find(|x| x.id == "WS-DATA-004").unwrap();
    assert_eq!((x.severity, x.status), (Severity::Low, Status::Found));
    // A 403 (or any other error): not checked, never a pass.
    let r = run(&with(Err("GetConnection on stage prod: forbidden (403): denied".into())));
    let x = r.iter().find(|x| x.id == "WS-DATA-004").unwrap();
    assert_eq!(x.status, Status::NotChecked);
    assert!(x.evidence.contains("forbidden (403)"), "{}", x.evidence);
}
