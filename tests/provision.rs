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
    json!({
        "routes": routes, "integrations": integrations, "authorizers": authorizers, "stage": stage,
        "deployments": deployments, "functions": functions, "policy": policy,
    })
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
    assert_eq!(show["authorizers"][0]["identity_sources"], json!(["route.request.querystring.token"]));
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

    // Least privilege: this table and its indexes, @connections POST on this API and stage, own logs.
    let iam = aws_sdk_iam::Client::new(&l.sdk);
    let doc = iam
        .get_role_policy()
        .role_name("chat-wsadm-handlers")
        .policy_name("wsadm-handlers")
        .send()
        .await
        .unwrap()
        .policy_document()
        .to_string();
    // IAM returns policy documents URL-encoded.
    let doc: Value = serde_json::from_str(&percent_encoding::percent_decode_str(&doc).decode_utf8_lossy()).unwrap();
    let st = doc["Statement"].as_array().unwrap();
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
    assert_eq!(before["functions"]["authorizer"][3]["WSADM_JWT_SECRET"], SECRET);

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
    assert_eq!(tagged(&l.sdk).await, tagged_before);

    let v = l.run(&["destroy", "--name", STACK, "--yes", "-o", "json"]).ok().json();
    assert!(v["error"].is_null(), "{v}");
    let kinds: Vec<&str> = v["resources"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    // Dependency order: the API first, the table (with the data) last.
    assert_eq!(kinds.first(), Some(&"api"));
    assert_eq!(kinds.last(), Some(&"table"));
    assert_eq!(tagged(&l.sdk).await, Vec::<String>::new());
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

    // Two at once, in two resources; the secret is shown masked.
    let mut env = l.env.clone();
    env.retain(|(k, _)| k != "CHAT_SECRET");
    env.push(("CHAT_SECRET".into(), format!("{SECRET}-rotated")));
    let zip = l.zip.to_str().unwrap();
    let plan = wsadm(
        &env,
        &[
            "provision",
            "--name",
            STACK,
            "--stage",
            "prod",
            "--handler-zip",
            zip,
            "--jwt-secret-env",
            "CHAT_SECRET",
            "--route-throttle",
            "send=10:20",
            "--logging-level",
            "info",
            "--dry-run",
            "-o",
            "json",
        ],
    )
    .ok()
    .json();
    let mut got = changed(&plan);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("function".into(), "chat-authorizer".into(), "update".into()),
            ("stage".into(), "prod".into(), "update".into())
        ]
    );
    let auth = plan["resources"].as_array().unwrap().iter().find(|r| r["name"] == "chat-authorizer").unwrap();
    assert_eq!(
        auth["changes"],
        json!([{"field": "environment.WSADM_JWT_SECRET", "from": "********", "to": "********"}])
    );
    assert!(!plan.to_string().contains(SECRET), "the secret leaked into the plan");
    let stage = plan["resources"].as_array().unwrap().iter().find(|r| r["kind"] == "stage").unwrap();
    assert_eq!(
        stage["changes"],
        json!([
            {"field": "logging_level", "from": "ERROR", "to": "INFO"},
            {"field": "route_settings[send].logging_level", "from": "ERROR", "to": "INFO"}
        ])
    );

    // None of the dry runs changed anything.
    assert_eq!(snapshot(&l.sdk, &api_id).await, before);
}

#[tokio::test]
async fn bad_options_fail_before_any_aws_call() {
    let l = local().await;
    let missing = l.provision(&["--handler-zip", "/nonexistent/wsadm-handler.zip"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("scripts/build-handlers"), "{}", missing.stderr);
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
    assert_eq!(connect(&url).await.err(), Some(401), "no token: the identity source is missing");

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
}
