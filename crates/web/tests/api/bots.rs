//! Chat bots over REST (`imbot.*`, `imbot.v2.*`): registration through a
//! webhook (with CLIENT_ID / botToken) and through an application, the
//! refusals of Bitrix24 (no CLIENT_ID, missing handlers, bad URLs, limits,
//! another owner acting on the bot), commands, the 2.0 fetch queue with its
//! offset acknowledgement, and the deletion event going to the bot's own
//! handler only.

use portico_methods::apps::{create, AppDraft, Credentials};
use portico_store::bots::{BotEventOut, V2_MESSAGE_ADD};
use portico_store::EventStamp;
use serde_json::{json, Value};

use crate::app_events::{call as app_call, ok as app_ok, queued, token};

mod chats;
use crate::common::{assert_error, TestApp};

/// An installed application with scope `imbot`.
async fn bot_app(app: &TestApp, name: &str) -> Credentials {
    let draft = AppDraft {
        name: name.into(),
        handler_url: "https://app.example.com/handler".into(),
        install_url: None,
        script_only: true,
        menu_texts: vec![("en".into(), name.into())],
        scopes: vec!["imbot".into()],
    };
    let creds = create(app.store.as_ref(), &app.secrets, draft, 1, 1_700_000_000)
        .await
        .expect("create app");
    assert!(app
        .store
        .install_app(creds.id, 1_700_000_000, None)
        .await
        .expect("install"));
    creds
}

/// `imbot.register` parameters of bot `code` with every handler at `url`.
fn classic(code: &str, url: &str) -> Value {
    json!({
        "CODE": code,
        "EVENT_HANDLER": url,
        "PROPERTIES": {"NAME": format!("Bot {code}"), "COLOR": "GREEN", "WORK_POSITION": "Helper"},
    })
}

/// `body` with `CLIENT_ID`.
fn with_client(mut body: Value, client: &str) -> Value {
    body["CLIENT_ID"] = json!(client);
    body
}

