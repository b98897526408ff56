//! Inbound webhooks: insert, lookup by hash with the user, duplicates, listing
//! per user, deletion.

use super::users::new_user;
use crate::error::StoreError;
use crate::webhooks::{NewWebhook, Webhook};
use crate::Store;

/// A new webhook of `user_id` whose secret hash is `hash`.
fn new_webhook(user_id: i64, name: &str, hash: &[u8], scopes: &[&str]) -> NewWebhook {
    NewWebhook {
        user_id,
        name: name.to_owned(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        secret_hash: hash.to_vec(),
        secret_encrypted: [b"enc:".as_slice(), hash].concat(),
        expires_at: None,
        created_at: 1_700_000_100,
    }
}

/// The webhook `new` becomes once stored with `id`.
fn stored(id: i64, new: &NewWebhook) -> Webhook {
    Webhook {
        id,
        user_id: new.user_id,
        name: new.name.clone(),
        scopes: new.scopes.clone(),
        secret_hash: new.secret_hash.clone(),
        secret_encrypted: new.secret_encrypted.clone(),
        expires_at: new.expires_at,
        created_at: new.created_at,
    }
}

/// The webhooks story.
pub(super) async fn story(store: &dyn Store) {
    let owner = store
        .insert_user(new_user("wh-owner", false))
        .await
        .expect("owner");
    let other = store
        .insert_user(new_user("wh-other", false))
        .await
        .expect("other");
    let owner_user = store
        .user_by_id(owner)
        .await
        .expect("owner row")
        .expect("owner exists");

    let mut a = new_webhook(owner, "CI", &[1, 2, 3, 0, 255], &["crm", "user"]);
    a.expires_at = Some(1_900_000_000);
    let b = new_webhook(owner, "no scopes", &[9; 32], &[]);
    let c = new_webhook(other, "other's", &[7; 32], &["crm"]);
    let a_id = store.insert_webhook(a.clone()).await.expect("insert a");
    let b_id = store.insert_webhook(b.clone()).await.expect("insert b");
    let c_id = store.insert_webhook(c.clone()).await.expect("insert c");
    let (a_row, b_row, c_row) = (stored(a_id, &a), stored(b_id, &b), stored(c_id, &c));

    assert_eq!(
        store
            .webhook_by_hash(&[1, 2, 3, 0, 255])
            .await
            .expect("by hash"),
        Some((a_row.clone(), owner_user.clone()))
    );
    assert_eq!(
        store
            .webhook_by_hash(&[1, 2, 3])
            .await
            .expect("unknown hash"),
        None
    );

    match store
        .insert_webhook(new_webhook(other, "dup", &[9; 32], &[]))
        .await
    {
        Err(StoreError::Conflict(name)) => assert_eq!(name, "webhooks_secret_hash"),
        r => panic!("duplicate secret hash: expected Conflict(webhooks_secret_hash), got {r:?}"),
    }
    let orphan = store
        .insert_webhook(new_webhook(999_999, "orphan", &[5; 32], &[]))
        .await;
    assert!(
        matches!(orphan, Err(StoreError::Conflict(_))),
        "webhook of an unknown user: {orphan:?}"
    );

    assert_eq!(
        store.list_webhooks(Some(owner)).await.expect("owner's"),
        vec![a_row.clone(), b_row.clone()]
    );
    assert_eq!(
        store.list_webhooks(Some(other)).await.expect("other's"),
        vec![c_row.clone()]
    );
    assert_eq!(
        store.list_webhooks(None).await.expect("all"),
        vec![a_row.clone(), b_row.clone(), c_row.clone()]
    );

    assert!(store.delete_webhook(a_id).await.expect("delete"));
    assert!(!store.delete_webhook(a_id).await.expect("delete again"));
    assert_eq!(
        store
            .webhook_by_hash(&[1, 2, 3, 0, 255])
            .await
            .expect("deleted hash"),
        None
    );
    assert_eq!(
        store
            .list_webhooks(Some(owner))
            .await
            .expect("owner's after delete"),
        vec![b_row]
    );
}
