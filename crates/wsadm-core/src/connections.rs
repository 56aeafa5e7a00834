//! The @connections API (PostToConnection, GetConnection, DeleteConnection) with its errors
//! sorted the way callers must treat them: 410 gone, 403 forbidden, 429 throttled, 413 too large.

use crate::Error;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_apigatewaymanagement::Client;
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
    /// 5xx, timeouts, network: worth a retry.
    #[error("transient error: {0}")]
    Transient(String),
    /// Anything else (a 4xx that retrying will not fix).
    #[error("{0}")]
    Other(String),
}

impl ConnError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, ConnError::Throttled(_) | ConnError::Transient(_))
    }
}

/// Sorts an AWS error code (and its message) the way callers must treat it.
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
        "InternalServerError" | "InternalFailure" | "ServiceUnavailable" | "ServiceUnavailableException" => {
            ConnError::Transient(code.to_string())
        }
        "" => ConnError::Transient(format!("unrecognised response: {msg}")),
        _ => ConnError::Other(format!("{code}: {msg}")),
    }
}

fn classify<E, R>(err: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> ConnError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    match err {
        SdkError::ServiceError(se) => classify_code(se.err().code().unwrap_or(""), se.err().message().unwrap_or("")),
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
