//! The HTTP API driven in process: validation, upserts, limits, CORS and eligibility.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{t, valid, with, TestApp, ID};
use nps_collector::storage::StoredAnswer;
use nps_collector::Settings;
use nps_widget::core::time::{format_date, format_timestamp};
use serde_json::{json, Value};
use tower::ServiceExt;

async fn assert_invalid(app: &TestApp, body: &Value, field: &str) {
    let (status, error) = app.post(body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body} gave {error}");
    assert_eq!(error["field"], field, "{error}");
    assert!(
        error["error"].as_str().is_some_and(|m| !m.is_empty()),
        "{error}"
    );
}

#[tokio::test]
async fn valid_response_is_accepted_and_stored() {
    let app = TestApp::new().await;
    let (status, body) = app.post(&valid()).await;
    assert_eq!(
        (status, body),
        (StatusCode::ACCEPTED, json!({ "ok": true }))
    );
    let rows = app.rows().await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.id, ID);
    assert_eq!(row.body_type, "response");
    assert_eq!(row.score, Some(9));
    assert_eq!(row.category.as_deref(), Some("promoter"));
    assert!(!row.complete);
    assert_eq!(row.user_id.as_deref(), Some("u_42"));
    assert_eq!(
        row.user_created_at.as_deref(),
        Some("2025-01-15T00:00:00.000Z")
    );
    assert_eq!(
        row.user_properties,
        Some(json!({ "plan": "pro", "seats": 12, "trial": false }))
    );
    assert_eq!(row.account_properties, Some(json!({})));
    assert_eq!(row.trigger_name.as_deref(), Some("event:report_exported"));
    assert_eq!(row.shown_at, "2026-11-22T10:00:00.000Z");
    assert_eq!(row.received_at, row.updated_at);
}

#[tokio::test]
async fn category_is_derived_when_absent_and_checked_when_given() {
    let app = TestApp::new().await;
    let mut body = with(valid(), "/score", json!(6));
    body.as_object_mut().unwrap().remove("category");
    assert_eq!(app.post(&body).await.0, StatusCode::ACCEPTED);
    assert_eq!(app.rows().await[0].category.as_deref(), Some("detractor"));
    assert_invalid(
        &app,
        &with(valid(), "/category", json!("passive")),
        "category",
    )
    .await;
}

#[tokio::test]
async fn scores_outside_0_to_10_are_refused() {
    let app = TestApp::new().await;
    for score in [json!(11), json!(-1), json!(3.5), json!("9"), json!(true)] {
        assert_invalid(&app, &with(valid(), "/score", score), "score").await;
    }
    let mut missing = valid();
    missing.as_object_mut().unwrap().remove("score");
    assert_invalid(&app, &missing, "score").await;
    assert!(app.rows().await.is_empty());
}

#[tokio::test]
async fn declines_must_not_carry_a_score() {
    let app = TestApp::new().await;
    let decline =
        json!({ "id": ID, "type": "decline", "kind": "nps", "shownAt": "2026-11-22T10:00:00Z" });
    let mut scored = decline.clone();
    scored["score"] = json!(3);
    assert_invalid(&app, &scored, "score").await;
    let mut categorised = decline.clone();
    categorised["category"] = json!("detractor");
    assert_invalid(&app, &categorised, "category").await;
    assert_eq!(app.post(&decline).await.0, StatusCode::ACCEPTED);
    let row = &app.rows().await[0];
    assert_eq!(
        (row.body_type.as_str(), row.score, row.category.as_deref()),
        ("decline", None, None)
    );
}

