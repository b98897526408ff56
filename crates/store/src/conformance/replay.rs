//! Sending a finished delivery again (same message, a whole new schedule) and
//! pruning the outbox (finished deliveries and events without deliveries
//! older than a cut-off go; pending ones stay whatever their age). Runs last:
//! pruning also removes older stories' events.

use super::outbox::{last_event_id, lead_write, new_outbound};
use super::users::new_user;
use crate::crm::{DEAL, LEAD};
use crate::deliveries::{
    AttemptRecord, AttemptVerdict, ClaimedDelivery, DeliveryQuery, DeliveryState,
};
use crate::events::EventStamp;
use crate::records::RecordWrite;
use crate::Store;

/// The report of an attempt at `c` ending with `verdict` at `at`.
fn report(c: &ClaimedDelivery, verdict: AttemptVerdict, at: i64) -> AttemptRecord {
    AttemptRecord {
        delivery_id: c.delivery_id,
        lease_token: c.lease_token.clone(),
        attempt: c.attempt,
        started_at: at,
        duration_ms: 1,
        status: Some(200),
        response: String::new(),
        error: None,
        verdict,
        recorded_at: at,
    }
}

/// The replay and pruning story.
pub(super) async fn story(store: &dyn Store) {
    let owner = store
        .insert_user(new_user("replay-owner", false))
        .await
        .expect("owner");
    let hook = store
        .insert_outbound_webhook(new_outbound(
            owner,
            "https://example.com/r",
            &["ONCRMDEALADD"],
        ))
        .await
        .expect("webhook");
    let before = last_event_id(store).await;
    store
        .insert_record(&LEAD, lead_write("unsubscribed", Some(7_000), owner))
        .await
        .expect("lead");
    for at in [7_000, 7_001, 8_000] {
        let write = RecordWrite {
            event: Some(EventStamp {
                at,
                user_id: None,
                auth_connector: None,
            }),
            ..RecordWrite::default()
        };
        store.insert_record(&DEAL, write).await.expect("deal");
    }
    // The lead event has no subscriber, so it is not recorded at all.
    let events = store.events_after(before, 10).await.expect("events");
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.code == "ONCRMDEALADD"));
    let claimed = store.claim_deliveries(8_000, 600, 10).await.expect("claim");
    assert_eq!(claimed.len(), 3);
    let (c1, c2, c3) = (&claimed[0], &claimed[1], &claimed[2]);
    let record = |r| async move { store.record_attempt(r).await.expect("record") };
    assert!(record(report(c1, AttemptVerdict::Delivered, 7_100)).await);
    assert!(record(report(c2, AttemptVerdict::GiveUp, 7_200)).await);
    assert!(record(report(c3, AttemptVerdict::RetryAt(9_000), 7_300)).await);

    // Only finished deliveries are sent again.
    assert!(!store
        .redeliver(c3.delivery_id, 7_300)
        .await
        .expect("pending"));
    assert!(!store.redeliver(999_999, 7_300).await.expect("missing"));
    assert!(store.redeliver(c2.delivery_id, 7_300).await.expect("again"));
    let d2 = store
        .list_deliveries(hook, DeliveryQuery::newest(10))
        .await
        .expect("list")
        .into_iter()
        .find(|d| d.id == c2.delivery_id)
        .expect("d2");
    assert_eq!(
        (d2.state, d2.attempts, d2.next_attempt_at, d2.finished_at),
        (DeliveryState::Pending, 0, Some(7_300), None)
    );
    let again = store.claim_deliveries(7_300, 600, 10).await.expect("claim");
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].delivery_id, again[0].attempt),
        (c2.delivery_id, 1)
    );
    assert_eq!(again[0].event.message_id, c2.event.message_id);
    assert!(record(report(&again[0], AttemptVerdict::Delivered, 7_400)).await);

    // Pruning: what finished before the cut-off goes, pending work stays.
    let pruned = store.prune_outbox(8_001).await.expect("prune");
    assert!(pruned >= 2, "pruned {pruned}");
    let left = store.events_after(before, 10).await.expect("events");
    assert_eq!(left, vec![events[2].clone()]);
    let deliveries = store
        .list_deliveries(hook, DeliveryQuery::newest(10))
        .await
        .expect("list");
    assert_eq!(
        deliveries.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![c3.delivery_id]
    );
    assert!(store
        .delivery_attempts(c1.delivery_id)
        .await
        .expect("log")
        .is_empty());
    assert_eq!(store.prune_outbox(8_001).await.expect("again"), 0);
    assert!(store.delete_outbound_webhook(hook).await.expect("delete"));
}
