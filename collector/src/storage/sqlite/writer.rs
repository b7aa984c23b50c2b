//! The SQLite writer: one thread owns the writing connection and commits the bodies waiting
//! for it in one transaction (group commit): with `synchronous=FULL` that is one fsync for the
//! whole group, and each caller is answered only after the transaction holding its body has
//! committed. Each body is judged by the core's lifecycle rules against the stored answer
//! inside that transaction, so two bodies of one answer can never race. A body that moves an
//! answer to a new stage queues the hooks' deliveries of its events in that same transaction
//! (see [`hooks`](super::hooks)); each body, with its deliveries, is applied whole or not at all.
//!
//! Other frequent writes join the same group commit ([`Job::Write`]: the hook worker moves
//! its queue and records its attempts this way, in small pieces, at most one per transaction).
//! A second connection writing on its own would contend with this one
//! for SQLite's single write lock, and the loser waits in SQLite's busy handler, whose sleeps
//! (1, 2, 5, 10 … 100 ms) land on the answers' latency.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nps_widget::core::lifecycle::{judge, Stage, Verdict};
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use rusqlite::{named_params, Connection, OptionalExtension, ToSql};
use tokio::sync::{mpsc, oneshot, Notify};

use super::hooks;
use crate::hooks::event::transition;
use crate::storage::hooks::Rule;
use crate::storage::{key_hash, Applied, BodyColumns, StorageError, StoredFacts};
use crate::validate::Answer;

/// Most bodies committed in one transaction.
pub const MAX_BATCH: usize = 512;

/// A write that joins the group commit, run in a savepoint of its own.
pub type Write = Box<dyn FnOnce(&Connection) -> rusqlite::Result<()> + Send>;

/// Something for the writer, and where to tell the caller what became of it once the
/// transaction holding it has committed.
pub enum Job {
    /// One body of the wire format.
    Body {
        /// The validated body (boxed: a job is moved through a channel).
        answer: Box<Answer>,
        /// Server time of its arrival (epoch ms).
        received_at: i64,
        /// Where the verdict goes.
        reply: oneshot::Sender<Result<Applied, StorageError>>,
    },
    /// Any other write.
    Write {
        /// The write.
        write: Write,
        /// Where its result goes.
        reply: oneshot::Sender<Result<(), StorageError>>,
    },
}

/// What became of one job, to be sent to its caller.
enum Done {
    Body(
        oneshot::Sender<Result<Applied, StorageError>>,
        Result<Applied, StorageError>,
    ),
    Write(
        oneshot::Sender<Result<(), StorageError>>,
        Result<(), StorageError>,
    ),
}

impl Done {
    /// Sends the result; the caller may have gone (a client disconnected): what was written
    /// stays written.
    fn send(self) {
        match self {
            Done::Body(reply, result) => {
                let _ = reply.send(result);
            }
            Done::Write(reply, result) => {
                let _ = reply.send(result);
            }
        }
    }

    /// The same job, failed with `error`.
    fn failed(self, error: &StorageError) -> Done {
        match self {
            Done::Body(reply, _) => Done::Body(reply, Err(error.clone())),
            Done::Write(reply, _) => Done::Write(reply, Err(error.clone())),
        }
    }
}

impl From<rusqlite::Error> for StorageError {
    fn from(error: rusqlite::Error) -> Self {
        StorageError::new(error.to_string())
    }
}

