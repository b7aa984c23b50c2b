//! The PostgreSQL schema and its migrations: one list of steps, applied in order from the
//! version a database records, each in the transaction that records it. Any number of
//! collectors may start at once on one database: a transaction-level advisory lock lets one
//! migrate while the others wait, then find the work done.

use tokio_postgres::Client;

use crate::storage::StorageError;

/// The schema version this build writes.
pub const VERSION: i32 = 1;

/// The steps, in order: `STEPS[n]` takes a database from version `n` to `n + 1`.
const STEPS: [&str; VERSION as usize] = [
    // Version 1: answers, admin tokens and dashboard sessions. Times are RFC 3339 UTC text with milliseconds, as the wire and the
    // SQLite store write them, so that they sort as text and read back unchanged; properties
    // are JSONB.
    "
CREATE TABLE responses (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    kind TEXT NOT NULL,
    survey TEXT NOT NULL,
    score SMALLINT,
    category TEXT,
    comment TEXT,
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    preview BOOLEAN NOT NULL DEFAULT FALSE,
    key_hash TEXT,
    user_id TEXT,
    user_email TEXT,
    user_created_at TEXT,
    user_properties JSONB,
    account_id TEXT,
    account_name TEXT,
    account_properties JSONB,
    language TEXT,
    trigger_name TEXT,
    page TEXT,
    channel TEXT NOT NULL,
    shown_at TEXT NOT NULL,
    effective_shown_at TEXT NOT NULL,
    answered_at TEXT,
    widget_version TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    follow_up_status TEXT NOT NULL DEFAULT 'open',
    follow_up_assignee TEXT,
    follow_up_note TEXT,
    follow_up_tags JSONB NOT NULL DEFAULT '[]',
    follow_up_updated_at TEXT,
    sample BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX responses_user_display ON responses (user_id, survey, effective_shown_at)
    WHERE NOT preview;
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
",
];

/// An arbitrary constant naming this schema's advisory lock.
const MIGRATION_LOCK: i64 = 0x6e70_735f_6d69_6772;

/// Brings the database to [`VERSION`]; refuses one written by a newer build, changing nothing.
pub async fn migrate(client: &mut Client) -> Result<(), StorageError> {
    let transaction = client.transaction().await?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    transaction
        .batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .await?;
    let stored: Option<i32> = transaction
        .query_opt("SELECT version FROM schema_version", &[])
        .await?
        .map(|row| row.get(0));
    let mut version = stored.unwrap_or(0);
    if version > VERSION {
        // The transaction is dropped unfinished, and so rolled back.
        return Err(StorageError(format!(
            "the database's schema is version {version}, newer than this collector's {VERSION}: \
             run a newer nps-collector"
        )));
    }
    while version < VERSION {
        transaction.batch_execute(STEPS[version as usize]).await?;
        version += 1;
    }
    let record = if stored.is_none() {
        "INSERT INTO schema_version (version) VALUES ($1)"
    } else {
        "UPDATE schema_version SET version = $1"
    };
    transaction.execute(record, &[&version]).await?;
    transaction.commit().await?;
    Ok(())
}
