//! Small RAII guards for timers and event listeners (what gloo-timers and gloo-events gave,
//! without their std dependency), promise callbacks (in place of wasm-bindgen-futures), and a
//! global for the single wasm thread.

use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::RefCell;
use js_sys::{Function, Object, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;

    /// DOM calls that cannot throw with the constant tags, attribute names and selectors the
    /// card uses: bound without web-sys's `catch`, which costs a wrapper in the glue and an
    /// exception check at every call in the wasm.
    #[wasm_bindgen(extends = web_sys::Element)]
    pub type Dom;
    /// `element.setAttribute(name, value)`.
    #[wasm_bindgen(method, js_name = setAttribute)]
    pub fn set_attribute(this: &Dom, name: &str, value: &str);
    /// `style.setProperty(name, value)` on an element's own (writable) style.
    #[wasm_bindgen(method, js_name = setProperty)]
    pub fn set_property(this: &Dom, name: &str, value: &str);
    /// `element.focus()`.
    #[wasm_bindgen(method)]
    pub fn focus(this: &Dom);
    /// `document.createElement(tag)`.
    #[wasm_bindgen(method, js_name = createElement)]
    pub fn create_element(this: &Dom, tag: &str) -> web_sys::Element;
    /// `node.appendChild(child)` for a child just created.
    #[wasm_bindgen(method, js_name = appendChild)]
    pub fn append_child(this: &Dom, child: &web_sys::Node);
    /// `node.querySelector(selectors)`.
    #[wasm_bindgen(method, js_name = querySelector)]
    pub fn query_selector(this: &Dom, selectors: &str) -> Option<web_sys::Element>;
    /// `element.closest(selectors)`.
    #[wasm_bindgen(method)]
    pub fn closest(this: &Dom, selectors: &str) -> Option<web_sys::Element>;
    /// `Reflect.set` on a plain object (cannot throw).
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    pub fn reflect_set(target: &JsValue, key: &str, value: &JsValue);

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, timeout: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    /// An `EventTarget`, with the two methods used here.
    #[wasm_bindgen(extends = EventTarget)]
    type Target;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_listener(this: &Target, kind: &str, listener: &Function, options: &JsValue);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_listener(this: &Target, kind: &str, listener: &Function);

    /// A `Promise`, with a `then` that takes any two functions and a constructor that takes
    /// any function (see [`promise`]).
    #[wasm_bindgen(extends = Promise, js_name = Promise)]
    type Thenable;
    /// `new Promise(executor)`.
    #[wasm_bindgen(constructor, js_class = Promise)]
    fn new(executor: &JsValue) -> Thenable;
    /// `promise.then(onFulfilled, onRejected)`, its result unused.
    #[wasm_bindgen(method, js_name = then)]
    fn then2(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue);
}

/// A one-argument callback called from JavaScript.
type Callback = Closure<dyn FnMut(JsValue) -> JsValue>;

/// A JavaScript function that runs `f` on its first call. Its `Closure::once` owns itself
/// until then: it is dropped when that call returns (wasm-bindgen frees it after the call), so
/// nothing is leaked once it ran, and nothing of ours needs to hold it meanwhile.
pub fn once_fn(f: Box<dyn FnOnce(JsValue) -> JsValue>) -> JsValue {
    let slot: Rc<RefCell<Option<Callback>>> = Rc::default();
    let owner = slot.clone();
    let closure = Closure::once(move |value| {
        let result = f(value);
        drop(owner.borrow_mut().take());
        result
    });
    let function = closure.as_ref().clone();
    *slot.borrow_mut() = Some(closure);
    function
}

/// Calls `then` once, always asynchronously, with the value `promise` fulfils to or the reason
/// it is rejected with (callers tell them apart by type). With wasm-bindgen-futures'
/// executor and `JsFuture` gone, these few callbacks cost less wasm than `async` code.
pub fn when_settled(promise: &Promise, then: impl FnOnce(JsValue) + 'static) {
    let then = once_fn(Box::new(move |value| {
        then(value);
        JsValue::UNDEFINED
    }));
    // The promise settles once, so only one of the two calls happens.
    promise.unchecked_ref::<Thenable>().then2(&then, &then);
}

