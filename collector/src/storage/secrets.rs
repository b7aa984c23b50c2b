//! Secrets the collector makes for itself and keeps in its database (the key that signs survey
//! links), so that every collector on the database uses the same one without configuration.

use async_trait::async_trait;

use crate::storage::StorageError;

/// The collector's own secrets, by name.
#[async_trait]
pub trait SecretStore: Send + Sync {
    /// The secret named `name`: the one stored, or, the first time it is asked for (by any
    /// collector on the database), `candidate`, stored at `now` (epoch ms). Every caller gets
    /// the same value ever after.
    async fn secret(&self, name: &str, candidate: String, now: i64)
        -> Result<String, StorageError>;
}