/// The writer thread: takes the first waiting job, then the others already waiting (up to
/// [`MAX_BATCH`], see [`gather`]), commits them in one transaction and answers each caller;
/// wakes the hook worker through `queued` when the transaction queued deliveries.
///
/// A transaction holds one [`Job::Write`]; the others wait, in order, for the next
/// transactions. Those writes are the hook worker's (and the delivery log's move of the
/// queue), each a small piece of work (see [`hooks::PIECE`]), and a body that arrives while a
/// transaction runs waits for all of it. Measured at 1,000 answers a second with three busy
/// hooks on a database in memory: when any number of them joined one transaction (a move of
/// 64 rows, or a run's attempts of up to a second), they took 0.6 ms on average and up to 3 ms
/// each. When a write has waited [`BEHIND`] (a slow disk, whose commits are few), up to
/// [`WRITES_WHEN_BEHIND`] go in one transaction, so that deliveries keep up with the answers.
pub fn write_loop(
    conn: Connection,
    mut jobs: mpsc::Receiver<Job>,
    checkpointed: &AtomicBool,
    queued: &Notify,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut later: VecDeque<(Instant, Job)> = VecDeque::new();
    loop {
        let (first, since) = match later.pop_front() {
            Some((since, write)) => (write, Some(since)),
            None => match jobs.blocking_recv() {
                Some(job) => (job, None),
                None => break,
            },
        };
        let now = Instant::now();
        gather(
            first,
            since,
            || jobs.try_recv().ok(),
            &mut later,
            now,
            &mut batch,
        );
        let (done, deliveries) = commit(&conn, batch.drain(..));
        if deliveries > 0 {
            queued.notify_one();
        }
        for job in done {
            job.send();
        }
        if checkpointed.swap(false, Ordering::Relaxed) {
            // The checkpoint thread has copied a long WAL up to some recent frame: copying
            // the few frames committed since is quick here, between two transactions, and
            // lets the next transaction start the WAL over instead of growing it further.
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }
}

/// How long a write beside the bodies waits before the writer lets several into one
/// transaction.
const BEHIND: Duration = Duration::from_millis(20);

/// Most writes beside the bodies one transaction holds once they are [`BEHIND`].
const WRITES_WHEN_BEHIND: usize = 4;

/// Whether a job is a write beside the answers' bodies, of which a transaction holds one.
trait Beside {
    fn is_beside(&self) -> bool;
}

impl Beside for Job {
    fn is_beside(&self) -> bool {
        matches!(self, Job::Write { .. })
    }
}

/// Gathers the next transaction's jobs into `batch`: `first` (put off since `since`, when it
/// comes from `later`), then what `waiting` yields until it has nothing more or the batch holds
/// [`MAX_BATCH`]. Of the writes beside the bodies the batch takes one, or up to
/// [`WRITES_WHEN_BEHIND`] from the front of `later` when `first` has waited [`BEHIND`] at
/// `now`; the others go to the back of `later`, in their order.
fn gather<J: Beside>(
    first: J,
    since: Option<Instant>,
    mut waiting: impl FnMut() -> Option<J>,
    later: &mut VecDeque<(Instant, J)>,
    now: Instant,
    batch: &mut Vec<J>,
) {
    // What waits in `later` goes first: the caller takes `first` from it when it can.
    debug_assert!(later.is_empty() || since.is_some());
    let behind = since.is_some_and(|since| now.duration_since(since) >= BEHIND);
    let mut writes = if behind { WRITES_WHEN_BEHIND } else { 1 };
    if first.is_beside() {
        writes -= 1;
    }
    batch.push(first);
    while writes > 0 && batch.len() < MAX_BATCH {
        let Some((_, write)) = later.pop_front() else {
            break;
        };
        batch.push(write);
        writes -= 1;
    }
    while batch.len() < MAX_BATCH {
        let Some(job) = waiting() else { break };
        if job.is_beside() {
            if writes == 0 || !later.is_empty() {
                later.push_back((now, job));
                continue;
            }
            writes -= 1;
        }
        batch.push(job);
    }
}

/// Runs every job in one transaction. A job that fails alone (its changes are undone) gets
/// its error while the others commit; if the transaction itself is lost or the commit fails,
/// every job of the batch gets the error. Also returns how many deliveries the committed
/// transaction queued.
fn commit(conn: &Connection, batch: impl Iterator<Item = Job>) -> (Vec<Done>, usize) {
    let mut done = Vec::with_capacity(MAX_BATCH);
    let mut lost: Option<StorageError> = conn
        .execute_batch("BEGIN IMMEDIATE")
        .err()
        .map(StorageError::from);
    // The hooks' rules, read once per transaction, when a body first fires an event.
    let mut rules = None;
    let mut deliveries = 0;
    for job in batch {
        if let Some(error) = &lost {
            // Not run: the transaction is gone.
            done.push(match job {
                Job::Body { reply, .. } => Done::Body(reply, Err(error.clone())),
                Job::Write { reply, .. } => Done::Write(reply, Err(error.clone())),
            });
            continue;
        }
        let (result, failed) = match job {
            Job::Body {
                answer,
                received_at,
                reply,
            } => {
                let mut queued = 0;
                let result = in_savepoint(conn, |conn| {
                    apply(conn, &answer, received_at, &mut rules, &mut queued)
                });
                if result.is_ok() {
                    deliveries += queued;
                }
                let failed = result.as_ref().err().cloned();
                (Done::Body(reply, result), failed)
            }
            Job::Write { write, reply } => {
                let result = in_savepoint(conn, write);
                let failed = result.as_ref().err().cloned();
                (Done::Write(reply, result), failed)
            }
        };
        done.push(result);
        if let Some(error) = failed {
            if conn.is_autocommit() {
                // SQLite rolled the whole transaction back (I/O error, disk full, ...).
                lost = Some(error);
            }
        }
    }
    if lost.is_none() {
        if let Err(error) = conn.execute_batch("COMMIT") {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            lost = Some(error.into());
        }
    }
    match lost {
        Some(error) => (done.into_iter().map(|d| d.failed(&error)).collect(), 0),
        None => (done, deliveries),
    }
}

/// Runs `write` in a savepoint: its changes are kept together or not at all.
fn in_savepoint<T>(
    conn: &Connection,
    write: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> Result<T, StorageError> {
    conn.execute_batch("SAVEPOINT job")?;
    // A failed RELEASE undoes the job too: its caller hears of an error, so nothing of it may
    // be committed with the others.
    match write(conn).and_then(|value| conn.execute_batch("RELEASE job").map(|()| value)) {
        Ok(value) => Ok(value),
        Err(error) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK TO job; RELEASE job");
            }
            Err(error.into())
        }
    }
}

