//! Sign-in attempt counters: how many password checks were started under a key
//! (a login from one address, an address, a login from anywhere) in the current
//! window, and when the next one may start. An attempt is counted before its
//! password is checked, atomically with the check of the limits, so parallel
//! attempts cannot pass a limit and every server sharing the database enforces
//! the same one.
//!
//! The rules are data ([`AttemptRule`]) and their arithmetic lives here, once:
//! a backend only loads and stores [`AttemptCount`]s, inside one transaction in
//! [`SignInAttemptStore::begin_sign_in_attempt`].

use async_trait::async_trait;

use crate::error::StoreError;

/// The limits on attempts counted under one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptRule {
    /// What is counted, e.g. `address:203.0.113.7`.
    pub key: String,
    /// Attempts allowed in a window; further ones are refused until the window ends.
    pub max_attempts: u32,
    /// Attempts allowed in a window before further ones are spaced out (at least
    /// `max_attempts` for a rule that never spaces).
    pub free_attempts: u32,
    /// Longest spacing between spaced-out attempts, in seconds. The spacing
    /// doubles from one second with each attempt past `free_attempts`.
    pub max_spacing_seconds: i64,
    /// Length of a window, in seconds, counted from its first attempt.
    pub window_seconds: i64,
}

/// What is stored under one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptCount {
    /// Attempts counted in the current window.
    pub attempts: u32,
    /// When the current window ends (Unix seconds); the count is void from then on.
    pub window_ends_at: i64,
    /// No attempt may start before this instant (Unix seconds).
    pub next_allowed_at: i64,
}

/// Whether an attempt may start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// It may; when returned by `begin_sign_in_attempt`, it has been counted.
    Allowed,
    /// It may not: retry after this many seconds (at least 1). Nothing was counted.
    RetryAfter(i64),
}

impl AttemptRule {
    /// The seconds to wait before an attempt may start at `now`, given what is
    /// stored under the key; `None` when it may start now.
    pub fn wait(&self, count: Option<&AttemptCount>, now: i64) -> Option<i64> {
        let count = count.filter(|c| now < c.window_ends_at)?;
        let wait = if count.attempts >= self.max_attempts {
            count.window_ends_at - now
        } else {
            count.next_allowed_at - now
        };
        (wait > 0).then_some(wait)
    }

    /// What to store under the key after one more attempt started at `now`.
    pub fn record(&self, count: Option<&AttemptCount>, now: i64) -> AttemptCount {
        let (attempts, window_ends_at) = match count.filter(|c| now < c.window_ends_at) {
            Some(c) => (c.attempts.saturating_add(1), c.window_ends_at),
            None => (1, now.saturating_add(self.window_seconds)),
        };
        let next_allowed_at = match attempts.checked_sub(self.free_attempts) {
            Some(past) if past > 0 => {
                let doubling = if past > 62 {
                    i64::MAX
                } else {
                    1i64 << (past - 1)
                };
                now.saturating_add(doubling.clamp(1, self.max_spacing_seconds.max(1)))
            }
            _ => now,
        };
        AttemptCount {
            attempts,
            window_ends_at,
            next_allowed_at,
        }
    }
}

/// The longest wait over `rules` at `now`, reading each key's count with `count_of`.
pub fn admission<'a>(
    rules: &[AttemptRule],
    now: i64,
    mut count_of: impl FnMut(&str) -> Option<&'a AttemptCount>,
) -> Admission {
    rules
        .iter()
        .filter_map(|rule| rule.wait(count_of(&rule.key), now))
        .max()
        .map_or(Admission::Allowed, Admission::RetryAfter)
}

