//! `im.message.add/update/delete` and `im.dialog.messages.get`: a 1:1 dialog
//! made on the first message, what a message carries (text, ATTACH,
//! KEYBOARD, MENU, REPLY_ID, SYSTEM), paging, edits and deletions by the
//! author within three days (and by a chat's owner), and every refusal.

use serde_json::{json, Value};

use super::Chatters;
use crate::common::assert_error;

#[tokio::test]
async fn a_first_message_opens_a_dialog_both_people_read() {
    let c = Chatters::start().await;
    let bob = c.bob.to_string();
    let id = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": bob, "MESSAGE": "  Hello [b]Bob[/b]  "}),
        )
        .await;
    let id = id.as_i64().expect("message id");

    let seen = c
        .ok(
            &c.bob_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": "1"}),
        )
        .await;
    let chat_id = seen["chat_id"].as_i64().expect("chat id");
    assert_eq!(seen["files"], json!([]));
    let message = &seen["messages"][0];
    assert_eq!(
        (
            message["id"].as_i64(),
            message["chat_id"].as_i64(),
            message["author_id"].as_i64(),
            message["text"].as_str(),
            message["unread"].as_bool(),
        ),
        (
            Some(id),
            Some(chat_id),
            Some(1),
            Some("Hello [b]Bob[/b]"),
            Some(true)
        )
    );
    assert_eq!(message["params"], json!([]), "empty params are a PHP []");
    assert_eq!(
        (
            message["replaces"].clone(),
            message["disappearing_date"].clone()
        ),
        (json!([]), Value::Null)
    );
    assert!(message["date"].as_str().is_some_and(|d| d.contains('T')));
    let users = seen["users"].as_array().expect("users");
    let admin = users
        .iter()
        .find(|u| u["id"] == 1)
        .expect("the author is listed");
    assert_eq!(
        (
            admin["name"].clone(),
            admin["type"].clone(),
            admin["bot"].clone()
        ),
        (json!("admin name admin last"), json!("user"), json!(false))
    );

    // The same chat from the other side; the author's copy is unread until Bob reads.
    let mine = c
        .ok(
            &c.admin,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": bob}),
        )
        .await;
    assert_eq!(mine["chat_id"].as_i64(), Some(chat_id));
    assert_eq!(mine["messages"][0]["unread"], json!(true));
    c.ok(&c.bob_hook, "im.dialog.read", json!({"DIALOG_ID": "1"}))
        .await;
    let mine = c
        .ok(
            &c.admin,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": bob}),
        )
        .await;
    assert_eq!(mine["messages"][0]["unread"], json!(false));
    // Carol is no member of their dialog.
    assert!(
        c.messages(&c.carol_hook, "1").await.is_empty(),
        "Carol's own dialog with the admin is empty"
    );
    let reply = c
        .call(
            &c.carol_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": format!("chat{chat_id}")}),
        )
        .await;
    assert_error(
        &reply,
        403,
        "ACCESS_ERROR",
        "You do not have access to the specified dialog",
    );
    let reply = c
        .call(
            &c.carol_hook,
            "im.message.add",
            json!({"DIALOG_ID": format!("chat{chat_id}"), "MESSAGE": "hi"}),
        )
        .await;
    assert_error(&reply, 403, "ACCESS_ERROR", "Action unavailable");
}

