//! The report's counts in SQLite: a few aggregate statements (`GROUP BY`), all in one read
//! transaction, over the index by survey and effective shown time; rows are counted where they
//! lie, never loaded.
//!
//! Every value from a request is a bound parameter: survey, kind, instants, filter values and
//! property names (a property is read with `json_extract(column, '$."' || ?N || '"')`). Only
//! column names chosen from a fixed list and generated placeholders (`?N`) are put together
//! into the statements' text.
//!
//! The trend buckets travel as one bound JSON array of `[start, end]` pairs, expanded by
//! `json_each` into a table joined to the answers: for each bucket, SQLite reads its range of
//! the index and nothing else.

use async_trait::async_trait;
use nps_widget::core::kind::Kind;
use nps_widget::core::time::format_timestamp;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};

use super::report_slots::{property_text_sql, SLOT_SECONDS};
use super::SqliteStore;
use crate::storage::report::{
    Column, Field, ReportCounts, ReportQuery, ReportStore, SurveySummary, Tally,
};
use crate::storage::StorageError;

/// A statement: its text and its positional parameters, in order.
#[derive(Default)]
struct Statement {
    sql: String,
    params: Vec<Value>,
}

impl Statement {
    /// Adds a parameter; its placeholder (`?N`).
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("?{}", self.params.len())
    }
}

/// The SQL expression of a field's value (text, or NULL when the answer has none), over the
/// table aliased `r`.
fn field_sql(field: &Field, statement: &mut Statement) -> String {
    match field.column() {
        Column::Text(column) => format!("r.{column}"),
        Column::Property(column, name) => property_sql(column, name, statement),
    }
}

/// A property of a `properties` column as text (see [`property_text_sql`]); the name is a
/// bound parameter.
fn property_sql(column: &str, name: &str, statement: &mut Statement) -> String {
    let name = statement.bind(name.to_owned());
    property_text_sql(&format!("r.{column}"), &name)
}

/// The conditions every counted answer meets (without the range, which differs for buckets).
fn counted_sql(query: &ReportQuery, statement: &mut Statement) -> String {
    let survey = statement.bind(query.survey.clone());
    let kind = statement.bind(query.kind.name().to_owned());
    let mut sql = format!("r.preview = 0 AND r.survey = {survey} AND r.kind = {kind}");
    for filter in &query.filters {
        let field = field_sql(&filter.field, statement);
        let value = statement.bind(filter.value.clone());
        sql.push_str(&format!(" AND {field} = {value}"));
    }
    sql
}

/// The tally columns of a group (8 columns, read by [`tally`] from `first`).
fn tally_sql(query: &ReportQuery, statement: &mut Statement) -> String {
    let [low, middle, high] = query
        .kind
        .categories()
        .map(|name| statement.bind(name.to_owned()));
    format!(
        "count(*), count(r.score), coalesce(sum(r.type = 'decline'), 0), \
         coalesce(sum(r.category = {low}), 0), coalesce(sum(r.category = {middle}), 0), \
         coalesce(sum(r.category = {high}), 0), \
         coalesce(sum(r.score), 0), coalesce(sum(r.score * r.score), 0)"
    )
}

/// The tally at columns `first..first + 8` of `row`.
fn tally(row: &Row, first: usize) -> rusqlite::Result<Tally> {
    let count =
        |i: usize| -> rusqlite::Result<u64> { Ok(row.get::<_, i64>(first + i)?.max(0) as u64) };
    Ok(Tally {
        displays: count(0)?,
        responses: count(1)?,
        dismissals: count(2)?,
        categories: [count(3)?, count(4)?, count(5)?],
        sum: row.get(first + 6)?,
        sum_squares: row.get(first + 7)?,
    })
}

/// The range condition on the effective shown time.
fn range_sql(from: i64, to: i64, statement: &mut Statement) -> String {
    let from = statement.bind(format_timestamp(from));
    let to = statement.bind(format_timestamp(to));
    format!("r.effective_shown_at >= {from} AND r.effective_shown_at < {to}")
}

/// The tally of every counted answer.
fn total_statement(query: &ReportQuery) -> Statement {
    let mut statement = Statement::default();
    let tally_columns = tally_sql(query, &mut statement);
    let counted = counted_sql(query, &mut statement);
    let range = range_sql(query.from, query.to, &mut statement);
    statement.sql = format!("SELECT {tally_columns} FROM responses r WHERE {counted} AND {range}");
    statement
}

/// (score, responses) for each score that has any.
fn distribution_statement(query: &ReportQuery) -> Statement {
    let mut statement = Statement::default();
    let counted = counted_sql(query, &mut statement);
    let range = range_sql(query.from, query.to, &mut statement);
    statement.sql = format!(
        "SELECT r.score, count(*) FROM responses r
         WHERE {counted} AND {range} AND r.score IS NOT NULL
         GROUP BY r.score ORDER BY r.score"
    );
    statement
}

