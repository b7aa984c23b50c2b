//! nps-widget: an in-app Net Promoter Score survey for web apps, compiled to WebAssembly.
//!
//! [`core`] holds the pure logic (configuration, eligibility, calendar arithmetic, the answer
//! wire format, translations) and is tested natively. [`web`] is the browser edge: rendering in
//! a shadow root, storage, transport and the exported JavaScript API.

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
