//! Whether to ask now: one function of the stored state, the throttle rules, the user and
//! `now`, returning a decision that carries its reason in words (for `debug` and `ineligible`).

use crate::prelude::*;

use super::config::Throttle;
use super::text::{concat, push_fraction, split_bytes, split_once_byte};
use super::time::format_date;

/// How the last prompt shown to this user ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Shown, and neither answered nor dismissed (yet).
    Ignored,
    /// A score was given.
    Answered,
    /// Closed without a score.
    Declined,
}

impl Outcome {
    /// How a reason names the display: `answered on `, `dismissed on ` or `asked on `.
    fn verb(self) -> &'static str {
        match self {
            Outcome::Answered => "answered on ",
            Outcome::Declined => "dismissed on ",
            Outcome::Ignored => "asked on ",
        }
    }
}

/// What the widget remembers about one user, kept in storage under that user's key. It is
/// written only when the card is shown or answered, under the cross-tab show lock; counters
/// that every page load updates (page views) live under keys of their own, so that a tab's
/// stale copy can never overwrite another tab's display record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UserState {
    /// When the prompt was last shown (epoch ms), and how it ended.
    pub last_shown: Option<(i64, Outcome)>,
}

impl UserState {
    /// Compact text form for storage: `s=<ms>;o=<a|d|i>` (empty when never shown).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Some((at, outcome)) = self.last_shown {
            out.push_str("s=");
            push_signed(&mut out, at);
            out.push_str(match outcome {
                Outcome::Answered => ";o=a",
                Outcome::Declined => ";o=d",
                Outcome::Ignored => ";o=i",
            });
        }
        out
    }

    /// This state with a display recorded after `now` (by a device clock that was ahead) moved
    /// to `now`, so that the clock starts when the display really happened, at the latest;
    /// `None` when nothing needed moving.
    pub fn capped_at(&self, now: i64) -> Option<UserState> {
        match self.last_shown {
            Some((at, outcome)) if at > now => Some(UserState {
                last_shown: Some((now, outcome)),
            }),
            _ => None,
        }
    }

    /// Reads [`UserState::encode`]'s form; unreadable parts are treated as absent.
    pub fn decode(text: &str) -> UserState {
        let mut shown = None;
        let mut outcome = Outcome::Ignored;
        for part in split_bytes(text, b";") {
            match split_once_byte(part, b"=") {
                Some(("s", v)) => shown = super::text::parse_int(v),
                Some(("o", "a")) => outcome = Outcome::Answered,
                Some(("o", "d")) => outcome = Outcome::Declined,
                _ => {}
            }
        }
        UserState {
            last_shown: shown.map(|at| (at, outcome)),
        }
    }
}

fn push_signed(out: &mut String, value: i64) {
    if value < 0 {
        out.push('-');
    }
    super::text::push_uint(out, value.unsigned_abs());
}

/// Why the prompt may not be shown now.
#[derive(Clone, Debug, PartialEq)]
pub enum Ineligible {
    /// Shown before; the re-survey wait has not passed.
    AskedBefore {
        /// When it was shown.
        shown_at: i64,
        /// How that display ended.
        outcome: Outcome,
        /// First instant it may be shown again.
        next: i64,
    },
    /// The user signed up too recently.
    TooNew {
        /// First instant it may be shown.
        next: i64,
    },
    /// The user's sticky sampling bucket is outside `sampleRate`.
    OutsideSample {
        /// The user's bucket in 0..1.
        bucket: f64,
        /// The configured rate.
        rate: f64,
    },
}

/// A display recorded this long before a page started still counts as made "in another tab"
/// (tabs opened together), rather than by an earlier page of this tab.
pub const OTHER_TAB_WINDOW_MS: i64 = 5_000;

impl Ineligible {
    /// [`Ineligible::reason`] as seen from one page, started at `page_started_at`, which last
    /// showed the card at `shown_here`: a display it did not make, from about the time it
    /// started, was made by another tab.
    pub fn reason_on_page(&self, page_started_at: i64, shown_here: Option<i64>) -> String {
        match self {
            Ineligible::AskedBefore { shown_at, .. }
                if *shown_at >= page_started_at - OTHER_TAB_WINDOW_MS
                    && Some(*shown_at) != shown_here =>
            {
                concat(&["shown in another tab; ", &self.reason()])
            }
            _ => self.reason(),
        }
    }

