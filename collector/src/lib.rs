//! The reference collector for nps-widget: receives answers (`POST /v1/responses`), stores them
//! in SQLite, tells the widget whether a user may be asked (`GET /v1/eligibility`), and can
//! serve the demo app and the widget package.

pub mod db;
pub mod rate_limit;
pub mod validate;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use nps_widget::core::duration::Duration;
use nps_widget::core::time::{format_date, format_timestamp, parse_timestamp};
use serde::Deserialize;
use serde_json::{json, Value};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::db::Db;
use crate::rate_limit::RateLimiter;

/// Largest accepted answer body, in bytes: the wire format's limit, which the widget applies.
pub use nps_widget::core::answer::MAX_BODY_BYTES;

/// How the collector behaves; everything except the database.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Origins allowed to call the API from a browser; `*` allows any. Empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Requests per minute and client IP on `/v1/*`; `0` disables the limit.
    pub rate_limit: u32,
    /// How long after a prompt that was answered the user may be asked again.
    pub resurvey_after: Duration,
    /// How long after a prompt that was dismissed the user may be asked again.
    pub decline_resurvey_after: Duration,
    /// Directory served at `/` (the demo app), if any.
    pub www: Option<PathBuf>,
    /// Directory served at `/nps-widget/` (the built widget package), if any.
    pub pkg: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cors_origins: Vec::new(),
            rate_limit: 60,
            resurvey_after: Duration::SIX_MONTHS,
            decline_resurvey_after: Duration::SIX_MONTHS,
            www: None,
            pkg: None,
        }
    }
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    db: Arc<Db>,
    settings: Arc<Settings>,
    limiter: Arc<RateLimiter>,
}

impl AppState {
    /// State over an opened database.
    pub fn new(db: Db, settings: Settings) -> Self {
        AppState {
            db: Arc::new(db),
            limiter: Arc::new(RateLimiter::new(settings.rate_limit)),
            settings: Arc::new(settings),
        }
    }

    /// The answer store.
    pub fn db(&self) -> &Db {
        &self.db
    }
}

/// An error answer: `{"error": message, "field": path or null}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>, field: Option<&str>) -> Self {
        ApiError {
            status,
            message: message.into(),
            field: field.map(str::to_owned),
        }
    }

    fn bad_request(message: impl Into<String>, field: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message, Some(field))
    }

    /// Logs the cause to stderr and answers a 500 that reveals nothing of it.
    fn internal(cause: impl std::fmt::Display) -> Self {
        eprintln!("nps-collector: internal error: {cause}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error, try again later",
            None,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.message, "field": self.field });
        (self.status, Json(body)).into_response()
    }
}

/// The collector's routes and middleware over `state`.
pub fn app(state: AppState) -> Router {
    let settings = state.settings.clone();
    let api = Router::new()
        .route("/v1/responses", post(post_response))
        .route("/v1/eligibility", get(get_eligibility))
        .route_layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed", None)
        })
        .with_state(state);

    let mut router = api;
    if let Some(pkg) = &settings.pkg {
        router = router.nest_service("/nps-widget", ServeDir::new(pkg));
    }
    router = match &settings.www {
        Some(www) => router.fallback_service(ServeDir::new(www)),
        None => {
            router.fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not found", None) })
        }
    };
    if let Some(cors) = cors_layer(&settings.cors_origins) {
        router = router.layer(cors);
    }
    router.layer(middleware::from_fn(log_request))
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers([CONTENT_TYPE])
            .max_age(std::time::Duration::from_secs(600)),
    )
}

/// Writes `METHOD /path STATUS LATENCYms` to stderr for every request.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    eprintln!("{method} {path} {} {ms:.1}ms", response.status().as_u16());
    response
}

async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Without connection info (an in-process caller), every request counts as one client.
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    match state.limiter.check(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            let error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many requests", None);
            ([(RETRY_AFTER, retry_after.to_string())], error).into_response()
        }
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
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

/// `POST /v1/responses`: validates the answer and upserts it by id; 202 once it is on disk.
async fn post_response(
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

    // Resolves once the transaction holding the answer is committed (see `Db::store`).
    state
        .db
        .store(answer, format_timestamp(now_ms()))
        .await
        .map_err(ApiError::internal)?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "ok": true }))).into_response())
}

/// Query of `GET /v1/eligibility`.
#[derive(Deserialize)]
struct EligibilityQuery {
    #[serde(rename = "userId")]
    user_id: Option<String>,
    kind: Option<String>,
}

/// `GET /v1/eligibility?userId=…&kind=nps`: whether the user may be asked now, judged from the
/// latest prompt stored for them. `nextEligibleAt` is the time they may be asked again while
/// they are not eligible, and `null` once they are.
async fn get_eligibility(
    State(state): State<AppState>,
    query: Result<Query<EligibilityQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) =
        query.map_err(|_| ApiError::bad_request("the query string could not be read", "query"))?;
    let user_id = query
        .user_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::bad_request("userId is required", "userId"))?;
    if user_id.chars().count() > validate::MAX_STRING_CHARS {
        return Err(ApiError::bad_request("userId is too long", "userId"));
    }
    let kind = query.kind.unwrap_or_else(|| "nps".to_owned());
    if kind != "nps" {
        return Err(ApiError::bad_request("kind must be \"nps\"", "kind"));
    }

    let db = state.db.clone();
    let last = tokio::task::spawn_blocking(move || db.last_prompt(&user_id, &kind))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let Some(last) = last else {
        return Ok(Json(eligibility(
            true,
            "no earlier answer".to_owned(),
            None,
        )));
    };
    let shown = parse_timestamp(&last.shown_at)
        .ok_or_else(|| ApiError::internal(format!("stored shown_at {:?}", last.shown_at)))?;
    let (verb, after) = match last.answer_type.as_str() {
        "decline" => ("declined", state.settings.decline_resurvey_after),
        _ => ("answered", state.settings.resurvey_after),
    };
    let next = after.add_to(shown);
    let (shown_on, next_on) = (format_date(shown), format_date(next));
    Ok(Json(if now_ms() >= next {
        eligibility(
            true,
            format!("{verb} on {shown_on}, eligible again since {next_on}"),
            None,
        )
    } else {
        eligibility(
            false,
            format!("{verb} on {shown_on}, next on {next_on}"),
            Some(next),
        )
    }))
}

fn eligibility(eligible: bool, reason: String, next: Option<i64>) -> Value {
    json!({
        "eligible": eligible,
        "reason": reason,
        "nextEligibleAt": next.map(format_timestamp),
    })
}
