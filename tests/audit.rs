//! `wsadm audit` end to end: the binary against a stack `wsadm provision` made on `wsadm local`,
//! then misconfigured one setting at a time with the AWS SDK (never with wsadm).

mod common;

use common::stack::{connect, local, recv, send, token, Local, SECRET, STACK};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use wsadm_testkit::{Denied, DenyProxy};

/// `(id, severity, resource)` of the findings that stand.
type Found = BTreeSet<(String, String, String)>;

fn found(report: &Value) -> Found {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "found")
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn audit(l: &Local, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["audit", "--api", STACK, "-o", "json"];
    args.extend_from_slice(extra);
    let r = l.run(&args);
    assert!(matches!(r.code, 0 | 3), "audit failed ({}):\n{}\n{}", r.code, r.stdout, r.stderr);
    (r.code, r.json())
}

fn entry(id: &str, severity: &str, resource: &str) -> (String, String, String) {
    (id.into(), severity.into(), resource.into())
}

/// Applies one misconfiguration and checks that exactly `expected` appeared (nothing else changed).
#[track_caller]
fn expect_new(l: &Local, before: &mut Found, expected: &[(&str, &str, &str)]) -> Value {
    let (_, report) = audit(l, &[]);
    let now = found(&report);
    let new: Found = now.difference(before).cloned().collect();
    let gone: Found = before.difference(&now).cloned().collect();
    let want: Found = expected.iter().map(|(i, s, r)| entry(i, s, r)).collect();
    assert_eq!(new, want, "new findings differ; report:\n{report:#}");
    assert!(gone.is_empty(), "findings disappeared: {gone:?}");
    *before = now;
    report
}

/// The default stack, its API id, an API Gateway client, and its first audit report.
async fn provisioned() -> (Local, String, aws_sdk_apigatewayv2::Client, Value) {
    let l = local().await;
    l.provision(&[]).ok();
    let id = api_id(&l).await;
    let gw = aws_sdk_apigatewayv2::Client::new(&l.sdk);
    let (_, report) = audit(&l, &[]);
    (l, id, gw, report)
}

async fn api_id(l: &Local) -> String {
    let gw = aws_sdk_apigatewayv2::Client::new(&l.sdk);
    let apis = gw.get_apis().send().await.unwrap();
    apis.items().iter().find(|a| a.name() == Some(STACK)).unwrap().api_id().unwrap().to_string()
}

