//! The `data` of a bot's message, join and command events (reference chat
//! §3.2–3.3 for the classic form, §9.4 for 2.0), built from plain facts about
//! the chat, the message and its author, so the chat's write path can raise
//! them in its own transaction. Which bots see a message is
//! [`sees_message`].

use serde_json::{json, Map, Value};

use super::payload::{classic_bot_block, classic_bot_entry, v2_bot_entry};
use super::{Bot, BotType};

/// What a bot event tells of the chat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChatFacts {
    /// Chat id.
    pub id: i64,
    /// `P` (1:1), `C` (group), `O` (open), `L` (open line), …
    pub chat_type: String,
    /// Title.
    pub title: String,
    /// The chat's author (owner).
    pub owner_id: i64,
    /// Colour code (`BROWN`…).
    pub color: String,
    /// Entity binding: type and id, and its three data fields.
    pub entity_type: String,
    /// See `entity_type`.
    pub entity_id: String,
    /// `ENTITY_DATA_1..3`.
    pub entity_data: [String; 3],
    /// Members.
    pub user_count: i64,
    /// The message before this one, if any.
    pub prev_message_id: i64,
}

impl ChatFacts {
    /// Whether it is a 1:1 dialog.
    pub fn is_private(&self) -> bool {
        self.chat_type == "P"
    }
}

/// What a bot event tells of the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageFacts {
    /// Message id.
    pub id: i64,
    /// Author (0: system).
    pub author_id: i64,
    /// The text as written.
    pub text: String,
    /// Client UUID (`TEMPLATE_ID`), empty for none.
    pub uuid: String,
    /// A system message.
    pub system: bool,
    /// Instant, ISO 8601 (2.0 `date`).
    pub date: String,
    /// The users mentioned (`[USER=id]`), in order.
    pub mentioned: Vec<i64>,
}

/// What a bot event tells of the user who wrote (or added the bot).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserFacts {
    /// User id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Work position.
    pub work_position: String,
    /// `M`, `F` or empty.
    pub gender: String,
    /// A bot.
    pub is_bot: bool,
    /// An extranet user.
    pub is_extranet: bool,
}

impl UserFacts {
    /// First and last name.
    fn full_name(&self) -> String {
        [self.first_name.as_str(), self.last_name.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Whether a bot of `bot` sees a message in a chat (reference §3.2): a 1:1
/// dialog always; a group chat when it sees every message (supervisor,
/// personal) or is mentioned; an open-line bot only in open-line chats.
pub fn sees_message(bot: &Bot, chat: &ChatFacts, mentioned: bool) -> bool {
    if bot.bot_type == BotType::Openline {
        return chat.chat_type == "L" || chat.is_private();
    }
    chat.is_private() || mentioned || bot.bot_type.sees_every_message()
}

/// `text` with the mentions of `bot_id` (`[USER=id]…[/USER]`) taken out and
/// the start trimmed, as Bitrix24 hands `MESSAGE` to a mentioned bot.
pub fn strip_mention(text: &str, bot_id: i64) -> String {
    let open = format!("[USER={bot_id}]");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        rest = match after.find("[/USER]") {
            Some(end) => &after[end + "[/USER]".len()..],
            None => after,
        };
    }
    out.push_str(rest);
    out.trim_start().to_owned()
}

/// Unix seconds as ISO 8601 in UTC (a 2.0 message's `date`).
pub fn utc_date(unix_seconds: i64) -> String {
    let utc = chrono::FixedOffset::east_opt(0).expect("zero offset is valid");
    portico_protocol::envelope::format_datetime(unix_seconds, utc)
}

/// The users a text mentions (`[USER=id]`), each once, in order.
pub fn mentions(text: &str) -> Vec<i64> {
    let mut found = Vec::new();
    for part in text.split("[USER=").skip(1) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(id) = digits.parse::<i64>() {
            if part[digits.len()..].starts_with(']') && !found.contains(&id) {
                found.push(id);
            }
        }
    }
    found
}

/// `MENTIONED_LIST`: the users mentioned, keyed by id, ids as strings.
fn mentioned_list(message: &MessageFacts) -> Value {
    let list: Map<String, Value> = message
        .mentioned
        .iter()
        .map(|id| (id.to_string(), Value::String(id.to_string())))
        .collect();
    Value::Object(list)
}

/// `Y` or `N`.
fn yn(flag: bool) -> &'static str {
    if flag {
        "Y"
    } else {
        "N"
    }
}

