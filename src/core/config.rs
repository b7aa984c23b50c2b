//! The `init(config)` object: validation into typed settings. Every error names the key and
//! the accepted form; unknown keys are errors so typos surface at once.

use crate::prelude::*;

use super::duration::{days_from_number, parse_duration, Duration};
use super::error::Error;
use super::float::{is_whole, sqrt};
use super::text::concat;
use super::time::parse_timestamp;
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
    /// What may show the survey; any one fires.
    pub triggers: Vec<Trigger>,
    /// Seconds to wait after a trigger before showing.
    pub delay_seconds: u32,
    /// How often a user may be asked.
    pub throttle: Throttle,
    /// Text overrides, for every language and per language.
    pub texts: TextOverrides,
    /// Call to action shown to promoters on the thank-you step.
    pub promoter_cta: Option<Cta>,
    /// Look of the card.
    pub theme: Theme,
    /// Collector eligibility URL asked before showing.
    pub eligibility_endpoint: Option<String>,
    /// Nothing is stored or sent until consent is granted.
    pub require_consent: bool,
    /// Log every decision to the console.
    pub debug: bool,
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

/// Overridable texts, by score category where the card differs per category.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Texts {
    /// The question; `{product}` is replaced by the product name.
    pub question: Option<String>,
    /// Follow-up per category: detractor, passive, promoter.
    pub follow_up: [Option<String>; 3],
    /// Placeholder of the comment box.
    pub placeholder: Option<String>,
    /// Label of the send button.
    pub send: Option<String>,
    /// Thank-you per category: detractor, passive, promoter.
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
        Theme { mode: ThemeMode::Light, accent: None, position: Position::Bottom, z_index: DEFAULT_Z_INDEX }
    }
}

/// The text colour (`#000` or `#fff`) with the higher WCAG contrast on an `#rrggbb` accent.
pub fn text_colour_on(accent: &str) -> &'static str {
    let channel = |at: usize| {
        let v = accent.get(at..at + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0) as f64 / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            // x^2.375 (from square roots, which are single wasm instructions) stands in for
            // x^2.4: within 3 %, and `powf` would add a few KB of libm to the wasm.
            let x = (v + 0.055) / 1.055;
            let fourth_root = sqrt(sqrt(x));
            x * x * fourth_root * sqrt(fourth_root)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05); equal at L ≈ 0.179.
    if luminance > 0.179 {
        "#000"
    } else {
        "#fff"
    }
}

type Entries = [(String, Value)];

const TOP_KEYS: &[&str] = &[
    "endpoint", "product", "user", "account", "language", "triggers", "delaySeconds", "throttle", "texts",
    "promoterCta", "theme", "eligibilityEndpoint", "requireConsent", "debug",
];
const TEXT_KEYS: &[&str] = &["question", "followUp", "placeholder", "send", "thankYou"];
const CATEGORY_KEYS: &[&str] = &["detractor", "passive", "promoter"];

/// Validates a config object.
pub fn parse_config(value: &Value) -> Result<Config, Error> {
    let top = object(value, "config")?;
    allow_keys(top, "", TOP_KEYS)?;
    let endpoint = match field(top, "endpoint") {
        Some(v) => url(v, "endpoint")?,
        None => return Err(Error::config("endpoint", "a collector URL (required)")),
    };
    Ok(Config {
        endpoint,
        product: optional(top, "product", |v| text(v, "product"))?.unwrap_or_else(|| "us".into()),
        user: optional(top, "user", user)?,
        account: optional(top, "account", account)?,
        language: optional(top, "language", |v| language_tag(v, "language"))?,
        triggers: optional(top, "triggers", triggers)?.unwrap_or_else(|| vec![Trigger::Load]),
        delay_seconds: optional(top, "delaySeconds", |v| whole_number(v, "delaySeconds", 86_400))?.unwrap_or(0),
        throttle: optional(top, "throttle", throttle)?.unwrap_or_default(),
        texts: optional(top, "texts", text_overrides)?.unwrap_or_default(),
        promoter_cta: optional(top, "promoterCta", cta)?,
        theme: optional(top, "theme", theme)?.unwrap_or_default(),
        eligibility_endpoint: optional(top, "eligibilityEndpoint", |v| url(v, "eligibilityEndpoint"))?,
        require_consent: optional(top, "requireConsent", |v| boolean(v, "requireConsent"))?.unwrap_or(false),
        debug: optional(top, "debug", |v| boolean(v, "debug"))?.unwrap_or(false),
    })
}

