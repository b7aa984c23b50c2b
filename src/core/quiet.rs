//! The quiet window: after a page decided "not now", the span of time in which every later page
//! view of the same user, under the same config and the same stored state, can only decide "not
//! now" again, with the same reason and the same next date. The widget leaves it in a record
//! that the loader reads before fetching anything (see `src/js/quiet.js`), so that such page
//! views run only the loader.

use crate::prelude::*;

use super::answer::push_json_string;
use super::eligibility::{Ineligible, OTHER_TAB_WINDOW_MS};
use super::text::int;
use super::time::format_timestamp;

/// How long a collector's "not eligible" keeps page views quiet: the collector knows of answers
/// on other devices and channels, and may learn of one that changes its verdict at any time.
pub const COLLECTOR_VERDICT_MS: i64 = 15 * 60 * 1000;

/// How long a sampling "not now" keeps page views quiet. The draw is sticky, so the verdict
/// would hold for ever under the same config; a daily full check bounds what a stale record
/// could ever cost.
pub const OUTSIDE_SAMPLE_MS: i64 = 24 * 60 * 60 * 1000;

/// From when until when (epoch ms, `from` included, `until` excluded) page views stay quiet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietWindow {
    /// The first instant a page view may be quiet.
    pub from: i64,
    /// The first instant it may not.
    pub until: i64,
}

/// The quiet window after the local rules said `why` at `now`; `None` when there is none.
///
/// A display made within [`OTHER_TAB_WINDOW_MS`] before a page starts is reported by that page
/// as "shown in another tab"; the window starts after that span, so that a quiet page view
/// gives exactly the reason a full one would. A window never starts before `now`: with a
/// device clock set back, the full widget decides afresh.
pub fn after_local_decision(why: &Ineligible, now: i64) -> Option<QuietWindow> {
    let (from, until) = match *why {
        Ineligible::AskedBefore { shown_at, next, .. } => (
            now.max(shown_at.saturating_add(OTHER_TAB_WINDOW_MS + 1)),
            next,
        ),
        Ineligible::TooNew { next } => (now, next),
        Ineligible::OutsideSample { .. } => (now, now.saturating_add(OUTSIDE_SAMPLE_MS)),
    };
    (from < until).then_some(QuietWindow { from, until })
}

/// The quiet window after the collector said "not eligible" at `now`, naming `next` as the
/// user's next date (if it gave one).
pub fn after_collector_verdict(next: Option<i64>, now: i64) -> Option<QuietWindow> {
    let until = now
        .saturating_add(COLLECTOR_VERDICT_MS)
        .min(next.unwrap_or(i64::MAX));
    (now < until).then_some(QuietWindow { from: now, until })
}

/// What the quiet record says, besides its window.
pub struct QuietRecord<'a> {
    /// The fingerprint of the config (see `src/js/quiet.js`).
    pub fingerprint: &'a str,
    /// The storage key of the user's state.
    pub user_key: &'a str,
    /// The user's stored state as it is (`None`: nothing stored).
    pub state: Option<&'a str>,
    /// The reason every quiet page view gives.
    pub reason: &'a str,
    /// The next date every quiet page view gives.
    pub next: Option<i64>,
}

