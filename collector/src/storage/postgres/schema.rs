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
    // Version 1: answers, admin tokens and dashboard sessions. Times are RFC 3339 UTC text
    // with milliseconds, as the wire and the SQLite store write them, so that they sort as
    // text and read back unchanged; properties are JSONB. Every text column compares and
    // sorts byte by byte (`COLLATE "C"`), as SQLite does, whatever the database's locale.
    r#"
CREATE TABLE responses (
    id TEXT COLLATE "C" PRIMARY KEY,
    type TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    survey TEXT COLLATE "C" NOT NULL,
    score SMALLINT,
    category TEXT COLLATE "C",
    comment TEXT COLLATE "C",
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    preview BOOLEAN NOT NULL DEFAULT FALSE,
    key_hash TEXT COLLATE "C",
    user_id TEXT COLLATE "C",
    user_email TEXT COLLATE "C",
    user_created_at TEXT COLLATE "C",
    user_properties JSONB,
    account_id TEXT COLLATE "C",
    account_name TEXT COLLATE "C",
    account_properties JSONB,
    language TEXT COLLATE "C",
    trigger_name TEXT COLLATE "C",
    page TEXT COLLATE "C",
    channel TEXT COLLATE "C" NOT NULL,
    shown_at TEXT COLLATE "C" NOT NULL,
    effective_shown_at TEXT COLLATE "C" NOT NULL,
    answered_at TEXT COLLATE "C",
    widget_version TEXT COLLATE "C",
    received_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    follow_up_status TEXT COLLATE "C" NOT NULL DEFAULT 'open',
    follow_up_assignee TEXT COLLATE "C",
    follow_up_note TEXT COLLATE "C",
    follow_up_tags JSONB NOT NULL DEFAULT '[]',
    follow_up_updated_at TEXT COLLATE "C",
    sample BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX responses_user_display ON responses (user_id, survey, effective_shown_at)
    WHERE NOT preview;
CREATE TABLE admin_tokens (
    name TEXT COLLATE "C" PRIMARY KEY,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at TEXT COLLATE "C" NOT NULL,
    last_used_at TEXT COLLATE "C"
);
CREATE TABLE admin_sessions (
    session_hash TEXT COLLATE "C" PRIMARY KEY,
    token_name TEXT COLLATE "C" NOT NULL REFERENCES admin_tokens (name) ON DELETE CASCADE,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);
"#,
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
