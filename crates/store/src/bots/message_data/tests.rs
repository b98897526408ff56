//! The message, join and command event data against the reference's key
//! lists (chat §3.3, §9.4).

use serde_json::Value;

use super::*;
use crate::bots::payload::BOT_AUTH_KEYS;
use crate::bots::{BotHandlers, EventMode};

fn bot(bot_type: BotType) -> Bot {
    Bot {
        code: "BOT1".to_owned(),
        handlers: BotHandlers::default(),
        webhook_url: None,
        ..crate::bots::test_bot(567, bot_type, 1)
    }
}

fn private_chat() -> ChatFacts {
    ChatFacts {
        id: 1407,
        chat_type: "P".to_owned(),
        user_count: 2,
        ..ChatFacts::default()
    }
}

fn group_chat() -> ChatFacts {
    ChatFacts {
        id: 1157,
        chat_type: "C".to_owned(),
        title: "Team".to_owned(),
        owner_id: 27,
        color: "BROWN".to_owned(),
        user_count: 3,
        prev_message_id: 84330,
        ..ChatFacts::default()
    }
}

fn hello() -> MessageFacts {
    MessageFacts {
        id: 84331,
        author_id: 27,
        text: "Hello".to_owned(),
        uuid: "0c42".to_owned(),
        ..MessageFacts::default()
    }
}

