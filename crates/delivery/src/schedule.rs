//! When a failed delivery is tried again.
//!
//! The default follows Svix: the first attempt at once, then retries after 5 s, 5 min,
//! 30 min, 2 h, 5 h, 10 h and 10 h — eight attempts over about 28 hours — each delay moved by
//! up to ±20 % so that many deliveries failing together do not come back together. A
//! receiver's `Retry-After` is honoured within bounds: never sooner than the schedule's delay,
//! never later than [`RetrySchedule::max_retry_after`]. [`RetrySchedule::bitrix24`] is the
//! compatible mode: one attempt, no retries, as Bitrix24's queue does (reference §9.1).

use std::time::Duration;

use rand::Rng;

/// Svix's default delays between attempts, in seconds.
pub const DEFAULT_DELAYS: [u64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/// The default jitter: each delay is moved by up to this fraction of itself, either way.
pub const DEFAULT_JITTER: f64 = 0.2;

/// The default ceiling on a receiver's `Retry-After`: one day.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// A retry schedule: how many attempts a delivery gets and when each one happens.
#[derive(Debug, Clone, PartialEq)]
pub struct RetrySchedule {
    /// Delays in seconds between consecutive attempts: `delays[0]` after the first attempt
    /// failed, `delays[1]` after the second, …; a delivery gets `delays.len() + 1` attempts.
    pub delays: Vec<u64>,
    /// Fraction (0 to 1) by which each delay is moved at random, either way; 0 switches
    /// jitter off.
    pub jitter: f64,
    /// The longest wait a receiver's `Retry-After` can ask for; longer values are cut to it.
    /// It never shortens the schedule's own delays.
    pub max_retry_after: Duration,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        RetrySchedule {
            delays: DEFAULT_DELAYS.to_vec(),
            jitter: DEFAULT_JITTER,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

impl RetrySchedule {
    /// Bitrix24's behaviour: a single attempt, whatever the answer.
    pub fn bitrix24() -> Self {
        RetrySchedule {
            delays: Vec::new(),
            ..RetrySchedule::default()
        }
    }

    /// The same schedule with jitter switched off, so its times are exact.
    pub fn without_jitter(self) -> Self {
        RetrySchedule {
            jitter: 0.0,
            ..self
        }
    }

    /// How many attempts a delivery gets in all.
    pub fn max_attempts(&self) -> u32 {
        u32::try_from(self.delays.len())
            .unwrap_or(u32::MAX - 1)
            .saturating_add(1)
    }

    /// When the next attempt is due, in Unix seconds, or `None` when the delivery has had
    /// all its attempts.
    ///
    /// `attempt_number` counts the attempts made so far (1 after the first one failed; 0
    /// before any, which answers `now`: the first attempt is immediate). `now` is the time the
    /// last attempt ended. `retry_after` is the failed answer's `Retry-After`, if any: the
    /// delay becomes the larger of the schedule's (jittered) delay and `retry_after` capped at
    /// [`max_retry_after`](Self::max_retry_after).
    pub fn next_attempt_at(
        &self,
        attempt_number: u32,
        now: i64,
        retry_after: Option<Duration>,
    ) -> Option<i64> {
        if attempt_number == 0 {
            return Some(now);
        }
        let index = usize::try_from(attempt_number - 1).ok()?;
        let base = *self.delays.get(index)?;
        let mut delay = self.jittered(base);
        if let Some(asked) = retry_after {
            delay = delay.max(asked.min(self.max_retry_after).as_secs());
        }
        Some(now.saturating_add(i64::try_from(delay).unwrap_or(i64::MAX)))
    }

    /// `delay` moved by a random fraction within ±`jitter`, rounded to whole seconds.
    fn jittered(&self, delay: u64) -> u64 {
        if self.jitter.is_nan() || self.jitter <= 0.0 || delay == 0 {
            return delay;
        }
        let spread = self.jitter.min(1.0);
        let factor = 1.0 + rand::thread_rng().gen_range(-spread..=spread);
        // Float-to-int `as` saturates; delays are far below f64's exact-integer range.
        (delay as f64 * factor).round() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_its_bounds() {
        let schedule = RetrySchedule::default();
        for _ in 0..200 {
            let at = schedule.next_attempt_at(3, 0, None).unwrap();
            assert!((1_440..=2_160).contains(&at), "{at}");
        }
    }

    #[test]
    fn out_of_range_jitter_is_clamped() {
        let schedule = RetrySchedule {
            jitter: 7.0,
            ..RetrySchedule::default()
        };
        for _ in 0..200 {
            let at = schedule.next_attempt_at(2, 0, None).unwrap();
            assert!((0..=600).contains(&at), "{at}");
        }
    }
}
