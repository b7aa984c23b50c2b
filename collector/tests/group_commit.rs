//! Group commit: answers arriving together are committed together, and each is answered 202
//! only once the transaction holding it is on disk, seen by any other connection.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::storage::{AnswerStore, StoredAnswer};
use nps_collector::{app, validate, AppState, Settings};
use serde_json::{json, Value};
use tower::ServiceExt;

/// A database file removed when the test ends.
struct TempDb(PathBuf);

impl TempDb {
    fn new() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "nps-collector-group-{}-{}.sqlite3",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        TempDb(std::env::temp_dir().join(name))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

fn router(db: &TempDb) -> Router {
    let settings = Settings {
        rate_limit: 0,
        ..Settings::default()
    };
    app(AppState::new(SqliteStore::open(&db.0).unwrap(), settings))
}

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

fn answer(id: &str, complete: bool) -> Value {
    json!({
        "id": id, "type": "response", "kind": "nps",
        "score": 9, "category": "promoter",
        "comment": if complete { json!("Fast and simple") } else { Value::Null },
        "complete": complete,
        "user": { "id": "u_42" },
        "shownAt": "2026-11-22T10:00:00.000Z", "answeredAt": "2026-11-22T10:00:04.210Z"
    })
}

async fn post(router: &Router, body: &Value) -> StatusCode {
    let request = Request::post("/v1/responses")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    to_bytes(response.into_body(), usize::MAX).await.unwrap();
    status
}

/// The rows as another connection sees them: only what is committed.
async fn committed(db: &TempDb) -> Vec<StoredAnswer> {
    read(&db.0).await
}

async fn read(path: &std::path::Path) -> Vec<StoredAnswer> {
    let store = SqliteStore::open_read_only(path).unwrap();
    store.answers().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_answers_are_each_committed_before_their_202() {
    let db = TempDb::new();
    let router = router(&db);
    let path = db.0.clone();
    let tasks: Vec<_> = (0..200u32)
        .map(|n| {
            let router = router.clone();
            let path = path.clone();
            tokio::spawn(async move {
                let id = id(n);
                assert_eq!(
                    post(&router, &answer(&id, false)).await,
                    StatusCode::ACCEPTED
                );
                // A 202 means committed: a fresh connection sees the row at once.
                let rows = read(&path).await;
                assert!(rows.iter().any(|row| row.id == id), "{id} not committed");
                if n % 2 == 0 {
                    assert_eq!(
                        post(&router, &answer(&id, true)).await,
                        StatusCode::ACCEPTED
                    );
                    let rows = read(&path).await;
                    assert!(rows.iter().any(|row| row.id == id && row.complete));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let rows = committed(&db).await;
    assert_eq!(rows.len(), 200);
    assert_eq!(rows.iter().filter(|row| row.complete).count(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resends_and_follow_ups_arriving_together_keep_the_upsert_rules() {
    let db = TempDb::new();
    let router = router(&db);
    // The score and its completion sent many times over, all at once: whatever the order
    // within the transaction, one row, complete.
    let the_id = id(7);
    let tasks: Vec<_> = (0..60)
        .map(|n| {
            let router = router.clone();
            let body = answer(&the_id, n % 3 == 0);
            tokio::spawn(async move { post(&router, &body).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::ACCEPTED);
    }
    let rows = committed(&db).await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].complete);
    assert_eq!(rows[0].comment.as_deref(), Some("Fast and simple"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_body_among_valid_ones_fails_alone() {
    let db = TempDb::new();
    let router = router(&db);
    let tasks: Vec<_> = (0..40u32)
        .map(|n| {
            let router = router.clone();
            let body = if n == 13 {
                json!({ "id": id(n), "type": "response", "kind": "nps", "score": 11 })
            } else {
                answer(&id(n), true)
            };
            tokio::spawn(async move { (n, post(&router, &body).await) })
        })
        .collect();
    for task in tasks {
        let (n, status) = task.await.unwrap();
        let expected = if n == 13 {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::ACCEPTED
        };
        assert_eq!(status, expected, "answer {n}");
    }
    assert_eq!(committed(&db).await.len(), 39);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn direct_callers_are_answered_after_the_commit() {
    let db = TempDb::new();
    let store = std::sync::Arc::new(SqliteStore::open(&db.0).unwrap());
    let valid = validate::answer(&answer(&id(1), false)).unwrap();
    let received = nps_widget::core::time::parse_timestamp("2026-11-22T10:00:05Z").unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (store, valid) = (store.clone(), valid.clone());
            tokio::spawn(async move { store.submit(valid, received).await.unwrap() })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let rows = committed(&db).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].received_at, "2026-11-22T10:00:05.000Z");
    drop(store);
    // Closing the store leaves every committed answer in the file.
    assert_eq!(committed(&db).await.len(), 1);
}
