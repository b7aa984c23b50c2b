//! [`UnsubscribeStore`] on SQLite.

use async_trait::async_trait;
use nps_widget::core::time::format_timestamp;
use rusqlite::named_params;

use super::SqliteStore;
use crate::storage::unsubscribes::{email_key, UnsubscribeStore};
use crate::storage::StorageError;

#[async_trait]
impl UnsubscribeStore for SqliteStore {
    async fn unsubscribe(
        &self,
        user_id: &str,
        email: Option<&str>,
        now: i64,
    ) -> Result<(), StorageError> {
        let (user_id, email) = (user_id.to_owned(), email_key(email));
        self.admin_write(move |tx| {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO unsubscribes (user_id, email, created_at)
                 VALUES (:user_id, :email, :now)",
            )?
            .execute(named_params! {
                ":user_id": user_id,
                ":email": email,
                ":now": format_timestamp(now),
            })?;
            Ok(())
        })
        .await
    }

    async fn is_unsubscribed(
        &self,
        user_id: &str,
        email: Option<&str>,
    ) -> Result<bool, StorageError> {
        let (user_id, email) = (user_id.to_owned(), email_key(email));
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM unsubscribes WHERE user_id = :user_id)
                     OR EXISTS (SELECT 1 FROM unsubscribes WHERE :email <> '' AND email = :email)",
            )?
            .query_row(
                named_params! { ":user_id": user_id, ":email": email },
                |row| row.get(0),
            )
        })
        .await
    }
}
