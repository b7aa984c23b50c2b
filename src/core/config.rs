//! The `init(config)` object: validation into typed settings. Every error names the key and
//! the accepted form; unknown keys are errors so typos surface at once.

use crate::prelude::*;

use super::duration::{days_from_number, parse_duration, Duration};
use super::error::Error;
use super::float::is_whole;
use super::i18n::resolve;
use super::kind::Kind;
use super::limits::{
    is_key, is_survey_id, is_uuid, json_len, MAX_FIELD_CHARS, MAX_ID_CHARS, MAX_PROPERTIES,
    MAX_PROPERTIES_TEXT,
};
use super::text::{concat, int, one_typo_apart, split_bytes};
use super::time::{parse_timestamp, TIMESTAMP_RANGE};
use super::value::Value;

/// Default stacking order: above typical app chrome, below browser-extension overlays.
pub const DEFAULT_Z_INDEX: i32 = 2_147_483_000;

/// Validated configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Collector URL receiving answers (absolute http(s) or a same-origin path).
    pub endpoint: String,
    /// Product name used in the question.
    pub product: String,
    /// Who is answering; `None` for an anonymous visitor.
    pub user: Option<User>,
    /// Account the user belongs to, for account-level roll-up.
    pub account: Option<Account>,
    /// BCP-47 language tag; `None` means the browser's language.
    pub language: Option<String>,
    /// The surveys, in the order that decides which one is shown when several are due at
    /// once; the top-level form is one NPS survey with the id `nps`.
    pub surveys: Vec<Survey>,
    /// After any survey is shown to a user, no other survey is shown before this has passed.
    pub survey_gap: Duration,
    /// Seconds the thank-you step stays before the card closes itself.
    pub thanks_seconds: u32,
    /// Look of the card.
    pub theme: Theme,
    /// Collector eligibility URL asked before showing.
    pub eligibility_endpoint: Option<String>,
    /// Nothing is stored or sent until consent is granted.
    pub require_consent: bool,
    /// Log every decision to the console.
    pub debug: bool,
    /// The hosted survey page's settings: the card alone on a page, for a link.
    pub page: Option<PageMode>,
}

/// `page`: the widget draws the first survey's card at once, centred on a page of its own
/// (the collector's survey page for email and link surveys), with no trigger, no local or
/// collector eligibility check (the link was the decision), no close and no auto-close.
#[derive(Clone, Debug, PartialEq)]
pub struct PageMode {
    /// The answer's `channel`: `email` or `link`.
    pub channel: &'static str,
    /// The answer's id, when the page continues one answer (every view of one link).
    pub id: Option<String>,
    /// The answer's key, given with its id.
    pub key: Option<String>,
    /// A score chosen before the page opened (in the email), recorded once the card shows.
    pub score: Option<u8>,
}

/// One survey: what it asks, when, and how often.
#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    /// The survey's id (`[a-z0-9_-]{1,64}`; by default its kind's name), sent with its answers.
    pub id: String,
    /// What it measures, and so its scale.
    pub kind: Kind,
    /// What may show the survey; any one fires.
    pub triggers: Vec<Trigger>,
    /// Seconds to wait after a trigger before showing.
    pub delay_seconds: u32,
    /// How often a user may be asked this survey.
    pub throttle: Throttle,
    /// Text overrides, for every language and per language.
    pub texts: TextOverrides,
    /// Call to action shown on the thank-you step to the highest category (promoters,
    /// satisfied, agree).
    pub promoter_cta: Option<Cta>,
}

/// The person answering.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// Stable id from the host app.
    pub id: String,
    /// E-mail address, passed through to the collector.
    pub email: Option<String>,
    /// Sign-up time (epoch ms), for the first-survey delay.
    pub created_at: Option<i64>,
    /// Extra attributes for segmenting answers.
    pub properties: Properties,
    /// Lowercase hex HMAC-SHA256 of the id, computed by the host's backend (identity
    /// verification), sent with every body and eligibility query.
    pub hash: Option<String>,
}

/// The account (company, workspace) a user belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    /// Stable id from the host app.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Extra attributes.
    pub properties: Properties,
}

/// Key/value attributes; values are scalars.
pub type Properties = Vec<(String, Scalar)>;

/// A property value.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// Text.
    String(String),
    /// A finite number, as its JSON text.
    Number(String),
    /// A boolean.
    Bool(bool),
}

/// One way of showing the survey.
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    /// When the page loads (the default).
    Load,
    /// When the host calls `track(name)`.
    Event(String),
    /// When the page path matches a glob (`*` matches any run of characters).
    Url(String),
    /// After this many seconds on the page.
    AfterSeconds(u32),
    /// On the Nth page view of this user.
    PageViews(u32),
}

/// Re-survey rules.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Throttle {
    /// Wait after a shown-and-answered prompt.
    pub resurvey_after: Duration,
    /// Wait after a prompt dismissed or ignored.
    pub decline_resurvey_after: Duration,
    /// Wait after `user.createdAt` before the first prompt.
    pub first_survey_after: Duration,
    /// Share of users asked, 0..=1, sticky per user.
    pub sample_rate: f64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            resurvey_after: Duration::SIX_MONTHS,
            decline_resurvey_after: Duration::SIX_MONTHS,
            first_survey_after: Duration::Days(30),
            sample_rate: 1.0,
        }
    }
}

/// Overridable texts, by score category where the card differs per category (the kind's
/// categories, lowest first: detractor, passive, promoter for NPS).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Texts {
    /// The question; `{product}` is replaced by the product name.
    pub question: Option<String>,
    /// Label under the lowest score.
    pub low_label: Option<String>,
    /// Label under the highest score.
    pub high_label: Option<String>,
    /// Follow-up per category, lowest first.
    pub follow_up: [Option<String>; 3],
    /// Placeholder of the comment box.
    pub placeholder: Option<String>,
    /// Label of the send button.
    pub send: Option<String>,
    /// Label of the same button while the comment box is empty.
    pub skip: Option<String>,
    /// Thank-you per category, lowest first.
    pub thank_you: [Option<String>; 3],
}

/// Text overrides for every language, and per language tag (which win).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextOverrides {
    /// Applies whatever the language.
    pub all: Texts,
    /// Applies when the card's language matches the tag (exact, else primary subtag).
    pub by_language: Vec<(String, Texts)>,
}

/// A promoter call to action.
#[derive(Clone, Debug, PartialEq)]
pub struct Cta {
    /// Link text; `None` uses the translated default.
    pub text: Option<String>,
    /// http(s) URL.
    pub url: String,
}

/// Colour scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeMode {
    /// Light card.
    Light,
    /// Dark card.
    Dark,
    /// Follows `prefers-color-scheme`.
    Auto,
}

/// Where the card sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Centred at the bottom.
    Bottom,
    /// Bottom right corner.
    BottomRight,
    /// Bottom left corner.
    BottomLeft,
    /// Centred at the top.
    Top,
}

/// Look of the card.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Colour scheme.
    pub mode: ThemeMode,
    /// Accent colour `#rrggbb`, if set.
    pub accent: Option<String>,
    /// Placement.
    pub position: Position,
    /// CSS z-index of the host element.
    pub z_index: i32,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            mode: ThemeMode::Light,
            accent: None,
            position: Position::Bottom,
            z_index: DEFAULT_Z_INDEX,
        }
    }
}

/// The text colour (`#000` or `#fff`) readable on an accent (see [`super::colour`]).
pub use super::colour::text_colour_on;

// The whole config is checked against a table of keys and forms in one walk, where every error
// is made; the typed settings are then read from the checked value by small readers that
// cannot fail. Table-driven rather than one validating reader per key: 1.6 KB less gzipped
// wasm, since the per-key readers each compiled to their own error paths.

