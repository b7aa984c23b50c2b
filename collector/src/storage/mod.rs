//! Where answers live. The handlers see only [`AnswerStore`]; SQLite ([`sqlite`]) is the
//! embedded backend, and a second backend implements the same trait without touching them.

pub mod answer_list;
pub mod database;
pub mod hooks;
pub mod postgres;
pub mod report;
pub mod samples;
pub mod secrets;
pub mod sqlite;
pub mod tokens;
pub mod unsubscribes;

use async_trait::async_trait;
use nps_widget::core::lifecycle::{effective_shown_at, Facts, Stage};
use nps_widget::core::time::format_timestamp;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use answer_list::AnswerListStore;
pub use database::{Access, Database};
pub use hooks::HookStore;
pub use samples::SampleStore;
pub use secrets::SecretStore;
pub use tokens::{TokenInfo, TokenStore};
pub use unsubscribes::UnsubscribeStore;

use crate::validate::Answer;
pub use report::ReportStore;

/// What became of a submitted body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Stored: a new answer, or the stored one moved on.
    Stored,
    /// Acknowledged and ignored: a replay, a late or backwards body, or a frozen answer.
    Ignored,
    /// Refused, nothing changed: the field in conflict with the stored answer (`key`,
    /// `user.id`, `kind` or `survey`).
    Conflict(&'static str),
}

/// The latest display of a survey to one user, as eligibility needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LastDisplay {
    /// How far the answer got.
    pub stage: Stage,
    /// Its effective shown time (epoch ms): see `nps_widget::core::lifecycle`.
    pub shown_at: i64,
}

/// One stored answer, as `export` prints it (the column names of the storage, so that scripts
/// written against earlier versions keep working): its latest accepted body plus what the
/// collector recorded. Times are RFC 3339 UTC with milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoredAnswer {
    /// Answer id.
    pub id: String,
    /// `display`, `response` or `decline`.
    #[serde(rename = "type")]
    pub body_type: String,
    /// Survey kind: `nps`, `csat` or `ces`.
    pub kind: String,
    /// Survey id.
    pub survey: String,
    /// The score, for responses.
    pub score: Option<i64>,
    /// The score's category.
    pub category: Option<String>,
    /// Follow-up comment.
    pub comment: Option<String>,
    /// Whether the answer is final.
    pub complete: bool,
    /// Shown by a forced `show()`.
    pub preview: bool,
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
    /// `in-app`, `email` or `link`.
    pub channel: String,
    /// When the device says the prompt was shown.
    pub shown_at: String,
    /// The time the answer counts as shown (server time wins).
    pub effective_shown_at: String,
    /// When it was answered.
    pub answered_at: Option<String>,
    /// Widget version.
    pub widget_version: Option<String>,
    /// When the answer's first body arrived.
    pub received_at: String,
    /// When the answer last changed.
    pub updated_at: String,
    /// Follow-up state: `open`, `claimed` or `resolved`.
    pub follow_up_status: String,
    /// Who takes care of the follow-up.
    pub follow_up_assignee: Option<String>,
    /// The team's note.
    pub follow_up_note: Option<String>,
    /// The follow-up's tags.
    pub follow_up_tags: Vec<String>,
    /// When the follow-up last changed.
    pub follow_up_updated_at: Option<String>,
    /// A sample answer (demo data written by `nps-collector seed`), not a real one.
    pub sample: bool,
}

/// Why the store could not do what was asked. Nothing of a failed write is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError {
    message: String,
    unavailable: bool,
}

impl StorageError {
    /// The store failed: `message` says how.
    pub fn new(message: impl Into<String>) -> Self {
        StorageError {
            message: message.into(),
            unavailable: false,
        }
    }

    /// The database cannot be reached at the moment (a server that is down, restarting or out
    /// of connections): the same request may well succeed in a few seconds.
    pub fn unavailable(message: impl Into<String>) -> Self {
        StorageError {
            message: message.into(),
            unavailable: true,
        }
    }

