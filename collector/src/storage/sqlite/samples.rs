//! [`SampleStore`] for SQLite. Samples are written on a connection of their own, in
//! transactions of [`CHUNK`] answers, so that a large seed never holds the write lock for long
//! while a collector serves the same file (its writer waits at most a chunk's time).

use async_trait::async_trait;
use rusqlite::Connection;

use super::{open_connection, writer, SqliteStore};
use crate::seed::SampleAnswer;
use crate::storage::{SampleStore, StorageError};

/// Answers per transaction.
const CHUNK: usize = 10_000;

#[async_trait]
impl SampleStore for SqliteStore {
    async fn insert_samples(&self, mut samples: Vec<SampleAnswer>) -> Result<usize, StorageError> {
        let path = self.path.clone();
        // In time order, as live answers arrive: each transaction then moves the running
        // counts of a few days (see `report_slots`), not of the whole year.
        samples.sort_by_key(|sample| sample.received_at);
        blocking(move || {
            let mut conn = open_connection(&path)?;
            // A large seed moves running counts across the whole year: a cache that holds them
            // makes it about a third faster. (Not for the writer: there a large cache slows
            // every commit down.)
            conn.pragma_update(None, "cache_size", -65536)?;
            for chunk in samples.chunks(CHUNK) {
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                for sample in chunk {
                    writer::insert(&tx, &sample.answer, None, sample.received_at, true)?;
                }
                tx.commit()?;
            }
            Ok(samples.len())
        })
        .await
    }

    async fn remove_samples(&self) -> Result<usize, StorageError> {
        let path = self.path.clone();
        blocking(move || {
            let conn: Connection = open_connection(&path)?;
            conn.execute("DELETE FROM responses WHERE sample = 1", [])
        })
        .await
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> rusqlite::Result<T> + Send + 'static,
) -> Result<T, StorageError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StorageError::new(error.to_string()))?
        .map_err(StorageError::from)
}
