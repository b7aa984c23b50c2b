//! Following single-page-app route changes without polling: `popstate` and `hashchange`
//! listeners, and `history.pushState` / `replaceState` wrapped to report after they run.
//! Dropping the guard removes the listeners and puts the original methods back.

use crate::prelude::*;

use super::guards::EventListener;
use js_sys::{Array, Function, Reflect};
use alloc::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

const METHODS: [&str; 2] = ["pushState", "replaceState"];

/// Watches route changes while alive.
pub struct RouteWatch {
    _listeners: [EventListener; 2],
    history: JsValue,
    originals: Vec<(&'static str, Function, Closure<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>)>,
}

impl RouteWatch {
    /// Calls `changed` after every route change.
    pub fn new(changed: Rc<dyn Fn()>) -> Option<RouteWatch> {
        let window = super::guards::window()?;
        let history = Reflect::get(&window, &"history".into()).ok()?;
        let on_pop = changed.clone();
        let on_hash = changed.clone();
        let listeners = [
            EventListener::new(&window, "popstate", true, move |_| on_pop()),
            EventListener::new(&window, "hashchange", true, move |_| on_hash()),
        ];
        let mut originals = Vec::new();
        for name in METHODS {
            let Ok(original) = Reflect::get(&history, &name.into()).and_then(|f| f.dyn_into::<Function>()) else { continue };
            let (target, call, after) = (history.clone(), original.clone(), changed.clone());
            let wrapper = Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> JsValue>::new(move |state, unused, url| {
                let result = call.apply(&target, &Array::of3(&state, &unused, &url)).unwrap_or(JsValue::UNDEFINED);
                after();
                result
            });
            if Reflect::set(&history, &name.into(), wrapper.as_ref()).is_ok() {
                originals.push((name, original, wrapper));
            }
        }
        Some(RouteWatch { _listeners: listeners, history, originals })
    }
}

impl Drop for RouteWatch {
    fn drop(&mut self) {
        for (name, original, wrapper) in &self.originals {
            // Restore only if nobody wrapped our wrapper meanwhile; otherwise theirs would break.
            let key = JsValue::from_str(name);
            let current = Reflect::get(&self.history, &key).unwrap_or(JsValue::UNDEFINED);
            if current == *wrapper.as_ref() {
                let _ = Reflect::set(&self.history, &key, original);
            }
        }
    }
}
