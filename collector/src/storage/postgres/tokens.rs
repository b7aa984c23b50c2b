//! Admin tokens and dashboard sessions in PostgreSQL (see `crate::storage::tokens`): only
//! hashes are stored. A token's sessions go with it (`ON DELETE CASCADE`), and replacing a
//! token under its name ends them in the same transaction.

use async_trait::async_trait;
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use tokio_postgres::Row;

use super::PgStore;
use crate::storage::{StorageError, TokenInfo, TokenStore};

fn token_info(row: &Row) -> TokenInfo {
    let created_at: String = row.get("created_at");
    let last_used_at: Option<String> = row.get("last_used_at");
    TokenInfo {
        name: row.get("name"),
        created_at: parse_timestamp(&created_at).unwrap_or(0),
        last_used_at: last_used_at.as_deref().and_then(parse_timestamp),
    }
}

#[async_trait]
impl TokenStore for PgStore {
    async fn create_token(
        &self,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<bool, StorageError> {
        let client = self.client().await?;
        let inserted = client
            .execute(
                "INSERT INTO admin_tokens (name, token_hash, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO NOTHING",
                &[&name, &token_hash, &format_timestamp(now)],
            )
            .await?;
        Ok(inserted == 1)
    }

    async fn put_token(&self, name: &str, token_hash: &str, now: i64) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        let stored: Option<String> = transaction
            .query_opt(
                "SELECT token_hash FROM admin_tokens WHERE name = $1 FOR UPDATE",
                &[&name],
            )
            .await?
            .map(|row| row.get(0));
        if stored.as_deref() == Some(token_hash) {
            return Ok(());
        }
        transaction
            .execute("DELETE FROM admin_sessions WHERE token_name = $1", &[&name])
            .await?;
        transaction
            .execute(
                "INSERT INTO admin_tokens (name, token_hash, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash,
                     created_at = excluded.created_at, last_used_at = NULL",
                &[&name, &token_hash, &format_timestamp(now)],
            )
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>, StorageError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT name, created_at, last_used_at FROM admin_tokens ORDER BY name",
                &[],
            )
            .await?;
        Ok(rows.iter().map(token_info).collect())
    }

    async fn revoke_token(&self, name: &str) -> Result<bool, StorageError> {
        let client = self.client().await?;
        let deleted = client
            .execute("DELETE FROM admin_tokens WHERE name = $1", &[&name])
            .await?;
        Ok(deleted == 1)
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StorageError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT name, created_at, last_used_at FROM admin_tokens WHERE token_hash = $1",
                &[&token_hash],
            )
            .await?;
        Ok(row.as_ref().map(token_info))
    }

    async fn touch_token(&self, name: &str, now: i64) -> Result<(), StorageError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE admin_tokens SET last_used_at = $1 WHERE name = $2",
                &[&format_timestamp(now), &name],
            )
            .await?;
        Ok(())
    }

    async fn create_session(
        &self,
        session_hash: &str,
        token_name: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        let now = format_timestamp(now);
        transaction
            .execute("DELETE FROM admin_sessions WHERE expires_at <= $1", &[&now])
            .await?;
        transaction
            .execute(
                "INSERT INTO admin_sessions (session_hash, token_name, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
                &[
                    &session_hash,
                    &token_name,
                    &now,
                    &format_timestamp(expires_at),
                ],
            )
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn session_token(
        &self,
        session_hash: &str,
        now: i64,
    ) -> Result<Option<TokenInfo>, StorageError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT t.name, t.created_at, t.last_used_at
                 FROM admin_sessions s JOIN admin_tokens t ON t.name = s.token_name
                 WHERE s.session_hash = $1 AND s.expires_at > $2",
                &[&session_hash, &format_timestamp(now)],
            )
            .await?;
        Ok(row.as_ref().map(token_info))
    }

    async fn delete_session(&self, session_hash: &str) -> Result<(), StorageError> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM admin_sessions WHERE session_hash = $1",
                &[&session_hash],
            )
            .await?;
        Ok(())
    }
}
