//! The @connections API (PostToConnection, GetConnection, DeleteConnection) with its errors
//! sorted the way callers must treat them: 410 gone, 403 forbidden, 429 throttled, 413 too large.

use crate::Error;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_apigatewaymanagement::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;

/// PostToConnection's data limit.
pub const MAX_POST_BYTES: usize = 131_072;

/// Longest connection id accepted.
pub const MAX_CONNECTION_ID_LEN: usize = 128;

/// Connection ids are what API Gateway hands out (base64, e.g. `L0SM9cOFvHcCIhw=`): 1-128
/// characters of letters, digits, `=`, `+`, `/`, `-`, `_`. They are passed to the SDK as they
/// are; it percent-encodes the path label once (`=` -> `%3D`), so nothing here encodes them.
pub fn validate_connection_id(id: &str) -> Result<(), Error> {
    let ok = !id.is_empty()
        && id.len() <= MAX_CONNECTION_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'+' | b'/' | b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("`{id}` is not a connection id"),
            "connection ids are 1-128 characters of letters, digits, '=', '+', '/', '-', '_' as `wsadm sessions ls` shows them (quote them in the shell; do not URL-encode them)",
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnError {
    /// 410: the connection is closed; its record is stale.
    #[error("gone (410): the connection no longer exists")]
    Gone,
    /// 403: wrong endpoint, stage or IAM permission; never a reason to delete anything.
    #[error("forbidden (403): {0}")]
    Forbidden(String),
    /// 429: throttled, or the client's buffer is full.
    #[error("throttled (429): {0}")]
    Throttled(String),
    /// 413: the payload is over 128 KB.
    #[error("payload too large (413)")]
    PayloadTooLarge,
    /// 5xx, or a network failure before the request was sent: worth a retry.
    #[error("transient error: {0}")]
    Transient(String),
    /// The request was sent and no answer came (reset, timeout): the message may have been
    /// delivered, so it is not re-sent.
    #[error("no answer after sending, the message may have been delivered: {0}")]
    MaybeDelivered(String),
    /// Anything else (a 4xx that retrying will not fix).
    #[error("{0}")]
    Other(String),
}

impl ConnError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, ConnError::Throttled(_) | ConnError::Transient(_))
    }
}

/// Sorts an @connections error answer the way callers must treat it: by its HTTP status
/// first, the error type (`x-amzn-ErrorType`, or the SDK's error code) only refines. A gateway,
/// proxy or new AWS error type cannot turn a 5xx into "not worth a retry", a 429 into "not a
/// throttle" or a 403 into "keep going":
///
/// | status | outcome |
/// |---|---|
/// | 410 | gone |
/// | 401, 403 | forbidden: stop (credentials, permission, endpoint) |
/// | 413 | payload too large: failed, never retried |
/// | 429 | throttled: retried with backoff, the sending rate lowered |
/// | 5xx, 408 | transient: retried |
/// | other 4xx, or no status | by the error type ([`classify_code`]), else not retried |
pub fn classify_answer(status: Option<u16>, error_type: &str, message: &str) -> ConnError {
    let detail = || match (error_type.is_empty(), message.is_empty()) {
        (false, false) => format!("{error_type}: {message}"),
        (false, true) => error_type.to_string(),
        (true, false) => message.to_string(),
        (true, true) => status.map_or_else(|| "no detail".to_string(), |s| format!("HTTP {s}")),
    };
    match status {
        Some(410) => ConnError::Gone,
        Some(401 | 403) => ConnError::Forbidden(detail()),
        Some(413) => ConnError::PayloadTooLarge,
        Some(429) => ConnError::Throttled(detail()),
        Some(408 | 500..=599) => ConnError::Transient(detail()),
        _ => {
            let other = || match status {
                Some(s) if error_type.is_empty() && message.is_empty() => format!("HTTP {s}"),
                Some(s) => format!("HTTP {s}: {}", detail()),
                None => detail(),
            };
            match classify_code(error_type, message) {
                // A 4xx without a type is not worth a retry; without a status, it may be.
                ConnError::Transient(_) if status.is_some() && error_type.is_empty() => ConnError::Other(other()),
                ConnError::Other(_) => ConnError::Other(other()),
                known => known,
            }
        }
    }
}