/// (bucket index, tally) for each bucket that has answers.
fn buckets_statement(query: &ReportQuery) -> Statement {
    let mut statement = Statement::default();
    let bounds: Vec<[String; 2]> = query
        .buckets
        .iter()
        .map(|&(start, end)| [format_timestamp(start), format_timestamp(end)])
        .collect();
    let bounds = statement.bind(serde_json::json!(bounds).to_string());
    let tally_columns = tally_sql(query, &mut statement);
    let counted = counted_sql(query, &mut statement);
    // CROSS JOIN keeps the buckets in the outer loop: one index range per bucket.
    statement.sql = format!(
        "WITH b(i, lo, hi) AS (
             SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each({bounds})
         )
         SELECT b.i, {tally_columns}
         FROM b CROSS JOIN responses r
         WHERE {counted} AND r.effective_shown_at >= b.lo AND r.effective_shown_at < b.hi
         GROUP BY b.i"
    );
    statement
}

/// (value, tally) for each value of `by` among the counted answers.
fn segments_statement(query: &ReportQuery, by: &Field) -> Statement {
    let mut statement = Statement::default();
    let value = field_sql(by, &mut statement);
    let tally_columns = tally_sql(query, &mut statement);
    let counted = counted_sql(query, &mut statement);
    let range = range_sql(query.from, query.to, &mut statement);
    statement.sql = format!(
        "SELECT {value} AS v, {tally_columns} FROM responses r
         WHERE {counted} AND {range} GROUP BY v"
    );
    statement
}

/// Where [`counts`] reads from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The answers themselves (what the running counts are checked against).
    #[cfg_attr(not(test), allow(dead_code))]
    Answers,
    /// The running counts of `report_slots` for whatever they can answer, the answers for
    /// the rest.
    SlotsWherePossible,
}

/// The name under which `report_slots` counts a field's values, if it does.
fn slot_field(field: &Field) -> Option<String> {
    Some(match field {
        Field::UserId | Field::AccountId | Field::AccountName => return None,
        Field::UserProperty(name) => format!("user.properties.{name}"),
        Field::AccountProperty(name) => format!("account.properties.{name}"),
        Field::Language => "language".to_owned(),
        Field::Trigger => "trigger".to_owned(),
        Field::Channel => "channel".to_owned(),
        Field::Category => "category".to_owned(),
    })
}

/// Whether every boundary of `query` (range and buckets) falls on a slot's start.
fn on_slots(query: &ReportQuery) -> bool {
    let slot_ms = SLOT_SECONDS * 1000;
    std::iter::once((query.from, query.to))
        .chain(query.buckets.iter().copied())
        .all(|(start, end)| start % slot_ms == 0 && end % slot_ms == 0)
}

/// The rows of `report_slots` that count the answers `query` counts: a field and, for a
/// filter, its value (`("", None)`: every answer). `None` when they cannot be told (more
/// than one filter, or one on a field without running counts).
fn slot_rows(query: &ReportQuery) -> Option<(String, Option<String>)> {
    match query.filters.as_slice() {
        [] => Some((String::new(), None)),
        [filter] => Some((slot_field(&filter.field)?, Some(filter.value.clone()))),
        _ => None,
    }
}

/// The sums of `report_slots` columns a tally is made of.
const SLOT_SUMS: &str = "sum(s.displays), sum(s.dismissals), sum(s.s0), sum(s.s1), sum(s.s2), \
    sum(s.s3), sum(s.s4), sum(s.s5), sum(s.s6), sum(s.s7), sum(s.s8), sum(s.s9), sum(s.s10)";

/// The conditions of the `report_slots` rows of `query` for `field` (and `value`), without
/// the range.
fn slot_condition_sql(
    query: &ReportQuery,
    field: &str,
    value: Option<&str>,
    statement: &mut Statement,
) -> String {
    let survey = statement.bind(query.survey.clone());
    let kind = statement.bind(query.kind.name().to_owned());
    let field = statement.bind(field.to_owned());
    let mut sql = format!("s.survey = {survey} AND s.kind = {kind} AND s.field = {field}");
    if let Some(value) = value {
        let value = statement.bind(value.to_owned());
        sql.push_str(&format!(" AND s.value = {value}"));
    }
    sql
}

/// The range condition on the slots, in seconds.
fn slot_range_sql(query: &ReportQuery, statement: &mut Statement) -> String {
    let from = statement.bind(query.from.div_euclid(1000));
    let to = statement.bind(query.to.div_euclid(1000));
    format!("s.slot >= {from} AND s.slot < {to}")
}

