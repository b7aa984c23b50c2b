//! Admin access: everything beyond the widget's public endpoints needs a named admin token,
//! presented as `Authorization: Bearer <token>` (the API) or through a dashboard session opened
//! by logging in with it (an `HttpOnly`, `SameSite=Strict` cookie, see [`dashboard`]).
//!
//! Admin routes are wrapped with [`admin_routes`] (or take an [`AdminUser`] argument); a
//! request without a valid token or session gets `401` and `WWW-Authenticate: Bearer`, with the
//! collector's JSON error naming `Authorization`. Neither tokens nor cookies are ever logged:
//! the request log writes the method and the path only (see [`crate::telemetry`]).

pub mod cli;
pub mod dashboard;
pub mod login_limit;
pub mod secret;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::{TokenInfo, TokenStore};

/// The name of the token `NPS_ADMIN_TOKEN` is stored under.
pub const ENV_TOKEN_NAME: &str = "admin";

/// The dashboard session cookie.
pub const SESSION_COOKIE: &str = "nps_session";

/// A token's last use is recorded at most this often (ms), so that a busy dashboard does not
/// write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Most characters in a token's name.
pub const MAX_NAME_CHARS: usize = 64;

/// The person a request was authenticated as: the name of their token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminUser {
    /// The token's name (`Ada`).
    pub name: String,
}

/// Why a request is not let in.
#[derive(Debug)]
pub enum AuthError {
    /// No token and no session: `401`.
    Missing,
    /// A token or session that is not (or no longer) valid: `401`.
    Invalid,
    /// A cookie-authenticated request that changes something, sent from another origin: `403`.
    CrossOrigin,
    /// The store could not be asked: `503` when the database cannot be reached, else `500`.
    Storage(crate::storage::StorageError),
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let (message, challenge) = match self {
            AuthError::Missing => ("an admin token is required", "Bearer"),
            AuthError::Invalid => (
                "the admin token or session is not valid",
                "Bearer error=\"invalid_token\"",
            ),
            AuthError::CrossOrigin => {
                let message = "a request from another origin cannot use the dashboard session";
                return ApiError::new(StatusCode::FORBIDDEN, message, Some("Origin"))
                    .into_response();
            }
            AuthError::Storage(error) => return ApiError::from(error).into_response(),
        };
        let error = ApiError::new(StatusCode::UNAUTHORIZED, message, Some("Authorization"));
        (
            [(WWW_AUTHENTICATE, HeaderValue::from_static(challenge))],
            error,
        )
            .into_response()
    }
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AuthError> {
        if let Some(user) = parts.extensions.get::<AdminUser>() {
            return Ok(user.clone());
        }
        authenticate(parts, state).await
    }
}

/// Who sent the request: the token in `Authorization: Bearer …` if there is an `Authorization`
/// header (a wrong one is not made up for by a cookie), else the dashboard session in the
/// cookie.
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<AdminUser, AuthError> {
    let store = state.store();
    let now = state.now();
    let token = if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let token = bearer_token(value).ok_or(AuthError::Invalid)?;
        store
            .token_by_hash(&secret::hash(token))
            .await
            .map_err(AuthError::Storage)?
            .ok_or(AuthError::Invalid)?
    } else if let Some(session) = session_cookie(&parts.headers) {
        // The cookie is `SameSite=Strict`, so browsers send it only on requests from the
        // collector's own pages, and the admin API takes JSON or a Bearer token: no CSRF token is
        // needed. As a cheap defence in depth (a browser without SameSite, a sibling site), a
        // cookie never authenticates a request that changes something if its `Origin` names
        // another host than the collector's own.
        if !is_same_origin(&parts.method, &parts.headers, parts.uri.authority()) {
            return Err(AuthError::CrossOrigin);
        }
        store
            .session_token(&secret::hash(session), now)
            .await
            .map_err(AuthError::Storage)?
            .ok_or(AuthError::Invalid)?
    } else {
        return Err(AuthError::Missing);
    };
    touch(store, &token, now).await;
    Ok(AdminUser { name: token.name })
}

/// Records the token's use, at most once per [`TOUCH_EVERY_MS`]; a failure is logged and does
/// not refuse the request.
async fn touch(store: &dyn TokenStore, token: &TokenInfo, now: i64) {
    if token
        .last_used_at
        .is_some_and(|last| now - last < TOUCH_EVERY_MS)
    {
        return;
    }
    if let Err(error) = store.touch_token(&token.name, now).await {
        tracing::warn!(%error, "cannot record the last use of a token");
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
fn bearer_token(value: &HeaderValue) -> Option<&str> {
    let value = value.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && token.len() <= secret::MAX_SECRET_BYTES)
        .then_some(token)
}

/// The dashboard session id in the request's cookies, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty() && value.len() <= secret::MAX_SECRET_BYTES)
}

/// Whether a request may act with the dashboard session: a safe method always; any other
/// unless its `Origin` header is present and names another host than the one the request was
/// sent to (its `Host`, or `X-Forwarded-Host` behind a proxy).
pub fn is_same_origin(
    method: &Method,
    headers: &HeaderMap,
    authority: Option<&axum::http::uri::Authority>,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let Some(origin_host) = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, host)| host)
    else {
        // `Origin: null` (a sandboxed frame, a redirect across sites) or garbage.
        return false;
    };
    let forwarded = headers
        .get("x-forwarded-host")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        .map(str::trim);
    let host = headers.get(HOST).and_then(|value| value.to_str().ok());
    [forwarded, host, authority.map(|a| a.as_str())]
        .into_iter()
        .flatten()
        .any(|own| own.eq_ignore_ascii_case(origin_host))
}