/// The accepted form of one config value; [`Form::expected`] says it in words.
#[derive(Clone, Copy)]
enum Form {
    /// An object with these keys.
    Object(&'static [Key]),
    /// A string of at most [`MAX_FIELD_CHARS`] bytes as sent (see [`json_len`]).
    Text,
    /// A non-empty string (at most [`MAX_ID_CHARS`] bytes as sent) or a finite number.
    Id,
    /// 64 hexadecimal digits, either case (an HMAC-SHA256); read as lowercase.
    Hash,
    /// `true` or `false`.
    Flag,
    /// A whole number from the first to the second bound; the message names both (made by
    /// the `whole!` macro).
    Whole(f64, f64, &'static str),
    /// An absolute http(s) URL or a same-origin path.
    Url,
    /// An absolute http(s) URL.
    AbsoluteUrl,
    /// A BCP-47 language tag.
    Language,
    /// `{ key: string | number | boolean }`, bounded.
    Properties,
    /// An ISO 8601 date or epoch milliseconds.
    Timestamp,
    /// A duration string or a number of days.
    Duration,
    /// A number from 0 to 1.
    Rate,
    /// `#rrggbb`.
    Accent,
    /// One of these strings.
    Choice(&'static [&'static str], &'static str),
    /// The `triggers` list.
    Triggers,
    /// The `texts` object: these text keys (a survey kind's), and tags of built-in languages
    /// holding them.
    Texts(&'static [Key]),
    /// The `surveys` list: objects whose keys depend on their `kind`.
    Surveys,
    /// A survey id.
    SurveyId,
    /// An answer's id: a UUID.
    AnswerId,
    /// An answer's key (see `limits::is_key`).
    AnswerKey,
}

/// A known key: its name, its form, and for a required key what the error says when it is missing.
struct Key {
    name: &'static str,
    form: Form,
    missing: Option<&'static str>,
}

const fn key(name: &'static str, form: Form) -> Key {
    Key {
        name,
        form,
        missing: None,
    }
}

const fn required(name: &'static str, form: Form, missing: &'static str) -> Key {
    Key {
        name,
        form,
        missing: Some(missing),
    }
}

/// How a length measured by [`json_len`] is counted, for messages: every such limit says it
/// in these words.
macro_rules! bytes_as_sent {
    () => {
        "bytes as sent (UTF-8, escaped as in JSON: a CJK character counts 3, a quote 2)"
    };
}

/// [`Form::Whole`] from `$min` to `$max`, with a message naming both, so that bounds and
/// message cannot drift apart.
macro_rules! whole {
    ($min:literal, $max:literal) => {
        Form::Whole(
            $min as f64,
            $max as f64,
            concat!("a whole number from ", $min, " to ", $max),
        )
    };
}

/// Seconds of `delaySeconds` and `{ afterSeconds }`: up to a day.
const SECONDS: Form = whole!(0, 86_400);
/// Seconds of `thanksSeconds`: how long the thank-you step stays.
const THANKS_SECONDS: Form = whole!(1, 60);
/// The default of `thanksSeconds`.
pub const DEFAULT_THANKS_SECONDS: u32 = 4;
/// The page view of `{ pageViews }`.
const PAGE_VIEWS: Form = whole!(1, 1_000_000);
/// A CSS z-index: the i32 range.
const Z_INDEX: Form = whole!(-2_147_483_648, 2_147_483_647);

/// Longest URL (endpoints, the promoters' link), in bytes of UTF-8.
const MAX_URL_BYTES: usize = 2048;

/// Longest language tag, in bytes (ASCII).
const MAX_TAG_BYTES: usize = 35;

const TEXT_FORM: &str = concat!("a string of at most 1000 ", bytes_as_sent!());
const ID_FORM: &str = concat!(
    "a non-empty string of at most 256 ",
    bytes_as_sent!(),
    ", or a number"
);
const PROPERTIES_FORM: &str = concat!(
    "an object with at most 50 keys of at most 1000 ",
    bytes_as_sent!(),
    " and 4000 bytes of UTF-8 in all (names and string values, unescaped; a number or boolean counts 8)"
);
const PROPERTY_FORM: &str = concat!(
    "a string of at most 1000 ",
    bytes_as_sent!(),
    ", a finite number or a boolean"
);
const URL_LENGTH_FORM: &str = "a URL of at most 2048 bytes of UTF-8";
const LANGUAGE_FORM: &str =
    "a BCP-47 language tag such as \"de\" or \"pt-BR\": at most 35 ASCII letters, digits and hyphens";
const ABSOLUTE_URL_FORM: &str = "an absolute http(s) URL";
// The bounds are `parse_duration`'s and `days_from_number`'s (tested below).
const DURATION_FORM: &str = "a duration of at most 100 years: \"N days\" or a number of days (0 to 36500), \"N weeks\" (0 to 5214) or \"N months\" (0 to 1200)";
const TEXTS_KEY_FORM: &str = "a text key (question, lowLabel, highLabel, followUp, placeholder, send, skip, thankYou) or the tag of a built-in language, such as \"de\", \"pt-BR\" or \"zh-Hant\"";
const SURVEYS_FORM: &str = "a list of 1 to 20 surveys, each an object { id, kind, triggers, delaySeconds, texts, throttle, promoterCta }";
const KIND_FORM: &str = "one of \"nps\", \"csat\", \"ces\" (required)";
const SURVEY_ID_FORM: &str =
    "a survey id of 1 to 64 lowercase letters, digits, '-' and '_', used by no other survey (the default id is the kind)";
const SURVEY_KEY_FORM: &str =
    "inside each entry of `surveys` (not at the top level) when `surveys` is given";
/// Most surveys in one config.
const MAX_SURVEYS: usize = 20;
/// The keys that describe one survey: at the top level without `surveys`, in each entry with it.
const SURVEY_LEVEL_KEYS: [&str; 5] = [
    "triggers",
    "delaySeconds",
    "texts",
    "throttle",
    "promoterCta",
];
/// The default of `surveyGap`.
pub const DEFAULT_SURVEY_GAP: Duration = Duration::Days(14);
const TRIGGER_FORMS: &str =
    "a list of triggers: {on:'load'}, {event:'name'}, {url:'/path/*'}, {afterSeconds:N}, {pageViews:N}";
const MODES: &[&str] = &["light", "dark", "auto"];
const POSITIONS: &[&str] = &["bottom", "bottom-right", "bottom-left", "top"];

const CONFIG_KEYS: &[Key] = &[
    required("endpoint", Form::Url, "a collector URL (required)"),
    key("product", Form::Text),
    key("user", Form::Object(USER_KEYS)),
    key("account", Form::Object(ACCOUNT_KEYS)),
    key("language", Form::Language),
    key("triggers", Form::Triggers),
    key("delaySeconds", SECONDS),
    key("thanksSeconds", THANKS_SECONDS),
    key("throttle", Form::Object(THROTTLE_KEYS)),
    key("texts", Form::Texts(TEXT_KEYS)),
    key("promoterCta", Form::Object(CTA_KEYS)),
    key("surveys", Form::Surveys),
    key("surveyGap", Form::Duration),
    key("theme", Form::Object(THEME_KEYS)),
    key("eligibilityEndpoint", Form::Url),
    key("requireConsent", Form::Flag),
    key("debug", Form::Flag),
    key("page", Form::Object(PAGE_KEYS)),
];
const PAGE_CHANNELS: &[&str] = &["email", "link"];
const CHANNEL_FORM: &str = "one of \"email\", \"link\" (required)";
const PAGE_KEYS: &[Key] = &[
    required(
        "channel",
        Form::Choice(PAGE_CHANNELS, CHANNEL_FORM),
        CHANNEL_FORM,
    ),
    key("id", Form::AnswerId),
    key("key", Form::AnswerKey),
    key("score", whole!(0, 10)),
];
const USER_KEYS: &[Key] = &[
    required("id", Form::Id, ID_FORM),
    key("email", Form::Text),
    key("createdAt", Form::Timestamp),
    key("properties", Form::Properties),
    key("hash", Form::Hash),
];
const ACCOUNT_KEYS: &[Key] = &[
    required("id", Form::Id, ID_FORM),
    key("name", Form::Text),
    key("properties", Form::Properties),
];
const THROTTLE_KEYS: &[Key] = &[
    key("resurveyAfter", Form::Duration),
    key("declineResurveyAfter", Form::Duration),
    key("firstSurveyAfter", Form::Duration),
    key("sampleRate", Form::Rate),
];
/// The text keys of a kind whose categories are the keys of `categories`.
const fn text_keys(categories: &'static [Key]) -> [Key; 8] {
    [
        key("question", Form::Text),
        key("lowLabel", Form::Text),
        key("highLabel", Form::Text),
        key("followUp", Form::Object(categories)),
        key("placeholder", Form::Text),
        key("send", Form::Text),
        key("skip", Form::Text),
        key("thankYou", Form::Object(categories)),
    ]
}
/// The NPS survey's text keys (the top-level `texts`).
const TEXT_KEYS: &[Key] = &text_keys(&[
    key("detractor", Form::Text),
    key("passive", Form::Text),
    key("promoter", Form::Text),
]);
const CSAT_TEXT_KEYS: &[Key] = &text_keys(&[
    key("unsatisfied", Form::Text),
    key("neutral", Form::Text),
    key("satisfied", Form::Text),
]);
const CES_TEXT_KEYS: &[Key] = &text_keys(&[
    key("disagree", Form::Text),
    key("neutral", Form::Text),
    key("agree", Form::Text),
]);
/// The keys of a `surveys` entry whose texts have the keys `texts`.
const fn survey_keys(texts: &'static [Key]) -> [Key; 7] {
    [
        key("id", Form::SurveyId),
        required(
            "kind",
            Form::Choice(&["nps", "csat", "ces"], KIND_FORM),
            KIND_FORM,
        ),
        key("triggers", Form::Triggers),
        key("delaySeconds", SECONDS),
        key("throttle", Form::Object(THROTTLE_KEYS)),
        key("texts", Form::Texts(texts)),
        key("promoterCta", Form::Object(CTA_KEYS)),
    ]
}
/// Each kind's `surveys` entry keys, in [`KINDS`](super::kind::KINDS) order.
const SURVEY_KEYS: [&[Key]; 3] = [
    &survey_keys(TEXT_KEYS),
    &survey_keys(CSAT_TEXT_KEYS),
    &survey_keys(CES_TEXT_KEYS),
];
const CTA_KEYS: &[Key] = &[
    key("text", Form::Text),
    required("url", Form::AbsoluteUrl, ABSOLUTE_URL_FORM),
];
const THEME_KEYS: &[Key] = &[
    key(
        "mode",
        Form::Choice(MODES, "one of \"light\", \"dark\", \"auto\""),
    ),
    key("accent", Form::Accent),
    key(
        "position",
        Form::Choice(
            POSITIONS,
            "one of \"bottom\", \"bottom-right\", \"bottom-left\", \"top\"",
        ),
    ),
    key("zIndex", Z_INDEX),
];

impl Form {
    fn expected(self) -> &'static str {
        match self {
            Form::Object(_) | Form::Texts(_) => "an object",
            Form::Surveys => SURVEYS_FORM,
            Form::SurveyId => SURVEY_ID_FORM,
            Form::AnswerId => "a UUID such as \"3f2c9a4e-8b1d-4c2a-9f3e-0a1b2c3d4e5f\"",
            Form::AnswerKey => "32 to 128 characters of A-Z, a-z, 0-9, - and _",
            Form::Text => TEXT_FORM,
            Form::Hash => "64 hexadecimal digits: HMAC-SHA256(identity secret, user id), computed by your backend",
            Form::Id => ID_FORM,
            Form::Flag => "true or false",
            Form::Whole(_, _, expected) => expected,
            Form::Url => "an http(s) URL or a path starting with /",
            Form::AbsoluteUrl => ABSOLUTE_URL_FORM,
            Form::Language => LANGUAGE_FORM,
            Form::Properties => PROPERTIES_FORM,
            Form::Timestamp => "an ISO 8601 date (2025-01-15) or epoch milliseconds, in the years 0000 to 9999",
            Form::Duration => DURATION_FORM,
            Form::Rate => "a number from 0 to 1",
            Form::Accent => "a colour \"#rrggbb\"",
            Form::Choice(_, expected) => expected,
            Form::Triggers => TRIGGER_FORMS,
        }
    }
}

/// Validates a config object.
pub fn parse_config(value: &Value) -> Result<Config, Error> {
    check(value, Form::Object(CONFIG_KEYS), "")?;
    let surveys = match get(value, "surveys") {
        Some(Value::Array(items)) => {
            if let Some(key) = SURVEY_LEVEL_KEYS.iter().find(|k| get(value, k).is_some()) {
                return Err(Error::config(key, SURVEY_KEY_FORM));
            }
            items
                .iter()
                .map(|item| {
                    let kind = kind_of(item).unwrap_or(Kind::Nps);
                    let id = string(Some(item), "id").unwrap_or_else(|| kind.name().into());
                    read_survey(item, id, kind)
                })
                .collect()
        }
        _ => vec![read_survey(value, Kind::Nps.name().into(), Kind::Nps)],
    };
    let theme = get(value, "theme");
    Ok(Config {
        endpoint: string(Some(value), "endpoint").unwrap_or_default(),
        product: string(Some(value), "product").unwrap_or_else(|| "us".into()),
        user: get(value, "user").map(read_user),
        account: get(value, "account").map(|account| Account {
            id: id_text(get(account, "id")),
            name: string(Some(account), "name"),
            properties: read_properties(get(account, "properties")),
        }),
        language: string(Some(value), "language"),
        surveys,
        survey_gap: get(value, "surveyGap")
            .and_then(duration_of)
            .unwrap_or(DEFAULT_SURVEY_GAP),
        thanks_seconds: number(Some(value), "thanksSeconds")
            .map_or(DEFAULT_THANKS_SECONDS, |s| s as u32),
        theme: Theme {
            mode: [ThemeMode::Light, ThemeMode::Dark, ThemeMode::Auto]
                [choice(theme, "mode", MODES)],
            accent: string(theme, "accent").map(|accent| accent.to_ascii_lowercase()),
            position: [
                Position::Bottom,
                Position::BottomRight,
                Position::BottomLeft,
                Position::Top,
            ][choice(theme, "position", POSITIONS)],
            z_index: number(theme, "zIndex").map_or(DEFAULT_Z_INDEX, |z| z as i32),
        },
        eligibility_endpoint: string(Some(value), "eligibilityEndpoint"),
        require_consent: matches!(get(value, "requireConsent"), Some(Value::Bool(true))),
        debug: matches!(get(value, "debug"), Some(Value::Bool(true))),
        page: get(value, "page").map(|page| PageMode {
            channel: PAGE_CHANNELS[choice(Some(page), "channel", PAGE_CHANNELS)],
            id: string(Some(page), "id"),
            key: string(Some(page), "key"),
            score: number(Some(page), "score").map(|score| score as u8),
        }),
    })
}

/// Validates the argument of `identify(user)`.
pub fn parse_user(value: &Value) -> Result<User, Error> {
    check(value, Form::Object(USER_KEYS), "user")?;
    Ok(read_user(value))
}

/// Checks `value` against `form`; `path` is the dotted key for messages (empty for the config).
fn check(value: &Value, form: Form, path: &str) -> Result<(), Error> {
    let valid = match (form, value) {
        (Form::Object(keys), Value::Object(entries)) => return check_object(entries, keys, path),
        (Form::Texts(keys), Value::Object(entries)) => {
            for (name, v) in entries {
                let inner = join(path, name);
                let form = match keys.iter().find(|k| k.name == name) {
                    Some(k) => k.form,
                    None if is_text_language(name) => Form::Object(keys),
                    None => return Err(Error::config(&inner, TEXTS_KEY_FORM)),
                };
                if !v.is_null() {
                    check(v, form, &inner)?;
                }
            }
            true
        }
        (Form::Properties, Value::Object(entries)) => {
            let mut text = 0;
            let mut bad = None;
            let mut long_key = false;
            for (name, v) in entries {
                text += name.len() + v.as_str().map_or(8, str::len);
                long_key |= json_len(name) > MAX_FIELD_CHARS;
                if bad.is_none() && !v.is_null() && scalar(v).is_none() {
                    bad = Some(name);
                }
            }
            // The size limits are reported first; then the first value of the wrong form.
            let within_limits =
                entries.len() <= MAX_PROPERTIES && text <= MAX_PROPERTIES_TEXT && !long_key;
            if let (true, Some(name)) = (within_limits, bad) {
                return Err(Error::config(&join(path, name), PROPERTY_FORM));
            }
            within_limits
        }
        (Form::Triggers, Value::Array(items)) => {
            for item in items {
                let known = match item {
                    Value::Object(entries) if entries.len() == 1 => {
                        let (name, v) = &entries[0];
                        let text = v.as_str().unwrap_or_default();
                        match name.as_str() {
                            "on" => text == "load",
                            "event" => !text.is_empty(),
                            "url" => text.starts_with('/'),
                            // A bad number names its own key.
                            "afterSeconds" => {
                                check(v, SECONDS, "triggers.afterSeconds")?;
                                true
                            }
                            "pageViews" => {
                                check(v, PAGE_VIEWS, "triggers.pageViews")?;
                                true
                            }
                            _ => false,
                        }
                    }
                    _ => false,
                };
                if !known {
                    return Err(Error::config("triggers", TRIGGER_FORMS));
                }
            }
            true
        }
        (Form::Surveys, Value::Array(items)) if (1..=MAX_SURVEYS).contains(&items.len()) => {
            let mut ids = Vec::with_capacity(items.len());
            for (at, item) in items.iter().enumerate() {
                let inner = concat(&[path, "[", &int(at as i64), "]"]);
                let Value::Object(entries) = item else {
                    return Err(Error::config(&inner, SURVEYS_FORM));
                };
                // The kind says which texts the entry may have: it is checked first.
                let Some(kind) = kind_of(item) else {
                    return Err(Error::config(&join(&inner, "kind"), KIND_FORM));
                };
                check_object(entries, SURVEY_KEYS[kind as usize], &inner)?;
                let id = string(Some(item), "id").unwrap_or_else(|| kind.name().into());
                if ids.contains(&id) {
                    return Err(Error::config(&join(&inner, "id"), SURVEY_ID_FORM));
                }
                ids.push(id);
            }
            true
        }
        (Form::SurveyId, Value::String(s)) => is_survey_id(s),
        (Form::AnswerId, Value::String(s)) => is_uuid(s),
        (Form::AnswerKey, Value::String(s)) => is_key(s),
        (Form::Text, Value::String(s)) => json_len(s) <= MAX_FIELD_CHARS,
        (Form::Id, Value::String(s)) => !s.is_empty() && json_len(s) <= MAX_ID_CHARS,
        (Form::Hash, Value::String(s)) => s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()),
        (Form::Id, Value::Number(n, _)) => n.is_finite(),
        (Form::Flag, Value::Bool(_)) => true,
        (Form::Whole(min, max, _), Value::Number(n, _)) => is_whole(*n) && (min..=max).contains(n),
        // Too long says so, rather than "must be a URL" of a URL.
        (Form::Url | Form::AbsoluteUrl, Value::String(s)) if s.len() > MAX_URL_BYTES => {
            return Err(Error::config(path, URL_LENGTH_FORM))
        }
        (Form::Url, Value::String(s)) => is_endpoint_url(s),
        (Form::AbsoluteUrl, Value::String(s)) => {
            s.len() > 8
                && (s.starts_with("https://") || s.starts_with("http://"))
                && is_endpoint_url(s)
        }
        (Form::Language, Value::String(s)) => is_language_tag(s),
        (Form::Timestamp, Value::String(s)) => parse_timestamp(s).is_some(),
        (Form::Timestamp, Value::Number(n, _)) => {
            is_whole(*n) && TIMESTAMP_RANGE.contains(&(*n as i64))
        }
        (Form::Duration, _) => duration_of(value).is_some(),
        (Form::Rate, Value::Number(n, _)) => (0.0..=1.0).contains(n),
        (Form::Accent, Value::String(s)) => {
            s.len() == 7 && s.starts_with('#') && s.bytes().skip(1).all(|b| b.is_ascii_hexdigit())
        }
        (Form::Choice(options, _), Value::String(s)) => options.contains(&s.as_str()),
        _ => false,
    };
    if valid {
        Ok(())
    } else {
        Err(Error::config(
            if path.is_empty() { "config" } else { path },
            form.expected(),
        ))
    }
}

/// Unknown keys are errors; null values mean "not set"; required keys must be set.
fn check_object(entries: &[(String, Value)], keys: &[Key], path: &str) -> Result<(), Error> {
    for (name, v) in entries {
        let Some(k) = keys.iter().find(|k| k.name == name) else {
            // A known key one typo away (of four letters or more: shorter ones match too much).
            let suggestion = keys
                .iter()
                .find(|key| key.name.len() >= 4 && one_typo_apart(name, key.name))
                .map(|key| join(path, key.name));
            return Err(Error::UnknownKey {
                key: join(path, name),
                suggestion,
            });
        };
        if !v.is_null() {
            check(v, k.form, &join(path, name))?;
        }
    }
    for k in keys {
        if let Some(missing) = k.missing {
            if !entries
                .iter()
                .any(|(name, v)| name == k.name && !v.is_null())
            {
                return Err(Error::config(&join(path, k.name), missing));
            }
        }
    }
    Ok(())
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.into()
    } else {
        concat(&[prefix, ".", key])
    }
}

