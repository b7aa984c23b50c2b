//! One fatigue clock across surveys (DESIGN.md "Surveys: NPS, CSAT, CES, and one fatigue
//! clock"). Each survey keeps its own clock ([`decide`], its `throttle`), and all of them share
//! one more: after a survey was shown to a user, no other survey is shown to that user before
//! `surveyGap` has passed. A survey's own display is governed by its own clock alone, so a
//! config with one survey (the top-level NPS form) decides exactly as [`decide`] does.
//!
//! The user's displays are kept in the one storage record the widget already writes per user;
//! its older single-survey form reads as the `nps` survey's display.

use crate::prelude::*;

use super::config::Throttle;
use super::duration::Duration;
use super::eligibility::{bucket_for, decide, Ineligible, Outcome, UserState};
use super::text::{concat, parse_int, split_bytes, split_once_byte};
use super::time::format_date;

/// The survey of the top-level config form, and of displays stored before there were others.
pub const DEFAULT_SURVEY: &str = "nps";

/// The latest display of one survey to a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// The survey's id.
    pub survey: String,
    /// When it was shown (epoch ms).
    pub at: i64,
    /// How that display ended.
    pub outcome: Outcome,
}

/// Every survey's latest display to one user, in the order they were first recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Displays {
    /// At most one entry per survey.
    pub shown: Vec<Shown>,
}

impl Displays {
    /// Reads [`Displays::encode`]'s form; unreadable parts are treated as absent.
    pub fn decode(text: &str) -> Displays {
        let mut displays = Displays::default();
        // (survey, shown at, outcome) as the parts come, `s` before or after `o`.
        let mut parts: Vec<(&str, Option<i64>, Outcome)> = Vec::new();
        for part in split_bytes(text, b";") {
            let Some((key, value)) = split_once_byte(part, b"=") else {
                continue;
            };
            let (survey, field) = split_once_byte(key, b".").unwrap_or((DEFAULT_SURVEY, key));
            let index = match parts.iter().position(|(s, ..)| *s == survey) {
                Some(index) => index,
                None => {
                    parts.push((survey, None, Outcome::Ignored));
                    parts.len() - 1
                }
            };
            match (field, value) {
                ("s", at) => parts[index].1 = parse_int(at),
                ("o", "a") => parts[index].2 = Outcome::Answered,
                ("o", "d") => parts[index].2 = Outcome::Declined,
                _ => {}
            }
        }
        for (survey, at, outcome) in parts {
            if let Some(at) = at {
                displays.record(survey, at, outcome);
            }
        }
        displays
    }

    /// Compact text form, one `;` list: the [`DEFAULT_SURVEY`]'s display first in the
    /// single-survey form (`s=<ms>;o=<a|d|i>`), then `<survey>.s=<ms>;<survey>.o=<x>` for each
    /// other survey. A widget that knows one survey reads its own display from it and passes
    /// over the others' keys.
    pub fn encode(&self) -> String {
        let default = self.shown.iter().filter(|s| s.survey == DEFAULT_SURVEY);
        let others = self.shown.iter().filter(|s| s.survey != DEFAULT_SURVEY);
        let mut out = String::new();
        for shown in default.chain(others) {
            let state = state_of(shown).encode();
            for part in split_bytes(&state, b";") {
                if !out.is_empty() {
                    out.push(';');
                }
                if shown.survey != DEFAULT_SURVEY {
                    out.push_str(&shown.survey);
                    out.push('.');
                }
                out.push_str(part);
            }
        }
        out
    }

    /// The display of `survey` as the single-survey rules read it.
    pub fn of(&self, survey: &str) -> UserState {
        self.shown
            .iter()
            .find(|s| s.survey == survey)
            .map(state_of)
            .unwrap_or_default()
    }

