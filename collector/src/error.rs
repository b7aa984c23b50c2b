//! The collector's HTTP error: a status and `{"error": message, "field": path or null}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::telemetry::InternalErrorCause;

/// An error answer: `{"error": message, "field": path or null}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
    /// What went wrong inside, for the log only (see [`ApiError::internal`]).
    cause: Option<String>,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>, field: Option<&str>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: field.map(str::to_owned),
            cause: None,
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.message, "field": self.field });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(InternalErrorCause(cause));
        }
        response
    }
}
