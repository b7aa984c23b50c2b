//! A hook's filter: which answers it is told about. `{ "survey", "categories", "minScore",
//! "maxScore", "hasComment", "where": ["PATH:VALUE"] }`, every key optional and every one
//! given must hold; `where` compares as the answers list does.

use nps_widget::core::kind::KINDS;
use nps_widget::core::limits::is_survey_id;
use serde_json::{json, Map, Value};

use crate::api::answer_filters::{condition, MAX_CONDITIONS};
use crate::error::ApiError;
use crate::storage::answer_list::Condition;
use crate::storage::report::Field;
use crate::storage::StoredAnswer;

/// The highest score of any kind (NPS 10): the bound of `minScore` and `maxScore`.
const MAX_SCORE: i64 = 10;

/// Which answers a hook is told about; an empty filter lets every answer through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HookFilter {
    /// Only answers of this survey.
    pub survey: Option<String>,
    /// Only answers in one of these score categories (none: any).
    pub categories: Vec<String>,
    /// Only answers with a score of at least this.
    pub min_score: Option<i64>,
    /// Only answers with a score of at most this.
    pub max_score: Option<i64>,
    /// Only answers with (`true`) or without (`false`) a comment.
    pub has_comment: Option<bool>,
    /// Conditions on the answer's fields, all of which must hold.
    pub conditions: Vec<Condition>,
}

fn bad(key: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message, &format!("filter.{key}"))
}

impl HookFilter {
    /// Reads a filter from the API or the database (`null` is the empty filter); a `400`
    /// naming `filter.KEY` when a key is unknown or its value invalid.
    pub fn from_json(value: &Value) -> Result<HookFilter, ApiError> {
        let mut filter = HookFilter::default();
        let object: &Map<String, Value> = match value {
            Value::Null => return Ok(filter),
            Value::Object(object) => object,
            _ => return Err(ApiError::bad_request("filter must be an object", "filter")),
        };
        for (key, value) in object {
            if value.is_null() {
                continue;
            }
            match key.as_str() {
                "survey" => {
                    let survey = value
                        .as_str()
                        .filter(|s| is_survey_id(s))
                        .ok_or_else(|| bad(key, "filter.survey must match [a-z0-9_-]{1,64}"))?;
                    filter.survey = Some(survey.to_owned());
                }
                "categories" => filter.categories = categories(value)?,
                "minScore" => filter.min_score = Some(score(value, key)?),
                "maxScore" => filter.max_score = Some(score(value, key)?),
                "hasComment" => {
                    filter.has_comment = Some(
                        value
                            .as_bool()
                            .ok_or_else(|| bad(key, "filter.hasComment must be true or false"))?,
                    );
                }
                "where" => {
                    let list = value.as_array().ok_or_else(|| {
                        bad(key, "filter.where must be a list of PATH:VALUE strings")
                    })?;
                    if list.len() > MAX_CONDITIONS {
                        return Err(bad(
                            key,
                            format!("at most {MAX_CONDITIONS} where conditions"),
                        ));
                    }
                    for item in list {
                        let text = item.as_str().ok_or_else(|| {
                            bad(key, "filter.where must be a list of PATH:VALUE strings")
                        })?;
                        filter.conditions.push(condition(text, "filter.where")?);
                    }
                }
                _ => {
                    return Err(bad(
                        key,
                        format!(
                            "unknown filter key {key:?}: survey, categories, minScore, maxScore, \
                             hasComment or where"
                        ),
                    ))
                }
            }
        }
        if let (Some(min), Some(max)) = (filter.min_score, filter.max_score) {
            if min > max {
                return Err(bad("minScore", "filter.minScore must not exceed maxScore"));
            }
        }
        Ok(filter)
    }

