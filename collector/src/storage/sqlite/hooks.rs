//! [`HookStore`] on SQLite, and the queueing of deliveries inside the transactions that change
//! answers: [`queue`] is called by the answers' writer for each body that moves an answer on,
//! and by the follow-up update, with the hooks' rules read once per transaction
//! ([`active_rules`]). It writes to the narrow `hook_queue` table; [`move_queued`] moves those
//! rows into `hook_deliveries` in small batches in the writer's group commit, before the worker
//! looks for deliveries due and before the delivery log is read, so that every reader sees them
//! as deliveries. Everything else runs on the admin connection.

use std::collections::HashMap;

use async_trait::async_trait;
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use rusqlite::types::Type;
use rusqlite::{named_params, Connection, OptionalExtension, Row};
use tokio::sync::Notify;

use super::columns::column;
use super::SqliteStore;
use crate::hooks::digest::{self, DigestSchedule};
use crate::hooks::event::envelope;
use crate::hooks::schedule::retried_at;
use crate::hooks::webhook::new_message_id;
use crate::hooks::{Event, Format, HookFilter};
use crate::storage::hooks::{
    digest_json, events_json, filter_json, parse_digest, parse_events, parse_filter, show_hold,
    Attempt, Delivery, DeliveryStatus, Due, Hook, HookChange, HookStore, NewHook, Queueing, Rule,
};
use crate::storage::{StorageError, StoredAnswer};

/// A value of a row that this collector did not write as it should be.
fn corrupt(column: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, what.to_owned().into())
}

fn read_events(row: &Row, column: &str) -> rusqlite::Result<Vec<Event>> {
    parse_events(&row.get::<_, String>(column)?).ok_or_else(|| corrupt(0, "hook events"))
}

fn read_filter(row: &Row, column: &str) -> rusqlite::Result<HookFilter> {
    parse_filter(&row.get::<_, String>(column)?).ok_or_else(|| corrupt(0, "hook filter"))
}

fn read_digest(row: &Row) -> rusqlite::Result<Option<DigestSchedule>> {
    parse_digest(row.get::<_, Option<String>>("digest")?.as_deref())
        .ok_or_else(|| corrupt(0, "hook digest"))
}

/// A `hooks` row.
fn hook(row: &Row) -> rusqlite::Result<Hook> {
    let format: String = row.get("format")?;
    Ok(Hook {
        id: row.get("id")?,
        name: row.get("name")?,
        url: row.get("url")?,
        format: Format::from_name(&format).ok_or_else(|| corrupt(0, "hook format"))?,
        events: read_events(row, "events")?,
        filter: read_filter(row, "filter")?,
        digest: read_digest(row)?,
        digest_last_day: row.get("digest_last_day")?,
        hold_until: row
            .get::<_, Option<String>>("hold_until")?
            .and_then(|at| parse_timestamp(&at)),
        hold_failures: row.get("hold_failures")?,
        paused: row.get("paused")?,
        secret: row.get("secret")?,
        created_at: row.get("created_at")?,
    })
}

/// The columns of `hook_deliveries` that make a [`Delivery`], as a `SELECT` list: statements
/// that [`delivery`] reads select these, in this order (see [`columns`](super::columns)).
macro_rules! delivery_columns {
    () => {
        "id, hook_id, event, answer_id, webhook_id, body, status, attempts, last_status,
         last_latency_ms, last_response, next_attempt_at, created_at, updated_at, test"
    };
}

/// A `hook_deliveries` row selected as [`delivery_columns`] lists, by position.
fn delivery(row: &Row) -> rusqlite::Result<Delivery> {
    macro_rules! at {
        ($name:literal) => {
            column!(delivery_columns, $name)
        };
    }
    let status: String = row.get(at!("status"))?;
    Ok(Delivery {
        id: row.get(at!("id"))?,
        hook_id: row.get(at!("hook_id"))?,
        event: row.get(at!("event"))?,
        // A digest is about no one answer.
        answer_id: Some(row.get::<_, String>(at!("answer_id"))?).filter(|id| !id.is_empty()),
        webhook_id: row.get(at!("webhook_id"))?,
        body: row.get(at!("body"))?,
        status: DeliveryStatus::from_name(&status)
            .ok_or_else(|| corrupt(at!("status"), "delivery status"))?,
        attempts: row.get(at!("attempts"))?,
        last_status: row.get(at!("last_status"))?,
        last_latency_ms: row.get(at!("last_latency_ms"))?,
        last_response: row.get(at!("last_response"))?,
        next_attempt_at: row.get(at!("next_attempt_at"))?,
        created_at: row.get(at!("created_at"))?,
        updated_at: row.get(at!("updated_at"))?,
        test: row.get(at!("test"))?,
    })
}

