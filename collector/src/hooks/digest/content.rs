//! The digest's event: `{ "type": "digest.daily", "timestamp", "data" }`, where `data` holds
//! the day's figures exactly as `GET /v1/report` gives them for that day (same survey, time
//! zone and `where` conditions as the hook's filter) and the day's comments in the lowest
//! category (NPS: detractors), newest first, as `GET /v1/answers` shows them.
//!
//! The other rules of the hook's filter (categories, score range, has comment) choose which
//! answers are sent one by one; a digest always summarises the whole day, so its score is the
//! dashboard's.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::ToSpan;
use nps_widget::core::kind::Kind;
use nps_widget::core::time::format_timestamp;
use serde_json::{json, Value};

use super::{DigestSchedule, EVENT};
use crate::api::answers::AnswerJson;
use crate::hooks::HookFilter;
use crate::report::buckets::start_of_day;
use crate::report::{self, ReportParams};
use crate::storage::answer_list::AnswerFilter;
use crate::storage::Store;

/// Most comments a digest carries; `moreComments` says when the day had more.
pub const MAX_COMMENTS: usize = 100;

/// The survey a digest is about: the filter's, else `nps`.
pub fn survey(filter: &HookFilter) -> String {
    filter.survey.clone().unwrap_or_else(|| "nps".to_owned())
}

/// The digest event of `day` for a hook with `filter` and `schedule`, written at `now` (epoch
/// ms); why not, when the figures cannot be read.
pub async fn event(
    store: &dyn Store,
    filter: &HookFilter,
    schedule: &DigestSchedule,
    day: Date,
    now: i64,
) -> Result<Value, String> {
    let survey = survey(filter);
    let conditions: Vec<String> = filter
        .conditions
        .iter()
        .map(|c| format!("{}:{}", c.path.path(), c.value))
        .collect();
    let params = ReportParams {
        survey: Some(survey.clone()),
        from: Some(day.to_string()),
        to: Some(day.to_string()),
        tz: Some(schedule.time_zone.clone()),
        interval: Some("day".to_owned()),
        filters: conditions.clone(),
        by: None,
    };
    let report = report::build(store, now, &params)
        .await
        .map_err(|error| error.to_string())?;
    let kind = Kind::from_name(report.kind).unwrap_or(Kind::Nps);

    let tz = TimeZone::get(&schedule.time_zone).map_err(|error| error.to_string())?;
    let next = day
        .checked_add(1.day())
        .map_err(|error| error.to_string())?;
    let (from, until) = start_of_day(day, &tz)
        .and_then(|from| Ok((from, start_of_day(next, &tz)?)))
        .map_err(|error| format!("{day} cannot be counted: {error:?}"))?;
    let lowest = kind.categories()[0];
    let answers = AnswerFilter {
        survey: Some(survey.clone()),
        from: Some(format_timestamp(from)),
        until: Some(format_timestamp(until)),
        conditions: filter.conditions.clone(),
        category: Some(lowest.to_owned()),
        has_comment: Some(true),
        ..AnswerFilter::default()
    };
    let mut comments = store
        .list_answers(&answers, None, MAX_COMMENTS + 1)
        .await
        .map_err(|error| error.to_string())?
        .answers;
    let more = comments.len() > MAX_COMMENTS;
    comments.truncate(MAX_COMMENTS);

    Ok(json!({
        "type": EVENT,
        "timestamp": format_timestamp(now),
        "data": {
            "survey": survey,
            "kind": report.kind,
            "date": day.to_string(),
            "timeZone": schedule.time_zone,
            "where": conditions,
            "displays": report.displays,
            "responses": report.responses,
            "dismissals": report.dismissals,
            "responseRate": report.response_rate,
            "score": report.score,
            "margin": report.margin,
            "categories": report.categories,
            "distribution": report.distribution,
            "commentCategory": lowest,
            "comments": comments.iter().map(AnswerJson::from).collect::<Vec<_>>(),
            "moreComments": more,
        },
    }))
}
