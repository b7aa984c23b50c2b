//! Following single-page-app route changes without polling: `popstate` and `hashchange`
//! listeners, and `history.pushState` / `replaceState` wrapped to report after they run.
//! Dropping the guard removes the listeners and puts the original methods back.

use crate::prelude::*;

use super::guards::EventListener;
use alloc::rc::Rc;
use core::cell::Cell;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

const METHODS: [&str; 2] = ["pushState", "replaceState"];

/// A `history` method wrapper: calls the original (its exceptions reach the caller as they
/// would without us), then reports. `Fn`, not `FnMut`, so a report that leads host code to
/// navigate again may call it re-entrantly.
type Wrapper = Closure<dyn Fn(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>;

/// Watches route changes while alive.
#[must_use = "dropping a RouteWatch stops watching at once"]
pub struct RouteWatch {
    _listeners: [EventListener; 2],
    history: JsValue,
    /// Cleared on drop: a wrapper still reachable (see `Drop`) passes calls through silently.
    active: Rc<Cell<bool>>,
    originals: Vec<(&'static str, Function, Wrapper)>,
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
        let active = Rc::new(Cell::new(true));
        let mut originals = Vec::new();
        for name in METHODS {
            let Ok(original) =
                Reflect::get(&history, &name.into()).and_then(|f| f.dyn_into::<Function>())
            else {
                continue;
            };
            let (target, call, after, on) = (
                history.clone(),
                original.clone(),
                changed.clone(),
                active.clone(),
            );
            let wrapper: Wrapper = Closure::new(move |state, unused, url| {
                let result = call.apply(&target, &Array::of3(&state, &unused, &url))?;
                if on.get() {
                    after();
                }
                Ok(result)
            });
            if Reflect::set(&history, &name.into(), wrapper.as_ref()).is_ok() {
                originals.push((name, original, wrapper));
            }
        }
        Some(RouteWatch {
            _listeners: listeners,
            history,
            active,
            originals,
        })
    }
}

impl Drop for RouteWatch {
    fn drop(&mut self) {
        self.active.set(false);
        for (name, original, wrapper) in self.originals.drain(..) {
            let key = JsValue::from_str(name);
            let current = Reflect::get(&self.history, &key).unwrap_or(JsValue::UNDEFINED);
            if current == *wrapper.as_ref() {
                let _ = Reflect::set(&self.history, &key, &original);
            } else {
                // Another script (a router, an analytics tag) wrapped our wrapper after us and
                // calls it on every navigation: freeing it would make the host's pushState
                // throw. It stays alive as a silent pass-through instead: the one closure the
                // widget deliberately never frees, at most one per method and `init`.
                wrapper.forget();
            }
        }
    }
}
