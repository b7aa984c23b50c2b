//! Daily digests end to end, against real HTTP receivers on loopback: a seeded day's figures
//! (computed here from the seeded answers, in the hook's time zone), its detractor comments,
//! the signed webhook, the Slack message, once per day whatever the clock does, the test
//! button, and the API's rules.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::hooks::*;
use common::{t, TestApp};
use nps_collector::hooks::timed::{queue_due_digests, DELIVERY_RETENTION_MS};
use serde_json::{json, Value};

/// Stores answer `n` shown at `at` (RFC 3339 UTC), with the collector's clock just after it:
/// `stage` and `score` as [`body`] takes them.
async fn answer_at(app: &TestApp, n: u32, stage: &str, score: i64, at: &str) {
    let shown = t(at);
    app.set_now(at);
    app.advance(30_000);
    let mut body = body(n, stage, score);
    body["shownAt"] = json!(at);
    if body.get("answeredAt").is_some() {
        body["answeredAt"] = json!(nps_widget::core::time::format_timestamp(shown + 4_000));
    }
    post(app, &body).await;
}

/// The seeded day: 2026-11-22 in Berlin is [2026-11-21T23:00Z, 2026-11-22T23:00Z).
async fn seed(app: &TestApp) {
    // Inside the day, its first and last hours included.
    answer_at(app, 1, "complete", 3, "2026-11-21T23:30:00.000Z").await;
    answer_at(app, 2, "scored", 6, "2026-11-22T08:00:00.000Z").await;
    answer_at(app, 3, "complete", 9, "2026-11-22T09:00:00.000Z").await;
    answer_at(app, 4, "complete", 10, "2026-11-22T10:00:00.000Z").await;
    answer_at(app, 5, "complete", 0, "2026-11-22T11:00:00.000Z").await;
    answer_at(app, 6, "complete", 8, "2026-11-22T12:00:00.000Z").await;
    answer_at(app, 7, "decline", 0, "2026-11-22T13:00:00.000Z").await;
    answer_at(app, 8, "display", 0, "2026-11-22T22:59:00.000Z").await;
    // The days before and after, in Berlin (the 22nd in UTC for the first).
    answer_at(app, 9, "complete", 1, "2026-11-21T22:30:00.000Z").await;
    // Answered by someone else: the 23rd's digest quotes only them.
    let mut other = body(10, "complete", 2);
    other["user"]["id"] = json!("u_7");
    other["shownAt"] = json!("2026-11-22T23:30:00.000Z");
    other["answeredAt"] = json!("2026-11-22T23:30:04.000Z");
    app.set_now("2026-11-22T23:30:30.000Z");
    post(app, &other).await;
}

/// When the digest hooks are made: after the seeded answers, before the 22nd's digest is due.
const CREATED: &str = "2026-11-23T00:00:00.000Z";

/// The NPS of `scores`, as a person computes it: % promoters − % detractors.
fn nps(scores: &[i64]) -> f64 {
    let promoters = scores.iter().filter(|s| **s >= 9).count() as f64;
    let detractors = scores.iter().filter(|s| **s <= 6).count() as f64;
    (promoters - detractors) * 100.0 / scores.len() as f64
}

fn digest_hook(url: &str, format: &str) -> Value {
    json!({
        "name": "Morning digest", "url": url, "format": format,
        "digest": { "hour": 9, "timeZone": "Europe/Berlin" },
    })
}

