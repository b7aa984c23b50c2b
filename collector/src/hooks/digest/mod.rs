//! The daily digest a hook may send instead of (or besides) one message per answer:
//! yesterday's score, its counts and the comments of the lowest category (NPS: detractors), at
//! a chosen hour in a chosen time zone.
//!
//! This module owns when a digest is due ([`DigestSchedule`], pure, with `now` as an
//! argument); [`content`] writes the digest's event from the report, [`slack`] its Slack
//! message, and the hooks' [`timed`](super::timed) task queues each due digest once.

pub mod content;
pub mod slack;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{json, Map, Value};

use crate::error::ApiError;

/// The `type` of a digest's event.
pub const EVENT: &str = "digest.daily";

/// When a hook sends its digest: every day at `hour`:00 in `time_zone`, about the day before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestSchedule {
    /// The hour of the day, 0 to 23.
    pub hour: i8,
    /// An IANA time zone name (`Europe/Berlin`), checked when read.
    pub time_zone: String,
}

fn bad(key: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message, &format!("digest.{key}"))
}

impl DigestSchedule {
    /// Reads `{ "hour", "timeZone" }` from the API or the database; `None` for `null` (no
    /// digest); a `400` naming `digest.KEY` when a key is missing, unknown or invalid.
    pub fn from_json(value: &Value) -> Result<Option<DigestSchedule>, ApiError> {
        let object: &Map<String, Value> = match value {
            Value::Null => return Ok(None),
            Value::Object(object) => object,
            _ => {
                return Err(ApiError::bad_request(
                    "digest must be an object { hour, timeZone } or null",
                    "digest",
                ))
            }
        };
        if let Some(key) = object
            .keys()
            .find(|k| !["hour", "timeZone"].contains(&k.as_str()))
        {
            return Err(bad(
                key,
                format!("unknown field {key:?}: digest has hour and timeZone"),
            ));
        }
        let hour = object
            .get("hour")
            .and_then(Value::as_i64)
            .filter(|hour| (0..24).contains(hour))
            .ok_or_else(|| bad("hour", "digest.hour must be a whole number from 0 to 23"))?;
        // Kept as the time zone database spells it ("europe/berlin" is Europe/Berlin).
        let time_zone = object
            .get("timeZone")
            .and_then(Value::as_str)
            .and_then(|name| {
                let zone = TimeZone::get(name).ok()?;
                Some(zone.iana_name().unwrap_or(name).to_owned())
            })
            .ok_or_else(|| {
                bad(
                    "timeZone",
                    "digest.timeZone must be an IANA time zone like Europe/Berlin",
                )
            })?;
        Ok(Some(DigestSchedule {
            hour: hour as i8,
            time_zone,
        }))
    }

    /// Its form in the API and the database.
    pub fn to_json(&self) -> Value {
        json!({ "hour": self.hour, "timeZone": self.time_zone })
    }

    fn zone(&self) -> TimeZone {
        // Checked when read; UTC only for a database edited by hand.
        TimeZone::get(&self.time_zone).unwrap_or(TimeZone::UTC)
    }

    /// When the digest of `day` is sent (epoch ms): the next day at the hour, in the zone. An
    /// hour skipped by a daylight-saving change is sent at the first instant after the gap.
    pub fn send_at(&self, day: Date) -> Option<i64> {
        let next = day.checked_add(1.day()).ok()?;
        let zoned = next
            .at(self.hour, 0, 0, 0)
            .to_zoned_datetime(self.zone())
            .ok()?;
        Some(zoned.timestamp().as_millisecond())
    }

    /// The local day at `now` (epoch ms).
    fn today(&self, now: i64) -> Option<Date> {
        let instant = Timestamp::from_millisecond(now).ok()?;
        Some(instant.to_zoned_datetime(self.zone()).date())
    }

    /// The day before the local day at `now` (epoch ms).
    pub fn yesterday(&self, now: i64) -> Option<Date> {
        self.today(now)?.checked_sub(1.day()).ok()
    }

    /// The day whose digest is due at `now` (epoch ms), if one is: the latest day whose send
    /// time has come, if that time is not before the hook was created (`created_at`, epoch
    /// ms: a new hook's first digest comes at its first hour) and the day is after `last_day`
    /// (the last one queued). A collector that was down at the hour sends the digest when it
    /// is back; one down for days sends the latest day's only.
    pub fn due_day(&self, created_at: i64, last_day: Option<Date>, now: i64) -> Option<Date> {
        let yesterday = self.yesterday(now)?;
        let day = if self.send_at(yesterday)? <= now {
            yesterday
        } else {
            yesterday.checked_sub(1.day()).ok()?
        };
        let sent_at = self.send_at(day)?;
        (sent_at >= created_at && last_day.is_none_or(|last| day > last)).then_some(day)
    }

