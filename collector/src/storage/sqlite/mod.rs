//! SQLite storage, one file: WAL mode with `synchronous=FULL` (a `202` means the answer is on
//! disk), one writer thread with group commit ([`writer`]), reads on a connection of their
//! own that never waits for the writer, and checkpoints on a third.

mod answer_list;
mod columns;
mod hooks;
mod report;
mod report_slots;
mod samples;
mod schema;
mod secrets;
mod tokens;
mod unsubscribes;
mod writer;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use nps_widget::core::lifecycle::Stage;
use nps_widget::core::time::parse_timestamp;
use rusqlite::{named_params, Connection, OpenFlags, Row};
use tokio::sync::{mpsc, oneshot, Notify};

pub use schema::VERSION as SCHEMA_VERSION;
use writer::Job;

use crate::storage::{AnswerStore, Applied, LastDisplay, StorageError, StoredAnswer};
use crate::validate::Answer;

/// Bodies waiting for the writer before senders wait too.
const INBOX: usize = 4096;
/// How often the checkpoint thread copies the WAL back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);
/// WAL length (frames) past which the writer, once the checkpoint thread has copied most of
/// it, copies the rest itself so that the WAL starts over (16 MiB with 4 KiB pages).
const CATCH_UP_FRAMES: i64 = 4096;
/// WAL size (pages) past which the writer checkpoints by itself: a safety net, never reached
/// while the checkpoint thread keeps up.
const WRITER_CHECKPOINT_PAGES: i64 = 20_000;
/// How long a connection waits for a lock held by another process.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The writer thread, the checkpoint thread and how to stop them.
struct Threads {
    inbox: Option<mpsc::Sender<Job>>,
    writer: Option<std::thread::JoinHandle<()>>,
    stop_checkpoints: Option<std::sync::mpsc::Sender<()>>,
    checkpoints: Option<std::thread::JoinHandle<()>>,
}

