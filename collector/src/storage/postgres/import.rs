//! Copying a SQLite database into an empty PostgreSQL one (`nps-collector migrate`): every
//! table a collector keeps (its own secrets too, so that links signed before still work), row
//! for row, with the same ids, in one transaction, so that the PostgreSQL database either holds
//! everything or nothing. The report's running counts of SQLite are not copied: PostgreSQL
//! counts from the answers themselves.
//!
//! Rows are read in chunks by `rowid` and streamed with `COPY … FROM STDIN (FORMAT binary)`;
//! each value is converted to its PostgreSQL column's type (SQLite keeps booleans as integers
//! and JSON as text), without NUL characters, which PostgreSQL stores in no text (an older
//! collector kept them). Every table is read in one read transaction of the SQLite file.
//! Reading it blocks the thread between writes: this runs in a command of its own, with
//! nothing else on its runtime.

use std::path::Path;

use futures_util::pin_mut;
use rusqlite::types::Value as SqliteValue;
use rusqlite::{Connection, OpenFlags};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::PgStore;
use crate::storage::StorageError;

/// The tables copied, parents first (sessions name tokens, deliveries name hooks).
const TABLES: [&str; 7] = [
    "collector_secrets",
    "unsubscribes",
    "admin_tokens",
    "admin_sessions",
    "responses",
    "hooks",
    "hook_deliveries",
];

/// Rows read from SQLite at a time.
const CHUNK: i64 = 5_000;

/// How many rows of each table were copied, in [`TABLES`]' order.
pub type Copied = Vec<(&'static str, u64)>;

/// A SQLite value as the PostgreSQL type `ty` takes it.
fn convert(
    value: SqliteValue,
    ty: &Type,
    column: &str,
) -> Result<Box<dyn ToSql + Sync + Send>, String> {
    let wrong = |value: &SqliteValue| format!("{column}: {value:?} is not a {ty}");
    Ok(match (value, ty) {
        (SqliteValue::Null, &Type::BOOL) => Box::new(None::<bool>),
        (SqliteValue::Null, &Type::INT2) => Box::new(None::<i16>),
        (SqliteValue::Null, &Type::INT4) => Box::new(None::<i32>),
        (SqliteValue::Null, &Type::INT8) => Box::new(None::<i64>),
        (SqliteValue::Null, &Type::TEXT) => Box::new(None::<String>),
        (SqliteValue::Null, &Type::JSONB) => Box::new(None::<serde_json::Value>),
        (SqliteValue::Integer(n), &Type::BOOL) => Box::new(n != 0),
        (SqliteValue::Integer(n), &Type::INT2) => {
            Box::new(i16::try_from(n).map_err(|_| wrong(&SqliteValue::Integer(n)))?)
        }
        (SqliteValue::Integer(n), &Type::INT4) => {
            Box::new(i32::try_from(n).map_err(|_| wrong(&SqliteValue::Integer(n)))?)
        }
        (SqliteValue::Integer(n), &Type::INT8) => Box::new(n),
        (SqliteValue::Text(text), &Type::TEXT) => Box::new(text.replace('\0', "")),
        (SqliteValue::Text(text), &Type::JSONB) => {
            let mut json = serde_json::from_str::<serde_json::Value>(&text)
                .map_err(|error| format!("{column}: not JSON ({error})"))?;
            strip_nul(&mut json);
            Box::new(json)
        }
        (value, _) => return Err(wrong(&value)),
    })
}

/// Drops the NUL characters of every string and key in `json`. An older collector stored them
/// as it got them; PostgreSQL stores no text with one (a collector now drops them from free
/// text and refuses them in identifiers: see `crate::validate`).
fn strip_nul(json: &mut serde_json::Value) {
    match json {
        serde_json::Value::String(text) if text.contains('\0') => *text = text.replace('\0', ""),
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_nul),
        serde_json::Value::Object(map) if map.keys().any(|key| key.contains('\0')) => {
            *map = std::mem::take(map)
                .into_iter()
                .map(|(key, mut value)| {
                    strip_nul(&mut value);
                    (key.replace('\0', ""), value)
                })
                .collect();
        }
        serde_json::Value::Object(map) => map.values_mut().for_each(strip_nul),
        _ => {}
    }
}