/// Lets only admins through: wraps a request that [`authenticate`]s with its [`AdminUser`] in
/// its extensions, and answers any other with the error.
pub async fn require_admin(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    match authenticate(&parts, &state).await {
        Ok(user) => {
            parts.extensions.insert(user);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(error) => error.into_response(),
    }
}

/// `router`'s routes, each let through only for admins ([`require_admin`]).
pub fn admin_routes(state: &AppState, router: Router<AppState>) -> Router<AppState> {
    router.route_layer(middleware::from_fn_with_state(state.clone(), require_admin))
}

/// `GET /v1/me`: who the token or session belongs to, `{ "name": "Ada" }`.
pub async fn me(user: AdminUser) -> Json<Value> {
    Json(json!({ "name": user.name }))
}

/// Whether `name` may name a token: 1 to [`MAX_NAME_CHARS`] characters, no control character,
/// no space at either end.
pub fn check_token_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    if count == 0 || count > MAX_NAME_CHARS {
        return Err(format!(
            "a token's name must be 1 to {MAX_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) || name.trim() != name {
        return Err(
            "a token's name must have no control character and no space at either end".into(),
        );
    }
    Ok(())
}

/// Stores `token` (the value of `NPS_ADMIN_TOKEN`) under the name [`ENV_TOKEN_NAME`], replacing
/// the token of that name if it changed. It must be [`secret::MIN_TOKEN_BYTES`] to
/// [`secret::MAX_SECRET_BYTES`] bytes of visible ASCII (it travels in a header).
pub async fn install_env_token(
    store: &dyn TokenStore,
    token: &str,
    now: i64,
) -> Result<(), String> {
    let (min, max) = (secret::MIN_TOKEN_BYTES, secret::MAX_SECRET_BYTES);
    if token.len() < min || token.len() > max || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "NPS_ADMIN_TOKEN must be {min} to {max} visible ASCII characters, e.g. from `openssl rand -hex 32`"
        ));
    }
    store
        .put_token(ENV_TOKEN_NAME, &secret::hash(token), now)
        .await
        .map_err(|error| format!("cannot store NPS_ADMIN_TOKEN: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn bearer_tokens_are_read_in_any_case_of_the_scheme() {
        let read =
            |value: &'static str| bearer_token(&HeaderValue::from_static(value)).map(str::to_owned);
        assert_eq!(read("Bearer npsa_1").as_deref(), Some("npsa_1"));
        assert_eq!(read("bearer  npsa_1 ").as_deref(), Some("npsa_1"));
        assert_eq!(read("Basic npsa_1"), None);
        assert_eq!(read("Bearer"), None);
        assert_eq!(read("Bearer "), None);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let map = headers(&[("cookie", "a=1; nps_session=abc; b=2")]);
        assert_eq!(session_cookie(&map), Some("abc"));
        let map = headers(&[("cookie", "a=1"), ("cookie", "nps_session=xyz")]);
        assert_eq!(session_cookie(&map), Some("xyz"));
        let map = headers(&[("cookie", "nps_session_old=1; x_nps_session=2")]);
        assert_eq!(session_cookie(&map), None);
        assert_eq!(
            session_cookie(&headers(&[("cookie", "nps_session=")])),
            None
        );
    }

    #[test]
    fn cookies_act_only_from_the_collectors_own_origin() {
        let host = ("host", "nps.example.com");
        let post = Method::POST;
        assert!(is_same_origin(&post, &headers(&[host]), None));
        let own = headers(&[host, ("origin", "https://nps.example.com")]);
        assert!(is_same_origin(&post, &own, None));
        let other = headers(&[host, ("origin", "https://evil.example")]);
        assert!(!is_same_origin(&post, &other, None));
        assert!(!is_same_origin(&Method::DELETE, &other, None));
        assert!(is_same_origin(&Method::GET, &other, None));
        let null = headers(&[host, ("origin", "null")]);
        assert!(!is_same_origin(&post, &null, None));
        let sibling = headers(&[host, ("origin", "https://nps.example.com.evil.example")]);
        assert!(!is_same_origin(&post, &sibling, None));
        let port = headers(&[("host", "127.0.0.1:8787"), ("origin", "http://127.0.0.1:9")]);
        assert!(!is_same_origin(&post, &port, None));
        let proxied = headers(&[
            ("host", "127.0.0.1:8787"),
            ("x-forwarded-host", "nps.example.com"),
            ("origin", "https://nps.example.com"),
        ]);
        assert!(is_same_origin(&post, &proxied, None));
    }

    #[test]
    fn token_names() {
        for good in ["Ada", "ada@example.com", "Ada Lovelace", &"x".repeat(64)] {
            assert_eq!(check_token_name(good), Ok(()), "{good}");
        }
        for bad in ["", " Ada", "Ada ", "A\nda", &"x".repeat(65)] {
            assert!(check_token_name(bad).is_err(), "{bad:?}");
        }
    }
}
