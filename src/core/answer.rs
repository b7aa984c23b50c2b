//! The answer model and its wire format (DESIGN.md "Wire format"), written as JSON by hand:
//! serde_json would add several KB to the wasm for one flat object.

use crate::prelude::*;

use super::config::{Account, Properties, Scalar, User};
use super::kind::Kind;
use super::limits::{json_len, MAX_BODY_BYTES, MAX_FIELD_CHARS};
use super::text::push_uint;
use super::time::format_timestamp;

/// Widget version sent with every answer.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One display of the prompt and what the user did with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// UUID v4, shared by every body of this answer.
    pub id: String,
    /// The answer's secret (see [`answer_key`]): only its holder can change the answer.
    pub key: String,
    /// Where the answer was given: `in-app`, `email` or `link`.
    pub channel: &'static str,
    /// What the survey measures, and so the score's range and categories.
    pub kind: Kind,
    /// The survey's id.
    pub survey: String,
    /// The score, `None` while only shown or when declined.
    pub score: Option<u8>,
    /// Closed without a score.
    pub declined: bool,
    /// Comment from step 2.
    pub comment: Option<String>,
    /// Whether this is the final state of the answer.
    pub complete: bool,
    /// Shown by `show({ force: true })`: stored, but left out of reports and eligibility.
    pub preview: bool,
    /// Who answered.
    pub user: Option<User>,
    /// Their account.
    pub account: Option<Account>,
    /// Language the card was shown in.
    pub language: String,
    /// What showed the card, e.g. `event:report_exported`.
    pub trigger: String,
    /// Page URL without query and fragment.
    pub page: String,
    /// When the card was shown (epoch ms).
    pub shown_at: i64,
    /// When the score or the comment was given (epoch ms).
    pub answered_at: i64,
}

impl Answer {
    /// The wire `type` of the answer's current body.
    pub fn body_type(&self) -> &'static str {
        match (self.score, self.declined) {
            (Some(_), _) => "response",
            (None, true) => "decline",
            (None, false) => "display",
        }
    }

    /// The JSON body POSTed to the collector.
    ///
    /// The body never exceeds [`MAX_BODY_BYTES`], the collector's limit: when it would, the
    /// properties are left out, the account's then the user's, last first, and then the end
    /// of the comment is cut (5,000 characters of CJK text), rather than the answer being
    /// refused. The config's limits (see [`crate::core::limits`]) leave room for the rest.
    pub fn to_json(&self) -> String {
        let count = |properties: Option<&Properties>| properties.map_or(0, Vec::len);
        let mut user_properties = count(self.user.as_ref().map(|u| &u.properties));
        let mut account_properties = count(self.account.as_ref().map(|a| &a.properties));
        let mut comment = self.comment.as_deref();
        loop {
            let body = self.json(comment, user_properties, account_properties);
            let Some(excess) = body
                .len()
                .checked_sub(MAX_BODY_BYTES)
                .filter(|excess| *excess > 0)
            else {
                return body;
            };
            if account_properties > 0 {
                account_properties -= 1;
            } else if user_properties > 0 {
                user_properties -= 1;
            } else {
                match comment {
                    Some(text) if !text.is_empty() => {
                        comment = Some(clip_json(text, json_len(text).saturating_sub(excess)));
                    }
                    _ => return body,
                }
            }
        }
    }

    /// The body with `comment` and the first `user_properties` / `account_properties`.
    fn json(
        &self,
        comment: Option<&str>,
        user_properties: usize,
        account_properties: usize,
    ) -> String {
        let mut w = JsonObject::new();
        w.string("id", &self.id);
        w.string("key", &self.key);
        w.string("type", self.body_type());
        w.string("kind", self.kind.name());
        w.string("survey", &self.survey);
        if let Some(score) = self.score {
            w.key("score");
            push_uint(&mut w.out, score as u64);
            w.string("category", self.kind.category(score).unwrap_or_default());
            w.optional_string("comment", comment);
            w.raw("complete", if self.complete { "true" } else { "false" });
        }
        if self.preview {
            w.raw("preview", "true");
        }
        if let Some(user) = &self.user {
            w.key("user");
            let mut u = JsonObject::new();
            u.string("id", &user.id);
            u.optional_string("email", user.email.as_deref());
            if let Some(created) = user.created_at {
                u.string("createdAt", &format_timestamp(created));
            }
            u.properties(user.properties.get(..user_properties).unwrap_or_default());
            if let Some(hash) = &user.hash {
                u.string("hash", hash);
            }
            w.out.push_str(&u.finish());
        }
        if let Some(account) = &self.account {
            w.key("account");
            let mut a = JsonObject::new();
            a.string("id", &account.id);
            a.optional_string("name", account.name.as_deref());
            a.properties(
                account
                    .properties
                    .get(..account_properties)
                    .unwrap_or_default(),
            );
            w.out.push_str(&a.finish());
        }
        w.string("language", &self.language);
        w.string("trigger", &self.trigger);
        w.string("page", &self.page);
        w.string("channel", self.channel);
        w.string("shownAt", &format_timestamp(self.shown_at));
        if self.score.is_some() {
            w.string("answeredAt", &format_timestamp(self.answered_at));
        }
        w.string("widgetVersion", WIDGET_VERSION);
        w.finish()
    }
}