/// Validates the argument of `identify(user)`.
pub fn parse_user(value: &Value) -> Result<User, Error> {
    user(value)
}

fn field<'a>(entries: &'a Entries, key: &str) -> Option<&'a Value> {
    entries.iter().find(|(k, v)| k == key && !v.is_null()).map(|(_, v)| v)
}

fn optional<T>(entries: &Entries, key: &str, read: impl FnOnce(&Value) -> Result<T, Error>) -> Result<Option<T>, Error> {
    field(entries, key).map(read).transpose()
}

fn object<'a>(value: &'a Value, key: &str) -> Result<&'a Entries, Error> {
    match value {
        Value::Object(entries) => Ok(entries),
        _ => Err(Error::config(key, "an object")),
    }
}

fn allow_keys(entries: &Entries, prefix: &str, allowed: &[&str]) -> Result<(), Error> {
    match entries.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
        Some((key, _)) => Err(Error::UnknownKey { key: join(prefix, key) }),
        None => Ok(()),
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.into()
    } else {
        concat(&[prefix, ".", key])
    }
}

fn text(value: &Value, key: &str) -> Result<String, Error> {
    match value {
        Value::String(s) if s.len() <= 1000 => Ok(s.clone()),
        _ => Err(Error::config(key, "a string of at most 1000 characters")),
    }
}

fn id(value: &Value, key: &str) -> Result<String, Error> {
    match value {
        Value::String(s) if !s.is_empty() && s.len() <= 256 => Ok(s.clone()),
        Value::Number(n, text) if n.is_finite() => Ok(text.clone()),
        _ => Err(Error::config(key, "a non-empty string or a number")),
    }
}

fn boolean(value: &Value, key: &str) -> Result<bool, Error> {
    match value {
        Value::Bool(b) => Ok(*b),
        _ => Err(Error::config(key, "true or false")),
    }
}

fn whole_number(value: &Value, key: &str, max: u32) -> Result<u32, Error> {
    match value {
        Value::Number(n, _) if is_whole(*n) && *n >= 0.0 && *n <= max as f64 => Ok(*n as u32),
        _ => Err(Error::config(key, "a whole number of at least 0")),
    }
}

/// An absolute http(s) URL or a same-origin path (`/v1/responses`).
pub fn is_endpoint_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else if s.starts_with('/') && !s.starts_with("//") {
        s
    } else {
        return false;
    };
    !rest.is_empty() && s.len() <= 2048 && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

fn url(value: &Value, key: &str) -> Result<String, Error> {
    match value.as_str() {
        Some(s) if is_endpoint_url(s) => Ok(s.into()),
        _ => Err(Error::config(key, "an http(s) URL or a path starting with /")),
    }
}

fn language_tag(value: &Value, key: &str) -> Result<String, Error> {
    match value.as_str() {
        Some(s) if !s.is_empty() && s.len() <= 35 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') => {
            Ok(s.into())
        }
        _ => Err(Error::config(key, "a BCP-47 language tag such as \"de\" or \"pt-BR\"")),
    }
}

/// Most characters in one properties object (keys and values): two of them and the longest
/// comment still fit the collector's 16 KB body limit.
const MAX_PROPERTIES_TEXT: usize = 4000;

