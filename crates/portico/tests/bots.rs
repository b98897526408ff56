//! Chat bots against a real `portico serve` (private handlers allowed) and a
//! receiver on a loopback port: a bot registered through a webhook gets its
//! deletion event at its own handler, in Bitrix24's form, with the
//! application token Portico keeps for it; a 2.0 bot in webhook mode gets
//! `ONIMBOTV2DELETE` with its id and code.

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
