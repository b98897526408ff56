//! Chats: one private dialog per pair, group chats with members and system
//! notices, hidden history, message paging, edits and deletions as stubs,
//! read marks and unread counters, an owner who leaves, and the one live row
//! each write pushes for the chat's members.

use std::sync::Arc;

use serde_json::json;

use super::users::new_user;
use crate::{
    ChatKind, JoinNotice, LiveEvent, MessageChange, MessageQuery, NewChat, NewMessage, Store,
    SystemNotice,
};

fn text(chat_id: i64, author_id: i64, text: &str, at: i64) -> NewMessage {
    NewMessage {
        chat_id,
        author_id,
        text: text.to_owned(),
        params: json!({}),
        uuid: None,
        created_at: at,
    }
}

fn notice(code: &str) -> SystemNotice {
    SystemNotice {
        text: format!("notice {code}"),
        params: json!({"CODE": [code]}),
    }
}

fn query(after: Option<i64>, before: Option<i64>, floor: i64, limit: usize) -> MessageQuery {
    MessageQuery {
        after,
        before,
        floor,
        limit,
    }
}

/// The live rows written after `cursor`; moves it past them.
async fn live_since(store: &dyn Store, cursor: &mut i64) -> Vec<LiveEvent> {
    let rows = store.live_after(*cursor, 100).await.expect("live rows");
    if let Some(last) = rows.last() {
        *cursor = last.id;
    }
    rows
}

