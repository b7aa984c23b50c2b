//! The query of `GET /v1/answers` and `GET /v1/answers.csv`: the report's filters (`survey`,
//! `from`, `to`, `tz`, `where`) and the list's own (`type`, `category`, `q`, `hasComment`,
//! `status`, `assignee`, `preview`, `limit`, `cursor`), read strictly: an unknown, repeated
//! (except `where`) or invalid parameter is a `400` naming it.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use nps_widget::core::kind::KINDS;
use nps_widget::core::limits::{is_survey_id, MAX_FIELD_CHARS};
use nps_widget::core::time::format_timestamp;

use crate::error::ApiError;
use crate::storage::answer_list::{AnswerFilter, Condition, Cursor, FOLLOW_UP_STATUSES};
use crate::storage::report::Field;

/// Answers per page without `limit`.
pub const DEFAULT_LIMIT: usize = 50;
/// Most answers per page.
pub const MAX_LIMIT: usize = 500;
/// Most `where` conditions in one query.
pub const MAX_CONDITIONS: usize = 20;

/// A read query: which answers, and (for the paged list) which page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerQuery {
    /// Which answers.
    pub filter: AnswerFilter,
    /// Answers per page (1 to [`MAX_LIMIT`]); [`DEFAULT_LIMIT`] when `None`.
    pub limit: Option<usize>,
    /// Where the page starts; from the newest when `None`.
    pub cursor: Option<Cursor>,
}

/// Reads a raw query string (without `?`; `None` when there is none).
pub fn parse(query: Option<&str>) -> Result<AnswerQuery, ApiError> {
    let mut filter = AnswerFilter::default();
    let (mut limit, mut cursor) = (None, None);
    let (mut from, mut to, mut tz) = (None, None, None);
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let (name, value) = (name.into_owned(), value.into_owned());
        if name != "where" {
            if seen.contains(&name) {
                return Err(bad(&name, format!("{name} may be given once")));
            }
            seen.push(name.clone());
        }
        match name.as_str() {
            "survey" => {
                if !is_survey_id(&value) {
                    return Err(bad("survey", "survey must match [a-z0-9_-]{1,64}"));
                }
                filter.survey = Some(value);
            }
            "from" => from = Some(date(&value, "from")?),
            "to" => to = Some(date(&value, "to")?),
            "tz" => {
                let zone = TimeZone::get(&value).map_err(|_| {
                    bad("tz", format!("tz must be an IANA time zone, not {value:?}"))
                })?;
                tz = Some(zone);
            }
            "where" => filter.conditions.push(condition(&value, "where")?),
            "type" => {
                one_of(&value, &["display", "response", "decline"], "type")?;
                filter.body_type = Some(value);
            }
            "category" => {
                let known = KINDS.iter().flat_map(|kind| kind.categories());
                if !known.clone().any(|category| category == value) {
                    let names: Vec<&str> = known.collect();
                    return Err(bad(
                        "category",
                        format!("category must be one of {}", names.join(", ")),
                    ));
                }
                filter.category = Some(value);
            }
            "q" => {
                text(&value, "q")?;
                filter.text = Some(value);
            }
            "hasComment" => {
                filter.has_comment = Some(match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad("hasComment", "hasComment must be true or false")),
                });
            }
            "status" => {
                one_of(&value, &FOLLOW_UP_STATUSES, "status")?;
                filter.status = Some(value);
            }
            "assignee" => {
                text(&value, "assignee")?;
                filter.assignee = Some(value);
            }
            "preview" => {
                one_of(&value, &["include"], "preview")?;
                filter.include_previews = true;
            }
            "limit" => {
                limit = Some(
                    value
                        .parse::<usize>()
                        .ok()
                        .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                        .ok_or_else(|| {
                            bad(
                                "limit",
                                format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                            )
                        })?,
                );
            }
            "cursor" => {
                cursor = Some(Cursor::decode(&value).ok_or_else(|| {
                    bad("cursor", "cursor must be the next value of an earlier page")
                })?);
            }
            _ => return Err(bad(&name, format!("unknown parameter {name:?}"))),
        }
    }
    if filter.conditions.len() > MAX_CONDITIONS {
        return Err(bad(
            "where",
            format!("at most {MAX_CONDITIONS} where conditions"),
        ));
    }
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(bad("from", "from must not be after to"));
        }
    }
    let tz = tz.unwrap_or(TimeZone::UTC);
    // Stored times are written as `format_timestamp` writes them, from 1970 on (no answer is
    // older), so that they compare as text.
    if let Some(from) = from {
        let start = start_of_day(from, &tz, "from")?;
        filter.from = (start > 0).then(|| format_timestamp(start));
    }
    if let Some(to) = to {
        // The range ends where the day after `to` starts.
        let next = to.tomorrow().map_err(|_| out_of_range("to"))?;
        filter.until = Some(format_timestamp(start_of_day(next, &tz, "to")?.max(0)));
    }
    Ok(AnswerQuery {
        filter,
        limit,
        cursor,
    })
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message, field)
}