/// Counts read from `report_slots`: displays, dismissals and responses per score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct SlotCounts {
    displays: i64,
    dismissals: i64,
    scores: [i64; 11],
}

impl SlotCounts {
    /// The [`SLOT_SUMS`] at columns `first..first + 13` of `row` (NULL, for no rows, as 0).
    fn read(row: &Row, first: usize) -> rusqlite::Result<SlotCounts> {
        let count = |i: usize| -> rusqlite::Result<i64> {
            Ok(row.get::<_, Option<i64>>(first + i)?.unwrap_or(0))
        };
        let mut scores = [0; 11];
        for (i, score) in scores.iter_mut().enumerate() {
            *score = count(2 + i)?;
        }
        Ok(SlotCounts {
            displays: count(0)?,
            dismissals: count(1)?,
            scores,
        })
    }

    /// These counts less `other`'s.
    fn minus(mut self, other: &SlotCounts) -> SlotCounts {
        self.displays -= other.displays;
        self.dismissals -= other.dismissals;
        for (mine, theirs) in self.scores.iter_mut().zip(other.scores) {
            *mine -= theirs;
        }
        self
    }

    /// The tally of these counts for answers of `kind`.
    fn tally(&self, kind: Kind) -> Tally {
        let count = |n: i64| n.max(0) as u64;
        let mut tally = Tally {
            displays: count(self.displays),
            dismissals: count(self.dismissals),
            ..Tally::default()
        };
        let categories = kind.categories();
        for (score, &n) in (0u8..).zip(&self.scores) {
            tally.responses += count(n);
            tally.sum += i64::from(score) * n;
            tally.sum_squares += i64::from(score) * i64::from(score) * n;
            let category = kind
                .category(score)
                .and_then(|name| categories.iter().position(|c| *c == name));
            if let Some(i) = category {
                tally.categories[i] += count(n);
            }
        }
        tally
    }

    /// Responses per score, for the scores that have any.
    fn distribution(&self) -> Vec<(i64, u64)> {
        (0..)
            .zip(self.scores)
            .filter(|&(_, n)| n > 0)
            .map(|(score, n)| (score, n as u64))
            .collect()
    }
}

/// The counts of the rows for `field` (and `value`) in the range.
fn slot_total(
    conn: &Connection,
    query: &ReportQuery,
    field: &str,
    value: Option<&str>,
) -> rusqlite::Result<SlotCounts> {
    let mut statement = Statement::default();
    let condition = slot_condition_sql(query, field, value, &mut statement);
    let range = slot_range_sql(query, &mut statement);
    statement.sql = format!("SELECT {SLOT_SUMS} FROM report_slots s WHERE {condition} AND {range}");
    conn.prepare(&statement.sql)?
        .query_row(params_from_iter(&statement.params), |row| {
            SlotCounts::read(row, 0)
        })
}

/// One tally per bucket of `query`, from the rows for `field` (and `value`).
fn slot_buckets(
    conn: &Connection,
    query: &ReportQuery,
    field: &str,
    value: Option<&str>,
) -> rusqlite::Result<Vec<Tally>> {
    let mut statement = Statement::default();
    let bounds: Vec<[i64; 2]> = query
        .buckets
        .iter()
        .map(|&(start, end)| [start.div_euclid(1000), end.div_euclid(1000)])
        .collect();
    let bounds = statement.bind(serde_json::json!(bounds).to_string());
    let condition = slot_condition_sql(query, field, value, &mut statement);
    // CROSS JOIN keeps the buckets in the outer loop: one range of the key per bucket.
    statement.sql = format!(
        "WITH b(i, lo, hi) AS (
             SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1 FROM json_each({bounds})
         )
         SELECT b.i, {SLOT_SUMS}
         FROM b CROSS JOIN report_slots s
         WHERE {condition} AND s.slot >= b.lo AND s.slot < b.hi
         GROUP BY b.i"
    );
    let mut buckets = vec![Tally::default(); query.buckets.len()];
    let mut prepared = conn.prepare(&statement.sql)?;
    let mut rows = prepared.query(params_from_iter(&statement.params))?;
    while let Some(row) = rows.next()? {
        let index: i64 = row.get(0)?;
        if let Some(slot) = usize::try_from(index).ok().and_then(|i| buckets.get_mut(i)) {
            *slot = SlotCounts::read(row, 1)?.tally(query.kind);
        }
    }
    Ok(buckets)
}

