//! Running integrations locally. An AWS_PROXY Lambda function runs its own `bootstrap` as a
//! process when its code has one for this machine ([`crate::runtime`] decides); the built-in
//! wsadm handlers run in process for placeholder zips, configured by the environment stored
//! for the function in the Lambda service (moto), as Lambda would. HTTP_PROXY integrations are
//! called over HTTP (loopback only); MOCK answers 200. Anything else fails that request with an
//! explained error, never a hang.

use crate::faults::FaultState;
use crate::gateway::LocalGateway;
use crate::ids::new_id;
use crate::model::Integration;
use crate::runtime::{Failure, FunctionConfig, Plan, Runtimes};
use crate::telemetry::Telemetry;
use crate::time::now_ms;
use crate::ttl_cache::{Entry, LoadError, TtlCache};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wsadm_handler::lambda::{Functions, InvokeError};

/// How long a function's configuration is trusted before it is read again from Lambda.
const CONFIG_TTL: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum IntegrationError {
    /// An authorizer said Unauthorized.
    #[error("Unauthorized")]
    Unauthorized,
    /// The function ran and failed (Lambda's function error).
    #[error("function error: {0}")]
    Function(String),
    /// The emulator cannot run this integration.
    #[error("cannot run the integration locally: {0}")]
    CannotRun(String),
    #[error("integration timed out after {0:?}")]
    Timeout(Duration),
}

struct Cached {
    conf: FunctionConfig,
    /// How it runs, decided on first use of this configuration.
    plan: tokio::sync::OnceCell<Plan>,
    /// Built for wsadm handlers only, used when the plan is in process.
    functions: Option<Arc<Functions<LocalGateway>>>,
}

pub struct Invoker {
    sdk: aws_config::SdkConfig,
    lambda: aws_sdk_lambda::Client,
    gateway: LocalGateway,
    cache: TtlCache<Cached>,
    http: hyper_util::client::legacy::Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    faults: Arc<FaultState>,
    telemetry: Arc<Telemetry>,
    pub runtimes: Arc<Runtimes>,
}

/// The function named by an integration or authorizer URI
/// (`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`), or the URI itself.
pub fn function_of(uri: &str) -> &str {
    match uri.split_once("/functions/") {
        Some((_, rest)) => rest.strip_suffix("/invocations").unwrap_or(rest),
        None => uri,
    }
}

impl Invoker {
    /// `sdk` points at the AWS stand-in (moto): the functions' DynamoDB calls go there.
    pub fn new(
        sdk: aws_config::SdkConfig,
        gateway: LocalGateway,
        faults: Arc<FaultState>,
        telemetry: Arc<Telemetry>,
        runtimes: Arc<Runtimes>,
    ) -> Self {
        let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
        Invoker {
            lambda: aws_sdk_lambda::Client::new(&sdk),
            sdk,
            gateway,
            cache: TtlCache::new(CONFIG_TTL),
            http,
            faults,
            telemetry,
            runtimes,
        }
    }

    async fn injected_latency(&self) {
        let d = self.faults.integration_latency();
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
    }

    /// The function's configuration (re-read every [`CONFIG_TTL`]) and, for wsadm handlers,
    /// the built-in handlers configured by it.
    async fn function(&self, function: &str) -> Result<Arc<Entry<Cached>>, IntegrationError> {
        self.cache.get(function, |cached| self.read_function(function, cached)).await
    }

    async fn read_function(
        &self,
        function: &str,
        cached: Option<Arc<Entry<Cached>>>,
    ) -> Result<Cached, LoadError<IntegrationError>> {
        let conf = self.lambda.get_function_configuration().function_name(function).send().await.map_err(|e| {
            let refused = e.as_service_error().is_some();
            let e = IntegrationError::CannotRun(format!(
                "function {function} is not in the Lambda service ({})",
                aws_smithy_types::error::display::DisplayErrorContext(&e)
            ));
            if refused {
                LoadError::Refused(e)
            } else {
                LoadError::Unanswered(e)
            }
        })?;
        let conf = FunctionConfig {
            name: conf.function_name().unwrap_or(function).to_string(),
            arn: conf.function_arn().unwrap_or(function).to_string(),
            code_sha256: conf.code_sha256().map(str::to_string),
            env: conf.environment().and_then(|e| e.variables()).cloned().unwrap_or_default(),
            timeout: Duration::from_secs(conf.timeout().unwrap_or(3).max(1) as u64),
            memory_mb: conf.memory_size().unwrap_or(128),
            architecture: conf.architectures().first().map(|a| a.as_str().to_string()),
            handler: conf.handler().map(str::to_string),
        };
        // Keep the built functions (and their JWKS cache) while the configuration is unchanged.
        let functions = match cached {
            Some(c) if c.conf.env == conf.env => c.functions.clone(),
            _ if conf.is_wsadm_handler() => {
                Some(Arc::new(Functions::from_env(|k| conf.env.get(k).cloned(), &self.sdk, self.gateway.clone())))
            }
            _ => None,
        };
        Ok(Cached { conf, plan: tokio::sync::OnceCell::new(), functions })
    }

