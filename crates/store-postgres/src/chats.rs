//! [`ChatStore`] on PostgreSQL: `chats`, `chat_members` and `chat_messages`
//! (migration 0005). Each write is one `SERIALIZABLE` transaction whose last
//! statement adds its one live row (which notifies every node's tail).

mod rows;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::chats::{dialog_key, params_text, read_push, LIVE_CHAT, LIVE_MESSAGE};
use portico_store::{
    Chat, ChatChange, ChatKind, ChatMember, ChatStore, ChatSummary, JoinNotice, Message,
    MessageChange, MessageQuery, NewChat, NewMessage, StoreError, SystemNotice,
};

use crate::{read, transaction, DbResult, PgStore};
use rows::{
    announce, chat_from_row, chat_kind, insert_message, last_message_id, member_from_row,
    message_from_row, move_read_mark, push_change, CHAT_COLUMNS, MEMBER_COLUMNS, MESSAGE_COLUMNS,
};

/// Adds `user_id` to chat `chat_id` unless already in it: it sees messages
/// after `floor` and has read up to `read`; whether it was added.
async fn insert_member(
    tx: &Transaction<'_>,
    chat_id: i64,
    user_id: i64,
    floor: i64,
    read: i64,
    at: i64,
) -> DbResult<bool> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO chat_members (chat_id, user_id, joined_message_id, last_read_id, joined_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id, user_id) DO NOTHING",
        )
        .await?;
    Ok(tx
        .execute(&statement, &[&chat_id, &user_id, &floor, &read, &at])
        .await?
        > 0)
}

/// The private dialog with this key, if any.
async fn private_by_key(conn: &impl GenericClient, key: &str) -> DbResult<Option<i64>> {
    let statement = conn
        .prepare_cached("SELECT id FROM chats WHERE dialog_key = $1")
        .await?;
    match conn.query_opt(&statement, &[&key]).await? {
        Some(row) => Ok(Some(row.try_get(0)?)),
        None => Ok(None),
    }
}

/// The chats `$1` is a member of (only `$2` when not null), with the member
/// row, the unread count, the first unread id, the newest visible message
/// id and the peer.
const SUMMARIES: &str = "SELECT {chat}, {member}, \
     (SELECT COUNT(*) FROM chat_messages x WHERE x.chat_id = c.id \
        AND x.id > GREATEST(m.last_read_id, m.joined_message_id) AND x.author_id != m.user_id \
        AND x.deleted = 0), \
     (SELECT MIN(x.id) FROM chat_messages x WHERE x.chat_id = c.id \
        AND x.id > GREATEST(m.last_read_id, m.joined_message_id) AND x.author_id != m.user_id \
        AND x.deleted = 0), \
     (SELECT MAX(x.id) FROM chat_messages x WHERE x.chat_id = c.id AND x.id > m.joined_message_id), \
     (SELECT MIN(y.user_id) FROM chat_members y WHERE y.chat_id = c.id AND y.user_id != m.user_id), \
     (SELECT COALESCE(MAX(y.last_read_id), 0) FROM chat_members y \
        WHERE y.chat_id = c.id AND y.user_id != m.user_id) \
     FROM chat_members m JOIN chats c ON c.id = m.chat_id \
     WHERE m.user_id = $1 AND ($2::bigint IS NULL OR c.id = $2) ORDER BY c.id";

/// After a message was changed (`row`: its chat and author, `None` when
/// nothing was), pushes the one live row of `change`; whether it was.
async fn message_changed(
    tx: &Transaction<'_>,
    row: Option<(i64, i64)>,
    id: i64,
    change: &'static str,
    at: i64,
) -> DbResult<bool> {
    let Some((chat_id, author_id)) = row else {
        return Ok(false);
    };
    let kind = chat_kind(tx, chat_id).await?.unwrap_or(ChatKind::Closed);
    let change = ChatChange {
        chat_id,
        chat_kind: kind,
        change,
        message_id: id,
        author_id,
    };
    push_change(tx, &change, LIVE_MESSAGE, None, at).await?;
    crate::bots::chat_events::message_changed(tx, id, at, change.change == "delete").await?;
    Ok(true)
}

