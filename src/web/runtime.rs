//! The running widget: owns the config, the card, the outbox sender, and every listener and
//! timer it adds. Dropping it removes them all. Decisions are the core's; this file wires them
//! to the browser.

use crate::prelude::*;

use super::card::{Action, Card, Look};
use super::events::{payload, raise};
use super::guards::{delay, once_fn, promise, soon, when_settled, EventListener, Timeout};
use super::languages;
use super::routes::RouteWatch;
use super::storage::Store;
use super::transport::get_json;
use super::transport::{delivery, post_json, Delivery};
use crate::core::answer::{
    answer_key, clip, clip_to, page_without_query, uuid_v4, Answer, Category,
};
use crate::core::config::{text_colour_on, Config, Position, ThemeMode, Trigger, User};
use crate::core::eligibility::{
    bucket_for, bucket_from_random, decide, Ineligible, Outcome, UserState,
};
use crate::core::error::Error;
use crate::core::i18n::{fill, resolve, Catalog, TextKey};
use crate::core::limits::MAX_COMMENT_CHARS;
use crate::core::outbox::{retry_delay_ms, Entry, Outbox};
use crate::core::text::{concat, find_byte, int, parse_u32, push_uint};
use crate::core::texts::text;
use crate::core::time::{format_timestamp, parse_timestamp};
use crate::core::triggers::{
    event_trigger, page_view_trigger, still_wanted_after_navigation, trigger_name, url_trigger,
};
use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use core::cell::RefCell;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// Shared handle to the widget; callbacks hold a [`Weak`] so they never keep it alive.
pub type Handle = Rc<RefCell<Widget>>;

/// Each queued body is stored under this prefix followed by its answer id.
const OUTBOX_PREFIX: &str = "nps-widget:outbox:";
/// The Web Lock held by the tab delivering the outbox.
const OUTBOX_LOCK: &str = "nps-widget:outbox";
const BUCKET_KEY: &str = "nps-widget:bucket";
/// How long the thank-you step stays before the card closes itself.
const THANKS_MS: u32 = 4_000;

/// How long the show lock is kept after a display, for the record to reach other tabs.
const LOCK_HOLD_MS: i32 = 300;
/// Bytes of bodies handed to `fetch(keepalive)` when the page goes away (the browser's limit
/// is 64 KB in flight per page).
const KEEPALIVE_BYTES: usize = 60 * 1024;
/// How long the collector may take to answer an eligibility check.
const ELIGIBILITY_TIMEOUT_MS: u32 = 2_000;

/// The widget after a valid `init`.
pub struct Widget {
    config: Config,
    store: Store,
    catalog: Catalog,
    texts_loading: bool,
    consent_given: bool,
    /// A show that waits for the texts or for consent: (trigger name, force).
    waiting: Option<(String, bool)>,
    /// A collector check or a cross-tab lock is under way for a show.
    show_pending: bool,
    /// A trigger waiting out `delaySeconds`.
    delayed: Option<Delayed>,
    display: Option<Display>,
    sender: Sender,
    /// Path of the current page, for URL triggers and page views.
    path: String,
    started_at: i64,
    /// The display time this page last wrote (its own display, or a future one moved to now),
    /// to tell its own records from another tab's displays.
    shown_here: Option<i64>,
    this: Weak<RefCell<Widget>>,
    _page_listeners: Vec<EventListener>,
    _routes: Option<RouteWatch>,
    _timers: Vec<Timeout>,
}

/// A trigger that fired and waits out `delaySeconds`; dropping it cancels the show.
struct Delayed {
    trigger: Trigger,
    fired_on: String,
    _timer: Timeout,
}

/// One display of the card and the answer it is collecting.
struct Display {
    card: Card,
    answer: Answer,
    _auto_close: Option<Timeout>,
}

/// Delivery state of the outbox in this page.
#[derive(Default)]
struct Sender {
    /// A delivery round is running in this tab.
    flushing: bool,
    /// Something was queued during the round: run another when it ends.
    again: bool,
    attempt: u32,
    retry: Option<Timeout>,
}

/// Runs `f` on the widget if it still exists and is not busy, then delivers raised events.
pub fn with_widget(widget: &Weak<RefCell<Widget>>, f: impl FnOnce(&mut Widget)) {
    if let Some(handle) = widget.upgrade() {
        if let Ok(mut widget) = handle.try_borrow_mut() {
            f(&mut widget);
        }
    }
    super::events::deliver();
}

