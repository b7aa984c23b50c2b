//! The secrets of admin access: tokens (`npsa_` and 64 hex digits, 256 random bits) and session
//! ids (64 hex digits), made from the operating system's random source, and kept only as their
//! SHA-256 (hex). With 256 random bits a plain hash cannot be reversed by guessing, so no salt
//! or slow hash is needed, and a lookup by hash finds the row.

use sha2::{Digest, Sha256};

/// What every token made by the collector starts with, so that a leaked one is recognisable
/// (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "npsa_";

/// Random bytes in a token or a session id.
const RANDOM_BYTES: usize = 32;

/// Fewest bytes in a token the collector accepts from outside (`NPS_ADMIN_TOKEN`): a short one
/// could be guessed.
pub const MIN_TOKEN_BYTES: usize = 16;

/// Most bytes in a presented token or session id; longer ones are refused without hashing.
pub const MAX_SECRET_BYTES: usize = 256;

fn random_hex() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; RANDOM_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// A new admin token: [`TOKEN_PREFIX`] and 32 random bytes in hex. Fails only if the operating
/// system has no random source to offer.
pub fn new_token() -> Result<String, getrandom::Error> {
    Ok(format!("{TOKEN_PREFIX}{}", random_hex()?))
}

/// A new dashboard session id: 32 random bytes in hex.
pub fn new_session_id() -> Result<String, getrandom::Error> {
    random_hex()
}

/// What the store keeps of a token or a session id: its SHA-256, lowercase hex.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_hex_of_32_random_bytes_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        let digits = a.strip_prefix(TOKEN_PREFIX).unwrap();
        assert_eq!(digits.len(), 64);
        assert!(digits
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        let session = new_session_id().unwrap();
        assert_eq!(session.len(), 64);
        assert_ne!(session, new_session_id().unwrap());
    }

    #[test]
    fn the_hash_is_sha256_hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = new_token().unwrap();
        assert_eq!(hash(&token), hash(&token));
        assert_ne!(hash(&token), hash(&new_token().unwrap()));
        assert!(!hash(&token).contains(&token[TOKEN_PREFIX.len()..]));
    }
}
