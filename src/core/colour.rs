//! Colours of the card that depend on the host's accent: the text readable on it, and the
//! focus ring, which takes the accent only where the accent stands out from the card.

use super::float::sqrt;

/// The card's background in light mode (card.css `--bg`).
pub const LIGHT_CARD: &str = "#ffffff";
/// The card's background in dark mode (card.css `.dark --bg`).
pub const DARK_CARD: &str = "#1f2430";
/// The focus ring on a light card when the accent is too faint on it (6.7:1 on white).
pub const LIGHT_RING: &str = "#1d4ed8";
/// The focus ring on a dark card when the accent is too faint on it (8.3:1 on the card).
pub const DARK_RING: &str = "#93c5fd";

/// WCAG relative luminance of an `#rrggbb` colour (0 black, 1 white).
pub fn luminance(colour: &str) -> f64 {
    let channel = |at: usize| {
        let v = colour
            .get(at..at + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0) as f64
            / 255.0;
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
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

/// The text colour (`#000` or `#fff`) with the higher WCAG contrast on an `#rrggbb` accent.
pub fn text_colour_on(accent: &str) -> &'static str {
    // Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05); equal at L ≈ 0.179.
    if luminance(accent) > 0.179 {
        "#000"
    } else {
        "#fff"
    }
}

/// The contrast the focus ring keeps against the card: WCAG 1.4.11 asks 3:1 of non-text
/// contrast; a little more covers the approximation in [`luminance`].
const RING_CONTRAST: f64 = 3.1;
/// The light card's luminance (white).
const LIGHT_CARD_LUMINANCE: f64 = 1.0;
/// The dark card's luminance ([`DARK_CARD`], with the exact curve; tested below).
const DARK_CARD_LUMINANCE: f64 = 0.017_66;

/// The focus ring's colour on the light and on the dark card, for an `#rrggbb` accent: the
/// accent where it keeps 3:1 against that card, else the fixed ring. Comparisons of luminance
/// (a darker colour on the light card, a lighter one on the dark card), not contrast ratios.
pub fn ring_colours(accent: &str) -> (&str, &str) {
    let l = luminance(accent);
    let light = if l <= (LIGHT_CARD_LUMINANCE + 0.05) / RING_CONTRAST - 0.05 {
        accent
    } else {
        LIGHT_RING
    };
    let dark = if l >= (DARK_CARD_LUMINANCE + 0.05) * RING_CONTRAST - 0.05 {
        accent
    } else {
        DARK_RING
    };
    (light, dark)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance with the exact sRGB curve.
    fn exact_luminance(rgb: [u8; 3]) -> f64 {
        let channel = |c: u8| {
            let v = c as f64 / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    }

    fn exact_contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
        let (a, b) = (exact_luminance(a) + 0.05, exact_luminance(b) + 0.05);
        a.max(b) / a.min(b)
    }

    fn hex(rgb: [u8; 3]) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::from("#");
        for c in rgb {
            out.push(DIGITS[(c >> 4) as usize] as char);
            out.push(DIGITS[(c & 15) as usize] as char);
        }
        out
    }

    fn rgb(hex: &str) -> [u8; 3] {
        let at = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
        [at(1), at(3), at(5)]
    }

    /// Every fourth value of each channel.
    fn grid() -> impl Iterator<Item = [u8; 3]> {
        let steps = (0..=255u8).step_by(4);
        steps.clone().flat_map(move |r| {
            let steps = (0..=255u8).step_by(4);
            steps.flat_map(move |g| (0..=255u8).step_by(4).map(move |b| [r, g, b]))
        })
    }

    #[test]
    fn the_ring_keeps_three_to_one_against_the_card_whatever_the_accent() {
        assert!((exact_luminance(rgb(DARK_CARD)) - DARK_CARD_LUMINANCE).abs() < 1e-5);
        assert_eq!(luminance(LIGHT_CARD), LIGHT_CARD_LUMINANCE);
        for (card, fixed, which) in [(LIGHT_CARD, LIGHT_RING, 0), (DARK_CARD, DARK_RING, 1)] {
            assert!(
                exact_contrast(rgb(fixed), rgb(card)) >= 4.5,
                "{fixed} on {card}"
            );
            let (mut accents, mut fixed_rings) = (0, 0);
            for colour in grid() {
                let accent = hex(colour);
                let rings = ring_colours(&accent);
                let ring = if which == 0 { rings.0 } else { rings.1 };
                let ratio = exact_contrast(rgb(ring), rgb(card));
                assert!(
                    ratio >= 3.0,
                    "ring {ring} for {accent} on {card}: {ratio:.2}:1"
                );
                if ring == accent {
                    accents += 1;
                } else {
                    assert_eq!(ring, fixed);
                    fixed_rings += 1;
                    // Only accents that are (nearly) too faint fall back to the fixed colour.
                    let own = exact_contrast(colour, rgb(card));
                    assert!(own < 3.3, "{accent} on {card}: {own:.2}:1");
                }
            }
            assert!(accents > 0 && fixed_rings > 0, "{card}");
        }
        // The built-in accents are their own rings; a yellow accent is, on a dark card only.
        assert_eq!(ring_colours("#2563eb").0, "#2563eb");
        assert_eq!(ring_colours("#60a5fa").1, "#60a5fa");
        assert_eq!(ring_colours("#ffd60a"), (LIGHT_RING, "#ffd60a"));
        assert_eq!(ring_colours("#0b3d91"), ("#0b3d91", DARK_RING));
    }

    #[test]
    fn luminance_is_close_to_the_exact_curve() {
        for colour in grid() {
            let (ours, exact) = (luminance(&hex(colour)), exact_luminance(colour));
            assert!(
                (ours - exact).abs() < 0.01,
                "{}: {ours} vs {exact}",
                hex(colour)
            );
        }
        assert_eq!(luminance("#ffffff"), 1.0);
        assert_eq!(luminance("#000000"), 0.0);
    }
}
