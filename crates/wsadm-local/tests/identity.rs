//! The authorizer's identity sources on the emulator, as on AWS: a listed source that is missing
//! or empty is 401 without calling the authorizer; with none listed the authorizer always runs
//! (and takes the token from wherever the client put it). Driven through the AWS SDK and real
//! WebSocket clients.

use aws_sdk_apigatewayv2::error::ProvideErrorMetadata;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use wsadm_local::testing::{stack, token, Stack};
use wsadm_local::Limits;

/// Connects with the token in the query string, the `Authorization` header, or neither.
async fn connect(s: &Stack, query: Option<&str>, header: Option<&str>) -> Result<(), u16> {
    let url = match query {
        Some(t) => format!("{}?token={t}", s.ws_url),
        None => s.ws_url.clone(),
    };
    let mut req = url.into_client_request().unwrap();
    if let Some(h) = header {
        req.headers_mut().insert("Authorization", h.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((mut ws, _)) => {
            let _ = ws.close(None).await;
            Ok(())
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("connect failed: {e}"),
    }
}

async fn set_sources(s: &Stack, sources: &[&str]) {
    let gw = aws_sdk_apigatewayv2::Client::new(&s.sdk);
    let auth = gw.get_authorizers().api_id(&s.api_id).send().await.unwrap();
    let id = auth.items()[0].authorizer_id().unwrap().to_string();
    let o = gw
        .update_authorizer()
        .api_id(&s.api_id)
        .authorizer_id(&id)
        .set_identity_source(Some(sources.iter().map(|x| x.to_string()).collect()))
        .send()
        .await
        .unwrap();
    assert_eq!(o.identity_source(), sources, "the update took");
    let read = gw.get_authorizer().api_id(&s.api_id).authorizer_id(&id).send().await.unwrap();
    assert_eq!(read.identity_source(), sources, "and reads back");
}

#[tokio::test]
async fn identity_sources_decide_whether_the_authorizer_runs() {
    let s = stack(Limits::default()).await;
    let t = token("alice", 600);
    let bearer = format!("Bearer {t}");

    // Query string listed: a header-only client is refused before the authorizer could accept it.
    set_sources(&s, &["route.request.querystring.token"]).await;
    assert_eq!(connect(&s, Some(&t), None).await, Ok(()));
    assert_eq!(connect(&s, None, Some(&bearer)).await, Err(401));
    assert_eq!(connect(&s, Some(""), None).await, Err(401), "an empty source counts as missing");

    // Header listed: the mirror image.
    set_sources(&s, &["route.request.header.Authorization"]).await;
    assert_eq!(connect(&s, None, Some(&bearer)).await, Ok(()));
    assert_eq!(connect(&s, Some(&t), None).await, Err(401));

    // Both listed: every client needs both, which is why `--token-in both` lists none.
    set_sources(&s, &["route.request.querystring.token", "route.request.header.Authorization"]).await;
    assert_eq!(connect(&s, Some(&t), None).await, Err(401));
    assert_eq!(connect(&s, Some(&t), Some(&bearer)).await, Ok(()));

    // None listed: the authorizer runs on every connect and finds the token either way; without
    // one (or with a bad one) it is the authorizer that refuses.
    set_sources(&s, &[]).await;
    assert_eq!(connect(&s, None, Some(&bearer)).await, Ok(()));
    assert_eq!(connect(&s, Some(&t), None).await, Ok(()));
    assert_eq!(connect(&s, None, None).await, Err(401));
    assert_eq!(connect(&s, None, Some("Bearer not-a-jwt")).await, Err(401));
    assert_eq!(connect(&s, None, Some(&format!("Bearer {}", token("alice", -120)))).await, Err(401), "expired");
}

#[tokio::test]
async fn websocket_authorizers_take_no_result_ttl_and_may_have_no_identity_source() {
    let s = stack(Limits::default()).await;
    let gw = aws_sdk_apigatewayv2::Client::new(&s.sdk);
    let uri =
        gw.get_authorizers().api_id(&s.api_id).send().await.unwrap().items()[0].authorizer_uri().unwrap().to_string();
    let created = gw
        .create_authorizer()
        .api_id(&s.api_id)
        .name("no-sources")
        .authorizer_type(aws_sdk_apigatewayv2::types::AuthorizerType::Request)
        .authorizer_uri(&uri)
        .send()
        .await
        .unwrap();
    assert!(created.identity_source().is_empty());
    // AWS: "AuthorizerResultTtlInSeconds cannot be set for WEBSOCKET protocol Apis."
    let err = gw
        .update_authorizer()
        .api_id(&s.api_id)
        .authorizer_id(created.authorizer_id().unwrap())
        .authorizer_result_ttl_in_seconds(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("BadRequestException"), "{err:?}");
    assert!(err.message().unwrap_or_default().contains("WEBSOCKET"), "{err:?}");
}
