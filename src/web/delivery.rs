//! Delivery of answers: every body goes into the durable outbox first, then to the collector,
//! one at a time, oldest first, until it is acknowledged. Retries back off (the core's
//! `retry_delay_ms`); one tab delivers at a time (the `nps-widget:outbox` Web Lock); when the
//! page goes away, what is queued leaves with `fetch(keepalive)`.
//!
//! Delivery is its own owner, apart from the widget: a round in flight holds only the delivery,
//! and the widget hands it bodies without waiting for the network.

use crate::prelude::*;

use super::events::{payload, raise};
use super::guards::{promise, when_settled, Timeout};
use super::locks::with_lock;
use super::owner::{run, run_on, Owned};
use super::records::Records;
use super::transport::{absolute, delivery, post_json, Delivery as Verdict, Failure};
use crate::core::outbox::retry_delay_ms;
use crate::core::text::{concat, push_uint};
use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use js_sys::Function;
use wasm_bindgen::JsValue;

/// The Web Lock held by the tab delivering the outbox.
const OUTBOX_LOCK: &str = "nps-widget:outbox";
/// Bytes of bodies handed to `fetch(keepalive)` when the page goes away (the browser's limit
/// is 64 KB in flight per page).
const KEEPALIVE_BYTES: usize = 60 * 1024;

/// The delivery of one widget.
pub struct Delivery {
    endpoint: String,
    records: Records,
    /// Whether bodies may leave (consent given, or not required).
    enabled: bool,
    /// A delivery round is running in this tab.
    flushing: bool,
    /// Something was queued during the round: run another when it ends.
    again: bool,
    /// Retries since the last acknowledgement.
    attempt: u32,
    retry: Option<Timeout>,
    /// The failures already reported on this page: each kind once.
    reported: Vec<Failure>,
    this: Weak<Owned<Delivery>>,
}

impl Delivery {
    /// A delivery to `endpoint` of the outbox in `records`.
    pub fn new(endpoint: String, records: Records, enabled: bool) -> Rc<Owned<Delivery>> {
        Rc::new_cyclic(|this| {
            Owned::new(Delivery {
                endpoint,
                records,
                enabled,
                flushing: false,
                again: false,
                attempt: 0,
                retry: None,
                reported: Vec::new(),
                this: this.clone(),
            })
        })
    }

    /// Lets bodies leave (consent given) or keeps them (consent withdrawn).
    pub fn enable(&mut self, enabled: bool) {
        self.enabled = enabled;
        if enabled {
            self.flush();
        }
    }

    /// Queues the latest `body` of answer `id` in the durable outbox (`without_score`: a
    /// display or a decline, see `Outbox::put`), then sends.
    pub fn queue(&mut self, id: String, body: String, without_score: bool, now: i64) {
        let mut outbox = self.records.outbox();
        outbox.put(&id, body, without_score, now);
        for dropped in outbox.prune(now) {
            self.records.remove_entry(&dropped.id);
            web_sys::console::warn_1(
                &concat(&[
                    "nps-widget: outbox full or too old: dropped answer ",
                    &dropped.id,
                ])
                .into(),
            );
        }
        if let Some(entry) = outbox.entries.iter().find(|e| e.id == id) {
            self.records.save_entry(entry);
        }
        self.flush();
    }

    /// Starts a delivery round unless one is running. Across tabs, the outbox lock taken with
    /// `ifAvailable` lets one tab deliver at a time, so two tabs never send the same body at
    /// once; a tab that finds the lock taken leaves the outbox to the tab holding it.
    pub fn flush(&mut self) {
        if !self.enabled {
            return;
        }
        if self.flushing {
            self.again = true;
            return;
        }
        self.flushing = true;
        let (this, after) = (self.this.clone(), self.this.clone());
        with_lock(
            OUTBOX_LOCK,
            true,
            Box::new(move |ours| {
                if !ours {
                    return JsValue::UNDEFINED;
                }
                // The promise it returns keeps the lock until the round ends.
                promise(move |release| Round::start(this, Some(release))).into()
            }),
            Box::new(move |locked| {
                if locked {
                    run(&after, Delivery::round_ended);
                } else {
                    Round::start(after, None);
                }
            }),
        );
    }

    /// Hands every queued body to `fetch(keepalive)`, which outlives the page. Newest first:
    /// the answer just finalised matters most, and the browser allows only 64 KB of keepalive
    /// bodies in flight per page; what does not fit waits in the outbox for the next page.
    pub fn send_before_unload(&self) {
        if !self.enabled {
            return;
        }
        let mut budget = KEEPALIVE_BYTES;
        for entry in self.records.outbox().entries.iter().rev() {
            let Some(left) = budget.checked_sub(entry.body.len()) else {
                break;
            };
            budget = left;
            // Settled quietly: a failure here is retried by the next page's round.
            when_settled(&post_json(&self.endpoint, &entry.body, true), |_| {});
        }
    }

    /// A delivery round ended (or another tab had the lock): run the next one if something was
    /// queued meanwhile.
    fn round_ended(&mut self) {
        self.flushing = false;
        if core::mem::take(&mut self.again) {
            self.flush();
        }
    }

