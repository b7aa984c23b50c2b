//! Sample answers in PostgreSQL (see `crate::seed`): written in transactions of [`CHUNK`]
//! answers, in time order, and removed by their mark.

use async_trait::async_trait;

use super::{insert, PgStore};
use crate::seed::SampleAnswer;
use crate::storage::{SampleStore, StorageError};

/// Answers per transaction.
const CHUNK: usize = 10_000;

#[async_trait]
impl SampleStore for PgStore {
    async fn insert_samples(&self, mut samples: Vec<SampleAnswer>) -> Result<usize, StorageError> {
        samples.sort_by_key(|sample| sample.received_at);
        let mut client = self.client().await?;
        let mut stored = 0;
        for chunk in samples.chunks(CHUNK) {
            let transaction = client.transaction().await?;
            for sample in chunk {
                // A sample whose id is taken (never, with random ids) is not counted.
                if insert(&transaction, &sample.answer, None, sample.received_at, true).await? {
                    stored += 1;
                }
            }
            transaction.commit().await?;
        }
        Ok(stored)
    }

    async fn remove_samples(&self) -> Result<usize, StorageError> {
        let client = self.client().await?;
        let deleted = client
            .execute("DELETE FROM responses WHERE sample", &[])
            .await?;
        Ok(deleted as usize)
    }
}
