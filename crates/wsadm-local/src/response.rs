//! The responses every part of the port answers with: boxed bodies, plain text, and AWS-style
//! JSON errors.

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full};
use hyper::{Response, StatusCode};
use serde_json::json;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type ResponseBody = BoxBody<Bytes, BoxError>;

pub fn full(b: impl Into<Bytes>) -> ResponseBody {
    Full::new(b.into()).map_err(|never| match never {}).boxed()
}

pub fn empty() -> ResponseBody {
    Empty::new().map_err(|never| match never {}).boxed()
}

pub fn text_response(status: StatusCode, text: &str) -> Response<ResponseBody> {
    let mut r = Response::new(full(text.to_string()));
    *r.status_mut() = status;
    r
}

/// An AWS-style JSON error (`x-amzn-ErrorType` + `{"message"}`), as the SDKs parse it.
pub fn aws_error(status: StatusCode, kind: &str, message: &str) -> Response<ResponseBody> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-amzn-errortype", kind)
        .body(full(json!({ "message": message }).to_string()))
        .unwrap_or_else(|_| text_response(StatusCode::INTERNAL_SERVER_ERROR, message))
}
