//! Translations of every text in the card, and the choice of a language from a BCP-47 tag.
//!
//! The texts live in `src/i18n/<tag>.txt`, one `key: text` line per [`TextKey`]. English is
//! compiled in; the other languages are separate files that the browser loads only when a
//! card is shown in that language, so no host downloads 40 languages to show one.

use crate::prelude::*;

use super::kind::Kind;
use super::text::{split_bytes, split_once_byte};

/// One piece of text in the card.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TextKey {
    /// The NPS question; contains `{product}`.
    Question,
    /// Label under score 0.
    LowLabel,
    /// Label under score 10.
    HighLabel,
    /// Accessible name of one score option; contains `{score}`.
    ScoreLabel,
    /// Follow-up question for scores 0-6.
    FollowUpDetractor,
    /// Follow-up question for scores 7-8.
    FollowUpPassive,
    /// Follow-up question for scores 9-10.
    FollowUpPromoter,
    /// Placeholder of the comment box.
    Placeholder,
    /// Label of the button that sends the comment.
    Send,
    /// Label of the same button while the comment box is empty.
    Skip,
    /// Accessible name of the close button.
    Close,
    /// Thank-you message for scores 0-6.
    ThankYouDetractor,
    /// Thank-you message for scores 7-8.
    ThankYouPassive,
    /// Thank-you message for scores 9-10.
    ThankYouPromoter,
    /// Accessible name of the 0-10 scale.
    ScaleLabel,
    /// Default label of the promoters' call to action.
    CtaDefault,
    /// The CSAT question; contains `{product}`.
    CsatQuestion,
    /// CSAT label under score 1.
    CsatLowLabel,
    /// CSAT label under score 5.
    CsatHighLabel,
    /// Accessible name of one CSAT option; contains `{score}`.
    CsatScoreLabel,
    /// Accessible name of the 1-5 scale.
    CsatScaleLabel,
    /// CSAT follow-up question for scores 1-2.
    CsatFollowUpUnsatisfied,
    /// CSAT follow-up question for score 3.
    CsatFollowUpNeutral,
    /// CSAT follow-up question for scores 4-5.
    CsatFollowUpSatisfied,
    /// The CES statement; contains `{product}`.
    CesQuestion,
    /// CES label under score 1.
    CesLowLabel,
    /// CES label under score 7.
    CesHighLabel,
    /// Accessible name of one CES option; contains `{score}`.
    CesScoreLabel,
    /// Accessible name of the 1-7 scale.
    CesScaleLabel,
    /// CES follow-up question for scores 1-3.
    CesFollowUpDisagree,
    /// CES follow-up question for score 4.
    CesFollowUpNeutral,
    /// CES follow-up question for scores 5-7.
    CesFollowUpAgree,
}

/// All keys, in catalog order.
pub const TEXT_KEYS: [TextKey; 32] = [
    TextKey::Question,
    TextKey::LowLabel,
    TextKey::HighLabel,
    TextKey::ScoreLabel,
    TextKey::FollowUpDetractor,
    TextKey::FollowUpPassive,
    TextKey::FollowUpPromoter,
    TextKey::Placeholder,
    TextKey::Send,
    TextKey::Skip,
    TextKey::Close,
    TextKey::ThankYouDetractor,
    TextKey::ThankYouPassive,
    TextKey::ThankYouPromoter,
    TextKey::ScaleLabel,
    TextKey::CtaDefault,
    TextKey::CsatQuestion,
    TextKey::CsatLowLabel,
    TextKey::CsatHighLabel,
    TextKey::CsatScoreLabel,
    TextKey::CsatScaleLabel,
    TextKey::CsatFollowUpUnsatisfied,
    TextKey::CsatFollowUpNeutral,
    TextKey::CsatFollowUpSatisfied,
    TextKey::CesQuestion,
    TextKey::CesLowLabel,
    TextKey::CesHighLabel,
    TextKey::CesScoreLabel,
    TextKey::CesScaleLabel,
    TextKey::CesFollowUpDisagree,
    TextKey::CesFollowUpNeutral,
    TextKey::CesFollowUpAgree,
];

