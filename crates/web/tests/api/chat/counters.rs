//! Unread counters follow reads: `im.counters.get` (empty maps as `[]`),
//! `im.recent.list` (most recent first, with counters, paging and filters),
//! `im.dialog.read` (up to a message, never backwards) and the read marks
//! `im.dialog.get` reports.

use serde_json::{json, Value};

use super::Chatters;

/// Ids of the items of an `im.recent.list` answer.
fn item_ids(recent: &Value) -> Vec<Value> {
    recent["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].clone())
        .collect()
}

#[tokio::test]
async fn counters_and_the_recent_list_follow_reads() {
    let c = Chatters::start().await;
    let bob = c.bob.to_string();
    let first = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": bob, "MESSAGE": "one"}),
        )
        .await;
    c.ok(
        &c.admin,
        "im.message.add",
        json!({"DIALOG_ID": bob, "MESSAGE": "two"}),
    )
    .await;
    let chat = c
        .ok(
            &c.admin,
            "im.chat.add",
            json!({"USERS": [c.bob], "TITLE": "Team", "MESSAGE": "hello team"}),
        )
        .await;
    let chat_key = chat.to_string();

    let counters = c.ok(&c.bob_hook, "im.counters.get", json!({})).await;
    assert_eq!(
        counters,
        json!({"TYPE": {"ALL": 4, "NOTIFY": 0, "CHAT": 2, "LINES": 0, "DIALOG": 2, "MESSENGER": 4},
               "CHAT": {chat_key.clone(): 2}, "CHAT_MUTED": [], "CHAT_UNREAD": [], "LINES": [],
               "DIALOG": {"1": 2}, "DIALOG_UNREAD": []})
    );
    let none = c.ok(&c.admin, "im.counters.get", json!({})).await;
    assert_eq!(
        (
            none["CHAT"].clone(),
            none["DIALOG"].clone(),
            none["TYPE"]["ALL"].clone()
        ),
        (json!([]), json!([]), json!(0))
    );
    // Unread notifications count in NOTIFY and ALL, not in MESSENGER.
    c.ok(
        &c.admin,
        "im.notify.system.add",
        json!({"USER_ID": c.bob, "MESSAGE": "a notification"}),
    )
    .await;
    let with_notify = c.ok(&c.bob_hook, "im.counters.get", json!({})).await;
    assert_eq!(
        with_notify["TYPE"],
        json!({"ALL": 5, "NOTIFY": 1, "CHAT": 2, "LINES": 0, "DIALOG": 2, "MESSENGER": 4})
    );

    let reply = c.call(&c.bob_hook, "im.recent.list", json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let recent = reply.json();
    assert_eq!(recent["total"], json!(-1));
    let recent = &recent["result"];
    assert_eq!(
        item_ids(recent),
        [json!(format!("chat{chat}")), json!(1)],
        "most recent first"
    );
    assert_eq!(
        (recent["hasMore"].clone(), recent["hasMorePages"].clone()),
        (json!(false), json!(false))
    );
    let chat_item = &recent["items"][0];
    assert_eq!(
        (
            chat_item["type"].clone(),
            chat_item["title"].clone(),
            chat_item["counter"].clone(),
            chat_item["message"]["text"].clone(),
            chat_item["chat_id"].clone()
        ),
        (
            json!("chat"),
            json!("Team"),
            json!(2),
            json!("hello team"),
            chat.clone()
        )
    );
    let dialog_item = &recent["items"][1];
    assert_eq!(
        (
            dialog_item["type"].clone(),
            dialog_item["title"].clone(),
            dialog_item["counter"].clone(),
            dialog_item["user"]["id"].clone(),
            dialog_item["message"]["author_id"].clone()
        ),
        (
            json!("user"),
            json!("admin name admin last"),
            json!(2),
            json!(1),
            json!(1)
        )
    );

    // Filters and paging.
    let only = |body: Value| async { c.ok(&c.bob_hook, "im.recent.list", body).await };
    assert_eq!(item_ids(&only(json!({"SKIP_CHAT": "Y"})).await), [json!(1)]);
    assert_eq!(
        item_ids(&only(json!({"SKIP_DIALOG": "Y"})).await),
        [json!(format!("chat{chat}"))]
    );
    let page = only(json!({"LIMIT": 1})).await;
    assert_eq!(
        (item_ids(&page).len(), page["hasMore"].clone()),
        (1, json!(true))
    );
    assert_eq!(
        item_ids(&only(json!({"LIMIT": 1, "OFFSET": 1})).await),
        [json!(1)]
    );

    // Reading up to the first message leaves one unread; never backwards.
    let read = c
        .ok(
            &c.bob_hook,
            "im.dialog.read",
            json!({"DIALOG_ID": "1", "MESSAGE_ID": first}),
        )
        .await;
    assert_eq!(
        (
            read["dialogId"].clone(),
            read["counter"].clone(),
            read["lastId"].clone()
        ),
        (json!("1"), json!(1), first.clone())
    );
    let got = c
        .ok(&c.bob_hook, "im.dialog.get", json!({"DIALOG_ID": "1"}))
        .await;
    assert_eq!(
        (got["counter"].clone(), got["last_id"].clone()),
        (json!(1), first.clone())
    );
    assert!(got["unread_id"].as_i64() > first.as_i64());
    c.ok(&c.bob_hook, "im.dialog.read", json!({"DIALOG_ID": "1"}))
        .await;
    let back = c
        .ok(
            &c.bob_hook,
            "im.dialog.read",
            json!({"DIALOG_ID": "1", "MESSAGE_ID": first}),
        )
        .await;
    assert_eq!(back["counter"], json!(0), "a read mark never moves back");
    let counters = c.ok(&c.bob_hook, "im.counters.get", json!({})).await;
    assert_eq!(
        (counters["DIALOG"].clone(), counters["TYPE"]["ALL"].clone()),
        (json!([]), json!(3)),
        "the group chat's two and the notification"
    );
    assert_eq!(
        item_ids(&only(json!({"UNREAD_ONLY": "Y"})).await),
        [json!(format!("chat{chat}"))]
    );

    // The admin sees that Bob read the dialog.
    let theirs = c
        .ok(&c.admin, "im.recent.list", json!({"SKIP_CHAT": "Y"}))
        .await;
    assert_eq!(theirs["items"][0]["message"]["status"], "delivered");
    let got = c
        .ok(&c.admin, "im.dialog.get", json!({"DIALOG_ID": bob}))
        .await;
    let readed = &got["readed_list"][0];
    assert_eq!(
        (readed["user_id"].clone(), readed["user_name"].clone()),
        (json!(c.bob), json!("bob name bob last"))
    );
    assert_eq!(readed["message_id"], got["last_message_id"]);
}
