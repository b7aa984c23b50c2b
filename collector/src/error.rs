//! The collector's HTTP error: a status and `{"error": message, "field": path or null}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::storage::StorageError;
use crate::telemetry::InternalErrorCause;

/// An error answer: `{"error": message, "field": path or null}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
    /// What went wrong inside, for the log only (see [`ApiError::internal`]).
    cause: Option<String>,
    /// Seconds for a `Retry-After` header, if any.
    retry_after: Option<u32>,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>, field: Option<&str>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: field.map(str::to_owned),
            cause: None,
            retry_after: None,
        }
    }

    /// A `400` naming the offending field or parameter.
    pub fn bad_request(message: impl Into<String>, field: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message, Some(field))
    }

    /// The field or parameter it names, if any.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What it says went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A `500` that reveals nothing of its cause to the client; the cause rides in the
    /// response's extensions to the request log (see [`InternalErrorCause`]), which writes it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            cause: Some(cause.to_string()),
            ..ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error, try again later",
                None,
            )
        }
    }
}

/// How long a client is asked to wait before trying again when the database cannot be reached.
const RETRY_AFTER_SECONDS: u32 = 5;

impl From<StorageError> for ApiError {
    /// A `503` with `Retry-After` when the database cannot be reached (the request may be sent
    /// again as it is: the widget's outbox does), else a `500`; neither reveals the cause.
    fn from(error: StorageError) -> Self {
        if error.is_unavailable() {
            ApiError {
                retry_after: Some(RETRY_AFTER_SECONDS),
                cause: Some(error.to_string()),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the collector's database is unavailable, try again later",
                    None,
                )
            }
        } else {
            ApiError::internal(error)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.message, "field": self.field });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(InternalErrorCause(cause));
        }
        response
    }
}
