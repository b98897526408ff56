//! The REST statistics recorder: every call made by an integration (inbound
//! webhook, application, `batch` sub-call, outbound delivery attempt) is
//! counted in memory under its day, integration and method; the counts are
//! added to the store in one batch every [`FLUSH_EVERY`] and once more when
//! the server stops. A crash loses at most the last [`FLUSH_EVERY`] of counts;
//! a failed flush keeps its counts for the next one.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::FixedOffset;
use portico_store::{IntegrationKind, RestStatCounts, RestStatKey, RestStatsStore};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod hooks;

pub use hooks::{count_refused, delivery_observer, integration_of, Counted};

/// How often the counts are added to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(10);

/// The method name counted for a call to a method that does not exist.
pub const UNKNOWN_METHOD: &str = "(unknown)";

/// What one count is kept under, before it is stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    day: i64,
    kind: IntegrationKind,
    integration_id: i64,
    method: Cow<'static, str>,
}

/// The day (since 1970-01-01) of Unix instant `now` in the time zone `offset`.
pub fn day_of(now: i64, offset: FixedOffset) -> i64 {
    (now + i64::from(offset.local_minus_utc())).div_euclid(86_400)
}

/// Counts not yet stored.
#[derive(Debug, Default)]
pub struct RestStatsRecorder {
    pending: Mutex<HashMap<Key, RestStatCounts>>,
    /// Held while a flush is under way (see [`RestStatsRecorder::discard`]).
    flushing: tokio::sync::Mutex<()>,
}

impl RestStatsRecorder {
    /// Counts one call on `day` by integration `(kind, id)` to `method`,
    /// answered with an error unless `ok`, that ran for `duration`.
    pub fn record(
        &self,
        day: i64,
        (kind, integration_id): (IntegrationKind, i64),
        method: Cow<'static, str>,
        ok: bool,
        duration: Duration,
    ) {
        let key = Key {
            day,
            kind,
            integration_id,
            method,
        };
        let counts = RestStatCounts {
            calls: 1,
            errors: u64::from(!ok),
            operating_micros: u64::try_from(duration.as_micros()).unwrap_or(u64::MAX),
        };
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.entry(key).or_default().add(counts);
    }

    /// Takes every pending count out, leaving none.
    pub fn take(&self) -> Vec<(RestStatKey, RestStatCounts)> {
        let taken = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        taken
            .into_iter()
            .map(|(key, counts)| {
                (
                    RestStatKey {
                        day: key.day,
                        kind: key.kind,
                        integration_id: key.integration_id,
                        method: key.method.into_owned(),
                    },
                    counts,
                )
            })
            .collect()
    }

    /// Puts counts back (after a failed flush), added to those counted since.
    fn put_back(&self, rows: Vec<(RestStatKey, RestStatCounts)>) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        for (key, counts) in rows {
            let key = Key {
                day: key.day,
                kind: key.kind,
                integration_id: key.integration_id,
                method: Cow::Owned(key.method),
            };
            pending.entry(key).or_default().add(counts);
        }
    }

    /// Runs `change` (a database restore) with no flush under way, then drops
    /// every pending count, so no count from before the change is stored after it.
    pub async fn discard<T>(&self, change: impl std::future::Future<Output = T>) -> T {
        let _flushing = self.flushing.lock().await;
        let out = change.await;
        drop(self.take());
        out
    }

    /// Adds the pending counts to `store` in one write; on failure they stay
    /// pending for the next flush. Returns how many rows were written.
    pub async fn flush<S: RestStatsStore + ?Sized>(&self, store: &S) -> usize {
        let _flushing = self.flushing.lock().await;
        let rows = self.take();
        if rows.is_empty() {
            return 0;
        }
        match store.add_rest_stats(&rows).await {
            Ok(()) => rows.len(),
            Err(e) => {
                tracing::warn!(error = %e, rows = rows.len(), "cannot store REST statistics; kept for the next flush");
                self.put_back(rows);
                0
            }
        }
    }
}

/// The background flushing of a recorder; [`Flusher::stop`] flushes one last time.
pub struct Flusher {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Flusher {
    /// Flushes `recorder` into `store` every `every` until stopped.
    pub fn spawn<S: RestStatsStore + ?Sized + 'static>(
        recorder: Arc<RestStatsRecorder>,
        store: Arc<S>,
        every: Duration,
    ) -> Flusher {
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                tokio::select! {
                    _ = ticks.tick() => { recorder.flush(store.as_ref()).await; }
                    _ = &mut stopped => break,
                }
            }
            recorder.flush(store.as_ref()).await;
        });
        Flusher { stop, task }
    }

    /// Stops the flushing after one last flush of everything counted so far.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests;
