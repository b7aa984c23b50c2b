//! Failed dashboard logins, counted per client IP over fixed windows (the pattern of the
//! [request limit](mod@crate::rate_limit), counting failures only): past the limit every login
//! from that IP is refused with `429` until its window ends, the right token included, so that
//! guessing cannot go on.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Failed logins allowed per client IP and window.
pub const MAX_FAILURES: u32 = 10;
/// The window over which failures are counted.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Past this many tracked clients, expired windows are swept on the next failure.
const SWEEP_AT: usize = 10_000;

/// Counts failed logins per client IP.
pub struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(MAX_FAILURES, WINDOW)
    }
}

impl LoginLimiter {
    /// A limiter allowing `max_failures` failed logins per client and `window`.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginLimiter {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `client` may try to log in at `now`; `Err` carries the seconds to wait.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        match failures.get(&client) {
            Some(&(start, count))
                if count >= self.max_failures && now.duration_since(start) < self.window =>
            {
                let left = self.window.saturating_sub(now.duration_since(start));
                Err(left.as_secs() + u64::from(left.subsec_nanos() > 0))
            }
            _ => Ok(()),
        }
    }

    /// Counts one failed login from `client` at `now`.
    pub fn fail(&self, client: IpAddr, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() >= SWEEP_AT {
            let window = self.window;
            failures.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let (start, count) = failures.entry(client).or_insert((now, 0));
        if now.duration_since(*start) >= self.window {
            *start = now;
            *count = 0;
        }
        *count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_client_past_its_failures_until_the_window_ends() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(900));
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        assert_eq!(limiter.check(a, t0), Ok(()));
        limiter.fail(a, t0);
        assert_eq!(limiter.check(a, t0), Ok(()));
        limiter.fail(a, t0 + Duration::from_secs(1));
        assert_eq!(limiter.check(a, t0 + Duration::from_secs(100)), Err(800));
        assert_eq!(limiter.check(b, t0), Ok(()));
        assert_eq!(
            limiter.check(a, t0 + Duration::from_millis(899_500)),
            Err(1)
        );
        assert_eq!(limiter.check(a, t0 + Duration::from_secs(900)), Ok(()));
        // A new window starts from the next failure.
        limiter.fail(a, t0 + Duration::from_secs(901));
        assert_eq!(limiter.check(a, t0 + Duration::from_secs(902)), Ok(()));
    }

    #[test]
    fn the_defaults_are_ten_failures_per_fifteen_minutes() {
        let limiter = LoginLimiter::default();
        let ip: IpAddr = "::1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..9 {
            limiter.fail(ip, t0);
        }
        assert_eq!(limiter.check(ip, t0), Ok(()));
        limiter.fail(ip, t0);
        assert_eq!(limiter.check(ip, t0), Err(900));
    }
}
