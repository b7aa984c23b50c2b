//! [`SecretStore`] on PostgreSQL: the first collector to ask stores its candidate, every other
//! reads it (`ON CONFLICT DO NOTHING`, then one read).

use async_trait::async_trait;
use nps_widget::core::time::format_timestamp;

use super::PgStore;
use crate::storage::secrets::SecretStore;
use crate::storage::StorageError;

#[async_trait]
impl SecretStore for PgStore {
    async fn secret(
        &self,
        name: &str,
        candidate: String,
        now: i64,
    ) -> Result<String, StorageError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO collector_secrets (name, value, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO NOTHING",
                &[&name, &candidate, &format_timestamp(now)],
            )
            .await?;
        Ok(client
            .query_one(
                "SELECT value FROM collector_secrets WHERE name = $1",
                &[&name],
            )
            .await?
            .get(0))
    }
}
