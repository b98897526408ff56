//! Bots in chats over HTTP: an employee's messages, typed commands and
//! pressed keyboard buttons raise the bot's events (to its handlers only);
//! the bot answers only where it may (its dialogs, its messages) and only
//! through its owner; the 2.0 forms of the same.

use serde_json::{json, Value};

use super::{bot_app, classic, v2_fields, with_client};
use crate::app_events::{call as app_call, ok as app_ok, queued, token};
use crate::common::{assert_error, TestApp};

/// `(event code, handler URL)` of every due delivery, and their data by code.
async fn due(app: &TestApp) -> (Vec<(String, String)>, Vec<Value>) {
    let all = queued(app).await;
    let codes = all.iter().map(|(c, u, _)| (c.clone(), u.clone())).collect();
    (codes, all.into_iter().map(|(_, _, d)| d).collect())
}

#[tokio::test]
async fn a_bot_answers_in_its_dialogs_only_through_its_owner() {
    let app = TestApp::start().await;
    let im = app.webhook(1, &["im"], None).await;
    let hook = app.webhook(1, &["imbot"], None).await;
    let other_hook = app.webhook(1, &["imbot"], None).await;
    let bob = app.add_user("bob", false).await;
    let bob_im = app.webhook(bob, &["im"], None).await;
    let url = "https://bot.example.com/h";
    let r = app
        .call_on(
            &hook,
            "imbot.register",
            with_client(classic("echo", url), "cid"),
        )
        .await;
    let bot = r.json()["result"].as_i64().expect("bot");

    let first = app
        .call_on(
            &im,
            "im.message.add",
            json!({"DIALOG_ID": bot, "MESSAGE": "Hello"}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let (codes, data) = due(&app).await;
    assert_eq!(
        codes,
        [
            ("ONIMBOTJOINCHAT".to_owned(), url.to_owned()),
            ("ONIMBOTMESSAGEADD".to_owned(), url.to_owned())
        ]
    );
    let params = &data[1]["PARAMS"];
    assert_eq!(
        (params["MESSAGE"].clone(), params["DIALOG_ID"].clone()),
        (json!("Hello"), json!("1"))
    );
    assert_eq!(data[1]["BOT"][bot.to_string()]["client_id"], "cid");

    let answer = json!({"BOT_ID": bot, "CLIENT_ID": "cid", "DIALOG_ID": "1", "MESSAGE": "Hi!"});
    let r = app
        .call_on(&hook, "imbot.message.add", answer.clone())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let answered = r.json()["result"].as_i64().expect("id");
    assert!(
        due(&app).await.0.is_empty(),
        "a bot's own message raises nothing for it"
    );
    let mut stranger = answer.clone();
    stranger["CLIENT_ID"] = json!("other");
    let r = app.call_on(&hook, "imbot.message.add", stranger).await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Bot was installed by another REST application",
    );
    let r = app
        .call_on(&other_hook, "imbot.message.add", answer.clone())
        .await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Bot was installed by another REST application",
    );
    let mut no_dialog = answer.clone();
    no_dialog["DIALOG_ID"] = json!("");
    let r = app.call_on(&hook, "imbot.message.add", no_dialog).await;
    assert_error(&r, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");

    // Not in a chat: no posting there.
    let chat = app
        .call_on(
            &bob_im,
            "im.chat.add",
            json!({"TITLE": "Private", "USERS": [1]}),
        )
        .await
        .json()["result"]
        .as_i64()
        .expect("chat");
    let mut elsewhere = answer.clone();
    elsewhere["DIALOG_ID"] = json!(format!("chat{chat}"));
    let r = app.call_on(&hook, "imbot.message.add", elsewhere).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (403, json!("ACCESS_ERROR")),
        "{}",
        r.text
    );

    // Its own messages only.
    let r = app
        .call_on(&hook, "imbot.message.update", json!({"BOT_ID": bot, "CLIENT_ID": "cid", "MESSAGE_ID": answered, "MESSAGE": "Hi again"}))
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);
    let employee_message = first.json()["result"].clone();
    let r = app
        .call_on(&hook, "imbot.message.update", json!({"BOT_ID": bot, "CLIENT_ID": "cid", "MESSAGE_ID": employee_message, "MESSAGE": "x"}))
        .await;
    assert_eq!(r.json()["error"], "CANT_EDIT_MESSAGE", "{}", r.text);
    let r = app
        .call_on(
            &hook,
            "imbot.chat.sendTyping",
            json!({"BOT_ID": bot, "CLIENT_ID": "cid"}),
        )
        .await;
    assert_error(&r, 400, "DIALOG_ID_EMPTY", "Dialog ID can't be empty");
    let r = app
        .call_on(
            &hook,
            "imbot.chat.sendTyping",
            json!({"BOT_ID": bot, "CLIENT_ID": "cid", "DIALOG_ID": "1"}),
        )
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);
    let dialog = app
        .call_on(
            &hook,
            "imbot.dialog.get",
            json!({"BOT_ID": bot, "CLIENT_ID": "cid", "DIALOG_ID": "1"}),
        )
        .await;
    assert_eq!(
        dialog.json()["result"]["type"],
        "private",
        "{}",
        dialog.text
    );
    let r = app
        .call_on(
            &hook,
            "imbot.message.delete",
            json!({"BOT_ID": bot, "CLIENT_ID": "cid", "MESSAGE_ID": answered}),
        )
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);

    // Edits reach the bot once it bound the handler.
    app.call_on(
        &im,
        "im.message.update",
        json!({"MESSAGE_ID": employee_message, "MESSAGE": "Hello?"}),
    )
    .await;
    assert!(
        due(&app).await.0.is_empty(),
        "EVENT_MESSAGE_UPDATE is not bound"
    );
    let fields = json!({"EVENT_MESSAGE_UPDATE": "https://bot.example.com/upd"});
    app.call_on(
        &hook,
        "imbot.update",
        json!({"BOT_ID": bot, "CLIENT_ID": "cid", "FIELDS": fields}),
    )
    .await;
    app.call_on(
        &im,
        "im.message.update",
        json!({"MESSAGE_ID": employee_message, "MESSAGE": "Hello!"}),
    )
    .await;
    let (codes, data) = due(&app).await;
    assert_eq!(
        codes,
        [(
            "ONIMBOTMESSAGEUPDATE".to_owned(),
            "https://bot.example.com/upd".to_owned()
        )]
    );
    assert_eq!(data[0]["PARAMS"]["MESSAGE"], "Hello!");
}