    /// The filter as the API shows it and the database keeps it (unset keys left out).
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        if let Some(survey) = &self.survey {
            object.insert("survey".into(), json!(survey));
        }
        if !self.categories.is_empty() {
            object.insert("categories".into(), json!(self.categories));
        }
        if let Some(min) = self.min_score {
            object.insert("minScore".into(), json!(min));
        }
        if let Some(max) = self.max_score {
            object.insert("maxScore".into(), json!(max));
        }
        if let Some(has_comment) = self.has_comment {
            object.insert("hasComment".into(), json!(has_comment));
        }
        if !self.conditions.is_empty() {
            let list: Vec<String> = self
                .conditions
                .iter()
                .map(|c| format!("{}:{}", c.path.path(), c.value))
                .collect();
            object.insert("where".into(), json!(list));
        }
        Value::Object(object)
    }

    /// Whether `answer` passes. An answer without a score (a decline) passes no score or
    /// category rule.
    pub fn matches(&self, answer: &StoredAnswer) -> bool {
        let score_in = |bound: Option<i64>, holds: fn(i64, i64) -> bool| match bound {
            None => true,
            Some(bound) => answer.score.is_some_and(|score| holds(score, bound)),
        };
        let has_comment = answer.comment.as_deref().is_some_and(|c| !c.is_empty());
        self.survey.as_ref().is_none_or(|s| *s == answer.survey)
            && (self.categories.is_empty()
                || answer
                    .category
                    .as_ref()
                    .is_some_and(|c| self.categories.contains(c)))
            && score_in(self.min_score, |score, min| score >= min)
            && score_in(self.max_score, |score, max| score <= max)
            && self.has_comment.is_none_or(|wanted| wanted == has_comment)
            && self
                .conditions
                .iter()
                .all(|c| field_text(answer, &c.path).as_deref() == Some(c.value.as_str()))
    }
}

/// At least one distinct category name of any kind.
fn categories(value: &Value) -> Result<Vec<String>, ApiError> {
    // Each name once: kinds share some ("neutral").
    let mut known: Vec<&str> = Vec::new();
    for name in KINDS.iter().flat_map(|kind| kind.categories()) {
        if !known.contains(&name) {
            known.push(name);
        }
    }
    let invalid = || {
        bad(
            "categories",
            format!(
                "filter.categories must be a list of distinct categories: {}",
                known.join(", ")
            ),
        )
    };
    let list = value
        .as_array()
        .filter(|l| !l.is_empty())
        .ok_or_else(invalid)?;
    let mut categories: Vec<String> = Vec::new();
    for item in list {
        let name = item
            .as_str()
            .filter(|name| known.contains(name) && !categories.iter().any(|c| c == name))
            .ok_or_else(invalid)?;
        categories.push(name.to_owned());
    }
    Ok(categories)
}

/// A whole number from 0 to [`MAX_SCORE`].
fn score(value: &Value, key: &str) -> Result<i64, ApiError> {
    value
        .as_i64()
        .filter(|score| (0..=MAX_SCORE).contains(score))
        .ok_or_else(|| {
            bad(
                key,
                format!("filter.{key} must be a whole number from 0 to {MAX_SCORE}"),
            )
        })
}

