//! The answers list, its CSV export and the follow-up loop, driven in process: answers are
//! made by POSTing bodies to `/v1/responses` on the collector's clock.

mod common;

use std::collections::{BTreeSet, HashMap};

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, StatusCode};
use common::{valid, TestApp};
use http_body_util::BodyExt;
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use serde_json::{json, Value};
use tower::ServiceExt;

/// The id of the `n`th test answer.
fn id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// The sample body as answer `n`, shown at `shown_at`, changed by `edit`.
fn body(n: u64, shown_at: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let mut body = valid();
    body["id"] = json!(id(n));
    body["shownAt"] = json!(shown_at);
    body["answeredAt"] = json!(shown_at);
    edit(&mut body);
    body
}

/// POSTs `body` 30 s after its `shownAt` (so that its effective shown time is its `shownAt`).
async fn post_at_shown_time(app: &TestApp, body: &Value) {
    let shown = parse_timestamp(body["shownAt"].as_str().unwrap()).unwrap();
    app.set_now(&format_timestamp(shown + 30_000));
    let (status, reply) = app.post(body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body} gave {reply}");
}

/// The time `minutes` after 2026-11-22T10:00Z.
fn minute(minutes: i64) -> String {
    format_timestamp(parse_timestamp("2026-11-22T10:00:00Z").unwrap() + minutes * 60_000)
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let (status, _, body) = app
        .send(Request::get(path).body(Body::empty()).unwrap())
        .await;
    (status, body)
}

