//! The PostgreSQL schema and its migrations: one list of steps, applied in order from the
//! version a database records, each in the transaction that records it. Any number of
//! collectors may start at once on one database: a transaction-level advisory lock lets one
//! migrate while the others wait, then find the work done.

use tokio_postgres::Client;

use crate::storage::StorageError;

/// The schema version this build writes.
pub const VERSION: i32 = 4;

/// The steps, in order: `STEPS[n]` takes a database from version `n` to `n + 1`. (Version 1 is
/// the first this collector serves; a later change is a new step, never an edit of one.)
const STEPS: [&str; VERSION as usize] = [
    // Version 1: answers, hooks and their deliveries (as SQLite's, plus the claim a
    // collector's run holds on its hook: see `super::hooks`), admin tokens and dashboard
    // sessions. Times are RFC 3339 UTC text with milliseconds, as the wire and the SQLite
    // store write them, so that they sort as text and read back unchanged; properties are
    // JSONB. Every text column compares and sorts byte by byte (`COLLATE "C"`), as SQLite
    // does, whatever the database's locale.
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
-- The report (`storage::postgres::report`): its counts read the range of one survey's effective shown times,
-- and everything they count without a filter or a breakdown is in the index (an index-only
-- scan); the latest kind of a survey is its first entry read backwards. Properties are read
-- from the rows of that range: a breakdown cannot use an index on them, and a filter on one is
-- no faster through a GIN index (measured: the planner takes it even for common values).
CREATE INDEX responses_report ON responses (survey, effective_shown_at, kind, type, score, category)
    WHERE NOT preview;
-- The latest kind of a survey that has only previews, or of no survey at all: found without
-- reading every answer. Previews are few.
CREATE INDEX responses_preview ON responses (survey, effective_shown_at) WHERE preview;
-- The answers list, newest first.
CREATE INDEX responses_time ON responses (effective_shown_at, id);
CREATE TABLE hooks (
    id BIGSERIAL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL,
    url TEXT COLLATE "C" NOT NULL,
    format TEXT COLLATE "C" NOT NULL,
    events TEXT COLLATE "C" NOT NULL,
    filter TEXT COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C",
    digest_last_day TEXT COLLATE "C",
    secret TEXT COLLATE "C",
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    hold_until TEXT COLLATE "C",
    hold_failures INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT COLLATE "C",
    claimed_until TIMESTAMPTZ,
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE TABLE hook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    hook_id BIGINT NOT NULL REFERENCES hooks (id) ON DELETE CASCADE,
    event TEXT COLLATE "C" NOT NULL,
    answer_id TEXT COLLATE "C" NOT NULL,
    webhook_id TEXT COLLATE "C" NOT NULL,
    body TEXT COLLATE "C" NOT NULL,
    status TEXT COLLATE "C" NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER,
    last_latency_ms BIGINT,
    last_response TEXT COLLATE "C",
    next_attempt_at TEXT COLLATE "C",
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX hook_deliveries_pending ON hook_deliveries (hook_id, next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX hook_deliveries_hook ON hook_deliveries (hook_id, id);
CREATE INDEX hook_deliveries_answer ON hook_deliveries (answer_id);
CREATE INDEX hook_deliveries_created ON hook_deliveries (created_at);
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
    // Version 2: the collector's own secrets (the key that signs survey links), made the
    // first time they are needed.
    r#"
CREATE TABLE collector_secrets (
    name TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
"#,
    // Version 3: who asked for no more survey emails, by user id and by address (kept
    // lower-cased; the empty text when the link named none), one row per pair.
    r#"
CREATE TABLE unsubscribes (
    user_id TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, email)
);
CREATE INDEX unsubscribes_email ON unsubscribes (email) WHERE email <> '';
"#,
    // Version 4: a delivery says whether it is a test (a sample answer, or a digest sent out
    // of its schedule), so that the log tells it apart from real answers' deliveries.
    r#"
ALTER TABLE hook_deliveries ADD COLUMN test BOOLEAN NOT NULL DEFAULT FALSE;
"#,
];

/// An arbitrary constant naming this schema's advisory lock.
const MIGRATION_LOCK: i64 = 0x6e70_735f_6d69_6772;

/// Checks, changing nothing, that the database is at [`VERSION`] (for commands that only
/// read: a collector's start migrates it).
pub async fn check(client: &Client) -> Result<(), StorageError> {
    let stored: Option<i32> = match client
        .query_opt("SELECT version FROM schema_version", &[])
        .await
    {
        Ok(row) => row.map(|row| row.get(0)),
        // No such table: nothing was ever stored there.
        Err(error) if error.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => {
            None
        }
        Err(error) => return Err(error.into()),
    };
    match stored {
        Some(VERSION) => Ok(()),
        Some(version) => Err(StorageError::new(format!(
            "the database's schema is version {version}, this collector's {VERSION}: start \
             nps-collector serve on it once to migrate it, or run a newer nps-collector"
        ))),
        None => Err(StorageError::new(
            "the database holds no answers yet (no nps-collector has started on it)",
        )),
    }
}

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
        return Err(StorageError::new(format!(
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
