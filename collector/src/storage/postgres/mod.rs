//! PostgreSQL storage, for any number of collectors in front of one database: a connection
//! pool per collector, every rule of an answer's life applied in one transaction that locks
//! the answer's row (`SELECT … FOR UPDATE`), so that two nodes given bodies of one answer at
//! once take turns, and the schema migrated at start under an advisory lock ([`schema`]).
//!
//! Hook deliveries are queued in the answer's transaction and shared out among the collectors
//! by hook ([`hooks`]). The report counts the answers themselves, in one snapshot
//! ([`report`]); the answers list ([`answer_list`]), the admin tokens and sessions
//! ([`tokens`]) and the sample answers ([`samples`]) are plain statements; [`import`] copies a
//! SQLite database in.

mod answer_list;
mod hooks;
mod import;
mod report;
mod samples;
pub mod schema;
mod secrets;
mod tokens;
mod unsubscribes;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use nps_widget::core::lifecycle::{judge, Stage, Verdict};
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use tokio::sync::Notify;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row, Transaction};

use crate::hooks::event::transition;
use crate::storage::{
    key_hash, AnswerStore, Applied, BodyColumns, LastDisplay, StorageError, StoredAnswer,
    StoredFacts,
};
use crate::validate::Answer;

/// Connections one collector keeps open at most.
const POOL_SIZE: usize = 16;
/// How long sent data may go unacknowledged by the server before the connection is closed.
const UNACKNOWLEDGED: Duration = Duration::from_secs(20);
/// Keepalive probes of an idle connection: the first after this long…
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);
/// …then one every this long…
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(5);
/// …and the connection is closed after this many go unanswered.
const KEEPALIVE_RETRIES: u32 = 3;
/// How long a request waits for a connection (a free one, or a new one to be made) before it
/// is answered `503`: the database is down or overwhelmed, and the client tries again later.
const CONNECTION_WAIT: Duration = Duration::from_secs(5);

/// What a store is opened for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opening {
    /// A collector's server: the schema migrated, and the store hears of the other
    /// collectors' hook work (`LISTEN`).
    Serve,
    /// A command that writes: the schema migrated.
    Write,
    /// A command that only reads: the schema must be this build's (nothing is created).
    Read,
}

/// The PostgreSQL store.
pub struct PgStore {
    pool: Pool,
    /// The runtime the store was opened on, where connections are made (see
    /// [`PgStore::client`]).
    runtime: tokio::runtime::Handle,
    /// This collector's name among those on the database: the claims its hook runs hold.
    node: String,
    /// Wakes the hook worker when deliveries are queued, by this collector or another.
    hook_signal: Arc<Notify>,
}

/// Whether `error` is one that trying again later may well not meet, rather than a statement
/// that fails whenever it runs: a connection that closed or could not be made; a server
/// shutting down, starting, out of connections or other resources (class 53), or read-only
/// (a standby, mid-failover); a transaction that lost a serialization or deadlock race.
fn unreachable(error: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    match error.code() {
        Some(code) => {
            code.code().starts_with("08")
                || code.code().starts_with("53")
                || [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                    SqlState::READ_ONLY_SQL_TRANSACTION,
                    SqlState::T_R_SERIALIZATION_FAILURE,
                    SqlState::T_R_DEADLOCK_DETECTED,
                ]
                .contains(code)
        }
        None => {
            error.is_closed()
                || std::error::Error::source(error)
                    .is_some_and(|source| source.is::<std::io::Error>())
        }
    }
}

/// What `error` says, for the log: the server's code and message, or the driver's error and
/// its cause (the driver's own text is a bare kind, such as "db error").
fn describe(error: &tokio_postgres::Error) -> String {
    match (error.as_db_error(), std::error::Error::source(error)) {
        (Some(db), _) => format!("{} ({})", db.message(), db.code().code()),
        (None, Some(source)) => format!("{error}: {source}"),
        (None, None) => error.to_string(),
    }
}

impl From<tokio_postgres::Error> for StorageError {
    fn from(error: tokio_postgres::Error) -> Self {
        if unreachable(&error) {
            StorageError::unavailable(format!(
                "the database cannot be reached: {}",
                describe(&error)
            ))
        } else {
            StorageError::new(describe(&error))
        }
    }
}