    /// Whether the database could not be reached (see [`StorageError::unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        self.unavailable
    }
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StorageError {}

/// Everything the collector stores, one interface per concern; a backend implements each.
pub trait Store:
    AnswerStore
    + AnswerListStore
    + HookStore
    + ReportStore
    + SampleStore
    + SecretStore
    + TokenStore
    + UnsubscribeStore
{
}

impl<
        T: AnswerStore
            + AnswerListStore
            + HookStore
            + ReportStore
            + SampleStore
            + SecretStore
            + TokenStore
            + UnsubscribeStore,
    > Store for T
{
}

/// Answers as the widget's endpoints write and read them.
#[async_trait]
pub trait AnswerStore: Send + Sync {
    /// Applies a validated body to the answer with its id, by the lifecycle rules
    /// (`nps_widget::core::lifecycle::judge`), atomically; `received_at` (epoch ms) is the
    /// server's time, recorded with the answer's first body. Resolves once the result is
    /// durable.
    async fn submit(&self, answer: Answer, received_at: i64) -> Result<Applied, StorageError>;

    /// The latest display of each survey to `user_id` that is not a preview, by effective
    /// shown time: the survey's id and that display.
    async fn latest_displays(
        &self,
        user_id: &str,
    ) -> Result<Vec<(String, LastDisplay)>, StorageError>;

    /// Every stored answer, oldest first by arrival.
    async fn answers(&self) -> Result<Vec<StoredAnswer>, StorageError>;
}

/// The values every body of an answer writes, as both backends store them: the times
/// formatted for storage (RFC 3339 UTC with milliseconds), the effective shown time judged
/// against the answer's first arrival. Each backend binds them in its own way.
pub(crate) struct BodyColumns<'a> {
    /// The body.
    pub answer: &'a Answer,
    /// Its wire `type`.
    pub body_type: &'static str,
    /// Its score.
    pub score: Option<i16>,
    /// Whether the answer is complete.
    pub complete: bool,
    /// The user's sign-up time.
    pub user_created_at: Option<String>,
    /// The device's shown time.
    pub shown_at: String,
    /// The shown time the rules and the report use.
    pub effective_shown_at: String,
    /// When the score or comment was given.
    pub answered_at: Option<String>,
}

impl<'a> BodyColumns<'a> {
    /// The values of `answer`, whose first body arrived at `first_received` (epoch ms).
    pub fn new(answer: &'a Answer, first_received: i64) -> Self {
        BodyColumns {
            answer,
            body_type: answer.body_type(),
            score: answer.score.map(i16::from),
            complete: answer.stage == Stage::Complete,
            user_created_at: answer.user.created_at.map(format_timestamp),
            shown_at: format_timestamp(answer.shown_at),
            effective_shown_at: format_timestamp(effective_shown_at(
                answer.shown_at,
                first_received,
            )),
            answered_at: answer.answered_at.map(format_timestamp),
        }
    }
}

/// What the lifecycle rules (`nps_widget::core::lifecycle::judge`) compare of a stored answer,
/// and its first arrival, as every backend reads them from its row.
pub(crate) struct StoredFacts {
    /// How far the answer got.
    pub stage: Stage,
    /// The hash of its key ([`key_hash`]), if its first body had one.
    pub key_hash: Option<String>,
    /// Its user's id, if any.
    pub user_id: Option<String>,
    /// Its kind's name.
    pub kind: String,
    /// Its survey's id.
    pub survey: String,
    /// When its first body arrived (RFC 3339).
    pub received_at: String,
}

impl StoredFacts {
    /// The facts as the rules take them.
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            stage: self.stage,
            key_hash: self.key_hash.as_deref(),
            user_id: self.user_id.as_deref(),
            kind: &self.kind,
            survey: &self.survey,
        }
    }
}

/// What the collector keeps of an answer's key: its SHA-256, hex. The key has at least 128
/// random bits, so a plain hash cannot be reversed by guessing.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}
