//! The answer a hook's test delivery carries (`POST /v1/hooks/{id}/test`): realistic, so that
//! a receiver or a Slack channel shows what a real one looks like, and marked as a sample.

use nps_widget::core::kind::{Kind, KINDS};
use nps_widget::core::time::format_timestamp;
use serde_json::json;

use crate::hooks::{Event, HookFilter};
use crate::storage::StoredAnswer;

/// The scores a test tries, in order, with a comment each: a detractor first (what a
/// support channel most wants to see), then a promoter and a passive, then each category of
/// the other kinds.
const VARIANTS: [(Kind, u8, &str); 9] = [
    (Kind::Nps, 3, DETRACTOR_COMMENT),
    (
        Kind::Nps,
        10,
        "The weekly report saves our team hours, and setting it up took five minutes.",
    ),
    (
        Kind::Nps,
        8,
        "Works well for us. The CSV export is slow for our biggest accounts.",
    ),
    (Kind::Csat, 2, DETRACTOR_COMMENT),
    (
        Kind::Csat,
        3,
        "It did the job, but I had to ask support twice.",
    ),
    (Kind::Csat, 5, "Quick and friendly answer, thank you!"),
    (
        Kind::Ces,
        2,
        "I could not find where to change the billing address.",
    ),
    (Kind::Ces, 4, "It took a few tries, but I got there."),
    (Kind::Ces, 6, "Two clicks and it was done."),
];

const DETRACTOR_COMMENT: &str = "Exporting a report to CSV times out for anything over a month \
    of data. We need this for our board meeting every week.";

/// The sample answer a test of `event` to a hook with `filter` carries, answered a few
/// seconds before `now` (epoch ms), with the id `id`: a decline for `decline.created`, a
/// score without its comment yet for `response.created`, a claimed follow-up for
/// `followup.updated`; and, of the scores and surveys it can show, one the hook's filter lets
/// through when there is one, so that the test looks like what the hook will send.
pub fn test_answer(id: &str, now: i64, event: Event, filter: &HookFilter) -> StoredAnswer {
    let mut answer = sample_answer(id, now);
    if let Some(survey) = &filter.survey {
        answer.survey = survey.clone();
    }
    match event {
        Event::DeclineCreated => {
            answer.body_type = "decline".into();
            answer.complete = false;
            answer.score = None;
            answer.category = None;
            answer.comment = None;
            answer.answered_at = None;
            return answer;
        }
        Event::ResponseCreated => {
            answer.complete = false;
            answer.comment = None;
        }
        Event::FollowUpUpdated => {
            answer.follow_up_status = "claimed".into();
            answer.follow_up_note = Some("Called back; the export fix ships next week.".into());
            answer.follow_up_updated_at = Some(format_timestamp(now));
        }
        Event::ResponseCompleted => {}
    }
    // The usual samples first, then every score of every kind (for a hook with narrow score
    // bounds), each with a comment and then without, for a hook that wants none. A score
    // with its comment is a final answer: one that arrives whole fires `response.created` too.
    let scores = VARIANTS
        .iter()
        .map(|&(kind, score, _)| (kind, score))
        .chain(KINDS.into_iter().flat_map(|kind| {
            let (low, high) = kind.scores();
            (low..=high).map(move |score| (kind, score))
        }));
    let first_with_comment = event != Event::ResponseCreated;
    let candidates = [first_with_comment, !first_with_comment]
        .into_iter()
        .flat_map(|with_comment| scores.clone().map(move |score| (score, with_comment)));
    let candidates: Vec<StoredAnswer> = candidates
        .map(|((kind, score), with_comment)| {
            let mut candidate = answer.clone();
            candidate.kind = kind.name().into();
            if filter.survey.is_none() {
                candidate.survey = kind.name().into();
            }
            candidate.score = Some(score.into());
            candidate.category = kind.category(score).map(str::to_owned);
            if with_comment {
                candidate.comment = Some(comment(kind, candidate.category.as_deref()).into());
                candidate.complete = true;
            } else {
                candidate.comment = None;
            }
            candidate
        })
        .collect();
    // `where` rules name the host's own properties, which a sample meets only by chance: when
    // none meets them, the sample is fitted to the rest of the filter.
    let without_conditions = HookFilter {
        conditions: Vec::new(),
        ..filter.clone()
    };
    candidates
        .iter()
        .find(|candidate| filter.matches(candidate))
        .or_else(|| {
            candidates
                .iter()
                .find(|candidate| without_conditions.matches(candidate))
        })
        .cloned()
        .unwrap_or(answer)
}

/// The comment of the sample of `kind` in `category`.
fn comment(kind: Kind, category: Option<&str>) -> &'static str {
    VARIANTS
        .iter()
        .find(|&&(k, score, _)| k == kind && k.category(score) == category)
        .map_or(DETRACTOR_COMMENT, |&(_, _, comment)| comment)
}

