//! `POST /v1/responses`: validates a body, checks the user's identity when the collector has an
//! identity secret, applies the lifecycle rules and answers `202` once the result is on disk.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use nps_widget::core::limits::MAX_BODY_BYTES;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::Applied;
use crate::{identity, validate};

/// Stores one body of an answer: `202` when stored or acknowledged, `409` when it conflicts
/// with the stored answer (another key, user, kind or survey), `401` when identity
/// verification is on and `user.hash` is missing or wrong.
pub async fn post_response(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if !is_json(&headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
            Some("Content-Type"),
        ));
    }
    let bytes = read_body(&headers, body).await?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|error| {
        ApiError::bad_request(format!("the body is not valid JSON: {error}"), "body")
    })?;
    let answer = validate::answer(&value)
        .map_err(|invalid| ApiError::bad_request(invalid.message, &invalid.field))?;
    if let Some(secret) = &state.settings().identity_secret {
        verify_user(secret, &answer)?;
    }

    let received_at = state.now();
    match state
        .store()
        .submit(answer, received_at)
        .await
        .map_err(ApiError::from)?
    {
        Applied::Stored => Ok(accepted(false)),
        Applied::Ignored => Ok(accepted(true)),
        Applied::Conflict(field) => Err(ApiError::new(
            StatusCode::CONFLICT,
            conflict_message(field),
            Some(field),
        )),
    }
}

/// With identity verification, a body that names a user needs the user's hash; a user
/// without an id (an email or properties alone) cannot be verified and is refused too.
/// Anonymous bodies (no `user`) pass.
fn verify_user(secret: &str, answer: &validate::Answer) -> Result<(), ApiError> {
    let user = &answer.user;
    match &user.id {
        Some(id) if identity::is_valid(secret, id, answer.user_hash.as_deref()) => Ok(()),
        // A link's answer, signed for the user of that answer alone by the hosted page.
        Some(id)
            if identity::is_valid_for_answer(
                secret,
                &answer.id,
                id,
                answer.user_hash.as_deref(),
            ) =>
        {
            Ok(())
        }
        Some(_) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "user.hash must be the HMAC-SHA256 of user.id with the identity secret",
            Some("user.hash"),
        )),
        None if user.label.is_some() || user.properties.is_some() || user.created_at.is_some() => {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "with identity verification, a user needs an id and its hash",
                Some("user.id"),
            ))
        }
        None => Ok(()),
    }
}

fn accepted(ignored: bool) -> Response {
    let body = if ignored {
        json!({ "ok": true, "ignored": true })
    } else {
        json!({ "ok": true })
    };
    (StatusCode::ACCEPTED, Json(body)).into_response()
}

fn conflict_message(field: &str) -> String {
    match field {
        "key" => "this answer was stored with another key; nothing was changed".to_owned(),
        _ => format!("{field} of a stored answer never changes; nothing was changed"),
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        let message = format!("the body must be at most {MAX_BODY_BYTES} bytes");
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, message, Some("body"))
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(error) if error.is::<LengthLimitError>() => Err(too_large()),
        Err(_) => Err(ApiError::bad_request("the body could not be read", "body")),
    }
}
