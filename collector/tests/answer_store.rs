//! The answers' store, one suite for both backends: every test runs against SQLite and against
//! PostgreSQL (a throwaway cluster, see `common::postgres`), and each backend must give the
//! lifecycle's verdicts the test expects and the same stored answers. Then what only a shared
//! database has: two collectors given the bodies of the same answers at once.

mod common;

use std::sync::Arc;

use common::backends::{open, BACKENDS};
use common::postgres::fresh_database;
use common::{t, valid, with};
use nps_collector::storage::postgres::PgStore;
use nps_collector::storage::{AnswerStore, Applied, StoredAnswer};
use nps_collector::validate;
use nps_widget::core::kind::Kind;
use nps_widget::core::lifecycle::Stage;
use serde_json::{json, Value};

/// The NPS category of a 0-10 score, as the wire names it.
fn nps_category(score: u8) -> &'static str {
    Kind::Nps.category(score).unwrap()
}

/// A body of answer `id` by `key`, from the sample body with `changes` (JSON pointer, value).
fn body(id: &str, key: &str, changes: &[(&str, Value)]) -> Value {
    let mut body = with(valid(), "/id", json!(id));
    body["key"] = json!(key);
    for (pointer, value) in changes {
        if body.pointer(pointer).is_some() {
            body = with(body, pointer, value.clone());
        } else {
            let field = pointer.trim_start_matches('/');
            body[field] = value.clone();
        }
    }
    // A display or a decline has no score, and nothing of one.
    if body["type"] != "response" {
        let fields = body.as_object_mut().unwrap();
        for field in ["score", "category", "comment", "complete", "answeredAt"] {
            fields.remove(field);
        }
    }
    body
}

async fn submit(store: &dyn AnswerStore, body: &Value, at: &str) -> Applied {
    let answer = validate::answer(body).unwrap_or_else(|e| panic!("{e:?}: {body}"));
    store.submit(answer, t(at)).await.unwrap()
}

const A: &str = "3f2c8a1e-4b5d-4c6e-8f70-000000000001";
const B: &str = "3f2c8a1e-4b5d-4c6e-8f70-000000000002";
const C: &str = "3f2c8a1e-4b5d-4c6e-8f70-000000000003";
const KEY: &str = "b1c4d2e3f4a5b6c7d8e9f0a1b2c3d4e5";
const OTHER_KEY: &str = "00000000000000000000000000000000";

/// One answer's life and every refusal, with the verdict each body must get.
fn script() -> Vec<(Value, &'static str, Applied)> {
    let display = [("/type", json!("display"))];
    let scored = |score: u8, complete: bool| {
        vec![
            ("/type", json!("response")),
            ("/score", json!(score)),
            ("/category", json!(nps_category(score))),
            ("/complete", json!(complete)),
        ]
    };
    let mut done = scored(3, true);
    done.push(("/comment", json!("Too slow")));
    vec![
        (
            body(A, KEY, &display),
            "2026-11-22T10:00:01Z",
            Applied::Stored,
        ),
        // The same display again (a retry): written again, the same.
        (
            body(A, KEY, &display),
            "2026-11-22T10:00:02Z",
            Applied::Stored,
        ),
        (
            body(A, KEY, &scored(9, false)),
            "2026-11-22T10:00:05Z",
            Applied::Stored,
        ),
        // A new score while not complete replaces the first.
        (
            body(A, KEY, &scored(3, false)),
            "2026-11-22T10:00:07Z",
            Applied::Stored,
        ),
        // Another key, or none: refused whatever the body.
        (
            body(A, OTHER_KEY, &scored(10, false)),
            "2026-11-22T10:00:08Z",
            Applied::Conflict("key"),
        ),
        (
            with(body(A, KEY, &scored(10, false)), "/key", Value::Null),
            "2026-11-22T10:00:08Z",
            Applied::Conflict("key"),
        ),
        (body(A, KEY, &done), "2026-11-22T10:00:09Z", Applied::Stored),
        // Complete: frozen; backwards and later bodies are acknowledged and ignored.
        (
            body(A, KEY, &scored(10, false)),
            "2026-11-22T10:00:10Z",
            Applied::Ignored,
        ),
        (
            body(A, KEY, &display),
            "2026-11-22T10:00:11Z",
            Applied::Ignored,
        ),
        (
            body(A, KEY, &[("/type", json!("decline"))]),
            "2026-11-22T10:00:12Z",
            Applied::Ignored,
        ),
        // What an answer is never changes.
        (
            body(
                A,
                KEY,
                &[("/user/id", json!("u_43")), ("/type", json!("display"))],
            ),
            "2026-11-22T10:00:13Z",
            Applied::Conflict("user.id"),
        ),
        (
            body(
                A,
                KEY,
                &[("/survey", json!("support")), ("/type", json!("display"))],
            ),
            "2026-11-22T10:00:13Z",
            Applied::Conflict("survey"),
        ),
        // A second answer, declined, and a preview of a third.
        (
            body(B, KEY, &display),
            "2026-11-22T11:00:00Z",
            Applied::Stored,
        ),
        (
            body(B, KEY, &[("/type", json!("decline"))]),
            "2026-11-22T11:00:05Z",
            Applied::Stored,
        ),
        (
            body(B, KEY, &scored(8, true)),
            "2026-11-22T11:00:06Z",
            Applied::Ignored,
        ),
        (
            body(
                C,
                KEY,
                &[
                    ("/type", json!("display")),
                    ("/preview", json!(true)),
                    ("/survey", json!("support")),
                    ("/kind", json!("csat")),
                ],
            ),
            "2026-11-22T12:00:00Z",
            Applied::Stored,
        ),
    ]
}

