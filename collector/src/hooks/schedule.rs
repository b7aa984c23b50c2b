//! When a failed delivery is tried again: 30 s after the first attempt, then twice as long
//! after each further one, at most an hour apart, each wait moved by up to ±10 % so that the
//! deliveries that failed together (a receiver that was down) do not all come back at once.
//! A delivery whose next attempt would fall more than a day after it was queued has failed
//! (about 30 attempts); it can still be retried by hand.

/// The wait after the first failed attempt (ms).
pub const FIRST_RETRY_MS: i64 = 30_000;
/// The longest wait between two attempts (ms).
pub const MAX_RETRY_MS: i64 = 3_600_000;
/// How long after it was queued a delivery is still tried (ms).
pub const GIVE_UP_AFTER_MS: i64 = 86_400_000;

/// When to try again a delivery queued at `created_at` (epoch ms) whose attempt number
/// `attempts` (1 for the first) failed at `now`; `jitter` in [0, 1) picks the wait within
/// ±10 %. `None`: give up.
pub fn retry_at(created_at: i64, attempts: u32, now: i64, jitter: f64) -> Option<i64> {
    let at = now + wait(attempts, jitter);
    (at <= created_at + GIVE_UP_AFTER_MS).then_some(at)
}

/// The wait (ms) after the `failures`th failure in a row (1 for the first): 30 s doubling up
/// to an hour, moved by `jitter` in [0, 1) within ±10 %. Also how long a hook whose receiver
/// keeps failing is left alone.
pub fn wait(failures: u32, jitter: f64) -> i64 {
    let doublings = failures.saturating_sub(1).min(20);
    let wait = (FIRST_RETRY_MS << doublings).min(MAX_RETRY_MS);
    (wait as f64 * (0.9 + 0.2 * jitter.clamp(0.0, 1.0))) as i64
}

/// When a delivery retried by hand at `now` is due: `now`, or a millisecond before the
/// earliest time another delivery of its hook has been waiting since (`earliest_waiting`),
/// whichever comes first. A hook sends its deliveries in the order they are due, one at a
/// time, so the one the team chose to retry is the next one attempted, not one queued before it.
pub fn retried_at(now: i64, earliest_waiting: Option<i64>) -> i64 {
    earliest_waiting.map_or(now, |earliest| now.min(earliest - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_30_seconds_up_to_an_hour() {
        let waits: Vec<i64> = (1..=10)
            .map(|attempt| retry_at(0, attempt, 0, 0.5).unwrap())
            .collect();
        assert_eq!(
            waits,
            [
                30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000,
                3_600_000, 3_600_000
            ]
        );
        assert_eq!(retry_at(0, 1, 0, 0.0), Some(27_000));
        assert_eq!(retry_at(0, 1, 0, 0.999_999), Some(32_999));
        assert_eq!(retry_at(0, u32::MAX, 0, 0.5), Some(MAX_RETRY_MS));
    }

    #[test]
    fn a_delivery_is_tried_for_about_a_day() {
        for jitter in [0.0, 0.5, 0.999] {
            let (mut now, mut attempts) = (0, 1);
            while let Some(at) = retry_at(0, attempts, now, jitter) {
                now = at;
                attempts += 1;
            }
            assert!(now <= GIVE_UP_AFTER_MS && now > GIVE_UP_AFTER_MS - MAX_RETRY_MS * 11 / 10);
            assert!((25..=35).contains(&attempts), "{attempts} attempts");
        }
    }

    #[test]
    fn a_delivery_retried_by_hand_goes_ahead_of_the_waiting_ones() {
        assert_eq!(retried_at(5_000, None), 5_000);
        assert_eq!(retried_at(5_000, Some(9_000)), 5_000);
        assert_eq!(retried_at(5_000, Some(5_000)), 4_999);
        assert_eq!(retried_at(5_000, Some(1_000)), 999);
    }
}
