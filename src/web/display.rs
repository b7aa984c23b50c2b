//! The open card and the answer it collects: the display recorded and queued the moment the
//! card shows, the score, the comment, the thank-you step, and the close (a decline before a
//! score, the final answer after one). Each body of the answer goes to the outbox at once.

use crate::prelude::*;

use super::card::{Action, Card};
use super::events::{payload, raise};
use super::guards::Timeout;
use super::look::Look;
use super::owner::run;
use super::show::ShowState;
use super::widget::{current_page, now, random_bytes, run_delivery, Widget, PAGE};
use crate::core::answer::{answer_key, clip, clip_to, uuid_v4, Answer};
use crate::core::eligibility::Outcome;
use crate::core::error::Error;
use crate::core::i18n::{fill, TextKey};
use crate::core::limits::MAX_COMMENT_CHARS;
use crate::core::text::int;
use alloc::rc::Rc;
use wasm_bindgen::JsValue;

/// One display of the card and the answer it is collecting.
pub struct Display {
    card: Card,
    /// The survey shown (its index in the config).
    pub survey: usize,
    /// The answer so far.
    pub answer: Answer,
    _auto_close: Option<Timeout>,
}

impl Widget {
    /// Whether the card is open.
    pub fn is_open(&self) -> bool {
        matches!(self.show, ShowState::Open(_))
    }

    /// The card's shadow root, if the card is open.
    pub fn shadow_root(&self) -> Option<web_sys::ShadowRoot> {
        match &self.show {
            ShowState::Open(display) => Some(display.card.shadow_root().clone()),
            _ => None,
        }
    }

