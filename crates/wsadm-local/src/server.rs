//! The one port: requests are dispatched by the SigV4 credential scope (`apigateway` ->
//! control plane, `execute-api` -> @connections), DynamoDB to its engine ([`crate::dynamodb`]),
//! anything else to moto; WebSocket upgrades go to the data plane.

use crate::control::ControlPlane;
use crate::dynamodb::{DynamoDb, Engine};
use crate::emulator::Emulator;
use crate::faults::{FaultState, Faults, Verdict};
use crate::gateway::LocalGateway;
use crate::inflight::{Limited, MAX_IN_FLIGHT};
use crate::integrations::Invoker;
use crate::limits::Limits;
use crate::registry::{Outbound, PostRefusal, Registry};
use crate::response::{aws_error, empty, full, text_response, BoxError, ResponseBody};
use crate::telemetry::Telemetry;
use crate::throttle::TokenBucket;
use crate::time::iso8601_ms;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::watch;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// The AWS stand-in every other service is forwarded to.
    pub moto_url: String,
    /// A fast DynamoDB engine (dynalite); `None` sends DynamoDB to moto too.
    pub dynamodb_url: Option<String>,
    pub region: String,
    pub account_id: String,
    pub limits: Limits,
    pub faults: Faults,
    /// Serve https:// and wss:// with this (see [`crate::tls`]); the in-process handlers then
    /// reach the emulator on a second, plain loopback port.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Warm the fast DynamoDB engine as the stack starts: only one the stack started itself.
    pub warm_up_dynamodb: bool,
}

/// A running emulator.
pub struct Running {
    pub addr: SocketAddr,
    pub secure: bool,
    pub emulator: Arc<Emulator>,
    task: tokio::task::JoinHandle<()>,
    internal: Option<tokio::task::JoinHandle<()>>,
    sweeper: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("{}://{}", if self.secure { "https" } else { "http" }, self.addr)
    }

    /// Closes every connection with 1001 "Going away" and stops serving.
    pub async fn shutdown(self) {
        let _ = self.emulator.shutdown.send(true);
        self.emulator.invoker.runtimes.shutdown();
        for _ in 0..100 {
            if self.emulator.registry.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        self.task.abort();
        if let Some(t) = self.internal {
            t.abort();
        }
        if let Some(s) = self.sweeper {
            s.abort();
        }
    }
}

/// The service a SigV4-signed request is for (`Credential=AKID/date/region/SERVICE/aws4_request`).
pub fn signed_service(req: &Request<Incoming>) -> Option<String> {
    let from_header = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .map(|c| c.split([',', ' ']).next().unwrap_or_default().to_string());
    let from_query = || {
        url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == "X-Amz-Credential")
            .map(|(_, v)| v.into_owned())
    };
    let cred = from_header.or_else(from_query)?;
    cred.split('/').nth(3).map(str::to_string)
}

