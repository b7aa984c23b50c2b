//! SQLite storage: one row per answer id.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

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

/// Most answers committed in one transaction by the writer.
pub const MAX_BATCH: usize = 512;
/// Answers waiting for the writer before senders wait too.
const INBOX: usize = 4096;
/// How often the checkpoint thread copies the WAL back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);
/// WAL length (frames) past which the writer, once the checkpoint thread has copied most of
/// it, copies the rest itself so that the WAL starts over (16 MiB with 4 KiB pages).
const CATCH_UP_FRAMES: i64 = 4096;
/// WAL size (pages) past which the writer checkpoints by itself: a safety net, never reached
/// while the checkpoint thread keeps up.
const WRITER_CHECKPOINT_PAGES: i64 = 20_000;

/// Why an answer could not be stored. Nothing of it is on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteError(String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl From<rusqlite::Error> for WriteError {
    fn from(error: rusqlite::Error) -> Self {
        WriteError(error.to_string())
    }
}

/// One answer for the writer, and where to tell the caller it is committed.
struct Job {
    answer: Answer,
    now: String,
    reply: oneshot::Sender<Result<(), WriteError>>,
}

/// Where the writer's verdict on one job arrives.
type Done = oneshot::Receiver<Result<(), WriteError>>;

/// The writer thread and its inbox.
struct Writer {
    inbox: Option<mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<()>>,
    stop_checkpoints: Option<std::sync::mpsc::Sender<()>>,
    checkpoints: Option<std::thread::JoinHandle<()>>,
}

/// The answer store. Writes go to one writer thread that owns the writing connection and
/// commits every answer waiting for it in one transaction (group commit): with
/// `synchronous=FULL` that is one fsync for the whole group, and each caller is answered only
/// after the transaction holding its answer has committed. Reads use a second connection,
/// which in WAL mode never waits for the writer, and a third one, on its own thread, copies
/// the WAL back into the database file (checkpoints) without stopping the writer.
pub struct Db {
    reader: Mutex<Connection>,
    writer: Option<Writer>,
}

impl Db {
    /// Opens (creating if needed) the database file, switches it to WAL with
    /// `synchronous=FULL`, creates the schema and starts the writer thread.
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        // Checkpoints run on their own thread (below), so that the writer never stalls on one;
        // the writer checkpoints itself only if the WAL grows far beyond what that thread lets.
        conn.pragma_update(None, "wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)?;
        let reader = Connection::open(path)?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        reader.pragma_update(None, "synchronous", "FULL")?;
        let checkpointer = Connection::open(path)?;
        checkpointer.busy_timeout(std::time::Duration::from_secs(5))?;
        checkpointer.pragma_update(None, "synchronous", "FULL")?;

        let (inbox, jobs) = mpsc::channel(INBOX);
        let checkpointed = Arc::new(AtomicBool::new(false));
        let catch_up = checkpointed.clone();
        let (stop_checkpoints, stop) = std::sync::mpsc::channel();
        let spawn_error = |error: std::io::Error| {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some(format!("cannot start the database thread: {error}")),
            )
        };
        let thread = std::thread::Builder::new()
            .name("nps-db-writer".into())
            .spawn(move || write_loop(conn, jobs, &catch_up))
            .map_err(spawn_error)?;
        let checkpoints = std::thread::Builder::new()
            .name("nps-db-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpointer, stop, &checkpointed))
            .map_err(spawn_error)?;
        Ok(Db {
            reader: Mutex::new(reader),
            writer: Some(Writer {
                inbox: Some(inbox),
                thread: Some(thread),
                stop_checkpoints: Some(stop_checkpoints),
                checkpoints: Some(checkpoints),
            }),
        })
    }