    /// Records a display of `survey` (replacing the survey's earlier one).
    pub fn record(&mut self, survey: &str, at: i64, outcome: Outcome) {
        match self.shown.iter_mut().find(|s| s.survey == survey) {
            Some(shown) => {
                shown.at = at;
                shown.outcome = outcome;
            }
            None => self.shown.push(Shown {
                survey: survey.into(),
                at,
                outcome,
            }),
        }
    }

    /// The latest display of any survey.
    pub fn latest(&self) -> Option<&Shown> {
        self.shown.iter().max_by_key(|s| (s.at, &s.survey))
    }

    /// These displays with every one recorded after `now` (the device clock was ahead then)
    /// moved to `now`, so that each clock starts now at the latest; `None` when none is.
    pub fn capped_at(&self, now: i64) -> Option<Displays> {
        if self.shown.iter().all(|s| s.at <= now) {
            return None;
        }
        let mut capped = self.clone();
        for shown in &mut capped.shown {
            shown.at = shown.at.min(now);
        }
        Some(capped)
    }

    /// The latest display of a survey other than `survey`.
    pub fn latest_other(&self, survey: &str) -> Option<&Shown> {
        self.shown
            .iter()
            .filter(|s| s.survey != survey)
            // At the same instant, the same one whatever order they were stored in.
            .max_by_key(|s| (s.at, &s.survey))
    }
}

fn state_of(shown: &Shown) -> UserState {
    UserState {
        last_shown: Some((shown.at, shown.outcome)),
    }
}

/// Why a survey may not be shown now.
#[derive(Clone, Debug, PartialEq)]
pub enum Held {
    /// Its own clock, its sample or the user's sign-up hold it back.
    Own(Ineligible),
    /// Another survey was shown to the user within `surveyGap`.
    Gap {
        /// The survey that was shown.
        shown_survey: String,
        /// When it was shown.
        shown_at: i64,
        /// First instant a survey may be shown again.
        next: i64,
    },
}

impl Held {
    /// When the survey may be shown, if time alone will allow it.
    pub fn next_eligible_at(&self) -> Option<i64> {
        match self {
            Held::Own(why) => why.next_eligible_at(),
            Held::Gap { next, .. } => Some(*next),
        }
    }

    /// The reason in words; for the gap, naming the survey that was shown, e.g. `survey "nps"
    /// shown on 2026-11-01, no survey before 2026-11-15`.
    pub fn reason(&self) -> String {
        match self {
            Held::Own(why) => why.reason(),
            Held::Gap {
                shown_survey,
                shown_at,
                next,
            } => concat(&[
                "survey \"",
                shown_survey,
                "\" shown on ",
                &format_date(*shown_at),
                ", no survey before ",
                &format_date(*next),
            ]),
        }
    }
}

/// A survey as the rules see it: its id and its own clock.
#[derive(Clone, Copy, Debug)]
pub struct SurveyRules<'a> {
    /// The survey's id.
    pub id: &'a str,
    /// Its own re-survey rules and sample.
    pub throttle: &'a Throttle,
}

/// Whether `survey` may be shown at `now`: its own clock ([`decide`], with `bucket`, the
/// user's sticky draw for this survey, see [`survey_bucket`]), then the shared `gap` after
/// another survey's display. When both hold it back, the later date says why; outside the
/// sample, no date does.
pub fn decide_survey(
    displays: &Displays,
    survey: SurveyRules,
    gap: Duration,
    created_at: Option<i64>,
    bucket: f64,
    now: i64,
) -> Result<(), Held> {
    let own = decide(
        &displays.of(survey.id),
        survey.throttle,
        created_at,
        bucket,
        now,
    );
    let own = own.map_err(Held::Own);
    if let Err(Held::Own(Ineligible::OutsideSample { .. })) = own {
        return own;
    }
    let Some(other) = displays.latest_other(survey.id) else {
        return own;
    };
    // A display recorded in the future counts as made now, as for a survey's own clock.
    let shown_at = other.at.min(now);
    let next = gap.add_to(shown_at);
    let own_next = own.as_ref().err().and_then(Held::next_eligible_at);
    if now < next && own_next.is_none_or(|own_next| own_next < next) {
        return Err(Held::Gap {
            shown_survey: other.survey.clone(),
            shown_at,
            next,
        });
    }
    own
}

