//! Checks a posted body against the wire format (DESIGN.md "Wire format") and turns it into an
//! [`Answer`]. The limits are the core's, the ones the widget applies before sending.

use nps_widget::core::kind::{Kind, CHANNELS};
use nps_widget::core::lifecycle::{Facts, Stage};
use nps_widget::core::limits::{
    is_key, is_survey_id, is_uuid, MAX_COMMENT_CHARS, MAX_FIELD_CHARS, MAX_ID_CHARS, MAX_PROPERTIES,
};
use nps_widget::core::time::parse_timestamp;
use serde_json::{Map, Value};

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

/// The user or the account an answer belongs to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Party {
    /// Their id in the product.
    pub id: Option<String>,
    /// The user's email, or the account's name.
    pub label: Option<String>,
    /// When the user signed up, epoch ms (users only).
    pub created_at: Option<i64>,
    /// The `properties` object, serialised as JSON.
    pub properties: Option<String>,
}

/// A validated body, ready for the lifecycle rules and storage. Times are epoch ms.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The answer id (a UUID, lower case); one stored answer per id.
    pub id: String,
    /// The answer's secret, as sent (hashed before it is stored); `None` from old widgets.
    pub key: Option<String>,
    /// What the body says happened: shown, scored, completed or declined.
    pub stage: Stage,
    /// The survey kind, which fixes the score range and categories.
    pub kind: Kind,
    /// The survey's id (`[a-z0-9_-]{1,64}`; the kind's name when the body has none).
    pub survey: String,
    /// The score, in the kind's range; only responses have one.
    pub score: Option<u8>,
    /// The score's category for the kind, derived from the score.
    pub category: Option<&'static str>,
    /// The follow-up text.
    pub comment: Option<String>,
    /// Shown by a forced `show()`: stored, left out of reports and eligibility.
    pub preview: bool,
    /// The user, when known.
    pub user: Party,
    /// `user.hash`, for identity verification; never stored.
    pub user_hash: Option<String>,
    /// The account, when known.
    pub account: Party,
    /// BCP-47 language tag of the prompt.
    pub language: Option<String>,
    /// The trigger that showed the prompt, e.g. `event:report_exported`.
    pub trigger: Option<String>,
    /// The page URL.
    pub page: Option<String>,
    /// `in-app`, `email` or `link`.
    pub channel: &'static str,
    /// When the device says the prompt was shown.
    pub shown_at: i64,
    /// When it was answered.
    pub answered_at: Option<i64>,
    /// Version of the widget that sent it.
    pub widget_version: Option<String>,
}

impl Answer {
    /// What the lifecycle rules compare of this body, with `key_hash` the hash of its key
    /// (`crate::storage::key_hash`).
    pub fn facts<'a>(&'a self, key_hash: Option<&'a str>) -> Facts<'a> {
        Facts {
            stage: self.stage,
            key_hash,
            user_id: self.user.id.as_deref(),
            kind: self.kind.name(),
            survey: &self.survey,
        }
    }

    /// The wire `type` of the body.
    pub fn body_type(&self) -> &'static str {
        match self.stage {
            Stage::Displayed => "display",
            Stage::Scored | Stage::Complete => "response",
            Stage::Declined => "decline",
        }
    }
}

