//! Unit tests of the recorder: counting, flushing, merging after a failed
//! flush, the last flush at stop, and days in the portal's time zone.

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
