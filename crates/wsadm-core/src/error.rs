//! The one error type, its exit-code kind and the hint shown to the operator.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;
use std::error::Error as StdError;

pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What went wrong, as far as the exit code is concerned. The codes are documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// 1: an AWS call or the network failed.
    Failure,
    /// 2: the command line or configuration is wrong (bad argument, no region, unknown API/stage).
    Usage,
    /// 3: the work was only partly done (findings, partial delivery).
    Partial,
    /// 4: credentials missing, rejected or not allowed to do this.
    Auth,
    /// 5: the connection asked about is gone.
    Gone,
    /// 6: the work ran to the end but could not look at everything: an audit check could not
    /// read its setting (access denied, say), and nothing at or above --fail-on was found.
    Incomplete,
    /// 130: interrupted (Ctrl-C).
    Interrupted,
}

impl ErrorKind {
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Failure => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Partial => 3,
            ErrorKind::Auth => 4,
            ErrorKind::Gone => 5,
            ErrorKind::Incomplete => 6,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// An API as shown in error messages (candidates of an ambiguous name).
#[derive(Debug, Clone, Serialize)]
pub struct ApiRef {
    pub id: String,
    pub name: String,
    pub endpoint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no AWS region is configured")]
    NoRegion { profile: Option<String> },
    #[error("no AWS credentials could be loaded")]
    NoCredentials {
        #[source]
        source: BoxError,
    },
    #[error("{operation}: AWS rejected the credentials ({code}): {message}")]
    BadCredentials { operation: &'static str, code: String, message: String },
    #[error("{operation}: access denied: {message}")]
    AccessDenied { operation: &'static str, message: String },
    #[error("{operation}: cannot reach the endpoint")]
    Unreachable {
        operation: &'static str,
        #[source]
        source: BoxError,
    },
    #[error("{operation}: timed out")]
    Timeout {
        operation: &'static str,
        #[source]
        source: BoxError,
    },
    #[error("{operation}: {code}: {message}")]
    Service { operation: &'static str, code: String, message: String, status: Option<u16> },
    #[error("{operation}: the endpoint answered something that is not an AWS response")]
    BadResponse {
        operation: &'static str,
        status: Option<u16>,
        #[source]
        source: BoxError,
    },
    #[error("no WebSocket API matches `{query}`")]
    ApiNotFound { query: String, available: Vec<String> },
    #[error("`{name}` names {} WebSocket APIs", candidates.len())]
    AmbiguousApi { name: String, candidates: Vec<ApiRef> },
    #[error("API {id} ({name}) is a {protocol} API, not a WebSocket API")]
    NotWebSocket { id: String, name: String, protocol: String },
    #[error("no API given")]
    MissingApi,
    #[error("API {api} has no stage `{stage}`")]
    StageNotFound { api: String, stage: String, available: Vec<String> },
    #[error("no stage given and API {api} has {}", if available.is_empty() { "no stages".to_string() } else { format!("several: {}", available.join(", ")) })]
    MissingStage { api: String, available: Vec<String> },
    #[error("refusing to use the non-loopback endpoint {0} (WSADM_LOOPBACK_ONLY is set)")]
    NotLoopback(String),
    #[error("{message}")]
    Invalid { message: String, hint: Option<String> },
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// Anything else, with the exit-code kind given by the caller (a WebSocket upgrade
    /// refused with 401 is `Auth`, for example).
    #[error("{message}")]
    Other { kind: ErrorKind, message: String, hint: Option<String> },
}

impl Error {
    pub fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Invalid { message: message.into(), hint: Some(hint.into()) }
    }

    /// An error with an explicit exit-code kind and a hint.
    pub fn other(kind: ErrorKind, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Other { kind, message: message.into(), hint: Some(hint.into()) }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Other { kind, .. } => *kind,
            Error::NoCredentials { .. } | Error::BadCredentials { .. } | Error::AccessDenied { .. } => ErrorKind::Auth,
            Error::NoRegion { .. }
            | Error::ApiNotFound { .. }
            | Error::AmbiguousApi { .. }
            | Error::NotWebSocket { .. }
            | Error::MissingApi
            | Error::StageNotFound { .. }
            | Error::MissingStage { .. }
            | Error::NotLoopback(_)
            | Error::Invalid { .. } => ErrorKind::Usage,
            Error::Unreachable { .. }
            | Error::Timeout { .. }
            | Error::Service { .. }
            | Error::BadResponse { .. }
            | Error::Io { .. } => ErrorKind::Failure,
        }
    }

    /// What the operator can do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::NoRegion { profile } => match profile {
                Some(p) => format!("pass --region, set AWS_REGION, or set `region` in profile `{p}` of ~/.aws/config"),
                None => "pass --region, set AWS_REGION, or set `region` in ~/.aws/config".into(),
            },
            Error::NoCredentials { .. } => "log in (`aws sso login --profile NAME`), pick a profile with --profile/AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
            Error::BadCredentials { .. } => "the key or session token is wrong or expired: refresh it (`aws sso login`) or pick another --profile".into(),
            Error::AccessDenied { .. } => "the identity lacks an IAM permission for this call: check `aws sts get-caller-identity` and its policies".into(),
            Error::Unreachable { source, .. } if crate::tls::is_certificate_error(&format!("{source:?}")) => {
                crate::tls::UNTRUSTED_HINT.into()
            }
            Error::Unreachable { .. } => "check --endpoint-url / AWS_ENDPOINT_URL and --region, and that the endpoint is up (for the local stack: `wsadm local`)".into(),
            Error::Timeout { .. } => "the endpoint did not answer in time: check the network, or raise --connect-timeout/--read-timeout".into(),
            Error::Service { .. } => return None,
            Error::BadResponse { .. } => "is --endpoint-url an AWS API endpoint? the local stack may not implement this call".into(),
            Error::ApiNotFound { available, .. } => {
                if available.is_empty() {
                    "there are no WebSocket APIs in this account and region: check --region/--profile, or create one with `wsadm provision`".into()
                } else {
                    format!("WebSocket APIs here: {} (see `wsadm apis ls`)", available.join(", "))
                }
            }
            Error::AmbiguousApi { candidates, .. } => {
                let list: Vec<String> = candidates.iter().map(|c| format!("{} ({})", c.id, c.endpoint)).collect();
                format!("pass the API id instead: {}", list.join(", "))
            }
            Error::NotWebSocket { .. } => "wsadm works with WebSocket APIs only; see `wsadm apis ls`".into(),
            Error::MissingApi => "pass --api NAME|ID or set WSADM_API (see `wsadm apis ls`)".into(),
            Error::StageNotFound { available, .. } | Error::MissingStage { available, .. } => {
                if available.is_empty() {
                    "the API has no stages yet: create and deploy one (`wsadm provision`)".into()
                } else {
                    format!("pass --stage (or WSADM_STAGE) with one of: {}", available.join(", "))
                }
            }
            Error::NotLoopback(_) => "point --endpoint-url/AWS_ENDPOINT_URL at the local stack, or unset WSADM_LOOPBACK_ONLY to use AWS".into(),
            Error::Invalid { hint, .. } => return hint.clone(),
            Error::Io { .. } => return None,
            Error::Other { hint, .. } => return hint.clone(),
        })
    }
}