/// The chat and author of a row an `UPDATE … RETURNING chat_id, author_id` gave.
fn changed_row(row: Option<tokio_postgres::Row>) -> DbResult<Option<(i64, i64)>> {
    match row {
        Some(row) => Ok(Some((row.try_get(0)?, row.try_get(1)?))),
        None => Ok(None),
    }
}

#[async_trait]
impl ChatStore for PgStore {
    async fn create_chat(
        &self,
        chat: NewChat,
        notice: Option<SystemNotice>,
    ) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO chats (type, title, description, color, owner_id, entity_type, \
                     entity_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &chat.kind.code(),
                        &chat.title,
                        &chat.description,
                        &chat.color,
                        &chat.owner_id,
                        &chat.entity_type,
                        &chat.entity_id,
                        &chat.created_at,
                    ],
                )
                .await?;
            let id: i64 = row.try_get(0)?;
            let at = chat.created_at;
            for user in std::iter::once(chat.owner_id).chain(chat.members.iter().copied()) {
                insert_member(&tx, id, user, 0, 0, at).await?;
            }
            let change = ChatChange {
                chat_id: id,
                chat_kind: chat.kind,
                change: "create",
                message_id: 0,
                author_id: chat.owner_id,
            };
            match &notice {
                Some(notice) => announce(&tx, change, notice, None, at).await?,
                None => push_change(&tx, &change, LIVE_CHAT, None, at).await?,
            }
            crate::bots::chat_events::members_added(&tx, id, &chat.members, chat.owner_id, at)
                .await?;
            Ok(id)
        })
    }

    async fn private_chat(&self, a: i64, b: i64, at: i64) -> Result<i64, StoreError> {
        let key = dialog_key(a, b);
        transaction!(self, |tx| {
            if let Some(id) = private_by_key(&tx, &key).await? {
                return Ok(id);
            }
            let statement = tx
                .prepare_cached(
                    "INSERT INTO chats (type, owner_id, dialog_key, created_at) \
                     VALUES ('P', $1, $2, $3) RETURNING id",
                )
                .await?;
            let id: i64 = tx
                .query_one(&statement, &[&a, &key, &at])
                .await?
                .try_get(0)?;
            insert_member(&tx, id, a, 0, 0, at).await?;
            insert_member(&tx, id, b, 0, 0, at).await?;
            crate::bots::chat_events::members_added(&tx, id, &[a, b], a, at).await?;
            Ok(id)
        })
    }

    async fn find_private_chat(&self, a: i64, b: i64) -> Result<Option<i64>, StoreError> {
        let key = dialog_key(a, b);
        read!(self, |conn| { private_by_key(&conn, &key).await })
    }

    async fn chat(&self, id: i64) -> Result<Option<Chat>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(&format!(
                    "SELECT {CHAT_COLUMNS} FROM chats c WHERE c.id = $1"
                ))
                .await?;
            match conn.query_opt(&statement, &[&id]).await? {
                Some(row) => Ok(Some(chat_from_row(&row)?)),
                None => Ok(None),
            }
        })
    }

    async fn chat_by_entity(
        &self,
        entity_type: &str,
        entity_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT MAX(id) FROM chats \
                     WHERE entity_type = $1 AND entity_id = $2 AND type != 'P'",
                )
                .await?;
            Ok(conn
                .query_one(&statement, &[&entity_type, &entity_id])
                .await?
                .try_get(0)?)
        })
    }

    async fn chat_members(&self, chat_id: i64) -> Result<Vec<ChatMember>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(&format!(
                    "SELECT {MEMBER_COLUMNS} FROM chat_members m WHERE m.chat_id = $1 \
                     ORDER BY m.user_id"
                ))
                .await?;
            conn.query(&statement, &[&chat_id])
                .await?
                .iter()
                .map(|row| member_from_row(row, 0))
                .collect()
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
        transaction!(self, |tx| {
            let Some(kind) = chat_kind(&tx, chat_id).await? else {
                return Ok(Vec::new());
            };
            let last = last_message_id(&tx, chat_id).await?;
            let floor = if hide_history { last } else { 0 };
            let mut added = Vec::new();
            for user in users {
                if insert_member(&tx, chat_id, *user, floor, last, at).await? {
                    added.push(*user);
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
            announce(&tx, change, &notice(&added), None, at).await?;
            crate::bots::chat_events::members_added(&tx, chat_id, &added, by, at).await?;
            Ok(added)
        })
    }

    async fn remove_chat_member(
        &self,
        chat_id: i64,
        user_id: i64,
        by: i64,
        at: i64,
        notice: SystemNotice,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let Some(kind) = chat_kind(&tx, chat_id).await? else {
                return Ok(false);
            };
            let delete = tx
                .prepare_cached("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2")
                .await?;
            if tx.execute(&delete, &[&chat_id, &user_id]).await? == 0 {
                return Ok(false);
            }
            let pass_on = tx
                .prepare_cached(
                    "UPDATE chats SET owner_id = (SELECT m.user_id FROM chat_members m \
                       WHERE m.chat_id = chats.id ORDER BY m.joined_at, m.user_id LIMIT 1) \
                     WHERE id = $1 AND owner_id = $2 \
                       AND EXISTS (SELECT 1 FROM chat_members m WHERE m.chat_id = chats.id)",
                )
                .await?;
            tx.execute(&pass_on, &[&chat_id, &user_id]).await?;
            let change = ChatChange {
                chat_id,
                chat_kind: kind,
                change: "leave",
                message_id: 0,
                author_id: by,
            };
            announce(&tx, change, &notice, Some(user_id), at).await?;
            Ok(true)
        })
    }

    async fn rename_chat(
        &self,
        chat_id: i64,
        title: &str,
        by: i64,
        at: i64,
        notice: SystemNotice,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let Some(kind) = chat_kind(&tx, chat_id).await? else {
                return Ok(false);
            };
            let statement = tx
                .prepare_cached("UPDATE chats SET title = $2 WHERE id = $1")
                .await?;
            tx.execute(&statement, &[&chat_id, &title]).await?;
            let change = ChatChange {
                chat_id,
                chat_kind: kind,
                change: "title",
                message_id: 0,
                author_id: by,
            };
            announce(&tx, change, &notice, None, at).await?;
            Ok(true)
        })
    }

    async fn add_message(&self, message: NewMessage) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let kind = chat_kind(&tx, message.chat_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let id = insert_message(&tx, &message).await?;
            move_read_mark(
                &tx,
                message.chat_id,
                message.author_id,
                id,
                message.created_at,
            )
            .await?;
            let change = ChatChange {
                chat_id: message.chat_id,
                chat_kind: kind,
                change: "add",
                message_id: id,
                author_id: message.author_id,
            };
            push_change(&tx, &change, LIVE_MESSAGE, None, message.created_at).await?;
            crate::bots::chat_events::message_added(&tx, id, message.created_at).await?;
            Ok(id)
        })
    }

    async fn message(&self, id: i64) -> Result<Option<Message>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(&format!(
                    "SELECT {MESSAGE_COLUMNS} FROM chat_messages WHERE id = $1"
                ))
                .await?;
            match conn.query_opt(&statement, &[&id]).await? {
                Some(row) => Ok(Some(message_from_row(&row)?)),
                None => Ok(None),
            }
        })
    }

    async fn update_message(&self, id: i64, change: MessageChange) -> Result<bool, StoreError> {
        let params_json = change.params.as_ref().map(params_text);
        let edited = i64::from(change.edited);
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "UPDATE chat_messages SET text = COALESCE($2, text), \
                     params = COALESCE($3, params), \
                     edited = CASE WHEN $4::bigint = 1 THEN 1 ELSE edited END \
                     WHERE id = $1 AND deleted = 0 RETURNING chat_id, author_id",
                )
                .await?;
            let row = tx
                .query_opt(&statement, &[&id, &change.text, &params_json, &edited])
                .await?;
            message_changed(&tx, changed_row(row)?, id, "update", change.at).await
        })
    }

    async fn delete_message(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "UPDATE chat_messages SET text = '', params = '{}', deleted = 1 \
                     WHERE id = $1 AND deleted = 0 RETURNING chat_id, author_id",
                )
                .await?;
            let row = tx.query_opt(&statement, &[&id]).await?;
            message_changed(&tx, changed_row(row)?, id, "delete", at).await
        })
    }

    async fn chat_messages(
        &self,
        chat_id: i64,
        query: MessageQuery,
    ) -> Result<Vec<Message>, StoreError> {
        let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
        let (sql, bound) = match query.after {
            Some(after) => (
                format!(
                    "SELECT * FROM (SELECT {MESSAGE_COLUMNS} FROM chat_messages \
                     WHERE chat_id = $1 AND id > $2 AND id > $3 ORDER BY id LIMIT $4) AS page \
                     ORDER BY id DESC"
                ),
                after,
            ),
            None => (
                format!(
                    "SELECT {MESSAGE_COLUMNS} FROM chat_messages \
                     WHERE chat_id = $1 AND id < $2 AND id > $3 ORDER BY id DESC LIMIT $4"
                ),
                query.before.unwrap_or(i64::MAX),
            ),
        };
        read!(self, |conn| {
            let statement = conn.prepare_cached(&sql).await?;
            conn.query(&statement, &[&chat_id, &bound, &query.floor, &limit])
                .await?
                .iter()
                .map(message_from_row)
                .collect()
        })
    }

    async fn mark_chat_read(
        &self,
        chat_id: i64,
        user_id: i64,
        up_to: Option<i64>,
        at: i64,
    ) -> Result<Option<i64>, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "SELECT last_read_id FROM chat_members WHERE chat_id = $1 AND user_id = $2",
                )
                .await?;
            let Some(row) = tx.query_opt(&statement, &[&chat_id, &user_id]).await? else {
                return Ok(None);
            };
            let current: i64 = row.try_get(0)?;
            let last = last_message_id(&tx, chat_id).await?;
            let target = up_to.map_or(last, |id| id.min(last));
            if !move_read_mark(&tx, chat_id, user_id, target, at).await? {
                return Ok(Some(current));
            }
            crate::live::push(&tx, &read_push(chat_id, user_id, target), at).await?;
            Ok(Some(target))
        })
    }

    async fn user_chats(
        &self,
        user_id: i64,
        only: Option<i64>,
    ) -> Result<Vec<ChatSummary>, StoreError> {
        let sql = SUMMARIES
            .replace("{chat}", CHAT_COLUMNS)
            .replace("{member}", MEMBER_COLUMNS);
        read!(self, |conn| {
            let statement = conn.prepare_cached(&sql).await?;
            let rows = conn.query(&statement, &[&user_id, &only]).await?;
            let mut summaries = Vec::with_capacity(rows.len());
            let mut last_ids = Vec::new();
            for row in &rows {
                let chat = chat_from_row(row)?;
                let last: Option<i64> = row.try_get(19)?;
                if last.is_none() && only.is_none() && chat.kind == ChatKind::Private {
                    continue;
                }
                let peer: Option<i64> = row.try_get(20)?;
                let peer_id = (chat.kind == ChatKind::Private).then(|| peer.unwrap_or(user_id));
                last_ids.extend(last);
                summaries.push((
                    ChatSummary {
                        chat,
                        member: member_from_row(row, 12)?,
                        peer_id,
                        last_message: None,
                        unread: row.try_get(17)?,
                        first_unread_id: row.try_get(18)?,
                        others_read_id: row.try_get(21)?,
                    },
                    last,
                ));
            }
            let statement = conn
                .prepare_cached(&format!(
                    "SELECT {MESSAGE_COLUMNS} FROM chat_messages WHERE id = ANY($1)"
                ))
                .await?;
            let mut messages = std::collections::HashMap::new();
            for row in conn.query(&statement, &[&last_ids]).await? {
                let message = message_from_row(&row)?;
                messages.insert(message.id, message);
            }
            Ok(summaries
                .into_iter()
                .map(|(mut summary, last)| {
                    summary.last_message = last.and_then(|id| messages.remove(&id));
                    summary
                })
                .collect())
        })
    }
}
