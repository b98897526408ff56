//! What the delivery log and its actions need: listing one webhook's
//! deliveries by state and event code with paging by id, sending every failed
//! delivery of a time range again, a test event queued for one webhook only
//! (and waking the workers), and replacing a webhook's sealed credentials.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::outbox::{last_event_id, lead_write, new_outbound};
use super::users::new_user;
use crate::crm::LEAD;
use crate::deliveries::{
    AttemptRecord, AttemptVerdict, DeliveryQuery, DeliveryState, TEST_EVENT_CODE,
};
use crate::outbound::OutboundWebhookChange;
use crate::Store;

/// Ids of the deliveries `query` lists for `webhook`.
async fn ids(store: &dyn Store, webhook: i64, query: DeliveryQuery) -> Vec<i64> {
    store
        .list_deliveries(webhook, query)
        .await
        .expect("deliveries")
        .iter()
        .map(|d| d.id)
        .collect()
}

/// A query for `state` and `code`, at most `limit`, below `before_id`.
fn query(
    state: Option<DeliveryState>,
    code: Option<&str>,
    before_id: Option<i64>,
    limit: usize,
) -> DeliveryQuery {
    DeliveryQuery {
        state,
        event_code: code.map(str::to_owned),
        before_id,
        limit,
    }
}

/// Switches outbound webhook `id` off, so later stories' claims skip its deliveries.
async fn switch_off(store: &dyn Store, id: i64) {
    let hook = store
        .outbound_webhook_by_id(id)
        .await
        .expect("read")
        .expect("webhook");
    let change = OutboundWebhookChange {
        name: hook.name,
        handler_url: hook.handler_url,
        events: hook.events,
        active: false,
        single_attempt: hook.single_attempt,
        at: 30_000,
    };
    assert!(store
        .update_outbound_webhook(id, change)
        .await
        .expect("switch off"));
}

