//! [`AnswerListStore`] on PostgreSQL. Every value a filter carries, property names included, is
//! a bound parameter; the statement's text is made of fixed pieces and placeholders only.

use async_trait::async_trait;
use nps_widget::core::time::format_timestamp;
use tokio_postgres::types::ToSql;

use super::{hooks, stored_answer, PgStore};
use crate::hooks::Event;
use crate::storage::answer_list::{
    AnswerFilter, AnswerListStore, AnswerPage, Cursor, FollowUpChange,
};
use crate::storage::report::Column;
use crate::storage::{StorageError, StoredAnswer};

/// A statement's `WHERE` clause and its positional parameters.
#[derive(Default)]
struct Clause {
    terms: Vec<String>,
    params: Vec<Box<dyn ToSql + Sync + Send>>,
}

impl Clause {
    /// Adds a parameter; its placeholder.
    fn bind(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len())
    }

    fn text(&self) -> String {
        if self.terms.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.terms.join(" AND "))
        }
    }

    fn bound(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|value| value.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}

/// The `WHERE` clause of `filter`, and of the position after `cursor`.
fn clause(filter: &AnswerFilter, cursor: Option<&Cursor>) -> Clause {
    let mut clause = Clause::default();
    if !filter.include_previews {
        clause.terms.push("NOT preview".into());
    }
    let simple = [
        ("survey", &filter.survey),
        ("type", &filter.body_type),
        ("category", &filter.category),
        ("follow_up_status", &filter.status),
        ("follow_up_assignee", &filter.assignee),
    ];
    for (column, value) in simple {
        if let Some(value) = value {
            let value = clause.bind(value.clone());
            clause.terms.push(format!("{column} = {value}"));
        }
    }
    if let Some(from) = &filter.from {
        let from = clause.bind(from.clone());
        clause.terms.push(format!("effective_shown_at >= {from}"));
    }
    if let Some(until) = &filter.until {
        let until = clause.bind(until.clone());
        clause.terms.push(format!("effective_shown_at < {until}"));
    }
    if let Some(text) = &filter.text {
        // Both sides lower-cased by Unicode's rules (ICU's root locale): the columns' own "C"
        // collation lower-cases ASCII only.
        let text = clause.bind(text.clone());
        clause.terms.push(format!(
            "strpos(lower(comment COLLATE \"und-x-icu\"), lower({text} COLLATE \"und-x-icu\")) > 0"
        ));
    }
    match filter.has_comment {
        Some(true) => clause.terms.push("COALESCE(comment, '') <> ''".into()),
        Some(false) => clause.terms.push("COALESCE(comment, '') = ''".into()),
        None => {}
    }
    for condition in &filter.conditions {
        let field = match condition.path.column() {
            Column::Text(column) => column.to_owned(),
            Column::Property(column, name) => {
                let name = clause.bind(name.to_owned());
                super::report::property_text(column, &name)
            }
        };
        let value = clause.bind(condition.value.clone());
        clause.terms.push(format!("{field} = {value}"));
    }
    if let Some(cursor) = cursor {
        let time = clause.bind(cursor.effective_shown_at.clone());
        let id = clause.bind(cursor.id.clone());
        clause
            .terms
            .push(format!("(effective_shown_at, id) < ({time}, {id})"));
    }
    clause
}

#[async_trait]
impl AnswerListStore for PgStore {
    async fn list_answers(
        &self,
        filter: &AnswerFilter,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<AnswerPage, StorageError> {
        let mut clause = clause(filter, cursor);
        let limit = limit.max(1);
        let fetch = clause.bind((limit + 1) as i64);
        let sql = format!(
            "SELECT * FROM responses {} ORDER BY effective_shown_at DESC, id DESC LIMIT {fetch}",
            clause.text()
        );
        let client = self.client().await?;
        let mut answers: Vec<StoredAnswer> = client
            .query(&sql, &clause.bound())
            .await?
            .iter()
            .map(stored_answer)
            .collect();
        let next = if answers.len() > limit {
            answers.truncate(limit);
            answers.last().map(Cursor::after)
        } else {
            None
        };
        Ok(AnswerPage { answers, next })
    }

    async fn answer(&self, id: &str) -> Result<Option<StoredAnswer>, StorageError> {
        let client = self.client().await?;
        Ok(client
            .query_opt("SELECT * FROM responses WHERE id = $1", &[&id])
            .await?
            .map(|row| stored_answer(&row)))
    }

    async fn update_follow_up(
        &self,
        id: &str,
        change: &FollowUpChange,
        now: i64,
    ) -> Result<Option<StoredAnswer>, StorageError> {
        let tags = change.tags.as_ref().map(|tags| serde_json::json!(tags));
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        // Each field is set only when the change names it.
        let changed = transaction
            .execute(
                "UPDATE responses SET
                     follow_up_status = CASE WHEN $1 THEN $2 ELSE follow_up_status END,
                     follow_up_assignee = CASE WHEN $3 THEN $4 ELSE follow_up_assignee END,
                     follow_up_note = CASE WHEN $5 THEN $6 ELSE follow_up_note END,
                     follow_up_tags = CASE WHEN $7 THEN $8 ELSE follow_up_tags END,
                     follow_up_updated_at = $9
                 WHERE id = $10",
                &[
                    &change.status.is_some(),
                    &change.status,
                    &change.assignee.is_some(),
                    &change.assignee.clone().flatten(),
                    &change.note.is_some(),
                    &change.note.clone().flatten(),
                    &tags.is_some(),
                    &tags,
                    &format_timestamp(now),
                    &id,
                ],
            )
            .await?;
        if changed == 0 {
            return Ok(None);
        }
        let rules = hooks::active_rules(&transaction).await?;
        let queued = hooks::queue(&transaction, &rules, id, &[Event::FollowUpUpdated], now).await?;
        let answer = transaction
            .query_opt("SELECT * FROM responses WHERE id = $1", &[&id])
            .await?
            .map(|row| stored_answer(&row));
        transaction.commit().await?;
        if queued > 0 {
            self.hook_signal.notify_one();
        }
        Ok(answer)
    }

    async fn delete_user(&self, user_id: &str) -> Result<u64, StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        // The answers first: deleting them waits for any body of theirs being stored on
        // another collector, whose deliveries are then committed, and deleted next.
        let deleted: Vec<(String, bool)> = transaction
            .query(
                "DELETE FROM responses WHERE user_id = $1 RETURNING id, comment IS NOT NULL",
                &[&user_id],
            )
            .await?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        let ids: Vec<&str> = deleted.iter().map(|(id, _)| id.as_str()).collect();
        // A digest lists comments: only the answers with one can be in a digest.
        let commented: Vec<&str> = deleted
            .iter()
            .filter(|(_, comment)| *comment)
            .map(|(id, _)| id.as_str())
            .collect();
        // Deliveries carry the answer: they go with it, sent or not, and so do the daily
        // digests that list one of its comments.
        transaction
            .execute(
                "DELETE FROM hook_deliveries WHERE answer_id = ANY($1)",
                &[&ids],
            )
            .await?;
        transaction
            .execute(
                "DELETE FROM hook_deliveries d WHERE d.answer_id = ''
                     AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS gone(id)
                         WHERE strpos(d.body, '\"id\":\"' || gone.id || '\"') > 0)",
                &[&commented],
            )
            .await?;
        transaction.commit().await?;
        Ok(deleted.len() as u64)
    }
}
