//! [`UnsubscribeStore`] on PostgreSQL.

use async_trait::async_trait;
use nps_widget::core::time::format_timestamp;

use super::PgStore;
use crate::storage::unsubscribes::{email_key, UnsubscribeStore};
use crate::storage::StorageError;

#[async_trait]
impl UnsubscribeStore for PgStore {
    async fn unsubscribe(
        &self,
        user_id: &str,
        email: Option<&str>,
        now: i64,
    ) -> Result<(), StorageError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO unsubscribes (user_id, email, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id, email) DO NOTHING",
                &[&user_id, &email_key(email), &format_timestamp(now)],
            )
            .await?;
        Ok(())
    }

    async fn is_unsubscribed(
        &self,
        user_id: &str,
        email: Option<&str>,
    ) -> Result<bool, StorageError> {
        Ok(self
            .client()
            .await?
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM unsubscribes WHERE user_id = $1)
                     OR EXISTS (SELECT 1 FROM unsubscribes WHERE $2 <> '' AND email = $2)",
                &[&user_id, &email_key(email)],
            )
            .await?
            .get(0))
    }
}