/// `text` cut so that it takes at most [`MAX_FIELD_CHARS`] bytes in a body (so at most as
/// many characters): what `page` and `trigger` may hold.
pub fn clip(text: &str) -> &str {
    clip_json(text, MAX_FIELD_CHARS)
}

/// The longest start of `text` that takes at most `max` bytes as JSON (see [`json_len`]).
fn clip_json(text: &str, max: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += json_len(c.encode_utf8(&mut [0; 4]));
        if used > max {
            return text.get(..at).unwrap_or(text);
        }
    }
    text
}

/// `text` cut to `max` characters.
pub fn clip_to(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text.get(..cut).unwrap_or(text),
        None => text,
    }
}

/// `page` without its query string and fragment, which often hold tokens, cut by [`clip`].
pub fn page_without_query(href: &str) -> &str {
    let end = super::text::find_byte(href, b"?#").unwrap_or(href.len());
    clip(href.get(..end).unwrap_or(""))
}

/// An answer's `key`: 16 random bytes (from `crypto.getRandomValues`) as 32 hex digits.
pub fn answer_key(bytes: [u8; 16]) -> String {
    let mut out = String::with_capacity(32);
    for byte in bytes {
        out.push(HEX[(byte >> 4) as usize] as char);
        out.push(HEX[(byte & 15) as usize] as char);
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A UUID v4 string from 16 random bytes.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[(byte >> 4) as usize] as char);
        out.push(HEX[(byte & 15) as usize] as char);
    }
    out
}

/// A minimal JSON object writer.
struct JsonObject {
    out: String,
}

impl JsonObject {
    fn new() -> Self {
        JsonObject {
            out: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        push_json_string(&mut self.out, key);
        self.out.push(':');
    }

    fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.out.push_str(json);
    }

    fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        push_json_string(&mut self.out, value);
    }

    fn optional_string(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.string(key, v),
            None => self.raw(key, "null"),
        }
    }

    fn properties(&mut self, properties: &[(String, Scalar)]) {
        self.key("properties");
        let mut p = JsonObject::new();
        for (name, value) in properties {
            match value {
                Scalar::String(s) => p.string(name, s),
                Scalar::Number(n) => p.raw(name, n),
                Scalar::Bool(b) => p.raw(name, if *b { "true" } else { "false" }),
            }
        }
        self.out.push_str(&p.finish());
    }

    fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// Appends `value` as a JSON string literal.
