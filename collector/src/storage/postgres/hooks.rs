//! [`HookStore`] on PostgreSQL, shared by every collector on the database.
//!
//! Deliveries are queued in the transaction that moves the answer ([`queue`]), as on SQLite.
//! Sending is shared out by hook: a worker's run takes its hook with a claim, a lease written
//! on the hook's row (`claimed_by`, `claimed_until`, timed by the database's clock, which every
//! collector shares) in [`due_deliveries`](HookStore::due_deliveries) under `FOR NO KEY UPDATE
//! SKIP LOCKED` (which leaves the answers free to queue deliveries to the hook), committed
//! before the deliveries are read; renewed each time the run records attempts, and given back
//! when it ends ([`end_run`](HookStore::end_run)). A run whose claim ran out and was taken
//! stops at its next record. So at most one attempt per hook is in flight across all the
//! collectors, and deliveries go in the order they were queued; a collector killed mid-run
//! leaves its claim to run out ([`CLAIM_SECONDS`]), and another sends what it had not recorded,
//! with the same `webhook-id`.
//!
//! Collectors wake each other through `NOTIFY` on [`CHANNEL`]: a run that gives its hook back
//! notifies, as do the admin's changes (a retry, a test, a digest, a hook resumed), and each
//! collector listens on a connection of its own ([`listen`]) and wakes its worker. An answer's
//! deliveries need no notification (see [`queue`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use futures_util::StreamExt;
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use tokio::sync::Notify;
use tokio_postgres::{AsyncMessage, NoTls, Row};

use super::{stored_answer, PgStore};
use crate::hooks::digest;
use crate::hooks::event::envelope;
use crate::hooks::schedule::retried_at;
use crate::hooks::webhook::new_message_id;
use crate::hooks::{Event, Format};
use crate::storage::hooks::{
    digest_json, events_json, filter_json, parse_digest, parse_events, parse_filter, show_hold,
    Attempt, Delivery, DeliveryStatus, Due, Hook, HookChange, HookStore, NewHook, Queueing, Rule,
};
use crate::storage::{StorageError, StoredAnswer};

/// The channel collectors notify when there is something to send.
const CHANNEL: &str = "nps_hooks";
/// How long a claim on a hook lasts unless renewed (s): longer than an attempt may take (the
/// hook timeout, 10 s) plus recording it, so a live run never loses its hook.
const CLAIM_SECONDS: f64 = 30.0;
/// When to look again at a hook that was due but being claimed by another collector (ms).
const SKIPPED_WAIT_MS: i64 = 1_000;
/// Wait before listening again after the listening connection failed.
const LISTEN_RETRY: Duration = Duration::from_secs(2);

/// A value of a row that this collector did not write as it should be.
fn corrupt(what: &str) -> StorageError {
    StorageError::new(format!("a stored {what} cannot be read"))
}

/// A `hooks` row.
fn hook(row: &Row) -> Result<Hook, StorageError> {
    let format: String = row.get("format");
    let hold_until: Option<String> = row.get("hold_until");
    let hold_failures: i32 = row.get("hold_failures");
    Ok(Hook {
        id: row.get("id"),
        name: row.get("name"),
        url: row.get("url"),
        format: Format::from_name(&format).ok_or_else(|| corrupt("hook format"))?,
        events: parse_events(row.get("events")).ok_or_else(|| corrupt("hook's events"))?,
        filter: parse_filter(row.get("filter")).ok_or_else(|| corrupt("hook filter"))?,
        digest: parse_digest(row.get("digest")).ok_or_else(|| corrupt("hook digest"))?,
        digest_last_day: row.get("digest_last_day"),
        hold_until: hold_until.and_then(|at| parse_timestamp(&at)),
        hold_failures: hold_failures.max(0) as u32,
        paused: row.get("paused"),
        secret: row.get("secret"),
        created_at: row.get("created_at"),
    })
}

