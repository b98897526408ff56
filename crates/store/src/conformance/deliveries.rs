//! The delivery queue: claims with a lease (due rows only, oldest first, never
//! the same row twice while a lease holds, again once it ran out), attempts
//! fenced by the lease token, each verdict's effect (delivered, retry at,
//! give up, disable the webhook) and the attempt log.

use super::outbox::{last_event_id, lead_write, new_outbound};
use super::users::new_user;
use crate::crm::LEAD;
use crate::deliveries::{
    AttemptRecord, AttemptVerdict, ClaimedDelivery, DeliveryQuery, DeliveryState,
};
use crate::outbound::{DisableReason, Disabled, OutboundWebhookChange};
use crate::Store;

/// An attempt at `claimed` that ended with `verdict` and `status` at `at`.
fn attempt(
    claimed: &ClaimedDelivery,
    verdict: AttemptVerdict,
    status: Option<u16>,
    at: i64,
) -> AttemptRecord {
    AttemptRecord {
        delivery_id: claimed.delivery_id,
        lease_token: claimed.lease_token.clone(),
        attempt: claimed.attempt,
        started_at: at,
        duration_ms: 12,
        status,
        response: status.map(|s| format!("answer {s}")).unwrap_or_default(),
        error: status.is_none().then(|| "timed out".to_owned()),
        verdict,
        recorded_at: at,
    }
}

/// `(delivery id, attempt)` of claims.
fn claims(list: &[ClaimedDelivery]) -> Vec<(i64, u32)> {
    list.iter().map(|c| (c.delivery_id, c.attempt)).collect()
}

/// `(state, attempts, next_attempt_at, last_status, finished_at)` of a delivery.
async fn state_of(
    store: &dyn Store,
    webhook: i64,
    id: i64,
) -> (DeliveryState, u32, Option<i64>, Option<u16>, Option<i64>) {
    let list = store
        .list_deliveries(webhook, DeliveryQuery::newest(100))
        .await
        .expect("deliveries");
    let d = list
        .into_iter()
        .find(|d| d.id == id)
        .expect("delivery listed");
    (
        d.state,
        d.attempts,
        d.next_attempt_at,
        d.last_status,
        d.finished_at,
    )
}