#[tokio::test]
async fn a_message_carries_attach_keyboard_menu_and_a_reply() {
    let c = Chatters::start().await;
    let bob = c.bob.to_string();
    let first = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": bob, "MESSAGE": "first"}),
        )
        .await;
    let body = json!({
        "DIALOG_ID": bob,
        "ATTACH": [{"MESSAGE": "Deal [b]won[/b]"}, {"LINK": {"NAME": "Open", "LINK": "https://example.com/deal/1"}}],
        "KEYBOARD": [{"TEXT": "Help", "COMMAND": "help", "COMMAND_PARAMS": "all"}, {"TYPE": "NEWLINE"},
                     {"TEXT": "Site", "LINK": "https://example.com"}],
        "MENU": "{\"ITEMS\": [{\"TEXT\": \"Docs\", \"LINK\": \"https://example.com/docs\"}]}",
        "REPLY_ID": first,
        "URL_PREVIEW": "N",
    });
    let id = c.ok(&c.admin, "im.message.add", body).await;
    let list = c.messages(&c.bob_hook, "1").await;
    let message = list.iter().find(|m| m["id"] == id).expect("listed");
    assert_eq!(message["text"], "", "an attachment needs no text");
    let params = &message["params"];
    assert_eq!(
        params["ATTACH"]["BLOCKS"][0],
        json!({"MESSAGE": "Deal [b]won[/b]"})
    );
    assert_eq!(
        params["KEYBOARD"],
        json!({"BUTTONS": [{"TEXT": "Help", "COMMAND": "help", "COMMAND_PARAMS": "all"}, {"TYPE": "NEWLINE"},
                           {"TEXT": "Site", "LINK": "https://example.com"}]})
    );
    assert_eq!(
        params["MENU"],
        json!({"ITEMS": [{"TEXT": "Docs", "LINK": "https://example.com/docs"}]})
    );
    assert_eq!(params["REPLY_ID"], first);

    // A system message has no author.
    let system = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": bob, "MESSAGE": "Build passed", "SYSTEM": "Y"}),
        )
        .await;
    let list = c.messages(&c.bob_hook, "1").await;
    let message = list.iter().find(|m| m["id"] == system).expect("listed");
    assert_eq!(
        (message["author_id"].clone(), message["uuid"].clone()),
        (json!(0), Value::Null)
    );
    // Legacy USER_ID / CHAT_ID instead of DIALOG_ID.
    let legacy = c
        .ok(
            &c.bob_hook,
            "im.message.add",
            json!({"USER_ID": 1, "MESSAGE": "legacy"}),
        )
        .await;
    assert_eq!(c.messages(&c.admin, &bob).await[0]["id"], legacy);
}