    /// Invokes a Lambda function (by URI or ARN) with `event`, as API Gateway would.
    pub async fn invoke_function(&self, uri: &str, event: Value, timeout: Duration) -> Result<Value, IntegrationError> {
        let function = function_of(uri);
        // Past the account's concurrency Lambda throttles at once (429 to API Gateway, a 500 to the client).
        let Some(_slot) = self.faults.start_invocation() else {
            return Err(IntegrationError::Function(format!(
                "Rate Exceeded: {function}: the account's {} concurrent executions are in use (TooManyRequestsException)",
                self.faults.get().lambda_concurrency
            )));
        };
        self.injected_latency().await;
        let cached = self.function(function).await?;
        let plan = cached.plan.get_or_init(|| self.runtimes.plan(&cached.conf)).await.clone();
        let functions = match plan {
            Plan::InProcess => cached.functions.clone().ok_or_else(|| not_ours(function))?,
            Plan::Cannot(why) => return Err(IntegrationError::CannotRun(why)),
            Plan::Process(pool) => {
                let request_id = uuid_like();
                return self.runtimes.invoke(&pool, &request_id, &event, timeout).await.map_err(|f| match f {
                    Failure::Unauthorized => IntegrationError::Unauthorized,
                    Failure::Function(m) => IntegrationError::Function(m),
                    Failure::Timeout(d) => IntegrationError::Timeout(d),
                });
            }
            Plan::InitError(kind, message) => {
                let c = &cached.conf;
                self.runtimes.log_init_error(&c.name, &uuid_like(), &kind, &message, c.memory_mb);
                return Err(IntegrationError::Function(format!("{kind}: {message}")));
            }
        };
        let (started_ms, started) = (now_ms(), Instant::now());
        // The handler's own log lines go to its log group, as Lambda captures stdout.
        let lines = Arc::new(Mutex::new(Vec::new()));
        let call = CAPTURED.scope(
            lines.clone(),
            tracing::instrument::WithSubscriber::with_subscriber(functions.invoke(event), capture_dispatch()),
        );
        let result = match tokio::time::timeout(timeout, call).await {
            Err(_) => Err(IntegrationError::Timeout(timeout)),
            Ok(Ok(v)) => Ok(v),
            Ok(Err(InvokeError::Unauthorized)) => Err(IntegrationError::Unauthorized),
            Ok(Err(e)) => Err(IntegrationError::Function(e.to_string())),
        };
        let error = result.as_ref().err().map(|e| e.to_string());
        let request_id = new_id(9);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let logged = String::from_utf8_lossy(&lines.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
        let logged: Vec<&str> = logged.lines().filter(|l| !l.is_empty()).collect();
        self.telemetry.lambda_invocation(function, &request_id, started_ms, ms, &logged, error.as_deref());
        result
    }

    /// Runs a route's integration; the result is the Lambda proxy response (statusCode, body).
    pub async fn invoke(&self, integration: &Integration, event: Value) -> Result<Value, IntegrationError> {
        let timeout = Duration::from_millis(integration.timeout_in_millis.clamp(50, 29_000) as u64);
        let uri = integration.integration_uri.as_deref().unwrap_or_default();
        match integration.integration_type.as_str() {
            "AWS_PROXY" => self.invoke_function(uri, event, timeout).await,
            "MOCK" => Ok(serde_json::json!({ "statusCode": 200 })),
            "HTTP_PROXY" | "HTTP" => {
                self.injected_latency().await;
                self.http_proxy(uri, event, timeout).await
            }
            other => Err(IntegrationError::CannotRun(format!(
                "integration type {other} is not supported locally; use AWS_PROXY (wsadm handlers), HTTP_PROXY or MOCK"
            ))),
        }
    }

    /// HTTP_PROXY: the message body is POSTed to the URI (loopback only); the answer is the response.
    async fn http_proxy(&self, uri: &str, event: Value, timeout: Duration) -> Result<Value, IntegrationError> {
        if !wsadm_core::guard::is_loopback(uri) {
            return Err(IntegrationError::CannotRun(format!(
                "HTTP_PROXY to {uri}: only loopback URLs are called locally"
            )));
        }
        let body = event.get("body").and_then(Value::as_str).unwrap_or_default().to_string();
        let ctx = &event["requestContext"];
        let req = hyper::Request::post(uri)
            .header("content-type", "application/json")
            .header("x-amzn-connection-id", ctx["connectionId"].as_str().unwrap_or_default())
            .header("x-amzn-route-key", ctx["routeKey"].as_str().unwrap_or_default())
            .header("x-amzn-event-type", ctx["eventType"].as_str().unwrap_or_default())
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| IntegrationError::CannotRun(format!("bad HTTP_PROXY URI {uri}: {e}")))?;
        let call = async {
            let resp = self.http.request(req).await.map_err(|e| IntegrationError::Function(e.to_string()))?;
            let status = resp.status().as_u16();
            let bytes =
                resp.into_body().collect().await.map_err(|e| IntegrationError::Function(e.to_string()))?.to_bytes();
            Ok(serde_json::json!({ "statusCode": status, "body": String::from_utf8_lossy(&bytes) }))
        };
        tokio::time::timeout(timeout, call).await.map_err(|_| IntegrationError::Timeout(timeout))?
    }
}

