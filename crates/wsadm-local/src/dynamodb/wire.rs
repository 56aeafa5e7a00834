//! One DynamoDB exchange with the engine, buffered so the front can read and amend the answer,
//! and DynamoDB's JSON errors. A changed body gets a new `x-amz-crc32`, which SDKs check.

use crate::response::{full, ResponseBody};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use hyper::{HeaderMap, Request, Response, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

pub type Client = hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>;

pub fn client() -> Client {
    hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http()
}

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// The engine's answer (or the front's own).
#[derive(Debug)]
pub struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    pub fn json(v: Value) -> Self {
        let mut a = Answer { status: StatusCode::OK, headers: HeaderMap::new(), body: Bytes::new() };
        a.set_json(v);
        a
    }

    pub fn set_status(&mut self, status: StatusCode) {
        self.status = status;
    }

    pub fn ok(&self) -> bool {
        self.status.is_success()
    }

    /// The body as JSON (`null` when it is not).
    pub fn json_body(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }

    pub fn set_json(&mut self, v: Value) {
        self.body = to_bytes(&v);
        let crc = crc32fast::hash(&self.body);
        self.headers.insert(hyper::header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        self.headers.insert(HeaderName::from_static("x-amz-crc32"), HeaderValue::from(crc));
        self.headers.remove(CONTENT_LENGTH);
    }

    /// The error's type without its namespace (`ResourceNotFoundException`).
    pub fn error_type(&self) -> Option<String> {
        if self.ok() {
            return None;
        }
        let t = self.json_body().get("__type")?.as_str()?.to_string();
        Some(t.rsplit('#').next().unwrap_or_default().to_string())
    }

    pub fn response(self) -> Response<ResponseBody> {
        let mut r = Response::new(full(self.body));
        *r.status_mut() = self.status;
        *r.headers_mut() = self.headers;
        r.headers_mut().remove(CONTENT_LENGTH);
        r
    }
}

/// A DynamoDB error as the service sends it (400 and `__type`).
pub fn ddb_error(kind: &str, message: &str) -> Answer {
    let mut a =
        Answer::json(json!({ "__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"), "message": message }));
    a.status = StatusCode::BAD_REQUEST;
    a
}

pub fn to_bytes(v: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(v).unwrap_or_default())
}

/// Sends `op` with `body` to the engine, with the caller's headers (the engine reads the
/// authorization's form, not its signature, so an amended body stays acceptable).
pub async fn exchange(client: &Client, url: &str, headers: &HeaderMap, op: &str, body: Bytes) -> Answer {
    let unavailable = |e: String| {
        let mut a = ddb_error("ServiceUnavailable", &format!("the local DynamoDB engine at {url} did not answer: {e}"));
        a.status = StatusCode::BAD_GATEWAY;
        a
    };
    let mut req = Request::builder().method("POST").uri(format!("{}/", url.trim_end_matches('/')));
    for (k, v) in headers {
        if k != CONTENT_LENGTH && k != hyper::header::HOST && k.as_str() != "x-amz-target" {
            req = req.header(k, v);
        }
    }
    let req = match req.header("x-amz-target", format!("{}{op}", super::TARGET_PREFIX)).body(Full::new(body)) {
        Ok(r) => r,
        Err(e) => return unavailable(e.to_string()),
    };
    match client.request(req).await {
        Ok(resp) => {
            let (parts, body) = resp.into_parts();
            match body.collect().await {
                Ok(b) => Answer { status: parts.status, headers: parts.headers, body: b.to_bytes() },
                Err(e) => unavailable(e.to_string()),
            }
        }
        Err(e) => unavailable(e.to_string()),
    }
}
