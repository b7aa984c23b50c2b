//! [`AnswerListStore`] on SQLite. Every value a filter carries, property names included, is a
//! bound parameter; the statement's text is made of fixed pieces only.
//!
//! The list's reads run on a connection of their own, so that a long export never holds up
//! eligibility's reader. Follow-up changes and deletions are short `BEGIN IMMEDIATE`
//! transactions on that connection: SQLite lets one writer in at a time, so the group-commit writer waits for such a
//! transaction (within its busy timeout) as for any other, and its guarantee holds: a body is
//! answered once the transaction holding it has committed. Neither writes a column the
//! writer's bodies write (or the reverse), except that a deleted answer is gone.

use std::sync::PoisonError;

use async_trait::async_trait;
use nps_widget::core::time::format_timestamp;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::{named_params, Connection, OptionalExtension, ToSql};

use super::{answer_columns, hooks, stored_answer, SqliteStore};
use crate::hooks::Event;
use crate::storage::answer_list::{
    AnswerFilter, AnswerListStore, AnswerPage, Cursor, FollowUpChange,
};
use crate::storage::report::Column;
use crate::storage::{StorageError, StoredAnswer};

/// The effective shown time of a row, the order of the list (index `responses_time`). A row a
/// 0.1 collector writes on a migrated file while it runs has none until the next start of this
/// collector fills it in; meanwhile it sorts last.
const EFFECTIVE: &str = "effective_shown_at";

/// The SQL function that tells whether its first argument contains its second, both
/// lower-cased by Unicode's rules (SQLite's own `lower` knows ASCII only).
const CONTAINS: &str = "nps_contains_folded";

/// A statement's `WHERE` clause and its named parameters.
#[derive(Default)]
struct Clause {
    terms: Vec<String>,
    params: Vec<(String, Value)>,
}

impl Clause {
    /// Adds `term`, which names the parameter `:{name}`, bound to `value`.
    fn add(&mut self, term: String, name: String, value: impl Into<Value>) {
        self.terms.push(term);
        self.params.push((format!(":{name}"), value.into()));
    }

    fn text(&self) -> String {
        if self.terms.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.terms.join(" AND "))
        }
    }

    fn bound(&self) -> Vec<(&str, &dyn ToSql)> {
        self.params
            .iter()
            .map(|(name, value)| (name.as_str(), value as &dyn ToSql))
            .collect()
    }
}

/// The text a property has in a `where` comparison: a string as is, a number as its JSON text,
/// a boolean as `true` or `false`.
fn property_text(column: &str, name: &str) -> String {
    let path = format!("'$.\"' || :{name} || '\"'");
    format!(
        "(CASE json_type({column}, {path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' \
         ELSE CAST(json_extract({column}, {path}) AS TEXT) END)"
    )
}

