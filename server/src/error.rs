//! One error type for every handler, answered as an OGC API exception document.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use onemap_store::StoreError;

/// An HTTP error: the status, a machine code, a message for people, and the offending field.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        ApiError { status, code, description: description.into(), field: None }
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidParameterValue", description)
    }

    /// A bad query parameter, named in the message and in `field`.
    pub fn bad_param(name: &str, description: impl std::fmt::Display) -> Self {
        ApiError { field: Some(name.to_owned()), ..Self::bad_request(format!("{name}: {description}")) }
    }

    /// The same error with another status.
    #[must_use]
    pub fn into_status(self, status: StatusCode) -> Self {
        ApiError { status, ..self }
    }

    /// The caller's role or scope does not allow this.
    pub fn forbidden(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", description)
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", description)
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "ServerError", "internal server error; see the server log")
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let (status, code) = match &e {
            StoreError::NotFound { .. } | StoreError::UnknownLayer { .. } => (StatusCode::NOT_FOUND, "NotFound"),
            StoreError::Duplicate { .. } => (StatusCode::CONFLICT, "Conflict"),
            StoreError::VersionConflict { .. } => (StatusCode::PRECONDITION_FAILED, "PreconditionFailed"),
            StoreError::OutOfScope { .. } => (StatusCode::FORBIDDEN, "Forbidden"),
            StoreError::Invalid(_) => (StatusCode::BAD_REQUEST, "InvalidValue"),
            StoreError::UnknownProperty { .. } => (StatusCode::BAD_REQUEST, "InvalidParameterValue"),
            StoreError::Database { .. } | StoreError::Open { .. } | StoreError::Corrupt(_) => {
                return ApiError::internal(&e);
            }
        };
        let field = match &e {
            StoreError::Invalid(v) => Some(v.field.clone()),
            StoreError::UnknownProperty { name, .. } => Some(name.clone()),
            _ => None,
        };
        ApiError { status, code, description: e.to_string(), field }
    }
}

impl From<onemap_model::ValidationError> for ApiError {
    fn from(e: onemap_model::ValidationError) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidValue",
            description: e.to_string(),
            field: Some(e.field),
        }
    }
}

/// The OGC API exception document every error is answered with.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Exception {
    /// A machine-readable code (`NotFound`, `InvalidParameterValue`, `PreconditionFailed` …).
    pub code: &'static str,
    /// What went wrong, for people.
    pub description: String,
    /// The offending field or parameter (`properties.capacity`, `bbox`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Exception { code: self.code, description: self.description, field: self.field };
        (self.status, Json(body)).into_response()
    }
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;
