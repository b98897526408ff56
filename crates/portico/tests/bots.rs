//! Chat bots against a real `portico serve` (private handlers allowed) and a
//! receiver on a loopback port: an employee writes to an application's bot
//! through the Chat page's own form, the handler gets `ONIMBOTMESSAGEADD`
//! with the bot's tokens and answers with them; a handler that was down gets
//! the message once it is back; a 2.0 bot in fetch mode polls, answers and
//! sees each message once; a removed bot is told at its own handler.

use std::collections::BTreeMap;

use serde_json::{json, Value};

mod common;

use common::receiver::{next, receiver};
use common::{add_webhook, Server};

/// The pairs of a form body, by name.
fn form(body: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// POSTs `body` to `{hook}{method}.json`; the `result`.
async fn call(hook: &str, method: &str, body: Value) -> Value {
    let reply: Value = reqwest::Client::new()
        .post(format!("{hook}{method}.json"))
        .json(&body)
        .send()
        .await
        .expect("call")
        .json()
        .await
        .expect("json");
    assert!(reply.get("error").is_none(), "{method}: {reply}");
    reply["result"].clone()
}

#[tokio::test]
async fn a_removed_bot_is_told_at_its_own_handler() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &["--allow-private-handlers"]);
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "imbot"]);
    let (url, mut got) = receiver(200).await;

    let id = call(
        &hook,
        "imbot.register",
        json!({"CODE": "echo", "EVENT_HANDLER": url, "CLIENT_ID": "my-client",
               "PROPERTIES": {"NAME": "Echo"}}),
    )
    .await;
    call(
        &hook,
        "imbot.unregister",
        json!({"BOT_ID": id, "CLIENT_ID": "my-client"}),
    )
    .await;
    let deleted = form(&next(&mut got).await.body);
    assert_eq!(deleted["event"], "ONIMBOTDELETE");
    assert_eq!(deleted["data[BOT_ID]"], id.to_string());
    assert_eq!(deleted["data[BOT_CODE]"], "echo");
    let domain = server
        .base
        .trim_end_matches('/')
        .trim_start_matches("http://");
    assert_eq!(deleted["auth[domain]"], domain);
    assert_eq!(deleted["auth[application_token]"].len(), 32, "{deleted:?}");
    assert!(
        !deleted.contains_key("auth[access_token]"),
        "a webhook's bot has no tokens"
    );

    let v2 = call(
        &hook,
        "imbot.v2.Bot.register",
        json!({"fields": {"code": "pusher", "botToken": "push-token", "eventMode": "webhook",
               "webhookUrl": url, "properties": {"name": "Pusher"}}}),
    )
    .await;
    let bot = v2["bot"]["id"].as_i64().expect("id");
    call(
        &hook,
        "imbot.v2.Bot.unregister",
        json!({"botId": bot, "botToken": "push-token"}),
    )
    .await;
    let deleted = form(&next(&mut got).await.body);
    assert_eq!(deleted["event"], "ONIMBOTV2DELETE");
    assert_eq!(deleted["data[bot][id]"], bot.to_string());
    assert_eq!(deleted["data[bot][code]"], "pusher");
    assert!(deleted.contains_key("auth[application_token]"));
    server.stop();
}

/// A signed-in browser: the session's cookies.
struct Browser {
    client: reqwest::Client,
    cookies: String,
}

/// The `name=value` pairs a response sets.
fn set_cookies(answer: &reqwest::Response) -> Vec<String> {
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .collect()
}

/// The `csrf` field of a page's form.
fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf input")
        .to_owned()
}