/// A `hook_deliveries` row.
fn delivery(row: &Row) -> Result<Delivery, StorageError> {
    let status: String = row.get("status");
    let answer_id: String = row.get("answer_id");
    let attempts: i32 = row.get("attempts");
    let last_status: Option<i32> = row.get("last_status");
    Ok(Delivery {
        id: row.get("id"),
        hook_id: row.get("hook_id"),
        event: row.get("event"),
        // A digest is about no one answer.
        answer_id: Some(answer_id).filter(|id| !id.is_empty()),
        webhook_id: row.get("webhook_id"),
        body: row.get("body"),
        status: DeliveryStatus::from_name(&status).ok_or_else(|| corrupt("delivery status"))?,
        attempts: attempts.max(0) as u32,
        last_status: last_status.and_then(|s| u16::try_from(s).ok()),
        last_latency_ms: row.get("last_latency_ms"),
        last_response: row.get("last_response"),
        next_attempt_at: row.get("next_attempt_at"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        test: row.get("test"),
    })
}

async fn select_hook(client: &impl GenericClient, id: i64) -> Result<Option<Hook>, StorageError> {
    client
        .query_opt("SELECT * FROM hooks WHERE id = $1", &[&id])
        .await?
        .map(|row| hook(&row))
        .transpose()
}

/// Makes the delivery `delivery_id` of the hook `hook_id` pending and the next one its hook
/// sends, even to a receiver that was failing ("Send again", a test): due at `now` or before
/// whatever else the hook has waiting ([`retried_at`]), and the hook's hold ended (a new
/// failure starts a longer one). Returns how many deliveries changed (0: no such delivery of
/// that hook).
async fn send_first(
    client: &impl GenericClient,
    hook_id: i64,
    delivery_id: i64,
    now: i64,
) -> Result<u64, StorageError> {
    let earliest_waiting: Option<String> = client
        .query_one(
            "SELECT min(next_attempt_at) FROM hook_deliveries
             WHERE hook_id = $1 AND status = 'pending' AND id <> $2",
            &[&hook_id, &delivery_id],
        )
        .await?
        .get(0);
    let due = retried_at(now, earliest_waiting.as_deref().and_then(parse_timestamp));
    let changed = client
        .execute(
            "UPDATE hook_deliveries SET status = 'pending', next_attempt_at = $1,
                 updated_at = $2
             WHERE id = $3 AND hook_id = $4",
            &[
                &format_timestamp(due),
                &format_timestamp(now),
                &delivery_id,
                &hook_id,
            ],
        )
        .await?;
    if changed > 0 {
        client
            .execute(
                "UPDATE hooks SET hold_until = NULL WHERE id = $1",
                &[&hook_id],
            )
            .await?;
    }
    Ok(changed)
}

async fn select_delivery(
    client: &impl GenericClient,
    id: i64,
) -> Result<Option<Delivery>, StorageError> {
    client
        .query_opt("SELECT * FROM hook_deliveries WHERE id = $1", &[&id])
        .await?
        .map(|row| delivery(&row))
        .transpose()
}

async fn select_answer(
    client: &impl GenericClient,
    id: &str,
) -> Result<Option<StoredAnswer>, StorageError> {
    Ok(client
        .query_opt("SELECT * FROM responses WHERE id = $1", &[&id])
        .await?
        .map(|row| stored_answer(&row)))
}

/// Tells every collector listening that there is something to send (on commit).
async fn notify(client: &impl GenericClient) -> Result<(), StorageError> {
    client
        .execute("SELECT pg_notify($1, '')", &[&CHANNEL])
        .await?;
    Ok(())
}

/// The rules of every hook that is not paused.
pub(super) async fn active_rules(client: &impl GenericClient) -> Result<Vec<Rule>, StorageError> {
    client
        .query(
            "SELECT id, events, filter FROM hooks WHERE NOT paused ORDER BY id",
            &[],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(Rule {
                id: row.get("id"),
                events: parse_events(row.get("events")).ok_or_else(|| corrupt("hook's events"))?,
                filter: parse_filter(row.get("filter")).ok_or_else(|| corrupt("hook filter"))?,
            })
        })
        .collect()
}

/// Inserts a pending delivery, due at `at`, with its `body` (empty: written when sent, from
/// the answer as it is then) and `answer_id` (empty: about no one answer), a test or not (see
/// [`Delivery::test`]); its id.
async fn insert_delivery(
    client: &impl GenericClient,
    hook_id: i64,
    event: &str,
    answer_id: &str,
    body: &str,
    at: i64,
    test: bool,
) -> Result<i64, StorageError> {
    let now = format_timestamp(at);
    let row = client
        .query_one(
            "INSERT INTO hook_deliveries (hook_id, event, answer_id, webhook_id, body, status,
                 next_attempt_at, created_at, updated_at, test)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6, $6, $7) RETURNING id",
            &[
                &hook_id,
                &event,
                &answer_id,
                &new_message_id(),
                &body,
                &now,
                &test,
            ],
        )
        .await?;
    Ok(row.get(0))
}

