//! The messenger's, the live feed's and the chat bots' ready-made scenarios:
//! "Send a notification", "Publish a report in the live feed", "Inform
//! employees in chat" and "Forward messages from chat to the bot" are listed,
//! open the webhook form with their scopes and method, and the webhook they
//! create does what the scenario says, end to end.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::ui_developer::create_webhook;

/// POSTs `body` to `method` under the webhook URL `hook`; the result.
async fn call(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let answer: Value = app
        .client
        .post(format!("{hook}{method}.json"))
        .json(&body)
        .send()
        .await
        .expect("call")
        .json()
        .await
        .expect("JSON");
    assert!(answer.get("error").is_none(), "{method}: {answer}");
    answer["result"].clone()
}

#[tokio::test]
async fn messenger_and_feed_scenarios_prepare_webhooks_that_work() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let admin = app.sign_in_as(1).await;
    let bob_hook = app.webhook(bob, &["im", "log"], None).await;
    let cases = admin.get("/developer").await;
    for (case, scope, method) in [
        ("send-notification", "im", "im.notify.system.add"),
        ("publish-report", "log", "log.blogpost.add"),
        ("inform-employees", "im", "im.message.add"),
        ("forward-to-bot", "imbot", "imbot.register"),
    ] {
        assert!(
            cases.contains(&format!("href=\"/developer/webhooks/new?case={case}\"")),
            "{case} is listed"
        );
        let form = admin
            .get(&format!("/developer/webhooks/new?case={case}"))
            .await;
        assert!(
            form.contains(&format!("name=\"scope\" value=\"{scope}\" checked")),
            "{case} presets {scope}"
        );
        assert!(
            form.contains(&format!("data-method=\"{method}\"")),
            "{case}"
        );
    }

    // Send a notification: Bob's bell counts it, im.notify.get lists it.
    let (_, hook) = create_webhook(&admin, &app, "send-notification", "Notify", &["im"]).await;
    let id = call(
        &app,
        &hook,
        "im.notify.system.add",
        json!({"USER_ID": bob, "MESSAGE": "Invoice [b]42[/b] is overdue"}),
    )
    .await;
    let got = app
        .call_on(&bob_hook, "im.notify.get", json!({}))
        .await
        .json();
    assert_eq!(got["result"]["notifications"][0]["id"], id);
    assert_eq!(got["result"]["total_unread_count"], json!(1));

    // Publish a report to Bob only: he reads it, the report is there.
    let (_, hook) = create_webhook(&admin, &app, "publish-report", "Report", &["log"]).await;
    let post = call(
        &app,
        &hook,
        "log.blogpost.add",
        json!({"POST_TITLE": "Weekly report", "POST_MESSAGE": "12 deals won", "DEST": [format!("U{bob}")]}),
    )
    .await;
    let seen = app
        .call_on(&bob_hook, "log.blogpost.get", json!({"POST_ID": post}))
        .await
        .json();
    assert_eq!(seen["result"][0]["TITLE"], "Weekly report", "{seen}");

    // Inform employees in chat: the message is in Bob's dialog with the admin.
    let (_, hook) = create_webhook(&admin, &app, "inform-employees", "Inform", &["im"]).await;
    let message = call(
        &app,
        &hook,
        "im.message.add",
        json!({"DIALOG_ID": bob.to_string(), "MESSAGE": "The office is closed on Friday"}),
    )
    .await;
    let dialog = app
        .call_on(
            &bob_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": "1"}),
        )
        .await
        .json();
    assert_eq!(dialog["result"]["messages"][0]["id"], message, "{dialog}");
    assert_eq!(
        dialog["result"]["messages"][0]["text"],
        "The office is closed on Friday"
    );

    // Forward messages to a bot: the bot registered through the scenario's
    // webhook gets Bob's message as ONIMBOTMESSAGEADD at its handler.
    let (_, hook) = create_webhook(&admin, &app, "forward-to-bot", "Bot", &["im", "imbot"]).await;
    let handler = "https://bot.example.com/handler";
    let bot = call(
        &app,
        &hook,
        "imbot.register",
        json!({"CODE": "forwarder", "CLIENT_ID": "forwarder-app", "EVENT_HANDLER": handler,
               "PROPERTIES": {"NAME": "Forwarder"}}),
    )
    .await;
    let bot = bot.as_i64().expect("bot id");
    let sent = app
        .call_on(
            &bob_hook,
            "im.message.add",
            json!({"DIALOG_ID": bot.to_string(), "MESSAGE": "Please forward this"}),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let queued = crate::app_events::queued(&app).await;
    let forwarded: Vec<&Value> = queued
        .iter()
        .filter(|(code, url, _)| code == "ONIMBOTMESSAGEADD" && url == handler)
        .map(|(_, _, data)| data)
        .collect();
    assert_eq!(forwarded.len(), 1, "{queued:?}");
    assert_eq!(forwarded[0]["PARAMS"]["MESSAGE"], "Please forward this");
    assert_eq!(
        forwarded[0]["PARAMS"]["FROM_USER_ID"],
        json!(bob.to_string())
    );
}
