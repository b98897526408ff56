//! Live rows: pushed rows come back in order with their users and data, after
//! a cursor; the wake-up runs after a commit (on PostgreSQL by `NOTIFY`, so
//! within a moment); pruning drops what was written before an instant.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::{LivePush, Store};

pub(super) async fn story(store: &dyn Store) {
    let woken = Arc::new(AtomicUsize::new(0));
    let counter = woken.clone();
    store.on_live(Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    }));
    let start = store.live_last_id().await.expect("last id");

    let push = |kind: &str, user_ids: Vec<i64>, at: i64| {
        let push = LivePush {
            kind: kind.to_owned(),
            user_ids,
            data: json!({"kind": kind, "text": "héllo <b>"}),
        };
        async move { store.push_live(push, at).await.expect("push") }
    };
    let first = push("notify", vec![1], 1_000).await;
    let second = push("message", vec![1, 2], 2_000).await;
    assert!(first > start && second > first, "{start} {first} {second}");
    assert_eq!(store.live_last_id().await.expect("last"), second);

    let rows = store.live_after(start, 10).await.expect("after");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].id, first);
    assert_eq!(rows[0].kind, "notify");
    assert_eq!(rows[0].user_ids, vec![1]);
    assert_eq!(rows[0].data, json!({"kind": "notify", "text": "héllo <b>"}));
    assert_eq!(rows[0].created_at, 1_000);
    assert!(rows[1].is_for(2) && rows[1].is_for(1) && !rows[0].is_for(2));
    assert_eq!(
        store.live_after(first, 10).await.expect("after")[0].id,
        second
    );
    assert_eq!(store.live_after(start, 1).await.expect("limit").len(), 1);
    assert!(store.live_after(second, 10).await.expect("none").is_empty());

    // Woken after the commits (PostgreSQL: a notification, within a moment).
    for _ in 0..50 {
        if woken.load(Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(woken.load(Ordering::SeqCst) >= 2, "no wake-up after a push");

    assert_eq!(store.prune_live(2_000).await.expect("prune"), 1);
    let left = store.live_after(start, 10).await.expect("after prune");
    assert_eq!(left.iter().map(|e| e.id).collect::<Vec<_>>(), vec![second]);
    assert_eq!(store.prune_live(2_001).await.expect("prune all"), 1);
    assert!(store.live_after(start, 10).await.expect("empty").is_empty());
}
