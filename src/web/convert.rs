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
        let text = js_sys::Number::from(n)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        return Value::Number(n, text);
    }
    if let Some(s) = js.as_string() {
        return Value::String(s);
    }
    if depth >= MAX_DEPTH || js.is_function() || !js.is_object() {
        return Value::Other;
    }
    // Plain loops rather than iterator adapters: less code in the wasm.
    if Array::is_array(js) {
        let array: &Array = js.unchecked_ref();
        let mut items = Vec::new();
        for i in 0..array.length() {
            items.push(convert(&array.get(i), depth + 1));
        }
        return Value::Array(items);
    }
    let mut fields = Vec::new();
    let entries = Object::entries(js.unchecked_ref::<Object>());
    for i in 0..entries.length() {
        // `Object.entries` gives `[key, value]` arrays with string keys.
        let pair: Array = entries.get(i).unchecked_into();
        if let Some(key) = pair.get(0).as_string() {
            fields.push((key, convert(&pair.get(1), depth + 1)));
        }
    }
    Value::Object(fields)
}
