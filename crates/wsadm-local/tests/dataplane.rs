//! The emulator end to end: the AWS SDK over HTTP, the wsadm handlers in process, real
//! WebSocket clients.

use wsadm_local::testing as common;

use common::{closed, eventually, recv, send, stack, token};
use futures::SinkExt;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use wsadm_local::Limits;

#[tokio::test]
async fn authorizer_routes_and_fanout() {
    let s = stack(Limits::default()).await;

    // No token: 401 without calling the authorizer; a bad or expired token: 401 from it.
    assert_eq!(s.connect("").await.err(), Some(401));
    assert_eq!(s.connect("?token=not-a-jwt").await.err(), Some(401));
    assert_eq!(s.connect(&format!("?token={}", token("alice", -120))).await.err(), Some(401));

    let mut alice = s.user("alice", "lobby").await;
    let mut bob = s.user("bob", "lobby").await;
    let mut carol = s.user("carol", "ops").await;
    let store = s.store();
    assert_eq!(store.count().await.unwrap(), 3, "$connect recorded each session");

    send(&mut alice, json!({"action":"send","room":"lobby","text":"hello"})).await;
    let got = recv(&mut bob).await;
    assert_eq!(
        (got["type"].as_str(), got["from"].as_str(), got["text"].as_str()),
        (Some("message"), Some("alice"), Some("hello"))
    );
    let ack = recv(&mut alice).await;
    assert_eq!(ack, json!({"type":"sent","room":"lobby","delivered":1,"gone":0,"failed":0}));

    send(&mut carol, json!({"action":"ping"})).await;
    assert_eq!(recv(&mut carol).await["type"], "pong");
    send(&mut carol, json!({"action":"dance"})).await;
    let err = recv(&mut carol).await;
    assert_eq!(err["error"], "unknown_action", "$default answered: {err}");
    send(&mut carol, json!({"action":"whoami"})).await;
    assert_eq!(recv(&mut carol).await["userId"], "carol");

    // Closing runs $disconnect, which removes the record.
    carol.close(None).await.unwrap();
    eventually("carol's record to go", || async { s.store().count().await.unwrap() == 2 }).await;
}

#[tokio::test]
async fn connections_api_post_get_delete_and_410() {
    let s = stack(Limits::default()).await;
    let mut alice = s.user("alice", "lobby").await;
    send(&mut alice, json!({"action":"whoami"})).await;
    let id = recv(&mut alice).await["connectionId"].as_str().unwrap().to_string();
    let mgmt = s.management();

    mgmt.post_to_connection().connection_id(&id).data(b"{\"type\":\"notice\"}".as_slice().into()).send().await.unwrap();
    assert_eq!(recv(&mut alice).await["type"], "notice");
    let info = mgmt.get_connection().connection_id(&id).send().await.unwrap();
    assert_eq!(info.identity().unwrap().source_ip(), Some("127.0.0.1"));
    assert!(info.connected_at().is_some() && info.last_active_at().is_some());

    // Over 128 KB: 413.
    let big = vec![b'x'; 131_073];
    let e = mgmt.post_to_connection().connection_id(&id).data(big.into()).send().await.unwrap_err();
    assert!(e.into_service_error().is_payload_too_large_exception());

    // Unsigned requests are refused (403) as on AWS.
    let url = format!("{}/@connections/{}", s.mgmt_url.trim_end_matches('/'), id.replace('=', "%3D"));
    let (status, _) =
        tokio::task::spawn_blocking(move || wsadm_testkit::http("POST", &url, "hi")).await.unwrap().unwrap();
    assert_eq!(status, 403);

    mgmt.delete_connection().connection_id(&id).send().await.unwrap();
    assert_eq!(closed(&mut alice).await, 1000);
    eventually("the connection to be gone", || async {
        mgmt.get_connection().connection_id(&id).send().await.is_err_and(|e| e.into_service_error().is_gone_exception())
    })
    .await;
    let e = mgmt.post_to_connection().connection_id(&id).data(b"x".as_slice().into()).send().await.unwrap_err();
    assert!(e.into_service_error().is_gone_exception(), "410 after the client is gone");
    let e =
        mgmt.post_to_connection().connection_id("NoSuchConn0=").data(b"x".as_slice().into()).send().await.unwrap_err();
    assert!(e.into_service_error().is_gone_exception());
}

