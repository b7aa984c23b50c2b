//! `GET /s/{survey}?t=TOKEN[&score=N]`: the hosted survey page of a link. The page is the
//! widget itself in page mode (one card centred on a plain page), configured by the collector:
//! the product's name and accent (`--product`, `--accent`), the survey's kind, and from the
//! token the user, their language and the answer the link collects. A `score` in the link is
//! passed to the widget, which records it once its script runs: this GET writes nothing (mail
//! scanners follow links). Without a token the page is an anonymous `link` survey. A link that
//! cannot be used (tampered, expired, for another survey, already answered) gets a friendly
//! page in the reader's language.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use minijinja::context;
use nps_widget::core::kind::Kind;
use nps_widget::core::limits::is_survey_id;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::words::{words, Words};
use crate::links::{self, token, LinkAnswer};
use crate::state::AppState;
use crate::storage::{StorageError, StoredAnswer};
use crate::{error::ApiError, identity};
use nps_widget::core::eligibility::Outcome;
use nps_widget::core::time::parse_timestamp;

const PAGE_JS: &str = include_str!("../../pages/page.js");

/// The routes of the survey page and its script.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/s/page.js", get(|| async { script() }))
        .route("/s/{survey}", get(survey_page))
}

fn script() -> Response {
    use axum::response::IntoResponse;
    super::protect(
        (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            )],
            PAGE_JS,
        )
            .into_response(),
    )
}

/// The query of a survey link.
#[derive(Deserialize)]
struct LinkQuery {
    /// The token: absent for an anonymous link.
    t: Option<String>,
    /// The score clicked in the email.
    score: Option<String>,
}

/// The reader's language as their browser states it: the first tag of `Accept-Language`.
fn browser_words(headers: &HeaderMap) -> &'static Words {
    let first = headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split([',', ';']).next())
        .unwrap_or("en");
    words(first.trim())
}

/// The product's name: `--product`, else the host name of `--public-url`; none otherwise (the
/// widget's own default then), never the request's `Host`, which the client chooses.
fn product_name(state: &AppState) -> Option<String> {
    if let Some(product) = &state.settings().product {
        return Some(product.clone());
    }
    let url = state.settings().public_url.as_deref()?;
    let host = url.split("://").nth(1).unwrap_or(url);
    let name = host.split(['/', ':']).next().unwrap_or("");
    (!name.is_empty()).then(|| name.to_owned())
}

/// A score given in the link, if it is one of `kind`'s.
fn score_in(text: Option<&str>, kind: Kind) -> Option<u8> {
    text.and_then(|score| score.parse::<u8>().ok())
        .filter(|score| kind.category(*score).is_some())
}

