//! The report (DESIGN.md, "The report: `GET /v1/report`"): from the request's parameters to
//! the report's value, for the API (`GET /v1/report`) and the command line
//! (`nps-collector report`) alike.
//!
//! [`build`] checks the parameters, resolves the range and its trend buckets in the time zone
//! ([`buckets`]), asks storage for counts ([`crate::storage::report::ReportStore`]) and turns
//! them into figures ([`metrics`]).

pub mod buckets;
pub mod command;
pub mod metrics;
pub mod text;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use nps_widget::core::kind::Kind;
use nps_widget::core::limits::is_survey_id;
use nps_widget::core::time::days_from_civil;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::storage::report::{Field, Filter, ReportQuery, ReportStore, Tally};
use crate::storage::StorageError;
use buckets::{Bucket, Interval, RangeError};
use metrics::Scores;

/// Days in the default range, today included.
pub const DEFAULT_DAYS: i64 = 90;
/// Longest range, in days: five years.
pub const MAX_DAYS: i64 = 5 * 366;
/// Most trend buckets in one report.
pub const MAX_BUCKETS: usize = 400;
/// Most segments listed by value; the rest are added up in one `"(other)"` segment.
pub const MAX_SEGMENTS: usize = 50;
/// The value of the segment that adds up the values past [`MAX_SEGMENTS`].
pub const OTHER: &str = "(other)";
/// Most `where` conditions in one report.
pub const MAX_FILTERS: usize = 20;

/// The report's parameters as given (query string or command line), all optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportParams {
    /// Survey id; default `nps`.
    pub survey: Option<String>,
    /// First day, `YYYY-MM-DD` in `tz`; default 89 days before `to`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` in `tz`, included; default today in `tz`.
    pub to: Option<String>,
    /// IANA time zone; default `UTC`.
    pub tz: Option<String>,
    /// `day`, `week` or `month`; default `week`.
    pub interval: Option<String>,
    /// `PATH:VALUE` conditions, all of which must hold.
    pub filters: Vec<String>,
    /// The `PATH` to break the figures down by.
    pub by: Option<String>,
}

impl ReportParams {
    /// The parameters of a query string's pairs: `where` may repeat, the others may not; an
    /// unknown parameter is refused (so that a misspelt filter is not silently ignored).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<ReportParams, ReportError> {
        let mut params = ReportParams::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "survey" => &mut params.survey,
                "from" => &mut params.from,
                "to" => &mut params.to,
                "tz" => &mut params.tz,
                "interval" => &mut params.interval,
                "by" => &mut params.by,
                "where" => {
                    params.filters.push(value);
                    continue;
                }
                _ => {
                    let message = format!(
                        "unknown parameter {name:?}: expected survey, from, to, tz, interval, where or by"
                    );
                    return Err(ReportError::invalid(&name, message));
                }
            };
            if slot.replace(value).is_some() {
                return Err(ReportError::invalid(
                    &name,
                    format!("{name} is given twice"),
                ));
            }
        }
        Ok(params)
    }
}

/// Why there is no report.
#[derive(Debug)]
pub enum ReportError {
    /// A parameter is wrong: its name and what is wrong with it.
    Invalid {
        /// The parameter's name (`tz`, `from`, `where`, …).
        field: String,
        /// What is wrong, for a person.
        message: String,
    },
    /// Storage failed.
    Storage(StorageError),
}

impl ReportError {
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        ReportError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportError::Invalid { field, message } => write!(f, "{field}: {message}"),
            ReportError::Storage(error) => write!(f, "storage: {error}"),
        }
    }
}

impl std::error::Error for ReportError {}

/// Names and counts in a fixed order, serialised as a JSON object in that order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts(pub Vec<(String, u64)>);

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, count) in &self.0 {
            map.serialize_entry(name, count)?;
        }
        map.end()
    }
}

/// One trend bucket's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The bucket's first day in the range, `YYYY-MM-DD`.
    pub start: String,
    /// Answers shown in it.
    pub displays: u64,
    /// Those with a score.
    pub responses: u64,
    /// The kind's score; `null` without responses.
    pub score: Option<f64>,
    /// Its 95 % margin of error; `null` without responses.
    pub margin: Option<f64>,
}

/// One value's figures, with `by`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Segment {
    /// The field's value; `null` for answers without one, `"(other)"` for the values past the
    /// first [`MAX_SEGMENTS`].
    pub value: Option<String>,
    /// Answers shown with that value.
    pub displays: u64,
    /// Those with a score.
    pub responses: u64,
    /// The kind's score; `null` without responses.
    pub score: Option<f64>,
    /// Its 95 % margin of error; `null` without responses.
    pub margin: Option<f64>,
}