pub async fn start(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let host = addr.to_string();
    let registry = Arc::new(Registry::new(config.limits.max_queued_bytes));
    config.faults.validate().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let faults = Arc::new(FaultState::new(config.faults.clone()));
    let sdk = local_sdk_config(&config.moto_url, &config.region).await;
    set_cloudwatch_role(&sdk, &config.account_id).await;
    // The handlers reach AWS through this emulator, as external clients do (with moto as the
    // DynamoDB engine their writes pass the same one-at-a-time gate); a fast DynamoDB engine
    // they call directly: item operations need nothing from the front, and the hop would cost
    // a quarter of the CPU of a connect.
    let internal = match &config.tls {
        Some(_) => Some(TcpListener::bind(("127.0.0.1", 0)).await?),
        None => None,
    };
    let plain_addr = match &internal {
        Some(l) => l.local_addr()?,
        None => addr,
    };
    let handler_sdk =
        handler_sdk_config(&format!("http://{plain_addr}"), config.dynamodb_url.as_deref(), &config.region).await;
    let gateway = LocalGateway { registry: registry.clone(), hooks: faults.clone() };
    let engine = match &config.dynamodb_url {
        Some(u) => Engine::Fast(u.trim_end_matches('/').to_string()),
        None => Engine::Moto(config.moto_url.trim_end_matches('/').to_string()),
    };
    let dynamodb = Arc::new(DynamoDb::new(engine, &config.region, &config.account_id));
    let sweeper = match &config.dynamodb_url {
        Some(u) => {
            let engine = aws_sdk_dynamodb::Client::new(&local_sdk_config(u, &config.region).await);
            Some(crate::dynamodb::ttl::spawn(dynamodb.clone(), engine, config.limits.ttl_sweep_interval))
        }
        None => None,
    };
    let warmed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    if let (true, Some(url)) = (config.warm_up_dynamodb, &config.dynamodb_url) {
        let (url, region, warmed) = (url.clone(), config.region.clone(), warmed.clone());
        tokio::spawn(async move {
            let took = crate::dynamodb::warm_up::warm_up(&url, &region).await;
            tracing::info!("the DynamoDB engine warmed up in {} ms", took.as_millis());
            warmed.store(true, std::sync::atomic::Ordering::Release);
        });
    }
    let telemetry = Telemetry::new(&sdk);
    telemetry.spawn(config.limits.metrics_interval);
    let runtimes = Arc::new(crate::runtime::Runtimes::new(
        crate::runtime::Settings {
            plain_addr,
            dynamodb_url: config.dynamodb_url.clone(),
            region: config.region.clone(),
        },
        telemetry.clone(),
    )?);
    let (shutdown, _) = watch::channel(false);
    let emulator = Arc::new(Emulator {
        control: ControlPlane::new(&host, &config.region, &config.account_id, config.tls.is_some()),
        registry,
        invoker: Invoker::new(handler_sdk, gateway, faults.clone(), telemetry.clone(), runtimes),
        connect_bucket: TokenBucket::new(config.limits.connect_rate, config.limits.connect_rate),
        limits: config.limits.clone(),
        route_buckets: Mutex::new(HashMap::new()),
        host,
        moto_url: config.moto_url.trim_end_matches('/').to_string(),
        shutdown,
        faults,
        telemetry,
        dynamodb,
        proxy: hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http(),
        dynamodb_warmed: config.warm_up_dynamodb.then_some(warmed),
    });
    let acceptor = config.tls.clone().map(tokio_rustls::TlsAcceptor::from);
    let task = tokio::spawn(serve(listener, emulator.clone(), acceptor));
    let internal = internal.map(|l| tokio::spawn(serve(l, emulator.clone(), None)));
    Ok(Running { addr, secure: config.tls.is_some(), emulator, task, internal, sweeper })
}

/// The local account is set up for logging as an operator's account would be: API Gateway's
/// CloudWatch role (an account setting, kept by moto), which `wsadm logs` checks.
async fn set_cloudwatch_role(sdk: &aws_config::SdkConfig, account_id: &str) {
    use aws_sdk_apigateway::types::{Op, PatchOperation};
    let op = PatchOperation::builder()
        .op(Op::Replace)
        .path("/cloudwatchRoleArn")
        .value(format!("arn:aws:iam::{account_id}:role/wsadm-local-apigateway-cloudwatch"))
        .build();
    if let Err(e) = aws_sdk_apigateway::Client::new(sdk).update_account().patch_operations(op).send().await {
        tracing::warn!(
            "cannot set the account's CloudWatch role in moto: {}",
            aws_smithy_types::error::display::DisplayErrorContext(&e)
        );
    }
}

/// Accepts connections (TLS first when `acceptor`) and serves each with HTTP/1.1 and upgrades.
async fn serve(listener: TcpListener, em: Arc<Emulator>, acceptor: Option<tokio_rustls::TlsAcceptor>) {
    loop {
        let Ok((stream, remote)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let em = em.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let em = em.clone();
                async move { Ok::<_, std::convert::Infallible>(em.dispatch(req, remote).await) }
            });
            let http = hyper::server::conn::http1::Builder::new();
            match acceptor {
                Some(a) => {
                    // A client that does not trust the certificate just goes away.
                    let Ok(tls) = a.accept(stream).await else { return };
                    let _ = http.serve_connection(TokioIo::new(tls), svc).with_upgrades().await;
                }
                None => {
                    let _ = http.serve_connection(TokioIo::new(stream), svc).with_upgrades().await;
                }
            }
        });
    }
}

