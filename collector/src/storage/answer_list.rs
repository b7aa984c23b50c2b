//! The answers list and the follow-up loop, as a store sees them: which answers a filter
//! selects, a keyset cursor over them (newest first by effective shown time, then id), their
//! follow-up state, and deleting a user's answers.

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use nps_widget::core::time::parse_timestamp;
use tokio::sync::mpsc;

use crate::storage::report::Field;
use crate::storage::{StorageError, StoredAnswer};

/// Rows per page when every matching answer is read (the CSV export): memory stays bounded by
/// a few pages whatever the number of answers.
pub const STREAM_PAGE: usize = 1_000;

/// The follow-up states; every answer starts `open`.
pub const FOLLOW_UP_STATUSES: [&str; 3] = ["open", "claimed", "resolved"];

/// One `where` condition: the field at `path` equals `value` (a property's number or boolean
/// compares as its JSON text: `12`, `true`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The field compared.
    pub path: Field,
    /// The value it must have.
    pub value: String,
}

/// Which answers a list or an export selects; every set field must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnswerFilter {
    /// Only this survey; every survey when `None`.
    pub survey: Option<String>,
    /// Effective shown time at or after this instant (RFC 3339 UTC with milliseconds).
    pub from: Option<String>,
    /// Effective shown time strictly before this instant (RFC 3339 UTC with milliseconds).
    pub until: Option<String>,
    /// `where` conditions, all of which must hold.
    pub conditions: Vec<Condition>,
    /// Only answers whose latest body has this type (`display`, `response`, `decline`).
    pub body_type: Option<String>,
    /// Only answers in this score category.
    pub category: Option<String>,
    /// Only answers whose comment contains this text, case-insensitively.
    pub text: Option<String>,
    /// Only answers with (`true`) or without (`false`) a non-empty comment.
    pub has_comment: Option<bool>,
    /// Only answers in this follow-up state.
    pub status: Option<String>,
    /// Only answers assigned to this person.
    pub assignee: Option<String>,
    /// Previews too (left out by default).
    pub include_previews: bool,
}

/// A position in the list: the last answer of a page, the next page starts after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Its effective shown time (RFC 3339 UTC with milliseconds).
    pub effective_shown_at: String,
    /// Its id.
    pub id: String,
}

impl Cursor {
    /// The cursor after `answer`.
    pub fn after(answer: &StoredAnswer) -> Cursor {
        Cursor {
            effective_shown_at: answer.effective_shown_at.clone(),
            id: answer.id.clone(),
        }
    }

    /// Its opaque form: base64url (no padding) of `time|id`.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.effective_shown_at, self.id))
    }

    /// Reads a cursor made by [`Cursor::encode`]; `None` when it is not one.
    pub fn decode(text: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (time, id) = text.split_once('|')?;
        parse_timestamp(time)?;
        (!id.is_empty()).then(|| Cursor {
            effective_shown_at: time.to_owned(),
            id: id.to_owned(),
        })
    }
}

/// A page of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerPage {
    /// The answers, newest first by effective shown time, then by id (descending).
    pub answers: Vec<StoredAnswer>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

/// A validated change of an answer's follow-up; `None` leaves a field as it is, and
/// `Some(None)` clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowUpChange {
    /// `open`, `claimed` or `resolved`.
    pub status: Option<String>,
    /// Who takes care of it.
    pub assignee: Option<Option<String>>,
    /// A note for the team.
    pub note: Option<Option<String>>,
    /// Tags, replacing the stored ones.
    pub tags: Option<Vec<String>>,
}

/// The answers list, its export and the follow-up loop.
#[async_trait]
pub trait AnswerListStore: Send + Sync {
    /// At most `limit` answers that `filter` selects, after `cursor` (from the newest when
    /// `None`), newest first by effective shown time, then id. Answers that arrive with a
    /// newer time than the cursor do not shift later pages.
    async fn list_answers(
        &self,
        filter: &AnswerFilter,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<AnswerPage, StorageError>;

    /// Sends every answer that `filter` selects to `pages`, in the list's order, a page of
    /// [`STREAM_PAGE`] answers at a time, each read by its own query (no read transaction
    /// stays open while the receiver is slow). Stops early, without error, when the receiver
    /// is dropped; a failed read is sent as the last item.
    async fn stream_answers(
        &self,
        filter: &AnswerFilter,
        pages: mpsc::Sender<Result<Vec<StoredAnswer>, StorageError>>,
    ) {
        let mut cursor = None;
        loop {
            match self
                .list_answers(filter, cursor.as_ref(), STREAM_PAGE)
                .await
            {
                Ok(page) => {
                    let done = page.next.is_none();
                    cursor = page.next;
                    if (!page.answers.is_empty() && pages.send(Ok(page.answers)).await.is_err())
                        || done
                    {
                        return;
                    }
                }
                Err(error) => {
                    let _ = pages.send(Err(error)).await;
                    return;
                }
            }
        }
    }

    /// The stored answer with `id`, if any.
    async fn answer(&self, id: &str) -> Result<Option<StoredAnswer>, StorageError>;

    /// Applies `change` to the follow-up of the answer with `id` at `now` (epoch ms) and
    /// returns the answer as it is then; `None` when there is no such answer.
    async fn update_follow_up(
        &self,
        id: &str,
        change: &FollowUpChange,
        now: i64,
    ) -> Result<Option<StoredAnswer>, StorageError>;

    /// Deletes every answer of the user `user_id` (previews and sample answers included), and
    /// every hook delivery about them, and returns how many answers there were.
    async fn delete_user(&self, user_id: &str) -> Result<u64, StorageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let cursor = Cursor {
            effective_shown_at: "2026-11-22T10:00:00.000Z".into(),
            id: "3f2c8a1e-4b5d-4c6e-8f70-123456789abc".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in [
            "",
            "???",
            "bm9waXBl",
            &URL_SAFE_NO_PAD.encode("2026-13-01T00:00:00Z|x"),
        ] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
        assert_eq!(
            Cursor::decode(&URL_SAFE_NO_PAD.encode("2026-11-22T10:00:00.000Z|")),
            None
        );
    }

    #[test]
    fn paths_are_the_reports() {
        assert_eq!(
            Field::parse("user.properties.plan").ok(),
            Some(Field::UserProperty("plan".into()))
        );
        assert_eq!(
            Field::parse("account.properties.a.b").ok(),
            Some(Field::AccountProperty("a.b".into()))
        );
        assert_eq!(Field::parse("trigger"), Ok(Field::Trigger));
        for bad in ["user", "user.properties.", "user.email", "score", ""] {
            assert!(Field::parse(bad).is_err(), "{bad}");
        }
    }
}
