//! Admin tokens and dashboard sessions, as the store keeps them: only the SHA-256 of a token or
//! of a session id is ever stored, so a copy of the database lets no one in.

use async_trait::async_trait;

use crate::storage::StorageError;

/// A named admin token as listed: never its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    /// The token's name (one per person: `Ada`).
    pub name: String,
    /// When it was created (or, for `NPS_ADMIN_TOKEN`, last replaced), epoch ms.
    pub created_at: i64,
    /// When it last let someone in, epoch ms; `None` if never.
    pub last_used_at: Option<i64>,
}

/// Named admin tokens and the dashboard sessions opened with them. Times are epoch ms.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Stores a new token under `name`; `false` (nothing changed) if the name is taken.
    async fn create_token(
        &self,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<bool, StorageError>;

    /// Stores the token under `name`, replacing the one of that name if its hash differs (its
    /// sessions end then, and it counts as created `now`); the same hash changes nothing.
    async fn put_token(&self, name: &str, token_hash: &str, now: i64) -> Result<(), StorageError>;

    /// Every token, by name.
    async fn tokens(&self) -> Result<Vec<TokenInfo>, StorageError>;

    /// Deletes the token `name` and its sessions; `false` if there was none.
    async fn revoke_token(&self, name: &str) -> Result<bool, StorageError>;

    /// The token whose hash is `token_hash`, if any.
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenInfo>, StorageError>;

    /// Records that the token `name` was used at `now`.
    async fn touch_token(&self, name: &str, now: i64) -> Result<(), StorageError>;

    /// Opens a session for the token `name` until `expires_at`; expired sessions are deleted
    /// on the way.
    async fn create_session(
        &self,
        session_hash: &str,
        token_name: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StorageError>;

    /// The token of the session whose hash is `session_hash`, if the session has not expired
    /// at `now` and its token still exists.
    async fn session_token(
        &self,
        session_hash: &str,
        now: i64,
    ) -> Result<Option<TokenInfo>, StorageError>;

    /// Ends the session whose hash is `session_hash` (nothing if there is none).
    async fn delete_session(&self, session_hash: &str) -> Result<(), StorageError>;
}
