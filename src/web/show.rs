//! The course of a show, from a trigger to an open card: the wait for texts or consent, the
//! `delaySeconds` wait, the local decision (which of the surveys a trigger fired may be shown:
//! their own clocks, the shared gap, the first in the config's order), the collector's verdict,
//! the cross-tab show lock, and the final check under it. [`ShowState`] says where the widget
//! stands, so that two shows can never be under way at once.

use crate::prelude::*;

use super::display::Display;
use super::events::{payload, raise};
use super::guards::{delay, Timeout};
use super::locks::with_lock;
use super::owner::run;
use super::records::Records;
use super::transport::get_json;
use super::widget::{now, random_bytes, Widget, PAGE};
use crate::core::config::Trigger;
use crate::core::error::Error;
use crate::core::fatigue::{choose, decide_survey, Choice, Held, SurveyRules};
use crate::core::quiet::{self, QuietWindow};
use crate::core::text::{concat, find_byte};
use crate::core::time::{format_timestamp, parse_timestamp};
use crate::core::triggers::trigger_name;
use alloc::boxed::Box;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// How long the show lock is kept after a display, for the record to reach other tabs.
const LOCK_HOLD_MS: i32 = 300;
/// How long the collector may take to answer an eligibility check.
const ELIGIBILITY_TIMEOUT_MS: u32 = 2_000;

/// Where the show stands.
// One per widget, so the size of its largest variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
pub enum ShowState {
    /// Nothing under way.
    Idle,
    /// A show waits for the texts of the page's language or for consent.
    Waiting {
        /// The trigger's name.
        trigger: String,
        /// `show({ force: true })`.
        force: bool,
        /// The surveys it may show (indexes in the config, in its order).
        surveys: Vec<usize>,
    },
    /// A trigger fired and waits out `delaySeconds`.
    Delayed(Delayed),
    /// The collector or the cross-tab show lock is being asked about a survey.
    Checking(Checking),
    /// The card is open.
    Open(Display),
}

/// A trigger that fired and waits out `delaySeconds`; dropping it cancels the show.
pub struct Delayed {
    /// The trigger.
    pub trigger: Trigger,
    /// The path it fired on.
    pub fired_on: String,
    /// The surveys it fired (indexes in the config, in its order).
    pub surveys: Vec<usize>,
    _timer: Timeout,
}

/// A survey being checked before its card, and the surveys fired with it that were due too.
pub struct Checking {
    /// The survey (its index in the config).
    pub survey: usize,
    /// The others that were due but for this one, in the config's order, with the reason they
    /// hear once its card is shown; if it is not shown, they are tried in turn.
    pub next: Vec<(usize, Held)>,
}

/// Adds the surveys of `more` that `list` (in the config's order, as every list of surveys
/// is) lacks, in their places.
fn merge(list: &mut Vec<usize>, more: &[usize]) {
    for &survey in more {
        if let Err(at) = list.binary_search(&survey) {
            list.insert(at, survey);
        }
    }
}

impl Widget {
    /// A trigger of `surveys` fired: show one of them after its `delaySeconds` (the survey the
    /// rules would pick now; the first when none is due, whose "not now" then comes after its
    /// delay, as for one survey). A show already waiting (out a delay, or for texts or consent)
    /// takes these surveys along rather than being replaced.
    pub(super) fn fire(&mut self, surveys: Vec<usize>, trigger: &Trigger) {
        let Some(&first) = surveys.first() else {
            return;
        };
        let name = trigger_name(trigger);
        self.debug(&["trigger ", &name]);
        let consent = self.consent_given;
        match &mut self.show {
            ShowState::Delayed(delayed) => return merge(&mut delayed.surveys, &surveys),
            ShowState::Waiting {
                force: false,
                surveys: waiting,
                ..
            } => {
                merge(waiting, &surveys);
                if !consent {
                    for survey in surveys {
                        self.not_now(survey, "consent not given".into(), None);
                    }
                }
                return;
            }
            _ => {}
        }
        let winner = if surveys.len() > 1 {
            self.peek(&surveys)
        } else {
            None
        };
        let delay = self.survey(winner.unwrap_or(first)).delay_seconds;
        if delay == 0 {
            return self.request_show(&name, false, surveys);
        }
        if !matches!(self.show, ShowState::Idle | ShowState::Waiting { .. }) {
            return self.request_show(&name, false, surveys);
        }
        self.delay_show(
            trigger.clone(),
            surveys,
            self.path.clone(),
            delay.saturating_mul(1000),
        );
    }

