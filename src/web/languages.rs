//! Loading a language's texts. English is compiled in; other languages come from
//! `i18n/<tag>.js` next to the module, through the loader that `index.js` registers (a dynamic
//! `import()`, which bundlers follow).

use super::guards::Global;
use crate::core::i18n::Catalog;
use js_sys::{Function, Promise};
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

static LOADER: Global<RefCell<Option<Function>>> = Global::new(RefCell::new(None));

/// Registers `loader(tag) → Promise<string>` returning a language file's text.
#[wasm_bindgen(js_name = setLanguageLoader)]
pub fn set_language_loader(loader: Function) {
    LOADER.with(|l| *l.borrow_mut() = Some(loader));
}

/// The texts of a built-in language, or `None` when they could not be loaded.
pub async fn load(tag: &'static str) -> Option<Catalog> {
    let loader = LOADER.with(|l| l.borrow().clone())?;
    let promise: Promise = loader.call1(&JsValue::NULL, &JsValue::from_str(tag)).ok()?.dyn_into().ok()?;
    let text = JsFuture::from(promise).await.ok()?.as_string()?;
    Catalog::parse(tag, &text).ok()
}