    /// Records the collector's verdict on one body; returns whether to go on with the round.
    fn delivered(&mut self, id: &str, body: &str, verdict: Verdict) -> bool {
        match verdict {
            // Either verdict settles only the body it was given: a newer body of the answer
            // queued meanwhile (the score after the display) waits for its own.
            Verdict::Stored => {
                self.attempt = 0;
                self.records.settle_entry(id, body);
                true
            }
            Verdict::Refused(status) => {
                self.records.settle_entry(id, body);
                let mut message =
                    String::from("nps-widget: the collector refused an answer (HTTP ");
                push_uint(&mut message, status as u64);
                message.push(')');
                web_sys::console::error_1(&message.as_str().into());
                raise(
                    "error",
                    payload(&[("message", message.into()), ("id", id.into())]),
                );
                true
            }
            Verdict::Retry {
                retry_after_ms,
                failure,
            } => {
                self.report(failure);
                if self.retry.is_none() {
                    let delay =
                        retry_delay_ms(self.attempt, retry_after_ms, js_sys::Math::random());
                    self.attempt += 1;
                    let this = self.this.clone();
                    self.retry = Some(Timeout::new(delay, move || {
                        run(&this, |d| {
                            d.retry = None;
                            d.flush();
                        })
                    }));
                }
                false
            }
        }
    }
}

impl Delivery {
    /// Says, once per kind of failure on this page, that answers are not reaching the
    /// collector: the URL, what happened and what to do, and how many answers wait. Logged as
    /// an `nps-widget:` error and raised as an `error` event.
    fn report(&mut self, failure: Failure) {
        if self.reported.contains(&failure) {
            return;
        }
        self.reported.push(failure);
        let (url, origin) = absolute(&self.endpoint);
        let window = super::guards::window();
        let page = window
            .as_ref()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let offline = window.is_some_and(|w| !w.navigator().on_line());
        let mut message = concat(&["nps-widget: answers are not reaching ", &url, ": "]);
        match failure {
            Failure::Status(status) => {
                message.push_str("HTTP ");
                push_uint(&mut message, status as u64);
            }
            Failure::Network if offline => message.push_str("the browser is offline"),
            Failure::Network if origin != page => {
                message.push_str("blocked (CORS? start the collector with --cors-origin ");
                message.push_str(&page);
                message.push(')');
            }
            Failure::Network => message.push_str("no response (network error)"),
            Failure::Timeout => message.push_str("no response within 10 s"),
        }
        message.push_str("; ");
        push_uint(&mut message, self.records.outbox().entries.len() as u64);
        message.push_str(" waiting in the outbox, retried with backoff");
        web_sys::console::error_1(&message.as_str().into());
        raise("error", payload(&[("message", message.into())]));
    }
}

/// One delivery round: sends queued bodies one at a time, oldest first, until each was tried
/// once. A body the collector asks to retry waits for the next round (on the backoff timer);
/// the bodies after it still go. It holds only the delivery, weakly: a round outliving its
/// widget ends at its next step.
struct Round {
    delivery: Weak<Owned<Delivery>>,
    /// Bodies answered "retry" in this round, skipped until it ends.
    waiting: Vec<String>,
    /// Resolves the promise that holds the outbox lock; without Web Locks, `None`.
    release: Option<Function>,
}

impl Round {
    /// Runs a round; called where the delivery is not borrowed (a lock or promise callback).
    fn start(delivery: Weak<Owned<Delivery>>, release: Option<Function>) {
        Round {
            delivery,
            waiting: Vec::new(),
            release,
        }
        .next();
    }

    /// Sends the next body, then goes on from its answer; or ends the round.
    fn next(self) {
        let Some(owned) = self.delivery.upgrade() else {
            return; // Dropping the round releases the lock.
        };
        run_on(&owned, move |d| {
            // Read afresh: another tab may have queued or delivered bodies meanwhile.
            let Some(entry) = d
                .records
                .outbox()
                .entries
                .into_iter()
                .find(|e| !self.waiting.contains(&e.id))
            else {
                return self.end(d);
            };
            when_settled(
                &post_json(&d.endpoint, &entry.body, false),
                move |settled| {
                    let Some(owned) = self.delivery.upgrade() else {
                        return;
                    };
                    run_on(&owned, move |d| {
                        let mut round = self;
                        if !d.delivered(&entry.id, &entry.body, delivery(settled)) {
                            round.waiting.push(entry.id);
                        }
                        round.next();
                    });
                    super::events::deliver();
                },
            );
        });
    }

    /// Ends the round: releases the lock (the tab's round then ends when the lock request
    /// settles), or, without Web Locks, ends the tab's round at once.
    fn end(mut self, delivery: &mut Delivery) {
        if self.release.is_none() {
            delivery.round_ended();
        }
        self.release_lock();
    }

    fn release_lock(&mut self) {
        if let Some(release) = self.release.take() {
            // call1 rather than call0: one `call` import fewer in the glue.
            let _ = release.call1(&JsValue::UNDEFINED, &JsValue::UNDEFINED);
        }
    }
}

impl Drop for Round {
    /// A round that ends early (its widget destroyed) still lets go of the lock.
    fn drop(&mut self) {
        self.release_lock();
    }
}
