//! An answer's life on the collector over HTTP: keys, frozen answers, fields that never change,
//! previews, server time against wrong device clocks, and identity verification.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use nps_collector::identity::user_hash;
use nps_collector::storage::StoredAnswer;
use nps_collector::Settings;
use serde_json::{json, Value};

const KEY: &str = "0123456789abcdef0123456789abcdef";
const OTHER_KEY: &str = "fedcba9876543210fedcba9876543210";

/// A body of answer `n` at `stage` (`display`, `scored`, `complete`, `declined`); `key` is left
/// out when `None`.
fn body(n: u32, stage: &str, key: Option<&str>) -> Value {
    let mut body = json!({
        "id": format!("00000000-0000-4000-8000-{n:012x}"), "kind": "nps", "survey": "nps",
        "user": { "id": "u_1", "email": "ada@example.com" }, "channel": "in-app",
        "shownAt": "2026-11-22T10:00:00.000Z"
    });
    match stage {
        "display" => body["type"] = json!("display"),
        "declined" => body["type"] = json!("decline"),
        "scored" => {
            body["type"] = json!("response");
            body["score"] = json!(3);
            body["complete"] = json!(false);
            body["answeredAt"] = json!("2026-11-22T10:00:04.000Z");
        }
        "complete" => {
            body["type"] = json!("response");
            body["score"] = json!(9);
            body["comment"] = json!("Fast");
            body["complete"] = json!(true);
            body["answeredAt"] = json!("2026-11-22T10:00:09.000Z");
        }
        other => panic!("unknown stage {other}"),
    }
    if let Some(key) = key {
        body["key"] = json!(key);
    }
    body
}

/// What a stored answer looks like: (type, complete, score).
fn state(row: &StoredAnswer) -> (&str, bool, Option<i64>) {
    (row.body_type.as_str(), row.complete, row.score)
}

const DISPLAY: (&str, bool, Option<i64>) = ("display", false, None);
const SCORED: (&str, bool, Option<i64>) = ("response", false, Some(3));
const COMPLETE: (&str, bool, Option<i64>) = ("response", true, Some(9));
const DECLINED: (&str, bool, Option<i64>) = ("decline", false, None);

#[tokio::test]
async fn every_transition_with_the_right_key_a_wrong_key_and_none() {
    // (stored stage, incoming stage, what is stored after the incoming body with the right key)
    let table = [
        ("display", "display", DISPLAY),
        ("display", "scored", SCORED),
        ("display", "complete", COMPLETE),
        ("display", "declined", DECLINED),
        ("scored", "display", SCORED),
        ("scored", "scored", SCORED),
        ("scored", "complete", COMPLETE),
        ("scored", "declined", SCORED),
        ("complete", "display", COMPLETE),
        ("complete", "scored", COMPLETE),
        ("complete", "complete", COMPLETE),
        ("complete", "declined", COMPLETE),
        ("declined", "display", DECLINED),
        ("declined", "scored", DECLINED),
        ("declined", "complete", DECLINED),
        ("declined", "declined", DECLINED),
    ];
    let app = TestApp::new().await;
    let stage_state = |stage: &str| match stage {
        "display" => DISPLAY,
        "scored" => SCORED,
        "complete" => COMPLETE,
        _ => DECLINED,
    };
    let mut n = 0;
    for (stored, incoming, after) in table {
        n += 1;
        let case = format!("{stored} <- {incoming}");
        assert_eq!(
            app.post(&body(n, stored, Some(KEY))).await.0,
            StatusCode::ACCEPTED,
            "{case}"
        );
        for wrong in [Some(OTHER_KEY), None] {
            let (status, error) = app.post(&body(n, incoming, wrong)).await;
            assert_eq!(
                status,
                StatusCode::CONFLICT,
                "{case}, key {wrong:?}: {error}"
            );
            assert_eq!(error["field"], "key", "{case}");
        }
        let rows = app.rows().await;
        let row = rows.last().unwrap();
        assert_eq!(
            state(row),
            stage_state(stored),
            "{case}: a refused body changed nothing"
        );
        let (status, answer) = app.post(&body(n, incoming, Some(KEY))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{case}: {answer}");
        let rows = app.rows().await;
        assert_eq!(state(rows.last().unwrap()), after, "{case}");
        assert_eq!(rows.len(), n as usize, "{case}: one row per id");
        // A replay of the same body is acknowledged and changes nothing.
        assert_eq!(
            app.post(&body(n, incoming, Some(KEY))).await.0,
            StatusCode::ACCEPTED
        );
        assert_eq!(
            state(app.rows().await.last().unwrap()),
            after,
            "{case}, replayed"
        );
    }
}

#[tokio::test]
async fn a_stolen_id_cannot_rewrite_an_answer() {
    let app = TestApp::new().await;
    assert_eq!(
        app.post(&body(1, "complete", Some(KEY))).await.0,
        StatusCode::ACCEPTED
    );
    // Someone who learnt the id (it is forwarded to analytics) tries to change the answer.
    let mut forged = body(1, "scored", Some(OTHER_KEY));
    forged["score"] = json!(0);
    forged["user"]["id"] = json!("u_evil");
    let (status, error) = app.post(&forged).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["field"], "key");
    assert!(
        error["error"].as_str().unwrap().contains("another key"),
        "{error}"
    );
    let mut decline = body(1, "declined", None);
    decline["user"] = Value::Null;
    assert_eq!(app.post(&decline).await.0, StatusCode::CONFLICT);
    let row = &app.rows().await[0];
    assert_eq!(state(row), COMPLETE);
    assert_eq!(
        (row.user_id.as_deref(), row.comment.as_deref()),
        (Some("u_1"), Some("Fast"))
    );
    // The key is kept only as a hash.
    let export = serde_json::to_string(&app.rows().await).unwrap();
    assert!(!export.contains(KEY));
}

