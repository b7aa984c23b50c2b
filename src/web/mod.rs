//! The browser edge: rendering, storage, transport, timers, listeners and the exported API.
//! It calls into [`crate::core`] for every decision.
//!
//! - [`api`]: the exported entry points (`command`, `shadowRoot`) and the commands kept before
//!   `init`;
//! - `widget`: the running widget (config, consent, commands, page listeners); `show`: from a
//!   trigger to an open card; `display`: the open card and its answer; `page_triggers`: the
//!   page's own triggers; `resume`: taking over from a quiet page view;
//! - `delivery`: outbox rounds, retries, keepalive; `records`: every stored key; `locks`: Web
//!   Locks; `owner`: one caller at a time, no call lost;
//! - `card`, `card_input`, `look`, `card.css`: the card; `events`: `on`/`off`;
//!   `storage`, `transport`, `routes`, `languages`, `guards`, `convert`: browser plumbing.

pub mod api;
mod card;
mod card_input;
mod convert;
mod delivery;
mod display;
mod events;
mod guards;
pub mod languages;
mod locks;
mod look;
mod owner;
mod page_triggers;
mod records;
mod resume;
mod routes;
mod show;
mod storage;
mod transport;
mod widget;