#[tokio::test]
async fn malformed_fields_are_named() {
    let app = TestApp::new().await;
    for id in [
        json!("not-a-uuid"),
        json!(42),
        json!("3f2c8a1e-4b5d-4c6e-8f70-123456789abz"),
    ] {
        assert_invalid(&app, &with(valid(), "/id", id), "id").await;
    }
    assert_invalid(&app, &with(valid(), "/type", json!("answer")), "type").await;
    assert_invalid(&app, &with(valid(), "/kind", json!("stars")), "kind").await;
    for key in [
        json!("short"),
        json!("k".repeat(129)),
        json!(" ".repeat(32)),
        json!(7),
    ] {
        let mut body = valid();
        body["key"] = key;
        assert_invalid(&app, &body, "key").await;
    }
    for (field, value) in [
        ("survey", json!("NPS")),
        ("survey", json!("")),
        ("survey", json!("s".repeat(65))),
        ("channel", json!("sms")),
        ("preview", json!("yes")),
    ] {
        let mut body = valid();
        body[field] = value;
        assert_invalid(&app, &body, field).await;
    }
    assert_invalid(
        &app,
        &with(valid(), "/user/id", json!("u".repeat(257))),
        "user.id",
    )
    .await;
    let mut display = with(valid(), "/type", json!("display"));
    assert_invalid(&app, &display, "score").await;
    for field in ["score", "category", "answeredAt", "complete"] {
        display.as_object_mut().unwrap().remove(field);
    }
    assert_invalid(&app, &with(display, "/comment", json!("x")), "comment").await;
    assert_invalid(&app, &with(valid(), "/complete", json!("yes")), "complete").await;
    assert_invalid(&app, &with(valid(), "/comment", json!(5)), "comment").await;
    assert_invalid(
        &app,
        &with(valid(), "/comment", json!("x".repeat(5_001))),
        "comment",
    )
    .await;
    assert_invalid(
        &app,
        &with(valid(), "/page", json!("p".repeat(1_001))),
        "page",
    )
    .await;
    assert_invalid(
        &app,
        &with(valid(), "/user/email", json!("e".repeat(1_001))),
        "user.email",
    )
    .await;
    assert_invalid(&app, &with(valid(), "/user", json!("u_42")), "user").await;
    assert_invalid(
        &app,
        &with(valid(), "/shownAt", json!("yesterday")),
        "shownAt",
    )
    .await;
    assert_invalid(
        &app,
        &with(valid(), "/answeredAt", json!("2026-13-01T00:00:00Z")),
        "answeredAt",
    )
    .await;
    assert_invalid(
        &app,
        &with(valid(), "/user/createdAt", json!("2025-02-30")),
        "user.createdAt",
    )
    .await;
    let mut no_shown = valid();
    no_shown.as_object_mut().unwrap().remove("shownAt");
    assert_invalid(&app, &no_shown, "shownAt").await;
    assert_invalid(&app, &json!([valid()]), "body").await;
    assert!(app.rows().await.is_empty());

    // The longest allowed comment is fine, counted in characters, not bytes.
    assert_eq!(
        app.post(&with(valid(), "/comment", json!("é".repeat(5_000))))
            .await
            .0,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn properties_are_limited_to_50_scalar_values() {
    let app = TestApp::new().await;
    let many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
    assert_invalid(
        &app,
        &with(valid(), "/user/properties", Value::Object(many)),
        "user.properties",
    )
    .await;
    let nested = json!({ "plan": { "name": "pro" } });
    assert_invalid(
        &app,
        &with(valid(), "/user/properties", nested),
        "user.properties.plan",
    )
    .await;
    let list = json!({ "tags": ["a"] });
    assert_invalid(
        &app,
        &with(valid(), "/account/properties", list),
        "account.properties.tags",
    )
    .await;
    let null = json!({ "plan": null });
    assert_invalid(
        &app,
        &with(valid(), "/user/properties", null),
        "user.properties.plan",
    )
    .await;
    let long = json!({ "plan": "p".repeat(1_001) });
    assert_invalid(
        &app,
        &with(valid(), "/user/properties", long),
        "user.properties.plan",
    )
    .await;

    let fifty: serde_json::Map<String, Value> =
        (0..50).map(|i| (format!("k{i}"), json!(i))).collect();
    assert_eq!(
        app.post(&with(valid(), "/user/properties", Value::Object(fifty)))
            .await
            .0,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn oversize_bodies_get_413() {
    let app = TestApp::new().await;
    for size in [17 * 1024, 1024 * 1024] {
        let body = with(valid(), "/page", json!("p".repeat(size)));
        let (status, error) = app.post(&body).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(error["field"], "body");
    }
    // A declared Content-Length over the limit is refused before reading.
    let request = Request::post("/v1/responses")
        .header("content-type", "application/json")
        .header("content-length", "20000")
        .body(Body::from(valid().to_string()))
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(app.rows().await.is_empty());
}

#[tokio::test]
async fn garbage_gets_4xx_and_the_service_keeps_working() {
    let app = TestApp::new().await;
    // 10,000 levels is over the size limit; 5,000 (or 10,000 left open) is under it and is
    // stopped by the parser's depth limit.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_small = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    let bodies: Vec<Vec<u8>> = vec![
        b"{\"id\": ".to_vec(),
        b"".to_vec(),
        b"not json".to_vec(),
        vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'],
        deep.into_bytes(),
        deep_small.into_bytes(),
        "[".repeat(10_000).into_bytes(),
        "{\"a\":".repeat(3_000).into_bytes(),
        valid()
            .to_string()
            .replace("\"score\":9", "\"score\":1e400")
            .into_bytes(),
        b"{\"score\": 1e400}".to_vec(),
        b"null".to_vec(),
    ];
    for body in bodies {
        let (status, error) = app.post_bytes(body).await;
        assert!(status.is_client_error(), "{status}");
        assert!(error["error"].is_string(), "{error}");
        assert_eq!(app.post(&valid()).await.0, StatusCode::ACCEPTED);
    }
    assert_eq!(app.rows().await.len(), 1);
}

#[tokio::test]
async fn wrong_content_type_gets_415() {
    let app = TestApp::new().await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = Request::post("/v1/responses");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let (status, _, error) = app
            .send(request.body(Body::from(valid().to_string())).unwrap())
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(error["error"].is_string());
    }
    let request = Request::post("/v1/responses")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(valid().to_string()))
        .unwrap();
    assert_eq!(app.send(request).await.0, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn the_same_body_twice_is_one_unchanged_row() {
    let app = TestApp::new().await;
    assert_eq!(app.post(&valid()).await.0, StatusCode::ACCEPTED);
    let first = app.rows().await;
    assert_eq!(app.post(&valid()).await.0, StatusCode::ACCEPTED);
    assert_eq!(app.rows().await, first);
}

#[tokio::test]
async fn the_comment_completes_the_score_and_a_late_score_does_not_undo_it() {
    let app = TestApp::new().await;
    let score = valid();
    let comment = with(
        with(valid(), "/comment", json!("Fast and simple")),
        "/complete",
        json!(true),
    );
    let comment = with(comment, "/answeredAt", json!("2026-11-22T10:00:09.000Z"));
    assert_eq!(app.post(&score).await.0, StatusCode::ACCEPTED);
    assert_eq!(app.post(&comment).await.0, StatusCode::ACCEPTED);
    let check = |rows: Vec<StoredAnswer>| {
        assert_eq!(rows.len(), 1);
        assert!(rows[0].complete);
        assert_eq!(rows[0].comment.as_deref(), Some("Fast and simple"));
        assert_eq!(
            rows[0].answered_at.as_deref(),
            Some("2026-11-22T10:00:09.000Z")
        );
    };
    check(app.rows().await);
    // The score retried from the outbox after the comment arrived.
    assert_eq!(app.post(&score).await.0, StatusCode::ACCEPTED);
    check(app.rows().await);
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let app = TestApp::new().await;
    let mut body = valid();
    body["surprise"] = json!({ "deep": [1, 2, 3] });
    body["user"]["shoeSize"] = json!(44);
    assert_eq!(app.post(&body).await.0, StatusCode::ACCEPTED);
    let row = serde_json::to_value(&app.rows().await[0]).unwrap();
    assert!(!row.to_string().contains("surprise") && !row.to_string().contains("shoeSize"));
}

#[tokio::test]
async fn nul_characters_are_dropped_from_free_text_and_refused_in_identifiers() {
    // Valid JSON that no database column should hold (PostgreSQL refuses it in text).
    let app = TestApp::new().await;
    let mut body = valid();
    body["comment"] = json!("slow\u{0} exports");
    body["user"]["properties"] = json!({ "pl\u{0}an": "p\u{0}ro", "seats": 12 });
    body["user"]["email"] = json!("ada\u{0}@example.com");
    body["trigger"] = json!("event:\u{0}x");
    assert_eq!(app.post(&body).await.0, StatusCode::ACCEPTED);
    let row = &app.rows().await[0];
    assert_eq!(row.comment.as_deref(), Some("slow exports"));
    assert_eq!(
        row.user_properties,
        Some(json!({ "plan": "pro", "seats": 12 }))
    );
    assert_eq!(row.user_email.as_deref(), Some("ada@example.com"));
    assert_eq!(row.trigger_name.as_deref(), Some("event:x"));
    // Dropped from an identifier, a NUL could make the answer another user's.
    for (pointer, value, field) in [
        ("/user/id", json!("u_42\u{0}"), "user.id"),
        ("/account/id", json!("\u{0}acme"), "account.id"),
        ("/language", json!("e\u{0}n"), "language"),
    ] {
        assert_invalid(&app, &with(valid(), pointer, value), field).await;
    }
    // The public eligibility query too: refused, not a database error.
    let (status, body) = app.eligibility("?userId=u%00").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "userId");
}

#[tokio::test]
async fn uuids_are_matched_case_insensitively() {
    let app = TestApp::new().await;
    assert_eq!(app.post(&valid()).await.0, StatusCode::ACCEPTED);
    let upper = with(valid(), "/id", json!(ID.to_uppercase()));
    assert_eq!(
        app.post(&with(upper, "/complete", json!(true))).await.0,
        StatusCode::ACCEPTED
    );
    let rows = app.rows().await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].complete);
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let app = TestApp::with(Settings {
        rate_limit: 3,
        ..Settings::default()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.post(&valid()).await.0, StatusCode::ACCEPTED);
    }
    let request = Request::post("/v1/responses")
        .header("content-type", "application/json")
        .body(Body::from(valid().to_string()))
        .unwrap();
    let (status, headers, error) = app.send(request).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(error["error"].is_string());
    assert_eq!(
        app.eligibility("?userId=u_42").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn cors_preflight_allows_only_listed_origins() {
    let app = TestApp::with(Settings {
        cors_origins: vec!["https://app.example.com".to_owned()],
        rate_limit: 0,
        ..Settings::default()
    })
    .await;
    let preflight = |origin: &str| {
        Request::options("/v1/responses")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, _) = app.send(preflight("https://app.example.com")).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    let methods = headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_ascii_uppercase();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let allowed_headers = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed_headers.contains("content-type"));

    let (_, headers, _) = app.send(preflight("https://evil.example.com")).await;
    assert!(headers.get("access-control-allow-origin").is_none());

    let request = Request::post("/v1/responses")
        .header("origin", "https://app.example.com")
        .header("content-type", "application/json")
        .body(Body::from(valid().to_string()))
        .unwrap();
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example.com"
    );
}

