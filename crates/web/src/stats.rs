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
use portico_methods::{AuthKind, SubCallObserver};
use portico_store::{IntegrationKind, RestStatCounts, RestStatKey, RestStatsStore};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::state::AppState;

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

/// The integration an authenticated REST caller counts under (the web UI's
/// own calls are not counted).
pub fn integration_of(auth: &AuthKind) -> Option<(IntegrationKind, i64)> {
    match auth {
        AuthKind::Webhook { id } => Some((IntegrationKind::Inbound, *id)),
        AuthKind::App { id } => Some((IntegrationKind::App, *id)),
        AuthKind::WebSession => None,
    }
}

/// Counts not yet stored.
#[derive(Debug, Default)]
pub struct RestStatsRecorder {
    pending: Mutex<HashMap<Key, RestStatCounts>>,
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

    /// Adds the pending counts to `store` in one write; on failure they stay
    /// pending for the next flush. Returns how many rows were written.
    pub async fn flush<S: RestStatsStore + ?Sized>(&self, store: &S) -> usize {
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

/// A REST call being counted: its day, integration and method.
pub struct Counted {
    day: i64,
    integration: (IntegrationKind, i64),
    method: &'static str,
}

impl Counted {
    /// The count of a call by `auth` to `method` (any case), unless the
    /// caller is not an integration.
    pub fn new(state: &AppState, auth: &AuthKind, method: &str) -> Option<Counted> {
        let integration = integration_of(auth)?;
        let method = state
            .registry
            .get(method)
            .map_or(UNKNOWN_METHOD, |spec| spec.name);
        Some(Counted {
            day: day_of(state.clock.now(), state.clock.offset),
            integration,
            method,
        })
    }

    /// Counts the call: succeeded when `ok`, having run for `duration`.
    pub fn record(self, state: &AppState, ok: bool, duration: Duration) {
        state.stats.record(
            self.day,
            self.integration,
            Cow::Borrowed(self.method),
            ok,
            duration,
        );
    }

    /// For a `batch` call: what counts each of its sub-calls under the same
    /// day and integration.
    pub fn batch_observer(&self, state: &AppState) -> Option<SubCallObserver> {
        if self.method != "batch" {
            return None;
        }
        let (recorder, day, integration) = (state.stats.clone(), self.day, self.integration);
        Some(Arc::new(move |method, ok, duration| {
            let method = Cow::Borrowed(method.unwrap_or(UNKNOWN_METHOD));
            recorder.record(day, integration, method, ok, duration);
        }))
    }
}

/// Counts a call by `auth` refused before its method ran (an unknown method
/// when `method` is `None`, a body that cannot be read): an error of no
/// operating time.
pub fn count_refused(state: &AppState, auth: &AuthKind, method: Option<&'static str>) {
    if let Some(integration) = integration_of(auth) {
        let day = day_of(state.clock.now(), state.clock.offset);
        let method = Cow::Borrowed(method.unwrap_or(UNKNOWN_METHOD));
        state
            .stats
            .record(day, integration, method, false, Duration::ZERO);
    }
}

/// What counts the delivery worker's attempts: an attempt is a call of the
/// event's code by the outbound webhook (by the application, for an
/// application's handler), an error unless the handler took it.
pub fn delivery_observer(state: &AppState) -> portico_delivery::AttemptObserver {
    let (recorder, offset) = (state.stats.clone(), state.clock.offset);
    Arc::new(move |seen: &portico_delivery::AttemptSeen<'_>| {
        let integration = match seen.app_id {
            Some(app) => (IntegrationKind::App, app),
            None => (IntegrationKind::Outbound, seen.handler_id),
        };
        recorder.record(
            day_of(seen.started_at, offset),
            integration,
            Cow::Owned(seen.event.to_owned()),
            seen.delivered,
            seen.duration,
        );
    })
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
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use async_trait::async_trait;
    use portico_store::StoreError;

    use super::*;

    /// A store that adds up what it is given, or refuses while `failing`.
    #[derive(Default)]
    struct Summing {
        rows: Mutex<HashMap<RestStatKey, RestStatCounts>>,
        failing: AtomicBool,
        writes: Mutex<usize>,
    }

    #[async_trait]
    impl RestStatsStore for Summing {
        async fn add_rest_stats(
            &self,
            rows: &[(RestStatKey, RestStatCounts)],
        ) -> Result<(), StoreError> {
            if self.failing.load(Ordering::SeqCst) {
                return Err(StoreError::Other("down".into()));
            }
            *self.writes.lock().expect("lock") += 1;
            let mut stored = self.rows.lock().expect("lock");
            for (key, counts) in rows {
                stored.entry(key.clone()).or_default().add(*counts);
            }
            Ok(())
        }
        async fn rest_stats(
            &self,
            _: i64,
            _: i64,
        ) -> Result<Vec<(RestStatKey, RestStatCounts)>, StoreError> {
            Ok(self
                .rows
                .lock()
                .expect("lock")
                .clone()
                .into_iter()
                .collect())
        }
        async fn purge_rest_stats(&self, _: i64) -> Result<u64, StoreError> {
            Ok(0)
        }
    }

    fn stored(store: &Summing, method: &str) -> RestStatCounts {
        store
            .rows
            .lock()
            .expect("lock")
            .iter()
            .find(|(k, _)| k.method == method)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }

    const HOOK: (IntegrationKind, i64) = (IntegrationKind::Inbound, 7);

    #[test]
    fn calls_are_counted_per_day_integration_and_method() {
        let recorder = RestStatsRecorder::default();
        let ms = Duration::from_millis;
        recorder.record(100, HOOK, "crm.lead.get".into(), true, ms(2));
        recorder.record(100, HOOK, "crm.lead.get".into(), false, ms(3));
        recorder.record(101, HOOK, "crm.lead.get".into(), true, ms(1));
        recorder.record(
            100,
            (IntegrationKind::App, 7),
            "crm.lead.get".into(),
            true,
            ms(1),
        );
        recorder.record(100, HOOK, Cow::Owned("batch".to_owned()), true, ms(9));
        let mut rows = recorder.take();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let seen: Vec<(i64, IntegrationKind, &str, u64, u64, u64)> = rows
            .iter()
            .map(|(k, c)| {
                (
                    k.day,
                    k.kind,
                    k.method.as_str(),
                    c.calls,
                    c.errors,
                    c.operating_micros,
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (100, IntegrationKind::Inbound, "batch", 1, 0, 9_000),
                (100, IntegrationKind::Inbound, "crm.lead.get", 2, 1, 5_000),
                (100, IntegrationKind::App, "crm.lead.get", 1, 0, 1_000),
                (101, IntegrationKind::Inbound, "crm.lead.get", 1, 0, 1_000),
            ]
        );
        assert!(recorder.take().is_empty(), "taking empties the recorder");
    }

    #[tokio::test]
    async fn a_flush_writes_once_and_later_flushes_add_to_it() {
        let recorder = RestStatsRecorder::default();
        let store = Summing::default();
        for _ in 0..1000 {
            recorder.record(5, HOOK, "user.get".into(), true, Duration::from_micros(10));
        }
        assert_eq!(recorder.flush(&store).await, 1, "one row for 1000 calls");
        assert_eq!(*store.writes.lock().expect("lock"), 1, "one write");
        assert_eq!(recorder.flush(&store).await, 0, "nothing pending");
        assert_eq!(*store.writes.lock().expect("lock"), 1, "no empty write");
        recorder.record(5, HOOK, "user.get".into(), false, Duration::from_micros(10));
        recorder.flush(&store).await;
        assert_eq!(
            stored(&store, "user.get"),
            RestStatCounts {
                calls: 1001,
                errors: 1,
                operating_micros: 10_010
            }
        );
    }

    #[tokio::test]
    async fn a_failed_flush_merges_its_counts_into_the_next_one() {
        let recorder = RestStatsRecorder::default();
        let store = Summing::default();
        recorder.record(5, HOOK, "user.get".into(), true, Duration::ZERO);
        store.failing.store(true, Ordering::SeqCst);
        assert_eq!(recorder.flush(&store).await, 0);
        recorder.record(5, HOOK, "user.get".into(), false, Duration::ZERO);
        store.failing.store(false, Ordering::SeqCst);
        assert_eq!(recorder.flush(&store).await, 1);
        assert_eq!(stored(&store, "user.get").calls, 2);
        assert_eq!(stored(&store, "user.get").errors, 1);
    }

    #[tokio::test]
    async fn stopping_the_flusher_flushes_what_is_left() {
        let recorder = Arc::new(RestStatsRecorder::default());
        let store = Arc::new(Summing::default());
        let flusher = Flusher::spawn(recorder.clone(), store.clone(), Duration::from_secs(3600));
        recorder.record(5, HOOK, "user.get".into(), true, Duration::ZERO);
        flusher.stop().await;
        assert_eq!(stored(&store, "user.get").calls, 1);
    }

    #[test]
    fn days_follow_the_portal_time_zone() {
        let utc = FixedOffset::east_opt(0).expect("utc");
        let sao_paulo = FixedOffset::west_opt(3 * 3600).expect("-03");
        assert_eq!(day_of(86_400, utc), 1);
        assert_eq!(day_of(86_400 + 3600, sao_paulo), 0, "21:00 the day before");
        assert_eq!(day_of(-1, utc), -1);
    }
}