/// An absolute http(s) URL or a same-origin path (`/v1/responses`).
pub fn is_endpoint_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    // `get` rather than indexing: no string-slicing panic path in the wasm.
    let rest = if lower.starts_with("https://") {
        s.get(8..).unwrap_or_default()
    } else if lower.starts_with("http://") {
        s.get(7..).unwrap_or_default()
    } else if s.starts_with('/') && !s.starts_with("//") {
        s
    } else {
        return false;
    };
    !rest.is_empty()
        && s.len() <= MAX_URL_BYTES
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_TAG_BYTES
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `name` can be a `texts` key for one language: a well-formed BCP-47 tag (a primary
/// subtag of 2 or 3 letters, then subtags of 1 to 8 letters or digits, joined by `-` or `_`; 35
/// characters at most) of a language with built-in texts, the only languages a card is shown in.
/// Any other tag would resolve to English and override the English texts (a misspelt text key
/// such as `placeholdr` among them).
fn is_text_language(name: &str) -> bool {
    let mut subtags = split_bytes(name, b"-_");
    let primary = subtags.next().unwrap_or_default();
    let well_formed = name.len() <= MAX_TAG_BYTES
        && (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    well_formed && (resolve(name) != "en" || primary.eq_ignore_ascii_case("en"))
}

// Readers of a checked config: a value of the wrong form reads as "not set".

/// The value of `key`, unless it is missing or null.
fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

fn string(value: Option<&Value>, key: &str) -> Option<String> {
    value
        .and_then(|v| get(v, key))
        .and_then(Value::as_str)
        .map(Into::into)
}

fn number(value: Option<&Value>, key: &str) -> Option<f64> {
    match value.and_then(|v| get(v, key)) {
        Some(Value::Number(n, _)) => Some(*n),
        _ => None,
    }
}

/// Index of the chosen option, 0 (the default) when not set.
fn choice(value: Option<&Value>, key: &str, options: &[&str]) -> usize {
    let chosen = string(value, key);
    options
        .iter()
        .position(|o| Some(*o) == chosen.as_deref())
        .unwrap_or(0)
}

fn id_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(_, text)) => text.clone(),
        _ => String::new(),
    }
}

fn scalar(value: &Value) -> Option<Scalar> {
    match value {
        Value::String(s) if json_len(s) <= MAX_FIELD_CHARS => Some(Scalar::String(s.clone())),
        Value::Number(n, text) if n.is_finite() => Some(Scalar::Number(text.clone())),
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        _ => None,
    }
}

fn read_properties(value: Option<&Value>) -> Properties {
    let mut out = Vec::new();
    if let Some(Value::Object(entries)) = value {
        for (name, v) in entries {
            if let Some(scalar) = scalar(v) {
                out.push((name.clone(), scalar));
            }
        }
    }
    out
}

fn read_user(user: &Value) -> User {
    User {
        id: id_text(get(user, "id")),
        email: string(Some(user), "email"),
        created_at: match get(user, "createdAt") {
            Some(Value::String(s)) => parse_timestamp(s),
            Some(Value::Number(n, _)) => Some(*n as i64),
            _ => None,
        },
        properties: read_properties(get(user, "properties")),
        hash: string(Some(user), "hash").map(|hash| hash.to_ascii_lowercase()),
    }
}

/// The kind a `surveys` entry names, if it names one.
fn kind_of(survey: &Value) -> Option<Kind> {
    get(survey, "kind")
        .and_then(Value::as_str)
        .and_then(Kind::from_name)
}

/// One survey from the object holding its keys (a `surveys` entry, or the config itself).
fn read_survey(value: &Value, id: String, kind: Kind) -> Survey {
    Survey {
        id,
        kind,
        triggers: match get(value, "triggers") {
            Some(Value::Array(items)) => items.iter().map(read_trigger).collect(),
            _ => vec![Trigger::Load],
        },
        delay_seconds: number(Some(value), "delaySeconds").unwrap_or(0.0) as u32,
        throttle: read_throttle(get(value, "throttle")),
        texts: get(value, "texts")
            .map(|texts| read_text_overrides(texts, kind))
            .unwrap_or_default(),
        promoter_cta: get(value, "promoterCta").map(|cta| Cta {
            text: string(Some(cta), "text"),
            url: string(Some(cta), "url").unwrap_or_default(),
        }),
    }
}

fn read_trigger(item: &Value) -> Trigger {
    let Value::Object(entries) = item else {
        return Trigger::Load;
    };
    let Some((name, v)) = entries.first() else {
        return Trigger::Load;
    };
    let text = v.as_str().unwrap_or_default();
    let whole = match v {
        Value::Number(n, _) => *n as u32,
        _ => 0,
    };
    match name.as_str() {
        "event" => Trigger::Event(text.into()),
        "url" => Trigger::Url(text.into()),
        "afterSeconds" => Trigger::AfterSeconds(whole),
        "pageViews" => Trigger::PageViews(whole),
        _ => Trigger::Load,
    }
}

