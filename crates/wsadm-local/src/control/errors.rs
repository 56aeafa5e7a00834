//! Control-plane errors, rendered as AWS renders them: `x-amzn-ErrorType` plus `{"message"}`.

use hyper::StatusCode;

/// A control-plane error; the variant picks the status and the error type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
}

impl ApiError {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
        }
    }

    pub(super) fn error_type(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "BadRequestException",
            ApiError::NotFound(_) => "NotFoundException",
            ApiError::Conflict(_) => "ConflictException",
        }
    }
}

pub(super) type Result<T> = std::result::Result<T, ApiError>;

pub(super) fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::BadRequest(msg.into())
}

pub(super) fn not_found(msg: impl Into<String>) -> ApiError {
    ApiError::NotFound(msg.into())
}

pub(super) fn conflict(msg: impl Into<String>) -> ApiError {
    ApiError::Conflict(msg.into())
}

pub(super) fn route_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Route identifier specified {id}"))
}

pub(super) fn route_response_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid RouteResponse identifier specified {id}"))
}

pub(super) fn integration_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Integration identifier specified {id}"))
}

pub(super) fn authorizer_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Authorizer identifier specified {id}"))
}

pub(super) fn stage_not_found(name: &str) -> ApiError {
    not_found(format!("Invalid stage identifier specified {name}"))
}

pub(super) fn deployment_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Deployment identifier specified {id}"))
}

pub(super) fn resource_not_found(arn: &str) -> ApiError {
    not_found(format!("Resource not found: {arn}"))
}

/// True when `r` is a 400 (what most validation tests expect).
#[cfg(test)]
pub(super) fn is_bad<T: std::fmt::Debug>(r: Result<T>) -> bool {
    matches!(r, Err(ApiError::BadRequest(_)))
}
