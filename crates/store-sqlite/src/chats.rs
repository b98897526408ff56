//! [`ChatStore`] on SQLite: `chats`, `chat_members` and `chat_messages`
//! (migration 0032). Each write is one transaction on the writer that also
//! adds its one live row, then wakes the live tails.

mod rows;

use async_trait::async_trait;
use portico_store::chats::{dialog_key, params_text, read_push, LIVE_CHAT, LIVE_MESSAGE};
use portico_store::{
    Chat, ChatChange, ChatKind, ChatMember, ChatStore, ChatSummary, JoinNotice, Message,
    MessageChange, MessageQuery, NewChat, NewMessage, StoreError, SystemNotice,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;
use crate::SqliteStore;
use rows::{
    announce, chat_from_row, chat_kind, insert_message, last_message_id, member_from_row,
    message_from_row, move_read_mark, push_change, CHAT_COLUMNS, MEMBER_COLUMNS, MESSAGE_COLUMNS,
};

/// Adds `user_id` to chat `chat_id` unless already in it: it sees messages
/// after `floor` and has read up to `read`; whether it was added.
fn insert_member(
    conn: &Connection,
    chat_id: i64,
    user_id: i64,
    floor: i64,
    read: i64,
    at: i64,
) -> Result<bool, StoreError> {
    conn.prepare_cached(
        "INSERT INTO chat_members (chat_id, user_id, joined_message_id, last_read_id, joined_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (chat_id, user_id) DO NOTHING",
    )
    .and_then(|mut s| s.execute(params![chat_id, user_id, floor, read, at]))
    .map(|n| n > 0)
    .map_err(map_err)
}

/// The private dialog with this key, if any.
fn private_by_key(conn: &Connection, key: &str) -> Result<Option<i64>, StoreError> {
    conn.prepare_cached("SELECT id FROM chats WHERE dialog_key = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
        .map_err(map_err)
}

/// The chats `user_id` is a member of, with the member row, the unread
/// count, the first unread id, the newest visible message id and the peer.
const SUMMARIES: &str = "SELECT {chat}, {member}, \
     (SELECT COUNT(*) FROM chat_messages x WHERE x.chat_id = c.id \
        AND x.id > MAX(m.last_read_id, m.joined_message_id) AND x.author_id != m.user_id \
        AND x.deleted = 0), \
     (SELECT MIN(x.id) FROM chat_messages x WHERE x.chat_id = c.id \
        AND x.id > MAX(m.last_read_id, m.joined_message_id) AND x.author_id != m.user_id \
        AND x.deleted = 0), \
     (SELECT MAX(x.id) FROM chat_messages x WHERE x.chat_id = c.id AND x.id > m.joined_message_id), \
     (SELECT MIN(y.user_id) FROM chat_members y WHERE y.chat_id = c.id AND y.user_id != m.user_id), \
     (SELECT COALESCE(MAX(y.last_read_id), 0) FROM chat_members y \
        WHERE y.chat_id = c.id AND y.user_id != m.user_id) \
     FROM chat_members m JOIN chats c ON c.id = m.chat_id \
     WHERE m.user_id = ?1 AND (?2 IS NULL OR c.id = ?2) ORDER BY c.id";

#[async_trait]
impl ChatStore for SqliteStore {
    async fn create_chat(
        &self,
        chat: NewChat,
        notice: Option<SystemNotice>,
    ) -> Result<i64, StoreError> {
        let id = self
            .write(move |conn| {
                conn.prepare_cached(
                    "INSERT INTO chats (type, title, description, color, owner_id, entity_type, \
                     entity_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        chat.kind.code(),
                        chat.title,
                        chat.description,
                        chat.color,
                        chat.owner_id,
                        chat.entity_type,
                        chat.entity_id,
                        chat.created_at
                    ])
                })
                .map_err(map_err)?;
                let id = conn.last_insert_rowid();
                let at = chat.created_at;
                for user in std::iter::once(chat.owner_id).chain(chat.members.iter().copied()) {
                    insert_member(conn, id, user, 0, 0, at)?;
                }
                let change = ChatChange {
                    chat_id: id,
                    chat_kind: chat.kind,
                    change: "create",
                    message_id: 0,
                    author_id: chat.owner_id,
                };
                match &notice {
                    Some(notice) => announce(conn, change, notice, None, at)?,
                    None => push_change(conn, &change, LIVE_CHAT, None, at)?,
                }
                crate::bots::chat_events::members_added(
                    conn,
                    id,
                    &chat.members,
                    chat.owner_id,
                    at,
                )?;
                Ok(id)
            })
            .await?;
        self.wake_live();
        self.wake_deliveries();
        Ok(id)
    }

    async fn private_chat(&self, a: i64, b: i64, at: i64) -> Result<i64, StoreError> {
        self.write(move |conn| {
            let key = dialog_key(a, b);
            if let Some(id) = private_by_key(conn, &key)? {
                return Ok(id);
            }
            conn.prepare_cached(
                "INSERT INTO chats (type, owner_id, dialog_key, created_at) VALUES ('P', ?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![a, key, at]))
            .map_err(map_err)?;
            let id = conn.last_insert_rowid();
            insert_member(conn, id, a, 0, 0, at)?;
            insert_member(conn, id, b, 0, 0, at)?;
            crate::bots::chat_events::members_added(conn, id, &[a, b], a, at)?;
            Ok(id)
        })
        .await
        .inspect(|_| self.wake_deliveries())
    }

    async fn find_private_chat(&self, a: i64, b: i64) -> Result<Option<i64>, StoreError> {
        self.read(|conn| private_by_key(conn, &dialog_key(a, b)))
    }

    async fn chat(&self, id: i64) -> Result<Option<Chat>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {CHAT_COLUMNS} FROM chats c WHERE c.id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], chat_from_row).optional())
            .map_err(map_err)
        })
    }

    async fn chat_by_entity(
        &self,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT MAX(id) FROM chats WHERE entity_type = ?1 AND entity_id = ?2 AND type != 'P'",
            )
            .and_then(|mut s| s.query_row([entity_type, entity_id], |r| r.get(0)))
            .map_err(map_err)
        })
    }

    async fn chat_members(&self, chat_id: i64) -> Result<Vec<ChatMember>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {MEMBER_COLUMNS} FROM chat_members m WHERE m.chat_id = ?1 ORDER BY m.user_id"
                ))
                .map_err(map_err)?;
            let rows = stmt
                .query_map([chat_id], |r| member_from_row(r, 0))
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn add_chat_members(
        &self,
        chat_id: i64,
        users: &[i64],
        hide_history: bool,
        by: i64,
        at: i64,
        notice: JoinNotice,
    ) -> Result<Vec<i64>, StoreError> {
        let users = users.to_vec();
        let added = self
            .write(move |conn| {
                let Some(kind) = chat_kind(conn, chat_id)? else {
                    return Ok(Vec::new());
                };
                let last = last_message_id(conn, chat_id)?;
                let floor = if hide_history { last } else { 0 };
                let mut added = Vec::new();
                for user in users {
                    if insert_member(conn, chat_id, user, floor, last, at)? {
                        added.push(user);
                    }
                }
                if added.is_empty() {
                    return Ok(added);
                }
                let change = ChatChange {
                    chat_id,
                    chat_kind: kind,
                    change: "join",
                    message_id: 0,
                    author_id: by,
                };
                announce(conn, change, &notice(&added), None, at)?;
                crate::bots::chat_events::members_added(conn, chat_id, &added, by, at)?;
                Ok(added)
            })
            .await?;
        if !added.is_empty() {
            self.wake_live();
            self.wake_deliveries();
        }
        Ok(added)
    }

    async fn remove_chat_member(
        &self,
        chat_id: i64,
        user_id: i64,
        by: i64,
        at: i64,
        notice: SystemNotice,
    ) -> Result<bool, StoreError> {
        let removed = self
            .write(move |conn| {
                let Some(kind) = chat_kind(conn, chat_id)? else {
                    return Ok(false);
                };
                let gone = conn
                    .prepare_cached("DELETE FROM chat_members WHERE chat_id = ?1 AND user_id = ?2")
                    .and_then(|mut s| s.execute([chat_id, user_id]))
                    .map_err(map_err)?;
                if gone == 0 {
                    return Ok(false);
                }
                conn.prepare_cached(
                    "UPDATE chats SET owner_id = (SELECT m.user_id FROM chat_members m \
                       WHERE m.chat_id = chats.id ORDER BY m.joined_at, m.user_id LIMIT 1) \
                     WHERE id = ?1 AND owner_id = ?2 \
                       AND EXISTS (SELECT 1 FROM chat_members m WHERE m.chat_id = chats.id)",
                )
                .and_then(|mut s| s.execute([chat_id, user_id]))
                .map_err(map_err)?;
                let change = ChatChange {
                    chat_id,
                    chat_kind: kind,
                    change: "leave",
                    message_id: 0,
                    author_id: by,
                };
                announce(conn, change, &notice, Some(user_id), at)?;
                Ok(true)
            })
            .await?;
        if removed {
            self.wake_live();
        }
        Ok(removed)
    }

    async fn rename_chat(
        &self,
        chat_id: i64,
        title: &str,
        by: i64,
        at: i64,
        notice: SystemNotice,
    ) -> Result<bool, StoreError> {
        let title = title.to_owned();
        let renamed = self
            .write(move |conn| {
                let Some(kind) = chat_kind(conn, chat_id)? else {
                    return Ok(false);
                };
                conn.prepare_cached("UPDATE chats SET title = ?2 WHERE id = ?1")
                    .and_then(|mut s| s.execute(params![chat_id, title]))
                    .map_err(map_err)?;
                let change = ChatChange {
                    chat_id,
                    chat_kind: kind,
                    change: "title",
                    message_id: 0,
                    author_id: by,
                };
                announce(conn, change, &notice, None, at)?;
                Ok(true)
            })
            .await?;
        if renamed {
            self.wake_live();
        }
        Ok(renamed)
    }

    async fn add_message(&self, message: NewMessage) -> Result<i64, StoreError> {
        let id = self
            .write(move |conn| {
                let kind = chat_kind(conn, message.chat_id)?.ok_or(StoreError::NotFound)?;
                let id = insert_message(conn, &message)?;
                move_read_mark(
                    conn,
                    message.chat_id,
                    message.author_id,
                    id,
                    message.created_at,
                )?;
                let change = ChatChange {
                    chat_id: message.chat_id,
                    chat_kind: kind,
                    change: "add",
                    message_id: id,
                    author_id: message.author_id,
                };
                push_change(conn, &change, LIVE_MESSAGE, None, message.created_at)?;
                crate::bots::chat_events::message_added(conn, id, message.created_at)?;
                Ok(id)
            })
            .await?;
        self.wake_live();
        self.wake_deliveries();
        Ok(id)
    }

    async fn message(&self, id: i64) -> Result<Option<Message>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM chat_messages WHERE id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], message_from_row).optional())
            .map_err(map_err)
        })
    }

    async fn update_message(&self, id: i64, change: MessageChange) -> Result<bool, StoreError> {
        let changed = self
            .write(move |conn| {
                let params_json = change.params.as_ref().map(params_text);
                let row: Option<(i64, i64)> = conn
                    .prepare_cached(
                        "UPDATE chat_messages SET text = COALESCE(?2, text), \
                         params = COALESCE(?3, params), \
                         edited = CASE WHEN ?4 = 1 THEN 1 ELSE edited END \
                         WHERE id = ?1 AND deleted = 0 RETURNING chat_id, author_id",
                    )
                    .and_then(|mut s| {
                        s.query_row(
                            params![id, change.text, params_json, i64::from(change.edited)],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()
                    })
                    .map_err(map_err)?;
                message_changed(conn, row, id, "update", change.at)
            })
            .await?;
        if changed {
            self.wake_live();
            self.wake_deliveries();
        }
        Ok(changed)
    }

    async fn delete_message(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        let deleted = self
            .write(move |conn| {
                let row: Option<(i64, i64)> = conn
                    .prepare_cached(
                        "UPDATE chat_messages SET text = '', params = '{}', deleted = 1 \
                         WHERE id = ?1 AND deleted = 0 RETURNING chat_id, author_id",
                    )
                    .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
                    .map_err(map_err)?;
                message_changed(conn, row, id, "delete", at)
            })
            .await?;
        if deleted {
            self.wake_live();
            self.wake_deliveries();
        }
        Ok(deleted)
    }

    async fn chat_messages(
        &self,
        chat_id: i64,
        query: MessageQuery,
    ) -> Result<Vec<Message>, StoreError> {
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let (sql, bound) = match query.after {
                Some(after) => (
                    format!(
                        "SELECT * FROM (SELECT {MESSAGE_COLUMNS} FROM chat_messages \
                         WHERE chat_id = ?1 AND id > ?2 AND id > ?3 ORDER BY id LIMIT ?4) \
                         ORDER BY id DESC"
                    ),
                    after,
                ),
                None => (
                    format!(
                        "SELECT {MESSAGE_COLUMNS} FROM chat_messages \
                         WHERE chat_id = ?1 AND id < ?2 AND id > ?3 ORDER BY id DESC LIMIT ?4"
                    ),
                    query.before.unwrap_or(i64::MAX),
                ),
            };
            let mut stmt = conn.prepare_cached(&sql).map_err(map_err)?;
            let rows = stmt
                .query_map(
                    params![chat_id, bound, query.floor, limit],
                    message_from_row,
                )
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn mark_chat_read(
        &self,
        chat_id: i64,
        user_id: i64,
        up_to: Option<i64>,
        at: i64,
    ) -> Result<Option<i64>, StoreError> {
        let (mark, moved) = self
            .write(move |conn| {
                let current: Option<i64> = conn
                    .prepare_cached(
                        "SELECT last_read_id FROM chat_members WHERE chat_id = ?1 AND user_id = ?2",
                    )
                    .and_then(|mut s| s.query_row([chat_id, user_id], |r| r.get(0)).optional())
                    .map_err(map_err)?;
                let Some(current) = current else {
                    return Ok((None, false));
                };
                let last = last_message_id(conn, chat_id)?;
                let target = up_to.map_or(last, |id| id.min(last));
                if !move_read_mark(conn, chat_id, user_id, target, at)? {
                    return Ok((Some(current), false));
                }
                crate::live::push(conn, &read_push(chat_id, user_id, target), at)?;
                Ok((Some(target), true))
            })
            .await?;
        if moved {
            self.wake_live();
        }
        Ok(mark)
    }

    async fn user_chats(
        &self,
        user_id: i64,
        only: Option<i64>,
    ) -> Result<Vec<ChatSummary>, StoreError> {
        self.read(|conn| {
            let sql = SUMMARIES
                .replace("{chat}", CHAT_COLUMNS)
                .replace("{member}", MEMBER_COLUMNS);
            let mut stmt = conn.prepare_cached(&sql).map_err(map_err)?;
            let rows = stmt
                .query_map(params![user_id, only], |r| {
                    let chat = chat_from_row(r)?;
                    let peer: Option<i64> = r.get(20)?;
                    let peer_id = (chat.kind == ChatKind::Private).then(|| peer.unwrap_or(user_id));
                    Ok((
                        ChatSummary {
                            chat,
                            member: member_from_row(r, 12)?,
                            peer_id,
                            last_message: None,
                            unread: r.get(17)?,
                            first_unread_id: r.get(18)?,
                            others_read_id: r.get(21)?,
                        },
                        r.get::<_, Option<i64>>(19)?,
                    ))
                })
                .map_err(map_err)?;
            let mut message = conn
                .prepare_cached(&format!(
                    "SELECT {MESSAGE_COLUMNS} FROM chat_messages WHERE id = ?1"
                ))
                .map_err(map_err)?;
            let mut out = Vec::new();
            for row in rows {
                let (mut summary, last) = row.map_err(map_err)?;
                if let Some(last) = last {
                    summary.last_message = message
                        .query_row([last], message_from_row)
                        .optional()
                        .map_err(map_err)?;
                } else if only.is_none() && summary.chat.kind == ChatKind::Private {
                    continue;
                }
                out.push(summary);
            }
            Ok(out)
        })
    }
}

/// After a message was changed (`row`: its chat and author, `None` when
/// nothing was), pushes the one live row of `change`; whether it was.
fn message_changed(
    conn: &Connection,
    row: Option<(i64, i64)>,
    id: i64,
    change: &'static str,
    at: i64,
) -> Result<bool, StoreError> {
    let Some((chat_id, author_id)) = row else {
        return Ok(false);
    };
    let kind = chat_kind(conn, chat_id)?.unwrap_or(ChatKind::Closed);
    let change = ChatChange {
        chat_id,
        chat_kind: kind,
        change,
        message_id: id,
        author_id,
    };
    push_change(conn, &change, LIVE_MESSAGE, None, at)?;
    crate::bots::chat_events::message_changed(conn, id, at, change.change == "delete")?;
    Ok(true)
}