/// The dialog id the bot sees: the other party's id in 1:1, else `chatN`.
fn dialog_id(chat: &ChatFacts, other: i64) -> String {
    if chat.is_private() {
        other.to_string()
    } else {
        format!("chat{}", chat.id)
    }
}

/// Classic `data[USER]` of a message event (10 keys).
pub fn classic_user(user: &UserFacts) -> Value {
    json!({
        "ID": user.id.to_string(),
        "NAME": user.full_name(),
        "FIRST_NAME": user.first_name,
        "LAST_NAME": user.last_name,
        "WORK_POSITION": user.work_position,
        "GENDER": user.gender,
        "IS_BOT": yn(user.is_bot),
        "IS_CONNECTOR": "N",
        "IS_NETWORK": "N",
        "IS_EXTRANET": yn(user.is_extranet),
    })
}

/// Classic `data[PARAMS]` of `ONIMBOTMESSAGEADD` for `bot` (1:1 keys, plus
/// the group keys in a group chat); `context` is `TEXTAREA` or `KEYBOARD`.
pub fn classic_message_params(
    bot: &Bot,
    chat: &ChatFacts,
    message: &MessageFacts,
    context: &str,
) -> Map<String, Value> {
    let s = |v: i64| Value::String(v.to_string());
    let mut p = Map::new();
    let mut put = |k: &str, v: Value| {
        p.insert(k.to_owned(), v);
    };
    put("MESSAGE", json!(strip_mention(&message.text, bot.id)));
    put("TEMPLATE_ID", json!(message.uuid));
    put("MESSAGE_TYPE", json!(chat.chat_type));
    put("FROM_USER_ID", s(message.author_id));
    put("DIALOG_ID", json!(dialog_id(chat, message.author_id)));
    put("TO_CHAT_ID", s(chat.id));
    put("AUTHOR_ID", s(message.author_id));
    put("SYSTEM", json!(yn(message.system)));
    put("TO_USER_ID", s(bot.id));
    for (k, v) in [
        ("PUSH", "Y"),
        ("PUSH_IMPORTANT", "N"),
        ("RECENT_SKIP_AUTHOR", "N"),
        ("CONVERT", "N"),
        ("SKIP_COMMAND", "N"),
        ("SKIP_COUNTER_INCREMENTS", "N"),
        ("SILENT_CONNECTOR", "N"),
        ("SKIP_CONNECTOR", "N"),
        ("IMPORTANT_CONNECTOR", "N"),
        ("NO_SESSION_OL", "N"),
        ("FAKE_RELATION", "0"),
        ("SKIP_URL_INDEX", "N"),
    ] {
        put(k, json!(v));
    }
    put("COMMAND_CONTEXT", json!(context));
    put("CHAT_USER_COUNT", s(chat.user_count));
    put("PLATFORM_CONTEXT", json!("web"));
    put("MESSAGE_ID", s(message.id));
    put("CHAT_TYPE", json!(chat.chat_type));
    put("LANGUAGE", json!("en"));
    if !chat.is_private() {
        put("CHAT_ID", s(chat.id));
        put("CHAT_TITLE", json!(chat.title));
        put("CHAT_AUTHOR_ID", s(chat.owner_id));
        put("CHAT_AVATAR", json!("0"));
        put("CHAT_COLOR", json!(chat.color));
        put("CHAT_ENTITY_TYPE", json!(chat.entity_type));
        put("CHAT_ENTITY_ID", json!(chat.entity_id));
        for (i, d) in chat.entity_data.iter().enumerate() {
            put(&format!("CHAT_ENTITY_DATA_{}", i + 1), json!(d));
        }
        put("CHAT_EXTRANET", json!("N"));
        put("CHAT_PREV_MESSAGE_ID", s(chat.prev_message_id));
        put("CHAT_CAN_POST", json!("MEMBER"));
        put("RID", s(chat.id));
        put("IS_MANAGER", json!("N"));
        put("MENTIONED_LIST", mentioned_list(message));
        put("MESSAGE_ORIGINAL", json!(message.text));
    }
    p
}

/// `data` of `ONIMBOTMESSAGEADD` for `bot`.
pub fn classic_message_add(
    bot: &Bot,
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
) -> Value {
    json!({
        "BOT": classic_bot_entry(bot),
        "PARAMS": classic_message_params(bot, chat, message, "TEXTAREA"),
        "USER": classic_user(author),
    })
}

