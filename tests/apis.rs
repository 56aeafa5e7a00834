//! `wsadm apis ls|show` end to end: the built binary against moto, with resources created
//! through the AWS SDK as a user would have them.

mod common;

use aws_sdk_apigatewayv2::types::{
    AccessLogSettings, AuthorizationType, AuthorizerType, IntegrationType, LoggingLevel, ProtocolType, RouteSettings,
};
use common::wsadm;
use wsadm_testkit::{wsadm_env, Moto};

struct Fixture {
    moto: Moto,
    chat_id: String,
}

async fn fixture() -> Fixture {
    let moto = Moto::start();
    let c = aws_sdk_apigatewayv2::Client::new(&moto.sdk_config().await);
    let api = c
        .create_api()
        .name("chat")
        .protocol_type(ProtocolType::Websocket)
        .route_selection_expression("$request.body.action")
        .tags("wsadm:stack", "chat")
        .tags("wsadm:table", "chat-sessions")
        .send()
        .await
        .unwrap();
    let id = api.api_id().unwrap().to_string();
    let integ = c
        .create_integration()
        .api_id(&id)
        .integration_type(IntegrationType::AwsProxy)
        .integration_uri("arn:aws:lambda:us-east-1:123456789012:function:chat-handler")
        .send()
        .await
        .unwrap();
    let target = format!("integrations/{}", integ.integration_id().unwrap());
    let auth = c
        .create_authorizer()
        .api_id(&id)
        .name("jwt")
        .authorizer_type(AuthorizerType::Request)
        .identity_source("route.request.header.Authorization")
        .authorizer_uri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat-auth/invocations")
        .send()
        .await
        .unwrap();
    c.create_route()
        .api_id(&id)
        .route_key("$connect")
        .target(&target)
        .authorization_type(AuthorizationType::Custom)
        .authorizer_id(auth.authorizer_id().unwrap())
        .send()
        .await
        .unwrap();
    for key in ["send", "$disconnect"] {
        c.create_route().api_id(&id).route_key(key).target(&target).send().await.unwrap();
    }
    c.create_stage()
        .api_id(&id)
        .stage_name("prod")
        .default_route_settings(
            RouteSettings::builder()
                .throttling_rate_limit(100.0)
                .throttling_burst_limit(50)
                .logging_level(LoggingLevel::Info)
                .detailed_metrics_enabled(true)
                .build(),
        )
        .route_settings("send", RouteSettings::builder().throttling_rate_limit(10.0).throttling_burst_limit(5).build())
        .access_log_settings(
            AccessLogSettings::builder()
                .destination_arn("arn:aws:logs:us-east-1:123456789012:log-group:/wsadm/chat/access")
                .format("{\"requestId\":\"$context.requestId\"}")
                .build(),
        )
        .send()
        .await
        .unwrap();
    c.create_stage().api_id(&id).stage_name("dev").send().await.unwrap();
    // Neither of these may show up as a WebSocket API.
    c.create_api().name("web").protocol_type(ProtocolType::Http).send().await.unwrap();
    Fixture { moto, chat_id: id }
}

#[tokio::test]
async fn ls_lists_only_websocket_apis_with_stages_and_routes() {
    let f = fixture().await;
    let env = wsadm_env(&f.moto.url);

    let v = wsadm(&env, &["apis", "ls", "-o", "json"]).ok().json();
    let apis = v["apis"].as_array().unwrap();
    assert_eq!(apis.len(), 1, "{v}");
    let a = &apis[0];
    assert_eq!(a["id"], f.chat_id.as_str());
    assert_eq!(a["name"], "chat");
    assert_eq!(a["stages"], serde_json::json!(["dev", "prod"]));
    assert_eq!(a["routes"], 3);
    assert_eq!(a["stack"], "chat");
    assert_eq!(a["route_selection_expression"], "$request.body.action");
    assert!(a["created"].as_str().unwrap().ends_with('Z'));
    assert_eq!(v["region"], "us-east-1");

    let lines = wsadm(&env, &["apis", "ls", "-o", "jsonl"]).ok().stdout;
    assert_eq!(lines.lines().count(), 1);
    let one: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(one["name"], "chat");

    let table = wsadm(&env, &["apis", "ls"]).ok().stdout;
    let mut rows = table.lines();
    let header = rows.next().unwrap();
    for col in ["ID", "NAME", "ENDPOINT", "STAGES", "ROUTES", "CREATED"] {
        assert!(header.contains(col), "{table}");
    }
    let row = rows.next().unwrap();
    assert!(row.contains(&f.chat_id) && row.contains("dev,prod"), "{table}");
    assert!(!table.contains("web"));
}

