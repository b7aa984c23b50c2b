//! The triggers the page itself fires: `{ load }` and `{ afterSeconds }` once the document is
//! parsed, `{ url }` and `{ pageViews }` on every page view (a single-page app's route changes
//! included). `{ event }` triggers fire from `track`.

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
    /// Arms the timers and fires `{ load }`, then counts this page view.
    pub(super) fn arm_triggers(&mut self) {
        let mut load = false;
        for trigger in &self.config.triggers {
            match trigger {
                &Trigger::AfterSeconds(seconds) => {
                    let ms = seconds.saturating_mul(1000);
                    self.timers
                        .push(fire_later(&self.this, Trigger::AfterSeconds(seconds), ms));
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

    /// Records an event for `{ event }` triggers.
    pub fn track(&mut self, event: &str) {
        match event_trigger(&self.config.triggers, event).cloned() {
            Some(trigger) => self.fire(&trigger),
            None => self.debug(&["track: no trigger for event ", event]),
        }
    }

    /// Counts a page view and fires `{ url }` and `{ pageViews }` triggers for the current path.
    pub(super) fn page_viewed(&mut self) {
        if let Some(trigger) = url_trigger(&self.config.triggers, &self.path).cloned() {
            self.fire(&trigger);
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
        if let Some(trigger) = page_view_trigger(&self.config.triggers, views).cloned() {
            self.fire(&trigger);
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
    Timeout::new(ms, move || run(&this, move |w| w.fire(&trigger)))
}