/// Storage of sign-in attempt counters.
#[async_trait]
pub trait SignInAttemptStore: Send + Sync {
    /// What is stored under `key`, if anything (a window that ended is still
    /// returned until it is purged).
    async fn sign_in_attempts(&self, key: &str) -> Result<Option<AttemptCount>, StoreError>;
    /// Atomically: when every rule allows an attempt at `now`, counts one under
    /// each rule's key and answers [`Admission::Allowed`]; otherwise counts
    /// nothing and answers the longest wait.
    async fn begin_sign_in_attempt(
        &self,
        rules: &[AttemptRule],
        now: i64,
    ) -> Result<Admission, StoreError>;
    /// After a successful attempt: forgets everything stored under the `forget`
    /// keys and takes the attempt back from each `take_back` key.
    async fn forgive_sign_in_attempt(
        &self,
        forget: &[String],
        take_back: &[String],
    ) -> Result<(), StoreError>;
    /// Removes counts whose window ended at `now`; returns how many.
    async fn purge_expired_sign_in_attempts(&self, now: i64) -> Result<u64, StoreError>;
}

/// The longest wait over `rules` at `now` from the stored counts, without
/// counting anything: a cheap refusal before [`SignInAttemptStore::begin_sign_in_attempt`].
pub async fn sign_in_wait<S: SignInAttemptStore + ?Sized>(
    store: &S,
    rules: &[AttemptRule],
    now: i64,
) -> Result<Admission, StoreError> {
    let mut counts = Vec::with_capacity(rules.len());
    for rule in rules {
        counts.push((rule.key.as_str(), store.sign_in_attempts(&rule.key).await?));
    }
    Ok(admission(rules, now, |key| {
        counts
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, c)| c.as_ref())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(max: u32, free: u32) -> AttemptRule {
        AttemptRule {
            key: "k".into(),
            max_attempts: max,
            free_attempts: free,
            max_spacing_seconds: 60,
            window_seconds: 900,
        }
    }

    #[test]
    fn a_key_is_refused_at_its_limit_until_the_window_ends() {
        let r = rule(3, 3);
        let mut count = None;
        for _ in 0..3 {
            assert_eq!(r.wait(count.as_ref(), 1000), None);
            count = Some(r.record(count.as_ref(), 1000));
        }
        assert_eq!(count.map(|c| c.attempts), Some(3));
        assert_eq!(r.wait(count.as_ref(), 1000), Some(900));
        assert_eq!(r.wait(count.as_ref(), 1899), Some(1));
        assert_eq!(r.wait(count.as_ref(), 1900), None, "window over");
        let fresh = r.record(count.as_ref(), 1900);
        assert_eq!(fresh.attempts, 1, "a new window starts");
        assert_eq!(fresh.window_ends_at, 2800);
    }

    #[test]
    fn attempts_past_the_free_ones_are_spaced_out_doubling_up_to_the_cap() {
        let r = rule(u32::MAX, 2);
        let mut count = None;
        let mut spacings = Vec::new();
        for _ in 0..10 {
            let c = r.record(count.as_ref(), 5000);
            spacings.push(c.next_allowed_at - 5000);
            count = Some(c);
        }
        assert_eq!(spacings, [0, 0, 1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(r.wait(count.as_ref(), 5000), Some(60));
        assert_eq!(r.wait(count.as_ref(), 5060), None);
    }

    #[test]
    fn the_longest_wait_of_all_rules_wins() {
        let (a, b) = (rule(1, 1), rule(10, 10));
        let b = AttemptRule {
            key: "other".into(),
            ..b
        };
        let counts = [(
            "k",
            AttemptCount {
                attempts: 1,
                window_ends_at: 1100,
                next_allowed_at: 1000,
            },
        )];
        let lookup = |key: &str| counts.iter().find(|(k, _)| *k == key).map(|(_, c)| c);
        assert_eq!(
            admission(&[a.clone(), b.clone()], 1000, lookup),
            Admission::RetryAfter(100)
        );
        assert_eq!(admission(&[b], 1000, lookup), Admission::Allowed);
        assert_eq!(admission(&[a], 1100, lookup), Admission::Allowed);
    }
}
