//! Sign-in attempt counters: attempts counted up to a limit and refused past it
//! with the wait until the window ends, nothing counted when one rule refuses,
//! spacing past the free attempts, parallel attempts never passing a limit,
//! forgiving after a success, a new window after the old one, and purging.

use futures::future::join_all;

use crate::sign_in_attempts::{sign_in_wait, Admission, AttemptCount, AttemptRule};
use crate::Store;

/// A rule on `key`: `max` attempts per 900-second window, spaced past `free`.
fn rule(key: &str, max: u32, free: u32) -> AttemptRule {
    AttemptRule {
        key: key.to_owned(),
        max_attempts: max,
        free_attempts: free,
        max_spacing_seconds: 60,
        window_seconds: 900,
    }
}

/// The attempts counted under `key`, 0 when nothing is stored.
async fn attempts(store: &dyn Store, key: &str) -> u32 {
    store
        .sign_in_attempts(key)
        .await
        .expect("read count")
        .map_or(0, |c| c.attempts)
}

/// The sign-in attempts story.
pub(super) async fn story(store: &dyn Store) {
    let now = 1_700_000_000;
    let pair = rule("pair:a", 3, 3);
    let address = rule("address:a", 5, 5);
    let both = [pair.clone(), address.clone()];

    assert_eq!(store.sign_in_attempts("pair:a").await.expect("none"), None);
    for n in 1..=3 {
        assert_eq!(
            store
                .begin_sign_in_attempt(&both, now)
                .await
                .expect("begin"),
            Admission::Allowed,
            "attempt {n}"
        );
    }
    assert_eq!(
        store.sign_in_attempts("pair:a").await.expect("count"),
        Some(AttemptCount {
            attempts: 3,
            window_ends_at: now + 900,
            next_allowed_at: now,
        })
    );
    assert_eq!(
        store
            .begin_sign_in_attempt(&both, now + 100)
            .await
            .expect("refused"),
        Admission::RetryAfter(800)
    );
    assert_eq!(
        sign_in_wait(store, &both, now + 100).await.expect("wait"),
        Admission::RetryAfter(800)
    );
    assert_eq!(
        attempts(store, "address:a").await,
        3,
        "a refusal counts nothing"
    );

    // Another pair on the same address counts on the address until it is full.
    let other_pair = [rule("pair:b", 3, 3), address.clone()];
    for _ in 0..2 {
        assert_eq!(
            store
                .begin_sign_in_attempt(&other_pair, now)
                .await
                .expect("other pair"),
            Admission::Allowed
        );
    }
    assert_eq!(
        store
            .begin_sign_in_attempt(&other_pair, now)
            .await
            .expect("address full"),
        Admission::RetryAfter(900)
    );
    assert_eq!(attempts(store, "pair:b").await, 2);

    // A success forgives its pair and takes its attempt back from the address.
    store
        .forgive_sign_in_attempt(&["pair:b".to_owned()], &["address:a".to_owned()])
        .await
        .expect("forgive");
    assert_eq!(store.sign_in_attempts("pair:b").await.expect("gone"), None);
    assert_eq!(attempts(store, "address:a").await, 4);
    store
        .forgive_sign_in_attempt(&[], &["missing".to_owned()])
        .await
        .expect("taking back from nothing");

    // The window ends: counting starts again.
    assert_eq!(
        store
            .begin_sign_in_attempt(&both, now + 900)
            .await
            .expect("new window"),
        Admission::Allowed
    );
    assert_eq!(
        store.sign_in_attempts("pair:a").await.expect("renewed"),
        Some(AttemptCount {
            attempts: 1,
            window_ends_at: now + 1800,
            next_allowed_at: now + 900,
        })
    );

    // Spacing: past the free attempts the next one waits, doubling.
    let login = [rule("login:x", 100, 1)];
    let begin = |at| store.begin_sign_in_attempt(&login, at);
    assert_eq!(begin(now).await.expect("free"), Admission::Allowed);
    assert_eq!(begin(now).await.expect("spaced 1"), Admission::Allowed);
    assert_eq!(
        begin(now).await.expect("too soon"),
        Admission::RetryAfter(1)
    );
    assert_eq!(begin(now + 1).await.expect("spaced 2"), Admission::Allowed);
    assert_eq!(
        begin(now + 2).await.expect("too soon"),
        Admission::RetryAfter(1)
    );
    assert_eq!(begin(now + 3).await.expect("after 2s"), Admission::Allowed);

    // Many attempts at once never pass the limit.
    let flood = [rule("pair:flood", 5, 5)];
    let answers = join_all((0..40).map(|_| store.begin_sign_in_attempt(&flood, now))).await;
    let allowed = answers
        .into_iter()
        .map(|a| a.expect("parallel begin"))
        .filter(|a| *a == Admission::Allowed)
        .count();
    assert_eq!(allowed, 5);
    assert_eq!(attempts(store, "pair:flood").await, 5);

    // Purging removes the counts whose window ended, and only those.
    assert_eq!(
        store
            .purge_expired_sign_in_attempts(now + 900)
            .await
            .expect("purge"),
        2,
        "pair:flood and login:x"
    );
    assert_eq!(attempts(store, "pair:a").await, 1, "still in its window");
    assert_eq!(
        store.sign_in_attempts("pair:flood").await.expect("purged"),
        None
    );
}
