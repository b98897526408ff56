//! The live feed: who sees which post (the author; `UA` everyone; `U{id}`
//! that user; `SG{id}` the group's members; `DR{id}` the department's users
//! and those of its sub-departments), the listing windows (offset with a
//! total, after and before a cursor) and filters, tags, updates, comments
//! (duplicates refused), deletes with their comments, the events post writes
//! raise and the live rows for the post's audience (none for `UA`).

use serde_json::json;

use super::outbox::{last_event_id, new_outbound};
use super::users::new_user;
use crate::departments::DepartmentFields;
use crate::error::StoreError;
use crate::events::EventStamp;
use crate::feed::{
    live_data, FeedPostFields, FeedQuery, FeedWindow, Recipient, DUPLICATE_COMMENT, FEED_EVENTS,
    FEED_EVENT_ENTITY, FEED_LIVE_KIND,
};
use crate::records::FieldValue;
use crate::users::USER;
use crate::{Store, Workgroup};

/// `(code, entity, entity id, data, user, instant)` of an event.
type EventRow<'a> = (&'a str, &'a str, i64, serde_json::Value, Option<i64>, i64);

/// A post saying `text` to `recipients`.
fn fields(text: &str, recipients: &[Recipient]) -> FeedPostFields {
    FeedPostFields {
        title: String::new(),
        text: text.to_owned(),
        recipients: recipients.to_vec(),
        important: false,
        important_until: None,
        tags: Vec::new(),
    }
}

/// A stamp at `at` by `user_id`.
fn stamp(at: i64, user_id: i64) -> EventStamp {
    EventStamp {
        at,
        user_id: Some(user_id),
        auth_connector: None,
    }
}

/// The first page (newest first, 50) of what `reader` sees.
fn page(reader: i64) -> FeedQuery {
    FeedQuery {
        reader,
        post_id: None,
        addressed_to: Vec::new(),
        published_from: None,
        published_to: None,
        window: FeedWindow::Offset {
            start: 0,
            limit: 50,
        },
    }
}

/// The ids of the posts `query` returns, in order, and the total.
async fn ids(store: &dyn Store, query: FeedQuery) -> (Vec<i64>, Option<i64>) {
    let page = store.feed_posts(query).await.expect("feed posts");
    (page.posts.iter().map(|p| p.id).collect(), page.total)
}

/// Creates a user in the departments `departments`.
async fn user_in(store: &dyn Store, login: &str, departments: &[i64]) -> i64 {
    let id = store
        .insert_user(new_user(login, false))
        .await
        .expect("user");
    let position = USER.index_of("UF_DEPARTMENT").expect("UF_DEPARTMENT");
    let text = crate::users::department_text(departments).expect("departments");
    assert!(store
        .update_user(id, vec![(position, FieldValue::Text(text))], Vec::new())
        .await
        .expect("departments of user"));
    id
}

/// Creates a department below `parent`.
async fn department(store: &dyn Store, name: &str, parent: i64) -> i64 {
    store
        .insert_department(DepartmentFields {
            name: name.to_owned(),
            sort: 500,
            parent: Some(parent),
            head: None,
        })
        .await
        .expect("department")
}

