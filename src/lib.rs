//! nps-widget: an in-app Net Promoter Score survey for web apps, compiled to WebAssembly.
//!
//! [`core`] holds the pure logic (configuration, eligibility, calendar arithmetic, the answer
//! wire format, translations) and is tested natively. [`web`] is the browser edge: rendering in
//! a shadow root, storage, transport and the exported JavaScript API.

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod web;
