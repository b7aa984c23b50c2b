//! The running widget: owns the config, the card, the outbox sender, and every listener and
//! timer it adds. Dropping it removes them all. Decisions are the core's; this file wires them
//! to the browser.

use super::card::{Action, Card, Look};
use super::events::{payload, raise};
use super::storage::Store;
use super::transport::{post_json, Delivery};
use crate::core::answer::{page_without_query, uuid_v4, Answer, Category};
use crate::core::config::{text_colour_on, Config, Position, ThemeMode, Trigger, User};
use crate::core::eligibility::{bucket_for, bucket_from_random, decide, Outcome, UserState};
use crate::core::error::Error;
use crate::core::i18n::{fill, resolve, Catalog, TextKey};
use super::languages;
use crate::core::outbox::{retry_delay_ms, Outbox};
use crate::core::text::{concat, int, push_uint};
use crate::core::texts::text;
use crate::core::time::format_timestamp;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

/// Shared handle to the widget; callbacks hold a [`Weak`] so they never keep it alive.
pub type Handle = Rc<RefCell<Widget>>;

const OUTBOX_KEY: &str = "nps-widget:outbox";
const BUCKET_KEY: &str = "nps-widget:bucket";
/// How long the thank-you step stays before the card closes itself.
const THANKS_MS: u32 = 4_000;

/// The widget after a valid `init`.
pub struct Widget {
    config: Config,
    store: Store,
    catalog: Catalog,
    /// A show requested while the language's texts were loading: (trigger, force).
    waiting_for_texts: Option<(String, bool)>,
    texts_loading: bool,
    display: Option<Display>,
    sender: Sender,
    this: Weak<RefCell<Widget>>,
    _page_listeners: Vec<EventListener>,
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
    in_flight: Vec<String>,
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

impl Widget {
    /// Starts the widget: restores state, sends what is waiting, arms the triggers.
    pub fn start(config: Config) -> Handle {
        let store = Store::open();
        let language = config.language.clone().or_else(|| web_sys::window().and_then(|w| w.navigator().language()));
        let tag = resolve(language.as_deref().unwrap_or("en"));
        let handle = Rc::new_cyclic(|this: &Weak<RefCell<Widget>>| {
            let mut page_listeners = Vec::new();
            if let Some(window) = web_sys::window() {
                let weak = this.clone();
                page_listeners.push(EventListener::new(&window, "online", move |_| with_widget(&weak, |w| w.flush_outbox())));
                let weak = this.clone();
                page_listeners.push(EventListener::new(&window, "pagehide", move |_| with_widget(&weak, |w| w.send_before_unload())));
            }
            RefCell::new(Widget {
                config,
                store,
                catalog: Catalog::english(),
                waiting_for_texts: None,
                texts_loading: tag != "en",
                display: None,
                sender: Sender::default(),
                this: this.clone(),
                _page_listeners: page_listeners,
            })
        });
        {
            let mut widget = handle.borrow_mut();
            if !widget.store.is_durable() {
                widget.debug(&["storage is unavailable; state is kept in memory for this page"]);
            }
            widget.flush_outbox();
            if widget.texts_loading {
                let this = widget.this.clone();
                spawn_local(async move {
                    let catalog = languages::load(tag).await;
                    with_widget(&this, |w| w.texts_loaded(tag, catalog));
                });
            }
            if widget.config.triggers.contains(&Trigger::Load) {
                widget.maybe_show("load", false);
            }
        }
        handle
    }

    fn texts_loaded(&mut self, tag: &str, catalog: Option<Catalog>) {
        self.texts_loading = false;
        match catalog {
            Some(catalog) => self.catalog = catalog,
            None => self.debug(&["texts for \"", tag, "\" could not be loaded; using English"]),
        }
        if let Some((trigger, force)) = self.waiting_for_texts.take() {
            self.maybe_show(&trigger, force);
        }
    }

    /// Shows the card now if the user is eligible (or always with `force`).
    pub fn maybe_show(&mut self, trigger: &str, force: bool) {
        if self.texts_loading {
            self.waiting_for_texts = Some((trigger.into(), force));
            return;
        }
        if self.display.is_some() {
            self.debug(&["not shown: the card is already open"]);
            return;
        }
        let now = now();
        let state = self.user_state();
        if !force {
            let created_at = self.config.user.as_ref().and_then(|u| u.created_at);
            if let Err(why) = decide(&state, &self.config.throttle, created_at, self.bucket(), now) {
                let reason = why.reason();
                self.debug(&["not shown: ", &reason]);
                let next = why.next_eligible_at().map_or(JsValue::NULL, |at| format_timestamp(at).into());
                raise("ineligible", payload(&[("reason", reason.into()), ("nextEligibleAt", next)]));
                return;
            }
        }
        self.debug(&[if force { "shown (forced), trigger " } else { "eligible, shown, trigger " }, trigger]);
        if let Err(error) = self.open_card(trigger, now, state) {
            self.report(error);
        }
    }

