//! A loopback HTTP forwarder that refuses one AWS call, as AWS refuses an identity whose
//! policies do not allow it, and passes everything else to its upstream unchanged.
//!
//! Why not moto's own IAM enforcement (`INITIAL_NO_AUTH_ACTION_COUNT`, switchable at run time
//! with `POST /moto-api/reset-auth`)? moto 5.2's server takes the request headers as the
//! parameters of a GET without query string or body, and its signature check then hashes them
//! as the payload: every such call (Lambda GetFunctionConfiguration, API Gateway GetAccount)
//! fails with SignatureDoesNotMatch whatever the identity may do.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The call to refuse: a query-protocol action (IAM, STS: `Action=` in the form body), on one
/// resource when `param` is given (`("RoleName", "chat-wsadm-handlers")`).
#[derive(Debug, Clone)]
pub struct Denied {
    /// The signing name of the service (`iam`), from the request's credential scope.
    pub service: &'static str,
    pub action: &'static str,
    pub param: Option<(&'static str, &'static str)>,
}

impl Denied {
    fn matches(&self, service: Option<&str>, form: &[(String, String)]) -> bool {
        let get = |k: &str| form.iter().find(|(name, _)| name == k).map(|(_, v)| v.as_str());
        service == Some(self.service)
            && get("Action") == Some(self.action)
            && self.param.is_none_or(|(k, v)| get(k) == Some(v))
    }

    /// AWS's answer (HTTP 403, the query protocol's `ErrorResponse`), as IAM gives it.
    fn answer(&self) -> Response<Full<Bytes>> {
        let resource = match self.param {
            Some(("RoleName", v)) => format!(" on resource: role {v}"),
            Some((_, v)) => format!(" on resource: {v}"),
            None => String::new(),
        };
        let body = format!(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n    <Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: {}:{}{resource} because no identity-based policy allows the {}:{} action</Message>\n  </Error>\n  <RequestId>6f0d4c1e-2b7a-4f1e-9a51-0c3e8d2b7a10</RequestId>\n</ErrorResponse>\n",
            self.service, self.action, self.service, self.action
        );
        let mut resp = Response::new(Full::new(Bytes::from(body)));
        *resp.status_mut() = StatusCode::FORBIDDEN;
        resp.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("text/xml"));
        resp.headers_mut().insert(
            "x-amzn-requestid",
            hyper::header::HeaderValue::from_static("6f0d4c1e-2b7a-4f1e-9a51-0c3e8d2b7a10"),
        );
        resp
    }
}

/// The forwarder; stops when dropped.
pub struct DenyProxy {
    pub url: String,
    denied: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DenyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DenyProxy {
    /// Listens on a free loopback port and forwards to `upstream` (a loopback URL), refusing `deny`.
    pub async fn start(upstream: &str, deny: Denied) -> DenyProxy {
        crate::assert_loopback(upstream);
        let upstream: Uri = upstream.parse().expect("upstream URL");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let denied = Arc::new(AtomicUsize::new(0));
        let count = denied.clone();
        let deny = Arc::new(deny);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (client, upstream, deny, count) = (client.clone(), upstream.clone(), deny.clone(), count.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let (client, upstream, deny, count) =
                            (client.clone(), upstream.clone(), deny.clone(), count.clone());
                        async move { handle(&client, &upstream, &deny, &count, req).await }
                    });
                    let _ =
                        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
        });
        DenyProxy { url, denied, task }
    }

    /// Calls refused so far.
    pub fn denied(&self) -> usize {
        self.denied.load(Ordering::SeqCst)
    }
}

/// The service of a SigV4-signed request (`Credential=AKID/date/region/SERVICE/aws4_request`).
fn signed_service(req: &hyper::http::request::Parts) -> Option<String> {
    let auth = req.headers.get("authorization")?.to_str().ok()?;
    let cred = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    cred.split('/').nth(3).map(str::to_string)
}

async fn handle(
    client: &Client<HttpConnector, Full<Bytes>>,
    upstream: &Uri,
    deny: &Denied,
    denied: &AtomicUsize,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (mut parts, body) = req.into_parts();
    let body = body.collect().await.map_err(std::io::Error::other)?.to_bytes();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    if deny.matches(signed_service(&parts).as_deref(), &form) {
        denied.fetch_add(1, Ordering::SeqCst);
        return Ok(deny.answer());
    }
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = upstream.authority().ok_or_else(|| std::io::Error::other("upstream URL without a host"))?;
    parts.uri = format!("http://{authority}{path}").parse().map_err(std::io::Error::other)?;
    let resp = client.request(Request::from_parts(parts, Full::new(body))).await.map_err(std::io::Error::other)?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.map_err(std::io::Error::other)?.to_bytes();
    Ok(Response::from_parts(parts, Full::new(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn refuses_only_the_named_call_on_the_named_resource() {
        let d = Denied { service: "iam", action: "GetRolePolicy", param: Some(("RoleName", "chat-wsadm-handlers")) };
        let call = form(&[("Action", "GetRolePolicy"), ("RoleName", "chat-wsadm-handlers"), ("PolicyName", "p")]);
        assert!(d.matches(Some("iam"), &call));
        assert!(!d.matches(Some("sts"), &call));
        assert!(!d.matches(None, &call));
        assert!(!d.matches(Some("iam"), &form(&[("Action", "GetRolePolicy"), ("RoleName", "other")])));
        assert!(!d.matches(Some("iam"), &form(&[("Action", "ListRolePolicies"), ("RoleName", "chat-wsadm-handlers")])));
        let any = Denied { param: None, ..d };
        assert!(any.matches(Some("iam"), &form(&[("Action", "GetRolePolicy"), ("RoleName", "other")])));
    }
}
