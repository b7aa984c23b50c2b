//! The report's running counts: how many answers of each survey and kind were shown in each
//! quarter hour (UTC), how many were declined and how many got each score, in total and per
//! value of the fields a report breaks down by or filters on (`language`, `trigger`,
//! `channel`, `category`, every user and account property).
//!
//! SQLite keeps them itself: triggers on `responses` add an answer's counts when it is stored,
//! move them when a later body changes what is counted, and take them away when it is deleted,
//! in the same transaction as the change, whichever code path made it. A report whose
//! boundaries fall on quarter hours (every range and bucket in a time zone whose offset is a
//! multiple of 15 minutes, which is every zone in use) then reads a few thousand rows per
//! year instead of every answer (see [`super::report`]).
//!
//! `user.id`, `account.id` and `account.name` have about as many values as answers, so counts
//! per value would save nothing: the report reads the answers for them.
//!
//! Counts that fall to zero (after a deletion or a move) stay until the next start, which
//! removes them; every read ignores them meanwhile.

use rusqlite::Transaction;

/// The width of a slot, in seconds.
pub const SLOT_SECONDS: i64 = 900;

/// The fields with counts per value, by their `PATH`, besides the properties. `''` is the row
/// of every answer (its value is `''` too).
const COLUMN_FIELDS: [(&str, &str); 5] = [
    ("", "''"),
    ("language", "language"),
    ("trigger", "trigger_name"),
    ("channel", "channel"),
    ("category", "category"),
];

/// The table: one row per survey, kind, field, slot and value. `slot` is the quarter hour's
/// start in seconds since the epoch; `s0`..`s10` count the responses per score.
const CREATE_TABLE: &str = "
CREATE TABLE report_slots (
    survey TEXT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    slot INTEGER NOT NULL,
    value TEXT NOT NULL,
    displays INTEGER NOT NULL,
    dismissals INTEGER NOT NULL,
    s0 INTEGER NOT NULL, s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL,
    s4 INTEGER NOT NULL, s5 INTEGER NOT NULL, s6 INTEGER NOT NULL, s7 INTEGER NOT NULL,
    s8 INTEGER NOT NULL, s9 INTEGER NOT NULL, s10 INTEGER NOT NULL,
    PRIMARY KEY (survey, kind, field, slot, value)
) WITHOUT ROWID;
";

/// The columns that decide an answer's counts: a trigger moves them only when one changes.
const COUNTED_COLUMNS: [&str; 12] = [
    "type",
    "kind",
    "survey",
    "score",
    "category",
    "preview",
    "effective_shown_at",
    "language",
    "trigger_name",
    "channel",
    "user_properties",
    "account_properties",
];

/// A property's value as text, as the report compares and groups it: a string as is, a
/// number or a boolean as written in JSON (`12`, `1.5`, `true`), NULL when absent or `null`.
/// `column` is the SQL of the JSON object, `name` the SQL of the property's name. The
/// report's reads use the same expression, so that both agree on every value.
pub fn property_text_sql(column: &str, name: &str) -> String {
    let path = format!("('$.\"' || {name} || '\"')");
    format!(
        "(CASE json_type({column}, {path}) \
            WHEN 'text' THEN json_extract({column}, {path}) \
            WHEN 'null' THEN NULL \
            ELSE {column} -> {path} END)"
    )
}

/// The slot of the row `row` (its effective shown time's quarter hour, floored also before
/// 1970).
fn slot_sql(row: &str) -> String {
    let seconds = format!("unixepoch({row}.effective_shown_at)");
    format!("({seconds} - (({seconds} % {SLOT_SECONDS}) + {SLOT_SECONDS}) % {SLOT_SECONDS})")
}