    /// Records an event for `{ event }` triggers.
    pub fn track(&mut self, event: &str) {
        let fires = self.config.triggers.iter().any(|t| matches!(t, Trigger::Event(name) if name == event));
        if fires {
            self.maybe_show(&concat(&["event:", event]), false);
        } else {
            self.debug(&["track: no trigger for event ", event]);
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

    fn open_card(&mut self, trigger: &str, now: i64, mut state: UserState) -> Result<(), Error> {
        let look = self.look();
        let this = self.this.clone();
        let mut card = Card::mount(&look, Rc::new(move |action| with_widget(&this, |w| w.on_action(action))))?;
        let question = fill(self.text(TextKey::Question), "{product}", &self.config.product);
        let score_label = self.text(TextKey::ScoreLabel);
        card.show_scale(
            &question,
            self.text(TextKey::LowLabel),
            self.text(TextKey::HighLabel),
            self.text(TextKey::ScaleLabel),
            &|score| fill(score_label, "{score}", &int(score as i64)),
        )?;
        // The six-month clock starts now, recorded before any network call.
        state.last_shown = Some((now, Outcome::Ignored));
        self.save_user_state(&state);
        let answer = Answer {
            id: uuid_v4(random_bytes()),
            score: None,
            comment: None,
            complete: false,
            user: self.config.user.clone(),
            account: self.config.account.clone(),
            language: self.catalog.tag().into(),
            trigger: trigger.into(),
            page: current_page(),
            shown_at: now,
            answered_at: now,
        };
        raise("shown", payload(&[("id", answer.id.as_str().into()), ("trigger", trigger.into())]));
        self.display = Some(Display { card, answer, _auto_close: None });
        Ok(())
    }

    fn on_action(&mut self, action: Action) {
        let Some(display) = self.display.as_ref() else { return };
        let answer = &display.answer;
        match action {
            Action::Score(score) if answer.score.is_none() && score <= 10 => self.choose(score),
            Action::Send(comment) if answer.score.is_some() && !answer.complete => self.send_comment(comment),
            Action::Close => self.finish_display(true),
            _ => {}
        }
    }

    fn choose(&mut self, score: u8) {
        let Some(display) = self.display.as_mut() else { return };
        display.card.select(score);
        display.answer.score = Some(score);
        display.answer.answered_at = now();
        let answer = display.answer.clone();
        self.set_outcome(Outcome::Answered);
        self.send(&answer);
        let category = Category::of(score);
        raise("score", answer_payload(&answer));
        let follow_up = match category {
            Category::Detractor => TextKey::FollowUpDetractor,
            Category::Passive => TextKey::FollowUpPassive,
            Category::Promoter => TextKey::FollowUpPromoter,
        };
        let (question, placeholder, send) = (self.text(follow_up).to_string(), self.text(TextKey::Placeholder).to_string(), self.text(TextKey::Send).to_string());
        if let Some(display) = self.display.as_mut() {
            if let Err(error) = display.card.show_follow_up(&question, &placeholder, &send) {
                self.report(error);
            }
        }
    }

    fn send_comment(&mut self, comment: String) {
        let Some(display) = self.display.as_mut() else { return };
        let comment = comment.trim();
        display.answer.comment = (!comment.is_empty()).then(|| comment.chars().take(5000).collect());
        display.answer.complete = true;
        display.answer.answered_at = now();
        let answer = display.answer.clone();
        self.send(&answer);
        raise("response", answer_payload(&answer));
        let category = Category::of(answer.score.unwrap_or(0));
        let thanks = match category {
            Category::Detractor => TextKey::ThankYouDetractor,
            Category::Passive => TextKey::ThankYouPassive,
            Category::Promoter => TextKey::ThankYouPromoter,
        };
        let thanks = self.text(thanks).to_string();
        let cta = match (&self.config.promoter_cta, category) {
            (Some(cta), Category::Promoter) => {
                Some((cta.text.clone().unwrap_or_else(|| self.text(TextKey::CtaDefault).into()), cta.url.clone()))
            }
            _ => None,
        };
        let this = self.this.clone();
        if let Some(display) = self.display.as_mut() {
            if let Err(error) = display.card.show_thanks(&thanks, cta.as_ref().map(|(t, u)| (t.as_str(), u.as_str()))) {
                self.report(error);
                return;
            }
            display._auto_close = Some(Timeout::new(THANKS_MS, move || with_widget(&this, |w| w.finish_display(false))));
        }
    }

    /// Closes the card. Before a score, a close by the user is a decline; after a score without
    /// a comment, the score is sent as the final answer.
    fn finish_display(&mut self, by_user: bool) {
        let Some(display) = self.display.take() else { return };
        let mut answer = display.answer;
        drop(display.card);
        match answer.score {
            None if by_user => {
                self.set_outcome(Outcome::Declined);
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
            self.warn(&["outbox full or too old: dropped answer ", &dropped.id]);
        }
        self.store.set(OUTBOX_KEY, &outbox.encode());
        self.flush_outbox();
    }

    /// Sends every queued body that is not already on its way.
    pub fn flush_outbox(&mut self) {
        let outbox = self.outbox();
        for entry in outbox.entries {
            if self.sender.in_flight.contains(&entry.id) {
                continue;
            }
            self.sender.in_flight.push(entry.id.clone());
            let endpoint = self.config.endpoint.clone();
            let this = self.this.clone();
            spawn_local(async move {
                let delivery = post_json(&endpoint, &entry.body, false).await;
                with_widget(&this, |w| w.delivered(&entry.id, &entry.body, delivery));
            });
        }
    }

    fn delivered(&mut self, id: &str, body: &str, delivery: Delivery) {
        self.sender.in_flight.retain(|x| x != id);
        let mut outbox = self.outbox();
        match delivery {
            Delivery::Stored => {
                self.sender.attempt = 0;
                outbox.acknowledge(id, body);
                self.store.set(OUTBOX_KEY, &outbox.encode());
                // A newer body for the same id (the comment) may have been queued meanwhile.
                if outbox.entries.iter().any(|e| e.id == id) {
                    self.flush_outbox();
                }
            }
            Delivery::Refused(status) => {
                outbox.remove(id);
                self.store.set(OUTBOX_KEY, &outbox.encode());
                let mut message = String::from("nps-widget: the collector refused an answer (HTTP ");
                push_uint(&mut message, status as u64);
                message.push(')');
                web_sys::console::error_1(&message.as_str().into());
                raise("error", payload(&[("message", message.into()), ("id", id.into())]));
            }
            Delivery::Retry { retry_after_ms } => {
                if self.sender.retry.is_none() {
                    let delay = retry_after_ms.unwrap_or_else(|| retry_delay_ms(self.sender.attempt, js_sys::Math::random()));
                    self.sender.attempt += 1;
                    let this = self.this.clone();
                    self.sender.retry = Some(Timeout::new(delay, move || {
                        with_widget(&this, |w| {
                            w.sender.retry = None;
                            w.flush_outbox();
                        })
                    }));
                }
            }
        }
    }

    /// On `pagehide`: hands every queued body to `fetch(keepalive)`, which outlives the page.
    fn send_before_unload(&mut self) {
        for entry in self.outbox().entries {
            let endpoint = self.config.endpoint.clone();
            spawn_local(async move {
                let _ = post_json(&endpoint, &entry.body, true).await;
            });
        }
    }

    fn outbox(&self) -> Outbox {
        self.store.get(OUTBOX_KEY).map(|text| Outbox::decode(&text)).unwrap_or_default()
    }

    fn user_key(&self) -> String {
        match &self.config.user {
            Some(user) => concat(&["nps-widget:user:", &user.id]),
            None => "nps-widget:anonymous".into(),
        }
    }

    fn user_state(&self) -> UserState {
        self.store.get(&self.user_key()).map(|text| UserState::decode(&text)).unwrap_or_default()
    }

    fn save_user_state(&self, state: &UserState) {
        self.store.set(&self.user_key(), &state.encode());
    }

    /// The sticky sampling bucket: from the user id, or drawn once for an anonymous visitor.
    fn bucket(&self) -> f64 {
        if let Some(user) = &self.config.user {
            return bucket_for(&user.id);
        }
        let stored = self.store.get(BUCKET_KEY).and_then(|text| text.parse::<u32>().ok());
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
            accent: theme.accent.as_ref().map(|accent| (accent.clone(), text_colour_on(accent))),
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

    fn warn(&self, parts: &[&str]) {
        let mut message = String::from("nps-widget: ");
        for part in parts {
            message.push_str(part);
        }
        web_sys::console::warn_1(&message.into());
    }

    fn report(&self, error: Error) {
        let message = error.message();
        web_sys::console::error_1(&message.as_str().into());
        raise("error", payload(&[("message", message.into())]));
    }
}

fn answer_payload(answer: &Answer) -> JsValue {
    let score = answer.score.unwrap_or(0);
    payload(&[
        ("id", answer.id.as_str().into()),
        ("score", (score as u32).into()),
        ("category", Category::of(score).name().into()),
        ("comment", answer.comment.as_deref().map_or(JsValue::NULL, JsValue::from_str)),
        ("trigger", answer.trigger.as_str().into()),
    ])
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn current_page() -> String {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    page_without_query(&href).into()
}

fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    let filled = crypto.is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}