#[tokio::test]
async fn cors_star_allows_any_origin() {
    let app = TestApp::with(Settings {
        cors_origins: vec!["*".to_owned()],
        ..Settings::default()
    })
    .await;
    let request = Request::get("/v1/eligibility?userId=u_1")
        .header("origin", "https://anywhere.example")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["access-control-allow-origin"], "*");
}

fn prompt(id: &str, kind: &str, shown_at: &str) -> Value {
    let mut body = json!({ "id": id, "type": kind, "kind": "nps", "user": { "id": "u_7" }, "shownAt": shown_at });
    if kind == "response" {
        body["score"] = json!(4);
    }
    body
}

#[tokio::test]
async fn eligibility_without_history_is_yes() {
    let app = TestApp::new().await;
    let (status, body) = app.eligibility("?userId=u_7&kind=nps").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "eligible": true, "reason": "not shown before", "nextEligibleAt": null })
    );
}

#[tokio::test]
async fn eligibility_needs_a_user_id_and_a_known_survey() {
    let app = TestApp::new().await;
    for query in ["", "?kind=nps", "?userId=&kind=nps"] {
        let (status, error) = app.eligibility(query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error["field"], "userId");
    }
    let long = format!("?userId={}", "u".repeat(257));
    assert_eq!(app.eligibility(&long).await.1["field"], "userId");
    assert_eq!(
        app.eligibility("?userId=u_7&kind=stars").await.1["field"],
        "kind"
    );
    assert_eq!(
        app.eligibility("?userId=u_7&survey=Not%20an%20id").await.1["field"],
        "survey"
    );
    for query in ["?userId=u_7&kind=csat", "?userId=u_7&survey=support"] {
        assert_eq!(app.eligibility(query).await.0, StatusCode::OK, "{query}");
    }
}