fn listen(
    target: &web_sys::EventTarget,
    event: &'static str,
    this: &Weak<RefCell<Widget>>,
    f: fn(&mut Widget, &web_sys::Event),
) -> EventListener {
    let this = this.clone();
    EventListener::new(target, event, true, move |e| {
        with_widget(&this, |w| f(w, e))
    })
}

impl Widget {
    /// Starts the widget: restores state, sends what is waiting, arms the triggers.
    pub fn start(config: Config) -> Handle {
        let store = Store::open(!config.require_consent);
        let language = config
            .language
            .clone()
            .or_else(|| super::guards::window().and_then(|w| w.navigator().language()));
        let tag = resolve(language.as_deref().unwrap_or("en"));
        let handle = Rc::new_cyclic(|this: &Weak<RefCell<Widget>>| {
            let mut page_listeners = Vec::new();
            if let Some(window) = super::guards::window() {
                page_listeners.push(listen(&window, "online", this, |w, _| w.flush_outbox()));
                page_listeners.push(listen(&window, "pagehide", this, Widget::page_hidden));
                page_listeners.push(listen(&window, "storage", this, Widget::storage_changed));
                if let Some(document) = window.document() {
                    // Started from a script in <head>: the card needs <body>, so the triggers
                    // wait for the document to be parsed.
                    if document.ready_state() == "loading" {
                        page_listeners.push(listen(&document, "DOMContentLoaded", this, |w, _| {
                            w.arm_triggers()
                        }));
                    }
                    page_listeners.push(listen(&document, "visibilitychange", this, |w, _| {
                        if super::guards::window()
                            .and_then(|w| w.document())
                            .is_some_and(|d| d.hidden())
                        {
                            w.send_before_unload();
                        }
                    }));
                }
            }
            let routes_this = this.clone();
            let routes = RouteWatch::new(Rc::new(move || {
                with_widget(&routes_this, Widget::route_changed)
            }));
            RefCell::new(Widget {
                consent_given: !config.require_consent,
                config,
                store,
                catalog: Catalog::english(),
                texts_loading: tag != "en",
                waiting: None,
                show_pending: false,
                delayed: None,
                display: None,
                sender: Sender::default(),
                path: current_path(),
                started_at: now(),
                shown_here: None,
                this: this.clone(),
                _page_listeners: page_listeners,
                _routes: routes,
                _timers: Vec::new(),
            })
        });
        {
            let mut widget = handle.borrow_mut();
            if !widget.store.is_available() {
                widget.debug(&["storage is unavailable; state is kept in memory for this page"]);
            }
            widget.flush_outbox();
            if widget.texts_loading {
                let this = widget.this.clone();
                languages::load(tag, move |catalog| {
                    with_widget(&this, |w| w.texts_loaded(tag, catalog))
                });
            }
            let parsing = super::guards::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.ready_state() == "loading");
            if !parsing {
                widget.arm_triggers();
            }
        }
        handle
    }

    fn arm_triggers(&mut self) {
        let mut load = false;
        for trigger in &self.config.triggers {
            match trigger {
                &Trigger::AfterSeconds(seconds) => {
                    let this = self.this.clone();
                    let fire =
                        move || with_widget(&this, |w| w.fire(&Trigger::AfterSeconds(seconds)));
                    self._timers
                        .push(Timeout::new(seconds.saturating_mul(1000), fire));
                }
                Trigger::Load => load = true,
                _ => {}
            }
        }
        if load {
            self.fire(&Trigger::Load);
        }
        self.page_viewed();
    }

    /// Counts a page view and fires `{ url }` and `{ pageViews }` triggers for the current path.
    fn page_viewed(&mut self) {
        if let Some(trigger) = url_trigger(&self.config.triggers, &self.path).cloned() {
            self.fire(&trigger);
        }
        self.count_view();
    }

    /// Counts this page view (per user, across loads; nothing is stored before consent, so the
    /// view is counted when consent comes) and fires a `{ pageViews }` trigger it reaches.
    fn count_view(&mut self) {
        if !self.consent_given {
            return;
        }
        let key = concat(&[&self.user_key(), ":views"]);
        let views = self
            .store
            .get(&key)
            .and_then(|v| parse_u32(&v))
            .unwrap_or(0)
            .saturating_add(1);
        self.store.set(&key, &int(views as i64));
        if let Some(trigger) = page_view_trigger(&self.config.triggers, views).cloned() {
            self.fire(&trigger);
        }
    }

    fn route_changed(&mut self) {
        let path = current_path();
        if path == self.path {
            return;
        }
        self.path = path;
        if let Some(delayed) = &self.delayed {
            if !still_wanted_after_navigation(&delayed.trigger, &delayed.fired_on, &self.path) {
                self.debug(&["delayed show cancelled: navigated to ", &self.path]);
                self.delayed = None;
            }
        }
        self.page_viewed();
    }

    /// A trigger fired: show after `delaySeconds`.
    fn fire(&mut self, trigger: &Trigger) {
        let name = trigger_name(trigger);
        self.debug(&["trigger ", &name]);
        let delay = self.config.delay_seconds;
        if delay == 0 {
            return self.request_show(&name, false);
        }
        if self.delayed.is_some() || self.display.is_some() {
            return;
        }
        let this = self.this.clone();
        let timer = Timeout::new(delay.saturating_mul(1000), move || {
            with_widget(&this, |w| {
                w.delayed = None;
                w.request_show(&name, false);
            })
        });
        self.delayed = Some(Delayed {
            trigger: trigger.clone(),
            fired_on: self.path.clone(),
            _timer: timer,
        });
    }

    fn texts_loaded(&mut self, tag: &str, catalog: Option<Catalog>) {
        self.texts_loading = false;
        match catalog {
            Some(catalog) => self.catalog = catalog,
            None => self.debug(&["texts for \"", tag, "\" could not be loaded; using English"]),
        }
        if let Some((trigger, force)) = self.waiting.take() {
            self.request_show(&trigger, force);
        }
    }

    /// Shows the card if the user is eligible (or always with `force`): the local rules first,
    /// then the collector if `eligibilityEndpoint` is set, then a cross-tab lock.
    pub fn request_show(&mut self, trigger: &str, force: bool) {
        if !self.consent_given {
            self.waiting = Some((trigger.into(), force));
            return self.not_now("consent not given".into(), None);
        }
        if self.texts_loading {
            self.waiting = Some((trigger.into(), force));
            return;
        }
        if self.display.is_some() || self.show_pending {
            return self.debug(&["not shown: the card is already open"]);
        }
        if !force {
            if let Err(why) = self.decide_locally() {
                return self.not_now(self.reason(&why), why.next_eligible_at());
            }
            if let (Some(endpoint), Some(user)) =
                (&self.config.eligibility_endpoint, &self.config.user)
            {
                let separator = if find_byte(endpoint, b"?").is_some() {
                    "&"
                } else {
                    "?"
                };
                let user_id = String::from(js_sys::encode_uri_component(&user.id));
                let mut url = concat(&[endpoint, separator, "userId=", &user_id, "&survey=nps"]);
                if let Some(hash) = &user.hash {
                    url.push_str("&userHash=");
                    url.push_str(hash);
                }
                let (this, trigger) = (self.this.clone(), String::from(trigger));
                self.show_pending = true;
                get_json(&url, ELIGIBILITY_TIMEOUT_MS, move |verdict| {
                    with_widget(&this, |w| w.collector_answered(&trigger, verdict))
                });
                return;
            }
        }
        if force {
            return self.show_now(trigger, true);
        }
        self.lock_and_show(trigger.into(), false);
    }

    fn decide_locally(&mut self) -> Result<(), Ineligible> {
        let created_at = self.config.user.as_ref().and_then(|u| u.created_at);
        decide(
            &self.user_state(),
            &self.config.throttle,
            created_at,
            self.bucket(),
            now(),
        )
    }

    fn collector_answered(&mut self, trigger: &str, verdict: Option<JsValue>) {
        self.show_pending = false;
        let field = |name: &str| {
            verdict
                .as_ref()
                .and_then(|v| Reflect::get(v, &name.into()).ok())
        };
        match field("eligible").and_then(|e| e.as_bool()) {
            Some(false) => {
                let reason = field("reason")
                    .and_then(|r| r.as_string())
                    .unwrap_or_default();
                let next = field("nextEligibleAt")
                    .and_then(|n| n.as_string())
                    .and_then(|n| parse_timestamp(&n));
                return self.not_now(concat(&["collector says: ", &reason]), next);
            }
            Some(true) => self.debug(&["collector says eligible"]),
            None => self.debug(&[
                "collector eligibility check failed or timed out; using the local decision",
            ]),
        }
        self.lock_and_show(trigger.into(), false);
    }

    /// Runs the final check and the display under a Web Lock, so that of two tabs becoming
    /// eligible at once only the first shows the card and the second sees its record.
    fn lock_and_show(&mut self, trigger: String, force: bool) {
        // Forced shows skip eligibility, so they need no lock.
        let Some(locks) = web_locks() else {
            return self.show_now(&trigger, force);
        };
        let mut lock_name = String::from("nps-widget:show:");
        lock_name.push_str(&self.user_key());
        let this = self.this.clone();
        let trigger_again = trigger.clone();
        self.show_pending = true;
        // Called by the lock manager once the lock is ours (never from within this call).
        let inside = once_fn(Box::new(move |_lock| {
            let shown = widget_value(&this, |w| {
                w.show_pending = false;
                w.show_now(&trigger, force);
                w.display.is_some()
            });
            // localStorage reaches other tabs' processes a moment after the write: keep
            // the lock a little longer, so the next tab's check reads this display.
            if shown == Some(true) {
                return delay(LOCK_HOLD_MS).into();
            }
            JsValue::UNDEFINED
        }));
        let fallback = self.this.clone();
        match locks.request(&lock_name, &JsValue::UNDEFINED, &inside) {
            // A rejected request (no Web Locks for this document, e.g. a sandboxed frame):
            // decide without the lock rather than never.
            Ok(promise) => when_settled(&promise, move |settled| {
                if settled.is_instance_of::<js_sys::Error>() {
                    with_widget(&fallback, |w| {
                        if core::mem::take(&mut w.show_pending) {
                            w.show_now(&trigger_again, force);
                        }
                    })
                }
            }),
            Err(_) => {
                self.show_pending = false;
                self.show_now(&trigger_again, force);
            }
        }
    }

    fn show_now(&mut self, trigger: &str, force: bool) {
        // Consent may have been withdrawn while a lock or the collector was awaited.
        if self.display.is_some() || !self.consent_given {
            return;
        }
        if !force {
            if let Err(why) = self.decide_locally() {
                return self.not_now(self.reason(&why), why.next_eligible_at());
            }
        }
        self.debug(&[
            if force {
                "shown (forced), trigger "
            } else {
                "eligible, shown, trigger "
            },
            trigger,
        ]);
        if let Err(error) = self.open_card(trigger, now(), force) {
            self.report(error);
        }
    }

    /// The reason in words; a display this page did not make, from about the time the page
    /// started, was made by another tab.
    fn reason(&self, why: &Ineligible) -> String {
        why.reason_on_page(self.started_at, self.shown_here)
    }

    fn not_now(&mut self, reason: String, next: Option<i64>) {
        self.debug(&["not shown: ", &reason]);
        let next = next.map_or(JsValue::NULL, |at| format_timestamp(at).into());
        raise(
            "ineligible",
            payload(&[("reason", reason.into()), ("nextEligibleAt", next)]),
        );
    }

    /// Another tab changed this user's state: a card of ours that was not answered yet, or a
    /// delayed show, gives way to the other tab's display.
    fn storage_changed(&mut self, event: &web_sys::Event) {
        let key = Reflect::get(event, &"key".into())
            .ok()
            .and_then(|k| k.as_string());
        if key.as_deref() != Some(self.user_key().as_str()) {
            return;
        }
        let Some((shown_at, _)) = self.user_state().last_shown else {
            return;
        };
        if self.delayed.take().is_some() {
            self.debug(&["delayed show cancelled: shown in another tab"]);
        }
        let ours = self
            .display
            .as_ref()
            .map(|d| (d.answer.shown_at, d.answer.score.is_none()));
        if let Some((our_shown_at, unanswered)) = ours {
            if unanswered && shown_at != our_shown_at {
                self.debug(&["card closed: shown in another tab"]);
                self.display = None;
            }
        }
    }

    /// Records an event for `{ event }` triggers.
    pub fn track(&mut self, event: &str) {
        match event_trigger(&self.config.triggers, event).cloned() {
            Some(trigger) => self.fire(&trigger),
            None => self.debug(&["track: no trigger for event ", event]),
        }
    }

    /// Grants or withdraws consent (with `requireConsent`).
    pub fn consent(&mut self, granted: bool) {
        if granted == self.consent_given {
            return;
        }
        self.consent_given = granted;
        if granted {
            self.store.make_durable();
            self.count_view();
            self.flush_outbox();
            if let Some((trigger, force)) = self.waiting.take() {
                self.request_show(&trigger, force);
            }
        } else {
            self.display = None;
            self.delayed = None;
            self.store.forget_all();
        }
    }

    /// Removes the card without counting a decline; a given score is kept and finalised.
    pub fn hide(&mut self) {
        self.finish_display(false);
    }

    /// Sets or changes the user.
    pub fn identify(&mut self, user: User) {
        self.config.user = Some(user);
    }

    /// Forgets the current user; queued answers are still delivered.
    pub fn reset(&mut self) {
        self.hide();
        self.config.user = None;
    }

    /// The card's shadow root, if the card is open.
    pub fn shadow_root(&self) -> Option<web_sys::ShadowRoot> {
        self.display.as_ref().map(|d| d.card.shadow_root().clone())
    }

    /// Shows the card and records the display: in storage first (unless `preview`: a forced
    /// show starts no clock), then as a `display` body in the outbox.
    fn open_card(&mut self, trigger: &str, now: i64, preview: bool) -> Result<(), Error> {
        let look = self.look();
        let this = self.this.clone();
        let mut card = Card::mount(
            &look,
            Rc::new(move |action| with_widget(&this, |w| w.on_action(action))),
        )?;
        let question = fill(
            self.text(TextKey::Question),
            "{product}",
            &self.config.product,
        );
        let score_label = self.text(TextKey::ScoreLabel);
        card.show_scale(
            &question,
            self.text(TextKey::LowLabel),
            self.text(TextKey::HighLabel),
            self.text(TextKey::ScaleLabel),
            &|score| fill(score_label, "{score}", &int(score as i64)),
        )?;
        if !preview {
            // The six-month clock starts now, recorded before any network call.
            self.shown_here = Some(now);
            self.save_user_state(&UserState {
                last_shown: Some((now, Outcome::Ignored)),
            });
        }
        let answer = Answer {
            id: uuid_v4(random_bytes()),
            key: answer_key(random_bytes()),
            score: None,
            declined: false,
            comment: None,
            complete: false,
            preview,
            user: self.config.user.clone(),
            account: self.config.account.clone(),
            language: self.catalog.tag().into(),
            trigger: clip(trigger).into(),
            page: current_page(),
            shown_at: now,
            answered_at: now,
        };
        raise(
            "shown",
            payload(&[
                ("id", answer.id.as_str().into()),
                ("trigger", trigger.into()),
            ]),
        );
        self.send(&answer);
        self.display = Some(Display {
            card,
            answer,
            _auto_close: None,
        });
        Ok(())
    }

    fn on_action(&mut self, action: Action) {
        let Some(display) = self.display.as_ref() else {
            return;
        };
        let answer = &display.answer;
        match action {
            Action::Score(score) if answer.score.is_none() && score <= 10 => self.choose(score),
            Action::Send(comment) if answer.score.is_some() && !answer.complete => {
                self.send_comment(comment)
            }
            Action::Close => self.finish_display(true),
            _ => {}
        }
    }

    fn choose(&mut self, score: u8) {
        // Taken out while it is updated, so the answer is sent by reference, not cloned.
        let Some(mut display) = self.display.take() else {
            return;
        };
        display.card.select(score);
        display.answer.score = Some(score);
        display.answer.answered_at = now();
        if !display.answer.preview {
            self.set_outcome(Outcome::Answered);
        }
        self.send(&display.answer);
        raise("score", answer_payload(&display.answer));
        let follow_up = match Category::of(score) {
            Category::Detractor => TextKey::FollowUpDetractor,
            Category::Passive => TextKey::FollowUpPassive,
            Category::Promoter => TextKey::FollowUpPromoter,
        };
        if let Err(error) = display.card.show_follow_up(
            self.text(follow_up),
            self.text(TextKey::Placeholder),
            self.text(TextKey::Send),
        ) {
            self.report(error);
        }
        self.display = Some(display);
    }

    fn send_comment(&mut self, comment: String) {
        let Some(mut display) = self.display.take() else {
            return;
        };
        let answer = &mut display.answer;
        // Trimmed by the card already.
        answer.comment = (!comment.is_empty()).then(|| clip_to(&comment, MAX_COMMENT_CHARS).into());
        answer.complete = true;
        answer.answered_at = now();
        self.send(&display.answer);
        raise("response", answer_payload(&display.answer));
        let category = Category::of(display.answer.score.unwrap_or(0));
        let thanks = match category {
            Category::Detractor => TextKey::ThankYouDetractor,
            Category::Passive => TextKey::ThankYouPassive,
            Category::Promoter => TextKey::ThankYouPromoter,
        };
        let cta = match (&self.config.promoter_cta, category) {
            (Some(cta), Category::Promoter) => Some((
                cta.text
                    .as_deref()
                    .unwrap_or(self.text(TextKey::CtaDefault)),
                cta.url.as_str(),
            )),
            _ => None,
        };
        if let Err(error) = display.card.show_thanks(self.text(thanks), cta) {
            // The answer is complete and sent: closing the card loses nothing.
            return self.report(error);
        }
        let this = self.this.clone();
        display._auto_close = Some(Timeout::new(THANKS_MS, move || {
            with_widget(&this, Widget::close_thanks)
        }));
        self.display = Some(display);
    }

    /// The thank-you step closes itself, but not while the user's focus is on its link or
    /// close button (WCAG 2.2.1): then it waits another round.
    fn close_thanks(&mut self) {
        let engaged = self.display.as_ref().is_some_and(|d| d.card.is_engaged());
        if !engaged {
            return self.finish_display(false);
        }
        let this = self.this.clone();
        if let Some(display) = self.display.as_mut() {
            display._auto_close = Some(Timeout::new(THANKS_MS, move || {
                with_widget(&this, Widget::close_thanks)
            }));
        }
    }

    /// Closes the card. Before a score, a close by the user is a decline; after a score without
    /// a comment, the score is sent as the final answer.
    fn finish_display(&mut self, by_user: bool) {
        let Some(display) = self.display.take() else {
            return;
        };
        let mut answer = display.answer;
        drop(display.card);
        match answer.score {
            None if by_user => {
                if !answer.preview {
                    self.set_outcome(Outcome::Declined);
                }
                answer.declined = true;
                self.send(&answer);
                raise("dismissed", payload(&[("id", answer.id.as_str().into())]));
            }
            Some(_) if !answer.complete => {
                answer.complete = true;
                self.send(&answer);
                raise("response", answer_payload(&answer));
            }
            _ => {}
        }
    }

    fn set_outcome(&mut self, outcome: Outcome) {
        let mut state = self.user_state();
        if let Some((at, _)) = state.last_shown {
            state.last_shown = Some((at, outcome));
            self.save_user_state(&state);
        }
    }

    /// Queues an answer body in the durable outbox, then sends.
    fn send(&mut self, answer: &Answer) {
        let mut outbox = self.outbox();
        let now = now();
        outbox.put(&answer.id, answer.to_json(), answer.score.is_none(), now);
        for dropped in outbox.prune(now) {
            self.store.remove(&outbox_key(&dropped.id));
            web_sys::console::warn_1(
                &concat(&[
                    "nps-widget: outbox full or too old: dropped answer ",
                    &dropped.id,
                ])
                .into(),
            );
        }
        if let Some(entry) = outbox.entries.iter().find(|e| e.id == answer.id) {
            self.store.set(&outbox_key(&entry.id), &entry.encode());
        }
        self.flush_outbox();
    }

    /// Starts a delivery round unless one is running. Across tabs, a Web Lock taken with
    /// `ifAvailable` lets one tab deliver at a time, so two tabs never send the same body at once;
    /// a tab that finds the lock taken leaves the outbox to the tab holding it.
    pub fn flush_outbox(&mut self) {
        if !self.consent_given {
            return;
        }
        if self.sender.flushing {
            self.sender.again = true;
            return;
        }
        self.sender.flushing = true;
        let this = self.this.clone();
        let Some(locks) = web_locks() else {
            // Not from within this call: the round reads and updates the widget.
            return soon(move |_| Round::start(this, None));
        };
        let inner = this.clone();
        // Called by the lock manager (never from within this call), with `null` when another
        // tab holds the lock. The promise it returns keeps the lock until the round ends.
        let round = once_fn(Box::new(move |lock| {
            if lock.is_null() {
                return JsValue::UNDEFINED;
            }
            promise(move |release| Round::start(inner, Some(release))).into()
        }));
        let options = payload(&[("ifAvailable", JsValue::TRUE)]);
        match locks.request(OUTBOX_LOCK, &options, &round) {
            Ok(done) => when_settled(&done, move |settled| {
                if settled.is_instance_of::<js_sys::Error>() {
                    // No Web Locks for this document: deliver without one rather than never.
                    Round::start(this, None);
                } else {
                    with_widget(&this, Widget::round_ended);
                }
            }),
            Err(_) => soon(move |_| Round::start(this, None)),
        }
    }

    /// A delivery round ended (or another tab had the lock): run the next one if something was
    /// queued meanwhile.
    fn round_ended(&mut self) {
        self.sender.flushing = false;
        if core::mem::take(&mut self.sender.again) {
            self.flush_outbox();
        }
    }

    /// The oldest queued body not `waiting` for a retry, read afresh (another tab may have
    /// queued or delivered some).
    fn next_to_send(&self, waiting: &[String]) -> Option<(String, String, String)> {
        let entry = self
            .outbox()
            .entries
            .into_iter()
            .find(|e| !waiting.contains(&e.id))?;
        Some((self.config.endpoint.clone(), entry.id, entry.body))
    }

    /// Records the collector's verdict on one body; returns whether to go on with the round.
    fn delivered(&mut self, id: &str, body: &str, delivery: Delivery) -> bool {
        let key = outbox_key(id);
        match delivery {
            // Either verdict settles only the body it was given: a newer body of the answer
            // queued meanwhile (the score after the display) waits for its own.
            Delivery::Stored => {
                self.sender.attempt = 0;
                self.settle(&key, id, body);
                true
            }
            Delivery::Refused(status) => {
                self.settle(&key, id, body);
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
            Delivery::Retry { retry_after_ms } => {
                if self.sender.retry.is_none() {
                    let delay =
                        retry_delay_ms(self.sender.attempt, retry_after_ms, js_sys::Math::random());
                    self.sender.attempt += 1;
                    let this = self.this.clone();
                    self.sender.retry = Some(Timeout::new(delay, move || {
                        with_widget(&this, |w| {
                            w.sender.retry = None;
                            w.flush_outbox();
                        })
                    }));
                }
                false
            }
        }
    }

    /// Removes the queued body of answer `id` under `key` if it is still `body`.
    fn settle(&self, key: &str, id: &str, body: &str) {
        if self
            .store
            .get(key)
            .and_then(|text| Entry::decode(id, &text))
            .is_some_and(|e| e.is_settled_by(body))
        {
            self.store.remove(key);
        }
    }

    /// The page is going away: a score without its comment becomes the final answer, then
    /// everything queued leaves with `fetch(keepalive)`.
    fn page_hidden(&mut self, _event: &web_sys::Event) {
        if self
            .display
            .as_ref()
            .is_some_and(|d| d.answer.score.is_some() && !d.answer.complete)
        {
            self.finish_display(false);
        }
        self.send_before_unload();
    }

    /// Hands every queued body to `fetch(keepalive)`, which outlives the page.
    fn send_before_unload(&mut self) {
        // Newest first: the answer just finalised matters most, and the browser allows only
        // 64 KB of keepalive bodies in flight per page; what does not fit waits in the outbox.
        let mut budget = KEEPALIVE_BYTES;
        for entry in self.outbox().entries.iter().rev() {
            let Some(left) = budget.checked_sub(entry.body.len()) else {
                break;
            };
            budget = left;
            // Settled quietly: a failure here is retried by the next page's round.
            when_settled(&post_json(&self.config.endpoint, &entry.body, true), |_| {});
        }
    }

    /// Every queued body, oldest first, read afresh from storage.
    fn outbox(&self) -> Outbox {
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

    fn user_key(&self) -> String {
        match &self.config.user {
            Some(user) => concat(&["nps-widget:user:", &user.id]),
            None => "nps-widget:anonymous".into(),
        }
    }

    /// This user's state; a display recorded in the future (the device clock was ahead then)
    /// is moved to now and saved so, so that the clock starts now at the latest. The moved time
    /// is this page's record: a reason does not call it another tab's display.
    fn user_state(&mut self) -> UserState {
        let state = self
            .store
            .get(&self.user_key())
            .map(|text| UserState::decode(&text))
            .unwrap_or_default();
        match state.capped_at(now()) {
            Some(capped) => {
                self.save_user_state(&capped);
                self.shown_here = capped.last_shown.map(|(at, _)| at);
                capped
            }
            None => state,
        }
    }

    fn save_user_state(&self, state: &UserState) {
        self.store.set(&self.user_key(), &state.encode());
    }

    /// The sticky sampling bucket: from the user id, or drawn once for an anonymous visitor.
    fn bucket(&self) -> f64 {
        if let Some(user) = &self.config.user {
            return bucket_for(&user.id);
        }
        let stored = self.store.get(BUCKET_KEY).and_then(|text| parse_u32(&text));
        let random = stored.unwrap_or_else(|| {
            let [a, b, c, d, ..] = random_bytes();
            let random = u32::from_le_bytes([a, b, c, d]);
            let mut text = String::new();
            push_uint(&mut text, random as u64);
            self.store.set(BUCKET_KEY, &text);
            random
        });
        bucket_from_random(random)
    }

    fn text(&self, key: TextKey) -> &str {
        text(&self.config.texts, &self.catalog, key)
    }

    fn look(&self) -> Look {
        let theme = &self.config.theme;
        Look {
            mode: match theme.mode {
                ThemeMode::Light => "light",
                ThemeMode::Dark => "dark",
                ThemeMode::Auto => "auto",
            },
            position: match theme.position {
                Position::Bottom => "bottom",
                Position::BottomRight => "bottom-right",
                Position::BottomLeft => "bottom-left",
                Position::Top => "top",
            },
            accent: theme
                .accent
                .as_ref()
                .map(|accent| (accent.clone(), text_colour_on(accent))),
            z_index: theme.z_index,
            lang: self.catalog.tag(),
            rtl: self.catalog.is_rtl(),
            close_label: self.text(TextKey::Close).into(),
        }
    }

    fn debug(&self, parts: &[&str]) {
        if self.config.debug {
            let mut message = String::from("nps-widget: ");
            for part in parts {
                message.push_str(part);
            }
            web_sys::console::log_1(&message.into());
        }
    }

    fn report(&self, error: Error) {
        let message = error.message();
        web_sys::console::error_1(&message.as_str().into());
        raise("error", payload(&[("message", message.into())]));
    }
}

/// One delivery round: sends queued bodies one at a time, oldest first, until each was tried
/// once. A body the collector asks to retry waits for the next round (on the backoff timer);
/// the bodies after it still go.
struct Round {
    this: Weak<RefCell<Widget>>,
    /// Bodies answered "retry" in this round, skipped until it ends.
    waiting: Vec<String>,
    /// Resolves the promise that holds the outbox lock; without Web Locks, `None`.
    release: Option<Function>,
}

impl Round {
    /// Runs a round; called where the widget is not borrowed (a lock or promise callback).
    fn start(this: Weak<RefCell<Widget>>, release: Option<Function>) {
        Round {
            this,
            waiting: Vec::new(),
            release,
        }
        .next();
    }

    /// Sends the next body, then goes on from its answer; or ends the round.
    fn next(mut self) {
        let Some((endpoint, id, body)) =
            widget_value(&self.this, |w| w.next_to_send(&self.waiting)).flatten()
        else {
            return self.end();
        };
        when_settled(&post_json(&endpoint, &body, false), move |settled| {
            match widget_value(&self.this, |w| w.delivered(&id, &body, delivery(settled))) {
                Some(true) => {}
                Some(false) => self.waiting.push(id),
                None => return self.end(),
            }
            self.next();
        });
    }

    /// Releases the lock (the tab's round then ends when the lock request settles), or ends
    /// the tab's round at once without Web Locks.
    fn end(self) {
        match self.release {
            Some(release) => {
                // call1 rather than call0: one `call` import fewer in the glue.
                let _ = release.call1(&JsValue::UNDEFINED, &JsValue::UNDEFINED);
            }
            None => with_widget(&self.this, Widget::round_ended),
        }
    }
}

/// Like [`with_widget`], returning what `f` returns (`None` when the widget is gone or busy).
fn widget_value<T>(widget: &Weak<RefCell<Widget>>, f: impl FnOnce(&mut Widget) -> T) -> Option<T> {
    let mut out = None;
    with_widget(widget, |w| out = Some(f(w)));
    out
}

#[wasm_bindgen]
extern "C" {
    /// The page's `LockManager` (Web Locks).
    type LockManager;
    /// The page's `Navigator`, with the one getter used here.
    type LockNavigator;
    /// `navigator.locks`: `None` where the browser has no Web Locks (or outside a secure context).
    #[wasm_bindgen(method, getter)]
    fn locks(this: &LockNavigator) -> Option<LockManager>;
    /// `locks.request(name, options, callback)`: the promise settles once the callback's result
    /// does, after the lock is released.
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &JsValue,
    ) -> Result<Promise, JsValue>;
}

/// `navigator.locks`, where the browser has Web Locks.
fn web_locks() -> Option<LockManager> {
    super::guards::window()?
        .navigator()
        .unchecked_ref::<LockNavigator>()
        .locks()
}

/// The storage key of the queued body of answer `id`.
fn outbox_key(id: &str) -> String {
    concat(&[OUTBOX_PREFIX, id])
}

fn answer_payload(answer: &Answer) -> JsValue {
    let score = answer.score.unwrap_or(0);
    payload(&[
        ("id", answer.id.as_str().into()),
        ("score", (score as u32).into()),
        ("category", Category::of(score).name().into()),
        (
            "comment",
            answer
                .comment
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from_str),
        ),
        ("trigger", answer.trigger.as_str().into()),
    ])
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn current_path() -> String {
    super::guards::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

fn current_page() -> String {
    let href = super::guards::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    page_without_query(&href).into()
}

fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let crypto = super::guards::window().and_then(|w| w.crypto().ok());
    let filled = crypto.is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}
