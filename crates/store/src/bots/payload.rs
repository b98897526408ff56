//! The `data` of the events raised for bots (reference chat §3.3 and §9.3–9.4)
//! and the per-bot `auth` blocks the delivery worker fills in at send time.
//!
//! An event is stored with the bot's block holding only what is known when it
//! is raised (`BOT_ID`, `BOT_CODE`, and for a webhook's bot its `client_id`);
//! [`fill_bot_auth`] turns it into the block Bitrix24 sends: the 13 auth keys,
//! their `AUTH` copy, then the rest. IDs are strings, as form-encoded events
//! carry them.

use serde_json::{json, Map, Value};

use super::{Bot, BotOwner, COMMAND_ADD, V2_DELETE};

/// The 13 keys of a bot's auth block, in the reference's order.
pub const BOT_AUTH_KEYS: [&str; 13] = [
    "access_token",
    "expires",
    "expires_in",
    "scope",
    "domain",
    "server_endpoint",
    "status",
    "client_endpoint",
    "member_id",
    "refresh_token",
    "user_id",
    "client_id",
    "application_token",
];

/// The key of a webhook bot's `CLIENT_ID` inside its stored block.
const STORED_CLIENT_ID: &str = "client_id";

/// A bot's auth block as the worker can give it: tokens acting as the bot
/// user (an application's bot) or only the portal's part (a webhook's bot,
/// which has no OAuth client to mint tokens for).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BotAuth {
    /// Keys in [`BOT_AUTH_KEYS`] order with their values; keys Portico
    /// cannot honestly give are left out.
    pub pairs: Vec<(&'static str, String)>,
}

impl BotAuth {
    /// The block as a JSON object, in order.
    fn to_map(&self) -> Map<String, Value> {
        self.pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
            .collect()
    }
}

/// The bot's block stored with a classic event: `BOT_ID`, `BOT_CODE`, and a
/// webhook bot's `client_id` (moved into place when the auth is filled in).
pub fn classic_bot_block(bot: &Bot) -> Value {
    let mut block = Map::new();
    if let BotOwner::Webhook {
        client_id: Some(client_id),
        ..
    } = &bot.owner
    {
        block.insert(STORED_CLIENT_ID.to_owned(), json!(client_id));
    }
    block.insert("BOT_ID".to_owned(), json!(bot.id.to_string()));
    block.insert("BOT_CODE".to_owned(), json!(bot.code));
    Value::Object(block)
}

/// `data[BOT]` of a classic message or join event addressed to `bot`.
pub fn classic_bot_entry(bot: &Bot) -> Value {
    let mut map = Map::new();
    map.insert(bot.id.to_string(), classic_bot_block(bot));
    Value::Object(map)
}

/// `data` of `ONIMBOTDELETE`: only `BOT_ID` and `BOT_CODE`.
pub fn classic_delete_data(bot: &Bot) -> Value {
    json!({ "BOT_ID": bot.id.to_string(), "BOT_CODE": bot.code })
}

/// The 2.0 `Bot` object (reference §9.4; `Bot.get`'s extended form).
pub fn v2_bot_object(bot: &Bot) -> Value {
    json!({
        "id": bot.id,
        "code": bot.code,
        "type": bot.bot_type.v2_name(),
        "isHidden": bot.flags.hidden,
        "isSupportOpenline": bot.flags.support_openline,
        "isReactionsEnabled": bot.flags.reactions_enabled,
        "backgroundId": bot.flags.background_id,
        "language": "en",
        "moduleId": "rest",
        "eventMode": bot.event_mode.as_str(),
    })
}

/// `data.bot` of a 2.0 event: the whole object in fetch mode, `{id, code}`
/// (its `auth` filled in at send time) in webhook mode.
pub fn v2_bot_entry(bot: &Bot) -> Value {
    match bot.event_mode {
        super::EventMode::Fetch => v2_bot_object(bot),
        super::EventMode::Webhook => json!({ "id": bot.id, "code": bot.code }),
    }
}

/// `data` of `ONIMBOTV2DELETE`: the bot only.
pub fn v2_delete_data(bot: &Bot) -> Value {
    json!({ "bot": v2_bot_entry(bot) })
}

/// The bots whose auth blocks an event's `data` holds: the keys of
/// `data[BOT]` (classic message and join events), the `BOT_ID` of each
/// `data[COMMAND]` entry, or `data.bot.id` (2.0 events but the deletion).
pub fn auth_targets(code: &str, data: &Value) -> Vec<i64> {
    let id = |v: &Value| match v {
        Value::String(s) => s.parse().ok(),
        other => other.as_i64(),
    };
    if code.eq_ignore_ascii_case(COMMAND_ADD) {
        return data["COMMAND"]
            .as_object()
            .map(|m| m.values().filter_map(|c| id(&c["BOT_ID"])).collect())
            .unwrap_or_default();
    }
    if let Some(bots) = data["BOT"].as_object() {
        return bots.keys().filter_map(|k| k.parse().ok()).collect();
    }
    if !code.eq_ignore_ascii_case(V2_DELETE) {
        if let Some(bot) = id(&data["bot"]["id"]) {
            return vec![bot];
        }
    }
    Vec::new()
}

/// The `CLIENT_ID` a webhook bot's stored block carries for bot `bot_id`.
pub fn stored_client_id(data: &Value, bot_id: i64) -> Option<String> {
    let key = bot_id.to_string();
    let from_bot = data["BOT"][&key][STORED_CLIENT_ID].as_str();
    let from_command = data["COMMAND"].as_object().and_then(|m| {
        m.values()
            .find(|c| c["BOT_ID"].as_str() == Some(key.as_str()))
            .and_then(|c| c[STORED_CLIENT_ID].as_str())
    });
    from_bot.or(from_command).map(str::to_owned)
}

/// Rebuilds a classic block: the auth keys, their `AUTH` copy, then what the
/// stored block held besides its `client_id`.
fn classic_block(stored: &Value, auth: &BotAuth) -> Value {
    let mut block = auth.to_map();
    block.insert("AUTH".to_owned(), Value::Object(auth.to_map()));
    if let Some(rest) = stored.as_object() {
        for (k, v) in rest {
            if k != STORED_CLIENT_ID {
                block.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(block)
}

/// Fills the auth block of each bot [`auth_targets`] names with `auth_for`'s
/// answer; a bot it has no answer for keeps its stored block less its
/// `client_id`.
pub fn fill_bot_auth(code: &str, data: &mut Value, auth_for: &dyn Fn(i64) -> BotAuth) {
    if code.eq_ignore_ascii_case(COMMAND_ADD) {
        if let Some(commands) = data["COMMAND"].as_object_mut() {
            for entry in commands.values_mut() {
                let bot = entry["BOT_ID"].as_str().and_then(|s| s.parse().ok());
                if let Some(bot) = bot {
                    *entry = classic_block(entry, &auth_for(bot));
                }
            }
        }
        return;
    }
    if let Some(bots) = data.get_mut("BOT").and_then(Value::as_object_mut) {
        for (key, entry) in bots.iter_mut() {
            if let Ok(bot) = key.parse() {
                *entry = classic_block(entry, &auth_for(bot));
            }
        }
        return;
    }
    if code.eq_ignore_ascii_case(V2_DELETE) {
        return;
    }
    if let Some(bot) = data.get_mut("bot").and_then(Value::as_object_mut) {
        if let Some(id) = bot.get("id").and_then(Value::as_i64) {
            bot.insert("auth".to_owned(), Value::Object(auth_for(id).to_map()));
        }
    }
}

#[cfg(test)]
mod tests;
