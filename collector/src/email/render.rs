//! A survey email, rendered: the subject (the survey's question, in the reader's language), an
//! HTML part that email clients draw (tables, inline styles only, no script; the scale's scores
//! as links; readable in light and dark mode, right to left where the language is) and a plain
//! text part with the same links. Templates: `collector/pages/email.html` and `email.txt`,
//! rendered with minijinja (the HTML one escaping every value).

use std::sync::LazyLock;

use minijinja::{context, AutoEscape, Environment};
#[cfg(test)]
use nps_widget::core::i18n::LANGUAGES;
use nps_widget::core::i18n::{fill, resolve, Catalog, TextKey};
use nps_widget::core::kind::Kind;

use crate::pages::words;

/// The widget's own texts, every language (the question and the scale's labels).
const CATALOG_FILES: [(&str, &str); 41] = [
    ("en", include_str!("../../../src/i18n/en.txt")),
    ("ar", include_str!("../../../src/i18n/ar.txt")),
    ("bg", include_str!("../../../src/i18n/bg.txt")),
    ("cs", include_str!("../../../src/i18n/cs.txt")),
    ("da", include_str!("../../../src/i18n/da.txt")),
    ("de", include_str!("../../../src/i18n/de.txt")),
    ("el", include_str!("../../../src/i18n/el.txt")),
    ("es", include_str!("../../../src/i18n/es.txt")),
    ("et", include_str!("../../../src/i18n/et.txt")),
    ("fa", include_str!("../../../src/i18n/fa.txt")),
    ("fi", include_str!("../../../src/i18n/fi.txt")),
    ("fr", include_str!("../../../src/i18n/fr.txt")),
    ("he", include_str!("../../../src/i18n/he.txt")),
    ("hi", include_str!("../../../src/i18n/hi.txt")),
    ("hr", include_str!("../../../src/i18n/hr.txt")),
    ("hu", include_str!("../../../src/i18n/hu.txt")),
    ("id", include_str!("../../../src/i18n/id.txt")),
    ("it", include_str!("../../../src/i18n/it.txt")),
    ("ja", include_str!("../../../src/i18n/ja.txt")),
    ("ko", include_str!("../../../src/i18n/ko.txt")),
    ("lt", include_str!("../../../src/i18n/lt.txt")),
    ("lv", include_str!("../../../src/i18n/lv.txt")),
    ("ms", include_str!("../../../src/i18n/ms.txt")),
    ("nb", include_str!("../../../src/i18n/nb.txt")),
    ("nl", include_str!("../../../src/i18n/nl.txt")),
    ("pl", include_str!("../../../src/i18n/pl.txt")),
    ("pt", include_str!("../../../src/i18n/pt.txt")),
    ("pt-BR", include_str!("../../../src/i18n/pt-BR.txt")),
    ("ro", include_str!("../../../src/i18n/ro.txt")),
    ("ru", include_str!("../../../src/i18n/ru.txt")),
    ("sk", include_str!("../../../src/i18n/sk.txt")),
    ("sl", include_str!("../../../src/i18n/sl.txt")),
    ("sr", include_str!("../../../src/i18n/sr.txt")),
    ("sv", include_str!("../../../src/i18n/sv.txt")),
    ("th", include_str!("../../../src/i18n/th.txt")),
    ("tr", include_str!("../../../src/i18n/tr.txt")),
    ("uk", include_str!("../../../src/i18n/uk.txt")),
    ("ur", include_str!("../../../src/i18n/ur.txt")),
    ("vi", include_str!("../../../src/i18n/vi.txt")),
    ("zh-CN", include_str!("../../../src/i18n/zh-CN.txt")),
    ("zh-TW", include_str!("../../../src/i18n/zh-TW.txt")),
];

/// The catalogs, parsed once.
static CATALOGS: LazyLock<Vec<Catalog>> = LazyLock::new(|| {
    CATALOG_FILES
        .iter()
        .map(|(tag, file)| {
            // The files are the widget's, checked by its tests: one that does not parse is a
            // bug caught by the tests below, not an input.
            Catalog::parse(tag, file)
                .unwrap_or_else(|key| panic!("src/i18n/{tag}.txt lacks {}", key.name()))
        })
        .collect()
});