pub fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Control characters, and U+2028/2029 which some JS parsers treat as line ends.
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let code = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((code >> shift) & 15) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::limits::MAX_COMMENT_CHARS;
    use crate::core::time::parse_timestamp;

    const KEY: &str = "b1c4d2e3f4a5b6c7d8e9f0a1b2c3d4e5";

    pub(crate) fn sample() -> Answer {
        Answer {
            id: "3f2c8a4e-1b2c-4d5e-8f90-123456789abc".into(),
            key: KEY.into(),
            channel: "in-app",
            kind: Kind::Nps,
            survey: "nps".into(),
            score: Some(9),
            declined: false,
            comment: None,
            complete: false,
            preview: false,
            user: Some(User {
                id: "u_42".into(),
                email: Some("ada@example.com".into()),
                created_at: parse_timestamp("2025-01-15"),
                properties: vec![
                    ("plan".into(), Scalar::String("pro".into())),
                    ("seats".into(), Scalar::Number("3".into())),
                ],
                hash: None,
            }),
            account: Some(Account {
                id: "acme".into(),
                name: Some("Acme Inc".into()),
                properties: vec![],
            }),
            language: "en".into(),
            trigger: "event:report_exported".into(),
            page: "https://app.example.com/reports".into(),
            shown_at: parse_timestamp("2026-11-22T10:00:00Z").unwrap(),
            answered_at: parse_timestamp("2026-11-22T10:00:04.210Z").unwrap(),
        }
    }

    #[test]
    fn score_body_matches_the_wire_format() {
        assert_eq!(
            sample().to_json(),
            concat!(
                r#"{"id":"3f2c8a4e-1b2c-4d5e-8f90-123456789abc","key":"b1c4d2e3f4a5b6c7d8e9f0a1b2c3d4e5","type":"response","#,
                r#""kind":"nps","survey":"nps","score":9,"category":"promoter","#,
                r#""comment":null,"complete":false,"user":{"id":"u_42","email":"ada@example.com","createdAt":"2025-01-15T00:00:00.000Z","#,
                r#""properties":{"plan":"pro","seats":3}},"account":{"id":"acme","name":"Acme Inc","properties":{}},"language":"en","#,
                r#""trigger":"event:report_exported","page":"https://app.example.com/reports","channel":"in-app","#,
                r#""shownAt":"2026-11-22T10:00:00.000Z","answeredAt":"2026-11-22T10:00:04.210Z","widgetVersion":"0.2.0"}"#
            )
        );
    }

    #[test]
    fn display_and_decline_bodies_have_no_score() {
        let display = Answer {
            score: None,
            user: None,
            account: None,
            ..sample()
        };
        let json = display.to_json();
        assert!(json.starts_with(r#"{"id":"3f2c8a4e-1b2c-4d5e-8f90-123456789abc","key":"b1c4d2e3f4a5b6c7d8e9f0a1b2c3d4e5","type":"display","kind":"nps","survey":"nps","language""#), "{json}");
        assert!(
            !json.contains("score") && !json.contains("answeredAt") && !json.contains("complete")
        );
        let decline = Answer {
            declined: true,
            ..display
        };
        let json = decline.to_json();
        assert!(json.contains(r#""type":"decline","kind":"nps""#), "{json}");
        assert!(
            !json.contains("score") && !json.contains("answeredAt") && !json.contains("comment")
        );
    }

    #[test]
    fn previews_and_user_hashes_are_sent() {
        let mut answer = sample();
        assert!(!answer.to_json().contains("preview") && !answer.to_json().contains("hash"));
        answer.preview = true;
        answer.user.as_mut().unwrap().hash = Some("ab".repeat(32));
        let json = answer.to_json();
        assert!(
            json.contains(r#""complete":false,"preview":true,"user""#),
            "{json}"
        );
        assert!(
            json.contains(&format!(r#""seats":3}},"hash":"{}"}}"#, "ab".repeat(32))),
            "{json}"
        );
    }

    #[test]
    fn keys_are_32_hex_digits() {
        assert_eq!(answer_key([0xab; 16]), "ab".repeat(16));
        assert_eq!(answer_key([0; 16]).len(), 32);
        assert!(crate::core::limits::is_key(&answer_key([7; 16])));
    }

    #[test]
    fn comment_is_escaped() {
        let answer = Answer {
            comment: Some("a \"b\"\n\\ \u{1} \u{2028} é</script>".into()),
            complete: true,
            ..sample()
        };
        assert!(answer
            .to_json()
            .contains(r#""comment":"a \"b\"\n\\ \u0001 \u2028 é</script>","complete":true"#));
    }

    #[test]
    fn kind_survey_and_category_are_the_survey_s() {
        let answer = Answer {
            kind: Kind::Ces,
            survey: "export".into(),
            score: Some(4),
            ..sample()
        };
        assert!(answer
            .to_json()
            .contains(r#""kind":"ces","survey":"export","score":4,"category":"neutral""#));
    }

    #[test]
    fn the_longest_comment_is_kept_whole_when_properties_make_room() {
        let cjk = "\u{7d20}".repeat(MAX_COMMENT_CHARS);
        let mut answer = Answer {
            comment: Some(cjk.clone()),
            complete: true,
            ..sample()
        };
        for i in 0..8 {
            answer
                .user
                .as_mut()
                .unwrap()
                .properties
                .push((format!("k{i}"), Scalar::String("v".repeat(400))));
        }
        let body = answer.to_json();
        assert!(body.len() <= MAX_BODY_BYTES, "{}", body.len());
        assert!(body.contains(&cjk), "the comment is whole");
        assert!(
            body.contains(r#""plan":"pro""#) && !body.contains(r#""k7":"#),
            "the last properties go"
        );
        let short = Answer {
            comment: Some("fine".into()),
            ..sample()
        };
        assert!(short.to_json().contains(r#""comment":"fine""#));
    }

    #[test]
    fn properties_go_first_then_the_comment_end() {
        // Properties full of quotes double in size once escaped: 2 × 4,000 bytes become 16,000.
        let mut answer = Answer {
            comment: Some("x".repeat(3000)),
            complete: true,
            ..sample()
        };
        let quotes = |n: usize| Scalar::String("\"".repeat(n));
        let user = answer.user.as_mut().unwrap();
        user.properties = (0..4).map(|i| (format!("u{i}"), quotes(990))).collect();
        answer.account.as_mut().unwrap().properties =
            (0..4).map(|i| (format!("a{i}"), quotes(990))).collect();
        let body = answer.to_json();
        assert!(body.len() <= MAX_BODY_BYTES, "{}", body.len());
        assert!(
            body.contains(&"x".repeat(3000)),
            "the whole comment is kept"
        );
        assert!(body.contains(r#""u0":"#) && body.contains(r#""a0":"#));
        assert!(
            !body.contains(r#""a3":"#),
            "the account's last property goes first"
        );
        // Comments that need the room the properties took: every property goes, then the end
        // of the comment.
        answer.comment = Some("\u{1}".repeat(MAX_COMMENT_CHARS));
        let body = answer.to_json();
        assert!(
            body.len() <= MAX_BODY_BYTES && body.len() > MAX_BODY_BYTES - 8,
            "{}",
            body.len()
        );
        assert!(body.contains(r#""properties":{}"#) && !body.contains(r#""u0":"#));
    }

    #[test]
    fn page_and_trigger_are_clipped_to_their_size_as_json() {
        let long = "https://a.example/".to_string() + &"\u{e9}".repeat(2000);
        assert_eq!(
            page_without_query(&long).chars().count(),
            18 + (MAX_FIELD_CHARS - 18) / 2
        );
        assert_eq!(clip("event:x"), "event:x");
        let controls = "\u{1}".repeat(400);
        assert_eq!(json_len(clip(&controls)), 996);
        assert!(json_len(clip(&"a".repeat(5000))) == MAX_FIELD_CHARS);
    }

    #[test]
    fn page_drops_query_and_fragment() {
        assert_eq!(
            page_without_query("https://a.example/x?token=1#y"),
            "https://a.example/x"
        );
        assert_eq!(
            page_without_query("https://a.example/x#y?z"),
            "https://a.example/x"
        );
        assert_eq!(
            page_without_query("https://a.example/x"),
            "https://a.example/x"
        );
    }

    #[test]
    fn uuid_has_version_and_variant() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }
}