/// The chats story.
pub(super) async fn story(store: &dyn Store) {
    let user = |login: &'static str| async move {
        store
            .insert_user(new_user(login, false))
            .await
            .expect("user")
    };
    let a = user("chat-a").await;
    let b = user("chat-b").await;
    let c = user("chat-c").await;
    let mut cursor = store.live_last_id().await.expect("live id");

    // One private dialog per pair, whichever user asks first.
    let p = store.private_chat(a, b, 100).await.expect("dialog");
    assert_eq!(store.private_chat(b, a, 200).await.expect("again"), p);
    assert_eq!(store.find_private_chat(b, a).await.expect("find"), Some(p));
    assert_eq!(store.find_private_chat(a, c).await.expect("none"), None);
    let dialog = store.chat(p).await.expect("chat").expect("exists");
    assert_eq!(
        (dialog.kind, dialog.member_count, dialog.created_at),
        (ChatKind::Private, 2, 100)
    );
    assert!(store.user_chats(a, None).await.expect("recent").is_empty());
    assert!(live_since(store, &mut cursor).await.is_empty());

    let hello = store
        .add_message(text(p, a, "hello [b]b[/b]", 300))
        .await
        .expect("message");
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].kind, "message");
    assert_eq!(rows[0].user_ids, vec![a, b]);
    assert_eq!(
        rows[0].data,
        json!({"chat_id": p, "chat_type": "P", "change": "add", "message_id": hello,
               "author_id": a,
               "dialog_ids": {a.to_string(): b.to_string(), b.to_string(): a.to_string()}})
    );
    let seen_by_b = store.user_chats(b, None).await.expect("b's chats");
    assert_eq!(seen_by_b.len(), 1);
    assert_eq!(
        (
            seen_by_b[0].chat.id,
            seen_by_b[0].peer_id,
            seen_by_b[0].unread,
            seen_by_b[0].first_unread_id
        ),
        (p, Some(a), 1, Some(hello))
    );
    let last = seen_by_b[0].last_message.clone().expect("last message");
    assert_eq!((last.id, last.text.as_str()), (hello, "hello [b]b[/b]"));
    let seen_by_a = store.user_chats(a, Some(p)).await.expect("a's dialog");
    assert_eq!(
        (seen_by_a[0].unread, seen_by_a[0].member.last_read_id),
        (0, hello)
    );
    assert_eq!(seen_by_a[0].others_read_id, 0, "b has not read it");
    assert_eq!(
        store
            .mark_chat_read(p, b, None, 350)
            .await
            .expect("b reads"),
        Some(hello)
    );
    live_since(store, &mut cursor).await;
    let seen_by_a = store.user_chats(a, Some(p)).await.expect("a's dialog");
    assert_eq!(seen_by_a[0].others_read_id, hello);

    // A closed group chat: the owner is a member, the notice read by the owner.
    let g = store
        .create_chat(
            NewChat {
                kind: ChatKind::Closed,
                title: "Team".to_owned(),
                description: "d".to_owned(),
                color: "MINT".to_owned(),
                owner_id: a,
                entity_type: "CRM".to_owned(),
                entity_id: "DEAL|7".to_owned(),
                members: vec![b, a],
                created_at: 400,
            },
            Some(notice("CHAT_CREATE")),
        )
        .await
        .expect("group");
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].kind.as_str(), rows[0].user_ids.clone()),
        ("chat", vec![a, b])
    );
    assert_eq!(rows[0].data["change"], "create");
    assert_eq!(
        rows[0].data["dialog_ids"][b.to_string()],
        format!("chat{g}")
    );
    let group = store.chat(g).await.expect("chat").expect("exists");
    assert_eq!(
        (
            group.kind,
            group.title.as_str(),
            group.color.as_str(),
            group.owner_id,
            group.member_count,
            group.message_count
        ),
        (ChatKind::Closed, "Team", "MINT", a, 2, 1)
    );
    let created = group.last_message_id;
    assert_eq!(
        store.chat_by_entity("CRM", "DEAL|7").await.expect("bound"),
        Some(g)
    );
    assert_eq!(
        store
            .chat_by_entity("CRM", "DEAL|8")
            .await
            .expect("unbound"),
        None
    );
    let counts = |chats: Vec<crate::ChatSummary>| {
        chats
            .iter()
            .map(|s| (s.chat.id, s.unread))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        counts(store.user_chats(a, None).await.expect("a")),
        [(p, 0), (g, 0)]
    );
    assert_eq!(
        counts(store.user_chats(b, None).await.expect("b")),
        [(p, 0), (g, 1)]
    );

    // Members added once, with the history hidden; the notice names only them.
    let join: JoinNotice = Arc::new(|added: &[i64]| SystemNotice {
        text: format!("joined {added:?}"),
        params: json!({"CODE": ["CHAT_JOIN"]}),
    });
    let added = store
        .add_chat_members(g, &[c, b], true, a, 500, join.clone())
        .await
        .expect("add");
    assert_eq!(added, [c]);
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].kind.as_str(), rows[0].user_ids.clone()),
        ("chat", vec![a, b, c])
    );
    assert_eq!(rows[0].data["change"], "join");
    assert!(store
        .add_chat_members(g, &[c], true, a, 500, join)
        .await
        .expect("again")
        .is_empty());
    assert!(
        live_since(store, &mut cursor).await.is_empty(),
        "nobody added, nothing pushed"
    );
    let members = store.chat_members(g).await.expect("members");
    assert_eq!(
        members.iter().map(|m| m.user_id).collect::<Vec<_>>(),
        [a, b, c]
    );
    let c_row = members[2].clone();
    assert_eq!((c_row.joined_message_id, c_row.joined_at), (created, 500));
    let all = store
        .chat_messages(g, query(None, None, 0, 10))
        .await
        .expect("all");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].text, format!("joined {:?}", [c]));
    assert_eq!(
        (all[0].author_id, all[0].params.clone()),
        (0, json!({"CODE": ["CHAT_JOIN"]}))
    );
    assert_eq!(all[1].id, created);
    let for_c = store
        .chat_messages(g, query(None, None, c_row.joined_message_id, 10))
        .await
        .expect("c's");
    assert_eq!(for_c.iter().map(|m| m.id).collect::<Vec<_>>(), [all[0].id]);

    // Paging: newest first; after an id the oldest of the newer ones.
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut m = text(g, b, &format!("m{i}"), 600 + i);
        m.uuid = Some(format!("uuid-{i}"));
        m.params = json!({"ATTACH": [{"MESSAGE": "x"}]});
        ids.push(store.add_message(m).await.expect("add"));
    }
    live_since(store, &mut cursor).await;
    let page = |after, before, limit| store.chat_messages(g, query(after, before, 0, limit));
    let got = |v: Vec<crate::Message>| v.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(got(page(None, None, 2).await.expect("p")), [ids[4], ids[3]]);
    assert_eq!(
        got(page(None, Some(ids[3]), 2).await.expect("p")),
        [ids[2], ids[1]]
    );
    assert_eq!(
        got(page(Some(ids[1]), None, 2).await.expect("p")),
        [ids[3], ids[2]]
    );
    assert_eq!(
        got(page(Some(ids[1]), Some(ids[1]), 10).await.expect("p")),
        [ids[4], ids[3], ids[2]],
        "after wins over before"
    );
    assert!(page(Some(ids[4]), None, 10).await.expect("p").is_empty());
    let stored = store
        .message(ids[0])
        .await
        .expect("message")
        .expect("exists");
    assert_eq!(
        (
            stored.chat_id,
            stored.author_id,
            stored.uuid.as_deref(),
            stored.created_at,
            stored.params.clone(),
            stored.edited,
            stored.deleted
        ),
        (
            g,
            b,
            Some("uuid-0"),
            600,
            json!({"ATTACH": [{"MESSAGE": "x"}]}),
            false,
            false
        )
    );
    assert_eq!(store.message(999_999).await.expect("missing"), None);

    // Unread counters follow read marks, never backwards.
    let of_a = store.user_chats(a, Some(g)).await.expect("a");
    assert_eq!((of_a[0].unread, of_a[0].first_unread_id), (5, Some(ids[0])));
    assert_eq!(of_a[0].last_message.as_ref().map(|m| m.id), Some(ids[4]));
    assert_eq!(
        store
            .mark_chat_read(g, a, Some(ids[2]), 700)
            .await
            .expect("read"),
        Some(ids[2])
    );
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].kind.as_str(), rows[0].user_ids.clone()),
        ("chat_read", vec![a])
    );
    assert_eq!(rows[0].data, json!({"chat_id": g, "last_read_id": ids[2]}));
    assert_eq!(
        store
            .mark_chat_read(g, a, Some(ids[0]), 701)
            .await
            .expect("back"),
        Some(ids[2])
    );
    let of_a = store.user_chats(a, Some(g)).await.expect("a");
    assert_eq!(
        (of_a[0].unread, of_a[0].member.last_read_at),
        (2, 700),
        "a mark backwards changes nothing"
    );
    live_since(store, &mut cursor).await;
    assert_eq!(
        store.mark_chat_read(g, a, None, 702).await.expect("all"),
        Some(ids[4])
    );
    assert_eq!(
        store
            .mark_chat_read(g, a, Some(999_999), 703)
            .await
            .expect("beyond"),
        Some(ids[4]),
        "never past the newest message"
    );
    assert_eq!(
        store
            .mark_chat_read(p, c, None, 704)
            .await
            .expect("stranger"),
        None
    );
    live_since(store, &mut cursor).await;

    // Edits and deletions.
    let change = MessageChange {
        text: Some("m0 fixed".to_owned()),
        params: None,
        edited: true,
        at: 800,
    };
    assert!(store
        .update_message(ids[0], change.clone())
        .await
        .expect("update"));
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].data["change"].clone(),
            rows[0].data["message_id"].clone()
        ),
        (json!("update"), json!(ids[0]))
    );
    assert_eq!(rows[0].user_ids, vec![a, b, c]);
    let edited = store.message(ids[0]).await.expect("m").expect("m");
    assert_eq!(
        (edited.text.as_str(), edited.edited, edited.params.clone()),
        ("m0 fixed", true, json!({"ATTACH": [{"MESSAGE": "x"}]}))
    );
    assert!(store
        .update_message(
            ids[0],
            MessageChange {
                text: None,
                params: Some(json!({})),
                edited: false,
                at: 801
            }
        )
        .await
        .expect("params"));
    assert_eq!(
        store.message(ids[0]).await.expect("m").expect("m").params,
        json!({})
    );
    assert!(!store
        .update_message(999_999, change.clone())
        .await
        .expect("missing"));
    live_since(store, &mut cursor).await;
    assert!(store.delete_message(ids[1], 900).await.expect("delete"));
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(
        (rows.len(), rows[0].data["change"].clone()),
        (1, json!("delete"))
    );
    let stub = store.message(ids[1]).await.expect("m").expect("stub stays");
    assert_eq!(
        (stub.text.as_str(), stub.params.clone(), stub.deleted),
        ("", json!({}), true)
    );
    assert!(!store.delete_message(ids[1], 901).await.expect("twice"));
    assert!(!store.update_message(ids[1], change).await.expect("deleted"));
    assert!(live_since(store, &mut cursor).await.is_empty());

    // The owner leaves: the first member to have joined owns the chat.
    assert!(store
        .remove_chat_member(g, a, a, 1_000, notice("CHAT_LEAVE"))
        .await
        .expect("leave"));
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].data["change"].clone(), rows[0].user_ids.clone()),
        (json!("leave"), vec![b, c, a])
    );
    let group = store.chat(g).await.expect("chat").expect("exists");
    assert_eq!((group.owner_id, group.member_count), (b, 2));
    assert!(!store
        .remove_chat_member(g, a, a, 1_001, notice("CHAT_LEAVE"))
        .await
        .expect("not a member"));
    assert_eq!(
        counts(store.user_chats(a, None).await.expect("a")),
        [(p, 0)]
    );
    assert!(store
        .rename_chat(g, "Renamed", b, 1_100, notice("CHAT_TITLE"))
        .await
        .expect("rename"));
    let rows = live_since(store, &mut cursor).await;
    assert_eq!(
        (rows.len(), rows[0].data["change"].clone()),
        (1, json!("title"))
    );
    assert_eq!(store.chat(g).await.expect("c").expect("c").title, "Renamed");
    assert!(!store
        .rename_chat(999_999, "x", b, 1_100, notice("CHAT_TITLE"))
        .await
        .expect("missing"));
    // The rename notice was read by b, who renamed; c has it unread.
    let of_b = store.user_chats(b, Some(g)).await.expect("b");
    assert_eq!(of_b[0].unread, 0);
    let of_c = store.user_chats(c, Some(g)).await.expect("c");
    assert_eq!(of_c[0].unread, 7, "{:?}", of_c[0]);

    // An open chat; a notes dialog with oneself.
    let open = store
        .create_chat(
            NewChat {
                kind: ChatKind::Open,
                title: "Open".to_owned(),
                description: String::new(),
                color: "RED".to_owned(),
                owner_id: c,
                entity_type: String::new(),
                entity_id: String::new(),
                members: Vec::new(),
                created_at: 1_200,
            },
            None,
        )
        .await
        .expect("open");
    let open_chat = store.chat(open).await.expect("c").expect("c");
    assert_eq!(
        (
            open_chat.kind,
            open_chat.member_count,
            open_chat.message_count
        ),
        (ChatKind::Open, 1, 0)
    );
    let notes = store.private_chat(c, c, 1_300).await.expect("notes");
    assert_eq!(store.chat_members(notes).await.expect("m").len(), 1);
    store
        .add_message(text(notes, c, "note", 1_301))
        .await
        .expect("note");
    let of_c = store.user_chats(c, Some(notes)).await.expect("notes");
    assert_eq!((of_c[0].peer_id, of_c[0].unread), (Some(c), 0));
}