/// (value, counts) for each value of `field` with answers in the range.
fn slot_segments(
    conn: &Connection,
    query: &ReportQuery,
    field: &str,
) -> rusqlite::Result<Vec<(String, SlotCounts)>> {
    let mut statement = Statement::default();
    let condition = slot_condition_sql(query, field, None, &mut statement);
    let range = slot_range_sql(query, &mut statement);
    statement.sql = format!(
        "SELECT s.value, {SLOT_SUMS} FROM report_slots s WHERE {condition} AND {range}
         GROUP BY s.value HAVING sum(s.displays) > 0"
    );
    let mut prepared = conn.prepare(&statement.sql)?;
    let rows = prepared.query_map(params_from_iter(&statement.params), |row| {
        Ok((row.get(0)?, SlotCounts::read(row, 1)?))
    })?;
    rows.collect()
}

/// Every count of `query`, read from `source`.
fn counts(
    conn: &Connection,
    query: &ReportQuery,
    source: Source,
) -> rusqlite::Result<ReportCounts> {
    let on_slots = source == Source::SlotsWherePossible && on_slots(query);
    let mut counts = ReportCounts::default();
    let mut all_answers = None;
    match slot_rows(query).filter(|_| on_slots) {
        Some((field, value)) => {
            let total = slot_total(conn, query, &field, value.as_deref())?;
            counts.total = total.tally(query.kind);
            counts.distribution = total.distribution();
            counts.buckets = slot_buckets(conn, query, &field, value.as_deref())?;
            if value.is_none() {
                all_answers = Some(total);
            }
        }
        None => {
            let statement = total_statement(query);
            counts.total = conn
                .prepare(&statement.sql)?
                .query_row(params_from_iter(&statement.params), |row| tally(row, 0))?;

            let statement = distribution_statement(query);
            counts.distribution = conn
                .prepare(&statement.sql)?
                .query_map(params_from_iter(&statement.params), |row| {
                    Ok((row.get(0)?, row.get::<_, i64>(1)?.max(0) as u64))
                })?
                .collect::<rusqlite::Result<_>>()?;

            let statement = buckets_statement(query);
            counts.buckets = vec![Tally::default(); query.buckets.len()];
            let mut prepared = conn.prepare(&statement.sql)?;
            let mut rows = prepared.query(params_from_iter(&statement.params))?;
            while let Some(row) = rows.next()? {
                let index: i64 = row.get(0)?;
                let bucket = usize::try_from(index)
                    .ok()
                    .and_then(|i| counts.buckets.get_mut(i));
                if let Some(bucket) = bucket {
                    *bucket = tally(row, 1)?;
                }
            }
        }
    }

    let Some(by) = &query.by else {
        return Ok(counts);
    };
    // Broken down by a field a filter fixes (a segment picked from the segment table): every
    // answer counted has that value.
    if let Some(filter) = query.filters.iter().find(|filter| &filter.field == by) {
        if counts.total.displays > 0 {
            counts.segments = vec![(Some(filter.value.clone()), counts.total)];
        }
        return Ok(counts);
    }
    match (all_answers, slot_field(by)) {
        // Without filters, the answers without a value are all the others.
        (Some(all), Some(field)) => {
            let mut without_value = all;
            for (value, segment) in slot_segments(conn, query, &field)? {
                without_value = without_value.minus(&segment);
                counts
                    .segments
                    .push((Some(value), segment.tally(query.kind)));
            }
            if without_value.displays > 0 {
                counts
                    .segments
                    .push((None, without_value.tally(query.kind)));
            }
        }
        _ => {
            let statement = segments_statement(query, by);
            let mut prepared = conn.prepare(&statement.sql)?;
            let rows = prepared.query_map(params_from_iter(&statement.params), |row| {
                Ok((row.get(0)?, tally(row, 1)?))
            })?;
            counts.segments = rows.collect::<rusqlite::Result<_>>()?;
        }
    }
    Ok(counts)
}

/// Every count of `query`, in one read transaction (one snapshot of the data).
fn report_counts(conn: &Connection, query: &ReportQuery) -> rusqlite::Result<ReportCounts> {
    let snapshot = conn.unchecked_transaction()?;
    let counts = counts(conn, query, Source::SlotsWherePossible)?;
    snapshot.finish()?;
    Ok(counts)
}