#[tokio::test]
async fn limits_oversized_frames_idle_timeout_and_slow_consumers() {
    let limits = Limits { idle_timeout: Duration::from_millis(1500), max_queued_bytes: 64 * 1024, ..Limits::default() };
    let s = stack(limits).await;

    let mut big = s.user("alice", "lobby").await;
    big.send(Message::text("x".repeat(40 * 1024))).await.unwrap();
    assert_eq!(closed(&mut big).await, 1009, "a frame over 32 KB closes with 1009");

    let mut idle = s.user("bob", "lobby").await;
    let started = std::time::Instant::now();
    assert_eq!(closed(&mut idle).await, 1001, "idle timeout closes with 1001 Going away");
    assert!(started.elapsed() >= Duration::from_millis(1200));

    // A client that never reads: posts are refused with 429 once its buffer is full.
    let mut slow = s.user("sam", "lobby").await;
    send(&mut slow, json!({"action":"whoami"})).await;
    let id = recv(&mut slow).await["connectionId"].as_str().unwrap().to_string();
    let mgmt = s.management();
    let chunk = vec![b'y'; 100 * 1024];
    let mut throttled = false;
    for _ in 0..2000 {
        match mgmt.post_to_connection().connection_id(&id).data(chunk.clone().into()).send().await {
            Ok(_) => {}
            Err(e) => {
                assert!(e.into_service_error().is_limit_exceeded_exception());
                throttled = true;
                break;
            }
        }
    }
    assert!(throttled, "a slow consumer must get 429, not unbounded buffering");
}

#[tokio::test]
async fn foreign_functions_fail_explained_and_http_proxy_calls_local_code() {
    use aws_sdk_apigatewayv2::types::IntegrationType;
    let s = stack(Limits::default()).await;
    let gw = aws_sdk_apigatewayv2::Client::new(&s.sdk);

    // A route to a function that is not a wsadm handler: an error frame, not a hang.
    let foreign = gw
        .create_integration()
        .api_id(&s.api_id)
        .integration_type(IntegrationType::AwsProxy)
        .integration_uri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:not-there/invocations")
        .send()
        .await
        .unwrap();
    gw.create_route()
        .api_id(&s.api_id)
        .route_key("foreign")
        .target(format!("integrations/{}", foreign.integration_id().unwrap()))
        .send()
        .await
        .unwrap();

    // A route to the user's own server over HTTP_PROXY.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = vec![0u8; 8192];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            let body = format!("{{\"echo\":{}}}", req.split("\r\n\r\n").nth(1).unwrap_or("null"));
            let resp = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            let _ = sock.write_all(resp.as_bytes()).await;
        }
    });
    let mine = gw
        .create_integration()
        .api_id(&s.api_id)
        .integration_type(IntegrationType::HttpProxy)
        .integration_method("POST")
        .integration_uri(format!("http://127.0.0.1:{port}/chat"))
        .send()
        .await
        .unwrap();
    let route = gw
        .create_route()
        .api_id(&s.api_id)
        .route_key("mine")
        .target(format!("integrations/{}", mine.integration_id().unwrap()))
        .send()
        .await
        .unwrap();
    gw.create_route_response()
        .api_id(&s.api_id)
        .route_id(route.route_id().unwrap())
        .route_response_key("$default")
        .send()
        .await
        .unwrap();

    let mut alice = s.user("alice", "lobby").await;
    send(&mut alice, json!({"action":"foreign"})).await;
    let err = recv(&mut alice).await;
    assert_eq!(err["message"], "Internal server error", "{err}");
    send(&mut alice, json!({"action":"mine","n":1})).await;
    let echo = recv(&mut alice).await;
    assert_eq!(echo, json!({"echo":{"action":"mine","n":1}}));
}