    /// When the user becomes eligible, if time alone will make them so.
    pub fn next_eligible_at(&self) -> Option<i64> {
        match self {
            Ineligible::AskedBefore { next, .. } | Ineligible::TooNew { next } => Some(*next),
            Ineligible::OutsideSample { .. } => None,
        }
    }

    /// The reason in words, e.g. `asked on 2026-05-01, next on 2026-11-01`.
    pub fn reason(&self) -> String {
        match self {
            Ineligible::AskedBefore {
                shown_at,
                outcome,
                next,
            } => concat(&[
                outcome.verb(),
                &format_date(*shown_at),
                ", next on ",
                &format_date(*next),
            ]),
            Ineligible::TooNew { next } => concat(&["first survey after ", &format_date(*next)]),
            Ineligible::OutsideSample { bucket, rate } => {
                let mut out = String::from("outside the sample (bucket ");
                push_fraction(&mut out, *bucket);
                out.push_str(" \u{2265} ");
                push_fraction(&mut out, *rate);
                out.push(')');
                out
            }
        }
    }
}

/// Decides whether the prompt may be shown at `now` (epoch ms). `bucket` is the user's sticky
/// sampling bucket in 0..1 (see [`bucket_for`]); `created_at` is the user's sign-up time. A
/// display recorded in the future (a clock that was ahead) counts as shown `now`.
pub fn decide(
    state: &UserState,
    throttle: &Throttle,
    created_at: Option<i64>,
    bucket: f64,
    now: i64,
) -> Result<(), Ineligible> {
    if bucket >= throttle.sample_rate {
        return Err(Ineligible::OutsideSample {
            bucket,
            rate: throttle.sample_rate,
        });
    }
    if let Some((shown_at, outcome)) = state.last_shown {
        let shown_at = shown_at.min(now);
        let wait = match outcome {
            Outcome::Answered => throttle.resurvey_after,
            Outcome::Declined | Outcome::Ignored => throttle.decline_resurvey_after,
        };
        let next = wait.add_to(shown_at);
        if now < next {
            return Err(Ineligible::AskedBefore {
                shown_at,
                outcome,
                next,
            });
        }
    }
    if let Some(created_at) = created_at {
        let next = throttle.first_survey_after.add_to(created_at);
        if now < next {
            return Err(Ineligible::TooNew { next });
        }
    }
    Ok(())
}

/// Why a user for whom [`decide`] said yes may be asked, in the words of [`Ineligible::reason`]:
/// `not shown before`, or e.g. `answered on 2026-05-01, eligible again since 2026-11-01`.
pub fn eligible_reason(state: &UserState, throttle: &Throttle) -> String {
    let Some((shown_at, outcome)) = state.last_shown else {
        return "not shown before".into();
    };
    let next = match outcome {
        Outcome::Answered => throttle.resurvey_after,
        Outcome::Declined | Outcome::Ignored => throttle.decline_resurvey_after,
    }
    .add_to(shown_at);
    concat(&[
        outcome.verb(),
        &format_date(shown_at),
        ", eligible again since ",
        &format_date(next),
    ])
}

