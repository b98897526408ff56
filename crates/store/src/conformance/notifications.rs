//! Notifications: added with their fields and attachment; a tag replaces the
//! same owner's older notifications with it (of any recipient) and no one
//! else's; listed newest first (date, then id) in pages after a cursor;
//! counted; marked read and unread by one, from an id, by a list and all;
//! deleted by id (only the recipient's) and by tag or sub-tag (only the
//! owner's). Every change writes a live row for each recipient concerned with
//! the new unread count, and a change that changes nothing writes none.

use serde_json::{json, Value};

use super::users::new_user;
use crate::notifications::{
    NewNotification, NotificationCounts, NotifyKind, ReadScope, TagField, LIVE_KIND,
};
use crate::Store;

fn note(user_id: i64, text: &str, at: i64) -> NewNotification {
    NewNotification {
        user_id,
        author_id: 0,
        kind: NotifyKind::System,
        text: text.to_owned(),
        text_out: String::new(),
        attach: None,
        owner: String::new(),
        tag: String::new(),
        sub_tag: String::new(),
        created_at: at,
    }
}

fn tagged(user_id: i64, text: &str, owner: &str, tag: &str, sub_tag: &str) -> NewNotification {
    NewNotification {
        owner: owner.to_owned(),
        tag: tag.to_owned(),
        sub_tag: sub_tag.to_owned(),
        ..note(user_id, text, 300)
    }
}

/// The notification live rows written after live id `after`: (user, data).
async fn live_rows(store: &dyn Store, after: i64) -> Vec<(Vec<i64>, Value)> {
    store
        .live_after(after, 1_000)
        .await
        .expect("live rows")
        .into_iter()
        .filter(|e| e.kind == LIVE_KIND)
        .map(|e| (e.user_ids, e.data))
        .collect()
}

fn counts(total: i64, unread: i64) -> NotificationCounts {
    NotificationCounts { total, unread }
}