#[async_trait]
impl ReportStore for SqliteStore {
    async fn surveys(&self) -> Result<Vec<SurveySummary>, StorageError> {
        self.read(|conn| {
            // The running counts' row of every answer (`field` ''), which holds no previews:
            // a few rows per quarter hour rather than every answer.
            let mut statement = conn.prepare_cached(
                "SELECT survey, kind, SUM(displays) AS shown FROM report_slots WHERE field = ''
                 GROUP BY survey, kind HAVING shown > 0 ORDER BY shown DESC, survey, kind",
            )?;
            let rows = statement.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })?;
            let mut surveys = Vec::new();
            for row in rows {
                let (survey, kind, displays) = row?;
                if let Some(kind) = Kind::from_name(&kind) {
                    surveys.push(SurveySummary {
                        survey,
                        kind,
                        displays: displays.max(0) as u64,
                    });
                }
            }
            Ok(surveys)
        })
        .await
    }

    async fn survey_kind(&self, survey: &str) -> Result<Option<Kind>, StorageError> {
        let survey = survey.to_owned();
        self.read(move |conn| {
            // Two statements rather than a bound `preview`: the first one can then use the
            // index by survey and time, which holds no previews.
            let latest = |sql: &str| -> rusqlite::Result<Option<String>> {
                conn.prepare_cached(sql)?
                    .query_row([&survey], |row| row.get(0))
                    .optional()
            };
            let kind = match latest(
                "SELECT kind FROM responses WHERE survey = ?1 AND preview = 0
                 ORDER BY effective_shown_at DESC LIMIT 1",
            )? {
                Some(kind) => Some(kind),
                None => latest(
                    "SELECT kind FROM responses WHERE survey = ?1 AND preview = 1
                     ORDER BY effective_shown_at DESC LIMIT 1",
                )?,
            };
            Ok(kind.as_deref().and_then(Kind::from_name))
        })
        .await
    }

    async fn report_counts(&self, query: &ReportQuery) -> Result<ReportCounts, StorageError> {
        let query = query.clone();
        self.read(move |conn| report_counts(conn, &query)).await
    }
}

#[cfg(test)]
mod tests {
    use nps_widget::core::time::parse_timestamp;
    use rusqlite::named_params;

    use super::*;
    use crate::storage::report::Filter;

    fn at(text: &str) -> i64 {
        parse_timestamp(text).unwrap()
    }

