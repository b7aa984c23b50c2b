//! HTTP to the collector with `fetch`.

use crate::prelude::*;

use super::guards::{delay, when_settled};
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Response;

/// What the collector said about one POST.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// 2xx: stored.
    Stored,
    /// 400, 409, 413, 415 or 422: the body itself is refused (409: its key, user, kind or
    /// survey conflicts with the answer stored under its id); retrying cannot help.
    Refused(u16),
    /// Anything else, or no answer: try again later, not before `retry_after_ms` if given.
    Retry {
        /// The collector's `Retry-After`, in ms.
        retry_after_ms: Option<u32>,
        /// What went wrong.
        failure: Failure,
    },
}

/// Why a body did not reach the collector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The collector (or something in front of it) answered with this status.
    Status(u16),
    /// No response: the network, or a cross-origin request the collector's CORS refused (the
    /// browser does not say which).
    Network,
    /// No response within the time allowed.
    Timeout,
}

/// Classifies an HTTP status.
pub fn classify(status: u16, retry_after: Option<String>) -> Delivery {
    match status {
        200..=299 => Delivery::Stored,
        408 | 429 => Delivery::Retry {
            retry_after_ms: retry_after.as_deref().and_then(seconds_ms),
            failure: Failure::Status(status),
        },
        // Only statuses about the body itself drop it. A 401/403/404/405/410 is more often a
        // gateway, a deploy or a wrong endpoint than a bad answer: keep it and retry.
        400 | 409 | 413 | 415 | 422 => Delivery::Refused(status),
        _ => Delivery::Retry {
            retry_after_ms: retry_after.as_deref().and_then(seconds_ms),
            failure: Failure::Status(status),
        },
    }
}

fn seconds_ms(text: &str) -> Option<u32> {
    crate::core::text::parse_u32(text.trim_ascii()).map(|s| s.min(3600) * 1000)
}

/// How long a POST may go unanswered before it counts as "no answer" and is retried. Without
/// it, a request on a half-open connection would hold the outbox until the page closes.
const POST_TIMEOUT_MS: u32 = 10_000;

/// POSTs a JSON body; the promise is `fetch`'s (fulfilled with a `Response`, or rejected).
/// `keepalive` lets the request outlive the page (on `pagehide`).
pub fn post_json(url: &str, body: &str, keepalive: bool) -> Promise {
    // Plain objects for the init and the headers: the same request as with `RequestInit` and
    // `Headers`, with fewer imports in the glue.
    let headers = Object::new();
    set(
        &headers,
        "content-type",
        &JsValue::from_str("application/json"),
    );
    let init = Object::new();
    set(&init, "method", &JsValue::from_str("POST"));
    set(&init, "body", &JsValue::from_str(body));
    set(&init, "headers", &headers);
    if keepalive {
        set(&init, "keepalive", &JsValue::TRUE);
    } else {
        match timeout_signal(POST_TIMEOUT_MS) {
            Some(signal) => set(&init, "signal", &signal),
            // Without `AbortSignal.timeout` (Safari before 16) the request is not aborted, but
            // the round stops waiting for it after the same time (`undefined` means "retry").
            // Should it succeed late, the retry is an upsert of the same id: still one answer.
            None => {
                return Promise::race(&Array::of2(
                    &fetch(url, &init),
                    &delay(POST_TIMEOUT_MS as i32),
                ))
            }
        }
    }
    fetch(url, &init)
}

/// What a settled [`post_json`] means: a `Response` is classified by its status; anything
/// else (a rejection: network error, timeout; or the race's `undefined`) is retried.
pub fn delivery(settled: JsValue) -> Delivery {
    let settled = match settled.dyn_into::<Response>() {
        Ok(response) => {
            return classify(
                response.status(),
                response.headers().get("retry-after").ok().flatten(),
            )
        }
        Err(settled) => settled,
    };
    // `AbortSignal.timeout` rejects with a "TimeoutError"; a failed fetch with a TypeError.
    let name = js_sys::Reflect::get(&settled, &JsValue::from_str("name"))
        .ok()
        .and_then(|name| name.as_string());
    let failure = if settled.is_undefined() || name.as_deref() == Some("TimeoutError") {
        Failure::Timeout
    } else {
        Failure::Network
    };
    Delivery::Retry {
        retry_after_ms: None,
        failure,
    }
}

/// GETs a JSON document, giving up after `timeout_ms`, and calls `done`, always
/// asynchronously, with it. A failure or non-2xx gives `None`; a body that cannot be read as
/// JSON gives its rejection reason (an `Error`, which has none of the document's fields).
pub fn get_json(url: &str, timeout_ms: u32, done: impl FnOnce(Option<JsValue>) + 'static) {
    let fetched = match timeout_signal(timeout_ms) {
        Some(signal) => {
            let init = Object::new();
            set(&init, "method", &JsValue::from_str("GET"));
            set(&init, "signal", &signal);
            fetch(url, &init)
        }
        None => Promise::resolve(&JsValue::UNDEFINED),
    };
    when_settled(&fetched, move |response| {
        let json = response
            .dyn_into::<Response>()
            .ok()
            .filter(Response::ok)
            .and_then(|r| r.json().ok());
        match json {
            Some(json) => when_settled(&json, move |value| done(Some(value))),
            None => done(None),
        }
    });
}

/// `fetch(url, init)`, always a promise: the page's `fetch` may be a host's wrapper that
/// throws (then the promise is rejected with what it threw) or returns something else than a
/// promise (then it is fulfilled with that: not a `Response`, so a failed try).
fn fetch(url: &str, init: &Object) -> Promise {
    match global_fetch(url, init) {
        Ok(value) => Promise::resolve(&value),
        Err(thrown) => Promise::reject(&thrown),
    }
}

/// The absolute URL of `url` (relative to the page) and its origin; `url` itself where it
/// cannot be parsed.
pub fn absolute(url: &str) -> (String, String) {
    let base = super::guards::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    match Url::new(url, &base) {
        Ok(parsed) => (parsed.href(), parsed.origin()),
        Err(_) => (url.into(), String::new()),
    }
}

#[wasm_bindgen]
extern "C" {
    /// `URL`, with the two getters used here.
    #[wasm_bindgen(js_name = URL)]
    type Url;
    #[wasm_bindgen(constructor, catch, js_class = URL)]
    fn new(url: &str, base: &str) -> Result<Url, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn href(this: &Url) -> String;
    #[wasm_bindgen(method, getter)]
    fn origin(this: &Url) -> String;
    /// The page's `fetch`, as it is when called.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> Result<JsValue, JsValue>;

    /// `AbortSignal.timeout(ms)`; an error where the browser lacks it.
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_signal_timeout(ms: u32) -> Result<JsValue, JsValue>;
}

/// `AbortSignal.timeout(ms)`: the browser aborts the request; no timer of ours to clean up.
/// `None` where the browser lacks it.
fn timeout_signal(ms: u32) -> Option<JsValue> {
    abort_signal_timeout(ms).ok()
}

fn set(object: &Object, key: &str, value: &JsValue) {
    super::guards::reflect_set(object, key, value);
}