/// The delivery-log story.
pub(super) async fn story(store: &dyn Store) {
    use DeliveryState::{Delivered, Failed, Pending};
    let owner = store
        .insert_user(new_user("log-owner", false))
        .await
        .expect("owner");
    let hook = store
        .insert_outbound_webhook(new_outbound(
            owner,
            "https://example.com/log",
            &["ONCRMLEADADD", "ONCRMLEADUPDATE"],
        ))
        .await
        .expect("webhook");
    let other = store
        .insert_outbound_webhook(new_outbound(
            owner,
            "https://example.com/log-other",
            &["ONCRMLEADADD"],
        ))
        .await
        .expect("other webhook");
    let lead = store
        .insert_record(&LEAD, lead_write("log 1", Some(20_000), owner))
        .await
        .expect("lead");
    for (title, at) in [("log 2", 20_001), ("log 3", 20_002)] {
        store
            .insert_record(&LEAD, lead_write(title, Some(at), owner))
            .await
            .expect("lead");
    }
    assert!(store
        .update_record(&LEAD, lead, lead_write("log 1b", Some(20_003), owner))
        .await
        .expect("update"));
    let all = ids(store, hook, DeliveryQuery::newest(10)).await;
    let [update, add3, add2, add1] = all[..] else {
        panic!("four deliveries expected, got {all:?}");
    };
    assert_eq!(ids(store, other, DeliveryQuery::newest(10)).await.len(), 3);

    // The first add is delivered, the rest fail.
    let claimed = store
        .claim_deliveries(20_003, 600, 100)
        .await
        .expect("claim");
    for c in claimed.iter().filter(|c| c.webhook.id == hook) {
        let verdict = if c.delivery_id == add1 {
            AttemptVerdict::Delivered
        } else {
            AttemptVerdict::GiveUp
        };
        let recorded = store
            .record_attempt(AttemptRecord {
                delivery_id: c.delivery_id,
                lease_token: c.lease_token.clone(),
                attempt: c.attempt,
                started_at: 20_010,
                duration_ms: 3,
                status: Some(500),
                response: String::new(),
                error: None,
                verdict,
                recorded_at: 20_010,
            })
            .await
            .expect("record");
        assert!(recorded);
    }

    // Filters by state and by event code, alone and together; paging by id.
    assert_eq!(
        ids(store, hook, query(Some(Failed), None, None, 10)).await,
        vec![update, add3, add2]
    );
    assert_eq!(
        ids(store, hook, query(Some(Delivered), None, None, 10)).await,
        vec![add1]
    );
    assert_eq!(
        ids(store, hook, query(None, Some("ONCRMLEADADD"), None, 10)).await,
        vec![add3, add2, add1]
    );
    assert_eq!(
        ids(
            store,
            hook,
            query(Some(Failed), Some("ONCRMLEADADD"), None, 10)
        )
        .await,
        vec![add3, add2]
    );
    assert_eq!(
        ids(store, hook, query(None, Some("ONCRMDEALADD"), None, 10)).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(store, hook, query(None, None, None, 2)).await,
        vec![update, add3]
    );
    assert_eq!(
        ids(store, hook, query(None, None, Some(add3), 2)).await,
        vec![add2, add1]
    );
    assert_eq!(
        ids(store, hook, query(None, None, Some(add1), 2)).await,
        Vec::<i64>::new()
    );

    // Failed deliveries created in the range (both ends included) go again.
    let woken = Arc::new(AtomicUsize::new(0));
    let counter = woken.clone();
    store.on_deliveries_due(Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    assert_eq!(
        store
            .redeliver_failed(hook, 20_001, 20_002, 20_100)
            .await
            .expect("replay range"),
        2
    );
    assert!(
        woken.load(Ordering::SeqCst) >= 1,
        "replaying wakes the workers"
    );
    let pending = store
        .list_deliveries(hook, query(Some(Pending), None, None, 10))
        .await
        .expect("pending");
    assert_eq!(
        pending
            .iter()
            .map(|d| (d.id, d.attempts, d.next_attempt_at, d.finished_at))
            .collect::<Vec<_>>(),
        vec![(add3, 0, Some(20_100), None), (add2, 0, Some(20_100), None)]
    );
    assert_eq!(
        ids(store, hook, query(Some(Failed), None, None, 10)).await,
        vec![update]
    );
    assert_eq!(
        store
            .redeliver_failed(hook, 20_001, 20_002, 20_100)
            .await
            .expect("nothing failed left"),
        0
    );
    assert_eq!(
        store
            .redeliver_failed(other, 0, 99_999, 20_100)
            .await
            .expect("other has none failed"),
        0
    );

    // A test event goes to this webhook only, whatever it subscribes to.
    let before = last_event_id(store).await;
    let woken_before = woken.load(Ordering::SeqCst);
    let queued = store
        .queue_test_event(hook, Some(owner), 20_200)
        .await
        .expect("test event")
        .expect("the webhook exists");
    assert!(
        woken.load(Ordering::SeqCst) > woken_before,
        "wakes the workers"
    );
    let events = store.events_after(before, 10).await.expect("events");
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(
        (
            event.id,
            event.code.as_str(),
            &event.data,
            event.user_id,
            event.created_at
        ),
        (
            queued.event_id,
            TEST_EVENT_CODE,
            &serde_json::json!({ "QUERY": { "TEST": "Y" } }),
            Some(owner),
            20_200
        )
    );
    assert!(event.message_id.starts_with("msg_"));
    let tests = store
        .list_deliveries(hook, query(None, Some(TEST_EVENT_CODE), None, 10))
        .await
        .expect("test deliveries");
    assert_eq!(
        tests
            .iter()
            .map(|d| (d.id, d.event_id, d.state, d.next_attempt_at))
            .collect::<Vec<_>>(),
        vec![(queued.delivery_id, queued.event_id, Pending, Some(20_200))]
    );
    assert_eq!(
        ids(store, other, query(None, Some(TEST_EVENT_CODE), None, 10)).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        store
            .queue_test_event(999_999, None, 20_200)
            .await
            .expect("missing webhook"),
        None
    );
    assert_eq!(last_event_id(store).await, queued.event_id);

    // Credentials are replaced one at a time.
    assert!(store
        .replace_outbound_credentials(hook, Some(b"token 2".to_vec()), None)
        .await
        .expect("new token"));
    let read = |id| async move {
        let w = store
            .outbound_webhook_by_id(id)
            .await
            .expect("read")
            .expect("webhook");
        (w.application_token_sealed, w.signing_secret_sealed)
    };
    assert_eq!(
        read(hook).await,
        (b"token 2".to_vec(), b"sealed-secret".to_vec())
    );
    assert!(store
        .replace_outbound_credentials(hook, None, Some(b"secret 2".to_vec()))
        .await
        .expect("new secret"));
    assert_eq!(
        read(hook).await,
        (b"token 2".to_vec(), b"secret 2".to_vec())
    );
    assert_eq!(
        read(other).await,
        (b"sealed-token".to_vec(), b"sealed-secret".to_vec())
    );
    assert!(!store
        .replace_outbound_credentials(999_999, Some(b"x".to_vec()), None)
        .await
        .expect("missing"));

    switch_off(store, hook).await;
    switch_off(store, other).await;
}
