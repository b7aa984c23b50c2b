//! The reference collector for nps-widget: receives answers (`POST /v1/responses`), stores them
//! (SQLite, behind the [`storage::AnswerStore`] interface), tells the widget whether a user may
//! be asked (`GET /v1/eligibility`), routes answers to Slack and signed webhooks ([`hooks`]),
//! and can serve the demo app and the widget package.
//!
//! The rules (limits, the answer lifecycle, eligibility) are the widget's core's
//! (`nps_widget::core`); this crate is their HTTP and storage edge.

pub mod api;
pub mod auth;
mod body_deadline;
pub mod cli;
pub mod email;
pub mod error;
pub mod hooks;
pub mod identity;
pub mod links;
pub mod pages;
pub mod rate_limit;
pub mod report;
pub mod seed;
pub mod server;
pub mod state;
pub mod static_files;
pub mod storage;
pub mod telemetry;
pub mod validate;

pub use state::{system_clock, AppState, Clock, Settings};

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::ApiError;

/// The collector's routes and middleware over `state`.
pub fn app(state: AppState) -> Router {
    let settings = state.settings().clone();
    // Everything beyond the widget's two public endpoints needs an admin token or session. The
    // admin routes are outside the widget's per-client request limit (the dashboard makes
    // several calls per view); failed dashboard logins have a limit of their own.
    let admin = auth::admin_routes(
        &state,
        Router::new()
            .route("/v1/me", get(auth::me))
            .merge(api::answers::routes())
            .merge(api::hooks::routes())
            .merge(api::links::routes())
            .merge(api::report::routes()),
    );
    let api = Router::new()
        .route("/v1/responses", post(api::responses::post_response))
        .route("/v1/eligibility", get(api::eligibility::get_eligibility))
        .route_layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .merge(admin)
        .merge(auth::dashboard::routes())
        .merge(pages::routes())
        .merge(api::unsubscribe::routes())
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed", None)
        })
        .with_state(state);

    let mut router = api;
    if let Some(pkg) = &settings.pkg {
        router = router.nest_service("/nps-widget", static_files::directory(pkg, "/nps-widget"));
    }
    router = match &settings.www {
        Some(www) => router.fallback_service(static_files::directory(www, "")),
        None => {
            router.fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not found", None) })
        }
    };
    router = router.layer(middleware::from_fn_with_state(
        settings.body_timeout,
        body_deadline::limit_body_time,
    ));
    if let Some(cors) = cors_layer(&settings.cors_origins) {
        router = router.layer(cors);
    }
    router.layer(telemetry::request_log_layer())
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
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PATCH,
                Method::DELETE,
                Method::OPTIONS,
            ])
            .allow_headers([CONTENT_TYPE, AUTHORIZATION])
            // So that a widget on another origin can read how long to wait after a 429.
            .expose_headers([RETRY_AFTER])
            .max_age(std::time::Duration::from_secs(600)),
    )
}

async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Without connection info (an in-process caller), every request counts as one client.
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    match state.limiter().check(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            let error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too many requests", None);
            ([(RETRY_AFTER, retry_after.to_string())], error).into_response()
        }
    }
}
