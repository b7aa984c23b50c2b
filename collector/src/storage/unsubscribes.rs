//! The people who asked for no more survey emails: by user id and by email address, so that
//! neither a new address for the same user nor the same address under another id is emailed
//! again.

use async_trait::async_trait;

use crate::storage::StorageError;

/// Unsubscribes from survey emails.
#[async_trait]
pub trait UnsubscribeStore: Send + Sync {
    /// Records that the user `user_id` (with `email`, when known) wants no more survey emails,
    /// at `now` (epoch ms). Recording it again changes nothing.
    async fn unsubscribe(
        &self,
        user_id: &str,
        email: Option<&str>,
        now: i64,
    ) -> Result<(), StorageError>;

    /// Whether `user_id`, or `email` (whatever its case), has unsubscribed.
    async fn is_unsubscribed(
        &self,
        user_id: &str,
        email: Option<&str>,
    ) -> Result<bool, StorageError>;
}

/// How an address is kept and compared: trimmed and lower-cased (the empty text when there is
/// none), so that `Ada@Example.com` and `ada@example.com` are one address.
pub(crate) fn email_key(email: Option<&str>) -> String {
    email.map(|e| e.trim().to_lowercase()).unwrap_or_default()
}
