//! How the card looks: the theme's mode, position, accent and z-index, and the language's tag
//! and direction, as the card's CSS classes and properties.

use crate::prelude::*;

use crate::core::colour::ring_colours;
use crate::core::config::{text_colour_on, Position, Theme, ThemeMode};
use crate::core::i18n::Catalog;

/// How the card looks, resolved from the theme and the language.
pub struct Look {
    /// `light`, `dark` or `auto` CSS class.
    pub mode: &'static str,
    /// Position CSS class.
    pub position: &'static str,
    /// Accent colour and the text colour readable on it.
    pub accent: Option<(String, &'static str)>,
    /// With an accent, the focus ring's colour on a light and on a dark card: the accent where
    /// it stands out from the card, else a fixed colour.
    pub rings: Option<(String, String)>,
    /// CSS z-index.
    pub z_index: i32,
    /// Language tag of the texts.
    pub lang: &'static str,
    /// Right-to-left layout.
    pub rtl: bool,
    /// Accessible label of the close button.
    pub close_label: String,
}

impl Look {
    /// The look of `theme` in the language of `catalog`.
    /// On a hosted page (`page`), the card is the page's content: position `page`.
    pub fn new(theme: &Theme, catalog: &Catalog, close_label: String, page: bool) -> Look {
        Look {
            mode: match theme.mode {
                ThemeMode::Light => "light",
                ThemeMode::Dark => "dark",
                ThemeMode::Auto => "auto",
            },
            position: match theme.position {
                _ if page => "page",
                Position::Bottom => "bottom",
                Position::BottomRight => "bottom-right",
                Position::BottomLeft => "bottom-left",
                Position::Top => "top",
            },
            accent: theme
                .accent
                .as_ref()
                .map(|accent| (accent.clone(), text_colour_on(accent))),
            rings: theme.accent.as_deref().map(|accent| {
                let (light, dark) = ring_colours(accent);
                (light.into(), dark.into())
            }),
            z_index: theme.z_index,
            lang: catalog.tag(),
            rtl: catalog.is_rtl(),
            close_label,
        }
    }
}
