//! Users: insert, duplicate login, lookups, listing, active/admin/password toggles.

use crate::error::StoreError;
use crate::users::{NewUser, User};
use crate::Store;

/// A new user with the given login.
pub(super) fn new_user(login: &str, is_admin: bool) -> NewUser {
    NewUser {
        login: login.to_owned(),
        name: format!("{login} name"),
        last_name: format!("{login} last"),
        email: format!("{login}@example.com"),
        is_admin,
        password_hash: format!("$argon2id$hash-of-{login}"),
        date_register: 1_700_000_000,
    }
}

/// The user `new` becomes once stored with `id`.
fn stored(id: i64, new: &NewUser) -> User {
    User {
        id,
        login: new.login.clone(),
        name: new.name.clone(),
        last_name: new.last_name.clone(),
        email: new.email.clone(),
        is_admin: new.is_admin,
        active: true,
        password_hash: new.password_hash.clone(),
        date_register: new.date_register,
    }
}

/// The users story.
pub(super) async fn story(store: &dyn Store) {
    let alice = new_user("alice", true);
    let bob = new_user("bob", false);
    let alice_id = store
        .insert_user(alice.clone())
        .await
        .expect("insert alice");
    assert_eq!(alice_id, 1, "the first user gets id 1");
    let bob_id = store.insert_user(bob.clone()).await.expect("insert bob");
    assert_ne!(bob_id, alice_id);

    match store.insert_user(new_user("alice", false)).await {
        Err(StoreError::Conflict(name)) => assert_eq!(name, "users_login"),
        other => panic!("duplicate login: expected Conflict(users_login), got {other:?}"),
    }

    let mut alice_row = stored(alice_id, &alice);
    let mut bob_row = stored(bob_id, &bob);
    assert_eq!(
        store.user_by_id(alice_id).await.expect("by id"),
        Some(alice_row.clone())
    );
    assert_eq!(
        store.user_by_login("bob").await.expect("by login"),
        Some(bob_row.clone())
    );
    assert_eq!(
        store
            .user_by_login("BOB")
            .await
            .expect("by login, other case"),
        None,
        "logins match exactly"
    );
    assert_eq!(
        store.user_by_login("nobody").await.expect("unknown login"),
        None
    );
    assert_eq!(store.user_by_id(999_999).await.expect("unknown id"), None);
    assert_eq!(
        store.list_users().await.expect("list"),
        vec![alice_row.clone(), bob_row.clone()]
    );

    assert!(store
        .set_user_active(bob_id, false)
        .await
        .expect("deactivate"));
    bob_row.active = false;
    assert_eq!(
        store.user_by_id(bob_id).await.expect("bob"),
        Some(bob_row.clone())
    );
    assert!(store
        .set_user_active(bob_id, true)
        .await
        .expect("reactivate"));
    bob_row.active = true;
    assert!(store
        .set_user_admin(bob_id, true)
        .await
        .expect("grant admin"));
    bob_row.is_admin = true;
    assert!(store
        .set_user_admin(alice_id, false)
        .await
        .expect("revoke admin"));
    alice_row.is_admin = false;
    assert!(store
        .set_user_password(alice_id, "$argon2id$new")
        .await
        .expect("password"));
    alice_row.password_hash = "$argon2id$new".to_owned();
    assert_eq!(
        store.list_users().await.expect("list again"),
        vec![alice_row, bob_row]
    );

    assert!(!store
        .set_user_active(999_999, false)
        .await
        .expect("unknown active"));
    assert!(!store
        .set_user_admin(999_999, true)
        .await
        .expect("unknown admin"));
    assert!(!store
        .set_user_password(999_999, "x")
        .await
        .expect("unknown password"));
}