/// The events written in one look at the deliveries, by answer, event and time: the hooks
/// that hear of the same answer get the same event, read and written once.
type Bodies = HashMap<(String, String, String), String>;

/// Writes the event of a delivery queued without one, from its answer as it is now (or as
/// `bodies` has it from earlier in the same look); leaves it empty when the answer is gone.
fn write_body(
    conn: &Connection,
    delivery: &mut Delivery,
    bodies: &mut Bodies,
) -> rusqlite::Result<()> {
    let (Some(answer_id), true) = (&delivery.answer_id, delivery.body.is_empty()) else {
        return Ok(());
    };
    let Some(event) = Event::from_name(&delivery.event) else {
        return Ok(());
    };
    let key = (
        answer_id.clone(),
        delivery.event.clone(),
        delivery.created_at.clone(),
    );
    if let Some(body) = bodies.get(&key) {
        delivery.body = body.clone();
        return Ok(());
    }
    let answer = conn
        .prepare_cached(concat!(
            "SELECT ",
            super::answer_columns!(),
            " FROM responses WHERE id = :id"
        ))?
        .query_row(named_params! { ":id": answer_id }, super::stored_answer)
        .optional()?;
    if let Some(answer) = answer {
        let at = parse_timestamp(&delivery.created_at).unwrap_or(0);
        delivery.body = envelope(event, at, &answer);
        bodies.insert(key, delivery.body.clone());
    }
    Ok(())
}

/// Makes the delivery `delivery_id` of the hook `hook_id` pending and the next one its hook
/// sends, even to a receiver that was failing ("Send again", a test): due at `now` or before
/// whatever else the hook has waiting, moved or still in the queue ([`retried_at`]), and the
/// hook's hold ended (a new failure starts a longer one). Returns how many deliveries changed
/// (0: no such delivery of that hook).
fn send_first(
    tx: &Connection,
    hook_id: i64,
    delivery_id: i64,
    now: i64,
) -> rusqlite::Result<usize> {
    let earliest_waiting: Option<String> = tx
        .prepare_cached(
            "SELECT min(at) FROM (
                 SELECT min(next_attempt_at) AS at FROM hook_deliveries
                 WHERE hook_id = :hook_id AND status = 'pending' AND id <> :id
                 UNION ALL
                 SELECT min(queued_at) FROM hook_queue WHERE hook_id = :hook_id)",
        )?
        .query_row(
            named_params! { ":id": delivery_id, ":hook_id": hook_id },
            |row| row.get(0),
        )?;
    let due = retried_at(now, earliest_waiting.as_deref().and_then(parse_timestamp));
    let changed = tx
        .prepare_cached(
            "UPDATE hook_deliveries SET status = 'pending', next_attempt_at = :due,
                 updated_at = :now
             WHERE id = :id AND hook_id = :hook_id",
        )?
        .execute(named_params! {
            ":due": format_timestamp(due),
            ":now": format_timestamp(now),
            ":id": delivery_id,
            ":hook_id": hook_id,
        })?;
    if changed > 0 {
        tx.prepare_cached("UPDATE hooks SET hold_until = NULL WHERE id = :hook_id")?
            .execute(named_params! { ":hook_id": hook_id })?;
    }
    Ok(changed)
}

fn select_hook(conn: &Connection, id: i64) -> rusqlite::Result<Option<Hook>> {
    conn.prepare_cached("SELECT * FROM hooks WHERE id = :id")?
        .query_row(named_params! { ":id": id }, hook)
        .optional()
}

fn select_delivery(conn: &Connection, id: i64) -> rusqlite::Result<Option<Delivery>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        delivery_columns!(),
        " FROM hook_deliveries WHERE id = :id"
    ))?
    .query_row(named_params! { ":id": id }, delivery)
    .optional()
}

