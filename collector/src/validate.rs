//! Checks a posted answer against the wire format and turns it into an [`Answer`].

use nps_widget::core::time::{format_timestamp, parse_timestamp};
use serde_json::{Map, Value};

/// Longest accepted comment, in characters: the wire format's limit, which the widget applies.
pub use nps_widget::core::answer::MAX_COMMENT_CHARS;
/// Longest accepted string other than the comment (property keys included), in characters.
pub use nps_widget::core::answer::MAX_FIELD_CHARS as MAX_STRING_CHARS;
/// Most keys accepted in one `properties` object.
pub const MAX_PROPERTIES: usize = 50;

/// Why a body was refused: a message for people and the path of the offending field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Path of the field, e.g. `score` or `user.properties.plan` (`body` for the whole body).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl Invalid {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Whether the answer is a score or a dismissal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerType {
    /// The user chose a score (and maybe wrote a comment).
    Response,
    /// The user closed the prompt without a score.
    Decline,
}

impl AnswerType {
    /// The wire and storage name: `response` or `decline`.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerType::Response => "response",
            AnswerType::Decline => "decline",
        }
    }
}

/// The user or the account an answer belongs to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Party {
    /// Their id in the product.
    pub id: Option<String>,
    /// The user's email, or the account's name.
    pub label: Option<String>,
    /// When the user signed up, normalised to `YYYY-MM-DDTHH:MM:SS.sssZ` (users only).
    pub created_at: Option<String>,
    /// The `properties` object, serialised as JSON.
    pub properties: Option<String>,
}

/// A validated answer, ready to store. Timestamps are normalised to `YYYY-MM-DDTHH:MM:SS.sssZ`.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The answer id (a UUID, lower case); one stored row per id.
    pub id: String,
    /// Score or dismissal.
    pub answer_type: AnswerType,
    /// The survey kind; always `nps`.
    pub kind: String,
    /// 0 to 10 for a response, `None` for a decline.
    pub score: Option<u8>,
    /// `detractor`, `passive` or `promoter`, derived from the score.
    pub category: Option<&'static str>,
    /// The follow-up text.
    pub comment: Option<String>,
    /// Whether the follow-up step is over.
    pub complete: bool,
    /// The user, when known.
    pub user: Party,
    /// The account, when known.
    pub account: Party,
    /// BCP-47 language tag of the prompt.
    pub language: Option<String>,
    /// The trigger that showed the prompt, e.g. `event:report_exported`.
    pub trigger: Option<String>,
    /// The page URL.
    pub page: Option<String>,
    /// When the prompt was shown.
    pub shown_at: String,
    /// When it was answered.
    pub answered_at: Option<String>,
    /// Version of the widget that sent it.
    pub widget_version: Option<String>,
}

/// The NPS category of a score: 0-6 detractor, 7-8 passive, 9-10 promoter.
pub fn category(score: u8) -> &'static str {
    match score {
        0..=6 => "detractor",
        7..=8 => "passive",
        _ => "promoter",
    }
}

