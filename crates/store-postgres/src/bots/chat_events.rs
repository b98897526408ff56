//! The bot events of chat writes on PostgreSQL, raised in the write's own
//! transaction (see the SQLite twin): a message added, changed or deleted in
//! a chat with bots, bots joining a chat or a dialog with a bot opened, a
//! keyboard command pressed.

use deadpool_postgres::Transaction;
use portico_store::bots::dispatch;
use portico_store::bots::message_data::{mentions, utc_date, ChatFacts, MessageFacts, UserFacts};
use portico_store::bots::{Bot, BotCommand, BotEventOut};
use portico_store::EventStamp;

use super::{bot_from_row, command_from_row, BOT_SELECT, COMMAND_SELECT};
use crate::DbResult;

/// The bots among the members of chat `chat_id`.
async fn chat_bots(tx: &Transaction<'_>, chat_id: i64) -> DbResult<Vec<Bot>> {
    let sql = format!(
        "{BOT_SELECT}WHERE b.id IN (SELECT user_id FROM chat_members WHERE chat_id = $1) \
         ORDER BY b.id"
    );
    let statement = tx.prepare_cached(&sql).await?;
    tx.query(&statement, &[&chat_id])
        .await?
        .iter()
        .map(bot_from_row)
        .collect()
}

/// What a bot event tells of chat `id`.
async fn chat_facts(tx: &Transaction<'_>, id: i64, before: i64) -> DbResult<Option<ChatFacts>> {
    let statement = tx
        .prepare_cached(
            "SELECT c.type, c.title, c.owner_id, c.color, c.entity_type, c.entity_id, \
             (SELECT count(*) FROM chat_members m WHERE m.chat_id = c.id), \
             (SELECT COALESCE(MAX(x.id), 0) FROM chat_messages x \
               WHERE x.chat_id = c.id AND x.id < $2) \
             FROM chats c WHERE c.id = $1",
        )
        .await?;
    let Some(r) = tx.query_opt(&statement, &[&id, &before]).await? else {
        return Ok(None);
    };
    Ok(Some(ChatFacts {
        id,
        chat_type: r.try_get(0)?,
        title: r.try_get(1)?,
        owner_id: r.try_get(2)?,
        color: r.try_get(3)?,
        entity_type: r.try_get(4)?,
        entity_id: r.try_get(5)?,
        entity_data: Default::default(),
        user_count: r.try_get(6)?,
        prev_message_id: r.try_get(7)?,
    }))
}