#[tokio::test]
async fn commands_typed_or_pressed_reach_their_bot_and_are_answered() {
    let app = TestApp::start().await;
    let im = app.webhook(1, &["im"], None).await;
    let creds = bot_app(&app, "Commands").await;
    let admin = token(&app, creds.id, 1).await;
    let url = "https://cmd.example.com/h";
    let bot = app_ok(&app, &admin, "imbot.register", classic("cmd", url)).await;
    let bot_id = bot.as_i64().expect("bot");
    let command = app_ok(
        &app,
        &admin,
        "imbot.command.register",
        json!({"BOT_ID": bot, "COMMAND": "help", "EVENT_COMMAND_ADD": "https://cmd.example.com/cmd",
               "LANG": [{"LANGUAGE_ID": "en", "TITLE": "Help"}]}),
    )
    .await;

    let typed = app
        .call_on(
            &im,
            "im.message.add",
            json!({"DIALOG_ID": bot, "MESSAGE": "/help me"}),
        )
        .await
        .json()["result"]
        .clone();
    let (codes, data) = due(&app).await;
    assert_eq!(
        codes[1],
        (
            "ONIMCOMMANDADD".to_owned(),
            "https://cmd.example.com/cmd".to_owned()
        )
    );
    let block = &data[1]["COMMAND"][command.to_string()];
    assert_eq!(block["COMMAND"], "help");
    assert_eq!(block["COMMAND_PARAMS"], "me");
    assert_eq!(block["COMMAND_CONTEXT"], "TEXTAREA");
    assert_eq!(block["MESSAGE_ID"], typed.to_string());

    // The bot answers the command where it was typed.
    let answered = app_ok(
        &app,
        &admin,
        "imbot.command.answer",
        json!({"COMMAND_ID": command, "MESSAGE_ID": typed, "MESSAGE": "Here is help",
               "KEYBOARD": [{"TEXT": "More", "COMMAND": "help", "COMMAND_PARAMS": "more"}]}),
    )
    .await;
    let r = app_call(
        &app,
        &admin,
        "imbot.command.answer",
        json!({"COMMAND_ID": command, "MESSAGE": "x"}),
    )
    .await;
    assert_error(&r, 400, "MESSAGE_ID_EMPTY", "Message ID can't be empty");
    let r = app_call(
        &app,
        &admin,
        "imbot.command.answer",
        json!({"COMMAND_ID": 999, "MESSAGE_ID": typed, "MESSAGE": "x"}),
    )
    .await;
    assert_error(&r, 400, "COMMAND_ID_ERROR", "Command not found");
    let messages = app
        .call_on(&im, "im.dialog.messages.get", json!({"DIALOG_ID": bot}))
        .await
        .json()["result"]["messages"]
        .clone();
    assert_eq!(messages[0]["id"], answered);
    assert_eq!(messages[0]["author_id"], bot);
    assert_eq!(messages[0]["params"]["KEYBOARD"]["BOT_ID"], bot);

    // Its keyboard button, pressed, is the command in the KEYBOARD context.
    let pressed = app
        .call_on(
            &im,
            "im.message.command",
            json!({"MESSAGE_ID": answered, "COMMAND": "help", "COMMAND_PARAMS": "more"}),
        )
        .await;
    assert_eq!(pressed.json()["result"], json!(true), "{}", pressed.text);
    let (codes, data) = due(&app).await;
    assert_eq!(
        codes,
        [(
            "ONIMCOMMANDADD".to_owned(),
            "https://cmd.example.com/cmd".to_owned()
        )]
    );
    let block = &data[0]["COMMAND"][command.to_string()];
    assert_eq!(block["COMMAND_CONTEXT"], "KEYBOARD");
    assert_eq!(block["COMMAND_PARAMS"], "more");
    assert_eq!(data[0]["PARAMS"]["COMMAND_CONTEXT"], "KEYBOARD");
    let bob = app.add_user("bob", false).await;
    let bob_im = app.webhook(bob, &["im"], None).await;
    let r = app
        .call_on(
            &bob_im,
            "im.message.command",
            json!({"MESSAGE_ID": answered, "COMMAND": "help"}),
        )
        .await;
    assert_eq!(r.status, 403, "not a member of the dialog: {}", r.text);

    // In a group chat a standard bot hears only its mentions.
    let chat = app
        .call_on(
            &im,
            "im.chat.add",
            json!({"TITLE": "Team", "USERS": [bob, bot_id]}),
        )
        .await
        .json()["result"]
        .as_i64()
        .expect("chat");
    let (codes, _) = due(&app).await;
    assert_eq!(codes, [("ONIMBOTJOINCHAT".to_owned(), url.to_owned())]);
    let dialog = format!("chat{chat}");
    app.call_on(
        &im,
        "im.message.add",
        json!({"DIALOG_ID": dialog, "MESSAGE": "hi all"}),
    )
    .await;
    assert!(due(&app).await.0.is_empty());
    let mention = format!("[USER={bot_id}]cmd[/USER] , are you there?");
    app.call_on(
        &im,
        "im.message.add",
        json!({"DIALOG_ID": dialog, "MESSAGE": mention}),
    )
    .await;
    let (codes, data) = due(&app).await;
    assert_eq!(codes, [("ONIMBOTMESSAGEADD".to_owned(), url.to_owned())]);
    assert_eq!(data[0]["PARAMS"]["MESSAGE"], ", are you there?");
    assert_eq!(data[0]["PARAMS"]["MESSAGE_ORIGINAL"], mention);
    assert_eq!(data[0]["PARAMS"]["DIALOG_ID"], dialog);
}

