//! The text shown for each key in a survey of one kind: the host's override for the card's
//! language, else its override for every language, else the built-in translation of the
//! kind's text (see [`TextKey::for_kind`]).

use super::config::{TextOverrides, Texts};
use super::i18n::{resolve, Catalog, TextKey};
use super::kind::Kind;

fn slot(texts: &Texts, key: TextKey) -> Option<&str> {
    match key {
        TextKey::Question => texts.question.as_deref(),
        TextKey::LowLabel => texts.low_label.as_deref(),
        TextKey::HighLabel => texts.high_label.as_deref(),
        TextKey::FollowUpDetractor => texts.follow_up[0].as_deref(),
        TextKey::FollowUpPassive => texts.follow_up[1].as_deref(),
        TextKey::FollowUpPromoter => texts.follow_up[2].as_deref(),
        TextKey::Placeholder => texts.placeholder.as_deref(),
        TextKey::Send => texts.send.as_deref(),
        TextKey::Skip => texts.skip.as_deref(),
        TextKey::ThankYouDetractor => texts.thank_you[0].as_deref(),
        TextKey::ThankYouPassive => texts.thank_you[1].as_deref(),
        TextKey::ThankYouPromoter => texts.thank_you[2].as_deref(),
        _ => None,
    }
}

/// The text for `key` in a survey of `kind`, in `catalog`'s language, honouring the survey's
/// overrides (which name the texts by their NPS keys).
pub fn text<'a>(
    overrides: &'a TextOverrides,
    catalog: &'a Catalog,
    kind: Kind,
    key: TextKey,
) -> &'a str {
    let for_language = overrides
        .by_language
        .iter()
        .filter(|(tag, _)| resolve(tag) == catalog.tag())
        .find_map(|(_, texts)| slot(texts, key));
    for_language
        .or_else(|| slot(&overrides.all, key))
        .unwrap_or_else(|| catalog.text(key.for_kind(kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn german() -> Catalog {
        Catalog::parse("de", include_str!("../i18n/de.txt")).unwrap()
    }

    #[test]
    fn language_override_beats_general_override_beats_catalog() {
        let overrides = TextOverrides {
            all: Texts {
                send: Some("Submit".into()),
                ..Texts::default()
            },
            by_language: vec![(
                "de".into(),
                Texts {
                    send: Some("Abschicken".into()),
                    ..Texts::default()
                },
            )],
        };
        let english = Catalog::english();
        assert_eq!(
            text(&overrides, &german(), Kind::Nps, TextKey::Send),
            "Abschicken"
        );
        assert_eq!(
            text(&overrides, &english, Kind::Nps, TextKey::Send),
            "Submit"
        );
        assert_eq!(
            text(
                &TextOverrides::default(),
                &english,
                Kind::Nps,
                TextKey::Send
            ),
            "Send"
        );
        assert_eq!(
            text(
                &TextOverrides::default(),
                &german(),
                Kind::Nps,
                TextKey::Send
            ),
            "Senden"
        );
        assert_eq!(
            text(&overrides, &english, Kind::Nps, TextKey::Close),
            "Close survey"
        );
        let regional = TextOverrides {
            by_language: vec![(
                "de-CH".into(),
                Texts {
                    send: Some("Senden!".into()),
                    ..Texts::default()
                },
            )],
            ..overrides
        };
        assert_eq!(
            text(&regional, &german(), Kind::Nps, TextKey::Send),
            "Senden!"
        );
    }

    #[test]
    fn each_kind_reads_its_own_scale_texts_and_shares_the_rest() {
        let english = Catalog::english();
        let none = TextOverrides::default();
        let question = |kind| text(&none, &english, kind, TextKey::Question);
        assert_eq!(
            question(Kind::Csat),
            "How satisfied are you with {product}?"
        );
        assert_eq!(
            question(Kind::Ces),
            "{product} made it easy for me to do what I wanted."
        );
        assert_eq!(
            text(&none, &german(), Kind::Ces, TextKey::HighLabel),
            german().text(TextKey::CesHighLabel)
        );
        assert_eq!(
            text(&none, &english, Kind::Csat, TextKey::follow_up(0)),
            "We're sorry to hear that. What went wrong?"
        );
        assert_eq!(
            text(&none, &english, Kind::Ces, TextKey::follow_up(2)),
            "Great to hear! What worked well for you?"
        );
        // Shared by every kind.
        for kind in [Kind::Csat, Kind::Ces] {
            assert_eq!(text(&none, &english, kind, TextKey::Send), "Send");
            assert_eq!(
                text(&none, &english, kind, TextKey::ThankYouPromoter),
                english.text(TextKey::ThankYouPromoter)
            );
        }
        // A survey's override names the text by its NPS key, whatever the kind.
        let overrides = TextOverrides {
            all: Texts {
                question: Some("Exporting was easy.".into()),
                follow_up: [None, Some("Why 4?".into()), None],
                ..Texts::default()
            },
            by_language: Vec::new(),
        };
        assert_eq!(
            text(&overrides, &english, Kind::Ces, TextKey::Question),
            "Exporting was easy."
        );
        assert_eq!(
            text(&overrides, &english, Kind::Ces, TextKey::follow_up(1)),
            "Why 4?"
        );
    }
}