/// The report, in the shape of `GET /v1/report`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Survey id.
    pub survey: String,
    /// Its kind (`nps`, `csat`, `ces`).
    pub kind: &'static str,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, included.
    pub to: String,
    /// The IANA time zone of the days.
    pub tz: String,
    /// `day`, `week` or `month`.
    pub interval: &'static str,
    /// Answers counted (each started as a display).
    pub displays: u64,
    /// Those with a score.
    pub responses: u64,
    /// Those declined.
    pub dismissals: u64,
    /// responses / displays, four decimals; `null` without displays.
    pub response_rate: Option<f64>,
    /// The kind's score; `null` without responses.
    pub score: Option<f64>,
    /// Its 95 % margin of error; `null` without responses.
    pub margin: Option<f64>,
    /// Responses per category of the kind, lowest first.
    pub categories: Counts,
    /// Responses per score, for every score of the kind's range.
    pub distribution: Counts,
    /// One entry per interval overlapping the range, oldest first.
    pub trend: Vec<TrendPoint>,
    /// With `by`: one entry per value, most responses first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segments: Option<Vec<Segment>>,
}

/// A `YYYY-MM-DD` calendar date.
fn parse_date(text: &str, field: &str) -> Result<Date, ReportError> {
    let bad = || ReportError::invalid(field, format!("{field} must be a date like 2026-11-22"));
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<i16>().map_err(|_| bad());
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let date = Date::new(year, month as i8, day as i8).map_err(|_| bad())?;
    Ok(date)
}

/// Day number of a date (days since 1970-01-01).
fn day_number(date: Date) -> i64 {
    days_from_civil(
        i64::from(date.year()),
        date.month() as u32,
        date.day() as u32,
    )
}

/// The kind's score and margin of one tally.
fn figures(kind: Kind, tally: &Tally) -> (Option<f64>, Option<f64>) {
    let scores = Scores {
        n: tally.responses,
        low: tally.categories[0],
        high: tally.categories[2],
        sum: tally.sum,
        sum_squares: tally.sum_squares,
    };
    match kind {
        Kind::Nps => (metrics::nps_score(&scores), metrics::nps_margin(&scores)),
        Kind::Csat => (metrics::csat_score(&scores), metrics::csat_margin(&scores)),
        Kind::Ces => (metrics::ces_score(&scores), metrics::ces_margin(&scores)),
    }
}

/// The segments of the counts by value: most responses first (then most displays, then by
/// value, `null` last), the first [`MAX_SEGMENTS`] values, then one `"(other)"` segment adding
/// up the rest when there are more.
fn segments(kind: Kind, mut values: Vec<(Option<String>, Tally)>) -> Vec<Segment> {
    values.sort_by(|(a, ta), (b, tb)| {
        tb.responses
            .cmp(&ta.responses)
            .then(tb.displays.cmp(&ta.displays))
            .then_with(|| (a.is_none(), a).cmp(&(b.is_none(), b)))
    });
    let segment = |value: Option<String>, tally: &Tally| {
        let (score, margin) = figures(kind, tally);
        Segment {
            value,
            displays: tally.displays,
            responses: tally.responses,
            score,
            margin,
        }
    };
    let rest = values.split_off(values.len().min(MAX_SEGMENTS));
    let mut segments: Vec<Segment> = values
        .into_iter()
        .map(|(value, tally)| segment(value, &tally))
        .collect();
    if !rest.is_empty() {
        let mut other = Tally::default();
        for (_, tally) in rest {
            other += tally;
        }
        segments.push(segment(Some(OTHER.to_owned()), &other));
    }
    segments
}