/// Judges one body against the stored answer with its id, writes what the rules allow, and
/// queues the deliveries of the events of the answer's move (adding their number to `queued`).
fn apply(
    conn: &Connection,
    answer: &Answer,
    received_at: i64,
    rules: &mut Option<Vec<Rule>>,
    queued: &mut usize,
) -> rusqlite::Result<Applied> {
    let stored = conn
        .prepare_cached(
            "SELECT type, complete, key_hash, user_id, kind, survey, received_at
             FROM responses WHERE id = :id",
        )?
        .query_row(named_params! { ":id": answer.id }, |row| {
            let body_type: String = row.get("type")?;
            Ok(StoredFacts {
                // A stored type is always one of the three (validated on the way in).
                stage: Stage::of(&body_type, row.get("complete")?).unwrap_or(Stage::Displayed),
                key_hash: row.get("key_hash")?,
                user_id: row.get("user_id")?,
                kind: row.get("kind")?,
                survey: row.get("survey")?,
                received_at: row.get("received_at")?,
            })
        })
        .optional()?;
    let hash = answer.key.as_deref().map(key_hash);
    let incoming = answer.facts(hash.as_deref());
    match judge(stored.as_ref().map(StoredFacts::facts).as_ref(), &incoming) {
        Verdict::Insert => insert(conn, answer, hash.as_deref(), received_at, false)?,
        Verdict::Update => {
            let first_received = stored
                .as_ref()
                .and_then(|s| parse_timestamp(&s.received_at))
                .unwrap_or(received_at);
            update(conn, answer, first_received, received_at)?;
        }
        Verdict::Ignore => return Ok(Applied::Ignored),
        Verdict::Conflict(field) => return Ok(Applied::Conflict(field)),
    }
    let events = transition(stored.map(|s| s.stage), answer.stage);
    if !events.is_empty() {
        let rules = match rules {
            Some(rules) => rules,
            None => rules.insert(hooks::active_rules(conn)?),
        };
        *queued += hooks::queue(conn, rules, &answer.id, &events, received_at)?;
    }
    Ok(Applied::Stored)
}

