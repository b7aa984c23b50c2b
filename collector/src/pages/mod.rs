//! The pages the collector hosts for the people it surveys (not its admins): the survey page
//! of a link, the friendly pages of a link that cannot be used, and the unsubscribe page. They
//! are HTML templates (`collector/pages/`, built into the binary) rendered with minijinja,
//! which escapes every value; they run under a strict content security policy (no inline
//! script or style), in the reader's language ([`words`]).

pub mod survey;
pub mod words;

use std::sync::LazyLock;

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use minijinja::{context, Environment, Value};

use crate::state::AppState;
pub use words::Words;

/// The policy of every hosted page: the collector's own scripts (and the widget's WebAssembly),
/// styles and requests, nothing inline, never framed.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PAGE_CSS: &str = include_str!("../../pages/page.css");

/// The templates, parsed once.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        ("base.html", include_str!("../../pages/base.html")),
        ("message.html", include_str!("../../pages/message.html")),
        ("survey.html", include_str!("../../pages/survey.html")),
        (
            "unsubscribe.html",
            include_str!("../../pages/unsubscribe.html"),
        ),
    ] {
        // The templates are part of the binary and tested: one that does not parse is a bug
        // caught by the tests, not an input.
        env.add_template(name, source)
            .unwrap_or_else(|error| panic!("template {name}: {error}"));
    }
    env
});

/// The routes of the hosted pages' assets.
pub fn routes() -> Router<AppState> {
    survey::routes().route(
        "/s/page.css",
        get(|| async {
            protect(([(CONTENT_TYPE, "text/css; charset=utf-8")], PAGE_CSS).into_response())
        }),
    )
}

/// `template` rendered with `context`, as a page with `status`.
pub fn render(status: StatusCode, template: &str, context: Value) -> Response {
    match TEMPLATES
        .get_template(template)
        .and_then(|t| t.render(context))
    {
        Ok(html) => {
            protect((status, [(CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
        }
        Err(error) => {
            tracing::error!(%error, template, "a hosted page could not be rendered");
            protect(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the page could not be shown",
                )
                    .into_response(),
            )
        }
    }
}

/// A page that says one thing: `title` and `text`, in the language of `words`.
pub fn message(status: StatusCode, words: &Words, title: &str, text: &str) -> Response {
    render(
        status,
        "message.html",
        context! { lang => words.tag, dir => words.dir(), title, text },
    )
}

/// The headers of every hosted page: its policy, no framing or sniffing, no referrer (the
/// address holds the link's token), no caching (a page may name the user).
pub fn protect(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_values_are_escaped() {
        let words = words::words("en");
        let response = message(StatusCode::OK, words, "<b>1 & 2</b>", "\"quoted\"");
        assert_eq!(response.status(), StatusCode::OK);
        let html = TEMPLATES
            .get_template("message.html")
            .unwrap()
            .render(context! { lang => "en", dir => "ltr", title => "<b>", text => "x" })
            .unwrap();
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("style="), "no inline style: {html}");
    }
}