fn duration_of(value: &Value) -> Option<Duration> {
    match value {
        Value::String(s) => parse_duration(s),
        Value::Number(n, _) => days_from_number(*n),
        _ => None,
    }
}

fn read_throttle(throttle: Option<&Value>) -> Throttle {
    let defaults = Throttle::default();
    let duration = |key: &str, default: Duration| {
        throttle
            .and_then(|t| get(t, key))
            .and_then(duration_of)
            .unwrap_or(default)
    };
    Throttle {
        resurvey_after: duration("resurveyAfter", defaults.resurvey_after),
        decline_resurvey_after: duration("declineResurveyAfter", defaults.decline_resurvey_after),
        first_survey_after: duration("firstSurveyAfter", defaults.first_survey_after),
        sample_rate: number(throttle, "sampleRate").unwrap_or(1.0),
    }
}

fn read_texts(texts: &Value, kind: Kind) -> Texts {
    let per_category = |key: &str| {
        let group = get(texts, key);
        kind.categories().map(|category| string(group, category))
    };
    Texts {
        question: string(Some(texts), "question"),
        low_label: string(Some(texts), "lowLabel"),
        high_label: string(Some(texts), "highLabel"),
        follow_up: per_category("followUp"),
        placeholder: string(Some(texts), "placeholder"),
        send: string(Some(texts), "send"),
        skip: string(Some(texts), "skip"),
        thank_you: per_category("thankYou"),
    }
}