/// The values of [`BodyColumns`] as the named parameters of both the insert and the update.
fn params<'a>(columns: &'a BodyColumns) -> Vec<(&'static str, &'a dyn ToSql)> {
    let answer = columns.answer;
    vec![
        (":id", &answer.id),
        (":type", &columns.body_type),
        (":score", &columns.score),
        (":category", &answer.category),
        (":comment", &answer.comment),
        (":complete", &columns.complete),
        (":user_email", &answer.user.label),
        (":user_created_at", &columns.user_created_at),
        (":user_properties", &answer.user.properties),
        (":account_id", &answer.account.id),
        (":account_name", &answer.account.label),
        (":account_properties", &answer.account.properties),
        (":language", &answer.language),
        (":trigger_name", &answer.trigger),
        (":page", &answer.page),
        (":channel", &answer.channel),
        (":shown_at", &columns.shown_at),
        (":effective_shown_at", &columns.effective_shown_at),
        (":answered_at", &columns.answered_at),
        (":widget_version", &answer.widget_version),
    ]
}

/// Stores an answer's first body, with what only the first body sets: the answer's identity
/// (kind, survey, user id), whether it is a preview or a sample, its key's hash and its arrival
/// time.
pub(super) fn insert(
    conn: &Connection,
    answer: &Answer,
    key_hash: Option<&str>,
    received_at: i64,
    sample: bool,
) -> rusqlite::Result<()> {
    let columns = BodyColumns::new(answer, received_at);
    let (kind, received) = (answer.kind.name(), format_timestamp(received_at));
    let mut params = params(&columns);
    params.extend([
        (":kind", &kind as &dyn ToSql),
        (":survey", &answer.survey),
        (":preview", &answer.preview),
        (":key_hash", &key_hash),
        (":user_id", &answer.user.id),
        (":received_at", &received),
        (":sample", &sample),
    ]);
    conn.prepare_cached(
        "INSERT INTO responses (
            id, type, kind, survey, score, category, comment, complete, preview, key_hash,
            user_id, user_email, user_created_at, user_properties,
            account_id, account_name, account_properties,
            language, trigger_name, page, channel,
            shown_at, effective_shown_at, answered_at, widget_version, received_at, updated_at,
            sample
        ) VALUES (
            :id, :type, :kind, :survey, :score, :category, :comment, :complete, :preview, :key_hash,
            :user_id, :user_email, :user_created_at, :user_properties,
            :account_id, :account_name, :account_properties,
            :language, :trigger_name, :page, :channel,
            :shown_at, :effective_shown_at, :answered_at, :widget_version, :received_at, :received_at,
            :sample
        )",
    )?
    .execute(params.as_slice())?;
    Ok(())
}

