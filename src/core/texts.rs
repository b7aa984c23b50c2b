//! The text shown for each key: the host's override for the card's language, else its
//! override for every language, else the built-in translation.

use super::config::{TextOverrides, Texts};
use super::i18n::{resolve, Catalog, TextKey};

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

/// The text for `key` in `catalog`'s language, honouring the host's overrides.
pub fn text<'a>(overrides: &'a TextOverrides, catalog: &'a Catalog, key: TextKey) -> &'a str {
    let for_language = overrides
        .by_language
        .iter()
        .filter(|(tag, _)| resolve(tag) == catalog.tag())
        .find_map(|(_, texts)| slot(texts, key));
    for_language
        .or_else(|| slot(&overrides.all, key))
        .unwrap_or_else(|| catalog.text(key))
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
        assert_eq!(text(&overrides, &german(), TextKey::Send), "Abschicken");
        assert_eq!(text(&overrides, &english, TextKey::Send), "Submit");
        assert_eq!(
            text(&TextOverrides::default(), &english, TextKey::Send),
            "Send"
        );
        assert_eq!(
            text(&TextOverrides::default(), &german(), TextKey::Send),
            "Senden"
        );
        assert_eq!(text(&overrides, &english, TextKey::Close), "Close survey");
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
        assert_eq!(text(&regional, &german(), TextKey::Send), "Senden!");
    }
}