#[tokio::test]
async fn show_has_routes_authorizers_and_stage_settings() {
    let f = fixture().await;
    let env = wsadm_env(&f.moto.url);

    let v = wsadm(&env, &["apis", "show", "--api", "chat", "-o", "json"]).ok().json();
    assert_eq!(v["id"], f.chat_id.as_str());
    assert_eq!(v["table"], "chat-sessions");
    let keys: Vec<&str> = v["routes"].as_array().unwrap().iter().map(|r| r["route_key"].as_str().unwrap()).collect();
    assert_eq!(keys, vec!["$connect", "$disconnect", "send"]);
    let connect = &v["routes"][0];
    assert_eq!(connect["authorization_type"], "CUSTOM");
    assert!(connect["authorizer"].as_str().unwrap().starts_with("jwt ("));
    assert_eq!(connect["integration"]["integration_type"], "AWS_PROXY");
    assert_eq!(connect["integration"]["uri"], "arn:aws:lambda:us-east-1:123456789012:function:chat-handler");
    assert_eq!(v["routes"][2]["authorization_type"], "NONE");
    assert_eq!(v["authorizers"][0]["name"], "jwt");
    assert_eq!(v["authorizers"][0]["authorizer_type"], "REQUEST");
    assert_eq!(v["authorizers"][0]["identity_sources"][0], "route.request.header.Authorization");

    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    let prod = stages.iter().find(|s| s["name"] == "prod").unwrap();
    assert_eq!(prod["default_route_settings"]["throttling_rate_limit"], 100.0);
    assert_eq!(prod["default_route_settings"]["throttling_burst_limit"], 50);
    assert_eq!(prod["default_route_settings"]["logging_level"], "INFO");
    assert_eq!(prod["default_route_settings"]["detailed_metrics_enabled"], true);
    assert_eq!(prod["route_settings"]["send"]["throttling_rate_limit"], 10.0);
    assert_eq!(prod["route_settings"]["send"]["throttling_burst_limit"], 5);
    assert_eq!(
        prod["access_log"]["destination_arn"],
        "arn:aws:logs:us-east-1:123456789012:log-group:/wsadm/chat/access"
    );
    let mgmt = prod["management_endpoint"].as_str().unwrap();
    assert!(mgmt.starts_with("https://") && mgmt.ends_with("/prod"), "{mgmt}");

    // By id, positional, one stage, through a custom domain.
    let v =
        wsadm(&env, &["apis", "show", &f.chat_id, "--stage", "prod", "--domain", "chat.example.com/v1", "-o", "json"])
            .ok()
            .json();
    assert_eq!(v["stages"].as_array().unwrap().len(), 1);
    assert_eq!(v["stages"][0]["management_endpoint"], "https://chat.example.com/v1");

    let table = wsadm(&env, &["apis", "show", "chat"]).ok().stdout;
    for needle in
        ["Routes", "$connect", "CUSTOM", "Authorizers", "jwt", "Stages", "100 rps, burst 50", "  send", "INFO"]
    {
        assert!(table.contains(needle), "missing {needle:?} in:\n{table}");
    }
    // Function and log group names, not their ARNs (those stay in -o json).
    assert!(table.contains("chat-handler") && table.contains("/wsadm/chat/access"), "{table}");
    assert!(!table.contains("arn:aws:"), "{table}");
    // The fixture's integrations point at functions nobody created: said, not hidden.
    assert!(table.contains("function chat-auth does not exist"), "{table}");
}

#[tokio::test]
async fn target_errors_name_the_candidates() {
    let f = fixture().await;
    let c = aws_sdk_apigatewayv2::Client::new(&f.moto.sdk_config().await);
    let mut dup_ids = Vec::new();
    for _ in 0..2 {
        let a = c
            .create_api()
            .name("dup")
            .protocol_type(ProtocolType::Websocket)
            .route_selection_expression("$request.body.action")
            .send()
            .await
            .unwrap();
        dup_ids.push(a.api_id().unwrap().to_string());
    }
    let env = wsadm_env(&f.moto.url);

    let r = wsadm(&env, &["apis", "show", "dup"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`dup` names 2 WebSocket APIs"), "{}", r.stderr);
    for id in &dup_ids {
        assert!(r.stderr.contains(id.as_str()), "{}", r.stderr);
    }

    let r = wsadm(&env, &["apis", "show", "nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no WebSocket API matches `nope`") && r.stderr.contains("chat ("), "{}", r.stderr);

    let r = wsadm(&env, &["apis", "show", "web"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a WebSocket API"), "{}", r.stderr);

    let r = wsadm(&env, &["apis", "show", "chat", "--stage", "staging"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no stage `staging`") && r.stderr.contains("dev, prod"), "{}", r.stderr);

    // Scripts get the error as JSON on stderr, stdout stays empty.
    let r = wsadm(&env, &["apis", "show", "nope", "-o", "json"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    let e: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(e["error"]["kind"], "usage");
    assert_eq!(e["error"]["exit_code"], 2);
    assert!(e["error"]["hint"].as_str().unwrap().contains("chat"));
}