#[tokio::test]
async fn messages_page_by_last_and_first_id() {
    let c = Chatters::start().await;
    let bob = c.bob.to_string();
    let mut ids = Vec::new();
    for i in 0..5 {
        let id = c
            .ok(
                &c.admin,
                "im.message.add",
                json!({"DIALOG_ID": bob, "MESSAGE": format!("m{i}")}),
            )
            .await;
        ids.push(id.as_i64().expect("id"));
    }
    let page = |body: Value| async { c.ok(&c.bob_hook, "im.dialog.messages.get", body).await };
    let got = |v: Value| {
        v["messages"]
            .as_array()
            .expect("list")
            .iter()
            .map(|m| m["id"].as_i64().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        got(page(json!({"DIALOG_ID": "1", "LIMIT": 2})).await),
        [ids[4], ids[3]]
    );
    assert_eq!(
        got(page(json!({"DIALOG_ID": "1", "LIMIT": 2, "LAST_ID": ids[3]})).await),
        [ids[2], ids[1]]
    );
    assert_eq!(
        got(page(json!({"DIALOG_ID": "1", "LIMIT": 2, "FIRST_ID": ids[1]})).await),
        [ids[3], ids[2]]
    );
    assert_eq!(
        got(page(json!({"DIALOG_ID": "1", "FIRST_ID": ids[4]})).await),
        Vec::<i64>::new()
    );
    assert_eq!(
        got(page(json!({"DIALOG_ID": "1", "LIMIT": 500})).await).len(),
        5,
        "LIMIT is capped, not refused"
    );

    let reply = c
        .call(
            &c.bob_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": "1", "FIRST_ID": "abc"}),
        )
        .await;
    assert_error(&reply, 400, "FIRST_ID_STRING", "First ID can't be string");
    let reply = c
        .call(
            &c.bob_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": "1", "LAST_ID": "x1"}),
        )
        .await;
    assert_error(&reply, 400, "LAST_ID_STRING", "Last ID can't be string");
    let reply = c
        .call(&c.bob_hook, "im.dialog.messages.get", json!({}))
        .await;
    assert_error(&reply, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
    for dialog in ["sg3", "chat999999", "999999", "nonsense"] {
        let reply = c
            .call(
                &c.bob_hook,
                "im.dialog.messages.get",
                json!({"DIALOG_ID": dialog}),
            )
            .await;
        assert_error(
            &reply,
            403,
            "ACCESS_ERROR",
            "You do not have access to the specified dialog",
        );
    }
}

#[tokio::test]
async fn adding_a_message_refuses_what_bitrix24_refuses() {
    let c = Chatters::start().await;
    let bob = c.bob.to_string();
    let cases = [
        (
            json!({"MESSAGE": "x"}),
            400,
            "PARAMS_ERROR",
            "Incorrect params",
        ),
        (
            json!({"DIALOG_ID": "abc", "MESSAGE": "x"}),
            400,
            "USER_ID_EMPTY",
            "User ID can't be empty",
        ),
        (
            json!({"DIALOG_ID": "999999", "MESSAGE": "x"}),
            400,
            "USER_NOT_FOUND",
            "User not found",
        ),
        (
            json!({"DIALOG_ID": "chat999999", "MESSAGE": "x"}),
            403,
            "ACCESS_ERROR",
            "Action unavailable",
        ),
        (
            json!({"DIALOG_ID": "sg1", "MESSAGE": "x"}),
            403,
            "ACCESS_ERROR",
            "Action unavailable",
        ),
        (
            json!({"DIALOG_ID": bob, "MESSAGE": "   "}),
            400,
            "MESSAGE_EMPTY",
            "Message can't be empty",
        ),
        (
            json!({"DIALOG_ID": bob, "MESSAGE": "x", "ATTACH": "{broken"}),
            400,
            "ATTACH_ERROR",
            "Incorrect attach params",
        ),
        (
            json!({"DIALOG_ID": bob, "MESSAGE": "x", "KEYBOARD": [{"TEXT": "x"}]}),
            400,
            "KEYBOARD_ERROR",
            "Incorrect keyboard params",
        ),
        (
            json!({"DIALOG_ID": bob, "MESSAGE": "x", "KEYBOARD": [{"TEXT": "x", "LINK": "javascript:alert(1)"}]}),
            400,
            "KEYBOARD_ERROR",
            "Incorrect keyboard params",
        ),
        (
            json!({"DIALOG_ID": bob, "MESSAGE": "x", "MENU": [{"TEXT": "x", "ACTION": "DIALOG", "ACTION_VALUE": "1"}]}),
            400,
            "MENU_ERROR",
            "Incorrect menu params",
        ),
        (
            json!({"DIALOG_ID": bob, "MESSAGE": "x", "KEYBOARD": [{"TEXT": "y".repeat(30_001), "COMMAND": "a"}]}),
            400,
            "KEYBOARD_OVERSIZE",
            "You have exceeded the maximum allowable size of keyboard",
        ),
    ];
    for (body, status, error, description) in cases {
        let reply = c.call(&c.admin, "im.message.add", body.clone()).await;
        assert_error(&reply, status, error, description);
    }
    // A reply to a message of another chat.
    let elsewhere = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": c.carol.to_string(), "MESSAGE": "to carol"}),
        )
        .await;
    let reply = c
        .call(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": bob, "MESSAGE": "x", "REPLY_ID": elsewhere}),
        )
        .await;
    assert_error(
        &reply,
        400,
        "REPLY_FROM_OTHER_CHAT_ERROR",
        "You can only reply to a message within the same chat",
    );
    assert!(
        c.messages(&c.bob_hook, "1").await.is_empty(),
        "nothing refused was written"
    );
    // Without the im scope there is no chat at all.
    let reply = c
        .call(
            &c.app.hook,
            "im.message.add",
            json!({"DIALOG_ID": bob, "MESSAGE": "x"}),
        )
        .await;
    assert_eq!(
        (reply.status, reply.json()["error"].clone()),
        (403, json!("insufficient_scope"))
    );
}

#[tokio::test]
async fn only_the_author_changes_a_message_for_three_days() {
    let c = Chatters::start().await;
    let bob = c.bob.to_string();
    let body =
        json!({"DIALOG_ID": bob, "MESSAGE": "draft", "KEYBOARD": [{"TEXT": "A", "COMMAND": "a"}]});
    let id = c.ok(&c.admin, "im.message.add", body).await;
    let reply = c
        .call(
            &c.bob_hook,
            "im.message.update",
            json!({"MESSAGE_ID": id, "MESSAGE": "hijack"}),
        )
        .await;
    assert_error(
        &reply,
        400,
        "CANT_EDIT_MESSAGE",
        "Time has expired for modification or you don't have access",
    );
    let reply = c
        .call(&c.admin, "im.message.update", json!({"MESSAGE": "x"}))
        .await;
    assert_error(&reply, 400, "MESSAGE_ID_ERROR", "Message ID can't be empty");
    assert_eq!(
        c.ok(
            &c.admin,
            "im.message.update",
            json!({"MESSAGE_ID": id, "MESSAGE": "final", "KEYBOARD": "N"})
        )
        .await,
        json!(true)
    );
    let message = c.messages(&c.bob_hook, "1").await[0].clone();
    assert_eq!(
        (message["text"].clone(), message["params"].clone()),
        (json!("final"), json!({"IS_EDITED": "Y"}))
    );

    // An empty MESSAGE deletes it, as Bitrix24 does.
    assert_eq!(
        c.ok(
            &c.admin,
            "im.message.update",
            json!({"MESSAGE_ID": id, "MESSAGE": ""})
        )
        .await,
        json!(true)
    );
    let message = c.messages(&c.bob_hook, "1").await[0].clone();
    assert_eq!(
        (message["text"].clone(), message["params"].clone()),
        (json!(""), json!({"IS_DELETED": "Y"}))
    );
    let reply = c
        .call(&c.admin, "im.message.delete", json!({"MESSAGE_ID": id}))
        .await;
    assert_error(
        &reply,
        400,
        "CANT_EDIT_MESSAGE",
        "Time has expired for modification or you don't have access",
    );

    // Three days later the author may no longer change nor delete it.
    let old = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": bob, "MESSAGE": "old"}),
        )
        .await;
    let reply = c
        .call(&c.bob_hook, "im.message.delete", json!({"MESSAGE_ID": old}))
        .await;
    assert_error(
        &reply,
        400,
        "CANT_EDIT_MESSAGE",
        "Time has expired for modification or you don't have access",
    );
    c.clock.set_shift_ms((3 * 86_400 + 60) * 1000);
    for method in ["im.message.update", "im.message.delete"] {
        let reply = c
            .call(
                &c.admin,
                method,
                json!({"MESSAGE_ID": old, "MESSAGE": "late"}),
            )
            .await;
        assert_error(
            &reply,
            400,
            "CANT_EDIT_MESSAGE",
            "Time has expired for modification or you don't have access",
        );
    }
    c.clock.set_shift_ms(0);
    assert_eq!(
        c.ok(&c.admin, "im.message.delete", json!({"MESSAGE_ID": old}))
            .await,
        json!(true)
    );
    assert_eq!(
        c.messages(&c.bob_hook, "1").await[0]["params"],
        json!({"IS_DELETED": "Y"})
    );
}