impl PgStore {
    /// Copies every table of the SQLite database at `path` (at this build's schema: open it
    /// once with the collector to migrate it, which also moves the hooks' queue into the
    /// delivery table; the queue itself is not copied) into this database, which must hold no answers,
    /// hooks or tokens yet. Returns how many rows each table had.
    pub async fn import_sqlite(&self, path: &Path) -> Result<Copied, StorageError> {
        let source = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StorageError::new(format!("cannot open {}: {e}", path.display())))?;
        let read_error =
            |e: rusqlite::Error| StorageError::new(format!("cannot read {}: {e}", path.display()));
        // Every table is read from one snapshot of the file.
        source.execute_batch("BEGIN").map_err(read_error)?;
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        for table in TABLES {
            let rows: i64 = transaction
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await?
                .get(0);
            if rows > 0 {
                return Err(StorageError::new(format!(
                    "the PostgreSQL database already has rows in {table}: copy into an empty one"
                )));
            }
        }
        let mut copied = Vec::new();
        for table in TABLES {
            // The target's columns that the source has too (a claim on a hook is
            // PostgreSQL's alone), with their types.
            let target = transaction
                .prepare(&format!("SELECT * FROM {table} LIMIT 0"))
                .await?;
            let source_columns: Vec<String> = source
                .prepare(&format!("SELECT * FROM {table} LIMIT 0"))
                .map_err(read_error)?
                .column_names()
                .map(str::to_owned)
                .collect();
            let (names, types): (Vec<&str>, Vec<Type>) = target
                .columns()
                .iter()
                .filter(|column| source_columns.iter().any(|name| name == column.name()))
                .map(|column| (column.name(), column.type_().clone()))
                .unzip();
            let list = names.join(", ");
            let sink = transaction
                .copy_in(&format!("COPY {table} ({list}) FROM STDIN (FORMAT binary)"))
                .await?;
            let writer = BinaryCopyInWriter::new(sink, &types);
            pin_mut!(writer);
            let mut statement = source
                .prepare(&format!(
                    "SELECT rowid, {list} FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2"
                ))
                .map_err(read_error)?;
            let (mut after, mut count) = (i64::MIN, 0u64);
            loop {
                let chunk: Vec<(i64, Vec<SqliteValue>)> = statement
                    .query_map(rusqlite::params![after, CHUNK], |row| {
                        let values = (1..=names.len())
                            .map(|i| row.get::<_, SqliteValue>(i))
                            .collect::<rusqlite::Result<_>>()?;
                        Ok((row.get(0)?, values))
                    })
                    .map_err(read_error)?
                    .collect::<rusqlite::Result<_>>()
                    .map_err(read_error)?;
                let Some(&(last, _)) = chunk.last() else {
                    break;
                };
                after = last;
                for (_, values) in chunk {
                    let values = values
                        .into_iter()
                        .zip(names.iter().zip(&types))
                        .map(|(value, (name, ty))| convert(value, ty, &format!("{table}.{name}")))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(StorageError::new)?;
                    let row: Vec<&(dyn ToSql + Sync)> = values
                        .iter()
                        .map(|value| value.as_ref() as &(dyn ToSql + Sync))
                        .collect();
                    writer.as_mut().write(&row).await?;
                    count += 1;
                }
            }
            writer.finish().await?;
            copied.push((table, count));
        }
        // New hooks and deliveries are numbered after the copied ones.
        for table in ["hooks", "hook_deliveries"] {
            transaction
                .execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                         COALESCE(max(id), 0) + 1, false) FROM {table}"
                    ),
                    &[],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(copied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_characters_leave_every_string_and_key() {
        let mut value =
            json!({ "pl\u{0}an": "p\u{0}ro", "n": 1, "list": ["a\u{0}", { "k\u{0}": "\u{0}" }] });
        strip_nul(&mut value);
        assert_eq!(
            value,
            json!({ "plan": "pro", "n": 1, "list": ["a", { "k": "" }] })
        );
        let text = convert(
            SqliteValue::Text("slow\u{0} exports".into()),
            &Type::TEXT,
            "c",
        )
        .unwrap();
        assert_eq!(format!("{text:?}"), "\"slow exports\"");
        assert!(convert(SqliteValue::Integer(1 << 40), &Type::INT4, "c").is_err());
        assert!(convert(SqliteValue::Text("{".into()), &Type::JSONB, "c").is_err());
    }
}