/// What a bot event tells of user `id`.
async fn user_facts(tx: &Transaction<'_>, id: i64) -> DbResult<UserFacts> {
    let statement = tx
        .prepare_cached(
            "SELECT name, last_name, work_position, personal_gender, external_auth_id, \
             user_type FROM users WHERE id = $1",
        )
        .await?;
    let Some(r) = tx.query_opt(&statement, &[&id]).await? else {
        return Ok(UserFacts {
            id,
            ..UserFacts::default()
        });
    };
    let text = |i: usize| -> DbResult<String> {
        Ok(r.try_get::<_, Option<String>>(i)?.unwrap_or_default())
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
}

/// Message `id` with its chat's id.
async fn message_facts(tx: &Transaction<'_>, id: i64) -> DbResult<Option<(i64, MessageFacts)>> {
    let statement = tx
        .prepare_cached(
            "SELECT chat_id, author_id, text, uuid, created_at FROM chat_messages WHERE id = $1",
        )
        .await?;
    let Some(r) = tx.query_opt(&statement, &[&id]).await? else {
        return Ok(None);
    };
    let text: String = r.try_get(2)?;
    let author_id: i64 = r.try_get(1)?;
    let at: i64 = r.try_get(4)?;
    Ok(Some((
        r.try_get(0)?,
        MessageFacts {
            id,
            author_id,
            mentioned: mentions(&text),
            text,
            uuid: r.try_get::<_, Option<String>>(3)?.unwrap_or_default(),
            system: author_id == 0,
            date: utc_date(at),
        },
    )))
}

/// The commands `sql` (after [`COMMAND_SELECT`]) selects with `p`.
async fn commands(
    tx: &Transaction<'_>,
    sql: &str,
    p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> DbResult<Vec<BotCommand>> {
    let statement = tx.prepare_cached(&format!("{COMMAND_SELECT}{sql}")).await?;
    tx.query(&statement, p)
        .await?
        .iter()
        .map(command_from_row)
        .collect()
}

/// Raises `events` with `stamp`.
async fn raise(tx: &Transaction<'_>, events: &[BotEventOut], user: i64, at: i64) -> DbResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let stamp = EventStamp {
        at,
        user_id: (user > 0).then_some(user),
        auth_connector: None,
    };
    super::outbox::raise(tx, events, &stamp).await
}

/// After message `id` was written: its events for the chat's bots.
pub(crate) async fn message_added(tx: &Transaction<'_>, id: i64, at: i64) -> DbResult<()> {
    let Some((chat_id, message)) = message_facts(tx, id).await? else {
        return Ok(());
    };
    let bots = chat_bots(tx, chat_id).await?;
    let typed = dispatch::typed_command(&message.text).is_some();
    if bots.is_empty() && !typed {
        return Ok(());
    }
    let Some(chat) = chat_facts(tx, chat_id, id).await? else {
        return Ok(());
    };
    let (others, listed) = if typed {
        let sql = format!(
            "{BOT_SELECT}WHERE b.id IN (SELECT bot_id FROM bot_commands WHERE common = 1) \
             AND b.id NOT IN (SELECT user_id FROM chat_members WHERE chat_id = $1) ORDER BY b.id"
        );
        let statement = tx.prepare_cached(&sql).await?;
        let others = tx
            .query(&statement, &[&chat_id])
            .await?
            .iter()
            .map(bot_from_row)
            .collect::<DbResult<Vec<Bot>>>()?;
        let listed = commands(
            tx,
            "WHERE common = 1 OR bot_id IN \
             (SELECT user_id FROM chat_members WHERE chat_id = $1) ORDER BY id",
            &[&chat_id],
        )
        .await?;
        (others, listed)
    } else {
        (Vec::new(), Vec::new())
    };
    let author = user_facts(tx, message.author_id).await?;
    let events = dispatch::message_added(&bots, &others, &listed, &chat, &message, &author);
    raise(tx, &events, message.author_id, at).await
}

/// After message `id` was changed (or deleted): its events for the chat's bots.
pub(crate) async fn message_changed(
    tx: &Transaction<'_>,
    id: i64,
    at: i64,
    deleted: bool,
) -> DbResult<()> {
    let Some((chat_id, message)) = message_facts(tx, id).await? else {
        return Ok(());
    };
    let bots = chat_bots(tx, chat_id).await?;
    if bots.is_empty() {
        return Ok(());
    }
    let Some(chat) = chat_facts(tx, chat_id, id).await? else {
        return Ok(());
    };
    let author = user_facts(tx, message.author_id).await?;
    let events = dispatch::message_changed(&bots, &chat, &message, &author, deleted);
    raise(tx, &events, message.author_id, at).await
}

/// After `users` joined chat `chat_id` (added by `by`, or a dialog opened by
/// `by`): the join event of each bot among them.
pub(crate) async fn members_added(
    tx: &Transaction<'_>,
    chat_id: i64,
    users: &[i64],
    by: i64,
    at: i64,
) -> DbResult<()> {
    let bots: Vec<Bot> = chat_bots(tx, chat_id)
        .await?
        .into_iter()
        .filter(|b| users.contains(&b.id) && b.id != by)
        .collect();
    if bots.is_empty() {
        return Ok(());
    }
    let Some(chat) = chat_facts(tx, chat_id, i64::MAX).await? else {
        return Ok(());
    };
    let user = user_facts(tx, by).await?;
    let events: Vec<BotEventOut> = bots
        .iter()
        .filter_map(|bot| dispatch::joined(bot, &chat, &user))
        .collect();
    raise(tx, &events, by, at).await
}

/// A keyboard `COMMAND` button of message `message_id` pressed by `user`
/// (see the SQLite twin); whether the command was found.
pub(crate) async fn keyboard_command(
    tx: &Transaction<'_>,
    message_id: i64,
    bot_id: Option<i64>,
    command: &str,
    command_params: &str,
    user: i64,
    at: i64,
) -> DbResult<bool> {
    let Some((chat_id, message)) = message_facts(tx, message_id).await? else {
        return Ok(false);
    };
    let bots: Vec<Bot> = chat_bots(tx, chat_id)
        .await?
        .into_iter()
        .filter(|b| bot_id.is_none_or(|id| id == b.id))
        .collect();
    let name = command.trim_start_matches('/');
    let listed = commands(tx, "WHERE lower(command) = lower($1) ORDER BY id", &[&name]).await?;
    let found = listed
        .iter()
        .find_map(|c| bots.iter().find(|b| b.id == c.bot_id).map(|b| (b, c)));
    let Some((bot, command)) = found else {
        return Ok(false);
    };
    let Some(chat) = chat_facts(tx, chat_id, message_id).await? else {
        return Ok(false);
    };
    let author = user_facts(tx, user).await?;
    let event = dispatch::command_event(
        bot,
        command,
        command_params,
        "KEYBOARD",
        &chat,
        &message,
        &author,
    );
    raise(tx, &event.into_iter().collect::<Vec<_>>(), user, at).await?;
    Ok(true)
}
