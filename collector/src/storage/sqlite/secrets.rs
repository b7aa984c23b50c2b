//! [`SecretStore`] on SQLite.

use async_trait::async_trait;
use nps_widget::core::time::format_timestamp;
use rusqlite::named_params;

use super::SqliteStore;
use crate::storage::secrets::SecretStore;
use crate::storage::StorageError;

#[async_trait]
impl SecretStore for SqliteStore {
    async fn secret(
        &self,
        name: &str,
        candidate: String,
        now: i64,
    ) -> Result<String, StorageError> {
        let name = name.to_owned();
        self.admin_write(move |tx| {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO collector_secrets (name, value, created_at)
                 VALUES (:name, :value, :now)",
            )?
            .execute(named_params! {
                ":name": name,
                ":value": candidate,
                ":now": format_timestamp(now),
            })?;
            tx.prepare_cached("SELECT value FROM collector_secrets WHERE name = :name")?
                .query_row(named_params! { ":name": name }, |row| row.get(0))
        })
        .await
    }
}