/// File names of the keys, in [`TEXT_KEYS`] order.
const KEY_NAMES: [&str; 32] = [
    "question",
    "lowLabel",
    "highLabel",
    "scoreLabel",
    "followUpDetractor",
    "followUpPassive",
    "followUpPromoter",
    "placeholder",
    "send",
    "skip",
    "close",
    "thankYouDetractor",
    "thankYouPassive",
    "thankYouPromoter",
    "scaleLabel",
    "ctaDefault",
    "csatQuestion",
    "csatLowLabel",
    "csatHighLabel",
    "csatScoreLabel",
    "csatScaleLabel",
    "csatFollowUpUnsatisfied",
    "csatFollowUpNeutral",
    "csatFollowUpSatisfied",
    "cesQuestion",
    "cesLowLabel",
    "cesHighLabel",
    "cesScoreLabel",
    "cesScaleLabel",
    "cesFollowUpDisagree",
    "cesFollowUpNeutral",
    "cesFollowUpAgree",
];

impl TextKey {
    /// The key's name in a language file, e.g. `followUpPromoter`.
    pub fn name(self) -> &'static str {
        KEY_NAMES[self as usize]
    }

    /// The placeholder this text must contain (`{product}` or `{score}`), if any.
    pub fn placeholder(self) -> Option<&'static str> {
        match self {
            TextKey::Question | TextKey::CsatQuestion | TextKey::CesQuestion => Some("{product}"),
            TextKey::ScoreLabel | TextKey::CsatScoreLabel | TextKey::CesScoreLabel => {
                Some("{score}")
            }
            _ => None,
        }
    }

    /// The key a survey of `kind` reads for this key: the scale's texts (question, end labels,
    /// option and scale names, follow-ups by category) are the kind's own; the rest (placeholder,
    /// buttons, thank-you messages, call to action) are shared by every kind. The NPS keys
    /// name the texts in the host's overrides too.
    pub fn for_kind(self, kind: Kind) -> TextKey {
        // Each kind's scale keys, in the order of `SCALE_KEYS`.
        const CSAT: [TextKey; 8] = [
            TextKey::CsatQuestion,
            TextKey::CsatLowLabel,
            TextKey::CsatHighLabel,
            TextKey::CsatScoreLabel,
            TextKey::CsatScaleLabel,
            TextKey::CsatFollowUpUnsatisfied,
            TextKey::CsatFollowUpNeutral,
            TextKey::CsatFollowUpSatisfied,
        ];
        const CES: [TextKey; 8] = [
            TextKey::CesQuestion,
            TextKey::CesLowLabel,
            TextKey::CesHighLabel,
            TextKey::CesScoreLabel,
            TextKey::CesScaleLabel,
            TextKey::CesFollowUpDisagree,
            TextKey::CesFollowUpNeutral,
            TextKey::CesFollowUpAgree,
        ];
        let Some(at) = SCALE_KEYS.iter().position(|key| *key == self) else {
            return self;
        };
        match kind {
            Kind::Nps => self,
            Kind::Csat => CSAT[at],
            Kind::Ces => CES[at],
        }
    }
}

/// The NPS keys whose text differs by kind (see [`TextKey::for_kind`]).
const SCALE_KEYS: [TextKey; 8] = [
    TextKey::Question,
    TextKey::LowLabel,
    TextKey::HighLabel,
    TextKey::ScoreLabel,
    TextKey::ScaleLabel,
    TextKey::FollowUpDetractor,
    TextKey::FollowUpPassive,
    TextKey::FollowUpPromoter,
];

impl TextKey {
    /// The follow-up question's key for the category at `category` (0, 1 or 2: lowest first,
    /// see [`Kind::category_index`]), by its NPS name (see [`TextKey::for_kind`]).
    pub fn follow_up(category: usize) -> TextKey {
        [
            TextKey::FollowUpDetractor,
            TextKey::FollowUpPassive,
            TextKey::FollowUpPromoter,
        ][category.min(2)]
    }

    /// The thank-you message's key for the category at `category` (as [`TextKey::follow_up`]).
    pub fn thank_you(category: usize) -> TextKey {
        [
            TextKey::ThankYouDetractor,
            TextKey::ThankYouPassive,
            TextKey::ThankYouPromoter,
        ][category.min(2)]
    }
}

