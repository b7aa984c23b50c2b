//! The hooks, for the team: `POST /v1/hooks`, `GET /v1/hooks`, `GET`, `PATCH` and `DELETE
//! /v1/hooks/{id}`, `POST /v1/hooks/{id}/rotate-secret`, `POST /v1/hooks/{id}/test`, `GET
//! /v1/hooks/{id}/deliveries` and `POST /v1/hooks/{id}/deliveries/{deliveryId}/retry`. A
//! hook's secret is shown when it is made (on creation and rotation), never after. A hook
//! listens to at least one event or sends a daily `digest` (or both).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use nps_widget::core::answer::uuid_v4;
use nps_widget::core::time::format_timestamp;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::hooks::address;
use crate::hooks::digest::{self, DigestSchedule};
use crate::hooks::sample::test_answer;
use crate::hooks::webhook::new_secret;
use crate::hooks::{Event, Format, HookFilter};
use crate::state::AppState;
use crate::storage::hooks::{Delivery, Hook, HookChange, NewHook};

/// Most hooks a collector keeps.
pub const MAX_HOOKS: usize = 50;
/// Most characters of a hook's name.
pub const MAX_NAME_CHARS: usize = 100;
/// Deliveries listed without `limit`.
pub const DEFAULT_DELIVERIES: usize = 50;
/// Most deliveries listed.
pub const MAX_DELIVERIES: usize = 500;
/// Time a hook's host has to resolve when it is checked at creation.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// The routes of this module, to be merged into the collector's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/hooks", post(create).get(list))
        .route("/v1/hooks/{id}", get(show).patch(update).delete(remove))
        .route("/v1/hooks/{id}/rotate-secret", post(rotate_secret))
        .route("/v1/hooks/{id}/test", post(test))
        .route("/v1/hooks/{id}/deliveries", get(deliveries))
        .route("/v1/hooks/{id}/deliveries/{delivery_id}/retry", post(retry))
}

/// A hook as the API shows it, without its secret.
pub fn hook_json(hook: &Hook) -> Value {
    json!({
        "id": hook.id,
        "name": hook.name,
        "url": hook.url,
        "format": hook.format.name(),
        "events": hook.events.iter().map(|e| e.name()).collect::<Vec<_>>(),
        "filter": hook.filter.to_json(),
        "digest": hook.digest.as_ref().map(DigestSchedule::to_json),
        "paused": hook.paused,
        // While its receiver fails: when the hook's deliveries are next tried.
        "heldUntil": hook.hold_until.map(format_timestamp),
        "createdAt": hook.created_at,
    })
}

/// A hook with its secret, as shown once when the secret is made.
fn hook_with_secret(hook: &Hook) -> Value {
    let mut value = hook_json(hook);
    value["secret"] = json!(hook.secret);
    value
}

/// A delivery as the API shows it.
pub fn delivery_json(delivery: &Delivery) -> Value {
    json!({
        "id": delivery.id,
        "hookId": delivery.hook_id,
        "event": delivery.event,
        "answerId": delivery.answer_id,
        "webhookId": delivery.webhook_id,
        "status": delivery.status.name(),
        "attempts": delivery.attempts,
        "lastStatus": delivery.last_status,
        "lastLatencyMs": delivery.last_latency_ms,
        "lastResponse": delivery.last_response,
        "nextAttemptAt": delivery.next_attempt_at,
        "createdAt": delivery.created_at,
        "updatedAt": delivery.updated_at,
        "test": delivery.test,
    })
}

fn name(value: &Value) -> Result<String, ApiError> {
    value
        .as_str()
        .map(str::trim)
        .filter(|name| !name.is_empty() && name.chars().count() <= MAX_NAME_CHARS)
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::bad_request(
                format!("name must be a string of 1 to {MAX_NAME_CHARS} characters"),
                "name",
            )
        })
}