/// A promise that `start` (called at once) settles by calling the `resolve` it is given. Its
/// executor is a [`once_fn`] callback like the others, rather than `Promise::new`'s borrowed
/// closure, whose own glue and invoke shim would cost more than this.
pub fn promise(start: impl FnOnce(Function) + 'static) -> Promise {
    let executor = once_fn(Box::new(move |resolve| {
        start(resolve.unchecked_into());
        JsValue::UNDEFINED
    }));
    Thenable::new(&executor).unchecked_into()
}

/// A promise fulfilled after `ms`: the browser's timer holds only the promise's own `resolve`,
/// so there is nothing of ours to clean up.
pub fn delay(ms: i32) -> Promise {
    promise(move |resolve| {
        set_timeout(&resolve, ms);
    })
}

/// [`when_settled`] on a promise already fulfilled with `undefined`: runs `then` in a
/// microtask, once the script that is running (a command, the loader's replay of the queue)
/// has returned.
pub fn soon(then: impl FnOnce(JsValue) + 'static) {
    when_settled(&Promise::resolve(&JsValue::UNDEFINED), then);
}

/// `globalThis`: `js_sys::global()` without its fallbacks for hosts that lack it (every
/// browser that runs this module has it).
pub fn global() -> JsValue {
    GLOBAL_THIS.with(JsValue::clone)
}

/// The page's `window`, as `web_sys::window()` finds it.
pub fn window() -> Option<web_sys::Window> {
    global().dyn_into().ok()
}

/// Calls a function once after a delay, unless dropped first.
#[must_use = "dropping a Timeout cancels it at once"]
pub struct Timeout {
    id: JsValue,
    _callback: Callback,
}

impl Timeout {
    /// Schedules `callback` in `millis` ms.
    pub fn new(millis: u32, callback: impl FnOnce() + 'static) -> Timeout {
        Timeout::boxed(millis, Box::new(callback))
    }

    /// [`Timeout::new`] for a boxed callback: one copy of the closure glue for all timers.
    fn boxed(millis: u32, callback: Box<dyn FnOnce()>) -> Timeout {
        // The one callback type of this module, for all closures (one invoke shim in the glue).
        let callback: Callback = Closure::once(move |_| {
            callback();
            JsValue::UNDEFINED
        });
        let id = set_timeout(callback.as_ref().unchecked_ref(), millis as i32);
        Timeout {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// An event listener (bubble phase), removed when dropped.
#[must_use = "dropping an EventListener removes it at once"]
pub struct EventListener {
    target: EventTarget,
    kind: &'static str,
    callback: Callback,
}

impl EventListener {
    /// Listens for `kind` events on `target`. Passive (the default of gloo-events) unless the
    /// callback needs `preventDefault`.
    pub fn new(
        target: &EventTarget,
        kind: &'static str,
        passive: bool,
        callback: impl FnMut(&Event) + 'static,
    ) -> EventListener {
        EventListener::boxed(target, kind, passive, Box::new(callback))
    }

    /// [`EventListener::new`] for a boxed callback: one copy of the closure glue for all.
    fn boxed(
        target: &EventTarget,
        kind: &'static str,
        passive: bool,
        mut callback: Box<dyn FnMut(&Event)>,
    ) -> EventListener {
        let callback = Callback::new(move |event: JsValue| {
            callback(event.unchecked_ref());
            JsValue::UNDEFINED
        });
        let options = Object::new();
        reflect_set(&options, "passive", &JsValue::from_bool(passive));
        target.unchecked_ref::<Target>().add_listener(
            kind,
            callback.as_ref().unchecked_ref(),
            &options,
        );
        EventListener {
            target: target.clone(),
            kind,
            callback,
        }
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        self.target
            .unchecked_ref::<Target>()
            .remove_listener(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// A `static` for the single thread of wasm32-unknown-unknown (built without `atomics`), in
/// place of `thread_local!`, which needs std.
pub struct Global<T>(T);

// SAFETY: this target has one thread (no `atomics` target feature, checked below), so a
// `Global` is never shared between threads.
unsafe impl<T> Sync for Global<T> {}

#[cfg(target_feature = "atomics")]
compile_error!("web::guards::Global assumes a single-threaded wasm target");

impl<T> Global<T> {
    /// A global holding `value`.
    pub const fn new(value: T) -> Global<T> {
        Global(value)
    }

    /// Runs `f` with the value (the `thread_local!` `LocalKey::with` shape).
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}