/// Validates a parsed body. Unknown fields are ignored.
pub fn answer(body: &Value) -> Result<Answer, Invalid> {
    let obj = body
        .as_object()
        .ok_or_else(|| Invalid::new("body", "the body must be a JSON object"))?;

    let id = required_string(obj, "id", "id", MAX_FIELD_CHARS)?;
    if !is_uuid(&id) {
        return Err(Invalid::new(
            "id",
            "id must be a UUID (8-4-4-4-12 hexadecimal digits)",
        ));
    }
    let key = optional_string(obj, "key", "key", MAX_FIELD_CHARS)?;
    if key.as_deref().is_some_and(|key| !is_key(key)) {
        return Err(Invalid::new(
            "key",
            "key must be 32 to 128 characters of A-Z, a-z, 0-9, - and _",
        ));
    }
    let body_type = required_string(obj, "type", "type", MAX_FIELD_CHARS)?;
    let complete = match present(obj, "complete") {
        None => false,
        Some(Value::Bool(complete)) => *complete,
        Some(_) => return Err(Invalid::new("complete", "complete must be true or false")),
    };
    let stage = Stage::of(&body_type, complete).ok_or_else(|| {
        Invalid::new(
            "type",
            "type must be \"display\", \"response\" or \"decline\"",
        )
    })?;
    let kind_name = required_string(obj, "kind", "kind", MAX_FIELD_CHARS)?;
    let kind = Kind::from_name(&kind_name)
        .ok_or_else(|| Invalid::new("kind", "kind must be \"nps\", \"csat\" or \"ces\""))?;
    let survey = match optional_string(obj, "survey", "survey", MAX_FIELD_CHARS)? {
        Some(survey) if is_survey_id(&survey) => survey,
        Some(_) => {
            return Err(Invalid::new(
                "survey",
                "survey must be 1 to 64 characters of a-z, 0-9, - and _",
            ))
        }
        None => kind.name().to_owned(),
    };

    let is_response = matches!(stage, Stage::Scored | Stage::Complete);
    let score = match (is_response, present(obj, "score")) {
        (true, Some(value)) => Some(score(value, kind)?),
        (true, None) => return Err(Invalid::new("score", "score is required for a response")),
        (false, Some(_)) => {
            let message = format!("a {body_type} must not have a score");
            return Err(Invalid::new("score", message));
        }
        (false, None) => None,
    };
    let derived = score.and_then(|score| kind.category(score));
    if let Some(given) = present(obj, "category") {
        match derived {
            Some(expected) if given.as_str() == Some(expected) => {}
            Some(expected) => {
                let message = format!("category must be \"{expected}\" for this score");
                return Err(Invalid::new("category", message));
            }
            None => {
                let message = format!("a {body_type} must not have a category");
                return Err(Invalid::new("category", message));
            }
        }
    }
    let comment = optional_text(obj, "comment", "comment", MAX_COMMENT_CHARS)?;
    if comment.is_some() && !is_response {
        let message = format!("a {body_type} must not have a comment");
        return Err(Invalid::new("comment", message));
    }
    let preview = match present(obj, "preview") {
        None => false,
        Some(Value::Bool(preview)) => *preview,
        Some(_) => return Err(Invalid::new("preview", "preview must be true or false")),
    };

    let (user, user_hash) = match present(obj, "user") {
        None => (Party::default(), None),
        Some(value) => {
            let user = object(value, "user")?;
            let party = Party {
                id: optional_string(user, "id", "user.id", MAX_ID_CHARS)?,
                label: optional_text(user, "email", "user.email", MAX_FIELD_CHARS)?,
                created_at: optional_timestamp(user, "createdAt", "user.createdAt")?,
                properties: properties(user, "user.properties")?,
            };
            (party, optional_string(user, "hash", "user.hash", 64)?)
        }
    };
    let account = match present(obj, "account") {
        None => Party::default(),
        Some(value) => {
            let account = object(value, "account")?;
            Party {
                id: optional_string(account, "id", "account.id", MAX_ID_CHARS)?,
                label: optional_text(account, "name", "account.name", MAX_FIELD_CHARS)?,
                created_at: None,
                properties: properties(account, "account.properties")?,
            }
        }
    };
    let channel = match optional_string(obj, "channel", "channel", MAX_FIELD_CHARS)? {
        None => CHANNELS[0],
        Some(name) => CHANNELS
            .into_iter()
            .find(|channel| *channel == name)
            .ok_or_else(|| {
                Invalid::new(
                    "channel",
                    "channel must be \"in-app\", \"email\" or \"link\"",
                )
            })?,
    };

    let shown_at = optional_timestamp(obj, "shownAt", "shownAt")?
        .ok_or_else(|| Invalid::new("shownAt", "shownAt is required"))?;

    Ok(Answer {
        id: id.to_ascii_lowercase(),
        key,
        stage,
        kind,
        survey,
        score,
        category: derived,
        comment,
        preview,
        user,
        user_hash,
        account,
        language: optional_string(obj, "language", "language", MAX_FIELD_CHARS)?,
        trigger: optional_text(obj, "trigger", "trigger", MAX_FIELD_CHARS)?,
        page: optional_text(obj, "page", "page", MAX_FIELD_CHARS)?,
        channel,
        shown_at,
        answered_at: optional_timestamp(obj, "answeredAt", "answeredAt")?,
        widget_version: optional_string(obj, "widgetVersion", "widgetVersion", MAX_FIELD_CHARS)?,
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

fn score(value: &Value, kind: Kind) -> Result<u8, Invalid> {
    let (low, high) = kind.scores();
    value
        .as_u64()
        .filter(|score| (u64::from(low)..=u64::from(high)).contains(score))
        .map(|score| score as u8)
        .ok_or_else(|| {
            let message = format!(
                "score must be an integer from {low} to {high} for kind \"{}\"",
                kind.name()
            );
            Invalid::new("score", message)
        })
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

/// The string at `key`, if present, checked for its length; an error when it is no string.
fn string_at<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    field: &str,
    max_chars: usize,
) -> Result<Option<&'a String>, Invalid> {
    match present(obj, key) {
        None => Ok(None),
        Some(Value::String(text)) => {
            check_length(text, field, max_chars)?;
            Ok(Some(text))
        }
        Some(_) => Err(Invalid::new(field, format!("{field} must be a string"))),
    }
}

fn optional_string(
    obj: &Map<String, Value>,
    key: &str,
    field: &str,
    max_chars: usize,
) -> Result<Option<String>, Invalid> {
    match string_at(obj, key, field, max_chars)? {
        Some(text) if text.contains('\0') => Err(Invalid::new(
            field,
            format!("{field} must not contain NUL characters"),
        )),
        text => Ok(text.cloned()),
    }
}

fn required_string(
    obj: &Map<String, Value>,
    key: &str,
    field: &str,
    max_chars: usize,
) -> Result<String, Invalid> {
    optional_string(obj, key, field, max_chars)?
        .ok_or_else(|| Invalid::new(field, format!("{field} is required")))
}

fn optional_timestamp(
    obj: &Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<i64>, Invalid> {
    let Some(text) = optional_string(obj, key, field, MAX_FIELD_CHARS)? else {
        return Ok(None);
    };
    match parse_timestamp(&text) {
        Some(epoch_ms) => Ok(Some(epoch_ms)),
        None => Err(Invalid::new(
            field,
            format!("{field} must be an RFC 3339 timestamp, e.g. 2026-11-22T10:00:00.000Z"),
        )),
    }
}

/// `text` without its NUL characters: valid JSON, but no use in an answer, and PostgreSQL
/// stores no text with one. In free text (a comment, an email, a page) they are dropped, so
/// that the answer is kept; in an identifier they are refused (see [`optional_string`]), since
/// dropping them could make it another's.
fn without_nul(text: &str) -> String {
    text.replace('\0', "")
}

/// As [`optional_string`] for free text: NUL characters are dropped (see [`without_nul`]).
fn optional_text(
    obj: &Map<String, Value>,
    key: &str,
    field: &str,
    max_chars: usize,
) -> Result<Option<String>, Invalid> {
    Ok(string_at(obj, key, field, max_chars)?.map(|text| without_nul(text)))
}

/// Checks a `properties` object (at most 50 keys, scalar values) and serialises it, without
/// NUL characters in its keys and strings (see [`without_nul`]: a property is the host's
/// free-form data, and the answer is kept).
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
        if key.chars().count() > MAX_FIELD_CHARS {
            return Err(Invalid::new(
                field,
                format!("{field} keys must be at most {MAX_FIELD_CHARS} characters"),
            ));
        }
        match value {
            Value::String(text) => check_length(text, &path, MAX_FIELD_CHARS)?,
            Value::Number(_) | Value::Bool(_) => {}
            _ => {
                return Err(Invalid::new(
                    &path,
                    format!("{path} must be a string, number or boolean"),
                ))
            }
        }
    }
    let cleaned: Map<String, Value> = map
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Value::String(text) => Value::String(without_nul(text)),
                other => other.clone(),
            };
            (without_nul(key), value)
        })
        .collect();
    Ok(Some(Value::Object(cleaned).to_string()))
}
