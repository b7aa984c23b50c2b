//! The hook worker: a task started with the server that sends the deliveries that are due.
//! For each hook with deliveries due it starts a run, at most one per hook: the run sends
//! them in the order they were queued, one after the other on one kept-alive connection, each
//! attempt within the hook timeout (10 s). 2xx is delivered; anything else is tried again on
//! the [`schedule`] until it has failed. A receiver that fails (no answer, 5xx, 429, 408) ends
//! the run and holds the hook, new deliveries included, for the schedule's growing waits; the
//! oldest delivery then probes it. Attempts are recorded in the answers' group commit, at
//! least every second of a run (when the run also checks that its hook has not changed) and
//! at its end. Everything it knows is in the database, so a collector killed mid-run sends the
//! unrecorded deliveries again when it starts (with the same `webhook-id`, for receivers to
//! drop a repeat). It decides time by the app's clock, and it looks again when the store
//! queues something (after a short pause that lets a burst of answers be taken in one look),
//! when a wait ends, or when woken ([`AppState::wake_hooks`]).

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use super::address;
use super::client::{Connection, Reply};
use super::digest;
use super::schedule;
use super::slack;
use super::webhook;
use super::Format;
use crate::state::AppState;
use crate::storage::hooks::{Attempt, Delivery, Hook, Outcome};

/// Longest wait before the worker looks again by itself (the clock may have been moved).
const MAX_WAIT: Duration = Duration::from_secs(60);
/// Wait after the database could not be read or written.
const ERROR_WAIT: Duration = Duration::from_secs(5);
/// Time beyond the hook timeout for an attempt whose status came in time to end.
const BODY_GRACE: Duration = Duration::from_millis(100);
/// Pause after the store signals new deliveries, before looking: the answers of a burst are
/// then taken in one look rather than one look each.
const GATHER: Duration = Duration::from_millis(100);
/// Most deliveries one run sends.
const RUN_LENGTH: usize = 1_000;
/// Longest time a run keeps attempts before recording them.
const RECORD_EVERY: Duration = Duration::from_secs(1);

/// The nice value of the worker's thread when the idle scheduling class is refused: above
/// the answers' (0), so that on a busy machine the scheduler gives their requests the CPU first.
const WORKER_NICE: i32 = 10;

/// Starts the worker, and the [`timed`](super::timed) task that queues the daily digests, on
/// the current Tokio runtime; they run until aborted or the runtime ends.
pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        tokio::join!(run(state.clone()), super::timed::run(state));
    })
}

/// Starts the worker on a thread and a Tokio runtime of its own, at a lower scheduling
/// priority: sending deliveries is background work (seconds are soon enough), while each
/// answer's `202` waits for its request to be handled. On the answers' runtime, a run sending
/// hundreds of deliveries a second took turns with the requests on the same worker threads and
/// doubled their p99 (`./build.sh bench`, section 7); apart, the kernel schedules the requests
/// first. The [`timed`](super::timed) task stays on the current runtime (it must be called on
/// one), at the answers' priority: it writes on the admin connection (giving up, pruning,
/// queueing digests), and a thread of the idle class holding SQLite's write lock on a busy
/// machine would keep the answers' writer waiting. Both run for as long as the process.
pub fn spawn_apart(state: AppState) -> std::io::Result<()> {
    // Sockets and timers; no signal handling (the answers' runtime has that).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let worker = state.clone();
    std::thread::Builder::new()
        .name("hooks".into())
        .spawn(move || {
            lower_priority();
            runtime.block_on(run(worker));
        })?;
    tokio::spawn(super::timed::run(state));
    Ok(())
}

/// Moves this thread to Linux's idle scheduling class (`SCHED_IDLE`), where it runs on the
/// CPU time the answers' threads leave, and a request that wakes takes the CPU from it at once;
/// threads it starts (the runtime's blocking pool, which reads the deliveries) inherit it.
/// Where that is refused, raises its nice value to [`WORKER_NICE`] instead. Best effort:
/// without either the worker still runs, at the answers' priority.
///
/// Measured (`./build.sh bench`, section 7, and the same load on a database in memory, where
/// no disk time hides the rest): at nice 10 a waking request still waited behind a run's
/// sends, and the answers' p99 with three busy hooks was 2.7 to 4.1 times the p99 without on
/// the database in memory; in the idle class 1.4.
fn lower_priority() {
    // SAFETY: `gettid` has no preconditions; `sched_setscheduler` and `setpriority` with
    // `PRIO_PROCESS` and a thread id change that one thread's scheduling on Linux, and only
    // read their arguments (`param` lives across the call).
    let thread = unsafe { libc::gettid() };
    let param = libc::sched_param { sched_priority: 0 };
    if unsafe { libc::sched_setscheduler(thread, libc::SCHED_IDLE, &param) } == 0 {
        return;
    }
    let refused = std::io::Error::last_os_error();
    if unsafe { libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, WORKER_NICE) } == 0 {
        tracing::info!(error = %refused, "hooks: the worker runs at nice {WORKER_NICE}, not in the idle class");
    } else {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "hooks: the worker runs at the answers' priority"
        );
    }
}