/// The report of `params`, with "today" taken from `now` (epoch ms).
///
/// The survey's kind is the kind of its latest stored answer (its answers carry it); a survey
/// with nothing stored yet has the kind its id names (`nps`, `csat`, `ces`), else `nps`, the
/// kind of a survey configured without one. Answers of another kind stored under the same
/// survey id (a survey whose kind was changed) are left out, since their scores are on
/// another scale.
pub async fn build(
    store: &dyn ReportStore,
    now: i64,
    params: &ReportParams,
) -> Result<Report, ReportError> {
    let survey = params.survey.clone().unwrap_or_else(|| "nps".to_owned());
    if !is_survey_id(&survey) {
        return Err(ReportError::invalid(
            "survey",
            "survey must be 1 to 64 characters of a-z, 0-9, - and _",
        ));
    }
    let tz_name = params.tz.as_deref().unwrap_or("UTC");
    let tz = TimeZone::get(tz_name).map_err(|_| {
        ReportError::invalid(
            "tz",
            format!("unknown time zone {tz_name:?}: expected an IANA name like Europe/Berlin"),
        )
    })?;
    let interval_name = params.interval.as_deref().unwrap_or("week");
    let interval = Interval::from_name(interval_name).ok_or_else(|| {
        ReportError::invalid(
            "interval",
            "interval must be \"day\", \"week\" or \"month\"",
        )
    })?;
    let filters = params
        .filters
        .iter()
        .map(|condition| {
            let (path, value) = condition.split_once(':').ok_or_else(|| {
                ReportError::invalid("where", format!("{condition:?} is not PATH:VALUE"))
            })?;
            let field =
                Field::parse(path).map_err(|message| ReportError::invalid("where", message))?;
            Ok(Filter {
                field,
                value: value.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    if filters.len() > MAX_FILTERS {
        let message = format!("at most {MAX_FILTERS} where conditions");
        return Err(ReportError::invalid("where", message));
    }
    let by = params
        .by
        .as_deref()
        .map(Field::parse)
        .transpose()
        .map_err(|message| ReportError::invalid("by", message))?;

    let (from, to) = range(params, now, &tz)?;
    let days = day_number(to) - day_number(from) + 1;
    if days > MAX_DAYS {
        let message =
            format!("the range has {days} days; a report covers at most {MAX_DAYS} (five years)");
        return Err(ReportError::invalid("from", message));
    }
    let count = buckets::count(from, to, interval);
    if count > MAX_BUCKETS {
        let message = format!(
            "{days} days by {} make {count} trend entries, at most {MAX_BUCKETS}: choose a longer interval or a shorter range",
            interval.name()
        );
        return Err(ReportError::invalid("interval", message));
    }
    let trend_buckets: Vec<Bucket> =
        buckets::buckets(from, to, &tz, interval).map_err(|error| match error {
            RangeError::Reversed => ReportError::invalid("from", "from is after to"),
            RangeError::OutOfRange => {
                ReportError::invalid("to", "the range is out of the years 0000-9999")
            }
        })?;

    let kind = match store
        .survey_kind(&survey)
        .await
        .map_err(ReportError::Storage)?
    {
        Some(kind) => kind,
        None => Kind::from_name(&survey).unwrap_or(Kind::Nps),
    };
    let query = ReportQuery {
        survey: survey.clone(),
        kind,
        from: trend_buckets.first().map_or(0, |b| b.from),
        to: trend_buckets.last().map_or(0, |b| b.to),
        buckets: trend_buckets.iter().map(|b| (b.from, b.to)).collect(),
        filters,
        by,
    };
    let counts = store
        .report_counts(&query)
        .await
        .map_err(ReportError::Storage)?;

    let total = counts.total;
    let (score, margin) = figures(kind, &total);
    let (low, high) = kind.scores();
    let distribution = (low..=high)
        .map(|score| {
            let count = counts
                .distribution
                .iter()
                .find(|(s, _)| *s == i64::from(score))
                .map_or(0, |(_, count)| *count);
            (score.to_string(), count)
        })
        .collect();
    let trend = trend_buckets
        .iter()
        .zip(&counts.buckets)
        .map(|(bucket, tally)| {
            let (score, margin) = figures(kind, tally);
            TrendPoint {
                start: bucket.start.to_string(),
                displays: tally.displays,
                responses: tally.responses,
                score,
                margin,
            }
        })
        .collect();
    Ok(Report {
        survey,
        kind: kind.name(),
        from: from.to_string(),
        to: to.to_string(),
        tz: tz.iana_name().unwrap_or(tz_name).to_owned(),
        interval: interval.name(),
        displays: total.displays,
        responses: total.responses,
        dismissals: total.dismissals,
        response_rate: metrics::response_rate(total.responses, total.displays),
        score,
        margin,
        categories: Counts(
            kind.categories()
                .iter()
                .zip(total.categories)
                .map(|(name, count)| (name.to_string(), count))
                .collect(),
        ),
        distribution: Counts(distribution),
        trend,
        segments: query.by.as_ref().map(|_| segments(kind, counts.segments)),
    })
}

/// `from` and `to` of the parameters, with their defaults: `to` is today in `tz` (at `now`),
/// `from` the day [`DEFAULT_DAYS`] − 1 days before `to`.
fn range(params: &ReportParams, now: i64, tz: &TimeZone) -> Result<(Date, Date), ReportError> {
    let to = match &params.to {
        Some(text) => parse_date(text, "to")?,
        None => Timestamp::from_millisecond(now)
            .map(|now| now.to_zoned_datetime(tz.clone()).date())
            .map_err(|_| ReportError::invalid("to", "the server's clock is out of range"))?,
    };
    let from = match &params.from {
        Some(text) => parse_date(text, "from")?,
        None => to
            .checked_sub((DEFAULT_DAYS - 1).days())
            .map_err(|_| ReportError::invalid("to", "the range is out of the years 0000-9999"))?,
    };
    if from > to {
        return Err(ReportError::invalid(
            "from",
            format!("from ({from}) is after to ({to})"),
        ));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(Field::parse("user.id"), Ok(Field::UserId));
        assert_eq!(
            Field::parse("user.properties.plan"),
            Ok(Field::UserProperty("plan".into()))
        );
        assert_eq!(
            Field::parse("account.properties.a.b"),
            Ok(Field::AccountProperty("a.b".into()))
        );
        assert_eq!(Field::parse("account.id"), Ok(Field::AccountId));
        assert_eq!(Field::parse("account.name"), Ok(Field::AccountName));
        assert_eq!(Field::parse("language"), Ok(Field::Language));
        assert_eq!(Field::parse("trigger"), Ok(Field::Trigger));
        assert_eq!(Field::parse("channel"), Ok(Field::Channel));
        assert_eq!(Field::parse("category"), Ok(Field::Category));
        for bad in [
            "",
            "user",
            "user.email",
            "user.properties.",
            "user.properties.a\"b",
            "account.properties",
            "score",
            "User.id",
        ] {
            assert!(Field::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2026-11-22", "from").unwrap(),
            jiff::civil::date(2026, 11, 22)
        );
        for bad in [
            "2026-11-31",
            "2026-02-29",
            "2026-1-22",
            "26-11-22",
            "2026-11-22T00:00:00Z",
            "2026/11/22",
            "+026-11-22",
            "",
        ] {
            assert!(parse_date(bad, "from").is_err(), "{bad:?}");
        }
        assert!(parse_date("2028-02-29", "to").is_ok());
    }

    #[test]
    fn query_pairs() {
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        let params = ReportParams::from_pairs(pairs(&[
            ("survey", "support"),
            ("where", "language:en"),
            ("where", "trigger:event:x"),
            ("by", "channel"),
        ]))
        .unwrap();
        assert_eq!(params.survey.as_deref(), Some("support"));
        assert_eq!(params.filters, ["language:en", "trigger:event:x"]);
        assert_eq!(params.by.as_deref(), Some("channel"));
        for (list, field) in [
            (&[("tz", "UTC"), ("tz", "UTC")][..], "tz"),
            (&[("frm", "2026-01-01")], "frm"),
        ] {
            match ReportParams::from_pairs(pairs(list)) {
                Err(ReportError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{list:?}: {other:?}"),
            }
        }
    }

    fn tally(responses: u64, displays: u64) -> Tally {
        Tally {
            displays,
            responses,
            categories: [0, 0, responses],
            sum: 10 * responses as i64,
            sum_squares: 100 * responses as i64,
            ..Tally::default()
        }
    }

    #[test]
    fn segments_rank_and_fold_the_rest_into_other() {
        let mut values: Vec<(Option<String>, Tally)> = (0..55)
            .map(|i| (Some(format!("v{i:02}")), tally(i, 100)))
            .collect();
        values.push((None, tally(30, 40)));
        let listed = segments(Kind::Nps, values);
        assert_eq!(listed.len(), MAX_SEGMENTS + 1);
        assert_eq!(listed[0].value.as_deref(), Some("v54"));
        assert_eq!(listed[0].responses, 54);
        // v30 and the missing value both have 30 responses: more displays first.
        let at = listed.iter().position(|s| s.value.is_none()).unwrap();
        assert_eq!(listed[at - 1].value.as_deref(), Some("v30"));
        // 56 values: the last 6 (v05 down to v00) are added up.
        let other = listed.last().unwrap();
        assert_eq!(other.value.as_deref(), Some(OTHER));
        assert_eq!(other.responses, 5 + 4 + 3 + 2 + 1);
        assert_eq!(other.displays, 600);
        assert_eq!(other.score, Some(100.0));
        assert_eq!(listed[MAX_SEGMENTS - 1].value.as_deref(), Some("v06"));

        // Ties broken by value, a missing value last; 50 values exactly: no "(other)".
        let mut values: Vec<(Option<String>, Tally)> = (0..49)
            .map(|i| (Some(format!("w{i:02}")), tally(1, 1)))
            .collect();
        values.push((None, tally(1, 1)));
        let listed = segments(Kind::Nps, values);
        assert_eq!(listed.len(), 50);
        assert_eq!(listed[0].value.as_deref(), Some("w00"));
        assert_eq!(listed[49].value, None);
    }

    #[test]
    fn counts_keep_their_order() {
        let counts = Counts(vec![("b".into(), 1), ("10".into(), 2), ("a".into(), 3)]);
        assert_eq!(
            serde_json::to_string(&counts).unwrap(),
            r#"{"b":1,"10":2,"a":3}"#
        );
    }
}