#[tokio::test]
async fn an_answer_blocks_for_six_calendar_months() {
    let app = TestApp::new().await;
    app.set_now("2026-11-23T10:00:00Z");
    // Shown one day ago: blocked until the same date-time six calendar months later.
    let shown = t("2026-11-22T10:00:00Z");
    let next = nps_widget::core::duration::Duration::Months(6).add_to(shown);
    let id = "00000000-0000-4000-8000-000000000001";
    assert_eq!(
        app.post(&prompt(id, "response", &format_timestamp(shown)))
            .await
            .0,
        StatusCode::ACCEPTED
    );

    let (status, body) = app.eligibility("?userId=u_7&kind=nps").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["eligible"], false);
    assert_eq!(body["nextEligibleAt"], format_timestamp(next));
    let reason = format!(
        "answered on {}, next on {}",
        format_date(shown),
        format_date(next)
    );
    assert_eq!(body["reason"], reason);
    // To the millisecond.
    app.set_now(&format_timestamp(next - 1));
    assert_eq!(app.eligibility("?userId=u_7").await.1["eligible"], false);
    app.set_now(&format_timestamp(next));
    assert_eq!(app.eligibility("?userId=u_7").await.1["eligible"], true);
}

#[tokio::test]
async fn eligibility_uses_calendar_months_and_the_latest_prompt() {
    let app = TestApp::new().await;
    let old = "00000000-0000-4000-8000-000000000002";
    app.set_now("2020-08-31T09:30:05Z");
    assert_eq!(
        app.post(&prompt(old, "response", "2020-08-31T09:30:00Z"))
            .await
            .0,
        StatusCode::ACCEPTED
    );
    app.set_now("2021-03-01T00:00:00Z");
    let (_, body) = app.eligibility("?userId=u_7").await;
    assert_eq!(body["eligible"], true);
    assert_eq!(body["nextEligibleAt"], Value::Null);
    assert_eq!(
        body["reason"],
        "answered on 2020-08-31, eligible again since 2021-02-28"
    );

    // A later dismissal is what counts.
    let decline = "00000000-0000-4000-8000-000000000003";
    assert_eq!(
        app.post(&prompt(decline, "decline", "2021-02-27T00:00:00Z"))
            .await
            .0,
        StatusCode::ACCEPTED
    );
    app.set_now("2021-09-01T00:00:00Z");
    let (_, body) = app.eligibility("?userId=u_7").await;
    assert_eq!(body["eligible"], true);
    assert_eq!(
        body["reason"],
        "dismissed on 2021-02-27, eligible again since 2021-08-27"
    );
    // Other users are unaffected.
    assert_eq!(
        app.eligibility("?userId=u_8").await.1["reason"],
        "not shown before"
    );
}

