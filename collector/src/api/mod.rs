//! The widget's two public endpoints, `POST /v1/responses` and `GET /v1/eligibility`, and the
//! team's answers and follow-up ([`answers`]), hooks ([`hooks`]) and survey links ([`links`]), and unsubscribing from survey emails
//! ([`unsubscribe`]).

use axum::body::Bytes;
use serde_json::{Map, Value};

use crate::error::ApiError;

pub mod answer_filters;
pub mod answers;
pub mod eligibility;
pub mod hooks;
pub mod links;
pub mod report;
pub mod responses;
pub mod unsubscribe;

/// The JSON object of a request's body (an empty body is an empty object); a `400` naming
/// `body` otherwise.
pub(crate) fn json_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ApiError::bad_request(
            "the body must be a JSON object",
            "body",
        )),
        Err(error) => Err(ApiError::bad_request(
            format!("the body is not valid JSON: {error}"),
            "body",
        )),
    }
}