/// Endpoints by service: DynamoDB to its engine when it is a fast one, the rest to `default`.
#[derive(Debug)]
struct HandlerEndpoints {
    default: String,
    dynamodb: Option<String>,
}

impl aws_types::service_config::LoadServiceConfig for HandlerEndpoints {
    fn load_config(&self, key: aws_types::service_config::ServiceConfigKey<'_>) -> Option<String> {
        if key.profile() != "endpoint_url" {
            return None;
        }
        match (key.service_id(), &self.dynamodb) {
            ("DynamoDB", Some(url)) => Some(url.clone()),
            _ => Some(self.default.clone()),
        }
    }
}

async fn handler_sdk_config(default: &str, dynamodb: Option<&str>, region: &str) -> aws_config::SdkConfig {
    let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(aws_credential_types::Credentials::new("local", "local", None, None, "wsadm-local"))
        .load()
        .await;
    let mut builder = base.clone().into_builder();
    let client = base.http_client().or_else(|| wsadm_core::localhost::sdk_http_client(None, false).ok());
    if let Some(client) = client {
        builder.set_http_client(Some(SharedHttpClient::new(Limited::new(client, MAX_IN_FLIGHT))));
    }
    builder
        .service_config(HandlerEndpoints { default: default.to_string(), dynamodb: dynamodb.map(str::to_string) })
        .build()
}

/// An SDK configuration with everything sent to `url` (moto, or an engine), with the local
/// stack's credentials.
pub async fn local_sdk_config(url: &str, region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(url)
        .credentials_provider(aws_credential_types::Credentials::new("local", "local", None, None, "wsadm-local"))
        .load()
        .await
}

impl Emulator {
    async fn dispatch(self: &Arc<Self>, req: Request<Incoming>, remote: SocketAddr) -> Response<ResponseBody> {
        let is_upgrade = req
            .headers()
            .get("upgrade")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
        if is_upgrade {
            return self.websocket(req, remote).await;
        }
        let service = signed_service(&req);
        let path = req.uri().path().to_string();
        match service.as_deref() {
            Some("apigateway") if path.starts_with("/v2/") => {
                let method = req.method().clone();
                let query = req.uri().query().map(str::to_string);
                let body = match req.into_body().collect().await {
                    Ok(b) => b.to_bytes(),
                    Err(e) => return aws_error(StatusCode::BAD_REQUEST, "BadRequestException", &e.to_string()),
                };
                let resp = self.control.handle(&method, &path, query.as_deref(), &body);
                let (parts, body) = resp.into_parts();
                Response::from_parts(parts, body.map_err(|never| match never {}).boxed())
            }
            Some("execute-api") => self.connections_api(req).await,
            // Code uploads are forwarded too, keeping the zip to run it (see crate::runtime).
            Some("lambda") if crate::runtime::code::upload_of(req.method(), &path).is_some() => {
                let resp = self.invoker.runtimes.forward_upload(req, &self.moto_url).await;
                let (parts, body) = resp.into_parts();
                Response::from_parts(parts, body.map_err(|never| match never {}).boxed())
            }
            None if path.contains("/@connections/") => {
                aws_error(StatusCode::FORBIDDEN, "ForbiddenException", "Missing Authentication Token")
            }
            None if path.starts_with("/_wsadm/") => self.control_endpoint(req).await,
            _ if crate::dynamodb::operation(req.headers()).is_some() => self.dynamodb.handle(req).await,
            _ => self.forward(req).await,
        }
    }

    /// Everything that is not API Gateway goes to moto unchanged.
    async fn forward(&self, req: Request<Incoming>) -> Response<ResponseBody> {
        let (mut parts, body) = req.into_parts();
        let pq = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let Ok(uri) = format!("{}{pq}", self.moto_url).parse::<hyper::Uri>() else {
            return text_response(StatusCode::BAD_GATEWAY, "bad moto URL");
        };
        parts.uri = uri;
        match self.proxy.request(Request::from_parts(parts, body)).await {
            Ok(resp) => {
                let (parts, body) = resp.into_parts();
                Response::from_parts(parts, body.map_err(|e| Box::new(e) as BoxError).boxed())
            }
            Err(e) => aws_error(
                StatusCode::BAD_GATEWAY,
                "ServiceUnavailable",
                &format!("the AWS stand-in at {} did not answer: {e}", self.moto_url),
            ),
        }
    }