/// Sorts an AWS error code (and its message) when there is no HTTP status to go by (see
/// [`classify_answer`]).
pub fn classify_code(code: &str, msg: &str) -> ConnError {
    let said = || if msg.is_empty() { code.to_string() } else { msg.to_string() };
    match code {
        "GoneException" => ConnError::Gone,
        "ForbiddenException"
        | "AccessDeniedException"
        | "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "MissingAuthenticationTokenException" => ConnError::Forbidden(said()),
        "LimitExceededException" | "TooManyRequestsException" | "ThrottlingException" => ConnError::Throttled(said()),
        "PayloadTooLargeException" => ConnError::PayloadTooLarge,
        "InternalServerError"
        | "InternalServerErrorException"
        | "InternalFailure"
        | "ServiceUnavailable"
        | "ServiceUnavailableException" => ConnError::Transient(code.to_string()),
        "" => ConnError::Transient(format!("unrecognised response: {msg}")),
        _ => ConnError::Other(format!("{code}: {msg}")),
    }
}

fn classify<E>(err: SdkError<E, HttpResponse>) -> ConnError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    match err {
        SdkError::ServiceError(se) => {
            classify_answer(status, se.err().code().unwrap_or(""), se.err().message().unwrap_or(""))
        }
        // An answer the SDK could not parse still has a status that says what to do.
        SdkError::ResponseError(_) if status.is_some() => classify_answer(status, "", "an unparseable answer"),
        other => ConnError::Transient(aws_smithy_types::error::display::DisplayErrorContext(&other).to_string()),
    }
}

/// GetConnection's answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ConnectionInfo {
    pub connected_at: Option<String>,
    pub last_active_at: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Sends `data` to one connection. The SDK encodes the id into the path exactly once.
