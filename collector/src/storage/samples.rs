//! Sample answers (see `crate::seed`): stored with a mark of their own, so that they can be
//! told apart from real answers and removed together.

use async_trait::async_trait;

use super::StorageError;
use crate::seed::SampleAnswer;

/// Writes and removes sample answers.
#[async_trait]
pub trait SampleStore: Send + Sync {
    /// Stores `samples` as new answers marked `sample`; returns how many were stored.
    async fn insert_samples(&self, samples: Vec<SampleAnswer>) -> Result<usize, StorageError>;

    /// Deletes every answer marked `sample`, and nothing else; returns how many.
    async fn remove_samples(&self) -> Result<usize, StorageError>;
}
