//! SQLite storage: one row per answer id.

use std::path::Path;
use std::sync::{LazyLock, Mutex, PoisonError};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;

use crate::validate::Answer;

const SCHEMA: &str = "
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

/// Columns written by an upsert, in the order of its parameters (`received_at` and
/// `updated_at` follow).
const COLUMNS: [&str; 20] = [
    "id",
    "type",
    "kind",
    "score",
    "category",
    "comment",
    "complete",
    "user_id",
    "user_email",
    "user_created_at",
    "user_properties",
    "account_id",
    "account_name",
    "account_properties",
    "language",
    "trigger_name",
    "page",
    "shown_at",
    "answered_at",
    "widget_version",
];

/// The upsert: a stored complete answer is never replaced by an incomplete one, and a row
/// that would not change is left alone (so `updated_at` only moves on a real change).
static UPSERT: LazyLock<String> = LazyLock::new(|| {
    let list = |prefix: &str| {
        COLUMNS[1..]
            .iter()
            .map(|c| format!("{prefix}{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let updates: Vec<String> = COLUMNS[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let placeholders: Vec<String> = (1..=COLUMNS.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO responses ({columns}, received_at, updated_at)
         VALUES ({placeholders}, ?{now}, ?{now})
         ON CONFLICT(id) DO UPDATE SET {updates}, updated_at = excluded.updated_at
         WHERE excluded.complete >= responses.complete
           AND ({existing}) IS NOT ({incoming})",
        columns = COLUMNS.join(", "),
        placeholders = placeholders.join(", "),
        now = COLUMNS.len() + 1,
        updates = updates.join(", "),
        existing = list("responses."),
        incoming = list("excluded."),
    )
});

/// One stored row, as `export` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredRow {
    /// Answer id.
    pub id: String,
    /// `response` or `decline`.
    #[serde(rename = "type")]
    pub answer_type: String,
    /// Survey kind (`nps`).
    pub kind: String,
    /// Score 0-10, `None` for a decline.
    pub score: Option<i64>,
    /// Category derived from the score.
    pub category: Option<String>,
    /// Follow-up comment.
    pub comment: Option<String>,
    /// Whether the follow-up step is over.
    pub complete: bool,
    /// User id.
    pub user_id: Option<String>,
    /// User email.
    pub user_email: Option<String>,
    /// User sign-up time.
    pub user_created_at: Option<String>,
    /// User properties object.
    pub user_properties: Option<Value>,
    /// Account id.
    pub account_id: Option<String>,
    /// Account name.
    pub account_name: Option<String>,
    /// Account properties object.
    pub account_properties: Option<Value>,
    /// Prompt language.
    pub language: Option<String>,
    /// Trigger that showed the prompt.
    pub trigger_name: Option<String>,
    /// Page URL.
    pub page: Option<String>,
    /// When the prompt was shown.
    pub shown_at: String,
    /// When it was answered.
    pub answered_at: Option<String>,
    /// Widget version.
    pub widget_version: Option<String>,
    /// When the collector first stored the id.
    pub received_at: String,
    /// When the collector last changed the row.
    pub updated_at: String,
}

impl StoredRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let json = |index: usize| -> rusqlite::Result<Option<Value>> {
            let text: Option<String> = row.get(index)?;
            Ok(text.and_then(|text| serde_json::from_str(&text).ok()))
        };
        Ok(StoredRow {
            id: row.get(0)?,
            answer_type: row.get(1)?,
            kind: row.get(2)?,
            score: row.get(3)?,
            category: row.get(4)?,
            comment: row.get(5)?,
            complete: row.get(6)?,
            user_id: row.get(7)?,
            user_email: row.get(8)?,
            user_created_at: row.get(9)?,
            user_properties: json(10)?,
            account_id: row.get(11)?,
            account_name: row.get(12)?,
            account_properties: json(13)?,
            language: row.get(14)?,
            trigger_name: row.get(15)?,
            page: row.get(16)?,
            shown_at: row.get(17)?,
            answered_at: row.get(18)?,
            widget_version: row.get(19)?,
            received_at: row.get(20)?,
            updated_at: row.get(21)?,
        })
    }
}

/// The latest prompt stored for a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastPrompt {
    /// `response` or `decline`.
    pub answer_type: String,
    /// When it was shown (`YYYY-MM-DDTHH:MM:SS.sssZ`).
    pub shown_at: String,
}

/// The answer store: one SQLite connection, shared behind a mutex.
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (creating if needed) the database file, switches it to WAL with
    /// `synchronous=FULL`, and creates the schema.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }

    /// Opens an existing database file read-only (for `export`).
    pub fn open_read_only(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Inserts the answer, or updates the row with the same id. A stored complete answer is
    /// never replaced by an incomplete one, and an identical resend changes nothing. `now` is
    /// the time to record as `received_at` / `updated_at`.
    pub fn upsert(&self, answer: &Answer, now: &str) -> rusqlite::Result<()> {
        self.conn().prepare_cached(&UPSERT)?.execute(params![
            answer.id,
            answer.answer_type.as_str(),
            answer.kind,
            answer.score,
            answer.category,
            answer.comment,
            answer.complete,
            answer.user.id,
            answer.user.label,
            answer.user.created_at,
            answer.user.properties,
            answer.account.id,
            answer.account.label,
            answer.account.properties,
            answer.language,
            answer.trigger,
            answer.page,
            answer.shown_at,
            answer.answered_at,
            answer.widget_version,
            now,
        ])?;
        Ok(())
    }

    /// The prompt of `kind` most recently shown to `user_id`, if any.
    pub fn last_prompt(&self, user_id: &str, kind: &str) -> rusqlite::Result<Option<LastPrompt>> {
        self.conn()
            .prepare_cached(
                "SELECT type, shown_at FROM responses WHERE user_id = ?1 AND kind = ?2
                 ORDER BY shown_at DESC LIMIT 1",
            )?
            .query_row(params![user_id, kind], |row| {
                Ok(LastPrompt {
                    answer_type: row.get(0)?,
                    shown_at: row.get(1)?,
                })
            })
            .optional()
    }

    /// Every stored row, oldest first.
    pub fn rows(&self) -> rusqlite::Result<Vec<StoredRow>> {
        let conn = self.conn();
        let mut statement = conn.prepare(&format!(
            "SELECT {}, received_at, updated_at FROM responses ORDER BY received_at, id",
            COLUMNS.join(", ")
        ))?;
        let rows = statement.query_map([], StoredRow::from_row)?;
        rows.collect()
    }
}
