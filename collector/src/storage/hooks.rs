//! Hooks and their deliveries, as a store sees them. A delivery is written in the same
//! transaction as the change of the answer that caused it (by the answers' writer and the
//! follow-up update), so none is lost or sent for a change that did not happen; the worker
//! (`crate::hooks::worker`) reads the deliveries that are due and records each attempt.

use async_trait::async_trait;
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use tokio::sync::Notify;

use crate::hooks::digest::DigestSchedule;
use crate::hooks::{Event, Format, HookFilter};
use crate::storage::{StorageError, StoredAnswer};

/// A hook: where to send which answers, and how.
#[derive(Clone, PartialEq, Eq)]
pub struct Hook {
    /// Its id.
    pub id: i64,
    /// A name for people.
    pub name: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// How they are written.
    pub format: Format,
    /// The events it listens to.
    pub events: Vec<Event>,
    /// Which answers it is told about.
    pub filter: HookFilter,
    /// When it sends a daily digest, if it does.
    pub digest: Option<DigestSchedule>,
    /// The last day (`YYYY-MM-DD` in the digest's zone) whose digest was queued.
    pub digest_last_day: Option<String>,
    /// While its receiver fails: until when the hook is left alone (epoch ms).
    pub hold_until: Option<i64>,
    /// The receiver's failures in a row, which set how long the next hold lasts.
    pub hold_failures: u32,
    /// A paused hook queues nothing, and its pending deliveries wait until it is resumed.
    pub paused: bool,
    /// The signing secret (`whsec_…`) of a `webhook` hook; never logged, and shown only when
    /// made.
    pub secret: Option<String>,
    /// When it was created (RFC 3339 UTC).
    pub created_at: String,
}

/// Everything but the secret.
impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hook")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("format", &self.format)
            .field("events", &self.events)
            .field("filter", &self.filter)
            .field("digest", &self.digest)
            .field("digest_last_day", &self.digest_last_day)
            .field("hold_until", &self.hold_until)
            .field("hold_failures", &self.hold_failures)
            .field("paused", &self.paused)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// A validated new hook.
#[derive(Clone, PartialEq, Eq)]
pub struct NewHook {
    /// A name for people.
    pub name: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// How they are written.
    pub format: Format,
    /// The events it listens to.
    pub events: Vec<Event>,
    /// Which answers it is told about.
    pub filter: HookFilter,
    /// When it sends a daily digest, if it does.
    pub digest: Option<DigestSchedule>,
    /// The signing secret, for the `webhook` format.
    pub secret: Option<String>,
}

/// A validated change of a hook; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HookChange {
    /// A new name.
    pub name: Option<String>,
    /// A new URL.
    pub url: Option<String>,
    /// New events.
    pub events: Option<Vec<Event>>,
    /// A new filter, replacing the old one.
    pub filter: Option<HookFilter>,
    /// A new digest schedule (`Some(None)`: no more digest), and the day whose digest counts
    /// as sent already (the latest due when it is set: the first comes at the next hour).
    pub digest: Option<(Option<DigestSchedule>, Option<String>)>,
    /// Paused or resumed.
    pub paused: Option<bool>,
}

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// A receiver answered 2xx.
    Delivered,
    /// Given up after about a day of attempts; can be retried by hand.
    Failed,
}

impl DeliveryStatus {
    /// Its name in the API and the database.
    pub fn name(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The status a name stands for.
    pub fn from_name(name: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|status| status.name() == name)
    }
}

