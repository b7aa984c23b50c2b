//! The contract between the widget and the collector: every body the core's answer writer makes
//! from a config the core accepts is accepted by the collector, for each body type, with every
//! field at its limit and with text that grows most when escaped. The limits are the core's
//! (`nps_widget::core::limits`), so neither side can drift from the other.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use nps_collector::validate;
use nps_widget::core::answer::{answer_key, clip, page_without_query, uuid_v4, Answer};
use nps_widget::core::config::{parse_config, Config};
use nps_widget::core::limits::{MAX_BODY_BYTES, MAX_COMMENT_CHARS, MAX_PROPERTIES};
use nps_widget::core::time::parse_timestamp;
use nps_widget::core::value::Value;

fn string(text: &str) -> Value {
    Value::String(text.to_owned())
}

fn object(entries: Vec<(String, Value)>) -> Value {
    Value::Object(entries)
}

/// A config whose user and account fields are each at the config's limit, made of `unit`
/// repeated (a character that costs `unit_bytes` bytes in a body).
fn config_at_limits(unit: &str, unit_bytes: usize) -> Config {
    let fill = |bytes: usize| unit.repeat(bytes / unit_bytes);
    // 50 properties sharing the 4,000 bytes of UTF-8 a properties object may hold (keys
    // counted): up to 6 times as many once escaped.
    let properties = |prefix: &str| {
        let entries = (0..MAX_PROPERTIES)
            .map(|i| {
                let key = format!("{prefix}{i:02}");
                (key, string(&unit.repeat(77 / unit.len())))
            })
            .collect();
        object(entries)
    };
    let config = object(vec![
        ("endpoint".into(), string("/v1/responses")),
        (
            "user".into(),
            object(vec![
                ("id".into(), string(&fill(256))),
                ("email".into(), string(&fill(1000))),
                ("createdAt".into(), string("2025-01-15")),
                ("properties".into(), properties("u")),
                ("hash".into(), string(&"ab".repeat(32))),
            ]),
        ),
        (
            "account".into(),
            object(vec![
                ("id".into(), string(&fill(256))),
                ("name".into(), string(&fill(1000))),
                ("properties".into(), properties("a")),
            ]),
        ),
    ]);
    parse_config(&config).unwrap_or_else(|error| panic!("{}", error.message()))
}

/// The answer the widget would make from `config`, at each step of its life.
fn bodies(config: &Config, unit: &str) -> Vec<(String, String)> {
    let shown_at = parse_timestamp("2026-11-22T10:00:00Z").unwrap();
    let trigger = format!("event:{}", unit.repeat(3000));
    let page = format!("https://app.example.com/{}", unit.repeat(3000));
    let display = Answer {
        id: uuid_v4([7; 16]),
        key: answer_key([9; 16]),
        channel: "email",
        kind: config.surveys[0].kind,
        survey: config.surveys[0].id.clone(),
        score: None,
        declined: false,
        comment: None,
        complete: false,
        preview: false,
        user: config.user.clone(),
        account: config.account.clone(),
        language: "zh-TW".into(),
        trigger: clip(&trigger).into(),
        page: page_without_query(&page).into(),
        shown_at,
        answered_at: shown_at,
    };
    let scored = Answer {
        score: Some(0),
        answered_at: shown_at + 4_000,
        ..display.clone()
    };
    let complete = Answer {
        score: Some(10),
        comment: Some(unit.repeat(MAX_COMMENT_CHARS)),
        complete: true,
        ..scored.clone()
    };
    let declined = Answer {
        declined: true,
        ..display.clone()
    };
    let preview = Answer {
        id: uuid_v4([8; 16]),
        preview: true,
        ..complete.clone()
    };
    [
        ("display", display),
        ("scored", scored),
        ("complete", complete),
        ("declined", declined),
        ("preview", preview),
    ]
    .into_iter()
    .map(|(name, answer)| (name.to_owned(), answer.to_json()))
    .collect()
}