impl From<deadpool_postgres::PoolError> for StorageError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        match error {
            deadpool_postgres::PoolError::Backend(error) => error.into(),
            // No connection came free or could be made in time, or the pool is closing.
            other => StorageError::unavailable(format!("the database cannot be reached: {other}")),
        }
    }
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/name`) and brings
    /// its schema to this build's version.
    pub async fn connect(url: &str) -> Result<PgStore, StorageError> {
        Self::open(url, Opening::Serve).await
    }

    /// Connects to the database at `url` for `opening`.
    pub async fn open(url: &str, opening: Opening) -> Result<PgStore, StorageError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| StorageError::new(format!("not a PostgreSQL URL: {error}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECTION_WAIT);
        }
        // A server that stops answering (a partition, a host gone) is noticed: what was sent
        // and not acknowledged within this time, or an idle connection whose probes go
        // unanswered, closes the connection, and the request is answered 503.
        if config.get_tcp_user_timeout().is_none() {
            config.tcp_user_timeout(UNACKNOWLEDGED);
        }
        config
            .keepalives_idle(KEEPALIVE_IDLE)
            .keepalives_interval(KEEPALIVE_INTERVAL)
            .keepalives_retries(KEEPALIVE_RETRIES);
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                // A connection is handed out again unless it is known to be closed; one the
                // database dropped meanwhile fails its next statement (a storage error).
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECTION_WAIT))
            .create_timeout(Some(CONNECTION_WAIT))
            .build()
            .map_err(|error| StorageError::new(error.to_string()))?;
        let mut client = pool.get().await?;
        match opening {
            Opening::Serve | Opening::Write => schema::migrate(&mut client).await?,
            Opening::Read => schema::check(&client).await?,
        }
        drop(client);
        let hook_signal = Arc::new(Notify::new());
        if opening == Opening::Serve {
            hooks::listen(config, hook_signal.clone());
        }
        Ok(PgStore {
            pool,
            runtime: tokio::runtime::Handle::current(),
            node: format!("node_{}", hex::encode(rand::random::<[u8; 8]>())),
            hook_signal,
        })
    }
}

impl PgStore {
    /// A connection from the pool. A new connection's I/O runs as a task on the runtime that
    /// makes it, so connections are made on the store's runtime (the answers'), never on the
    /// hook worker's, whose thread runs at a lower priority.
    async fn client(&self) -> Result<deadpool_postgres::Client, StorageError> {
        let pool = self.pool.clone();
        self.runtime
            .spawn(async move { pool.get().await })
            .await
            .map_err(|error| StorageError::new(error.to_string()))?
            .map_err(StorageError::from)
    }
}

/// The stored answer's facts, from its row.
fn stored_facts(row: &Row) -> StoredFacts {
    let body_type: String = row.get("type");
    StoredFacts {
        // A stored type is always one of the three (validated on the way in).
        stage: Stage::of(&body_type, row.get("complete")).unwrap_or(Stage::Displayed),
        key_hash: row.get("key_hash"),
        user_id: row.get("user_id"),
        kind: row.get("kind"),
        survey: row.get("survey"),
        received_at: row.get("received_at"),
    }
}

/// The columns of [`params`], `$1` to `$20`; the JSON ones are cast from text.
const BODY_COLUMNS: &str = "id, type, score, category, comment, complete, user_email, \
    user_created_at, user_properties, account_id, account_name, account_properties, language, \
    trigger_name, page, channel, shown_at, effective_shown_at, answered_at, widget_version";
const BODY_VALUES: &str = "$1, $2, $3, $4, $5, $6, $7, $8, CAST($9::text AS jsonb), $10, $11, \
    CAST($12::text AS jsonb), $13, $14, $15, $16, $17, $18, $19, $20";

/// The values of [`BodyColumns`] as the parameters of [`BODY_VALUES`].
fn params<'a>(columns: &'a BodyColumns) -> Vec<&'a (dyn ToSql + Sync)> {
    let answer = columns.answer;
    vec![
        &answer.id,
        &columns.body_type,
        &columns.score,
        &answer.category,
        &answer.comment,
        &columns.complete,
        &answer.user.label,
        &columns.user_created_at,
        &answer.user.properties,
        &answer.account.id,
        &answer.account.label,
        &answer.account.properties,
        &answer.language,
        &answer.trigger,
        &answer.page,
        &answer.channel,
        &columns.shown_at,
        &columns.effective_shown_at,
        &columns.answered_at,
        &answer.widget_version,
    ]
}

/// Stores an answer's first body unless another node stored one of it meanwhile; whether it
/// did. `sample` marks the sample answers of `seed`.
async fn insert(
    transaction: &Transaction<'_>,
    answer: &Answer,
    key_hash: Option<&str>,
    received_at: i64,
    sample: bool,
) -> Result<bool, StorageError> {
    let columns = BodyColumns::new(answer, received_at);
    let (kind, received) = (answer.kind.name(), format_timestamp(received_at));
    let mut params = params(&columns);
    params.extend([
        &kind as &(dyn ToSql + Sync),
        &answer.survey,
        &answer.preview,
        &key_hash,
        &answer.user.id,
        &received,
        &sample,
    ]);
    let sql = format!(
        "INSERT INTO responses ({BODY_COLUMNS}, kind, survey, preview, key_hash, user_id, \
         received_at, updated_at, sample) VALUES ({BODY_VALUES}, $21, $22, $23, $24, $25, $26, \
         $26, $27) ON CONFLICT (id) DO NOTHING"
    );
    Ok(transaction.execute(&sql, &params).await? == 1)
}

/// Moves a stored answer on to the body's state; what only the first body sets is kept.
async fn update(
    transaction: &Transaction<'_>,
    answer: &Answer,
    first_received: i64,
    now: i64,
) -> Result<(), StorageError> {
    let columns = BodyColumns::new(answer, first_received);
    let now = format_timestamp(now);
    let mut params = params(&columns);
    params.push(&now);
    let sql = format!(
        "UPDATE responses SET ({BODY_COLUMNS}, updated_at) = ({BODY_VALUES}, $21) WHERE id = $1"
    );
    transaction.execute(&sql, &params).await?;
    Ok(())
}

#[async_trait]
impl AnswerStore for PgStore {
    async fn submit(&self, answer: Answer, received_at: i64) -> Result<Applied, StorageError> {
        let mut client = self.client().await?;
        let hash = answer.key.as_deref().map(key_hash);
        let incoming = answer.facts(hash.as_deref());
        // A first body of one answer given to two nodes at once: one inserts, the other's
        // insert finds the row and judges its body again, against it, with the row locked.
        for _ in 0..2 {
            let transaction = client.transaction().await?;
            let stored = transaction
                .query_opt(
                    "SELECT type, complete, key_hash, user_id, kind, survey, received_at \
                     FROM responses WHERE id = $1 FOR UPDATE",
                    &[&answer.id],
                )
                .await?
                .map(|row| stored_facts(&row));
            let before = stored.as_ref().map(|s| s.stage);
            match judge(stored.as_ref().map(StoredFacts::facts).as_ref(), &incoming) {
                Verdict::Insert => {
                    if !insert(&transaction, &answer, hash.as_deref(), received_at, false).await? {
                        continue;
                    }
                }
                Verdict::Update => {
                    let first_received = stored
                        .as_ref()
                        .and_then(|s| parse_timestamp(&s.received_at))
                        .unwrap_or(received_at);
                    update(&transaction, &answer, first_received, received_at).await?;
                }
                Verdict::Ignore => return Ok(Applied::Ignored),
                Verdict::Conflict(field) => return Ok(Applied::Conflict(field)),
            }
            let events = transition(before, answer.stage);
            let mut queued = 0;
            if !events.is_empty() {
                let rules = hooks::active_rules(&transaction).await?;
                queued =
                    hooks::queue(&transaction, &rules, &answer.id, &events, received_at).await?;
            }
            transaction.commit().await?;
            if queued > 0 {
                self.hook_signal.notify_one();
            }
            return Ok(Applied::Stored);
        }
        Err(StorageError::unavailable(
            "the answer was stored by another collector at the same moment twice; try again",
        ))
    }

    async fn latest_displays(
        &self,
        user_id: &str,
    ) -> Result<Vec<(String, LastDisplay)>, StorageError> {
        let client = self.client().await?;
        let rows = client
            .query(
                // A user has a handful of rows; the (user_id, survey, …) index finds them.
                "SELECT DISTINCT ON (survey) survey, type, complete, effective_shown_at
                 FROM responses WHERE user_id = $1 AND NOT preview
                 ORDER BY survey, effective_shown_at DESC, received_at DESC, id DESC",
                &[&user_id],
            )
            .await?;
        let mut displays: Vec<(String, LastDisplay)> = rows
            .iter()
            .map(|row| {
                let body_type: String = row.get("type");
                let shown_at: String = row.get("effective_shown_at");
                (
                    row.get("survey"),
                    LastDisplay {
                        stage: Stage::of(&body_type, row.get("complete"))
                            .unwrap_or(Stage::Displayed),
                        shown_at: parse_timestamp(&shown_at).unwrap_or(0),
                    },
                )
            })
            .collect();
        displays.sort_by_key(|(_, display)| display.shown_at);
        Ok(displays)
    }

    async fn answers(&self) -> Result<Vec<StoredAnswer>, StorageError> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT * FROM responses ORDER BY received_at, id", &[])
            .await?;
        Ok(rows.iter().map(stored_answer).collect())
    }
}

/// A `responses` row, by column name.
fn stored_answer(row: &Row) -> StoredAnswer {
    let score: Option<i16> = row.get("score");
    let tags: serde_json::Value = row.get("follow_up_tags");
    StoredAnswer {
        id: row.get("id"),
        body_type: row.get("type"),
        kind: row.get("kind"),
        survey: row.get("survey"),
        score: score.map(i64::from),
        category: row.get("category"),
        comment: row.get("comment"),
        complete: row.get("complete"),
        preview: row.get("preview"),
        user_id: row.get("user_id"),
        user_email: row.get("user_email"),
        user_created_at: row.get("user_created_at"),
        user_properties: row.get("user_properties"),
        account_id: row.get("account_id"),
        account_name: row.get("account_name"),
        account_properties: row.get("account_properties"),
        language: row.get("language"),
        trigger_name: row.get("trigger_name"),
        page: row.get("page"),
        channel: row.get("channel"),
        shown_at: row.get("shown_at"),
        effective_shown_at: row.get("effective_shown_at"),
        answered_at: row.get("answered_at"),
        widget_version: row.get("widget_version"),
        received_at: row.get("received_at"),
        updated_at: row.get("updated_at"),
        follow_up_status: row.get("follow_up_status"),
        follow_up_assignee: row.get("follow_up_assignee"),
        follow_up_note: row.get("follow_up_note"),
        follow_up_tags: serde_json::from_value(tags).unwrap_or_default(),
        follow_up_updated_at: row.get("follow_up_updated_at"),
        sample: row.get("sample"),
    }
}
