//! The wire format's limits, one definition for the widget (which never sends a body the
//! collector would refuse) and the collector (which refuses anything beyond them).
//!
//! The widget checks the config against the field limits measured on the serialised JSON
//! (escapes included), so that a value the collector counts in characters can never be longer
//! there than here; what only a long answer can exceed (the properties and the comment) is cut
//! by the body writer, properties first, then the comment's end (see `Answer::to_json`).

/// Largest body the collector accepts, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Longest string field (email, account name, language, trigger, page, property keys and
/// string values), in characters.
pub const MAX_FIELD_CHARS: usize = 1000;

/// Longest `user.id` and `account.id`, in characters.
pub const MAX_ID_CHARS: usize = 256;

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 5_000;

/// Most keys in one `properties` object.
pub const MAX_PROPERTIES: usize = 50;

/// Most bytes of keys and values in one `properties` object in a config: two of them, the
/// other fields at their limits and a short comment fit one body.
pub const MAX_PROPERTIES_TEXT: usize = 4_000;

/// Fewest and most characters of an answer's `key` (the widget sends 32 hex digits: 128 bits).
pub const KEY_CHARS: (usize, usize) = (32, 128);

/// Longest survey id (`[a-z0-9_-]`).
pub const MAX_SURVEY_ID_CHARS: usize = 64;

/// Length in bytes of `text` written as a JSON string literal, without its quotes: what a
/// value costs in a body.
pub fn json_len(text: &str) -> usize {
    let mut len = 0;
    for c in text.chars() {
        len += match c {
            '"' | '\\' | '\n' | '\r' | '\t' => 2,
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => 6,
            c => c.len_utf8(),
        };
    }
    len
}

/// Whether `text` may be an answer's `key`: [`KEY_CHARS`] characters of `[A-Za-z0-9_-]`.
pub fn is_key(text: &str) -> bool {
    (KEY_CHARS.0..=KEY_CHARS.1).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `text` is a UUID written as 8-4-4-4-12 hexadecimal digits, either case.
pub fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(at, b)| match at {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Whether `text` may be a survey id: 1 to [`MAX_SURVEY_ID_CHARS`] of `[a-z0-9_-]`.
pub fn is_survey_id(text: &str) -> bool {
    (1..=MAX_SURVEY_ID_CHARS).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answer::push_json_string;

    #[test]
    fn uuids_are_8_4_4_4_12_hex_digits() {
        for good in [
            "3f2c9a4e-8b1d-4c2a-9f3e-0a1b2c3d4e5f",
            "00000000-0000-4000-8000-00000000000A",
        ] {
            assert!(is_uuid(good), "{good}");
        }
        for bad in [
            "",
            "3f2c9a4e8b1d4c2a9f3e0a1b2c3d4e5f",
            "3f2c9a4e-8b1d-4c2a-9f3e-0a1b2c3d4e5",
            "3f2c9a4e-8b1d-4c2a-9f3e-0a1b2c3d4e5ff",
            "3f2c9a4e-8b1d-4c2a-9f3e_0a1b2c3d4e5f",
            "3f2c9a4g-8b1d-4c2a-9f3e-0a1b2c3d4e5f",
            "3f2c9a4e-8b1d-4c2a-9f3e-0a1b2c3d4e5\u{e9}",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }

    #[test]
    fn json_len_is_the_escaped_length() {
        for text in [
            "",
            "plain",
            "a \"b\"\n\\ \u{1} \u{2028} é</script>",
            "\u{7d20}\u{1f600}",
            "\t\r\u{1f}",
        ] {
            let mut out = String::new();
            push_json_string(&mut out, text);
            assert_eq!(json_len(text), out.len() - 2, "{text:?}");
        }
        assert_eq!(json_len(&"\"".repeat(500)), 1000);
    }

    #[test]
    fn keys_and_survey_ids() {
        assert!(is_key(&"a".repeat(32)) && is_key(&"Z_-9".repeat(32)));
        assert!(!is_key(&"a".repeat(31)) && !is_key(&"a".repeat(129)) && !is_key(&"é".repeat(16)));
        assert!(!is_key(&" ".repeat(32)));
        assert!(
            is_survey_id("nps") && is_survey_id("support_2-b") && is_survey_id(&"x".repeat(64))
        );
        assert!(
            !is_survey_id("")
                && !is_survey_id("NPS")
                && !is_survey_id("a b")
                && !is_survey_id(&"x".repeat(65))
        );
    }
}