impl QuietRecord<'_> {
    /// The record as the loader reads it, JSON: `f` fingerprint, `k` the user's key, `s` its
    /// stored state (null when none), `a` and `t` the window (epoch ms), `r` the reason, `n`
    /// the next date (ISO 8601, or null).
    pub fn to_json(&self, window: QuietWindow) -> String {
        let mut out = String::from("{\"f\":");
        push_json_string(&mut out, self.fingerprint);
        out.push_str(",\"k\":");
        push_json_string(&mut out, self.user_key);
        out.push_str(",\"s\":");
        match self.state {
            Some(state) => push_json_string(&mut out, state),
            None => out.push_str("null"),
        }
        out.push_str(",\"a\":");
        out.push_str(&int(window.from));
        out.push_str(",\"t\":");
        out.push_str(&int(window.until));
        out.push_str(",\"r\":");
        push_json_string(&mut out, self.reason);
        out.push_str(",\"n\":");
        match self.next {
            Some(next) => push_json_string(&mut out, &format_timestamp(next)),
            None => out.push_str("null"),
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::eligibility::Outcome;

    const NOW: i64 = 1_780_000_000_000;
    const DAY: i64 = 86_400_000;

    fn asked(shown_at: i64, next: i64) -> Ineligible {
        Ineligible::AskedBefore {
            shown_at,
            outcome: Outcome::Answered,
            next,
        }
    }

    #[test]
    fn the_record_is_json_with_every_field() {
        let record = QuietRecord {
            fingerprint: "b1{\"endpoint\":\"/v1\"}",
            user_key: "nps-widget:user:u\"42",
            state: Some("s=1;o=a"),
            reason: "answered on 2026-05-01, next on 2026-11-01",
            next: Some(1_793_491_200_000),
        };
        let window = QuietWindow {
            from: 1_780_000_000_000,
            until: 1_793_491_200_000,
        };
        assert_eq!(
            record.to_json(window),
            concat!(
                r#"{"f":"b1{\"endpoint\":\"/v1\"}","k":"nps-widget:user:u\"42","s":"s=1;o=a","#,
                r#""a":1780000000000,"t":1793491200000,"#,
                r#""r":"answered on 2026-05-01, next on 2026-11-01","n":"2026-11-01T00:00:00.000Z"}"#
            )
        );
        let none = QuietRecord {
            state: None,
            next: None,
            ..record
        };
        assert!(none.to_json(window).contains(r#""s":null,"#));
        assert!(none.to_json(window).ends_with(r#","n":null}"#));
    }

    #[test]
    fn asked_before_is_quiet_until_the_next_date() {
        let why = asked(NOW - 30 * DAY, NOW + 150 * DAY);
        assert_eq!(
            after_local_decision(&why, NOW),
            Some(QuietWindow {
                from: NOW,
                until: NOW + 150 * DAY
            })
        );
    }

    #[test]
    fn a_display_just_made_is_quiet_only_once_no_page_calls_it_another_tabs() {
        // At from - 1 ms a starting page would still say "shown in another tab".
        for (shown_at, from) in [
            (NOW, NOW + OTHER_TAB_WINDOW_MS + 1),
            (NOW - OTHER_TAB_WINDOW_MS, NOW + 1),
            (NOW - OTHER_TAB_WINDOW_MS - 1, NOW),
            (NOW - OTHER_TAB_WINDOW_MS - 2, NOW),
        ] {
            let window = after_local_decision(&asked(shown_at, NOW + DAY), NOW).unwrap();
            assert_eq!(window.from, from, "shown at NOW{:+}", shown_at - NOW);
            assert_eq!(window.until, NOW + DAY);
        }
    }

    #[test]
    fn no_window_when_the_next_date_comes_first() {
        assert_eq!(after_local_decision(&asked(NOW, NOW + 5_001), NOW), None);
        assert_eq!(
            after_local_decision(&asked(NOW, NOW + 5_002), NOW),
            Some(QuietWindow {
                from: NOW + 5_001,
                until: NOW + 5_002
            })
        );
        assert_eq!(
            after_local_decision(&Ineligible::TooNew { next: NOW }, NOW),
            None
        );
        assert_eq!(
            after_local_decision(&Ineligible::TooNew { next: NOW + 1 }, NOW),
            Some(QuietWindow {
                from: NOW,
                until: NOW + 1
            })
        );
    }

    #[test]
    fn outside_the_sample_is_quiet_for_a_day() {
        let why = Ineligible::OutsideSample {
            bucket: 0.7,
            rate: 0.5,
        };
        assert_eq!(
            after_local_decision(&why, NOW),
            Some(QuietWindow {
                from: NOW,
                until: NOW + DAY
            })
        );
    }

    #[test]
    fn a_collector_verdict_is_quiet_for_a_short_while_at_most() {
        let short = Some(QuietWindow {
            from: NOW,
            until: NOW + COLLECTOR_VERDICT_MS,
        });
        assert_eq!(after_collector_verdict(None, NOW), short);
        assert_eq!(after_collector_verdict(Some(NOW + 100 * DAY), NOW), short);
        assert_eq!(
            after_collector_verdict(Some(NOW + 60_000), NOW),
            Some(QuietWindow {
                from: NOW,
                until: NOW + 60_000
            })
        );
        assert_eq!(after_collector_verdict(Some(NOW), NOW), None);
        assert_eq!(after_collector_verdict(Some(NOW - DAY), NOW), None);
    }
}
