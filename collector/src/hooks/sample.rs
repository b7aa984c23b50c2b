//! The answer a hook's test delivery carries (`POST /v1/hooks/{id}/test`): realistic, so that
//! a receiver or a Slack channel shows what a real one looks like, and marked as a sample.

use nps_widget::core::time::format_timestamp;
use serde_json::json;

use crate::storage::StoredAnswer;

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
        comment: Some(
            "Exporting a report to CSV times out for anything over a month of data. \
             We need this for our board meeting every week."
                .into(),
        ),
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
