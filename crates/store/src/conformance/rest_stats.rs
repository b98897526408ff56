//! REST statistics: flushes add to what is stored (as two servers' flushes on
//! one database must), reads cover a range of days, purging
//! removes the days before the kept window only.

use crate::rest_stats::{IntegrationKind, RestStatCounts, RestStatKey};
use crate::Store;

fn key(day: i64, kind: IntegrationKind, id: i64, method: &str) -> RestStatKey {
    RestStatKey {
        day,
        kind,
        integration_id: id,
        method: method.to_owned(),
    }
}

fn counts(calls: u64, errors: u64, operating_micros: u64) -> RestStatCounts {
    RestStatCounts {
        calls,
        errors,
        operating_micros,
    }
}

/// The REST statistics story.
pub(super) async fn story(store: &dyn Store) {
    let lead_get = key(20_000, IntegrationKind::Inbound, 1, "crm.lead.get");
    let batch = key(20_000, IntegrationKind::App, 2, "batch");
    let event = key(20_001, IntegrationKind::Outbound, 3, "ONCRMLEADADD");
    let old = key(19_900, IntegrationKind::Inbound, 1, "crm.lead.get");
    assert_eq!(store.rest_stats(0, i64::MAX).await.expect("empty"), vec![]);
    store.add_rest_stats(&[]).await.expect("nothing to add");

    // One server's flush, then another's with overlapping keys: they add up.
    store
        .add_rest_stats(&[
            (lead_get.clone(), counts(3, 1, 1_500)),
            (batch.clone(), counts(1, 0, 700)),
            (old.clone(), counts(9, 9, 9)),
        ])
        .await
        .expect("first flush");
    store
        .add_rest_stats(&[
            (lead_get.clone(), counts(2, 2, 500)),
            (event.clone(), counts(4, 1, 4_000_000)),
        ])
        .await
        .expect("second flush");
    let mut read = store.rest_stats(20_000, 20_001).await.expect("read");
    read.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        read,
        vec![
            (lead_get.clone(), counts(5, 3, 2_000)),
            (batch.clone(), counts(1, 0, 700)),
            (event.clone(), counts(4, 1, 4_000_000)),
        ],
        "the two flushes added up; the day before is not read"
    );
    assert_eq!(
        store.rest_stats(20_001, 20_001).await.expect("one day"),
        vec![(event.clone(), counts(4, 1, 4_000_000))]
    );

    assert_eq!(store.purge_rest_stats(20_000).await.expect("purge"), 1);
    assert_eq!(store.rest_stats(0, 19_999).await.expect("purged"), vec![]);
    assert_eq!(store.rest_stats(0, i64::MAX).await.expect("kept").len(), 3);
}