#[tokio::test]
async fn the_owner_of_a_chat_deletes_any_of_its_messages() {
    let c = Chatters::start().await;
    let chat = c
        .ok(&c.admin, "im.chat.add", json!({"USERS": [c.bob]}))
        .await;
    let dialog = format!("chat{}", chat.as_i64().expect("chat id"));
    let bobs = c
        .ok(
            &c.bob_hook,
            "im.message.add",
            json!({"DIALOG_ID": dialog, "MESSAGE": "spam"}),
        )
        .await;
    let admins = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": dialog, "MESSAGE": "rules"}),
        )
        .await;
    let reply = c
        .call(
            &c.bob_hook,
            "im.message.delete",
            json!({"MESSAGE_ID": admins}),
        )
        .await;
    assert_error(
        &reply,
        400,
        "CANT_EDIT_MESSAGE",
        "Time has expired for modification or you don't have access",
    );
    let reply = c
        .call(
            &c.admin,
            "im.message.update",
            json!({"MESSAGE_ID": bobs, "MESSAGE": "edited"}),
        )
        .await;
    assert_error(
        &reply,
        400,
        "CANT_EDIT_MESSAGE",
        "Time has expired for modification or you don't have access",
    );
    assert_eq!(
        c.ok(&c.admin, "im.message.delete", json!({"MESSAGE_ID": bobs}))
            .await,
        json!(true)
    );
    let list = c.messages(&c.bob_hook, &dialog).await;
    let deleted = list.iter().find(|m| m["id"] == bobs).expect("stub stays");
    assert_eq!(deleted["params"], json!({"IS_DELETED": "Y"}));
}