    /// The next send time after `now` (epoch ms), for the task to wait for.
    pub fn next_send_at(&self, now: i64) -> Option<i64> {
        let today = self.today(now)?;
        let mut day = today.checked_sub(2.days()).ok()?;
        loop {
            let at = self.send_at(day)?;
            if at > now {
                return Some(at);
            }
            day = day.checked_add(1.day()).ok()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(text: &str) -> i64 {
        text.parse::<jiff::ZonedDateTime>()
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    fn berlin(hour: i8) -> DigestSchedule {
        DigestSchedule {
            hour,
            time_zone: "Europe/Berlin".into(),
        }
    }

    const LONG_AGO: i64 = 0;

    #[test]
    fn the_digest_of_a_day_is_due_from_the_hour_of_the_next() {
        let s = berlin(9);
        let nine = at("2026-12-03T09:00:00+01:00[Europe/Berlin]");
        assert_eq!(s.send_at(date(2026, 12, 2)), Some(nine));
        // One millisecond before the hour: the day before yesterday is still the latest due.
        assert_eq!(s.due_day(LONG_AGO, None, nine - 1), Some(date(2026, 12, 1)));
        assert_eq!(s.due_day(LONG_AGO, None, nine), Some(date(2026, 12, 2)));
        assert_eq!(s.due_day(LONG_AGO, Some(date(2026, 12, 1)), nine - 1), None);
        assert_eq!(
            s.due_day(LONG_AGO, Some(date(2026, 12, 1)), nine),
            Some(date(2026, 12, 2))
        );
        // Once queued, not again that day; the next comes the next morning.
        assert_eq!(
            s.due_day(LONG_AGO, Some(date(2026, 12, 2)), nine + 14 * 3_600_000),
            None
        );
        assert_eq!(s.next_send_at(nine), Some(nine + 86_400_000));
        assert_eq!(s.next_send_at(nine - 1), Some(nine));
    }

    #[test]
    fn a_new_hook_starts_at_its_first_hour() {
        let s = berlin(9);
        let nine = at("2026-12-03T09:00:00+01:00[Europe/Berlin]");
        // Created at 08:00: the digest of the 2nd comes at 09:00, not the 1st's at once.
        let created = nine - 3_600_000;
        assert_eq!(s.due_day(created, None, created), None);
        assert_eq!(s.due_day(created, None, nine), Some(date(2026, 12, 2)));
        // Created at 09:30: nothing until tomorrow 09:00.
        let created = nine + 1_800_000;
        assert_eq!(s.due_day(created, None, created + 60_000), None);
        assert_eq!(
            s.due_day(created, None, nine + 86_400_000),
            Some(date(2026, 12, 3))
        );
    }

    #[test]
    fn a_collector_down_for_days_sends_the_latest_day_only() {
        let s = berlin(9);
        let back = at("2026-12-06T15:00:00+01:00[Europe/Berlin]");
        assert_eq!(
            s.due_day(LONG_AGO, Some(date(2026, 12, 1)), back),
            Some(date(2026, 12, 5))
        );
    }

    #[test]
    fn the_hour_is_local_across_daylight_saving_changes() {
        // Berlin goes to summer time on 2026-03-29 at 02:00 (02:00-03:00 does not exist).
        let s = berlin(2);
        assert_eq!(
            s.send_at(date(2026, 3, 28)),
            Some(at("2026-03-29T03:00:00+02:00[Europe/Berlin]"))
        );
        let s = berlin(9);
        assert_eq!(
            s.send_at(date(2026, 3, 28)),
            Some(at("2026-03-29T09:00:00+02:00[Europe/Berlin]"))
        );
        assert_eq!(
            s.send_at(date(2026, 10, 24)),
            Some(at("2026-10-25T09:00:00+01:00[Europe/Berlin]"))
        );
        // Days around a change are 23 and 25 hours apart, still one digest a day.
        let day = 86_400_000;
        assert_eq!(
            s.send_at(date(2026, 3, 28)).unwrap() - s.send_at(date(2026, 3, 27)).unwrap(),
            day - 3_600_000
        );
    }

    #[test]
    fn a_zone_east_or_west_of_utc_counts_its_own_day() {
        let tokyo = DigestSchedule {
            hour: 0,
            time_zone: "Asia/Tokyo".into(),
        };
        // 2026-12-03 00:30 in Tokyo is 2026-12-02 15:30 UTC: the 2nd (Tokyo) is due.
        let now = at("2026-12-02T15:30:00+00:00[UTC]");
        assert_eq!(tokyo.due_day(LONG_AGO, None, now), Some(date(2026, 12, 2)));
        let la = DigestSchedule {
            hour: 23,
            time_zone: "America/Los_Angeles".into(),
        };
        let now = at("2026-12-03T07:30:00+00:00[UTC]"); // 23:30 on the 2nd in Los Angeles
        assert_eq!(la.due_day(LONG_AGO, None, now), Some(date(2026, 12, 1)));
    }

    #[test]
    fn the_schedule_is_read_with_errors_naming_the_key() {
        let read =
            |v: Value| DigestSchedule::from_json(&v).map_err(|e| e.field().map(str::to_owned));
        assert_eq!(read(Value::Null).unwrap(), None);
        assert_eq!(
            read(json!({ "hour": 9, "timeZone": "Europe/Berlin" })).unwrap(),
            Some(berlin(9))
        );
        assert_eq!(
            read(json!({ "hour": 9, "timeZone": "europe/BERLIN" })).unwrap(),
            Some(berlin(9))
        );
        assert_eq!(
            read(json!({ "hour": 24, "timeZone": "UTC" })).unwrap_err(),
            Some("digest.hour".into())
        );
        assert_eq!(
            read(json!({ "hour": 9.5, "timeZone": "UTC" })).unwrap_err(),
            Some("digest.hour".into())
        );
        assert_eq!(
            read(json!({ "timeZone": "UTC" })).unwrap_err(),
            Some("digest.hour".into())
        );
        assert_eq!(
            read(json!({ "hour": 9, "timeZone": "Mars/Base" })).unwrap_err(),
            Some("digest.timeZone".into())
        );
        assert_eq!(
            read(json!({ "hour": 9, "timeZone": "UTC", "days": 1 })).unwrap_err(),
            Some("digest.days".into())
        );
        assert_eq!(read(json!(9)).unwrap_err(), Some("digest".into()));
    }
}
