//! The answers and their follow-up, for the team: `GET /v1/answers` (a page of answers),
//! `GET /v1/answers.csv` (every matching answer, streamed), `GET /v1/answers/{id}` (one, as a
//! hook's "Follow up" link opens it), `PATCH /v1/answers/{id}/follow-up` and `DELETE
//! /v1/users/{userId}`.

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch};
use axum::{Json, Router};
use nps_widget::core::limits::{MAX_COMMENT_CHARS, MAX_ID_CHARS};
use serde::Serialize;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

use crate::api::answer_filters;
use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::answer_list::{FollowUpChange, FOLLOW_UP_STATUSES};
use crate::storage::StoredAnswer;

/// Most characters of a follow-up note.
pub const MAX_NOTE_CHARS: usize = MAX_COMMENT_CHARS;
/// Most tags of an answer.
pub const MAX_TAGS: usize = 20;
/// Most characters of a tag.
pub const MAX_TAG_CHARS: usize = 50;
/// Most characters of an assignee's name.
pub const MAX_ASSIGNEE_CHARS: usize = 100;

/// The CSV's columns, in order (see [`csv_row`]).
pub const CSV_HEADER: [&str; 31] = [
    "id",
    "type",
    "kind",
    "survey",
    "score",
    "category",
    "comment",
    "complete",
    "preview",
    "sample",
    "user.id",
    "user.email",
    "user.createdAt",
    "user.properties",
    "account.id",
    "account.name",
    "account.properties",
    "language",
    "trigger",
    "page",
    "channel",
    "shownAt",
    "effectiveShownAt",
    "answeredAt",
    "receivedAt",
    "widgetVersion",
    "followUp.status",
    "followUp.assignee",
    "followUp.note",
    "followUp.tags",
    "followUp.updatedAt",
];

/// The routes of this module, to be merged into the collector's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/answers", get(list))
        .route("/v1/answers.csv", get(csv_export))
        .route("/v1/answers/{id}", get(one))
        .route("/v1/answers/{id}/follow-up", patch(follow_up))
        .route("/v1/users/{user_id}", delete(delete_user))
}

/// An answer as the API shows it: its latest body in the wire's shape (camelCase) plus what
/// the collector recorded and its follow-up. The answer's key (hash) is never shown.
///
/// It borrows the stored answer and is serialized straight from it: a hook's worker writes
/// one for every event it sends (about 600 a second for each busy hook), and a `Value` tree
/// in between would copy every text and build three maps for each.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerJson<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    body_type: &'a str,
    kind: &'a str,
    survey: &'a str,
    score: Option<i64>,
    category: Option<&'a str>,
    comment: Option<&'a str>,
    complete: bool,
    preview: bool,
    sample: bool,
    user: UserJson<'a>,
    account: AccountJson<'a>,
    language: Option<&'a str>,
    trigger: Option<&'a str>,
    page: Option<&'a str>,
    channel: &'a str,
    shown_at: &'a str,
    effective_shown_at: &'a str,
    answered_at: Option<&'a str>,
    received_at: &'a str,
    widget_version: Option<&'a str>,
    follow_up: FollowUpJson<'a>,
}

/// The `user` of an [`AnswerJson`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserJson<'a> {
    id: Option<&'a str>,
    email: Option<&'a str>,
    created_at: Option<&'a str>,
    properties: Option<&'a Value>,
}

/// The `account` of an [`AnswerJson`].
#[derive(Serialize)]
struct AccountJson<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    properties: Option<&'a Value>,
}

/// The `followUp` of an [`AnswerJson`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FollowUpJson<'a> {
    status: &'a str,
    assignee: Option<&'a str>,
    note: Option<&'a str>,
    tags: &'a [String],
    updated_at: Option<&'a str>,
}

impl<'a> From<&'a StoredAnswer> for AnswerJson<'a> {
    fn from(answer: &'a StoredAnswer) -> Self {
        AnswerJson {
            id: &answer.id,
            body_type: &answer.body_type,
            kind: &answer.kind,
            survey: &answer.survey,
            score: answer.score,
            category: answer.category.as_deref(),
            comment: answer.comment.as_deref(),
            complete: answer.complete,
            preview: answer.preview,
            sample: answer.sample,
            user: UserJson {
                id: answer.user_id.as_deref(),
                email: answer.user_email.as_deref(),
                created_at: answer.user_created_at.as_deref(),
                properties: answer.user_properties.as_ref(),
            },
            account: AccountJson {
                id: answer.account_id.as_deref(),
                name: answer.account_name.as_deref(),
                properties: answer.account_properties.as_ref(),
            },
            language: answer.language.as_deref(),
            trigger: answer.trigger_name.as_deref(),
            page: answer.page.as_deref(),
            channel: &answer.channel,
            shown_at: &answer.shown_at,
            effective_shown_at: &answer.effective_shown_at,
            answered_at: answer.answered_at.as_deref(),
            received_at: &answer.received_at,
            widget_version: answer.widget_version.as_deref(),
            follow_up: FollowUpJson {
                status: &answer.follow_up_status,
                assignee: answer.follow_up_assignee.as_deref(),
                note: answer.follow_up_note.as_deref(),
                tags: &answer.follow_up_tags,
                updated_at: answer.follow_up_updated_at.as_deref(),
            },
        }
    }
}

