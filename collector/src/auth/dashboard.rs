//! The dashboard's door: `GET /dashboard/login` (a login page), `POST /dashboard/login` (a
//! form or JSON `{ "token" }`; on success a `303` to `/dashboard/` that sets the session
//! cookie), `POST /dashboard/logout`, and `GET /dashboard/` for a logged-in user.
//!
//! The session cookie is `nps_session=<64 random hex digits>; HttpOnly; SameSite=Strict;
//! Path=/; Max-Age=2592000` (30 days), plus `Secure` when the request came over HTTPS (the
//! request's scheme, or `X-Forwarded-Proto: https` from a proxy in front). Only the session id's
//! hash is stored, with its expiry. Failed logins are limited per client IP
//! ([`LoginLimiter`]). The pages are static files (`collector/dashboard/`) built into the
//! binary; they run under `Content-Security-Policy: default-src 'self'`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, REFERRER_POLICY, RETRY_AFTER,
    SET_COOKIE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Form, Json, Router};
use serde::Deserialize;

use super::login_limit::LoginLimiter;
use super::{authenticate, is_same_origin, secret, session_cookie, AuthError, SESSION_COOKIE};
use crate::error::ApiError;
use crate::state::AppState;

/// How long a dashboard session lasts, in seconds (30 days).
pub const SESSION_SECONDS: i64 = 30 * 24 * 60 * 60;

/// The policy every dashboard response is served under: nothing but the collector's own
/// scripts, styles and requests, never framed.
pub const CONTENT_SECURITY_POLICY_VALUE: &str =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const LOGIN_HTML: &str = include_str!("../../dashboard/login.html");
const LOGIN_JS: &str = include_str!("../../dashboard/login.js");
const LOGIN_CSS: &str = include_str!("../../dashboard/login.css");
/// Chart.js, from npm (see `build.rs`).
const CHART_JS: &str = include_str!(env!("NPS_CHART_JS"));
const INDEX_HTML: &str = include_str!("../../dashboard/index.html");
const INDEX_JS: &str = include_str!("../../dashboard/index.js");
const DASHBOARD_CSS: &str = include_str!("../../dashboard/dashboard.css");

const HTML: &str = "text/html; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The dashboard's routes, with their own failed-login limiter.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(|| async { redirect("/dashboard/") }))
        .route("/dashboard/", get(index))
        .route("/dashboard/login", get(login_page).post(login))
        .route("/dashboard/logout", axum::routing::post(logout))
        .route("/dashboard/login.js", get(|| asset(JAVASCRIPT, LOGIN_JS)))
        .route("/dashboard/index.js", get(|| asset(JAVASCRIPT, INDEX_JS)))
        .route(
            "/dashboard/chart.umd.min.js",
            get(|| asset(JAVASCRIPT, CHART_JS)),
        )
        .route("/dashboard/login.css", get(|| asset(CSS, LOGIN_CSS)))
        .route(
            "/dashboard/dashboard.css",
            get(|| asset(CSS, DASHBOARD_CSS)),
        )
        .layer(Extension(Arc::new(LoginLimiter::default())))
        .layer(middleware::map_response(protect))
}

/// The headers of every dashboard response: its content security policy, no framing, no
/// sniffing, no referrer sent to other sites, and no caching (a page may show who is logged
/// in). The referrer policy is `same-origin`, not `no-referrer`: under `no-referrer` browsers
/// send `Origin: null` with a form's POST, which the same-origin rule must refuse.
async fn protect(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let policy = HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE);
    headers.insert(CONTENT_SECURITY_POLICY, policy);
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type)], body).into_response()
}

/// A `303 See Other` to `location` (a path on this site).
fn redirect(location: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
}

async fn login_page() -> Response {
    asset(HTML, LOGIN_HTML).await
}

/// `GET /dashboard/`: the dashboard for a logged-in user; anyone else is sent to the login page.
async fn index(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    match authenticate(&parts, &state).await {
        Ok(_) => asset(HTML, INDEX_HTML).await,
        Err(AuthError::Storage(error)) => ApiError::from(error).into_response(),
        Err(_) => redirect("/dashboard/login"),
    }
}

/// The body of `POST /dashboard/login`, JSON or a form.
#[derive(Deserialize)]
struct LoginBody {
    #[serde(default)]
    token: Option<String>,
}