fn one_of(value: &str, allowed: &[&str], field: &str) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("{field} must be one of {}", allowed.join(", ")),
        ))
    }
}

/// A free text parameter: not empty, at most [`MAX_FIELD_CHARS`] characters.
fn text(value: &str, field: &str) -> Result<(), ApiError> {
    if value.is_empty() || value.chars().count() > MAX_FIELD_CHARS {
        return Err(bad(
            field,
            format!("{field} must have 1 to {MAX_FIELD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// A calendar date `YYYY-MM-DD`.
fn date(value: &str, field: &str) -> Result<Date, ApiError> {
    let well_formed = value.len() == 10
        && value.bytes().enumerate().all(|(at, b)| {
            if at == 4 || at == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    well_formed
        .then(|| value.parse::<Date>().ok())
        .flatten()
        .ok_or_else(|| bad(field, format!("{field} must be a date YYYY-MM-DD")))
}

/// The epoch ms at which `day` starts in `tz`.
fn start_of_day(day: Date, tz: &TimeZone, field: &str) -> Result<i64, ApiError> {
    let start = day
        .to_zoned_datetime(tz.clone())
        .map_err(|_| out_of_range(field))?;
    Ok(start.timestamp().as_millisecond())
}

fn out_of_range(field: &str) -> ApiError {
    bad(field, format!("{field} is out of range"))
}

/// A `where` condition `PATH:VALUE` (split at the first `:`).
/// A `where` condition, `PATH:VALUE` (split at the first `:`); a `400` naming `field`
/// otherwise.
pub fn condition(text: &str, field: &str) -> Result<Condition, ApiError> {
    let (path, value) = text
        .split_once(':')
        .ok_or_else(|| bad(field, "where must be PATH:VALUE"))?;
    let path = Field::parse(path).map_err(|message| bad(field, message))?;
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(bad(
            field,
            format!("a where value has at most {MAX_FIELD_CHARS} characters"),
        ));
    }
    Ok(Condition {
        path,
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(query: &str) -> String {
        let error = parse(Some(query)).expect_err(query);
        let body = format!("{error:?}");
        body.split("field: Some(\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn defaults_list_everything_but_previews() {
        let query = parse(None).unwrap();
        assert_eq!(query.filter, AnswerFilter::default());
        assert_eq!((query.limit, query.cursor), (None, None));
    }

    #[test]
    fn dates_are_days_in_the_time_zone() {
        let query = parse(Some("from=2026-03-29&to=2026-03-29&tz=Europe%2FBerlin")).unwrap();
        // The day the clocks go forward in Berlin has 23 hours.
        assert_eq!(
            query.filter.from.as_deref(),
            Some("2026-03-28T23:00:00.000Z")
        );
        assert_eq!(
            query.filter.until.as_deref(),
            Some("2026-03-29T22:00:00.000Z")
        );
        let utc = parse(Some("to=2026-11-22")).unwrap();
        assert_eq!(utc.filter.from, None);
        assert_eq!(
            utc.filter.until.as_deref(),
            Some("2026-11-23T00:00:00.000Z")
        );
        // Before 1970 (no answer is older) the range is open or empty.
        let early = parse(Some("from=1900-01-01&to=1960-01-01")).unwrap();
        assert_eq!(early.filter.from, None);
        assert_eq!(
            early.filter.until.as_deref(),
            Some("1970-01-01T00:00:00.000Z")
        );
    }

    #[test]
    fn bad_parameters_name_themselves() {
        for (query, name) in [
            ("tz=Mars%2FOlympus", "tz"),
            ("from=2026-11-23&to=2026-11-22", "from"),
            ("from=2026-11-31", "from"),
            ("from=9999-12-31", "from"),
            ("to=9999-12-31", "to"),
            ("to=22.11.2026", "to"),
            ("cursor=nope", "cursor"),
            ("limit=501", "limit"),
            ("limit=0", "limit"),
            ("where=user.email:x", "where"),
            ("where=plan", "where"),
            ("where=user.properties.a%22b:x", "where"),
            ("type=answer", "type"),
            ("category=happy", "category"),
            ("hasComment=yes", "hasComment"),
            ("status=done", "status"),
            ("preview=true", "preview"),
            ("survey=NPS", "survey"),
            ("q=", "q"),
            ("limit=5&limit=6", "limit"),
            ("sort=asc", "sort"),
        ] {
            assert_eq!(field(query), name, "{query}");
        }
    }

    #[test]
    fn where_is_repeatable_and_splits_at_the_first_colon() {
        let query = parse(Some("where=trigger:event:x&where=user.properties.plan:pro")).unwrap();
        assert_eq!(
            query.filter.conditions,
            vec![
                Condition {
                    path: Field::Trigger,
                    value: "event:x".into()
                },
                Condition {
                    path: Field::UserProperty("plan".into()),
                    value: "pro".into()
                },
            ]
        );
    }
}