#[tokio::test]
async fn a_webhook_registers_a_classic_bot_with_its_client_id() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["imbot"], None).await;
    let other_hook = app.webhook(1, &["imbot"], None).await;

    let r = app
        .call_on(
            &hook,
            "imbot.register",
            classic("echo", "https://bot.example.com/h"),
        )
        .await;
    assert_error(
        &r,
        403,
        "ACCESS_DENIED",
        "Access denied! Client ID not specified",
    );
    let crm_hook = app.hook.clone();
    let r = app.call_on(&crm_hook, "imbot.bot.list", json!({})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r.json()["error"], "insufficient_scope");

    let no_code =
        json!({"EVENT_HANDLER": "https://bot.example.com/h", "PROPERTIES": {"NAME": "X"}});
    let r = app
        .call_on(&hook, "imbot.register", with_client(no_code, "cid"))
        .await;
    assert_error(&r, 400, "CODE_ERROR", "Bot code isn't specified");
    let no_name = json!({"CODE": "x", "EVENT_HANDLER": "https://bot.example.com/h", "PROPERTIES": {"EMAIL": "x@example.com"}});
    let r = app
        .call_on(&hook, "imbot.register", with_client(no_name, "cid"))
        .await;
    assert_error(&r, 400, "NAME_ERROR", "Bot name isn't specified");
    let no_welcome = json!({"CODE": "x", "EVENT_MESSAGE_ADD": "https://bot.example.com/h",
        "EVENT_BOT_DELETE": "https://bot.example.com/h", "PROPERTIES": {"NAME": "X"}});
    let r = app
        .call_on(&hook, "imbot.register", with_client(no_welcome, "cid"))
        .await;
    assert_error(
        &r,
        400,
        "EVENT_WELCOME_MESSAGE_ERROR",
        "Handler for \"Welcome message\" event isn't specified",
    );
    let private = classic("x", "http://127.0.0.1:9/h");
    let r = app
        .call_on(&hook, "imbot.register", with_client(private, "cid"))
        .await;
    assert_error(&r, 400, "EVENT_MESSAGE_ADD_ERROR", "Wrong handler URL");

    let body = with_client(classic("echo", "https://bot.example.com/h"), "cid");
    let r = app.call_on(&hook, "imbot.register", body.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let echo = r.json()["result"].as_i64().expect("bot id");
    let again = app.call_on(&hook, "imbot.register", body).await;
    assert_eq!(
        again.json()["result"],
        json!(echo),
        "the same owner gets its bot back"
    );
    let taken = with_client(classic("echo", "https://bot.example.com/h"), "other");
    let r = app.call_on(&hook, "imbot.register", taken).await;
    assert_error(&r, 400, "WRONG_REQUEST", "Bot can't be created");

    let list = app.call_on(&hook, "imbot.bot.list", json!({})).await;
    assert_eq!(
        list.json()["result"],
        json!({echo.to_string(): {"ID": echo, "NAME": "Bot echo", "CODE": "echo", "OPENLINE": "N"}})
    );

    let users = app.ok("user.get", json!({})).await;
    let ids: Vec<&str> = users
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["ID"].as_str())
        .collect();
    assert_eq!(ids, ["1"], "bots are not listed among users");

    // Another CLIENT_ID, or another webhook, cannot act as the bot.
    let r = app
        .call_on(
            &hook,
            "imbot.unregister",
            json!({"BOT_ID": echo, "CLIENT_ID": "other"}),
        )
        .await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Bot was installed by another REST application",
    );
    let r = app
        .call_on(
            &other_hook,
            "imbot.unregister",
            json!({"BOT_ID": echo, "CLIENT_ID": "cid"}),
        )
        .await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Bot was installed by another REST application",
    );
    let r = app
        .call_on(
            &hook,
            "imbot.unregister",
            json!({"BOT_ID": 999, "CLIENT_ID": "cid"}),
        )
        .await;
    assert_error(&r, 400, "BOT_ID_ERROR", "Bot not found");

    // Update: handlers and profile; empty FIELDS refused.
    let r = app
        .call_on(
            &hook,
            "imbot.update",
            json!({"BOT_ID": echo, "CLIENT_ID": "cid"}),
        )
        .await;
    assert_error(&r, 400, "WRONG_REQUEST", "Update fields can't be empty");
    let r = app
        .call_on(
            &hook,
            "imbot.update",
            json!({"BOT_ID": echo, "CLIENT_ID": "cid", "FIELDS": {
                "EVENT_MESSAGE_UPDATE": "https://bot.example.com/update",
                "PROPERTIES": {"NAME": "Echo"}}}),
        )
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);
    let stored = app.store.bot_by_id(echo).await.expect("read").expect("bot");
    assert_eq!(stored.profile.name, "Echo");
    assert_eq!(stored.profile.work_position, "Helper");
    assert_eq!(
        stored.handlers.message_update.as_deref(),
        Some("https://bot.example.com/update")
    );

    // Unregistering raises ONIMBOTDELETE to the bot's own handler only.
    let r = app
        .call_on(
            &hook,
            "imbot.unregister",
            json!({"BOT_ID": echo, "CLIENT_ID": "cid"}),
        )
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);
    assert_eq!(
        queued(&app).await,
        [(
            "ONIMBOTDELETE".to_owned(),
            "https://bot.example.com/h".to_owned(),
            json!({"BOT_ID": echo.to_string(), "BOT_CODE": "echo"})
        )]
    );
    let list = app.call_on(&hook, "imbot.bot.list", json!({})).await;
    assert_eq!(list.json()["result"], json!([]));
}

#[tokio::test]
async fn an_application_has_at_most_five_classic_bots_sharing_handlers() {
    let app = TestApp::start().await;
    let creds = bot_app(&app, "Bots").await;
    let admin = token(&app, creds.id, 1).await;
    let url = "https://bots.example.com/h";
    let mut ids = Vec::new();
    for n in 0..5 {
        let id = app_ok(
            &app,
            &admin,
            "imbot.register",
            classic(&format!("b{n}"), url),
        )
        .await;
        ids.push(id.as_i64().expect("id"));
    }
    let r = app_call(&app, &admin, "imbot.register", classic("b5", url)).await;
    assert_error(
        &r,
        400,
        "MAX_COUNT_ERROR",
        "Has reached the maximum number of bots for application (max: 5)",
    );
    app_ok(&app, &admin, "imbot.unregister", json!({"BOT_ID": ids[4]})).await;
    let r = app_call(
        &app,
        &admin,
        "imbot.register",
        classic("b5", "https://other.example.com/h"),
    )
    .await;
    assert_error(&r, 400, "EVENT_MESSAGE_ADD_ERROR", "Wrong handler URL");

    // Another application cannot act on them.
    let other = bot_app(&app, "Other").await;
    let stranger = token(&app, other.id, 1).await;
    let r = app_call(
        &app,
        &stranger,
        "imbot.unregister",
        json!({"BOT_ID": ids[0]}),
    )
    .await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Bot was installed by another REST application",
    );
    let r = app_call(
        &app,
        &stranger,
        "imbot.command.register",
        json!({"BOT_ID": ids[0], "COMMAND": "x", "EVENT_COMMAND_ADD": url,
               "LANG": [{"LANGUAGE_ID": "en", "TITLE": "X"}]}),
    )
    .await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Bot was installed by another REST application",
    );
}