/// A list of distinct events, possibly empty (for a hook that only sends a digest).
fn events(value: &Value) -> Result<Vec<Event>, ApiError> {
    let names: Vec<&str> = Event::ALL.iter().map(|e| e.name()).collect();
    let invalid = || {
        ApiError::bad_request(
            format!(
                "events must be a list of distinct events: {}",
                names.join(", ")
            ),
            "events",
        )
    };
    let list = value.as_array().ok_or_else(invalid)?;
    let mut events = Vec::new();
    for item in list {
        let event = item
            .as_str()
            .and_then(Event::from_name)
            .filter(|event| !events.contains(event))
            .ok_or_else(invalid)?;
        events.push(event);
    }
    Ok(events)
}

/// A hook that listens to nothing and sends no digest would never send anything.
fn listens(events: &[Event], digest: Option<&DigestSchedule>) -> Result<(), ApiError> {
    if events.is_empty() && digest.is_none() {
        return Err(ApiError::bad_request(
            "a hook needs at least one event or a digest",
            "events",
        ));
    }
    Ok(())
}

fn paused(value: &Value) -> Result<bool, ApiError> {
    value
        .as_bool()
        .ok_or_else(|| ApiError::bad_request("paused must be true or false", "paused"))
}

/// A hook URL that may be used: well formed and, without `--allow-private-hooks`, on a host
/// that resolves to public addresses only.
async fn url(state: &AppState, value: &Value) -> Result<String, ApiError> {
    let text = value
        .as_str()
        .ok_or_else(|| ApiError::bad_request("url must be a string", "url"))?;
    let target = address::parse(text).map_err(|why| ApiError::bad_request(why, "url"))?;
    let allow_private = state.settings().allow_private_hooks;
    if !allow_private {
        tokio::time::timeout(RESOLVE_TIMEOUT, address::resolve(&target, false))
            .await
            .unwrap_or_else(|_| Err("url's host does not resolve in time".into()))
            .map_err(|why| ApiError::bad_request(why, "url"))?;
    }
    Ok(text.to_owned())
}

/// The id in a path; a `404` naming `field` when it is not one.
fn id(text: &str, field: &str, what: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| not_found(field, what))
}

fn not_found(field: &str, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no {what} has this id"),
        Some(field),
    )
}

fn no_hook() -> ApiError {
    not_found("id", "hook")
}

/// `POST /v1/hooks`: `201` with the hook (and its `secret`, for the `webhook` format).
async fn create(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let object = super::json_object(&body)?;
    for key in object.keys() {
        if !["name", "url", "format", "events", "filter", "digest"].contains(&key.as_str()) {
            return Err(ApiError::bad_request(
                format!("unknown field {key:?}: name, url, format, events, filter or digest"),
                key,
            ));
        }
    }
    let missing = |field: &str| ApiError::bad_request(format!("{field} is required"), field);
    let name = name(object.get("name").ok_or_else(|| missing("name"))?)?;
    let format = object
        .get("format")
        .ok_or_else(|| missing("format"))?
        .as_str()
        .and_then(Format::from_name)
        .ok_or_else(|| ApiError::bad_request("format must be webhook or slack", "format"))?;
    let digest = DigestSchedule::from_json(object.get("digest").unwrap_or(&Value::Null))?;
    // Without `events`, a hook is told of each final answer, unless it sends a digest only.
    let events = match object.get("events") {
        Some(value) => events(value)?,
        None if digest.is_some() => Vec::new(),
        None => vec![Event::ResponseCompleted],
    };
    listens(&events, digest.as_ref())?;
    let filter = HookFilter::from_json(object.get("filter").unwrap_or(&Value::Null))?;
    let url = url(&state, object.get("url").ok_or_else(|| missing("url"))?).await?;
    let store = state.store();
    if store.hooks().await.map_err(ApiError::from)?.len() >= MAX_HOOKS {
        return Err(ApiError::bad_request(
            format!("a collector keeps at most {MAX_HOOKS} hooks: delete one first"),
            "body",
        ));
    }
    let secret = match format {
        Format::Webhook => Some(new_secret().map_err(ApiError::internal)?),
        Format::Slack => None,
    };
    let new = NewHook {
        name,
        url,
        format,
        events,
        filter,
        digest,
        secret,
    };
    let hook = store
        .create_hook(new, state.now())
        .await
        .map_err(ApiError::from)?;
    state.wake_hooks();
    Ok((StatusCode::CREATED, Json(hook_with_secret(&hook))).into_response())
}

