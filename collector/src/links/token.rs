//! The token of a survey link: who it asks, about which survey, in which language, until when,
//! signed by the collector so that no one can make or change one.
//!
//! A token is `PAYLOAD.SIGNATURE`, both base64url without padding: the payload is a small JSON
//! object (`s` survey, `u` user id, `e` email, `l` language, `x` expiry in Unix seconds) and the
//! signature its HMAC-SHA256 under the collector's link secret. It is readable by anyone who
//! has it (it goes to that user): it holds nothing the user does not know.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What a link's token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkClaims {
    /// The survey's id.
    #[serde(rename = "s")]
    pub survey: String,
    /// The user's id.
    #[serde(rename = "u")]
    pub user_id: String,
    /// The user's email, if known.
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The language the page asks in, if chosen (else the browser's).
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The survey's kind (`nps`, `csat`, `ces`), when the link names it: the page then asks
    /// that kind whatever the collector's `--survey` flags say, so that the email and the page
    /// cannot disagree.
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// When the link stops working (Unix seconds).
    #[serde(rename = "x")]
    pub expires_at: i64,
}

/// Why a token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Not a token: cut, mangled or from something else.
    Malformed,
    /// Its signature does not match: changed, or signed with another secret.
    Tampered,
    /// Genuine, but past its expiry (Unix seconds).
    Expired(i64),
}

/// Signs `claims` with `secret`: the token.
pub fn sign(secret: &[u8], claims: &LinkClaims) -> String {
    // A struct of strings and an integer always serialises.
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(payload);
    let signature = URL_SAFE_NO_PAD.encode(mac(secret, &payload).finalize().into_bytes());
    format!("{payload}.{signature}")
}

/// The claims of `token` if it was signed with `secret` and has not expired at `now` (Unix
/// seconds): a link works until its expiry second has passed.
pub fn verify(secret: &[u8], token: &str, now: i64) -> Result<LinkClaims, LinkError> {
    let (payload, signature) = token.split_once('.').ok_or(LinkError::Malformed)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| LinkError::Malformed)?;
    // Checked before the payload is read: nothing unsigned is parsed.
    mac(secret, payload)
        .verify_slice(&signature)
        .map_err(|_| LinkError::Tampered)?;
    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| LinkError::Malformed)?;
    let claims: LinkClaims = serde_json::from_slice(&json).map_err(|_| LinkError::Malformed)?;
    if now > claims.expires_at {
        return Err(LinkError::Expired(claims.expires_at));
    }
    Ok(claims)
}

/// HMAC-SHA256 of `text` under `secret`.
pub fn digest(secret: &[u8], text: &str) -> [u8; 32] {
    mac(secret, text).finalize().into_bytes().into()
}

fn mac(secret: &[u8], payload: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(payload.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a link secret of thirty-two byte";

    fn claims() -> LinkClaims {
        LinkClaims {
            survey: "nps".into(),
            user_id: "u_42".into(),
            email: Some("ada@example.com".into()),
            language: Some("de".into()),
            kind: Some("csat".into()),
            expires_at: 1_800_000_000,
        }
    }

    #[test]
    fn a_signed_token_reads_back_until_its_expiry_second_has_passed() {
        let token = sign(SECRET, &claims());
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
        assert_eq!(verify(SECRET, &token, 1_700_000_000), Ok(claims()));
        assert_eq!(verify(SECRET, &token, 1_800_000_000), Ok(claims()));
        assert_eq!(
            verify(SECRET, &token, 1_800_000_001),
            Err(LinkError::Expired(1_800_000_000))
        );
        let bare = LinkClaims {
            email: None,
            language: None,
            ..claims()
        };
        assert_eq!(verify(SECRET, &sign(SECRET, &bare), 0), Ok(bare));
    }

    #[test]
    fn a_changed_or_foreign_token_is_refused() {
        let token = sign(SECRET, &claims());
        assert_eq!(
            verify(b"another secret", &token, 0),
            Err(LinkError::Tampered)
        );
        // Another user, same signature.
        let (payload, signature) = token.split_once('.').unwrap();
        let mut changed = claims();
        changed.user_id = "u_43".into();
        let forged = sign(b"guess", &changed);
        let forged_payload = forged.split_once('.').unwrap().0;
        assert_eq!(
            verify(SECRET, &format!("{forged_payload}.{signature}"), 0),
            Err(LinkError::Tampered)
        );
        // Every single character changed.
        for i in 0..token.len() {
            let mut bytes = token.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let mangled = String::from_utf8(bytes).unwrap();
            if mangled != token {
                assert!(verify(SECRET, &mangled, 0).is_err(), "{mangled}");
            }
        }
        for malformed in ["", ".", "abc", "abc.", ".abc", "a.b.c", "!!.!!"] {
            assert!(
                matches!(
                    verify(SECRET, malformed, 0),
                    Err(LinkError::Malformed | LinkError::Tampered)
                ),
                "{malformed}"
            );
        }
        assert_eq!(verify(SECRET, payload, 0), Err(LinkError::Malformed));
    }
}