/// Signs in as `login` through the sign-in form.
async fn signed_in(base: &str, login: &str, password: &str) -> Browser {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("login page");
    let cookies = set_cookies(&page).join("; ");
    let csrf = csrf_of(&page.text().await.expect("html"));
    let answer = client
        .post(format!("{base}/login"))
        .header("cookie", &cookies)
        .form(&[
            ("csrf", csrf.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .expect("sign in");
    assert!(
        answer.status().is_redirection(),
        "sign-in: {}",
        answer.status()
    );
    Browser {
        client,
        cookies: set_cookies(&answer).join("; "),
    }
}

/// Sends `text` to `dialog` through the Chat page's own form.
async fn send_from_page(ui: &Browser, base: &str, dialog: &str, text: &str) {
    let page = ui
        .client
        .get(format!("{base}/chat/{dialog}"))
        .header("cookie", &ui.cookies)
        .send()
        .await
        .expect("chat page");
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(&page.text().await.expect("html"));
    let sent = ui
        .client
        .post(format!("{base}/chat/{dialog}/messages"))
        .header("cookie", &ui.cookies)
        .form(&[("csrf", csrf.as_str()), ("message", text)])
        .send()
        .await
        .expect("send");
    assert!(sent.status().is_redirection(), "send: {}", sent.status());
}

/// The next delivery of `event` (others, like the join event, are skipped).
async fn next_of(
    got: &mut tokio::sync::mpsc::UnboundedReceiver<common::receiver::Received>,
    event: &str,
) -> BTreeMap<String, String> {
    for _ in 0..5 {
        let body = form(&next(got).await.body);
        if body["event"] == event {
            return body;
        }
    }
    panic!("no {event}");
}

/// The texts and authors of a dialog, newest first, read through `hook`.
async fn dialog_texts(hook: &str, dialog: &str) -> Vec<(String, i64)> {
    let result = call(hook, "im.dialog.messages.get", json!({"DIALOG_ID": dialog})).await;
    result["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["text"].as_str().unwrap_or_default().to_owned(),
                m["author_id"].as_i64().unwrap_or_default(),
            )
        })
        .collect()
}

/// An application's bot (script-only application with scope imbot, its
/// installation tokens from `ONAPPINSTALL`) with every handler at
/// `handler`; the bot's id and the administrator's access token.
async fn app_bot(
    data: &std::path::Path,
    install: &str,
    handler: &str,
    got: &mut tokio::sync::mpsc::UnboundedReceiver<common::receiver::Received>,
    base: &str,
) -> (i64, String) {
    common::ok(
        data,
        &[
            "app",
            "add",
            "--name",
            "Bots",
            "--handler",
            "https://app.example.com/",
            "--install",
            install,
            "--script-only",
            "--scope",
            "imbot",
        ],
    );
    let installed = next_of(got, "ONAPPINSTALL").await;
    let access = installed["auth[access_token]"].clone();
    let reply: Value = reqwest::Client::new()
        .post(format!("{base}/rest/imbot.register.json"))
        .json(
            &json!({"auth": access, "CODE": "echo", "EVENT_HANDLER": handler,
                      "PROPERTIES": {"NAME": "Echo"}}),
        )
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("json");
    (reply["result"].as_i64().expect("bot id"), access)
}

#[tokio::test]
async fn an_employee_talks_to_an_application_bot_through_the_chat_page() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = "correct horse battery";
    let server = Server::start(
        &data,
        &["--allow-private-handlers", "--admin-password", password],
    );
    let base = server.base.trim_end_matches('/').to_owned();
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "im"]);
    let (url, mut got) = receiver(200).await;
    let (bot, _) = app_bot(&data, &url, &url, &mut got, &base).await;

    let ui = signed_in(&base, "admin", password).await;
    send_from_page(&ui, &base, &bot.to_string(), "Hello").await;
    let joined = next_of(&mut got, "ONIMBOTJOINCHAT").await;
    assert_eq!(joined["data[PARAMS][DIALOG_ID]"], "1");
    let added = next_of(&mut got, "ONIMBOTMESSAGEADD").await;
    let block = format!("data[BOT][{bot}]");
    for key in portico_store::bots::payload::BOT_AUTH_KEYS {
        assert!(
            added.contains_key(&format!("{block}[{key}]")),
            "{key}: {added:?}"
        );
        assert!(
            added.contains_key(&format!("{block}[AUTH][{key}]")),
            "{key}"
        );
    }
    assert_eq!(added[&format!("{block}[BOT_ID]")], bot.to_string());
    assert_eq!(added[&format!("{block}[BOT_CODE]")], "echo");
    assert_eq!(added[&format!("{block}[user_id]")], bot.to_string());
    assert_eq!(added["data[PARAMS][MESSAGE]"], "Hello");
    assert_eq!(added["data[PARAMS][DIALOG_ID]"], "1");
    assert_eq!(added["data[PARAMS][CHAT_TYPE]"], "P");
    assert_eq!(added["data[USER][ID]"], "1");
    assert_eq!(added["auth[user_id]"], "1");

    // The handler answers with the bot's own token.
    let token = added[&format!("{block}[access_token]")].clone();
    let reply: Value = reqwest::Client::new()
        .post(format!("{base}/rest/imbot.message.add.json"))
        .json(
            &json!({"auth": token, "DIALOG_ID": added["data[PARAMS][DIALOG_ID]"],
                      "MESSAGE": "Echo: Hello"}),
        )
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert!(reply["result"].as_i64().is_some(), "{reply}");
    let texts = dialog_texts(&hook, &bot.to_string()).await;
    assert_eq!(texts[0], ("Echo: Hello".to_owned(), bot));
    assert_eq!(texts[1], ("Hello".to_owned(), 1));
    server.stop();
}