    /// Shows one of `surveys` for `trigger`, which fired on `fired_on`, in `ms` milliseconds.
    pub(super) fn delay_show(
        &mut self,
        trigger: Trigger,
        surveys: Vec<usize>,
        fired_on: String,
        ms: u32,
    ) {
        let name = trigger_name(&trigger);
        let this = self.this.clone();
        let timer = Timeout::new(ms, move || {
            run(&this, move |w| {
                // The timer belongs to the delayed show: it cannot fire in another state.
                if !matches!(w.show, ShowState::Delayed(_)) {
                    return;
                }
                if let ShowState::Delayed(delayed) =
                    core::mem::replace(&mut w.show, ShowState::Idle)
                {
                    w.request_show(&name, false, delayed.surveys);
                }
            })
        });
        self.show = ShowState::Delayed(Delayed {
            trigger,
            fired_on,
            surveys,
            _timer: timer,
        });
    }

    /// Shows the card of one of `surveys` (indexes in the config, in its order) if the user
    /// is eligible, or the first with `force`: the local rules first (the first survey they
    /// allow wins; every other one hears why not), then the collector if
    /// `eligibilityEndpoint` is set, then a cross-tab lock. A request replaces a delayed or
    /// waiting one; one made while another is checked or the card is open does nothing.
    pub fn request_show(&mut self, trigger: &str, force: bool, surveys: Vec<usize>) {
        let busy = match &self.show {
            ShowState::Checking(checking) => Some(checking.survey),
            ShowState::Open(display) => Some(display.survey),
            _ => None,
        };
        if let Some(busy) = busy {
            // One card at a time: another survey hears why it is not shown.
            for survey in surveys.into_iter().filter(|s| *s != busy) {
                match self.decide_locally(survey) {
                    Err(why) => self.not_due(survey, &why),
                    Ok(()) => self.not_now(survey, "another survey is being shown".into(), None),
                }
            }
            return self.debug(&["not shown: the card is already open"]);
        }
        let Some(&first) = surveys.first() else {
            return;
        };
        if !self.consent_given || self.texts_loading {
            if !self.consent_given {
                for survey in &surveys {
                    self.not_now(*survey, "consent not given".into(), None);
                }
            }
            // A forced show that waits is not replaced by a trigger's ordinary one.
            if force || !matches!(self.show, ShowState::Waiting { force: true, .. }) {
                self.show = ShowState::Waiting {
                    trigger: trigger.into(),
                    force,
                    surveys,
                };
            }
            return;
        }
        self.show = ShowState::Idle;
        // A hosted survey page shows its survey as a forced show would, but for real.
        let direct = force || self.config.page.is_some();
        let (survey, next) = if direct {
            (first, Vec::new())
        } else {
            match self.choose_survey(&surveys) {
                Some(chosen) => chosen,
                None => return,
            }
        };
        // A card is about to be shown: its texts first (this request is made again when they
        // are there, with the surveys still in the running).
        if self.fetch_texts() {
            let mut surveys = vec![survey];
            merge(
                &mut surveys,
                &next.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            );
            self.show = ShowState::Waiting {
                trigger: trigger.into(),
                force,
                surveys,
            };
            return;
        }
        if direct {
            // Forced shows skip eligibility, so they need no lock.
            return self.show_now(trigger, force, survey);
        }
        self.show = ShowState::Checking(Checking { survey, next });
        let (this, trigger) = (self.this.clone(), String::from(trigger));
        match (&self.config.eligibility_endpoint, &self.config.user) {
            (Some(endpoint), Some(user)) => {
                let separator = if find_byte(endpoint, b"?").is_some() {
                    "&"
                } else {
                    "?"
                };
                let user_id = String::from(js_sys::encode_uri_component(&user.id));
                // Survey ids are `[a-z0-9_-]`: nothing to encode.
                let mut url = concat(&[
                    endpoint,
                    separator,
                    "userId=",
                    &user_id,
                    "&survey=",
                    &self.survey(survey).id,
                ]);
                if let Some(hash) = &user.hash {
                    url.push_str("&userHash=");
                    url.push_str(hash);
                }
                get_json(&url, ELIGIBILITY_TIMEOUT_MS, move |verdict| {
                    run(&this, move |w| w.collector_answered(trigger, verdict))
                });
            }
            _ => self.lock_and_show(trigger),
        }
    }

    /// The survey was not shown after all (the collector or the final check said no): the
    /// surveys that were due with it are tried in turn.
    fn try_next(&mut self, trigger: String, next: Vec<(usize, Held)>) {
        if !next.is_empty() {
            self.request_show(&trigger, false, next.into_iter().map(|(s, _)| s).collect());
        }
    }

