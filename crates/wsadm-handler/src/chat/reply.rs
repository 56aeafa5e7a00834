//! What a handler answers, and what its one log line says about it.
//!
//! Client mistakes are error frames with a 200 (the client reads them; a 5xx would only be
//! logged by API Gateway). Internal failures (the store or a throttle) are a 500 with a generic
//! frame: no internal text reaches the client, the detail goes into the handler's log line
//! next to the request id the frame carries.

use serde_json::{json, Value};

/// What a handler returns: the integration response, and notes for its log line.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Option<String>,
    pub note: Note,
}

/// What the handler's log line adds to the status.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Note {
    /// A `send` refused by the per-user rate limit (`logs summary` counts these).
    pub rate_limited: bool,
    /// Why a request was refused (a connect, a join), for the operator.
    pub reason: Option<String>,
    /// The internal failure behind a 5xx (never shown to the client).
    pub error: Option<String>,
}

impl Reply {
    pub(super) fn ok(body: Value) -> Self {
        Reply { status: 200, body: Some(body.to_string()), note: Note::default() }
    }

    pub(super) fn empty(status: u16) -> Self {
        Reply { status, body: None, note: Note::default() }
    }

    /// A refused `$connect` (or other bodiless answer), with the reason for the log.
    pub(super) fn refused(status: u16, reason: impl Into<String>) -> Self {
        Reply { status, body: None, note: Note { reason: Some(reason.into()), ..Note::default() } }
    }

    pub(super) fn client_error(code: &str, message: impl Into<String>) -> Self {
        Reply::ok(json!({ "type": "error", "error": code, "message": message.into() }))
    }

    /// An internal failure: a 500; the error and its causes go to the log only (an operator
    /// needs "connection reset", not just "cannot reach the endpoint"). The frame is filled in
    /// by [`Reply::with_request_id`].
    pub(super) fn internal(e: &dyn std::error::Error) -> Self {
        Reply { status: 500, body: None, note: Note { error: Some(with_causes(e)), ..Note::default() } }
    }

    /// The generic frame of an internal failure, naming the request for support.
    pub(super) fn with_request_id(mut self, request_id: &str) -> Self {
        if self.status >= 500 && self.body.is_none() {
            self.body = Some(
                json!({
                    "type": "error", "error": "internal",
                    "message": "something went wrong on our side; try again", "requestId": request_id,
                })
                .to_string(),
            );
        }
        self
    }

    pub(super) fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.note.reason = Some(reason.into());
        self
    }

    pub fn into_response(self) -> aws_lambda_events::apigw::ApiGatewayProxyResponse {
        let mut r = aws_lambda_events::apigw::ApiGatewayProxyResponse::default();
        r.status_code = self.status as i64;
        r.body = self.body.map(aws_lambda_events::encodings::Body::Text);
        r
    }
}

/// The longest error detail logged.
const MAX_DETAIL: usize = 1000;

/// "outer: cause: root cause", each cause named once.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let m = c.to_string();
        if !m.is_empty() && !out.contains(&m) {
            out.push_str(": ");
            out.push_str(&m);
        }
        cause = c.source();
    }
    if out.len() > MAX_DETAIL {
        let mut end = MAX_DETAIL;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct E(&'static str, #[source] Option<Box<E>>);

    #[test]
    fn the_log_names_every_cause_once() {
        let root = E("connection closed before message completed", None);
        let mid = E("dispatch failure", Some(Box::new(root)));
        let top = E("GetItem: cannot reach the endpoint", Some(Box::new(mid)));
        assert_eq!(
            Reply::internal(&top).note.error.as_deref(),
            Some("GetItem: cannot reach the endpoint: dispatch failure: connection closed before message completed")
        );
        let dup = E("GetItem: timed out", Some(Box::new(E("timed out", None))));
        assert_eq!(with_causes(&dup), "GetItem: timed out");
        let long = E(Box::leak("é".repeat(800).into_boxed_str()), None);
        assert!(with_causes(&long).len() <= MAX_DETAIL);
    }
}
