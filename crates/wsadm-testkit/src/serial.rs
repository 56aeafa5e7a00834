//! A loopback HTTP forwarder that passes one request at a time to its upstream.
//!
//! moto's DynamoDB does not make a conditional write atomic: it checks the condition, then
//! validates and applies the update, with no lock, on a threaded server, so two concurrent
//! writes can both pass a condition that only one should (`size(conns) < :cap`). DynamoDB
//! applies each write to an item atomically. Tests of concurrent conditional writes put this
//! forwarder in front of moto: requests stay concurrent from the client's side (their
//! read-then-write interleavings all happen), and each single request is atomic, as on AWS.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, Uri};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;

/// The forwarder; stops when dropped.
pub struct SerialProxy {
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SerialProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SerialProxy {
    /// Listens on a free loopback port and forwards to `upstream` (a loopback URL).
    pub async fn start(upstream: &str) -> SerialProxy {
        crate::assert_loopback(upstream);
        let upstream: Uri = upstream.parse().expect("upstream URL");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (client, lock, upstream) = (client.clone(), lock.clone(), upstream.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let (client, lock, upstream) = (client.clone(), lock.clone(), upstream.clone());
                        async move { forward(&client, &lock, &upstream, req).await }
                    });
                    let _ =
                        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
        });
        SerialProxy { url, task }
    }
}

async fn forward(
    client: &Client<HttpConnector, Full<Bytes>>,
    lock: &tokio::sync::Mutex<()>,
    upstream: &Uri,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    // A concrete error type: hyper's service bound does not accept a boxed one here.
    let (mut parts, body) = req.into_parts();
    let body = body.collect().await.map_err(std::io::Error::other)?.to_bytes();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = upstream.authority().ok_or_else(|| std::io::Error::other("upstream URL without a host"))?;
    parts.uri = format!("http://{authority}{path}").parse().map_err(std::io::Error::other)?;
    // One request at a time, response included.
    let _one = lock.lock().await;
    let resp = client.request(Request::from_parts(parts, Full::new(body))).await.map_err(std::io::Error::other)?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.map_err(std::io::Error::other)?.to_bytes();
    Ok(Response::from_parts(parts, Full::new(body)))
}