#[tokio::test]
async fn commands_are_registered_updated_and_removed_by_the_bots_owner() {
    let app = TestApp::start().await;
    let creds = bot_app(&app, "Commands").await;
    let admin = token(&app, creds.id, 1).await;
    let url = "https://cmd.example.com/h";
    let bot = app_ok(&app, &admin, "imbot.register", classic("cmd", url)).await;
    let base = json!({"BOT_ID": bot, "COMMAND": "help", "EVENT_COMMAND_ADD": url,
        "LANG": [{"LANGUAGE_ID": "en", "TITLE": "Help", "PARAMS": "topic"}]});

    let mut no_command = base.clone();
    no_command["COMMAND"] = json!("two words");
    let r = app_call(&app, &admin, "imbot.command.register", no_command).await;
    assert_error(&r, 400, "COMMAND_ERROR", "Command isn't specified");
    let mut no_lang = base.clone();
    no_lang["LANG"] = json!([]);
    let r = app_call(&app, &admin, "imbot.command.register", no_lang).await;
    assert_error(&r, 400, "LANG_ERROR", "Lang set can't be empty");
    let mut no_handler = base.clone();
    no_handler["EVENT_COMMAND_ADD"] = json!("");
    let r = app_call(&app, &admin, "imbot.command.register", no_handler).await;
    assert_error(
        &r,
        400,
        "EVENT_COMMAND_ADD_ERROR",
        "Handler for \"Command add\" event isn't specified",
    );

    let id = app_ok(&app, &admin, "imbot.command.register", base.clone()).await;
    let r = app_call(&app, &admin, "imbot.command.register", base).await;
    assert_error(&r, 400, "WRONG_REQUEST", "Command can't be created");
    let updated = app_ok(
        &app,
        &admin,
        "imbot.command.update",
        json!({"COMMAND_ID": id, "FIELDS": {"HIDDEN": "Y", "COMMON": "Y"}}),
    )
    .await;
    assert_eq!(updated, json!(true));
    let stored = app
        .store
        .bot_command_by_id(id.as_i64().expect("id"))
        .await
        .expect("read")
        .expect("command");
    assert!(stored.hidden && stored.common && !stored.extranet_support);
    assert_eq!(stored.langs[0].title, "Help");
    let r = app_call(
        &app,
        &admin,
        "imbot.command.unregister",
        json!({"COMMAND_ID": 999}),
    )
    .await;
    assert_error(&r, 400, "COMMAND_ID_ERROR", "Command not found");
    let other = bot_app(&app, "Stranger").await;
    let stranger = token(&app, other.id, 1).await;
    let r = app_call(
        &app,
        &stranger,
        "imbot.command.unregister",
        json!({"COMMAND_ID": id}),
    )
    .await;
    assert_error(
        &r,
        400,
        "APP_ID_ERROR",
        "Command was installed by another rest application",
    );
    assert_eq!(
        app_ok(
            &app,
            &admin,
            "imbot.command.unregister",
            json!({"COMMAND_ID": id})
        )
        .await,
        json!(true)
    );
}

/// `imbot.v2.Bot.register` fields of a webhook bot `code` with `token`.
fn v2_fields(code: &str, token: &str) -> Value {
    json!({"fields": {"code": code, "botToken": token,
        "properties": {"name": "Support Bot", "workPosition": "AI Assistant"}}})
}