/// A page of answers: `{ "answers": [...], "next": cursor or null }`.
#[derive(Serialize)]
struct AnswerPageJson<'a> {
    answers: Vec<AnswerJson<'a>>,
    next: Option<String>,
}

/// `GET /v1/answers`: `{ "answers": [...], "next": cursor or null }`.
async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = answer_filters::parse(query.as_deref())?;
    let page = state
        .store()
        .list_answers(
            &query.filter,
            query.cursor.as_ref(),
            query.limit.unwrap_or(answer_filters::DEFAULT_LIMIT),
        )
        .await
        .map_err(ApiError::from)?;
    Ok(Json(AnswerPageJson {
        answers: page.answers.iter().map(AnswerJson::from).collect(),
        next: page.next.map(|cursor| cursor.encode()),
    })
    .into_response())
}

/// `GET /v1/answers/{id}`: the answer, previews included; `404` when no answer has the id.
async fn one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    match state.store().answer(&id).await.map_err(ApiError::from)? {
        Some(answer) => Ok(Json(AnswerJson::from(&answer)).into_response()),
        None => Err(no_answer()),
    }
}

/// A cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading `'`, which makes it text.
pub fn defuse(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The CSV cells of an answer, in [`CSV_HEADER`]'s order: texts as they are, numbers and
/// booleans as JSON writes them, properties and tags as JSON, missing values empty.
pub fn csv_row(answer: &StoredAnswer) -> Vec<String> {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let json_text =
        |value: &Option<Value>| value.as_ref().map(Value::to_string).unwrap_or_default();
    [
        answer.id.clone(),
        answer.body_type.clone(),
        answer.kind.clone(),
        answer.survey.clone(),
        answer.score.map(|s| s.to_string()).unwrap_or_default(),
        text(&answer.category),
        text(&answer.comment),
        answer.complete.to_string(),
        answer.preview.to_string(),
        answer.sample.to_string(),
        text(&answer.user_id),
        text(&answer.user_email),
        text(&answer.user_created_at),
        json_text(&answer.user_properties),
        text(&answer.account_id),
        text(&answer.account_name),
        json_text(&answer.account_properties),
        text(&answer.language),
        text(&answer.trigger_name),
        text(&answer.page),
        answer.channel.clone(),
        answer.shown_at.clone(),
        answer.effective_shown_at.clone(),
        text(&answer.answered_at),
        answer.received_at.clone(),
        text(&answer.widget_version),
        answer.follow_up_status.clone(),
        text(&answer.follow_up_assignee),
        text(&answer.follow_up_note),
        serde_json::to_string(&answer.follow_up_tags).unwrap_or_default(),
        text(&answer.follow_up_updated_at),
    ]
    .into_iter()
    .map(defuse)
    .collect()
}

/// CSV text of `rows` (each a record of cells).
fn csv_chunk(rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row).map_err(std::io::Error::other)?;
    }
    writer.into_inner().map_err(|error| error.into_error())
}