/// A detractor with a comment, on the pro plan, answered a few seconds before `now` (epoch
/// ms), with the id `id`.
pub fn sample_answer(id: &str, now: i64) -> StoredAnswer {
    let shown = format_timestamp(now - 12_000);
    let at = format_timestamp(now);
    StoredAnswer {
        id: id.to_owned(),
        body_type: "response".into(),
        kind: "nps".into(),
        survey: "nps".into(),
        score: Some(3),
        category: Some("detractor".into()),
        comment: Some(DETRACTOR_COMMENT.into()),
        complete: true,
        preview: false,
        user_id: Some("u_42".into()),
        user_email: Some("ada@example.com".into()),
        user_created_at: Some("2025-01-15T00:00:00.000Z".into()),
        user_properties: Some(json!({ "plan": "pro", "seats": 12, "trial": false })),
        account_id: Some("acme".into()),
        account_name: Some("Acme Inc".into()),
        account_properties: Some(json!({})),
        language: Some("en".into()),
        trigger_name: Some("event:report_exported".into()),
        page: Some("https://app.example.com/reports".into()),
        channel: "in-app".into(),
        shown_at: shown.clone(),
        effective_shown_at: shown,
        answered_at: Some(format_timestamp(now - 4_000)),
        widget_version: Some(env!("CARGO_PKG_VERSION").into()),
        received_at: at.clone(),
        updated_at: at,
        follow_up_status: "open".into(),
        follow_up_assignee: None,
        follow_up_note: None,
        follow_up_tags: Vec::new(),
        follow_up_updated_at: None,
        sample: true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ID: &str = "3f2c8a1e-4b5d-4c6e-8f70-123456789abc";

    fn filter(value: serde_json::Value) -> HookFilter {
        HookFilter::from_json(&value).expect("a valid filter")
    }

    /// The test answer of `event` for the filter `value`, which it must pass.
    fn fitted(event: Event, value: serde_json::Value) -> StoredAnswer {
        let filter = filter(value);
        let answer = test_answer(ID, 0, event, &filter);
        assert!(filter.matches(&answer), "{filter:?}");
        answer
    }

    #[test]
    fn each_event_gets_an_answer_at_its_stage() {
        let any = HookFilter::default();
        let completed = test_answer(ID, 0, Event::ResponseCompleted, &any);
        assert_eq!((completed.score, completed.complete), (Some(3), true));
        assert!(completed.comment.is_some());

        let declined = test_answer(ID, 0, Event::DeclineCreated, &any);
        assert_eq!(
            (declined.body_type.as_str(), declined.complete),
            ("decline", false)
        );
        assert_eq!(
            (declined.score, declined.category, declined.comment),
            (None, None, None)
        );

        let created = test_answer(ID, 0, Event::ResponseCreated, &any);
        assert_eq!((created.complete, created.comment), (false, None));
        assert_eq!(created.score, Some(3));

        let followed = test_answer(ID, 0, Event::FollowUpUpdated, &any);
        assert_eq!(followed.follow_up_status, "claimed");
        assert!(followed.follow_up_updated_at.is_some());
        assert!(followed.sample && declined.sample);
    }

    #[test]
    fn the_answer_passes_the_hooks_filter_when_one_can() {
        let promoter = fitted(
            Event::ResponseCompleted,
            json!({ "survey": "onboarding", "categories": ["promoter"] }),
        );
        assert_eq!(promoter.survey, "onboarding");
        assert_eq!(
            (promoter.score, promoter.category.as_deref()),
            (Some(10), Some("promoter"))
        );
        assert!(promoter.comment.is_some());

        let satisfied = fitted(
            Event::ResponseCompleted,
            json!({ "categories": ["satisfied"] }),
        );
        assert_eq!(
            (satisfied.kind.as_str(), satisfied.score),
            ("csat", Some(5))
        );

        let passive = fitted(
            Event::ResponseCompleted,
            json!({ "minScore": 7, "maxScore": 8, "hasComment": false }),
        );
        assert_eq!((passive.score, passive.comment), (Some(8), None));

        let lowest = fitted(Event::ResponseCompleted, json!({ "maxScore": 1 }));
        assert_eq!((lowest.kind.as_str(), lowest.score), ("nps", Some(0)));

        let created = fitted(Event::ResponseCreated, json!({ "hasComment": true }));
        assert!(created.complete, "a score with its comment is final");

        // No sample is on the enterprise plan: the detractor, as without a filter.
        let enterprise = filter(json!({ "where": ["user.properties.plan:enterprise"] }));
        let unfit = test_answer(ID, 0, Event::ResponseCompleted, &enterprise);
        assert_eq!(unfit.score, Some(3));
        assert!(!enterprise.matches(&unfit));

        // ... and a promoters' hook on that plan gets a promoter all the same.
        let rule =
            json!({ "categories": ["promoter"], "where": ["user.properties.plan:enterprise"] });
        let promoter = test_answer(ID, 0, Event::ResponseCompleted, &filter(rule));
        assert_eq!(promoter.category.as_deref(), Some("promoter"));

        // A `where` rule the sample meets (it is on the pro plan) is kept to.
        let pro = filter(json!({ "where": ["user.properties.plan:pro"], "maxScore": 1 }));
        let kept = test_answer(ID, 0, Event::ResponseCompleted, &pro);
        assert!(pro.matches(&kept));
    }
}