/// Tags of the built-in languages; each has `src/i18n/<tag>.txt`.
pub const LANGUAGES: [&str; 41] = [
    "en", "ar", "bg", "cs", "da", "de", "el", "es", "et", "fa", "fi", "fr", "he", "hi", "hr", "hu",
    "id", "it", "ja", "ko", "lt", "lv", "ms", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk",
    "sl", "sr", "sv", "th", "tr", "uk", "ur", "vi", "zh-CN", "zh-TW",
];

/// The English texts, compiled in (the fallback for every language).
pub const ENGLISH: &str = include_str!("../i18n/en.txt");

/// Whether a built-in language is written right to left.
pub fn is_rtl(tag: &str) -> bool {
    matches!(tag, "ar" | "fa" | "he" | "ur")
}

/// One language's texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    tag: &'static str,
    texts: [String; TEXT_KEYS.len()],
}

impl Catalog {
    /// Reads a language file: one `key: text` line per [`TextKey`], in any order. Returns the
    /// first missing or empty key on failure.
    pub fn parse(tag: &'static str, file: &str) -> Result<Catalog, TextKey> {
        let mut texts = [const { String::new() }; TEXT_KEYS.len()];
        // Lines end in \n or \r\n; the \r goes with the trim.
        for line in split_bytes(file, b"\n") {
            if let Some((name, text)) = split_once_byte(line, b":") {
                if let Some(at) = KEY_NAMES.iter().position(|k| *k == name.trim_ascii()) {
                    texts[at] = text.trim_ascii().into();
                }
            }
        }
        match TEXT_KEYS
            .iter()
            .find(|key| texts[**key as usize].is_empty())
        {
            Some(missing) => Err(*missing),
            None => Ok(Catalog { tag, texts }),
        }
    }

    /// The built-in English catalog.
    pub fn english() -> Catalog {
        // The file is checked by the tests below, so this cannot fail at run time.
        Catalog::parse("en", ENGLISH).unwrap_or(Catalog {
            tag: "en",
            texts: [const { String::new() }; TEXT_KEYS.len()],
        })
    }

    /// Canonical tag, e.g. `"pt-BR"`, `"zh-CN"`, `"en"`.
    pub fn tag(&self) -> &'static str {
        self.tag
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(&self) -> bool {
        is_rtl(self.tag)
    }

    /// The text for `key`.
    pub fn text(&self, key: TextKey) -> &str {
        self.texts.get(key as usize).map_or("", String::as_str)
    }
}

/// Lower-cases ASCII and treats '_' as '-', for comparing tags.
fn norm(byte: u8) -> u8 {
    if byte == b'_' {
        b'-'
    } else {
        byte.to_ascii_lowercase()
    }
}

/// Whether two tags are equal, ignoring ASCII case and '_' versus '-'.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| norm(x) == norm(y))
}

/// The built-in tag equal to `tag` (see [`same`]).
fn find(tag: &str) -> Option<&'static str> {
    LANGUAGES.iter().copied().find(|t| same(t, tag))
}

/// Primary subtags that name another catalog.
const ALIASES: [(&str, &str); 5] = [
    ("no", "nb"),
    ("nn", "nb"),
    ("iw", "he"),
    ("in", "id"),
    ("zh", "zh-CN"),
];

/// Picks the built-in language for a BCP-47 tag: exact match (case-insensitive, '_' treated as '-'),
/// then special cases (zh-Hant, zh-TW, zh-HK, zh-MO → zh-TW; zh, zh-Hans, zh-SG, zh-CN →
/// zh-CN; no/nn/nb → nb; pt-PT → pt; iw → he; in → id), then the primary subtag, then English.
pub fn resolve(tag: &str) -> &'static str {
    if let Some(c) = find(tag) {
        return c;
    }
    let mut parts = split_bytes(tag, b"-_");
    let mut primary = parts.next().unwrap_or("");
    if same(primary, "zh") {
        // The script subtag decides; without one, the region does.
        for part in parts {
            if same(part, "hans") {
                break;
            }
            if same(part, "hant") || same(part, "tw") || same(part, "hk") || same(part, "mo") {
                primary = "zh-TW";
                break;
            }
        }
    }
    for (from, to) in ALIASES {
        if same(primary, from) {
            primary = to;
        }
    }
    find(primary).unwrap_or("en")
}

