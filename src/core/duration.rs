//! Throttle durations: `"N day(s)"`, `"N week(s)"`, `"N month(s)"` or a number of days.

use super::float::is_whole;
use super::time::{add_days, add_months};

/// A span added to an instant: whole days, or calendar months (month ends clamp).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duration {
    /// A number of 24-hour days (weeks are stored as 7 days each).
    Days(u32),
    /// A number of calendar months.
    Months(u32),
}

impl Duration {
    /// The default throttle: six calendar months.
    pub const SIX_MONTHS: Duration = Duration::Months(6);

    /// The instant `self` after `epoch_ms`.
    pub fn add_to(self, epoch_ms: i64) -> i64 {
        match self {
            Duration::Days(days) => add_days(epoch_ms, days),
            Duration::Months(months) => add_months(epoch_ms, months),
        }
    }
}

/// Reads `"N day"`, `"N days"`, `"N week(s)"`, `"N month(s)"` (N a whole number up to 100 years,
/// any case, ASCII whitespace around and between allowed). Anything else is `None`. Other
/// whitespace (a no-break space) is refused: Unicode trimming would cost 0.2 KB of wasm.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim_ascii();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    // `get` rather than `split_at`: no string-slicing panic path in the wasm.
    let (number, unit) = (text.get(..split)?, text.get(split..)?);
    if number.is_empty() || number.len() > 5 {
        return None;
    }
    let n = super::text::parse_u32(number)?;
    let unit = unit.trim_ascii_start().to_ascii_lowercase();
    let unit = unit.strip_suffix('s').unwrap_or(&unit);
    let duration = match unit {
        "day" => Duration::Days(n),
        "week" => Duration::Days(n * 7),
        "month" => Duration::Months(n),
        _ => return None,
    };
    duration_in_range(duration).then_some(duration)
}

/// Whether a number of days given as a plain number is a valid duration.
pub fn days_from_number(days: f64) -> Option<Duration> {
    let valid = is_whole(days) && (0.0..=36_500.0).contains(&days);
    valid.then_some(Duration::Days(days as u32))
}

fn duration_in_range(duration: Duration) -> bool {
    match duration {
        Duration::Days(days) => days <= 36_500,
        Duration::Months(months) => months <= 1200,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases = [
            ("1 day", Duration::Days(1)),
            ("30 days", Duration::Days(30)),
            ("0 days", Duration::Days(0)),
            ("2 weeks", Duration::Days(14)),
            ("1 week", Duration::Days(7)),
            ("6 months", Duration::Months(6)),
            ("1 month", Duration::Months(1)),
            ("  12   Months ", Duration::Months(12)),
            ("3days", Duration::Days(3)),
            ("\t6 months\n", Duration::Months(6)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn rejected_forms() {
        for text in [
            "",
            "days",
            "six months",
            "-1 days",
            "1.5 days",
            "6 monthss",
            "6 years",
            "6 m",
            "99999 days",
            "1201 months",
            "123456 days",
            "6\u{a0}months",
            "\u{3000}6 months",
        ] {
            assert_eq!(parse_duration(text), None, "{text}");
        }
    }

    #[test]
    fn numbers_of_days() {
        assert_eq!(days_from_number(30.0), Some(Duration::Days(30)));
        assert_eq!(days_from_number(0.0), Some(Duration::Days(0)));
        assert_eq!(days_from_number(1.5), None);
        assert_eq!(days_from_number(-1.0), None);
        assert_eq!(days_from_number(f64::NAN), None);
    }
}