    /// A migrated database in memory.
    fn database() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::schema::migrate(&mut conn).unwrap();
        conn
    }

    /// Stores an answer with these columns (the rest as a display without a user).
    fn insert(conn: &Connection, id: &str, score: Option<i64>, shown: &str, properties: &str) {
        let (body_type, category) = match score {
            Some(score) => ("response", Kind::Nps.category(score as u8)),
            None => ("display", None),
        };
        conn.execute(
            "INSERT INTO responses (id, type, kind, survey, score, category, user_properties,
                 channel, shown_at, effective_shown_at, received_at, updated_at)
             VALUES (:id, :type, 'nps', 'nps', :score, :category, :properties,
                 'in-app', :shown, :shown, :shown, :shown)",
            named_params! {
                ":id": id, ":type": body_type, ":score": score, ":category": category,
                ":properties": properties, ":shown": shown,
            },
        )
        .unwrap();
    }

    fn query(filters: Vec<Filter>, by: Option<Field>) -> ReportQuery {
        let (from, middle, to) = (
            at("2026-11-01T00:00:00Z"),
            at("2026-11-15T00:00:00Z"),
            at("2026-12-01T00:00:00Z"),
        );
        ReportQuery {
            survey: "nps".into(),
            kind: Kind::Nps,
            from,
            to,
            buckets: vec![(from, middle), (middle, to)],
            filters,
            by,
        }
    }

    fn property(name: &str) -> Field {
        Field::UserProperty(name.into())
    }

    #[test]
    fn every_statement_reads_a_range_of_an_index() {
        let conn = database();
        let filtered = query(
            vec![
                Filter {
                    field: property("plan"),
                    value: "pro".into(),
                },
                Filter {
                    field: Field::Channel,
                    value: "email".into(),
                },
            ],
            None,
        );
        let plain = query(Vec::new(), None);
        let mut statements = Vec::new();
        for query in [&plain, &filtered] {
            statements.push(total_statement(query));
            statements.push(distribution_statement(query));
            statements.push(buckets_statement(query));
            statements.push(segments_statement(query, &Field::AccountName));
        }
        for statement in statements {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", statement.sql))
                .unwrap()
                .query_map(params_from_iter(&statement.params), |row| row.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("\n");
            assert!(
                plan.contains(
                    "INDEX responses_report (survey=? AND effective_shown_at>? AND effective_shown_at<?)"
                ),
                "{}\n{plan}",
                statement.sql
            );
            assert!(!plan.contains("SCAN r"), "{plan}");
        }
    }

    #[test]
    fn properties_are_compared_and_grouped_as_text() {
        let conn = database();
        let shown = "2026-11-20T10:00:00.000Z";
        insert(
            &conn,
            "a",
            Some(10),
            shown,
            r#"{"plan":"pro","seats":12,"trial":false,"a.b":"dot","it's":"x"}"#,
        );
        insert(
            &conn,
            "b",
            Some(0),
            shown,
            r#"{"plan":"pro","seats":12.5,"trial":true}"#,
        );
        insert(
            &conn,
            "c",
            Some(8),
            shown,
            r#"{"plan":"free","seats":null}"#,
        );
        insert(&conn, "d", None, shown, r#"{}"#);
        insert(&conn, "e", Some(9), shown, "");
        conn.execute(
            "UPDATE responses SET user_properties = NULL WHERE id = 'e'",
            [],
        )
        .unwrap();
        // Out of the range, or a preview: never counted.
        insert(
            &conn,
            "f",
            Some(9),
            "2026-10-31T23:59:59.999Z",
            r#"{"plan":"pro"}"#,
        );
        insert(
            &conn,
            "g",
            Some(9),
            "2026-12-01T00:00:00.000Z",
            r#"{"plan":"pro"}"#,
        );
        insert(&conn, "h", Some(9), shown, r#"{"plan":"pro"}"#);
        conn.execute("UPDATE responses SET preview = 1 WHERE id = 'h'", [])
            .unwrap();

        let segments = |name: &str| {
            let mut values: Vec<(Option<String>, u64)> =
                report_counts(&conn, &query(Vec::new(), Some(property(name))))
                    .unwrap()
                    .segments
                    .into_iter()
                    .map(|(value, tally)| (value, tally.displays))
                    .collect();
            values.sort();
            values
        };
        let some = |text: &str| Some(text.to_owned());
        assert_eq!(
            segments("plan"),
            [(None, 2), (some("free"), 1), (some("pro"), 2)]
        );
        assert_eq!(
            segments("seats"),
            [(None, 3), (some("12"), 1), (some("12.5"), 1)]
        );
        assert_eq!(
            segments("trial"),
            [(None, 3), (some("false"), 1), (some("true"), 1)]
        );
        assert_eq!(segments("a.b"), [(None, 4), (some("dot"), 1)]);
        assert_eq!(segments("it's"), [(None, 4), (some("x"), 1)]);

        let displays = |field: Field, value: &str| {
            let filter = Filter {
                field,
                value: value.to_owned(),
            };
            report_counts(&conn, &query(vec![filter], None))
                .unwrap()
                .total
                .displays
        };
        assert_eq!(displays(property("plan"), "pro"), 2);
        assert_eq!(displays(property("seats"), "12"), 1);
        assert_eq!(displays(property("trial"), "false"), 1);
        assert_eq!(displays(property("trial"), "0"), 0);
        assert_eq!(displays(property("a.b"), "dot"), 1);
        assert_eq!(displays(property("it's"), "x"), 1);
        assert_eq!(displays(property("missing"), ""), 0);
        assert_eq!(displays(Field::Category, "promoter"), 2);
        assert_eq!(displays(Field::Channel, "in-app"), 5);
    }

    #[test]
    fn counts_per_bucket_score_and_category() {
        let conn = database();
        insert(&conn, "a", Some(10), "2026-11-01T00:00:00.000Z", "{}");
        insert(&conn, "b", Some(3), "2026-11-14T23:59:59.999Z", "{}");
        insert(&conn, "c", Some(7), "2026-11-15T00:00:00.000Z", "{}");
        insert(&conn, "d", None, "2026-11-30T12:00:00.000Z", "{}");
        insert(&conn, "e", Some(10), "2026-11-30T12:00:00.000Z", "{}");
        conn.execute("UPDATE responses SET type = 'decline' WHERE id = 'd'", [])
            .unwrap();
        let counts = report_counts(&conn, &query(Vec::new(), None)).unwrap();
        assert_eq!(
            counts.total,
            Tally {
                displays: 5,
                responses: 4,
                dismissals: 1,
                categories: [1, 1, 2],
                sum: 30,
                sum_squares: 100 + 9 + 49 + 100,
            }
        );
        assert_eq!(counts.distribution, [(3, 1), (7, 1), (10, 2)]);
        assert_eq!(counts.buckets[0].displays, 2);
        assert_eq!(counts.buckets[0].categories, [1, 0, 1]);
        assert_eq!(counts.buckets[1].displays, 3);
        assert_eq!(counts.buckets[1].dismissals, 1);
        assert_eq!(counts.buckets[1].sum, 17);
        assert!(counts.segments.is_empty());

        // Another kind under the same survey id is not counted.
        let mut csat = query(Vec::new(), None);
        csat.kind = Kind::Csat;
        assert_eq!(report_counts(&conn, &csat).unwrap().total, Tally::default());
    }

    /// A random answer of `kind` written through plain SQL, as any code path could.
    fn insert_random(conn: &Connection, rng: &mut rand::rngs::StdRng, id: usize, kind: Kind) {
        use rand::Rng;
        let (low, high) = match kind {
            Kind::Nps => (0, 10),
            Kind::Csat => (1, 5),
            Kind::Ces => (1, 7),
        };
        let body_type = ["display", "response", "response", "decline"][rng.random_range(0..4)];
        let score = (body_type == "response").then(|| rng.random_range(low..=high));
        let category = score.and_then(|score| kind.category(score as u8));
        // Around the DST change in Los Angeles (2026-11-01), a little past the range's ends.
        let shown = at("2026-10-29T12:00:00Z") + rng.random_range(0..6 * 86_400_000i64);
        let plans = ["free", "pro", "team"];
        let user_properties = match rng.random_range(0..6) {
            0 => None,
            1 => Some(r#"{"plan":null}"#.to_owned()),
            2 => Some(format!(
                r#"{{"seats":{},"trial":true}}"#,
                rng.random_range(1..4)
            )),
            3 => Some(format!(
                r#"{{"plan":"{}","seats":1.5}}"#,
                plans[rng.random_range(0..3)]
            )),
            _ => Some(format!(
                r#"{{"plan":"{}","a\"b":"x"}}"#,
                plans[rng.random_range(0..3)]
            )),
        };
        let language = ["en", "de", "fr"].get(rng.random_range(0..4)).copied();
        conn.execute(
            "INSERT INTO responses (id, type, kind, survey, score, category, user_properties,
                 account_properties, language, channel, preview, shown_at, effective_shown_at,
                 received_at, updated_at)
             VALUES (:id, :type, :kind, 'nps', :score, :category, :properties,
                 :account, :language, :channel, :preview, :shown, :shown, :shown, :shown)",
            named_params! {
                ":id": format!("a{id}"), ":type": body_type, ":kind": kind.name(),
                ":score": score, ":category": category, ":properties": user_properties,
                ":account": id.is_multiple_of(3).then_some(r#"{"tier":"gold","n":2}"#),
                ":language": language,
                ":channel": ["in-app", "email"][id % 2],
                ":preview": id.is_multiple_of(17),
                ":shown": format_timestamp(shown),
            },
        )
        .unwrap();
    }

    /// Queries of every shape the report makes, with buckets of days in Los Angeles.
    fn every_shape(kind: Kind) -> Vec<ReportQuery> {
        let midnight = |date: &str, offset: &str| at(&format!("{date}T{offset}.000Z"));
        // Midnights in Los Angeles: -7 h before 2026-11-01 (PDT), -8 h from 2026-11-02 (PST).
        let days: Vec<(i64, i64)> = [
            midnight("2026-10-30", "07:00:00"),
            midnight("2026-10-31", "07:00:00"),
            midnight("2026-11-01", "07:00:00"),
            midnight("2026-11-02", "08:00:00"),
            midnight("2026-11-03", "08:00:00"),
        ]
        .windows(2)
        .map(|pair| (pair[0], pair[1]))
        .collect();
        let filter = |field: Field, value: &str| Filter {
            field,
            value: value.to_owned(),
        };
        let shapes: Vec<(Vec<Filter>, Option<Field>)> = vec![
            (Vec::new(), None),
            (Vec::new(), Some(property("plan"))),
            (Vec::new(), Some(property("seats"))),
            (Vec::new(), Some(property("trial"))),
            (Vec::new(), Some(Field::AccountProperty("tier".into()))),
            (Vec::new(), Some(Field::Language)),
            (Vec::new(), Some(Field::Category)),
            (Vec::new(), Some(Field::Channel)),
            (Vec::new(), Some(Field::UserId)),
            (vec![filter(property("plan"), "pro")], None),
            (vec![filter(property("plan"), "pro")], Some(Field::Language)),
            (vec![filter(property("seats"), "1.5")], None),
            (vec![filter(Field::Category, "promoter")], None),
            (vec![filter(Field::Language, "de")], Some(property("plan"))),
            (
                vec![filter(property("plan"), "team")],
                Some(property("plan")),
            ),
            (
                vec![filter(Field::Language, "de"), filter(property("plan"), "x")],
                Some(property("plan")),
            ),
            (
                vec![filter(Field::AccountName, "x")],
                Some(Field::AccountName),
            ),
            (
                vec![
                    filter(Field::Channel, "email"),
                    filter(Field::Language, "en"),
                ],
                None,
            ),
            (vec![filter(Field::AccountName, "x")], None),
        ];
        let mut queries = Vec::new();
        for (filters, by) in shapes {
            for (from, to, buckets) in [
                (days[0].0, days[3].1, days.clone()),
                // Not on a quarter hour: read from the answers.
                (days[0].0 + 1, days[3].1, vec![(days[0].0 + 1, days[3].1)]),
            ] {
                queries.push(ReportQuery {
                    survey: "nps".into(),
                    kind,
                    from,
                    to,
                    buckets,
                    filters: filters.clone(),
                    by: by.clone(),
                });
            }
        }
        queries
    }

    /// The counts of `query` from the running counts, with the segments in a fixed order.
    fn sorted(mut counts: ReportCounts) -> ReportCounts {
        counts.segments.sort_by(|a, b| a.0.cmp(&b.0));
        counts
    }

    fn assert_running_counts_agree(conn: &Connection, kind: Kind) {
        for query in every_shape(kind) {
            let from_answers = sorted(counts(conn, &query, Source::Answers).unwrap());
            let from_slots = sorted(counts(conn, &query, Source::SlotsWherePossible).unwrap());
            assert_eq!(from_slots, from_answers, "{query:?}");
        }
    }

    #[test]
    fn running_counts_agree_with_the_answers_through_inserts_updates_and_deletes() {
        use rand::SeedableRng;
        let conn = database();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for id in 0..1500 {
            let kind = if id % 10 == 9 { Kind::Csat } else { Kind::Nps };
            insert_random(&conn, &mut rng, id, kind);
        }
        let nps = report_counts(&conn, &every_shape(Kind::Nps)[0]).unwrap();
        assert!(
            nps.total.displays > 800 && nps.total.dismissals > 100,
            "{nps:?}"
        );
        assert_running_counts_agree(&conn, Kind::Nps);
        assert_running_counts_agree(&conn, Kind::Csat);

        // Later bodies: displays answered, properties and times changed, previews, deletions.
        conn.execute_batch(
            "UPDATE responses SET type = 'response', score = 9, category = 'promoter'
                 WHERE type = 'display' AND kind = 'nps' AND id LIKE '%1';
             UPDATE responses SET user_properties = '{\"plan\":\"team\"}' WHERE id LIKE '%2';
             UPDATE responses SET effective_shown_at = '2026-11-01T12:00:00.000Z'
                 WHERE id LIKE '%3';
             UPDATE responses SET comment = 'only the comment' WHERE id LIKE '%4';
             UPDATE responses SET preview = 1 WHERE id LIKE '%5';
             DELETE FROM responses WHERE id LIKE '%6';",
        )
        .unwrap();
        assert_running_counts_agree(&conn, Kind::Nps);
        assert_running_counts_agree(&conn, Kind::Csat);

        // Counts that fell to zero are removed at the next start, with the same results.
        let zero = |conn: &Connection| -> i64 {
            conn.query_row(
                "SELECT count(*) FROM report_slots WHERE displays = 0",
                [],
                |row| row.get(0),
            )
            .unwrap()
        };
        assert!(zero(&conn) > 0);
        let mut conn = conn;
        super::super::schema::migrate(&mut conn).unwrap();
        assert_eq!(zero(&conn), 0);
        assert_running_counts_agree(&conn, Kind::Nps);

        // A database migrated from version 4 counts the answers it already had.
        conn.execute_batch(
            "DROP TRIGGER report_slots_insert; DROP TRIGGER report_slots_update;
             DROP TRIGGER report_slots_delete; DROP TABLE report_slots;
             DROP TABLE hook_deliveries; DROP TABLE hooks; DROP TABLE collector_secrets;
             DROP TABLE unsubscribes; DROP TABLE hook_queue;
             PRAGMA user_version = 4;",
        )
        .unwrap();
        super::super::schema::migrate(&mut conn).unwrap();
        assert_running_counts_agree(&conn, Kind::Nps);
        assert_running_counts_agree(&conn, Kind::Csat);

        // The comparison above read the running counts: a change to them shows.
        conn.execute_batch("UPDATE report_slots SET s10 = s10 + 1 WHERE field = 'language'")
            .unwrap();
        let by_language = &every_shape(Kind::Nps)[10];
        assert_eq!(by_language.by, Some(Field::Language));
        assert_ne!(
            sorted(counts(&conn, by_language, Source::SlotsWherePossible).unwrap()),
            sorted(counts(&conn, by_language, Source::Answers).unwrap())
        );
    }

    #[test]
    fn running_counts_are_read_by_their_key() {
        let conn = database();
        let mut query = query(Vec::new(), None);
        query.from = at("2026-11-01T00:15:00Z");
        let mut statements = Vec::new();
        for field in ["", "user.properties.plan"] {
            let mut statement = Statement::default();
            let condition = slot_condition_sql(&query, field, None, &mut statement);
            let range = slot_range_sql(&query, &mut statement);
            statement.sql =
                format!("SELECT {SLOT_SUMS} FROM report_slots s WHERE {condition} AND {range}");
            statements.push(statement);
        }
        for statement in statements {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", statement.sql))
                .unwrap()
                .query_map(params_from_iter(&statement.params), |row| row.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("\n");
            assert!(
                plan.contains(
                    "PRIMARY KEY (survey=? AND kind=? AND field=? AND slot>? AND slot<?)"
                ),
                "{plan}"
            );
        }
        assert!(on_slots(&query));
        query.to += 1;
        assert!(!on_slots(&query));
    }
}