#[tokio::test]
async fn the_digest_of_a_seeded_day_comes_once_at_the_hour_signed() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    seed(&app).await;
    app.set_now(CREATED);
    let hook = create_hook(&app, digest_hook(&receiver.url, "webhook")).await;
    assert_eq!(hook["events"], json!([]), "{hook}");
    assert_eq!(
        hook["digest"],
        json!({ "hour": 9, "timeZone": "Europe/Berlin" })
    );
    let secret = hook["secret"].as_str().unwrap().to_owned();

    // 08:59:59 in Berlin on the 23rd: the 22nd's digest is not due yet, and the 21st's is not
    // sent: the hook did not exist at its hour.
    app.set_now("2026-11-23T07:59:59.000Z");
    queue_due_digests(&app.state, app.now()).await.unwrap();
    assert_eq!(deliveries(&app, &hook).await, Vec::<Value>::new());

    app.set_now("2026-11-23T08:00:00.000Z");
    queue_due_digests(&app.state, app.now()).await.unwrap();
    // Looking again, the same day or by a woken task, queues nothing more.
    queue_due_digests(&app.state, app.now()).await.unwrap();
    app.advance(6 * 3_600_000);
    queue_due_digests(&app.state, app.now()).await.unwrap();
    app.state.wake_hooks();
    let got = receiver.wait_for(1).await;
    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0]["event"], "digest.daily");
    assert_eq!(list[0]["answerId"], Value::Null);
    assert_eq!(list[0]["test"], false);

    let request = &got[0];
    assert_eq!(
        request.header("webhook-signature"),
        expected_signature(&secret, request)
    );
    assert_eq!(request.header("webhook-id"), list[0]["webhookId"]);
    let event = request.json();
    assert_eq!(event["type"], "digest.daily");
    let data = &event["data"];
    assert_eq!(data["date"], "2026-11-22");
    assert_eq!(data["timeZone"], "Europe/Berlin");
    assert_eq!(data["survey"], "nps");
    // Answers 1 to 8: six scored (3, 6, 9, 10, 0, 8), one declined, one display only.
    let scores = [3, 6, 9, 10, 0, 8];
    assert_eq!(data["displays"], 8);
    assert_eq!(data["responses"], 6);
    assert_eq!(data["dismissals"], 1);
    assert_eq!(
        data["categories"],
        json!({ "detractor": 3, "passive": 1, "promoter": 2 })
    );
    let score = data["score"].as_f64().unwrap();
    assert!(
        (score - nps(&scores)).abs() < 0.05,
        "{score} vs {}",
        nps(&scores)
    );
    // The same figures as the report for that day.
    let (status, report) = call(
        &app,
        "GET",
        "/v1/report?from=2026-11-22&to=2026-11-22&tz=Europe/Berlin&interval=day",
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(data["score"], report["score"]);
    assert_eq!(data["distribution"], report["distribution"]);
    // The detractors with a comment: 5 and 1 (newest first); 2 has no comment, 9 and 10 are
    // on other days.
    let comments: Vec<&str> = data["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(comments, [answer_id(5), answer_id(1)]);
    assert_eq!(
        data["comments"][0]["comment"],
        "Exports time out on big reports"
    );
    assert_eq!(data["moreComments"], false);

    // The next morning, the task alone sends the 23rd's digest: answer 10.
    app.set_now("2026-11-24T08:00:00.000Z");
    app.state.wake_hooks();
    let got = receiver.wait_for(2).await;
    let next = got[1].json();
    assert_eq!(next["data"]["date"], "2026-11-23");
    assert_eq!(next["data"]["responses"], 1);
    assert_eq!(next["data"]["comments"][0]["id"], answer_id(10));
    assert_ne!(got[1].header("webhook-id"), got[0].header("webhook-id"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 2);

    // Deleting a user deletes the digests that quote them, and only those.
    let (status, _) = call(&app, "DELETE", "/v1/users/u_42", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    let left = deliveries(&app, &hook).await;
    assert_eq!(left.len(), 1, "{left:#?}");
    assert_eq!(
        left[0]["webhookId"].as_str(),
        Some(got[1].header("webhook-id"))
    );
}

#[tokio::test]
async fn a_slack_digest_lists_the_comments_and_follows_the_filter() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    seed(&app).await;
    app.set_now(CREATED);
    let mut hook = digest_hook(&receiver.url, "slack");
    hook["filter"] = json!({ "where": ["account.name:Acme Inc"] });
    let hook = create_hook(&app, hook).await;
    assert!(hook.get("secret").is_none_or(Value::is_null));
    app.set_now("2026-11-23T08:00:05.000Z");
    app.state.wake_hooks();
    let message = receiver.wait_for(1).await[0].json();
    let blocks = message["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["text"]["text"], "Daily NPS digest · 2026-11-22");
    assert_eq!(
        blocks[1]["fields"][1]["text"],
        "*Responses*\n6 of 8 shown (75 %)"
    );
    let follow_ups: Vec<&str> = blocks
        .iter()
        .filter_map(|b| b["accessory"]["url"].as_str())
        .collect();
    assert_eq!(
        follow_ups,
        [5, 1].map(|n| format!("https://nps.example.com/dashboard/?answer={}", answer_id(n)))
    );
    assert!(message.to_string().contains("where account.name:Acme Inc"));
    assert!(message["text"]
        .as_str()
        .unwrap()
        .starts_with("NPS on 2026-11-22: -16.7 from 6 responses, 2 detractor comments"));

    // A filter no answer passes: a digest that says the day was quiet.
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/v1/hooks/{}", hook["id"]),
        json!({ "filter": { "where": ["account.name:Nobody"] } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    app.set_now("2026-11-24T08:00:05.000Z");
    app.state.wake_hooks();
    let quiet = receiver.wait_for(2).await[1].json();
    assert_eq!(quiet["text"], "NPS on 2026-11-23: no responses");
}

#[tokio::test]
async fn a_paused_hook_sends_no_digest_and_the_test_button_sends_yesterday() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    seed(&app).await;
    app.set_now(CREATED);
    let hook = create_hook(&app, digest_hook(&receiver.url, "webhook")).await;
    let path = format!("/v1/hooks/{}", hook["id"]);
    let (status, _) = call(&app, "PATCH", &path, json!({ "paused": true })).await;
    assert_eq!(status, StatusCode::OK);
    app.set_now("2026-11-23T08:00:00.000Z");
    queue_due_digests(&app.state, app.now()).await.unwrap();
    assert_eq!(deliveries(&app, &hook).await, Vec::<Value>::new());

    // "Send test" on a hook that only digests: yesterday's real figures, at once, and the day
    // still gets its own digest.
    app.set_now("2026-11-23T07:00:00.000Z");
    let (status, _) = call(&app, "PATCH", &path, json!({ "paused": false })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, test) = call(&app, "POST", &format!("{path}/test"), Value::Null).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{test}");
    assert_eq!(test["event"], "digest.daily");
    assert_eq!(test["test"], true);
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].json()["data"]["date"], "2026-11-22");
    assert_eq!(got[0].json()["data"]["responses"], 6);
    app.set_now("2026-11-23T08:00:00.000Z");
    app.state.wake_hooks();
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].json()["data"]["date"], "2026-11-22");
}

