//! A chat with a bot in the browser: a bot registered through a webhook (with
//! its CLIENT_ID) and a command; the administrator opens the dialog with the
//! bot and writes to it through the page, which queues ONIMBOTMESSAGEADD for
//! the bot's handler; the bot's answer with a keyboard appears without a
//! reload, and pressing its COMMAND button queues ONIMCOMMANDADD (context
//! KEYBOARD) for the command's handler; then the same in Portuguese.

use portico_store::ClaimedDelivery;
use serde_json::{json, Value};

use crate::common::TestApp;
use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

/// The bot's handler (events are queued for it, not sent, in this test).
const HANDLER: &str = "https://bot.example.com/events";

/// `(event code, handler URL, data)` of every due delivery, claimed.
async fn queued(app: &TestApp) -> Vec<(String, String, Value)> {
    let claimed: Vec<ClaimedDelivery> = app
        .store
        .claim_deliveries(4_000_000_000, 60, 100)
        .await
        .expect("claim");
    claimed
        .into_iter()
        .map(|c| (c.event.code, c.webhook.handler_url, c.event.data))
        .collect()
}

/// The data of the one queued `code` event for [`HANDLER`].
async fn one_queued(app: &TestApp, code: &str) -> Value {
    let all = queued(app).await;
    let found: Vec<&Value> = all
        .iter()
        .filter(|(c, url, _)| c == code && url == HANDLER)
        .map(|(_, _, data)| data)
        .collect();
    assert_eq!(found.len(), 1, "one {code} expected in {all:?}");
    found[0].clone()
}

#[tokio::test]
async fn a_chat_with_a_bot_and_its_keyboard_button() {
    let app = start_app().await;
    let hook = app.webhook(1, &["im", "imbot"], None).await;
    let call = |method: &'static str, body: Value| {
        let app = &app;
        let hook = hook.clone();
        async move {
            let reply = app.call_on(&hook, method, body).await;
            assert_eq!(reply.status, 200, "{method}: {}", reply.text);
            reply.json()["result"].clone()
        }
    };
    let bot = call(
        "imbot.register",
        json!({"CODE": "helpdesk", "CLIENT_ID": "helpdesk-app", "EVENT_HANDLER": HANDLER,
               "PROPERTIES": {"NAME": "Helpdesk", "COLOR": "AQUA"}}),
    )
    .await
    .as_i64()
    .expect("bot id");
    call(
        "imbot.command.register",
        json!({"BOT_ID": bot, "CLIENT_ID": "helpdesk-app", "COMMAND": "status",
               "EVENT_COMMAND_ADD": HANDLER, "COMMON": "N",
               "LANG": [{"LANGUAGE_ID": "en", "TITLE": "Ticket status", "PARAMS": "ticket"}]}),
    )
    .await;
    let _ = queued(&app).await; // what registering queued

    let b = Browser::start(&app.base, "bot-chat").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    let dialog = format!("/chat/{bot}");
    b.goto(&dialog).await;
    b.fill("#chat-input", "My printer is on fire").await;
    b.click_and_load("#chat-send").await;
    let added = one_queued(&app, "ONIMBOTMESSAGEADD").await;
    assert_eq!(added["PARAMS"]["MESSAGE"], "My printer is on fire");
    assert_eq!(added["PARAMS"]["FROM_USER_ID"], json!("1"));
    assert!(added["BOT"][bot.to_string()].is_object(), "{added}");

    // The bot answers with a keyboard; it appears without a reload.
    b.wait_for("html[data-live='open']").await;
    b.execute("window.botPageMark = 'still here'", vec![]).await;
    let answer = call(
        "imbot.message.add",
        json!({"BOT_ID": bot, "CLIENT_ID": "helpdesk-app", "DIALOG_ID": "1",
               "MESSAGE": "Ticket [b]#42[/b] opened.",
               "KEYBOARD": [{"TEXT": "Status", "COMMAND": "status", "COMMAND_PARAMS": "42"}]}),
    )
    .await
    .as_i64()
    .expect("message id");
    let answer_css = format!("#message-{answer}");
    b.wait_for(&answer_css).await;
    assert_eq!(
        b.execute("return window.botPageMark || null", vec![]).await,
        json!("still here"),
        "the answer came without a reload"
    );
    assert_eq!(b.text(&format!("{answer_css} .chat-text b")).await, "#42");
    b.shot().await;

    // Its COMMAND button tells the bot's command handler.
    b.click_and_load(&format!("{answer_css} form.chat-command button"))
        .await;
    let command = one_queued(&app, "ONIMCOMMANDADD").await;
    let entry = command["COMMAND"]
        .as_object()
        .and_then(|m| m.values().next())
        .cloned()
        .unwrap_or_else(|| panic!("no COMMAND block: {command}"));
    assert_eq!(entry["COMMAND"], "status");
    assert_eq!(entry["COMMAND_PARAMS"], "42");
    assert_eq!(entry["COMMAND_CONTEXT"], "KEYBOARD");
    b.shot().await;

    // In Portuguese.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto(&dialog).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("#chat-send").await, "Enviar");
    b.wait_for("html[data-live='open']").await;
    let later = call(
        "imbot.message.add",
        json!({"BOT_ID": bot, "CLIENT_ID": "helpdesk-app", "DIALOG_ID": "1",
               "MESSAGE": "Chamado resolvido.",
               "KEYBOARD": [{"TEXT": "Status", "COMMAND": "status", "COMMAND_PARAMS": "42"}]}),
    )
    .await
    .as_i64()
    .expect("message id");
    b.wait_for(&format!("#message-{later} form.chat-command button"))
        .await;
    b.shot().await;
}