    /// `{POST,GET,DELETE} /apis/{apiId}/{stage}/@connections/{id}`.
    async fn connections_api(&self, req: Request<Incoming>) -> Response<ResponseBody> {
        let path = req.uri().path().to_string();
        let Some((prefix, raw_id)) = path.split_once("/@connections/") else {
            return aws_error(StatusCode::FORBIDDEN, "ForbiddenException", "Forbidden");
        };
        // On a custom domain, `/{basePath}/@connections/{id}` reaches the mapped stage.
        let host = req.headers().get(hyper::header::HOST).and_then(|v| v.to_str().ok());
        let (api_id, stage) = match self.control.route_custom_domain(host, prefix) {
            Some(Some(r)) => (r.api_id, r.stage),
            Some(None) => return aws_error(StatusCode::FORBIDDEN, "ForbiddenException", "Forbidden"),
            None => {
                let mut p = prefix.trim_start_matches('/').split('/');
                let (Some("apis"), Some(api_id), Some(stage), None) = (p.next(), p.next(), p.next(), p.next()) else {
                    return aws_error(
                        StatusCode::FORBIDDEN,
                        "ForbiddenException",
                        "Forbidden: use {apiEndpoint}/{stage}/@connections/{id}",
                    );
                };
                (api_id.to_string(), stage.to_string())
            }
        };
        let (api_id, stage) = (api_id.as_str(), stage.as_str());
        // The id arrives URL-encoded exactly once (`=` as %3D).
        let id = percent_encoding::percent_decode_str(raw_id).decode_utf8_lossy().into_owned();
        let conn = self.registry.get_in(&id, api_id, stage);
        match self.faults.check(req.method() == Method::POST).await {
            Err(e) => return conn_error(e),
            Ok(Verdict::Drop) => {
                if let Some(c) = &conn {
                    let _ = c.tx.try_send(Outbound::Abort);
                }
                return gone();
            }
            Ok(Verdict::Proceed) => {}
        }
        match *req.method() {
            Method::POST => {
                let body = match req.into_body().collect().await {
                    Ok(b) => b.to_bytes(),
                    Err(e) => return aws_error(StatusCode::BAD_REQUEST, "BadRequestException", &e.to_string()),
                };
                if body.len() > wsadm_core::connections::MAX_POST_BYTES {
                    return aws_error(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "PayloadTooLargeException",
                        "Request entity too large",
                    );
                }
                let Some(conn) = conn else { return gone() };
                match self.registry.post(&conn, body, true) {
                    Ok(()) => Response::new(empty()),
                    Err(PostRefusal::Gone) => gone(),
                    Err(PostRefusal::BufferFull) => aws_error(
                        StatusCode::TOO_MANY_REQUESTS,
                        "LimitExceededException",
                        "the client's buffer is full",
                    ),
                }
            }
            Method::GET => {
                let Some(conn) = conn else { return gone() };
                let mut identity = json!({ "sourceIp": conn.source_ip });
                if let Some(ua) = &conn.user_agent {
                    identity["userAgent"] = json!(ua);
                }
                let body = json!({
                    "connectedAt": iso8601_ms(conn.connected_at),
                    "lastActiveAt": iso8601_ms(conn.last_active.load(std::sync::atomic::Ordering::Relaxed)),
                    "identity": identity,
                });
                Response::builder()
                    .header("content-type", "application/json")
                    .body(full(body.to_string()))
                    .unwrap_or_else(|_| text_response(StatusCode::INTERNAL_SERVER_ERROR, "GetConnection"))
            }
            Method::DELETE => {
                let Some(conn) = conn else { return gone() };
                let _ = conn.tx.try_send(Outbound::Close(1000, String::new()));
                let mut r = Response::new(empty());
                *r.status_mut() = StatusCode::NO_CONTENT;
                r
            }
            _ => aws_error(StatusCode::FORBIDDEN, "ForbiddenException", "Forbidden"),
        }
    }
}