async fn run(state: AppState) {
    let mut in_flight = JoinSet::new();
    // The hook of each run in flight, by task.
    let mut busy: HashMap<tokio::task::Id, i64> = HashMap::new();
    loop {
        let now = state.now();
        let wait = match state
            .store()
            .due_deliveries(now, busy.values().copied().collect(), RUN_LENGTH)
            .await
        {
            Ok(due) => {
                for (hook, deliveries) in due.ready {
                    let hook_id = hook.id;
                    let task = in_flight.spawn(run_hook(state.clone(), hook, deliveries));
                    busy.insert(task.id(), hook_id);
                }
                due.next_at.map_or(MAX_WAIT, |at| {
                    Duration::from_millis((at - now).max(0) as u64).min(MAX_WAIT)
                })
            }
            Err(error) => {
                tracing::error!(%error, "hooks: cannot read the deliveries due");
                ERROR_WAIT
            }
        };
        tokio::select! {
            () = state.store().hook_signal().notified() => tokio::time::sleep(GATHER).await,
            () = tokio::time::sleep(wait) => {}
            Some(done) = in_flight.join_next_with_id(), if !in_flight.is_empty() => {
                busy.remove(&finished(&done));
            }
        }
        // Every run that ended meanwhile (during the pause, say), so that the next look
        // takes their hooks together: hooks that hear of the same answers then share one
        // reading and writing of each event (`due_deliveries`), rather than a look each.
        while let Some(done) = in_flight.try_join_next_with_id() {
            busy.remove(&finished(&done));
        }
    }
}

/// The task of a run that ended, however it ended.
fn finished(done: &Result<(tokio::task::Id, ()), tokio::task::JoinError>) -> tokio::task::Id {
    match done {
        Ok((id, ())) => *id,
        Err(error) => error.id(),
    }
}

/// Sends `deliveries` to `hook` one after the other on one connection, until the receiver
/// fails (the hook is then held) or the hook changes, and records the attempts.
async fn run_hook(state: AppState, mut hook: Hook, deliveries: Vec<Delivery>) {
    let mut connection = Connection::new();
    let mut attempts = Vec::new();
    let mut recorded_at = Instant::now();
    for delivery in deliveries {
        let attempt = attempt(&state, &hook, &delivery, &mut connection).await;
        let held = attempt.hold.is_some();
        attempts.push(attempt);
        if held {
            break;
        }
        if recorded_at.elapsed() >= RECORD_EVERY {
            // Not recorded, or the hook is no longer this run's: the rest wait for a run that
            // can record them.
            if !record(&state, std::mem::take(&mut attempts)).await {
                break;
            }
            recorded_at = Instant::now();
            // Paused, deleted, sent elsewhere or signed anew meanwhile: the rest wait for a
            // run that knows.
            match state.store().hook(hook.id).await {
                Ok(Some(now))
                    if !now.paused && now.url == hook.url && now.secret == hook.secret =>
                {
                    hook = now;
                }
                _ => break,
            }
        }
    }
    record(&state, attempts).await;
    if let Err(error) = state.store().end_run(hook.id).await {
        // Another collector takes the hook when the run's claim runs out.
        tracing::warn!(%error, hook = hook.id, "hooks: cannot end the run");
    }
}

/// Records `attempts`; whether the run may go on: not when they could not be written (after a
/// short wait: their deliveries are still due and are tried again, not in a tight loop), nor
/// when the run's hook was taken by another collector meanwhile.
async fn record(state: &AppState, attempts: Vec<Attempt>) -> bool {
    if attempts.is_empty() {
        return true;
    }
    match state.store().record_attempts(attempts).await {
        Ok(held) => held,
        Err(error) => {
            tracing::error!(%error, "hooks: cannot record attempts");
            tokio::time::sleep(ERROR_WAIT).await;
            false
        }
    }
}