/// The rules of every hook that is not paused.
pub(super) fn active_rules(conn: &Connection) -> rusqlite::Result<Vec<Rule>> {
    conn.prepare_cached("SELECT id, events, filter FROM hooks WHERE paused = 0 ORDER BY id")?
        .query_map([], |row| {
            Ok(Rule {
                id: row.get("id")?,
                events: read_events(row, "events")?,
                filter: read_filter(row, "filter")?,
            })
        })?
        .collect()
}

/// Queues a delivery of `event` (which happened at `at`) about the answer `answer_id` to hook
/// `hook_id`: a row of `hook_queue`, which [`move_queued`] makes a pending delivery, due at
/// once, without its body: that is written when the delivery is sent
/// ([`due_deliveries`](HookStore::due_deliveries)), from the answer as it is then, so the
/// answers' transaction writes a small row per hook rather than the answer again.
fn insert_queued(
    conn: &Connection,
    hook_id: i64,
    event: Event,
    answer_id: &str,
    answer_received_at: &str,
    at: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO hook_queue (hook_id, event, answer_id, answer_received_at, queued_at)
         VALUES (:hook_id, :event, :answer_id, :answer_received_at, :at)",
    )?
    .execute(named_params! {
        ":hook_id": hook_id,
        ":event": event.name(),
        ":answer_id": answer_id,
        ":answer_received_at": answer_received_at,
        ":at": format_timestamp(at),
    })?;
    Ok(())
}

/// Most rows one write of the worker changes: each is a piece of the answers' group commit
/// (one per transaction, see [`writer`](super::writer)), which an answer arriving meanwhile
/// waits for: a quarter of a millisecond for a move (16 µs a row), an eighth for attempts
/// (8 µs a row), measured at 1,000 answers a second with three hooks on a database in memory.
pub(super) const PIECE: usize = 16;

/// Most queued rows one move takes (a starting collector moves the whole queue in one
/// transaction, a move at a time).
pub(super) const MOVE_BATCH: usize = PIECE;

/// Most batches one look at the deliveries moves (see `SqliteStore::move_queue`): 1,024 rows.
const MOVE_BATCHES_PER_LOOK: usize = 64;

/// Moves the oldest [`MOVE_BATCH`] rows of `hook_queue` into `hook_deliveries` (pending, due
/// from when they were queued, each with its own `webhook-id` from now on), in the caller's
/// transaction; a row whose hook is gone is dropped. Returns how many rows left the queue.
///
/// One statement moves the batch: row by row from Rust, a move cost the answers' writer
/// 19 µs a delivery rather than 16 (measured as for [`PIECE`]); the rest is the delivery
/// table's b-trees.
pub(super) fn move_queued(conn: &Connection) -> rusqlite::Result<usize> {
    let (last, count): (Option<i64>, i64) = conn
        .prepare_cached(
            "SELECT max(id), count(*) FROM (SELECT id FROM hook_queue ORDER BY id LIMIT :n)",
        )?
        .query_row(named_params! { ":n": MOVE_BATCH as i64 }, |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    let Some(last) = last else {
        return Ok(0);
    };
    // In the queue's order, so that the deliveries' ids keep it. `queued_at` was written by
    // `insert_queued`, in the delivery table's form.
    conn.prepare_cached(
        "INSERT INTO hook_deliveries (hook_id, event, answer_id, answer_received_at,
             webhook_id, body, status, next_attempt_at, created_at, updated_at)
         SELECT q.hook_id, q.event, q.answer_id, q.answer_received_at, new_message_id(), '',
             'pending', q.queued_at, q.queued_at, q.queued_at
         FROM hook_queue q JOIN hooks h ON h.id = q.hook_id
         WHERE q.id <= :last ORDER BY q.id",
    )?
    .execute(named_params! { ":last": last })?;
    conn.prepare_cached("DELETE FROM hook_queue WHERE id <= :last")?
        .execute(named_params! { ":last": last })?;
    Ok(count as usize)
}

/// Makes [`new_message_id`] callable from SQL on `conn` as `new_message_id()`, for the
/// statement that moves the queue.
pub(super) fn add_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "new_message_id",
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        |_| Ok(new_message_id()),
    )
}

/// Moves the whole queue, [`MOVE_BATCH`] rows at a time, in the caller's transaction (a
/// collector starting, before anything else writes).
pub(super) fn move_all_queued(conn: &Connection) -> rusqlite::Result<()> {
    while move_queued(conn)? == MOVE_BATCH {}
    Ok(())
}