    /// Shows the card of the survey at `index` and records the display: in storage first
    /// (unless `preview`: a forced show starts no clock), then as a `display` body in the
    /// outbox.
    pub(super) fn open_card(
        &mut self,
        trigger: &str,
        index: usize,
        now: i64,
        preview: bool,
    ) -> Result<(), Error> {
        let look = Look::new(
            &self.config.theme,
            &self.catalog,
            self.text(index, TextKey::Close).into(),
            self.config.page.is_some(),
        );
        let this = self.this.clone();
        let mut card = Card::mount(
            &look,
            Rc::new(move |action| run(&this, move |w| w.on_action(action))),
        )?;
        let question = fill(
            self.text(index, TextKey::Question),
            "{product}",
            &self.config.product,
        );
        let score_label = self.text(index, TextKey::ScoreLabel);
        let (kind, survey) = (self.survey(index).kind, self.survey(index).id.clone());
        card.show_scale(
            &question,
            [
                self.text(index, TextKey::LowLabel),
                self.text(index, TextKey::HighLabel),
                self.text(index, TextKey::ScaleLabel),
            ],
            kind.scores(),
            &|score| fill(score_label, "{score}", &int(score as i64)),
        );
        if !preview {
            // The survey's clock and the shared gap start now, recorded before any network call.
            PAGE.with(|page| page.shown_here.set(Some(now)));
            let mut displays = self.displays();
            displays.record(&survey, now, Outcome::Ignored);
            self.records
                .save_displays(self.config.user.as_ref(), &displays);
        }
        let page = self.config.page.as_ref();
        let answer = Answer {
            id: page
                .and_then(|p| p.id.clone())
                .unwrap_or_else(|| uuid_v4(random_bytes())),
            key: page
                .and_then(|p| p.key.clone())
                .unwrap_or_else(|| answer_key(random_bytes())),
            channel: page.map_or("in-app", |p| p.channel),
            kind,
            survey,
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
                ("survey", answer.survey.as_str().into()),
                ("trigger", trigger.into()),
            ]),
        );
        self.send(&answer);
        let chosen = page
            .and_then(|p| p.score)
            .filter(|s| kind.category(*s).is_some());
        self.show = ShowState::Open(Display {
            card,
            survey: index,
            answer,
            _auto_close: None,
        });
        // The score clicked in the email, recorded now that a script runs it (never by the GET
        // that served the page, which mail scanners make too).
        if let Some(score) = chosen {
            self.choose(score);
        }
        Ok(())
    }

    /// The card open, taken out of the show state while it is changed (put it back with
    /// `self.show = ShowState::Open(display)`).
    fn take_display(&mut self) -> Option<Display> {
        match core::mem::replace(&mut self.show, ShowState::Idle) {
            ShowState::Open(display) => Some(display),
            other => {
                self.show = other;
                None
            }
        }
    }

    fn on_action(&mut self, action: Action) {
        let ShowState::Open(display) = &self.show else {
            return;
        };
        let answer = &display.answer;
        match action {
            // A score, or on the follow-up step another one (the answer is not complete yet).
            Action::Score(score)
                if !answer.complete
                    && answer.kind.category(score).is_some()
                    && answer.score != Some(score) =>
            {
                self.choose(score)
            }
            Action::Send(comment) if answer.score.is_some() && !answer.complete => {
                self.send_comment(comment)
            }
            // A hosted page's card stays: it is the page.
            Action::Close if self.config.page.is_none() => self.finish_display(true),
            _ => {}
        }
    }

    /// The user chose `score`: the first one, or a new one on the follow-up step, which is sent
    /// with the same `id` and replaces the first (the collector takes a new score until the
    /// answer is complete). The follow-up asks the question of the score's category.
    fn choose(&mut self, score: u8) {
        let Some(mut display) = self.take_display() else {
            return;
        };
        display.card.select(score - display.answer.kind.scores().0);
        let first = display.answer.score.replace(score).is_none();
        display.answer.answered_at = now();
        if first && !display.answer.preview {
            self.set_outcome(&display.answer, Outcome::Answered);
        }
        self.send(&display.answer);
        raise("score", answer_payload(&display.answer));
        let (index, kind) = (display.survey, display.answer.kind);
        let category = kind.category_index(score).unwrap_or_default();
        display.card.show_follow_up(
            self.text(index, TextKey::follow_up(category)),
            self.text(index, TextKey::Placeholder),
            self.text(index, TextKey::Skip),
            self.text(index, TextKey::Send),
        );
        self.show = ShowState::Open(display);
    }

    fn send_comment(&mut self, comment: String) {
        let Some(mut display) = self.take_display() else {
            return;
        };
        let answer = &mut display.answer;
        // Trimmed by the card already.
        answer.comment = (!comment.is_empty()).then(|| clip_to(&comment, MAX_COMMENT_CHARS).into());
        answer.complete = true;
        answer.answered_at = now();
        self.send(&display.answer);
        raise("response", answer_payload(&display.answer));
        let (index, answer) = (display.survey, &display.answer);
        let category = answer
            .score
            .and_then(|score| answer.kind.category_index(score))
            .unwrap_or_default();
        // The call to action is for the highest category (promoters, satisfied, agree).
        let cta = match (&self.survey(index).promoter_cta, category) {
            (Some(cta), 2) => Some((
                cta.text
                    .as_deref()
                    .unwrap_or(self.text(index, TextKey::CtaDefault)),
                cta.url.as_str(),
            )),
            _ => None,
        };
        display
            .card
            .show_thanks(self.text(index, TextKey::thank_you(category)), cta);
        // On a hosted page the thank-you step stays.
        if self.config.page.is_none() {
            display._auto_close = Some(self.close_thanks_later());
        }
        self.show = ShowState::Open(display);
    }

    fn close_thanks_later(&self) -> Timeout {
        let this = self.this.clone();
        // How long the thank-you step stays before the card closes itself (`thanksSeconds`).
        let millis = self.config.thanks_seconds * 1000;
        Timeout::new(millis, move || run(&this, Widget::close_thanks))
    }

    /// The thank-you step closes itself, but not while the user's focus is on its link or
    /// close button (WCAG 2.2.1): then it waits another round.
    fn close_thanks(&mut self) {
        let engaged = match &self.show {
            ShowState::Open(display) => display.card.is_engaged(),
            _ => return,
        };
        if !engaged {
            return self.finish_display(false);
        }
        let timer = self.close_thanks_later();
        if let ShowState::Open(display) = &mut self.show {
            display._auto_close = Some(timer);
        }
    }

    /// Closes the card. Before a score, a close by the user is a decline; after a score without
    /// a comment, the score is sent as the final answer.
    pub(super) fn finish_display(&mut self, by_user: bool) {
        let Some(display) = self.take_display() else {
            return;
        };
        let mut answer = display.answer;
        drop(display.card);
        match answer.score {
            None if by_user => {
                if !answer.preview {
                    self.set_outcome(&answer, Outcome::Declined);
                }
                answer.declined = true;
                self.send(&answer);
                raise(
                    "dismissed",
                    payload(&[
                        ("id", answer.id.as_str().into()),
                        ("survey", answer.survey.as_str().into()),
                    ]),
                );
            }
            Some(_) if !answer.complete => {
                answer.complete = true;
                self.send(&answer);
                raise("response", answer_payload(&answer));
            }
            _ => {}
        }
    }

    /// The page is going away: a score without its comment becomes the final answer, then
    /// everything queued leaves with `fetch(keepalive)`. Not on a hosted page: its answer stays
    /// open for the link's next view (another score clicked in the same email, in another tab,
    /// must not be frozen out by this one closing; nor may a mail scanner's visit freeze one).
    pub(super) fn page_hidden(&mut self, _event: &web_sys::Event) {
        if let ShowState::Open(display) = &self.show {
            if display.answer.score.is_some()
                && !display.answer.complete
                && self.config.page.is_none()
            {
                self.finish_display(false);
            }
        }
        run_delivery(self, |d| d.send_before_unload());
    }

    /// Records what came of the display in the record of the answer's user: the user it was
    /// shown to, whoever `identify` named since.
    fn set_outcome(&self, answer: &Answer, outcome: Outcome) {
        let user = answer.user.as_ref();
        let mut displays = self.records.displays(user);
        if let Some(at) = displays.of(&answer.survey).last_shown.map(|(at, _)| at) {
            displays.record(&answer.survey, at, outcome);
            self.records.save_displays(user, &displays);
        }
    }

    /// Queues the answer's latest body for delivery.
    fn send(&self, answer: &Answer) {
        let (id, body, without_score) =
            (answer.id.clone(), answer.to_json(), answer.score.is_none());
        let now = now();
        run_delivery(self, move |d| d.queue(id, body, without_score, now));
    }
}

/// The payload of `score` and `response` events.
fn answer_payload(answer: &Answer) -> JsValue {
    let score = answer.score.unwrap_or(0);
    payload(&[
        ("id", answer.id.as_str().into()),
        ("survey", answer.survey.as_str().into()),
        ("score", (score as u32).into()),
        (
            "category",
            answer.kind.category(score).unwrap_or_default().into(),
        ),
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