/// The `WHERE` clause of `filter`, and of the position after `cursor`.
fn clause(filter: &AnswerFilter, cursor: Option<&Cursor>) -> Clause {
    let mut clause = Clause::default();
    if !filter.include_previews {
        clause.terms.push("preview = 0".into());
    }
    let simple = [
        ("survey", "survey", &filter.survey),
        ("type", "type", &filter.body_type),
        ("category", "category", &filter.category),
        ("follow_up_status", "status", &filter.status),
        ("follow_up_assignee", "assignee", &filter.assignee),
    ];
    for (column, name, value) in simple {
        if let Some(value) = value {
            clause.add(format!("{column} = :{name}"), name.into(), value.clone());
        }
    }
    if let Some(from) = &filter.from {
        clause.add(format!("{EFFECTIVE} >= :from"), "from".into(), from.clone());
    }
    if let Some(until) = &filter.until {
        clause.add(
            format!("{EFFECTIVE} < :until"),
            "until".into(),
            until.clone(),
        );
    }
    if let Some(text) = &filter.text {
        clause.add(
            format!("{CONTAINS}(comment, :text)"),
            "text".into(),
            text.clone(),
        );
    }
    match filter.has_comment {
        Some(true) => clause.terms.push("COALESCE(comment, '') <> ''".into()),
        Some(false) => clause.terms.push("COALESCE(comment, '') = ''".into()),
        None => {}
    }
    for (index, condition) in filter.conditions.iter().enumerate() {
        let (value, property) = (format!("where{index}"), format!("where{index}_name"));
        let field = match condition.path.column() {
            Column::Text(column) => column.to_owned(),
            Column::Property(column, name) => {
                clause
                    .params
                    .push((format!(":{property}"), Value::Text(name.to_owned())));
                property_text(column, &property)
            }
        };
        clause.add(
            format!("{field} = :{value}"),
            value,
            condition.value.clone(),
        );
    }
    if let Some(cursor) = cursor {
        clause
            .terms
            .push(format!("({EFFECTIVE}, id) < (:cursor_time, :cursor_id)"));
        clause.params.extend([
            (
                ":cursor_time".into(),
                Value::Text(cursor.effective_shown_at.clone()),
            ),
            (":cursor_id".into(), Value::Text(cursor.id.clone())),
        ]);
    }
    clause
}

/// Registers [`CONTAINS`] on `conn` (again: registering replaces).
fn register_contains(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        CONTAINS,
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let haystack: Option<String> = ctx.get(0)?;
            let needle: Option<String> = ctx.get(1)?;
            Ok(match (haystack, needle) {
                (Some(haystack), Some(needle)) => {
                    haystack.to_lowercase().contains(&needle.to_lowercase())
                }
                _ => false,
            })
        },
    )
}

/// A row as the list shows it: the effective time filled in as [`EFFECTIVE`] does.
fn listed(row: &rusqlite::Row) -> rusqlite::Result<StoredAnswer> {
    let mut answer = stored_answer(row)?;
    if answer.effective_shown_at.is_empty() {
        answer.effective_shown_at = answer.shown_at.clone();
    }
    Ok(answer)
}

fn select_one(conn: &Connection, id: &str) -> rusqlite::Result<Option<StoredAnswer>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        answer_columns!(),
        " FROM responses WHERE id = :id"
    ))?
    .query_row(named_params! { ":id": id }, listed)
    .optional()
}

impl SqliteStore {
    /// Runs `read` on the admin connection (the shared reader when the store is read-only), on
    /// a blocking thread.
    pub(super) async fn admin_read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StorageError> {
        let Some(conn) = self.admin.clone() else {
            return self.read(read).await;
        };
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            read(&conn)
        })
        .await
        .map_err(|error| StorageError::new(error.to_string()))?
        .map_err(StorageError::from)
    }
}

