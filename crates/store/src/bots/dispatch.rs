//! Which bot events a chat write raises (reference chat §3.2, §9.4), as
//! plain decisions over the bots of the chat: a message is
//! `ONIMBOTMESSAGEADD` to each bot that sees it (or `ONIMCOMMANDADD` to the
//! bot whose registered `/command` it starts with); an edit or deletion goes
//! only to classic bots that bound the handler (2.0 bots always get theirs);
//! a bot added to a chat, or a dialog opened with it, gets its join event.
//! Each bot gets its own generation's form. The backends run these in the
//! write's own transaction and raise what they return.

use super::message_data::{
    classic_command_add, classic_join_chat, classic_message_add, classic_message_change,
    sees_message, v2_command_add, v2_join_chat, v2_message_delete, v2_message_event, ChatFacts,
    CommandFacts, MessageFacts, UserFacts,
};
use super::{
    Bot, BotCommand, BotEventOut, COMMAND_ADD, JOIN_CHAT, MESSAGE_ADD, MESSAGE_DELETE,
    MESSAGE_UPDATE, V2_COMMAND_ADD, V2_JOIN_CHAT, V2_MESSAGE_ADD, V2_MESSAGE_DELETE,
    V2_MESSAGE_UPDATE,
};

/// A classic event for `bot` to `url`, or a 2.0 event (its URL decided by
/// the bot's mode); `None` for a classic bot without that handler.
fn event(
    bot: &Bot,
    code: &str,
    v2_code: &str,
    url: Option<&String>,
    data: serde_json::Value,
) -> Option<BotEventOut> {
    let v2 = bot.api_version >= 2;
    if !v2 && url.is_none() {
        return None;
    }
    Some(BotEventOut {
        bot_id: bot.id,
        code: if v2 { v2_code } else { code }.to_owned(),
        data,
        handler_url: if v2 { None } else { url.cloned() },
    })
}

/// The command a message starts with (`/help topic` → `help`, `topic`).
pub fn typed_command(text: &str) -> Option<(String, String)> {
    let rest = text.trim_start().strip_prefix('/')?;
    let (name, params) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then(|| (name.to_ascii_lowercase(), params.trim().to_owned()))
}

/// `ONIMCOMMANDADD` (or the 2.0 form) for `command` of `bot`.
pub fn command_event(
    bot: &Bot,
    command: &BotCommand,
    params: &str,
    context: &str,
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
) -> Option<BotEventOut> {
    let facts = CommandFacts {
        id: command.id,
        command: command.command.clone(),
        params: params.to_owned(),
        context: context.to_owned(),
    };
    let url = command
        .handler_url
        .as_ref()
        .or(bot.handlers.message_add.as_ref());
    let data = if bot.api_version >= 2 {
        v2_command_add(bot, &facts, chat, message, author)
    } else {
        classic_command_add(bot, &facts, chat, message, author)
    };
    event(bot, COMMAND_ADD, V2_COMMAND_ADD, url, data)
}

/// The events a new message raises for the bots of its chat (`bots`; a
/// bot's own message raises nothing for it). A message starting with a
/// `/command` of `commands` goes as that command to its bot instead: a
/// bot of the chat, or one of `others` for a common command.
pub fn message_added(
    bots: &[Bot],
    others: &[Bot],
    commands: &[BotCommand],
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
) -> Vec<BotEventOut> {
    if message.system || author.is_bot {
        return Vec::new();
    }
    if let Some((name, params)) = typed_command(&message.text) {
        let owner = commands
            .iter()
            .filter(|c| c.command.eq_ignore_ascii_case(&name))
            .find_map(|c| {
                let member = bots.iter().find(|b| b.id == c.bot_id);
                let common = || others.iter().find(|b| b.id == c.bot_id && c.common);
                member.or_else(common).map(|bot| (bot, c))
            });
        if let Some((bot, command)) = owner {
            return command_event(bot, command, &params, "TEXTAREA", chat, message, author)
                .into_iter()
                .collect();
        }
    }
    bots.iter()
        .filter(|bot| bot.id != message.author_id)
        .filter(|bot| sees_message(bot, chat, message.mentioned.contains(&bot.id)))
        .filter_map(|bot| {
            let data = if bot.api_version >= 2 {
                v2_message_event(bot, chat, message, author)
            } else {
                classic_message_add(bot, chat, message, author)
            };
            event(
                bot,
                MESSAGE_ADD,
                V2_MESSAGE_ADD,
                bot.handlers.message_add.as_ref(),
                data,
            )
        })
        .collect()
}

/// The events an edit (`deleted` false) or a deletion of a message raises for
/// the bots of its chat that see it: classic bots only with the handler bound.
pub fn message_changed(
    bots: &[Bot],
    chat: &ChatFacts,
    message: &MessageFacts,
    author: &UserFacts,
    deleted: bool,
) -> Vec<BotEventOut> {
    if author.is_bot {
        return Vec::new();
    }
    bots.iter()
        .filter(|bot| bot.id != message.author_id)
        .filter(|bot| sees_message(bot, chat, message.mentioned.contains(&bot.id)))
        .filter_map(|bot| {
            let v2 = bot.api_version >= 2;
            let (code, v2_code, url) = if deleted {
                (
                    MESSAGE_DELETE,
                    V2_MESSAGE_DELETE,
                    bot.handlers.message_delete.as_ref(),
                )
            } else {
                (
                    MESSAGE_UPDATE,
                    V2_MESSAGE_UPDATE,
                    bot.handlers.message_update.as_ref(),
                )
            };
            let data = match (v2, deleted) {
                (true, true) => v2_message_delete(bot, chat, message.id, author),
                (true, false) => v2_message_event(bot, chat, message, author),
                (false, _) => classic_message_change(bot, chat, message, author, deleted),
            };
            event(bot, code, v2_code, url, data)
        })
        .collect()
}

/// The join event of `bot`, added to `chat` (or a dialog with it opened) by `user`.
pub fn joined(bot: &Bot, chat: &ChatFacts, user: &UserFacts) -> Option<BotEventOut> {
    let data = if bot.api_version >= 2 {
        v2_join_chat(bot, chat, user)
    } else {
        classic_join_chat(bot, chat, user)
    };
    event(
        bot,
        JOIN_CHAT,
        V2_JOIN_CHAT,
        bot.handlers.welcome_message.as_ref(),
        data,
    )
}

#[cfg(test)]
mod tests;