/// The SQLite answer store.
pub struct SqliteStore {
    path: std::path::PathBuf,
    reader: Arc<Mutex<Connection>>,
    /// A connection apart from the reader that eligibility needs, for the answers list's reads
    /// and its short follow-up and deletion transactions (see [`answer_list`]) and the rare
    /// writes of admin tokens and sessions (see [`tokens`]); `None` when read-only.
    admin: Option<Arc<Mutex<Connection>>>,
    threads: Option<Threads>,
    /// Wakes the hook worker when deliveries are queued (see [`hooks`]).
    hook_signal: Arc<Notify>,
}

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Temporary data in memory: above all the statement journal of each body's savepoint,
    // which SQLite otherwise spills to a temporary file (opened, written and closed per body)
    // once a body changes more than 64 KiB of pages, as one with its report counts and hook
    // deliveries does.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    hooks::add_functions(&conn)?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, switches it to WAL, brings its schema to
    /// the current version (migrating an older database) and starts the writer thread.
    pub fn open(path: &Path) -> rusqlite::Result<SqliteStore> {
        let mut conn = open_connection(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        schema::migrate(&mut conn)?;
        // Deliveries queued by a collector that stopped before moving them (killed, or just
        // before `migrate` copies the database) are deliveries from now on. Immediate: another
        // process may be writing the file, and a read that then tries to write is refused at
        // once rather than waiting its turn.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        hooks::move_all_queued(&tx)?;
        tx.commit()?;
        // Checkpoints run on their own thread (below), so that the writer never stalls on one;
        // the writer checkpoints itself only if the WAL grows far beyond what that thread lets.
        conn.pragma_update(None, "wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)?;
        let reader = open_connection(path)?;
        let admin = open_connection(path)?;
        let checkpointer = open_connection(path)?;

        let (inbox, jobs) = mpsc::channel(INBOX);
        let checkpointed = Arc::new(AtomicBool::new(false));
        let catch_up = checkpointed.clone();
        let (stop_checkpoints, stop) = std::sync::mpsc::channel();
        let hook_signal = Arc::new(Notify::new());
        let queued = hook_signal.clone();
        let spawn_error = |error: std::io::Error| {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some(format!("cannot start the database thread: {error}")),
            )
        };
        let writer = std::thread::Builder::new()
            .name("nps-db-writer".into())
            .spawn(move || writer::write_loop(conn, jobs, &catch_up, &queued))
            .map_err(spawn_error)?;
        let checkpoints = std::thread::Builder::new()
            .name("nps-db-checkpoint".into())
            .spawn(move || checkpoint_loop(checkpointer, stop, &checkpointed))
            .map_err(spawn_error)?;
        Ok(SqliteStore {
            path: path.to_owned(),
            reader: Arc::new(Mutex::new(reader)),
            admin: Some(Arc::new(Mutex::new(admin))),
            threads: Some(Threads {
                inbox: Some(inbox),
                writer: Some(writer),
                stop_checkpoints: Some(stop_checkpoints),
                checkpoints: Some(checkpoints),
            }),
            hook_signal,
        })
    }

    /// Opens an existing database file read-only (for `export`); it must be at the current
    /// schema version (open it once with [`SqliteStore::open`] to migrate it).
    pub fn open_read_only(path: &Path) -> rusqlite::Result<SqliteStore> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if version != SCHEMA_VERSION {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some(format!(
                    "schema version {version}, not {SCHEMA_VERSION}: start the collector on it once to migrate it"
                )),
            ));
        }
        Ok(SqliteStore {
            path: path.to_owned(),
            reader: Arc::new(Mutex::new(conn)),
            admin: None,
            threads: None,
            hook_signal: Arc::new(Notify::new()),
        })
    }

    /// Runs `write` in a `BEGIN IMMEDIATE` transaction on the admin connection, on a blocking
    /// thread; committed when it returns `Ok`. For the rare writes outside the answers' writer
    /// thread (follow-up, deletions, tokens, sessions); SQLite serialises them with it.
    async fn admin_write<T: Send + 'static>(
        &self,
        write: impl FnOnce(&rusqlite::Transaction) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StorageError> {
        let admin = self
            .admin
            .clone()
            .ok_or_else(|| StorageError::new("the database is open read-only"))?;
        tokio::task::spawn_blocking(move || {
            let mut conn = admin.lock().unwrap_or_else(PoisonError::into_inner);
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let result = write(&tx)?;
            tx.commit()?;
            Ok::<T, rusqlite::Error>(result)
        })
        .await
        .map_err(|error| StorageError::new(error.to_string()))?
        .map_err(StorageError::from)
    }

    /// Runs `write` on the answers' writer thread, in a group commit (in a savepoint of its
    /// own; one such write a transaction, see [`writer::write_loop`]), and returns once that
    /// has committed. For frequent writes besides the answers (the moves of the hooks' queue
    /// and the worker's attempts), in small pieces: on the admin connection they would contend
    /// with the writer for SQLite's write lock (see [`writer`]).
    async fn group_write(
        &self,
        write: impl FnOnce(&Connection) -> rusqlite::Result<()> + Send + 'static,
    ) -> Result<(), StorageError> {
        self.to_writer(|reply| Job::Write {
            write: Box::new(write),
            reply,
        })
        .await
    }

    /// Hands the writer thread the job `job` makes with its reply channel, and waits for the
    /// reply (sent once the transaction holding the job has committed).
    async fn to_writer<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, StorageError>>) -> Job,
    ) -> Result<T, StorageError> {
        let inbox = self
            .threads
            .as_ref()
            .and_then(|threads| threads.inbox.as_ref())
            .ok_or_else(|| StorageError::new("the database is open read-only"))?;
        let (reply, done) = oneshot::channel();
        inbox.send(job(reply)).await.map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }

    /// Runs `read` on the reading connection, on a blocking thread.
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StorageError> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader.lock().unwrap_or_else(PoisonError::into_inner);
            read(&conn)
        })
        .await
        .map_err(|error| StorageError::new(error.to_string()))?
        .map_err(StorageError::from)
    }
}

#[async_trait]
impl AnswerStore for SqliteStore {
    async fn submit(&self, answer: Answer, received_at: i64) -> Result<Applied, StorageError> {
        self.to_writer(|reply| Job::Body {
            answer: Box::new(answer),
            received_at,
            reply,
        })
        .await
    }

