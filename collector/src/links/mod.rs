//! Survey links for users the in-app widget cannot reach (email and link surveys): a link to
//! the survey page the collector hosts, `{base}/s/{survey}?t=TOKEN`, whose token ([`token`])
//! names the user and is signed with the collector's link secret, kept in its database.

pub mod token;

use nps_widget::core::i18n;
use nps_widget::core::kind::Kind;
use nps_widget::core::limits::{is_survey_id, MAX_FIELD_CHARS, MAX_ID_CHARS};

use crate::storage::{StorageError, Store};
use token::LinkClaims;

/// The name of the link secret among the collector's secrets.
const SECRET_NAME: &str = "link-signing";
/// Days a link works when not told.
pub const DEFAULT_DAYS: u32 = 30;
/// Most days a link may work.
pub const MAX_DAYS: u32 = 365;

/// A link asked for: whom, about which survey, in which language, for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRequest {
    /// The survey's id.
    pub survey: String,
    /// The user's id.
    pub user_id: String,
    /// The user's email, if known.
    pub email: Option<String>,
    /// The page's language (a BCP-47 tag, resolved to one of the widget's), if chosen.
    pub language: Option<String>,
    /// Days the link works.
    pub days: u32,
    /// The survey's kind, when the link should name it (see [`LinkClaims::kind`]).
    pub kind: Option<Kind>,
}

impl LinkRequest {
    /// Checks the request; the field in error and why.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !is_survey_id(&self.survey) {
            let message = "survey must be 1 to 64 characters of a-z, 0-9, - and _";
            return Err(("survey", message.into()));
        }
        let text_ok = |text: &str, max: usize| {
            !text.is_empty() && text.chars().count() <= max && !text.contains('\0')
        };
        if !text_ok(&self.user_id, MAX_ID_CHARS) {
            let message = format!("userId must be 1 to {MAX_ID_CHARS} characters, without NUL");
            return Err(("userId", message));
        }
        if self
            .email
            .as_deref()
            .is_some_and(|email| !is_address(email))
        {
            return Err((
                "email",
                "email must be an address like ada@example.com".into(),
            ));
        }
        if self
            .language
            .as_deref()
            .is_some_and(|tag| !is_language_tag(tag))
        {
            return Err(("language", "language must be a tag like de or pt-BR".into()));
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            return Err(("days", format!("days must be 1 to {MAX_DAYS}")));
        }
        Ok(())
    }
}

/// Whether `email` is an address a message can go to: one `@`, something on each side, a dot
/// inside the domain, no space or control character, within the wire format's length, and one
/// lettre accepts.
pub fn is_address(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.chars().count() <= MAX_FIELD_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.parse::<lettre::Address>().is_ok()
}

/// Whether `tag` can be a language tag (`de`, `pt-BR`, `zh_TW`): 2 to 35 letters, digits, `-`
/// and `_`. Any such tag is resolved to one of the widget's languages (English when none fits).
pub fn is_language_tag(tag: &str) -> bool {
    (2..=35).contains(&tag.len())
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The collector's link secret: made (32 random bytes) and stored the first time any
/// collector on the database needs it.
pub async fn secret(store: &dyn Store, now: i64) -> Result<Vec<u8>, StorageError> {
    let candidate = hex::encode(rand::random::<[u8; 32]>());
    let stored = store.secret(SECRET_NAME, candidate, now).await?;
    hex::decode(stored).map_err(|_| StorageError::new("the stored link secret is not hex"))
}

/// A signed link: its address and its token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// `{base}/s/{survey}?t=TOKEN`.
    pub url: String,
    /// The token alone.
    pub token: String,
}

/// The link of a checked `request`, on `base` (`https://nps.example.com`), made at `now` (epoch
/// ms): valid until the end of its last day.
pub async fn make(
    store: &dyn Store,
    base: &str,
    request: &LinkRequest,
    now: i64,
) -> Result<String, StorageError> {
    Ok(sign_link(&secret(store, now).await?, base, request, now).url)
}

/// The link of a checked `request` signed with `secret` (see [`make`]).
pub fn sign_link(secret: &[u8], base: &str, request: &LinkRequest, now: i64) -> Link {
    let claims = LinkClaims {
        survey: request.survey.clone(),
        user_id: request.user_id.clone(),
        email: request.email.clone(),
        // One of the widget's own languages, by the widget's rules.
        language: request
            .language
            .as_deref()
            .map(|tag| i18n::resolve(tag).to_owned()),
        kind: request.kind.map(|kind| kind.name().to_owned()),
        expires_at: now.div_euclid(1000) + i64::from(request.days) * 86_400,
    };
    let token = token::sign(secret, &claims);
    let url = format!("{}?t={token}", page_url(base, &request.survey));
    Link { url, token }
}

/// The survey page of `survey` on `base`, without a token: `{base}/s/{survey}`.
pub fn page_url(base: &str, survey: &str) -> String {
    format!("{}/s/{survey}", base.trim_end_matches('/'))
}

/// The unsubscribe page of the user a link's `token` names, on `base`.
pub fn unsubscribe_url(base: &str, token: &str) -> String {
    format!("{}/unsubscribe?t={token}", base.trim_end_matches('/'))
}

/// The answer a link collects: its id and key, derived from the token and the link secret, so
/// that every page view of one link (its score links, a reload, a second click) continues one
/// answer rather than starting another, and no one without the token can write to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkAnswer {
    /// The answer's id, a UUID v4.
    pub id: String,
    /// The answer's key: 64 hexadecimal digits.
    pub key: String,
}

/// The answer of the link whose token is `token` (already verified), under `secret`.
pub fn answer_of(secret: &[u8], token: &str) -> LinkAnswer {
    let derive = |purpose: &str| token::digest(secret, &format!("{purpose}\n{token}"));
    let id_bytes = derive("answer-id");
    let mut id = [0u8; 16];
    id.copy_from_slice(&id_bytes[..16]);
    LinkAnswer {
        id: nps_widget::core::answer::uuid_v4(id),
        key: hex::encode(derive("answer-key")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_always_continues_the_same_answer_and_another_link_another() {
        let secret = [7u8; 32];
        let first = answer_of(&secret, "payload.signature");
        assert_eq!(first, answer_of(&secret, "payload.signature"));
        assert!(nps_widget::core::limits::is_uuid(&first.id), "{}", first.id);
        assert_eq!(
            first.id.as_bytes()[14],
            b'4',
            "a version 4 UUID: {}",
            first.id
        );
        assert!(nps_widget::core::limits::is_key(&first.key));
        assert_eq!(first.key.len(), 64);
        let other = answer_of(&secret, "payload.other");
        assert_ne!(first.id, other.id);
        assert_ne!(first.key, other.key);
        let other_secret = answer_of(&[8u8; 32], "payload.signature");
        assert_ne!(first.id, other_secret.id);
        assert_ne!(first.key, other_secret.key);
        assert_ne!(
            first.key[..32],
            first.id.replace('-', ""),
            "id and key are independent"
        );
    }
}