/// `GET /v1/hooks`: `{ "hooks": [...] }`, oldest first.
async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let hooks = state.store().hooks().await.map_err(ApiError::from)?;
    let hooks: Vec<Value> = hooks.iter().map(hook_json).collect();
    Ok(Json(json!({ "hooks": hooks })).into_response())
}

/// `GET /v1/hooks/{id}`.
async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = self::id(&id, "id", "hook")?;
    let hook = state.store().hook(id).await.map_err(ApiError::from)?;
    hook.map(|hook| Json(hook_json(&hook)).into_response())
        .ok_or_else(no_hook)
}

/// `PATCH /v1/hooks/{id}`: any of `name`, `url`, `events`, `filter` (replacing the old one),
/// `digest` (`null` stops it), `paused`; the hook as it is then.
async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = self::id(&id, "id", "hook")?;
    let object = super::json_object(&body)?;
    let mut change = HookChange::default();
    for (key, value) in &object {
        match key.as_str() {
            "name" => change.name = Some(name(value)?),
            "url" => change.url = Some(url(&state, value).await?),
            "events" => change.events = Some(events(value)?),
            "filter" => change.filter = Some(HookFilter::from_json(value)?),
            "digest" => {
                // Set or changed, it starts at its next hour: the day due now counts as sent.
                let schedule = DigestSchedule::from_json(value)?;
                let now = state.now();
                let sent = schedule
                    .as_ref()
                    .and_then(|s| s.due_day(i64::MIN, None, now))
                    .map(|day| day.to_string());
                change.digest = Some((schedule, sent));
            }
            "paused" => change.paused = Some(paused(value)?),
            "format" => {
                return Err(ApiError::bad_request(
                    "a hook's format never changes: create another hook",
                    "format",
                ))
            }
            _ => {
                return Err(ApiError::bad_request(
                    format!("unknown field {key:?}: name, url, events, filter, digest or paused"),
                    key,
                ))
            }
        }
    }
    if change == HookChange::default() {
        return Err(ApiError::bad_request(
            "give any of name, url, events, filter, digest or paused",
            "body",
        ));
    }
    let store = state.store();
    if change.events.is_some() || change.digest.is_some() {
        let hook = store
            .hook(id)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(no_hook)?;
        let events = change.events.as_ref().unwrap_or(&hook.events);
        let digest = change
            .digest
            .as_ref()
            .map_or(&hook.digest, |(digest, _)| digest);
        listens(events, digest.as_ref())?;
    }
    let hook = store
        .update_hook(id, change)
        .await
        .map_err(ApiError::from)?;
    state.wake_hooks();
    hook.map(|hook| Json(hook_json(&hook)).into_response())
        .ok_or_else(no_hook)
}

/// `DELETE /v1/hooks/{id}`: `204`; its deliveries go with it.
async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = self::id(&id, "id", "hook")?;
    if state
        .store()
        .delete_hook(id)
        .await
        .map_err(ApiError::from)?
    {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(no_hook())
    }
}

