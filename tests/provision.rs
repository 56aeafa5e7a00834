//! `wsadm provision` / `wsadm destroy` end to end: the built binary against the local stack
//! (`wsadm local` in front of a moto of the test's own), checked through the AWS APIs and with
//! real WebSocket clients.

mod common;

use common::stack::{connect, local, recv, send, token, SECRET, STACK};
use common::wsadm;
use serde_json::{json, Value};
use std::time::Duration;

fn changed(report: &Value) -> Vec<(String, String, String)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] != "unchanged")
        .map(|r| {
            (
                r["kind"].as_str().unwrap().into(),
                r["name"].as_str().unwrap().into(),
                r["action"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// Everything a rerun must leave alone, read through the AWS APIs.
async fn snapshot(sdk: &aws_config::SdkConfig, api_id: &str) -> Value {
    let gw = aws_sdk_apigatewayv2::Client::new(sdk);
    let mut routes: Vec<Value> = Vec::new();
    for r in gw.get_routes().api_id(api_id).send().await.unwrap().items() {
        let rid = r.route_id().unwrap();
        let rrs = gw.get_route_responses().api_id(api_id).route_id(rid).send().await.unwrap();
        let rr: Vec<&str> = rrs.items().iter().filter_map(|x| x.route_response_id()).collect();
        routes.push(json!([
            r.route_key(),
            rid,
            r.target(),
            r.authorization_type().map(|a| a.as_str()),
            r.authorizer_id(),
            rr
        ]));
    }
    routes.sort_by_key(|v| v[0].to_string());
    let mut integrations: Vec<Value> = gw
        .get_integrations()
        .api_id(api_id)
        .send()
        .await
        .unwrap()
        .items()
        .iter()
        .map(|i| json!([i.integration_id(), i.integration_uri(), i.timeout_in_millis()]))
        .collect();
    integrations.sort_by_key(|v| v.to_string());
    let authorizers: Vec<Value> = gw
        .get_authorizers()
        .api_id(api_id)
        .send()
        .await
        .unwrap()
        .items()
        .iter()
        .map(|a| json!([a.authorizer_id(), a.name(), a.authorizer_uri(), a.identity_source()]))
        .collect();
    let st = gw.get_stage().api_id(api_id).stage_name("prod").send().await.unwrap();
    let d = st.default_route_settings().unwrap();
    let send = st.route_settings().unwrap().get("send").unwrap();
    let stage = json!({
        "last_updated": st.last_updated_date().unwrap().secs(),
        "deployment": st.deployment_id(),
        "rate": d.throttling_rate_limit(), "burst": d.throttling_burst_limit(),
        "logging": d.logging_level().map(|l| l.as_str()), "data_trace": d.data_trace_enabled(),
        "metrics": d.detailed_metrics_enabled(),
        "send": [send.throttling_rate_limit(), send.throttling_burst_limit()],
        "access_log": st.access_log_settings().map(|a| json!([a.destination_arn(), a.format()])),
    });
    let deployments = gw.get_deployments().api_id(api_id).send().await.unwrap().items().len();
    let lambda = aws_sdk_lambda::Client::new(sdk);
    let mut functions = serde_json::Map::new();
    for f in ["connect", "disconnect", "chat", "authorizer"] {
        let c = lambda.get_function_configuration().function_name(format!("{STACK}-{f}")).send().await.unwrap();
        let policy = lambda.get_policy().function_name(format!("{STACK}-{f}")).send().await.unwrap();
        functions.insert(
            f.into(),
            json!([
                c.last_modified(),
                c.code_sha256(),
                c.role(),
                c.environment().and_then(|e| e.variables()),
                policy.policy()
            ]),
        );
    }
    let iam = aws_sdk_iam::Client::new(sdk);
    let policy = iam
        .get_role_policy()
        .role_name(format!("{STACK}-wsadm-handlers"))
        .policy_name("wsadm-handlers")
        .send()
        .await
        .unwrap()
        .policy_document()
        .to_string();
    let sm = aws_sdk_secretsmanager::Client::new(sdk);
    let secret = sm.describe_secret().secret_id(SECRET_NAME).send().await.ok().map(|d| {
        let mut versions: Vec<String> =
            d.version_ids_to_stages().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        versions.sort();
        json!([d.arn(), versions])
    });
    json!({
        "routes": routes, "integrations": integrations, "authorizers": authorizers, "stage": stage,
        "deployments": deployments, "functions": functions, "policy": policy, "secret": secret,
    })
}

const SECRET_NAME: &str = "wsadm/chat/jwt-secret";

/// The stack's secret as stored: its ARN, tags and parsed SecretString.
async fn stored_secret(sdk: &aws_config::SdkConfig) -> Option<(String, Vec<(String, String)>, Value)> {
    let sm = aws_sdk_secretsmanager::Client::new(sdk);
    let d = sm.describe_secret().secret_id(SECRET_NAME).send().await.ok()?;
    let tags = d.tags().iter().map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string())).collect();
    let v = sm.get_secret_value().secret_id(SECRET_NAME).send().await.unwrap();
    Some((d.arn().unwrap().to_string(), tags, serde_json::from_str(v.secret_string().unwrap()).unwrap()))
}

/// Every function's environment, read back from Lambda.
async fn environments(sdk: &aws_config::SdkConfig) -> Vec<(String, std::collections::HashMap<String, String>)> {
    let lambda = aws_sdk_lambda::Client::new(sdk);
    let mut out = Vec::new();
    for f in lambda.list_functions().send().await.unwrap().functions() {
        let name = f.function_name().unwrap();
        let c = lambda.get_function_configuration().function_name(name).send().await.unwrap();
        out.push((name.to_string(), c.environment().and_then(|e| e.variables()).cloned().unwrap_or_default()));
    }
    out
}

/// The handlers' policy document, decoded.
async fn handler_policy(sdk: &aws_config::SdkConfig) -> Value {
    let iam = aws_sdk_iam::Client::new(sdk);
    let doc = iam
        .get_role_policy()
        .role_name("chat-wsadm-handlers")
        .policy_name("wsadm-handlers")
        .send()
        .await
        .unwrap()
        .policy_document()
        .to_string();
    serde_json::from_str(&percent_encoding::percent_decode_str(&doc).decode_utf8_lossy()).unwrap()
}

/// Every resource of any kind that carries `wsadm:stack=STACK`.
async fn tagged(sdk: &aws_config::SdkConfig) -> Vec<String> {
    let mut out = Vec::new();
    let ours = |t: Option<&String>| t.map(String::as_str) == Some(STACK);
    let gw = aws_sdk_apigatewayv2::Client::new(sdk);
    for a in gw.get_apis().send().await.unwrap().items() {
        if ours(a.tags().and_then(|t| t.get("wsadm:stack"))) {
            out.push(format!("api {}", a.api_id().unwrap()));
        }
    }
    let ddb = aws_sdk_dynamodb::Client::new(sdk);
    for t in ddb.list_tables().send().await.unwrap().table_names() {
        let arn =
            ddb.describe_table().table_name(t).send().await.unwrap().table().unwrap().table_arn().unwrap().to_string();
        let tags = ddb.list_tags_of_resource().resource_arn(arn).send().await.unwrap();
        if tags.tags().iter().any(|x| x.key() == "wsadm:stack" && x.value() == STACK) {
            out.push(format!("table {t}"));
        }
    }
    let lambda = aws_sdk_lambda::Client::new(sdk);
    for f in lambda.list_functions().send().await.unwrap().functions() {
        let tags = lambda.list_tags().resource(f.function_arn().unwrap()).send().await.unwrap();
        if ours(tags.tags().and_then(|t| t.get("wsadm:stack"))) {
            out.push(format!("function {}", f.function_name().unwrap()));
        }
    }
    let iam = aws_sdk_iam::Client::new(sdk);
    for r in iam.list_roles().send().await.unwrap().roles() {
        let tags = iam.list_role_tags().role_name(r.role_name()).send().await.unwrap();
        if tags.tags().iter().any(|x| x.key() == "wsadm:stack" && x.value() == STACK) {
            out.push(format!("role {}", r.role_name()));
        }
    }
    let sm = aws_sdk_secretsmanager::Client::new(sdk);
    for sec in sm.list_secrets().include_planned_deletion(true).send().await.unwrap().secret_list() {
        if sec.tags().iter().any(|t| t.key() == Some("wsadm:stack") && t.value() == Some(STACK)) {
            out.push(format!("secret {}", sec.name().unwrap()));
        }
    }
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    for g in logs.describe_log_groups().send().await.unwrap().log_groups() {
        let arn = g.arn().unwrap().trim_end_matches(":*").to_string();
        let tags = logs.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
        if ours(tags.tags().and_then(|t| t.get("wsadm:stack"))) {
            out.push(format!("log group {}", g.log_group_name().unwrap()));
        }
    }
    out
}

#[tokio::test]
async fn provision_converges_reruns_are_no_ops_and_destroy_removes_everything() {
    let l = local().await;

    // From nothing.
    let v = l.provision(&[]).ok().json();
    assert_eq!(v["dry_run"], false);
    assert_eq!(v["up_to_date"], false);
    assert!(v["error"].is_null(), "{v}");
    assert!(v["resources"].as_array().unwrap().iter().all(|r| r["action"] == "create"), "{v}");
    let o = &v["outputs"];
    let api_id = o["api_id"].as_str().unwrap().to_string();
    assert_eq!(o["wss_url"], format!("{}/apis/{api_id}/prod", l.url.replace("http://", "ws://")));
    assert_eq!(o["management_endpoint"], format!("{}/apis/{api_id}/prod", l.url));
    assert_eq!(o["table"], "chat-sessions");
    assert_eq!(o["functions"], json!(["chat-connect", "chat-disconnect", "chat-chat", "chat-authorizer"]));
    let groups: Vec<&str> = o["log_groups"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
    assert!(groups.contains(&"/wsadm/chat/prod/access"), "{groups:?}");
    assert!(groups.contains(&"/aws/lambda/chat-authorizer"), "{groups:?}");
    assert!(groups.contains(&format!("API-Gateway-Execution-Logs_{api_id}/prod").as_str()), "{groups:?}");

    // What was built, as `apis show` reads it.
    let show = l.run(&["apis", "show", "chat", "-o", "json"]).ok().json();
    assert_eq!(show["stack"], STACK);
    assert_eq!(show["table"], "chat-sessions");
    assert_eq!(show["route_selection_expression"], "$request.body.action");
    let keys: Vec<&str> = show["routes"].as_array().unwrap().iter().map(|r| r["route_key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["$connect", "$disconnect", "$default", "join", "leave", "ping", "send", "whoami"]);
    let connect = &show["routes"][0];
    assert_eq!(connect["authorization_type"], "CUSTOM");
    assert_eq!(connect["integration"]["integration_type"], "AWS_PROXY");
    assert!(connect["integration"]["uri"].as_str().unwrap().ends_with(":function:chat-connect/invocations"));
    // --token-in both (the default): no identity source, so the authorizer reads either place.
    assert_eq!(show["authorizers"][0]["identity_sources"], json!([]));
    let stage = &show["stages"][0];
    assert_eq!(stage["default_route_settings"]["throttling_rate_limit"], 500.0);
    assert_eq!(stage["default_route_settings"]["throttling_burst_limit"], 1000);
    assert_eq!(stage["default_route_settings"]["logging_level"], "ERROR");
    assert_eq!(stage["default_route_settings"]["data_trace_enabled"], false);
    assert_eq!(stage["route_settings"]["send"]["throttling_rate_limit"], 10.0);
    assert_eq!(
        stage["access_log"]["destination_arn"],
        "arn:aws:logs:us-east-1:123456789012:log-group:/wsadm/chat/prod/access"
    );
    assert!(stage["access_log"]["format"].as_str().unwrap().contains("$context.authorizer.error"));
    assert!(stage["deployment_id"].is_string());

    // Least privilege: this table and its indexes, @connections POST on this API and stage, own
    // logs, and reading exactly the stack's secret.
    let doc = handler_policy(&l.sdk).await;
    let st = doc["Statement"].as_array().unwrap();
    assert_eq!(st.len(), 4, "{doc}");
    assert_eq!(
        st[0]["Resource"],
        json!([
            "arn:aws:dynamodb:us-east-1:123456789012:table/chat-sessions",
            "arn:aws:dynamodb:us-east-1:123456789012:table/chat-sessions/index/by-user",
            "arn:aws:dynamodb:us-east-1:123456789012:table/chat-sessions/index/by-room"
        ])
    );
    assert!(!st[0]["Action"].as_array().unwrap().contains(&json!("dynamodb:Scan")));
    assert_eq!(st[1]["Action"], "execute-api:ManageConnections");
    assert_eq!(
        st[1]["Resource"],
        json!([format!("arn:aws:execute-api:us-east-1:123456789012:{api_id}/prod/POST/@connections/*")])
    );
    assert!(st[2]["Resource"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.as_str().unwrap().contains(":log-group:/aws/lambda/chat-")));
    let before = snapshot(&l.sdk, &api_id).await;
    assert_eq!(before["deployments"], 1);
    let connect_env = &before["functions"]["connect"][3];
    assert_eq!(connect_env["WSADM_TABLE"], "chat-sessions");
    assert_eq!(connect_env["WSADM_ALLOW_ANONYMOUS"], "false");
    let secret_arn = o["jwt_secret_arn"].as_str().unwrap().to_string();
    assert_eq!(
        st[3],
        json!({"Sid": "JwtSecret", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret_arn})
    );
    let auth_env = before["functions"]["authorizer"][3].as_object().unwrap();
    assert_eq!(auth_env["WSADM_JWT_SECRET_ARN"], secret_arn.as_str());
    assert!(!auth_env.contains_key("WSADM_JWT_SECRET"), "{auth_env:?}");

    // The same arguments again: nothing to do, and the API state says so too.
    let v = l.provision(&[]).ok().json();
    assert_eq!(v["up_to_date"], true, "{v}");
    assert_eq!(changed(&v), vec![]);
    assert_eq!(v["summary"]["create"], 0);
    let table = l.provision(&["-o", "table"]).ok().stdout;
    assert!(table.contains("up to date"), "{table}");
    let after = snapshot(&l.sdk, &api_id).await;
    assert_eq!(before, after, "a rerun changed something");

    // A changed throttle updates the stage and nothing else.
    let v = l.provision(&["--throttle-rate", "250"]).ok().json();
    assert_eq!(changed(&v), vec![("stage".into(), "prod".into(), "update".into())], "{v}");
    let stage_step = v["resources"].as_array().unwrap().iter().find(|r| r["kind"] == "stage").unwrap();
    assert_eq!(stage_step["changes"], json!([{"field": "throttling_rate_limit", "from": "500", "to": "250"}]));
    let updated = snapshot(&l.sdk, &api_id).await;
    assert_eq!(updated["stage"]["rate"], 250.0);
    assert_eq!(updated["stage"]["send"], before["stage"]["send"]);
    for part in ["routes", "integrations", "authorizers", "deployments", "functions", "policy"] {
        assert_eq!(updated[part], before[part], "{part} changed");
    }
    assert_eq!(updated["stage"]["deployment"], before["stage"]["deployment"]);

    // Destroy: refused without --yes off a terminal (nothing deleted), then everything goes.
    let tagged_before = tagged(&l.sdk).await;
    assert!(tagged_before.len() >= 12, "{tagged_before:?}");
    let refused = l.run(&["destroy", "--name", STACK]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert_eq!(tagged(&l.sdk).await, tagged_before);
    let plan = l.run(&["destroy", "--name", STACK, "--dry-run", "-o", "json"]).ok().json();
    assert!(plan["resources"].as_array().unwrap().iter().all(|r| r["action"] == "delete"));
    assert!(plan["resources"].as_array().unwrap().iter().any(|r| r["kind"] == "secret"), "{plan}");
    assert_eq!(tagged(&l.sdk).await, tagged_before);

    let v = l.run(&["destroy", "--name", STACK, "--yes", "-o", "json"]).ok().json();
    assert!(v["error"].is_null(), "{v}");
    let kinds: Vec<&str> = v["resources"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    // Dependency order: the API first, the table (with the data) last.
    assert_eq!(kinds.first(), Some(&"api"));
    assert_eq!(kinds.last(), Some(&"table"));
    let secret = v["resources"].as_array().unwrap().iter().find(|r| r["kind"] == "secret").unwrap();
    assert_eq!((&secret["name"], &secret["action"]), (&json!(SECRET_NAME), &json!("delete")), "{v}");
    assert_eq!(tagged(&l.sdk).await, Vec::<String>::new());
    // Deleted for good (no recovery window): a stack of the same name can create it again.
    assert!(stored_secret(&l.sdk).await.is_none());
    let apis = l.run(&["apis", "ls", "-o", "json"]).ok().json();
    assert_eq!(apis["apis"], json!([]));
    // Again: nothing left, not an error.
    let v = l.run(&["destroy", "--name", STACK, "--yes", "-o", "json"]).ok().json();
    assert_eq!(v["nothing_to_destroy"], true);

    // And a provision after destroy starts from nothing again.
    let v = l.provision(&[]).ok().json();
    assert!(v["resources"].as_array().unwrap().iter().all(|r| r["action"] == "create"), "{v}");
}

#[tokio::test]
async fn dry_run_shows_exactly_the_differences_and_changes_nothing() {
    let l = local().await;

    // From nothing: all of it would be created, and nothing is.
    let plan = l.provision(&["--dry-run"]).ok().json();
    assert_eq!(plan["dry_run"], true);
    let steps = plan["resources"].as_array().unwrap();
    assert!(steps.len() > 30, "{plan}");
    assert!(steps.iter().all(|r| r["action"] == "create"), "{plan}");
    assert_eq!(tagged(&l.sdk).await, Vec::<String>::new());

    let v = l.provision(&[]).ok().json();
    let api_id = v["outputs"]["api_id"].as_str().unwrap().to_string();
    let before = snapshot(&l.sdk, &api_id).await;

    // One changed option: exactly that difference, per resource; everything else unchanged.
    let plan = l.provision(&["--dry-run", "--max-connections-per-user", "3"]).ok().json();
    assert_eq!(changed(&plan), vec![("function".into(), "chat-connect".into(), "update".into())], "{plan}");
    let f = plan["resources"].as_array().unwrap().iter().find(|r| r["name"] == "chat-connect").unwrap();
    assert_eq!(f["changes"], json!([{"field": "environment.WSADM_MAX_CONNECTIONS_PER_USER", "from": "10", "to": "3"}]));
    assert_eq!(plan["up_to_date"], false);
    let text = l.provision(&["--dry-run", "--max-connections-per-user", "3", "-o", "table"]).ok().stdout;
    assert!(text.contains("dry run") && text.contains("WSADM_MAX_CONNECTIONS_PER_USER: 10 -> 3"), "{text}");

    // A different secret is refused (so a typo never locks everyone out), dry run or not.
    let rotated = format!("{SECRET}-rotated");
    let with_secret = |secret: &str, extra: &[&str]| l.provision_with_secret(secret, extra);
    for extra in [&["--dry-run"][..], &[]] {
        let refused = with_secret(&rotated, extra);
        assert_eq!(refused.code, 2, "{}\n{}", refused.stdout, refused.stderr);
        assert!(refused.stderr.contains("differs") && refused.stderr.contains("--rotate-secret"), "{}", refused.stderr);
        assert!(!refused.stderr.contains(SECRET) && !refused.stdout.contains(SECRET), "the secret leaked");
    }

    // With --rotate-secret, the plan names the secret's change, masked, the authorizer's new
    // secret version, and one other option's.
    let plan = with_secret(&rotated, &["--rotate-secret", "--logging-level", "info", "--dry-run"]).ok().json();
    let mut got = changed(&plan);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("function".into(), "chat-authorizer".into(), "update".into()),
            ("secret".into(), SECRET_NAME.into(), "update".into()),
            ("stage".into(), "prod".into(), "update".into())
        ]
    );
    let authorizer = plan["resources"].as_array().unwrap().iter().find(|r| r["name"] == "chat-authorizer").unwrap();
    assert_eq!(authorizer["changes"].as_array().unwrap().len(), 1, "{authorizer}");
    assert_eq!(authorizer["changes"][0]["field"], "environment.WSADM_JWT_SECRET_VERSION", "{authorizer}");
    let secret = plan["resources"].as_array().unwrap().iter().find(|r| r["kind"] == "secret").unwrap();
    let fields: Vec<&str> =
        secret["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["current", "previous", "previous_until"]);
    assert_eq!(secret["changes"][0], json!({"field": "current", "from": "********", "to": "********"}));
    assert_eq!(secret["changes"][1], json!({"field": "previous", "from": null, "to": "********"}));
    assert!(!plan.to_string().contains(SECRET), "the secret leaked into the plan");
    let stage = plan["resources"].as_array().unwrap().iter().find(|r| r["kind"] == "stage").unwrap();
    assert_eq!(
        stage["changes"],
        json!([
            {"field": "logging_level", "from": "ERROR", "to": "INFO"},
            {"field": "route_settings[send].logging_level", "from": "ERROR", "to": "INFO"}
        ])
    );

    // The handlers' new settings: each shows as a change of the functions that read it.
    let plan = l
        .provision(&[
            "--dry-run",
            "--public-rooms",
            "lobby, team-*",
            "--max-rooms",
            "5",
            "--user-rate",
            "2.5:5",
            "--jwt-typ",
            "JWT",
            "--jwt-max-age",
            "1h",
            "--rooms-claim",
            "groups",
            "--token-in",
            "query",
        ])
        .ok()
        .json();
    let mut got = changed(&plan);
    got.sort();
    let want: Vec<(String, String, String)> = [
        ("authorizer", "chat-jwt", "update"),
        ("deployment", "prod", "create"),
        ("function", "chat-authorizer", "update"),
        ("function", "chat-chat", "update"),
        ("function", "chat-connect", "update"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .into();
    assert_eq!(got, want, "{plan}");
    let changes = |name: &str| {
        plan["resources"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["changes"].clone()
    };
    assert_eq!(
        changes("chat-connect"),
        json!([
            {"field": "environment.WSADM_MAX_ROOMS_PER_CONNECTION", "from": "20", "to": "5"},
            {"field": "environment.WSADM_PUBLIC_ROOMS", "from": "*", "to": "lobby,team-*"}
        ])
    );
    assert_eq!(
        changes("chat-chat"),
        json!([
            {"field": "environment.WSADM_MAX_ROOMS_PER_CONNECTION", "from": "20", "to": "5"},
            {"field": "environment.WSADM_PUBLIC_ROOMS", "from": "*", "to": "lobby,team-*"},
            {"field": "environment.WSADM_USER_BURST", "from": "20", "to": "5"},
            {"field": "environment.WSADM_USER_RATE", "from": "10", "to": "2.5"}
        ])
    );
    assert_eq!(
        changes("chat-authorizer"),
        json!([
            {"field": "environment.WSADM_JWT_MAX_AGE_SECS", "from": null, "to": "3600"},
            {"field": "environment.WSADM_JWT_TYP", "from": null, "to": "JWT"},
            {"field": "environment.WSADM_ROOMS_CLAIM", "from": "rooms", "to": "groups"}
        ])
    );
    assert_eq!(
        changes("chat-jwt"),
        json!([{"field": "identity_source", "from": null, "to": "route.request.querystring.token"}])
    );

    // None of the dry runs changed anything.
    assert_eq!(snapshot(&l.sdk, &api_id).await, before);
}

#[tokio::test]
async fn bad_options_fail_before_any_aws_call() {
    let l = local().await;
    let missing = l.provision(&["--handler-zip", "/nonexistent/wsadm-handler.zip"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("wsadm handlers build"), "{}", missing.stderr);
    let no_key = l.run(&["provision", "--name", STACK, "--stage", "prod", "--handler-zip", l.zip.to_str().unwrap()]);
    assert_eq!(no_key.code, 2, "{}", no_key.stderr);
    assert!(no_key.stderr.contains("--jwt-secret-env"), "{}", no_key.stderr);
    let bad_route = l.provision(&["--route-throttle", "shout=1:2"]);
    assert_eq!(bad_route.code, 2, "{}", bad_route.stderr);
    assert!(bad_route.stderr.contains("no route `shout`"), "{}", bad_route.stderr);
    let bad_format = l.provision(&["--access-log-format", "$context.status"]);
    assert_eq!(bad_format.code, 2, "{}", bad_format.stderr);
    assert_eq!(tagged(&l.sdk).await, Vec::<String>::new());
}

/// Refusals that must come before any AWS call: run against an endpoint where nothing listens,
/// so any call would fail differently (a connection error, exit code 1).
#[test]
fn weak_keys_and_bad_settings_are_refused_before_any_aws_call() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("wsadm-handler.zip");
    std::fs::write(&zip, common::stack::EMPTY_ZIP).unwrap();
    let dead = format!("http://127.0.0.1:{}", wsadm_testkit::free_port());
    let mut env = wsadm_testkit::wsadm_env(&dead);
    env.push(("SHORT_SECRET".into(), "too-short-31-bytes-xxxxxxxxxxxx".into()));
    env.push(("CHAT_SECRET".into(), SECRET.into()));
    let run = |args: &[&str]| {
        let mut all = vec!["provision", "--name", STACK, "--stage", "prod", "--handler-zip", zip.to_str().unwrap()];
        all.extend_from_slice(args);
        wsadm(&env, &all)
    };
    let cases: &[(&[&str], &str)] = &[
        (&["--jwt-secret-env", "SHORT_SECRET"], "openssl rand"),
        (&["--jwks-url", "https://id.example.com/jwks.json"], "--jwt-issuer and --jwt-audience"),
        (
            &["--jwks-url", "https://id.example.com/jwks.json", "--jwt-issuer", "https://id.example.com/"],
            "--jwt-audience",
        ),
        (&["--jwks-url", "https://id.example.com/jwks.json", "--jwt-audience", "chat"], "--jwt-issuer"),
        (
            &["--jwks-url", "https://id.example.com/jwks.json", "--jwt-issuer", " ", "--jwt-audience", ","],
            "--jwt-issuer and --jwt-audience",
        ),
        (&["--jwt-secret-env", "CHAT_SECRET", "--public-rooms", "lobby,dm:a:b"], "dm:A:B"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--public-rooms", "lob by"], "room names"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--user-rate", "10"], "RATE:BURST"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--user-rate", "10:5"], "burst"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--max-rooms", "0"], "1-100"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--jwt-typ", "a b"], "typ"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--jwt-max-age", "0s"], "1s to 30d"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--rooms-claim", "a,b"], "claim"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--rotation-grace", "1h"], "--rotate-secret"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--rotate-secret", "--rotation-grace", "8d"], "7 days"),
        (&["--jwt-secret-env", "CHAT_SECRET", "--token-in", "cookie"], "query"),
        (&["--authorizer", "none", "--token-in", "header"], "--authorizer jwt"),
        (
            &[
                "--jwks-url",
                "https://id.example.com/jwks.json",
                "--jwt-issuer",
                "i",
                "--jwt-audience",
                "a",
                "--rotate-secret",
            ],
            "--rotate-secret",
        ),
    ];
    for (args, hint) in cases {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(hint), "{args:?}: no `{hint}` in:\n{}", r.stderr);
        assert!(!r.stderr.contains("127.0.0.1"), "{args:?} reached AWS:\n{}", r.stderr);
    }
    // The short secret's refusal says how long it is and what is needed, never the secret.
    let r = run(&["--jwt-secret-env", "SHORT_SECRET"]);
    assert!(r.stderr.contains("31 bytes") && r.stderr.contains("at least 32"), "{}", r.stderr);
    assert!(!r.stderr.contains("too-short-31"), "{}", r.stderr);
    // And with good options the same environment does reach for AWS (the refusals above were early).
    let r = run(&["--jwt-secret-env", "CHAT_SECRET"]);
    assert_ne!(r.code, 2, "{}", r.stderr);
}

#[tokio::test]
async fn a_same_named_resource_without_the_tag_is_never_taken_over() {
    let l = local().await;
    let gw = aws_sdk_apigatewayv2::Client::new(&l.sdk);
    gw.create_api()
        .name(STACK)
        .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Websocket)
        .route_selection_expression("$request.body.action")
        .send()
        .await
        .unwrap();
    let r = l.provision(&[]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("not part of stack chat"), "{}\n{}", r.stdout, r.stderr);
    // Refused before anything was made.
    assert_eq!(tagged(&l.sdk).await, Vec::<String>::new());
    // Destroy leaves it alone too.
    let v = l.run(&["destroy", "--name", STACK, "--yes", "-o", "json"]).ok().json();
    assert_eq!(v["resources"][0]["action"], "skipped", "{v}");
    assert_eq!(gw.get_apis().send().await.unwrap().items().len(), 1);
}

#[tokio::test]
async fn a_run_that_stops_halfway_reports_what_exists_and_the_next_run_converges() {
    let l = local().await;
    // Another stack's log group where this stack's chat function logs: found only halfway through.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&l.sdk);
    logs.create_log_group().log_group_name("/aws/lambda/chat-chat").tags("wsadm:stack", "other").send().await.unwrap();

    let r = l.provision(&[]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let v = r.json();
    let err = &v["error"];
    assert!(err["message"].as_str().unwrap().contains("log group /aws/lambda/chat-chat"), "{v}");
    assert!(err["message"].as_str().unwrap().contains("belongs to stack `other`"), "{v}");
    assert!(err["hint"].is_string(), "{v}");
    let done: Vec<(String, String, String)> = changed(&v);
    for kind in ["table", "api", "iam_role", "iam_policy"] {
        assert!(done.iter().any(|(k, _, a)| k == kind && a == "create"), "{kind} missing from {done:?}");
    }
    assert!(!done.iter().any(|(k, _, _)| k == "stage"), "{done:?}");
    let text = l.provision(&["-o", "table"]);
    assert_eq!(text.code, 2);
    assert!(
        text.stdout.contains("provision did not finish") && text.stdout.contains("run the same command again"),
        "{}",
        text.stdout
    );

    // The cause removed, the same command finishes the job without touching what was done.
    logs.delete_log_group().log_group_name("/aws/lambda/chat-chat").send().await.unwrap();
    let v = l.provision(&[]).ok().json();
    let steps = v["resources"].as_array().unwrap();
    for kind in ["table", "api", "iam_role", "iam_policy"] {
        let s = steps.iter().find(|s| s["kind"] == kind).unwrap();
        assert_eq!(s["action"], "unchanged", "{s}");
    }
    assert!(steps.iter().any(|s| s["kind"] == "stage" && s["action"] == "create"), "{v}");
    let apis = l.run(&["apis", "ls", "-o", "json"]).ok().json();
    assert_eq!(apis["apis"].as_array().unwrap().len(), 1, "no duplicate API");
    assert_eq!(l.provision(&[]).ok().json()["up_to_date"], true);
}

// ----- the provisioned stack, used by real clients -----

#[tokio::test]
async fn clients_with_a_valid_jwt_chat_through_the_provisioned_stack() {
    let l = local().await;
    let v = l.provision(&[]).ok().json();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();

    // Bad tokens never get through $connect.
    assert_eq!(
        connect(&format!("{url}?token={}", token("mallory", "not-the-secret-not-the-secret-xx"))).await.err(),
        Some(401)
    );
    assert_eq!(connect(&format!("{url}?token=garbage")).await.err(), Some(401));
    assert_eq!(
        connect(&url).await.err(),
        Some(401),
        "no token: the authorizer (no identity source with --token-in both) refuses"
    );

    let mut alice = connect(&format!("{url}?token={}", token("alice", SECRET))).await.unwrap();
    let mut bob = connect(&format!("{url}?token={}", token("bob", SECRET))).await.unwrap();
    send(&mut alice, json!({"action": "whoami"})).await;
    let me = recv(&mut alice).await;
    assert_eq!(me["userId"], "alice", "{me}");
    for ws in [&mut alice, &mut bob] {
        send(ws, json!({"action": "join", "room": "lobby"})).await;
        let joined = recv(ws).await;
        assert_eq!(joined["type"], "joined", "{joined}");
    }
    send(&mut alice, json!({"action": "send", "room": "lobby", "text": "hello bob"})).await;
    let sent = recv(&mut alice).await;
    assert_eq!(sent["type"], "sent", "{sent}");
    assert_eq!(sent["delivered"], 1, "{sent}");
    let got = recv(&mut bob).await;
    assert_eq!(
        (got["type"].as_str(), got["from"].as_str(), got["text"].as_str()),
        (Some("message"), Some("alice"), Some("hello bob"))
    );
    send(&mut bob, json!({"action": "send", "room": "lobby", "text": "hi alice"})).await;
    assert_eq!(recv(&mut bob).await["type"], "sent");
    assert_eq!(recv(&mut alice).await["text"], "hi alice");

    // The session records are in the stack's table, where `apis show` says they are.
    let ddb = aws_sdk_dynamodb::Client::new(&l.sdk);
    let store = wsadm_core::store::SessionStore::new(ddb, "chat-sessions");
    assert_eq!(store.count().await.unwrap(), 2);

    // Switching the authorizer off changes $connect, removes the authorizer and its function,
    // and redeploys: a client without a token gets in (as an anonymous user), with a warning.
    let zip = l.zip.to_str().unwrap();
    let v = l
        .run(&[
            "provision",
            "--name",
            STACK,
            "--stage",
            "prod",
            "--handler-zip",
            zip,
            "--route-throttle",
            "send=10:20",
            "--authorizer",
            "none",
            "-o",
            "json",
        ])
        .ok()
        .json();
    let mut got = changed(&v);
    got.sort();
    let want: Vec<(String, String, String)> = [
        ("authorizer", "chat-jwt", "delete"),
        ("deployment", "prod", "create"),
        ("function", "chat-authorizer", "delete"),
        ("function", "chat-connect", "update"),
        ("iam_policy", "chat-wsadm-handlers/wsadm-handlers", "update"),
        ("log_group", "/aws/lambda/chat-authorizer", "delete"),
        ("route", "$connect", "update"),
        ("secret", SECRET_NAME, "delete"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .into();
    assert_eq!(got, want, "{v}");
    assert!(v["warnings"][0].as_str().unwrap().contains("anyone"), "{v}");
    // Functions pick up a new configuration within seconds (the emulator rereads it every 2 s,
    // as Lambda starts new environments): poll until the anonymous connect is accepted.
    let mut anon = None;
    for _ in 0..100 {
        match connect(&url).await {
            Ok(ws) => {
                anon = Some(ws);
                break;
            }
            Err(401) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(code) => panic!("anonymous connect: {code}"),
        }
    }
    let mut anon = anon.expect("anonymous connect after --authorizer none");
    send(&mut anon, json!({"action": "whoami"})).await;
    assert!(recv(&mut anon).await["userId"].as_str().unwrap().starts_with("anon-"));
    let lambda = aws_sdk_lambda::Client::new(&l.sdk);
    assert!(lambda.get_function().function_name("chat-authorizer").send().await.is_err());
    assert!(stored_secret(&l.sdk).await.is_none(), "nothing reads the secret any more");
}

// ----- the HS256 secret in Secrets Manager, and where clients put the token -----

#[tokio::test]
async fn the_secret_lives_only_in_secrets_manager_and_rotates_with_a_grace() {
    let l = local().await;
    let v = l.provision(&[]).ok().json();
    let api_id = v["outputs"]["api_id"].as_str().unwrap().to_string();

    // Stored as the contract's JSON, tagged as the stack's.
    let (arn, tags, stored) = stored_secret(&l.sdk).await.expect("the secret exists");
    assert_eq!(v["outputs"]["jwt_secret_arn"], arn.as_str());
    assert!(arn.contains(":secretsmanager:") && arn.contains(":secret:wsadm/chat/jwt-secret"), "{arn}");
    assert_eq!(tags, vec![("wsadm:stack".to_string(), STACK.to_string())]);
    assert_eq!(stored, json!({"current": SECRET, "previous": null, "previous_until": null}));

    // In no function's environment: every variable of every function, read back from Lambda.
    let envs = environments(&l.sdk).await;
    assert_eq!(envs.len(), 4, "{envs:?}");
    for (f, env) in &envs {
        for (k, val) in env {
            assert!(!val.contains(SECRET), "{f}: {k} holds the secret");
        }
    }
    let auth = &envs.iter().find(|(f, _)| f == "chat-authorizer").unwrap().1;
    assert_eq!(auth.get("WSADM_JWT_SECRET_ARN"), Some(&arn));
    // The report never shows it either.
    assert!(!v.to_string().contains(SECRET));

    // The role reads exactly that secret: one statement, its full ARN, no wildcard anywhere.
    let doc = handler_policy(&l.sdk).await;
    let reads: Vec<&Value> =
        doc["Statement"].as_array().unwrap().iter().filter(|s| s.to_string().contains("secretsmanager")).collect();
    assert_eq!(reads.len(), 1, "{doc}");
    assert_eq!(reads[0]["Action"], "secretsmanager:GetSecretValue");
    assert_eq!(reads[0]["Resource"], arn.as_str());

    // A stack provisioned before the secret moved kept it in the authorizer's environment: a
    // rerun takes it out (shown masked) and changes nothing else.
    let mut old_env = auth.clone();
    old_env.insert("WSADM_JWT_SECRET".into(), SECRET.into());
    aws_sdk_lambda::Client::new(&l.sdk)
        .update_function_configuration()
        .function_name("chat-authorizer")
        .environment(aws_sdk_lambda::types::Environment::builder().set_variables(Some(old_env)).build())
        .send()
        .await
        .unwrap();
    let v = l.provision(&[]).ok().json();
    assert_eq!(changed(&v), vec![("function".into(), "chat-authorizer".into(), "update".into())], "{v}");
    let step = v["resources"].as_array().unwrap().iter().find(|r| r["name"] == "chat-authorizer").unwrap();
    assert_eq!(step["changes"], json!([{"field": "environment.WSADM_JWT_SECRET", "from": "********", "to": null}]));
    assert!(environments(&l.sdk).await.iter().all(|(_, env)| env.values().all(|v| !v.contains(SECRET))));

    // A rerun with the same secret changes nothing, the secret's versions included.
    let before = snapshot(&l.sdk, &api_id).await;
    assert_eq!(l.provision(&[]).ok().json()["up_to_date"], true);
    assert_eq!(snapshot(&l.sdk, &api_id).await, before);

    // Another secret without --rotate-secret: refused, and nothing changed.
    let new_secret = "the-next-secret-the-next-secret-0123456789";
    let run = |extra: &[&str]| l.provision_with_secret(new_secret, extra);
    let refused = run(&[]);
    assert_eq!(refused.code, 2, "{}\n{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("--rotate-secret"), "{}", refused.stderr);
    assert_eq!(snapshot(&l.sdk, &api_id).await, before);
    assert_eq!(stored_secret(&l.sdk).await.unwrap().2["current"], SECRET);

    // --rotate-secret: the new one is current, the old one verifies until now + the grace. With
    // -vvv (the SDK traces request bodies at that level) neither secret reaches the log.
    let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let r = run(&["--rotate-secret", "--rotation-grace", "30m", "-vvv"]).ok();
    let v = r.json();
    for out in [&r.stdout, &r.stderr] {
        assert!(!out.contains(SECRET) && !out.contains(new_secret), "a secret leaked into the output");
    }
    assert!(r.stderr.len() > 10_000, "-vvv traced little: {}", r.stderr);
    // The secret and the authorizer's WSADM_JWT_SECRET_VERSION (so its environments restart).
    assert_eq!(
        changed(&v),
        vec![
            ("secret".into(), SECRET_NAME.into(), "update".into()),
            ("function".into(), "chat-authorizer".into(), "update".into())
        ],
        "{v}"
    );
    let (arn2, _, stored) = stored_secret(&l.sdk).await.unwrap();
    assert_eq!(arn2, arn, "the same secret, a new version");
    assert_eq!((&stored["current"], &stored["previous"]), (&json!(new_secret), &json!(SECRET)));
    let until = stored["previous_until"].as_i64().unwrap();
    assert!((started + 1800..=started + 1800 + 60).contains(&until), "{until} vs {started}");
    // Nothing else moved: the functions still name the same ARN.
    let after = snapshot(&l.sdk, &api_id).await;
    for part in ["policy", "authorizers", "deployments"] {
        assert_eq!(after[part], before[part], "{part} changed");
    }

    // The new secret is now the one a rerun must give; rotating to it again is a no-op, said so.
    assert_eq!(run(&[]).ok().json()["up_to_date"], true);
    let again = run(&["--rotate-secret"]).ok().json();
    assert_eq!(again["up_to_date"], true);
    assert!(again["warnings"].to_string().contains("nothing rotated"), "{again}");

    // Grace 0 (a leaked secret): the old one is dropped at once.
    let leaked = format!("{new_secret}-leaked-so-replaced");
    let run0 = |extra: &[&str]| l.provision_with_secret(&leaked, extra);
    run0(&["--rotate-secret", "--rotation-grace", "0"]).ok();
    let stored = stored_secret(&l.sdk).await.unwrap().2;
    assert_eq!((&stored["previous"], &stored["previous_until"]), (&Value::Null, &Value::Null));

    // Switching to JWKS: the secret is no longer read by anything, so it goes.
    let v = l
        .run(&[
            "provision",
            "--name",
            STACK,
            "--stage",
            "prod",
            "--handler-zip",
            l.zip.to_str().unwrap(),
            "--jwks-url",
            "http://127.0.0.1:9/jwks.json",
            "--jwt-issuer",
            "https://id.example.com/",
            "--jwt-audience",
            "chat,admin",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert!(changed(&v).contains(&("secret".into(), SECRET_NAME.into(), "delete".into())), "{v}");
    assert!(stored_secret(&l.sdk).await.is_none());
    let doc = handler_policy(&l.sdk).await;
    assert!(!doc.to_string().contains("secretsmanager"), "{doc}");
    let auth = environments(&l.sdk).await.into_iter().find(|(f, _)| f == "chat-authorizer").unwrap().1;
    assert_eq!(auth.get("WSADM_JWT_AUDIENCE").map(String::as_str), Some("chat,admin"));
    assert!(!auth.contains_key("WSADM_JWT_SECRET_ARN"), "{auth:?}");
}

/// The authorizer's identity sources and result TTL, as API Gateway holds them.
async fn authorizer_config(sdk: &aws_config::SdkConfig, api_id: &str) -> (Vec<String>, Option<i32>) {
    let gw = aws_sdk_apigatewayv2::Client::new(sdk);
    let items = gw.get_authorizers().api_id(api_id).send().await.unwrap();
    let a = &items.items()[0];
    (a.identity_source().to_vec(), a.authorizer_result_ttl_in_seconds())
}

#[tokio::test]
async fn token_in_sets_the_authorizer_identity_source() {
    let l = local().await;
    let v = l.provision(&["--token-in", "header"]).ok().json();
    let api_id = v["outputs"]["api_id"].as_str().unwrap().to_string();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();
    assert_eq!(v["outputs"]["token_in"], "header");
    assert_eq!(authorizer_config(&l.sdk, &api_id).await, (vec!["route.request.header.Authorization".into()], None));
    // A query-only client is refused before the authorizer could look at its token.
    assert_eq!(connect(&format!("{url}?token={}", token("alice", SECRET))).await.err(), Some(401));

    let v = l.provision(&["--token-in", "query"]).ok().json();
    let mut got = changed(&v);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("authorizer".to_string(), "chat-jwt".to_string(), "update".to_string()),
            ("deployment".into(), "prod".into(), "create".into())
        ],
        "{v}"
    );
    assert_eq!(authorizer_config(&l.sdk, &api_id).await, (vec!["route.request.querystring.token".into()], None));
    assert_eq!(connect_with_header(&url, &token("alice", SECRET)).await.err(), Some(401));

    // both: no identity source and no cached results (WebSocket authorizers take no TTL at all).
    let v = l.provision(&["--token-in", "both"]).ok().json();
    assert_eq!(v["outputs"]["token_in"], "both");
    assert_eq!(authorizer_config(&l.sdk, &api_id).await, (vec![], None));
    let text = l.provision(&["--token-in", "both", "-o", "table"]).ok().stdout;
    assert!(text.contains("up to date"), "{text}");
    // The default is both.
    assert_eq!(l.provision(&[]).ok().json()["up_to_date"], true);
}

async fn connect_with_header(url: &str, token: &str) -> Result<common::stack::Ws, u16> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert("Authorization", format!("Bearer {token}").parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("connect failed: {e}"),
    }
}

/// Needs the authorizer that reads its key from Secrets Manager (WSADM_JWT_SECRET_ARN).
#[tokio::test]
async fn with_token_in_both_header_and_query_clients_connect() {
    let l = local().await;
    let v = l.provision(&[]).ok().json();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();
    let mut native = connect_with_header(&url, &token("alice", SECRET)).await.expect("header-only client");
    let mut browser = connect(&format!("{url}?token={}", token("bob", SECRET))).await.expect("query-only client");
    send(&mut native, json!({"action": "whoami"})).await;
    assert_eq!(recv(&mut native).await["userId"], "alice");
    send(&mut browser, json!({"action": "whoami"})).await;
    assert_eq!(recv(&mut browser).await["userId"], "bob");
    // The authorizer runs for every connect, so it is the one refusing these.
    assert_eq!(connect(&url).await.err(), Some(401), "no token");
    assert_eq!(connect_with_header(&url, &token("mallory", "not-the-secret-not-the-secret-xx")).await.err(), Some(401));
}

/// Tokens across a rotation, through the provisioned authorizer: the new secret verifies as soon
/// as provision returns (the function's configuration changed, so its environments restart), the
/// old one until `previous_until` and not after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_tokens_verify_through_the_grace_period_and_not_after() {
    let l = local().await;
    let v = l.provision(&[]).ok().json();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();
    let url_for = |secret: &str| format!("{url}?token={}", token("alice", secret));
    assert!(connect(&url_for(SECRET)).await.is_ok());

    let next = "rotation-test-next-secret-rotation-test-next";
    l.provision_with_secret(next, &["--rotate-secret", "--rotation-grace", "15s"]).ok();
    let until = stored_secret(&l.sdk).await.unwrap().2["previous_until"].as_i64().unwrap();

    // The emulator rereads a function's configuration every 2 s, as Lambda starts new environments.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while connect(&url_for(next)).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "the new secret was never accepted");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(now() < until, "the grace period must still run for this check");
    assert!(connect(&url_for(SECRET)).await.is_ok(), "old tokens verify during the grace period");
    // After previous_until (the authorizer allows no leeway on it), old tokens are refused.
    while now() <= until {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(connect(&url_for(SECRET)).await.err(), Some(401), "old tokens after the grace period");
    assert!(connect(&url_for(next)).await.is_ok());
}