impl Emulator {
    /// `/_wsadm/faults`, `/_wsadm/drop`, `/_wsadm/stats`: see [`crate::faults`].
    async fn control_endpoint(&self, req: Request<Incoming>) -> Response<ResponseBody> {
        let (method, path) = (req.method().clone(), req.uri().path().to_string());
        let body = match req.into_body().collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => return text_response(StatusCode::BAD_REQUEST, &e.to_string()),
        };
        let json_body = || serde_json::from_slice::<serde_json::Value>(&body).map_err(|e| format!("not JSON: {e}"));
        let ok = |v: serde_json::Value| {
            Response::builder()
                .header("content-type", "application/json")
                .body(full(v.to_string()))
                .unwrap_or_else(|_| text_response(StatusCode::INTERNAL_SERVER_ERROR, "control"))
        };
        match (method, path.as_str()) {
            (Method::GET, "/_wsadm/faults") => ok(json!(self.faults.get())),
            (Method::PUT | Method::POST | Method::PATCH, "/_wsadm/faults") => {
                match json_body().and_then(|p| self.faults.update(p)) {
                    Ok(f) => ok(json!(f)),
                    Err(e) => text_response(StatusCode::BAD_REQUEST, &e),
                }
            }
            (Method::POST, "/_wsadm/drop") => {
                let spec = match json_body() {
                    Ok(v) => v,
                    Err(e) => return text_response(StatusCode::BAD_REQUEST, &e),
                };
                let all = self.registry.all();
                let chosen: Vec<_> = if let Some(ids) = spec.get("connectionIds").and_then(|v| v.as_array()) {
                    all.into_iter().filter(|c| ids.iter().any(|i| i.as_str() == Some(&c.id))).collect()
                } else if let Some(f) =
                    spec.get("fraction").and_then(|v| v.as_f64()).filter(|f| (0.0..=1.0).contains(f))
                {
                    let n = (all.len() as f64 * f).round() as usize;
                    all.into_iter().take(n).collect()
                } else {
                    return text_response(
                        StatusCode::BAD_REQUEST,
                        "send {\"fraction\": 0..1} or {\"connectionIds\": [...]}",
                    );
                };
                let ids: Vec<String> = chosen.iter().map(|c| c.id.clone()).collect();
                for c in &chosen {
                    let _ = c.tx.try_send(Outbound::Abort);
                }
                ok(json!({ "dropped": ids }))
            }
            (Method::GET, "/_wsadm/connections") => {
                let ids: Vec<String> = self.registry.all().iter().map(|c| c.id.clone()).collect();
                ok(json!({ "connectionIds": ids }))
            }
            (Method::GET, "/_wsadm/stats") => ok(json!({
                "connections": self.registry.len(),
                "connectionsApi": &self.faults.counters,
                "lambda": {
                    "inFlight": self.faults.counters.lambda_in_flight.load(std::sync::atomic::Ordering::Relaxed),
                    "throttled": self.faults.counters.lambda_throttled.load(std::sync::atomic::Ordering::Relaxed),
                },
                "sandboxes": self.invoker.runtimes.stats(),
                // null when the engine is not one the stack warms.
                "dynamodbWarmedUp": self.dynamodb_warmed.as_ref().map(|w| w.load(std::sync::atomic::Ordering::Acquire)),
            })),
            _ => text_response(
                StatusCode::NOT_FOUND,
                "control endpoints: /_wsadm/faults, /_wsadm/drop, /_wsadm/connections, /_wsadm/stats",
            ),
        }
    }
}

fn gone() -> Response<ResponseBody> {
    aws_error(StatusCode::GONE, "GoneException", "Gone")
}

fn conn_error(e: wsadm_core::connections::ConnError) -> Response<ResponseBody> {
    use wsadm_core::connections::ConnError::*;
    match e {
        Gone => gone(),
        Forbidden(m) => aws_error(StatusCode::FORBIDDEN, "ForbiddenException", &m),
        Throttled(m) => aws_error(StatusCode::TOO_MANY_REQUESTS, "LimitExceededException", &m),
        PayloadTooLarge => {
            aws_error(StatusCode::PAYLOAD_TOO_LARGE, "PayloadTooLargeException", "Request entity too large")
        }
        Transient(m) | MaybeDelivered(m) | Other(m) => {
            aws_error(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", &m)
        }
    }
}
