//! The report's range and trend buckets in a time zone (DESIGN.md, "The report").
//!
//! `from` and `to` are calendar dates in the zone, both included: the range counted is
//! [`from` 00:00, `to` + 1 day 00:00) in the zone. A bucket is one day, one week (Monday to
//! Sunday) or one calendar month, and one bucket is made for every interval that overlaps the
//! range, the first and the last cut to it. Every boundary is the start of a day in the zone,
//! turned into a UTC instant by the zone's rules (jiff with its bundled time zone database), so
//! a day on which the clocks change lasts 23 or 25 hours and each answer falls in the bucket of
//! its local date. Where a day does not start at 00:00 (a zone that moves its clocks at
//! midnight), it starts at its first instant.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::ToSpan;

/// How long each trend bucket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    /// One calendar day.
    Day,
    /// Monday to Sunday.
    Week,
    /// One calendar month.
    Month,
}

impl Interval {
    /// The interval of its parameter value (`day`, `week`, `month`).
    pub fn from_name(name: &str) -> Option<Interval> {
        match name {
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            _ => None,
        }
    }

    /// Its parameter value.
    pub fn name(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
        }
    }

    /// The first day of the interval after the one holding `date`.
    fn next_start(self, date: Date) -> Result<Date, jiff::Error> {
        match self {
            Interval::Day => date.tomorrow(),
            Interval::Week => {
                let into_week = i64::from(date.weekday().to_monday_zero_offset());
                date.checked_add((7 - into_week).days())
            }
            Interval::Month => date.first_of_month().checked_add(1.month()),
        }
    }
}

/// One trend bucket: its first day in the range and its boundaries as UTC instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// The bucket's first day within the range, in the zone.
    pub start: Date,
    /// Its first instant (epoch ms, UTC), included.
    pub from: i64,
    /// The first instant after it (epoch ms, UTC), excluded.
    pub to: i64,
}

/// Why a range cannot be cut into buckets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeError {
    /// `from` is after `to`.
    Reversed,
    /// A date of the range, or the day after `to`, has no instant the collector can store.
    OutOfRange,
}

/// The first instant of `date` in `tz`, epoch ms.
pub fn start_of_day(date: Date, tz: &TimeZone) -> Result<i64, RangeError> {
    date.to_datetime(Time::midnight())
        .to_zoned_datetime(tz.clone())
        .and_then(|zoned| zoned.start_of_day())
        .map(|zoned| zoned.timestamp().as_millisecond())
        .map_err(|_| RangeError::OutOfRange)
        .and_then(|ms| {
            nps_widget::core::time::TIMESTAMP_RANGE
                .contains(&ms)
                .then_some(ms)
                .ok_or(RangeError::OutOfRange)
        })
}

/// The buckets of [`from`, `to`] (dates in `tz`, both included) by `interval`, oldest first.
/// They cover the range exactly: the first starts at `from` 00:00, each ends where the next
/// starts, the last ends at `to` + 1 day 00:00.
pub fn buckets(
    from: Date,
    to: Date,
    tz: &TimeZone,
    interval: Interval,
) -> Result<Vec<Bucket>, RangeError> {
    if from > to {
        return Err(RangeError::Reversed);
    }
    let end = to.tomorrow().map_err(|_| RangeError::OutOfRange)?;
    let mut buckets = Vec::new();
    let mut start = from;
    let mut start_at = start_of_day(start, tz)?;
    while start < end {
        let next = interval.next_start(start).map_or(end, |next| next.min(end));
        let next_at = start_of_day(next, tz)?;
        buckets.push(Bucket {
            start,
            from: start_at,
            to: next_at,
        });
        (start, start_at) = (next, next_at);
    }
    Ok(buckets)
}

