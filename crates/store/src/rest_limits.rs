//! REST limits kept where every server on the database sees them: the
//! request-rate buckets (a leaky bucket per client address or integration) and
//! the operating-time baskets (seconds of processing per integration and
//! method, in one-minute baskets that each count for ten minutes).
//!
//! The arithmetic lives here, once: [`BucketRule::admit`] and
//! [`OperatingWindow::from_baskets`]. A backend applies the bucket rule in one
//! atomic statement and adds operating seconds to a basket in another.

use async_trait::async_trait;

use crate::error::StoreError;

/// How long a one-minute operating basket counts, in seconds (Bitrix24: ten minutes).
pub use portico_protocol::envelope::OPERATING_WINDOW_SECS;

/// Length of one operating basket, in seconds.
pub const OPERATING_BASKET_SECS: i64 = 60;

/// The numbers of one leaky bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BucketRule {
    /// Requests the bucket holds: a burst of this many passes at once.
    pub burst: f64,
    /// Requests drained per second.
    pub drain_per_sec: f64,
}

/// What happened to a request offered to a bucket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BucketAdmission {
    /// It was counted.
    Admitted,
    /// It was refused and not counted: a request passes again after this many
    /// whole seconds (at least 1).
    RetryAfter(i64),
}

impl BucketRule {
    /// The level of a bucket that held `level` requests `elapsed_ms` ago.
    pub fn drained(&self, level: f64, elapsed_ms: i64) -> f64 {
        (level - elapsed_ms.max(0) as f64 / 1000.0 * self.drain_per_sec).max(0.0)
    }

    /// One request offered to a bucket that held `level` requests
    /// `elapsed_ms` ago (`None`: an empty bucket): the new level and whether the
    /// request passes. A refused request leaves the drained level.
    pub fn admit(&self, level: Option<f64>, elapsed_ms: i64) -> (f64, bool) {
        let drained = level.map_or(0.0, |l| self.drained(l, elapsed_ms));
        if drained + 1.0 <= self.burst {
            (drained + 1.0, true)
        } else {
            (drained, false)
        }
    }

    /// Whole seconds until a bucket at `level` takes one more request (at least 1).
    pub fn retry_after(&self, level: f64) -> i64 {
        if self.drain_per_sec <= 0.0 {
            return OPERATING_WINDOW_SECS;
        }
        (((level + 1.0 - self.burst) / self.drain_per_sec).ceil() as i64).max(1)
    }
}

/// One operating basket: the seconds spent in the minute that began with the
/// call at `first_at`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OperatingBasket {
    /// Unix time of the first call recorded in the basket; it counts until
    /// `first_at + OPERATING_WINDOW_SECS`.
    pub first_at: i64,
    /// Seconds of processing recorded in it.
    pub seconds: f64,
}

/// The operating time of one integration's method at an instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OperatingWindow {
    /// The baskets still counting, oldest first.
    pub baskets: Vec<OperatingBasket>,
}

impl OperatingWindow {
    /// The window at `now` from stored baskets (expired ones are left out).
    pub fn from_baskets(mut baskets: Vec<OperatingBasket>, now: i64) -> OperatingWindow {
        baskets.retain(|b| b.first_at + OPERATING_WINDOW_SECS > now);
        baskets.sort_by_key(|b| b.first_at);
        OperatingWindow { baskets }
    }

    /// Seconds spent within the window.
    pub fn seconds(&self) -> f64 {
        self.baskets.iter().map(|b| b.seconds).sum()
    }

    /// When the oldest basket stops counting; `None` when nothing counts.
    pub fn reset_at(&self) -> Option<i64> {
        self.baskets
            .first()
            .map(|b| b.first_at + OPERATING_WINDOW_SECS)
    }

    /// Whether a call may start under `budget` seconds: it may while the
    /// seconds spent are not past the budget.
    pub fn allows(&self, budget: f64) -> bool {
        self.seconds() <= budget
    }

    /// Seconds from `now` until enough baskets expired for the spent seconds
    /// to be within `budget` again (at least 1); 0 when they already are.
    pub fn wait(&self, budget: f64, now: i64) -> i64 {
        let mut spent = self.seconds();
        if spent <= budget {
            return 0;
        }
        for basket in &self.baskets {
            spent -= basket.seconds;
            if spent <= budget {
                return (basket.first_at + OPERATING_WINDOW_SECS - now).max(1);
            }
        }
        OPERATING_WINDOW_SECS
    }
}