/// Error codes that mean the credentials themselves were refused.
const BAD_CREDENTIAL_CODES: &[&str] = &[
    "Unauthorized",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "IncompleteSignature",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
];

const ACCESS_DENIED_CODES: &[&str] =
    &["AccessDenied", "AccessDeniedException", "ForbiddenException", "UnauthorizedOperation", "AuthorizationError"];

fn has_credentials_error(err: &(dyn StdError + 'static)) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if e.downcast_ref::<aws_credential_types::provider::error::CredentialsError>().is_some() {
            return true;
        }
        cur = e.source();
    }
    false
}

/// Turns an SDK error into the one error type, classified for exit code and hint.
pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    if has_credentials_error(&err) {
        return Error::NoCredentials { source: Box::new(err) };
    }
    let status = err.raw_response().map(|r| r.status().as_u16());
    match err {
        SdkError::ServiceError(ref se) => {
            let mut code = se.err().code().unwrap_or("").to_string();
            let mut message = se.err().message().unwrap_or("").to_string();
            if code.is_empty() {
                // Some endpoints answer a JSON API in XML (moto's auth errors): read the code from the body.
                let body = se.raw().body().bytes().map(String::from_utf8_lossy).unwrap_or_default();
                code = xml_tag(&body, "Code").unwrap_or_default();
                message = xml_tag(&body, "Message").unwrap_or(message);
            }
            if code.is_empty() && matches!(status, Some(401 | 403)) {
                code = if status == Some(401) { "Unauthorized" } else { "AccessDenied" }.to_string();
                if message.is_empty() {
                    message = format!("HTTP {}", status.unwrap_or_default());
                }
            }
            if BAD_CREDENTIAL_CODES.contains(&code.as_str()) {
                Error::BadCredentials { operation, code, message }
            } else if ACCESS_DENIED_CODES.contains(&code.as_str()) {
                Error::AccessDenied { operation, message }
            } else if code.is_empty() {
                Error::BadResponse { operation, status, source: Box::new(err) }
            } else {
                Error::Service { operation, code, message, status }
            }
        }
        SdkError::TimeoutError(_) => Error::Timeout { operation, source: Box::new(err) },
        SdkError::DispatchFailure(ref d) if d.is_timeout() => Error::Timeout { operation, source: Box::new(err) },
        SdkError::DispatchFailure(_) => Error::Unreachable { operation, source: Box::new(err) },
        SdkError::ResponseError(_) => Error::BadResponse { operation, status, source: Box::new(err) },
        _ => Error::BadResponse { operation, status, source: Box::new(err) },
    }
}

