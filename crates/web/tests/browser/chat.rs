//! Chat in the browser: the administrator opens a dialog with Bob from the
//! Chat page and writes to him; Bob answers through a webhook and his
//! message appears on the open page without a reload (with its keyboard,
//! whose PUT button fills the message box); a message in a group chat
//! raises that chat's unread counter in the list, also without a reload;
//! then the same in Portuguese.

use serde_json::{json, Value};

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

#[tokio::test]
async fn a_message_sent_through_a_webhook_appears_without_a_reload() {
    let app = start_app().await;
    let bob = app.add_user("bob", false).await;
    let bob_hook = app.webhook(bob, &["im"], None).await;
    let send = |body: Value| {
        let app = &app;
        let hook = bob_hook.clone();
        async move {
            let reply = app.call_on(&hook, "im.message.add", body).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            reply.json()["result"].as_i64().expect("message id")
        }
    };
    let b = Browser::start(&app.base, "chat").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // Open the dialog with Bob from the menu's Chat page and write to him.
    b.goto("/tasks").await;
    b.click_and_load("#nav-chat").await;
    assert_eq!(b.path().await, "/chat");
    b.select("#chat-user-input", &bob.to_string()).await;
    b.click_and_load("#chat-open").await;
    let dialog_path = format!("/chat/{bob}");
    assert_eq!(b.path().await, dialog_path);
    b.fill("#chat-input", "Hi Bob, is the report ready?").await;
    b.click_and_load("#chat-send").await;
    assert!(b
        .text("#chat-messages")
        .await
        .contains("is the report ready?"));

    // The page listens; mark it to tell a reload apart.
    b.wait_for("html[data-live='open']").await;
    b.execute("window.chatPageMark = 'still here'", vec![])
        .await;
    let answer = send(json!({
        "DIALOG_ID": "1",
        "MESSAGE": "Almost: [b]five minutes[/b] <i>not html</i>",
        "KEYBOARD": [{"TEXT": "Ask status", "ACTION": "PUT", "ACTION_VALUE": "/status"}],
    }))
    .await;
    let answer_css = format!("#message-{answer}");
    b.wait_for(&answer_css).await;
    assert_eq!(
        b.execute("return window.chatPageMark || null", vec![])
            .await,
        json!("still here"),
        "the message came without a reload"
    );
    assert_eq!(
        b.text(&format!("{answer_css} .chat-text b")).await,
        "five minutes"
    );
    assert!(b
        .text(&format!("{answer_css} .chat-text"))
        .await
        .contains("<i>not html</i>"));
    b.click(&format!("{answer_css} .chat-put")).await;
    let filled = b
        .execute("return document.getElementById('chat-input').value", vec![])
        .await;
    assert_eq!(filled, json!("/status"));
    b.shot().await;

    // A group chat's message raises its counter in the list, live too.
    let hook_call = |method: &'static str, body: Value| {
        let app = &app;
        let hook = bob_hook.clone();
        async move { app.call_on(&hook, method, body).await.json()["result"].clone() }
    };
    let chat = hook_call("im.chat.add", json!({"TITLE": "Reports", "USERS": [1]})).await;
    send(json!({"DIALOG_ID": format!("chat{chat}"), "MESSAGE": "Figures attached"})).await;
    let badge = format!("#chat-recent li[data-dialog='chat{chat}'] .chat-unread");
    // Two unread: the invitation and the message.
    b.wait_until("the group chat's counter at 2", async |b| {
        let text = b
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''",
                vec![json!(badge)],
            )
            .await;
        text == json!("2")
    })
    .await;
    assert_eq!(
        b.execute("return window.chatPageMark || null", vec![])
            .await,
        json!("still here")
    );
    b.shot().await;

    // In Portuguese.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto(&dialog_path).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("#chat-send").await, "Enviar");
    b.wait_for("html[data-live='open']").await;
    let later = send(json!({"DIALOG_ID": "1", "MESSAGE": "Pronto, relatório enviado."})).await;
    b.wait_for(&format!("#message-{later}")).await;
    assert!(b.text("#chat-messages").await.contains("relatório enviado"));
    b.shot().await;
}
