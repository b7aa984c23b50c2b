//! `on`/`off` listeners and event delivery. Events raised while the widget is busy are queued
//! and delivered by [`deliver`] once it is idle, so a listener may call any command.

use crate::prelude::*;

use super::guards::Global;
use core::cell::RefCell;
use js_sys::{Function, Object};
use wasm_bindgen::JsValue;

/// Names accepted by `on` and `off`.
pub const EVENT_NAMES: [&str; 6] = [
    "shown",
    "score",
    "response",
    "dismissed",
    "ineligible",
    "error",
];

static LISTENERS: Global<RefCell<Vec<(String, Function)>>> = Global::new(RefCell::new(Vec::new()));
static PENDING: Global<RefCell<Vec<(&'static str, JsValue)>>> =
    Global::new(RefCell::new(Vec::new()));

/// Adds a listener.
pub fn on(name: String, listener: Function) {
    LISTENERS.with(|l| l.borrow_mut().push((name, listener)));
}

/// Removes a listener added with the same name and function.
pub fn off(name: &str, listener: &Function) {
    LISTENERS.with(|l| {
        l.borrow_mut()
            .retain(|(n, f)| !(n == name && f == listener))
    });
}

/// Removes every listener.
pub fn clear() {
    LISTENERS.with(|l| l.borrow_mut().clear());
    PENDING.with(|p| p.borrow_mut().clear());
}

/// Queues an event for delivery.
pub fn raise(name: &'static str, payload: JsValue) {
    PENDING.with(|p| p.borrow_mut().push((name, payload)));
}

/// Calls the listeners of every queued event. A listener that throws is logged and skipped.
pub fn deliver() {
    loop {
        let pending = PENDING.with(|p| core::mem::take(&mut *p.borrow_mut()));
        if pending.is_empty() {
            return;
        }
        for (name, payload) in pending {
            // Copied first: a listener may add or remove listeners. A plain loop: less code.
            let mut listeners: Vec<Function> = Vec::new();
            LISTENERS.with(|l| {
                for (n, f) in l.borrow().iter() {
                    if *n == name {
                        listeners.push(f.clone());
                    }
                }
            });
            for listener in listeners {
                if let Err(error) = listener.call1(&JsValue::UNDEFINED, &payload) {
                    let message =
                        crate::core::text::concat(&["nps-widget: a `", name, "` listener threw"]);
                    web_sys::console::error_2(&message.into(), &error);
                }
            }
        }
    }
}

/// A plain object from key/value pairs.
pub fn payload(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        super::guards::reflect_set(&object, key, value);
    }
    object.into()
}