/// Queues, in the caller's transaction, the deliveries of `events` (which happened at `at`)
/// about the answer `answer_id` that the hooks of `rules` listen to and whose filters the
/// answer passes, as it is now (see [`Queueing`]). Returns how many were queued.
///
/// No other collector is notified: this collector's worker is woken by the caller, and takes
/// them unless another collector's run holds the hook, which then finds them when it looks
/// again at its run's end. (A transaction that notifies takes a lock at commit that every
/// other notifying one waits for: too dear for every answer.)
pub(super) async fn queue(
    client: &impl GenericClient,
    rules: &[Rule],
    answer_id: &str,
    events: &[Event],
    at: i64,
) -> Result<usize, StorageError> {
    let queueing = Queueing::new(rules, events);
    if !queueing.any() {
        return Ok(0);
    }
    let deliveries = if queueing.needs_answer() {
        match select_answer(client, answer_id).await? {
            Some(answer) => queueing.deliveries(answer.preview, Some(&answer)),
            None => return Ok(0),
        }
    } else {
        let preview = client
            .query_opt("SELECT preview FROM responses WHERE id = $1", &[&answer_id])
            .await?;
        match preview {
            Some(row) => queueing.deliveries(row.get(0), None),
            None => return Ok(0),
        }
    };
    for &(hook_id, event) in &deliveries {
        insert_delivery(client, hook_id, event.name(), answer_id, "", at, false).await?;
    }
    Ok(deliveries.len())
}

