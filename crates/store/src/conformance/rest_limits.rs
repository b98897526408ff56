//! REST limit counters: a bucket passes its burst and refuses the next request
//! without counting it, drains at its rate, keeps keys apart and never lets
//! parallel requests past the burst; operating seconds add up in the minute's
//! basket, count for ten minutes from its first call and are purged after.

use futures::future::join_all;

use crate::rest_limits::{BucketAdmission, BucketRule, OperatingBasket};
use crate::Store;

/// The REST limits story.
pub(super) async fn story(store: &dyn Store) {
    let rule = BucketRule {
        burst: 3.0,
        drain_per_sec: 2.0,
    };
    let now_ms = 1_700_000_000_000;
    for _ in 0..3 {
        assert_eq!(
            store
                .take_from_bucket("address:a", rule, now_ms)
                .await
                .expect("take"),
            BucketAdmission::Admitted
        );
    }
    assert_eq!(
        store
            .take_from_bucket("address:a", rule, now_ms)
            .await
            .expect("refused"),
        BucketAdmission::RetryAfter(1)
    );
    assert_eq!(
        store
            .take_from_bucket("address:b", rule, now_ms)
            .await
            .expect("other key"),
        BucketAdmission::Admitted,
        "keys have their own buckets"
    );
    // Half a second drains one request: one passes, the next is refused again.
    let later = now_ms + 500;
    assert_eq!(
        store
            .take_from_bucket("address:a", rule, later)
            .await
            .expect("drained"),
        BucketAdmission::Admitted
    );
    assert_eq!(
        store
            .take_from_bucket("address:a", rule, later)
            .await
            .expect("full"),
        BucketAdmission::RetryAfter(1)
    );
    // Ten parallel requests on an empty bucket: exactly the burst passes.
    let parallel =
        join_all((0..10).map(|_| store.take_from_bucket("address:parallel", rule, now_ms))).await;
    let passed = parallel
        .into_iter()
        .filter(|r| matches!(r, Ok(BucketAdmission::Admitted)))
        .count();
    assert_eq!(passed, 3, "parallel requests never pass the burst");
    // A long pause empties the bucket.
    let much_later = now_ms + 60_000;
    for _ in 0..3 {
        assert_eq!(
            store
                .take_from_bucket("address:a", rule, much_later)
                .await
                .expect("refilled"),
            BucketAdmission::Admitted
        );
    }

    let now = 1_700_000_000;
    let key = "webhook:1|crm.lead.list";
    assert!(store
        .operating_window(key, now)
        .await
        .expect("none")
        .baskets
        .is_empty());
    store.add_operating(key, 1.5, now).await.expect("add");
    let window = store
        .add_operating(key, 2.0, now + 10)
        .await
        .expect("same minute");
    // 1_700_000_000 is 20 s into its minute: both calls share its basket.
    let next_minute = now + 40;
    assert_eq!(
        window.baskets,
        [OperatingBasket {
            first_at: now,
            seconds: 3.5
        }]
    );
    assert_eq!(window.seconds(), 3.5);
    assert_eq!(window.reset_at(), Some(now + 600));
    let other = store
        .add_operating(key, 4.0, next_minute + 5)
        .await
        .expect("next minute");
    assert_eq!(other.seconds(), 7.5);
    assert_eq!(
        other.baskets.last(),
        Some(&OperatingBasket {
            first_at: next_minute + 5,
            seconds: 4.0
        })
    );
    assert_eq!(
        store
            .operating_window("webhook:1|crm.deal.list", now)
            .await
            .expect("other method")
            .seconds(),
        0.0,
        "methods are counted apart"
    );
    let aged = store.operating_window(key, now + 600).await.expect("aged");
    assert_eq!(aged.seconds(), 4.0, "the first basket stopped counting");
    assert_eq!(aged.reset_at(), Some(next_minute + 5 + 600));
    assert!(store.purge_rest_limits(now + 600).await.expect("purge") >= 1);
    assert_eq!(
        store
            .operating_window(key, now + 600)
            .await
            .expect("kept")
            .seconds(),
        4.0
    );
    assert!(
        store
            .purge_rest_limits(now + 10_000)
            .await
            .expect("purge all")
            >= 1
    );
    assert!(store
        .operating_window(key, next_minute + 10)
        .await
        .expect("gone")
        .baskets
        .is_empty());
}
