//! The logs engine against moto: reading groups page by page, windows, merge order, missing
//! groups, server-side patterns, Logs Insights, and log-group discovery of a WebSocket stage.

use aws_sdk_apigatewayv2::types::{
    AccessLogSettings, AuthorizerType, IntegrationType, LoggingLevel, ProtocolType, RouteSettings,
};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use wsadm_core::logs::event::Kind;
use wsadm_core::logs::fetch::{FetchOptions, Fetcher, GroupQuery};
use wsadm_core::logs::groups::{discover, Severity};
use wsadm_core::logs::merge::event_order;
use wsadm_core::logs::time::Window;
use wsadm_core::logs::{AccessFormat, Correlator, Filter, Parser, Source};
use wsadm_core::Aws;
use wsadm_testkit::Moto;

const ACCESS: &str = "/wsadm/chat/prod/access";
const EXEC: &str = "API-Gateway-Execution-Logs_abc123/prod";
const LAMBDA: &str = "/aws/lambda/chat-handler";
const FORMAT: &str = r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status","integrationLatency":"$context.integrationLatency"}"#;
const EXEC_LINES: usize = 1_000;

async fn put(logs: &aws_sdk_cloudwatchlogs::Client, group: &str, stream: &str, events: Vec<(i64, String)>) {
    let _ = logs.create_log_group().log_group_name(group).send().await;
    logs.create_log_stream().log_group_name(group).log_stream_name(stream).send().await.unwrap();
    for chunk in events.chunks(5_000) {
        let batch: Vec<InputLogEvent> =
            chunk.iter().map(|(ts, m)| InputLogEvent::builder().timestamp(*ts).message(m).build().unwrap()).collect();
        logs.put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(batch))
            .send()
            .await
            .unwrap();
    }
}

fn lid(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012}")
}

/// Three groups: `EXEC_LINES` execution lines (one request per 10 ms, two lines each), Lambda
/// invocations for every request, and an access line per request.
async fn seed(logs: &aws_sdk_cloudwatchlogs::Client, t0: i64) {
    let n = EXEC_LINES / 2;
    let mut exec = Vec::new();
    let mut lambda = Vec::new();
    let mut access = Vec::new();
    for i in 0..n {
        let ts = t0 + (i as i64) * 10;
        let (r, c) = (format!("req{i}="), format!("conn{}=", i % 5));
        exec.push((ts, format!("({r}) AWS Integration Endpoint RequestId : {}", lid(i))));
        exec.push((
            ts + 5,
            format!(
                "({r}) Message from client [Connection Id: {c}] sent to API [abc123] with response status code [200]."
            ),
        ));
        lambda.push((ts + 1, format!("START RequestId: {} Version: $LATEST", lid(i))));
        lambda
            .push((ts + 2, format!("REPORT RequestId: {}\tDuration: {}.00 ms\tBilled Duration: 1 ms", lid(i), i % 7)));
        access.push((
            ts + 6,
            format!(r#"{{"requestId":"{r}","connectionId":"{c}","eventType":"MESSAGE","routeKey":"send","status":"200","integrationLatency":"{}"}}"#, i % 7),
        ));
    }
    put(logs, EXEC, "e1", exec).await;
    put(logs, LAMBDA, "2026/11/29/[$LATEST]x", lambda).await;
    put(logs, ACCESS, "a1", access).await;
}

fn queries(filter: &Filter) -> Vec<GroupQuery> {
    let fmt = AccessFormat::compile(FORMAT);
    let access = Parser::Access(fmt.clone());
    vec![
        GroupQuery { group: ACCESS.into(), pattern: filter.pushdown(&Source::Access, Some(&fmt)), parser: access },
        GroupQuery { group: EXEC.into(), pattern: None, parser: Parser::Execution },
        GroupQuery { group: LAMBDA.into(), pattern: None, parser: Parser::Lambda { function: "chat-handler".into() } },
        GroupQuery { group: "/aws/lambda/never-written".into(), pattern: None, parser: Parser::Execution },
    ]
}

#[tokio::test]
async fn reads_groups_page_by_page_in_time_order() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let t0 = wsadm_core::logs::time::now_ms() - 600_000;
    seed(&logs, t0).await;
    let opts = FetchOptions { rate_per_sec: 0.0, limit: None, page_size: Some(100), ..Default::default() };
    let fetcher = Fetcher::new(&logs, opts.clone());

    // The whole window: every event, merged, in order; the missing group is a warning.
    let all = Window { start_ms: t0, end_ms: t0 + 10_000 };
    let r = fetcher.fetch(&queries(&Filter::default()), all).await.unwrap();
    let n = EXEC_LINES / 2;
    assert_eq!(r.events.len(), n * 5);
    assert!(!r.truncated);
    assert!(r.events.windows(2).all(|w| event_order(&w[0], &w[1]).is_le()), "time order across groups");
    let exec_stats = r.stats.groups.iter().find(|g| g.group == EXEC).unwrap();
    assert_eq!(exec_stats.events, EXEC_LINES as u64);
    assert!(exec_stats.requests >= (EXEC_LINES / 100) as u64, "paged: {exec_stats:?}");
    let missing = r.stats.groups.iter().find(|g| g.group.ends_with("never-written")).unwrap();
    assert!(missing.missing);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.stats.requests, r.stats.groups.iter().map(|g| g.requests).sum::<u64>());

    // Correlation: each REPORT learns its connection and route through the execution log's link.
    let mut events = r.events;
    Correlator::new().apply(&mut events);
    let reports: Vec<_> = events.iter().filter(|e| e.kind == Kind::LambdaReport).collect();
    assert_eq!(reports.len(), n);
    assert!(reports.iter().all(|e| e.connection_id.is_some() && e.route.as_deref() == Some("send")));
    let f = Filter { connection: Some("conn3=".into()), ..Default::default() };
    let conn3: Vec<_> = events.iter().filter(|e| f.matches(e)).collect();
    assert_eq!(conn3.len(), n / 5 * 5, "all five lines of each of its requests");

    // A window: only events inside it (both ends inclusive).
    let w = Window { start_ms: t0 + 1_000, end_ms: t0 + 1_999 };
    let r = fetcher.fetch(&queries(&Filter::default()), w).await.unwrap();
    assert_eq!(r.events.len(), 100 * 5);
    assert!(r.events.iter().all(|e| e.timestamp_ms >= w.start_ms && e.timestamp_ms <= w.end_ms));

    // The connection filter goes to CloudWatch for the access log only.
    let qs = queries(&f);
    assert_eq!(qs[0].pattern.as_deref(), Some("\"conn3=\""));
    let r = fetcher.fetch(&qs, all).await.unwrap();
    let access: Vec<_> = r.events.iter().filter(|e| e.source == Source::Access).collect();
    assert_eq!(access.len(), n / 5);
    assert!(access.iter().all(|e| e.connection_id.as_deref() == Some("conn3=")));
    assert_eq!(r.events.iter().filter(|e| e.source == Source::Execution).count(), EXEC_LINES);

    // The limit keeps the earliest events across groups and says so.
    let limited = Fetcher::new(&logs, FetchOptions { limit: Some(7), ..opts });
    let r = limited.fetch(&queries(&Filter::default()), all).await.unwrap();
    assert!(r.truncated);
    let ts: Vec<i64> = r.events.iter().map(|e| e.timestamp_ms - t0).collect();
    assert_eq!(ts, vec![0, 1, 2, 5, 6, 10, 11]);
}