    /// `show({ survey, force })`: the named survey, or else every survey (the first due wins;
    /// with `force`, the first).
    pub fn show(&mut self, survey: Option<&str>, force: bool) {
        let surveys = match survey {
            None => (0..self.config.surveys.len()).collect(),
            Some(id) => match self.config.surveys.iter().position(|s| s.id == id) {
                Some(index) => vec![index],
                None => {
                    return self.report(Error::Command {
                        command: concat(&["show({ survey: \"", id, "\" })"]),
                        expected: "names no survey of the config",
                    })
                }
            },
        };
        self.request_show("manual", force, surveys);
    }

    /// Runs a show that waited for texts or consent, once both are there.
    pub(super) fn resume_waiting(&mut self) {
        if !matches!(self.show, ShowState::Waiting { .. }) {
            return;
        }
        if let ShowState::Waiting {
            trigger,
            force,
            surveys,
        } = core::mem::replace(&mut self.show, ShowState::Idle)
        {
            self.request_show(&trigger, force, surveys);
        }
    }

    /// Consent withdrawn: the card closes and a delayed or checked show is dropped.
    pub(super) fn withdraw_show(&mut self) {
        if !matches!(self.show, ShowState::Waiting { .. }) {
            self.show = ShowState::Idle;
        }
    }

    /// The user's sticky sampling draw for the survey at `index`.
    fn bucket(&self, index: usize) -> f64 {
        let survey = &self.survey(index).id;
        self.records.bucket(self.config.user.as_ref(), survey, || {
            let [a, b, c, d, ..] = random_bytes();
            u32::from_le_bytes([a, b, c, d])
        })
    }