/// One event to send to one hook, and how its attempts went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Its id.
    pub id: i64,
    /// The hook it goes to.
    pub hook_id: i64,
    /// The event's name.
    pub event: String,
    /// The answer it is about; `None` for a daily digest.
    pub answer_id: Option<String>,
    /// The `webhook-id` of every attempt: receivers drop what they already had by it.
    pub webhook_id: String,
    /// The event, `{ "type", "timestamp", "data" }`: the `webhook` format's body, and what the
    /// `slack` format's message is written from. An answer's event is written when it is sent
    /// (see [`HookStore::due_deliveries`]), from the answer as it is then; before, it is empty.
    pub body: String,
    /// Where it is.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// The HTTP status of the last attempt; `None` when it got no answer.
    pub last_status: Option<u16>,
    /// How long the last attempt took (ms).
    pub last_latency_ms: Option<i64>,
    /// The first bytes of the last answer, or why there was none.
    pub last_response: Option<String>,
    /// When the next attempt is due (RFC 3339 UTC); `None` unless pending.
    pub next_attempt_at: Option<String>,
    /// When it was queued (RFC 3339 UTC).
    pub created_at: String,
    /// When it last changed (RFC 3339 UTC).
    pub updated_at: String,
    /// Whether it is a test (`POST /v1/hooks/{id}/test`: a sample answer, or a digest sent
    /// out of its schedule) rather than a real answer's or a scheduled digest.
    pub test: bool,
}

/// What the worker should send now.
#[derive(Clone, Debug, Default)]
pub struct Due {
    /// For each hook with deliveries due (and no run in flight): the hook and its deliveries
    /// due, first due first.
    pub ready: Vec<(Hook, Vec<Delivery>)>,
    /// When the earliest delivery not ready yet is due (epoch ms), if any.
    pub next_at: Option<i64>,
}

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Delivered,
    /// Try again at this time (epoch ms).
    RetryAt(i64),
    /// Give up.
    Failed,
}

/// One attempt of a delivery, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The delivery.
    pub delivery_id: i64,
    /// When it ended (epoch ms).
    pub at: i64,
    /// The HTTP status; `None` when no answer came.
    pub status: Option<u16>,
    /// How long it took (ms).
    pub latency_ms: i64,
    /// The first bytes of the answer, or why there was none.
    pub response: String,
    /// What next.
    pub outcome: Outcome,
    /// The receiver is failing (no answer, 5xx, 429, 408): leave the hook alone until then
    /// (epoch ms). `None` after a delivery, or an answer that is about this delivery alone
    /// (another 4xx).
    pub hold: Option<i64>,
}

/// A hook's events as stored: a JSON array of their names.
pub(crate) fn events_json(events: &[Event]) -> String {
    serde_json::Value::from(events.iter().map(|e| e.name()).collect::<Vec<_>>()).to_string()
}

/// The events of [`events_json`]; `None` when the text is not what it writes.
pub(crate) fn parse_events(text: &str) -> Option<Vec<Event>> {
    let names: Vec<String> = serde_json::from_str(text).ok()?;
    names.iter().map(|name| Event::from_name(name)).collect()
}

/// A hook's filter as stored: its JSON.
pub(crate) fn filter_json(filter: &HookFilter) -> String {
    filter.to_json().to_string()
}

/// The filter of [`filter_json`]; `None` when the text is not what it writes.
pub(crate) fn parse_filter(text: &str) -> Option<HookFilter> {
    HookFilter::from_json(&serde_json::from_str(text).ok()?).ok()
}

/// A hook's digest schedule as stored: its JSON, or nothing.
pub(crate) fn digest_json(digest: Option<&DigestSchedule>) -> Option<String> {
    digest.map(|d| d.to_json().to_string())
}

/// The schedule of [`digest_json`]; `None` when the text is not what it writes.
pub(crate) fn parse_digest(text: Option<&str>) -> Option<Option<DigestSchedule>> {
    match text {
        None => Some(None),
        Some(text) => DigestSchedule::from_json(&serde_json::from_str(text).ok()?).ok(),
    }
}

/// What queueing needs of a hook that is not paused: whom it listens to.
pub(crate) struct Rule {
    /// The hook's id.
    pub id: i64,
    /// Its events.
    pub events: Vec<Event>,
    /// Its filter.
    pub filter: HookFilter,
}

/// Which deliveries a move of an answer queues, by the hooks' rules: each backend reads the
/// rules and the answer in the transaction that moves it, and writes what this says.
pub(crate) struct Queueing<'a> {
    rules: &'a [Rule],
    events: &'a [Event],
}

impl<'a> Queueing<'a> {
    /// The deliveries of `events` (the answer's move) to the hooks of `rules`.
    pub fn new(rules: &'a [Rule], events: &'a [Event]) -> Self {
        Queueing { rules, events }
    }

