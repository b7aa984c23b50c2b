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

use super::SqliteStore;
use crate::storage::report::{Field, ReportCounts, ReportQuery, ReportStore, Tally};
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
    let column = match field {
        Field::UserId => "user_id",
        Field::AccountId => "account_id",
        Field::AccountName => "account_name",
        Field::Language => "language",
        Field::Trigger => "trigger_name",
        Field::Channel => "channel",
        Field::Category => "category",
        Field::UserProperty(name) => return property_sql("user_properties", name, statement),
        Field::AccountProperty(name) => return property_sql("account_properties", name, statement),
    };
    format!("r.{column}")
}

/// A property of a `properties` column as text: a string as is, a number or a boolean as
/// written in JSON (`12`, `1.5`, `true`), NULL when absent. The name is a bound parameter.
fn property_sql(column: &str, name: &str, statement: &mut Statement) -> String {
    let column = format!("r.{column}");
    let name = statement.bind(name.to_owned());
    let path = format!("('$.\"' || {name} || '\"')");
    format!(
        "(CASE json_type({column}, {path}) \
            WHEN 'text' THEN json_extract({column}, {path}) \
            WHEN 'null' THEN NULL \
            ELSE {column} -> {path} END)"
    )
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

/// Every count of `query`, in one read transaction (one snapshot of the data).
fn report_counts(conn: &Connection, query: &ReportQuery) -> rusqlite::Result<ReportCounts> {
    let snapshot = conn.unchecked_transaction()?;
    let statement = total_statement(query);
    let total = conn
        .prepare(&statement.sql)?
        .query_row(params_from_iter(&statement.params), |row| tally(row, 0))?;

    let statement = distribution_statement(query);
    let distribution = conn
        .prepare(&statement.sql)?
        .query_map(params_from_iter(&statement.params), |row| {
            Ok((row.get(0)?, row.get::<_, i64>(1)?.max(0) as u64))
        })?
        .collect::<rusqlite::Result<_>>()?;

    let statement = buckets_statement(query);
    let mut buckets = vec![Tally::default(); query.buckets.len()];
    let mut prepared = conn.prepare(&statement.sql)?;
    let mut rows = prepared.query(params_from_iter(&statement.params))?;
    while let Some(row) = rows.next()? {
        let index: i64 = row.get(0)?;
        if let Some(slot) = usize::try_from(index).ok().and_then(|i| buckets.get_mut(i)) {
            *slot = tally(row, 1)?;
        }
    }
    drop(rows);

    let segments = match &query.by {
        Some(by) => {
            let statement = segments_statement(query, by);
            let mut prepared = conn.prepare(&statement.sql)?;
            let rows = prepared.query_map(params_from_iter(&statement.params), |row| {
                Ok((row.get(0)?, tally(row, 1)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        }
        None => Vec::new(),
    };
    snapshot.finish()?;
    Ok(ReportCounts {
        total,
        distribution,
        buckets,
        segments,
    })
}
#[async_trait]
impl ReportStore for SqliteStore {
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
}
