//! Every record the widget keeps in the browser, and its reader and writer. The keys:
//!
//! - `nps-widget:user:{id}` (or `nps-widget:anonymous` without a user): when each survey was
//!   last shown to the user and what came of it ([`Displays`]; the `nps` survey's part is the
//!   single-survey form earlier versions wrote and read);
//! - `nps-widget:user:{id}:views` (or `nps-widget:anonymous:views`): page views counted for
//!   `{ pageViews }` triggers;
//! - `nps-widget:bucket`: an anonymous visitor's sampling draw, kept so that sampling is sticky;
//! - `nps-widget:outbox:{answer id}`: the latest body of an answer not yet acknowledged by the
//!   collector ([`Entry`]);
//! - `nps-widget:quiet`: the quiet record, read by the loader before it fetches anything (see
//!   [`Records::save_quiet`]).
//!
//! [`Store`] decides where they live (localStorage, or memory before consent).

use crate::prelude::*;

use super::storage::Store;
use crate::core::config::User;
use crate::core::eligibility::{bucket_for, bucket_from_random};
use crate::core::fatigue::{survey_bucket, Displays, DEFAULT_SURVEY};
use crate::core::outbox::{Entry, Outbox};
use crate::core::quiet::{QuietRecord, QuietWindow};
use crate::core::text::{concat, int, parse_u32, push_uint};
use alloc::rc::Rc;

const USER_PREFIX: &str = "nps-widget:user:";
const ANONYMOUS: &str = "nps-widget:anonymous";
const BUCKET: &str = "nps-widget:bucket";
const OUTBOX_PREFIX: &str = "nps-widget:outbox:";
const QUIET: &str = "nps-widget:quiet";

/// The widget's records, shared by the widget and its delivery.
#[derive(Clone)]
pub struct Records {
    store: Rc<Store>,
}

impl Records {
    /// Opens the records; with `durable` false (consent pending) nothing reaches localStorage.
    pub fn open(durable: bool) -> Records {
        Records {
            store: Rc::new(Store::open(durable)),
        }
    }

    /// Whether localStorage works in this browser.
    pub fn is_available(&self) -> bool {
        self.store.is_available()
    }

    /// Consent given: records reach localStorage from now on.
    pub fn make_durable(&self) {
        self.store.make_durable();
    }

    /// Consent withdrawn: every record is deleted and further ones stay in memory.
    pub fn forget_all(&self) {
        self.store.forget_all();
    }

    /// The key of the state of `user` (the anonymous visitor's without one).
    pub fn user_key(user: Option<&User>) -> String {
        match user {
            Some(user) => concat(&[USER_PREFIX, &user.id]),
            None => ANONYMOUS.into(),
        }
    }

    /// The displays of every survey to `user`, as stored (see `Displays::capped_at` for
    /// future ones).
    pub fn displays(&self, user: Option<&User>) -> Displays {
        self.store
            .get(&Records::user_key(user))
            .map(|text| Displays::decode(&text))
            .unwrap_or_default()
    }

    /// Stores the displays of every survey to `user`.
    pub fn save_displays(&self, user: Option<&User>, displays: &Displays) {
        self.store.set(&Records::user_key(user), &displays.encode());
    }

    /// Counts a page view of `user`; returns the count, this view included.
    pub fn count_view(&self, user: Option<&User>) -> u32 {
        let key = concat(&[&Records::user_key(user), ":views"]);
        let views = self
            .store
            .get(&key)
            .and_then(|v| parse_u32(&v))
            .unwrap_or(0)
            .saturating_add(1);
        self.store.set(&key, &int(views as i64));
        views
    }

    /// The sticky sampling bucket for `survey`: from the user id, or, for an anonymous visitor,
    /// from `random` drawn once and kept (see `survey_bucket`: each survey draws apart).
    pub fn bucket(&self, user: Option<&User>, survey: &str, random: impl FnOnce() -> u32) -> f64 {
        if let Some(user) = user {
            return survey_bucket(survey, &user.id);
        }
        let stored = self.store.get(BUCKET).and_then(|text| parse_u32(&text));
        let random = stored.unwrap_or_else(|| {
            let random = random();
            let mut text = String::new();
            push_uint(&mut text, random as u64);
            self.store.set(BUCKET, &text);
            random
        });
        if survey == DEFAULT_SURVEY {
            bucket_from_random(random)
        } else {
            bucket_for(&concat(&[survey, ":", &int(random as i64)]))
        }
    }

    /// Leaves the quiet record: during `window`, page views of `user` under the config with
    /// `fingerprint`, while the user's stored state is what it is now, decide "not now" for
    /// `reason`, next eligible at `next`.
    pub fn save_quiet(
        &self,
        user: Option<&User>,
        fingerprint: &str,
        (reason, next): (&str, Option<i64>),
        window: QuietWindow,
    ) {
        let user_key = Records::user_key(user);
        let state = self.store.get(&user_key);
        let record = QuietRecord {
            fingerprint,
            user_key: &user_key,
            state: state.as_deref(),
            reason,
            next,
        };
        self.store.set(QUIET, &record.to_json(window));
    }

    /// Removes the quiet record: something may happen on the next page view.
    pub fn remove_quiet(&self) {
        self.store.remove(QUIET);
    }

    /// Every queued body, oldest first, read afresh (another tab may have queued or delivered
    /// some).
    // Not inlined: called from a few places, each inlined copy of the decoding costs wasm.
    #[inline(never)]
    pub fn outbox(&self) -> Outbox {
        let mut entries = Vec::new();
        for key in self.store.keys(OUTBOX_PREFIX) {
            let id = key.get(OUTBOX_PREFIX.len()..).unwrap_or_default();
            if let Some(entry) = self
                .store
                .get(&key)
                .and_then(|text| Entry::decode(id, &text))
            {
                entries.push(entry);
            }
        }
        Outbox::from_entries(entries)
    }

    /// Stores a queued body.
    pub fn save_entry(&self, entry: &Entry) {
        self.store.set(&outbox_key(&entry.id), &entry.encode());
    }

    /// Deletes the queued body of answer `id`.
    pub fn remove_entry(&self, id: &str) {
        self.store.remove(&outbox_key(id));
    }

    /// Deletes the queued body of answer `id` if it is still `body`: a newer body of the
    /// answer queued meanwhile waits for its own acknowledgement.
    pub fn settle_entry(&self, id: &str, body: &str) {
        let key = outbox_key(id);
        if self
            .store
            .get(&key)
            .and_then(|text| Entry::decode(id, &text))
            .is_some_and(|e| e.is_settled_by(body))
        {
            self.store.remove(&key);
        }
    }
}

/// The key of the queued body of answer `id`.
fn outbox_key(id: &str) -> String {
    concat(&[OUTBOX_PREFIX, id])
}