    fn listens(&self, rule: &Rule) -> bool {
        self.events.iter().any(|e| rule.events.contains(e))
    }

    /// Whether any hook listens to the events: nothing else needs reading when none does.
    pub fn any(&self) -> bool {
        self.rules.iter().any(|rule| self.listens(rule))
    }

    /// Whether a hook that listens has a filter, so that the whole answer must be read; without
    /// one, knowing the answer is no preview is enough.
    pub fn needs_answer(&self) -> bool {
        let unfiltered = HookFilter::default();
        self.rules
            .iter()
            .any(|rule| self.listens(rule) && rule.filter != unfiltered)
    }

    /// The (hook, event) pairs to queue, events first: none for a preview; `answer` is the
    /// answer as it is now when [`needs_answer`](Self::needs_answer), else `None`.
    pub fn deliveries(&self, preview: bool, answer: Option<&StoredAnswer>) -> Vec<(i64, Event)> {
        if preview || answer.is_some_and(|a| a.preview) {
            return Vec::new();
        }
        let mut queued = Vec::new();
        for event in self.events {
            for rule in self.rules {
                let passes = answer.is_none_or(|answer| rule.filter.matches(answer));
                if rule.events.contains(event) && passes {
                    queued.push((rule.id, *event));
                }
            }
        }
        queued
    }
}

/// What recording an attempt writes: the delivery's status and next attempt time (RFC 3339),
/// and the change to its hook's hold: `Some(None)` ends it, `Some(Some(until))` starts a
/// longer one, `None` leaves it.
pub(crate) struct AttemptColumns {
    /// The delivery's status after the attempt.
    pub status: DeliveryStatus,
    /// When it is next tried, if it still is.
    pub next_attempt_at: Option<String>,
    /// The hold's change.
    pub hold: Option<Option<String>>,
    /// When the attempt ended.
    pub at: String,
}

impl Attempt {
    /// What recording this attempt writes.
    pub(crate) fn columns(&self) -> AttemptColumns {
        let (status, next_attempt_at) = match self.outcome {
            Outcome::Delivered => (DeliveryStatus::Delivered, None),
            Outcome::RetryAt(at) => (DeliveryStatus::Pending, Some(format_timestamp(at))),
            Outcome::Failed => (DeliveryStatus::Failed, None),
        };
        // A failing receiver is left alone for longer each time, and a delivery ends it.
        let hold = match (self.outcome, self.hold) {
            (Outcome::Delivered, _) => Some(None),
            (_, Some(until)) => Some(Some(format_timestamp(until))),
            _ => None,
        };
        AttemptColumns {
            status,
            next_attempt_at,
            hold,
            at: format_timestamp(self.at),
        }
    }
}

/// Shows, in a held hook's delivery log, that its pending deliveries are next tried when the
/// hold ends (`until`, epoch ms), not before.
pub(crate) fn show_hold(deliveries: &mut [Delivery], until: Option<i64>) {
    let Some(until) = until else { return };
    for delivery in deliveries {
        let next = delivery
            .next_attempt_at
            .as_deref()
            .and_then(parse_timestamp);
        if delivery.status == DeliveryStatus::Pending && next.is_none_or(|n| n < until) {
            delivery.next_attempt_at = Some(format_timestamp(until));
        }
    }
}

/// Hooks, their deliveries and the signal that wakes the worker.
#[async_trait]
pub trait HookStore: Send + Sync {
    /// Notified whenever deliveries are queued or made due by this store (and by whoever
    /// wants the worker to look again: tests that move the clock).
    fn hook_signal(&self) -> &Notify;

    /// Stores a new hook, created at `now` (epoch ms).
    async fn create_hook(&self, hook: NewHook, now: i64) -> Result<Hook, StorageError>;

    /// Every hook, oldest first.
    async fn hooks(&self) -> Result<Vec<Hook>, StorageError>;

    /// The hook with `id`, if any.
    async fn hook(&self, id: i64) -> Result<Option<Hook>, StorageError>;