/// The deliveries story.
pub(super) async fn story(store: &dyn Store) {
    use AttemptVerdict::{Delivered, Disable, GiveUp, RetryAt};
    use DeliveryState::{Delivered as Done, Failed, Pending};
    let owner = store
        .insert_user(new_user("delivery-owner", false))
        .await
        .expect("owner");
    let hook = store
        .insert_outbound_webhook(new_outbound(
            owner,
            "https://example.com/q",
            &["ONCRMLEADADD"],
        ))
        .await
        .expect("webhook");
    let before = last_event_id(store).await;
    for (title, at) in [("q1", 5_000), ("q2", 5_001), ("q3", 5_002)] {
        store
            .insert_record(&LEAD, lead_write(title, Some(at), owner))
            .await
            .expect("lead");
    }
    let events = store.events_after(before, 10).await.expect("events");
    let mut ids: Vec<i64> = store
        .list_deliveries(hook, DeliveryQuery::newest(10))
        .await
        .expect("deliveries")
        .iter()
        .map(|d| d.id)
        .collect();
    ids.reverse();
    let [d1, d2, d3] = ids[..] else {
        panic!("three deliveries expected, got {ids:?}");
    };

    // Nothing is due before its instant; then the oldest first, up to the limit.
    assert!(store
        .claim_deliveries(4_999, 30, 10)
        .await
        .expect("early")
        .is_empty());
    assert!(store
        .claim_deliveries(5_000, 30, 0)
        .await
        .expect("none")
        .is_empty());
    let first = store.claim_deliveries(5_001, 30, 10).await.expect("claim");
    assert_eq!(claims(&first), vec![(d1, 1), (d2, 1)]);
    let c1 = &first[0];
    assert_eq!(c1.lease_until, 5_031);
    assert_eq!(c1.event, events[0]);
    assert_eq!(c1.webhook.id, hook);
    assert_eq!(c1.webhook.handler_url, "https://example.com/q");
    assert_eq!(c1.webhook.signing_secret_sealed, b"sealed-secret");
    assert_ne!(first[0].lease_token, first[1].lease_token);
    assert!(first[0].lease_token.len() >= 16);
    // Leased rows are not claimed again while the lease holds.
    let second = store.claim_deliveries(5_002, 30, 10).await.expect("claim");
    assert_eq!(claims(&second), vec![(d3, 1)]);
    assert!(store
        .claim_deliveries(5_030, 30, 10)
        .await
        .expect("held")
        .is_empty());

    // Delivered.
    let c2 = first[1].clone();
    assert!(store
        .record_attempt(attempt(c1, Delivered, Some(200), 5_003))
        .await
        .expect("record"));
    assert_eq!(
        state_of(store, hook, d1).await,
        (Done, 1, None, Some(200), Some(5_003))
    );
    // A second report for a finished delivery is logged, but changes nothing.
    assert!(!store
        .record_attempt(attempt(c1, RetryAt(9_999), Some(500), 5_004))
        .await
        .expect("late record"));
    assert_eq!(state_of(store, hook, d1).await.0, Done);

    // Retry at an instant: due again only then, with the next attempt number.
    assert!(store
        .record_attempt(attempt(&c2, RetryAt(5_010), Some(500), 5_004))
        .await
        .expect("retry"));
    assert_eq!(
        state_of(store, hook, d2).await,
        (Pending, 1, Some(5_010), Some(500), None)
    );
    assert!(store
        .claim_deliveries(5_009, 30, 10)
        .await
        .expect("not yet")
        .is_empty());
    let again = store.claim_deliveries(5_010, 30, 10).await.expect("due");
    assert_eq!(claims(&again), vec![(d2, 2)]);
    assert_ne!(again[0].lease_token, c2.lease_token);
    // The old lease no longer holds: logged, not applied.
    assert!(!store
        .record_attempt(attempt(&c2, Delivered, Some(200), 5_011))
        .await
        .expect("stale"));
    assert_eq!(state_of(store, hook, d2).await.0, Pending);
    assert!(store
        .record_attempt(attempt(&again[0], GiveUp, None, 5_012))
        .await
        .expect("give up"));
    assert_eq!(
        state_of(store, hook, d2).await,
        (Failed, 2, None, Some(500), Some(5_012))
    );
    let log: Vec<(u32, Option<u16>, String, Option<String>)> = store
        .delivery_attempts(d2)
        .await
        .expect("log")
        .into_iter()
        .map(|a| (a.attempt, a.status, a.outcome, a.error))
        .collect();
    assert_eq!(
        log,
        vec![
            (1, Some(500), "retry".to_owned(), None),
            (1, Some(200), "delivered".to_owned(), None),
            (2, None, "failed".to_owned(), Some("timed out".to_owned())),
        ]
    );
    let first_log = &store.delivery_attempts(d1).await.expect("log")[0];
    assert_eq!(
        (
            first_log.started_at,
            first_log.duration_ms,
            first_log.response.as_str()
        ),
        (5_003, 12, "answer 200")
    );

    // A lease holds through its last second (5_032), then it has run out (the
    // worker died) and another claim takes over.
    let c3 = second[0].clone();
    assert!(store
        .claim_deliveries(5_032, 30, 10)
        .await
        .expect("held to its end")
        .is_empty());
    let taken = store
        .claim_deliveries(5_033, 30, 10)
        .await
        .expect("expired");
    assert_eq!(claims(&taken), vec![(d3, 2)]);
    assert!(!store
        .record_attempt(attempt(&c3, Delivered, Some(200), 5_034))
        .await
        .expect("dead worker"));

    // 410: the webhook is switched off; its pending deliveries wait for it.
    store
        .insert_record(&LEAD, lead_write("q4", Some(5_040), owner))
        .await
        .expect("lead");
    assert!(store
        .record_attempt(attempt(
            &taken[0],
            Disable(DisableReason::Gone),
            Some(410),
            5_041
        ))
        .await
        .expect("disable"));
    assert_eq!(state_of(store, hook, d3).await.0, Failed);
    let row = store
        .outbound_webhook_by_id(hook)
        .await
        .expect("read")
        .expect("hook");
    assert!(!row.active);
    assert_eq!(
        row.disabled,
        Some(Disabled {
            reason: DisableReason::Gone,
            at: 5_041
        })
    );
    assert!(store
        .claim_deliveries(6_000, 30, 10)
        .await
        .expect("off")
        .is_empty());
    store
        .insert_record(&LEAD, lead_write("while off", Some(6_001), owner))
        .await
        .expect("lead");
    assert_eq!(
        store
            .list_deliveries(hook, DeliveryQuery::newest(100))
            .await
            .expect("list")
            .len(),
        4
    );
    let on = OutboundWebhookChange {
        name: row.name.clone(),
        handler_url: row.handler_url.clone(),
        events: row.events.clone(),
        active: true,
        single_attempt: false,
        at: 6_002,
    };
    assert!(store.update_outbound_webhook(hook, on).await.expect("on"));
    let row = store
        .outbound_webhook_by_id(hook)
        .await
        .expect("read")
        .expect("hook");
    assert_eq!((row.active, row.disabled), (true, None));
    let resumed = store
        .claim_deliveries(6_002, 30, 10)
        .await
        .expect("resumed");
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0].attempt, 1);

    // Unknown deliveries: nothing to record.
    let mut ghost = attempt(&resumed[0], Delivered, Some(200), 6_003);
    ghost.delivery_id = 999_999;
    assert!(!store.record_attempt(ghost).await.expect("ghost"));

    // Released leases (a lone server starting after a crash) are claimed at once.
    assert!(store.release_leases().await.expect("release") >= 1);
    let taken_over = store
        .claim_deliveries(6_003, 30, 10)
        .await
        .expect("taken over");
    assert_eq!(claims(&taken_over), vec![(resumed[0].delivery_id, 2)]);
    assert!(!store
        .record_attempt(attempt(&resumed[0], Delivered, Some(200), 6_004))
        .await
        .expect("released lease"));
    assert!(store.delete_outbound_webhook(hook).await.expect("delete"));
    assert!(store
        .delivery_attempts(d2)
        .await
        .expect("log gone")
        .is_empty());
}