pub async fn post(client: &Client, connection_id: &str, data: &[u8]) -> Result<(), ConnError> {
    if data.len() > MAX_POST_BYTES {
        return Err(ConnError::PayloadTooLarge);
    }
    client
        .post_to_connection()
        .connection_id(connection_id)
        .data(Blob::new(data))
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

pub async fn get(client: &Client, connection_id: &str) -> Result<ConnectionInfo, ConnError> {
    use aws_smithy_types::date_time::Format;
    let o = client.get_connection().connection_id(connection_id).send().await.map_err(classify)?;
    Ok(ConnectionInfo {
        connected_at: o.connected_at().and_then(|t| t.fmt(Format::DateTime).ok()),
        last_active_at: o.last_active_at().and_then(|t| t.fmt(Format::DateTime).ok()),
        source_ip: o.identity().and_then(|i| i.source_ip()).map(str::to_string),
        user_agent: o.identity().and_then(|i| i.user_agent()).map(str::to_string),
    })
}

/// Closes one connection. A 410 means it was already closed.
pub async fn delete(client: &Client, connection_id: &str) -> Result<(), ConnError> {
    client.delete_connection().connection_id(connection_id).send().await.map(|_| ()).map_err(classify)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thr(s: &str) -> ConnError {
        ConnError::Throttled(s.into())
    }
    fn tr(s: &str) -> ConnError {
        ConnError::Transient(s.into())
    }
    fn fb(s: &str) -> ConnError {
        ConnError::Forbidden(s.into())
    }

    /// Each status with its usual type, an unknown type, no type, and a type that says
    /// something else: the status decides.
    #[test]
    fn the_status_decides_and_the_type_refines() {
        use ConnError::*;
        let cases: &[(Option<u16>, &str, &str, ConnError)] = &[
            (Some(410), "GoneException", "", Gone),
            (Some(410), "", "", Gone),
            (Some(410), "SomethingNewException", "x", Gone),
            (
                Some(429),
                "LimitExceededException",
                "Too Many Requests",
                thr("LimitExceededException: Too Many Requests"),
            ),
            (Some(429), "TooManyRequestsException", "", thr("TooManyRequestsException")),
            (Some(429), "SlowDownPleaseException", "m", thr("SlowDownPleaseException: m")),
            (Some(429), "", "", thr("HTTP 429")),
            (Some(429), "BadRequestException", "buffer", thr("BadRequestException: buffer")),
            (Some(500), "InternalServerErrorException", "oops", tr("InternalServerErrorException: oops")),
            (Some(500), "InternalFailure", "", tr("InternalFailure")),
            (Some(500), "NeverHeardOfItException", "", tr("NeverHeardOfItException")),
            (Some(500), "", "<html>", tr("<html>")),
            (Some(500), "GoneException", "", tr("GoneException")),
            (Some(502), "", "", tr("HTTP 502")),
            (Some(503), "ServiceUnavailableException", "", tr("ServiceUnavailableException")),
            (Some(504), "", "gateway timeout", tr("gateway timeout")),
            (Some(408), "", "", tr("HTTP 408")),
            (Some(403), "ForbiddenException", "Forbidden", fb("ForbiddenException: Forbidden")),
            (Some(403), "AccessDeniedException", "no", fb("AccessDeniedException: no")),
            (Some(403), "BrandNewDenialException", "", fb("BrandNewDenialException")),
            (Some(403), "", "", fb("HTTP 403")),
            (Some(403), "LimitExceededException", "", fb("LimitExceededException")),
            (Some(401), "", "", fb("HTTP 401")),
            (Some(413), "PayloadTooLargeException", "", PayloadTooLarge),
            (Some(413), "", "Request entity too large", PayloadTooLarge),
            (Some(413), "OddException", "", PayloadTooLarge),
            (Some(400), "BadRequestException", "bad", Other("HTTP 400: BadRequestException: bad".into())),
            (Some(400), "ThrottlingException", "slow down", thr("slow down")),
            (Some(404), "", "", Other("HTTP 404".into())),
            (Some(404), "", "No route", Other("HTTP 404: No route".into())),
            (None, "", "", tr("unrecognised response: ")),
            (None, "GoneException", "", Gone),
            (None, "InternalServerErrorException", "", tr("InternalServerErrorException")),
            (None, "LimitExceededException", "x", thr("x")),
            (None, "WhatException", "y", Other("WhatException: y".into())),
        ];
        for (status, ty, msg, want) in cases {
            assert_eq!(&classify_answer(*status, ty, msg), want, "{status:?} {ty:?} {msg:?}");
        }
        // What the engine does with each: retried or not.
        assert!(classify_answer(Some(500), "InternalServerErrorException", "").is_retryable());
        assert!(classify_answer(Some(429), "Unknown", "").is_retryable());
        assert!(!classify_answer(Some(413), "", "").is_retryable());
        assert!(!classify_answer(Some(403), "Unknown", "").is_retryable());
    }

    /// The SDK path (the chat handler, broadcast behind a proxy) sorts by the raw status too.
    #[test]
    fn sdk_errors_sort_by_status() {
        use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let service = |status: u16, code: &str| {
            let raw = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(""));
            let meta = ErrorMetadata::builder().code(code).message("m").build();
            classify(SdkError::service_error(PostToConnectionError::generic(meta), raw))
        };
        assert_eq!(service(500, "InternalServerErrorException"), tr("InternalServerErrorException: m"));
        assert_eq!(service(429, "Unheard"), thr("Unheard: m"));
        assert_eq!(service(403, "Unheard"), fb("Unheard: m"));
        assert_eq!(service(410, "GoneException"), ConnError::Gone);
        let raw = HttpResponse::new(StatusCode::try_from(503).unwrap(), SdkBody::from("<html>"));
        let unparsed: SdkError<PostToConnectionError, HttpResponse> = SdkError::response_error("not JSON", raw);
        assert!(matches!(classify(unparsed), ConnError::Transient(_)));
    }
}