/// How many buckets [`buckets`] makes, without making them (to refuse a range too finely cut
/// before any time zone work).
pub fn count(from: Date, to: Date, interval: Interval) -> usize {
    let mut count = 0;
    let mut start = from;
    while start <= to {
        count += 1;
        match interval.next_start(start) {
            Ok(next) => start = next,
            Err(_) => break,
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use nps_widget::core::time::{format_timestamp, parse_timestamp};

    use super::*;

    const HOUR: i64 = 3_600_000;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn at(text: &str) -> i64 {
        parse_timestamp(text).unwrap()
    }

    /// (start, from, to) of each bucket, the instants as RFC 3339 UTC.
    fn table(buckets: &[Bucket]) -> Vec<(String, String, String)> {
        buckets
            .iter()
            .map(|b| {
                (
                    b.start.to_string(),
                    format_timestamp(b.from),
                    format_timestamp(b.to),
                )
            })
            .collect()
    }

    fn rows(expected: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect()
    }

    /// Each bucket starts where the previous one ended, the first at `from` 00:00 and the last
    /// ends at `to` + 1 day 00:00 in the zone.
    fn assert_covers(buckets: &[Bucket], from: Date, to: Date, tz: &TimeZone) {
        assert_eq!(buckets[0].start, from);
        assert_eq!(buckets[0].from, start_of_day(from, tz).unwrap());
        let last = buckets.last().unwrap();
        assert_eq!(last.to, start_of_day(to.tomorrow().unwrap(), tz).unwrap());
        for pair in buckets.windows(2) {
            assert_eq!(pair[0].to, pair[1].from);
            assert!(pair[0].start < pair[1].start);
        }
    }

    #[test]
    fn weeks_across_spring_forward_in_los_angeles() {
        // 2026-03-08 (a Sunday) has 23 hours: PST (−8) until 02:00, PDT (−7) after.
        let tz = zone("America/Los_Angeles");
        let (from, to) = (date(2026, 3, 1), date(2026, 3, 15));
        let weeks = buckets(from, to, &tz, Interval::Week).unwrap();
        assert_eq!(
            table(&weeks),
            rows(&[
                // 2026-03-01 is a Sunday: its week is cut to that one day.
                (
                    "2026-03-01",
                    "2026-03-01T08:00:00.000Z",
                    "2026-03-02T08:00:00.000Z"
                ),
                (
                    "2026-03-02",
                    "2026-03-02T08:00:00.000Z",
                    "2026-03-09T07:00:00.000Z"
                ),
                (
                    "2026-03-09",
                    "2026-03-09T07:00:00.000Z",
                    "2026-03-16T07:00:00.000Z"
                ),
            ])
        );
        assert_eq!(weeks[1].to - weeks[1].from, 7 * 24 * HOUR - HOUR);
        assert_eq!(weeks[2].to - weeks[2].from, 7 * 24 * HOUR);
        assert_covers(&weeks, from, to, &tz);

        let days = buckets(date(2026, 3, 7), date(2026, 3, 9), &tz, Interval::Day).unwrap();
        let lengths: Vec<i64> = days.iter().map(|b| (b.to - b.from) / HOUR).collect();
        assert_eq!(lengths, [24, 23, 24]);
    }

    #[test]
    fn weeks_and_months_across_fall_back_in_los_angeles() {
        // 2026-11-01 (a Sunday) has 25 hours: PDT (−7) until 02:00, PST (−8) after.
        let tz = zone("America/Los_Angeles");
        let (from, to) = (date(2026, 10, 26), date(2026, 11, 8));
        let weeks = buckets(from, to, &tz, Interval::Week).unwrap();
        assert_eq!(
            table(&weeks),
            rows(&[
                (
                    "2026-10-26",
                    "2026-10-26T07:00:00.000Z",
                    "2026-11-02T08:00:00.000Z"
                ),
                (
                    "2026-11-02",
                    "2026-11-02T08:00:00.000Z",
                    "2026-11-09T08:00:00.000Z"
                ),
            ])
        );
        assert_eq!(weeks[0].to - weeks[0].from, 7 * 24 * HOUR + HOUR);

        let months = buckets(date(2026, 10, 1), date(2026, 11, 30), &tz, Interval::Month).unwrap();
        assert_eq!(
            table(&months),
            rows(&[
                (
                    "2026-10-01",
                    "2026-10-01T07:00:00.000Z",
                    "2026-11-01T07:00:00.000Z"
                ),
                (
                    "2026-11-01",
                    "2026-11-01T07:00:00.000Z",
                    "2026-12-01T08:00:00.000Z"
                ),
            ])
        );
        // November 2026 there has 30 days and one extra hour.
        assert_eq!(months[1].to - months[1].from, 30 * 24 * HOUR + HOUR);

        // March 2026 there has 31 days less one hour.
        let march = buckets(date(2026, 3, 1), date(2026, 3, 31), &tz, Interval::Month).unwrap();
        assert_eq!(march.len(), 1);
        assert_eq!(march[0].to - march[0].from, 31 * 24 * HOUR - HOUR);
    }

    #[test]
    fn a_range_cuts_its_first_and_last_buckets() {
        let tz = zone("UTC");
        // Wednesday 2026-09-02 to Tuesday 2026-09-15.
        let (from, to) = (date(2026, 9, 2), date(2026, 9, 15));
        let weeks = buckets(from, to, &tz, Interval::Week).unwrap();
        assert_eq!(
            table(&weeks),
            rows(&[
                (
                    "2026-09-02",
                    "2026-09-02T00:00:00.000Z",
                    "2026-09-07T00:00:00.000Z"
                ),
                (
                    "2026-09-07",
                    "2026-09-07T00:00:00.000Z",
                    "2026-09-14T00:00:00.000Z"
                ),
                (
                    "2026-09-14",
                    "2026-09-14T00:00:00.000Z",
                    "2026-09-16T00:00:00.000Z"
                ),
            ])
        );
        assert_covers(&weeks, from, to, &tz);

        // Mid-month to mid-month: three months, the outer two cut.
        let (from, to) = (date(2026, 1, 20), date(2026, 3, 10));
        let months = buckets(from, to, &tz, Interval::Month).unwrap();
        assert_eq!(
            table(&months),
            rows(&[
                (
                    "2026-01-20",
                    "2026-01-20T00:00:00.000Z",
                    "2026-02-01T00:00:00.000Z"
                ),
                (
                    "2026-02-01",
                    "2026-02-01T00:00:00.000Z",
                    "2026-03-01T00:00:00.000Z"
                ),
                (
                    "2026-03-01",
                    "2026-03-01T00:00:00.000Z",
                    "2026-03-11T00:00:00.000Z"
                ),
            ])
        );
        assert_covers(&months, from, to, &tz);
        assert_eq!(count(from, to, Interval::Month), 3);
        assert_eq!(count(from, to, Interval::Day), 50);
    }

    #[test]
    fn one_day_is_one_bucket_of_every_interval() {
        let tz = zone("Europe/Berlin");
        let day = date(2026, 11, 22);
        for interval in [Interval::Day, Interval::Week, Interval::Month] {
            let one = buckets(day, day, &tz, interval).unwrap();
            assert_eq!(
                table(&one),
                rows(&[(
                    "2026-11-22",
                    "2026-11-21T23:00:00.000Z",
                    "2026-11-22T23:00:00.000Z"
                )]),
                "{interval:?}"
            );
            assert_eq!(count(day, day, interval), 1);
        }
    }

    #[test]
    fn berlin_days_weeks_and_months() {
        // CEST (+2) ends on Sunday 2026-10-25 at 03:00, back to CET (+1).
        let tz = zone("Europe/Berlin");
        let (from, to) = (date(2026, 10, 19), date(2026, 11, 1));
        let weeks = buckets(from, to, &tz, Interval::Week).unwrap();
        assert_eq!(
            table(&weeks),
            rows(&[
                (
                    "2026-10-19",
                    "2026-10-18T22:00:00.000Z",
                    "2026-10-25T23:00:00.000Z"
                ),
                (
                    "2026-10-26",
                    "2026-10-25T23:00:00.000Z",
                    "2026-11-01T23:00:00.000Z"
                ),
            ])
        );
        let days = buckets(date(2026, 10, 24), date(2026, 10, 26), &tz, Interval::Day).unwrap();
        let lengths: Vec<i64> = days.iter().map(|b| (b.to - b.from) / HOUR).collect();
        assert_eq!(lengths, [24, 25, 24]);
        // An answer at 23:30 local on Sunday 2026-10-25 (22:30 UTC) is in that week, not the next.
        let late = at("2026-10-25T22:30:00Z");
        assert!(weeks[0].from <= late && late < weeks[0].to);

        let months = buckets(date(2026, 1, 1), date(2026, 12, 31), &tz, Interval::Month).unwrap();
        assert_eq!(months.len(), 12);
        let starts: Vec<String> = months.iter().map(|b| b.start.to_string()).collect();
        assert_eq!(starts[1], "2026-02-01");
        assert_eq!(starts[11], "2026-12-01");
        assert_eq!(format_timestamp(months[3].from), "2026-03-31T22:00:00.000Z");
        assert_covers(&months, date(2026, 1, 1), date(2026, 12, 31), &tz);
    }

    #[test]
    fn a_day_that_does_not_start_at_midnight() {
        // America/Santiago moved its clocks from 00:00 to 01:00 on 2026-09-06: that day's
        // first instant is 01:00 local (−03), which is 00:00 in the offset before (−04).
        let tz = zone("America/Santiago");
        let start = start_of_day(date(2026, 9, 6), &tz).unwrap();
        assert_eq!(format_timestamp(start), "2026-09-06T04:00:00.000Z");
        let days = buckets(date(2026, 9, 5), date(2026, 9, 7), &tz, Interval::Day).unwrap();
        let lengths: Vec<i64> = days.iter().map(|b| (b.to - b.from) / HOUR).collect();
        assert_eq!(lengths, [24, 23, 24]);
    }

    #[test]
    fn reversed_and_unstorable_ranges_are_refused() {
        let tz = zone("UTC");
        assert_eq!(
            buckets(date(2026, 3, 2), date(2026, 3, 1), &tz, Interval::Day),
            Err(RangeError::Reversed)
        );
        assert_eq!(
            buckets(date(2026, 3, 1), date(9999, 12, 31), &tz, Interval::Month),
            Err(RangeError::OutOfRange)
        );
        assert_eq!(
            buckets(date(-1, 1, 1), date(2026, 1, 1), &tz, Interval::Month),
            Err(RangeError::OutOfRange)
        );
    }

    #[test]
    fn interval_names() {
        for interval in [Interval::Day, Interval::Week, Interval::Month] {
            assert_eq!(Interval::from_name(interval.name()), Some(interval));
        }
        assert_eq!(Interval::from_name("Week"), None);
        assert_eq!(Interval::from_name("year"), None);
    }
}