#[tokio::test]
async fn the_gap_after_another_survey_holds_a_survey_back_to_the_millisecond() {
    let app = TestApp::new().await;
    app.set_now("2026-11-01T10:00:05Z");
    let csat = json!({
        "id": "00000000-0000-4000-8000-000000000031", "type": "response", "kind": "csat",
        "survey": "support", "score": 5, "user": { "id": "u_7" }, "shownAt": "2026-11-01T10:00:00Z",
    });
    assert_eq!(app.post(&csat).await.0, StatusCode::ACCEPTED);
    app.set_now("2026-11-10T00:00:00Z");
    let (_, body) = app.eligibility("?userId=u_7&survey=nps").await;
    assert_eq!(
        body,
        json!({
            "eligible": false,
            "reason": "survey \"support\" shown on 2026-11-01, no survey before 2026-11-15",
            "nextEligibleAt": "2026-11-15T10:00:00.000Z",
        })
    );
    // The survey that was shown follows its own clock, and other users are not held.
    let (_, own) = app.eligibility("?userId=u_7&survey=support").await;
    assert_eq!(own["reason"], "answered on 2026-11-01, next on 2027-05-01");
    assert_eq!(
        app.eligibility("?userId=u_8&survey=nps").await.1["eligible"],
        true
    );
    app.set_now("2026-11-15T09:59:59.999Z");
    assert_eq!(
        app.eligibility("?userId=u_7&kind=nps").await.1["eligible"],
        false
    );
    app.set_now("2026-11-15T10:00:00Z");
    assert_eq!(
        app.eligibility("?userId=u_7&kind=nps").await.1,
        json!({ "eligible": true, "reason": "not shown before", "nextEligibleAt": null })
    );
    app.set_now("2026-11-15T10:00:01Z");
    assert_eq!(
        app.eligibility("?userId=u_7&kind=nps").await.1["eligible"],
        true
    );
}

