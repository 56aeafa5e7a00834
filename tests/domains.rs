//! Custom domains end to end: a domain name and API mappings made with the AWS SDK as an
//! operator would (the emulator answers, not moto), clients connected through
//! `ws://chat.localhost:PORT/v1`, and `wsadm --domain chat.localhost:PORT/v1` listing, showing,
//! broadcasting to and kicking them. `chat.localhost` never reaches DNS: wsadm and these tests
//! send it to 127.0.0.1 themselves (RFC 6761).

mod common;
use wsadm_local::testing as stack;

use aws_sdk_apigatewayv2::types::{DomainNameConfiguration, EndpointType};
use common::wsadm_async;
use serde_json::{json, Value};
use stack::{recv, send};
use std::collections::BTreeSet;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const DOMAIN: &str = "chat.localhost";
const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-local";

/// A WebSocket connection to `ws://chat.localhost:PORT{path}`: TCP to 127.0.0.1, the domain in
/// the Host header, as a browser resolving `*.localhost` would send it.
async fn connect_domain(port: u16, path_and_query: &str) -> Result<stack::Ws, u16> {
    let url = format!("ws://{DOMAIN}:{port}{path_and_query}");
    let request = url.into_client_request().unwrap();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    match tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(tcp)).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("connect failed: {e}"),
    }
}

/// A signed-in client through the domain; its connection id from `whoami`.
async fn client(port: u16, base_path: &str, user: &str) -> (stack::Ws, String) {
    let q = format!("{base_path}?token={}&room=lobby", stack::token(user, 600));
    let mut ws = connect_domain(port, &q).await.expect("authorized connect through the custom domain");
    send(&mut ws, json!({"action": "whoami"})).await;
    let id = recv(&mut ws).await["connectionId"].as_str().unwrap().to_string();
    (ws, id)
}