    async fn latest_displays(
        &self,
        user_id: &str,
    ) -> Result<Vec<(String, LastDisplay)>, StorageError> {
        let user_id = user_id.to_owned();
        self.read(move |conn| {
            let mut statement = conn.prepare_cached(
                // A row without an effective time was written by a 0.1 collector still
                // running on a migrated file: its device time stands in. A user has a handful
                // of rows; the (user_id, survey, …) index finds them.
                "SELECT survey, type, complete, effective_shown_at FROM (
                     SELECT survey, type, complete,
                            COALESCE(NULLIF(effective_shown_at, ''), shown_at) AS effective_shown_at,
                            ROW_NUMBER() OVER (
                                PARTITION BY survey
                                ORDER BY COALESCE(NULLIF(effective_shown_at, ''), shown_at) DESC,
                                         received_at DESC, id DESC
                            ) AS latest
                     FROM responses
                     WHERE user_id = :user_id AND preview = 0
                 ) WHERE latest = 1
                 ORDER BY effective_shown_at",
            )?;
            let rows = statement.query_map(named_params! { ":user_id": user_id }, |row| {
                let body_type: String = row.get("type")?;
                let shown_at: String = row.get("effective_shown_at")?;
                Ok((
                    row.get("survey")?,
                    LastDisplay {
                        stage: Stage::of(&body_type, row.get("complete")?)
                            .unwrap_or(Stage::Displayed),
                        shown_at: parse_timestamp(&shown_at).unwrap_or(0),
                    },
                ))
            })?;
            rows.collect()
        })
        .await
    }

    async fn answers(&self) -> Result<Vec<StoredAnswer>, StorageError> {
        self.read(|conn| {
            let mut statement = conn.prepare(concat!(
                "SELECT ",
                answer_columns!(),
                " FROM responses ORDER BY received_at, id"
            ))?;
            let rows = statement.query_map([], stored_answer)?;
            rows.collect()
        })
        .await
    }
}

/// The columns of `responses` that make a [`StoredAnswer`], as a `SELECT` list: statements
/// that [`stored_answer`] reads select these, in this order (see [`columns`]).
macro_rules! answer_columns {
    () => {
        "id, type, kind, survey, score, category, comment, complete, preview, user_id,
         user_email, user_created_at, user_properties, account_id, account_name,
         account_properties, language, trigger_name, page, channel, shown_at,
         effective_shown_at, answered_at, widget_version, received_at, updated_at,
         follow_up_status, follow_up_assignee, follow_up_note, follow_up_tags,
         follow_up_updated_at, sample"
    };
}
pub(super) use answer_columns;

/// A `responses` row selected as [`answer_columns`] lists, by position.
pub(super) fn stored_answer(row: &Row) -> rusqlite::Result<StoredAnswer> {
    macro_rules! at {
        ($name:literal) => {
            columns::column!(answer_columns, $name)
        };
    }
    let json = |column: usize| -> rusqlite::Result<Option<serde_json::Value>> {
        let text: Option<String> = row.get(column)?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    };
    Ok(StoredAnswer {
        id: row.get(at!("id"))?,
        body_type: row.get(at!("type"))?,
        kind: row.get(at!("kind"))?,
        survey: row.get(at!("survey"))?,
        score: row.get(at!("score"))?,
        category: row.get(at!("category"))?,
        comment: row.get(at!("comment"))?,
        complete: row.get(at!("complete"))?,
        preview: row.get(at!("preview"))?,
        user_id: row.get(at!("user_id"))?,
        user_email: row.get(at!("user_email"))?,
        user_created_at: row.get(at!("user_created_at"))?,
        user_properties: json(at!("user_properties"))?,
        account_id: row.get(at!("account_id"))?,
        account_name: row.get(at!("account_name"))?,
        account_properties: json(at!("account_properties"))?,
        language: row.get(at!("language"))?,
        trigger_name: row.get(at!("trigger_name"))?,
        page: row.get(at!("page"))?,
        channel: row.get(at!("channel"))?,
        shown_at: row.get(at!("shown_at"))?,
        effective_shown_at: row.get(at!("effective_shown_at"))?,
        answered_at: row.get(at!("answered_at"))?,
        widget_version: row.get(at!("widget_version"))?,
        received_at: row.get(at!("received_at"))?,
        updated_at: row.get(at!("updated_at"))?,
        follow_up_status: row.get(at!("follow_up_status"))?,
        follow_up_assignee: row.get(at!("follow_up_assignee"))?,
        follow_up_note: row.get(at!("follow_up_note"))?,
        follow_up_tags: json(at!("follow_up_tags"))?
            .and_then(|tags| serde_json::from_value(tags).ok())
            .unwrap_or_default(),
        follow_up_updated_at: row.get(at!("follow_up_updated_at"))?,
        sample: row.get(at!("sample"))?,
    })
}

impl Drop for SqliteStore {
    /// Closes the inbox and waits for the writer to commit what it holds.
    fn drop(&mut self) {
        if let Some(threads) = self.threads.as_mut() {
            threads.inbox = None;
            if let Some(thread) = threads.writer.take() {
                let _ = thread.join();
            }
            threads.stop_checkpoints = None;
            if let Some(thread) = threads.checkpoints.take() {
                let _ = thread.join();
            }
        }
    }
}

fn stopped() -> StorageError {
    StorageError::new("the database writer has stopped")
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
            Err(error) => tracing::warn!(%error, "checkpoint failed"),
        }
    }
}
