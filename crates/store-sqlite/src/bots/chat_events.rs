//! The bot events of chat writes, raised on the write's own connection (so in
//! its transaction): a message added, changed or deleted in a chat with bots,
//! bots added to a chat or a dialog with a bot opened, a keyboard command
//! pressed. The facts come from the chat tables; the decisions from
//! `portico_store::bots::dispatch`.

use portico_store::bots::dispatch;
use portico_store::bots::message_data::{mentions, utc_date, ChatFacts, MessageFacts, UserFacts};
use portico_store::bots::{Bot, BotCommand, BotEventOut};
use portico_store::{EventStamp, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

use super::{bot_from_row, bot_select, command_from_row, COMMAND_SELECT};
use crate::error::map_err;

/// The bots among the members of chat `?1`.
const CHAT_BOTS: &str = concat!(
    bot_select!(),
    "WHERE b.id IN (SELECT user_id FROM chat_members WHERE chat_id = ?1) ORDER BY b.id"
);

/// The bots, not members of chat `?1`, with a common command.
const COMMON_BOTS: &str = concat!(
    bot_select!(),
    "WHERE b.id IN (SELECT bot_id FROM bot_commands WHERE common = 1) \
     AND b.id NOT IN (SELECT user_id FROM chat_members WHERE chat_id = ?1) ORDER BY b.id"
);

/// Rows of `sql` with `p` through `read`.
fn rows<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    p: P,
    read: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    let found = stmt.query_map(p, read).map_err(map_err)?;
    found.collect::<Result<_, _>>().map_err(map_err)
}

/// What a bot event tells of chat `id`; `None` without it.
fn chat_facts(conn: &Connection, id: i64, before: i64) -> Result<Option<ChatFacts>, StoreError> {
    conn.prepare_cached(
        "SELECT c.type, c.title, c.owner_id, c.color, c.entity_type, c.entity_id, \
         (SELECT count(*) FROM chat_members m WHERE m.chat_id = c.id), \
         (SELECT COALESCE(MAX(x.id), 0) FROM chat_messages x WHERE x.chat_id = c.id AND x.id < ?2) \
         FROM chats c WHERE c.id = ?1",
    )
    .and_then(|mut s| {
        s.query_row(params![id, before], |r| {
            Ok(ChatFacts {
                id,
                chat_type: r.get(0)?,
                title: r.get(1)?,
                owner_id: r.get(2)?,
                color: r.get(3)?,
                entity_type: r.get(4)?,
                entity_id: r.get(5)?,
                entity_data: Default::default(),
                user_count: r.get(6)?,
                prev_message_id: r.get(7)?,
            })
        })
        .optional()
    })
    .map_err(map_err)
}

/// What a bot event tells of user `id` (empty facts for the system).
fn user_facts(conn: &Connection, id: i64) -> Result<UserFacts, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT name, last_name, work_position, personal_gender, external_auth_id, user_type \
             FROM users WHERE id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([id], |r| {
                let text = |i: usize| -> rusqlite::Result<String> {
                    Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
                };
                Ok(UserFacts {
                    id,
                    first_name: text(0)?,
                    last_name: text(1)?,
                    work_position: text(2)?,
                    gender: text(3)?,
                    is_bot: text(4)? == "bot",
                    is_extranet: text(5)? == "extranet",
                })
            })
            .optional()
        })
        .map_err(map_err)?;
    Ok(found.unwrap_or(UserFacts {
        id,
        ..UserFacts::default()
    }))
}

/// Message `id` with its chat's id; `None` without it.
fn message_facts(conn: &Connection, id: i64) -> Result<Option<(i64, MessageFacts)>, StoreError> {
    conn.prepare_cached(
        "SELECT chat_id, author_id, text, uuid, created_at FROM chat_messages WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([id], |r| {
            let text: String = r.get(2)?;
            let author_id: i64 = r.get(1)?;
            let at: i64 = r.get(4)?;
            Ok((
                r.get(0)?,
                MessageFacts {
                    id,
                    author_id,
                    mentioned: mentions(&text),
                    text,
                    uuid: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    system: author_id == 0,
                    date: utc_date(at),
                },
            ))
        })
        .optional()
    })
    .map_err(map_err)
}

/// The bots of chat `chat_id`.
fn chat_bots(conn: &Connection, chat_id: i64) -> Result<Vec<Bot>, StoreError> {
    rows(conn, CHAT_BOTS, [chat_id], bot_from_row)
}

/// Raises `events` with `stamp`; whether one became a delivery.
fn raise(
    conn: &Connection,
    events: &[BotEventOut],
    stamp: &EventStamp,
) -> Result<bool, StoreError> {
    if events.is_empty() {
        return Ok(false);
    }
    super::outbox::raise(conn, events, stamp)
}

