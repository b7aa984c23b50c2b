//! The browser edge: rendering, storage, transport, timers, listeners and the exported API.
//! It calls into [`crate::core`] for every decision.

pub mod api;
mod card;
mod convert;
mod events;
mod guards;
pub mod languages;
mod routes;
mod runtime;
mod storage;
mod transport;