    /// Applies `change` to the hook with `id`; `None` when there is no such hook.
    async fn update_hook(&self, id: i64, change: HookChange) -> Result<Option<Hook>, StorageError>;

    /// Replaces the secret of the hook with `id`; `None` when there is no such hook.
    async fn set_hook_secret(&self, id: i64, secret: String) -> Result<Option<Hook>, StorageError>;

    /// Deletes the hook with `id` and its deliveries; whether there was one.
    async fn delete_hook(&self, id: i64) -> Result<bool, StorageError>;

    /// Queues a delivery of `event` about `answer` to the hook with `id` at `now`, whatever
    /// its events and filter (a test delivery), sent first as a retried one is (ahead of the
    /// hook's waiting deliveries, its hold ended); `None` when there is no such hook.
    async fn queue_delivery(
        &self,
        id: i64,
        event: Event,
        answer: StoredAnswer,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError>;

    /// The latest `limit` deliveries of the hook with `id`, newest first.
    async fn deliveries(&self, id: i64, limit: usize) -> Result<Vec<Delivery>, StorageError>;

    /// Makes the delivery `delivery_id` of the hook `hook_id` due at `now`, whatever its
    /// status, ahead of the hook's other waiting deliveries (its `next_attempt_at` may then
    /// read earlier than `now`: see [`retried_at`](crate::hooks::schedule::retried_at)), and
    /// ends the hook's hold; `None` when there is no such delivery.
    async fn retry_delivery(
        &self,
        hook_id: i64,
        delivery_id: i64,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError>;

    /// What to send at `now`: for each hook that is not paused, not held and not in `busy` (a
    /// run in flight), its pending deliveries that are due, first due first, `per_hook` at
    /// most, each with its event written.
    async fn due_deliveries(
        &self,
        now: i64,
        busy: Vec<i64>,
        per_hook: usize,
    ) -> Result<Due, StorageError>;

    /// Records attempts, in order, and their hooks' holds: a hold starts a longer one each
    /// time, a delivery ends it. In one transaction, or (SQLite) in small pieces of the
    /// answers' group commits; on an error, the attempts of the pieces already committed stay
    /// recorded, and the others' deliveries are sent again (under the same ids).
    ///
    /// Returns whether the run that made them still holds their hook: `false` when, with
    /// several collectors on one database, its claim ran out and another took the hook (the
    /// run then stops: the other sends the rest).
    async fn record_attempts(&self, attempts: Vec<Attempt>) -> Result<bool, StorageError>;

    /// The worker's run of the hook with `id` is over: with several collectors on one
    /// database, another may now take the hook's next deliveries. (A run claims its hook in
    /// [`due_deliveries`](Self::due_deliveries); a collector alone has no one to tell.)
    async fn end_run(&self, id: i64) -> Result<(), StorageError> {
        let _ = id;
        Ok(())
    }

    /// Queues `body`, a digest, to the hook with `id` at `now`. With `Some(day)`
    /// (`YYYY-MM-DD`) it is that day's digest, queued only if the hook is not paused, sends a
    /// digest, and had no digest of `day` or a later day queued yet (by this or another
    /// collector); with `None` it is a test, queued whatever and sent first as a retried one
    /// is. The delivery, or `None` when
    /// nothing was queued.
    async fn queue_digest(
        &self,
        id: i64,
        day: Option<String>,
        body: String,
        now: i64,
    ) -> Result<Option<Delivery>, StorageError>;

    /// Marks `failed` the pending deliveries of hooks that are not paused queued before
    /// `created_before` (epoch ms), at `now`: those never sent because their receiver kept
    /// failing (a hook whose receiver fails is left alone, so most of its deliveries wait
    /// unsent). Returns how many.
    async fn give_up_deliveries(&self, created_before: i64, now: i64) -> Result<u64, StorageError>;

    /// Deletes at most `limit` of the deliveries queued before `before` (epoch ms) that are
    /// delivered or failed: their bodies hold answers (personal data) and the log only needs
    /// recent ones. Returns how many (fewer than `limit`: none is left).
    async fn prune_deliveries(&self, before: i64, limit: usize) -> Result<u64, StorageError>;
}
