//! [`TokenStore`] on SQLite. Reads run on the reading connection; the few writes (a token
//! created or revoked, a login, a logout, a last use at most once a minute) run on a connection
//! of their own, outside the answers' writer thread, each in its own short transaction.

use async_trait::async_trait;
use nps_widget::core::time::{format_timestamp, parse_timestamp};
use rusqlite::{named_params, Connection, OptionalExtension, Row};

use super::SqliteStore;
use crate::storage::{StorageError, TokenInfo, TokenStore};

/// A row of `admin_tokens` (its `name`, `created_at` and `last_used_at`).
fn token_info(row: &Row) -> rusqlite::Result<TokenInfo> {
    let created_at: String = row.get("created_at")?;
    let last_used_at: Option<String> = row.get("last_used_at")?;
    Ok(TokenInfo {
        name: row.get("name")?,
        created_at: parse_timestamp(&created_at).unwrap_or(0),
        last_used_at: last_used_at.as_deref().and_then(parse_timestamp),
    })
}

fn delete_sessions_of(conn: &Connection, name: &str) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM admin_sessions WHERE token_name = :name")?
        .execute(named_params! { ":name": name })
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn create_token(
        &self,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<bool, StorageError> {
        let (name, token_hash) = (name.to_owned(), token_hash.to_owned());
        self.admin_write(move |tx| {
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO admin_tokens (name, token_hash, created_at)
                     VALUES (:name, :token_hash, :created_at)
                     ON CONFLICT (name) DO NOTHING",
                )?
                .execute(named_params! {
                    ":name": name,
                    ":token_hash": token_hash,
                    ":created_at": format_timestamp(now),
                })?;
            Ok(inserted == 1)
        })
        .await
    }

    async fn put_token(&self, name: &str, token_hash: &str, now: i64) -> Result<(), StorageError> {
        let (name, token_hash) = (name.to_owned(), token_hash.to_owned());
        self.admin_write(move |tx| {
            let stored: Option<String> = tx
                .prepare_cached("SELECT token_hash FROM admin_tokens WHERE name = :name")?
                .query_row(named_params! { ":name": name }, |row| row.get(0))
                .optional()?;
            if stored.as_deref() == Some(token_hash.as_str()) {
                return Ok(());
            }
            // Sessions opened with the token replaced end with it.
            delete_sessions_of(tx, &name)?;
            tx.prepare_cached(
                "INSERT INTO admin_tokens (name, token_hash, created_at)
                 VALUES (:name, :token_hash, :created_at)
                 ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash,
                     created_at = excluded.created_at, last_used_at = NULL",
            )?
            .execute(named_params! {
                ":name": name,
                ":token_hash": token_hash,
                ":created_at": format_timestamp(now),
            })?;
            Ok(())
        })
        .await
    }

    async fn tokens(&self) -> Result<Vec<TokenInfo>, StorageError> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT name, created_at, last_used_at FROM admin_tokens ORDER BY name",
            )?;
            let rows = statement.query_map([], token_info)?;
            rows.collect()
        })
        .await
    }

    async fn revoke_token(&self, name: &str) -> Result<bool, StorageError> {
        let name = name.to_owned();
        self.admin_write(move |tx| {
            delete_sessions_of(tx, &name)?;
            let deleted = tx
                .prepare_cached("DELETE FROM admin_tokens WHERE name = :name")?
                .execute(named_params! { ":name": name })?;
            Ok(deleted == 1)
        })
        .await
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StorageError> {
        let token_hash = token_hash.to_owned();
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT name, created_at, last_used_at FROM admin_tokens
                 WHERE token_hash = :token_hash",
            )?
            .query_row(named_params! { ":token_hash": token_hash }, token_info)
            .optional()
        })
        .await
    }

    async fn touch_token(&self, name: &str, now: i64) -> Result<(), StorageError> {
        let name = name.to_owned();
        self.admin_write(move |tx| {
            tx.prepare_cached("UPDATE admin_tokens SET last_used_at = :now WHERE name = :name")?
                .execute(named_params! { ":now": format_timestamp(now), ":name": name })?;
            Ok(())
        })
        .await
    }

    async fn create_session(
        &self,
        session_hash: &str,
        token_name: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StorageError> {
        let (session_hash, token_name) = (session_hash.to_owned(), token_name.to_owned());
        self.admin_write(move |tx| {
            tx.prepare_cached("DELETE FROM admin_sessions WHERE expires_at <= :now")?
                .execute(named_params! { ":now": format_timestamp(now) })?;
            tx.prepare_cached(
                "INSERT INTO admin_sessions (session_hash, token_name, created_at, expires_at)
                 VALUES (:session_hash, :token_name, :created_at, :expires_at)",
            )?
            .execute(named_params! {
                ":session_hash": session_hash,
                ":token_name": token_name,
                ":created_at": format_timestamp(now),
                ":expires_at": format_timestamp(expires_at),
            })?;
            Ok(())
        })
        .await
    }

    async fn session_token(
        &self,
        session_hash: &str,
        now: i64,
    ) -> Result<Option<TokenInfo>, StorageError> {
        let session_hash = session_hash.to_owned();
        self.read(move |conn| {
            // Both times are written by `format_timestamp` (fixed width, UTC), so text order is
            // time order.
            conn.prepare_cached(
                "SELECT t.name, t.created_at, t.last_used_at
                 FROM admin_sessions s JOIN admin_tokens t ON t.name = s.token_name
                 WHERE s.session_hash = :session_hash AND s.expires_at > :now",
            )?
            .query_row(
                named_params! {
                    ":session_hash": session_hash,
                    ":now": format_timestamp(now),
                },
                token_info,
            )
            .optional()
        })
        .await
    }

    async fn delete_session(&self, session_hash: &str) -> Result<(), StorageError> {
        let session_hash = session_hash.to_owned();
        self.admin_write(move |tx| {
            tx.prepare_cached("DELETE FROM admin_sessions WHERE session_hash = :session_hash")?
                .execute(named_params! { ":session_hash": session_hash })?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
            }
        }
    }

    fn open(tag: &str) -> (SqliteStore, TempDb) {
        let path = std::env::temp_dir().join(format!(
            "nps-collector-tokens-{tag}-{}.sqlite3",
            std::process::id()
        ));
        (SqliteStore::open(&path).unwrap(), TempDb(path))
    }

    #[tokio::test]
    async fn a_read_only_store_refuses_writes() {
        let (store, db) = open("read-only");
        drop(store);
        let read_only = SqliteStore::open_read_only(&db.0).unwrap();
        assert!(read_only.create_token("Ada", "h", 0).await.is_err());
        assert_eq!(read_only.tokens().await.unwrap(), []);
    }
}
