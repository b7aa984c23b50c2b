//! HTTP to the collector with `fetch`.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// What the collector said about one POST.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// 2xx: stored.
    Stored,
    /// A 4xx other than 408/429: the body itself is refused; retrying cannot help.
    Refused(u16),
    /// Anything else, or no answer: try again later, not before `retry_after_ms` if given.
    Retry {
        /// The collector's `Retry-After`, in ms.
        retry_after_ms: Option<u32>,
    },
}

/// Classifies an HTTP status.
pub fn classify(status: u16, retry_after: Option<String>) -> Delivery {
    match status {
        200..=299 => Delivery::Stored,
        408 | 429 => Delivery::Retry { retry_after_ms: retry_after.as_deref().and_then(seconds_ms) },
        400..=499 => Delivery::Refused(status),
        _ => Delivery::Retry { retry_after_ms: retry_after.as_deref().and_then(seconds_ms) },
    }
}

fn seconds_ms(text: &str) -> Option<u32> {
    text.trim().parse::<u32>().ok().map(|s| s.min(3600) * 1000)
}

/// POSTs a JSON body. `keepalive` lets the request outlive the page (on `pagehide`).
pub async fn post_json(url: &str, body: &str, keepalive: bool) -> Delivery {
    let retry = Delivery::Retry { retry_after_ms: None };
    let Some(window) = web_sys::window() else { return retry };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    if let Ok(headers) = Headers::new() {
        let _ = headers.set("content-type", "application/json");
        init.set_headers(&headers);
    }
    if keepalive {
        let _ = Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE);
    }
    match JsFuture::from(window.fetch_with_str_and_init(url, &init)).await {
        Ok(response) => match response.dyn_into::<Response>() {
            Ok(response) => classify(response.status(), response.headers().get("retry-after").ok().flatten()),
            Err(_) => retry,
        },
        Err(_) => retry,
    }
}

/// GETs a JSON document, giving up after `timeout_ms`. `None` on any failure or non-2xx.
pub async fn get_json(url: &str, timeout_ms: u32) -> Option<JsValue> {
    let window = web_sys::window()?;
    let init = RequestInit::new();
    init.set_method("GET");
    // AbortSignal.timeout(): the browser aborts the request; no timer of ours to clean up.
    let abort_signal = Reflect::get(&js_sys::global(), &JsValue::from_str("AbortSignal")).ok()?;
    let timeout = Reflect::get(&abort_signal, &JsValue::from_str("timeout")).ok()?.dyn_into::<js_sys::Function>().ok()?;
    if let Ok(signal) = timeout.call1(&abort_signal, &JsValue::from(timeout_ms)) {
        let _ = Reflect::set(&init, &JsValue::from_str("signal"), &signal);
    }
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.json().ok()?).await.ok()
}
