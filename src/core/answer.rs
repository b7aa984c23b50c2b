//! The answer model and its wire format (DESIGN.md "Wire format"), written as JSON by hand:
//! serde_json would add several KB to the wasm for one flat object.

use crate::prelude::*;

use super::config::{Account, Properties, Scalar, User};
use super::text::push_uint;
use super::time::format_timestamp;

/// Widget version sent with every answer.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// NPS category of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// 0-6.
    Detractor,
    /// 7-8.
    Passive,
    /// 9-10.
    Promoter,
}

impl Category {
    /// The category of a 0-10 score.
    pub fn of(score: u8) -> Category {
        match score {
            0..=6 => Category::Detractor,
            7 | 8 => Category::Passive,
            _ => Category::Promoter,
        }
    }

    /// Wire name.
    pub fn name(self) -> &'static str {
        match self {
            Category::Detractor => "detractor",
            Category::Passive => "passive",
            Category::Promoter => "promoter",
        }
    }

    /// Position in per-category arrays (detractor, passive, promoter).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One display of the prompt and what the user did with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// UUID v4, shared by the score and the comment update.
    pub id: String,
    /// The score, `None` for a decline.
    pub score: Option<u8>,
    /// Comment from step 2.
    pub comment: Option<String>,
    /// Whether this is the final state of the answer.
    pub complete: bool,
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
    /// The JSON body POSTed to the collector.
    ///
    /// The body never exceeds [`MAX_BODY_BYTES`], the collector's limit: a comment that would
    /// make it longer (5,000 characters of CJK text with many properties) is shortened at its
    /// end, rather than the whole answer being refused.
    pub fn to_json(&self) -> String {
        let mut body = self.json_with_comment(self.comment.as_deref());
        let mut comment = self.comment.as_deref().unwrap_or("");
        while body.len() > MAX_BODY_BYTES && !comment.is_empty() {
            let excess = body.len() - MAX_BODY_BYTES;
            let mut keep = comment.len().saturating_sub(excess);
            while !comment.is_char_boundary(keep) {
                keep -= 1;
            }
            comment = comment.get(..keep).unwrap_or("");
            body = self.json_with_comment(Some(comment));
        }
        body
    }

    fn json_with_comment(&self, comment: Option<&str>) -> String {
        let mut w = JsonObject::new();
        w.string("id", &self.id);
        w.string("type", if self.score.is_some() { "response" } else { "decline" });
        w.string("kind", "nps");
        if let Some(score) = self.score {
            w.key("score");
            push_uint(&mut w.out, score as u64);
            w.string("category", Category::of(score).name());
            w.optional_string("comment", comment);
            w.raw("complete", if self.complete { "true" } else { "false" });
        }
        if let Some(user) = &self.user {
            w.key("user");
            let mut u = JsonObject::new();
            u.string("id", &user.id);
            u.optional_string("email", user.email.as_deref());
            if let Some(created) = user.created_at {
                u.string("createdAt", &format_timestamp(created));
            }
            u.properties(&user.properties);
            w.out.push_str(&u.finish());
        }
        if let Some(account) = &self.account {
            w.key("account");
            let mut a = JsonObject::new();
            a.string("id", &account.id);
            a.optional_string("name", account.name.as_deref());
            a.properties(&account.properties);
            w.out.push_str(&a.finish());
        }
        w.string("language", &self.language);
        w.string("trigger", &self.trigger);
        w.string("page", &self.page);
        w.string("shownAt", &format_timestamp(self.shown_at));
        if self.score.is_some() {
            w.string("answeredAt", &format_timestamp(self.answered_at));
        }
        w.string("widgetVersion", WIDGET_VERSION);
        w.finish()
    }
}

/// Largest body the collector accepts, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Longest `page` and `trigger` sent, in characters: the collector refuses longer strings.
pub const MAX_FIELD_CHARS: usize = 1000;

/// Longest comment sent, in characters (the collector's limit too).
pub const MAX_COMMENT_CHARS: usize = 5_000;

/// `text` cut to [`MAX_FIELD_CHARS`] characters.
pub fn clip(text: &str) -> &str {
    clip_to(text, MAX_FIELD_CHARS)
}

/// `text` cut to `max` characters.
pub fn clip_to(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text.get(..cut).unwrap_or(text),
        None => text,
    }
}