/// The stored answers without what each backend numbers its own way (nothing, so far).
fn comparable(mut answers: Vec<StoredAnswer>) -> Vec<StoredAnswer> {
    answers.sort_by(|a, b| a.id.cmp(&b.id));
    answers
}

#[tokio::test]
async fn the_lifecycle_gives_the_same_verdicts_and_answers_on_both_backends() {
    let mut exports = Vec::new();
    for backend in BACKENDS {
        let opened = open(backend).await;
        let store = opened.answers();
        let mut got = Vec::new();
        let mut want = Vec::new();
        for (body, at, expected) in script() {
            got.push(submit(store, &body, at).await);
            want.push(expected);
        }
        assert_eq!(got, want, "{backend:?}: the verdicts, step by step");
        let answers = comparable(store.answers().await.unwrap());
        assert_eq!(answers.len(), 3, "{backend:?}");
        let a = &answers[0];
        assert_eq!(
            (
                a.body_type.as_str(),
                a.score,
                a.category.as_deref(),
                a.comment.as_deref(),
                a.complete
            ),
            (
                "response",
                Some(3),
                Some("detractor"),
                Some("Too slow"),
                true
            ),
            "{backend:?}"
        );
        assert_eq!(
            a.received_at, "2026-11-22T10:00:01.000Z",
            "{backend:?}: the first arrival"
        );
        assert_eq!(a.updated_at, "2026-11-22T10:00:09.000Z", "{backend:?}");
        assert_eq!(
            a.user_properties,
            Some(json!({ "plan": "pro", "seats": 12, "trial": false }))
        );
        assert_eq!(answers[1].body_type, "decline");
        assert!(answers[2].preview);
        exports.push(answers);
    }
    assert_eq!(
        exports[0], exports[1],
        "SQLite and PostgreSQL store the same answers"
    );
}

