//! The `webhook` format: Standard Webhooks (<https://www.standardwebhooks.com>), so that its
//! libraries verify what the collector sends. A hook's secret is `whsec_` and the base64 of 24
//! random bytes; each attempt is signed at the moment it is sent:
//! `webhook-signature: v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`,
//! the key being the bytes the secret's base64 stands for.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What every hook secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes in a secret (Standard Webhooks asks for 24 to 64).
const SECRET_BYTES: usize = 24;

/// A new secret: [`SECRET_PREFIX`] and the base64 of [`SECRET_BYTES`] random bytes from the
/// operating system. Fails only if it has no random source to offer.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut key = [0u8; SECRET_BYTES];
    getrandom::fill(&mut key)?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// A new message id, the `webhook-id` of every attempt of one delivery: `msg_` and 32 hex
/// digits.
pub fn new_message_id() -> String {
    format!("msg_{}", hex::encode(rand::random::<[u8; 16]>()))
}

/// The `webhook-signature` of `body` sent as message `id` at `timestamp` (Unix seconds);
/// `None` when `secret` is not a `whsec_` secret.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_standard_webhooks_reference() {
        // The test vector of the Standard Webhooks reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, id, 1614265330, body).as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(
            signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id, 0, body),
            None
        );
        assert_eq!(signature("whsec_not base64!", id, 0, body), None);
    }

    #[test]
    fn secrets_and_ids_are_fresh() {
        let secret = new_secret().unwrap();
        let key = STANDARD
            .decode(secret.strip_prefix(SECRET_PREFIX).unwrap())
            .unwrap();
        assert_eq!(key.len(), SECRET_BYTES);
        assert_ne!(secret, new_secret().unwrap());
        let id = new_message_id();
        assert_eq!(id.len(), 4 + 32);
        assert_ne!(id, new_message_id());
    }
}
