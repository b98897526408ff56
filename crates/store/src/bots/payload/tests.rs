//! The bot blocks against the reference's key lists (chat §3.3, §9.3).

use serde_json::json;

use super::*;
use crate::bots::{BotType, EventMode, BOT_DELETE, MESSAGE_ADD, V2_MESSAGE_ADD};

fn bot(owner: BotOwner, mode: EventMode) -> Bot {
    Bot {
        code: "BOT1".to_owned(),
        owner,
        event_mode: mode,
        ..crate::bots::test_bot(567, BotType::Bot, 1)
    }
}

fn full_auth(bot: i64) -> BotAuth {
    BotAuth {
        pairs: BOT_AUTH_KEYS
            .iter()
            .map(|k| {
                (
                    *k,
                    if *k == "user_id" {
                        bot.to_string()
                    } else {
                        format!("v-{k}")
                    },
                )
            })
            .collect(),
    }
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn classic_block_has_the_13_keys_their_copy_then_bot_id_and_code() {
    let app_bot = bot(BotOwner::App(3), EventMode::Webhook);
    let mut data = json!({ "BOT": classic_bot_entry(&app_bot), "PARAMS": {"MESSAGE": "Hello"} });
    assert_eq!(auth_targets(MESSAGE_ADD, &data), [567]);
    fill_bot_auth(MESSAGE_ADD, &mut data, &full_auth);
    let block = &data["BOT"]["567"];
    let mut expected: Vec<&str> = BOT_AUTH_KEYS.to_vec();
    expected.extend(["AUTH", "BOT_ID", "BOT_CODE"]);
    assert_eq!(keys(block), expected);
    assert_eq!(keys(&block["AUTH"]), BOT_AUTH_KEYS);
    assert_eq!(block["user_id"], "567");
    assert_eq!(block["BOT_ID"], "567");
    assert_eq!(block["BOT_CODE"], "BOT1");
    assert_eq!(keys(&data), ["BOT", "PARAMS"]);
}

#[test]
fn a_webhook_bot_carries_its_client_id_in_place() {
    let hook_bot = bot(
        BotOwner::Webhook {
            webhook_id: 4,
            client_id: Some("my-client".to_owned()),
        },
        EventMode::Webhook,
    );
    let mut data = json!({ "BOT": classic_bot_entry(&hook_bot) });
    assert_eq!(stored_client_id(&data, 567).as_deref(), Some("my-client"));
    let honest = |bot: i64| BotAuth {
        pairs: vec![
            ("domain", "portal.example".to_owned()),
            ("server_endpoint", "https://portal.example/rest/".to_owned()),
            ("client_endpoint", "https://portal.example/rest/".to_owned()),
            ("member_id", "m".to_owned()),
            ("user_id", bot.to_string()),
            ("client_id", "my-client".to_owned()),
            ("application_token", "t".to_owned()),
        ],
    };
    fill_bot_auth(MESSAGE_ADD, &mut data, &honest);
    let block = &data["BOT"]["567"];
    assert_eq!(
        keys(block),
        [
            "domain",
            "server_endpoint",
            "client_endpoint",
            "member_id",
            "user_id",
            "client_id",
            "application_token",
            "AUTH",
            "BOT_ID",
            "BOT_CODE"
        ]
    );
    assert_eq!(block["client_id"], "my-client");
}

#[test]
fn command_blocks_are_keyed_by_command_and_filled_per_bot() {
    let app_bot = bot(BotOwner::App(3), EventMode::Webhook);
    let mut entry = classic_bot_block(&app_bot);
    let extra = json!({"COMMAND": "help", "COMMAND_ID": "9", "COMMAND_PARAMS": "", "COMMAND_CONTEXT": "TEXTAREA", "MESSAGE_ID": "11"});
    for (k, v) in extra.as_object().expect("object") {
        entry[k] = v.clone();
    }
    let mut data = json!({ "COMMAND": { "9": entry } });
    assert_eq!(auth_targets(COMMAND_ADD, &data), [567]);
    fill_bot_auth(COMMAND_ADD, &mut data, &full_auth);
    let mut expected: Vec<&str> = BOT_AUTH_KEYS.to_vec();
    expected.extend([
        "AUTH",
        "BOT_ID",
        "BOT_CODE",
        "COMMAND",
        "COMMAND_ID",
        "COMMAND_PARAMS",
        "COMMAND_CONTEXT",
        "MESSAGE_ID",
    ]);
    assert_eq!(keys(&data["COMMAND"]["9"]), expected);
}

#[test]
fn deletion_carries_only_the_bot_id_and_code() {
    let app_bot = bot(BotOwner::App(3), EventMode::Webhook);
    let data = classic_delete_data(&app_bot);
    assert_eq!(keys(&data), ["BOT_ID", "BOT_CODE"]);
    assert!(auth_targets(BOT_DELETE, &data).is_empty());
    let v2 = v2_delete_data(&app_bot);
    assert!(auth_targets(V2_DELETE, &v2).is_empty());
}

#[test]
fn v2_webhook_bot_is_reduced_to_id_code_and_auth() {
    let webhook_bot = bot(BotOwner::App(3), EventMode::Webhook);
    let mut data =
        json!({ "bot": v2_bot_entry(&webhook_bot), "message": {"id": 1}, "language": "en" });
    assert_eq!(auth_targets(V2_MESSAGE_ADD, &data), [567]);
    fill_bot_auth(V2_MESSAGE_ADD, &mut data, &full_auth);
    assert_eq!(keys(&data["bot"]), ["id", "code", "auth"]);
    assert_eq!(keys(&data["bot"]["auth"]), BOT_AUTH_KEYS);
    let fetch_bot = bot(BotOwner::App(3), EventMode::Fetch);
    assert_eq!(
        keys(&v2_bot_entry(&fetch_bot)),
        [
            "id",
            "code",
            "type",
            "isHidden",
            "isSupportOpenline",
            "isReactionsEnabled",
            "backgroundId",
            "language",
            "moduleId",
            "eventMode"
        ]
    );
}