fn properties(value: &Value, key: &str) -> Result<Properties, Error> {
    let entries = object(value, key)?;
    let text: usize = entries.iter().map(|(k, v)| k.len() + v.as_str().map_or(8, str::len)).sum();
    if entries.len() > 50 || text > MAX_PROPERTIES_TEXT {
        return Err(Error::config(key, "an object with at most 50 keys and 4000 characters in all"));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (name, v) in entries {
        let scalar = match v {
            Value::String(s) if s.len() <= 1000 => Scalar::String(s.clone()),
            Value::Number(n, text) if n.is_finite() => Scalar::Number(text.clone()),
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Null => continue,
            _ => return Err(Error::config(&join(key, name), "a string, a finite number or a boolean")),
        };
        out.push((name.clone(), scalar));
    }
    Ok(out)
}

fn user(value: &Value) -> Result<User, Error> {
    let entries = object(value, "user")?;
    allow_keys(entries, "user", &["id", "email", "createdAt", "properties"])?;
    let created_at = optional(entries, "createdAt", |v| match v {
        Value::String(s) => parse_timestamp(s).ok_or(()),
        Value::Number(n, _) if n.is_finite() && is_whole(*n) => Ok(*n as i64),
        _ => Err(()),
    }
    .map_err(|()| Error::config("user.createdAt", "an ISO 8601 date (2025-01-15) or epoch milliseconds")))?;
    Ok(User {
        id: match field(entries, "id") {
            Some(v) => id(v, "user.id")?,
            None => return Err(Error::config("user.id", "a non-empty string or a number")),
        },
        email: optional(entries, "email", |v| text(v, "user.email"))?,
        created_at,
        properties: optional(entries, "properties", |v| properties(v, "user.properties"))?.unwrap_or_default(),
    })
}

fn account(value: &Value) -> Result<Account, Error> {
    let entries = object(value, "account")?;
    allow_keys(entries, "account", &["id", "name", "properties"])?;
    Ok(Account {
        id: match field(entries, "id") {
            Some(v) => id(v, "account.id")?,
            None => return Err(Error::config("account.id", "a non-empty string or a number")),
        },
        name: optional(entries, "name", |v| text(v, "account.name"))?,
        properties: optional(entries, "properties", |v| properties(v, "account.properties"))?.unwrap_or_default(),
    })
}

const TRIGGER_FORMS: &str =
    "a list of triggers: {on:'load'}, {event:'name'}, {url:'/path/*'}, {afterSeconds:N}, {pageViews:N}";

fn triggers(value: &Value) -> Result<Vec<Trigger>, Error> {
    let Value::Array(items) = value else {
        return Err(Error::config("triggers", TRIGGER_FORMS));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(entries) = item else {
            return Err(Error::config("triggers", TRIGGER_FORMS));
        };
        let trigger = match entries.as_slice() {
            [(k, v)] if k == "on" && v.as_str() == Some("load") => Trigger::Load,
            [(k, Value::String(name))] if k == "event" && !name.is_empty() => Trigger::Event(name.clone()),
            [(k, Value::String(glob))] if k == "url" && glob.starts_with('/') => Trigger::Url(glob.clone()),
            [(k, v)] if k == "afterSeconds" => Trigger::AfterSeconds(whole_number(v, "triggers.afterSeconds", 86_400)?),
            [(k, v)] if k == "pageViews" => match whole_number(v, "triggers.pageViews", 1_000_000)? {
                0 => return Err(Error::config("triggers.pageViews", "a whole number of at least 1")),
                n => Trigger::PageViews(n),
            },
            _ => return Err(Error::config("triggers", TRIGGER_FORMS)),
        };
        out.push(trigger);
    }
    Ok(out)
}

const DURATION_FORMS: &str = "a duration: \"N days\", \"N weeks\", \"N months\" or a number of days";

fn duration(value: &Value, key: &str) -> Result<Duration, Error> {
    match value {
        Value::String(s) => parse_duration(s),
        Value::Number(n, _) => days_from_number(*n),
        _ => None,
    }
    .ok_or_else(|| Error::config(key, DURATION_FORMS))
}

fn throttle(value: &Value) -> Result<Throttle, Error> {
    let entries = object(value, "throttle")?;
    allow_keys(entries, "throttle", &["resurveyAfter", "declineResurveyAfter", "firstSurveyAfter", "sampleRate"])?;
    let defaults = Throttle::default();
    Ok(Throttle {
        resurvey_after: optional(entries, "resurveyAfter", |v| duration(v, "throttle.resurveyAfter"))?
            .unwrap_or(defaults.resurvey_after),
        decline_resurvey_after: optional(entries, "declineResurveyAfter", |v| {
            duration(v, "throttle.declineResurveyAfter")
        })?
        .unwrap_or(defaults.decline_resurvey_after),
        first_survey_after: optional(entries, "firstSurveyAfter", |v| duration(v, "throttle.firstSurveyAfter"))?
            .unwrap_or(defaults.first_survey_after),
        sample_rate: optional(entries, "sampleRate", |v| match v {
            Value::Number(n, _) if (0.0..=1.0).contains(n) => Ok(*n),
            _ => Err(Error::config("throttle.sampleRate", "a number from 0 to 1")),
        })?
        .unwrap_or(1.0),
    })
}

fn per_category(value: &Value, key: &str) -> Result<[Option<String>; 3], Error> {
    let entries = object(value, key)?;
    allow_keys(entries, key, CATEGORY_KEYS)?;
    let mut out: [Option<String>; 3] = Default::default();
    for (slot, name) in out.iter_mut().zip(CATEGORY_KEYS) {
        *slot = optional(entries, name, |v| text(v, &join(key, name)))?;
    }
    Ok(out)
}

fn texts(entries: &Entries, prefix: &str) -> Result<Texts, Error> {
    let key = |name: &str| join(prefix, name);
    Ok(Texts {
        question: optional(entries, "question", |v| text(v, &key("question")))?,
        follow_up: optional(entries, "followUp", |v| per_category(v, &key("followUp")))?.unwrap_or_default(),
        placeholder: optional(entries, "placeholder", |v| text(v, &key("placeholder")))?,
        send: optional(entries, "send", |v| text(v, &key("send")))?,
        thank_you: optional(entries, "thankYou", |v| per_category(v, &key("thankYou")))?.unwrap_or_default(),
    })
}

/// `texts` holds text keys for every language, and language tags holding text keys for one.
fn text_overrides(value: &Value) -> Result<TextOverrides, Error> {
    let entries = object(value, "texts")?;
    let mut by_language = Vec::new();
    for (name, v) in entries.iter().filter(|(k, _)| !TEXT_KEYS.contains(&k.as_str())) {
        let prefix = join("texts", name);
        if language_tag(&Value::str(name), "texts").is_err() {
            return Err(Error::UnknownKey { key: prefix });
        }
        let language_entries = object(v, &prefix)?;
        allow_keys(language_entries, &prefix, TEXT_KEYS)?;
        by_language.push((name.clone(), texts(language_entries, &prefix)?));
    }
    Ok(TextOverrides { all: texts(entries, "texts")?, by_language })
}

fn cta(value: &Value) -> Result<Cta, Error> {
    let entries = object(value, "promoterCta")?;
    allow_keys(entries, "promoterCta", &["text", "url"])?;
    let url = match field(entries, "url").and_then(Value::as_str) {
        Some(s) if s.len() > 8 && (s.starts_with("https://") || s.starts_with("http://")) && is_endpoint_url(s) => s.into(),
        _ => return Err(Error::config("promoterCta.url", "an absolute http(s) URL")),
    };
    Ok(Cta { text: optional(entries, "text", |v| text(v, "promoterCta.text"))?, url })
}

fn theme(value: &Value) -> Result<Theme, Error> {
    let entries = object(value, "theme")?;
    allow_keys(entries, "theme", &["mode", "accent", "position", "zIndex"])?;
    let mode = match field(entries, "mode").map(|v| v.as_str()) {
        None => ThemeMode::Light,
        Some(Some("light")) => ThemeMode::Light,
        Some(Some("dark")) => ThemeMode::Dark,
        Some(Some("auto")) => ThemeMode::Auto,
        Some(_) => return Err(Error::config("theme.mode", "one of \"light\", \"dark\", \"auto\"")),
    };
    let position = match field(entries, "position").map(|v| v.as_str()) {
        None => Position::Bottom,
        Some(Some("bottom")) => Position::Bottom,
        Some(Some("bottom-right")) => Position::BottomRight,
        Some(Some("bottom-left")) => Position::BottomLeft,
        Some(Some("top")) => Position::Top,
        Some(_) => {
            return Err(Error::config("theme.position", "one of \"bottom\", \"bottom-right\", \"bottom-left\", \"top\""))
        }
    };
    let accent = optional(entries, "accent", |v| match v.as_str() {
        Some(s) if s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(s.to_ascii_lowercase())
        }
        _ => Err(Error::config("theme.accent", "a colour \"#rrggbb\"")),
    })?;
    let z_index = optional(entries, "zIndex", |v| match v {
        Value::Number(n, _) if is_whole(*n) && n.abs() <= i32::MAX as f64 => Ok(*n as i32),
        _ => Err(Error::config("theme.zIndex", "a whole number")),
    })?
    .unwrap_or(DEFAULT_Z_INDEX);
    Ok(Theme { mode, accent, position, z_index })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(entries: &[(&str, Value)]) -> Value {
        Value::Object(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn with(extra: &[(&str, Value)]) -> Value {
        let mut entries = vec![("endpoint", Value::str("/v1/responses"))];
        entries.extend_from_slice(extra);
        obj(&entries)
    }

    fn error_of(config: Value) -> String {
        parse_config(&config).expect_err("config should be refused").message()
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse_config(&with(&[])).unwrap();
        assert_eq!(config.endpoint, "/v1/responses");
        assert_eq!(config.product, "us");
        assert_eq!(config.user, None);
        assert_eq!(config.triggers, vec![Trigger::Load]);
        assert_eq!(config.throttle, Throttle::default());
        assert_eq!(config.throttle.resurvey_after, Duration::Months(6));
        assert_eq!(config.throttle.first_survey_after, Duration::Days(30));
        assert_eq!(config.theme, Theme::default());
        assert!(!config.debug && !config.require_consent);
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
                    ("properties", obj(&[("plan", Value::str("pro")), ("seats", Value::num(3.5)), ("trial", Value::Bool(false))])),
                ]),
            ),
            ("account", obj(&[("id", Value::str("acme")), ("name", Value::str("Acme Inc"))])),
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
            ("promoterCta", obj(&[("text", Value::str("Review us")), ("url", Value::str("https://example.com/review"))])),
            (
                "theme",
                obj(&[("mode", Value::str("auto")), ("accent", Value::str("#FF6600")), ("position", Value::str("top")), ("zIndex", Value::num(10.0))]),
            ),
            ("eligibilityEndpoint", Value::str("https://collector.example.com/v1/eligibility")),
            ("requireConsent", Value::Bool(true)),
            ("debug", Value::Bool(true)),
        ]))
        .unwrap();
        let user = config.user.unwrap();
        assert_eq!(user.id, "42");
        assert_eq!(user.created_at, parse_timestamp("2025-01-15"));
        assert_eq!(user.properties[1], ("seats".into(), Scalar::Number("3.5".into())));
        assert_eq!(config.account.unwrap().name.as_deref(), Some("Acme Inc"));
        assert_eq!(config.triggers.len(), 5);
        assert_eq!(config.triggers[4], Trigger::PageViews(3));
        assert_eq!(config.throttle.resurvey_after, Duration::Months(3));
        assert_eq!(config.throttle.decline_resurvey_after, Duration::Days(45));
        assert_eq!(config.throttle.first_survey_after, Duration::Days(14));
        assert_eq!(config.throttle.sample_rate, 0.3);
        assert_eq!(config.texts.all.follow_up[2].as_deref(), Some("Yay, why?"));
        assert_eq!(config.texts.by_language[0].1.send.as_deref(), Some("Abschicken"));
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
                "config `user.properties.tags` must be a string, a finite number or a boolean",
            ),
            (with(&[("triggers", obj(&[]))]), "config `triggers` must be a list of triggers"),
            (with(&[("triggers", Value::Array(vec![obj(&[("on", Value::str("click"))])]))]), "config `triggers` must be a list"),
            (with(&[("triggers", Value::Array(vec![obj(&[("pageViews", Value::num(0.0))])]))]), "config `triggers.pageViews` must be a whole number of at least 1"),
            (with(&[("delaySeconds", Value::num(-1.0))]), "config `delaySeconds` must be a whole number"),
            (with(&[("throttle", obj(&[("resurveyAfter", Value::str("6 moons"))]))]), "config `throttle.resurveyAfter` must be a duration: \"N days\""),
            (with(&[("throttle", obj(&[("sampleRate", Value::num(1.5))]))]), "config `throttle.sampleRate` must be a number from 0 to 1"),
            (with(&[("throttle", obj(&[("every", Value::num(1.0))]))]), "unknown config key `throttle.every`"),
            (with(&[("texts", obj(&[("followUp", obj(&[("fan", Value::str("x"))]))]))]), "unknown config key `texts.followUp.fan`"),
            (with(&[("texts", obj(&[("de", obj(&[("title", Value::str("x"))]))]))]), "unknown config key `texts.de.title`"),
            (with(&[("texts", obj(&[("not a tag", Value::str("x"))]))]), "unknown config key `texts.not a tag`"),
            (with(&[("promoterCta", obj(&[("url", Value::str("javascript:alert(1)"))]))]), "config `promoterCta.url` must be an absolute http(s) URL"),
            (with(&[("promoterCta", obj(&[("url", Value::str("/relative"))]))]), "config `promoterCta.url` must be"),
            (with(&[("theme", obj(&[("mode", Value::str("neon"))]))]), "config `theme.mode` must be one of"),
            (with(&[("theme", obj(&[("accent", Value::str("red"))]))]), "config `theme.accent` must be a colour"),
            (with(&[("theme", obj(&[("position", Value::str("left"))]))]), "config `theme.position` must be one of"),
            (with(&[("language", Value::str("en US"))]), "config `language` must be a BCP-47 language tag"),
            (
                with(&[("account", obj(&[("id", Value::str("a")), ("properties", obj(&[("notes", Value::String("x".repeat(3000))), ("more", Value::String("y".repeat(1000)))]))]))]),
                "config `account.properties` must be an object with at most 50 keys and 4000 characters in all",
            ),
        ];
        for (config, expected) in cases {
            let message = error_of(config);
            assert!(message.starts_with("nps-widget: "), "{message}");
            assert!(message.contains(expected), "{message:?} should contain {expected:?}");
        }
    }

    #[test]
    fn null_values_mean_default() {
        let config = parse_config(&with(&[("product", Value::Null), ("user", Value::Null)])).unwrap();
        assert_eq!(config.product, "us");
        assert_eq!(config.user, None);
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
        for good in ["/v1/responses", "https://c.example.com/v1/responses", "HTTP://127.0.0.1:8787/v1/responses"] {
            assert!(is_endpoint_url(good), "{good}");
        }
        for bad in ["", "//x", "https://", "v1/responses", "data:text/plain,x", "/a b", "https://x\\y"] {
            assert!(!is_endpoint_url(bad), "{bad}");
        }
    }
}
