//! Unsubscribing from survey emails: `GET /unsubscribe?t=TOKEN` shows a page with one button
//! (mail scanners follow the links of an email: a GET never unsubscribes), and
//! `POST /unsubscribe?t=TOKEN` records it, from that button's form or from a mail client's
//! one-click unsubscribe (RFC 8058: a POST whose body is `List-Unsubscribe=One-Click`). The
//! token is the survey link's: it names the user and their address. It still unsubscribes after
//! it has expired (an old email's link must keep working); its signature is checked all the
//! same.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use minijinja::context;

use crate::links::token;
use crate::pages::{self, words};
use crate::state::AppState;

/// The routes of unsubscribing. Public: the token is the credential.
pub fn routes() -> Router<AppState> {
    Router::new().route("/unsubscribe", get(show).post(unsubscribe))
}

/// The page asking to confirm, in the token's language.
async fn show(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let claims = match claims(&state, query.as_deref()).await {
        Ok(claims) => claims,
        Err(response) => return response,
    };
    let words = words::words(claims.language.as_deref().unwrap_or("en"));
    pages::render(
        StatusCode::OK,
        "unsubscribe.html",
        context! {
            lang => words.tag,
            dir => words.dir(),
            title => words.unsubscribe_title,
            text => words.unsubscribe_text,
            button => words.unsubscribe_button,
            email => claims.email,
            action => format!("/unsubscribe?t={}", token_of(query.as_deref()).unwrap_or_default()),
        },
    )
}

/// Records the unsubscribe (again is fine) and says so. The body, a form's or
/// `List-Unsubscribe=One-Click`, says nothing more than the request itself.
async fn unsubscribe(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    _body: Bytes,
) -> Response {
    let claims = match claims(&state, query.as_deref()).await {
        Ok(claims) => claims,
        Err(response) => return response,
    };
    let words = words::words(claims.language.as_deref().unwrap_or("en"));
    if let Err(error) = state
        .store()
        .unsubscribe(&claims.user_id, claims.email.as_deref(), state.now())
        .await
    {
        tracing::error!(%error, "an unsubscribe could not be recorded");
        return pages::message(
            StatusCode::SERVICE_UNAVAILABLE,
            words,
            words.unsubscribe_title,
            words.invalid_text,
        );
    }
    pages::message(
        StatusCode::OK,
        words,
        words.unsubscribed_title,
        words.unsubscribed_text,
    )
}

/// The `t` parameter of the query string.
fn token_of(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "t")
        .map(|(_, value)| value.into_owned())
}

/// The claims of the query's token, expired or not; a friendly page (in English: the language
/// is in the token that could not be read) when there is none or it is not genuine.
async fn claims(state: &AppState, query: Option<&str>) -> Result<token::LinkClaims, Response> {
    let words = words::words("en");
    let invalid = || {
        pages::message(
            StatusCode::BAD_REQUEST,
            words,
            words.invalid_title,
            words.invalid_text,
        )
    };
    let Some(token) = token_of(query) else {
        return Err(invalid());
    };
    let secret = match state.link_secret().await {
        Ok(secret) => secret,
        Err(error) => {
            tracing::error!(%error, "the link secret could not be read");
            return Err(pages::message(
                StatusCode::SERVICE_UNAVAILABLE,
                words,
                words.unsubscribe_title,
                words.invalid_text,
            ));
        }
    };
    // Checked as at the dawn of time: never expired, always signed.
    token::verify(&secret, &token, i64::MIN).map_err(|_| invalid())
}
