//! Hooks: answers routed, by rule, to Slack and to signed webhooks (DESIGN.md "Hooks").
//!
//! A hook is a URL, a [`Format`], the [`Event`]s it listens to and a [`HookFilter`]. What to
//! send is written by the storage in the same transaction as the change of the answer that
//! caused it (a delivery, `pending`); the [`worker`] sends it, retries it on the
//! [`schedule`], and records each attempt. Every URL passes the [`address`] guard, at creation
//! and again after DNS at each delivery. A hook may also send a daily [`digest`], which the
//! [`timed`] task queues when its hour comes.

pub mod address;
pub mod client;
pub mod digest;
pub mod event;
pub mod filter;
pub mod sample;
pub mod schedule;
pub mod slack;
pub mod timed;
pub mod webhook;
pub mod worker;

pub use event::Event;
pub use filter::HookFilter;

/// How a hook's deliveries are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Standard Webhooks: the event as JSON, signed with the hook's secret ([`webhook`]).
    Webhook,
    /// A Slack incoming-webhook message ([`slack`]).
    Slack,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 2] = [Format::Webhook, Format::Slack];

    /// Its name in the API and the database.
    pub fn name(self) -> &'static str {
        match self {
            Format::Webhook => "webhook",
            Format::Slack => "slack",
        }
    }

    /// The format a name stands for.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }
}