/// The stamp of a chat write by `user` at `at`.
fn stamp(user: i64, at: i64) -> EventStamp {
    EventStamp {
        at,
        user_id: (user > 0).then_some(user),
        auth_connector: None,
    }
}

/// After message `id` was written: its events for the chat's bots (and for
/// a bot whose common command it types); whether a delivery was made.
pub(crate) fn message_added(conn: &Connection, id: i64, at: i64) -> Result<bool, StoreError> {
    let Some((chat_id, message)) = message_facts(conn, id)? else {
        return Ok(false);
    };
    let bots = chat_bots(conn, chat_id)?;
    let typed = dispatch::typed_command(&message.text).is_some();
    if bots.is_empty() && !typed {
        return Ok(false);
    }
    let Some(chat) = chat_facts(conn, chat_id, id)? else {
        return Ok(false);
    };
    let (others, commands): (Vec<Bot>, Vec<BotCommand>) = if typed {
        (
            rows(conn, COMMON_BOTS, [chat_id], bot_from_row)?,
            rows(
                conn,
                &format!(
                    "{COMMAND_SELECT}WHERE common = 1 OR bot_id IN \
                     (SELECT user_id FROM chat_members WHERE chat_id = ?1) ORDER BY id"
                ),
                [chat_id],
                command_from_row,
            )?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let author = user_facts(conn, message.author_id)?;
    let events = dispatch::message_added(&bots, &others, &commands, &chat, &message, &author);
    raise(conn, &events, &stamp(message.author_id, at))
}

/// After message `id` was changed (or deleted): its events for the chat's
/// bots; whether a delivery was made.
pub(crate) fn message_changed(
    conn: &Connection,
    id: i64,
    at: i64,
    deleted: bool,
) -> Result<bool, StoreError> {
    let Some((chat_id, message)) = message_facts(conn, id)? else {
        return Ok(false);
    };
    let bots = chat_bots(conn, chat_id)?;
    if bots.is_empty() {
        return Ok(false);
    }
    let Some(chat) = chat_facts(conn, chat_id, id)? else {
        return Ok(false);
    };
    let author = user_facts(conn, message.author_id)?;
    let events = dispatch::message_changed(&bots, &chat, &message, &author, deleted);
    raise(conn, &events, &stamp(message.author_id, at))
}

/// After `users` joined chat `chat_id` (added by `by`, or a dialog opened by
/// `by`): the join event of each bot among them; whether a delivery was made.
pub(crate) fn members_added(
    conn: &Connection,
    chat_id: i64,
    users: &[i64],
    by: i64,
    at: i64,
) -> Result<bool, StoreError> {
    let bots: Vec<Bot> = chat_bots(conn, chat_id)?
        .into_iter()
        .filter(|b| users.contains(&b.id) && b.id != by)
        .collect();
    if bots.is_empty() {
        return Ok(false);
    }
    let Some(chat) = chat_facts(conn, chat_id, i64::MAX)? else {
        return Ok(false);
    };
    let user = user_facts(conn, by)?;
    let events: Vec<BotEventOut> = bots
        .iter()
        .filter_map(|bot| dispatch::joined(bot, &chat, &user))
        .collect();
    raise(conn, &events, &stamp(by, at))
}

/// A keyboard `COMMAND` button of message `message_id` pressed by `user`:
/// `ONIMCOMMANDADD` (context `KEYBOARD`) for the command of `bot_id` (or of
/// the chat's bots when `None`); whether the command was found.
pub(crate) fn keyboard_command(
    conn: &Connection,
    message_id: i64,
    bot_id: Option<i64>,
    command: &str,
    command_params: &str,
    user: i64,
    at: i64,
) -> Result<bool, StoreError> {
    let Some((chat_id, message)) = message_facts(conn, message_id)? else {
        return Ok(false);
    };
    let bots: Vec<Bot> = chat_bots(conn, chat_id)?
        .into_iter()
        .filter(|b| bot_id.is_none_or(|id| id == b.id))
        .collect();
    let commands = rows(
        conn,
        &format!("{COMMAND_SELECT}WHERE lower(command) = lower(?1) ORDER BY id"),
        [command.trim_start_matches('/')],
        command_from_row,
    )?;
    let found = commands
        .iter()
        .find_map(|c| bots.iter().find(|b| b.id == c.bot_id).map(|b| (b, c)));
    let Some((bot, command)) = found else {
        return Ok(false);
    };
    let Some(chat) = chat_facts(conn, chat_id, message_id)? else {
        return Ok(false);
    };
    let author = user_facts(conn, user)?;
    let event = dispatch::command_event(
        bot,
        command,
        command_params,
        "KEYBOARD",
        &chat,
        &message,
        &author,
    );
    raise(
        conn,
        &event.into_iter().collect::<Vec<_>>(),
        &stamp(user, at),
    )?;
    Ok(true)
}