#[tokio::test]
async fn a_v2_bot_sends_changes_and_answers_through_its_token() {
    let app = TestApp::start().await;
    let im = app.webhook(1, &["im"], None).await;
    let hook = app.webhook(1, &["imbot"], None).await;
    let mut fields = v2_fields("support", "tok");
    fields["fields"]["eventMode"] = json!("webhook");
    fields["fields"]["webhookUrl"] = json!("https://v2.example.com/h");
    let r = app.call_on(&hook, "imbot.v2.Bot.register", fields).await;
    let bot = r.json()["result"]["bot"]["id"].as_i64().expect("bot");
    let auth = |extra: Value| {
        let mut body = json!({"botId": bot, "botToken": "tok"});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    let hello = app
        .call_on(
            &im,
            "im.message.add",
            json!({"DIALOG_ID": bot, "MESSAGE": "/start"}),
        )
        .await
        .json()["result"]
        .clone();
    let (codes, data) = due(&app).await;
    assert_eq!(
        codes,
        [
            (
                "ONIMBOTV2JOINCHAT".to_owned(),
                "https://v2.example.com/h".to_owned()
            ),
            (
                "ONIMBOTV2MESSAGEADD".to_owned(),
                "https://v2.example.com/h".to_owned()
            )
        ]
    );
    assert_eq!(data[1]["message"]["text"], "/start");
    assert_eq!(data[1]["chat"]["dialogId"], "1");
    assert_eq!(data[1]["bot"], json!({"id": bot, "code": "support"}));

    let sent = app
        .call_on(
            &hook,
            "imbot.v2.Chat.Message.send",
            auth(json!({"dialogId": "1", "fields": {"message": "Welcome"}})),
        )
        .await;
    let id = sent.json()["result"]["id"].as_i64().expect("id");
    assert_eq!(sent.json()["result"]["uuidMap"], json!({}));
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Chat.Message.send",
            auth(json!({"dialogId": "1", "fields": {}})),
        )
        .await;
    assert_eq!(r.json()["error"], "EMPTY_MESSAGE", "{}", r.text);
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Chat.Message.send",
            json!({"botId": bot, "botToken": "bad", "dialogId": "1", "fields": {"message": "x"}}),
        )
        .await;
    assert_error(
        &r,
        403,
        "BOT_OWNERSHIP_ERROR",
        "Bot is registered by another application",
    );
    let bob = app.add_user("bob", false).await;
    let bob_im = app.webhook(bob, &["im"], None).await;
    let chat = app
        .call_on(&bob_im, "im.chat.add", json!({"TITLE": "Closed"}))
        .await
        .json()["result"]
        .as_i64()
        .expect("chat");
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Chat.Message.send",
            auth(json!({"dialogId": format!("chat{chat}"), "fields": {"message": "x"}})),
        )
        .await;
    assert_error(&r, 403, "ACCESS_DENIED", "Access denied");
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Chat.Message.update",
            auth(json!({"messageId": hello, "fields": {"message": "x"}})),
        )
        .await;
    assert_error(&r, 403, "ACCESS_DENIED", "Access denied");
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Chat.Message.update",
            auth(json!({"messageId": id, "fields": {"message": "Welcome!"}})),
        )
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);
    let typing = app
        .call_on(
            &hook,
            "imbot.v2.Chat.InputAction.notify",
            auth(json!({"dialogId": "1"})),
        )
        .await;
    assert_eq!(typing.json()["result"], json!(true), "{}", typing.text);
    let got = app
        .call_on(&hook, "imbot.v2.Chat.get", auth(json!({"dialogId": "1"})))
        .await;
    assert_eq!(
        got.json()["result"]["chat"]["messageType"],
        "P",
        "{}",
        got.text
    );

    let command = app
        .call_on(
            &hook,
            "imbot.v2.Command.register",
            auth(json!({"fields": {"command": "start", "title": "Start"}})),
        )
        .await
        .json()["result"]["command"]["id"]
        .clone();
    let answered = app
        .call_on(&hook, "imbot.v2.Command.answer", auth(json!({"commandId": command, "messageId": hello, "dialogId": "1", "fields": {"message": "Started"}})))
        .await;
    assert_eq!(answered.json()["result"], json!(true), "{}", answered.text);
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Chat.Message.delete",
            auth(json!({"messageId": id})),
        )
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);
    let texts: Vec<Value> = app
        .call_on(&im, "im.dialog.messages.get", json!({"DIALOG_ID": bot}))
        .await
        .json()["result"]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(texts[0], "Started");
    app.call_on(
        &im,
        "im.message.add",
        json!({"DIALOG_ID": bot, "MESSAGE": "/start now"}),
    )
    .await;
    let (codes, data) = due(&app).await;
    assert_eq!(
        codes,
        [(
            "ONIMBOTV2COMMANDADD".to_owned(),
            "https://v2.example.com/h".to_owned()
        )]
    );
    assert_eq!(data[0]["command"]["command"], "/start");
    assert_eq!(data[0]["command"]["params"], "now");
}