/// `texts` holds text keys for every language, and language tags holding text keys for one.
fn read_text_overrides(texts: &Value, kind: Kind) -> TextOverrides {
    let mut by_language = Vec::new();
    if let Value::Object(entries) = texts {
        for (name, v) in entries {
            if !v.is_null() && !TEXT_KEYS.iter().any(|k| k.name == name) {
                by_language.push((name.clone(), read_texts(v, kind)));
            }
        }
    }
    TextOverrides {
        all: read_texts(texts, kind),
        by_language,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(entries: &[(&str, Value)]) -> Value {
        Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn with(extra: &[(&str, Value)]) -> Value {
        let mut entries = vec![("endpoint", Value::str("/v1/responses"))];
        entries.extend_from_slice(extra);
        obj(&entries)
    }

    fn error_of(config: Value) -> String {
        parse_config(&config)
            .expect_err("config should be refused")
            .message()
    }

    #[test]
    fn an_unknown_key_a_typo_away_names_the_known_one() {
        let cases = [
            (
                with(&[("prodcut", Value::str("Acme"))]),
                "nps-widget: unknown config key `prodcut`; did you mean `product`?",
            ),
            (
                with(&[("Debug", Value::Bool(true))]),
                "nps-widget: unknown config key `Debug`; did you mean `debug`?",
            ),
            (
                obj(&[("endpont", Value::str("/v1/responses"))]),
                "nps-widget: unknown config key `endpont`; did you mean `endpoint`?",
            ),
            (
                with(&[(
                    "user",
                    obj(&[("id", Value::str("1")), ("emial", Value::str("a@b.c"))]),
                )]),
                "nps-widget: unknown config key `user.emial`; did you mean `user.email`?",
            ),
            (
                with(&[("theme", obj(&[("acent", Value::str("#123456"))]))]),
                "nps-widget: unknown config key `theme.acent`; did you mean `theme.accent`?",
            ),
            // Too far from every key: no guess.
            (
                with(&[("colour", Value::str("red"))]),
                "nps-widget: unknown config key `colour`",
            ),
            (
                with(&[("id", Value::str("x"))]),
                "nps-widget: unknown config key `id`",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(error_of(config), message);
        }
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse_config(&with(&[])).unwrap();
        assert_eq!(config.endpoint, "/v1/responses");
        assert_eq!(config.product, "us");
        assert_eq!(config.user, None);
        assert_eq!(config.surveys[0].triggers, vec![Trigger::Load]);
        assert_eq!(config.surveys[0].throttle, Throttle::default());
        assert_eq!(
            config.surveys[0].throttle.resurvey_after,
            Duration::Months(6)
        );
        assert_eq!(
            config.surveys[0].throttle.first_survey_after,
            Duration::Days(30)
        );
        assert_eq!(config.theme, Theme::default());
        assert!(!config.debug && !config.require_consent);
        assert_eq!(config.thanks_seconds, DEFAULT_THANKS_SECONDS);
    }

    #[test]
    fn full_config_is_read() {
        let config = parse_config(&with(&[
            ("product", Value::str("Acme")),
            (
                "user",
                obj(&[
                    ("id", Value::num(42.0)),
                    ("email", Value::str("ada@example.com")),
                    ("createdAt", Value::str("2025-01-15")),
                    (
                        "properties",
                        obj(&[
                            ("plan", Value::str("pro")),
                            ("seats", Value::num(3.5)),
                            ("trial", Value::Bool(false)),
                        ]),
                    ),
                    ("hash", Value::String("0F".repeat(32))),
                ]),
            ),
            (
                "account",
                obj(&[("id", Value::str("acme")), ("name", Value::str("Acme Inc"))]),
            ),
            ("language", Value::str("pt-BR")),
            (
                "triggers",
                Value::Array(vec![
                    obj(&[("on", Value::str("load"))]),
                    obj(&[("event", Value::str("report_exported"))]),
                    obj(&[("url", Value::str("/billing/*"))]),
                    obj(&[("afterSeconds", Value::num(30.0))]),
                    obj(&[("pageViews", Value::num(3.0))]),
                ]),
            ),
            ("delaySeconds", Value::num(5.0)),
            (
                "throttle",
                obj(&[
                    ("resurveyAfter", Value::str("3 months")),
                    ("declineResurveyAfter", Value::num(45.0)),
                    ("firstSurveyAfter", Value::str("2 weeks")),
                    ("sampleRate", Value::num(0.3)),
                ]),
            ),
            (
                "texts",
                obj(&[
                    ("question", Value::str("Would you recommend {product}?")),
                    ("followUp", obj(&[("promoter", Value::str("Yay, why?"))])),
                    ("de", obj(&[("send", Value::str("Abschicken"))])),
                ]),
            ),
            (
                "promoterCta",
                obj(&[
                    ("text", Value::str("Review us")),
                    ("url", Value::str("https://example.com/review")),
                ]),
            ),
            (
                "theme",
                obj(&[
                    ("mode", Value::str("auto")),
                    ("accent", Value::str("#FF6600")),
                    ("position", Value::str("top")),
                    ("zIndex", Value::num(10.0)),
                ]),
            ),
            (
                "eligibilityEndpoint",
                Value::str("https://collector.example.com/v1/eligibility"),
            ),
            ("requireConsent", Value::Bool(true)),
            ("debug", Value::Bool(true)),
        ]))
        .unwrap();
        let user = config.user.unwrap();
        assert_eq!(user.id, "42");
        assert_eq!(user.created_at, parse_timestamp("2025-01-15"));
        assert_eq!(
            user.properties[1],
            ("seats".into(), Scalar::Number("3.5".into()))
        );
        assert_eq!(user.hash, Some("0f".repeat(32)));
        assert_eq!(config.account.unwrap().name.as_deref(), Some("Acme Inc"));
        assert_eq!(config.surveys[0].triggers.len(), 5);
        assert_eq!(config.surveys[0].triggers[4], Trigger::PageViews(3));
        assert_eq!(
            config.surveys[0].throttle.resurvey_after,
            Duration::Months(3)
        );
        assert_eq!(
            config.surveys[0].throttle.decline_resurvey_after,
            Duration::Days(45)
        );
        assert_eq!(
            config.surveys[0].throttle.first_survey_after,
            Duration::Days(14)
        );
        assert_eq!(config.surveys[0].throttle.sample_rate, 0.3);
        assert_eq!(
            config.surveys[0].texts.all.follow_up[2].as_deref(),
            Some("Yay, why?")
        );
        assert_eq!(
            config.surveys[0].texts.by_language[0].1.send.as_deref(),
            Some("Abschicken")
        );
        assert_eq!(config.theme.accent.as_deref(), Some("#ff6600"));
        assert_eq!(config.theme.position, Position::Top);
        assert!(config.debug && config.require_consent);
    }

    #[test]
    fn bad_configs_name_the_key_and_form() {
        let cases: Vec<(Value, &str)> = vec![
            (Value::str("nope"), "config `config` must be an object"),
            (obj(&[]), "config `endpoint` must be a collector URL (required)"),
            (obj(&[("endpoint", Value::str("javascript:alert(1)"))]), "config `endpoint` must be an http(s) URL"),
            (obj(&[("endpoint", Value::str("//evil.example.com"))]), "config `endpoint` must be"),
            (obj(&[("endpoint", Value::str("ftp://x"))]), "config `endpoint` must be"),
            (obj(&[("endpoint", Value::num(1.0))]), "config `endpoint` must be"),
            (with(&[("colour", Value::str("red"))]), "unknown config key `colour`"),
            (with(&[("product", Value::Bool(true))]), "config `product` must be a string"),
            (with(&[("debug", Value::str("yes"))]), "config `debug` must be true or false"),
            (with(&[("user", obj(&[("email", Value::str("a@b.c"))]))]), "config `user.id` must be"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("name", Value::str("x"))]))]), "unknown config key `user.name`"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("createdAt", Value::str("yesterday"))]))]), "config `user.createdAt` must be an ISO 8601 date"),
            (
                with(&[("user", obj(&[("id", Value::str("1")), ("properties", obj(&[("tags", Value::Array(vec![]))]))]))]),
                "config `user.properties.tags` must be a string of at most 1000 bytes as sent (UTF-8, escaped as in JSON: a CJK character counts 3, a quote 2), a finite number or a boolean",
            ),
            (with(&[("triggers", obj(&[]))]), "config `triggers` must be a list of triggers"),
            (with(&[("triggers", Value::Array(vec![obj(&[("on", Value::str("click"))])]))]), "config `triggers` must be a list"),
            (with(&[("triggers", Value::Array(vec![obj(&[("pageViews", Value::num(0.0))])]))]), "config `triggers.pageViews` must be a whole number from 1 to 1000000"),
            (with(&[("delaySeconds", Value::num(-1.0))]), "config `delaySeconds` must be a whole number from 0 to 86400"),
            (with(&[("thanksSeconds", Value::num(0.0))]), "config `thanksSeconds` must be a whole number from 1 to 60"),
            (with(&[("thanksSeconds", Value::num(61.0))]), "config `thanksSeconds` must be a whole number from 1 to 60"),
            (with(&[("throttle", obj(&[("resurveyAfter", Value::str("6 moons"))]))]), "config `throttle.resurveyAfter` must be a duration of at most 100 years: \"N days\""),
            (with(&[("throttle", obj(&[("sampleRate", Value::num(1.5))]))]), "config `throttle.sampleRate` must be a number from 0 to 1"),
            (with(&[("throttle", obj(&[("every", Value::num(1.0))]))]), "unknown config key `throttle.every`"),
            (with(&[("texts", obj(&[("followUp", obj(&[("fan", Value::str("x"))]))]))]), "unknown config key `texts.followUp.fan`"),
            (with(&[("texts", obj(&[("de", obj(&[("title", Value::str("x"))]))]))]), "unknown config key `texts.de.title`"),
            (with(&[("texts", obj(&[("not a tag", Value::str("x"))]))]), "config `texts.not a tag` must be a text key (question, lowLabel, highLabel, followUp, placeholder, send, skip, thankYou) or the tag of a built-in language"),
            (with(&[("promoterCta", obj(&[("url", Value::str("javascript:alert(1)"))]))]), "config `promoterCta.url` must be an absolute http(s) URL"),
            (with(&[("promoterCta", obj(&[("url", Value::str("/relative"))]))]), "config `promoterCta.url` must be"),
            (with(&[("theme", obj(&[("mode", Value::str("neon"))]))]), "config `theme.mode` must be one of"),
            (with(&[("theme", obj(&[("accent", Value::str("red"))]))]), "config `theme.accent` must be a colour"),
            (with(&[("theme", obj(&[("position", Value::str("left"))]))]), "config `theme.position` must be one of"),
            (with(&[("page", obj(&[]))]), "config `page.channel` must be one of \"email\", \"link\" (required)"),
            (with(&[("page", obj(&[("channel", Value::str("in-app"))]))]), "config `page.channel` must be one of \"email\", \"link\""),
            (with(&[("page", obj(&[("channel", Value::str("link")), ("id", Value::str("42"))]))]), "config `page.id` must be a UUID"),
            (with(&[("page", obj(&[("channel", Value::str("link")), ("key", Value::str("short"))]))]), "config `page.key` must be 32 to 128 characters"),
            (with(&[("page", obj(&[("channel", Value::str("link")), ("score", Value::num(11.0))]))]), "config `page.score` must be a whole number from 0 to 10"),
            (with(&[("language", Value::str("en US"))]), "config `language` must be a BCP-47 language tag"),
            (with(&[("triggers", Value::Array(vec![obj(&[("afterSeconds", Value::num(-1.0))])]))]), "config `triggers.afterSeconds` must be a whole number from 0 to 86400"),
            (with(&[("triggers", Value::Array(vec![obj(&[("event", Value::str("a")), ("url", Value::str("/b"))])]))]), "config `triggers` must be a list"),
            (with(&[("theme", obj(&[("zIndex", Value::num(1.5))]))]), "config `theme.zIndex` must be a whole number from -2147483648 to 2147483647"),
            (with(&[("promoterCta", obj(&[("text", Value::str("Review us"))]))]), "config `promoterCta.url` must be an absolute http(s) URL"),
            (with(&[("account", obj(&[("id", Value::str(""))]))]), "config `account.id` must be a non-empty string of at most 256 bytes as sent (UTF-8, escaped as in JSON: a CJK character counts 3, a quote 2), or a number"),
            (with(&[("user", obj(&[("id", Value::String("\"".repeat(129)))]))]), "config `user.id` must be a non-empty string of at most 256 bytes"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("email", Value::String("\u{1}".repeat(167)))]))]), "config `user.email` must be a string of at most 1000 bytes"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("hash", Value::str("abc"))]))]), "config `user.hash` must be 64 hexadecimal digits"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("hash", Value::String("g".repeat(64)))]))]), "config `user.hash` must be 64 hexadecimal digits"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("createdAt", Value::num(-8.64e15))]))]), "config `user.createdAt` must be an ISO 8601 date (2025-01-15) or epoch milliseconds, in the years 0000 to 9999"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("createdAt", Value::str("0000-01-01T00:00:00+01:00"))]))]), "config `user.createdAt` must be"),
            (with(&[("user", obj(&[("id", Value::str("1")), ("createdAt", Value::num(1.7e15))]))]), "config `user.createdAt` must be"),
            (
                with(&[("user", obj(&[("id", Value::str("1")), ("properties", obj(&[("k".repeat(1200).as_str(), Value::str("v"))]))]))]),
                "config `user.properties` must be an object with at most 50 keys of at most 1000 bytes as sent (UTF-8, escaped as in JSON: a CJK character counts 3, a quote 2) and 4000 bytes of UTF-8 in all",
            ),
            (with(&[("texts", obj(&[("de", Value::str("x"))]))]), "config `texts.de` must be an object"),
            (with(&[("throttle", Value::num(3.0))]), "config `throttle` must be an object"),
            (
                with(&[("account", obj(&[("id", Value::str("a")), ("properties", obj(&[("notes", Value::String("x".repeat(3000))), ("more", Value::String("y".repeat(1000)))]))]))]),
                "config `account.properties` must be an object with at most 50 keys of at most 1000 bytes as sent (UTF-8, escaped as in JSON: a CJK character counts 3, a quote 2) and 4000 bytes of UTF-8 in all",
            ),
        ];
        for (config, expected) in cases {
            let message = error_of(config);
            assert!(message.starts_with("nps-widget: "), "{message}");
            assert!(
                message.contains(expected),
                "{message:?} should contain {expected:?}"
            );
        }
    }

    #[test]
    fn identify_checks_the_user_like_init() {
        assert_eq!(
            parse_user(&obj(&[("id", Value::str("u_1"))])).unwrap().id,
            "u_1"
        );
        assert!(parse_user(&Value::str("u_1"))
            .unwrap_err()
            .message()
            .contains("config `user` must be an object"));
        assert!(parse_user(&obj(&[("id", Value::Null)]))
            .unwrap_err()
            .message()
            .contains("config `user.id` must be"));
        assert!(parse_user(&obj(&[
            ("id", Value::str("1")),
            ("plan", Value::str("pro"))
        ]))
        .unwrap_err()
        .message()
        .contains("unknown config key `user.plan`"));
    }

    fn surveys(entries: Vec<Value>) -> Value {
        with(&[("surveys", Value::Array(entries))])
    }

    #[test]
    fn surveys_are_read_in_order_with_their_kinds_and_ids() {
        let config = parse_config(&with(&[
            ("surveyGap", Value::str("3 weeks")),
            (
                "surveys",
                Value::Array(vec![
                    obj(&[("kind", Value::str("nps"))]),
                    obj(&[
                        ("id", Value::str("support")),
                        ("kind", Value::str("csat")),
                        (
                            "triggers",
                            Value::Array(vec![obj(&[("event", Value::str("ticket_closed"))])]),
                        ),
                        (
                            "texts",
                            obj(&[(
                                "followUp",
                                obj(&[("unsatisfied", Value::str("What went wrong?"))]),
                            )]),
                        ),
                        ("throttle", obj(&[("resurveyAfter", Value::str("30 days"))])),
                    ]),
                    obj(&[
                        ("kind", Value::str("ces")),
                        ("delaySeconds", Value::num(2.0)),
                    ]),
                ]),
            ),
        ]))
        .unwrap();
        assert_eq!(config.survey_gap, Duration::Days(21));
        let ids: Vec<_> = config
            .surveys
            .iter()
            .map(|s| (s.id.as_str(), s.kind))
            .collect();
        assert_eq!(
            ids,
            [
                ("nps", Kind::Nps),
                ("support", Kind::Csat),
                ("ces", Kind::Ces)
            ]
        );
        let support = &config.surveys[1];
        assert_eq!(support.triggers, [Trigger::Event("ticket_closed".into())]);
        assert_eq!(
            support.texts.all.follow_up[0].as_deref(),
            Some("What went wrong?")
        );
        assert_eq!(support.throttle.resurvey_after, Duration::Days(30));
        assert_eq!(
            support.throttle.decline_resurvey_after,
            Duration::SIX_MONTHS
        );
        assert_eq!(config.surveys[0].triggers, [Trigger::Load]);
        assert_eq!(config.surveys[2].delay_seconds, 2);
        // Without `surveys`: one NPS survey, and the default gap.
        let top = parse_config(&with(&[])).unwrap();
        assert_eq!(top.surveys.len(), 1);
        assert_eq!(
            (top.surveys[0].id.as_str(), top.surveys[0].kind),
            ("nps", Kind::Nps)
        );
        assert_eq!(top.survey_gap, DEFAULT_SURVEY_GAP);
        assert_eq!(DEFAULT_SURVEY_GAP, Duration::Days(14));
    }

    #[test]
    fn survey_errors_name_the_key() {
        let nps = || obj(&[("kind", Value::str("nps"))]);
        let cases = [
            // The survey keys at the top level with `surveys`.
            (
                with(&[
                    ("triggers", Value::Array(vec![])),
                    ("surveys", Value::Array(vec![nps()])),
                ]),
                "nps-widget: config `triggers` must be inside each entry of `surveys` (not at the top level) when `surveys` is given",
            ),
            (
                with(&[
                    ("surveys", Value::Array(vec![nps()])),
                    ("throttle", obj(&[])),
                ]),
                "nps-widget: config `throttle` must be inside each entry of `surveys` (not at the top level) when `surveys` is given",
            ),
            (
                surveys(vec![]),
                "nps-widget: config `surveys` must be a list of 1 to 20 surveys, each an object { id, kind, triggers, delaySeconds, texts, throttle, promoterCta }",
            ),
            (
                surveys(vec![nps(); 21]),
                "nps-widget: config `surveys` must be a list of 1 to 20 surveys, each an object { id, kind, triggers, delaySeconds, texts, throttle, promoterCta }",
            ),
            (
                surveys(vec![nps(), Value::str("csat")]),
                "nps-widget: config `surveys[1]` must be a list of 1 to 20 surveys, each an object { id, kind, triggers, delaySeconds, texts, throttle, promoterCta }",
            ),
            (
                surveys(vec![obj(&[("id", Value::str("a"))])]),
                "nps-widget: config `surveys[0].kind` must be one of \"nps\", \"csat\", \"ces\" (required)",
            ),
            (
                surveys(vec![obj(&[("kind", Value::str("CSAT"))])]),
                "nps-widget: config `surveys[0].kind` must be one of \"nps\", \"csat\", \"ces\" (required)",
            ),
            (
                surveys(vec![nps(), nps()]),
                "nps-widget: config `surveys[1].id` must be a survey id of 1 to 64 lowercase letters, digits, '-' and '_', used by no other survey (the default id is the kind)",
            ),
            (
                surveys(vec![
                    obj(&[("kind", Value::str("csat")), ("id", Value::str("nps"))]),
                    nps(),
                ]),
                "nps-widget: config `surveys[1].id` must be a survey id of 1 to 64 lowercase letters, digits, '-' and '_', used by no other survey (the default id is the kind)",
            ),
            (
                surveys(vec![obj(&[("kind", Value::str("ces")), ("id", Value::str("Export"))])]),
                "nps-widget: config `surveys[0].id` must be a survey id of 1 to 64 lowercase letters, digits, '-' and '_', used by no other survey (the default id is the kind)",
            ),
            // Each kind's texts name its own categories.
            (
                surveys(vec![obj(&[
                    ("kind", Value::str("csat")),
                    ("texts", obj(&[("followUp", obj(&[("detractor", Value::str("x"))]))])),
                ])]),
                "nps-widget: unknown config key `surveys[0].texts.followUp.detractor`",
            ),
            (
                surveys(vec![obj(&[
                    ("kind", Value::str("ces")),
                    ("texts", obj(&[("de", obj(&[("thankYou", obj(&[("agre", Value::str("x"))]))]))])),
                ])]),
                "nps-widget: unknown config key `surveys[0].texts.de.thankYou.agre`; did you mean `surveys[0].texts.de.thankYou.agree`?",
            ),
            (
                surveys(vec![obj(&[("kind", Value::str("csat")), ("trigers", Value::Array(vec![]))])]),
                "nps-widget: unknown config key `surveys[0].trigers`; did you mean `surveys[0].triggers`?",
            ),
            (
                surveys(vec![obj(&[("kind", Value::str("csat")), ("delaySeconds", Value::num(-1.0))])]),
                "nps-widget: config `surveys[0].delaySeconds` must be a whole number from 0 to 86400",
            ),
            (
                surveys(vec![obj(&[("kind", Value::str("csat")), ("endpoint", Value::str("/x"))])]),
                "nps-widget: unknown config key `surveys[0].endpoint`",
            ),
            (
                with(&[("surveyGap", Value::str("2 fortnights"))]),
                "nps-widget: config `surveyGap` must be a duration of at most 100 years: \"N days\" or a number of days (0 to 36500), \"N weeks\" (0 to 5214) or \"N months\" (0 to 1200)",
            ),
        ];
        for (config, message) in cases {
            assert_eq!(error_of(config), message);
        }
        // Twenty surveys with ids of their own are fine; so is `surveyGap` without `surveys`.
        let twenty: Vec<Value> = (0..20)
            .map(|i| {
                obj(&[
                    ("kind", Value::str("csat")),
                    ("id", Value::String(format!("s{i}"))),
                ])
            })
            .collect();
        assert_eq!(parse_config(&surveys(twenty)).unwrap().surveys.len(), 20);
        assert!(parse_config(&with(&[("surveyGap", Value::num(0.0))])).is_ok());
    }

    #[test]
    fn every_survey_key_is_read() {
        // For each kind: the entry with a key at its second sample differs, key by key, from
        // the entry with only its required keys (and objects' required keys).
        for (keys, kind) in SURVEY_KEYS.iter().zip(["nps", "csat", "ces"]) {
            let mut paths = Vec::new();
            leaves(keys, &[], &mut paths);
            let entry = |path: Option<(&[&str], Value)>| {
                let mut entry = base(keys);
                set(&mut entry, &["kind"], Value::str(kind));
                if let Some((path, leaf)) = path {
                    set(&mut entry, path, leaf);
                }
                entry
            };
            let unchanged = parse_config(&surveys(vec![entry(None)])).unwrap();
            for (path, form) in paths {
                if path == ["kind"] {
                    continue;
                }
                let [_, second] = samples(form);
                let changed = parse_config(&surveys(vec![entry(Some((&path, second)))]))
                    .unwrap_or_else(|e| panic!("{kind} {path:?}: {}", e.message()));
                assert_ne!(
                    changed.surveys,
                    unchanged.surveys,
                    "{kind}: `{}` is validated but not read",
                    path.join(".")
                );
            }
        }
    }

    #[test]
    fn null_values_mean_default() {
        let config =
            parse_config(&with(&[("product", Value::Null), ("user", Value::Null)])).unwrap();
        assert_eq!(config.product, "us");
        assert_eq!(config.user, None);
    }

    /// WCAG contrast of black or white text on `rgb`, with the exact sRGB curve.
    fn contrast(rgb: [u8; 3], text: &str) -> f64 {
        let channel = |c: u8| {
            let v = c as f64 / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
        if text == "#000" {
            (l + 0.05) / 0.05
        } else {
            1.05 / (l + 0.05)
        }
    }

    #[test]
    fn accent_text_is_readable_on_every_accent() {
        // Every third value of each channel, plus the worst colour of a full search (4.52:1).
        let steps = (0..=255u8).step_by(3);
        let grid = steps.clone().flat_map(|r| {
            steps
                .clone()
                .flat_map(move |g| (0..=255u8).step_by(3).map(move |b| [r, g, b]))
        });
        for rgb in grid.chain([[118, 114, 133]]) {
            let hex: String = ["#", &hex2(rgb[0]), &hex2(rgb[1]), &hex2(rgb[2])].concat();
            let ratio = contrast(rgb, text_colour_on(&hex));
            assert!(ratio >= 4.5, "{hex}: {ratio:.2}:1");
        }
    }

    fn hex2(c: u8) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        [
            DIGITS[(c >> 4) as usize] as char,
            DIGITS[(c & 15) as usize] as char,
        ]
        .iter()
        .collect()
    }

    #[test]
    fn accent_text_colour_has_the_better_contrast() {
        assert_eq!(text_colour_on("#ffffff"), "#000");
        assert_eq!(text_colour_on("#000000"), "#fff");
        assert_eq!(text_colour_on("#2563eb"), "#fff");
        assert_eq!(text_colour_on("#ffcc00"), "#000");
        assert_eq!(text_colour_on("#777777"), "#000");
        assert_eq!(text_colour_on("#6b21a8"), "#fff");
    }

    #[test]
    fn endpoint_forms() {
        for good in [
            "/v1/responses",
            "https://c.example.com/v1/responses",
            "HTTP://127.0.0.1:8787/v1/responses",
        ] {
            assert!(is_endpoint_url(good), "{good}");
        }
        for bad in [
            "",
            "//x",
            "https://",
            "v1/responses",
            "data:text/plain,x",
            "/a b",
            "https://x\\y",
        ] {
            assert!(!is_endpoint_url(bad), "{bad}");
        }
    }

    /// Two valid values of `form`, both unlike its default: the first is the base of a required
    /// key, the second the change. Every form is listed, so a new form needs values here.
    fn samples(form: Form) -> [Value; 2] {
        match form {
            // Objects are walked into (see `leaves`); their base is an object.
            Form::Object(_) | Form::Texts(_) => [obj(&[]), obj(&[])],
            // Walked into by `survey_leaves`; here a list of one survey, then of two.
            Form::Surveys => [
                Value::Array(vec![obj(&[("kind", Value::str("csat"))])]),
                Value::Array(vec![
                    obj(&[("kind", Value::str("ces"))]),
                    obj(&[("kind", Value::str("nps"))]),
                ]),
            ],
            Form::SurveyId => [Value::str("support"), Value::str("export-2")],
            Form::AnswerId => [
                Value::str("3f2c9a4e-8b1d-4c2a-9f3e-0a1b2c3d4e5f"),
                Value::str("00000000-0000-4000-8000-00000000000A"),
            ],
            Form::AnswerKey => [
                Value::String("k".repeat(32)),
                Value::String("0_-Z".repeat(32)),
            ],
            Form::Text => [Value::str("Acme"), Value::str("Bcme")],
            Form::Id => [Value::str("a_1"), Value::num(2.0)],
            Form::Hash => [
                Value::String("0f".repeat(32)),
                Value::String("A1".repeat(32)),
            ],
            Form::Flag => [Value::Bool(false), Value::Bool(true)],
            Form::Whole(min, max, _) => [Value::num(min), Value::num(max)],
            Form::Url => [
                Value::str("/v1/a"),
                Value::str("https://c.example.com/v1/b"),
            ],
            Form::AbsoluteUrl => [
                Value::str("https://a.example.com/"),
                Value::str("https://b.example.com/review"),
            ],
            Form::Language => [Value::str("de"), Value::str("pt-BR")],
            Form::Properties => [
                obj(&[("a", Value::str("x"))]),
                obj(&[("b", Value::num(2.0))]),
            ],
            Form::Timestamp => [Value::str("2025-01-15"), Value::num(1.7e12)],
            Form::Duration => [Value::str("3 months"), Value::num(45.0)],
            Form::Rate => [Value::num(0.5), Value::num(0.25)],
            Form::Accent => [Value::str("#112233"), Value::str("#AABBCC")],
            // Of two options (a required choice has no default to differ from), the other one.
            Form::Choice(options, _) => [
                Value::str(options[1]),
                Value::str(
                    options[if options.len() > 2 {
                        options.len() - 1
                    } else {
                        0
                    }],
                ),
            ],
            Form::Triggers => [
                Value::Array(vec![obj(&[("event", Value::str("a"))])]),
                Value::Array(vec![obj(&[("pageViews", Value::num(3.0))])]),
            ],
        }
    }

    /// Every key of `keys` that holds a value rather than an object, as a path, with its form.
    /// `texts` is walked both for every language and under a language tag.
    fn leaves(
        keys: &'static [Key],
        path: &[&'static str],
        out: &mut Vec<(Vec<&'static str>, Form)>,
    ) {
        for k in keys {
            let mut inner = path.to_vec();
            inner.push(k.name);
            match k.form {
                Form::Object(sub) => leaves(sub, &inner, out),
                Form::Texts(texts) => {
                    leaves(texts, &inner, out);
                    inner.push("de");
                    leaves(texts, &inner, out);
                }
                // The entries' keys depend on their kind: see `every_survey_key_is_read`.
                Form::Surveys => {}
                form => out.push((inner, form)),
            }
        }
    }

    /// The required keys of `keys` at their first sample, and every object key with its own base.
    fn base(keys: &[Key]) -> Value {
        let mut entries = Vec::new();
        for k in keys {
            match k.form {
                Form::Object(sub) => entries.push((k.name.to_string(), base(sub))),
                Form::Texts(_) => entries.push((k.name.to_string(), obj(&[]))),
                form if k.missing.is_some() => {
                    let [first, _] = samples(form);
                    entries.push((k.name.to_string(), first));
                }
                _ => {}
            }
        }
        Value::Object(entries)
    }

    /// `value` with the key at `path` set to `leaf`, making the objects on the way.
    fn set(value: &mut Value, path: &[&str], leaf: Value) {
        let Value::Object(entries) = value else {
            panic!("{path:?} is not in an object");
        };
        let (first, rest) = path.split_first().expect("a path");
        let at = match entries.iter().position(|(k, _)| k == first) {
            Some(at) => at,
            None => {
                entries.push((first.to_string(), obj(&[])));
                entries.len() - 1
            }
        };
        if rest.is_empty() {
            entries[at].1 = leaf;
        } else {
            set(&mut entries[at].1, rest, leaf);
        }
    }

    fn all_leaves() -> Vec<(Vec<&'static str>, Form)> {
        let mut paths = Vec::new();
        leaves(CONFIG_KEYS, &[], &mut paths);
        paths
    }

    #[test]
    fn every_key_of_the_table_is_read_into_the_config() {
        let unchanged_value = base(CONFIG_KEYS);
        let unchanged = parse_config(&unchanged_value).unwrap();
        let paths = all_leaves();
        for expected in [
            "endpoint",
            "user.hash",
            "texts.followUp.passive",
            "texts.de.send",
        ] {
            assert!(
                paths.iter().any(|(p, _)| p.join(".") == expected),
                "{expected}"
            );
        }
        for (path, form) in paths {
            let key = path.join(".");
            let mut changed = unchanged_value.clone();
            let [_, second] = samples(form);
            set(&mut changed, &path, second);
            let config =
                parse_config(&changed).unwrap_or_else(|e| panic!("{key}: {}", e.message()));
            assert_ne!(
                config, unchanged,
                "`{key}` is validated but not read into Config"
            );
        }
    }

    /// `changed` differs from `unchanged`: `what` is read from some key.
    fn differs<T: PartialEq + core::fmt::Debug>(what: &str, changed: T, unchanged: T) {
        assert_ne!(
            changed, unchanged,
            "Config `{what}` is not read from any key"
        );
    }

    /// Every field of `changed` differs from `unchanged`; `what` names the group.
    fn every_text_differs(what: &str, changed: Texts, unchanged: Texts) {
        let Texts {
            question,
            low_label,
            high_label,
            follow_up,
            placeholder,
            send,
            skip,
            thank_you,
        } = changed;
        let field = |name: &str| [what, ".", name].concat();
        differs(&field("question"), question, unchanged.question);
        differs(&field("low_label"), low_label, unchanged.low_label);
        differs(&field("high_label"), high_label, unchanged.high_label);
        differs(&field("placeholder"), placeholder, unchanged.placeholder);
        differs(&field("send"), send, unchanged.send);
        differs(&field("skip"), skip, unchanged.skip);
        for i in 0..3 {
            differs(&field("follow_up"), &follow_up[i], &unchanged.follow_up[i]);
            differs(&field("thank_you"), &thank_you[i], &unchanged.thank_you[i]);
        }
    }

    #[test]
    fn every_config_field_is_read_from_a_key_of_the_table() {
        // Every key set at once; then every field (destructured, so a new field must be listed
        // here) must differ from the config without them.
        let mut value = base(CONFIG_KEYS);
        for (path, form) in all_leaves() {
            let [_, second] = samples(form);
            set(&mut value, &path, second);
        }
        let changed = parse_config(&value).unwrap();
        let unchanged = parse_config(&base(CONFIG_KEYS)).unwrap();
        let Config {
            endpoint,
            product,
            user,
            account,
            language,
            surveys,
            survey_gap,
            thanks_seconds,
            theme,
            eligibility_endpoint,
            require_consent,
            debug,
            page,
        } = changed;
        differs("page", page, unchanged.page);
        // The top-level form's one survey; the `surveys` entries are read by the same reader
        // (see `every_survey_key_is_read`).
        let [Survey {
            id: survey_id,
            kind,
            triggers,
            delay_seconds,
            throttle,
            texts,
            promoter_cta,
        }] = <[Survey; 1]>::try_from(surveys).unwrap();
        let unchanged_survey = unchanged.surveys[0].clone();
        assert_eq!((survey_id.as_str(), kind), ("nps", Kind::Nps));
        differs("survey_gap", survey_gap, unchanged.survey_gap);
        differs("endpoint", endpoint, unchanged.endpoint);
        differs("product", product, unchanged.product);
        let (
            User {
                id,
                email,
                created_at,
                properties,
                hash,
            },
            before,
        ) = (user.unwrap(), unchanged.user.unwrap());
        differs("user.id", id, before.id);
        differs("user.email", email, before.email);
        differs("user.created_at", created_at, before.created_at);
        differs("user.properties", properties, before.properties);
        differs("user.hash", hash, before.hash);
        let (
            Account {
                id,
                name,
                properties,
            },
            before,
        ) = (account.unwrap(), unchanged.account.unwrap());
        differs("account.id", id, before.id);
        differs("account.name", name, before.name);
        differs("account.properties", properties, before.properties);
        differs("language", language, unchanged.language);
        differs("triggers", triggers, unchanged_survey.triggers);
        differs(
            "delay_seconds",
            delay_seconds,
            unchanged_survey.delay_seconds,
        );
        differs("thanks_seconds", thanks_seconds, unchanged.thanks_seconds);
        let Throttle {
            resurvey_after,
            decline_resurvey_after,
            first_survey_after,
            sample_rate,
        } = throttle;
        let before = unchanged_survey.throttle;
        differs(
            "throttle.resurvey_after",
            resurvey_after,
            before.resurvey_after,
        );
        differs(
            "throttle.decline_resurvey_after",
            decline_resurvey_after,
            before.decline_resurvey_after,
        );
        differs(
            "throttle.first_survey_after",
            first_survey_after,
            before.first_survey_after,
        );
        differs("throttle.sample_rate", sample_rate, before.sample_rate);
        let TextOverrides { all, by_language } = texts;
        every_text_differs("texts.all", all, unchanged_survey.texts.all);
        assert_eq!(by_language.len(), 1);
        assert!(unchanged_survey.texts.by_language.is_empty());
        every_text_differs(
            "texts.by_language",
            by_language[0].1.clone(),
            Texts::default(),
        );
        let (Cta { text, url }, before) = (
            promoter_cta.unwrap(),
            unchanged_survey.promoter_cta.unwrap(),
        );
        differs("promoter_cta.text", text, before.text);
        differs("promoter_cta.url", url, before.url);
        let Theme {
            mode,
            accent,
            position,
            z_index,
        } = theme;
        let before = unchanged.theme;
        differs("theme.mode", mode, before.mode);
        differs("theme.accent", accent, before.accent);
        differs("theme.position", position, before.position);
        differs("theme.z_index", z_index, before.z_index);
        differs(
            "eligibility_endpoint",
            eligibility_endpoint,
            unchanged.eligibility_endpoint,
        );
        differs(
            "require_consent",
            require_consent,
            unchanged.require_consent,
        );
        differs("debug", debug, unchanged.debug);
    }

    /// `name?: type` of a TypeScript member; `None` for anything else (an index signature).
    fn member(text: &str) -> Option<(String, String, bool)> {
        let (name, ty) = text.split_once(':')?;
        let name = name.trim();
        let (name, optional) = match name.strip_suffix('?') {
            Some(name) => (name, true),
            None => (name, false),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        Some((
            name.into(),
            ty.trim().trim_end_matches(';').trim().into(),
            optional,
        ))
    }

    /// The members (name, type, optional) of a TypeScript object type in index.d.ts: an
    /// `export interface`, a type alias to one (`Texts & { ... }` reads as `Texts`), or an
    /// inline `{ a?: T; b: U }`.
    fn declared(dts: &str, ty: &str) -> Vec<(String, String, bool)> {
        if let Some(inline) = ty.strip_prefix('{') {
            return inline
                .trim_end_matches('}')
                .split(';')
                .filter_map(member)
                .collect();
        }
        let interface = ["export interface ", ty, " {\n"].concat();
        if let Some(start) = dts.find(&interface) {
            return dts[start + interface.len()..]
                .lines()
                .take_while(|line| *line != "}")
                .map(str::trim)
                .filter(|line| {
                    !(line.starts_with("/*") || line.starts_with('*') || line.starts_with("//"))
                })
                .filter_map(member)
                .collect();
        }
        let alias = ["export type ", ty, " = "].concat();
        let start = dts
            .find(&alias)
            .unwrap_or_else(|| panic!("index.d.ts has no type {ty}"));
        let target: String = dts[start + alias.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        declared(dts, &target)
    }

    /// The keys of `ty` in index.d.ts are the keys of `keys`, required where the table requires
    /// them, and so on for every object key.
    fn same_keys(dts: &str, keys: &[Key], ty: &str, path: &str) {
        let members = declared(dts, ty);
        let mut in_dts: Vec<(&str, bool)> = members
            .iter()
            .map(|(name, _, optional)| (name.as_str(), !optional))
            .collect();
        let mut in_table: Vec<(&str, bool)> =
            keys.iter().map(|k| (k.name, k.missing.is_some())).collect();
        in_dts.sort();
        in_table.sort();
        let at = if path.is_empty() { "config" } else { path };
        assert_eq!(
            in_dts, in_table,
            "keys of `{at}` (name, required): index.d.ts `{ty}`, then the table"
        );
        for k in keys {
            let sub = match k.form {
                Form::Object(sub) | Form::Texts(sub) => sub,
                Form::Surveys => {
                    let (_, ty, _) = members.iter().find(|(name, _, _)| name == k.name).unwrap();
                    assert_eq!(ty, "SurveyConfig[]");
                    let union = "export type SurveyConfig = NpsSurvey | CsatSurvey | CesSurvey;";
                    assert!(dts.contains(union), "index.d.ts: {union}");
                    for (keys, ty) in
                        SURVEY_KEYS
                            .iter()
                            .zip(["NpsSurvey", "CsatSurvey", "CesSurvey"])
                    {
                        same_keys(dts, keys, ty, &join(path, k.name));
                    }
                    continue;
                }
                _ => continue,
            };
            let (_, ty, _) = members.iter().find(|(name, _, _)| name == k.name).unwrap();
            same_keys(dts, sub, ty, &join(path, k.name));
        }
    }

    #[test]
    fn index_d_ts_declares_the_keys_of_the_table() {
        let dts = include_str!("../js/index.d.ts");
        same_keys(dts, CONFIG_KEYS, "Config", "");
        // Triggers: each one-key form of the `Trigger` union, as the error message lists them,
        // and accepted.
        let start = dts.find("export type Trigger =").unwrap();
        let union = &dts[start..start + dts[start..].find(";\n").unwrap()];
        let in_dts: Vec<String> = union
            .split('|')
            .skip(1)
            .map(|form| {
                let form = form.rsplit("*/").next().unwrap();
                member(form.trim().trim_matches(|c| c == '{' || c == '}'))
                    .unwrap()
                    .0
            })
            .collect();
        let in_message: Vec<String> = TRIGGER_FORMS
            .split('{')
            .skip(1)
            .map(|form| form.split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(in_dts, in_message);
        for name in in_dts {
            let value = match name.as_str() {
                "on" => Value::str("load"),
                "url" => Value::str("/a/*"),
                "event" => Value::str("saved"),
                _ => Value::num(3.0),
            };
            let trigger = Value::Array(vec![obj(&[(name.as_str(), value)])]);
            let config = parse_config(&with(&[("triggers", trigger)]));
            assert!(config.is_ok(), "trigger `{name}`");
        }
    }

    #[test]
    fn texts_keys_are_text_keys_or_tags_of_built_in_languages() {
        // A misspelt text key was read as a language tag, resolved to English and overrode the
        // English texts.
        let message = error_of(with(&[(
            "texts",
            obj(&[("placeholdr", obj(&[("send", Value::str("Go!"))]))]),
        )]));
        assert_eq!(
            message,
            "nps-widget: config `texts.placeholdr` must be a text key (question, lowLabel, \
             highLabel, followUp, placeholder, send, skip, thankYou) or the tag of a built-in language, such as \"de\", \
             \"pt-BR\" or \"zh-Hant\""
        );
        for bad in [
            "placeholdr",
            "thankyou",
            "Send",
            "followup",
            "title",
            "xx",
            "sw",
            "deu",
            "d",
            "de-",
            "-de",
            "de--CH",
            "de CH",
            "de-CH-toolongsubtag",
            "de-Ch\u{e9}",
            "i-klingon",
            "x-private",
            "en-US-u-ca-gregory-nu-latn-x-lots-of",
            "",
        ] {
            for value in [
                obj(&[("send", Value::str("Go!"))]),
                Value::str("Go!"),
                Value::Null,
            ] {
                let message = error_of(with(&[("texts", obj(&[(bad, value)]))]));
                let expected = ["config `texts.", bad, "` must be a text key ("].concat();
                assert!(message.contains(&expected), "{bad:?}: {message}");
            }
        }
        let mut in_message: Vec<&str> = TEXTS_KEY_FORM
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .unwrap()
            .0
            .split(", ")
            .collect();
        let mut in_table: Vec<&str> = TEXT_KEYS.iter().map(|k| k.name).collect();
        in_message.sort();
        in_table.sort();
        assert_eq!(in_message, in_table, "the message lists the text keys");

        for good in [
            "de",
            "DE",
            "de-CH",
            "de_CH",
            "de-CH-1996",
            "pt-BR",
            "pt_br",
            "pt-PT",
            "zh",
            "zh-Hant",
            "zh-Hant-TW",
            "zh-Hans",
            "zh-HK",
            "es-419",
            "en",
            "en-GB",
            "EN-us",
            "no",
            "nn",
            "nb",
            "iw",
            "in",
            "ar-EG",
            "sr-Latn-RS",
        ] {
            let config = parse_config(&with(&[(
                "texts",
                obj(&[(good, obj(&[("send", Value::str("Go!"))]))]),
            )]))
            .unwrap_or_else(|e| panic!("{good}: {}", e.message()));
            assert_eq!(config.surveys[0].texts.by_language[0].0, good);
            assert_eq!(
                config.surveys[0].texts.by_language[0].1.send.as_deref(),
                Some("Go!")
            );
            assert_eq!(config.surveys[0].texts.all, Texts::default());
        }

        // The German override leaves the English card alone.
        let config = parse_config(&with(&[(
            "texts",
            obj(&[
                ("de", obj(&[("send", Value::str("Los!"))])),
                ("placeholder", Value::str("Tell us more")),
            ]),
        )]))
        .unwrap();
        let english = crate::core::i18n::Catalog::english();
        let send = crate::core::i18n::TextKey::Send;
        assert_eq!(
            crate::core::texts::text(&config.surveys[0].texts, &english, Kind::Nps, send),
            "Send"
        );
        assert_eq!(
            config.surveys[0].texts.all.placeholder.as_deref(),
            Some("Tell us more")
        );
    }

    #[test]
    fn length_messages_state_the_limit_and_unit_measured() {
        let has = |message: &str, limit: usize| {
            assert!(
                message.contains(&[" ", &crate::core::text::int(limit as i64), " "].concat()),
                "{message} names {limit}"
            )
        };
        for message in [TEXT_FORM, ID_FORM, PROPERTIES_FORM, PROPERTY_FORM] {
            assert!(message.contains(bytes_as_sent!()), "{message}");
        }
        has(TEXT_FORM, MAX_FIELD_CHARS);
        has(ID_FORM, MAX_ID_CHARS);
        has(PROPERTIES_FORM, MAX_PROPERTIES);
        has(PROPERTIES_FORM, MAX_FIELD_CHARS);
        has(PROPERTIES_FORM, MAX_PROPERTIES_TEXT);
        has(PROPERTY_FORM, MAX_FIELD_CHARS);
        has(URL_LENGTH_FORM, MAX_URL_BYTES);
        has(LANGUAGE_FORM, MAX_TAG_BYTES);
    }

    /// The message for `config`, or `None` when it is accepted.
    fn outcome(config: Value) -> Option<String> {
        parse_config(&config).err().map(|e| e.message())
    }

    #[test]
    fn length_limits_hold_at_the_boundary_with_multi_byte_text() {
        let cjk = |n: usize| "\u{754c}".repeat(n); // 界: 3 bytes of UTF-8
        let text_error = ["must be ", TEXT_FORM].concat();
        // 1000 bytes: 333 CJK characters and one ASCII letter; then one byte more.
        for (key, form_path) in [
            ("product", vec!["product"]),
            ("user.email", vec!["user", "email"]),
            ("account.name", vec!["account", "name"]),
            ("texts.question", vec!["texts", "question"]),
            ("texts.de.send", vec!["texts", "de", "send"]),
            (
                "texts.followUp.promoter",
                vec!["texts", "followUp", "promoter"],
            ),
            ("promoterCta.text", vec!["promoterCta", "text"]),
        ] {
            let mut at_limit = base(CONFIG_KEYS);
            set(&mut at_limit, &form_path, Value::String(cjk(333) + "a"));
            assert_eq!(outcome(at_limit), None, "{key} at 1000 bytes");
            for over in [cjk(333) + "ab", cjk(334), "é".repeat(501), cjk(400)] {
                let mut config = base(CONFIG_KEYS);
                set(&mut config, &form_path, Value::String(over));
                let message = outcome(config).unwrap_or_else(|| panic!("{key} over"));
                assert!(
                    message.contains(&["`", key, "` ", &text_error].concat()),
                    "{message}"
                );
            }
        }
        // 400 CJK characters are 1200 bytes, and the message says bytes.
        let message = error_of(with(&[("product", Value::String(cjk(400)))]));
        assert!(
            message.contains("at most 1000 bytes as sent (UTF-8"),
            "{message}"
        );

        // Ids: 256 bytes as sent.
        for (id, ok) in [
            (cjk(85) + "a", true),
            (cjk(85) + "ab", false),
            ("é".repeat(128), true),
            ("é".repeat(128) + "a", false),
            ("\"".repeat(128), true),
            ("\"".repeat(128) + "a", false),
        ] {
            let message = outcome(with(&[("user", obj(&[("id", Value::String(id))]))]));
            match (ok, message) {
                (true, None) => {}
                (false, Some(m)) => assert!(m.ends_with(&["`user.id` must be ", ID_FORM].concat())),
                (ok, m) => panic!("expected ok={ok}, got {m:?}"),
            }
        }

        // Properties: names and string values 1000 bytes as sent each, 4000 bytes of UTF-8 in
        // all (unescaped: four values of 500 quotes are 2000 bytes, though 1000 each as sent).
        let properties = |entries: Vec<(String, Value)>| {
            with(&[(
                "user",
                obj(&[
                    ("id", Value::str("1")),
                    ("properties", Value::Object(entries)),
                ]),
            )])
        };
        let whole_error = ["`user.properties` must be ", PROPERTIES_FORM].concat();
        assert_eq!(
            outcome(properties(vec![("é".repeat(500), Value::str("v"))])),
            None
        );
        let message = outcome(properties(vec![("é".repeat(500) + "a", Value::str("v"))])).unwrap();
        assert!(message.ends_with(&whole_error), "{message}");
        assert_eq!(
            outcome(properties(vec![(
                "k".into(),
                Value::String(cjk(333) + "a")
            )])),
            None
        );
        let message = outcome(properties(vec![(
            "k".into(),
            Value::String(cjk(333) + "ab"),
        )]))
        .unwrap();
        assert!(
            message.ends_with(&["`user.properties.k` must be ", PROPERTY_FORM].concat()),
            "{message}"
        );
        // Four names of 2 bytes and values of 998 bytes of UTF-8: 4000 in all; then 4001.
        let four = |last: &str| {
            (1..=4)
                .map(|i| {
                    let extra = if i == 4 { last } else { "" };
                    (
                        ["k", &i.to_string()].concat(),
                        Value::String(cjk(332) + "ab" + extra),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(outcome(properties(four(""))), None);
        let message = outcome(properties(four("c"))).unwrap();
        assert!(message.ends_with(&whole_error), "{message}");
        let quotes = (1..=4)
            .map(|i| {
                (
                    ["k", &i.to_string()].concat(),
                    Value::String("\"".repeat(500)),
                )
            })
            .collect();
        assert_eq!(outcome(properties(quotes)), None);

        // URLs: 2048 bytes of UTF-8.
        let url = |tail: &str| ["/", &"é".repeat(1023), tail].concat();
        assert_eq!(outcome(obj(&[("endpoint", Value::String(url("a")))])), None);
        let message = outcome(obj(&[("endpoint", Value::String(url("ab")))])).unwrap();
        assert_eq!(
            message,
            ["nps-widget: config `endpoint` must be ", URL_LENGTH_FORM].concat()
        );
        let link = |tail: &str| {
            let url = ["https://example.com/", &"é".repeat(1014), tail].concat();
            with(&[("promoterCta", obj(&[("url", Value::String(url))]))])
        };
        assert_eq!(outcome(link("")), None);
        let message = outcome(link("a")).unwrap();
        assert!(
            message.ends_with(&["`promoterCta.url` must be ", URL_LENGTH_FORM].concat()),
            "{message}"
        );
        let message = outcome(with(&[("eligibilityEndpoint", Value::String(url("ab")))])).unwrap();
        assert!(
            message.contains("`eligibilityEndpoint` must be a URL of at most 2048 bytes"),
            "{message}"
        );

        // Language tags: 35 ASCII characters.
        let tag = |n: usize| Value::String(["de-", &"x".repeat(n - 3)].concat());
        assert_eq!(outcome(with(&[("language", tag(35))])), None);
        let message = outcome(with(&[("language", tag(36))])).unwrap();
        assert!(
            message.ends_with(&["`language` must be ", LANGUAGE_FORM].concat()),
            "{message}"
        );
    }

    #[test]
    fn number_errors_name_the_range() {
        let num = Value::num;
        let trigger = |name: &str, n: f64| Value::Array(vec![obj(&[(name, num(n))])]);
        let theme = |n: f64| obj(&[("zIndex", num(n))]);
        let throttle = |v: Value| obj(&[("declineResurveyAfter", v)]);
        // Each key at its bounds is accepted; just past them, or not whole, it is refused with
        // a message naming the bounds.
        let cases: Vec<(&str, Vec<Value>, Vec<Value>, &str)> = vec![
            (
                "delaySeconds",
                vec![num(0.0), num(86_400.0)],
                vec![num(100_000.0), num(86_401.0), num(-1.0), num(1.5)],
                "config `delaySeconds` must be a whole number from 0 to 86400",
            ),
            (
                "triggers",
                vec![trigger("afterSeconds", 0.0), trigger("afterSeconds", 86_400.0)],
                vec![trigger("afterSeconds", 86_401.0), trigger("afterSeconds", -1.0)],
                "config `triggers.afterSeconds` must be a whole number from 0 to 86400",
            ),
            (
                "triggers",
                vec![trigger("pageViews", 1.0), trigger("pageViews", 1e6)],
                vec![trigger("pageViews", 0.0), trigger("pageViews", 1e6 + 1.0)],
                "config `triggers.pageViews` must be a whole number from 1 to 1000000",
            ),
            (
                "theme",
                vec![theme(i32::MIN as f64), theme(i32::MAX as f64), theme(0.0)],
                vec![theme(i32::MIN as f64 - 1.0), theme(i32::MAX as f64 + 1.0), theme(1.5)],
                "config `theme.zIndex` must be a whole number from -2147483648 to 2147483647",
            ),
            (
                "throttle",
                vec![num(0.0), num(36_500.0), Value::str("36500 days"), Value::str("5214 weeks"), Value::str("1200 months")]
                    .into_iter()
                    .map(throttle)
                    .collect(),
                vec![num(36_501.0), num(-1.0), num(0.5), Value::str("36501 days"), Value::str("5215 weeks"), Value::str("1201 months")]
                    .into_iter()
                    .map(throttle)
                    .collect(),
                "config `throttle.declineResurveyAfter` must be a duration of at most 100 years: \"N days\" or a number of days (0 to 36500), \"N weeks\" (0 to 5214) or \"N months\" (0 to 1200)",
            ),
            (
                "throttle",
                vec![obj(&[("sampleRate", num(0.0))]), obj(&[("sampleRate", num(1.0))])],
                vec![obj(&[("sampleRate", num(-0.01))]), obj(&[("sampleRate", num(1.01))])],
                "config `throttle.sampleRate` must be a number from 0 to 1",
            ),
        ];
        for (key, good, bad, expected) in cases {
            for value in good {
                let config = with(&[(key, value.clone())]);
                assert_eq!(outcome(config), None, "{key}: {value:?}");
            }
            for value in bad {
                let message = error_of(with(&[(key, value.clone())]));
                assert_eq!(message, ["nps-widget: ", expected].concat(), "{value:?}");
            }
        }
        let config = parse_config(&with(&[
            ("delaySeconds", num(86_400.0)),
            ("theme", theme(i32::MIN as f64)),
        ]))
        .unwrap();
        assert_eq!(
            (config.surveys[0].delay_seconds, config.theme.z_index),
            (86_400, i32::MIN)
        );
    }
}