/// `POST /v1/hooks/{id}/rotate-secret`: the hook with its new secret, which signs every
/// attempt from now on (pending deliveries included).
async fn rotate_secret(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = self::id(&id, "id", "hook")?;
    let store = state.store();
    let hook = store
        .hook(id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(no_hook)?;
    if hook.format != Format::Webhook {
        return Err(ApiError::bad_request(
            "only webhook hooks have a secret",
            "format",
        ));
    }
    let secret = new_secret().map_err(ApiError::internal)?;
    let hook = store
        .set_hook_secret(id, secret)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(no_hook)?;
    Ok(Json(hook_with_secret(&hook)).into_response())
}

/// `POST /v1/hooks/{id}/test`, optionally `{ "event": name }` (the hook's first event by
/// default, else its digest): queues a delivery of a realistic sample answer at the event's
/// stage, fitted to the hook's filter where a sample can be ([`test_answer`]), or for
/// `digest.daily` the digest of yesterday's real figures (without counting as that day's
/// digest), sent at once even while the hook is held; `202` with the delivery, `409` while
/// the hook is paused.
async fn test(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = self::id(&id, "id", "hook")?;
    let object = super::json_object(&body)?;
    // `None` inside: the digest.
    let mut event: Option<Option<Event>> = None;
    for (key, value) in &object {
        match key.as_str() {
            "event" => {
                let name = value.as_str().unwrap_or_default();
                event = Some(if name == digest::EVENT {
                    None
                } else {
                    Some(Event::from_name(name).ok_or_else(|| {
                        let names: Vec<&str> = Event::ALL.iter().map(|e| e.name()).collect();
                        ApiError::bad_request(
                            format!(
                                "event must be one of {} or {}",
                                names.join(", "),
                                digest::EVENT
                            ),
                            "event",
                        )
                    })?)
                });
            }
            _ => {
                return Err(ApiError::bad_request(
                    format!("unknown field {key:?}: event"),
                    key,
                ))
            }
        }
    }
    let store = state.store();
    let hook = store
        .hook(id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(no_hook)?;
    // A paused hook sends nothing, a test included: refused rather than left waiting unseen.
    if hook.paused {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "the hook is paused: resume it to send a test",
            Some("paused"),
        ));
    }
    let now = state.now();
    let event = event.unwrap_or_else(|| match (hook.events.first(), &hook.digest) {
        (None, Some(_)) => None,
        (first, _) => Some(first.copied().unwrap_or(Event::ResponseCompleted)),
    });
    let delivery = match event {
        Some(event) => {
            let answer = test_answer(&uuid_v4(rand::random()), now, event, &hook.filter);
            store.queue_delivery(id, event, answer, now).await
        }
        None => {
            let schedule = hook
                .digest
                .as_ref()
                .ok_or_else(|| ApiError::bad_request("this hook sends no digest", "event"))?;
            let yesterday = schedule
                .yesterday(now)
                .ok_or_else(|| ApiError::internal("no day before the collector's date"))?;
            let body = digest::content::event(store, &hook.filter, schedule, yesterday, now)
                .await
                .map_err(ApiError::internal)?;
            store.queue_digest(id, None, body.to_string(), now).await
        }
    }
    .map_err(ApiError::from)?
    .ok_or_else(no_hook)?;
    Ok((StatusCode::ACCEPTED, Json(delivery_json(&delivery))).into_response())
}

/// `GET /v1/hooks/{id}/deliveries[?limit=N]`: `{ "deliveries": [...] }`, newest first.
async fn deliveries(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let id = self::id(&id, "id", "hook")?;
    let mut limit = DEFAULT_DELIVERIES;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|limit| (1..=MAX_DELIVERIES).contains(limit))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            format!("limit must be a whole number from 1 to {MAX_DELIVERIES}"),
                            "limit",
                        )
                    })?;
            }
            _ => {
                return Err(ApiError::bad_request(
                    format!("unknown parameter {name:?}"),
                    &name,
                ))
            }
        }
    }
    let store = state.store();
    store
        .hook(id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(no_hook)?;
    let deliveries = store.deliveries(id, limit).await.map_err(ApiError::from)?;
    let deliveries: Vec<Value> = deliveries.iter().map(delivery_json).collect();
    Ok(Json(json!({ "deliveries": deliveries })).into_response())
}

/// `POST /v1/hooks/{id}/deliveries/{deliveryId}/retry`: makes the delivery due now, whatever
/// its status, ahead of the hook's other waiting deliveries (so its `nextAttemptAt` may read
/// as early as the oldest of those, its place in the hook's order); `202` with it.
async fn retry(
    State(state): State<AppState>,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = self::id(&id, "id", "hook")?;
    let delivery_id = self::id(&delivery_id, "deliveryId", "delivery")?;
    let delivery = state
        .store()
        .retry_delivery(id, delivery_id, state.now())
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| not_found("deliveryId", "delivery of this hook"))?;
    Ok((StatusCode::ACCEPTED, Json(delivery_json(&delivery))).into_response())
}
