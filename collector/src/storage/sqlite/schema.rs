//! The SQLite schema and its migrations. `PRAGMA user_version` holds the schema version; a
//! database made before versions were recorded (0.1: the `responses` table alone) counts as
//! version 1.

use nps_widget::core::lifecycle::effective_shown_at;
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use rusqlite::{named_params, Connection, Transaction};

use super::report_slots;

/// The version [`migrate`] brings a database to.
pub const VERSION: i64 = 12;

/// The schema at version 2, for a new database (the later migrations then run on it).
const CREATE_V2: &str = "
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    kind TEXT NOT NULL,
    survey TEXT NOT NULL,
    score INTEGER,
    category TEXT,
    comment TEXT,
    complete INTEGER NOT NULL DEFAULT 0,
    preview INTEGER NOT NULL DEFAULT 0,
    key_hash TEXT,
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
    channel TEXT NOT NULL,
    shown_at TEXT NOT NULL,
    effective_shown_at TEXT NOT NULL,
    answered_at TEXT,
    widget_version TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX responses_user_display ON responses (user_id, survey, effective_shown_at)
    WHERE preview = 0;
";

/// Version 1 to 2: displays, keys, surveys, channels, previews and the effective shown time.
const V1_TO_V2: &str = "
ALTER TABLE responses ADD COLUMN survey TEXT NOT NULL DEFAULT 'nps';
ALTER TABLE responses ADD COLUMN preview INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responses ADD COLUMN key_hash TEXT;
ALTER TABLE responses ADD COLUMN channel TEXT NOT NULL DEFAULT 'in-app';
ALTER TABLE responses ADD COLUMN effective_shown_at TEXT NOT NULL DEFAULT '';
DROP INDEX IF EXISTS responses_user;
CREATE INDEX responses_user_display ON responses (user_id, survey, effective_shown_at)
    WHERE preview = 0;
";

/// Version 2 to 3: the report and the follow-up loop. Each answer gets its follow-up state and
/// a mark for sample answers (written by `seed`, removable); named admin tokens (only their
/// SHA-256 is kept) and dashboard sessions (likewise) get tables of their own; the report's
/// queries get an index by survey and effective shown time.
const V2_TO_V3: &str = "
ALTER TABLE responses ADD COLUMN follow_up_status TEXT NOT NULL DEFAULT 'open';
ALTER TABLE responses ADD COLUMN follow_up_assignee TEXT;
ALTER TABLE responses ADD COLUMN follow_up_note TEXT;
ALTER TABLE responses ADD COLUMN follow_up_tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE responses ADD COLUMN follow_up_updated_at TEXT;
ALTER TABLE responses ADD COLUMN sample INTEGER NOT NULL DEFAULT 0;
CREATE INDEX responses_survey_time ON responses (survey, effective_shown_at) WHERE preview = 0;
CREATE TABLE admin_tokens (
    name TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);