#[tokio::test]
async fn every_body_the_widget_writes_is_accepted() {
    // Characters that cost 1, 2, 3, 4 and 6 bytes once written in a body.
    for (unit, unit_bytes) in [
        ("a", 1),
        ("\"", 2),
        ("\u{e9}", 2),
        ("\u{7d20}", 3),
        ("\u{1f600}", 4),
        ("\u{1}", 6),
    ] {
        let config = config_at_limits(unit, unit_bytes);
        let app = TestApp::new().await;
        for (n, (name, body)) in bodies(&config, unit).into_iter().enumerate() {
            let case = format!("{name} of {unit:?}");
            assert!(body.len() <= MAX_BODY_BYTES, "{case}: {} bytes", body.len());
            let value: serde_json::Value = serde_json::from_str(&body).unwrap();
            validate::answer(&value).unwrap_or_else(|invalid| panic!("{case}: {invalid:?}"));
            // Over HTTP too (body size, and the lifecycle: the bodies of one answer follow each
            // other, so each is judged against the earlier ones).
            let (status, answer) = app.post_bytes(body).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{case} (body {n}): {answer}");
        }
        let rows = app.rows().await;
        assert_eq!(rows.len(), 2, "the answer and the preview");
        assert!(rows.iter().all(|row| row.complete), "{unit:?}");
        assert_eq!(rows.iter().filter(|row| row.preview).count(), 1);
    }
}

#[test]
fn what_cannot_fit_is_cut_properties_first_then_the_comment_end() {
    let config = config_at_limits("\u{1}", 6);
    let complete = &bodies(&config, "\u{1}")[2].1;
    let value: serde_json::Value = serde_json::from_str(complete).unwrap();
    let comment = value["comment"].as_str().unwrap();
    assert!(
        comment.chars().count() < MAX_COMMENT_CHARS,
        "the comment's end was cut"
    );
    assert_eq!(value["user"]["properties"], serde_json::json!({}));
    assert_eq!(value["account"]["properties"], serde_json::json!({}));
    // With plain text, the whole comment fits once the account's last properties are left out.
    let config = config_at_limits("a", 1);
    let complete = &bodies(&config, "a")[2].1;
    let value: serde_json::Value = serde_json::from_str(complete).unwrap();
    assert_eq!(value["comment"].as_str().unwrap().len(), MAX_COMMENT_CHARS);
    assert_eq!(
        value["user"]["properties"].as_object().unwrap().len(),
        MAX_PROPERTIES
    );
    let account = value["account"]["properties"].as_object().unwrap();
    assert!(
        (1..MAX_PROPERTIES).contains(&account.len()),
        "{}",
        account.len()
    );
    assert!(account.contains_key("a00") && !account.contains_key("a49"));
}

#[test]
fn sign_up_times_at_the_ends_of_what_the_config_takes_are_accepted() {
    use nps_widget::core::time::TIMESTAMP_RANGE;
    let number = |ms: i64| Value::Number(ms as f64, ms.to_string());
    for created_at in [
        string("0000-01-01"),
        string("0000-01-01T00:00:00-01:00"),
        string("9999-12-31T23:59:59.999Z"),
        number(*TIMESTAMP_RANGE.start()),
        number(*TIMESTAMP_RANGE.end()),
    ] {
        let config = object(vec![
            ("endpoint".into(), string("/v1/responses")),
            (
                "user".into(),
                object(vec![
                    ("id".into(), string("u_1")),
                    ("createdAt".into(), created_at.clone()),
                ]),
            ),
        ]);
        let config = parse_config(&config).unwrap_or_else(|error| panic!("{}", error.message()));
        let body = bodies(&config, "a").remove(2).1;
        let value: serde_json::Value = serde_json::from_str(&body).unwrap();
        validate::answer(&value).unwrap_or_else(|invalid| panic!("{created_at:?}: {invalid:?}"));
    }
    // Beyond them the config is refused, so no body can carry such a time.
    for created_at in [
        number(-8_640_000_000_000_000),
        number(1_700_000_000_000_000),
        string("0000-01-01T00:00:00+01:00"),
    ] {
        let config = object(vec![
            ("endpoint".into(), string("/v1/responses")),
            (
                "user".into(),
                object(vec![
                    ("id".into(), string("u_1")),
                    ("createdAt".into(), created_at),
                ]),
            ),
        ]);
        assert!(parse_config(&config).is_err());
    }
}
