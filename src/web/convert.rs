//! JavaScript values into the core's plain [`Value`] tree.

use crate::prelude::*;

use crate::core::value::Value;
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

/// Deep enough for any config; deeper (or cyclic) objects become [`Value::Other`].
const MAX_DEPTH: u32 = 8;

/// Copies a JavaScript value: own enumerable string keys of plain objects, array items.
pub fn to_value(js: &JsValue) -> Value {
    convert(js, 0)
}

fn convert(js: &JsValue, depth: u32) -> Value {
    if js.is_null() || js.is_undefined() {
        return Value::Null;
    }
    if let Some(b) = js.as_bool() {
        return Value::Bool(b);
    }
    if let Some(n) = js.as_f64() {
        let text = js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default();
        return Value::Number(n, text);
    }
    if let Some(s) = js.as_string() {
        return Value::String(s);
    }
    if depth >= MAX_DEPTH || js.is_function() || !js.is_object() {
        return Value::Other;
    }
    if Array::is_array(js) {
        return Value::Array(js.unchecked_ref::<Array>().iter().map(|item| convert(&item, depth + 1)).collect());
    }
    let entries = Object::entries(js.unchecked_ref::<Object>());
    Value::Object(
        entries
            .iter()
            .filter_map(|pair| {
                let pair: Array = pair.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, convert(&pair.get(1), depth + 1)))
            })
            .collect(),
    )
}