/// Inserts a pending delivery, due at once, with its `body` and its answer's id and arrival
/// time (both empty: about no one answer); a test or not (see [`Delivery::test`]).
fn insert_delivery_with_body(
    conn: &Connection,
    hook_id: i64,
    event: &str,
    (answer_id, answer_received_at): (&str, &str),
    body: &str,
    at: i64,
    test: bool,
) -> rusqlite::Result<i64> {
    let now = format_timestamp(at);
    conn.prepare_cached(
        "INSERT INTO hook_deliveries (hook_id, event, answer_id, answer_received_at, webhook_id,
             body, status, next_attempt_at, created_at, updated_at, test)
         VALUES (:hook_id, :event, :answer_id, :answer_received_at, :webhook_id, :body,
             'pending', :now, :now, :now, :test)",
    )?
    .execute(named_params! {
        ":hook_id": hook_id,
        ":event": event,
        ":answer_id": answer_id,
        ":answer_received_at": answer_received_at,
        ":webhook_id": new_message_id(),
        ":body": body,
        ":now": now,
        ":test": test,
    })?;
    Ok(conn.last_insert_rowid())
}

/// Queues, in the caller's transaction, a delivery of each of `events` (which happened at
/// `at`) about the answer `answer_id` to each hook of `rules` that listens to it and whose
/// filter the answer passes, as the answer is now. Previews fire nothing. Returns how many
/// were queued.
pub(super) fn queue(
    conn: &Connection,
    rules: &[Rule],
    answer_id: &str,
    events: &[Event],
    at: i64,
) -> rusqlite::Result<usize> {
    let queueing = Queueing::new(rules, events);
    if !queueing.any() {
        return Ok(0);
    }
    let (deliveries, received_at) = if queueing.needs_answer() {
        let answer = conn
            .prepare_cached(concat!(
                "SELECT ",
                super::answer_columns!(),
                " FROM responses WHERE id = :id"
            ))?
            .query_row(named_params! { ":id": answer_id }, super::stored_answer)
            .optional()?;
        match answer {
            Some(answer) => (
                queueing.deliveries(answer.preview, Some(&answer)),
                answer.received_at,
            ),
            None => return Ok(0),
        }
    } else {
        let facts: Option<(bool, String)> = conn
            .prepare_cached("SELECT preview, received_at FROM responses WHERE id = :id")?
            .query_row(named_params! { ":id": answer_id }, |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        match facts {
            Some((preview, received_at)) => (queueing.deliveries(preview, None), received_at),
            None => return Ok(0),
        }
    };
    for &(hook_id, event) in &deliveries {
        insert_queued(conn, hook_id, event, answer_id, &received_at, at)?;
    }
    Ok(deliveries.len())
}

/// Records `attempt` of its delivery, and the hold it starts or ends on its hook.
fn record_attempt(tx: &Connection, attempt: Attempt) -> rusqlite::Result<()> {
    let columns = attempt.columns();
    tx.prepare_cached(
        "UPDATE hook_deliveries SET status = :status, attempts = attempts + 1,
             last_status = :last_status, last_latency_ms = :latency,
             last_response = :response, next_attempt_at = :next, updated_at = :now
         WHERE id = :id",
    )?
    .execute(named_params! {
        ":status": columns.status.name(),
        ":last_status": attempt.status,
        ":latency": attempt.latency_ms,
        ":response": attempt.response,
        ":next": columns.next_attempt_at,
        ":now": columns.at,
        ":id": attempt.delivery_id,
    })?;
    if let Some(until) = columns.hold {
        tx.prepare_cached(
            "UPDATE hooks SET hold_until = :until,
                 hold_failures = CASE WHEN :until IS NULL THEN 0
                     ELSE hold_failures + 1 END
             WHERE id = (SELECT hook_id FROM hook_deliveries WHERE id = :id)",
        )?
        .execute(named_params! { ":until": until, ":id": attempt.delivery_id })?;
    }
    Ok(())
}

impl SqliteStore {
    /// Moves the queue into the delivery table, [`MOVE_BATCH`] rows at a time, each batch a
    /// write of the answers' group commit; at most [`MOVE_BATCHES_PER_LOOK`] batches, so that
    /// a queue that fills as fast as it is moved never holds up the caller: the rest wait for
    /// the worker's next look, which this wakes. A look at an empty queue writes nothing.
    async fn move_queue(&self) -> Result<(), StorageError> {
        let queued: bool = self
            .admin_read(|conn| {
                conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM hook_queue)")?
                    .query_row([], |row| row.get(0))
            })
            .await?;
        if !queued {
            return Ok(());
        }
        for _ in 0..MOVE_BATCHES_PER_LOOK {
            let (moved, reply) = tokio::sync::oneshot::channel();
            self.group_write(move |tx| {
                let _ = moved.send(move_queued(tx)?);
                Ok(())
            })
            .await?;
            // A batch short of full emptied the queue as it was.
            if reply.await.unwrap_or(0) < MOVE_BATCH {
                return Ok(());
            }
        }
        self.hook_signal.notify_one();
        Ok(())
    }

    /// [`move_queue`](Self::move_queue) before a read of the deliveries; when it fails (the
    /// database is full, the writer stopped), the read goes on with the deliveries moved so
    /// far, and the queue waits, durable, for a later look.
    async fn take_in_queue(&self) {
        if let Err(error) = self.move_queue().await {
            tracing::warn!(%error, "hooks: cannot move queued deliveries");
        }
    }

    /// Runs `write` like `admin_write`, then wakes the worker.
    async fn admin_write_and_signal<T: Send + 'static>(
        &self,
        write: impl FnOnce(&rusqlite::Transaction) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StorageError> {
        let result = self.admin_write(write).await;
        self.hook_signal.notify_one();
        result
    }
}