/// Listens on [`CHANNEL`] with a connection of its own for as long as the process runs,
/// waking `signal` at each notification (its own collector's included) and once after each
/// reconnection (what was notified meanwhile was missed).
pub(super) fn listen(config: tokio_postgres::Config, signal: Arc<Notify>) {
    tokio::spawn(async move {
        loop {
            match config.connect(NoTls).await {
                Ok((client, mut connection)) => {
                    let mut messages =
                        futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
                    let listening = async {
                        client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
                        signal.notify_one();
                        std::future::pending::<Result<(), tokio_postgres::Error>>().await
                    };
                    tokio::pin!(listening);
                    loop {
                        tokio::select! {
                            Err(error) = &mut listening => {
                                tracing::warn!(%error, "hooks: cannot listen for deliveries");
                                break;
                            }
                            message = messages.next() => match message {
                                Some(Ok(AsyncMessage::Notification(_))) => signal.notify_one(),
                                Some(Ok(_)) => {}
                                Some(Err(error)) => {
                                    tracing::warn!(%error, "hooks: the listening connection failed");
                                    break;
                                }
                                None => break,
                            },
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "hooks: cannot listen for deliveries"),
            }
            tokio::time::sleep(LISTEN_RETRY).await;
        }
    });
}

#[async_trait]
impl HookStore for PgStore {
    fn hook_signal(&self) -> &Notify {
        &self.hook_signal
    }

    async fn create_hook(&self, new: NewHook, now: i64) -> Result<Hook, StorageError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "INSERT INTO hooks (name, url, format, events, filter, digest, secret, paused,
                     created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8) RETURNING *",
                &[
                    &new.name,
                    &new.url,
                    &new.format.name(),
                    &events_json(&new.events),
                    &filter_json(&new.filter),
                    &digest_json(new.digest.as_ref()),
                    &new.secret,
                    &format_timestamp(now),
                ],
            )
            .await?;
        hook(&row)
    }

    async fn hooks(&self) -> Result<Vec<Hook>, StorageError> {
        let client = self.client().await?;
        let rows = client.query("SELECT * FROM hooks ORDER BY id", &[]).await?;
        rows.iter().map(hook).collect()
    }

    async fn hook(&self, id: i64) -> Result<Option<Hook>, StorageError> {
        let client = self.client().await?;
        select_hook(&client, id).await
    }

    async fn update_hook(&self, id: i64, change: HookChange) -> Result<Option<Hook>, StorageError> {
        let events = change.events.as_deref().map(events_json);
        let filter = change.filter.as_ref().map(filter_json);
        let digest = change.digest.as_ref().map(|(d, _)| digest_json(d.as_ref()));
        let digest_last_day = change.digest.as_ref().and_then(|(_, day)| day.clone());
        let client = self.client().await?;
        // Each field is set only when the change names it; the digest may be set to null.
        let row = client
            .query_opt(
                "UPDATE hooks SET
                    name = COALESCE($1, name),
                    url = COALESCE($2, url),
                    events = COALESCE($3, events),
                    filter = COALESCE($4, filter),
                    digest = CASE WHEN $5 THEN $6 ELSE digest END,
                    digest_last_day = CASE WHEN $5 THEN $7 ELSE digest_last_day END,
                    paused = COALESCE($8, paused)
                 WHERE id = $9 RETURNING *",
                &[
                    &change.name,
                    &change.url,
                    &events,
                    &filter,
                    &digest.is_some(),
                    &digest.flatten(),
                    &digest_last_day,
                    &change.paused,
                    &id,
                ],
            )
            .await?;
        // Resumed, perhaps: the workers look again.
        notify(&client).await?;
        row.map(|row| hook(&row)).transpose()
    }

    async fn set_hook_secret(&self, id: i64, secret: String) -> Result<Option<Hook>, StorageError> {
        let client = self.client().await?;
        client
            .query_opt(
                "UPDATE hooks SET secret = $1 WHERE id = $2 RETURNING *",
                &[&secret, &id],
            )
            .await?
            .map(|row| hook(&row))
            .transpose()
    }

    async fn delete_hook(&self, id: i64) -> Result<bool, StorageError> {
        let client = self.client().await?;
        // Its deliveries go with it (ON DELETE CASCADE).
        Ok(client
            .execute("DELETE FROM hooks WHERE id = $1", &[&id])
            .await?
            == 1)
    }

    async fn queue_delivery(
        &self,
        id: i64,
        event: Event,
        answer: StoredAnswer,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        if select_hook(&transaction, id).await?.is_none() {
            return Ok(None);
        }
        // A test's sample answer is not stored: its event is written now.
        let body = envelope(event, now, &answer);
        let delivery_id =
            insert_delivery(&transaction, id, event.name(), &answer.id, &body, now, true).await?;
        send_first(&transaction, id, delivery_id, now).await?;
        notify(&transaction).await?;
        let delivery = select_delivery(&transaction, delivery_id).await?;
        transaction.commit().await?;
        Ok(delivery)
    }

    async fn deliveries(&self, id: i64, limit: usize) -> Result<Vec<Delivery>, StorageError> {
        let client = self.client().await?;
        let mut list = client
            .query(
                "SELECT * FROM hook_deliveries WHERE hook_id = $1 ORDER BY id DESC LIMIT $2",
                &[&id, &(limit as i64)],
            )
            .await?
            .iter()
            .map(delivery)
            .collect::<Result<Vec<_>, _>>()?;
        let hold = select_hook(&client, id)
            .await?
            .and_then(|hook| hook.hold_until);
        show_hold(&mut list, hold);
        Ok(list)
    }

    async fn retry_delivery(
        &self,
        hook_id: i64,
        delivery_id: i64,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        if send_first(&transaction, hook_id, delivery_id, now).await? == 0 {
            return Ok(None);
        }
        notify(&transaction).await?;
        let delivery = select_delivery(&transaction, delivery_id).await?;
        transaction.commit().await?;
        Ok(delivery)
    }

    async fn due_deliveries(
        &self,
        now: i64,
        busy: Vec<i64>,
        per_hook: usize,
    ) -> Result<Due, StorageError> {
        let mut client = self.client().await?;
        let now_text = format_timestamp(now);
        let transaction = client.transaction().await?;
        // Each hook's pending delivery due first (index `hook_deliveries_pending`); a held
        // hook's is due when the hold ends, a hook another collector has claimed when the
        // claim runs out (unless it gives the hook back first, and notifies). Claims are
        // timed by the database's clock, the one clock every collector shares.
        let heads = transaction
            .query(
                "SELECT h.id,
                     GREATEST(d.next_attempt_at, COALESCE(h.hold_until, '')) AS due,
                     CASE WHEN h.claimed_by <> $1 AND h.claimed_until > clock_timestamp()
                         THEN ceil(extract(epoch FROM h.claimed_until - clock_timestamp())
                             * 1000)::bigint END AS claimed_for_ms
                 FROM hooks h
                 CROSS JOIN LATERAL (
                     SELECT next_attempt_at FROM hook_deliveries
                     WHERE hook_id = h.id AND status = 'pending'
                     ORDER BY next_attempt_at, id LIMIT 1) d
                 WHERE NOT h.paused",
                &[&self.node],
            )
            .await?;
        let mut due = Due::default();
        let mut wake_at = |at: i64| due.next_at = Some(due.next_at.map_or(at, |n: i64| n.min(at)));
        let mut ready = Vec::new();
        for row in heads {
            let hook_id: i64 = row.get("id");
            if busy.contains(&hook_id) {
                continue;
            }
            let claimed_for: Option<i64> = row.get("claimed_for_ms");
            let at = parse_timestamp(row.get("due"))
                .unwrap_or(now)
                .max(claimed_for.map_or(now, |ms| now + ms));
            if at > now {
                wake_at(at);
            } else {
                ready.push(hook_id);
            }
        }
        if ready.is_empty() {
            return Ok(due);
        }
        // Claim them. A hook another collector is claiming or renewing at this moment is
        // skipped, not waited for, and looked at again shortly. `NO KEY UPDATE` leaves the
        // answers' transactions free to queue deliveries to the hook meanwhile.
        let claimed = transaction
            .query(
                "UPDATE hooks SET claimed_by = $1,
                     claimed_until = clock_timestamp() + make_interval(secs => $2)
                 WHERE id IN (
                     SELECT id FROM hooks
                     WHERE id = ANY($3) AND NOT paused
                         AND (claimed_by IS NULL OR claimed_by = $1
                             OR claimed_until <= clock_timestamp())
                     ORDER BY id FOR NO KEY UPDATE SKIP LOCKED)
                 RETURNING *",
                &[&self.node, &CLAIM_SECONDS, &ready],
            )
            .await?
            .iter()
            .map(hook)
            .collect::<Result<Vec<_>, _>>()?;
        transaction.commit().await?;
        if claimed.len() < ready.len() {
            wake_at(now + SKIPPED_WAIT_MS);
        }
        // The claims are committed: what follows locks nothing.
        for hook in claimed {
            let deliveries = self.due_of(&client, &hook, &now_text, per_hook).await?;
            if deliveries.is_empty() {
                // Nothing to send after all: no run starts, so the claim is given back here.
                self.end_run(hook.id).await?;
            } else {
                due.ready.push((hook, deliveries));
            }
        }
        Ok(due)
    }

    async fn record_attempts(&self, attempts: Vec<Attempt>) -> Result<bool, StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        let mut hooks = Vec::new();
        for attempt in attempts {
            let columns = attempt.columns();
            let last_status = attempt.status.map(i32::from);
            let row = transaction
                .query_opt(
                    "UPDATE hook_deliveries SET status = $1, attempts = attempts + 1,
                         last_status = $2, last_latency_ms = $3, last_response = $4,
                         next_attempt_at = $5, updated_at = $6
                     WHERE id = $7 RETURNING hook_id",
                    &[
                        &columns.status.name(),
                        &last_status,
                        &attempt.latency_ms,
                        &attempt.response,
                        &columns.next_attempt_at,
                        &columns.at,
                        &attempt.delivery_id,
                    ],
                )
                .await?;
            let Some(row) = row else { continue };
            let hook_id: i64 = row.get(0);
            if !hooks.contains(&hook_id) {
                hooks.push(hook_id);
            }
            if let Some(until) = columns.hold {
                transaction
                    .execute(
                        "UPDATE hooks SET hold_until = $1,
                             hold_failures = CASE WHEN $1::text IS NULL THEN 0
                                 ELSE hold_failures + 1 END
                         WHERE id = $2",
                        &[&until, &hook_id],
                    )
                    .await?;
            }
        }
        // The run goes on, its claim renewed, unless the claim ran out and another collector
        // took the hook: the attempts are recorded all the same (they were made).
        let mut held = true;
        for hook_id in hooks {
            held &= transaction
                .execute(
                    "UPDATE hooks SET claimed_until = clock_timestamp() + make_interval(secs => $1)
                     WHERE id = $2 AND claimed_by = $3",
                    &[&CLAIM_SECONDS, &hook_id, &self.node],
                )
                .await?
                == 1;
        }
        transaction.commit().await?;
        Ok(held)
    }

    async fn end_run(&self, id: i64) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        let released = transaction
            .execute(
                "UPDATE hooks SET claimed_by = NULL, claimed_until = NULL
                 WHERE id = $1 AND claimed_by = $2",
                &[&id, &self.node],
            )
            .await?;
        if released > 0 {
            notify(&transaction).await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn queue_digest(
        &self,
        id: i64,
        day: Option<String>,
        body: String,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        // A test (no day) is sent first, as "Send again" is.
        let test = day.is_none();
        let queued = match day {
            // One conditional update decides, so a day's digest is queued once however many
            // collectors look at the same moment.
            Some(day) => {
                transaction
                    .execute(
                        "UPDATE hooks SET digest_last_day = $1
                         WHERE id = $2 AND NOT paused AND digest IS NOT NULL
                             AND (digest_last_day IS NULL OR digest_last_day < $1)",
                        &[&day, &id],
                    )
                    .await?
            }
            None => u64::from(select_hook(&transaction, id).await?.is_some()),
        };
        if queued == 0 {
            return Ok(None);
        }
        let delivery_id =
            insert_delivery(&transaction, id, digest::EVENT, "", &body, now, test).await?;
        if test {
            send_first(&transaction, id, delivery_id, now).await?;
        }
        notify(&transaction).await?;
        let delivery = select_delivery(&transaction, delivery_id).await?;
        transaction.commit().await?;
        Ok(delivery)
    }

    async fn give_up_deliveries(&self, created_before: i64, now: i64) -> Result<u64, StorageError> {
        let client = self.client().await?;
        // Through the index of pending deliveries: only the few pending rows are read, not the
        // month of finished ones.
        Ok(client
            .execute(
                "UPDATE hook_deliveries d SET status = 'failed', next_attempt_at = NULL,
                     last_response = CASE WHEN d.attempts = 0
                         THEN 'not sent: its receiver failed for a day'
                         ELSE d.last_response END,
                     updated_at = $1
                 FROM hooks h
                 WHERE h.id = d.hook_id AND NOT h.paused AND d.status = 'pending'
                     AND d.created_at < $2",
                &[&format_timestamp(now), &format_timestamp(created_before)],
            )
            .await?)
    }

    async fn prune_deliveries(&self, before: i64, limit: usize) -> Result<u64, StorageError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "DELETE FROM hook_deliveries WHERE id IN (
                     SELECT id FROM hook_deliveries
                     WHERE created_at < $1 AND status <> 'pending' LIMIT $2)",
                &[&format_timestamp(before), &(limit as i64)],
            )
            .await?)
    }
}

