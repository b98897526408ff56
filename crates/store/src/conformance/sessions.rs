//! Sign-in sessions and UI settings: insert, lookup with the user, expiry,
//! sign-out, ending all of a user's sessions, purge; settings set and replaced.

use super::users::new_user;
use crate::sessions::Session;
use crate::Store;

/// A session of `user_id` with token hash `hash` expiring at `expires_at`.
fn session(user_id: i64, hash: u8, expires_at: i64) -> Session {
    Session {
        token_hash: vec![hash; 32],
        user_id,
        csrf_token: format!("csrf-{hash}"),
        created_at: 1_700_000_000,
        expires_at,
    }
}

/// The sessions story.
pub(super) async fn story(store: &dyn Store) {
    let user = store
        .insert_user(new_user("sess-user", false))
        .await
        .expect("user");
    let other = store
        .insert_user(new_user("sess-other", false))
        .await
        .expect("other");
    let now = 1_700_001_000;

    let live = session(user, 1, now + 3600);
    store
        .insert_session(live.clone())
        .await
        .expect("insert live");
    store
        .insert_session(session(user, 2, now - 1))
        .await
        .expect("insert expired");
    store
        .insert_session(session(user, 3, now + 60))
        .await
        .expect("insert second");
    store
        .insert_session(session(other, 4, now + 60))
        .await
        .expect("insert other's");

    let (found, found_user) = store
        .session_by_hash(&[1; 32], now)
        .await
        .expect("lookup")
        .expect("live session found");
    assert_eq!(found, live);
    assert_eq!(found_user.login, "sess-user");
    assert_eq!(
        store.session_by_hash(&[2; 32], now).await.expect("expired"),
        None
    );
    assert_eq!(
        store.session_by_hash(&[5; 32], now).await.expect("unknown"),
        None
    );

    assert!(store.delete_session(&[1; 32]).await.expect("sign out"));
    assert!(!store
        .delete_session(&[1; 32])
        .await
        .expect("sign out again"));
    assert_eq!(
        store
            .session_by_hash(&[1; 32], now)
            .await
            .expect("after sign out"),
        None
    );

    assert_eq!(store.purge_expired_sessions(now).await.expect("purge"), 1);
    assert_eq!(store.delete_user_sessions(user).await.expect("end all"), 1);
    assert_eq!(
        store.session_by_hash(&[3; 32], now).await.expect("ended"),
        None
    );
    assert!(store
        .session_by_hash(&[4; 32], now)
        .await
        .expect("other's")
        .is_some());

    assert_eq!(store.user_setting(user, "lang").await.expect("unset"), None);
    store
        .set_user_setting(user, "lang", "pt-BR")
        .await
        .expect("set");
    store
        .set_user_setting(user, "lang", "en")
        .await
        .expect("replace");
    store
        .set_user_setting(other, "lang", "pt-BR")
        .await
        .expect("set other's");
    assert_eq!(
        store.user_setting(user, "lang").await.expect("get"),
        Some("en".into())
    );
    assert_eq!(
        store
            .user_setting(other, "lang")
            .await
            .expect("get other's"),
        Some("pt-BR".into())
    );
}