fn author() -> UserFacts {
    UserFacts {
        id: 27,
        first_name: "Klaus".to_owned(),
        last_name: "Weber".to_owned(),
        gender: "M".to_owned(),
        ..UserFacts::default()
    }
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The reference's 1:1 `ONIMBOTMESSAGEADD` `data[PARAMS]` keys, in order.
const PRIVATE_PARAMS: [&str; 27] = [
    "MESSAGE",
    "TEMPLATE_ID",
    "MESSAGE_TYPE",
    "FROM_USER_ID",
    "DIALOG_ID",
    "TO_CHAT_ID",
    "AUTHOR_ID",
    "SYSTEM",
    "TO_USER_ID",
    "PUSH",
    "PUSH_IMPORTANT",
    "RECENT_SKIP_AUTHOR",
    "CONVERT",
    "SKIP_COMMAND",
    "SKIP_COUNTER_INCREMENTS",
    "SILENT_CONNECTOR",
    "SKIP_CONNECTOR",
    "IMPORTANT_CONNECTOR",
    "NO_SESSION_OL",
    "FAKE_RELATION",
    "SKIP_URL_INDEX",
    "COMMAND_CONTEXT",
    "CHAT_USER_COUNT",
    "PLATFORM_CONTEXT",
    "MESSAGE_ID",
    "CHAT_TYPE",
    "LANGUAGE",
];

#[test]
fn a_private_message_has_the_reference_params_and_user() {
    let data = classic_message_add(&bot(BotType::Bot), &private_chat(), &hello(), &author());
    assert_eq!(keys(&data), ["BOT", "PARAMS", "USER"]);
    assert_eq!(keys(&data["PARAMS"]), PRIVATE_PARAMS);
    let p = &data["PARAMS"];
    assert_eq!(p["DIALOG_ID"], "27");
    assert_eq!(p["TO_CHAT_ID"], "1407");
    assert_eq!(p["TO_USER_ID"], "567");
    assert_eq!(p["COMMAND_CONTEXT"], "TEXTAREA");
    assert_eq!(
        keys(&data["USER"]),
        [
            "ID",
            "NAME",
            "FIRST_NAME",
            "LAST_NAME",
            "WORK_POSITION",
            "GENDER",
            "IS_BOT",
            "IS_CONNECTOR",
            "IS_NETWORK",
            "IS_EXTRANET"
        ]
    );
    assert_eq!(data["USER"]["NAME"], "Klaus Weber");
    assert_eq!(keys(&data["BOT"]["567"]), ["BOT_ID", "BOT_CODE"]);
}

#[test]
fn a_group_mention_adds_the_group_keys_and_strips_the_mention() {
    let message = MessageFacts {
        text: "[USER=567]NewBot[/USER] , how to …".to_owned(),
        mentioned: vec![567],
        ..hello()
    };
    let p = classic_message_params(&bot(BotType::Bot), &group_chat(), &message, "TEXTAREA");
    let group: Vec<&str> = p
        .keys()
        .map(String::as_str)
        .skip(PRIVATE_PARAMS.len())
        .collect();
    assert_eq!(
        group,
        [
            "CHAT_ID",
            "CHAT_TITLE",
            "CHAT_AUTHOR_ID",
            "CHAT_AVATAR",
            "CHAT_COLOR",
            "CHAT_ENTITY_TYPE",
            "CHAT_ENTITY_ID",
            "CHAT_ENTITY_DATA_1",
            "CHAT_ENTITY_DATA_2",
            "CHAT_ENTITY_DATA_3",
            "CHAT_EXTRANET",
            "CHAT_PREV_MESSAGE_ID",
            "CHAT_CAN_POST",
            "RID",
            "IS_MANAGER",
            "MENTIONED_LIST",
            "MESSAGE_ORIGINAL"
        ]
    );
    assert_eq!(p["MESSAGE"], ", how to …");
    assert_eq!(p["MESSAGE_ORIGINAL"], "[USER=567]NewBot[/USER] , how to …");
    assert_eq!(p["DIALOG_ID"], "chat1157");
    assert_eq!(p["MENTIONED_LIST"]["567"], "567");
}

#[test]
fn bots_see_messages_by_their_type() {
    let group = group_chat();
    assert!(sees_message(&bot(BotType::Bot), &private_chat(), false));
    assert!(!sees_message(&bot(BotType::Bot), &group, false));
    assert!(sees_message(&bot(BotType::Human), &group, true));
    assert!(sees_message(&bot(BotType::Supervisor), &group, false));
    assert!(sees_message(&bot(BotType::Personal), &group, false));
    assert!(!sees_message(&bot(BotType::Openline), &group, true));
    let lines = ChatFacts {
        chat_type: "L".to_owned(),
        ..group
    };
    assert!(sees_message(&bot(BotType::Openline), &lines, false));
}

#[test]
fn update_delete_and_join_have_the_reference_keys() {
    let b = bot(BotType::Bot);
    let update = classic_message_change(&b, &private_chat(), &hello(), &author(), false);
    assert_eq!(
        keys(&update["PARAMS"]),
        [
            "ID",
            "CHAT_ID",
            "AUTHOR_ID",
            "MESSAGE",
            "MESSAGE_TYPE",
            "CHAT_AUTHOR_ID",
            "CHAT_ENTITY_TYPE",
            "CHAT_ENTITY_ID",
            "CHAT_ENTITY_DATA_1",
            "CHAT_ENTITY_DATA_2",
            "CHAT_ENTITY_DATA_3",
            "FROM_USER_ID",
            "TO_USER_ID",
            "CHAT_USER_COUNT",
            "MENTIONED_LIST",
            "PLATFORM_CONTEXT",
            "MESSAGE_ORIGINAL",
            "DIALOG_ID",
            "MESSAGE_ID",
            "CHAT_TYPE",
            "LANGUAGE"
        ]
    );
    let delete = classic_message_change(&b, &private_chat(), &hello(), &author(), true);
    assert_eq!(keys(&delete["PARAMS"]).len(), 15);
    let join = classic_join_chat(&b, &private_chat(), &author());
    assert_eq!(
        keys(&join["PARAMS"]),
        [
            "CHAT_TYPE",
            "MESSAGE_TYPE",
            "BOT_ID",
            "USER_ID",
            "TO_USER_ID",
            "FROM_USER_ID",
            "DIALOG_ID",
            "LANGUAGE"
        ]
    );
    assert_eq!(join["USER"].as_object().map(|m| m.len()), Some(6));
    let group_join = classic_join_chat(&b, &group_chat(), &author());
    assert_eq!(group_join["PARAMS"]["DIALOG_ID"], "chat1157");
    assert_eq!(group_join["PARAMS"]["ACCESS_HISTORY"], "1");
}

#[test]
fn a_command_is_keyed_by_its_id_and_filled_with_the_bot_auth() {
    let b = bot(BotType::Bot);
    let command = CommandFacts {
        id: 9,
        command: "help".to_owned(),
        params: "topic".to_owned(),
        context: "KEYBOARD".to_owned(),
    };
    let mut data = classic_command_add(&b, &command, &group_chat(), &hello(), &author());
    assert_eq!(keys(&data), ["COMMAND", "PARAMS", "USER"]);
    assert_eq!(data["PARAMS"]["COMMAND_CONTEXT"], "KEYBOARD");
    assert_eq!(data["PARAMS"]["BOT_IN_CHAT"]["567"], "567");
    assert_eq!(
        keys(&data["USER"]),
        ["ID", "NAME", "FIRST_NAME", "LAST_NAME", "GENDER"]
    );
    let auth = crate::bots::payload::BotAuth {
        pairs: BOT_AUTH_KEYS.iter().map(|k| (*k, "v".to_owned())).collect(),
    };
    crate::bots::payload::fill_bot_auth(crate::bots::COMMAND_ADD, &mut data, &|_| auth.clone());
    let block = &data["COMMAND"]["9"];
    assert_eq!(block["COMMAND"], "help");
    assert_eq!(block["COMMAND_CONTEXT"], "KEYBOARD");
    assert_eq!(keys(&block["AUTH"]), BOT_AUTH_KEYS);
}

#[test]
fn v2_events_carry_bot_message_chat_user_and_language() {
    let b = Bot {
        api_version: 2,
        event_mode: EventMode::Fetch,
        ..bot(BotType::Bot)
    };
    let add = v2_message_event(&b, &private_chat(), &hello(), &author());
    assert_eq!(keys(&add), ["bot", "message", "chat", "user", "language"]);
    assert_eq!(
        add["chat"]["dialogId"], "27",
        "a private dialog is the other party's id"
    );
    assert_eq!(
        keys(&add["message"]),
        [
            "id",
            "chatId",
            "authorId",
            "date",
            "text",
            "isSystem",
            "uuid",
            "forward",
            "params",
            "viewedByOthers"
        ]
    );
    let delete = v2_message_delete(&b, &private_chat(), 5, &author());
    assert_eq!(
        keys(&delete),
        ["bot", "messageId", "chat", "user", "language"]
    );
    let join = v2_join_chat(&b, &group_chat(), &author());
    assert_eq!(keys(&join), ["bot", "dialogId", "chat", "user", "language"]);
    let command = CommandFacts {
        id: 9,
        command: "help".to_owned(),
        params: String::new(),
        context: "TEXTAREA".to_owned(),
    };
    let cmd = v2_command_add(&b, &command, &group_chat(), &hello(), &author());
    assert_eq!(
        keys(&cmd),
        ["bot", "command", "message", "chat", "user", "language"]
    );
    assert_eq!(cmd["command"]["command"], "/help");
    assert_eq!(cmd["command"]["context"], "textarea");
}

#[test]
fn mentions_are_read_from_user_tags() {
    assert_eq!(
        mentions("[USER=567]Bot[/USER], [USER=3]x[/USER] [USER=567]y[/USER] [USER=z]"),
        [567, 3]
    );
    assert!(mentions("no one").is_empty());
}