#[tokio::test]
async fn a_v2_webhook_bot_is_owned_by_its_webhook_and_token() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["imbot"], None).await;
    let other_hook = app.webhook(1, &["imbot"], None).await;

    let r = app
        .call_on(
            &hook,
            "imbot.v2.Bot.register",
            json!({"fields": {"code": "s", "properties": {"name": "S"}}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "BOT_TOKEN_NOT_SPECIFIED",
        "Bot token is not specified",
    );
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Bot.register",
            json!({"fields": {"botToken": "t", "properties": {"name": "S"}}}),
        )
        .await;
    assert_error(&r, 400, "BOT_CODE_REQUIRED", "Bot code is required");
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Bot.register",
            json!({"fields": {"code": "s", "botToken": "t"}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "BOT_PROPERTIES_REQUIRED",
        "Bot properties are required",
    );
    let mut bad_type = v2_fields("s", "t");
    bad_type["fields"]["type"] = json!("robot");
    let r = app.call_on(&hook, "imbot.v2.Bot.register", bad_type).await;
    assert_error(&r, 400, "BOT_INVALID_TYPE", "Invalid bot type");
    let mut no_url = v2_fields("s", "t");
    no_url["fields"]["eventMode"] = json!("webhook");
    let r = app.call_on(&hook, "imbot.v2.Bot.register", no_url).await;
    assert_error(
        &r,
        400,
        "BOT_WEBHOOK_URL_REQUIRED",
        "Webhook URL is required",
    );
    let long = v2_fields("s", &"x".repeat(41));
    let r = app.call_on(&hook, "imbot.v2.Bot.register", long).await;
    assert_eq!(r.json()["error"], "BOT_TOKEN_INVALID_LENGTH", "{}", r.text);

    let r = app
        .call_on(
            &hook,
            "imbot.v2.Bot.register",
            v2_fields("support_bot", "secret-1"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let result = r.json()["result"].clone();
    let id = result["bot"]["id"].as_i64().expect("id");
    assert_eq!(result["bot"]["code"], "support_bot");
    assert_eq!(result["bot"]["type"], "bot");
    assert_eq!(result["bot"]["eventMode"], "fetch");
    assert_eq!(result["users"][0]["id"], json!(id));
    assert_eq!(result["users"][0]["bot"], json!(true));
    assert_eq!(result["users"][0]["workPosition"], "AI Assistant");
    let again = app
        .call_on(
            &hook,
            "imbot.v2.Bot.register",
            v2_fields("support_bot", "secret-1"),
        )
        .await;
    assert_eq!(
        again.json()["result"]["bot"]["id"],
        json!(id),
        "idempotent by code"
    );
    let r = app
        .call_on(
            &other_hook,
            "imbot.v2.Bot.register",
            v2_fields("support_bot", "secret-2"),
        )
        .await;
    assert_error(
        &r,
        400,
        "BOT_CODE_ALREADY_TAKEN",
        "Bot code is already taken",
    );

    let get = |hook: String, body: Value| {
        let app = &app;
        async move { app.call_on(&hook, "imbot.v2.Bot.get", body).await }
    };
    let r = get(hook.clone(), json!({"botId": id})).await;
    assert_error(
        &r,
        400,
        "BOT_TOKEN_NOT_SPECIFIED",
        "Bot token is not specified",
    );
    let r = get(hook.clone(), json!({"botToken": "secret-1"})).await;
    assert_error(&r, 400, "BOT_ID_REQUIRED", "Bot ID is required");
    let r = get(hook.clone(), json!({"botId": 999, "botToken": "secret-1"})).await;
    assert_error(&r, 400, "BOT_NOT_FOUND", "Bot not found");
    let r = get(hook.clone(), json!({"botId": id, "botToken": "wrong"})).await;
    assert_error(
        &r,
        403,
        "BOT_OWNERSHIP_ERROR",
        "Bot is registered by another application",
    );
    let r = get(
        other_hook.clone(),
        json!({"botId": id, "botToken": "secret-1"}),
    )
    .await;
    assert_error(
        &r,
        403,
        "BOT_OWNERSHIP_ERROR",
        "Bot is registered by another application",
    );
    let r = get(hook.clone(), json!({"botId": id, "botToken": "secret-1"})).await;
    assert_eq!(r.json()["result"]["bot"]["id"], json!(id), "{}", r.text);

    // Rotation: the old token stops working at once.
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Bot.update",
            json!({"botId": id, "botToken": "secret-1", "fields": {"botToken": "secret-3",
                   "properties": {"name": "Support"}, "isHidden": true}}),
        )
        .await;
    assert_eq!(
        r.json()["result"]["bot"]["isHidden"],
        json!(true),
        "{}",
        r.text
    );
    let r = get(hook.clone(), json!({"botId": id, "botToken": "secret-1"})).await;
    assert_eq!(r.json()["error"], "BOT_OWNERSHIP_ERROR");
    let r = get(hook.clone(), json!({"botId": id, "botToken": "secret-3"})).await;
    assert_eq!(r.json()["result"]["users"][0]["firstName"], "Support");

    let list = app.call_on(&hook, "imbot.v2.Bot.list", json!({})).await;
    assert_eq!(
        list.json()["result"]["bots"][0]["id"],
        json!(id),
        "{}",
        list.text
    );
    assert_eq!(list.json()["result"]["hasNextPage"], json!(false));
    let none = app
        .call_on(&other_hook, "imbot.v2.Bot.list", json!({}))
        .await;
    assert_eq!(none.json()["result"]["bots"], json!([]));
    let revision = app.call_on(&hook, "imbot.v2.Revision.get", json!({})).await;
    assert_eq!(revision.json()["result"]["rest"], json!(36));

    // Commands: idempotent per command, shown with their slash.
    let auth = json!({"botId": id, "botToken": "secret-3"});
    let mut register = auth.clone();
    register["fields"] = json!({"command": "help", "title": "Help", "common": true});
    let first = app
        .call_on(&hook, "imbot.v2.Command.register", register.clone())
        .await;
    let command = first.json()["result"]["command"].clone();
    assert_eq!(command["command"], "/help", "{}", first.text);
    assert_eq!(command["common"], json!(true));
    let second = app
        .call_on(&hook, "imbot.v2.Command.register", register)
        .await;
    assert_eq!(second.json()["result"]["command"]["id"], command["id"]);
    let listed = app
        .call_on(&hook, "imbot.v2.Command.list", auth.clone())
        .await;
    assert_eq!(listed.json()["result"]["commands"][0]["id"], command["id"]);
    let mut remove = auth.clone();
    remove["commandId"] = command["id"].clone();
    let r = app
        .call_on(&hook, "imbot.v2.Command.unregister", remove.clone())
        .await;
    assert_eq!(r.json()["result"], json!(true));
    let r = app
        .call_on(&hook, "imbot.v2.Command.unregister", remove)
        .await;
    assert_error(&r, 400, "COMMAND_NOT_FOUND", "Command not found");

    let r = app
        .call_on(&hook, "imbot.v2.Bot.unregister", auth.clone())
        .await;
    assert_eq!(r.json()["result"], json!(true));
    let r = app.call_on(&hook, "imbot.v2.Bot.get", auth).await;
    assert_error(&r, 400, "BOT_NOT_FOUND", "Bot not found");
}

#[tokio::test]
async fn a_fetch_mode_bot_reads_its_queue_and_acknowledges_with_the_offset() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["imbot"], None).await;
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Bot.register",
            v2_fields("poller", "poll-token"),
        )
        .await;
    let id = r.json()["result"]["bot"]["id"].as_i64().expect("id");
    let read = |body: Value| {
        let (app, hook) = (&app, hook.clone());
        async move {
            let r = app.call_on(&hook, "imbot.v2.Event.get", body).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.json()["result"].clone()
        }
    };
    let empty = read(json!({"botId": id, "botToken": "poll-token"})).await;
    assert_eq!(
        empty,
        json!({"events": [], "nextOffset": 0, "hasMore": false})
    );

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    for n in 1..=3 {
        app.store
            .raise_bot_events(
                vec![BotEventOut {
                    bot_id: id,
                    code: V2_MESSAGE_ADD.to_owned(),
                    data: json!({"message": {"text": format!("m{n}")}}),
                    handler_url: None,
                }],
                EventStamp {
                    at: now,
                    user_id: Some(1),
                    auth_connector: None,
                },
            )
            .await
            .expect("raise");
    }
    let first = read(json!({"botId": id, "botToken": "poll-token", "limit": 2})).await;
    let events = first["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["type"], V2_MESSAGE_ADD);
    assert_eq!(events[0]["data"]["message"]["text"], "m1");
    assert_eq!(first["hasMore"], json!(true));
    let next = first["nextOffset"].clone();
    assert_eq!(next, json!(events[1]["eventId"].as_i64().expect("id") + 1));
    let unacked = read(json!({"botId": id, "botToken": "poll-token", "limit": 2})).await;
    assert_eq!(
        unacked["events"][0]["eventId"], events[0]["eventId"],
        "nothing acknowledged yet"
    );
    let rest = read(json!({"botId": id, "botToken": "poll-token", "offset": next})).await;
    assert_eq!(rest["events"].as_array().expect("events").len(), 1);
    assert_eq!(rest["events"][0]["data"]["message"]["text"], "m3");
    assert_eq!(rest["hasMore"], json!(false));
    let done =
        read(json!({"botId": id, "botToken": "poll-token", "offset": rest["nextOffset"]})).await;
    assert_eq!(done["events"], json!([]));
    assert_eq!(done["nextOffset"], rest["nextOffset"]);
    let r = app
        .call_on(
            &hook,
            "imbot.v2.Event.get",
            json!({"botId": id, "botToken": "poll-token", "withUserEvents": true}),
        )
        .await;
    assert_error(&r, 400, "SCOPE_ERROR", "Scope error");
    assert!(queued(&app).await.is_empty(), "fetch mode delivers nothing");
}

