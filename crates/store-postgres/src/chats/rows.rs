//! The statements the chat writes and reads share on PostgreSQL: reading
//! chats, members and messages from rows, writing a message or a system
//! notice, moving a read mark, and pushing a chat write's one live row.
//! Flags are stored as 0/1 `BIGINT`s, as on SQLite.

use deadpool_postgres::{GenericClient, Transaction};
use portico_store::chats::{params_from_text, params_text, LIVE_CHAT};
use portico_store::{Chat, ChatChange, ChatKind, ChatMember, Message, NewMessage, SystemNotice};
use tokio_postgres::Row;

use crate::DbResult;

/// A chat's columns with its member and message counts and newest message
/// (read by [`chat_from_row`]), over `chats c`.
pub(super) const CHAT_COLUMNS: &str = "c.id, c.type, c.title, c.description, c.color, \
     c.owner_id, c.entity_type, c.entity_id, c.created_at, \
     (SELECT COUNT(*) FROM chat_members x WHERE x.chat_id = c.id), \
     (SELECT COUNT(*) FROM chat_messages x WHERE x.chat_id = c.id), \
     (SELECT COALESCE(MAX(x.id), 0) FROM chat_messages x WHERE x.chat_id = c.id)";

/// A message's columns (read by [`message_from_row`]).
pub(super) const MESSAGE_COLUMNS: &str =
    "id, chat_id, author_id, text, params, uuid, created_at, edited, deleted";

/// A member's columns (read by [`member_from_row`] at an offset).
pub(super) const MEMBER_COLUMNS: &str =
    "m.user_id, m.joined_message_id, m.last_read_id, m.last_read_at, m.joined_at";

/// A [`Chat`] from the first 12 columns of a row of [`CHAT_COLUMNS`].
pub(super) fn chat_from_row(row: &Row) -> DbResult<Chat> {
    let kind: String = row.try_get(1)?;
    Ok(Chat {
        id: row.try_get(0)?,
        kind: ChatKind::from_code(&kind),
        title: row.try_get(2)?,
        description: row.try_get(3)?,
        color: row.try_get(4)?,
        owner_id: row.try_get(5)?,
        entity_type: row.try_get(6)?,
        entity_id: row.try_get(7)?,
        created_at: row.try_get(8)?,
        member_count: row.try_get(9)?,
        message_count: row.try_get(10)?,
        last_message_id: row.try_get(11)?,
    })
}

/// A [`ChatMember`] from 5 columns of [`MEMBER_COLUMNS`] starting at `at`.
pub(super) fn member_from_row(row: &Row, at: usize) -> DbResult<ChatMember> {
    Ok(ChatMember {
        user_id: row.try_get(at)?,
        joined_message_id: row.try_get(at + 1)?,
        last_read_id: row.try_get(at + 2)?,
        last_read_at: row.try_get(at + 3)?,
        joined_at: row.try_get(at + 4)?,
    })
}

/// A [`Message`] from a row of [`MESSAGE_COLUMNS`].
pub(super) fn message_from_row(row: &Row) -> DbResult<Message> {
    let params: String = row.try_get(4)?;
    Ok(Message {
        id: row.try_get(0)?,
        chat_id: row.try_get(1)?,
        author_id: row.try_get(2)?,
        text: row.try_get(3)?,
        params: params_from_text(&params),
        uuid: row.try_get(5)?,
        created_at: row.try_get(6)?,
        edited: row.try_get::<_, i64>(7)? != 0,
        deleted: row.try_get::<_, i64>(8)? != 0,
    })
}

/// The kind of chat `id`, if it exists.
pub(super) async fn chat_kind(conn: &impl GenericClient, id: i64) -> DbResult<Option<ChatKind>> {
    let statement = conn
        .prepare_cached("SELECT type FROM chats WHERE id = $1")
        .await?;
    let row = conn.query_opt(&statement, &[&id]).await?;
    Ok(match row {
        Some(row) => Some(ChatKind::from_code(&row.try_get::<_, String>(0)?)),
        None => None,
    })
}

/// The members of chat `id`, by user id.
pub(super) async fn member_ids(conn: &impl GenericClient, id: i64) -> DbResult<Vec<i64>> {
    let statement = conn
        .prepare_cached("SELECT user_id FROM chat_members WHERE chat_id = $1 ORDER BY user_id")
        .await?;
    conn.query(&statement, &[&id])
        .await?
        .iter()
        .map(|row| Ok(row.try_get(0)?))
        .collect()
}

/// The newest message id of chat `id` (0 when none).
pub(super) async fn last_message_id(conn: &impl GenericClient, id: i64) -> DbResult<i64> {
    let statement = conn
        .prepare_cached("SELECT COALESCE(MAX(id), 0)::bigint FROM chat_messages WHERE chat_id = $1")
        .await?;
    Ok(conn.query_one(&statement, &[&id]).await?.try_get(0)?)
}

/// Inserts a message; its id.
pub(super) async fn insert_message(tx: &Transaction<'_>, m: &NewMessage) -> DbResult<i64> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO chat_messages (chat_id, author_id, text, params, uuid, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .await?;
    let row = tx
        .query_one(
            &statement,
            &[
                &m.chat_id,
                &m.author_id,
                &m.text,
                &params_text(&m.params),
                &m.uuid,
                &m.created_at,
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// Moves `user_id`'s read mark in chat `chat_id` forward to `message_id`
/// (never back); whether it moved.
pub(super) async fn move_read_mark(
    tx: &Transaction<'_>,
    chat_id: i64,
    user_id: i64,
    message_id: i64,
    at: i64,
) -> DbResult<bool> {
    let statement = tx
        .prepare_cached(
            "UPDATE chat_members SET last_read_id = $3, last_read_at = $4 \
             WHERE chat_id = $1 AND user_id = $2 AND last_read_id < $3",
        )
        .await?;
    Ok(tx
        .execute(&statement, &[&chat_id, &user_id, &message_id, &at])
        .await?
        > 0)
}

/// Writes system message `notice` in chat `chat_id` at `at`, read by `by`;
/// its id.
pub(super) async fn write_notice(
    tx: &Transaction<'_>,
    chat_id: i64,
    notice: &SystemNotice,
    by: i64,
    at: i64,
) -> DbResult<i64> {
    let message = NewMessage {
        chat_id,
        author_id: 0,
        text: notice.text.clone(),
        params: notice.params.clone(),
        uuid: None,
        created_at: at,
    };
    let id = insert_message(tx, &message).await?;
    move_read_mark(tx, chat_id, by, id, at).await?;
    Ok(id)
}

/// Writes `notice` for a change to a chat made by `change.author_id` (who
/// has read it), then pushes the change's one live row (`chat`) for the
/// members and `also`.
pub(super) async fn announce(
    tx: &Transaction<'_>,
    mut change: ChatChange,
    notice: &SystemNotice,
    also: Option<i64>,
    at: i64,
) -> DbResult<()> {
    change.message_id = write_notice(tx, change.chat_id, notice, change.author_id, at).await?;
    push_change(tx, &change, LIVE_CHAT, also, at).await
}

/// Pushes the one live row of `change` (`kind`) for the chat's members now
/// and `also` (the write's last statement: it holds the ordering lock).
pub(super) async fn push_change(
    tx: &Transaction<'_>,
    change: &ChatChange,
    kind: &str,
    also: Option<i64>,
    at: i64,
) -> DbResult<()> {
    let members = member_ids(tx, change.chat_id).await?;
    crate::live::push(tx, &change.push(kind, &members, also), at).await?;
    Ok(())
}
