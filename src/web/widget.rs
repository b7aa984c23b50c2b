//! The running widget after a valid `init`: its config, texts and consent, the commands, and
//! every page listener it adds (removed when it is dropped). The show's course is in
//! [`super::show`], the open card's in [`super::display`], the triggers in
//! [`super::page_triggers`]; delivery is an owner of its own ([`super::delivery`]).

use crate::prelude::*;

use super::delivery::Delivery;
use super::events::{payload, raise};
use super::guards::{soon, EventListener, Global, Timeout};
use super::languages;
use super::owner::{run, Owned};
use super::records::Records;
use super::resume::Resume;
use super::routes::RouteWatch;
use super::show::ShowState;
use crate::core::answer::page_without_query;
use crate::core::config::Survey;
use crate::core::config::{Config, User};
use crate::core::error::Error;
use crate::core::fatigue::Displays;
use crate::core::i18n::{resolve, Catalog, TextKey};
use crate::core::texts::text;
use alloc::rc::{Rc, Weak};
use core::cell::Cell;

/// What this page did, kept across `destroy` and a new `init` in the same page, to tell this
/// page's displays from another tab's in the reasons.
pub(super) struct Page {
    /// When the page first started a widget (epoch ms; 0 before).
    pub started_at: Cell<i64>,
    /// The display time this page last wrote (its own display, or a future one moved to now).
    pub shown_here: Cell<Option<i64>>,
}

/// This page's [`Page`].
pub(super) static PAGE: Global<Page> = Global::new(Page {
    started_at: Cell::new(0),
    shown_here: Cell::new(None),
});

/// The widget, as commands, listeners and timers reach it (see [`super::owner`]).
pub type Handle = Rc<Owned<Widget>>;

/// The widget after a valid `init`.
pub struct Widget {
    pub(super) config: Config,
    pub(super) records: Records,
    pub(super) delivery: Rc<Owned<Delivery>>,
    pub(super) catalog: Catalog,
    /// The page's language, while its texts are not loaded yet: they are fetched when a card
    /// is about to be shown, so a page that shows none fetches no language file.
    pub(super) texts_wanted: Option<&'static str>,
    /// Whether the page's texts are being fetched (a show waits for them).
    pub(super) texts_loading: bool,
    pub(super) consent_given: bool,
    /// Where the show stands: idle, waiting, delayed, checking, or open.
    pub(super) show: ShowState,
    /// Path of the current page, for URL triggers and page views.
    pub(super) path: String,
    pub(super) this: Weak<Owned<Widget>>,
    /// The fingerprint of the `init` config (see `src/js/quiet.js`), while this widget may
    /// leave quiet records: not with `debug` or `requireConsent`, nor once `identify` or
    /// `reset` changed the user the config names.
    pub(super) fingerprint: Option<String>,
    pub(super) timers: Vec<Timeout>,
    _page_listeners: Vec<EventListener>,
    _routes: Option<RouteWatch>,
}

/// A listener that runs `f` on the widget.
fn listen(
    target: &web_sys::EventTarget,
    event: &'static str,
    this: &Weak<Owned<Widget>>,
    f: fn(&mut Widget, &web_sys::Event),
) -> EventListener {
    let this = this.clone();
    EventListener::new(target, event, true, move |event| {
        let event = event.clone();
        run(&this, move |w| f(w, &event))
    })
}