/// `data` of `ONIMBOTMESSAGEUPDATE` (`deleted` false) or
/// `ONIMBOTMESSAGEDELETE` for `bot`.
pub fn classic_message_change(
    bot: &Bot,
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
    deleted: bool,
) -> Value {
    let s = |v: i64| Value::String(v.to_string());
    let mut p = Map::new();
    let mut put = |k: &str, v: Value| {
        p.insert(k.to_owned(), v);
    };
    put("ID", s(message.id));
    put("CHAT_ID", s(chat.id));
    put("AUTHOR_ID", s(message.author_id));
    put("MESSAGE", json!(strip_mention(&message.text, bot.id)));
    put("MESSAGE_TYPE", json!(chat.chat_type));
    put("CHAT_AUTHOR_ID", s(chat.owner_id));
    put("CHAT_ENTITY_TYPE", json!(chat.entity_type));
    put("CHAT_ENTITY_ID", json!(chat.entity_id));
    for (i, d) in chat.entity_data.iter().enumerate() {
        put(&format!("CHAT_ENTITY_DATA_{}", i + 1), json!(d));
    }
    if !deleted {
        put("FROM_USER_ID", s(message.author_id));
        put("TO_USER_ID", s(bot.id));
        put("CHAT_USER_COUNT", s(chat.user_count));
        put("MENTIONED_LIST", mentioned_list(message));
        put("PLATFORM_CONTEXT", json!("web"));
        put("MESSAGE_ORIGINAL", json!(message.text));
    }
    put("DIALOG_ID", json!(dialog_id(chat, message.author_id)));
    put("MESSAGE_ID", s(message.id));
    put("CHAT_TYPE", json!(chat.chat_type));
    put("LANGUAGE", json!("en"));
    json!({ "BOT": classic_bot_entry(bot), "PARAMS": p, "USER": classic_user(author) })
}

/// `data` of `ONIMBOTJOINCHAT` for `bot`, added by (or opened by) `user`.
pub fn classic_join_chat(bot: &Bot, chat: &ChatFacts, user: &UserFacts) -> Value {
    let s = |v: i64| Value::String(v.to_string());
    let params = if chat.is_private() {
        json!({
            "CHAT_TYPE": "P", "MESSAGE_TYPE": "P", "BOT_ID": s(bot.id), "USER_ID": s(user.id),
            "TO_USER_ID": s(bot.id), "FROM_USER_ID": s(user.id),
            "DIALOG_ID": user.id.to_string(), "LANGUAGE": "en",
        })
    } else {
        json!({
            "CHAT_TYPE": chat.chat_type, "MESSAGE_TYPE": chat.chat_type, "BOT_ID": s(bot.id),
            "USER_ID": s(user.id), "CHAT_ID": s(chat.id), "CHAT_AUTHOR_ID": s(chat.owner_id),
            "CHAT_ENTITY_TYPE": chat.entity_type, "CHAT_ENTITY_ID": chat.entity_id,
            "ACCESS_HISTORY": "1", "DIALOG_ID": format!("chat{}", chat.id), "LANGUAGE": "en",
        })
    };
    let u = json!({
        "ID": s(user.id), "NAME": user.full_name(), "FIRST_NAME": user.first_name,
        "LAST_NAME": user.last_name, "WORK_POSITION": user.work_position, "GENDER": user.gender,
    });
    json!({ "BOT": classic_bot_entry(bot), "PARAMS": params, "USER": u })
}

/// A command as typed in a message: its id, name and parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandFacts {
    /// Command id.
    pub id: i64,
    /// The command without its slash.
    pub command: String,
    /// What followed it.
    pub params: String,
    /// `TEXTAREA` or `KEYBOARD` (classic); `textarea`, `keyboard`, `menu` (2.0).
    pub context: String,
}