/// Whether `text` is a UUID written as 8-4-4-4-12 hexadecimal digits.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Validates a parsed body. Unknown fields are ignored.
pub fn answer(body: &Value) -> Result<Answer, Invalid> {
    let obj = body
        .as_object()
        .ok_or_else(|| Invalid::new("body", "the body must be a JSON object"))?;

    let id = required_string(obj, "id", "id")?;
    if !is_uuid(&id) {
        return Err(Invalid::new(
            "id",
            "id must be a UUID (8-4-4-4-12 hexadecimal digits)",
        ));
    }
    let answer_type = match required_string(obj, "type", "type")?.as_str() {
        "response" => AnswerType::Response,
        "decline" => AnswerType::Decline,
        _ => {
            return Err(Invalid::new(
                "type",
                "type must be \"response\" or \"decline\"",
            ))
        }
    };
    let kind = required_string(obj, "kind", "kind")?;
    if kind != "nps" {
        return Err(Invalid::new("kind", "kind must be \"nps\""));
    }

    let score = match (answer_type, present(obj, "score")) {
        (AnswerType::Response, Some(value)) => Some(score(value)?),
        (AnswerType::Response, None) => {
            return Err(Invalid::new("score", "score is required for a response"))
        }
        (AnswerType::Decline, Some(_)) => {
            return Err(Invalid::new("score", "a decline must not have a score"))
        }
        (AnswerType::Decline, None) => None,
    };
    let derived = score.map(category);
    if let Some(given) = present(obj, "category") {
        match derived {
            Some(expected) if given.as_str() == Some(expected) => {}
            Some(expected) => {
                let message = format!("category must be \"{expected}\" for this score");
                return Err(Invalid::new("category", message));
            }
            None => {
                return Err(Invalid::new(
                    "category",
                    "a decline must not have a category",
                ))
            }
        }
    }

    let comment = optional_string(obj, "comment", "comment", MAX_COMMENT_CHARS)?;
    let complete = match present(obj, "complete") {
        None => false,
        Some(Value::Bool(complete)) => *complete,
        Some(_) => return Err(Invalid::new("complete", "complete must be true or false")),
    };

    let user = match present(obj, "user") {
        None => Party::default(),
        Some(value) => {
            let user = object(value, "user")?;
            Party {
                id: optional_string(user, "id", "user.id", MAX_STRING_CHARS)?,
                label: optional_string(user, "email", "user.email", MAX_STRING_CHARS)?,
                created_at: optional_timestamp(user, "createdAt", "user.createdAt")?,
                properties: properties(user, "user.properties")?,
            }
        }
    };
    let account = match present(obj, "account") {
        None => Party::default(),
        Some(value) => {
            let account = object(value, "account")?;
            Party {
                id: optional_string(account, "id", "account.id", MAX_STRING_CHARS)?,
                label: optional_string(account, "name", "account.name", MAX_STRING_CHARS)?,
                created_at: None,
                properties: properties(account, "account.properties")?,
            }
        }
    };

    let shown_at = optional_timestamp(obj, "shownAt", "shownAt")?
        .ok_or_else(|| Invalid::new("shownAt", "shownAt is required"))?;

    Ok(Answer {
        id: id.to_ascii_lowercase(),
        answer_type,
        kind,
        score,
        category: derived,
        comment,
        complete,
        user,
        account,
        language: optional_string(obj, "language", "language", MAX_STRING_CHARS)?,
        trigger: optional_string(obj, "trigger", "trigger", MAX_STRING_CHARS)?,
        page: optional_string(obj, "page", "page", MAX_STRING_CHARS)?,
        shown_at,
        answered_at: optional_timestamp(obj, "answeredAt", "answeredAt")?,
        widget_version: optional_string(obj, "widgetVersion", "widgetVersion", MAX_STRING_CHARS)?,
    })
}

/// The value of `key`, treating `null` like an absent key.
fn present<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|value| !value.is_null())
}

fn object<'a>(value: &'a Value, field: &str) -> Result<&'a Map<String, Value>, Invalid> {
    value
        .as_object()
        .ok_or_else(|| Invalid::new(field, format!("{field} must be an object")))
}

fn score(value: &Value) -> Result<u8, Invalid> {
    value
        .as_u64()
        .filter(|score| *score <= 10)
        .map(|score| score as u8)
        .ok_or_else(|| Invalid::new("score", "score must be an integer from 0 to 10"))
}

fn check_length(text: &str, field: &str, max_chars: usize) -> Result<(), Invalid> {
    if text.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            format!("{field} must be at most {max_chars} characters"),
        ));
    }
    Ok(())
}

fn optional_string(
    obj: &Map<String, Value>,
    key: &str,
    field: &str,
    max_chars: usize,
) -> Result<Option<String>, Invalid> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::String(text)) => {
            check_length(text, field, max_chars)?;
            Ok(Some(text.clone()))
        }
        Some(_) => Err(Invalid::new(field, format!("{field} must be a string"))),
    }
}

fn required_string(obj: &Map<String, Value>, key: &str, field: &str) -> Result<String, Invalid> {
    optional_string(obj, key, field, MAX_STRING_CHARS)?
        .ok_or_else(|| Invalid::new(field, format!("{field} is required")))
}

fn optional_timestamp(
    obj: &Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<String>, Invalid> {
    let Some(text) = optional_string(obj, key, field, MAX_STRING_CHARS)? else {
        return Ok(None);
    };
    match parse_timestamp(&text) {
        Some(epoch_ms) => Ok(Some(format_timestamp(epoch_ms))),
        None => Err(Invalid::new(
            field,
            format!("{field} must be an RFC 3339 timestamp, e.g. 2026-11-22T10:00:00.000Z"),
        )),
    }
}

/// Checks a `properties` object (at most 50 keys, scalar values) and serialises it.
fn properties(owner: &Map<String, Value>, field: &str) -> Result<Option<String>, Invalid> {
    let Some(value) = present(owner, "properties") else {
        return Ok(None);
    };
    let map = object(value, field)?;
    if map.len() > MAX_PROPERTIES {
        return Err(Invalid::new(
            field,
            format!("{field} must have at most {MAX_PROPERTIES} keys"),
        ));
    }
    for (key, value) in map {
        let path = format!("{field}.{key}");
        check_length(key, &path, MAX_STRING_CHARS)?;
        match value {
            Value::String(text) => check_length(text, &path, MAX_STRING_CHARS)?,
            Value::Number(_) | Value::Bool(_) => {}
            _ => {
                return Err(Invalid::new(
                    &path,
                    format!("{path} must be a string, number or boolean"),
                ))
            }
        }
    }
    Ok(Some(value.to_string()))
}