fn client_ip(request: &Request) -> IpAddr {
    // Without connection info (an in-process caller), every request counts as one client.
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

/// Whether the request came over HTTPS, to the collector or to a proxy in front of it.
fn is_https(request: &Request) -> bool {
    let forwarded = request
        .headers()
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    forwarded || request.uri().scheme_str() == Some("https")
}

/// The `Set-Cookie` value that opens (`Some(id)`) or ends (`None`) a session.
fn session_cookie_header(session: Option<&str>, secure: bool) -> HeaderValue {
    let (value, max_age) = match session {
        Some(id) => (id, SESSION_SECONDS),
        None => ("", 0),
    };
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn cross_origin(headers: &HeaderMap, request: &Request) -> bool {
    !is_same_origin(request.method(), headers, request.uri().authority())
}

/// `POST /dashboard/login`: checks the token, opens a session, `303` to `/dashboard/`.
async fn login(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<LoginLimiter>>,
    request: Request,
) -> Response {
    // Logging in from another site's page is refused too (login CSRF).
    if cross_origin(request.headers(), &request) {
        return AuthError::CrossOrigin.into_response();
    }
    let client = client_ip(&request);
    if let Err(retry_after) = limiter.check(client, Instant::now()) {
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed logins, try again later",
            Some("token"),
        );
        return ([(RETRY_AFTER, retry_after.to_string())], error).into_response();
    }
    let secure = is_https(&request);
    let is_json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    let body = if is_json {
        Json::<LoginBody>::from_request(request, &state)
            .await
            .map(|Json(body)| body)
            .ok()
    } else {
        Form::<LoginBody>::from_request(request, &state)
            .await
            .map(|Form(body)| body)
            .ok()
    };
    let Some(token) = body.and_then(|body| body.token).filter(|t| !t.is_empty()) else {
        return ApiError::bad_request(
            "expected the token, as JSON {\"token\": …} or a form field",
            "token",
        )
        .into_response();
    };
    let store = state.store();
    let now = state.now();
    let found = match store.token_by_hash(&secret::hash(token.trim())).await {
        Ok(found) => found,
        Err(error) => return ApiError::from(error).into_response(),
    };
    let Some(found) = found else {
        limiter.fail(client, Instant::now());
        return ApiError::new(StatusCode::UNAUTHORIZED, "wrong token", Some("token"))
            .into_response();
    };
    let session = match secret::new_session_id() {
        Ok(session) => session,
        Err(error) => return ApiError::internal(error).into_response(),
    };
    let expires_at = now + SESSION_SECONDS * 1000;
    let hash = secret::hash(&session);
    if let Err(error) = store
        .create_session(&hash, &found.name, now, expires_at)
        .await
    {
        return ApiError::from(error).into_response();
    }
    super::touch(store, &found, now).await;
    let cookie = session_cookie_header(Some(&session), secure);
    (
        StatusCode::SEE_OTHER,
        [
            (LOCATION, HeaderValue::from_static("/dashboard/")),
            (SET_COOKIE, cookie),
        ],
    )
        .into_response()
}

/// `POST /dashboard/logout`: ends the session, clears the cookie, `303` to the login page.
async fn logout(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers();
    if cross_origin(headers, &request) {
        return AuthError::CrossOrigin.into_response();
    }
    if let Some(session) = session_cookie(headers) {
        if let Err(error) = state.store().delete_session(&secret::hash(session)).await {
            return ApiError::from(error).into_response();
        }
    }
    let cookie = session_cookie_header(None, is_https(&request));
    (
        StatusCode::SEE_OTHER,
        [
            (LOCATION, HeaderValue::from_static("/dashboard/login")),
            (SET_COOKIE, cookie),
        ],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_has_exactly_its_flags() {
        let open = session_cookie_header(Some("abc"), false);
        assert_eq!(
            open,
            "nps_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000"
        );
        let secure = session_cookie_header(Some("abc"), true);
        assert_eq!(
            secure,
            "nps_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000; Secure"
        );
        let end = session_cookie_header(None, false);
        assert_eq!(
            end,
            "nps_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
        );
    }

    #[test]
    fn the_pages_have_no_inline_script_or_style() {
        for page in [LOGIN_HTML, INDEX_HTML] {
            let lower = page.to_ascii_lowercase();
            assert!(!lower.contains("<style"), "{page}");
            assert!(!lower.contains(" style="), "{page}");
            let handler = lower
                .split('<')
                .filter_map(|tag| tag.split('>').next())
                .flat_map(|tag| tag.split_whitespace().skip(1))
                .any(|attribute| attribute.starts_with("on") && attribute.contains('='));
            assert!(!handler, "an inline handler in {page}");
            for script in lower.split("<script").skip(1) {
                let head = &script[..script.find('>').unwrap()];
                assert!(head.contains(" src=\"/dashboard/"), "{page}");
                assert!(script[head.len() + 1..].starts_with("</script>"), "{page}");
            }
        }
    }
}