/// The notification story.
pub(super) async fn story(store: &dyn Store) {
    let ann = store
        .insert_user(new_user("notify-ann", false))
        .await
        .expect("ann");
    let bob = store
        .insert_user(new_user("notify-bob", false))
        .await
        .expect("bob");
    let ids = |list: Vec<crate::notifications::Notification>| -> Vec<i64> {
        list.into_iter().map(|n| n.id).collect()
    };
    let start = store.live_last_id().await.expect("live id");

    // Added with every field.
    let attach = json!({"ID": 1, "COLOR_TOKEN": "base", "BLOCKS": [{"MESSAGE": "é [b]x[/b]"}]});
    let first = store
        .add_notification(NewNotification {
            author_id: bob,
            kind: NotifyKind::Personal,
            text_out: "for e-mail".into(),
            attach: Some(attach.clone()),
            ..note(ann, "Hello [b]Ann[/b] <tag>", 100)
        })
        .await
        .expect("add");
    let stored = store
        .notification(first)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(
        (
            stored.user_id,
            stored.author_id,
            stored.kind,
            stored.text.as_str(),
            stored.text_out.as_str(),
            stored.attach.as_ref(),
            stored.read,
            stored.created_at
        ),
        (
            ann,
            bob,
            NotifyKind::Personal,
            "Hello [b]Ann[/b] <tag>",
            "for e-mail",
            Some(&attach),
            false,
            100
        )
    );
    assert_eq!(
        live_rows(store, start).await,
        [(
            vec![ann],
            json!({"action": "add", "id": first, "count": 1, "unread": 1})
        )]
    );
    assert_eq!(store.notification(first + 1_000).await.expect("none"), None);

    // A tag replaces the same owner's older ones, whoever got them.
    let old = store
        .add_notification(tagged(ann, "old", "app:1", "MP|1|T", "MP|1|S"))
        .await
        .expect("tagged");
    let other_owner = store
        .add_notification(tagged(ann, "other owner", "app:2", "MP|1|T", ""))
        .await
        .expect("other owner");
    let mark = store.live_last_id().await.expect("live id");
    let new = store
        .add_notification(tagged(bob, "new", "app:1", "MP|1|T", "MP|1|S"))
        .await
        .expect("replacing");
    assert_eq!(store.notification(old).await.expect("gone"), None);
    assert!(store
        .notification(other_owner)
        .await
        .expect("kept")
        .is_some());
    let rows = live_rows(store, mark).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.contains(&(
        vec![ann],
        json!({"action": "delete", "id": old, "count": 1, "unread": 2})
    )));
    assert!(rows.contains(&(
        vec![bob],
        json!({"action": "add", "id": new, "count": 1, "unread": 1})
    )));

    // Newest first by date, then id; pages after a cursor.
    let older = store
        .add_notification(note(ann, "dated earlier", 50))
        .await
        .expect("older");
    let same_time = store
        .add_notification(note(ann, "same time", 300))
        .await
        .expect("same time");
    assert_eq!(
        ids(store.list_notifications(ann, None, 50).await.expect("list")),
        [same_time, other_owner, first, older]
    );
    assert_eq!(
        ids(store
            .list_notifications(ann, Some(other_owner), 50)
            .await
            .expect("after")),
        [first, older]
    );
    assert_eq!(
        ids(store.list_notifications(ann, None, 1).await.expect("one")),
        [same_time]
    );
    assert!(store
        .list_notifications(ann, Some(new), 50)
        .await
        .expect("not hers")
        .is_empty());
    assert_eq!(
        store.count_notifications(ann).await.expect("count"),
        counts(4, 4)
    );

    // Marked read and unread; nothing changed, no live row.
    assert_eq!(
        store
            .mark_notifications(ann, ReadScope::One(first), true, 400)
            .await
            .expect("one"),
        1
    );
    let mark = store.live_last_id().await.expect("live id");
    assert_eq!(
        store
            .mark_notifications(ann, ReadScope::One(first), true, 400)
            .await
            .expect("again"),
        0
    );
    assert_eq!(
        store
            .mark_notifications(ann, ReadScope::One(new), true, 400)
            .await
            .expect("not hers"),
        0
    );
    assert!(live_rows(store, mark).await.is_empty());
    assert!(
        store
            .notification(first)
            .await
            .expect("get")
            .expect("kept")
            .read
    );
    assert!(
        !store
            .notification(new)
            .await
            .expect("get")
            .expect("kept")
            .read
    );
    assert_eq!(
        store
            .mark_notifications(ann, ReadScope::From(other_owner), true, 400)
            .await
            .expect("from"),
        3,
        "other_owner and the later ids: older, same_time"
    );
    assert_eq!(
        store.count_notifications(ann).await.expect("count"),
        counts(4, 0)
    );
    let mark = store.live_last_id().await.expect("live id");
    assert_eq!(
        store
            .mark_notifications(ann, ReadScope::Ids(vec![first, older, new]), false, 400)
            .await
            .expect("ids"),
        2
    );
    assert_eq!(
        live_rows(store, mark).await,
        [(
            vec![ann],
            json!({"action": "unread", "id": older, "count": 2, "unread": 2})
        )]
    );
    assert_eq!(
        store
            .mark_notifications(ann, ReadScope::All, true, 400)
            .await
            .expect("all"),
        2
    );
    assert_eq!(
        store.count_notifications(ann).await.expect("count"),
        counts(4, 0)
    );

    // Deleted by id, only by the recipient.
    let mark = store.live_last_id().await.expect("live id");
    assert!(!store
        .delete_notification(bob, first, 500)
        .await
        .expect("not his"));
    assert!(store
        .delete_notification(ann, first, 500)
        .await
        .expect("hers"));
    assert!(!store
        .delete_notification(ann, first, 500)
        .await
        .expect("gone"));
    assert_eq!(
        live_rows(store, mark).await,
        [(
            vec![ann],
            json!({"action": "delete", "id": first, "count": 1, "unread": 0})
        )]
    );

    // Deleted by tag and sub-tag, only the owner's.
    let sub = store
        .add_notification(tagged(ann, "sub", "app:1", "", "MP|1|S"))
        .await
        .expect("sub");
    assert_eq!(
        store
            .delete_tagged_notifications("app:2", TagField::SubTag, "MP|1|S", 600)
            .await
            .expect("other owner"),
        0
    );
    assert_eq!(
        store
            .delete_tagged_notifications("app:1", TagField::SubTag, "MP|1|S", 600)
            .await
            .expect("sub-tag"),
        2,
        "bob's `new` and ann's `sub`"
    );
    assert_eq!(store.notification(sub).await.expect("gone"), None);
    assert_eq!(
        store
            .delete_tagged_notifications("app:2", TagField::Tag, "MP|1|T", 600)
            .await
            .expect("tag"),
        1
    );
    assert_eq!(
        store
            .delete_tagged_notifications("app:2", TagField::Tag, "", 600)
            .await
            .expect("empty tag"),
        0,
        "an empty tag matches nothing"
    );
    assert_eq!(
        store.count_notifications(ann).await.expect("count"),
        counts(2, 0)
    );
    assert_eq!(
        store.count_notifications(bob).await.expect("count"),
        counts(0, 0)
    );
}
