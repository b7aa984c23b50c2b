//! Identity verification (DESIGN.md "Identity verification"): with an identity secret, a body
//! or an eligibility query naming a user must carry `hash` = lowercase hex
//! HMAC-SHA256(secret, user id), computed by the host's backend.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The `user.hash` a host's backend computes for `user_id`.
pub fn user_hash(secret: &str, user_id: &str) -> String {
    hex::encode(mac(secret, user_id).finalize().into_bytes())
}

/// Whether `hash` is the user hash of `user_id` (compared in constant time).
pub fn is_valid(secret: &str, user_id: &str, hash: Option<&str>) -> bool {
    let Some(bytes) = hash.and_then(|hash| hex::decode(hash).ok()) else {
        return false;
    };
    mac(secret, user_id).verify_slice(&bytes).is_ok()
}

/// The `user.hash` the hosted survey page gives the user of a link, good for one answer only:
/// HMAC-SHA256(secret, "answer" NUL answer id NUL user id). A page's source can be seen by
/// whoever the email is forwarded to; a user's own hash there would let them answer as that
/// user, anywhere, forever. NUL cannot occur in a user id (refused), so no user id's own hash
/// is ever an answer's.
pub fn answer_hash(secret: &str, answer_id: &str, user_id: &str) -> String {
    user_hash(secret, &answer_message(answer_id, user_id))
}

/// Whether `hash` is [`answer_hash`] of this answer and user (compared in constant time).
pub fn is_valid_for_answer(
    secret: &str,
    answer_id: &str,
    user_id: &str,
    hash: Option<&str>,
) -> bool {
    is_valid(secret, &answer_message(answer_id, user_id), hash)
}

fn answer_message(answer_id: &str, user_id: &str) -> String {
    format!("answer\0{answer_id}\0{user_id}")
}

fn mac(secret: &str, user_id: &str) -> Hmac<Sha256> {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(user_id.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_hash_vouches_for_one_answer_of_one_user_only() {
        let (secret, answer, other) = (
            "an identity secret",
            "3f2c9a4e-8b1d-4c2a-9f3e-0a1b2c3d4e5f",
            "0b9a2c4e-1d3f-4a5b-8c7d-9e0f1a2b3c4d",
        );
        let hash = answer_hash(secret, answer, "u_42");
        assert!(is_valid_for_answer(secret, answer, "u_42", Some(&hash)));
        assert!(!is_valid_for_answer(secret, other, "u_42", Some(&hash)));
        assert!(!is_valid_for_answer(secret, answer, "u_43", Some(&hash)));
        assert!(!is_valid_for_answer(
            "another secret",
            answer,
            "u_42",
            Some(&hash)
        ));
        // Not the user's own hash, which would be good for any answer.
        assert!(!is_valid(secret, "u_42", Some(&hash)));
        assert_ne!(hash, user_hash(secret, "u_42"));
    }

    #[test]
    fn matches_a_published_hmac_sha256_vector() {
        // RFC 4231, test case 2.
        assert_eq!(
            user_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn matches_what_the_readme_examples_compute_in_node_and_python() {
        // crypto.createHmac('sha256', 's3cret').update(String('u_42')).digest('hex') and
        // hmac.new(b's3cret', str('u_42').encode(), hashlib.sha256).hexdigest()
        assert_eq!(
            user_hash("s3cret", "u_42"),
            "693830db905a0e43a00cb793fb2a5bd74cfa5f2d7250a7112bf20c441d288ad3"
        );
    }

    #[test]
    fn only_the_right_hash_of_the_right_user_passes() {
        let hash = user_hash("s3cret", "u_42");
        assert!(is_valid("s3cret", "u_42", Some(&hash)));
        assert!(!is_valid("s3cret", "u_43", Some(&hash)));
        assert!(!is_valid("other", "u_42", Some(&hash)));
        assert!(!is_valid("s3cret", "u_42", None));
        assert!(!is_valid("s3cret", "u_42", Some("not hex")));
        assert!(!is_valid("s3cret", "u_42", Some(&hash[..62])));
        // Upper-case hex decodes to the same bytes: accepted.
        assert!(is_valid("s3cret", "u_42", Some(&hash.to_uppercase())));
    }
}
