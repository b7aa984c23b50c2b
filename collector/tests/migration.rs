//! A database written by the previous collector (schema version 1, before versions were
//! recorded) opens, is migrated in place, and keeps working.

mod common;

use axum::http::StatusCode;
use common::t;
use nps_collector::storage::answer_list::AnswerListStore;
use nps_collector::storage::hooks::HookStore;
use nps_collector::storage::sqlite::{SqliteStore, SCHEMA_VERSION};
use nps_collector::storage::AnswerStore;
use nps_collector::{app, AppState, Settings};
use rusqlite::Connection;
use serde_json::json;
use std::sync::Arc;

/// The previous collector's schema, exactly as it created it (test data, not code).
const V1_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS responses (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    kind TEXT NOT NULL,
    score INTEGER,
    category TEXT,
    comment TEXT,
    complete INTEGER NOT NULL DEFAULT 0,
    user_id TEXT,
    user_email TEXT,
    user_created_at TEXT,
    user_properties TEXT,
    account_id TEXT,
    account_name TEXT,
    account_properties TEXT,
    language TEXT,
    trigger_name TEXT,
    page TEXT,
    shown_at TEXT NOT NULL,
    answered_at TEXT,
    widget_version TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_user ON responses (user_id, kind, shown_at);
";

const COMPLETE: &str = "00000000-0000-4000-8000-000000000001";
const SCORED: &str = "00000000-0000-4000-8000-000000000002";
const SKEWED: &str = "00000000-0000-4000-8000-000000000003";

struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// A database as the previous collector left it: a complete answer, a score waiting for its
/// comment, and an answer from a device whose clock was a year behind.
fn previous_database(name: &str) -> TempFile {
    let path =
        std::env::temp_dir().join(format!("nps-migrate-{}-{name}.sqlite3", std::process::id()));
    let file = TempFile(path);
    let conn = Connection::open(&file.0).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.execute_batch(V1_SCHEMA).unwrap();
    let insert = "INSERT INTO responses (id, type, kind, score, category, comment, complete,
        user_id, user_properties, trigger_name, shown_at, answered_at, received_at, updated_at)
        VALUES (?1, 'response', 'nps', ?2, ?3, ?4, ?5, ?6, '{\"plan\":\"pro\"}', 'load', ?7, ?7, ?8, ?8)";
    for (id, score, category, comment, complete, user, shown, received) in [
        (
            COMPLETE,
            9,
            "promoter",
            Some("Great"),
            1,
            "u_1",
            "2026-10-01T10:00:00.000Z",
            "2026-10-01T10:00:05.000Z",
        ),
        (
            SCORED,
            4,
            "detractor",
            None,
            0,
            "u_2",
            "2026-10-02T10:00:00.000Z",
            "2026-10-02T10:00:05.000Z",
        ),
        (
            SKEWED,
            7,
            "passive",
            None,
            1,
            "u_3",
            "2025-10-03T10:00:00.000Z",
            "2026-10-03T10:00:05.000Z",
        ),
    ] {
        conn.execute(
            insert,
            rusqlite::params![id, score, category, comment, complete, user, shown, received],
        )
        .unwrap();
    }
    file
}

#[tokio::test]
async fn a_version_1_database_is_migrated_and_keeps_its_answers() {
    let file = previous_database("keeps");
    let store = SqliteStore::open(&file.0).unwrap();
    let rows = store.answers().await.unwrap();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(
            (row.survey.as_str(), row.channel.as_str(), row.preview),
            ("nps", "in-app", false)
        );
        assert_eq!(row.user_properties, Some(json!({ "plan": "pro" })));
    }
    assert_eq!(
        (rows[0].comment.as_deref(), rows[0].complete),
        (Some("Great"), true)
    );
    assert_eq!(rows[0].effective_shown_at, "2026-10-01T10:00:00.000Z");
    // The answer from a clock a year behind counts from its arrival, as new answers do.
    assert_eq!(rows[2].effective_shown_at, "2026-10-03T10:00:05.000Z");
    drop(store);
    let version: i64 = Connection::open(&file.0)
        .unwrap()
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    // Opening it again is a no-op.
    assert_eq!(
        SqliteStore::open(&file.0).unwrap().answers().await.unwrap(),
        rows
    );
}