    /// The rules of the survey at `index`, as the fatigue clock reads them.
    fn rules(&self, index: usize) -> SurveyRules<'_> {
        let survey = self.survey(index);
        SurveyRules {
            id: &survey.id,
            throttle: &survey.throttle,
        }
    }

    /// What the rules decide now among `surveys`, fired together (see `fatigue::choose`).
    fn choice(&mut self, surveys: &[usize]) -> Choice {
        let displays = self.displays();
        let created_at = self.config.user.as_ref().and_then(|u| u.created_at);
        let buckets: Vec<f64> = surveys.iter().map(|&i| self.bucket(i)).collect();
        let rules: Vec<SurveyRules> = surveys.iter().map(|&i| self.rules(i)).collect();
        choose(
            &displays,
            &rules,
            self.config.survey_gap,
            created_at,
            |i| buckets[i],
            now(),
        )
    }

    /// The survey of `surveys` the rules would show now, without telling the others anything.
    fn peek(&mut self, surveys: &[usize]) -> Option<usize> {
        self.choice(surveys).show.map(|i| surveys[i])
    }

    /// Of `surveys`, fired together, the one to show, if any, and the others that were due
    /// too, with the reason they hear once it is shown; every other survey hears why not now.
    fn choose_survey(&mut self, surveys: &[usize]) -> Option<(usize, Vec<(usize, Held)>)> {
        let choice = self.choice(surveys);
        let mut next = Vec::new();
        for (i, why) in choice.held {
            if choice.lost.contains(&i) {
                next.push((surveys[i], why));
            } else {
                self.not_due(surveys[i], &why);
            }
        }
        choice.show.map(|i| (surveys[i], next))
    }

    /// Whether the survey at `index` may be shown now, by the local rules alone.
    fn decide_locally(&mut self, index: usize) -> Result<(), Held> {
        let displays = self.displays();
        let created_at = self.config.user.as_ref().and_then(|u| u.created_at);
        let bucket = self.bucket(index);
        let (rules, gap) = (self.rules(index), self.config.survey_gap);
        decide_survey(&displays, rules, gap, created_at, bucket, now())
    }

    fn collector_answered(&mut self, trigger: String, verdict: Option<JsValue>) {
        let ShowState::Checking(Checking { survey, .. }) = self.show else {
            return;
        };
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
                let ShowState::Checking(checking) =
                    core::mem::replace(&mut self.show, ShowState::Idle)
                else {
                    return;
                };
                let reason = concat(&["collector says: ", &reason]);
                // Only while the local rules still allow a show: a display another tab made
                // during the check changes what the next page view decides.
                if self.decide_locally(survey).is_ok() {
                    self.leave_quiet(quiet::after_collector_verdict(next, now()), &reason, next);
                }
                self.not_now(survey, reason, next);
                return self.try_next(trigger, checking.next);
            }
            Some(true) => self.debug(&["collector says eligible"]),
            None => self.debug(&[
                "collector eligibility check failed or timed out; using the local decision",
            ]),
        }
        self.lock_and_show(trigger);
    }

    /// Runs the final check and the display under the show lock, so that of two tabs becoming
    /// eligible at once only the first shows the card and the second sees its record.
    fn lock_and_show(&mut self, trigger: String) {
        let lock = concat(&[
            "nps-widget:show:",
            &Records::user_key(self.config.user.as_ref()),
        ]);
        let (this, without_lock) = (self.this.clone(), self.this.clone());
        let trigger_again = trigger.clone();
        with_lock(
            &lock,
            false,
            Box::new(move |_| {
                run(&this, move |w| w.checked(trigger));
                // localStorage reaches other tabs' processes a moment after the write: keep
                // the lock a little longer, so the next tab's check reads this display.
                let open = this.upgrade().and_then(|w| w.peek(Widget::is_open));
                if open == Some(true) {
                    return delay(LOCK_HOLD_MS).into();
                }
                JsValue::UNDEFINED
            }),
            Box::new(move |locked| {
                if !locked {
                    run(&without_lock, move |w| w.checked(trigger_again));
                }
            }),
        );
    }

    /// The checks are done: the final local decision, then the card, and for the surveys
    /// that were due with it, why they are not shown (or, without a card, their turn).
    fn checked(&mut self, trigger: String) {
        // Consent withdrawn, or the widget reset, while the collector or the lock was awaited.
        let ShowState::Checking(Checking { survey, next }) =
            core::mem::replace(&mut self.show, ShowState::Idle)
        else {
            return;
        };
        match self.decide_locally(survey) {
            Ok(()) => {
                self.show_now(&trigger, false, survey);
                if !self.is_open() {
                    return self.try_next(trigger, next);
                }
                for (other, why) in next {
                    let reason = why.reason();
                    self.not_now(other, reason, why.next_eligible_at());
                }
            }
            Err(why) => {
                self.not_due(survey, &why);
                self.try_next(trigger, next);
            }
        }
    }

    /// The local rules said "not now" to the survey at `index`: the `ineligible` event, and,
    /// for its own clock, the quiet record for the page views to come (in the words a page
    /// that did not make the last display uses).
    fn not_due(&mut self, index: usize, why: &Held) {
        let next = why.next_eligible_at();
        let reason = match why {
            Held::Own(own) => {
                self.leave_quiet(quiet::after_local_decision(own, now()), &own.reason(), next);
                PAGE.with(|page| own.reason_on_page(page.started_at.get(), page.shown_here.get()))
            }
            Held::Gap { .. } => why.reason(),
        };
        self.not_now(index, reason, next);
    }

    /// Leaves the quiet record for `window`, when this widget may (see `Widget::fingerprint`).
    fn leave_quiet(&self, window: Option<QuietWindow>, reason: &str, next: Option<i64>) {
        if let (Some(fingerprint), Some(window)) = (&self.fingerprint, window) {
            self.records.save_quiet(
                self.config.user.as_ref(),
                fingerprint,
                (reason, next),
                window,
            );
        }
    }

    fn show_now(&mut self, trigger: &str, preview: bool, survey: usize) {
        // The display changes what the next page view decides.
        self.records.remove_quiet();
        self.debug(&[
            if preview {
                "shown (forced), trigger "
            } else {
                "eligible, shown, trigger "
            },
            trigger,
        ]);
        if let Err(error) = self.open_card(trigger, survey, now(), preview) {
            self.report(error);
        }
    }

    /// The survey at `index` is not shown now: the debug line (naming the survey when there
    /// are several) and the `ineligible` event.
    fn not_now(&mut self, index: usize, reason: String, next: Option<i64>) {
        let id = self.survey(index).id.clone();
        if self.config.surveys.len() > 1 {
            self.debug(&["not shown: ", &reason, " (survey \"", &id, "\")"]);
        } else {
            self.debug(&["not shown: ", &reason]);
        }
        let next = next.map_or(JsValue::NULL, |at| format_timestamp(at).into());
        raise(
            "ineligible",
            payload(&[
                ("survey", id.into()),
                ("reason", reason.into()),
                ("nextEligibleAt", next),
            ]),
        );
    }

    /// Another tab changed this user's state: a card of ours that was not answered yet, or a
    /// delayed show, gives way to the other tab's display.
    pub(super) fn storage_changed(&mut self, event: &web_sys::Event) {
        let key = Reflect::get(event, &"key".into())
            .ok()
            .and_then(|k| k.as_string());
        if key != Some(Records::user_key(self.config.user.as_ref())) {
            return;
        }
        let Some(shown_at) = self.displays().latest().map(|s| s.at) else {
            return;
        };
        match &self.show {
            ShowState::Delayed(_) => {
                self.debug(&["delayed show cancelled: shown in another tab"]);
                self.show = ShowState::Idle;
            }
            ShowState::Open(display)
                if display.answer.score.is_none() && display.answer.shown_at != shown_at =>
            {
                self.debug(&["card closed: shown in another tab"]);
                self.show = ShowState::Idle;
            }
            _ => {}
        }
    }
}