#[tokio::test]
async fn a_default_stack_audits_clean_and_renders_for_ci() {
    let l = local().await;
    l.provision(&[]).ok();

    // For people: nothing at high or above, exit 0.
    let r = l.run(&["audit", "--api", STACK, "--no-color"]).ok();
    println!("{}", r.stdout);
    assert!(r.stdout.contains("PASS: clean at high and above"), "{}", r.stdout);
    for sev in ["critical", "high"] {
        assert!(!r.stdout.lines().any(|line| line.trim_start().starts_with(sev)), "{sev} in:\n{}", r.stdout);
    }

    let (code, report) = audit(&l, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["result"], "pass", "{report:#}");
    assert_eq!(report["summary"]["not_checked"], 0, "every fact is readable on the local stack: {report:#}");
    let at_or_above_high: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "critical" || f["severity"] == "high")
        .collect();
    assert!(at_or_above_high.is_empty(), "false positives on a default stack: {at_or_above_high:#?}");
    // The only notes: the authorizer has no identity source (--token-in both, the default), and
    // the message routes share the stage's limit (the test stack limits only send; a stack with
    // no --route-throttle at all has 6 of 6).
    assert_eq!(
        found(&report),
        Found::from([entry("WS-AUTH-004", "info", "chat-jwt"), entry("WS-THROTTLE-004", "low", "prod")]),
        "{report:#}"
    );
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-THROTTLE-004").unwrap();
    assert_eq!(
        f["evidence"],
        "5 of 6 message routes without their own RouteSettings rate and burst: $default, join, leave, ping, whoami",
        "{f:#}"
    );
    let api = &report["apis"][0];
    assert_eq!(api["name"], STACK);
    assert_eq!(api["stages"], serde_json::json!(["prod"]));
    assert_eq!(api["table"], "chat-sessions");
    assert_eq!(api["functions"].as_array().unwrap().len(), 4);
    // Few calls, not one per route: 4 API Gateway lists, 4 functions, 3 table reads, the role's
    // policies, 6 log groups.
    let calls = api["aws_calls"].as_u64().unwrap();
    assert!(calls <= 25, "{calls} AWS calls for one API");
    let checks: Vec<&str> = report["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(checks.len() >= 20 && checks.contains(&"WS-AUTH-001"), "{checks:?}");

    // SARIF 2.1.0.
    let r = l.run(&["audit", "--api", STACK, "--format", "sarif"]).ok();
    let sarif: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "wsadm");
    let rules: Vec<&str> =
        run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rules, checks, "every check is a rule, in order");
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["shortDescription"]["text"].is_string() && rule["defaultConfiguration"]["level"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report["findings"].as_array().unwrap().len());
    for res in results {
        let id = res["ruleId"].as_str().unwrap();
        assert_eq!(rules[res["ruleIndex"].as_u64().unwrap() as usize], id);
        assert!(["error", "warning", "note", "none"].contains(&res["level"].as_str().unwrap()));
        assert!(res["message"]["text"].as_str().unwrap().len() > 10);
        let loc = &res["locations"][0];
        assert!(loc["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().starts_with("aws/us-east-1/"));
        assert!(loc["logicalLocations"][0]["fullyQualifiedName"].as_str().unwrap().starts_with("arn:aws:"));
    }

    // And valid against the official SARIF 2.1.0 schema (scripts/setup puts it in .venv/npm).
    assert_valid_sarif(&r.stdout);

    // JUnit: one test case per check, none failing.
    let r = l.run(&["audit", "--api", STACK, "--format", "junit"]).ok();
    assert!(r.stdout.starts_with("<?xml"), "{}", r.stdout);
    assert!(r.stdout.contains(&format!("tests=\"{}\" failures=\"0\" errors=\"0\"", checks.len())), "{}", r.stdout);

    // Bad input: an unknown API is a usage error with a hint; so is no API at all.
    let r = l.run(&["audit", "--api", "nope"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no WebSocket API matches `nope`") && r.stderr.contains("hint:"), "{}", r.stderr);
    let r = l.run(&["audit"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--all"), "{}", r.stderr);
    let r = l.run(&["audit", "--api", STACK, "--stage", "nope"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("prod"), "{}", r.stderr);
    let r = l.run(&["audit", "--api", STACK, "--ignore", "not an id!"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = l.run(&["audit", "--api", STACK, "--fail-on", "severe"]);
    assert_eq!(r.code, 2, "{}", r.stderr);

    // --all: every WebSocket API of the region (here the one).
    let r = l.run(&["audit", "--all", "-o", "json"]).ok();
    assert_eq!(r.json()["apis"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn each_misconfiguration_is_found_and_nothing_else_changes() {
    let (l, id, gw, report) = provisioned().await;
    let mut before = found(&report);

    // A low finding: the execution log group keeps its logs forever. Exit 0 at the default
    // --fail-on high, 3 with --fail-on low.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&l.sdk);
    let group = format!("API-Gateway-Execution-Logs_{id}/prod");
    logs.delete_retention_policy().log_group_name(&group).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-LOG-006", "low", &group)]);
    assert_eq!(audit(&l, &[]).0, 0);
    let (code, report) = audit(&l, &["--fail-on", "low"]);
    assert_eq!((code, &report["summary"]["result"]), (3, &Value::from("fail")));

    // Execution logging OFF.
    let off = aws_sdk_apigatewayv2::types::RouteSettings::builder()
        .logging_level(aws_sdk_apigatewayv2::types::LoggingLevel::Off)
        .build();
    gw.update_stage().api_id(&id).stage_name("prod").default_route_settings(off).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-LOG-001", "medium", "prod")]);

    // No access logs.
    let none = aws_sdk_apigatewayv2::types::AccessLogSettings::builder().destination_arn("").format("").build();
    gw.update_stage().api_id(&id).stage_name("prod").access_log_settings(none).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-LOG-004", "medium", "prod")]);

    // Session table without TTL.
    let ddb = aws_sdk_dynamodb::Client::new(&l.sdk);
    let spec = aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
        .enabled(false)
        .attribute_name("expiresAt")
        .build()
        .unwrap();
    ddb.update_time_to_live().table_name("chat-sessions").time_to_live_specification(spec).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-DATA-001", "medium", "chat-sessions")]);
    assert_eq!(audit(&l, &[]).0, 0, "nothing at high or above yet");

    // The handlers' role may use DynamoDB on every table: high, exit 3.
    let iam = aws_sdk_iam::Client::new(&l.sdk);
    iam.put_role_policy()
        .role_name("chat-wsadm-handlers")
        .policy_name("too-wide")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let report = expect_new(&l, &mut before, &[("WS-IAM-002", "high", "chat-wsadm-handlers")]);
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-IAM-002").unwrap();
    assert!(f["evidence"].as_str().unwrap().contains("policy too-wide"), "{f:#}");
    assert!(f["resource"]["arn"].as_str().unwrap().ends_with(":role/chat-wsadm-handlers"), "{f:#}");
    assert_eq!(audit(&l, &[]).0, 3);
    // Suppressed, with its reason, and listed: exit 0 again.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ignore");
    std::fs::write(&file, "# reviewed\nWS-IAM-002:chat-wsadm-handlers migration job, until 2026-07-01\n").unwrap();
    let (code, report) = audit(&l, &["--ignore-file", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{report:#}");
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-IAM-002").unwrap();
    assert_eq!(
        (&f["status"], &f["reason"]),
        (&Value::from("suppressed"), &Value::from("migration job, until 2026-07-01"))
    );
    let (code, _) = audit(&l, &["--ignore", "WS-IAM-002"]);
    assert_eq!(code, 0);

    // The JWT secret in plaintext in the authorizer's environment (its length, never its value).
    let lambda = aws_sdk_lambda::Client::new(&l.sdk);
    let conf = lambda.get_function_configuration().function_name("chat-authorizer").send().await.unwrap();
    let mut vars = conf.environment().and_then(|e| e.variables()).cloned().unwrap_or_default();
    vars.insert("WSADM_JWT_SECRET".into(), "a-plaintext-secret-in-the-environment".into());
    let env = aws_sdk_lambda::types::Environment::builder().set_variables(Some(vars)).build();
    lambda.update_function_configuration().function_name("chat-authorizer").environment(env).send().await.unwrap();
    let report = expect_new(&l, &mut before, &[("WS-AUTH-005", "high", "chat-authorizer")]);
    assert!(!report.to_string().contains("a-plaintext-secret"), "the secret is in the report");

    // $connect open to anyone: critical; the authorizer is then attached to nothing.
    let routes = gw.get_routes().api_id(&id).send().await.unwrap();
    let connect = routes.items().iter().find(|r| r.route_key() == Some("$connect")).unwrap();
    gw.update_route()
        .api_id(&id)
        .route_id(connect.route_id().unwrap())
        .authorization_type(aws_sdk_apigatewayv2::types::AuthorizationType::None)
        .send()
        .await
        .unwrap();
    expect_new(&l, &mut before, &[("WS-AUTH-001", "critical", "$connect"), ("WS-AUTH-002", "medium", "chat-jwt")]);
    // Tagged public on purpose: listed as suppressed.
    let arn = format!("arn:aws:apigateway:us-east-1::/apis/{id}");
    gw.tag_resource().resource_arn(&arn).tags("wsadm:public", "true").send().await.unwrap();
    let (_, report) = audit(&l, &[]);
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-AUTH-001").unwrap();
    assert_eq!(f["status"], "suppressed", "{f:#}");
}

/// An auditor that may not read one resource: IAM refuses GetRolePolicy on the handlers' role
/// (AWS's AccessDenied, from a forwarder in front of the local stack). The two checks that need
/// the role's policies say so (never a pass), the rest of the report is as before, the result is
/// incomplete and the exit code 6; a finding at or above --fail-on still makes it fail (3).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setting_the_auditor_may_not_read_is_not_checked_and_the_audit_incomplete() {
    let l = local().await;
    l.provision(&[]).ok();
    let (_, report) = audit(&l, &[]);
    let before = found(&report);
    assert_eq!(report["summary"]["not_checked"], 0, "{report:#}");

    let deny = Denied { service: "iam", action: "GetRolePolicy", param: Some(("RoleName", "chat-wsadm-handlers")) };
    let proxy = DenyProxy::start(&l.url, deny).await;
    let mut env: Vec<(String, String)> = l.env.iter().filter(|(k, _)| k != "AWS_ENDPOINT_URL").cloned().collect();
    env.push(("AWS_ENDPOINT_URL".into(), proxy.url.clone()));
    let run = |args: &[&str]| common::wsadm(&env, args);

    let r = run(&["audit", "--api", STACK, "-o", "json"]);
    assert_eq!(r.code, 6, "{}\n{}", r.stdout, r.stderr);
    assert!(proxy.denied() > 0, "the audit never asked for the role's policies");
    let report = r.json();
    assert_eq!(found(&report), before, "only the unread role's checks may change: {report:#}");
    let unchecked: Vec<&Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["status"] == "not_checked").collect();
    let ids: Vec<&str> = unchecked.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["WS-IAM-001", "WS-IAM-002"], "{report:#}");
    for f in &unchecked {
        assert_eq!(f["resource"]["kind"], "role", "{f:#}");
        assert_eq!(f["resource"]["name"], "chat-wsadm-handlers", "{f:#}");
        assert_eq!(f["evidence"], "not checked: access denied (GetRolePolicy)", "{f:#}");
        assert_eq!(f["reason"], "access denied (GetRolePolicy)", "{f:#}");
    }
    let summary = &report["summary"];
    assert_eq!(
        (&summary["result"], &summary["not_checked"], &summary["failing"]),
        (&json!("incomplete"), &json!(2), &json!(0))
    );
    assert_eq!(report["exit_code"], 6);

    // For people: the verdict says so, and each unread check says why.
    let r = run(&["audit", "--api", STACK, "--no-color"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stdout.contains("INCOMPLETE: 2 check(s) could not run"), "{}", r.stdout);
    assert_eq!(r.stdout.matches("not checked: access denied (GetRolePolicy)").count(), 2, "{}", r.stdout);
    // A finding at or above --fail-on outweighs the unread setting: fail, 3.
    let r = run(&["audit", "--api", STACK, "--fail-on", "low", "-o", "json"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let report = r.json();
    assert_eq!((&report["summary"]["result"], &report["summary"]["not_checked"]), (&json!("fail"), &json!(2)));
    // The same auditor naming an API that does not exist: a usage error, not an audit.
    let r = run(&["audit", "--api", "nope"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no WebSocket API matches `nope`") && r.stderr.contains("hint:"), "{}", r.stderr);
}

/// Validates a SARIF log against the SARIF 2.1.0 JSON schema with Python's jsonschema (draft-04,
/// as the schema declares); a log broken on purpose must fail, so the check itself is checked.
fn assert_valid_sarif(log: &str) {
    let root = env!("CARGO_MANIFEST_DIR");
    let schema = format!("{root}/.venv/npm/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    assert!(std::path::Path::new(&schema).exists(), "no SARIF schema at {schema}: run scripts/setup");
    let dir = tempfile::tempdir().unwrap();
    let validate = |text: &str| {
        let file = dir.path().join("log.sarif");
        std::fs::write(&file, text).unwrap();
        std::process::Command::new(format!("{root}/.venv/bin/python"))
            .args([
                "-c",
                "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))",
            ])
            .arg(&file)
            .arg(&schema)
            .output()
            .unwrap()
    };
    let out = validate(log);
    assert!(out.status.success(), "SARIF invalid: {}", String::from_utf8_lossy(&out.stderr));
    let mut broken: Value = serde_json::from_str(log).unwrap();
    broken["runs"][0]["results"] = json!([{ "level": "catastrophic", "message": {} }]);
    assert!(!validate(&broken.to_string()).status.success(), "the validator accepted a broken log");
}

#[tokio::test]
async fn stale_session_records_are_sampled() {
    let l = local().await;
    let v = l.provision(&[]).ok().json();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();
    let (_, report) = audit(&l, &[]);
    let mut before = found(&report);

    // Two clients; one vanishes without $disconnect, its record stays.
    let mut alice = connect(&format!("{url}?token={}", token("alice", SECRET))).await.unwrap();
    let mut bob = connect(&format!("{url}?token={}", token("bob", SECRET))).await.unwrap();
    send(&mut alice, json!({"action": "whoami"})).await;
    recv(&mut alice).await;
    send(&mut bob, json!({"action": "whoami"})).await;
    let bob_id = recv(&mut bob).await["connectionId"].as_str().unwrap().to_string();
    // Both connected: clean.
    let (_, report) = audit(&l, &[]);
    assert_eq!(found(&report), before, "{report:#}");
    assert_eq!(report["summary"]["not_checked"], 0, "{report:#}");

    let drop_url = format!("{}/_wsadm/drop", l.url);
    let body = json!({ "connectionIds": [bob_id] }).to_string();
    tokio::task::spawn_blocking(move || wsadm_testkit::http("POST", &drop_url, &body)).await.unwrap().unwrap();
    let report = expect_new(&l, &mut before, &[("WS-DATA-004", "medium", "chat-sessions")]);
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-DATA-004").unwrap();
    assert!(f["evidence"].as_str().unwrap().starts_with("1 of 2 sampled records are gone (410)"), "{f:#}");
    assert_eq!(f["fix"], "wsadm sessions prune --api chat --stage prod");
    // Still nothing at high or above.
    assert_eq!(audit(&l, &[]).0, 0);
    // --stale-sample 0: not sampled.
    let (_, report) = audit(&l, &["--stale-sample", "0"]);
    assert!(!found(&report).iter().any(|(id, _, _)| id == "WS-DATA-004"), "{report:#}");
    drop(alice);
}

/// More misconfigurations, one at a time, each found with its id and severity and nothing else.
#[tokio::test]
async fn more_misconfigurations_are_found_one_by_one() {
    let (l, id, gw, report) = provisioned().await;
    let mut before = found(&report);

    // Data trace on: message bodies (and tokens in them) reach the execution log.
    let trace = aws_sdk_apigatewayv2::types::RouteSettings::builder()
        .logging_level(aws_sdk_apigatewayv2::types::LoggingLevel::Error)
        .data_trace_enabled(true)
        .build();
    gw.update_stage().api_id(&id).stage_name("prod").default_route_settings(trace).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-LOG-003", "medium", "prod")]);

    // Point-in-time recovery off on the session table.
    let ddb = aws_sdk_dynamodb::Client::new(&l.sdk);
    let pitr = aws_sdk_dynamodb::types::PointInTimeRecoverySpecification::builder()
        .point_in_time_recovery_enabled(false)
        .build()
        .unwrap();
    ddb.update_continuous_backups()
        .table_name("chat-sessions")
        .point_in_time_recovery_specification(pitr)
        .send()
        .await
        .unwrap();
    expect_new(&l, &mut before, &[("WS-DATA-002", "low", "chat-sessions")]);

    // Encryption back to the AWS owned key (no KMS key the account controls).
    ddb.update_table()
        .table_name("chat-sessions")
        .sse_specification(aws_sdk_dynamodb::types::SseSpecification::builder().enabled(false).build())
        .send()
        .await
        .unwrap();
    expect_new(&l, &mut before, &[("WS-DATA-003", "low", "chat-sessions")]);

    // A function that may run longer than API Gateway waits (29 s).
    let lambda = aws_sdk_lambda::Client::new(&l.sdk);
    lambda.update_function_configuration().function_name("chat-chat").timeout(60).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-LAMBDA-001", "low", "chat-chat")]);

    // Handlers deployed by an older wsadm.
    let old = "wsadm stack chat: $disconnect; handlers from wsadm 0.0.1";
    lambda.update_function_configuration().function_name("chat-disconnect").description(old).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-LAMBDA-002", "low", "chat-disconnect")]);

    // The per-user connection cap off.
    let conf = lambda.get_function_configuration().function_name("chat-connect").send().await.unwrap();
    let mut vars = conf.environment().and_then(|e| e.variables()).cloned().unwrap_or_default();
    vars.insert("WSADM_MAX_CONNECTIONS_PER_USER".into(), "0".into());
    let env = aws_sdk_lambda::types::Environment::builder().set_variables(Some(vars)).build();
    lambda.update_function_configuration().function_name("chat-connect").environment(env).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-THROTTLE-003", "medium", "chat-connect")]);

    // The handlers' role may post to every API's connections: high.
    let iam = aws_sdk_iam::Client::new(&l.sdk);
    iam.put_role_policy()
        .role_name("chat-wsadm-handlers")
        .policy_name("any-api")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"execute-api:ManageConnections","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    expect_new(&l, &mut before, &[("WS-IAM-001", "high", "chat-wsadm-handlers")]);

    // JWKS without issuer and audience: any token the provider issued for another app passes.
    let conf = lambda.get_function_configuration().function_name("chat-authorizer").send().await.unwrap();
    let mut vars = conf.environment().and_then(|e| e.variables()).cloned().unwrap_or_default();
    vars.retain(|k, _| !k.starts_with("WSADM_JWT_"));
    vars.insert("WSADM_JWKS_URL".into(), "https://idp.example.com/.well-known/jwks.json".into());
    let env = aws_sdk_lambda::types::Environment::builder().set_variables(Some(vars)).build();
    lambda.update_function_configuration().function_name("chat-authorizer").environment(env).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-AUTH-006", "high", "chat-authorizer")]);

    // No CloudWatch role for API Gateway in the account: no stage writes logs.
    let op = aws_sdk_apigateway::types::PatchOperation::builder()
        .op(aws_sdk_apigateway::types::Op::Replace)
        .path("/cloudwatchRoleArn")
        .value("")
        .build();
    aws_sdk_apigateway::Client::new(&l.sdk).update_account().patch_operations(op).send().await.unwrap();
    let report = expect_new(&l, &mut before, &[("WS-LOG-002", "high", "API Gateway settings (us-east-1)")]);
    assert_eq!(report["findings"].as_array().unwrap().iter().filter(|f| f["id"] == "WS-LOG-002").count(), 1);

    // An access-log format that cannot tell connections apart.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&l.sdk);
    let group = logs.describe_log_groups().log_group_name_prefix("/wsadm/chat/prod/access").send().await.unwrap();
    let arn = group.log_groups()[0].arn().unwrap().trim_end_matches(":*").to_string();
    let thin = aws_sdk_apigatewayv2::types::AccessLogSettings::builder()
        .destination_arn(arn)
        .format(r#"{"requestId":"$context.requestId","status":"$context.status"}"#)
        .build();
    gw.update_stage().api_id(&id).stage_name("prod").access_log_settings(thin).send().await.unwrap();
    expect_new(&l, &mut before, &[("WS-LOG-005", "low", "prod")]);

    // A stage without default throttling. AWS keeps a stage's limits once set (an UpdateStage
    // without them changes nothing), so the stage is made again with every setting it had but
    // the default rate and burst.
    let st = gw.get_stage().api_id(&id).stage_name("prod").send().await.unwrap();
    let d = st.default_route_settings().unwrap();
    assert!(d.throttling_rate_limit().is_some() && d.throttling_burst_limit().is_some(), "{d:?}");
    let unthrottled = aws_sdk_apigatewayv2::types::RouteSettings::builder()
        .set_logging_level(d.logging_level().cloned())
        .set_data_trace_enabled(d.data_trace_enabled())
        .set_detailed_metrics_enabled(d.detailed_metrics_enabled())
        .build();
    gw.delete_stage().api_id(&id).stage_name("prod").send().await.unwrap();
    gw.create_stage()
        .api_id(&id)
        .stage_name("prod")
        .set_deployment_id(st.deployment_id().map(str::to_string))
        .set_auto_deploy(st.auto_deploy())
        .set_description(st.description().map(str::to_string))
        .default_route_settings(unthrottled)
        .set_route_settings(st.route_settings().cloned())
        .set_access_log_settings(st.access_log_settings().cloned())
        .set_stage_variables(st.stage_variables().cloned())
        .set_tags(st.tags().cloned())
        .send()
        .await
        .unwrap();
    let report = expect_new(&l, &mut before, &[("WS-THROTTLE-001", "medium", "prod")]);
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-THROTTLE-001").unwrap();
    assert_eq!(
        f["evidence"], "DefaultRouteSettings: ThrottlingRateLimit not set, ThrottlingBurstLimit not set",
        "{f:#}"
    );
}

/// `$disconnect` without an integration, and a route limit above the stage's, one at a time.
#[tokio::test]
async fn disconnect_and_route_limit_misconfigurations_are_found_one_by_one() {
    let (l, id, gw, report) = provisioned().await;
    let mut before = found(&report);
    assert_eq!(report["apis"][0]["functions"].as_array().unwrap().len(), 4);

    // $disconnect made again without a target: nothing removes a closed connection's record.
    let routes = gw.get_routes().api_id(&id).send().await.unwrap();
    let disconnect = routes.items().iter().find(|r| r.route_key() == Some("$disconnect")).unwrap();
    assert!(disconnect.target().is_some_and(|t| t.starts_with("integrations/")), "{disconnect:?}");
    gw.delete_route().api_id(&id).route_id(disconnect.route_id().unwrap()).send().await.unwrap();
    let made = gw.create_route().api_id(&id).route_key("$disconnect").send().await.unwrap();
    let report = expect_new(&l, &mut before, &[("WS-ROUTE-001", "medium", "$disconnect")]);
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-ROUTE-001").unwrap();
    assert_eq!(f["evidence"], "target: none", "{f:#}");
    assert!(f["resource"]["arn"].as_str().unwrap().ends_with(&format!("/routes/{}", made.route_id().unwrap())));
    assert!(f["fix"].as_str().unwrap().contains(&format!("--route-id {}", made.route_id().unwrap())), "{f:#}");
    // The disconnect handler is no longer invoked by anything, so no longer audited.
    let functions = report["apis"][0]["functions"].as_array().unwrap();
    assert!(functions.len() == 3 && !functions.contains(&json!("chat-disconnect")), "{functions:?}");

    // A route limit above the stage's (500 rps, burst 1,000 by default): send raised from 10:20.
    let stage = gw.get_stage().api_id(&id).stage_name("prod").send().await.unwrap();
    let d = stage.default_route_settings().unwrap();
    assert_eq!((d.throttling_rate_limit(), d.throttling_burst_limit()), (Some(500.0), Some(1000)));
    let raised = aws_sdk_apigatewayv2::types::RouteSettings::builder()
        .throttling_rate_limit(2000.0)
        .throttling_burst_limit(4000)
        .build();
    gw.update_stage().api_id(&id).stage_name("prod").route_settings("send", raised).send().await.unwrap();
    let report = expect_new(&l, &mut before, &[("WS-THROTTLE-002", "low", "prod/send")]);
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-THROTTLE-002").unwrap();
    assert_eq!(
        f["evidence"], "RouteSettings[send]: rate 2000 > 500, burst 4000 > 1000 (stage or account limit)",
        "{f:#}"
    );
    assert_eq!(f["resource"]["kind"], "route_settings", "{f:#}");
    // Only the rate above: still found, and the evidence names only the rate.
    let rate_only = aws_sdk_apigatewayv2::types::RouteSettings::builder().throttling_burst_limit(20).build();
    gw.update_stage().api_id(&id).stage_name("prod").route_settings("send", rate_only).send().await.unwrap();
    let report = expect_new(&l, &mut before, &[]);
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-THROTTLE-002").unwrap();
    assert_eq!(f["evidence"], "RouteSettings[send]: rate 2000 > 500 (stage or account limit)", "{f:#}");
}

#[tokio::test]
async fn a_short_hs256_secret_is_found_with_read_secrets() {
    let l = local().await;
    l.provision(&[]).ok();
    let ids = |report: &Value| -> Vec<(String, String)> {
        found(report).into_iter().filter(|(id, _, _)| id == "WS-AUTH-007").map(|(id, sev, _)| (id, sev)).collect()
    };
    // The provisioned secret is long enough.
    let (_, report) = audit(&l, &["--read-secrets"]);
    assert!(ids(&report).is_empty(), "{report:#}");

    // Someone puts a short one in Secrets Manager, outside wsadm.
    let sm = aws_sdk_secretsmanager::Client::new(&l.sdk);
    sm.put_secret_value()
        .secret_id(format!("wsadm/{STACK}/jwt-secret"))
        .secret_string(json!({ "current": "only-sixteen-byt" }).to_string())
        .send()
        .await
        .unwrap();
    let (code, report) = audit(&l, &["--read-secrets"]);
    assert_eq!(ids(&report), [("WS-AUTH-007".to_string(), "high".to_string())], "{report:#}");
    assert_eq!(code, 3, "high fails the default --fail-on");
    let f = report["findings"].as_array().unwrap().iter().find(|f| f["id"] == "WS-AUTH-007").unwrap();
    assert!(f["evidence"].as_str().unwrap().contains("16 bytes"), "{f}");
    assert!(!report.to_string().contains("only-sixteen-byt"), "the secret leaked into the report");
    // Without --read-secrets the value is never read.
    let (_, report) = audit(&l, &[]);
    assert!(ids(&report).is_empty(), "{report:#}");
}
