//! The pure core: plain Rust values in, decisions and text out. No browser APIs here; the
//! browser edge (`crate::web`) calls into this module, never the other way round.

pub mod answer;
pub mod colour;
pub mod config;
pub mod duration;
pub mod eligibility;
pub mod error;
pub mod fatigue;
pub mod float;
pub mod i18n;
pub mod kind;
pub mod lifecycle;
pub mod limits;
pub mod outbox;
pub mod quiet;
pub mod text;
pub mod texts;
pub mod time;
pub mod triggers;
pub mod value;
