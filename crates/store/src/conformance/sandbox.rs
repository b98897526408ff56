//! Sandbox snapshots and faults: a restore returns to the snapshot's state,
//! a fault answers exactly its number of matching calls.

use crate::{NewFault, Store, StoreError};

/// The whole story.
pub(super) async fn story(store: &dyn Store) {
    assert_eq!(store.clear_faults().await.expect("clear"), 0);
    let lead_get = store
        .arm_fault(&NewFault {
            method: Some("crm.lead.get".into()),
            integration: None,
            times: 2,
            error: Some("QUERY_LIMIT_EXCEEDED".into()),
            delay_ms: 0,
        })
        .await
        .expect("arm");
    assert_eq!(lead_get.remaining, 2);
    let slow = store
        .arm_fault(&NewFault {
            method: None,
            integration: Some("app:7".into()),
            times: 1,
            error: None,
            delay_ms: 250,
        })
        .await
        .expect("arm delay");
    store.save_snapshot("armed").await.expect("snapshot");

    let miss = store.take_fault("crm.deal.get", "webhook:1").await;
    assert_eq!(miss.expect("take"), None, "no fault matches");
    let first = store.take_fault("crm.lead.get", "webhook:1").await;
    assert_eq!(
        first.expect("take").map(|f| (f.id, f.remaining)),
        Some((lead_get.id, 1))
    );
    let by_app = store
        .take_fault("crm.deal.get", "app:7")
        .await
        .expect("take");
    assert_eq!(by_app.map(|f| (f.id, f.delay_ms)), Some((slow.id, 250)));
    let last = store
        .take_fault("crm.lead.get", "app:7")
        .await
        .expect("take");
    assert_eq!(last.map(|f| (f.id, f.remaining)), Some((lead_get.id, 0)));
    assert_eq!(
        store
            .take_fault("crm.lead.get", "app:7")
            .await
            .expect("take"),
        None
    );
    assert!(store.armed_faults().await.expect("list").is_empty());

    store.restore_snapshot("armed").await.expect("restore");
    let armed = store.armed_faults().await.expect("list");
    assert_eq!(
        armed
            .iter()
            .map(|f| (f.id, f.remaining))
            .collect::<Vec<_>>(),
        [(lead_get.id, 2), (slow.id, 1)],
        "a restore brings back what the snapshot held"
    );
    assert_eq!(store.clear_faults().await.expect("clear"), 2);
    assert!(matches!(
        store.restore_snapshot("never-saved").await,
        Err(StoreError::NotFound)
    ));
    assert!(store.save_snapshot("../escape").await.is_err());
}