/// The templates, parsed once.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // HTML escaping of the five characters that need it, and no more: minijinja's own also
    // writes `/` as `&#x2f;`, which some mail clients' link checkers do not undo in an href.
    env.set_formatter(|out, state, value| {
        if *state.auto_escape() == AutoEscape::Html && !value.is_safe() && value.as_str().is_some()
        {
            let text = value.as_str().unwrap_or_default();
            let mut escaped = String::with_capacity(text.len());
            for c in text.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#39;"),
                    c => escaped.push(c),
                }
            }
            out.write_str(&escaped).map_err(|_| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write")
            })
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    for (name, source) in [
        ("email.html", include_str!("../../pages/email.html")),
        ("email.txt", include_str!("../../pages/email.txt")),
    ] {
        env.add_template(name, source)
            .unwrap_or_else(|error| panic!("template {name}: {error}"));
    }
    env
});

/// The catalog of the widget's language that best matches `tag`.
fn catalog(tag: &str) -> &'static Catalog {
    let tag = resolve(tag);
    CATALOGS
        .iter()
        .find(|catalog| catalog.tag() == tag)
        .unwrap_or(&CATALOGS[0])
}

/// What one email says, and to whom it links.
#[derive(Clone, Debug)]
pub struct Content<'a> {
    /// The survey's kind: its scale and texts.
    pub kind: Kind,
    /// The product's name, for `{product}`.
    pub product: &'a str,
    /// The subject, when not the question.
    pub subject: Option<&'a str>,
    /// The reader's language (a tag; resolved to one of the widget's).
    pub language: &'a str,
    /// The survey link (with its token); each score links to it with `&score=N`.
    pub link: &'a str,
    /// The unsubscribe link.
    pub unsubscribe: &'a str,
}

/// A rendered email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// The widget's language it is written in.
    pub language: &'static str,
    /// Its subject.
    pub subject: String,
    /// Its HTML part.
    pub html: String,
    /// Its plain text part.
    pub text: String,
}

/// The link of one score.
pub fn score_link(link: &str, score: u8) -> String {
    format!("{link}&score={score}")
}

/// Renders the email of `content`.
pub fn render(content: &Content) -> Result<Email, String> {
    let catalog = catalog(content.language);
    let words = words::words(catalog.tag());
    let text = |key: TextKey| catalog.text(key.for_kind(content.kind));
    let product = |template: &str| fill(template, "{product}", content.product);
    let question = product(text(TextKey::Question));
    let subject = content
        .subject
        .map_or_else(|| question.clone(), str::to_owned);
    let (low, high) = content.kind.scores();
    let scores: Vec<_> = (low..=high)
        .map(|n| context! { n, href => score_link(content.link, n) })
        .collect();
    let rtl = catalog.is_rtl();
    let context = context! {
        lang => catalog.tag(),
        dir => if rtl { "rtl" } else { "ltr" },
        start => if rtl { "right" } else { "left" },
        end => if rtl { "left" } else { "right" },
        subject => &subject,
        question,
        prompt => words.email_prompt,
        scale => text(TextKey::ScaleLabel),
        low, high,
        low_label => text(TextKey::LowLabel),
        high_label => text(TextKey::HighLabel),
        scores,
        width => 100 / usize::from(high - low + 1),
        footer => product(words.email_footer),
        unsubscribe_label => words.email_unsubscribe,
        unsubscribe => content.unsubscribe,
    };
    let render = |name: &str| {
        TEMPLATES
            .get_template(name)
            .and_then(|template| template.render(&context))
            .map_err(|error| format!("cannot render {name}: {error}"))
    };
    Ok(Email {
        language: catalog.tag(),
        subject,
        html: render("email.html")?,
        text: render("email.txt")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_of_the_widget_has_its_catalog_and_an_email() {
        assert_eq!(CATALOGS.len(), LANGUAGES.len());
        for tag in LANGUAGES {
            assert_eq!(catalog(tag).tag(), tag);
            let email = render(&Content {
                kind: Kind::Csat,
                product: "Acme <&>",
                subject: None,
                language: tag,
                link: "https://nps.example.com/s/support?t=a.b",
                unsubscribe: "https://nps.example.com/unsubscribe?t=a.b",
            })
            .unwrap();
            assert!(
                email.subject.contains("Acme <&>"),
                "{tag}: {}",
                email.subject
            );
            assert!(email.html.contains("Acme &lt;&amp;&gt;"), "{tag}");
            assert!(!email.html.contains("<&>"), "{tag}: escaped");
            assert!(
                email
                    .html
                    .contains("href=\"https://nps.example.com/s/support?t=a.b&amp;score=1\""),
                "{tag}: {}",
                email.html
            );
            assert!(email.text.contains("Acme <&>"), "{tag}: plain text as is");
            for n in 1..=5 {
                let link = format!("https://nps.example.com/s/support?t=a.b&score={n}");
                assert!(email.text.contains(&link), "{tag}: {link}");
            }
            assert!(!email.text.contains("score=6"), "{tag}");
        }
    }
}