/// The three sources of the (field, value) pairs the row `row` is counted under: as a `FROM`
/// item (joined after `row`'s own table, if any) with the field's and the value's SQL.
fn sources(row: &str) -> [(String, String, String); 3] {
    let fields = COLUMN_FIELDS
        .iter()
        .map(|(field, _)| format!("\"{field}\""))
        .collect::<Vec<_>>()
        .join(",");
    let value = COLUMN_FIELDS
        .iter()
        .map(|(field, column)| {
            let column = if column.starts_with('\'') {
                (*column).to_owned()
            } else {
                format!("{row}.{column}")
            };
            format!("WHEN '{field}' THEN {column}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let properties = |owner: &str, column: &str| {
        let column = format!("{row}.{column}");
        (
            // Only an object (the collector stores nothing else; a malformed value must not
            // make the write fail).
            format!(
                "json_each(CASE WHEN json_valid({column}) THEN \
                     CASE WHEN json_type({column}) = 'object' THEN {column} END END) p"
            ),
            format!("'{owner}.properties.' || p.key"),
            // A name with `"` or `\` cannot be looked up (see `Field::parse`): not counted.
            format!(
                "(CASE WHEN instr(p.key, '\"') = 0 AND instr(p.key, '\\') = 0 THEN {} END)",
                property_text_sql(&column, "p.key")
            ),
        )
    };
    [
        (
            format!("json_each('[{fields}]') f"),
            "f.value".to_owned(),
            format!("(CASE f.value {value} END)"),
        ),
        properties("user", "user_properties"),
        properties("account", "account_properties"),
    ]
}

/// Statements that add (`sign` 1) or take away (`sign` -1) the counts of the rows of
/// `table`, aliased `row`; or, with no table (in a trigger, where `row` is `NEW` or `OLD`),
/// of that one row, without the cost of grouping.
fn count_statements(row: &str, table: &str, sign: i64) -> Vec<String> {
    let count = |condition: &str| {
        if table.is_empty() {
            format!("{sign} * ({condition})")
        } else {
            format!("{sign} * sum({condition})")
        }
    };
    let displays = count("1");
    let dismissals = count(&format!("{row}.type = 'decline'"));
    let scores = (0..=10)
        .map(|score| format!(", {}", count(&format!("{row}.score IS {score}"))))
        .collect::<String>();
    let score_columns = (0..=10).map(|s| format!(", s{s}")).collect::<String>();
    let score_updates = (0..=10)
        .map(|s| format!(", s{s} = s{s} + excluded.s{s}"))
        .collect::<String>();
    let slot = slot_sql(row);
    sources(row)
        .into_iter()
        .map(|(source, field, value)| {
            let (from, group) = if table.is_empty() {
                (source, "")
            } else {
                (format!("{table} {row}, {source}"), "GROUP BY 1, 2, 3, 4, 5")
            };
            format!(
                "INSERT INTO report_slots
                     (survey, kind, field, slot, value, displays, dismissals{score_columns})
                 SELECT {row}.survey, {row}.kind, {field}, {slot}, {value},
                     {displays}, {dismissals}{scores}
                 FROM {from}
                 WHERE {row}.preview = 0 AND {row}.effective_shown_at <> '' AND {value} IS NOT NULL
                 {group}
                 ON CONFLICT (survey, kind, field, slot, value) DO UPDATE SET
                     displays = displays + excluded.displays,
                     dismissals = dismissals + excluded.dismissals{score_updates};"
            )
        })
        .collect()
}

/// Creates the table and its triggers, and counts the answers already stored.
pub fn create(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(CREATE_TABLE)?;
    let changed = COUNTED_COLUMNS
        .iter()
        .map(|column| format!("OLD.{column} IS NOT NEW.{column}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let add = count_statements("NEW", "", 1).join("\n");
    let remove = count_statements("OLD", "", -1).join("\n");
    tx.execute_batch(&format!(
        "CREATE TRIGGER report_slots_insert AFTER INSERT ON responses BEGIN
             {add}
         END;
         CREATE TRIGGER report_slots_delete AFTER DELETE ON responses BEGIN
             {remove}
         END;
         CREATE TRIGGER report_slots_update AFTER UPDATE ON responses WHEN {changed} BEGIN
             {remove}
             {add}
         END;"
    ))?;
    for statement in count_statements("r", "responses", 1) {
        tx.execute_batch(&statement)?;
    }
    Ok(())
}

/// Removes the counts that fell to zero.
pub fn remove_empty(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM report_slots WHERE displays = 0", [])?;
    Ok(())
}