async fn survey_page(
    State(state): State<AppState>,
    Path(survey): Path<String>,
    query: Result<Query<LinkQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let browser = browser_words(&headers);
    if state.settings().pkg.is_none() || !is_survey_id(&survey) {
        if state.settings().pkg.is_none() {
            tracing::warn!("the hosted survey page needs --pkg (the widget package)");
        }
        return unknown_survey(browser);
    }
    let Ok(Query(query)) = query else {
        return invalid(browser);
    };
    let mut page = Map::new();
    let mut config = Map::new();
    let mut language = browser;
    let (kind, score) = match query.t.as_deref() {
        None => {
            let Some(kind) = state.settings().survey_kind(&survey) else {
                return unknown_survey(browser);
            };
            page.insert("channel".into(), json!("link"));
            (kind, score_in(query.score.as_deref(), kind))
        }
        Some(token) => {
            let now = state.now();
            let secret = match state.link_secret().await {
                Ok(secret) => secret,
                Err(error) => return storage_failed(error),
            };
            let claims = match token::verify(&secret, token, now.div_euclid(1000)) {
                Ok(claims) if claims.survey == survey => claims,
                Ok(_) | Err(token::LinkError::Malformed | token::LinkError::Tampered) => {
                    return invalid(browser)
                }
                Err(token::LinkError::Expired(_)) => {
                    return super::message(
                        StatusCode::GONE,
                        browser,
                        browser.expired_title,
                        browser.expired_text,
                    )
                }
            };
            if let Some(tag) = &claims.language {
                language = words(tag);
                config.insert("language".into(), json!(tag));
            }
            // The kind the link names (the email's), else the collector's for the survey.
            let kind = claims.kind.as_deref().and_then(Kind::from_name);
            let Some(kind) = kind.or_else(|| state.settings().survey_kind(&survey)) else {
                return unknown_survey(language);
            };
            let LinkAnswer { id, key } = links::answer_of(&secret, token);
            let stored = match state.store().answer(&id).await {
                Ok(stored) => stored,
                Err(error) => return storage_failed(error),
            };
            let answered_here = stored
                .as_ref()
                .is_some_and(|a| a.complete || a.body_type == "decline");
            let answered_elsewhere =
                match answered_recently(&state, &claims.user_id, &survey, stored.as_ref(), now)
                    .await
                {
                    Ok(answered) => answered,
                    Err(error) => return storage_failed(error),
                };
            if answered_here || answered_elsewhere {
                return super::message(
                    StatusCode::OK,
                    language,
                    language.answered_title,
                    language.answered_text,
                );
            }
            let mut user = Map::new();
            user.insert("id".into(), json!(claims.user_id));
            if let Some(email) = &claims.email {
                user.insert("email".into(), json!(email));
            }
            if let Some(secret) = &state.settings().identity_secret {
                // Good for this answer only: the page's source may be seen by others.
                let hash = identity::answer_hash(secret, &id, &claims.user_id);
                user.insert("hash".into(), json!(hash));
            }
            config.insert("user".into(), Value::Object(user));
            page.insert("channel".into(), json!("email"));
            page.insert("id".into(), json!(id));
            page.insert("key".into(), json!(key));
            // The score in the link, else the one given on an earlier view of it (the answer
            // is still open: the card shows it chosen, with the comment step).
            let earlier = stored
                .and_then(|a| a.score)
                .and_then(|score| u8::try_from(score).ok())
                .filter(|score| kind.category(*score).is_some());
            (kind, score_in(query.score.as_deref(), kind).or(earlier))
        }
    };
    if let Some(score) = score {
        page.insert("score".into(), json!(score));
    }
    let mut theme = Map::new();
    theme.insert("mode".into(), json!("auto"));
    if let Some(accent) = &state.settings().accent {
        theme.insert("accent".into(), json!(accent));
    }
    let product = product_name(&state);
    config.insert("endpoint".into(), json!("/v1/responses"));
    if let Some(product) = &product {
        config.insert("product".into(), json!(product));
    }
    config.insert("theme".into(), Value::Object(theme));
    config.insert(
        "surveys".into(),
        json!([{ "id": survey, "kind": kind.name(), "triggers": [] }]),
    );
    config.insert("page".into(), Value::Object(page));
    super::render(
        StatusCode::OK,
        "survey.html",
        context! {
            lang => language.tag,
            dir => language.dir(),
            title => product.unwrap_or_else(|| language.survey_title.to_owned()),
            noscript => language.noscript,
            config => minijinja::Value::from_safe_string(script_json(&Value::Object(config))),
        },
    )
}

/// Whether the user answered `survey` in another answer (in the app, or another link) within
/// `--resurvey-after` of `now`: the link then says thank you rather than asking again (one clock
/// across channels). Only an answer counts: a card shown and left in the app does not keep
/// a user who chose to open the link from answering. `own` is the link's answer, if stored.
async fn answered_recently(
    state: &AppState,
    user_id: &str,
    survey: &str,
    own: Option<&StoredAnswer>,
    now: i64,
) -> Result<bool, StorageError> {
    let displays = state.store().latest_displays(user_id).await?;
    let own_shown_at = own.and_then(|a| parse_timestamp(&a.effective_shown_at));
    Ok(displays.iter().any(|(id, display)| {
        id == survey
            && Some(display.shown_at) != own_shown_at
            && display.stage.outcome() == Outcome::Answered
            && state.settings().resurvey_after.add_to(display.shown_at) > now
    }))
}

/// `value` as JSON that can stand inside a `<script>` element: `<`, `>` and `&` written as
/// JSON escapes, so that no value can end the element or open a comment.
fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn unknown_survey(words: &Words) -> Response {
    super::message(
        StatusCode::NOT_FOUND,
        words,
        words.unknown_survey_title,
        words.unknown_survey_text,
    )
}

fn invalid(words: &Words) -> Response {
    super::message(
        StatusCode::BAD_REQUEST,
        words,
        words.invalid_title,
        words.invalid_text,
    )
}

/// The database could not be read: the collector's JSON error (503 with Retry-After when it is
/// unreachable), as for every other request.
fn storage_failed(error: StorageError) -> Response {
    use axum::response::IntoResponse;
    ApiError::from(error).into_response()
}