/// The outcome of [`choose`]: the survey to show, if any, and why each other candidate is not
/// shown now.
#[derive(Debug, PartialEq)]
pub struct Choice {
    /// The index (in the candidates) of the survey to show.
    pub show: Option<usize>,
    /// The candidates not shown, with their reasons; one that lost to an earlier candidate
    /// shown at `now` is held back by the gap that display starts.
    pub held: Vec<(usize, Held)>,
    /// Those of `held` that were due but for the survey shown (in order): their reason holds
    /// once that display is made, and if it is not made, they are the next to try.
    pub lost: Vec<usize>,
}

/// Of the surveys whose triggers fired together (`candidates`, in the config's order), the
/// first that may be shown wins; the others are held back by the gap its display starts.
/// `bucket(i)` is candidate `i`'s sampling draw.
pub fn choose(
    displays: &Displays,
    candidates: &[SurveyRules],
    gap: Duration,
    created_at: Option<i64>,
    bucket: impl Fn(usize) -> f64,
    now: i64,
) -> Choice {
    let mut choice = Choice {
        show: None,
        held: Vec::new(),
        lost: Vec::new(),
    };
    let mut after = displays.clone();
    for (i, survey) in candidates.iter().enumerate() {
        match (
            decide_survey(&after, *survey, gap, created_at, bucket(i), now),
            choice.show,
        ) {
            (Ok(()), None) => {
                choice.show = Some(i);
                after.record(survey.id, now, Outcome::Ignored);
            }
            // Due as well, but only one survey is shown at a time (even without a gap).
            (Ok(()), Some(winner)) => {
                choice.lost.push(i);
                choice.held.push((
                    i,
                    Held::Gap {
                        shown_survey: candidates[winner].id.into(),
                        shown_at: now,
                        next: gap.add_to(now),
                    },
                ));
            }
            (Err(why), winner) => {
                // Held by the winner's display alone, it would have been due without it.
                if winner.is_some()
                    && decide_survey(displays, *survey, gap, created_at, bucket(i), now).is_ok()
                {
                    choice.lost.push(i);
                }
                choice.held.push((i, why));
            }
        }
    }
    choice
}

