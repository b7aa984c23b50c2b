//! Directories served over HTTP (`--www` at `/`, `--pkg` at `/nps-widget/`), with what
//! `ServeDir` alone does not guarantee:
//! - no dotfile or dot-directory is ever served (`.env`, `.git/config`, a segment starting with
//!   `.` in any spelling, `%2e` included): `404`;
//! - a path with an empty segment (`//`) or a backslash is not looked up, so that a directory
//!   redirect can never produce a scheme-relative `Location` (`//evil.example/`);
//! - the redirect from a directory to its trailing slash keeps the mount point;
//! - errors are JSON like the rest of the collector.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use percent_encoding::percent_decode_str;
use tower_http::services::ServeDir;

use crate::error::ApiError;

/// The files under `dir`, for a router to mount at `mount` (`""` for the root, else a path
/// like `"/nps-widget"` without a trailing slash).
pub fn directory(dir: &Path, mount: &str) -> Router {
    let files = ServeDir::new(dir).redirect_path_prefix(mount);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(guard))
}

/// Refuses what must not be looked up, and turns what `ServeDir` answers into the collector's
/// answers: JSON errors, and no redirect off the site.
async fn guard(request: Request, next: Next) -> Response {
    if !may_be_served(request.uri().path()) {
        return not_found();
    }
    let response = next.run(request).await;
    let status = response.status();
    if status == StatusCode::NOT_FOUND {
        return not_found();
    }
    if status == StatusCode::METHOD_NOT_ALLOWED {
        return ApiError::new(status, "method not allowed", None).into_response();
    }
    // A 304 (a browser revalidating its cached copy) is a 3xx without a Location: not a
    // redirect.
    if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
        let location = response.headers().get(LOCATION).map(|l| l.as_bytes());
        if !location.is_some_and(is_same_site_path) {
            return not_found();
        }
    }
    response
}

fn not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "not found", None).into_response()
}

/// Whether a request path (as sent, percent-encoded) may be looked up: valid UTF-8 once
/// decoded, no segment starting with `.`, no empty segment, no backslash.
fn may_be_served(path: &str) -> bool {
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return false;
    };
    may_be_served_decoded(path) && may_be_served_decoded(&decoded)
}

fn may_be_served_decoded(path: &str) -> bool {
    if path.contains("//") || path.contains('\\') {
        return false;
    }
    !path.split('/').any(|segment| segment.starts_with('.'))
}

/// Whether a `Location` is a path on this site: `/…`, never `//host…` or `/\host…` (which
/// browsers read as another host).
fn is_same_site_path(location: &[u8]) -> bool {
    matches!(location, [b'/', second, ..] if *second != b'/' && *second != b'\\')
        || location == b"/"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_empty_segments_and_backslashes_are_refused() {
        for path in [
            "/.env",
            "/.git/config",
            "/sub/.hidden/file.js",
            "/sub/.htaccess",
            "/%2eenv",
            "/%2Egit/config",
            "/sub%2f.env",
            "/sub%2F%2egit%2fconfig",
            "/..",
            "/sub/../.env",
            "/%2e%2e/etc/passwd",
            "//evil.example",
            "/sub//file.js",
            "/%2fevil.example",
            "/\\evil.example",
            "/%5cevil.example",
            "/%ff",
        ] {
            assert!(!may_be_served(path), "{path}");
        }
    }

    #[test]
    fn ordinary_paths_are_looked_up() {
        for path in [
            "/",
            "/index.html",
            "/nps-widget.js",
            "/sub/",
            "/sub/file.min.js",
            "/a%20b.txt",
            "/v1.2/app.js",
            "/%252eenv",
        ] {
            assert!(may_be_served(path), "{path}");
        }
    }

    #[test]
    fn only_same_site_paths_are_redirected_to() {
        for location in ["/", "/sub/", "/nps-widget/sub/?v=1"] {
            assert!(is_same_site_path(location.as_bytes()), "{location}");
        }
        for location in [
            "",
            "//evil.example/",
            "/\\evil.example/",
            "https://evil.example/",
        ] {
            assert!(!is_same_site_path(location.as_bytes()), "{location}");
        }
    }
}
