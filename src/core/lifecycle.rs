//! An answer's life on the collector (DESIGN.md "Wire format"): which body may change a stored
//! answer, and the answer's effective shown time. The collector's storage asks [`judge`] inside
//! the transaction that writes the answer, so every backend applies the same rules.

use super::eligibility::Outcome;

/// Where an answer is in its life, from the bodies received so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The card was shown (`type: "display"`).
    Displayed,
    /// A score was chosen; the follow-up may still change it (`type: "response"`, not complete).
    Scored,
    /// The final answer (`type: "response"`, `complete: true`). Frozen.
    Complete,
    /// Closed without a score (`type: "decline"`). Frozen.
    Declined,
}

impl Stage {
    /// The stage a body states: its `type` and `complete`; `None` for an unknown type.
    pub fn of(body_type: &str, complete: bool) -> Option<Stage> {
        Some(match (body_type, complete) {
            ("display", _) => Stage::Displayed,
            ("response", false) => Stage::Scored,
            ("response", true) => Stage::Complete,
            ("decline", _) => Stage::Declined,
            _ => return None,
        })
    }

    /// Whether no later body may change the answer.
    pub fn is_frozen(self) -> bool {
        matches!(self, Stage::Complete | Stage::Declined)
    }

    /// How the display ended, for eligibility.
    pub fn outcome(self) -> Outcome {
        match self {
            Stage::Displayed => Outcome::Ignored,
            Stage::Scored | Stage::Complete => Outcome::Answered,
            Stage::Declined => Outcome::Declined,
        }
    }

    /// Whether a body at stage `next` moves an answer at this stage forwards (or restates it:
    /// a new score replaces the old one while the answer is not complete). A decline after a
    /// score would drop the score, so it does not move it.
    fn may_become(self, next: Stage) -> bool {
        match self {
            Stage::Displayed => true,
            Stage::Scored => matches!(next, Stage::Scored | Stage::Complete),
            Stage::Complete | Stage::Declined => false,
        }
    }
}

/// What [`judge`] compares of a stored answer and of an incoming body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts<'a> {
    /// The body's stage.
    pub stage: Stage,
    /// The hash of the answer's `key` (the body's, or the one stored from the first body);
    /// `None` for bodies of widgets that send no key.
    pub key_hash: Option<&'a str>,
    /// `user.id`, if any.
    pub user_id: Option<&'a str>,
    /// `kind`.
    pub kind: &'a str,
    /// `survey`.
    pub survey: &'a str,
}

/// What to do with an incoming body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No answer with that id yet: store it (its first body sets the key and `receivedAt`).
    Insert,
    /// Replace the stored answer's fields by the body's (key and `receivedAt` stay).
    Update,
    /// Acknowledge (`202`) and change nothing: a replay, a late or backwards body, or any body
    /// for a frozen answer.
    Ignore,
    /// Refuse with `409` and change nothing; names the field in conflict (`key`, `user.id`,
    /// `kind` or `survey`).
    Conflict(&'static str),
}

/// Judges a body against the stored answer with the same id. The key is checked first (a body
/// with another key, or without one, for an answer stored with one; or with one for an answer
/// stored without), then the fields that never change, then the stage.
pub fn judge(stored: Option<&Facts>, incoming: &Facts) -> Verdict {
    let Some(stored) = stored else {
        return Verdict::Insert;
    };
    if stored.key_hash != incoming.key_hash {
        return Verdict::Conflict("key");
    }
    if stored.user_id != incoming.user_id {
        return Verdict::Conflict("user.id");
    }
    if stored.kind != incoming.kind {
        return Verdict::Conflict("kind");
    }
    if stored.survey != incoming.survey {
        return Verdict::Conflict("survey");
    }
    if stored.stage.may_become(incoming.stage) {
        Verdict::Update
    } else {
        Verdict::Ignore
    }
}

/// How far before its first body's arrival a display may have happened (the widget's outbox
/// keeps bodies 7 days; one day of slack).
pub const SHOWN_BEFORE_RECEIVED_MS: i64 = 8 * 86_400_000;
/// How far after its first body's arrival a display's time may lie (clocks a little ahead).
pub const SHOWN_AFTER_RECEIVED_MS: i64 = 5 * 60_000;