/// A user's sticky sampling draw for `survey`, in 0..1: the [`DEFAULT_SURVEY`] keeps the draw
/// of the user id alone (as before there were other surveys); every other survey draws apart,
/// so that a user in one survey's sample is not therefore in another's.
pub fn survey_bucket(survey: &str, user_id: &str) -> f64 {
    if survey == DEFAULT_SURVEY {
        bucket_for(user_id)
    } else {
        bucket_for(&concat(&[survey, ":", user_id]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::time::parse_timestamp;

    const SECOND: i64 = 1000;
    const DAY: i64 = 86_400_000;

    fn t(text: &str) -> i64 {
        parse_timestamp(text).unwrap()
    }

    fn throttle(days: u32) -> Throttle {
        Throttle {
            resurvey_after: Duration::Days(days),
            decline_resurvey_after: Duration::Days(days),
            first_survey_after: Duration::Days(0),
            sample_rate: 1.0,
        }
    }

    fn shown(list: &[(&str, &str, Outcome)]) -> Displays {
        let mut displays = Displays::default();
        for (survey, at, outcome) in list {
            displays.record(survey, t(at), *outcome);
        }
        displays
    }

    const GAP: Duration = Duration::Days(14);

    #[test]
    fn the_single_survey_form_reads_and_writes_as_before() {
        let legacy = "s=1780000000000;o=a";
        let displays = Displays::decode(legacy);
        assert_eq!(
            displays.of(DEFAULT_SURVEY).last_shown,
            Some((1_780_000_000_000, Outcome::Answered))
        );
        assert_eq!(displays.encode(), legacy);
        assert_eq!(Displays::decode("").encode(), "");
    }

    #[test]
    fn several_surveys_round_trip_with_the_default_first() {
        let mut displays = Displays::default();
        displays.record("support", 5, Outcome::Declined);
        displays.record("nps", 7, Outcome::Answered);
        displays.record("export", -3, Outcome::Ignored);
        let text = displays.encode();
        assert_eq!(
            text,
            "s=7;o=a;support.s=5;support.o=d;export.s=-3;export.o=i"
        );
        assert_eq!(Displays::decode(&text).encode(), text);
        assert_eq!(
            Displays::decode(&text).of("export").last_shown,
            Some((-3, Outcome::Ignored))
        );
        // A later display of a survey replaces its earlier one.
        displays.record("support", 9, Outcome::Answered);
        assert_eq!(
            displays.encode(),
            "s=7;o=a;support.s=9;support.o=a;export.s=-3;export.o=i"
        );
        // Unreadable parts are absent, the rest still read, in any order.
        let odd = Displays::decode("garbage;support.s=x;support.o=a;ces.o=d;ces.s=4");
        assert_eq!(odd.encode(), "ces.s=4;ces.o=d");
        // What a widget that knows one survey reads of it: the default survey's display.
        assert_eq!(
            UserState::decode(&text).last_shown,
            Some((7, Outcome::Answered))
        );
    }

    #[test]
    fn displays_in_the_future_are_moved_to_now_and_the_latest_is_found() {
        let displays = shown(&[
            ("nps", "2026-11-01T10:00:00Z", Outcome::Answered),
            ("support", "2026-12-20T10:00:00Z", Outcome::Declined),
        ]);
        let now = t("2026-12-03T00:00:00Z");
        assert_eq!(displays.latest().unwrap().survey, "support");
        let capped = displays.capped_at(now).unwrap();
        assert_eq!(
            capped.of("support").last_shown,
            Some((now, Outcome::Declined))
        );
        assert_eq!(capped.of("nps"), displays.of("nps"));
        assert_eq!(capped.capped_at(now), None);
        assert_eq!(Displays::default().latest(), None);
        // At the same instant, the same one whichever was stored first.
        let tie = shown(&[
            ("b", "2026-11-01T10:00:00Z", Outcome::Ignored),
            ("a", "2026-11-01T10:00:00Z", Outcome::Ignored),
        ]);
        assert_eq!(tie.latest().unwrap().survey, "b");
    }

    #[test]
    fn the_gap_after_another_survey_to_the_second() {
        // NPS answered on Nov 1; a CSAT with its own 30-day clock, never shown.
        let displays = shown(&[("nps", "2026-11-01T10:00:00Z", Outcome::Answered)]);
        let csat = throttle(30);
        let survey = SurveyRules {
            id: "support",
            throttle: &csat,
        };
        let gap_ends = t("2026-11-15T10:00:00Z");
        let at = |now| decide_survey(&displays, survey, GAP, None, 0.0, now);
        assert_eq!(
            at(gap_ends - SECOND),
            Err(Held::Gap {
                shown_survey: "nps".into(),
                shown_at: t("2026-11-01T10:00:00Z"),
                next: gap_ends,
            })
        );
        assert_eq!(at(gap_ends), Ok(()));
        assert_eq!(at(gap_ends + SECOND), Ok(()));
        assert_eq!(
            at(gap_ends - SECOND).unwrap_err().reason(),
            "survey \"nps\" shown on 2026-11-01, no survey before 2026-11-15"
        );
    }

    #[test]
    fn a_survey_s_own_display_follows_its_own_clock_not_the_gap() {
        // The top-level form with a short clock: the gap never holds a survey after itself.
        let displays = shown(&[("nps", "2026-11-01T10:00:00Z", Outcome::Answered)]);
        let daily = throttle(1);
        let nps = SurveyRules {
            id: "nps",
            throttle: &daily,
        };
        let next = t("2026-11-02T10:00:00Z");
        assert!(matches!(
            decide_survey(&displays, nps, GAP, None, 0.0, next - SECOND),
            Err(Held::Own(Ineligible::AskedBefore { .. }))
        ));
        assert_eq!(decide_survey(&displays, nps, GAP, None, 0.0, next), Ok(()));
    }

    #[test]
    fn the_later_date_says_why() {
        // CSAT shown Nov 10 (own clock 30 days: Dec 10); NPS shown Nov 20 (gap: Dec 4).
        let displays = shown(&[
            ("support", "2026-11-10T00:00:00Z", Outcome::Answered),
            ("nps", "2026-11-20T00:00:00Z", Outcome::Answered),
        ]);
        let csat = throttle(30);
        let support = SurveyRules {
            id: "support",
            throttle: &csat,
        };
        let now = t("2026-11-25T00:00:00Z");
        assert!(matches!(
            decide_survey(&displays, support, GAP, None, 0.0, now),
            Err(Held::Own(Ineligible::AskedBefore { next, .. })) if next == t("2026-12-10T00:00:00Z")
        ));
        // With a 7-day own clock (Nov 17), the gap after NPS (Dec 4) is the later date.
        let week = throttle(7);
        let support = SurveyRules {
            id: "support",
            throttle: &week,
        };
        assert!(matches!(
            decide_survey(&displays, support, GAP, None, 0.0, now),
            Err(Held::Gap { next, .. }) if next == t("2026-12-04T00:00:00Z")
        ));
    }

    #[test]
    fn a_dismissal_of_one_survey_starts_the_gap_for_the_others() {
        let displays = shown(&[("export", "2026-11-01T00:00:00Z", Outcome::Declined)]);
        let defaults = Throttle::default();
        let nps = SurveyRules {
            id: "nps",
            throttle: &defaults,
        };
        let gap_ends = t("2026-11-15T00:00:00Z");
        assert!(matches!(
            decide_survey(&displays, nps, GAP, None, 0.0, gap_ends - SECOND),
            Err(Held::Gap { ref shown_survey, .. }) if shown_survey == "export"
        ));
        assert_eq!(
            decide_survey(&displays, nps, GAP, None, 0.0, gap_ends),
            Ok(())
        );
        // The dismissed survey itself waits for its own clock (six months).
        let export = SurveyRules {
            id: "export",
            throttle: &defaults,
        };
        assert!(matches!(
            decide_survey(&displays, export, GAP, None, 0.0, gap_ends),
            Err(Held::Own(Ineligible::AskedBefore {
                outcome: Outcome::Declined,
                ..
            }))
        ));
    }

    #[test]
    fn the_latest_other_display_starts_the_gap() {
        let displays = shown(&[
            ("support", "2026-11-01T00:00:00Z", Outcome::Answered),
            ("export", "2026-11-05T00:00:00Z", Outcome::Answered),
        ]);
        let defaults = Throttle::default();
        let nps = SurveyRules {
            id: "nps",
            throttle: &defaults,
        };
        assert!(matches!(
            decide_survey(&displays, nps, GAP, None, 0.0, t("2026-11-16T00:00:00Z")),
            Err(Held::Gap { next, ref shown_survey, .. })
                if next == t("2026-11-19T00:00:00Z") && shown_survey == "export"
        ));
        assert_eq!(
            decide_survey(&displays, nps, GAP, None, 0.0, t("2026-11-19T00:00:00Z")),
            Ok(())
        );
    }

    #[test]
    fn a_display_in_the_future_starts_the_gap_now() {
        let now = t("2026-11-01T00:00:00Z");
        let displays = shown(&[("nps", "2027-01-01T00:00:00Z", Outcome::Answered)]);
        let defaults = Throttle::default();
        let csat = SurveyRules {
            id: "support",
            throttle: &defaults,
        };
        assert_eq!(
            decide_survey(&displays, csat, GAP, None, 0.0, now),
            Err(Held::Gap {
                shown_survey: "nps".into(),
                shown_at: now,
                next: now + 14 * DAY,
            })
        );
    }

    #[test]
    fn sampling_and_sign_up_stay_per_survey() {
        let displays = shown(&[("nps", "2026-11-01T00:00:00Z", Outcome::Answered)]);
        let half = Throttle {
            sample_rate: 0.5,
            ..throttle(30)
        };
        let csat = SurveyRules {
            id: "support",
            throttle: &half,
        };
        // Outside the sample: no date, whatever the gap says.
        assert!(matches!(
            decide_survey(&displays, csat, GAP, None, 0.7, t("2026-11-05T00:00:00Z")),
            Err(Held::Own(Ineligible::OutsideSample { .. }))
        ));
        // Too new for this survey after the gap has passed.
        let later_start = Throttle {
            first_survey_after: Duration::Days(60),
            ..throttle(30)
        };
        let csat = SurveyRules {
            id: "support",
            throttle: &later_start,
        };
        assert!(matches!(
            decide_survey(
                &displays,
                csat,
                GAP,
                Some(t("2026-10-01T00:00:00Z")),
                0.0,
                t("2026-11-20T00:00:00Z")
            ),
            Err(Held::Own(Ineligible::TooNew { next })) if next == t("2026-11-30T00:00:00Z")
        ));
        // Each survey draws apart; the default survey keeps the user id's draw.
        assert_eq!(survey_bucket("nps", "u_42"), bucket_for("u_42"));
        assert_ne!(survey_bucket("support", "u_42"), bucket_for("u_42"));
        let apart = (0..10_000)
            .filter(|i| {
                let id = concat(&["u_", &crate::core::text::int(*i)]);
                (survey_bucket("nps", &id) < 0.5) != (survey_bucket("support", &id) < 0.5)
            })
            .count();
        assert!((4_700..5_300).contains(&apart), "{apart} of 10,000 differ");
    }

    #[test]
    fn two_surveys_due_at_once_the_first_in_the_list_wins() {
        let now = t("2026-11-20T00:00:00Z");
        let defaults = Throttle::default();
        let ces = throttle(30);
        let candidates = [
            SurveyRules {
                id: "nps",
                throttle: &defaults,
            },
            SurveyRules {
                id: "export",
                throttle: &ces,
            },
        ];
        let choice = choose(&Displays::default(), &candidates, GAP, None, |_| 0.0, now);
        assert_eq!(choice.show, Some(0));
        assert_eq!(
            choice.held,
            vec![(
                1,
                Held::Gap {
                    shown_survey: "nps".into(),
                    shown_at: now,
                    next: now + 14 * DAY,
                }
            )]
        );
        assert_eq!(choice.lost, [1], "due but for the NPS's display");
        // Reversed in the list, the other one wins.
        let reversed = [candidates[1], candidates[0]];
        let choice = choose(&Displays::default(), &reversed, GAP, None, |_| 0.0, now);
        assert_eq!(choice.show, Some(0));
        assert_eq!(reversed[0].id, "export");
    }

    #[test]
    fn without_a_gap_the_first_due_still_wins_and_the_rest_wait() {
        let now = t("2026-11-20T00:00:00Z");
        let month = throttle(30);
        let candidates = [
            SurveyRules {
                id: "nps",
                throttle: &month,
            },
            SurveyRules {
                id: "support",
                throttle: &month,
            },
        ];
        let none = Duration::Days(0);
        let choice = choose(&Displays::default(), &candidates, none, None, |_| 0.0, now);
        assert_eq!(choice.show, Some(0));
        assert_eq!(
            choice.held,
            vec![(
                1,
                Held::Gap {
                    shown_survey: "nps".into(),
                    shown_at: now,
                    next: now,
                }
            )]
        );
        assert_eq!(choice.lost, [1]);
    }

    #[test]
    fn a_first_candidate_outside_its_sample_lets_the_second_win() {
        let now = t("2026-11-20T00:00:00Z");
        let half = Throttle {
            sample_rate: 0.5,
            ..throttle(30)
        };
        let month = throttle(30);
        let candidates = [
            SurveyRules {
                id: "nps",
                throttle: &half,
            },
            SurveyRules {
                id: "support",
                throttle: &month,
            },
        ];
        let draws = |i: usize| if i == 0 { 0.9 } else { 0.1 };
        let choice = choose(&Displays::default(), &candidates, GAP, None, draws, now);
        assert_eq!(choice.show, Some(1));
        assert!(matches!(
            choice.held[..],
            [(0, Held::Own(Ineligible::OutsideSample { .. }))]
        ));
        assert!(choice.lost.is_empty(), "the first was never due");
    }

    #[test]
    fn when_the_own_clock_and_the_gap_end_together_the_own_clock_says_why() {
        // CSAT shown Nov 1 with a 14-day clock; NPS shown the same instant: both end Nov 15.
        let displays = shown(&[
            ("support", "2026-11-01T00:00:00Z", Outcome::Answered),
            ("nps", "2026-11-01T00:00:00Z", Outcome::Answered),
        ]);
        let fortnight = throttle(14);
        let support = SurveyRules {
            id: "support",
            throttle: &fortnight,
        };
        let end = t("2026-11-15T00:00:00Z");
        assert!(matches!(
            decide_survey(&displays, support, GAP, None, 0.0, end - SECOND),
            Err(Held::Own(Ineligible::AskedBefore { next, .. })) if next == end
        ));
        assert_eq!(
            decide_survey(&displays, support, GAP, None, 0.0, end),
            Ok(())
        );
    }

    #[test]
    fn three_surveys_a_decision_table() {
        let defaults = Throttle::default();
        let month = throttle(30);
        let candidates = [
            SurveyRules {
                id: "nps",
                throttle: &defaults,
            },
            SurveyRules {
                id: "support",
                throttle: &month,
            },
            SurveyRules {
                id: "export",
                throttle: &month,
            },
        ];
        // NPS answered Nov 1, CSAT answered Nov 10: on each day, which survey is shown.
        let displays = shown(&[
            ("nps", "2026-11-01T00:00:00Z", Outcome::Answered),
            ("support", "2026-11-10T00:00:00Z", Outcome::Answered),
        ]);
        let cases = [
            // Inside the gap after CSAT (Nov 24): nothing.
            ("2026-11-24T00:00:00Z", -SECOND, None),
            // The gap has passed: NPS waits for May, CSAT for Dec 10; CES (never shown) wins.
            ("2026-11-24T00:00:00Z", 0, Some(2)),
            // After CSAT's own month, CSAT comes before CES in the list.
            ("2026-12-10T00:00:00Z", 0, Some(1)),
            ("2026-12-10T00:00:00Z", -SECOND, Some(2)),
            // Six months after NPS, the first in the list.
            ("2027-05-01T00:00:00Z", 0, Some(0)),
            ("2027-05-01T00:00:00Z", -SECOND, Some(1)),
        ];
        for (day, offset, expected) in cases {
            let now = t(day) + offset;
            let choice = choose(&displays, &candidates, GAP, None, |_| 0.0, now);
            assert_eq!(choice.show, expected, "{day} {offset:+} ms");
            assert_eq!(
                choice.held.len(),
                3 - usize::from(expected.is_some()),
                "{day}: every other candidate has its reason"
            );
        }
    }
}
