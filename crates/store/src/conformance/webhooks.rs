//! Inbound webhooks: insert, lookup by hash with the user, duplicates, listing
//! per user, deletion.

use super::users::new_user;
use crate::error::StoreError;
use crate::webhooks::{NewWebhook, Webhook, WebhookChange};
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
        last_used_at: None,
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
        vec![b_row.clone()]
    );

    // By id, touch, and a change that moves ownership and replaces the key.
    assert_eq!(
        store.webhook_by_id(b_id).await.expect("by id"),
        Some(b_row.clone())
    );
    assert_eq!(
        store.webhook_by_id(a_id).await.expect("deleted by id"),
        None
    );
    store
        .touch_webhook(b_id, 1_700_000_500)
        .await
        .expect("touch");
    let touched = store
        .webhook_by_id(b_id)
        .await
        .expect("touched")
        .expect("b");
    assert_eq!(touched.last_used_at, Some(1_700_000_500));
    assert!(store
        .webhook_by_hash(&[9; 32])
        .await
        .expect("old key before")
        .is_some());
    let change = WebhookChange {
        user_id: other,
        name: "renamed".into(),
        scopes: vec!["user".into()],
        expires_at: Some(1_950_000_000),
        new_secret: Some((vec![8; 32], b"sealed-8".to_vec())),
    };
    assert!(store
        .update_webhook(b_id, change.clone())
        .await
        .expect("update"));
    assert!(!store
        .update_webhook(999_999, change)
        .await
        .expect("update unknown"));
    assert_eq!(
        store
            .webhook_by_hash(&[9; 32])
            .await
            .expect("old key after"),
        None,
        "a replaced key stops working at once"
    );
    let (moved, moved_owner) = store
        .webhook_by_hash(&[8; 32])
        .await
        .expect("new key")
        .expect("found by the new key");
    assert_eq!(moved_owner.id, other);
    assert_eq!(
        (
            moved.user_id,
            moved.name.as_str(),
            moved.scopes.clone(),
            moved.expires_at
        ),
        (
            other,
            "renamed",
            vec!["user".to_owned()],
            Some(1_950_000_000)
        )
    );
    assert_eq!(moved.secret_encrypted, b"sealed-8".to_vec());
    let keep_key = WebhookChange {
        user_id: other,
        name: "kept key".into(),
        scopes: vec![],
        expires_at: None,
        new_secret: None,
    };
    assert!(store
        .update_webhook(b_id, keep_key)
        .await
        .expect("update, same key"));
    let kept = store
        .webhook_by_hash(&[8; 32])
        .await
        .expect("kept")
        .expect("same key");
    assert_eq!(
        (kept.0.name.as_str(), kept.0.expires_at),
        ("kept key", None)
    );
}