fn xml_tag(body: &str, tag: &str) -> Option<String> {
    let start = body.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].trim().to_string())
}

/// `.ctx("GetApis")?` on any SDK call.
pub trait AwsResultExt<T> {
    fn ctx(self, operation: &'static str) -> Result<T, Error>;
}

impl<T, E> AwsResultExt<T> for Result<T, SdkError<E, HttpResponse>>
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    fn ctx(self, operation: &'static str) -> Result<T, Error> {
        self.map_err(|e| from_sdk(operation, e))
    }
}

/// The code of a service error, if it is one (for callers that treat some codes as expected).
pub fn service_code(err: &Error) -> Option<&str> {
    match err {
        Error::Service { code, .. } => Some(code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service_error(status: u16, code: &str) -> Error {
        use aws_sdk_apigatewayv2::operation::get_apis::GetApisError;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let raw = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(""));
        let meta = ErrorMetadata::builder().code(code).message("nope").build();
        from_sdk("GetApis", SdkError::service_error(GetApisError::generic(meta), raw))
    }

    #[test]
    fn classifies_service_errors() {
        assert!(matches!(service_error(403, "AccessDeniedException"), Error::AccessDenied { .. }));
        assert!(matches!(service_error(403, "UnrecognizedClientException"), Error::BadCredentials { .. }));
        assert!(matches!(service_error(403, ""), Error::AccessDenied { .. }));
        assert!(matches!(service_error(401, ""), Error::BadCredentials { .. }));
        assert!(matches!(service_error(404, "NotFoundException"), Error::Service { .. }));
        assert!(matches!(service_error(500, ""), Error::BadResponse { .. }));
        assert_eq!(service_error(403, "AccessDeniedException").kind(), ErrorKind::Auth);
    }

    #[test]
    fn reads_codes_from_xml_bodies() {
        let body = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>";
        assert_eq!(xml_tag(body, "Code").as_deref(), Some("AccessDenied"));
        assert_eq!(xml_tag(body, "Message").as_deref(), Some("no"));
        assert_eq!(xml_tag("<html>", "Code"), None);
    }

    #[test]
    fn exit_codes_are_fixed() {
        assert_eq!(ErrorKind::Failure.exit_code(), 1);
        assert_eq!(ErrorKind::Usage.exit_code(), 2);
        assert_eq!(ErrorKind::Partial.exit_code(), 3);
        assert_eq!(ErrorKind::Auth.exit_code(), 4);
        assert_eq!(ErrorKind::Gone.exit_code(), 5);
        assert_eq!(ErrorKind::Incomplete.exit_code(), 6);
        assert_eq!(ErrorKind::Interrupted.exit_code(), 130);
    }

    #[test]
    fn every_usage_error_has_a_hint() {
        let errs = [
            Error::NoRegion { profile: None },
            Error::MissingApi,
            Error::ApiNotFound { query: "x".into(), available: vec![] },
            Error::StageNotFound { api: "a".into(), stage: "s".into(), available: vec!["prod".into()] },
            Error::AmbiguousApi {
                name: "chat".into(),
                candidates: vec![ApiRef { id: "a1".into(), name: "chat".into(), endpoint: "wss://x".into() }],
            },
        ];
        for e in errs {
            assert_eq!(e.kind(), ErrorKind::Usage);
            assert!(e.hint().is_some(), "{e}");
        }
    }
}