/// `GET /v1/answers.csv`: every answer the filters select (`limit` and `cursor` are refused),
/// a header row first, streamed a page at a time.
async fn csv_export(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let query = answer_filters::parse(query.as_deref())?;
    if query.cursor.is_some() {
        return Err(ApiError::bad_request("the CSV is not paged", "cursor"));
    }
    if query.limit.is_some() {
        return Err(ApiError::bad_request("the CSV is not paged", "limit"));
    }
    let header = csv_chunk([CSV_HEADER.map(str::to_owned).to_vec()]).map_err(ApiError::internal)?;

    // One page read ahead at most, one chunk waiting for the client at most: memory stays
    // bounded, and no read transaction stays open while the client is slow.
    let (pages_in, mut pages) = mpsc::channel(1);
    let (chunks_in, chunks) = mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    let filter = query.filter;
    tokio::spawn(async move {
        let read = state.store().stream_answers(&filter, pages_in);
        let write = async move {
            if chunks_in.send(Ok(header)).await.is_err() {
                return;
            }
            while let Some(page) = pages.recv().await {
                let chunk = match page {
                    Ok(answers) => csv_chunk(answers.iter().map(csv_row)),
                    Err(error) => {
                        tracing::error!(%error, "the CSV export stopped: cannot read the answers");
                        Err(std::io::Error::other(error))
                    }
                };
                let failed = chunk.is_err();
                // A failed chunk ends the body early: the client sees an incomplete transfer.
                if chunks_in.send(chunk).await.is_err() || failed {
                    return;
                }
            }
        };
        tokio::join!(read, write);
    });
    let stream = futures_util::stream::unfold(chunks, |mut chunks| async move {
        chunks.recv().await.map(|chunk| (chunk, chunks))
    });
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"nps-answers.csv\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Reads the follow-up change of a PATCH body: any of `status`, `assignee`, `note`, `tags`;
/// `null` clears `assignee` or `note`. Unknown keys are refused.
pub fn follow_up_change(body: &Value) -> Result<FollowUpChange, ApiError> {
    let object: &Map<String, Value> = body
        .as_object()
        .ok_or_else(|| ApiError::bad_request("the body must be a JSON object", "body"))?;
    let mut change = FollowUpChange::default();
    for (key, value) in object {
        match key.as_str() {
            "status" => {
                let status = value
                    .as_str()
                    .filter(|status| FOLLOW_UP_STATUSES.contains(status))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            format!("status must be one of {}", FOLLOW_UP_STATUSES.join(", ")),
                            "status",
                        )
                    })?;
                change.status = Some(status.to_owned());
            }
            "assignee" => {
                change.assignee = Some(optional_text(value, "assignee", MAX_ASSIGNEE_CHARS)?);
            }
            "note" => change.note = Some(optional_text(value, "note", MAX_NOTE_CHARS)?),
            "tags" => change.tags = Some(tags(value)?),
            _ => {
                return Err(ApiError::bad_request(
                    format!("unknown field {key:?}: status, assignee, note or tags"),
                    key,
                ))
            }
        }
    }
    if change == FollowUpChange::default() {
        return Err(ApiError::bad_request(
            "give any of status, assignee, note or tags",
            "body",
        ));
    }
    Ok(change)
}

/// `null`, or a string of 1 to `max` characters.
fn optional_text(value: &Value, field: &str, max: usize) -> Result<Option<String>, ApiError> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) if !text.is_empty() && text.chars().count() <= max => {
            Ok(Some(text.clone()))
        }
        _ => Err(ApiError::bad_request(
            format!("{field} must be null or a string of 1 to {max} characters"),
            field,
        )),
    }
}

/// At most [`MAX_TAGS`] distinct strings of 1 to [`MAX_TAG_CHARS`] characters.
fn tags(value: &Value) -> Result<Vec<String>, ApiError> {
    let invalid = || {
        ApiError::bad_request(
            format!(
                "tags must be a list of at most {MAX_TAGS} distinct strings of 1 to \
                 {MAX_TAG_CHARS} characters"
            ),
            "tags",
        )
    };
    let list = value.as_array().ok_or_else(invalid)?;
    if list.len() > MAX_TAGS {
        return Err(invalid());
    }
    let mut tags: Vec<String> = Vec::with_capacity(list.len());
    for tag in list {
        let tag = tag.as_str().ok_or_else(invalid)?;
        let length = tag.chars().count();
        if length == 0 || length > MAX_TAG_CHARS || tags.iter().any(|t| t == tag) {
            return Err(invalid());
        }
        tags.push(tag.to_owned());
    }
    Ok(tags)
}

/// `PATCH /v1/answers/{id}/follow-up`: the answer with its follow-up updated.
async fn follow_up(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value: Value = serde_json::from_slice(&body).map_err(|error| {
        ApiError::bad_request(format!("the body is not valid JSON: {error}"), "body")
    })?;
    let change = follow_up_change(&value)?;
    if let Some(Some(assignee)) = &change.assignee {
        let tokens = state.store().tokens().await.map_err(ApiError::from)?;
        if !tokens.iter().any(|token| &token.name == assignee) {
            return Err(ApiError::bad_request(
                format!("assignee {assignee:?} is not the name of an admin token"),
                "assignee",
            ));
        }
    }
    match state
        .store()
        .update_follow_up(&id, &change, state.now())
        .await
        .map_err(ApiError::from)?
    {
        Some(answer) => Ok(Json(AnswerJson::from(&answer)).into_response()),
        None => Err(no_answer()),
    }
}

/// `DELETE /v1/users/{userId}`: `{ "deleted": n }`, every answer of the user.
async fn delete_user(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    if user_id.is_empty() || user_id.chars().count() > MAX_ID_CHARS {
        return Err(ApiError::bad_request(
            format!("userId must have 1 to {MAX_ID_CHARS} characters"),
            "userId",
        ));
    }
    let deleted = state
        .store()
        .delete_user(&user_id)
        .await
        .map_err(ApiError::from)?;
    Ok(Json(json!({ "deleted": deleted })).into_response())
}

/// The `404` for an answer id that names no answer.
fn no_answer() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no answer has this id", Some("id"))
}