tokio::task_local! {
    /// The log buffer of the in-process invocation being polled.
    static CAPTURED: Arc<Mutex<Vec<u8>>>;
}

/// The one subscriber of every in-process invocation: it writes the handler's JSON log lines
/// into the buffer of the invocation being polled. One per invocation would be costly: a new
/// `Dispatch` re-registers every callsite against every live dispatch, which under a few hundred
/// invocations in flight took more CPU than the handlers.
fn capture_dispatch() -> tracing::Dispatch {
    struct Invocation;
    impl std::io::Write for Invocation {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            // Outside an invocation (a task the handler spawned) the line is dropped.
            let _ = CAPTURED.try_with(|buf| buf.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(b));
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static DISPATCH: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    DISPATCH
        .get_or_init(|| {
            let subscriber = tracing_subscriber::fmt()
                .json()
                .with_max_level(tracing::Level::INFO)
                .with_current_span(false)
                .without_time()
                .with_writer(|| Invocation)
                .finish();
            tracing::Dispatch::new(subscriber)
        })
        .clone()
}

fn not_ours(function: &str) -> IntegrationError {
    IntegrationError::CannotRun(format!(
        "function {function} has no `bootstrap` this machine can run and is not a wsadm handler (no WSADM_* \
         environment); deploy a zip with a `bootstrap` executable, or point the route at a local server with an \
         HTTP_PROXY integration"
    ))
}

/// A Lambda request id (a UUID's shape).
fn uuid_like() -> String {
    let b: [u8; 16] = rand::random();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_from_uris() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:chat-connect";
        assert_eq!(
            function_of(&format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations")),
            arn
        );
        assert_eq!(function_of(arn), arn);
        assert_eq!(function_of("chat-connect"), "chat-connect");
    }

    #[tokio::test]
    async fn interleaved_invocations_capture_only_their_own_lines() {
        use tracing::instrument::WithSubscriber;
        let run = |tag: &'static str| {
            let lines = Arc::new(Mutex::new(Vec::new()));
            let body = async move {
                for i in 0..3 {
                    tracing::info!(tag, i, "handled");
                    tokio::task::yield_now().await;
                }
            };
            (lines.clone(), CAPTURED.scope(lines, body.with_subscriber(capture_dispatch())))
        };
        let ((a, fa), (b, fb)) = (run("a"), run("b"));
        tokio::join!(fa, fb);
        for (buf, tag) in [(a, "a"), (b, "b")] {
            let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), 3, "{text}");
            assert!(lines.iter().all(|l| l.contains(&format!("\"tag\":\"{tag}\""))), "{text}");
        }
    }
}
