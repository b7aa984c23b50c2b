//! nps-widget: an in-app Net Promoter Score survey for web apps, compiled to WebAssembly.
//!
//! [`core`] holds the pure logic (configuration, eligibility, calendar arithmetic, the answer
//! wire format, translations) and is tested natively. [`web`] is the browser edge: rendering in
//! a shadow root, storage, transport and the exported JavaScript API.
//!
//! The release cdylib is built with `--cfg nps_cdylib` (see build.sh) as `no_std`: std's panic
//! machinery formats messages (`core::fmt` and friends, ~13 KB of wasm) that nobody sees on
//! wasm32-unknown-unknown. Its panic handler traps at once, as std's does after formatting
//! (`panic = "abort"`). Native tests and the browser tests build the same code with std.

#![cfg_attr(nps_cdylib, no_std)]

extern crate alloc;

/// What std's prelude gives and `no_std` does not: `use crate::prelude::*;` in every module.
mod prelude {
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod web;

// A free-list allocator instead of the default dlmalloc: about 6 KB less wasm. The widget
// makes few, small, short-lived allocations, where dlmalloc's sophistication buys nothing.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature has a single thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A panic is a bug: stop the module with a trap (an exception in the calling JavaScript, which
/// `index.js` catches and logs), exactly as `panic = "abort"` does with std.
#[cfg(nps_cdylib)]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}