impl Widget {
    /// Starts the widget: restores state, sends what is waiting, arms the triggers, or, after
    /// a quiet page view (`resume`), goes on from where it stopped.
    pub fn start(config: Config, fingerprint: Option<String>, resume: Option<Resume>) -> Handle {
        PAGE.with(|page| {
            if page.started_at.get() == 0 {
                page.started_at
                    .set(resume.as_ref().map_or_else(now, |r| r.started_at));
            }
        });
        let fingerprint = fingerprint.filter(|_| !config.debug && !config.require_consent);
        let records = Records::open(!config.require_consent);
        let delivery = Delivery::new(
            config.endpoint.clone(),
            records.clone(),
            !config.require_consent,
        );
        let language = config
            .language
            .clone()
            .or_else(|| super::guards::window().and_then(|w| w.navigator().language()));
        let tag = resolve(language.as_deref().unwrap_or("en"));
        // A quiet page view that ran the triggers hands over what it did; the widget goes on
        // from there at once, before the command that woke it runs.
        let resume = resume.filter(|r| r.armed);
        let parsing = resume.is_none()
            && super::guards::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.ready_state() == "loading");
        let handle = Rc::new_cyclic(|this: &Weak<Owned<Widget>>| {
            let mut page_listeners = Vec::new();
            if let Some(window) = super::guards::window() {
                page_listeners.push(listen(&window, "online", this, |w, _| {
                    run_delivery(w, Delivery::flush)
                }));
                page_listeners.push(listen(&window, "pagehide", this, Widget::page_hidden));
                page_listeners.push(listen(&window, "storage", this, Widget::storage_changed));
                if let Some(document) = window.document() {
                    // Started from a script in <head>: the card needs <body>, so the triggers
                    // wait for the document to be parsed.
                    if parsing {
                        page_listeners.push(listen(&document, "DOMContentLoaded", this, |w, _| {
                            w.arm_triggers()
                        }));
                    }
                    page_listeners.push(listen(&document, "visibilitychange", this, |w, _| {
                        if super::guards::window()
                            .and_then(|w| w.document())
                            .is_some_and(|d| d.hidden())
                        {
                            w.delivery.peek(Delivery::send_before_unload);
                        }
                    }));
                }
            }
            let routes_this = this.clone();
            let routes = RouteWatch::new(Rc::new(move || run(&routes_this, Widget::route_changed)));
            Owned::new(Widget {
                consent_given: !config.require_consent,
                config,
                records,
                delivery,
                catalog: Catalog::english(),
                texts_wanted: (tag != "en").then_some(tag),
                texts_loading: false,
                show: ShowState::Idle,
                path: current_path(),
                this: this.clone(),
                fingerprint,
                timers: Vec::new(),
                _page_listeners: page_listeners,
                _routes: routes,
            })
        });
        let this = Rc::downgrade(&handle);
        run(&this, move |widget| {
            if !widget.records.is_available() {
                widget.debug(&["storage is unavailable; state is kept in memory for this page"]);
            }
            run_delivery(widget, Delivery::flush);
            if let Some(resume) = resume {
                widget.resume_triggers(resume);
            } else if !parsing {
                // After the script that called `init` has run on (the rest of the command
                // queue, listeners added right after `init`), so that they hear the decision.
                let this = widget.this.clone();
                soon(move |_| run(&this, Widget::arm_triggers));
            }
        });
        handle
    }

    /// Starts fetching the page's texts if a card is about to need them and they are not
    /// there yet; whether the show must wait for them.
    pub(super) fn fetch_texts(&mut self) -> bool {
        if let Some(tag) = self.texts_wanted.take() {
            self.texts_loading = true;
            let this = self.this.clone();
            languages::load(tag, move |catalog| {
                run(&this, move |w| w.texts_loaded(tag, catalog))
            });
        }
        self.texts_loading
    }

    /// The texts of the page's language arrived (`None`: they could not be loaded, English
    /// stays); a show waiting for them goes on.
    fn texts_loaded(&mut self, tag: &str, catalog: Option<Catalog>) {
        self.texts_loading = false;
        match catalog {
            Some(catalog) => self.catalog = catalog,
            None => self.debug(&["texts for \"", tag, "\" could not be loaded; using English"]),
        }
        self.resume_waiting();
    }

    /// Grants or withdraws consent (with `requireConsent`).
    pub fn consent(&mut self, granted: bool) {
        if granted == self.consent_given {
            return;
        }
        self.consent_given = granted;
        if granted {
            self.records.make_durable();
            self.count_view();
            run_delivery(self, |d| d.enable(true));
            self.resume_waiting();
        } else {
            self.withdraw_show();
            self.records.forget_all();
            run_delivery(self, |d| d.enable(false));
        }
    }

    /// Removes the card without counting a decline; a given score is kept and finalised.
    pub fn hide(&mut self) {
        self.finish_display(false);
    }

    /// Sets or changes the user.
    pub fn identify(&mut self, user: User) {
        self.fingerprint = None;
        self.config.user = Some(user);
    }

    /// Forgets the current user; queued answers are still delivered.
    pub fn reset(&mut self) {
        self.hide();
        self.fingerprint = None;
        self.config.user = None;
    }

    /// Every survey's display to this user; a display recorded in the future (the device
    /// clock was ahead then) is moved to now and saved so, so that the clocks start now at the
    /// latest. The moved time is this page's record: a reason does not call it another tab's
    /// display.
    pub(super) fn displays(&mut self) -> Displays {
        let user = self.config.user.as_ref();
        let displays = self.records.displays(user);
        match displays.capped_at(now()) {
            Some(capped) => {
                self.records.save_displays(user, &capped);
                PAGE.with(|page| page.shown_here.set(capped.latest().map(|s| s.at)));
                capped
            }
            None => displays,
        }
    }

    /// The survey at `index` in the config (the first if there is none: the config has one
    /// at least, and indexes come from it).
    pub(super) fn survey(&self, index: usize) -> &Survey {
        let surveys = &self.config.surveys;
        surveys.get(index).unwrap_or(&surveys[0])
    }

    /// The text for `key` in survey `index`, in the page's language (the survey's override
    /// first).
    pub(super) fn text(&self, index: usize, key: TextKey) -> &str {
        let survey = self.survey(index);
        text(&survey.texts, &self.catalog, survey.kind, key)
    }

    /// Logs `parts` with `debug: true`.
    pub(super) fn debug(&self, parts: &[&str]) {
        if self.config.debug {
            let mut message = String::from("nps-widget: ");
            for part in parts {
                message.push_str(part);
            }
            web_sys::console::log_1(&message.into());
        }
    }

    /// Logs an error and raises it as an `error` event.
    pub(super) fn report(&self, error: Error) {
        let message = error.message();
        web_sys::console::error_1(&message.as_str().into());
        raise("error", payload(&[("message", message.into())]));
    }
}

/// Runs `f` on the widget's delivery, now or right after the delivery's running call.
pub(super) fn run_delivery(widget: &Widget, f: impl FnOnce(&mut Delivery) + 'static) {
    super::owner::run_on(&widget.delivery, f);
}

/// Now, on the device's clock (epoch ms).
pub(super) fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The current page's path.
pub(super) fn current_path() -> String {
    super::guards::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The current page's URL without query and fragment.
pub(super) fn current_page() -> String {
    let href = super::guards::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    page_without_query(&href).into()
}

/// 16 random bytes (`crypto.getRandomValues`, `Math.random` where it is missing).
pub(super) fn random_bytes() -> [u8; 16] {
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
