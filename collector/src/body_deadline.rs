//! The request body deadline: once its head is in, a request has `Settings::body_timeout` to
//! deliver its whole body. A handler still waiting for the body then gets an error from it,
//! and the client gets `408` with a JSON error, and the connection is closed.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::CONNECTION;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, SizeHint};
use tower_http::timeout::{DeadlineBody, TimeoutError};

use crate::error::ApiError;

/// Middleware: gives the request body a deadline of `timeout` and answers `408` if the handler
/// ran into it. A request without a body is left alone.
pub async fn limit_body_time(
    State(timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let expired = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        Body::new(WatchedDeadline {
            body: Box::pin(DeadlineBody::new(timeout, body)),
            expired: expired.clone(),
        })
    });
    let response = next.run(request).await;
    if !expired.load(Ordering::Relaxed) {
        return response;
    }
    let message = format!("the body did not arrive within {} s", timeout.as_secs_f64());
    let mut response =
        ApiError::new(StatusCode::REQUEST_TIMEOUT, message, Some("body")).into_response();
    // What is left of the body would be read as the next request.
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A body under a deadline that notes whether the deadline ended it.
struct WatchedDeadline {
    body: Pin<Box<DeadlineBody<Body>>>,
    expired: Arc<AtomicBool>,
}

impl HttpBody for WatchedDeadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let frame = ready!(self.body.as_mut().poll_frame(cx));
        if let Some(Err(error)) = &frame {
            if error.is::<TimeoutError>() {
                self.expired.store(true, Ordering::Relaxed);
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