CREATE TABLE admin_sessions (
    session_hash TEXT PRIMARY KEY,
    token_name TEXT NOT NULL REFERENCES admin_tokens (name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
";

/// Version 3 to 4: indexes for large databases. The report's counts read one covering index
/// (every column they need for a survey and range is in it, so no row is fetched); the answers
/// list walks one index newest first.
const V3_TO_V4: &str = "
DROP INDEX IF EXISTS responses_survey_time;
CREATE INDEX responses_report ON responses (survey, effective_shown_at, kind, type, score, category)
    WHERE preview = 0;
CREATE INDEX responses_time ON responses (effective_shown_at, id);
";

/// Version 4 to 5: the report's running counts (see `report_slots`, which adds its table and
/// triggers), and the account's id and name in the report's covering index, for breakdowns by
/// account (which have too many values for running counts to help).
const V4_TO_V5: &str = "
DROP INDEX responses_report;
CREATE INDEX responses_report ON responses
    (survey, effective_shown_at, kind, type, score, category, account_id, account_name)
    WHERE preview = 0;
";

/// Version 5 to 6: hooks and their deliveries. A hook's secret is kept as is (it signs every
/// delivery, so it must be recoverable); a delivery keeps its event's body, its `webhook-id`
/// (the same on every attempt) and how its last attempt went. Pending deliveries are found per
/// hook in the order they are due; a user's are found by answer when the user is deleted.
const V5_TO_V6: &str = "
CREATE TABLE hooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL,
    events TEXT NOT NULL,
    filter TEXT NOT NULL,
    secret TEXT,
    paused INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE hook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hook_id INTEGER NOT NULL REFERENCES hooks (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_latency_ms INTEGER,
    last_response TEXT,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX hook_deliveries_pending ON hook_deliveries (hook_id, next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX hook_deliveries_hook ON hook_deliveries (hook_id, id);
CREATE INDEX hook_deliveries_answer ON hook_deliveries (answer_id);
";

/// Version 6 to 7: daily digests, and holds. A hook keeps its digest's schedule (`{ hour,
/// timeZone }` as JSON) and the last day whose digest was queued, which makes queueing each
/// day's digest a single conditional update; and, while its receiver fails, until when it is
/// left alone and how many failures in a row led there. A digest's delivery is about no one answer (`answer_id` empty).
/// Deliveries are given up and pruned by age, found through their creation time (an index
/// written once per delivery, never updated).
const V6_TO_V7: &str = "
ALTER TABLE hooks ADD COLUMN digest TEXT;
ALTER TABLE hooks ADD COLUMN digest_last_day TEXT;
ALTER TABLE hooks ADD COLUMN hold_until TEXT;
ALTER TABLE hooks ADD COLUMN hold_failures INTEGER NOT NULL DEFAULT 0;
CREATE INDEX hook_deliveries_created ON hook_deliveries (created_at);
";

/// Version 7 to 8: the collector's own secrets (the key that signs survey links), made the first
/// time they are needed.
const V7_TO_V8: &str = "
CREATE TABLE collector_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);
";

/// Version 8 to 9: who asked for no more survey emails, by user id and by address (kept
/// lower-cased; the empty text when the link named none). One row per pair, so that asking
/// twice changes nothing.
const V8_TO_V9: &str = "
CREATE TABLE unsubscribes (
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, email)
);
CREATE INDEX unsubscribes_email ON unsubscribes (email) WHERE email <> '';
";

/// Version 9 to 10: the hooks' queue. The answers' transaction writes each delivery it owes
/// here, a narrow row without a secondary index (one page of the write-ahead log per commit
/// rather than the delivery table's five b-trees); the worker moves the rows into
/// `hook_deliveries` in small batches before each look (see [`hooks`](super::hooks)). Measured
/// at 1,000 answers a second with three hooks, the delivery table's indexes written in every
/// answer's commit made the answers' p99 1.4 to 1.6 times the p99 without hooks.
const V9_TO_V10: &str = "
CREATE TABLE hook_queue (
    id INTEGER PRIMARY KEY,
    hook_id INTEGER NOT NULL,
    event TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    queued_at TEXT NOT NULL
);
";

/// Version 10 to 11: a delivery (and a queued one) carries its answer's arrival time, and is
/// found by answer through `(answer_received_at, answer_id)` rather than the answer's id alone.
/// Answers' ids are random, so each delivery moved from the queue wrote the old index at a
/// random page, one page of the write-ahead log per row in the answers' group commit; the new
/// key grows at its end (an answer's arrival time never changes, and its deliveries are moved
/// moments after it arrives). Measured at 1,000 answers a second with three hooks on disk, in
/// one run: with the old index the answers' p99 was 1.21 times the p99 without hooks, with no
/// index by answer at all 1.09. Deliveries about no one answer (digests) have both empty; those
/// whose answer was gone when this ran, or written by a collector of version 10 still running
/// on the file, have the empty time and their answer's id.
const V10_TO_V11: &str = "
ALTER TABLE hook_deliveries ADD COLUMN answer_received_at TEXT NOT NULL DEFAULT '';
ALTER TABLE hook_queue ADD COLUMN answer_received_at TEXT NOT NULL DEFAULT '';
UPDATE hook_deliveries SET answer_received_at = coalesce(
    (SELECT r.received_at FROM responses r WHERE r.id = hook_deliveries.answer_id), '')
    WHERE answer_id <> '';
UPDATE hook_queue SET answer_received_at = coalesce(
    (SELECT r.received_at FROM responses r WHERE r.id = hook_queue.answer_id), '');
DROP INDEX hook_deliveries_answer;
CREATE INDEX hook_deliveries_answer ON hook_deliveries (answer_received_at, answer_id);
";

/// Version 11 to 12: a delivery says whether it is a test (`POST /v1/hooks/{id}/test`: a
/// sample answer, or yesterday's digest out of its schedule), so that the log tells it apart
/// from the deliveries of real answers.
const V11_TO_V12: &str = "
ALTER TABLE hook_deliveries ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
";

/// Brings the database to [`VERSION`] in one transaction: creates it when empty, migrates it
/// when older. A database newer than this collector is refused rather than misread.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let has_table: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'responses')",
        [],
        |row| row.get(0),
    )?;
    if version == 0 && has_table {
        version = 1;
    }
    if version > VERSION {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(format!(
                "the database has schema version {version}; this collector knows up to {VERSION}"
            )),
        ));
    }
    if version == 0 {
        tx.execute_batch(CREATE_V2)?;
        version = 2;
    }
    if version == 1 {
        tx.execute_batch(V1_TO_V2)?;
        backfill_effective_shown_at(&tx, "")?;
        version = 2;
    }
    if version == 2 {
        tx.execute_batch(V2_TO_V3)?;
        version = 3;
    }
    if version == 3 {
        tx.execute_batch(V3_TO_V4)?;
        version = 4;
    }
    if version == 4 {
        tx.execute_batch(V4_TO_V5)?;
        report_slots::create(&tx)?;
        version = 5;
    }
    if version == 5 {
        tx.execute_batch(V5_TO_V6)?;
        version = 6;
    }
    if version == 6 {
        tx.execute_batch(V6_TO_V7)?;
        version = 7;
    }
    if version == 7 {
        tx.execute_batch(V7_TO_V8)?;
        version = 8;
    }
    if version == 8 {
        tx.execute_batch(V8_TO_V9)?;
        version = 9;
    }
    if version == 9 {
        tx.execute_batch(V9_TO_V10)?;
        version = 10;
    }
    if version == 10 {
        tx.execute_batch(V10_TO_V11)?;
        version = 11;
    }
    if version == 11 {
        tx.execute_batch(V11_TO_V12)?;
    }
    // Rows a 0.1 collector wrote on this file since (a fleet being upgraded) have no effective
    // time yet: give them theirs at each start (found through the index on that column).
    backfill_effective_shown_at(&tx, "WHERE effective_shown_at = ''")?;
    report_slots::remove_empty(&tx)?;
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()
}

/// Sets the effective shown time of the answers `condition` selects (all with an empty one),
/// by the same rule as new answers (`effective_shown_at` of the core).
fn backfill_effective_shown_at(tx: &Transaction, condition: &str) -> rusqlite::Result<()> {
    let rows: Vec<(String, String, String)> = tx
        .prepare(&format!(
            "SELECT id, shown_at, received_at FROM responses {condition}"
        ))?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update =
        tx.prepare("UPDATE responses SET effective_shown_at = :effective WHERE id = :id")?;
    for (id, shown_at, received_at) in rows {
        let received = parse_timestamp(&received_at).unwrap_or(0);
        let shown = parse_timestamp(&shown_at).unwrap_or(received);
        let effective = format_timestamp(effective_shown_at(shown, received));
        update.execute(named_params! { ":effective": effective, ":id": id })?;
    }
    Ok(())
}