/// The sticky sampling bucket of a user id in 0..1: FNV-1a, so every device agrees.
pub fn bucket_for(user_id: &str) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in user_id.bytes() {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // Mix the high bits down so similar ids (u_1, u_2…) spread evenly.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// A bucket for an anonymous visitor, from random bits; stored once so it stays sticky.
pub fn bucket_from_random(random: u32) -> f64 {
    random as f64 / (u32::MAX as f64 + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::duration::Duration;
    use crate::core::time::parse_timestamp;

    const SECOND: i64 = 1000;

    fn t(text: &str) -> i64 {
        parse_timestamp(text).unwrap()
    }

    fn shown(at: &str, outcome: Outcome) -> UserState {
        UserState {
            last_shown: Some((t(at), outcome)),
        }
    }

    #[test]
    fn decision_table() {
        let defaults = Throttle::default();
        let short = Throttle {
            resurvey_after: Duration::Days(90),
            decline_resurvey_after: Duration::Days(7),
            first_survey_after: Duration::Days(0),
            sample_rate: 1.0,
        };
        let none = UserState::default();
        // (state, throttle, createdAt, now, eligible?)
        let cases: Vec<(UserState, Throttle, Option<&str>, i64, bool)> = vec![
            (none, defaults, None, t("2026-11-23"), true),
            // Six calendar months after an answer, to the second.
            (
                shown("2026-05-01T10:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2026-11-01T10:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2026-05-01T10:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2026-11-01T10:00:00Z"),
                true,
            ),
            (
                shown("2026-05-01T10:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2026-11-01T10:00:00Z") + SECOND,
                true,
            ),
            // Same after a dismissal or a display that was ignored.
            (
                shown("2026-05-01T10:00:00Z", Outcome::Declined),
                defaults,
                None,
                t("2026-11-01T10:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2026-05-01T10:00:00Z", Outcome::Declined),
                defaults,
                None,
                t("2026-11-01T10:00:00Z") + SECOND,
                true,
            ),
            (
                shown("2026-05-01T10:00:00Z", Outcome::Ignored),
                defaults,
                None,
                t("2026-11-01T10:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2026-05-01T10:00:00Z", Outcome::Ignored),
                defaults,
                None,
                t("2026-11-01T10:00:00Z") + SECOND,
                true,
            ),
            // Month ends clamp: Aug 31 + 6 months = Feb 28 (2027) / Feb 29 (2028).
            (
                shown("2026-08-31T12:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2027-02-28T12:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2026-08-31T12:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2027-02-28T12:00:00Z"),
                true,
            ),
            (
                shown("2027-08-31T12:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2028-02-29T12:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2027-08-31T12:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2028-02-29T12:00:00Z"),
                true,
            ),
            // Leap day + 6 months.
            (
                shown("2028-02-29T00:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2028-08-29T00:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2028-02-29T00:00:00Z", Outcome::Answered),
                defaults,
                None,
                t("2028-08-29T00:00:00Z"),
                true,
            ),
            // Different waits for answers and declines.
            (
                shown("2026-01-01T00:00:00Z", Outcome::Answered),
                short,
                None,
                t("2026-04-01T00:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2026-01-01T00:00:00Z", Outcome::Answered),
                short,
                None,
                t("2026-04-01T00:00:00Z"),
                true,
            ),
            (
                shown("2026-01-01T00:00:00Z", Outcome::Declined),
                short,
                None,
                t("2026-01-08T00:00:00Z") - SECOND,
                false,
            ),
            (
                shown("2026-01-01T00:00:00Z", Outcome::Declined),
                short,
                None,
                t("2026-01-08T00:00:00Z"),
                true,
            ),
            // First survey 30 days after sign-up; not applied when unknown.
            (
                none,
                defaults,
                Some("2026-01-15"),
                t("2026-02-14T00:00:00Z") - SECOND,
                false,
            ),
            (
                none,
                defaults,
                Some("2026-01-15"),
                t("2026-02-14T00:00:00Z"),
                true,
            ),
            (
                none,
                short,
                Some("2026-01-15"),
                t("2026-01-15T00:00:00Z"),
                true,
            ),
        ];
        for (i, (state, throttle, created, now, eligible)) in cases.into_iter().enumerate() {
            let decision = decide(&state, &throttle, created.map(t), 0.5, now);
            assert_eq!(decision.is_ok(), eligible, "case {i}: {decision:?}");
        }
    }

    #[test]
    fn a_display_in_the_future_counts_as_now() {
        let now = t("2026-12-03T12:00:00Z");
        for ahead in [
            "2026-12-03T12:00:01Z",
            "2027-12-03T12:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let state = shown(ahead, Outcome::Answered);
            let why = decide(&state, &Throttle::default(), None, 0.5, now).unwrap_err();
            assert_eq!(
                why.next_eligible_at(),
                Some(t("2027-06-03T12:00:00Z")),
                "{ahead}"
            );
            assert_eq!(why.reason(), "answered on 2026-12-03, next on 2027-06-03");
            assert_eq!(
                state.capped_at(now),
                Some(shown("2026-12-03T12:00:00Z", Outcome::Answered))
            );
        }
        // Six months after the capped time, the user is due again.
        let capped = shown("2027-12-03T12:00:00Z", Outcome::Declined)
            .capped_at(now)
            .unwrap();
        assert!(decide(
            &capped,
            &Throttle::default(),
            None,
            0.5,
            t("2027-06-03T12:00:00Z")
        )
        .is_ok());
        // A display at or before now is left alone.
        assert_eq!(
            shown("2026-12-03T12:00:00Z", Outcome::Answered).capped_at(now),
            None
        );
        assert_eq!(UserState::default().capped_at(now), None);
    }

    #[test]
    fn reasons_in_words() {
        let state = shown("2026-05-01T10:00:00Z", Outcome::Ignored);
        let err = decide(&state, &Throttle::default(), None, 0.1, t("2026-06-01")).unwrap_err();
        assert_eq!(err.reason(), "asked on 2026-05-01, next on 2026-11-01");
        assert_eq!(err.next_eligible_at(), Some(t("2026-11-01T10:00:00Z")));
        let err = decide(
            &UserState::default(),
            &Throttle::default(),
            Some(t("2026-01-15")),
            0.1,
            t("2026-01-20"),
        )
        .unwrap_err();
        assert_eq!(err.reason(), "first survey after 2026-02-14");
        let sampled = Throttle {
            sample_rate: 0.3,
            ..Throttle::default()
        };
        let err = decide(
            &UserState::default(),
            &sampled,
            None,
            0.734,
            t("2026-01-20"),
        )
        .unwrap_err();
        assert_eq!(
            err.reason(),
            "outside the sample (bucket 0.73 \u{2265} 0.30)"
        );
        assert_eq!(err.next_eligible_at(), None);
    }

    #[test]
    fn eligible_reasons_use_the_same_words() {
        let throttle = Throttle::default();
        assert_eq!(
            eligible_reason(&UserState::default(), &throttle),
            "not shown before"
        );
        let answered = shown("2026-05-01T10:00:00Z", Outcome::Answered);
        assert_eq!(
            eligible_reason(&answered, &throttle),
            "answered on 2026-05-01, eligible again since 2026-11-01"
        );
        let declined = shown("2026-05-01T10:00:00Z", Outcome::Declined);
        assert_eq!(
            eligible_reason(&declined, &throttle),
            "dismissed on 2026-05-01, eligible again since 2026-11-01"
        );
    }

    #[test]
    fn another_tabs_display_is_named_as_such() {
        let started = t("2026-06-01T10:00:00Z");
        let why = |shown_at: i64| Ineligible::AskedBefore {
            shown_at,
            outcome: Outcome::Ignored,
            next: shown_at + 1,
        };
        let plain = "asked on 2026-06-01, next on 2026-06-01";
        // Shown while this page was open, not by it: another tab.
        let other = why(started + SECOND).reason_on_page(started, None);
        assert_eq!(other, "shown in another tab; ".to_string() + plain);
        // Just before this page started (tabs opened together): another tab too.
        assert!(why(started - 4 * SECOND)
            .reason_on_page(started, None)
            .starts_with("shown in another tab"));
        // Shown by this page, or long before it started: the plain reason.
        assert_eq!(
            why(started + SECOND).reason_on_page(started, Some(started + SECOND)),
            plain
        );
        assert_eq!(
            why(started - 6 * SECOND).reason_on_page(started, None),
            "asked on 2026-06-01, next on 2026-06-01"
        );
        let sampled = Ineligible::OutsideSample {
            bucket: 0.5,
            rate: 0.1,
        };
        assert_eq!(sampled.reason_on_page(started, None), sampled.reason());
    }

    #[test]
    fn sampling_edges() {
        let none = Throttle {
            sample_rate: 0.0,
            ..Throttle::default()
        };
        assert!(decide(&UserState::default(), &none, None, 0.0, 0).is_err());
        let all = Throttle::default();
        assert!(decide(&UserState::default(), &all, None, 0.999_999, 0).is_ok());
    }

    #[test]
    fn sampling_is_sticky_and_matches_the_rate() {
        assert_eq!(bucket_for("u_42"), bucket_for("u_42"));
        for rate in [0.1, 0.3, 0.5, 0.9] {
            let inside = (0..100_000)
                .filter(|i| bucket_for(&concat(&["user-", &i.to_string()])) < rate)
                .count();
            let share = inside as f64 / 100_000.0;
            assert!((share - rate).abs() < 0.02, "rate {rate}: {share}");
        }
        assert!(bucket_from_random(u32::MAX) < 1.0);
        assert_eq!(bucket_from_random(0), 0.0);
    }

    #[test]
    fn state_round_trips_through_text() {
        for state in [
            UserState::default(),
            UserState {
                last_shown: Some((1_700_000_000_123, Outcome::Answered)),
            },
            UserState {
                last_shown: Some((-5, Outcome::Declined)),
            },
            UserState {
                last_shown: Some((5, Outcome::Ignored)),
            },
        ] {
            assert_eq!(UserState::decode(&state.encode()), state);
        }
        assert_eq!(UserState::decode("garbage"), UserState::default());
    }
}
