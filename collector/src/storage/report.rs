//! What the report reads from storage: counts of the answers of one survey in a time range,
//! in total, per score, per trend bucket and per value of one field. The figures made from
//! them (scores, margins) are computed above storage, in `crate::report`.

use async_trait::async_trait;
use nps_widget::core::kind::Kind;
use nps_widget::core::limits::MAX_FIELD_CHARS;

use crate::storage::StorageError;

/// A field of an answer that the report and the answers list filter on (`where`) or the report
/// breaks down by (`by`): the `PATH` of DESIGN.md, one type and one parser for both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// `user.id`.
    UserId,
    /// `user.properties.NAME`: the property's value as text (a string as is, a number or a
    /// boolean as written in JSON: `12`, `true`).
    UserProperty(String),
    /// `account.id`.
    AccountId,
    /// `account.name`.
    AccountName,
    /// `account.properties.NAME`, as for user properties.
    AccountProperty(String),
    /// `language`.
    Language,
    /// `trigger`.
    Trigger,
    /// `channel`.
    Channel,
    /// `category` (the score's; absent for displays and declines).
    Category,
}

impl Field {
    /// The field a `PATH` names, or why it names none.
    pub fn parse(path: &str) -> Result<Field, String> {
        let property = |name: &str| -> Result<String, String> {
            if name.is_empty() {
                Err(format!("{path:?} names no property"))
            } else if name.chars().count() > MAX_FIELD_CHARS {
                Err(format!(
                    "property names have at most {MAX_FIELD_CHARS} characters"
                ))
            } else if name.contains(['"', '\\']) {
                // Either would end the JSON path the name is looked up by.
                Err("a property name with \" or \\ cannot be looked up".to_owned())
            } else {
                Ok(name.to_owned())
            }
        };
        Ok(match path {
            "user.id" => Field::UserId,
            "account.id" => Field::AccountId,
            "account.name" => Field::AccountName,
            "language" => Field::Language,
            "trigger" => Field::Trigger,
            "channel" => Field::Channel,
            "category" => Field::Category,
            _ => {
                if let Some(name) = path.strip_prefix("user.properties.") {
                    Field::UserProperty(property(name)?)
                } else if let Some(name) = path.strip_prefix("account.properties.") {
                    Field::AccountProperty(property(name)?)
                } else {
                    return Err(format!(
                        "unknown path {path:?}: expected user.id, user.properties.NAME, account.id, \
                         account.name, account.properties.NAME, language, trigger, channel or category"
                    ));
                }
            }
        })
    }
}

/// Where a stored answer keeps a field's value, in every backend's `responses` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Column<'a> {
    /// A text column, by name.
    Text(&'static str),
    /// A property of a JSON column (`user_properties` or `account_properties`), by name.
    Property(&'static str, &'a str),
}

impl Field {
    /// Where a stored answer keeps this field's value.
    pub(crate) fn column(&self) -> Column<'_> {
        match self {
            Field::UserId => Column::Text("user_id"),
            Field::AccountId => Column::Text("account_id"),
            Field::AccountName => Column::Text("account_name"),
            Field::Language => Column::Text("language"),
            Field::Trigger => Column::Text("trigger_name"),
            Field::Channel => Column::Text("channel"),
            Field::Category => Column::Text("category"),
            Field::UserProperty(name) => Column::Property("user_properties", name),
            Field::AccountProperty(name) => Column::Property("account_properties", name),
        }
    }

    /// The `PATH` that names this field (what [`Field::parse`] reads back).
    pub fn path(&self) -> String {
        match self {
            Field::UserId => "user.id".to_owned(),
            Field::UserProperty(name) => format!("user.properties.{name}"),
            Field::AccountId => "account.id".to_owned(),
            Field::AccountName => "account.name".to_owned(),
            Field::AccountProperty(name) => format!("account.properties.{name}"),
            Field::Language => "language".to_owned(),
            Field::Trigger => "trigger".to_owned(),
            Field::Channel => "channel".to_owned(),
            Field::Category => "category".to_owned(),
        }
    }
}

/// A `where` condition: the field's value equals `value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// The field compared.
    pub field: Field,
    /// The value it must have.
    pub value: String,
}

/// What the report counts. The answers counted are those not preview, of `survey` and
/// `kind`, whose effective shown time is in [`from`, `to`), that meet every filter.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportQuery {
    /// Survey id.
    pub survey: String,
    /// The survey's kind: answers of another kind stored under the same survey id (a survey
    /// whose kind was changed) are not counted, and it names the categories counted.
    pub kind: Kind,
    /// Start of the range (epoch ms, UTC), included.
    pub from: i64,
    /// End of the range (epoch ms, UTC), excluded.
    pub to: i64,
    /// The trend buckets as `[start, end)` pairs of UTC instants (epoch ms), oldest first.
    pub buckets: Vec<(i64, i64)>,
    /// Conditions every counted answer meets.
    pub filters: Vec<Filter>,
    /// The field to count per value of, if any.
    pub by: Option<Field>,
}

/// Counts of one group of counted answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Answers (each started as a display).
    pub displays: u64,
    /// Answers with a score.
    pub responses: u64,
    /// Declined answers.
    pub dismissals: u64,
    /// Responses per category of the kind, lowest first (NPS: detractors, passives,
    /// promoters).
    pub categories: [u64; 3],
    /// Sum of the scores.
    pub sum: i64,
    /// Sum of the squares of the scores.
    pub sum_squares: i64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.displays += other.displays;
        self.responses += other.responses;
        self.dismissals += other.dismissals;
        for (mine, theirs) in self.categories.iter_mut().zip(other.categories) {
            *mine += theirs;
        }
        self.sum += other.sum;
        self.sum_squares += other.sum_squares;
    }
}

/// What [`ReportStore::report_counts`] finds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportCounts {
    /// All counted answers.
    pub total: Tally,
    /// Responses per score, for the scores that have any, lowest first.
    pub distribution: Vec<(i64, u64)>,
    /// One tally per bucket of the query, in its order.
    pub buckets: Vec<Tally>,
    /// With `by`: one tally per value of the field found among the counted answers (`None`
    /// for answers without one), in no particular order.
    pub segments: Vec<(Option<String>, Tally)>,
}

/// A survey that has answers: its id, its kind and how many times it was shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveySummary {
    /// The survey's id.
    pub survey: String,
    /// Its kind.
    pub kind: Kind,
    /// Its displays that are not previews (each answer starts as one).
    pub displays: u64,
}

/// The report's reads.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Every survey with answers that are not previews, most shown first (then by id), with
    /// its kind (a survey whose answers name two kinds is listed once per kind).
    async fn surveys(&self) -> Result<Vec<SurveySummary>, StorageError>;

    /// The kind of `survey`, from its latest answer that is not a preview (or, without one,
    /// its latest preview); `None` when nothing of it is stored.
    async fn survey_kind(&self, survey: &str) -> Result<Option<Kind>, StorageError>;

    /// The counts of `query`, all read from one snapshot of the data.
    async fn report_counts(&self, query: &ReportQuery) -> Result<ReportCounts, StorageError>;
}
