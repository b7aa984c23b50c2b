//! Logging: `tracing` events written to stderr, filtered by `RUST_LOG` (default `info`), one
//! line per request, and the cause of each internal error.
//!
//! What is logged of a request is its method, path (never the query string), status and
//! latency: never a body, a header (`Authorization` included) or a secret.

use std::time::Duration;

use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, ServerErrorsFailureClass, SharedClassifier};
use tower_http::trace::{MakeSpan, OnFailure, OnResponse, TraceLayer};
use tracing::Span;
use tracing_subscriber::filter::{EnvFilter, LevelFilter};

/// Sends `tracing` events to stderr, filtered by `RUST_LOG` (`info` when unset; directives it
/// cannot read are skipped). Call once, at start-up.
pub fn init() {
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env_lossy();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// The cause of a `500`, carried in the response's extensions from where it happened to the
/// request log, which writes it. The client never sees it.
#[derive(Clone, Debug)]
pub struct InternalErrorCause(pub String);

/// The request log: the layer that writes one line per request.
pub type RequestLogLayer = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    RequestSpan,
    (),
    LogResponse,
    (),
    (),
    LogStreamFailure,
>;

/// One line per request, in a `request{method path}` span: `status` and `latency` at `info`
/// (`error` with the cause for a 5xx), and an `error` line if a response body fails midway.
pub fn request_log_layer() -> RequestLogLayer {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(LogResponse)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(LogStreamFailure)
}

/// Makes the span `request{method=… path=…}` around everything logged for one request.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.uri().path(),
        )
    }
}

/// Logs the status and latency of a response, and the cause of an internal error.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogResponse;

impl<B> OnResponse<B> for LogResponse {
    fn on_response(self, response: &Response<B>, latency: Duration, _span: &Span) {
        let status = response.status().as_u16();
        let latency = Millis(latency);
        let cause = response.extensions().get::<InternalErrorCause>();
        if let Some(InternalErrorCause(cause)) = cause {
            tracing::error!(status, %latency, cause = %cause, "response");
        } else if response.status().is_server_error() {
            tracing::error!(status, %latency, "response");
        } else {
            tracing::info!(status, %latency, "response");
        }
    }
}

/// Logs a response body that failed after its head was sent. A 5xx status is already logged by
/// [`LogResponse`].
#[derive(Clone, Copy, Debug, Default)]
pub struct LogStreamFailure;

impl OnFailure<ServerErrorsFailureClass> for LogStreamFailure {
    fn on_failure(&mut self, failure: ServerErrorsFailureClass, latency: Duration, _span: &Span) {
        if let ServerErrorsFailureClass::Error(error) = failure {
            tracing::error!(%error, latency = %Millis(latency), "response body failed");
        }
    }
}

/// A latency written as milliseconds with one decimal: `1.2ms`.
struct Millis(Duration);

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1}ms", self.0.as_secs_f64() * 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex, PoisonError};

    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;

    use super::*;

    /// Everything logged while `run` runs on this thread, as the fmt subscriber writes it.
    async fn logged(run: impl std::future::Future<Output = ()>) -> String {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Sink(sink.clone()))
            .with_max_level(tracing::Level::TRACE)
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        run.await;
        let bytes = buffer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        String::from_utf8(bytes).unwrap()
    }

    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut buffer = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            buffer.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn router() -> Router {
        let failing = || async {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            let cause = InternalErrorCause("disk I/O error".to_owned());
            response.extensions_mut().insert(cause);
            response
        };
        Router::new()
            .route("/ok", post(|| async { StatusCode::ACCEPTED }))
            .route("/fail", post(failing))
            .layer(request_log_layer())
    }

    async fn send(path: &str) {
        let request = Request::post(path)
            .header("authorization", "Bearer tok_very_secret")
            .header("cookie", "session=cookie_secret")
            .body(Body::from("body_secret"))
            .unwrap();
        router().oneshot(request).await.unwrap();
    }

    #[tokio::test]
    async fn one_line_per_request_with_method_path_status_and_latency() {
        let log = logged(send("/ok?t=query_secret")).await;
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 1, "{log}");
        let line = lines[0];
        assert!(
            line.contains(" INFO request{method=POST path=/ok}: "),
            "{line}"
        );
        assert!(line.contains(" status=202 latency="), "{line}");
        assert!(line.ends_with("ms"), "{line}");
    }

    #[tokio::test]
    async fn an_internal_error_is_logged_with_its_cause() {
        let log = logged(send("/fail")).await;
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 1, "{log}");
        let line = lines[0];
        assert!(
            line.contains(" ERROR request{method=POST path=/fail}: "),
            "{line}"
        );
        assert!(line.contains("status=500"), "{line}");
        assert!(line.contains("cause=disk I/O error"), "{line}");
    }

    #[tokio::test]
    async fn no_query_header_body_or_secret_is_logged() {
        let log = logged(async {
            send("/ok?t=query_secret").await;
            send("/fail?t=query_secret").await;
        })
        .await;
        assert!(!log.is_empty());
        for secret in [
            "query_secret",
            "tok_very_secret",
            "cookie_secret",
            "body_secret",
        ] {
            assert!(!log.contains(secret), "{secret} in {log}");
        }
        assert!(!log.to_ascii_lowercase().contains("authorization"), "{log}");
    }
}
