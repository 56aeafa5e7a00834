//! The Lambda Runtime API (2018-06-01) for one sandbox process, on a 127.0.0.1 port of its own
//! (so a request needs no routing to its sandbox): `invocation/next` long-polls for the next
//! event; `invocation/{id}/response`, `invocation/{id}/error` and `init/error` report back.
//! What the process says is passed to the sandbox as [`ApiEvent`]s.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::{mpsc, Mutex};

/// Lambda's largest synchronous response (and error) payload.
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;
const PREFIX: &str = "/2018-06-01/runtime/";

/// One event handed to the process by `next`.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub request_id: String,
    pub event: Bytes,
    pub deadline_ms: i64,
    pub function_arn: String,
    pub trace_id: String,
}

#[derive(Debug)]
pub enum ApiEvent {
    /// The process asked for work (the first time: its init is done).
    Next,
    Response(String, Bytes),
    Error(String, Bytes),
    InitError(Bytes),
}

struct Shared {
    invocations: Mutex<mpsc::Receiver<Invocation>>,
    events: mpsc::UnboundedSender<ApiEvent>,
}

/// A running Runtime API; dropping it stops the server.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    pub invocations: mpsc::Sender<Invocation>,
    pub events: mpsc::UnboundedReceiver<ApiEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn start() -> std::io::Result<RuntimeApi> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let (inv_tx, inv_rx) = mpsc::channel(1);
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared { invocations: Mutex::new(inv_rx), events: ev_tx });
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            // Held in the set so that stopping the server also ends a long-polling `next`.
            connections.spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let shared = shared.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(&shared, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
            });
            while connections.try_join_next().is_some() {}
        }
    });
    Ok(RuntimeApi { addr, invocations: inv_tx, events: ev_rx, task })
}

fn reply(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    r
}

fn error_body(kind: &str, message: &str) -> String {
    serde_json::json!({ "errorType": kind, "errorMessage": message }).to_string()
}

async fn handle(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let Some(route) = path.strip_prefix(PREFIX) else {
        return reply(StatusCode::NOT_FOUND, &error_body("UnknownResource", "not a Runtime API path"));
    };
    let route: Vec<&str> = route.split('/').collect();
    match (req.method(), route.as_slice()) {
        (&Method::GET, ["invocation", "next"]) => {
            let _ = shared.events.send(ApiEvent::Next);
            let next = shared.invocations.lock().await.recv().await;
            let Some(inv) = next else {
                return reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &error_body("ServiceException", "the sandbox stopped"),
                );
            };
            let mut r = Response::new(Full::new(inv.event));
            let h = r.headers_mut();
            let pairs = [
                ("lambda-runtime-aws-request-id", inv.request_id),
                ("lambda-runtime-deadline-ms", inv.deadline_ms.to_string()),
                ("lambda-runtime-invoked-function-arn", inv.function_arn),
                ("lambda-runtime-trace-id", inv.trace_id),
                ("content-type", "application/json".to_string()),
            ];
            for (k, v) in pairs {
                if let Ok(v) = hyper::header::HeaderValue::from_str(&v) {
                    h.insert(k, v);
                }
            }
            r
        }
        (&Method::POST, ["invocation", id, outcome @ ("response" | "error")]) => {
            let id = id.to_string();
            let body = match Limited::new(req.into_body(), MAX_RESPONSE_BYTES).collect().await {
                Ok(b) => b.to_bytes(),
                Err(_) => {
                    let msg = format!(
                        "Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
                    );
                    let body = error_body("Function.ResponseSizeTooLarge", &msg);
                    let _ = shared.events.send(ApiEvent::Error(id, Bytes::from(body.clone())));
                    return reply(StatusCode::PAYLOAD_TOO_LARGE, &body);
                }
            };
            let ev = if *outcome == "response" { ApiEvent::Response(id, body) } else { ApiEvent::Error(id, body) };
            let _ = shared.events.send(ev);
            reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
        }
        (&Method::POST, ["init", "error"]) => {
            let body = Limited::new(req.into_body(), MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_else(|_| Bytes::from(error_body("Runtime.Unknown", "init error too large to show")));
            let _ = shared.events.send(ApiEvent::InitError(body));
            reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
        }
        _ => reply(StatusCode::NOT_FOUND, &error_body("UnknownResource", &format!("no such Runtime API call: {path}"))),
    }
}