#[tokio::test]
async fn deleting_the_owner_removes_its_bots_and_tells_their_handlers() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["imbot"], None).await;
    let body = with_client(classic("hooked", "https://hooked.example.com/h"), "cid");
    let hooked = app.call_on(&hook, "imbot.register", body).await.json()["result"].clone();
    let hook_id = app
        .store
        .list_webhooks(None)
        .await
        .expect("webhooks")
        .into_iter()
        .find(|w| hook.contains(&format!("/{}/", w.user_id)) && w.scopes == ["imbot"])
        .map(|w| w.id)
        .expect("webhook");
    assert!(app.store.delete_webhook(hook_id).await.expect("delete"));
    assert_eq!(
        queued(&app).await,
        [(
            "ONIMBOTDELETE".to_owned(),
            "https://hooked.example.com/h".to_owned(),
            json!({"BOT_ID": hooked.as_i64().expect("id").to_string(), "BOT_CODE": "hooked"})
        )]
    );

    let creds = bot_app(&app, "Removed").await;
    let admin = token(&app, creds.id, 1).await;
    let mut v2 = json!({"fields": {"code": "pusher", "eventMode": "webhook",
        "webhookUrl": "https://push.example.com/h", "properties": {"name": "Pusher"}}});
    let r = app_call(&app, &admin, "imbot.v2.Bot.register", v2.take()).await;
    let pusher = r.json()["result"]["bot"]["id"].as_i64().expect("id");
    assert!(app
        .store
        .uninstall_app(
            creds.id,
            json!({"CLEAN": 0}),
            EventStamp {
                at: 1_700_000_000,
                user_id: Some(1),
                auth_connector: None
            }
        )
        .await
        .expect("uninstall"));
    let delivered = queued(&app).await;
    assert!(
        delivered.contains(&(
            "ONIMBOTV2DELETE".to_owned(),
            "https://push.example.com/h".to_owned(),
            json!({"bot": {"id": pusher, "code": "pusher"}})
        )),
        "{delivered:?}"
    );
    assert_eq!(app.store.bot_by_id(pusher).await.expect("read"), None);
}