/// `data` of `ONIMCOMMANDADD` for `bot`'s command.
pub fn classic_command_add(
    bot: &Bot,
    command: &CommandFacts,
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
) -> Value {
    let mut block = classic_bot_block(bot);
    for (k, v) in [
        ("COMMAND", json!(command.command)),
        ("COMMAND_ID", json!(command.id.to_string())),
        ("COMMAND_PARAMS", json!(command.params)),
        ("COMMAND_CONTEXT", json!(command.context)),
        ("MESSAGE_ID", json!(message.id.to_string())),
    ] {
        block[k] = v;
    }
    let mut params = classic_message_params(bot, chat, message, &command.context);
    params.insert("SKIP_USER_CHECK".to_owned(), json!("Y"));
    params.insert("RECENT_ADD".to_owned(), json!("Y"));
    params.insert("CHAT_PARENT_ID".to_owned(), json!("0"));
    params.insert("CHAT_PARENT_MID".to_owned(), json!("0"));
    if !chat.is_private() {
        params.insert(
            "BOT_IN_CHAT".to_owned(),
            json!({ bot.id.to_string(): bot.id.to_string() }),
        );
    }
    let user = json!({
        "ID": author.id.to_string(), "NAME": author.full_name(),
        "FIRST_NAME": author.first_name, "LAST_NAME": author.last_name, "GENDER": author.gender,
    });
    let mut commands = Map::new();
    commands.insert(command.id.to_string(), block);
    json!({ "COMMAND": commands, "PARAMS": params, "USER": user })
}

/// The 2.0 `message` object.
pub fn v2_message(chat: &ChatFacts, message: &MessageFacts) -> Value {
    json!({
        "id": message.id, "chatId": chat.id, "authorId": message.author_id,
        "date": message.date, "text": message.text, "isSystem": message.system,
        "uuid": message.uuid, "forward": null, "params": {}, "viewedByOthers": false,
    })
}

/// The 2.0 `chat` object, as `bot` sees it (a 1:1 dialog is the other
/// party's id).
pub fn v2_chat(chat: &ChatFacts, other: i64) -> Value {
    let kind = match chat.chat_type.as_str() {
        "O" => "open",
        "L" => "lines",
        "P" => "private",
        _ => "chat",
    };
    json!({
        "id": chat.id, "dialogId": dialog_id(chat, other), "type": kind,
        "messageType": chat.chat_type, "name": chat.title, "entityType": chat.entity_type,
        "owner": chat.owner_id, "avatar": "", "color": chat.color,
    })
}

/// The 2.0 `user` object of an event.
pub fn v2_user(user: &UserFacts) -> Value {
    json!({
        "id": user.id, "active": true, "name": user.full_name(), "firstName": user.first_name,
        "lastName": user.last_name, "workPosition": user.work_position, "gender": user.gender,
        "bot": user.is_bot, "extranet": user.is_extranet,
        "externalAuthId": if user.is_bot { "bot" } else { "default" },
        "type": if user.is_bot { "bot" } else if user.is_extranet { "extranet" } else { "employee" },
        "idle": false, "lastActivityDate": false, "mobileLastDate": false, "desktopLastDate": false,
    })
}

/// `data` of `ONIMBOTV2MESSAGEADD` / `…UPDATE` for `bot`.
pub fn v2_message_event(
    bot: &Bot,
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
) -> Value {
    json!({
        "bot": v2_bot_entry(bot), "message": v2_message(chat, message),
        "chat": v2_chat(chat, author.id), "user": v2_user(author), "language": "en",
    })
}

/// `data` of `ONIMBOTV2MESSAGEDELETE` for `bot`.
pub fn v2_message_delete(
    bot: &Bot,
    chat: &ChatFacts,
    message_id: i64,
    author: &UserFacts,
) -> Value {
    json!({
        "bot": v2_bot_entry(bot), "messageId": message_id, "chat": v2_chat(chat, author.id),
        "user": v2_user(author), "language": "en",
    })
}

/// `data` of `ONIMBOTV2JOINCHAT` for `bot`, added by `user`.
pub fn v2_join_chat(bot: &Bot, chat: &ChatFacts, user: &UserFacts) -> Value {
    json!({
        "bot": v2_bot_entry(bot), "dialogId": dialog_id(chat, user.id),
        "chat": v2_chat(chat, user.id), "user": v2_user(user), "language": "en",
    })
}

/// `data` of `ONIMBOTV2COMMANDADD` for `bot`'s command.
pub fn v2_command_add(
    bot: &Bot,
    command: &CommandFacts,
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
) -> Value {
    json!({
        "bot": v2_bot_entry(bot),
        "command": {"id": command.id, "command": format!("/{}", command.command),
                    "params": command.params, "context": command.context.to_ascii_lowercase()},
        "message": v2_message(chat, message), "chat": v2_chat(chat, author.id),
        "user": v2_user(author), "language": "en",
    })
}

#[cfg(test)]
mod tests;