#[tokio::test]
async fn the_latest_display_of_each_survey_leaves_previews_out_on_both_backends() {
    for backend in BACKENDS {
        let opened = open(backend).await;
        let store = opened.answers();
        let ids: Vec<String> = (1..=5)
            .map(|n| format!("3f2c8a1e-4b5d-4c6e-8f70-00000000010{n}"))
            .collect();
        let shown = |id: &str, survey: &str, kind: &str, at: &str, changes: &[(&str, Value)]| {
            let mut all = vec![
                ("/type", json!("display")),
                ("/survey", json!(survey)),
                ("/kind", json!(kind)),
                ("/shownAt", json!(at)),
            ];
            all.extend_from_slice(changes);
            body(id, KEY, &all)
        };
        let bodies = [
            (
                shown(&ids[0], "nps", "nps", "2026-06-01T10:00:00.000Z", &[]),
                "2026-06-01T10:00:01Z",
            ),
            (
                shown(&ids[1], "nps", "nps", "2026-11-01T10:00:00.000Z", &[]),
                "2026-11-01T10:00:01Z",
            ),
            (
                shown(&ids[2], "support", "csat", "2026-10-01T10:00:00.000Z", &[]),
                "2026-10-01T10:00:01Z",
            ),
            // A later preview counts for nothing.
            (
                shown(
                    &ids[3],
                    "support",
                    "csat",
                    "2026-11-20T10:00:00.000Z",
                    &[("/preview", json!(true))],
                ),
                "2026-11-20T10:00:01Z",
            ),
            // Another user's display.
            (
                shown(
                    &ids[4],
                    "export",
                    "ces",
                    "2026-11-21T10:00:00.000Z",
                    &[("/user/id", json!("u_7"))],
                ),
                "2026-11-21T10:00:01Z",
            ),
        ];
        for (body, at) in &bodies {
            assert_eq!(
                submit(store, body, at).await,
                Applied::Stored,
                "{backend:?}"
            );
        }
        let declined = with(bodies[1].0.clone(), "/type", json!("decline"));
        assert_eq!(
            submit(store, &declined, "2026-11-01T10:00:09Z").await,
            Applied::Stored
        );
        let latest = store.latest_displays("u_42").await.unwrap();
        let found: Vec<(&str, Stage, i64)> = latest
            .iter()
            .map(|(survey, d)| (survey.as_str(), d.stage, d.shown_at))
            .collect();
        assert_eq!(
            found,
            [
                ("support", Stage::Displayed, t("2026-10-01T10:00:00Z")),
                ("nps", Stage::Declined, t("2026-11-01T10:00:00Z")),
            ],
            "{backend:?}"
        );
        assert!(store.latest_displays("nobody").await.unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_collectors_on_one_postgresql_store_each_answer_once() {
    // Two stores on one database, as two collector processes are; the bodies of 200 answers
    // (display, score, comment) sent to both at once, each body to both.
    let url = fresh_database().await;
    let (one, two) = (
        Arc::new(PgStore::connect(&url).await.unwrap()),
        Arc::new(PgStore::connect(&url).await.unwrap()),
    );
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..200u32 {
        let id = format!("3f2c8a1e-4b5d-4c6e-8f70-{n:012}");
        let bodies = [
            body(&id, KEY, &[("/type", json!("display"))]),
            body(
                &id,
                KEY,
                &[
                    ("/score", json!(n % 11)),
                    ("/category", json!(nps_category((n % 11) as u8))),
                ],
            ),
            body(
                &id,
                KEY,
                &[
                    ("/score", json!(n % 11)),
                    ("/category", json!(nps_category((n % 11) as u8))),
                    ("/complete", json!(true)),
                    ("/comment", json!(format!("answer {n}"))),
                ],
            ),
        ];
        for store in [one.clone(), two.clone()] {
            let bodies = bodies.clone();
            tasks.spawn(async move {
                let mut verdicts = Vec::new();
                for body in &bodies {
                    verdicts.push(submit(store.as_ref(), body, "2026-11-22T10:00:01Z").await);
                }
                verdicts
            });
        }
    }
    while let Some(verdicts) = tasks.join_next().await {
        for verdict in verdicts.unwrap() {
            assert!(
                matches!(verdict, Applied::Stored | Applied::Ignored),
                "{verdict:?}"
            );
        }
    }
    let answers = one.answers().await.unwrap();
    assert_eq!(answers.len(), 200, "one answer per id");
    for answer in &answers {
        let n: u32 = answer.id[24..].parse().unwrap();
        assert!(
            answer.complete,
            "{}: the last body wins, whichever node had it",
            answer.id
        );
        assert_eq!(answer.score, Some(i64::from(n % 11)));
        assert_eq!(
            answer.comment.as_deref(),
            Some(format!("answer {n}").as_str())
        );
    }
    assert_eq!(
        comparable(two.answers().await.unwrap()),
        comparable(answers)
    );
}

#[tokio::test]
async fn a_database_with_a_newer_schema_is_refused_unchanged() {
    let url = fresh_database().await;
    drop(PgStore::connect(&url).await.unwrap());
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .execute("UPDATE schema_version SET version = 99", &[])
        .await
        .unwrap();
    let error = PgStore::connect(&url).await.err().expect("refused");
    assert!(
        error
            .to_string()
            .contains("version 99, newer than this collector's"),
        "{error}"
    );
    let version: i32 = client
        .query_one("SELECT version FROM schema_version", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(version, 99);
    // Two collectors starting together migrate once.
    let fresh = fresh_database().await;
    let (a, b) = tokio::join!(PgStore::connect(&fresh), PgStore::connect(&fresh));
    assert!(a.is_ok() && b.is_ok());
    let (client, connection) = tokio_postgres::connect(&fresh, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let versions: Vec<i32> = client
        .query("SELECT version FROM schema_version", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        versions,
        [nps_collector::storage::postgres::schema::VERSION],
        "one record of the one migration"
    );
    assert!(
        PgStore::connect(&fresh).await.is_ok(),
        "and a third start finds it done"
    );
}
