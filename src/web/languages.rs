//! Loading a language's texts. English is compiled in; other languages come from
//! `i18n/<tag>.js` next to the module, through the loader that `index.js` registers (a dynamic
//! `import()`, which bundlers follow).

use super::guards::{when_settled, Global};
use crate::core::i18n::Catalog;
use core::cell::RefCell;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

static LOADER: Global<RefCell<Option<Function>>> = Global::new(RefCell::new(None));

/// Registers `loader(tag) → Promise<string>` returning a language file's text.
#[wasm_bindgen(js_name = setLanguageLoader)]
pub fn set_language_loader(loader: Function) {
    LOADER.with(|l| *l.borrow_mut() = Some(loader));
}

/// Calls `done`, always asynchronously, with the texts of a built-in language, or `None` when
/// they could not be loaded (a rejected load gives a reason that is not a language file).
pub fn load(tag: &'static str, done: impl FnOnce(Option<Catalog>) + 'static) {
    let loader = LOADER.with(|l| l.borrow().clone());
    let promise = loader
        .and_then(|loader| loader.call1(&JsValue::NULL, &JsValue::from_str(tag)).ok())
        .and_then(|value| value.dyn_into::<Promise>().ok())
        .unwrap_or_else(|| Promise::resolve(&JsValue::UNDEFINED));
    when_settled(&promise, move |text| {
        done(
            text.as_string()
                .and_then(|text| Catalog::parse(tag, &text).ok()),
        )
    });
}