#[async_trait]
impl AnswerListStore for SqliteStore {
    async fn list_answers(
        &self,
        filter: &AnswerFilter,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<AnswerPage, StorageError> {
        let clause = clause(filter, cursor);
        let limit = limit.max(1);
        self.admin_read(move |conn| {
            register_contains(conn)?;
            let sql = format!(
                "SELECT {} FROM responses {} ORDER BY {EFFECTIVE} DESC, id DESC LIMIT :limit",
                answer_columns!(),
                clause.text()
            );
            let fetch = (limit + 1) as i64;
            let mut params = clause.bound();
            params.push((":limit", &fetch));
            let mut answers = conn
                .prepare(&sql)?
                .query_map(params.as_slice(), listed)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let next = if answers.len() > limit {
                answers.truncate(limit);
                answers.last().map(Cursor::after)
            } else {
                None
            };
            Ok(AnswerPage { answers, next })
        })
        .await
    }

    async fn answer(&self, id: &str) -> Result<Option<StoredAnswer>, StorageError> {
        let id = id.to_owned();
        self.admin_read(move |conn| select_one(conn, &id)).await
    }

    async fn update_follow_up(
        &self,
        id: &str,
        change: &FollowUpChange,
        now: i64,
    ) -> Result<Option<StoredAnswer>, StorageError> {
        let (id, change) = (id.to_owned(), change.clone());
        let tags = match &change.tags {
            Some(tags) => {
                Some(serde_json::to_string(tags).map_err(|e| StorageError::new(e.to_string()))?)
            }
            None => None,
        };
        let (answer, queued) = self
            .admin_write(move |conn| {
                // Each field is set only when the change names it (`:set_*`).
                let changed = conn
                    .prepare_cached(
                        "UPDATE responses SET
                        follow_up_status = CASE WHEN :set_status
                            THEN :status ELSE follow_up_status END,
                        follow_up_assignee = CASE WHEN :set_assignee
                            THEN :assignee ELSE follow_up_assignee END,
                        follow_up_note = CASE WHEN :set_note
                            THEN :note ELSE follow_up_note END,
                        follow_up_tags = CASE WHEN :set_tags
                            THEN :tags ELSE follow_up_tags END,
                        follow_up_updated_at = :now
                     WHERE id = :id",
                    )?
                    .execute(named_params! {
                        ":set_status": change.status.is_some(),
                        ":status": change.status,
                        ":set_assignee": change.assignee.is_some(),
                        ":assignee": change.assignee.clone().flatten(),
                        ":set_note": change.note.is_some(),
                        ":note": change.note.clone().flatten(),
                        ":set_tags": tags.is_some(),
                        ":tags": tags,
                        ":now": format_timestamp(now),
                        ":id": &id,
                    })?;
                if changed == 0 {
                    return Ok((None, 0));
                }
                let rules = hooks::active_rules(conn)?;
                let queued = hooks::queue(conn, &rules, &id, &[Event::FollowUpUpdated], now)?;
                Ok((select_one(conn, &id)?, queued))
            })
            .await?;
        if queued > 0 {
            self.hook_signal.notify_one();
        }
        Ok(answer)
    }

    async fn delete_user(&self, user_id: &str) -> Result<u64, StorageError> {
        let user_id = user_id.to_owned();
        self.admin_write(move |conn| {
            // Deliveries carry the answer: they go with it, sent or not, and so do the daily
            // digests that list one of its comments.
            // By the index `hook_deliveries_answer`, which is keyed by arrival time first;
            // then those without the time (queued by a collector of schema 10 still running on
            // this file), found by id alone under the empty time.
            conn.prepare_cached(
                "DELETE FROM hook_deliveries WHERE (answer_received_at, answer_id) IN
                     (SELECT received_at, id FROM responses WHERE user_id = :user_id)",
            )?
            .execute(named_params! { ":user_id": user_id })?;
            conn.prepare_cached(
                "DELETE FROM hook_deliveries WHERE answer_received_at = '' AND answer_id IN
                     (SELECT id FROM responses WHERE user_id = :user_id)",
            )?
            .execute(named_params! { ":user_id": user_id })?;
            conn.prepare_cached(
                "DELETE FROM hook_queue WHERE answer_id IN
                     (SELECT id FROM responses WHERE user_id = :user_id)",
            )?
            .execute(named_params! { ":user_id": user_id })?;
            conn.prepare_cached(
                "DELETE FROM hook_deliveries
                 WHERE answer_received_at = '' AND answer_id = '' AND EXISTS (
                     SELECT 1 FROM responses r WHERE r.user_id = :user_id
                         AND r.comment IS NOT NULL
                         AND instr(hook_deliveries.body, '\"id\":\"' || r.id || '\"') > 0)",
            )?
            .execute(named_params! { ":user_id": user_id })?;
            let deleted = conn
                .prepare_cached("DELETE FROM responses WHERE user_id = :user_id")?
                .execute(named_params! { ":user_id": user_id })?;
            Ok(deleted as u64)
        })
        .await
    }
}
