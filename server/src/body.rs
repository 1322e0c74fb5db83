//! Request bodies: JSON read under the body limit, with errors in the API's own format.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

/// A JSON request body. Too large → 413, not JSON → 400 naming line and column.
pub struct JsonBody(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let status = r.status();
            let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "PayloadTooLarge" } else { "InvalidBody" };
            ApiError::new(status, code, r.body_text())
        })?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request("the request body is empty; expected JSON"));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "InvalidBody", format!("malformed JSON: {e}")))
    }
}
