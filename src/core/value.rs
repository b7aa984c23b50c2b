//! A plain-data copy of the JavaScript values a host passes in, so the core can validate
//! configuration without touching the browser (and without serde, which costs ~17 KB here).

use crate::prelude::*;

/// A JavaScript value as plain Rust data.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null` or `undefined`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, with its JavaScript text form (`String(n)`) for writing it back out exactly.
    Number(f64, String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// A plain object, keys in insertion order.
    Object(Vec<(String, Value)>),
    /// Anything else (a function, a symbol, a bigint).
    Other,
}

impl Value {
    /// A number whose JavaScript text form is the shortest Rust form (tests and defaults).
    #[cfg(test)]
    pub fn num(value: f64) -> Value {
        Value::Number(value, value.to_string())
    }

    /// A string value.
    pub fn str(text: &str) -> Value {
        Value::String(text.into())
    }

    /// The value of `key` in an object, or `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null` or `undefined`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}
