//! The control plane's HTTP edges: reading path segments, query strings and JSON bodies, and
//! writing replies with AWS's headers.

use super::errors::{bad, Result};
use super::ids::request_id;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A successful answer: status and JSON body (empty for 204).
pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) body: Vec<u8>,
}

pub(super) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Reply {
    // Serializing our own model types cannot fail (string-keyed maps only); `{}` is a safe fallback.
    Reply { status, body: serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()) }
}

pub(super) fn no_content() -> Reply {
    Reply { status: StatusCode::NO_CONTENT, body: Vec::new() }
}

pub(super) fn respond(status: StatusCode, body: Vec<u8>, error_type: Option<&'static str>) -> Response<Full<Bytes>> {
    let has_body = !body.is_empty();
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    if has_body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(t) = error_type {
        headers.insert(HeaderName::from_static("x-amzn-errortype"), HeaderValue::from_static(t));
    }
    if let Ok(v) = HeaderValue::from_str(&request_id()) {
        headers.insert(HeaderName::from_static("x-amzn-requestid"), v);
    }
    resp
}

/// An empty body counts as `{}` (some clients send nothing for an all-optional input).
pub(super) fn parse_body<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| bad(format!("Invalid request body: {e}")))
}

pub(super) fn required<T>(value: Option<T>, field: &str) -> Result<T> {
    value.ok_or_else(|| bad(format!("{field} is required")))
}

pub(super) fn decode_segment(s: &str) -> Result<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| bad(format!("Invalid URL encoding in path segment {s}")))
}

/// Decoded query parameters, repeated keys kept (UntagResource sends `tagKeys` repeatedly).
pub(super) struct Query(Vec<(String, String)>);

impl Query {
    pub(super) fn parse(query: &str) -> Query {
        Query(url::form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(super) fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }
}