#[tokio::test]
async fn a_message_reaches_a_bot_whose_handler_was_down_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = "correct horse battery";
    let server = Server::start_with_env(
        &data,
        &["--allow-private-handlers", "--admin-password", password],
        &[("PORTICO_DELIVERY_RETRY_DELAYS", "1s,1s,1s,1s,1s,1s")],
    );
    let base = server.base.trim_end_matches('/').to_owned();
    let (install, mut installs) = receiver(200).await;
    let parked = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = parked.local_addr().expect("addr");
    drop(parked);
    let down = format!("http://{addr}/hook");
    let (bot, _) = app_bot(&data, &install, &down, &mut installs, &base).await;

    let ui = signed_in(&base, "admin", password).await;
    send_from_page(&ui, &base, &bot.to_string(), "Are you there?").await;
    // Wait until an attempt to the bot's handler has failed.
    let db = rusqlite::Connection::open(data.join("portico.sqlite3")).expect("db");
    let failed = || -> i64 {
        db.query_row(
            "SELECT count(*) FROM delivery_attempts a JOIN event_deliveries d \
             ON d.id = a.delivery_id JOIN outbound_webhooks w ON w.id = d.webhook_id \
             WHERE w.bot_id = ?1 AND a.outcome = 'retry'",
            [bot],
            |r| r.get(0),
        )
        .unwrap_or(0)
    };
    for _ in 0..100 {
        if failed() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(failed() > 0, "the handler was down");
    let back = tokio::net::TcpListener::bind(addr).await.expect("rebind");
    let (_, mut got) = common::receiver::receiver_on(back, 200, std::time::Duration::ZERO);
    let added = next_of(&mut got, "ONIMBOTMESSAGEADD").await;
    assert_eq!(added["data[PARAMS][MESSAGE]"], "Are you there?");
    server.stop();
}

#[tokio::test]
async fn a_fetch_mode_bot_polls_answers_and_sees_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = "correct horse battery";
    let server = Server::start(&data, &["--admin-password", password]);
    let base = server.base.trim_end_matches('/').to_owned();
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "imbot,im"]);
    let registered = call(
        &hook,
        "imbot.v2.Bot.register",
        json!({"fields": {"code": "poller", "botToken": "poll-token",
               "properties": {"name": "Poller"}}}),
    )
    .await;
    let bot = registered["bot"]["id"].as_i64().expect("id");
    let auth = json!({"botId": bot, "botToken": "poll-token"});
    let poll = |offset: Option<Value>| {
        let mut body = auth.clone();
        if let Some(offset) = offset {
            body["offset"] = offset;
        }
        let hook = hook.clone();
        async move { call(&hook, "imbot.v2.Event.get", body).await }
    };

    let ui = signed_in(&base, "admin", password).await;
    send_from_page(&ui, &base, &bot.to_string(), "first").await;
    send_from_page(&ui, &base, &bot.to_string(), "second").await;
    let mut seen: Vec<String> = Vec::new();
    let mut offset = None;
    for _ in 0..3 {
        let answer = poll(offset.clone()).await;
        for event in answer["events"].as_array().expect("events") {
            if event["type"] == "ONIMBOTV2MESSAGEADD" {
                seen.push(
                    event["data"]["message"]["text"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
                assert_eq!(event["data"]["chat"]["dialogId"], "1");
                assert_eq!(event["data"]["bot"]["id"], json!(bot));
            }
        }
        offset = Some(answer["nextOffset"].clone());
    }
    assert_eq!(seen, ["first", "second"], "each message exactly once");

    let mut send = auth.clone();
    send["dialogId"] = json!("1");
    send["fields"] = json!({"message": "Got both"});
    let sent = call(&hook, "imbot.v2.Chat.Message.send", send).await;
    assert!(sent["id"].as_i64().is_some(), "{sent}");
    let texts = dialog_texts(&hook, &bot.to_string()).await;
    assert_eq!(texts[0], ("Got both".to_owned(), bot));
    let later = poll(offset).await;
    assert_eq!(
        later["events"],
        json!([]),
        "the bot's own answer raises nothing"
    );
    server.stop();
}