/// The text of `field` in `answer`, as a `where` condition compares it (a property's string
/// as is, a number or boolean as its JSON text); `None` when it has no value.
fn field_text(answer: &StoredAnswer, field: &Field) -> Option<String> {
    let property = |properties: &Option<Value>, name: &str| match properties.as_ref()?.get(name)? {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    };
    match field {
        Field::UserId => answer.user_id.clone(),
        Field::UserProperty(name) => property(&answer.user_properties, name),
        Field::AccountId => answer.account_id.clone(),
        Field::AccountName => answer.account_name.clone(),
        Field::AccountProperty(name) => property(&answer.account_properties, name),
        Field::Language => answer.language.clone(),
        Field::Trigger => answer.trigger_name.clone(),
        Field::Channel => Some(answer.channel.clone()),
        Field::Category => answer.category.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::sample::sample_answer;

    fn filter(value: Value) -> HookFilter {
        HookFilter::from_json(&value).unwrap()
    }

    fn field_of(value: Value) -> String {
        let error = HookFilter::from_json(&value).expect_err("refused");
        error.field().unwrap_or_default().to_owned()
    }

    #[test]
    fn every_rule_must_hold() {
        let answer = sample_answer("3f2c8a1e-4b5d-4c6e-8f70-123456789abc", 0);
        assert_eq!(answer.score, Some(3));
        assert!(filter(json!(null)).matches(&answer));
        assert!(filter(json!({})).matches(&answer));
        assert!(filter(json!({ "categories": ["detractor"] })).matches(&answer));
        assert!(!filter(json!({ "categories": ["promoter", "passive"] })).matches(&answer));
        assert!(filter(json!({ "maxScore": 6 })).matches(&answer));
        assert!(!filter(json!({ "minScore": 4 })).matches(&answer));
        assert!(filter(json!({ "minScore": 3, "maxScore": 3 })).matches(&answer));
        assert!(filter(json!({ "hasComment": true })).matches(&answer));
        assert!(!filter(json!({ "hasComment": false })).matches(&answer));
        assert!(filter(json!({ "survey": "nps" })).matches(&answer));
        assert!(!filter(json!({ "survey": "csat" })).matches(&answer));
        assert!(filter(json!({ "where": ["user.properties.plan:pro"] })).matches(&answer));
        assert!(filter(json!({ "where": ["user.properties.seats:12"] })).matches(&answer));
        assert!(filter(json!({ "where": ["user.properties.trial:false"] })).matches(&answer));
        assert!(
            filter(json!({ "where": ["trigger:event:report_exported", "account.id:acme"] }))
                .matches(&answer)
        );
        assert!(!filter(json!({ "where": ["user.properties.plan:free"] })).matches(&answer));
        assert!(!filter(json!({ "where": ["user.properties.missing:x"] })).matches(&answer));

        let mut declined = answer.clone();
        declined.score = None;
        declined.category = None;
        assert!(!filter(json!({ "maxScore": 6 })).matches(&declined));
        assert!(!filter(json!({ "categories": ["detractor"] })).matches(&declined));
    }

    #[test]
    fn it_round_trips_through_json() {
        let value = json!({
            "survey": "nps", "categories": ["detractor", "passive"], "minScore": 0,
            "maxScore": 8, "hasComment": true,
            "where": ["user.properties.plan:pro", "trigger:event:a:b"]
        });
        assert_eq!(filter(value.clone()).to_json(), value);
        assert_eq!(filter(json!({ "survey": null })).to_json(), json!({}));
    }

    #[test]
    fn bad_filters_name_the_key() {
        for (value, field) in [
            (json!([]), "filter"),
            (json!({ "nope": 1 }), "filter.nope"),
            (json!({ "survey": "NPS!" }), "filter.survey"),
            (json!({ "categories": [] }), "filter.categories"),
            (json!({ "categories": ["angry"] }), "filter.categories"),
            (
                json!({ "categories": ["detractor", "detractor"] }),
                "filter.categories",
            ),
            (json!({ "minScore": 11 }), "filter.minScore"),
            (json!({ "maxScore": 2.5 }), "filter.maxScore"),
            (json!({ "minScore": 7, "maxScore": 6 }), "filter.minScore"),
            (json!({ "hasComment": "yes" }), "filter.hasComment"),
            (json!({ "where": "plan:pro" }), "filter.where"),
            (json!({ "where": ["score:3"] }), "filter.where"),
            (json!({ "where": ["user.id"] }), "filter.where"),
        ] {
            assert_eq!(field_of(value.clone()), field, "{value}");
        }
        let error = HookFilter::from_json(&json!({ "categories": ["angry"] })).unwrap_err();
        assert!(
            error.message().ends_with(
                "categories: detractor, passive, promoter, unsatisfied, neutral, satisfied, \
                 disagree, agree"
            ),
            "{}",
            error.message()
        );
    }
}