/// Moves a stored answer on to the body's state. What never changes (id, key, user id, kind,
/// survey, preview, `receivedAt`) is left as the first body set it; the effective shown time
/// is judged against that first arrival.
fn update(
    conn: &Connection,
    answer: &Answer,
    first_received: i64,
    now: i64,
) -> rusqlite::Result<()> {
    let columns = BodyColumns::new(answer, first_received);
    let now = format_timestamp(now);
    let mut params = params(&columns);
    params.push((":now", &now));
    conn.prepare_cached(
        "UPDATE responses SET
            type = :type, score = :score, category = :category, comment = :comment,
            complete = :complete, user_email = :user_email, user_created_at = :user_created_at,
            user_properties = :user_properties, account_id = :account_id,
            account_name = :account_name, account_properties = :account_properties,
            language = :language, trigger_name = :trigger_name, page = :page,
            channel = :channel, shown_at = :shown_at, effective_shown_at = :effective_shown_at,
            answered_at = :answered_at, widget_version = :widget_version, updated_at = :now
         WHERE id = :id",
    )?
    .execute(params.as_slice())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job of the test: a body or a write beside, numbered.
    #[derive(Debug, PartialEq)]
    enum TestJob {
        Body(usize),
        Write(usize),
    }

    impl Beside for TestJob {
        fn is_beside(&self) -> bool {
            matches!(self, TestJob::Write(_))
        }
    }

    use TestJob::{Body, Write};

    /// The batch `gather` makes at `now` of `first` (put off since `since`) and `waiting`,
    /// and what `waiting` has left.
    fn gathered(
        first: TestJob,
        since: Option<Instant>,
        waiting: Vec<TestJob>,
        later: &mut VecDeque<(Instant, TestJob)>,
        now: Instant,
    ) -> (Vec<TestJob>, Vec<TestJob>) {
        let mut waiting = waiting.into_iter();
        let mut batch = Vec::new();
        gather(first, since, || waiting.next(), later, now, &mut batch);
        (batch, waiting.collect())
    }

    /// The jobs of `later`, without their times.
    fn jobs(later: &VecDeque<(Instant, TestJob)>) -> Vec<&TestJob> {
        later.iter().map(|(_, job)| job).collect()
    }

    #[test]
    fn a_transaction_takes_every_body_waiting_and_one_write_beside() {
        let now = Instant::now();
        let mut later = VecDeque::new();
        let (batch, left) = gathered(
            Write(1),
            None,
            vec![Body(1), Write(2), Body(2), Write(3), Body(3)],
            &mut later,
            now,
        );
        assert_eq!(batch, [Write(1), Body(1), Body(2), Body(3)]);
        assert_eq!(jobs(&later), [&Write(2), &Write(3)]);
        assert!(later.iter().all(|(since, _)| *since == now));
        assert!(left.is_empty());
    }

    #[test]
    fn writes_put_off_go_one_a_transaction_in_their_order_before_new_ones() {
        let start = Instant::now();
        let mut later = VecDeque::from([(start, Write(3))]);
        let now = start + Duration::from_millis(1);
        let (batch, _) = gathered(
            Write(2),
            Some(start),
            vec![Write(4), Body(1)],
            &mut later,
            now,
        );
        assert_eq!(batch, [Write(2), Body(1)]);
        assert_eq!(jobs(&later), [&Write(3), &Write(4)]);
    }

    #[test]
    fn writes_that_have_waited_too_long_go_several_a_transaction() {
        let start = Instant::now();
        let mut later: VecDeque<_> = (2..=6).map(|n| (start, Write(n))).collect();
        let now = start + BEHIND;
        let (batch, _) = gathered(
            Write(1),
            Some(start),
            vec![Body(1), Write(7)],
            &mut later,
            now,
        );
        assert_eq!(batch, [Write(1), Write(2), Write(3), Write(4), Body(1)]);
        assert_eq!(jobs(&later), [&Write(5), &Write(6), &Write(7)]);
        assert_eq!(WRITES_WHEN_BEHIND, 4);
    }

    #[test]
    fn bodies_alone_are_never_put_off() {
        let mut later = VecDeque::new();
        let (batch, _) = gathered(
            Body(0),
            None,
            (1..5).map(Body).collect(),
            &mut later,
            Instant::now(),
        );
        assert_eq!(batch, (0..5).map(Body).collect::<Vec<_>>());
        assert!(later.is_empty());
    }

    #[test]
    fn a_transaction_holds_at_most_max_batch_jobs_and_leaves_the_rest_waiting() {
        let mut later = VecDeque::new();
        let (batch, left) = gathered(
            Body(0),
            None,
            (1..MAX_BATCH + 10).map(Body).collect(),
            &mut later,
            Instant::now(),
        );
        assert_eq!(batch.len(), MAX_BATCH);
        assert_eq!(left.first(), Some(&Body(MAX_BATCH)));
        assert_eq!(left.len(), 10);
    }
}
