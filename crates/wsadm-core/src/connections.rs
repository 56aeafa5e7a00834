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
        // Sent (or maybe sent) and no answer: the message may have been delivered, so it is
        // not re-sent; the same rule as the direct sender's (`poster`).
        SdkError::TimeoutError(_) => ConnError::MaybeDelivered(detail(&err)),
        SdkError::DispatchFailure(ref d) if !d.as_connector_error().is_some_and(never_sent) => {
            ConnError::MaybeDelivered(detail(&err))
        }
        other => ConnError::Transient(detail(&other)),
    }
}

fn detail(err: &(dyn std::error::Error + 'static)) -> String {
    aws_smithy_types::error::display::DisplayErrorContext(err).to_string()
}

/// Whether a dispatch failure happened before any of the request was written: no connection
/// (refused, DNS, connect timeout, TLS handshake), or hyper dropped it unsent. Whatever the
/// SDK's kind (`io`, `timeout`, `other`), anything else may have reached the server.
fn never_sent(e: &aws_smithy_runtime_api::client::result::ConnectorError) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<hyper_util::client::legacy::Error>().is_some_and(|h| h.is_connect())
            || s.downcast_ref::<hyper::Error>().is_some_and(|h| h.is_canceled())
            || s.is::<aws_smithy_runtime_api::client::dns::ResolveDnsError>()
        {
            return true;
        }
        source = s.source();
    }
    false
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
    let o = client.get_connection().connection_id(connection_id).send().await.map_err(|e| not_a_post(classify(e)))?;
    Ok(ConnectionInfo {
        connected_at: o.connected_at().and_then(|t| t.fmt(Format::DateTime).ok()),
        last_active_at: o.last_active_at().and_then(|t| t.fmt(Format::DateTime).ok()),
        source_ip: o.identity().and_then(|i| i.source_ip()).map(str::to_string),
        user_agent: o.identity().and_then(|i| i.user_agent()).map(str::to_string),
    })
}

/// Closes one connection. A 410 means it was already closed.
pub async fn delete(client: &Client, connection_id: &str) -> Result<(), ConnError> {
    client
        .delete_connection()
        .connection_id(connection_id)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| not_a_post(classify(e)))
}

/// Only a post carries a message: a get or delete with no answer is a plain failure, and
/// safe to try again.
fn not_a_post(e: ConnError) -> ConnError {
    match e {
        ConnError::MaybeDelivered(d) => ConnError::Transient(d),
        other => other,
    }
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

    type PostError =
        SdkError<aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError, HttpResponse>;

    /// A real connect failure from hyper's client (nothing listens on the port).
    async fn refused() -> hyper_util::client::legacy::Error {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http::<http_body_util::Empty<bytes::Bytes>>();
        let e = client.get(format!("http://127.0.0.1:{port}/").parse().unwrap()).await.unwrap_err();
        assert!(e.is_connect(), "{e:?}");
        e
    }

    /// A timeout or a failure after connecting may have delivered the message: never retried,
    /// reported maybe delivered. Only a failure to connect (or resolve) is safe to retry.
    #[test]
    fn only_a_post_may_have_delivered_something() {
        assert!(matches!(not_a_post(ConnError::MaybeDelivered("reset".into())), ConnError::Transient(_)));
        assert!(matches!(not_a_post(ConnError::Gone), ConnError::Gone));
    }

    #[tokio::test]
    async fn sdk_failures_after_sending_are_maybe_delivered() {
        use aws_smithy_runtime_api::client::dns::ResolveDnsError;
        use aws_smithy_runtime_api::client::result::ConnectorError;
        use aws_smithy_types::retry::ErrorKind;
        let maybe = |e: PostError| {
            let c = classify(e);
            assert!(matches!(c, ConnError::MaybeDelivered(_)), "{c:?}");
            assert!(!c.is_retryable());
        };
        let retried = |e: PostError| {
            let c = classify(e);
            assert!(matches!(c, ConnError::Transient(_)), "{c:?}");
            assert!(c.is_retryable());
        };
        maybe(SdkError::timeout_error("operation attempt timeout"));
        maybe(SdkError::dispatch_failure(ConnectorError::io("connection reset by peer".into())));
        maybe(SdkError::dispatch_failure(ConnectorError::io(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )))));
        maybe(SdkError::dispatch_failure(ConnectorError::timeout("HTTP read timeout".into())));
        maybe(SdkError::dispatch_failure(ConnectorError::user("dispatch gone".into())));
        maybe(SdkError::dispatch_failure(ConnectorError::other("incomplete message".into(), None)));
        maybe(SdkError::dispatch_failure(ConnectorError::other(
            "incomplete message".into(),
            Some(ErrorKind::TransientError),
        )));
        // Never connected: nothing was sent.
        retried(SdkError::dispatch_failure(ConnectorError::io(Box::new(refused().await))));
        retried(SdkError::dispatch_failure(ConnectorError::timeout(Box::new(refused().await))));
        retried(SdkError::dispatch_failure(ConnectorError::io(Box::new(ResolveDnsError::new("no such host")))));
        retried(SdkError::construction_failure("no credentials"));
    }

    fn sdk_client(port: u16, timeout: std::time::Duration) -> Client {
        use aws_sdk_apigatewaymanagement::config::{BehaviorVersion, Credentials, Region};
        let conf = aws_sdk_apigatewaymanagement::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "S", None, None, "t"))
            .endpoint_url(format!("http://127.0.0.1:{port}/prod"))
            .retry_config(aws_smithy_types::retry::RetryConfig::disabled())
            .timeout_config(
                aws_smithy_types::timeout::TimeoutConfig::builder().operation_attempt_timeout(timeout).build(),
            )
            .build();
        Client::from_conf(conf)
    }

    /// Through the SDK's own HTTP client: a server that reads the request and then closes, or
    /// never answers, gets it once and the target is maybe delivered; a refused connection is
    /// retryable.
    #[tokio::test]
    async fn the_sdk_sender_never_resends_what_may_have_arrived() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        use tokio::io::AsyncReadExt;
        for answer_never in [false, true] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let requests = Arc::new(AtomicUsize::new(0));
            let counted = requests.clone();
            tokio::spawn(async move {
                loop {
                    let (mut sock, _) = listener.accept().await.unwrap();
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    // The body is 2 bytes after the head.
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    counted.fetch_add(1, Ordering::SeqCst);
                    if answer_never {
                        tokio::spawn(async move {
                            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                            drop(sock);
                        });
                    }
                }
            });
            let client = sdk_client(port, std::time::Duration::from_millis(300));
            let r = post(&client, "a=", b"{}").await;
            assert!(matches!(r, Err(ConnError::MaybeDelivered(_))), "answer_never={answer_never}: {r:?}");
            assert_eq!(requests.load(Ordering::SeqCst), 1, "sent once");
        }
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let r = post(&sdk_client(port, std::time::Duration::from_secs(5)), "a=", b"{}").await;
        assert!(matches!(r, Err(ConnError::Transient(_))), "{r:?}");
    }
}
