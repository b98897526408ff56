//! What every backend shares about bots: a command's languages as stored
//! (JSON), where a raised event goes, and what a removed bot is told.

use serde_json::{json, Value};

use super::payload::{classic_delete_data, v2_delete_data};
use super::{Bot, BotEventOut, CommandLang, EventMode, BOT_DELETE, V2_DELETE};

/// A command's languages as stored: a JSON list of `{LANGUAGE_ID, TITLE, PARAMS}`.
pub fn langs_to_json(langs: &[CommandLang]) -> String {
    Value::Array(
        langs
            .iter()
            .map(|l| json!({"LANGUAGE_ID": l.language_id, "TITLE": l.title, "PARAMS": l.params}))
            .collect(),
    )
    .to_string()
}

/// A command's languages from their stored JSON (nothing from anything else).
pub fn langs_from_json(text: &str) -> Vec<CommandLang> {
    let parsed: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let field = |l: &Value, k: &str| l[k].as_str().unwrap_or_default().to_owned();
    parsed
        .as_array()
        .map(|list| {
            list.iter()
                .map(|l| CommandLang {
                    language_id: field(l, "LANGUAGE_ID"),
                    title: field(l, "TITLE"),
                    params: field(l, "PARAMS"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Where an event raised for a bot goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// The fetch queue of a 2.0 bot in fetch mode.
    Queue,
    /// This handler URL.
    Handler(String),
    /// Nowhere: a classic event without a URL, a 2.0 bot without a webhook URL.
    Nowhere,
}

/// Where `event`, raised for `bot`, goes: a 2.0 fetch-mode bot's queue, the
/// event's own URL (classic), or the 2.0 bot's webhook URL.
pub fn destination(bot: &Bot, event: &BotEventOut) -> Destination {
    if bot.api_version >= 2 && bot.event_mode == EventMode::Fetch {
        return Destination::Queue;
    }
    let url = match &event.handler_url {
        Some(url) => Some(url.clone()),
        None if bot.api_version >= 2 => bot.webhook_url.clone(),
        None => None,
    };
    url.filter(|u| !u.is_empty())
        .map_or(Destination::Nowhere, Destination::Handler)
}

/// What a removed bot is told, if anything: `(URL, event code, data)` —
/// `ONIMBOTDELETE` at its `EVENT_BOT_DELETE` URL (classic), `ONIMBOTV2DELETE`
/// at its webhook URL (2.0 in webhook mode; a fetch-mode queue goes with
/// the bot).
pub fn farewell(bot: &Bot) -> Option<(String, &'static str, Value)> {
    if bot.api_version >= 2 {
        (bot.event_mode == EventMode::Webhook)
            .then(|| bot.webhook_url.clone())
            .flatten()
            .map(|url| (url, V2_DELETE, v2_delete_data(bot)))
    } else {
        bot.handlers
            .bot_delete
            .clone()
            .map(|url| (url, BOT_DELETE, classic_delete_data(bot)))
    }
}

/// Now by the system clock, Unix seconds: the instant of a bot's deletion
/// with its webhook (a webhook's deletion carries no instant of its own).
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