#[tokio::test]
async fn a_signed_in_session_may_not_call_bot_methods() {
    use std::sync::Arc;

    use portico_methods::{AuthKind, Caller, Clock, Ctx, Plan};
    use portico_protocol::params::Params;

    let app = TestApp::start().await;
    let admin = app.store.user_by_id(1).await.expect("read").expect("admin");
    let ctx = Ctx {
        store: app.store.clone(),
        caller: Arc::new(Caller::new(
            admin,
            vec!["imbot".into()],
            AuthKind::WebSession,
        )),
        clock: Clock::default(),
        registry: Arc::new(portico_methods::registry()),
        in_batch: false,
        method: "",
        handler_check: Arc::new(|url: &str| Ok(url.to_owned())),
        secrets: app.secrets.clone(),
        plan: Plan::default(),
        operating: None,
        sub_call_observer: None,
        json_answer: false,
    };
    for method in [
        "imbot.register",
        "imbot.bot.list",
        "imbot.v2.Bot.register",
        "imbot.v2.Revision.get",
    ] {
        let params = Params::new(
            json!({"CODE": "x", "CLIENT_ID": "c", "fields": {"code": "x"}})
                .as_object()
                .expect("object")
                .clone(),
        );
        let refused = portico_methods::call(ctx.clone(), method, params)
            .await
            .expect_err(method);
        assert_eq!(refused.code.as_str(), "WRONG_AUTH_TYPE", "{method}");
        assert_eq!(
            refused.description,
            "Access for this method not allowed by session authorization."
        );
    }
}