#[tokio::test]
async fn migrated_answers_take_part_in_eligibility_and_their_lifecycle() {
    let file = previous_database("lifecycle");
    let clock = Arc::new(|| t("2026-10-05T00:00:00Z"));
    let state = AppState::with_clock(
        SqliteStore::open(&file.0).unwrap(),
        Settings {
            rate_limit: 0,
            ..Settings::default()
        },
        clock,
    );
    let router = app(state.clone());
    let (status, verdict) = common::get_json(&router, "/v1/eligibility?userId=u_3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        verdict["reason"],
        "answered on 2026-10-03, next on 2027-04-03"
    );
    // The stored score gets its comment from the old widget's outbox (no key)...
    let comment = json!({ "id": SCORED, "type": "response", "kind": "nps", "score": 4,
        "comment": "Too slow", "complete": true, "user": { "id": "u_2" },
        "shownAt": "2026-10-02T10:00:00.000Z" });
    assert_eq!(
        common::post_json(&router, &comment).await.0,
        StatusCode::ACCEPTED
    );
    // ...and nobody can claim the keyless answer with a key of their own.
    let mut claim = comment.clone();
    claim["key"] = json!("0123456789abcdef0123456789abcdef");
    claim["id"] = json!(COMPLETE);
    claim["user"]["id"] = json!("u_1");
    assert_eq!(
        common::post_json(&router, &claim).await.0,
        StatusCode::CONFLICT
    );
    let rows = state.store().answers().await.unwrap();
    assert_eq!(
        (rows[1].comment.as_deref(), rows[1].complete),
        (Some("Too slow"), true)
    );
    assert_eq!(rows[0].comment.as_deref(), Some("Great"));
}

#[test]
fn a_database_from_a_newer_collector_is_refused() {
    let file = previous_database("newer");
    Connection::open(&file.0)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let error = SqliteStore::open(&file.0)
        .err()
        .expect("refused")
        .to_string();
    assert!(error.contains("schema version 99"), "{error}");
}

#[tokio::test]
async fn a_row_written_after_migration_by_a_previous_collector_still_counts() {
    // A previous collector still running on the migrated file writes the columns it knows.
    let file = previous_database("mixed");
    drop(SqliteStore::open(&file.0).unwrap());
    Connection::open(&file.0)
        .unwrap()
        .execute(
            "INSERT INTO responses (id, type, kind, score, category, complete, user_id, shown_at,
                received_at, updated_at)
             VALUES ('00000000-0000-4000-8000-000000000009', 'decline', 'nps', NULL, NULL, 0,
                'u_9', '2026-10-04T10:00:00.000Z', '2026-10-04T10:00:01.000Z',
                '2026-10-04T10:00:01.000Z')",
            [],
        )
        .unwrap();
    let clock = Arc::new(|| t("2026-10-05T00:00:00Z"));
    let state = AppState::with_clock(
        SqliteStore::open(&file.0).unwrap(),
        Settings {
            rate_limit: 0,
            ..Settings::default()
        },
        clock,
    );
    let (_, verdict) = common::get_json(&app(state), "/v1/eligibility?userId=u_9").await;
    assert_eq!(
        verdict["reason"],
        "dismissed on 2026-10-04, next on 2027-04-04"
    );
}