/// `GET /v1/answers?{query}`, which must succeed.
async fn list(app: &TestApp, query: &str) -> Value {
    let (status, body) = get(app, &format!("/v1/answers?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

/// The ids of `GET /v1/answers?{query}` (one page), in order.
async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    list(app, query).await["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|answer| answer["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The ids of answers `ns`, newest first (the tests give newer answers higher numbers).
fn newest_first(ns: &[u64]) -> Vec<String> {
    let mut ns = ns.to_vec();
    ns.sort_unstable_by(|a, b| b.cmp(a));
    ns.into_iter().map(id).collect()
}

async fn patch(app: &TestApp, answer_id: &str, change: &str) -> (StatusCode, Value) {
    let request = Request::patch(format!("/v1/answers/{answer_id}/follow-up"))
        .header("content-type", "application/json")
        .body(Body::from(change.to_owned()))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    (status, body)
}

async fn csv(app: &TestApp, query: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(format!("/v1/answers.csv?{query}"))
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn lists_every_survey_newest_first_in_the_wire_shape() {
    let app = TestApp::new().await;
    post_at_shown_time(&app, &body(1, &minute(0), |_| {})).await;
    post_at_shown_time(
        &app,
        &body(2, &minute(2), |b| {
            b["survey"] = json!("support");
            b["kind"] = json!("csat");
            b["score"] = json!(2);
            b["category"] = json!("unsatisfied");
        }),
    )
    .await;
    post_at_shown_time(
        &app,
        &body(3, &minute(1), |b| {
            b["key"] = json!("0123456789abcdef0123456789abcdef");
        }),
    )
    .await;

    let page = list(&app, "").await;
    assert_eq!(page["next"], Value::Null);
    assert_eq!(ids(&app, "").await, vec![id(2), id(3), id(1)]);
    let answer = &page["answers"][2];
    assert_eq!(
        *answer,
        json!({
            "id": id(1), "type": "response", "kind": "nps", "survey": "nps",
            "score": 9, "category": "promoter", "comment": null, "complete": false,
            "preview": false, "sample": false,
            "user": { "id": "u_42", "email": "ada@example.com",
                      "createdAt": "2025-01-15T00:00:00.000Z",
                      "properties": { "plan": "pro", "seats": 12, "trial": false } },
            "account": { "id": "acme", "name": "Acme Inc", "properties": {} },
            "language": "en", "trigger": "event:report_exported",
            "page": "https://app.example.com/reports", "channel": "in-app",
            "shownAt": "2026-11-22T10:00:00.000Z",
            "effectiveShownAt": "2026-11-22T10:00:00.000Z",
            "answeredAt": "2026-11-22T10:00:00.000Z",
            "receivedAt": "2026-11-22T10:00:30.000Z",
            "widgetVersion": "0.1.0",
            "followUp": { "status": "open", "assignee": null, "note": null, "tags": [],
                          "updatedAt": null }
        })
    );
    // The key is never shown, nor its hash.
    let text = page.to_string();
    assert!(!text.contains("key"), "{text}");
}

#[tokio::test]
async fn server_time_wins_for_the_order() {
    let app = TestApp::new().await;
    // Answer 1 claims to have been shown in 2020: it counts as shown when it arrived.
    app.set_now(&minute(5));
    let mut old = body(1, "2020-01-01T00:00:00.000Z", |_| {});
    old["answeredAt"] = json!("2020-01-01T00:00:01.000Z");
    assert_eq!(app.post(&old).await.0, StatusCode::ACCEPTED);
    post_at_shown_time(&app, &body(2, &minute(3), |_| {})).await;
    let page = list(&app, "").await;
    assert_eq!(ids(&app, "").await, vec![id(1), id(2)]);
    assert_eq!(page["answers"][0]["effectiveShownAt"], json!(minute(5)));
    assert_eq!(page["answers"][0]["shownAt"], "2020-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn every_filter_selects_its_answers() {
    let app = TestApp::new().await;
    // 1: the sample body (nps promoter, u_42, plan pro, acme, en, in-app, no comment).
    post_at_shown_time(&app, &body(1, &minute(0), |_| {})).await;
    // 2: a detractor of another user and account, in German, by email, with a comment.
    post_at_shown_time(
        &app,
        &body(2, &minute(1), |b| {
            b["score"] = json!(3);
            b["category"] = json!("detractor");
            b["comment"] = json!("Die ÜBERSICHT ist zu langsam");
            b["complete"] = json!(true);
            b["user"] = json!({ "id": "u_7", "properties": { "plan": "free", "seats": 1.5, "trial": true } });
            b["account"] = json!({ "id": "globex", "name": "Globex", "properties": { "tier": "gold" } });
            b["language"] = json!("de");
            b["channel"] = json!("email");
            b["trigger"] = json!("load");
        }),
    )
    .await;
    // 3: a display of a CES survey, anonymous.
    post_at_shown_time(
        &app,
        &json!({
            "id": id(3), "type": "display", "kind": "ces", "survey": "export",
            "shownAt": minute(2)
        }),
    )
    .await;
    // 4: a decline of u_42.
    post_at_shown_time(
        &app,
        &json!({
            "id": id(4), "type": "decline", "kind": "nps", "user": { "id": "u_42" },
            "shownAt": minute(3)
        }),
    )
    .await;
    // 5: a passive whose comment is empty text.
    post_at_shown_time(
        &app,
        &body(5, &minute(4), |b| {
            b["score"] = json!(7);
            b["category"] = json!("passive");
            b["comment"] = json!("");
            b["complete"] = json!(true);
        }),
    )
    .await;
    // 0: a promoter with a comment, shown late on the evening before (UTC).
    post_at_shown_time(
        &app,
        &body(0, "2026-11-21T23:30:00.000Z", |b| {
            b["comment"] = json!("über gut");
            b["complete"] = json!(true);
        }),
    )
    .await;

    let cases: Vec<(&str, Vec<u64>)> = vec![
        ("", vec![1, 2, 3, 4, 5, 0]),
        ("survey=nps", vec![1, 2, 4, 5, 0]),
        ("survey=export", vec![3]),
        ("survey=support", vec![]),
        ("type=display", vec![3]),
        ("type=decline", vec![4]),
        ("type=response", vec![1, 2, 5, 0]),
        ("category=detractor", vec![2]),
        ("category=promoter", vec![1, 0]),
        ("q=%C3%BCbersicht", vec![2]),
        ("q=%C3%9CBER", vec![2, 0]),
        ("q=LANGSAM", vec![2]),
        ("q=nothing", vec![]),
        ("hasComment=true", vec![2, 0]),
        ("hasComment=false", vec![1, 3, 4, 5]),
        ("where=user.id:u_42", vec![1, 4, 5, 0]),
        ("where=user.properties.plan:pro", vec![1, 5, 0]),
        ("where=user.properties.seats:12", vec![1, 5, 0]),
        ("where=user.properties.seats:1.5", vec![2]),
        ("where=user.properties.trial:true", vec![2]),
        ("where=user.properties.trial:false", vec![1, 5, 0]),
        ("where=user.properties.missing:x", vec![]),
        ("where=account.id:globex", vec![2]),
        ("where=account.name:Acme%20Inc", vec![1, 5, 0]),
        ("where=account.properties.tier:gold", vec![2]),
        ("where=language:de", vec![2]),
        ("where=trigger:event:report_exported", vec![1, 5, 0]),
        ("where=trigger:load", vec![2]),
        ("where=channel:email", vec![2]),
        ("where=channel:in-app", vec![1, 3, 4, 5, 0]),
        ("where=category:passive", vec![5]),
        (
            "where=user.id:u_42&where=category:promoter&hasComment=true",
            vec![0],
        ),
        ("from=2026-11-22", vec![1, 2, 3, 4, 5]),
        ("to=2026-11-21", vec![0]),
        (
            "from=2026-11-22&to=2026-11-22&tz=Europe%2FBerlin",
            vec![1, 2, 3, 4, 5, 0],
        ),
        ("from=2026-11-21&to=2026-11-21&tz=Europe%2FBerlin", vec![]),
        (
            "from=2026-11-21&to=2026-11-21&tz=America%2FNew_York",
            vec![0],
        ),
        ("from=2026-11-22&tz=America%2FNew_York", vec![1, 2, 3, 4, 5]),
        // 22 November in Kiritimati (UTC+14) ends at 10:00 UTC, when answer 1 was shown.
        (
            "from=2026-11-22&to=2026-11-22&tz=Pacific%2FKiritimati",
            vec![0],
        ),
        (
            "from=2026-11-23&tz=Pacific%2FKiritimati",
            vec![1, 2, 3, 4, 5],
        ),
        ("status=open", vec![1, 2, 3, 4, 5, 0]),
        ("status=claimed", vec![]),
        ("assignee=Ada", vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(ids(&app, query).await, newest_first(&expected), "{query}");
    }
}

#[tokio::test]
async fn previews_are_listed_only_when_asked_for() {
    let app = TestApp::new().await;
    post_at_shown_time(&app, &body(1, &minute(0), |_| {})).await;
    post_at_shown_time(&app, &body(2, &minute(1), |b| b["preview"] = json!(true))).await;
    assert_eq!(ids(&app, "").await, vec![id(1)]);
    assert_eq!(ids(&app, "preview=include").await, vec![id(2), id(1)]);
    let page = list(&app, "preview=include").await;
    assert_eq!(page["answers"][0]["preview"], true);
    let (_, _, text) = csv(&app, "").await;
    assert_eq!(text.lines().count(), 2, "{text}");
    let (_, _, text) = csv(&app, "preview=include").await;
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[tokio::test]
async fn pages_return_each_answer_once_while_new_answers_arrive() {
    let app = TestApp::new().await;
    for n in 0..25 {
        post_at_shown_time(&app, &body(n, &minute(n as i64), |_| {})).await;
    }
    // Two answers share a time: the id orders them.
    post_at_shown_time(&app, &body(100, &minute(10), |_| {})).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut newer = 1_000;
    let mut pages = 0;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("limit=7&cursor={cursor}"),
            None => "limit=7".to_owned(),
        };
        let page = list(&app, &query).await;
        pages += 1;
        let answers = page["answers"].as_array().unwrap();
        assert!(answers.len() <= 7);
        seen.extend(answers.iter().map(|a| {
            (
                a["effectiveShownAt"].as_str().unwrap().to_owned(),
                a["id"].as_str().unwrap().to_owned(),
            )
        }));
        // Newer answers arrive between pages.
        for _ in 0..3 {
            post_at_shown_time(&app, &body(newer, &minute(100 + newer as i64), |_| {})).await;
            newer += 1;
        }
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    let ids: Vec<&str> = seen.iter().map(|(_, id)| id.as_str()).collect();
    let mut expected: Vec<u64> = (0..25).collect();
    expected.push(100);
    let expected: Vec<String> = {
        let mut pairs: Vec<(String, String)> = expected
            .iter()
            .map(|&n| (minute(if n == 100 { 10 } else { n as i64 }), id(n)))
            .collect();
        pairs.sort_unstable_by(|a, b| b.cmp(a));
        pairs.into_iter().map(|(_, id)| id).collect()
    };
    assert_eq!(ids, expected);
    // The last page says so.
    let page = list(&app, "limit=500").await;
    assert_eq!(page["answers"].as_array().unwrap().len(), 26 + 12);
    assert_eq!(page["next"], Value::Null);
}

/// The CSV cells of an answer of the JSON list, in the CSV's order, with formula-like cells
/// prefixed by `'` (written here apart from the collector's own).
fn expected_cells(answer: &Value) -> Vec<String> {
    let paths = [
        "/id",
        "/type",
        "/kind",
        "/survey",
        "/score",
        "/category",
        "/comment",
        "/complete",
        "/preview",
        "/sample",
        "/user/id",
        "/user/email",
        "/user/createdAt",
        "/user/properties",
        "/account/id",
        "/account/name",
        "/account/properties",
        "/language",
        "/trigger",
        "/page",
        "/channel",
        "/shownAt",
        "/effectiveShownAt",
        "/answeredAt",
        "/receivedAt",
        "/widgetVersion",
        "/followUp/status",
        "/followUp/assignee",
        "/followUp/note",
        "/followUp/tags",
        "/followUp/updatedAt",
    ];
    paths
        .iter()
        .map(|path| {
            let cell = match answer.pointer(path).unwrap() {
                Value::Null => String::new(),
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            match cell.chars().next() {
                Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
                _ => cell,
            }
        })
        .collect()
}

#[tokio::test]
async fn the_csv_is_the_list_row_for_row_with_formulas_defused() {
    let app = TestApp::new().await;
    app.add_admin("-Ada").await;
    let comments = [
        "=HYPERLINK(\"http://x\")",
        "+1",
        "-2",
        "@x",
        "\tx",
        "\rx",
        "she said \"fine\", then left",
        "line one\nline two",
        "plain",
    ];
    for (n, comment) in comments.iter().enumerate() {
        post_at_shown_time(
            &app,
            &body(n as u64, &minute(n as i64), |b| {
                b["comment"] = json!(comment);
                b["complete"] = json!(true);
                b["account"]["name"] = json!("=cmd|' /C calc'!A0");
            }),
        )
        .await;
    }
    post_at_shown_time(
        &app,
        &json!({ "id": id(50), "type": "display", "kind": "nps", "shownAt": minute(30) }),
    )
    .await;
    assert_eq!(
        patch(
            &app,
            &id(3),
            r#"{"status":"claimed","assignee":"-Ada","tags":["a,b","c"]}"#
        )
        .await
        .0,
        StatusCode::OK
    );

    for query in [
        "",
        "hasComment=true",
        "where=account.name:=cmd|'%20/C%20calc'!A0",
    ] {
        let (status, headers, text) = csv(&app, query).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"nps-answers.csv\""
        );
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header[0], "id");
        assert_eq!(header[6], "comment");
        assert_eq!(header.len(), 31);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|record| record.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let listed = list(&app, &format!("{query}&limit=500")).await;
        let expected: Vec<Vec<String>> = listed["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(expected_cells)
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(rows, expected, "{query}");
    }

    let (_, _, text) = csv(&app, "").await;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let by_id: HashMap<String, Vec<String>> = reader
        .records()
        .map(|r| {
            let r: Vec<String> = r.unwrap().iter().map(str::to_owned).collect();
            (r[0].clone(), r)
        })
        .collect();
    let comment = |n: u64| by_id[&id(n)][6].clone();
    assert_eq!(comment(0), "'=HYPERLINK(\"http://x\")");
    assert_eq!(comment(1), "'+1");
    assert_eq!(comment(2), "'-2");
    assert_eq!(comment(3), "'@x");
    assert_eq!(comment(4), "'\tx");
    assert_eq!(comment(5), "'\rx");
    assert_eq!(comment(6), "she said \"fine\", then left");
    assert_eq!(comment(7), "line one\nline two");
    assert_eq!(comment(8), "plain");
    assert_eq!(by_id[&id(0)][15], "'=cmd|' /C calc'!A0");
    assert_eq!(by_id[&id(3)][27], "'-Ada");
    assert_eq!(by_id[&id(3)][29], r#"["a,b","c"]"#);
    assert_eq!(by_id[&id(50)][4], "");
    // Quotes are doubled inside a quoted cell; the raw text never starts a cell with `=`.
    assert!(text.contains(r#""'=HYPERLINK(""http://x"")""#), "{text}");
    assert!(text.contains("\"line one\nline two\""), "{text}");
    assert!(!text.contains(",=") && !text.contains("\n="), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_csv_of_20000_answers_streams_in_chunks() {
    const ANSWERS: u64 = 20_000;
    let app = TestApp::new().await;
    // Posted concurrently, so that the writer commits them in groups.
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..ANSWERS {
        let router = app.router.clone();
        let shown = format_timestamp(parse_timestamp("2026-11-22T09:00:00Z").unwrap() + n as i64);
        tasks.spawn(async move {
            let body = body(n, &shown, |_| {});
            common::post_json(&router, &body).await.0
        });
        if tasks.len() >= 1_000 {
            while let Some(status) = tasks.join_next().await {
                assert_eq!(status.unwrap(), StatusCode::ACCEPTED);
            }
        }
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::ACCEPTED);
    }

    let request = Request::get("/v1/answers.csv").body(Body::empty()).unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let (mut chunks, mut bytes) = (0, Vec::new());
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            chunks += 1;
            bytes.extend_from_slice(&data);
        }
    }
    assert!(chunks >= 10, "{chunks} chunks");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let ids: Vec<String> = reader
        .records()
        .map(|record| record.unwrap()[0].to_owned())
        .collect();
    assert_eq!(ids.len(), ANSWERS as usize);
    let distinct: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ANSWERS as usize);
    // Newest first.
    assert_eq!(ids[0], id(ANSWERS - 1));
    assert_eq!(ids[ids.len() - 1], id(0));
}

#[tokio::test]
async fn the_follow_up_goes_round_and_shows_in_the_list() {
    let app = TestApp::new().await;
    post_at_shown_time(&app, &body(1, &minute(0), |_| {})).await;
    post_at_shown_time(&app, &body(2, &minute(1), |_| {})).await;

    // Answers are assigned to people who can log in: a token's name.
    let (status, error) = patch(&app, &id(1), r#"{"status":"claimed","assignee":"Ada"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["field"], "assignee");
    app.add_admin("Ada").await;

    app.set_now("2026-11-23T08:00:00Z");
    let (status, answer) = patch(&app, &id(1), r#"{"status":"claimed","assignee":"Ada"}"#).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["id"], id(1));
    assert_eq!(
        answer["followUp"],
        json!({ "status": "claimed", "assignee": "Ada", "note": null, "tags": [],
                "updatedAt": "2026-11-23T08:00:00.000Z" })
    );
    assert_eq!(ids(&app, "status=claimed").await, vec![id(1)]);
    assert_eq!(ids(&app, "assignee=Ada").await, vec![id(1)]);
    assert_eq!(ids(&app, "status=open").await, vec![id(2)]);

    app.set_now("2026-11-23T08:05:00Z");
    let (_, answer) = patch(
        &app,
        &id(1),
        r#"{"note":"Called them, a fix ships Friday"}"#,
    )
    .await;
    assert_eq!(answer["followUp"]["status"], "claimed");
    assert_eq!(answer["followUp"]["assignee"], "Ada");
    assert_eq!(
        answer["followUp"]["note"],
        "Called them, a fix ships Friday"
    );
    let (_, answer) = patch(&app, &id(1), r#"{"tags":["speed","export"]}"#).await;
    assert_eq!(answer["followUp"]["tags"], json!(["speed", "export"]));
    assert_eq!(
        answer["followUp"]["note"],
        "Called them, a fix ships Friday"
    );

    // A later body of the answer leaves its follow-up alone.
    let mut done = body(1, &minute(0), |_| {});
    done["comment"] = json!("ok");
    done["complete"] = json!(true);
    assert_eq!(app.post(&done).await.0, StatusCode::ACCEPTED);

    app.set_now("2026-11-24T09:00:00Z");
    let (_, answer) = patch(&app, &id(1), r#"{"status":"resolved"}"#).await;
    assert_eq!(answer["comment"], "ok");
    assert_eq!(
        answer["followUp"],
        json!({ "status": "resolved", "assignee": "Ada",
                "note": "Called them, a fix ships Friday", "tags": ["speed", "export"],
                "updatedAt": "2026-11-24T09:00:00.000Z" })
    );
    let listed = list(&app, "status=resolved").await;
    assert_eq!(listed["answers"].as_array().unwrap().len(), 1);
    assert_eq!(listed["answers"][0], answer);
    assert_eq!(ids(&app, "status=claimed").await, Vec::<String>::new());
    assert_eq!(ids(&app, "assignee=Ada&status=resolved").await, vec![id(1)]);
    // `export` prints the follow-up too, in the storage's column names.
    let rows = app.rows().await;
    let row = rows.iter().find(|row| row.id == id(1)).unwrap();
    let exported = serde_json::to_value(row).unwrap();
    assert_eq!(exported["follow_up_status"], "resolved");
    assert_eq!(exported["follow_up_assignee"], "Ada");
    assert_eq!(exported["follow_up_tags"], json!(["speed", "export"]));
    assert_eq!(exported["follow_up_updated_at"], "2026-11-24T09:00:00.000Z");
    assert_eq!(exported["user_id"], "u_42");

    // null clears the assignee and the note.
    let (_, answer) = patch(&app, &id(1), r#"{"assignee":null,"note":null}"#).await;
    assert_eq!(answer["followUp"]["assignee"], Value::Null);
    assert_eq!(answer["followUp"]["note"], Value::Null);
    assert_eq!(ids(&app, "assignee=Ada").await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn follow_up_changes_and_bodies_arriving_at_once_all_succeed() {
    let app = TestApp::new().await;
    for n in 0..20 {
        post_at_shown_time(&app, &body(n, &minute(n as i64), |_| {})).await;
        app.add_admin(&format!("a{n}")).await;
    }
    let mut tasks = tokio::task::JoinSet::new();
    for n in 20..420u64 {
        let router = app.router.clone();
        tasks.spawn(async move {
            let status = common::post_json(&router, &body(n, &minute(n as i64), |_| {}))
                .await
                .0;
            (status, StatusCode::ACCEPTED)
        });
    }
    for n in 0..20u64 {
        let router = app.router.clone();
        tasks.spawn(async move {
            let request = Request::patch(format!("/v1/answers/{}/follow-up", id(n)))
                .body(Body::from(format!(
                    r#"{{"status":"claimed","assignee":"a{n}"}}"#
                )))
                .unwrap();
            (common::send(&router, request).await.0, StatusCode::OK)
        });
    }
    while let Some(result) = tasks.join_next().await {
        let (status, expected) = result.unwrap();
        assert_eq!(status, expected);
    }
    assert_eq!(
        list(&app, "status=claimed&limit=500").await["answers"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    assert_eq!(
        list(&app, "status=open&limit=500").await["answers"]
            .as_array()
            .unwrap()
            .len(),
        400
    );
    let (_, _, reply) = app
        .send(
            Request::delete("/v1/users/u_42")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply, json!({ "deleted": 420 }));
}

#[tokio::test]
async fn follow_up_changes_are_checked() {
    let app = TestApp::new().await;
    post_at_shown_time(&app, &body(1, &minute(0), |_| {})).await;
    let long_note = format!(r#"{{"note":"{}"}}"#, "n".repeat(5_001));
    let many_tags = format!(
        r#"{{"tags":[{}]}}"#,
        (0..21)
            .map(|n| format!("\"t{n}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let long_tag = format!(r#"{{"tags":["{}"]}}"#, "t".repeat(51));
    for (change, field) in [
        (r#"{"status":"done"}"#, "status"),
        (r#"{"status":null}"#, "status"),
        (r#"{"assignee":""}"#, "assignee"),
        (r#"{"assignee":7}"#, "assignee"),
        (long_note.as_str(), "note"),
        (many_tags.as_str(), "tags"),
        (long_tag.as_str(), "tags"),
        (r#"{"tags":["a","a"]}"#, "tags"),
        (r#"{"tags":[""]}"#, "tags"),
        (r#"{"tags":"a"}"#, "tags"),
        (r#"{"colour":"red"}"#, "colour"),
        ("{}", "body"),
        ("[]", "body"),
        ("not json", "body"),
    ] {
        let (status, error) = patch(&app, &id(1), change).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{change}: {error}");
        assert_eq!(error["field"], field, "{change}: {error}");
    }
    // The longest note and the most tags are fine.
    let note = format!(r#"{{"note":"{}"}}"#, "ü".repeat(5_000));
    assert_eq!(patch(&app, &id(1), &note).await.0, StatusCode::OK);
    let twenty = format!(
        r#"{{"tags":[{}]}}"#,
        (0..20)
            .map(|n| format!("\"{n:0>50}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(patch(&app, &id(1), &twenty).await.0, StatusCode::OK);
    // Nothing failed changed the status.
    assert_eq!(ids(&app, "status=open").await, vec![id(1)]);

    let (status, error) = patch(&app, &id(9), r#"{"status":"claimed"}"#).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["field"], "id");
}

#[tokio::test]
async fn deleting_a_user_deletes_their_answers() {
    let app = TestApp::new().await;
    let user = |id: &str| json!({ "id": id });
    post_at_shown_time(&app, &body(1, &minute(0), |b| b["user"] = user("u_1"))).await;
    post_at_shown_time(&app, &body(2, &minute(1), |b| b["user"] = user("u_1"))).await;
    post_at_shown_time(
        &app,
        &body(3, &minute(2), |b| {
            b["user"] = user("u_1");
            b["preview"] = json!(true);
        }),
    )
    .await;
    post_at_shown_time(&app, &body(4, &minute(3), |b| b["user"] = user("u_2"))).await;
    post_at_shown_time(&app, &body(5, &minute(4), |b| b["user"] = user("team/a b"))).await;

    let delete = |path: &str| {
        Request::delete(path.to_owned())
            .body(Body::empty())
            .unwrap()
    };
    let (status, _, reply) = app.send(delete("/v1/users/u_1")).await;
    assert_eq!((status, reply), (StatusCode::OK, json!({ "deleted": 3 })));
    assert_eq!(ids(&app, "preview=include").await, vec![id(5), id(4)]);
    let (_, _, reply) = app.send(delete("/v1/users/u_1")).await;
    assert_eq!(reply, json!({ "deleted": 0 }));
    let (_, _, reply) = app.send(delete("/v1/users/team%2Fa%20b")).await;
    assert_eq!(reply, json!({ "deleted": 1 }));
    assert_eq!(ids(&app, "preview=include").await, vec![id(4)]);
    assert_eq!(app.rows().await.len(), 1);
}

#[tokio::test]
async fn bad_parameters_name_the_field() {
    let app = TestApp::new().await;
    post_at_shown_time(&app, &body(1, &minute(0), |_| {})).await;
    for (query, field) in [
        ("tz=Mars%2FOlympus", "tz"),
        ("from=2026-11-23&to=2026-11-22", "from"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("cursor=not-a-cursor", "cursor"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("where=user.colour:red", "where"),
        ("where=language", "where"),
        ("type=answer", "type"),
        ("category=great", "category"),
        ("hasComment=1", "hasComment"),
        ("status=closed", "status"),
        ("preview=yes", "preview"),
        ("survey=A%20B", "survey"),
        ("tz=UTC&tz=UTC", "tz"),
        ("page=2", "page"),
    ] {
        for path in ["/v1/answers", "/v1/answers.csv"] {
            let (status, error) = get(&app, &format!("{path}?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{query}: {error}");
            assert_eq!(error["field"], field, "{path}?{query}: {error}");
            assert!(error["error"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
    // The CSV is not paged.
    let next = list(&app, "limit=1").await;
    assert_eq!(next["next"], Value::Null);
    for (query, field) in [
        ("limit=5", "limit"),
        ("cursor=MjAyNi0xMS0yMlQxMDowMDowMC4wMDBafHg", "cursor"),
    ] {
        let (status, error) = get(&app, &format!("/v1/answers.csv?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {error}");
        assert_eq!(error["field"], field);
    }
    let long = Request::delete(format!("/v1/users/{}", "u".repeat(257)))
        .body(Body::empty())
        .unwrap();
    let (status, _, error) = app.send(long).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert_eq!(error["field"], "userId");
}
