//! Group chats: `im.chat.add` (members, title, first message, binding),
//! `im.chat.get`, `im.chat.user.add/list/delete`, `im.chat.leave`,
//! `im.chat.updateTitle`, `im.dialog.get`; the system messages of each
//! change; a closed chat hidden from non-members, an open one readable and
//! joinable by anyone, and a hidden history.

use serde_json::{json, Value};

use super::Chatters;
use crate::common::assert_error;

fn texts(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_closed_chat_is_its_members_alone() {
    let c = Chatters::start().await;
    let body = json!({"USERS": [c.bob, 999_999], "TITLE": "Launch", "DESCRIPTION": "Q3", "COLOR": "mint",
                      "MESSAGE": "Welcome!", "AVATAR": "ignored"});
    let id = c
        .ok(&c.admin, "im.chat.add", body)
        .await
        .as_i64()
        .expect("chat id");
    let dialog = format!("chat{id}");
    assert_eq!(
        c.ok(&c.admin, "im.chat.user.list", json!({"CHAT_ID": id}))
            .await,
        json!([1, c.bob])
    );
    assert_eq!(
        c.ok(&c.carol_hook, "im.chat.user.list", json!({"CHAT_ID": id}))
            .await,
        json!([])
    );

    let list = c.messages(&c.bob_hook, &dialog).await;
    assert_eq!(
        texts(&list),
        ["Welcome!", &format!("[USER=1 REPLACE]admin name admin last[/USER] invited [USER={} REPLACE]bob name bob last[/USER] to the chat", c.bob)]
    );
    assert_eq!(
        list[1]["params"],
        json!({"CODE": ["CHAT_JOIN"], "NOTIFY": "N"})
    );
    assert_eq!(
        (list[1]["author_id"].clone(), list[1]["uuid"].clone()),
        (json!(0), Value::Null)
    );

    let got = c
        .ok(&c.bob_hook, "im.dialog.get", json!({"DIALOG_ID": dialog}))
        .await;
    assert_eq!(
        (
            got["id"].as_i64(),
            got["name"].clone(),
            got["description"].clone(),
            got["owner"].clone(),
            got["color"].clone(),
            got["type"].clone(),
            got["message_type"].clone(),
            got["role"].clone(),
            got["user_counter"].clone(),
            got["message_count"].clone(),
            got["counter"].clone(),
            got["dialog_id"].clone()
        ),
        (
            Some(id),
            json!("Launch"),
            json!("Q3"),
            json!(1),
            json!("#4ba984"),
            json!("chat"),
            json!("C"),
            json!("member"),
            json!(2),
            json!(2),
            json!(2),
            json!(dialog)
        )
    );
    assert_eq!(
        c.ok(&c.admin, "im.dialog.get", json!({"DIALOG_ID": dialog}))
            .await["role"],
        "owner"
    );

    // Carol, no member, sees nothing and changes nothing.
    let no_access = "You do not have access to the specified dialog";
    for method in ["im.dialog.get", "im.dialog.messages.get", "im.dialog.read"] {
        let reply = c
            .call(&c.carol_hook, method, json!({"DIALOG_ID": dialog}))
            .await;
        assert_error(&reply, 403, "ACCESS_ERROR", no_access);
    }
    let reply = c
        .call(
            &c.carol_hook,
            "im.message.add",
            json!({"DIALOG_ID": dialog, "MESSAGE": "let me in"}),
        )
        .await;
    assert_error(&reply, 403, "ACCESS_ERROR", "Action unavailable");
    let reply = c
        .call(
            &c.carol_hook,
            "im.chat.user.add",
            json!({"CHAT_ID": id, "USERS": [c.carol]}),
        )
        .await;
    assert_error(
        &reply,
        403,
        "ACCESS_ERROR",
        "It is forbidden to add users to this chat",
    );
    let reply = c
        .call(
            &c.carol_hook,
            "im.chat.updateTitle",
            json!({"CHAT_ID": id, "TITLE": "Mine"}),
        )
        .await;
    assert_error(&reply, 403, "ACCESS_ERROR", "Action unavailable");
    let reply = c
        .call(&c.carol_hook, "im.chat.leave", json!({"CHAT_ID": id}))
        .await;
    assert_error(&reply, 403, "ACCESS_ERROR", "Action unavailable");
    assert_eq!(
        c.messages(&c.bob_hook, &dialog).await.len(),
        2,
        "nothing was written"
    );
}

#[tokio::test]
async fn members_join_with_a_hidden_history_and_leave() {
    let c = Chatters::start().await;
    let id = c
        .ok(
            &c.admin,
            "im.chat.add",
            json!({"USERS": [c.bob], "TITLE": "Team"}),
        )
        .await;
    let dialog = format!("chat{}", id.as_i64().expect("id"));
    c.ok(
        &c.bob_hook,
        "im.message.add",
        json!({"DIALOG_ID": dialog, "MESSAGE": "before Carol"}),
    )
    .await;

    // Bob (a member) adds Carol; by default she does not see what came before.
    assert_eq!(
        c.ok(
            &c.bob_hook,
            "im.chat.user.add",
            json!({"CHAT_ID": id, "USERS": [c.carol]})
        )
        .await,
        json!(true)
    );
    let seen = texts(&c.messages(&c.carol_hook, &dialog).await);
    assert_eq!(seen, [format!("[USER={} REPLACE]bob name bob last[/USER] invited [USER={} REPLACE]carol name carol last[/USER] to the chat", c.bob, c.carol)]);
    // Adding her again changes nothing; an unknown user is skipped.
    c.ok(
        &c.bob_hook,
        "im.chat.user.add",
        json!({"CHAT_ID": id, "USERS": [c.carol, 999_999]}),
    )
    .await;
    assert_eq!(c.messages(&c.carol_hook, &dialog).await.len(), 1);

    // Only the owner removes others; anyone may leave.
    let reply = c
        .call(
            &c.bob_hook,
            "im.chat.user.delete",
            json!({"CHAT_ID": id, "USER_ID": c.carol}),
        )
        .await;
    assert_error(
        &reply,
        403,
        "ACCESS_DENIED_KICK",
        "You cannot remove this user from the chat",
    );
    assert_eq!(
        c.ok(
            &c.admin,
            "im.chat.user.delete",
            json!({"CHAT_ID": id, "USER_ID": c.carol})
        )
        .await,
        json!(true)
    );
    let reply = c
        .call(
            &c.admin,
            "im.chat.user.delete",
            json!({"CHAT_ID": id, "USER_ID": c.carol}),
        )
        .await;
    assert_error(
        &reply,
        400,
        "USER_NOT_FOUND",
        "The specified user is not in the chat",
    );
    let reply = c
        .call(
            &c.carol_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": dialog}),
        )
        .await;
    assert_eq!(reply.status, 403, "a removed member reads no more");
    assert_eq!(
        c.ok(&c.bob_hook, "im.chat.leave", json!({"CHAT_ID": id}))
            .await,
        json!(true)
    );
    assert_eq!(
        c.ok(&c.admin, "im.chat.user.list", json!({"CHAT_ID": id}))
            .await,
        json!([1])
    );
    let seen = texts(&c.messages(&c.admin, &dialog).await);
    assert_eq!(
        seen[0],
        format!(
            "[USER={} REPLACE]bob name bob last[/USER] left the chat",
            c.bob
        )
    );
    assert_eq!(seen[1], format!("[USER=1 REPLACE]admin name admin last[/USER] removed [USER={} REPLACE]carol name carol last[/USER] from the chat", c.carol));

    // Without hiding the history, a new member reads it all.
    c.ok(
        &c.admin,
        "im.chat.user.add",
        json!({"CHAT_ID": id, "USERS": [c.carol], "HIDE_HISTORY": "N"}),
    )
    .await;
    assert!(texts(&c.messages(&c.carol_hook, &dialog).await).contains(&"before Carol".to_owned()));

    // Renaming.
    assert_eq!(
        c.ok(
            &c.carol_hook,
            "im.chat.updateTitle",
            json!({"CHAT_ID": id, "TITLE": "Renamed"})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        c.ok(&c.admin, "im.dialog.get", json!({"DIALOG_ID": dialog}))
            .await["name"],
        "Renamed"
    );
    assert_eq!(
        texts(&c.messages(&c.admin, &dialog).await)[0],
        format!(
            "[USER={} REPLACE]carol name carol last[/USER] changed the chat name to \"Renamed\"",
            c.carol
        )
    );

    let errors = [
        (
            "im.chat.user.add",
            json!({"USERS": [2]}),
            400,
            "CHAT_ID_EMPTY",
            "Chat ID can't be empty",
        ),
        (
            "im.chat.user.add",
            json!({"CHAT_ID": id}),
            400,
            "USER_ID_EMPTY",
            "User ID can't be empty",
        ),
        (
            "im.chat.user.delete",
            json!({"CHAT_ID": id}),
            400,
            "USER_ID_EMPTY",
            "User ID can't be empty",
        ),
        (
            "im.chat.user.list",
            json!({}),
            400,
            "CHAT_ID_EMPTY",
            "Chat ID can't be empty",
        ),
        (
            "im.chat.leave",
            json!({"CHAT_ID": 0}),
            400,
            "CHAT_ID_EMPTY",
            "Chat ID can't be empty",
        ),
        (
            "im.chat.updateTitle",
            json!({"CHAT_ID": id, "TITLE": " "}),
            400,
            "TITLE_EMPTY",
            "Title can't be empty",
        ),
    ];
    for (method, body, status, error, description) in errors {
        let reply = c.call(&c.admin, method, body).await;
        assert_error(&reply, status, error, description);
    }
}

#[tokio::test]
async fn anyone_reads_and_joins_an_open_chat() {
    let c = Chatters::start().await;
    let id = c
        .ok(
            &c.admin,
            "im.chat.add",
            json!({"TYPE": "OPEN", "TITLE": "Announcements", "MESSAGE": "Hello all"}),
        )
        .await;
    let id = id.as_i64().expect("id");
    let dialog = format!("chat{id}");
    assert_eq!(
        texts(&c.messages(&c.carol_hook, &dialog).await)[0],
        "Hello all"
    );
    let got = c
        .ok(&c.carol_hook, "im.dialog.get", json!({"DIALOG_ID": dialog}))
        .await;
    assert_eq!(
        (
            got["type"].clone(),
            got["role"].clone(),
            got["restrictions"]["send"].clone()
        ),
        (json!("open"), json!("guest"), json!(false))
    );
    let reply = c
        .call(
            &c.carol_hook,
            "im.message.add",
            json!({"DIALOG_ID": dialog, "MESSAGE": "me too"}),
        )
        .await;
    assert_error(&reply, 403, "ACCESS_ERROR", "Action unavailable");
    // A visitor joins themself only.
    let reply = c
        .call(
            &c.carol_hook,
            "im.chat.user.add",
            json!({"CHAT_ID": id, "USERS": [c.bob]}),
        )
        .await;
    assert_error(
        &reply,
        403,
        "ACCESS_ERROR",
        "It is forbidden to add users to this chat",
    );
    c.ok(
        &c.carol_hook,
        "im.chat.user.add",
        json!({"CHAT_ID": id, "USERS": [c.carol]}),
    )
    .await;
    c.ok(
        &c.carol_hook,
        "im.message.add",
        json!({"DIALOG_ID": dialog, "MESSAGE": "me too"}),
    )
    .await;
    let seen = texts(&c.messages(&c.admin, &dialog).await);
    assert_eq!(
        seen[..2],
        [
            "me too".to_owned(),
            format!(
                "[USER={} REPLACE]carol name carol last[/USER] joined the chat",
                c.carol
            )
        ]
    );
}

#[tokio::test]
async fn a_chat_is_found_by_its_binding_and_private_dialogs_take_no_members() {
    let c = Chatters::start().await;
    let body = json!({"USERS": [c.bob], "ENTITY_TYPE": "CRM", "ENTITY_ID": "DEAL|5"});
    let id = c.ok(&c.admin, "im.chat.add", body).await;
    let found = c
        .ok(
            &c.bob_hook,
            "im.chat.get",
            json!({"ENTITY_TYPE": "CRM", "ENTITY_ID": "DEAL|5"}),
        )
        .await;
    assert_eq!(found, json!({"ID": id}));
    for (hook, body) in [
        (
            &c.carol_hook,
            json!({"ENTITY_TYPE": "CRM", "ENTITY_ID": "DEAL|5"}),
        ),
        (
            &c.bob_hook,
            json!({"ENTITY_TYPE": "CRM", "ENTITY_ID": "DEAL|6"}),
        ),
        (&c.bob_hook, json!({"ENTITY_TYPE": "CRM"})),
    ] {
        assert_eq!(c.ok(hook, "im.chat.get", body).await, Value::Null);
    }
    let got = c
        .ok(
            &c.bob_hook,
            "im.dialog.get",
            json!({"DIALOG_ID": format!("chat{id}")}),
        )
        .await;
    assert_eq!(
        (got["entity_type"].clone(), got["entity_id"].clone()),
        (json!("CRM"), json!("DEAL|5"))
    );
    // A default title names the colour and a number.
    let title = got["name"].as_str().expect("title");
    assert!(title.ends_with("chat №1"), "{title}");

    // The 1:1 dialog: the other user is its name; nobody joins it.
    c.ok(
        &c.admin,
        "im.message.add",
        json!({"DIALOG_ID": c.bob.to_string(), "MESSAGE": "hi"}),
    )
    .await;
    let got = c
        .ok(
            &c.admin,
            "im.dialog.get",
            json!({"DIALOG_ID": c.bob.to_string()}),
        )
        .await;
    assert_eq!(
        (
            got["name"].clone(),
            got["type"].clone(),
            got["message_type"].clone(),
            got["dialog_id"].clone()
        ),
        (
            json!("bob name bob last"),
            json!("private"),
            json!("P"),
            json!(c.bob.to_string())
        )
    );
    let private = got["id"].as_i64().expect("chat id");
    let reply = c
        .call(
            &c.admin,
            "im.chat.user.add",
            json!({"CHAT_ID": private, "USERS": [c.carol]}),
        )
        .await;
    assert_error(
        &reply,
        403,
        "ACCESS_ERROR",
        "It is forbidden to add users to this chat",
    );
    let reply = c
        .call(&c.admin, "im.chat.leave", json!({"CHAT_ID": private}))
        .await;
    assert_error(&reply, 403, "ACCESS_ERROR", "Action unavailable");
    let reply = c.call(&c.admin, "im.dialog.get", json!({})).await;
    assert_error(&reply, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
}
