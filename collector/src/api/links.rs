//! `POST /v1/links` (admin): a signed link to the hosted survey page for one user, for email
//! and other channels the in-app widget cannot reach: `{ "survey", "userId", "email",
//! "language", "days" }` → `{ "url" }`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::HOST;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use nps_widget::core::kind::Kind;

use crate::error::ApiError;
use crate::links::{self, LinkRequest, DEFAULT_DAYS};
use crate::state::AppState;

/// The routes of this module, to be merged into the collector's router.
pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/links", post(create))
}

/// A string field of `body`, if present; an error naming it when it is not a string.
fn text(body: &Map<String, Value>, field: &'static str) -> Result<Option<String>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ApiError::bad_request(
            format!("{field} must be a string"),
            field,
        )),
    }
}

/// The collector's address as people reach it: `--public-url`, else the request's own.
fn base(state: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    if let Some(url) = &state.settings().public_url {
        return Ok(url.clone());
    }
    let host = headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| !host.is_empty() && host.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| ApiError::bad_request("no Host header and no --public-url", "Host"))?;
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"));
    Ok(format!("{}://{host}", if https { "https" } else { "http" }))
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = super::json_object(&body)?;
    for key in body.keys() {
        if !["survey", "userId", "email", "language", "days", "kind"].contains(&key.as_str()) {
            return Err(ApiError::bad_request(
                format!("unknown field {key:?}: survey, userId, email, language, days or kind"),
                key,
            ));
        }
    }
    let days = match body.get("days") {
        None | Some(Value::Null) => DEFAULT_DAYS,
        Some(value) => value
            .as_u64()
            .and_then(|days| u32::try_from(days).ok())
            .ok_or_else(|| ApiError::bad_request("days must be a whole number", "days"))?,
    };
    let request = LinkRequest {
        survey: text(&body, "survey")?
            .ok_or_else(|| ApiError::bad_request("survey is required", "survey"))?,
        user_id: text(&body, "userId")?
            .ok_or_else(|| ApiError::bad_request("userId is required", "userId"))?,
        email: text(&body, "email")?,
        language: text(&body, "language")?,
        days,
        kind: match text(&body, "kind")? {
            None => None,
            Some(kind) => Some(Kind::from_name(&kind).ok_or_else(|| {
                ApiError::bad_request("kind must be \"nps\", \"csat\" or \"ces\"", "kind")
            })?),
        },
    };
    request
        .check()
        .map_err(|(field, message)| ApiError::bad_request(message, field))?;
    let url = links::make(
        state.store(),
        &base(&state, &headers)?,
        &request,
        state.now(),
    )
    .await
    .map_err(ApiError::from)?;
    Ok(Json(json!({ "url": url })))
}
