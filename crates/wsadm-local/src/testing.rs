//! Test support (feature `testing`): a chat stack on the emulator — moto behind it, the wsadm
//! handlers registered in moto's Lambda, an API with an HS256 JWT authorizer (`?token=`) and
//! the chat routes — and real WebSocket clients. Used by this crate's tests and the CLI's.

use crate::{Limits, Running};
use aws_sdk_apigatewayv2::types::{AuthorizationType, AuthorizerType, IntegrationType, ProtocolType};
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use wsadm_testkit::{Dynalite, Moto};

pub const SECRET: &str = "local-test-secret-local-test-secret";
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub struct Stack {
    pub moto: Engines,
    pub emulator: Running,
    pub sdk: aws_config::SdkConfig,
    pub api_id: String,
    pub ws_url: String,
    pub mgmt_url: String,
}

/// The smallest valid zip (moto stores the code, it never runs it).
const EMPTY_ZIP: &[u8] = b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

pub fn token(user: &str, exp_in: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({ "sub": user, "exp": now + exp_in }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

/// The engines behind the emulator: moto, and dynalite for DynamoDB (as `wsadm local` runs).
pub struct Engines {
    pub moto: Moto,
    pub dynalite: Option<Dynalite>,
}

/// The engines and the emulator in front of them, on free ports, with nothing created yet.
pub async fn emulator(limits: Limits) -> (Engines, Running) {
    emulator_on(limits, true).await
}

/// [`emulator`] with DynamoDB on dynalite (`fast`) or on moto.
pub async fn emulator_on(limits: Limits, fast: bool) -> (Engines, Running) {
    let moto = Moto::start();
    let dynalite = fast.then(Dynalite::start);
    let emulator = crate::start(crate::Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        moto_url: moto.url.clone(),
        dynamodb_url: dynalite.as_ref().map(|d| d.url.clone()),
        region: "us-east-1".into(),
        account_id: "123456789012".into(),
        limits,
        faults: Default::default(),
        tls: None,
        // The shared test engine stays as it is: the binary's own test covers warming.
        warm_up_dynamodb: false,
    })
    .await
    .unwrap();
    (Engines { moto, dynalite }, emulator)
}

pub async fn stack(limits: Limits) -> Stack {
    let (moto, emulator) = emulator(limits).await;
    // Everything below goes through the emulator's one endpoint, as a user's tools would.
    let sdk = wsadm_testkit::sdk_config_for(&emulator.url()).await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    wsadm_core::store::ensure_table(&ddb, "chat-sessions", &[]).await.unwrap();
    let iam = aws_sdk_iam::Client::new(&sdk);
    let role = iam
        .create_role()
        .role_name("chat-lambda")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .send()
        .await
        .unwrap();
    let role_arn = role.role().unwrap().arn().to_string();
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let mut arns = Vec::new();
    for (name, env) in [
        ("chat-handler", vec![("WSADM_TABLE", "chat-sessions"), ("WSADM_MAX_CONNECTIONS_PER_USER", "0")]),
        ("chat-auth", vec![("WSADM_JWT_SECRET", SECRET)]),
    ] {
        let vars = env.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let f = lambda
            .create_function()
            .function_name(name)
            .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
            .handler("bootstrap")
            .role(&role_arn)
            .code(aws_sdk_lambda::types::FunctionCode::builder().zip_file(EMPTY_ZIP.into()).build())
            .environment(aws_sdk_lambda::types::Environment::builder().set_variables(Some(vars)).build())
            .send()
            .await
            .unwrap();
        arns.push(f.function_arn().unwrap().to_string());
    }
    let uri = |arn: &str| format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations");
    let gw = aws_sdk_apigatewayv2::Client::new(&sdk);
    let api = gw
        .create_api()
        .name("chat")
        .protocol_type(ProtocolType::Websocket)
        .route_selection_expression("$request.body.action")
        .send()
        .await
        .unwrap();
    let api_id = api.api_id().unwrap().to_string();
    let endpoint = api.api_endpoint().unwrap().to_string();
    let integ = gw
        .create_integration()
        .api_id(&api_id)
        .integration_type(IntegrationType::AwsProxy)
        .integration_uri(uri(&arns[0]))
        .send()
        .await
        .unwrap();
    let target = format!("integrations/{}", integ.integration_id().unwrap());
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
    for key in ["$connect", "$disconnect", "$default", "join", "leave", "send", "ping", "whoami"] {
        let mut r = gw.create_route().api_id(&api_id).route_key(key).target(&target);
        if key == "$connect" {
            r = r.authorization_type(AuthorizationType::Custom).authorizer_id(auth.authorizer_id().unwrap());
        }
        let route = r.send().await.unwrap();
        if !key.starts_with("$connect") && key != "$disconnect" {
            gw.create_route_response()
                .api_id(&api_id)
                .route_id(route.route_id().unwrap())
                .route_response_key("$default")
                .send()
                .await
                .unwrap();
        }
    }
    gw.create_stage().api_id(&api_id).stage_name("prod").send().await.unwrap();
    let ws_url = format!("{endpoint}/prod");
    let mgmt_url = wsadm_core::target::management_endpoint(&endpoint, "prod", None).unwrap().to_string();
    Stack { moto, emulator, sdk, api_id, ws_url, mgmt_url }
}

impl Stack {
    pub async fn connect(&self, query: &str) -> Result<Ws, u16> {
        let url = format!("{}{query}", self.ws_url);
        match tokio_tungstenite::connect_async(url).await {
            Ok((ws, _)) => Ok(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
            Err(e) => panic!("connect failed: {e}"),
        }
    }

    pub async fn user(&self, user: &str, room: &str) -> Ws {
        self.connect(&format!("?token={}&room={room}", token(user, 600))).await.expect("authorized connect")
    }

    pub fn management(&self) -> aws_sdk_apigatewaymanagement::Client {
        let conf = aws_sdk_apigatewaymanagement::config::Builder::from(&self.sdk)
            .endpoint_url(self.mgmt_url.trim_end_matches('/'))
            .build();
        aws_sdk_apigatewaymanagement::Client::from_conf(conf)
    }

    pub fn store(&self) -> wsadm_core::store::SessionStore {
        wsadm_core::store::SessionStore::new(aws_sdk_dynamodb::Client::new(&self.sdk), "chat-sessions")
    }
}

pub async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::text(v.to_string())).await.unwrap();
}

/// The next text frame as JSON (5 s at most).
pub async fn recv(ws: &mut Ws) -> Value {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).unwrap_or(Value::String(t.to_string())),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }
}

/// Waits for the close frame and returns its code (5 s at most).
pub async fn closed(ws: &mut Ws) -> u16 {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Close(f)))) => return f.map(|f| u16::from(f.code)).unwrap_or(1005),
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(e))) => panic!("error before close: {e}"),
            Ok(None) => return 1006,
            Err(_) => panic!("no close within 5 s"),
        }
    }
}

/// Polls until `f` is true (up to 5 s): readiness, not a fixed sleep.
pub async fn eventually<F: Fn() -> Fut, Fut: std::future::Future<Output = bool>>(what: &str, f: F) {
    for _ in 0..250 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}
