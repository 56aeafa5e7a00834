//! Access logs, execution logs, Lambda logs and metrics, read back through CloudWatch (moto).

use wsadm_local::testing as common;

use aws_sdk_apigatewayv2::types::{AccessLogSettings, LoggingLevel, RouteSettings};
use common::{eventually, recv, send, stack};
use serde_json::json;
use std::time::Duration;
use wsadm_local::Limits;

const FORMAT: &str = r#"{"requestId":"$context.requestId","connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","status":"$context.status","integrationLatency":"$context.integrationLatency","authorizerError":"$context.authorizer.error","sourceIp":"$context.identity.sourceIp","userAgent":"$context.identity.userAgent"}"#;

async fn events(logs: &aws_sdk_cloudwatchlogs::Client, group: &str) -> Vec<String> {
    match logs.filter_log_events().log_group_name(group).send().await {
        Ok(o) => o.events().iter().filter_map(|e| e.message().map(str::to_string)).collect(),
        Err(_) => vec![],
    }
}

#[tokio::test]
async fn logs_and_metrics_as_aws_writes_them() {
    let s = stack(Limits { metrics_interval: Duration::from_secs(1), ..Limits::default() }).await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&s.sdk);
    let gw = aws_sdk_apigatewayv2::Client::new(&s.sdk);
    logs.create_log_group().log_group_name("/wsadm/chat/access").send().await.unwrap();
    gw.update_stage()
        .api_id(&s.api_id)
        .stage_name("prod")
        .access_log_settings(
            AccessLogSettings::builder()
                .destination_arn("arn:aws:logs:us-east-1:123456789012:log-group:/wsadm/chat/access")
                .format(FORMAT)
                .build(),
        )
        .default_route_settings(
            RouteSettings::builder().logging_level(LoggingLevel::Off).detailed_metrics_enabled(true).build(),
        )
        .send()
        .await
        .unwrap();

    // A rejected connect, then a session with one message.
    assert_eq!(s.connect("?token=bad").await.err(), Some(401));
    let mut alice = s.user("alice", "lobby").await;
    send(&mut alice, json!({"action":"ping"})).await;
    assert_eq!(recv(&mut alice).await["type"], "pong");
    alice.close(None).await.unwrap();

    let access = "/wsadm/chat/access";
    eventually("four access-log events", || async { events(&logs, access).await.len() >= 4 }).await;
    let parsed: Vec<serde_json::Value> =
        events(&logs, access).await.iter().map(|m| serde_json::from_str(m).expect("the stage's JSON format")).collect();
    let by_type = |t: &str| parsed.iter().filter(|e| e["eventType"] == t).cloned().collect::<Vec<_>>();
    let connects = by_type("CONNECT");
    assert!(connects.iter().any(|e| e["status"] == "401" && e["authorizerError"] == "Unauthorized"), "{connects:?}");
    let ok = connects.iter().find(|e| e["status"] == "200").unwrap();
    assert_eq!(ok["sourceIp"], "127.0.0.1");
    assert_ne!(ok["requestId"], "-");
    let msg = &by_type("MESSAGE")[0];
    assert_eq!((msg["routeKey"].as_str(), msg["status"].as_str()), (Some("ping"), Some("200")));
    assert!(msg["integrationLatency"].as_str().unwrap().parse::<u64>().is_ok());
    assert_eq!(by_type("DISCONNECT")[0]["connectionId"], ok["connectionId"]);

    // LoggingLevel OFF: no execution log group.
    let exec = format!("API-Gateway-Execution-Logs_{}/prod", s.api_id);
    assert!(events(&logs, &exec).await.is_empty());

    // INFO: execution logs appear, with bodies only under data trace.
    gw.update_stage()
        .api_id(&s.api_id)
        .stage_name("prod")
        .default_route_settings(
            RouteSettings::builder().logging_level(LoggingLevel::Info).data_trace_enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    let mut bob = s.user("bob", "lobby").await;
    send(&mut bob, json!({"action":"ping","marker":"trace-me"})).await;
    recv(&mut bob).await;
    eventually("execution logs", || async { events(&logs, &exec).await.iter().any(|l| l.contains("trace-me")) }).await;
    let lines = events(&logs, &exec).await;
    assert!(lines.iter().any(|l| l.contains("Authorizer result: Allow")), "{lines:?}");
    // API Gateway's own line shapes, which `wsadm logs` parses.
    assert!(lines.iter().any(|l| l.contains("] with response status code [200].")), "{lines:?}");
    assert!(lines.iter().any(|l| l.ends_with(&format!("is connecting to WebSocket API [{}].", s.api_id))), "{lines:?}");

    // The handler's invocations, as Lambda logs them.
    let lambda = events(&logs, "/aws/lambda/chat-handler").await;
    assert!(
        lambda.iter().any(|l| l.starts_with("START RequestId:"))
            && lambda.iter().any(|l| l.starts_with("REPORT RequestId:"))
    );

    // Metrics, per stage and (detailed metrics were on for the first session) per route.
    let cw = aws_sdk_cloudwatch::Client::new(&s.sdk);
    let sum = |metric: &'static str, route: Option<&'static str>| {
        let (cw, api) = (cw.clone(), s.api_id.clone());
        async move {
            let now = std::time::SystemTime::now();
            let mut q = cw
                .get_metric_statistics()
                .namespace("AWS/ApiGateway")
                .metric_name(metric)
                .dimensions(aws_sdk_cloudwatch::types::Dimension::builder().name("ApiId").value(&api).build())
                .dimensions(aws_sdk_cloudwatch::types::Dimension::builder().name("Stage").value("prod").build())
                .start_time((now - Duration::from_secs(600)).into())
                .end_time((now + Duration::from_secs(60)).into())
                .period(60)
                .statistics(aws_sdk_cloudwatch::types::Statistic::Sum);
            if let Some(r) = route {
                q = q.dimensions(aws_sdk_cloudwatch::types::Dimension::builder().name("Route").value(r).build());
            }
            q.send().await.map(|o| o.datapoints().iter().filter_map(|d| d.sum()).sum::<f64>()).unwrap_or(0.0)
        }
    };
    eventually("ConnectCount and MessageCount", || async {
        sum("ConnectCount", None).await >= 2.0 && sum("MessageCount", None).await >= 2.0
    })
    .await;
    assert!(sum("ClientError", None).await >= 1.0, "the 401");
    assert!(sum("MessageCount", Some("ping")).await >= 1.0, "per-route metrics under detailed metrics");
    bob.close(None).await.unwrap();
}