/// Storage of the REST limits' counters.
#[async_trait]
pub trait RestLimitStore: Send + Sync {
    /// Atomically offers one request to the bucket under `key` at `now_ms`
    /// (Unix milliseconds) with `rule`, counting it when it passes.
    async fn take_from_bucket(
        &self,
        key: &str,
        rule: BucketRule,
        now_ms: i64,
    ) -> Result<BucketAdmission, StoreError>;
    /// The operating baskets of `key` still counting at `now` (Unix seconds).
    async fn operating_window(&self, key: &str, now: i64) -> Result<OperatingWindow, StoreError>;
    /// Adds `seconds` of processing to `key`'s basket of the minute of `now`
    /// (opening it at `now` when it is the minute's first call); returns the window.
    async fn add_operating(
        &self,
        key: &str,
        seconds: f64,
        now: i64,
    ) -> Result<OperatingWindow, StoreError>;
    /// Removes baskets that stopped counting and buckets untouched for an hour
    /// at `now` (Unix seconds); returns how many rows went.
    async fn purge_rest_limits(&self, now: i64) -> Result<u64, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOUD: BucketRule = BucketRule {
        burst: 50.0,
        drain_per_sec: 2.0,
    };

    #[test]
    fn a_burst_passes_up_to_the_threshold_then_waits_for_the_drain() {
        let mut level = None;
        for _ in 0..50 {
            let (l, passed) = CLOUD.admit(level, 0);
            assert!(passed);
            level = Some(l);
        }
        assert_eq!(level, Some(50.0));
        let (l, passed) = CLOUD.admit(level, 0);
        assert!(!passed, "the 51st request at once is refused");
        assert_eq!(l, 50.0, "a refused request is not counted");
        assert_eq!(CLOUD.retry_after(l), 1);
        // Half a second drains one request: it passes, the next does not.
        let (l, passed) = CLOUD.admit(Some(l), 500);
        assert!(passed);
        assert_eq!(l, 50.0);
        assert!(!CLOUD.admit(Some(l), 0).1);
    }

    #[test]
    fn the_bucket_refills_at_the_drain_rate_and_never_below_empty() {
        assert_eq!(CLOUD.drained(50.0, 10_000), 30.0);
        assert_eq!(CLOUD.drained(50.0, 25_000), 0.0);
        assert_eq!(
            CLOUD.drained(10.0, -5_000),
            10.0,
            "a clock going back drains nothing"
        );
        assert_eq!(CLOUD.admit(Some(50.0), 60_000), (1.0, true));
        let enterprise = BucketRule {
            burst: 250.0,
            drain_per_sec: 5.0,
        };
        assert_eq!(enterprise.drained(250.0, 1_000), 245.0);
        assert_eq!(enterprise.retry_after(250.0), 1);
        assert_eq!(CLOUD.retry_after(57.0), 4);
    }

    fn basket(first_at: i64, seconds: f64) -> OperatingBasket {
        OperatingBasket { first_at, seconds }
    }

    #[test]
    fn baskets_count_for_ten_minutes_from_their_first_call() {
        let w = OperatingWindow::from_baskets(
            vec![basket(1_120, 5.0), basket(1_000, 3.0), basket(400, 9.0)],
            1_000,
        );
        assert_eq!(
            w.baskets,
            [basket(1_000, 3.0), basket(1_120, 5.0)],
            "400 expired at 1000"
        );
        assert_eq!(w.seconds(), 8.0);
        assert_eq!(w.reset_at(), Some(1_600));
        let later = OperatingWindow::from_baskets(w.baskets.clone(), 1_600);
        assert_eq!(later.seconds(), 5.0);
        assert_eq!(later.reset_at(), Some(1_720));
        assert_eq!(
            OperatingWindow::from_baskets(w.baskets, 1_720).reset_at(),
            None
        );
    }

    /// Reference §4.2: a 480 s budget, `crm.item.list` calls of 20 s; 20 calls
    /// in ten minutes make 400 s, five more make 500 s and block the next call;
    /// when the oldest basket (40 s) expires, 460 s remain and calls pass.
    #[test]
    fn the_worked_example_of_the_reference() {
        let budget = 480.0;
        let start = 10_000;
        // Two 20-second calls a minute for ten minutes (the first minute's basket
        // holds 40 s), then five more calls in the last minute.
        let mut baskets: Vec<OperatingBasket> =
            (0..10).map(|m| basket(start + m * 60, 40.0)).collect();
        let window = OperatingWindow::from_baskets(baskets.clone(), start + 9 * 60);
        assert_eq!(window.seconds(), 400.0);
        assert!(window.allows(budget));
        baskets[9].seconds += 5.0 * 20.0 - 40.0; // five calls instead of two in the last minute
        let now = start + 9 * 60 + 30;
        let window = OperatingWindow::from_baskets(baskets.clone(), now);
        assert_eq!(window.seconds(), 460.0);
        baskets[9].seconds += 40.0;
        let window = OperatingWindow::from_baskets(baskets.clone(), now);
        assert_eq!(window.seconds(), 500.0);
        assert!(!window.allows(budget), "the next call is blocked");
        assert_eq!(window.reset_at(), Some(start + 600));
        assert_eq!(window.wait(budget, now), 30);
        let freed = OperatingWindow::from_baskets(baskets, start + 600);
        assert_eq!(freed.seconds(), 460.0);
        assert!(
            freed.allows(budget),
            "unblocked when the oldest basket expires"
        );
        assert_eq!(freed.wait(budget, start + 600), 0);
    }
}
