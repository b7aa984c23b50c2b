//! The hooks' work that the clock starts rather than an answer: queueing each hook's daily
//! digest when its hour comes ([`digest`](super::digest)); giving up the deliveries still
//! pending a day after they were queued (most of a failing receiver's were never tried: the
//! worker leaves it alone between probes); and deleting finished deliveries after
//! [`DELIVERY_RETENTION_MS`] (their bodies hold answers, which are personal data). It runs next
//! to the [`worker`](super::worker), which sends what it queues.

use std::time::Duration;

use jiff::civil::Date;
use nps_widget::core::time::parse_timestamp;

use super::digest::content;
use super::schedule::GIVE_UP_AFTER_MS;
use crate::state::AppState;

/// How long a delivered or failed delivery stays in the log: 30 days.
pub const DELIVERY_RETENTION_MS: i64 = 30 * 86_400_000;
/// How often old deliveries are given up and finished ones pruned: hourly.
const PRUNE_EVERY_MS: i64 = 3_600_000;
/// Finished deliveries deleted per transaction.
const PRUNE_BATCH: usize = 2_000;
/// Longest wait before looking again by itself (the clock may have been moved).
const MAX_WAIT: Duration = Duration::from_secs(60);
/// Wait after the database could not be read.
const ERROR_WAIT: Duration = Duration::from_secs(5);

/// Runs until aborted: prunes, queues the digests due, and waits for the next digest's hour,
/// a minute at most, or until woken ([`AppState::wake_hooks`]).
pub async fn run(state: AppState) {
    let mut pruned_at: Option<i64> = None;
    loop {
        let now = state.now();
        // A clock moved back counts as time to prune again.
        if pruned_at.is_none_or(|at| now - at >= PRUNE_EVERY_MS || now < at) {
            // A delivery's own attempts end after about a day; these catch the untried ones.
            match state
                .store()
                .give_up_deliveries(now - GIVE_UP_AFTER_MS - PRUNE_EVERY_MS, now)
                .await
            {
                Ok(0) => {}
                Ok(failed) => tracing::warn!(failed, "hooks: deliveries given up after a day"),
                Err(error) => tracing::error!(%error, "hooks: cannot give up old deliveries"),
            }
            match prune(&state, now - DELIVERY_RETENTION_MS).await {
                Ok(pruned) => {
                    if pruned > 0 {
                        tracing::info!(pruned, "hooks: finished deliveries pruned");
                    }
                    pruned_at = Some(now);
                }
                Err(error) => tracing::error!(%error, "hooks: cannot prune deliveries"),
            }
        }
        let wait = match queue_due_digests(&state, now).await {
            Ok(next) => next.map_or(MAX_WAIT, |at| {
                Duration::from_millis((at - now).max(0) as u64).min(MAX_WAIT)
            }),
            Err(error) => {
                tracing::error!(%error, "hooks: cannot read the hooks for their digests");
                ERROR_WAIT
            }
        };
        tokio::select! {
            () = state.timed_signal().notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Deletes the finished deliveries queued before `before`, a batch per transaction, so that
/// the answers' writer never waits long for the write lock; how many.
async fn prune(state: &AppState, before: i64) -> Result<u64, crate::storage::StorageError> {
    let mut pruned = 0;
    loop {
        let batch = state.store().prune_deliveries(before, PRUNE_BATCH).await?;
        pruned += batch;
        if batch < PRUNE_BATCH as u64 {
            return Ok(pruned);
        }
        tokio::task::yield_now().await;
    }
}

/// Queues, at `now`, the digest due of each hook that sends one and is not paused; returns
/// when the next one is due. A digest whose figures cannot be read is logged and tried again
/// on the next look; the other hooks' go on.
pub async fn queue_due_digests(state: &AppState, now: i64) -> Result<Option<i64>, String> {
    let hooks = state
        .store()
        .hooks()
        .await
        .map_err(|error| error.to_string())?;
    let mut next: Option<i64> = None;
    for hook in hooks.iter().filter(|hook| !hook.paused) {
        let Some(schedule) = &hook.digest else {
            continue;
        };
        let created_at = parse_timestamp(&hook.created_at).unwrap_or(0);
        let last_day = hook
            .digest_last_day
            .as_deref()
            .and_then(|day| day.parse::<Date>().ok());
        if let Some(day) = schedule.due_day(created_at, last_day, now) {
            let queued = match content::event(state.store(), &hook.filter, schedule, day, now).await
            {
                Ok(event) => state
                    .store()
                    .queue_digest(hook.id, Some(day.to_string()), event.to_string(), now)
                    .await
                    .map_err(|error| error.to_string()),
                Err(why) => Err(why),
            };
            match queued {
                Ok(Some(_)) => tracing::info!(hook = hook.id, %day, "hooks: daily digest queued"),
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(hook = hook.id, %day, %error, "hooks: cannot queue a digest");
                    next = Some(now + ERROR_WAIT.as_millis() as i64);
                }
            }
        }
        if let Some(at) = schedule.next_send_at(now) {
            next = Some(next.map_or(at, |next| next.min(at)));
        }
    }
    Ok(next)
}