#[tokio::test]
async fn deliveries_of_a_version_10_database_are_found_by_answer_once_migrated() {
    // A version 10 database: deliveries, and one still queued, without their answers' arrival
    // time, found by answer through an index of the answer's id alone.
    let file = previous_database("v10");
    drop(SqliteStore::open(&file.0).unwrap());
    let conn = Connection::open(&file.0).unwrap();
    conn.execute_batch(
        "DROP INDEX hook_deliveries_answer;
         ALTER TABLE hook_deliveries DROP COLUMN answer_received_at;
         ALTER TABLE hook_deliveries DROP COLUMN test;
         ALTER TABLE hook_queue DROP COLUMN answer_received_at;
         CREATE INDEX hook_deliveries_answer ON hook_deliveries (answer_id);
         PRAGMA user_version = 10;
         INSERT INTO hooks (id, name, url, format, events, filter, created_at)
         VALUES (1, 'CRM', 'https://crm.example/hook', 'webhook', '[\"response.created\"]',
             '{}', '2026-10-01T00:00:00.000Z');",
    )
    .unwrap();
    for (answer, status) in [(COMPLETE, "delivered"), (SCORED, "pending")] {
        conn.execute(
            "INSERT INTO hook_deliveries (hook_id, event, answer_id, webhook_id, body, status,
                 next_attempt_at, created_at, updated_at)
             VALUES (1, 'response.created', ?1, 'msg_' || ?1, '', ?2,
                 '2026-10-05T00:00:00.000Z', '2026-10-05T00:00:00.000Z',
                 '2026-10-05T00:00:00.000Z')",
            rusqlite::params![answer, status],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO hook_queue (hook_id, event, answer_id, queued_at)
         VALUES (1, 'response.completed', ?1, '2026-10-05T00:00:01.000Z')",
        [COMPLETE],
    )
    .unwrap();
    drop(conn);

    let store = SqliteStore::open(&file.0).unwrap();
    let conn = Connection::open(&file.0).unwrap();
    let keys = |conn: &Connection| -> Vec<(String, String)> {
        conn.prepare("SELECT answer_id, answer_received_at FROM hook_deliveries ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    // The queued delivery was moved on opening, carrying the time the migration gave it.
    assert_eq!(
        keys(&conn),
        [
            (COMPLETE.to_owned(), "2026-10-01T10:00:05.000Z".to_owned()),
            (SCORED.to_owned(), "2026-10-02T10:00:05.000Z".to_owned()),
            (COMPLETE.to_owned(), "2026-10-01T10:00:05.000Z".to_owned()),
        ]
    );
    // Deliveries written before a test was told apart are real answers' deliveries.
    let deliveries = store.deliveries(1, 10).await.unwrap();
    assert_eq!(deliveries.len(), 3);
    assert!(deliveries.iter().all(|delivery| !delivery.test));
    // A collector of version 10 still running on the file writes deliveries without the time.
    conn.execute(
        "INSERT INTO hook_deliveries (hook_id, event, answer_id, webhook_id, body, status,
             next_attempt_at, created_at, updated_at)
         VALUES (1, 'followup.updated', ?1, 'msg_old', '', 'pending',
             '2026-10-06T00:00:00.000Z', '2026-10-06T00:00:00.000Z', '2026-10-06T00:00:00.000Z')",
        [COMPLETE],
    )
    .unwrap();
    // The erasure finds a user's deliveries through the index, with or without the time.
    for statement in [
        "DELETE FROM hook_deliveries WHERE (answer_received_at, answer_id) IN
             (SELECT received_at, id FROM responses WHERE user_id = 'u_1')",
        "DELETE FROM hook_deliveries WHERE answer_received_at = '' AND answer_id IN
             (SELECT id FROM responses WHERE user_id = 'u_1')",
    ] {
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {statement}"))
            .unwrap()
            .query_map([], |row| row.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter()
                .any(|step| step.starts_with("SEARCH hook_deliveries USING")
                    && step.contains("INDEX hook_deliveries_answer (answer_received_at=")),
            "{plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|step| step.starts_with("SCAN hook_deliveries")),
            "{plan:?}"
        );
    }
    assert_eq!(store.delete_user("u_1").await.unwrap(), 1);
    assert_eq!(
        keys(&conn),
        [(SCORED.to_owned(), "2026-10-02T10:00:05.000Z".to_owned())]
    );
}