#[tokio::test]
async fn a_bot_makes_a_group_chat_lists_its_members_and_leaves_it() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["imbot"], None).await;
    let bob = app.add_user("bob", false).await;
    let r = app
        .call_on(
            &hook,
            "imbot.register",
            with_client(classic("host", "https://host.example.com/h"), "cid"),
        )
        .await;
    let bot = r.json()["result"].as_i64().expect("bot");
    let as_bot = |extra: Value| {
        let mut body = json!({"BOT_ID": bot, "CLIENT_ID": "cid"});
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    let chat = app
        .call_on(
            &hook,
            "imbot.chat.add",
            as_bot(json!({"TITLE": "Bot room", "USERS": [1]})),
        )
        .await;
    let chat = chat.json()["result"].as_i64().expect("chat id");
    let members = app
        .call_on(
            &hook,
            "imbot.chat.user.list",
            as_bot(json!({"CHAT_ID": chat})),
        )
        .await;
    assert_eq!(
        members.json()["result"],
        json!([1, bot]),
        "{}",
        members.text
    );
    let added = app
        .call_on(
            &hook,
            "imbot.chat.user.add",
            as_bot(json!({"CHAT_ID": chat, "USERS": [bob]})),
        )
        .await;
    assert_eq!(added.json()["result"], json!(true), "{}", added.text);
    let r = app
        .call_on(
            &hook,
            "imbot.chat.user.list",
            json!({"BOT_ID": bot, "CLIENT_ID": "other", "CHAT_ID": chat}),
        )
        .await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Bot was installed by another REST application",
    );
    let left = app
        .call_on(&hook, "imbot.chat.leave", as_bot(json!({"CHAT_ID": chat})))
        .await;
    assert_eq!(left.json()["result"], json!(true), "{}", left.text);
    let r = app
        .call_on(
            &hook,
            "imbot.message.add",
            as_bot(json!({"DIALOG_ID": format!("chat{chat}"), "MESSAGE": "back?"})),
        )
        .await;
    assert_eq!(r.status, 403, "a bot that left cannot post: {}", r.text);
}
