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

#[cfg(test)]
mod tests {
    use super::*;

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
        for (value, expected) in [(0.0, "0.00"), (0.3, "0.30"), (0.734, "0.73"), (1.0, "1.00"), (2.0, "1.00")] {
            let mut s = String::new();
            push_fraction(&mut s, value);
            assert_eq!(s, expected);
        }
    }
}
