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

    /// An internal failure: a 500; `detail` goes to the log only. The frame is filled in by
    /// [`Reply::with_request_id`].
    pub(super) fn internal(detail: impl std::fmt::Display) -> Self {
        Reply { status: 500, body: None, note: Note { error: Some(detail.to_string()), ..Note::default() } }
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