/// Replaces every `placeholder` in `template` with `value` (value inserted as-is, it is plain
/// text). The value is never searched again, so it may itself contain the placeholder.
pub fn fill(template: &str, placeholder: &str, value: &str) -> String {
    let (bytes, pat) = (template.as_bytes(), placeholder.as_bytes());
    let mut out = String::with_capacity(template.len() + value.len());
    let (mut start, mut at) = (0, 0);
    while !pat.is_empty() && at + pat.len() <= bytes.len() {
        if bytes[at..].starts_with(pat) {
            // A match starts and ends on char boundaries: `pat` is valid UTF-8.
            out.push_str(template.get(start..at).unwrap_or(""));
            out.push_str(value);
            at += pat.len();
            start = at;
        } else {
            at += 1;
        }
    }
    out.push_str(template.get(start..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(tag: &str) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/i18n/").to_string() + tag + ".txt";
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn catalog(tag: &'static str) -> Catalog {
        Catalog::parse(tag, &file(tag))
            .unwrap_or_else(|key| panic!("{tag}: `{}` is missing or empty", key.name()))
    }

    const REQUIRED: [&str; 40] = [
        "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi", "hr",
        "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "nb", "nl", "pl", "pt", "pt-BR", "ro",
        "ru", "sk", "sl", "sr", "sv", "th", "tr", "uk", "vi", "zh-CN", "zh-TW",
    ];

    #[test]
    fn every_language_has_every_text_with_the_right_placeholders() {
        for tag in LANGUAGES {
            let text = file(tag);
            for line in text.lines() {
                let (name, _) = line
                    .split_once(':')
                    .unwrap_or_else(|| panic!("{tag}: line without a key: {line:?}"));
                assert!(KEY_NAMES.contains(&name), "{tag}: unknown key {name:?}");
            }
            assert_eq!(
                text.lines().count(),
                TEXT_KEYS.len(),
                "{tag}: one line per key"
            );
            let c = catalog(tag);
            for key in TEXT_KEYS {
                let text = c.text(key);
                assert!(!text.is_empty(), "{tag} {key:?} is empty");
                match key.placeholder() {
                    Some(p) => {
                        assert_eq!(text.matches(p).count(), 1, "{tag} {key:?}");
                        assert_eq!(text.matches('{').count(), 1, "{tag} {key:?}");
                    }
                    None => assert!(!text.contains('{'), "{tag} {key:?} has a brace"),
                }
            }
        }
    }

    #[test]
    fn every_language_has_every_text_of_every_kind() {
        use crate::core::kind::KINDS;
        for tag in LANGUAGES {
            let c = catalog(tag);
            for kind in KINDS {
                let mut seen = Vec::new();
                for key in TEXT_KEYS.iter().take(16) {
                    let own = key.for_kind(kind);
                    assert!(!c.text(own).is_empty(), "{tag} {kind:?} {key:?}");
                    // Each kind's scale texts are its own keys, the rest are shared.
                    if SCALE_KEYS.contains(key) && kind != Kind::Nps {
                        assert_ne!(own, *key, "{kind:?} {key:?}");
                        assert!(!seen.contains(&own));
                        seen.push(own);
                    } else {
                        assert_eq!(own, *key);
                    }
                }
                assert_eq!(seen.len(), if kind == Kind::Nps { 0 } else { 8 });
            }
            // The scale's ends as the kinds' ranges say, in the English source.
            if tag == "en" {
                assert_eq!(c.text(TextKey::CsatScaleLabel), "Satisfaction from 1 to 5");
                assert_eq!(c.text(TextKey::CesScoreLabel), "{score} out of 7");
            }
        }
    }

    #[test]
    fn files_and_languages_match() {
        let mut files: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/i18n"))
                .unwrap()
                .map(|e| {
                    e.unwrap()
                        .file_name()
                        .into_string()
                        .unwrap()
                        .trim_end_matches(".txt")
                        .to_string()
                })
                .collect();
        files.sort();
        let mut tags: Vec<String> = LANGUAGES.iter().map(|t| t.to_string()).collect();
        tags.sort();
        assert_eq!(files, tags);
        for t in REQUIRED {
            assert!(LANGUAGES.contains(&t), "missing {t}");
        }
        assert_eq!(LANGUAGES.iter().filter(|t| is_rtl(t)).count(), 4);
    }

    #[test]
    fn a_missing_or_empty_key_is_named() {
        let without_send: String = ENGLISH
            .lines()
            .filter(|l| !l.starts_with("send:"))
            .map(|l| l.to_string() + "\n")
            .collect();
        assert_eq!(Catalog::parse("en", &without_send), Err(TextKey::Send));
        let empty_close = ENGLISH.replace("close: Close survey", "close:   ");
        assert_eq!(Catalog::parse("en", &empty_close), Err(TextKey::Close));
        assert_eq!(Catalog::english(), catalog("en"));
    }

    #[test]
    fn english_is_the_source_text() {
        let en = Catalog::english();
        assert_eq!(
            en.text(TextKey::Question),
            "How likely are you to recommend {product} to a friend or colleague?"
        );
        assert_eq!(en.text(TextKey::ScoreLabel), "{score} out of 10");
        assert_eq!(en.text(TextKey::CtaDefault), "Leave us a review");
        assert_eq!(catalog("de").text(TextKey::Send), "Senden");
    }

    #[test]
    fn resolve_picks_the_right_language() {
        let cases = [
            ("pt-BR", "pt-BR"),
            ("pt-br", "pt-BR"),
            ("pt_BR", "pt-BR"),
            ("pt-PT", "pt"),
            ("pt", "pt"),
            ("de-AT", "de"),
            ("DE_ch", "de"),
            ("zh", "zh-CN"),
            ("zh-CN", "zh-CN"),
            ("zh-Hans", "zh-CN"),
            ("zh-SG", "zh-CN"),
            ("zh-Hans-TW", "zh-CN"),
            ("zh-Hant", "zh-TW"),
            ("zh-Hant-TW", "zh-TW"),
            ("zh-TW", "zh-TW"),
            ("zh_tw", "zh-TW"),
            ("zh-HK", "zh-TW"),
            ("zh-MO", "zh-TW"),
            ("nn", "nb"),
            ("no", "nb"),
            ("nb-NO", "nb"),
            ("nn-NO", "nb"),
            ("iw", "he"),
            ("iw-IL", "he"),
            ("in", "id"),
            ("sr-RS", "sr"),
            ("en-GB", "en"),
            ("xx", "en"),
            ("", "en"),
            ("-", "en"),
            ("AR", "ar"),
        ];
        for (input, want) in cases {
            assert_eq!(resolve(input), want, "resolve({input:?})");
        }
        assert!(
            is_rtl(resolve("AR"))
                && is_rtl(resolve("he-IL"))
                && is_rtl(resolve("fa"))
                && is_rtl(resolve("ur-PK"))
        );
        assert!(!is_rtl(resolve("en")));
    }

    #[test]
    fn fill_replaces_the_placeholder() {
        assert_eq!(fill("{score} out of 10", "{score}", "7"), "7 out of 10");
        assert_eq!(fill("a {x} b {x}", "{x}", "é"), "a é b é");
        assert_eq!(
            fill("{product}{product}", "{product}", "{product}"),
            "{product}{product}"
        );
        assert_eq!(fill("x {p} y", "{p}", "{p}{p}"), "x {p}{p} y");
        assert_eq!(
            fill("no placeholder here", "{product}", "Acme"),
            "no placeholder here"
        );
        assert_eq!(fill("über {p}", "{p}", ""), "über ");
        assert_eq!(fill("abc", "", "z"), "abc");
        assert_eq!(fill("", "{p}", "z"), "");
        let q = catalog("ja");
        assert_eq!(
            fill(q.text(TextKey::Question), "{product}", "Acme"),
            "Acmeを友人や同僚に薦める可能性はどのくらいありますか？"
        );
    }
}
