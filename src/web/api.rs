//! The exported JavaScript API: one entry point, `command(name, args)`, behind both the script
//! tag's `nps(name, ...args)` queue and the methods of the object `init` resolves to. Nothing
//! thrown here reaches the host page: errors are logged with an `nps-widget:` prefix.

use crate::prelude::*;

use super::convert::to_value;
use super::events::{self, payload, raise, EVENT_NAMES};
use super::guards::{soon, Global};
use super::owner::run;
use super::resume::Resume;
use super::widget::{Handle, Widget};
use crate::core::config::{parse_config, parse_user};
use crate::core::error::Error;
use alloc::rc::Rc;
use core::cell::RefCell;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

static CURRENT: Global<RefCell<Option<Handle>>> = Global::new(RefCell::new(None));
/// Commands called before the first successful `init`, replayed in order after it.
static BEFORE_INIT: Global<RefCell<Vec<(String, Array)>>> = Global::new(RefCell::new(Vec::new()));

/// Most commands kept while waiting for `init`.
const MAX_BEFORE_INIT: usize = 100;

/// Runs one command (`init`, `identify`, `track`, `show`, `hide`, `reset`, `consent`, `on`,
/// `off`, `destroy`) with its arguments. Returns nothing; problems are logged to the console.
#[wasm_bindgen]
pub fn command(name: &JsValue, args: &Array) {
    if let Err(error) = dispatch(name, args) {
        web_sys::console::error_1(&error.message().into());
    }
    events::deliver();
}

/// The open card's shadow root, or `null` (for tests and tooling).
#[wasm_bindgen(js_name = shadowRoot)]
pub fn shadow_root() -> JsValue {
    current()
        .and_then(|w| w.peek(Widget::shadow_root).flatten())
        .map_or(JsValue::NULL, Into::into)
}

fn current() -> Option<Handle> {
    CURRENT.with(|c| c.borrow().clone())
}

fn replace(widget: Option<Handle>) {
    // Take the old widget out first: dropping it removes its card and listeners.
    let old = CURRENT.with(|c| c.replace(None));
    drop(old);
    CURRENT.with(|c| *c.borrow_mut() = widget);
}

fn misuse(command: &str, expected: &'static str) -> Error {
    Error::Command {
        command: command.into(),
        expected,
    }
}

fn dispatch(name: &JsValue, args: &Array) -> Result<(), Error> {
    let name = name
        .as_string()
        .ok_or_else(|| misuse("nps", "needs a command name such as \"init\""))?;
    let arg = args.get(0);
    match name.as_str() {
        "init" => {
            replace(None);
            let config = parse_config(&to_value(&arg)).inspect_err(|error| {
                BEFORE_INIT.with(|q| q.borrow_mut().clear());
                // As an `error` event too, after the rest of the queue has run (the snippet
                // adds its listeners after `init`).
                let message = error.message();
                soon(move |_| {
                    raise("error", payload(&[("message", message.into())]));
                    events::deliver();
                });
            })?;
            // From the module's own `init` (src/js/index.js): the config's fingerprint, and
            // what a quiet page view did before handing over, if it did.
            let fingerprint = args.get(1).as_string();
            let resume = Resume::from_js(&args.get(2));
            replace(Some(Widget::start(config, fingerprint, resume)));
            for (name, args) in BEFORE_INIT.with(|q| core::mem::take(&mut *q.borrow_mut())) {
                if let Err(error) = dispatch(&JsValue::from_str(&name), &args) {
                    web_sys::console::error_1(&error.message().into());
                }
            }
            Ok(())
        }
        "destroy" => {
            replace(None);
            BEFORE_INIT.with(|q| q.borrow_mut().clear());
            events::clear();
            Ok(())
        }
        "on" | "off" => {
            let event = arg
                .as_string()
                .filter(|e| EVENT_NAMES.contains(&e.as_str()));
            let listener = args.get(1).dyn_into::<Function>().ok();
            let (Some(event), Some(listener)) = (event, listener) else {
                return Err(misuse(&name, "needs an event name (shown, score, response, dismissed, ineligible, error) and a function"));
            };
            if name == "on" {
                events::on(event, listener);
            } else {
                events::off(&event, &listener);
            }
            Ok(())
        }
        "show" => {
            let field = |key: &str| Reflect::get(&arg, &key.into()).ok();
            let force = field("force").and_then(|f| f.as_bool()).unwrap_or(false);
            let survey = field("survey").filter(|s| !s.is_undefined() && !s.is_null());
            let survey = match survey.map(|s| s.as_string()) {
                Some(None) => {
                    return Err(misuse(&name, "needs { survey: 'survey id' } or no survey"))
                }
                Some(Some(id)) => Some(id),
                None => None,
            };
            on_widget_or_later(&name, args, move |w| w.show(survey.as_deref(), force))
        }
        "hide" => on_widget_or_later(&name, args, Widget::hide),
        "reset" => on_widget_or_later(&name, args, Widget::reset),
        "track" => {
            let event = arg
                .as_string()
                .filter(|e| !e.is_empty())
                .ok_or_else(|| misuse(&name, "needs an event name string"))?;
            on_widget_or_later(&name, args, move |w| w.track(&event))
        }
        "consent" => {
            let granted = arg
                .as_bool()
                .ok_or_else(|| misuse(&name, "needs true or false"))?;
            on_widget_or_later(&name, args, move |w| w.consent(granted))
        }
        "identify" => {
            let user = parse_user(&to_value(&arg))?;
            on_widget_or_later(&name, args, move |w| w.identify(user))
        }
        _ => Err(misuse(&name, "is not a command")),
    }
}

/// Runs `f` on the current widget; before the first `init`, keeps the call for later.
fn on_widget_or_later(
    name: &str,
    args: &Array,
    f: impl FnOnce(&mut Widget) + 'static,
) -> Result<(), Error> {
    match current() {
        Some(widget) => {
            run(&Rc::downgrade(&widget), f);
            Ok(())
        }
        None => BEFORE_INIT.with(|q| {
            let mut queue = q.borrow_mut();
            if queue.len() >= MAX_BEFORE_INIT {
                return Err(misuse(
                    name,
                    "was called too many times before init(config); call init first",
                ));
            }
            queue.push((name.into(), args.clone()));
            Ok(())
        }),
    }
}