/// Makes one attempt of `delivery` to `hook`; what to record of it.
async fn attempt(
    state: &AppState,
    hook: &Hook,
    delivery: &Delivery,
    connection: &mut Connection,
) -> Attempt {
    let timeout = state.settings().hook_timeout;
    let started = Instant::now();
    // The answer's body is read until the deadline; the grace lets a status that came in time
    // be kept rather than lost to the timeout around the whole attempt.
    let deadline = started + timeout;
    let result = tokio::time::timeout_at(
        deadline + BODY_GRACE,
        send(state, hook, delivery, connection, deadline),
    )
    .await
    .unwrap_or_else(|_| {
        // Cut off mid-exchange: the connection is in no state to carry another request.
        *connection = Connection::new();
        Err(format!("no answer within {} ms", timeout.as_millis()))
    });
    let latency_ms = started.elapsed().as_millis() as i64;
    let now = state.now();
    let created_at = nps_widget::core::time::parse_timestamp(&delivery.created_at).unwrap_or(now);
    let retry = || {
        schedule::retry_at(
            created_at,
            delivery.attempts + 1,
            now,
            rand::random::<f64>(),
        )
        .map_or(Outcome::Failed, Outcome::RetryAt)
    };
    let (status, response, outcome) = match result {
        Ok(Reply { status, body, .. }) => {
            let outcome = if (200..300).contains(&status) {
                Outcome::Delivered
            } else {
                retry()
            };
            let text = String::from_utf8_lossy(&body).into_owned();
            (Some(status), text, outcome)
        }
        Err(why) => (None, why, retry()),
    };
    // No answer, or one that says the receiver is down or busy: the hook is held. Another
    // refusal (400, 413, …) is about this delivery, and the others go on.
    let failing = match status {
        None => true,
        Some(status) => status >= 500 || status == 429 || status == 408,
    };
    let hold = (outcome != Outcome::Delivered && failing)
        .then(|| now + schedule::wait(hook.hold_failures + 1, rand::random::<f64>()));
    // Held, the delivery keeps its place: when the hold ends the hook's deliveries go in the
    // order they were queued, this one (the oldest) first, so it is the one that probes.
    let outcome = match (outcome, hold) {
        (Outcome::RetryAt(_), Some(_)) => Outcome::RetryAt(
            delivery
                .next_attempt_at
                .as_deref()
                .and_then(nps_widget::core::time::parse_timestamp)
                .unwrap_or(now),
        ),
        (outcome, _) => outcome,
    };
    // The hook's URL is not logged: a Slack webhook's URL is its secret. A delivery is one
    // line in the debug log (a busy collector makes thousands a second); a failure is a
    // warning.
    let status_text = status.map_or_else(|| "none".to_owned(), |s| s.to_string());
    if outcome == Outcome::Delivered {
        tracing::debug!(hook = hook.id, delivery = delivery.id, event = %delivery.event,
            status = status_text, latency_ms, "hook delivery attempt");
    } else {
        // Held, it is tried when the hold ends, whatever place it keeps.
        let next_attempt = match (hold, outcome) {
            (_, Outcome::Failed) => "never: failed".to_owned(),
            (Some(at), _) | (None, Outcome::RetryAt(at)) => {
                nps_widget::core::time::format_timestamp(at)
            }
            (None, Outcome::Delivered) => "never: delivered".to_owned(),
        };
        tracing::warn!(hook = hook.id, delivery = delivery.id, event = %delivery.event,
            status = status_text, latency_ms, next_attempt, response = %response,
            "hook delivery attempt failed");
    }
    Attempt {
        delivery_id: delivery.id,
        at: now,
        status,
        latency_ms,
        response,
        outcome,
        hold,
    }
}

/// Writes the request in the hook's format and sends it on `connection`, reading the answer's
/// body until `deadline`.
async fn send(
    state: &AppState,
    hook: &Hook,
    delivery: &Delivery,
    connection: &mut Connection,
    deadline: Instant,
) -> Result<Reply, String> {
    let settings = state.settings();
    let target = address::parse(&hook.url)?;
    let (body, headers) = match hook.format {
        Format::Webhook => {
            let timestamp = state.now().div_euclid(1000);
            let secret = hook.secret.as_deref().unwrap_or_default();
            let signature = webhook::signature(
                secret,
                &delivery.webhook_id,
                timestamp,
                delivery.body.as_bytes(),
            )
            .ok_or("the hook has no valid secret: rotate it")?;
            let headers = vec![
                ("webhook-id", delivery.webhook_id.clone()),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", signature),
            ];
            (delivery.body.clone().into_bytes(), headers)
        }
        Format::Slack => {
            let event: Value = serde_json::from_str(&delivery.body)
                .map_err(|error| format!("the stored event is not JSON: {error}"))?;
            let public_url = settings.public_url.as_deref();
            let message = if event.get("type").and_then(Value::as_str) == Some(digest::EVENT) {
                digest::slack::message(&event, public_url)
            } else {
                slack::message(&event, public_url)
            };
            (message.to_string().into_bytes(), Vec::new())
        }
    };
    connection
        .post(
            &target,
            settings.allow_private_hooks,
            &headers,
            body,
            deadline,
        )
        .await
}