fn live_ids(doc: &Value) -> BTreeSet<String> {
    doc["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["live"]["status"] == "connected")
        .map(|s| s["connection_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_broadcast_and_kick_through_a_custom_domain() {
    let s = stack::stack(Default::default()).await;
    let port = s.emulator.addr.port();
    let gw = aws_sdk_apigatewayv2::Client::new(&s.sdk);
    gw.tag_resource()
        .resource_arn(format!("arn:aws:apigateway:us-east-1::/apis/{}", s.api_id))
        .tags("wsadm:table", "chat-sessions")
        .send()
        .await
        .unwrap();
    gw.create_stage().api_id(&s.api_id).stage_name("dev").send().await.unwrap();

    // The operator's calls: a regional domain name, `v1` -> prod, the root -> dev.
    let d = gw
        .create_domain_name()
        .domain_name(DOMAIN)
        .domain_name_configurations(
            DomainNameConfiguration::builder().certificate_arn(CERT).endpoint_type(EndpointType::Regional).build(),
        )
        .send()
        .await
        .unwrap();
    let c = &d.domain_name_configurations()[0];
    assert!(c.api_gateway_domain_name().unwrap().ends_with(".execute-api.us-east-1.amazonaws.com"), "{c:?}");
    assert_eq!((c.hosted_zone_id(), c.certificate_arn()), (Some("Z1UJRXOUMOOFQ8"), Some(CERT)));
    let dup = gw
        .create_domain_name()
        .domain_name(DOMAIN)
        .domain_name_configurations(DomainNameConfiguration::builder().certificate_arn(CERT).build())
        .send()
        .await
        .unwrap_err();
    assert!(dup.into_service_error().is_conflict_exception());
    gw.create_api_mapping()
        .domain_name(DOMAIN)
        .api_id(&s.api_id)
        .stage("prod")
        .api_mapping_key("v1")
        .send()
        .await
        .unwrap();
    gw.create_api_mapping().domain_name(DOMAIN).api_id(&s.api_id).stage("dev").send().await.unwrap();
    let mappings = gw.get_api_mappings().domain_name(DOMAIN).send().await.unwrap();
    assert_eq!(mappings.items().len(), 2);
    // The emulator answered: moto behind it knows no domain name.
    let moto = aws_sdk_apigatewayv2::Client::new(&wsadm_testkit::sdk_config_for(&s.moto.moto.url).await);
    let in_moto = moto.get_domain_names().send().await.map(|r| r.items().len()).unwrap_or(0);
    assert_eq!(in_moto, 0, "moto must not hold the domain name");

    // Clients through the domain; an unmapped base path and the API's own path are refused there.
    let (mut a, a_id) = client(port, "/v1", "alice").await;
    let (mut b, b_id) = client(port, "/v1", "bob").await;
    let (mut c, c_id) = client(port, "/v1", "carol").await;
    let (mut root, root_id) = client(port, "/", "dave").await;
    assert_eq!(connect_domain(port, "/v2").await.err(), Some(403));
    assert_eq!(connect_domain(port, &format!("/apis/{}/prod", s.api_id)).await.err(), Some(403));

    let mut env = wsadm_testkit::wsadm_env(&s.emulator.url());
    env.push(("WSADM_API".into(), "chat".into()));
    let v1 = format!("{DOMAIN}:{port}/v1");
    let with = |args: &[&str]| {
        let mut all = vec!["--domain", v1.as_str()];
        all.extend_from_slice(args);
        all.iter().map(|a| a.to_string()).collect::<Vec<_>>()
    };

    // ls --live: GetConnection through the domain; the stage (prod) comes from the mapping.
    let r = wsadm_async(
        &env,
        &with(&["sessions", "ls", "--live", "-o", "json"]).iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await
    .ok()
    .json();
    let expected: BTreeSet<String> = [&a_id, &b_id, &c_id].into_iter().cloned().collect();
    assert_eq!(live_ids(&r), expected, "{r}");
    let r = wsadm_async(
        &env,
        &with(&["sessions", "show", &a_id, "-o", "json"]).iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await
    .ok()
    .json();
    assert_eq!((r["status"].as_str(), r["stage"].as_str()), (Some("connected"), Some("prod")), "{r}");
    assert_eq!(r["gateway"]["source_ip"], "127.0.0.1");

    // broadcast --all: every prod client gets exactly one copy (the next frame after it is the
    // pong to a later ping); dave, on dev, none.
    let r = wsadm_async(
        &env,
        &with(&["broadcast", "--all", "--message", r#"{"type":"notice"}"#, "--json", "--min-age", "0s", "-o", "json"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    )
    .await
    .ok()
    .json();
    assert_eq!((r["delivered"].as_u64(), r["failed"].as_u64(), r["gone"].as_u64()), (Some(3), Some(0), Some(0)), "{r}");
    assert_eq!(r["management_endpoint"], format!("http://{v1}"));
    for ws in [&mut a, &mut b, &mut c] {
        assert_eq!(recv(ws).await["type"], "notice");
        send(ws, json!({"action": "ping"})).await;
        assert_eq!(recv(ws).await["type"], "pong", "exactly one copy");
    }
    send(&mut root, json!({"action": "ping"})).await;
    assert_eq!(recv(&mut root).await["type"], "pong", "dev got nothing");

    // kick: DeleteConnection through the domain closes the client.
    let r = wsadm_async(
        &env,
        &with(&["sessions", "kick", &b_id, "--yes", "-o", "json"]).iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await
    .ok()
    .json();
    assert_eq!((r["closed"].as_u64(), r["records_removed"].as_u64()), (Some(1), Some(1)), "{r}");
    assert_eq!(stack::closed(&mut b).await, 1000);

    // The root mapping: `/@connections/{id}` at the domain's root reaches dev.
    let root_domain = format!("{DOMAIN}:{port}");
    let r =
        wsadm_async(&env, &["--domain", &root_domain, "sessions", "show", &root_id, "-o", "json"]).await.ok().json();
    assert_eq!((r["status"].as_str(), r["stage"].as_str()), (Some("connected"), Some("dev")), "{r}");

    // Wrong base path, API or stage: a clear usage error before any @connections call.
    let r = wsadm_async(&env, &["--domain", &format!("{DOMAIN}:{port}/v2"), "sessions", "show", &a_id]).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no API mapping for the base path `v2`"), "{}", r.stderr);
    assert!(r.stderr.contains("`chat.localhost/v1` -> API"), "{}", r.stderr);
    let r = wsadm_async(&env, &["--domain", &v1, "--stage", "dev", "sessions", "show", &a_id]).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("serves stage prod, not --stage dev"), "{}", r.stderr);
    let r = wsadm_async(&env, &["--domain", &format!("nope.localhost:{port}/v1"), "sessions", "show", &a_id]).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not a custom domain name"), "{}", r.stderr);

    // The emulator itself: an unmapped base path is 403 at @connections, as on AWS.
    let aws = wsadm_core::Aws::from_config(s.sdk.clone());
    let url = url::Url::parse(&format!("http://{DOMAIN}:{port}/v2")).unwrap();
    let err = aws.management(&url).unwrap().get_connection().connection_id(&a_id).send().await.unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
    let url = url::Url::parse(&format!("http://{DOMAIN}:{port}/v1")).unwrap();
    aws.management(&url).unwrap().get_connection().connection_id(&a_id).send().await.unwrap();

    // A mapped API cannot be deleted; the domain name goes with its mappings.
    let err = gw.delete_api().api_id(&s.api_id).send().await.unwrap_err();
    assert!(format!("{:?}", err.into_service_error()).contains("API mappings"));
    gw.delete_domain_name().domain_name(DOMAIN).send().await.unwrap();
    assert_eq!(connect_domain(port, "/v1").await.err(), Some(404), "an unknown host falls back to the API paths");
}
