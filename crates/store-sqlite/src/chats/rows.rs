//! The statements the chat writes and reads share: reading chats, members
//! and messages from rows, writing a message or a system notice, moving a
//! read mark, and pushing a chat write's one live row.

use portico_store::chats::{params_from_text, params_text, LIVE_CHAT};
use portico_store::{
    Chat, ChatChange, ChatKind, ChatMember, Message, NewMessage, StoreError, SystemNotice,
};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;

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
pub(super) fn chat_from_row(row: &Row<'_>) -> rusqlite::Result<Chat> {
    let kind: String = row.get(1)?;
    Ok(Chat {
        id: row.get(0)?,
        kind: ChatKind::from_code(&kind),
        title: row.get(2)?,
        description: row.get(3)?,
        color: row.get(4)?,
        owner_id: row.get(5)?,
        entity_type: row.get(6)?,
        entity_id: row.get(7)?,
        created_at: row.get(8)?,
        member_count: row.get(9)?,
        message_count: row.get(10)?,
        last_message_id: row.get(11)?,
    })
}

/// A [`ChatMember`] from 5 columns of [`MEMBER_COLUMNS`] starting at `at`.
pub(super) fn member_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<ChatMember> {
    Ok(ChatMember {
        user_id: row.get(at)?,
        joined_message_id: row.get(at + 1)?,
        last_read_id: row.get(at + 2)?,
        last_read_at: row.get(at + 3)?,
        joined_at: row.get(at + 4)?,
    })
}

/// A [`Message`] from a row of [`MESSAGE_COLUMNS`].
pub(super) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let params: String = row.get(4)?;
    Ok(Message {
        id: row.get(0)?,
        chat_id: row.get(1)?,
        author_id: row.get(2)?,
        text: row.get(3)?,
        params: params_from_text(&params),
        uuid: row.get(5)?,
        created_at: row.get(6)?,
        edited: row.get(7)?,
        deleted: row.get(8)?,
    })
}

/// The kind of chat `id`, if it exists.
pub(super) fn chat_kind(conn: &Connection, id: i64) -> Result<Option<ChatKind>, StoreError> {
    conn.prepare_cached("SELECT type FROM chats WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get::<_, String>(0)).optional())
        .map(|kind| kind.map(|k| ChatKind::from_code(&k)))
        .map_err(map_err)
}

/// The members of chat `id`, by user id.
pub(super) fn member_ids(conn: &Connection, id: i64) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT user_id FROM chat_members WHERE chat_id = ?1 ORDER BY user_id")
        .map_err(map_err)?;
    let rows = stmt.query_map([id], |r| r.get(0)).map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// The newest message id of chat `id` (0 when none).
pub(super) fn last_message_id(conn: &Connection, id: i64) -> Result<i64, StoreError> {
    conn.prepare_cached("SELECT COALESCE(MAX(id), 0) FROM chat_messages WHERE chat_id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)))
        .map_err(map_err)
}

/// Inserts a message; its id.
pub(super) fn insert_message(conn: &Connection, m: &NewMessage) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO chat_messages (chat_id, author_id, text, params, uuid, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            m.chat_id,
            m.author_id,
            m.text,
            params_text(&m.params),
            m.uuid,
            m.created_at
        ])
    })
    .map_err(map_err)?;
    Ok(conn.last_insert_rowid())
}

/// Moves `user_id`'s read mark in chat `chat_id` forward to `message_id`
/// (never back); whether it moved.
pub(super) fn move_read_mark(
    conn: &Connection,
    chat_id: i64,
    user_id: i64,
    message_id: i64,
    at: i64,
) -> Result<bool, StoreError> {
    conn.prepare_cached(
        "UPDATE chat_members SET last_read_id = ?3, last_read_at = ?4 \
         WHERE chat_id = ?1 AND user_id = ?2 AND last_read_id < ?3",
    )
    .and_then(|mut s| s.execute(params![chat_id, user_id, message_id, at]))
    .map(|n| n > 0)
    .map_err(map_err)
}

/// Writes system message `notice` in chat `chat_id` at `at`, read by `by`;
/// its id.
pub(super) fn write_notice(
    conn: &Connection,
    chat_id: i64,
    notice: &SystemNotice,
    by: i64,
    at: i64,
) -> Result<i64, StoreError> {
    let id = insert_message(
        conn,
        &NewMessage {
            chat_id,
            author_id: 0,
            text: notice.text.clone(),
            params: notice.params.clone(),
            uuid: None,
            created_at: at,
        },
    )?;
    move_read_mark(conn, chat_id, by, id, at)?;
    Ok(id)
}

/// Writes `notice` for a change to a chat made by `change.author_id` (who
/// has read it), then pushes the change's one live row (`chat`) for the
/// members and `also`.
pub(super) fn announce(
    conn: &Connection,
    mut change: ChatChange,
    notice: &SystemNotice,
    also: Option<i64>,
    at: i64,
) -> Result<(), StoreError> {
    change.message_id = write_notice(conn, change.chat_id, notice, change.author_id, at)?;
    push_change(conn, &change, LIVE_CHAT, also, at)
}

/// Pushes the one live row of `change` (`kind`) for the chat's members now
/// and `also`.
pub(super) fn push_change(
    conn: &Connection,
    change: &ChatChange,
    kind: &str,
    also: Option<i64>,
    at: i64,
) -> Result<(), StoreError> {
    let members = member_ids(conn, change.chat_id)?;
    crate::live::push(conn, &change.push(kind, &members, also), at)?;
    Ok(())
}
