//! Backing off after failed accepts: out of file descriptors (EMFILE, ENFILE) or
//! memory, retrying at once would spin; the wait doubles up to a second and the
//! failure is logged at most once a second.

use std::time::Duration;

use tokio::time::Instant;

/// The first wait after a failed accept.
const FIRST_WAIT: Duration = Duration::from_millis(10);
/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(1);
/// At most one log line per this much time.
const LOG_EVERY: Duration = Duration::from_secs(1);

/// The accept loop's back-off state.
#[derive(Debug, Default)]
pub struct AcceptBackoff {
    wait: Option<Duration>,
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl AcceptBackoff {
    /// An accept succeeded: the next failure waits the shortest time again.
    pub fn succeeded(&mut self) {
        self.wait = None;
    }

    /// An accept failed with `error`: logs it unless one was logged less than a
    /// second ago, and returns how long to wait before the next attempt.
    pub fn failed(&mut self, error: &std::io::Error) -> Duration {
        let wait = self.wait.map_or(FIRST_WAIT, |w| (w * 2).min(LONGEST_WAIT));
        self.wait = Some(wait);
        let now = Instant::now();
        if self
            .last_logged
            .is_none_or(|at| now.duration_since(at) >= LOG_EVERY)
        {
            tracing::warn!(
                error = %error,
                retry_in_ms = wait.as_millis() as u64,
                failures_not_logged = self.unlogged,
                "cannot accept connections"
            );
            self.last_logged = Some(now);
            self.unlogged = 0;
        } else {
            self.unlogged += 1;
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_double_up_to_a_second_and_reset_after_a_success() {
        let mut backoff = AcceptBackoff::default();
        let emfile = std::io::Error::from_raw_os_error(24);
        let waits: Vec<u128> = (0..9)
            .map(|_| backoff.failed(&emfile).as_millis())
            .collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        assert_eq!(backoff.unlogged, 8, "one line logged in the same second");
        tokio::time::advance(LOG_EVERY).await;
        backoff.failed(&emfile);
        assert_eq!(backoff.unlogged, 0, "the next second logs again");
        backoff.succeeded();
        assert_eq!(backoff.failed(&emfile), FIRST_WAIT);
    }
}
