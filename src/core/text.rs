//! Tiny text helpers that replace `format!`/`Display` (which pull `core::fmt` into the wasm).

use crate::prelude::*;

/// Appends the decimal digits of `value`, left-padded with zeros to at least `width` digits.
pub fn push_padded(out: &mut String, value: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut rest = value;
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for _ in (buf.len() - at)..width {
        out.push('0');
    }
    for &digit in &buf[at..] {
        out.push(digit as char);
    }
}

/// Appends the decimal digits of `value`.
pub fn push_uint(out: &mut String, value: u64) {
    push_padded(out, value, 1);
}

/// Reads a decimal integer: an optional `-`, then 1 to 18 ASCII digits and nothing else. One
/// small parser for every integer the widget reads (core's generic `FromStr` for each integer
/// type costs about 1 KB of wasm).
pub fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + (b - b'0') as i64;
    }
    Some(if negative { -value } else { value })
}

/// Reads a decimal integer that fits a `u32` (see [`parse_int`]).
pub fn parse_u32(text: &str) -> Option<u32> {
    parse_int(text).and_then(|n| u32::try_from(n).ok())
}

/// The decimal text of a signed integer.
pub fn int(value: i64) -> String {
    let mut out = String::new();
    if value < 0 {
        out.push('-');
    }
    push_uint(&mut out, value.unsigned_abs());
    out
}

/// Appends a fraction in 0..=1 with two decimals (`0.73`), rounding down.
pub fn push_fraction(out: &mut String, value: f64) {
    let hundredths = (value.clamp(0.0, 1.0) * 100.0) as u64;
    push_uint(out, hundredths / 100);
    out.push('.');
    push_padded(out, hundredths % 100, 2);
}

/// Concatenates string pieces into one `String`.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Whether two strings are at most one typo apart: equal but for ASCII case, or one letter
/// changed, added, removed, or two neighbours swapped. For "did you mean" hints; a linear scan
/// (no table, no indexing: a bounds-check panic would link `core::fmt`, see lib.rs).
pub fn one_typo_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let same = |x: &u8, y: &u8| x.eq_ignore_ascii_case(y);
    let prefix = a.iter().zip(b).take_while(|(x, y)| same(x, y)).count();
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| same(x, y))
        .count();
    let kept = prefix + suffix;
    let (shorter, longer) = (a.len().min(b.len()), a.len().max(b.len()));
    match longer - shorter {
        // Equal, or one letter changed.
        0 if kept + 1 >= longer => true,
        // Two neighbours swapped.
        0 if kept + 2 >= longer => {
            let lower = |s: &[u8], i: usize| s.get(i).map(u8::to_ascii_lowercase);
            lower(a, prefix) == lower(b, prefix + 1) && lower(a, prefix + 1) == lower(b, prefix)
        }
        // One letter added or removed.
        1 => kept >= shorter,
        _ => false,
    }
}

/// The index of the first byte of `text` that is one of the ASCII bytes `any`. A plain byte
/// loop: core's `find`/`split` on chars bring their searchers and `memchr` into the wasm.
// `any.contains(&b)` on bytes is core's `memchr` again.
#[allow(clippy::manual_contains)]
pub fn find_byte(text: &str, any: &[u8]) -> Option<usize> {
    text.bytes().position(|b| any.iter().any(|&a| a == b))
}

/// `text` split at the first of the ASCII bytes `any`: the part before it and the rest after it.
pub fn split_once_byte<'a>(text: &'a str, any: &[u8]) -> Option<(&'a str, &'a str)> {
    let at = find_byte(text, any)?;
    // An ASCII byte is a char boundary on both sides; `get` keeps the slicing panic out.
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// The parts of `text` between the ASCII bytes `any` (like `str::split` with a set of chars).
pub fn split_bytes<'a>(text: &'a str, any: &'a [u8]) -> SplitBytes<'a> {
    SplitBytes {
        rest: Some(text),
        any,
    }
}

/// Iterator of [`split_bytes`].
pub struct SplitBytes<'a> {
    rest: Option<&'a str>,
    any: &'a [u8],
}

impl<'a> Iterator for SplitBytes<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.rest?;
        match split_once_byte(text, self.any) {
            Some((part, rest)) => {
                self.rest = Some(rest);
                Some(part)
            }
            None => {
                self.rest = None;
                Some(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_splitting_matches_core() {
        for text in [
            "",
            ";",
            "a",
            "a;b",
            ";a;;b;",
            "s=1;o=a",
            "é;ü=ß;",
            "k: v\r\nq: w\n",
        ] {
            assert_eq!(
                split_bytes(text, b";").collect::<Vec<_>>(),
                text.split(';').collect::<Vec<_>>(),
                "{text:?}"
            );
            assert_eq!(
                split_once_byte(text, b"="),
                text.split_once('='),
                "{text:?}"
            );
        }
        assert_eq!(
            split_bytes("zh_Hant-TW", b"-_").collect::<Vec<_>>(),
            ["zh", "Hant", "TW"]
        );
        assert_eq!(find_byte("/a/b?x#y", b"?#"), Some(4));
        assert_eq!(find_byte("/a/b#y?x", b"?#"), Some(4));
        assert_eq!(find_byte("/a/b", b"?#"), None);
    }

    #[test]
    fn numbers() {
        let mut s = String::new();
        push_padded(&mut s, 7, 3);
        s.push(' ');
        push_uint(&mut s, 0);
        s.push(' ');
        push_uint(&mut s, u64::MAX);
        s.push(' ');
        push_padded(&mut s, 12345, 2);
        assert_eq!(s, "007 0 18446744073709551615 12345");
        assert_eq!(int(-42), "-42");
        assert_eq!(int(2_147_483_000), "2147483000");
    }

    #[test]
    fn fractions() {
        for (value, expected) in [
            (0.0, "0.00"),
            (0.3, "0.30"),
            (0.734, "0.73"),
            (1.0, "1.00"),
            (2.0, "1.00"),
        ] {
            let mut s = String::new();
            push_fraction(&mut s, value);
            assert_eq!(s, expected);
        }
    }

    #[test]
    fn integers_are_read_strictly() {
        for (text, expected) in [
            ("0", Some(0)),
            ("42", Some(42)),
            ("-7", Some(-7)),
            ("1795600000000", Some(1_795_600_000_000)),
            ("999999999999999999", Some(999_999_999_999_999_999)),
            ("1000000000000000000", None),
            ("", None),
            ("-", None),
            ("+5", None),
            (" 5", None),
            ("5s", None),
            ("1.5", None),
            ("--1", None),
        ] {
            assert_eq!(parse_int(text), expected, "{text:?}");
        }
        assert_eq!(parse_u32("4294967295"), Some(u32::MAX));
        assert_eq!(parse_u32("4294967296"), None);
        assert_eq!(parse_u32("-1"), None);
    }

    #[test]
    fn one_typo_apart_allows_one_edit() {
        for (a, b) in [
            ("product", "product"),
            ("Product", "product"),
            ("prodcut", "product"),
            ("endpont", "endpoint"),
            ("endpoints", "endpoint"),
            ("emial", "email"),
            ("acent", "accent"),
            ("debig", "debug"),
            ("ab", "ba"),
        ] {
            assert!(one_typo_apart(a, b), "{a} / {b}");
        }
        for (a, b) in [
            ("colour", "debug"),
            ("prdocut", "product"),
            ("kitten", "sitting"),
            ("abc", "cab"),
            ("", "ab"),
            ("language", "trigger"),
        ] {
            assert!(!one_typo_apart(a, b), "{a} / {b}");
        }
    }
}
