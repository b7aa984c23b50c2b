//! Web Locks, for the two things tabs of one browser must not do at the same time: show the
//! card to the same user (lock `nps-widget:show:{user key}`) and deliver the outbox (lock
//! `nps-widget:outbox`). One helper for both, with the same fallback: where a document has no
//! Web Locks (an old browser, an insecure context, a sandboxed frame), the work is done
//! without one rather than never.

use alloc::boxed::Box;
use js_sys::Promise;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use super::events::payload;
use super::guards::{once_fn, when_settled};

#[wasm_bindgen]
extern "C" {
    /// The page's `LockManager` (Web Locks).
    type LockManager;
    /// The page's `Navigator`, with the one getter used here.
    type LockNavigator;
    /// `navigator.locks`: `None` where the browser has no Web Locks (or outside a secure context).
    #[wasm_bindgen(method, getter)]
    fn locks(this: &LockNavigator) -> Option<LockManager>;
    /// `locks.request(name, options, callback)`: the promise settles once the callback's result
    /// does, after the lock is released.
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &JsValue,
    ) -> Result<Promise, JsValue>;
}

/// Asks for the lock `name`. Once it is ours, `inside(true)` runs; the lock is held until the
/// value it returns settles (a promise holds it longer). With `if_available`, when another tab
/// holds the lock, `inside(false)` runs instead and nothing waits. Then `after(true)` runs.
/// Neither runs from within this call.
///
/// Without Web Locks (or when the request throws), `inside` never runs and `after(false)` runs
/// at once, within this call: the caller goes on without the lock (callers reach their owner
/// through `owner::run`, which runs them right after the call under way). When the request is
/// refused later (no Web Locks for this document), `after(false)` runs then.
pub fn with_lock(
    name: &str,
    if_available: bool,
    inside: Box<dyn FnOnce(bool) -> JsValue>,
    after: Box<dyn FnOnce(bool)>,
) {
    let Some(locks) = web_locks() else {
        return after(false);
    };
    let inside = once_fn(Box::new(move |lock: JsValue| inside(!lock.is_null())));
    let options = if if_available {
        payload(&[("ifAvailable", JsValue::TRUE)])
    } else {
        JsValue::UNDEFINED
    };
    match locks.request(name, &options, &inside) {
        // A request rejected with an error: no Web Locks for this document.
        Ok(done) => when_settled(&done, move |settled| {
            after(!settled.is_instance_of::<js_sys::Error>())
        }),
        Err(_) => after(false),
    }
}

/// `navigator.locks`, where the browser has Web Locks.
fn web_locks() -> Option<LockManager> {
    super::guards::window()?
        .navigator()
        .unchecked_ref::<LockNavigator>()
        .locks()
}