#[tokio::test]
async fn logs_insights_over_many_groups() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    // Whole seconds: Insights windows are in seconds.
    let t0 = (wsadm_core::logs::time::now_ms() - 600_000) / 1000 * 1000;
    seed(&logs, t0).await;
    let fetcher = Fetcher::new(&logs, FetchOptions { rate_per_sec: 0.0, limit: Some(10_000), ..Default::default() });
    let mut qs = queries(&Filter::default());
    qs.pop(); // StartQuery refuses a missing group outright.
    let r = fetcher.insights(&qs, Window { start_ms: t0, end_ms: t0 + 1_999 }, None).await.unwrap();
    // moto answers the whole seconds touched: [t0, t0 + 2 s].
    assert!(r.events.len() >= 200 * 5, "{}", r.events.len());
    assert!(r.events.windows(2).all(|w| w[0].timestamp_ms <= w[1].timestamp_ms));
    let kinds = |k: Kind| r.events.iter().filter(|e| e.kind == k).count();
    assert!(kinds(Kind::LambdaReport) >= 200 && kinds(Kind::Integration) >= 200 && kinds(Kind::Message) >= 400);
    assert!(r.events.iter().all(|e| !e.event_id.is_empty() && !e.stream.is_empty()));
}

const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

#[tokio::test]
async fn discovers_the_log_groups_of_a_websocket_stage() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let aws = Aws::from_config(sdk.clone());
    let iam = aws.iam();
    let role = iam
        .create_role()
        .role_name("chat-lambda")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .send()
        .await
        .unwrap();
    let role_arn = role.role().unwrap().arn().to_string();
    let lambda = aws.lambda();
    let mut arns = Vec::new();
    for name in ["chat-handler", "chat-auth"] {
        let f = lambda
            .create_function()
            .function_name(name)
            .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
            .handler("bootstrap")
            .role(&role_arn)
            .code(aws_sdk_lambda::types::FunctionCode::builder().zip_file(EMPTY_ZIP.into()).build())
            .send()
            .await
            .unwrap();
        arns.push(f.function_arn().unwrap().to_string());
    }
    let uri = |arn: &str| format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations");
    let gw = aws.apigw();
    let api = gw
        .create_api()
        .name("chat")
        .protocol_type(ProtocolType::Websocket)
        .route_selection_expression("$request.body.action")
        .send()
        .await
        .unwrap();
    let api_id = api.api_id().unwrap().to_string();
    let integ = gw
        .create_integration()
        .api_id(&api_id)
        .integration_type(IntegrationType::AwsProxy)
        .integration_uri(uri(&arns[0]))
        .send()
        .await
        .unwrap();
    let gone = gw
        .create_integration()
        .api_id(&api_id)
        .integration_type(IntegrationType::AwsProxy)
        .integration_uri(uri("arn:aws:lambda:us-east-1:123456789012:function:deleted-fn"))
        .send()
        .await
        .unwrap();
    let auth = gw
        .create_authorizer()
        .api_id(&api_id)
        .name("jwt")
        .authorizer_type(AuthorizerType::Request)
        .identity_source("route.request.querystring.token")
        .authorizer_uri(uri(&arns[1]))
        .send()
        .await
        .unwrap();
    let target = |i: &str| format!("integrations/{i}");
    for (key, integ_id) in [
        ("$connect", integ.integration_id().unwrap()),
        ("send", integ.integration_id().unwrap()),
        ("old", gone.integration_id().unwrap()),
    ] {
        let mut r = gw.create_route().api_id(&api_id).route_key(key).target(target(integ_id));
        if key == "$connect" {
            r = r
                .authorizer_id(auth.authorizer_id().unwrap())
                .authorization_type(aws_sdk_apigatewayv2::types::AuthorizationType::Custom);
        }
        r.send().await.unwrap();
    }
    gw.create_stage()
        .api_id(&api_id)
        .stage_name("prod")
        .access_log_settings(
            AccessLogSettings::builder()
                .destination_arn(format!("arn:aws:logs:us-east-1:123456789012:log-group:{ACCESS}:*"))
                .format(FORMAT)
                .build(),
        )
        .default_route_settings(RouteSettings::builder().logging_level(LoggingLevel::Error).build())
        .send()
        .await
        .unwrap();
    gw.create_stage().api_id(&api_id).stage_name("bare").send().await.unwrap();
    let logs = aws.logs();
    for g in [ACCESS, "/aws/lambda/chat-handler"] {
        logs.create_log_group().log_group_name(g).send().await.unwrap();
    }
    // A group whose name extends another's: existence is by exact name, not prefix.
    logs.create_log_group().log_group_name("/aws/lambda/chat-auth-old").send().await.unwrap();

    let s = discover(&aws, &api_id, "prod").await.unwrap();
    let groups: Vec<(&str, &str, Option<bool>)> =
        s.groups.iter().map(|g| (g.name.as_str(), g.source.as_str(), g.exists)).collect();
    let exec = format!("API-Gateway-Execution-Logs_{api_id}/prod");
    assert_eq!(
        groups,
        vec![
            (ACCESS, "access", Some(true)),
            (exec.as_str(), "execution", Some(false)),
            ("/aws/lambda/chat-handler", "lambda", Some(true)),
            ("/aws/lambda/chat-auth", "lambda", Some(false)),
        ]
    );
    assert_eq!(s.groups[0].format.as_deref(), Some(FORMAT));
    assert!(s.groups[2].role.contains("route $connect") && s.groups[2].role.contains("route send"));
    assert_eq!(s.groups[3].role, "authorizer jwt");
    assert!(s.access_logging);
    assert_eq!(s.logging_level, "ERROR");
    let messages: Vec<&str> = s.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("deleted-fn") && m.contains("route old")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("at ERROR")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains(&exec) && m.contains("does not exist")), "{messages:?}");
    // Only groups that exist are read.
    let qs = s.queries(&Filter { connection: Some("c1=".into()), ..Default::default() });
    assert_eq!(qs.len(), 2);
    assert_eq!(qs[0].pattern.as_deref(), Some("\"c1=\""));

    let bare = discover(&aws, &api_id, "bare").await.unwrap();
    assert!(!bare.access_logging);
    assert_eq!(bare.logging_level, "OFF");
    let warnings: Vec<&str> =
        bare.findings.iter().filter(|f| f.severity == Severity::Warning).map(|f| f.message.as_str()).collect();
    assert!(warnings.iter().any(|m| m.contains("no access logging")), "{warnings:?}");
    assert!(warnings.iter().any(|m| m.contains("execution logging is OFF")), "{warnings:?}");

    let err = discover(&aws, &api_id, "nope").await.unwrap_err();
    assert!(err.to_string().contains("GetStage"), "{err}");
}