#[async_trait]
impl HookStore for SqliteStore {
    fn hook_signal(&self) -> &Notify {
        &self.hook_signal
    }

    async fn create_hook(&self, new: NewHook, now: i64) -> Result<Hook, StorageError> {
        self.admin_write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO hooks (name, url, format, events, filter, digest, secret, paused,
                     created_at)
                 VALUES (:name, :url, :format, :events, :filter, :digest, :secret, 0,
                     :created_at)",
            )?
            .execute(named_params! {
                ":name": new.name,
                ":url": new.url,
                ":format": new.format.name(),
                ":events": events_json(&new.events),
                ":filter": filter_json(&new.filter),
                ":digest": digest_json(new.digest.as_ref()),
                ":secret": new.secret,
                ":created_at": format_timestamp(now),
            })?;
            select_hook(tx, tx.last_insert_rowid())?.ok_or(rusqlite::Error::QueryReturnedNoRows)
        })
        .await
    }

    async fn hooks(&self) -> Result<Vec<Hook>, StorageError> {
        self.admin_read(|conn| {
            conn.prepare_cached("SELECT * FROM hooks ORDER BY id")?
                .query_map([], hook)?
                .collect()
        })
        .await
    }

    async fn hook(&self, id: i64) -> Result<Option<Hook>, StorageError> {
        self.admin_read(move |conn| select_hook(conn, id)).await
    }

    async fn update_hook(&self, id: i64, change: HookChange) -> Result<Option<Hook>, StorageError> {
        let events = change.events.as_deref().map(events_json);
        let filter = change.filter.as_ref().map(filter_json);
        let digest = change.digest.as_ref().map(|(d, _)| digest_json(d.as_ref()));
        let digest_last_day = change.digest.as_ref().and_then(|(_, day)| day.clone());
        self.admin_write_and_signal(move |tx| {
            // Each field is set only when the change names it; the digest may be set to null.
            let changed = tx
                .prepare_cached(
                    "UPDATE hooks SET
                        name = COALESCE(:name, name),
                        url = COALESCE(:url, url),
                        events = COALESCE(:events, events),
                        filter = COALESCE(:filter, filter),
                        digest = CASE WHEN :digest_changed THEN :digest ELSE digest END,
                        digest_last_day = CASE WHEN :digest_changed THEN :digest_last_day
                            ELSE digest_last_day END,
                        paused = COALESCE(:paused, paused)
                     WHERE id = :id",
                )?
                .execute(named_params! {
                    ":name": change.name,
                    ":url": change.url,
                    ":events": events,
                    ":filter": filter,
                    ":digest_changed": digest.is_some(),
                    ":digest": digest.flatten(),
                    ":digest_last_day": digest_last_day,
                    ":paused": change.paused,
                    ":id": id,
                })?;
            if changed == 0 {
                return Ok(None);
            }
            select_hook(tx, id)
        })
        .await
    }

    async fn set_hook_secret(&self, id: i64, secret: String) -> Result<Option<Hook>, StorageError> {
        self.admin_write(move |tx| {
            tx.prepare_cached("UPDATE hooks SET secret = :secret WHERE id = :id")?
                .execute(named_params! { ":secret": secret, ":id": id })?;
            select_hook(tx, id)
        })
        .await
    }

    async fn delete_hook(&self, id: i64) -> Result<bool, StorageError> {
        self.admin_write(move |tx| {
            tx.prepare_cached("DELETE FROM hook_deliveries WHERE hook_id = :id")?
                .execute(named_params! { ":id": id })?;
            tx.prepare_cached("DELETE FROM hook_queue WHERE hook_id = :id")?
                .execute(named_params! { ":id": id })?;
            let deleted = tx
                .prepare_cached("DELETE FROM hooks WHERE id = :id")?
                .execute(named_params! { ":id": id })?;
            Ok(deleted == 1)
        })
        .await
    }

    async fn queue_delivery(
        &self,
        id: i64,
        event: Event,
        answer: StoredAnswer,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError> {
        self.admin_write_and_signal(move |tx| {
            if select_hook(tx, id)?.is_none() {
                return Ok(None);
            }
            // A test's sample answer is not stored: its event is written now.
            let body = envelope(event, now, &answer);
            let delivery_id = insert_delivery_with_body(
                tx,
                id,
                event.name(),
                (&answer.id, &answer.received_at),
                &body,
                now,
                true,
            )?;
            send_first(tx, id, delivery_id, now)?;
            select_delivery(tx, delivery_id)
        })
        .await
    }

    async fn deliveries(&self, id: i64, limit: usize) -> Result<Vec<Delivery>, StorageError> {
        self.take_in_queue().await;
        self.admin_read(move |conn| {
            let mut list: Vec<Delivery> = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    delivery_columns!(),
                    " FROM hook_deliveries WHERE hook_id = :id ORDER BY id DESC LIMIT :limit"
                ))?
                .query_map(
                    named_params! { ":id": id, ":limit": limit as i64 },
                    delivery,
                )?
                .collect::<rusqlite::Result<_>>()?;
            let hold = select_hook(conn, id)?.and_then(|hook| hook.hold_until);
            show_hold(&mut list, hold);
            Ok(list)
        })
        .await
    }

    async fn retry_delivery(
        &self,
        hook_id: i64,
        delivery_id: i64,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError> {
        self.admin_write_and_signal(move |tx| {
            if send_first(tx, hook_id, delivery_id, now)? == 0 {
                return Ok(None);
            }
            select_delivery(tx, delivery_id)
        })
        .await
    }

    async fn due_deliveries(
        &self,
        now: i64,
        busy: Vec<i64>,
        per_hook: usize,
    ) -> Result<Due, StorageError> {
        self.take_in_queue().await;
        self.admin_read(move |conn| {
            // Each hook's pending delivery due first (index `hook_deliveries_pending`).
            // A held hook's head is due when the hold ends.
            let heads: Vec<(i64, String)> = conn
                .prepare_cached(
                    "SELECT h.id, max(d.next_attempt_at, coalesce(h.hold_until, ''))
                     FROM hooks h
                     JOIN hook_deliveries d ON d.id = (
                         SELECT id FROM hook_deliveries
                         WHERE hook_id = h.id AND status = 'pending'
                         ORDER BY next_attempt_at, id LIMIT 1)
                     WHERE h.paused = 0",
                )?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut due = Due::default();
            let mut bodies = Bodies::new();
            for (hook_id, next_attempt_at) in heads {
                if busy.contains(&hook_id) {
                    continue;
                }
                let at = parse_timestamp(&next_attempt_at).unwrap_or(now);
                if at > now {
                    due.next_at = Some(due.next_at.map_or(at, |next: i64| next.min(at)));
                    continue;
                }
                let Some(hook) = select_hook(conn, hook_id)? else {
                    continue;
                };
                let mut deliveries = conn
                    .prepare_cached(concat!(
                        "SELECT ",
                        delivery_columns!(),
                        " FROM hook_deliveries
                         WHERE hook_id = :hook_id AND status = 'pending'
                             AND next_attempt_at <= :now
                         ORDER BY next_attempt_at, id LIMIT :limit"
                    ))?
                    .query_map(
                        named_params! {
                            ":hook_id": hook_id,
                            ":now": format_timestamp(now),
                            ":limit": per_hook as i64,
                        },
                        delivery,
                    )?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                for delivery in deliveries.iter_mut() {
                    write_body(conn, delivery, &mut bodies)?;
                }
                // One whose answer is gone (never: a user's deletion takes their deliveries)
                // has nothing to say; it waits to be given up.
                deliveries.retain(|delivery| !delivery.body.is_empty());
                if !deliveries.is_empty() {
                    due.ready.push((hook, deliveries));
                }
            }
            Ok(due)
        })
        .await
    }

    async fn record_attempts(&self, attempts: Vec<Attempt>) -> Result<bool, StorageError> {
        // As frequent as the answers when hooks are busy: in the answers' group commit, a
        // piece at a time, in order (a piece recorded stays recorded if a later one fails:
        // its deliveries are sent again, under the same ids).
        let mut attempts = attempts.into_iter().peekable();
        while attempts.peek().is_some() {
            let piece: Vec<Attempt> = attempts.by_ref().take(PIECE).collect();
            self.group_write(move |tx| {
                for attempt in piece {
                    record_attempt(tx, attempt)?;
                }
                Ok(())
            })
            .await?;
        }
        // One collector alone: its runs always hold their hooks.
        Ok(true)
    }

    async fn queue_digest(
        &self,
        id: i64,
        day: Option<String>,
        body: String,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError> {
        self.admin_write_and_signal(move |tx| {
            // A test (no day) is sent first, as "Send again" is.
            let test = day.is_none();
            let queued = match day {
                // One conditional update decides, so a day's digest is queued once however
                // many collectors look at the same moment.
                Some(day) => tx
                    .prepare_cached(
                        "UPDATE hooks SET digest_last_day = :day
                         WHERE id = :id AND paused = 0 AND digest IS NOT NULL
                             AND (digest_last_day IS NULL OR digest_last_day < :day)",
                    )?
                    .execute(named_params! { ":day": day, ":id": id })?,
                None => tx
                    .prepare_cached("SELECT count(*) FROM hooks WHERE id = :id")?
                    .query_row(named_params! { ":id": id }, |row| row.get::<_, i64>(0))?
                    as usize,
            };
            if queued == 0 {
                return Ok(None);
            }
            let delivery_id =
                insert_delivery_with_body(tx, id, digest::EVENT, ("", ""), &body, now, test)?;
            if test {
                send_first(tx, id, delivery_id, now)?;
            }
            select_delivery(tx, delivery_id)
        })
        .await
    }

    async fn give_up_deliveries(&self, created_before: i64, now: i64) -> Result<u64, StorageError> {
        self.admin_write(move |tx| {
            // Hook by hook, through the index of pending deliveries: only the few pending
            // rows are read, not the month of finished ones.
            let hooks: Vec<i64> = tx
                .prepare_cached("SELECT id FROM hooks WHERE paused = 0")?
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut failed = 0;
            for hook_id in hooks {
                failed += tx
                    .prepare_cached(
                        "UPDATE hook_deliveries SET status = 'failed', next_attempt_at = NULL,
                             last_response = CASE WHEN attempts = 0
                                 THEN 'not sent: its receiver failed for a day'
                                 ELSE last_response END,
                             updated_at = :now
                         WHERE hook_id = :hook_id AND status = 'pending'
                             AND created_at < :before",
                    )?
                    .execute(named_params! {
                        ":hook_id": hook_id,
                        ":before": format_timestamp(created_before),
                        ":now": format_timestamp(now),
                    })?;
            }
            Ok(failed as u64)
        })
        .await
    }

    async fn prune_deliveries(&self, before: i64, limit: usize) -> Result<u64, StorageError> {
        self.admin_write(move |tx| {
            let pruned = tx
                .prepare_cached(
                    "DELETE FROM hook_deliveries WHERE id IN (
                         SELECT id FROM hook_deliveries
                         WHERE created_at < :before AND status != 'pending' LIMIT :limit)",
                )?
                .execute(named_params! {
                    ":before": format_timestamp(before),
                    ":limit": limit as i64,
                })?;
            Ok(pruned as u64)
        })
        .await
    }
}