#[tokio::test]
async fn a_preview_of_another_survey_starts_no_gap() {
    let app = TestApp::new().await;
    app.set_now("2026-11-01T10:00:05Z");
    let preview = json!({
        "id": "00000000-0000-4000-8000-000000000033", "type": "display", "kind": "csat",
        "survey": "support", "preview": true, "user": { "id": "u_7" },
        "shownAt": "2026-11-01T10:00:00Z",
    });
    assert_eq!(app.post(&preview).await.0, StatusCode::ACCEPTED);
    assert_eq!(
        app.eligibility("?userId=u_7&survey=nps").await.1["eligible"],
        true
    );
}

#[tokio::test]
async fn a_survey_gap_of_zero_days_holds_nothing_back() {
    let app = TestApp::with(Settings {
        rate_limit: 0,
        survey_gap: nps_widget::core::duration::Duration::Days(0),
        ..Settings::default()
    })
    .await;
    app.set_now("2026-11-01T10:00:05Z");
    let ces = json!({
        "id": "00000000-0000-4000-8000-000000000032", "type": "display", "kind": "ces",
        "survey": "export", "user": { "id": "u_7" }, "shownAt": "2026-11-01T10:00:00Z",
    });
    assert_eq!(app.post(&ces).await.0, StatusCode::ACCEPTED);
    assert_eq!(
        app.eligibility("?userId=u_7&survey=nps").await.1["eligible"],
        true
    );
    assert_eq!(
        app.eligibility("?userId=u_7&survey=export").await.1["eligible"],
        false
    );
}

#[tokio::test]
async fn a_recent_decline_blocks_for_the_decline_duration() {
    let app = TestApp::with(Settings {
        rate_limit: 0,
        decline_resurvey_after: nps_widget::core::duration::Duration::Days(3650),
        ..Settings::default()
    })
    .await;
    app.set_now("2020-01-01T00:00:03Z");
    let id = "00000000-0000-4000-8000-000000000004";
    assert_eq!(
        app.post(&prompt(id, "decline", "2020-01-01T00:00:00Z"))
            .await
            .0,
        StatusCode::ACCEPTED
    );
    app.set_now("2026-01-01T00:00:00Z");
    let (_, body) = app.eligibility("?userId=u_7").await;
    assert_eq!(body["eligible"], false);
    assert_eq!(body["nextEligibleAt"], "2029-12-29T00:00:00.000Z");
    assert_eq!(
        body["reason"],
        "dismissed on 2020-01-01, next on 2029-12-29"
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_get_json_errors() {
    let app = TestApp::new().await;
    let (status, _, body) = app
        .send(Request::get("/nope").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].is_string());
    let (status, _, body) = app
        .send(Request::get("/v1/responses").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn static_directories_are_served_with_wasm_and_js_types() {
    let root = std::env::temp_dir().join(format!("nps-collector-static-{}", std::process::id()));
    let (www, pkg) = (root.join("www"), root.join("pkg"));
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(pkg.join("nps-widget.js"), "export {};").unwrap();
    std::fs::write(pkg.join("nps_widget_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let app = TestApp::with(Settings {
        www: Some(www),
        pkg: Some(pkg),
        ..Settings::default()
    })
    .await;

    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    for (path, content_type) in [
        ("/", "text/html"),
        ("/nps-widget/nps-widget.js", "text/javascript"),
        ("/nps-widget/nps_widget_bg.wasm", "application/wasm"),
    ] {
        let response = app.router.clone().oneshot(get(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let actual = response.headers()["content-type"].to_str().unwrap();
        assert!(actual.starts_with(content_type), "{path}: {actual}");
    }
    let _ = std::fs::remove_dir_all(root);
}