#[tokio::test]
async fn digest_rules_are_checked_naming_the_field() {
    let app = TestApp::with(settings()).await;
    let url = "http://127.0.0.1:9/hooks";
    let refused = |body: Value, field: &'static str| {
        let app = &app;
        async move {
            let (status, answer) = call(app, "POST", "/v1/hooks", body).await;
            assert_eq!(
                (status, answer["field"].clone()),
                (StatusCode::BAD_REQUEST, json!(field)),
                "{answer}"
            );
        }
    };
    let with_digest =
        |digest: Value| json!({ "name": "d", "url": url, "format": "slack", "digest": digest });
    refused(
        with_digest(json!({ "hour": 24, "timeZone": "UTC" })),
        "digest.hour",
    )
    .await;
    refused(
        with_digest(json!({ "hour": 9, "timeZone": "Berlin" })),
        "digest.timeZone",
    )
    .await;
    refused(with_digest(json!({ "hour": 9 })), "digest.timeZone").await;
    refused(with_digest(json!("daily")), "digest").await;
    refused(
        json!({ "name": "d", "url": url, "format": "slack", "events": [] }),
        "events",
    )
    .await;

    // Without `events`, a hook without a digest hears of final answers; with one, only digests.
    let plain = create_hook(&app, json!({ "name": "p", "url": url, "format": "slack" })).await;
    assert_eq!(plain["events"], json!(["response.completed"]));
    assert_eq!(plain["digest"], Value::Null);
    let digest = create_hook(
        &app,
        with_digest(json!({ "hour": 0, "timeZone": "Asia/Tokyo" })),
    )
    .await;
    // Stopping the digest of a hook that listens to nothing is refused; with events, allowed.
    let path = format!("/v1/hooks/{}", digest["id"]);
    let (status, answer) = call(&app, "PATCH", &path, json!({ "digest": null })).await;
    assert_eq!(
        (status, answer["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("events"))
    );
    let (status, answer) = call(
        &app,
        "PATCH",
        &path,
        json!({ "digest": null, "events": ["response.created"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["digest"], Value::Null);
    let (status, answer) = call(
        &app,
        "POST",
        &format!("{path}/test"),
        json!({ "event": "digest.daily" }),
    )
    .await;
    assert_eq!(
        (status, answer["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("event"))
    );

    // A digest set on a hook after its hour starts with the next day's, not at once.
    let receiver = Receiver::ok().await;
    let hook = create_hook(
        &app,
        json!({ "name": "later", "url": receiver.url, "format": "webhook" }),
    )
    .await;
    app.set_now("2026-11-23T10:00:00.000Z");
    let path = format!("/v1/hooks/{}", hook["id"]);
    let (status, _) = call(
        &app,
        "PATCH",
        &path,
        json!({ "digest": { "hour": 9, "timeZone": "Europe/Berlin" } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    queue_due_digests(&app.state, app.now()).await.unwrap();
    assert_eq!(deliveries(&app, &hook).await, Vec::<Value>::new());
    app.set_now("2026-11-24T08:00:00.000Z");
    queue_due_digests(&app.state, app.now()).await.unwrap();
    let list = deliveries(&app, &hook).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["event"], "digest.daily");
}

#[tokio::test]
async fn finished_deliveries_are_pruned_after_thirty_days() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(&app, json!({
        "name": "all", "url": receiver.url, "format": "webhook", "events": ["response.completed"]
    }))
    .await;
    answer(&app, 1, 3).await;
    wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    // One day short of the retention: kept.
    app.advance(DELIVERY_RETENTION_MS - 86_400_000);
    app.state.wake_hooks();
    answer(&app, 2, 3).await;
    wait_deliveries(&app, &hook, |d| {
        d.len() == 2 && d.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    // Past it, the first goes and the second stays.
    app.advance(2 * 86_400_000);
    app.state.wake_hooks();
    let left = wait_deliveries(&app, &hook, |d| d.len() == 1).await;
    assert_eq!(left[0]["answerId"], answer_id(2));
}