    /// Opens an existing database file read-only (for `export`).
    pub fn open_read_only(path: &Path) -> rusqlite::Result<Db> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Db {
            reader: Mutex::new(conn),
            writer: None,
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The writer's inbox, a job for it and where its result will arrive.
    fn job(
        &self,
        answer: Answer,
        now: String,
    ) -> Result<(&mpsc::Sender<Job>, Job, Done), WriteError> {
        let inbox = self
            .writer
            .as_ref()
            .and_then(|w| w.inbox.as_ref())
            .ok_or_else(|| WriteError("the database is open read-only".into()))?;
        let (reply, done) = oneshot::channel();
        Ok((inbox, Job { answer, now, reply }, done))
    }

    /// Stores the answer: inserts it, or updates the row with the same id. A stored complete
    /// answer is never replaced by an incomplete one, and an identical resend changes nothing.
    /// `now` is the time to record as `received_at` / `updated_at`. Resolves once the
    /// transaction holding it is committed (on disk, with `synchronous=FULL`).
    pub async fn store(&self, answer: Answer, now: String) -> Result<(), WriteError> {
        let (inbox, job, done) = self.job(answer, now)?;
        inbox.send(job).await.map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }

    /// [`Db::store`] for synchronous callers; it blocks the calling thread, so it must not be
    /// called from an async task.
    pub fn upsert(&self, answer: &Answer, now: &str) -> Result<(), WriteError> {
        let (inbox, job, done) = self.job(answer.clone(), now.to_owned())?;
        inbox.blocking_send(job).map_err(|_| stopped())?;
        done.blocking_recv().map_err(|_| stopped())?
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

impl Drop for Db {
    /// Closes the inbox and waits for the writer to commit what it holds.
    fn drop(&mut self) {
        if let Some(writer) = self.writer.as_mut() {
            writer.inbox = None;
            if let Some(thread) = writer.thread.take() {
                let _ = thread.join();
            }
            writer.stop_checkpoints = None;
            if let Some(thread) = writer.checkpoints.take() {
                let _ = thread.join();
            }
        }
    }
}

fn stopped() -> WriteError {
    WriteError("the database writer has stopped".into())
}

/// The writer thread: takes the first waiting answer, then every other one already waiting (up
/// to [`MAX_BATCH`]), commits them in one transaction and answers each caller.
fn write_loop(conn: Connection, mut jobs: mpsc::Receiver<Job>, checkpointed: &AtomicBool) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = jobs.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let results = commit(&conn, &batch);
        for (job, result) in batch.drain(..).zip(results) {
            // The caller may have gone (client disconnected); the answer is stored regardless.
            let _ = job.reply.send(result);
        }
        if checkpointed.swap(false, Ordering::Relaxed) {
            // The checkpoint thread has copied a long WAL up to some recent frame: copying
            // the few frames committed since is quick here, between two transactions, and
            // lets the next transaction start the WAL over instead of growing it further.
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }
}

/// The checkpoint thread: a passive checkpoint every [`CHECKPOINT_EVERY`] until `stop` is
/// closed. A passive checkpoint never blocks the writer, and the WAL starts over from its
/// beginning once it has been copied entirely.
fn checkpoint_loop(
    conn: Connection,
    stop: std::sync::mpsc::Receiver<()>,
    checkpointed: &AtomicBool,
) {
    use std::sync::mpsc::RecvTimeoutError;
    while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
        // (busy, frames in the WAL, frames copied); frames is -1 when the WAL is not in use.
        let copied = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
            row.get::<_, i64>(2)
        });
        match copied {
            // Only a long WAL is worth the writer's pause to start it over.
            Ok(frames) if frames >= CATCH_UP_FRAMES => checkpointed.store(true, Ordering::Relaxed),
            Ok(_) => {}
            Err(error) => eprintln!("nps-collector: checkpoint failed: {error}"),
        }
    }
}

/// Upserts every job's answer in one transaction. An answer that fails alone (its statement
/// is undone) gets its error while the others commit; if the transaction itself is lost or
/// the commit fails, every answer of the batch gets the error.
fn commit(conn: &Connection, batch: &[Job]) -> Vec<Result<(), WriteError>> {
    let all = |error: WriteError| vec![Err(error); batch.len()];
    if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
        return all(error.into());
    }
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        let result = upsert_row(conn, &job.answer, &job.now).map_err(WriteError::from);
        if let Err(error) = &result {
            if conn.is_autocommit() {
                // SQLite rolled the whole transaction back (I/O error, disk full, ...).
                return all(error.clone());
            }
        }
        results.push(result);
    }
    if let Err(error) = conn.execute_batch("COMMIT") {
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        return all(error.into());
    }
    results
}

fn upsert_row(conn: &Connection, answer: &Answer, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(&UPSERT)?.execute(params![
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