impl PgStore {
    /// The pending deliveries of `hook` due at `now` (`per_hook` at most, first due first),
    /// each with its event written from its answer as it is now (one read for all); one whose
    /// answer is gone (never: a user's deletion takes their deliveries) has nothing to say and
    /// is left out, to be given up.
    async fn due_of(
        &self,
        client: &impl GenericClient,
        hook: &Hook,
        now: &str,
        per_hook: usize,
    ) -> Result<Vec<Delivery>, StorageError> {
        let mut deliveries = client
            .query(
                "SELECT * FROM hook_deliveries
                 WHERE hook_id = $1 AND status = 'pending' AND next_attempt_at <= $2
                 ORDER BY next_attempt_at, id LIMIT $3",
                &[&hook.id, &now, &(per_hook as i64)],
            )
            .await?
            .iter()
            .map(delivery)
            .collect::<Result<Vec<_>, _>>()?;
        let unwritten: Vec<&str> = deliveries
            .iter()
            .filter(|d| d.body.is_empty())
            .filter_map(|d| d.answer_id.as_deref())
            .collect();
        let answers: HashMap<String, StoredAnswer> = client
            .query("SELECT * FROM responses WHERE id = ANY($1)", &[&unwritten])
            .await?
            .iter()
            .map(|row| {
                let answer = stored_answer(row);
                (answer.id.clone(), answer)
            })
            .collect();
        for delivery in deliveries.iter_mut().filter(|d| d.body.is_empty()) {
            let answer = delivery.answer_id.as_deref().and_then(|id| answers.get(id));
            if let (Some(answer), Some(event)) = (answer, Event::from_name(&delivery.event)) {
                let at = parse_timestamp(&delivery.created_at).unwrap_or(0);
                delivery.body = envelope(event, at, answer);
            }
        }
        deliveries.retain(|delivery| !delivery.body.is_empty());
        Ok(deliveries)
    }
}