#[tokio::test]
async fn user_kind_and_survey_of_a_stored_answer_never_change() {
    let app = TestApp::new().await;
    assert_eq!(
        app.post(&body(1, "scored", Some(KEY))).await.0,
        StatusCode::ACCEPTED
    );
    for (pointer, value, field) in [
        ("/user/id", json!("u_2"), "user.id"),
        ("/user", Value::Null, "user.id"),
        ("/kind", json!("csat"), "kind"),
        ("/survey", json!("support"), "survey"),
    ] {
        let mut changed = body(1, "scored", Some(KEY));
        changed["score"] = json!(4);
        *changed.pointer_mut(pointer).unwrap() = value;
        let (status, error) = app.post(&changed).await;
        assert_eq!(
            (status, &error["field"]),
            (StatusCode::CONFLICT, &json!(field)),
            "{error}"
        );
    }
    assert_eq!(state(&app.rows().await[0]), SCORED);
}

#[tokio::test]
async fn answers_of_widgets_without_keys_still_work_but_cannot_be_taken_over() {
    let app = TestApp::new().await;
    assert_eq!(
        app.post(&body(1, "scored", None)).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        app.post(&body(1, "complete", None)).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(state(&app.rows().await[0]), COMPLETE);
    assert_eq!(
        app.post(&body(2, "scored", None)).await.0,
        StatusCode::ACCEPTED
    );
    let (status, error) = app.post(&body(2, "complete", Some(KEY))).await;
    assert_eq!(
        (status, &error["field"]),
        (StatusCode::CONFLICT, &json!("key"))
    );
    assert_eq!(state(&app.rows().await[1]), SCORED);
}

#[tokio::test]
async fn previews_are_stored_and_left_out_of_eligibility() {
    let app = TestApp::new().await;
    for stage in ["display", "complete"] {
        let mut preview = body(1, stage, Some(KEY));
        preview["preview"] = json!(true);
        assert_eq!(app.post(&preview).await.0, StatusCode::ACCEPTED);
    }
    let rows = app.rows().await;
    assert!(rows[0].preview && rows[0].complete);
    let (_, verdict) = app.eligibility("?userId=u_1&survey=nps").await;
    assert_eq!(verdict["eligible"], true, "{verdict}");
    assert_eq!(verdict["reason"], "not shown before");
    // A real display counts.
    assert_eq!(
        app.post(&body(2, "display", Some(KEY))).await.0,
        StatusCode::ACCEPTED
    );
    let (_, verdict) = app.eligibility("?userId=u_1&survey=nps").await;
    assert_eq!(verdict["eligible"], false, "{verdict}");
    assert_eq!(verdict["reason"], "asked on 2026-11-22, next on 2027-05-22");
}

#[tokio::test]
async fn a_display_nobody_answered_blocks_other_devices() {
    let app = TestApp::new().await;
    assert_eq!(
        app.post(&body(1, "display", Some(KEY))).await.0,
        StatusCode::ACCEPTED
    );
    let (_, verdict) = app.eligibility("?userId=u_1").await;
    assert_eq!(verdict["eligible"], false);
    assert_eq!(verdict["nextEligibleAt"], "2027-05-22T10:00:00.000Z");
    // Other surveys keep their own clock: only the gap between surveys holds them back.
    let (_, other) = app.eligibility("?userId=u_1&survey=support").await;
    assert_eq!(
        other["reason"],
        "survey \"nps\" shown on 2026-11-22, no survey before 2026-12-06"
    );
    app.set_now("2026-12-06T10:00:00Z");
    assert_eq!(
        app.eligibility("?userId=u_1&survey=support").await.1["eligible"],
        true
    );
    assert_eq!(app.eligibility("?userId=u_1").await.1["eligible"], false);
}

/// A body shown at `shown_at` by the device's clock, received at the collector's `now`; the
/// user's eligibility right after.
async fn skewed(shown_at: &str) -> (StoredAnswer, Value) {
    let app = TestApp::new().await;
    app.set_now("2026-11-22T10:00:30Z");
    let mut answer = body(1, "complete", Some(KEY));
    answer["shownAt"] = json!(shown_at);
    assert_eq!(app.post(&answer).await.0, StatusCode::ACCEPTED);
    app.set_now("2026-11-22T10:01:00Z");
    let (status, verdict) = app.eligibility("?userId=u_1").await;
    assert_eq!(status, StatusCode::OK);
    (app.rows().await.remove(0), verdict)
}

#[tokio::test]
async fn server_time_wins_over_a_device_clock_a_year_off() {
    let received = "2026-11-22T10:00:30.000Z";
    for shown in [
        "2025-11-22T10:00:00Z",
        "2027-11-22T10:00:00Z",
        "9999-12-31T23:59:59Z",
    ] {
        let (row, verdict) = skewed(shown).await;
        assert_eq!(row.effective_shown_at, received, "{shown}");
        assert_eq!(row.received_at, received);
        assert_eq!(verdict["eligible"], false, "{shown}: {verdict}");
        assert_eq!(
            verdict["nextEligibleAt"], "2027-05-22T10:00:30.000Z",
            "{shown}"
        );
        assert_eq!(
            verdict["reason"],
            "answered on 2026-11-22, next on 2027-05-22"
        );
    }
    // Within the outbox's week (plus a day) behind and five minutes ahead, the device's time
    // stands: an answer queued offline keeps the time it was really shown.
    for (shown, effective) in [
        ("2026-11-14T10:00:30Z", "2026-11-14T10:00:30.000Z"),
        ("2026-11-22T10:05:30Z", "2026-11-22T10:05:30.000Z"),
    ] {
        let (row, _) = skewed(shown).await;
        assert_eq!(row.effective_shown_at, effective, "{shown}");
    }
    let (row, _) = skewed("2026-11-14T10:00:29.999Z").await;
    assert_eq!(row.effective_shown_at, received);
    let (row, _) = skewed("2026-11-22T10:05:30.001Z").await;
    assert_eq!(row.effective_shown_at, received);
}

#[tokio::test]
async fn the_effective_time_is_judged_against_the_first_arrival() {
    let app = TestApp::new().await;
    app.set_now("2026-11-22T10:00:30Z");
    assert_eq!(
        app.post(&body(1, "display", Some(KEY))).await.0,
        StatusCode::ACCEPTED
    );
    // The completion arrives from the outbox six days later: the display time still stands.
    app.set_now("2026-11-28T10:00:00Z");
    assert_eq!(
        app.post(&body(1, "complete", Some(KEY))).await.0,
        StatusCode::ACCEPTED
    );
    let row = &app.rows().await[0];
    assert_eq!(row.received_at, "2026-11-22T10:00:30.000Z");
    assert_eq!(row.effective_shown_at, "2026-11-22T10:00:00.000Z");
    assert_eq!(row.updated_at, "2026-11-28T10:00:00.000Z");
}

async fn verified() -> TestApp {
    TestApp::with(Settings {
        rate_limit: 0,
        identity_secret: Some("s3cret".to_owned()),
        ..Settings::default()
    })
    .await
}

#[tokio::test]
async fn with_an_identity_secret_named_users_need_their_hash() {
    let app = verified().await;
    let hash = user_hash("s3cret", "u_1");
    let mut answer = body(1, "complete", Some(KEY));
    let (status, error) = app.post(&answer).await;
    assert_eq!(
        (status, &error["field"]),
        (StatusCode::UNAUTHORIZED, &json!("user.hash"))
    );
    answer["user"]["hash"] = json!(user_hash("s3cret", "u_2"));
    assert_eq!(app.post(&answer).await.0, StatusCode::UNAUTHORIZED);
    answer["user"]["hash"] = json!(user_hash("other secret", "u_1"));
    assert_eq!(app.post(&answer).await.0, StatusCode::UNAUTHORIZED);
    assert!(app.rows().await.is_empty());
    answer["user"]["hash"] = json!(hash);
    assert_eq!(app.post(&answer).await.0, StatusCode::ACCEPTED);
    // The hash is a credential: it is not stored.
    assert!(!serde_json::to_string(&app.rows().await)
        .unwrap()
        .contains(&hash));
    // Anonymous answers need none.
    let mut anonymous = body(2, "complete", Some(KEY));
    anonymous["user"] = Value::Null;
    assert_eq!(app.post(&anonymous).await.0, StatusCode::ACCEPTED);
    // A user without an id cannot be verified, so it cannot be named either.
    let mut unnamed = body(3, "complete", Some(KEY));
    unnamed["user"] = json!({ "email": "ada@example.com" });
    let (status, error) = app.post(&unnamed).await;
    assert_eq!(
        (status, &error["field"]),
        (StatusCode::UNAUTHORIZED, &json!("user.id"))
    );
    // Hex of either case is the same hash.
    let mut upper = body(4, "complete", Some(KEY));
    upper["user"]["hash"] = json!(hash.to_uppercase());
    assert_eq!(app.post(&upper).await.0, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn with_an_identity_secret_eligibility_needs_the_hash_too() {
    let app = verified().await;
    let (status, error) = app.eligibility("?userId=u_1").await;
    assert_eq!(
        (status, &error["field"]),
        (StatusCode::UNAUTHORIZED, &json!("userHash"))
    );
    let wrong = format!("?userId=u_1&userHash={}", user_hash("s3cret", "u_2"));
    assert_eq!(app.eligibility(&wrong).await.0, StatusCode::UNAUTHORIZED);
    let right = format!("?userId=u_1&userHash={}", user_hash("s3cret", "u_1"));
    let (status, verdict) = app.eligibility(&right).await;
    assert_eq!(
        (status, &verdict["eligible"]),
        (StatusCode::OK, &json!(true))
    );
    // Without a secret the hash is not needed (and anyone can ask about any user id).
    assert_eq!(
        TestApp::new().await.eligibility("?userId=u_1").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn surveys_and_kinds_have_their_own_ranges_and_categories() {
    let app = TestApp::new().await;
    let cases = [
        ("csat", 1, "unsatisfied"),
        ("csat", 3, "neutral"),
        ("csat", 5, "satisfied"),
        ("ces", 1, "disagree"),
        ("ces", 4, "neutral"),
        ("ces", 7, "agree"),
    ];
    for (n, (kind, score, category)) in cases.into_iter().enumerate() {
        let mut answer = body(n as u32 + 1, "complete", Some(KEY));
        answer["kind"] = json!(kind);
        answer["survey"] = json!(format!("{kind}-survey"));
        answer["score"] = json!(score);
        answer["category"] = Value::Null;
        answer["channel"] = json!("email");
        assert_eq!(
            app.post(&answer).await.0,
            StatusCode::ACCEPTED,
            "{kind} {score}"
        );
        let row = app.rows().await.pop().unwrap();
        assert_eq!(row.category.as_deref(), Some(category));
        assert_eq!(
            (row.survey, row.channel),
            (format!("{kind}-survey"), "email".to_owned())
        );
    }
    for (kind, score) in [("csat", 0), ("csat", 6), ("ces", 0), ("ces", 8)] {
        let mut answer = body(99, "complete", Some(KEY));
        answer["kind"] = json!(kind);
        answer["score"] = json!(score);
        answer["category"] = Value::Null;
        let (status, error) = app.post(&answer).await;
        assert_eq!(
            (status, &error["field"]),
            (StatusCode::BAD_REQUEST, &json!("score"))
        );
    }
    // Without `survey`, the survey is the kind.
    let mut answer = body(100, "display", Some(KEY));
    answer["survey"] = Value::Null;
    answer["kind"] = json!("ces");
    assert_eq!(app.post(&answer).await.0, StatusCode::ACCEPTED);
    assert_eq!(app.rows().await.pop().unwrap().survey, "ces");
}
