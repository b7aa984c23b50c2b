//! The triggers the page itself fires: `{ load }` and `{ afterSeconds }` once the document is
//! parsed, `{ url }` and `{ pageViews }` on every page view (a single-page app's route changes
//! included). `{ event }` triggers fire from `track`. What fires, fires every survey that has
//! such a trigger at once; the show picks one of them (see [`super::show`]).

use crate::prelude::*;

use super::guards::Timeout;
use super::owner::{run, Owned};
use super::show::ShowState;
use super::widget::{current_path, Widget};
use crate::core::config::Trigger;
use crate::core::triggers::{
    event_trigger, page_view_trigger, still_wanted_after_navigation, url_trigger,
};
use alloc::rc::Weak;

impl Widget {
    /// The surveys (indexes, in the config's order) with a trigger that `find` picks among
    /// theirs, and the first one's trigger; `None` when no survey has one.
    fn fired<'a>(
        &'a self,
        find: impl Fn(&'a [Trigger]) -> Option<&'a Trigger>,
    ) -> Option<(Vec<usize>, Trigger)> {
        let mut surveys = Vec::new();
        let mut first = None;
        for (index, survey) in self.config.surveys.iter().enumerate() {
            if let Some(trigger) = find(&survey.triggers) {
                first.get_or_insert_with(|| trigger.clone());
                surveys.push(index);
            }
        }
        first.map(|trigger| (surveys, trigger))
    }

    /// Fires every survey that has `trigger`.
    pub(super) fn fire_trigger(&mut self, trigger: &Trigger) {
        if let Some((surveys, trigger)) = self.fired(|t| t.iter().find(|t| *t == trigger)) {
            self.fire(surveys, &trigger);
        }
    }

    /// Arms the timers (one per number of seconds, for every survey that waits as long) and
    /// fires `{ load }`, then counts this page view.
    pub(super) fn arm_triggers(&mut self) {
        // A hosted survey page has no triggers: the link was the decision.
        if let Some(page) = &self.config.page {
            let channel = page.channel;
            return self.request_show(channel, false, vec![0]);
        }
        let mut seconds = Vec::new();
        for survey in &self.config.surveys {
            for trigger in &survey.triggers {
                if let Trigger::AfterSeconds(s) = trigger {
                    if !seconds.contains(s) {
                        seconds.push(*s);
                    }
                }
            }
        }
        for s in seconds {
            let timer = fire_later(&self.this, Trigger::AfterSeconds(s), s.saturating_mul(1000));
            self.timers.push(timer);
        }
        self.fire_trigger(&Trigger::Load);
        self.page_viewed();
    }

    /// Records an event for `{ event }` triggers.
    pub fn track(&mut self, event: &str) {
        match self.fired(|t| event_trigger(t, event)) {
            Some((surveys, trigger)) => self.fire(surveys, &trigger),
            None => self.debug(&["track: no trigger for event ", event]),
        }
    }

    /// Counts a page view and fires `{ url }` and `{ pageViews }` triggers for the current path.
    pub(super) fn page_viewed(&mut self) {
        if let Some((surveys, trigger)) = self.fired(|t| url_trigger(t, &self.path)) {
            self.fire(surveys, &trigger);
        }
        self.count_view();
    }

    /// Counts this page view (per user, across loads; nothing is stored before consent, so the
    /// view is counted when consent comes) and fires a `{ pageViews }` trigger it reaches.
    pub(super) fn count_view(&mut self) {
        if !self.consent_given {
            return;
        }
        let views = self.records.count_view(self.config.user.as_ref());
        if let Some((surveys, trigger)) = self.fired(|t| page_view_trigger(t, views)) {
            self.fire(surveys, &trigger);
        }
    }

    /// A single-page app moved to another route: a delayed show that only wanted the old one
    /// is cancelled, and the new route is a page view.
    pub(super) fn route_changed(&mut self) {
        let path = current_path();
        if path == self.path {
            return;
        }
        self.path = path;
        if let ShowState::Delayed(delayed) = &self.show {
            if !still_wanted_after_navigation(&delayed.trigger, &delayed.fired_on, &self.path) {
                self.debug(&["delayed show cancelled: navigated to ", &self.path]);
                self.show = ShowState::Idle;
            }
        }
        self.page_viewed();
    }
}

/// A timer that fires `trigger` on the widget in `ms` milliseconds (an `afterSeconds` timer).
pub(super) fn fire_later(this: &Weak<Owned<Widget>>, trigger: Trigger, ms: u32) -> Timeout {
    let this = this.clone();
    Timeout::new(ms, move || run(&this, move |w| w.fire_trigger(&trigger)))
}
