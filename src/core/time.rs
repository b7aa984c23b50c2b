//! Calendar arithmetic on UTC epoch milliseconds: parsing and formatting RFC 3339 / ISO 8601
//! timestamps and adding calendar months. Written by hand (no `chrono`) because the wasm size
//! budget has no room for a date library or `core::fmt`.

use crate::prelude::*;

use super::text::push_padded;

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Gregorian date `(year, month 1-12, day 1-31)` of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Whether `year` has a February 29th.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1-12) of `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Adds `months` calendar months to an instant, keeping the time of day. A day that does not
/// exist in the target month is clamped to its last day (Jan 31 + 1 month = Feb 28 or 29).
pub fn add_months(epoch_ms: i64, months: u32) -> i64 {
    let days = epoch_ms.div_euclid(MS_PER_DAY);
    let time_of_day = epoch_ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let month_index = year * 12 + (month as i64 - 1) + months as i64;
    let new_year = month_index.div_euclid(12);
    let new_month = (month_index.rem_euclid(12) + 1) as u32;
    let new_day = day.min(days_in_month(new_year, new_month));
    days_from_civil(new_year, new_month, new_day) * MS_PER_DAY + time_of_day
}

/// Adds whole days to an instant.
pub fn add_days(epoch_ms: i64, days: u32) -> i64 {
    epoch_ms + days as i64 * MS_PER_DAY
}

/// The first and last instants a timestamp may name (0000-01-01T00:00:00.000Z and
/// 9999-12-31T23:59:59.999Z): the ones [`format_timestamp`] writes with a four-digit year, so
/// that every time read can be written back and read again.
pub const TIMESTAMP_RANGE: core::ops::RangeInclusive<i64> =
    -62_167_219_200_000..=253_402_300_799_999;

/// Reads `YYYY-MM-DD` or an RFC 3339 date-time (`YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`) as UTC
/// epoch milliseconds. A date alone means midnight UTC; a date-time without an offset is UTC.
/// An offset that moves the instant out of [`TIMESTAMP_RANGE`] makes it unreadable.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let mut at = 0;
    let year = digits(b, &mut at, 4)? as i64;
    expect(b, &mut at, b'-')?;
    let month = digits(b, &mut at, 2)?;
    expect(b, &mut at, b'-')?;
    let day = digits(b, &mut at, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * MS_PER_DAY;
    if at == b.len() {
        return Some(ms);
    }
    if !matches!(b[at], b'T' | b't' | b' ') {
        return None;
    }
    at += 1;
    let hour = digits(b, &mut at, 2)?;
    expect(b, &mut at, b':')?;
    let minute = digits(b, &mut at, 2)?;
    let mut second = 0;
    if b.get(at) == Some(&b':') {
        at += 1;
        second = digits(b, &mut at, 2)?;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    ms += (hour * 3_600_000 + minute * 60_000 + second.min(59) * 1000) as i64;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        let mut scale = 100;
        while at < b.len() && b[at].is_ascii_digit() {
            ms += (b[at] - b'0') as i64 * scale;
            scale /= 10;
            at += 1;
        }
        if at == start {
            return None;
        }
    }
    match b.get(at) {
        None => {}
        Some(b'Z' | b'z') => at += 1,
        Some(&sign @ (b'+' | b'-')) => {
            at += 1;
            let oh = digits(b, &mut at, 2)?;
            expect(b, &mut at, b':')?;
            let om = digits(b, &mut at, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let offset = (oh * 3_600_000 + om * 60_000) as i64;
            ms += if sign == b'+' { -offset } else { offset };
        }
        Some(_) => return None,
    }
    (at == b.len() && TIMESTAMP_RANGE.contains(&ms)).then_some(ms)
}

/// Formats an instant as `2026-11-22T10:00:00.000Z`.
pub fn format_timestamp(epoch_ms: i64) -> String {
    let mut out = format_date(epoch_ms);
    let ms = epoch_ms.rem_euclid(MS_PER_DAY) as u64;
    out.push('T');
    push_padded(&mut out, ms / 3_600_000, 2);
    out.push(':');
    push_padded(&mut out, ms / 60_000 % 60, 2);
    out.push(':');
    push_padded(&mut out, ms / 1000 % 60, 2);
    out.push('.');
    push_padded(&mut out, ms % 1000, 3);
    out.push('Z');
    out
}

/// Formats the UTC date of an instant as `2026-11-22`.
pub fn format_date(epoch_ms: i64) -> String {
    let (year, month, day) = civil_from_days(epoch_ms.div_euclid(MS_PER_DAY));
    let mut out = String::with_capacity(24);
    if year < 0 {
        out.push('-');
    }
    push_padded(&mut out, year.unsigned_abs(), 4);
    out.push('-');
    push_padded(&mut out, month as u64, 2);
    out.push('-');
    push_padded(&mut out, day as u64, 2);
    out
}

fn digits(b: &[u8], at: &mut usize, count: usize) -> Option<u32> {
    let slice = b.get(*at..*at + count)?;
    let mut value = 0;
    for &c in slice {
        if !c.is_ascii_digit() {
            return None;
        }
        value = value * 10 + (c - b'0') as u32;
    }
    *at += count;
    Some(value)
}

fn expect(b: &[u8], at: &mut usize, c: u8) -> Option<()> {
    (b.get(*at) == Some(&c)).then(|| *at += 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> i64 {
        parse_timestamp(text).expect(text)
    }

    #[test]
    fn civil_round_trip_over_four_centuries() {
        for days in -146_097..146_097 * 2 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        let cases = [
            ("2026-01-31T10:00:00Z", 1, "2026-02-28T10:00:00.000Z"),
            ("2024-01-31T10:00:00Z", 1, "2024-02-29T10:00:00.000Z"),
            ("2024-02-29T00:00:00Z", 12, "2025-02-28T00:00:00.000Z"),
            ("2024-02-29T00:00:00Z", 48, "2028-02-29T00:00:00.000Z"),
            ("2026-08-31T23:59:59.999Z", 6, "2027-02-28T23:59:59.999Z"),
            ("2026-05-01T00:00:00Z", 6, "2026-11-01T00:00:00.000Z"),
            ("2026-03-31T12:00:00Z", 1, "2026-04-30T12:00:00.000Z"),
            ("2026-12-15T08:30:00Z", 1, "2027-01-15T08:30:00.000Z"),
            ("2026-07-31T00:00:00Z", 6, "2027-01-31T00:00:00.000Z"),
            ("2099-12-31T00:00:00Z", 2, "2100-02-28T00:00:00.000Z"),
            ("2000-12-31T00:00:00Z", 2, "2001-02-28T00:00:00.000Z"),
            ("1999-11-30T00:00:00Z", 3, "2000-02-29T00:00:00.000Z"),
            ("2026-06-15T00:00:00Z", 0, "2026-06-15T00:00:00.000Z"),
        ];
        for (from, months, expected) in cases {
            assert_eq!(
                format_timestamp(add_months(ts(from), months)),
                expected,
                "{from} + {months}"
            );
        }
    }

    #[test]
    fn timestamps_stay_within_four_digit_years_and_round_trip() {
        assert_eq!(
            parse_timestamp("0000-01-01"),
            Some(*TIMESTAMP_RANGE.start())
        );
        assert_eq!(
            parse_timestamp("9999-12-31T23:59:59.999Z"),
            Some(*TIMESTAMP_RANGE.end())
        );
        // An offset that crosses the ends makes the time unreadable.
        assert_eq!(parse_timestamp("0000-01-01T00:00:00+01:00"), None);
        assert_eq!(parse_timestamp("9999-12-31T23:30:00-01:00"), None);
        for ms in [
            *TIMESTAMP_RANGE.start(),
            0,
            1_700_000_000_123,
            *TIMESTAMP_RANGE.end(),
        ] {
            assert_eq!(parse_timestamp(&format_timestamp(ms)), Some(ms), "{ms}");
        }
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2024) && is_leap_year(2000) && is_leap_year(2400));
        assert!(!is_leap_year(2026) && !is_leap_year(1900) && !is_leap_year(2100));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert!(parse_timestamp("2026-02-29").is_none());
        assert!(parse_timestamp("2024-02-29").is_some());
    }

    #[test]
    fn parses_dates_and_date_times() {
        assert_eq!(ts("1970-01-01"), 0);
        assert_eq!(ts("1970-01-01T00:00:01Z"), 1000);
        assert_eq!(ts("1970-01-01T00:00:01.5Z"), 1500);
        assert_eq!(ts("1970-01-01T00:00:00.123456Z"), 123);
        assert_eq!(ts("1970-01-01T01:00:00+01:00"), 0);
        assert_eq!(ts("1969-12-31T23:00:00-01:00"), 0);
        assert_eq!(ts("2025-01-15T00:00"), ts("2025-01-15"));
        assert_eq!(
            format_timestamp(ts("2025-01-15")),
            "2025-01-15T00:00:00.000Z"
        );
        for bad in [
            "",
            "2025",
            "2025-1-15",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-01-15T",
            "2025-01-15T25:00Z",
            "2025-01-15T10:00:00.Z",
            "2025-01-15T10:00:00Q",
            "2025-01-15T10:00:00+0100",
            "2025-01-15x",
            "２０２５-01-01",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_before_the_epoch() {
        assert_eq!(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_date(ts("0099-03-01")), "0099-03-01");
    }
}