/// The feed story.
pub(super) async fn story(store: &dyn Store) {
    let sales = department(store, "Feed sales", 1).await;
    let sales_east = department(store, "Feed sales east", sales).await;
    let support = department(store, "Feed support", 1).await;
    let author = user_in(store, "feed-author", &[support]).await;
    let addressee = user_in(store, "feed-addressee", &[support]).await;
    let member = user_in(store, "feed-member", &[support]).await;
    let seller = user_in(store, "feed-seller", &[sales]).await;
    let east = user_in(store, "feed-east", &[support, sales_east]).await;
    let outsider = user_in(store, "feed-outsider", &[support]).await;
    let group = store
        .insert_workgroup(Workgroup {
            id: 0,
            name: "Feed group".to_owned(),
            description: String::new(),
            visible: true,
            opened: false,
            closed: false,
            active: true,
            project: false,
            keywords: String::new(),
            initiate_perms: "K".to_owned(),
            owner_id: member,
            created_at: 100,
            updated_at: 100,
            members: 0,
            scrum_master_id: None,
        })
        .await
        .expect("group");
    let events: Vec<String> = FEED_EVENTS.iter().map(|e| (*e).to_owned()).collect();
    let codes: Vec<&str> = events.iter().map(String::as_str).collect();
    store
        .insert_outbound_webhook(new_outbound(author, "https://example.com/feed", &codes))
        .await
        .expect("subscriber");
    let events_before = last_event_id(store).await;
    let live_before = store.live_last_id().await.expect("live id");

    // Four posts, one for each kind of recipient.
    let mut tagged = fields("to all", &[Recipient::All]);
    tagged.title = "Hello".to_owned();
    tagged.tags = vec!["news".to_owned(), " q3 ".to_owned(), "news".to_owned()];
    tagged.important = true;
    tagged.important_until = Some(2_000_000_000);
    let to_all = store
        .insert_feed_post(author, tagged, stamp(1_000, author))
        .await
        .expect("post to all");
    let to_user = store
        .insert_feed_post(
            author,
            fields("to one", &[Recipient::User(addressee)]),
            stamp(1_010, author),
        )
        .await
        .expect("post to a user");
    let to_group = store
        .insert_feed_post(
            author,
            fields("to a group", &[Recipient::Group(group)]),
            stamp(1_020, author),
        )
        .await
        .expect("post to a group");
    let to_sales = store
        .insert_feed_post(
            author,
            fields("to sales", &[Recipient::Department(sales)]),
            stamp(1_030, author),
        )
        .await
        .expect("post to a department");

    // Each reader sees what is addressed to them, newest first.
    let all = vec![to_sales, to_group, to_user, to_all];
    assert_eq!(ids(store, page(author)).await, (all.clone(), Some(4)));
    assert_eq!(
        ids(store, page(addressee)).await,
        (vec![to_user, to_all], Some(2))
    );
    assert_eq!(
        ids(store, page(member)).await,
        (vec![to_group, to_all], Some(2))
    );
    assert_eq!(
        ids(store, page(seller)).await,
        (vec![to_sales, to_all], Some(2))
    );
    assert_eq!(
        ids(store, page(east)).await,
        (vec![to_sales, to_all], Some(2)),
        "a post to a department reaches its sub-departments"
    );
    assert_eq!(ids(store, page(outsider)).await, (vec![to_all], Some(1)));

    // Windows and filters.
    let window = |window| FeedQuery {
        window,
        ..page(author)
    };
    assert_eq!(
        ids(store, window(FeedWindow::Offset { start: 1, limit: 2 })).await,
        (vec![to_group, to_user], Some(4))
    );
    assert_eq!(
        ids(
            store,
            window(FeedWindow::After {
                id: to_user,
                limit: 1
            })
        )
        .await,
        (vec![to_group], None)
    );
    assert_eq!(
        ids(
            store,
            window(FeedWindow::Before {
                id: to_group,
                limit: 5
            })
        )
        .await,
        (vec![to_user, to_all], None)
    );
    let addressed = FeedQuery {
        addressed_to: vec![Recipient::Group(group), Recipient::All],
        ..page(author)
    };
    assert_eq!(ids(store, addressed).await.0, vec![to_group, to_all]);
    let dated = FeedQuery {
        published_from: Some(1_010),
        published_to: Some(1_020),
        ..page(author)
    };
    assert_eq!(ids(store, dated).await.0, vec![to_group, to_user]);
    let one = |reader| FeedQuery {
        post_id: Some(to_user),
        ..page(reader)
    };
    assert_eq!(ids(store, one(addressee)).await.0, vec![to_user]);
    assert_eq!(ids(store, one(outsider)).await, (vec![], Some(0)));

    // What a post holds.
    let stored = store
        .feed_post(to_all)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        (
            stored.author_id,
            stored.title.as_str(),
            stored.text.as_str(),
            stored.important,
            stored.important_until,
            stored.created_at,
            stored.updated_at,
            stored.comments,
        ),
        (
            author,
            "Hello",
            "to all",
            true,
            Some(2_000_000_000),
            1_000,
            1_000,
            0
        )
    );
    assert_eq!(stored.recipients, [Recipient::All]);
    let names: Vec<&str> = stored.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["news", "q3"]);
    assert!(store.feed_post(999_999).await.expect("read").is_none());

    // An update replaces what the post says; a tag keeps its id.
    let mut changed = fields("to one and the group", &[]);
    changed.recipients = vec![
        Recipient::Group(group),
        Recipient::User(addressee),
        Recipient::Group(group),
    ];
    changed.tags = vec!["q3".to_owned()];
    assert!(store
        .update_feed_post(to_user, changed.clone(), stamp(1_100, author))
        .await
        .expect("update"));
    assert!(!store
        .update_feed_post(999_999, changed, stamp(1_100, author))
        .await
        .expect("update missing"));
    let updated = store
        .feed_post(to_user)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(
        updated.recipients,
        [Recipient::User(addressee), Recipient::Group(group)]
    );
    assert_eq!(
        (
            updated.text.as_str(),
            updated.created_at,
            updated.updated_at
        ),
        ("to one and the group", 1_010, 1_100)
    );
    assert_eq!(updated.tags, stored.tags[1..]);
    assert_eq!(
        ids(store, page(member)).await.0,
        vec![to_group, to_user, to_all]
    );

    // Comments: counted, listed by post, duplicates refused.
    let first = store
        .insert_feed_comment(to_user, addressee, "thanks".to_owned(), 1_200)
        .await
        .expect("comment");
    let second = store
        .insert_feed_comment(to_user, author, "thanks".to_owned(), 1_210)
        .await
        .expect("same text by another author");
    let on_all = store
        .insert_feed_comment(to_all, outsider, "hi".to_owned(), 1_220)
        .await
        .expect("comment on another post");
    assert!(matches!(
        store
            .insert_feed_comment(to_user, addressee, "thanks".to_owned(), 1_230)
            .await,
        Err(StoreError::Conflict(c)) if c == DUPLICATE_COMMENT
    ));
    assert!(matches!(
        store
            .insert_feed_comment(999_999, addressee, "x".to_owned(), 1_230)
            .await,
        Err(StoreError::NotFound)
    ));
    let comments = store
        .feed_comments(&[to_all, to_user])
        .await
        .expect("comments");
    let listed: Vec<(i64, i64, i64, &str, i64)> = comments
        .iter()
        .map(|c| (c.id, c.post_id, c.author_id, c.text.as_str(), c.created_at))
        .collect();
    let mut expected = vec![
        (first, to_user, addressee, "thanks", 1_200),
        (second, to_user, author, "thanks", 1_210),
        (on_all, to_all, outsider, "hi", 1_220),
    ];
    expected.sort_by_key(|c| (c.1, c.0));
    assert_eq!(listed, expected);
    assert_eq!(
        store
            .feed_post(to_user)
            .await
            .expect("read")
            .map(|p| p.comments),
        Some(2)
    );
    assert_eq!(
        store.feed_comment(first).await.expect("comment"),
        Some(comments.iter().find(|c| c.id == first).cloned().expect("c"))
    );
    assert!(store
        .delete_feed_comment(second, 1_300)
        .await
        .expect("delete comment"));
    assert!(!store
        .delete_feed_comment(second, 1_300)
        .await
        .expect("delete again"));
    assert!(store.feed_comment(second).await.expect("gone").is_none());

    // Deleting a post takes its comments along.
    assert!(store
        .delete_feed_post(to_user, stamp(1_400, author))
        .await
        .expect("delete"));
    assert!(!store
        .delete_feed_post(to_user, stamp(1_400, author))
        .await
        .expect("delete again"));
    assert!(store.feed_comment(first).await.expect("gone").is_none());
    assert_eq!(
        ids(store, page(author)).await.0,
        vec![to_sales, to_group, to_all]
    );

    // The events of the post writes, in order.
    let events = store
        .events_after(events_before, 100)
        .await
        .expect("events");
    let got: Vec<EventRow<'_>> = events
        .iter()
        .map(|e| {
            (
                e.code.as_str(),
                e.entity.as_str(),
                e.entity_id,
                e.data.clone(),
                e.user_id,
                e.created_at,
            )
        })
        .collect();
    let event = |code, id, at| {
        (
            code,
            FEED_EVENT_ENTITY,
            id,
            json!({"FIELDS": {"POST_ID": id}}),
            Some(author),
            at,
        )
    };
    assert_eq!(
        got,
        vec![
            event("ONLIVEFEEDPOSTADD", to_all, 1_000),
            event("ONLIVEFEEDPOSTADD", to_user, 1_010),
            event("ONLIVEFEEDPOSTADD", to_group, 1_020),
            event("ONLIVEFEEDPOSTADD", to_sales, 1_030),
            event("ONLIVEFEEDPOSTUPDATE", to_user, 1_100),
            event("ONLIVEFEEDPOSTDELETE", to_user, 1_400),
        ]
    );

    // Live rows name the post's audience; none for a post to everyone.
    let live = store.live_after(live_before, 100).await.expect("live");
    let rows: Vec<(&str, Vec<i64>, serde_json::Value)> = live
        .iter()
        .map(|e| (e.kind.as_str(), e.user_ids.clone(), e.data.clone()))
        .collect();
    let sorted = |mut ids: Vec<i64>| {
        ids.sort_unstable();
        ids
    };
    let row = |ids: Vec<i64>, action, post| (FEED_LIVE_KIND, sorted(ids), live_data(action, post));
    let to_user_and_group = vec![author, addressee, member];
    assert_eq!(
        rows,
        vec![
            row(vec![author, addressee], "post_add", to_user),
            row(vec![author, member], "post_add", to_group),
            row(vec![author, seller, east], "post_add", to_sales),
            row(to_user_and_group.clone(), "post_update", to_user),
            row(to_user_and_group.clone(), "comment_add", to_user),
            row(to_user_and_group.clone(), "comment_add", to_user),
            row(to_user_and_group.clone(), "comment_delete", to_user),
            row(to_user_and_group, "post_delete", to_user),
        ]
    );
}