/// `page` without its query string and fragment, which often hold tokens, cut to
/// [`MAX_FIELD_CHARS`].
pub fn page_without_query(href: &str) -> &str {
    let end = super::text::find_byte(href, b"?#").unwrap_or(href.len());
    clip(href.get(..end).unwrap_or(""))
}

/// A UUID v4 string from 16 random bytes.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
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
        JsonObject { out: String::from("{") }
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

    fn properties(&mut self, properties: &Properties) {
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
                const HEX: &[u8; 16] = b"0123456789abcdef";
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
    use crate::core::time::parse_timestamp;

    fn sample() -> Answer {
        Answer {
            id: "3f2c8a4e-1b2c-4d5e-8f90-123456789abc".into(),
            score: Some(9),
            comment: None,
            complete: false,
            user: Some(User {
                id: "u_42".into(),
                email: Some("ada@example.com".into()),
                created_at: parse_timestamp("2025-01-15"),
                properties: vec![("plan".into(), Scalar::String("pro".into())), ("seats".into(), Scalar::Number("3".into()))],
            }),
            account: Some(Account { id: "acme".into(), name: Some("Acme Inc".into()), properties: vec![] }),
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
                r#"{"id":"3f2c8a4e-1b2c-4d5e-8f90-123456789abc","type":"response","kind":"nps","score":9,"category":"promoter","#,
                r#""comment":null,"complete":false,"user":{"id":"u_42","email":"ada@example.com","createdAt":"2025-01-15T00:00:00.000Z","#,
                r#""properties":{"plan":"pro","seats":3}},"account":{"id":"acme","name":"Acme Inc","properties":{}},"language":"en","#,
                r#""trigger":"event:report_exported","page":"https://app.example.com/reports","shownAt":"2026-11-22T10:00:00.000Z","#,
                r#""answeredAt":"2026-11-22T10:00:04.210Z","widgetVersion":"0.1.0"}"#
            )
        );
    }

    #[test]
    fn decline_body_has_no_score() {
        let decline = Answer { score: None, user: None, account: None, ..sample() };
        let json = decline.to_json();
        assert!(json.starts_with(r#"{"id":"3f2c8a4e-1b2c-4d5e-8f90-123456789abc","type":"decline","kind":"nps","language""#), "{json}");
        assert!(!json.contains("score") && !json.contains("answeredAt"));
    }

    #[test]
    fn comment_is_escaped() {
        let answer = Answer { comment: Some("a \"b\"\n\\ \u{1} \u{2028} é</script>".into()), complete: true, ..sample() };
        assert!(answer.to_json().contains(r#""comment":"a \"b\"\n\\ \u0001 \u2028 é</script>","complete":true"#));
    }

    #[test]
    fn categories() {
        let names: Vec<_> = (0..=10).map(|s| Category::of(s).name()).collect();
        assert_eq!(names[..7], ["detractor"; 7]);
        assert_eq!(names[7..9], ["passive"; 2]);
        assert_eq!(names[9..], ["promoter"; 2]);
    }

    #[test]
    fn long_comments_are_shortened_to_fit_the_collector_limit() {
        let cjk = "\u{7d20}".repeat(5000);
        let mut user = sample().user.unwrap();
        for i in 0..8 {
            user.properties.push((format!("k{i}"), Scalar::String("v".repeat(400))));
        }
        let answer = Answer { comment: Some(cjk), complete: true, user: Some(user), ..sample() };
        let body = answer.to_json();
        assert!(body.len() <= MAX_BODY_BYTES, "{}", body.len());
        assert!(body.len() > MAX_BODY_BYTES - 8, "only what is needed is cut: {}", body.len());
        assert!(body.contains(&"\u{7d20}".repeat(3000)));
        let short = Answer { comment: Some("fine".into()), ..sample() };
        assert!(short.to_json().contains(r#""comment":"fine""#));
    }

    #[test]
    fn page_and_trigger_are_clipped() {
        let long = "https://a.example/".to_string() + &"\u{e9}".repeat(2000);
        assert_eq!(page_without_query(&long).chars().count(), MAX_FIELD_CHARS);
        assert_eq!(clip("event:x"), "event:x");
    }

    #[test]
    fn page_drops_query_and_fragment() {
        assert_eq!(page_without_query("https://a.example/x?token=1#y"), "https://a.example/x");
        assert_eq!(page_without_query("https://a.example/x#y?z"), "https://a.example/x");
        assert_eq!(page_without_query("https://a.example/x"), "https://a.example/x");
    }

    #[test]
    fn uuid_has_version_and_variant() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }
}