/// The time an answer counts as shown (epoch ms): the device's `shownAt` when it is plausible
/// for a body first received at `received_at`, else `received_at`. So a device clock a year
/// off, or a forged `shownAt`, cannot move anyone's six-month clock.
pub fn effective_shown_at(shown_at: i64, received_at: i64) -> i64 {
    let earliest = received_at - SHOWN_BEFORE_RECEIVED_MS;
    let latest = received_at + SHOWN_AFTER_RECEIVED_MS;
    if (earliest..=latest).contains(&shown_at) {
        shown_at
    } else {
        received_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DISPLAYED: Stage = Stage::Displayed;
    const SCORED: Stage = Stage::Scored;
    const COMPLETE: Stage = Stage::Complete;
    const DECLINED: Stage = Stage::Declined;

    fn facts(stage: Stage, key_hash: Option<&str>) -> Facts<'_> {
        Facts {
            stage,
            key_hash,
            user_id: Some("u_42"),
            kind: "nps",
            survey: "nps",
        }
    }

    #[test]
    fn stages_of_bodies() {
        assert_eq!(Stage::of("display", false), Some(DISPLAYED));
        assert_eq!(Stage::of("response", false), Some(SCORED));
        assert_eq!(Stage::of("response", true), Some(COMPLETE));
        assert_eq!(Stage::of("decline", false), Some(DECLINED));
        assert_eq!(Stage::of("other", false), None);
        assert_eq!(COMPLETE.outcome(), Outcome::Answered);
        assert_eq!(SCORED.outcome(), Outcome::Answered);
        assert_eq!(DECLINED.outcome(), Outcome::Declined);
        assert_eq!(DISPLAYED.outcome(), Outcome::Ignored);
    }

    /// Every transition (stored stage × incoming stage) with the right key, a wrong key and no
    /// key, for answers stored with and without a key.
    #[test]
    fn transition_table() {
        use Verdict::*;
        // (stored, incoming, verdict with the right key)
        let table = [
            (DISPLAYED, DISPLAYED, Update),
            (DISPLAYED, SCORED, Update),
            (DISPLAYED, COMPLETE, Update),
            (DISPLAYED, DECLINED, Update),
            (SCORED, DISPLAYED, Ignore),
            (SCORED, SCORED, Update),
            (SCORED, COMPLETE, Update),
            (SCORED, DECLINED, Ignore),
            (COMPLETE, DISPLAYED, Ignore),
            (COMPLETE, SCORED, Ignore),
            (COMPLETE, COMPLETE, Ignore),
            (COMPLETE, DECLINED, Ignore),
            (DECLINED, DISPLAYED, Ignore),
            (DECLINED, SCORED, Ignore),
            (DECLINED, COMPLETE, Ignore),
            (DECLINED, DECLINED, Ignore),
        ];
        for (stored, incoming, right) in table {
            let case = format!("{stored:?} <- {incoming:?}");
            assert_eq!(
                judge(
                    Some(&facts(stored, Some("h1"))),
                    &facts(incoming, Some("h1"))
                ),
                right,
                "{case}"
            );
            assert_eq!(
                judge(
                    Some(&facts(stored, Some("h1"))),
                    &facts(incoming, Some("h2"))
                ),
                Conflict("key"),
                "{case}, wrong key"
            );
            assert_eq!(
                judge(Some(&facts(stored, Some("h1"))), &facts(incoming, None)),
                Conflict("key"),
                "{case}, no key"
            );
            // Answers of widgets that send no key.
            assert_eq!(
                judge(Some(&facts(stored, None)), &facts(incoming, None)),
                right,
                "{case}, keyless"
            );
            assert_eq!(
                judge(Some(&facts(stored, None)), &facts(incoming, Some("h1"))),
                Conflict("key"),
                "{case}, key for keyless"
            );
            assert_eq!(
                judge(None, &facts(incoming, Some("h1"))),
                Insert,
                "{case}, new"
            );
        }
    }

    #[test]
    fn identity_fields_never_change() {
        let stored = facts(SCORED, Some("h"));
        let other_user = Facts {
            user_id: Some("u_43"),
            ..facts(COMPLETE, Some("h"))
        };
        assert_eq!(
            judge(Some(&stored), &other_user),
            Verdict::Conflict("user.id")
        );
        let anonymous = Facts {
            user_id: None,
            ..facts(COMPLETE, Some("h"))
        };
        assert_eq!(
            judge(Some(&stored), &anonymous),
            Verdict::Conflict("user.id")
        );
        let kind = Facts {
            kind: "csat",
            ..facts(COMPLETE, Some("h"))
        };
        assert_eq!(judge(Some(&stored), &kind), Verdict::Conflict("kind"));
        let survey = Facts {
            survey: "other",
            ..facts(COMPLETE, Some("h"))
        };
        assert_eq!(judge(Some(&stored), &survey), Verdict::Conflict("survey"));
        // On a frozen answer too, and the key is checked first.
        let frozen = facts(COMPLETE, Some("h"));
        assert_eq!(
            judge(Some(&frozen), &other_user),
            Verdict::Conflict("user.id")
        );
        let both = Facts {
            key_hash: Some("x"),
            ..other_user
        };
        assert_eq!(judge(Some(&frozen), &both), Verdict::Conflict("key"));
    }

    #[test]
    fn effective_shown_time_at_the_window_edges() {
        let received = 1_800_000_000_000;
        let day = 86_400_000;
        let cases = [
            (received, received),
            (received - 8 * day, received - 8 * day),
            (received - 8 * day - 1, received),
            (received + 5 * 60_000, received + 5 * 60_000),
            (received + 5 * 60_000 + 1, received),
            (received - 365 * day, received),
            (received + 365 * day, received),
            (253_402_300_799_999, received), // 9999-12-31T23:59:59.999Z
        ];
        for (shown, effective) in cases {
            assert_eq!(
                effective_shown_at(shown, received),
                effective,
                "shown {shown}"
            );
        }
    }
}
