//! [`NotificationStore`] on SQLite: the `notifications` table (migration
//! 0031). Every write adds the live rows of the recipients it concerns in its
//! own transaction (see [`crate::live::push`]) and wakes the live tails once
//! it has committed.

use async_trait::async_trait;
use portico_store::notifications::{
    by_recipient, live_push, NewNotification, Notification, NotificationCounts, NotificationStore,
    NotifyAction, NotifyKind, ReadScope, TagField,
};
use portico_store::StoreError;
use rusqlite::{params, Connection, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// The columns [`from_row`] reads, in its order.
const COLUMNS: &str = "id, user_id, author_id, kind, text, text_out, attach, owner, tag, \
     sub_tag, is_read, created_at";

/// A [`Notification`] from a row of [`COLUMNS`].
fn from_row(row: &Row<'_>) -> rusqlite::Result<Notification> {
    let kind: String = row.get(3)?;
    let attach: Option<String> = row.get(6)?;
    Ok(Notification {
        id: row.get(0)?,
        user_id: row.get(1)?,
        author_id: row.get(2)?,
        kind: NotifyKind::from_stored(&kind),
        text: row.get(4)?,
        text_out: row.get(5)?,
        attach: attach.and_then(|a| serde_json::from_str(&a).ok()),
        owner: row.get(7)?,
        tag: row.get(8)?,
        sub_tag: row.get(9)?,
        read: row.get::<_, i64>(10)? != 0,
        created_at: row.get(11)?,
    })
}

/// `user_id`'s notification counts, on `conn`.
fn counts(conn: &Connection, user_id: i64) -> Result<NotificationCounts, StoreError> {
    conn.prepare_cached(
        "SELECT COUNT(*), COALESCE(SUM(is_read = 0), 0) FROM notifications WHERE user_id = ?1",
    )
    .and_then(|mut s| {
        s.query_row([user_id], |row| {
            Ok(NotificationCounts {
                total: row.get(0)?,
                unread: row.get(1)?,
            })
        })
    })
    .map_err(map_err)
}

/// Writes the live row of a change to `user_id`'s notifications, with their
/// unread count after it.
fn tell(
    conn: &Connection,
    user_id: i64,
    action: NotifyAction,
    id: i64,
    count: u64,
    at: i64,
) -> Result<(), StoreError> {
    let unread = counts(conn, user_id)?.unread;
    crate::live::push(conn, &live_push(user_id, action, id, count, unread), at)?;
    Ok(())
}

/// Runs a statement returning `(user_id, id)` rows: the rows it changed.
fn changed_rows(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    let rows = stmt
        .query_map(params, |row| Ok((row.get(0)?, row.get(1)?)))
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// Tells each recipient of `rows` of the change.
fn tell_each(
    conn: &Connection,
    rows: &[(i64, i64)],
    action: NotifyAction,
    at: i64,
) -> Result<(), StoreError> {
    for (user_id, id, count) in by_recipient(rows) {
        tell(conn, user_id, action, id, count, at)?;
    }
    Ok(())
}

#[async_trait]
impl NotificationStore for SqliteStore {
    async fn add_notification(&self, new: NewNotification) -> Result<i64, StoreError> {
        let id = self
            .write(move |conn| {
                let replaced = if new.tag.is_empty() {
                    Vec::new()
                } else {
                    changed_rows(
                        conn,
                        "DELETE FROM notifications WHERE owner = ?1 AND tag = ?2 \
                         RETURNING user_id, id",
                        params![new.owner, new.tag],
                    )?
                };
                let attach = new.attach.as_ref().map(|a| a.to_string());
                conn.prepare_cached(
                    "INSERT INTO notifications (user_id, author_id, kind, text, text_out, \
                     attach, owner, tag, sub_tag, is_read, created_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)",
                )
                .and_then(|mut s| {
                    s.execute(params![
                        new.user_id,
                        new.author_id,
                        new.kind.as_str(),
                        new.text,
                        new.text_out,
                        attach,
                        new.owner,
                        new.tag,
                        new.sub_tag,
                        new.created_at
                    ])
                })
                .map_err(map_err)?;
                let id = conn.last_insert_rowid();
                let others: Vec<(i64, i64)> = replaced
                    .into_iter()
                    .filter(|(user_id, _)| *user_id != new.user_id)
                    .collect();
                tell_each(conn, &others, NotifyAction::Delete, new.created_at)?;
                tell(conn, new.user_id, NotifyAction::Add, id, 1, new.created_at)?;
                Ok(id)
            })
            .await?;
        self.wake_live();
        Ok(id)
    }

    async fn notification(&self, id: i64) -> Result<Option<Notification>, StoreError> {
        self.read(|conn| {
            let sql = format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1");
            let mut stmt = conn.prepare_cached(&sql).map_err(map_err)?;
            let mut rows = stmt.query_map([id], from_row).map_err(map_err)?;
            rows.next().transpose().map_err(map_err)
        })
    }

    async fn list_notifications(
        &self,
        user_id: i64,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            // The cursor: after the newest of all when none.
            let (created_at, id) = match after {
                None => (i64::MAX, i64::MAX),
                Some(after) => {
                    let found = conn
                        .prepare_cached(
                            "SELECT created_at FROM notifications WHERE id = ?1 AND user_id = ?2",
                        )
                        .and_then(|mut s| {
                            s.query_map(params![after, user_id], |row| row.get::<_, i64>(0))?
                                .next()
                                .transpose()
                        })
                        .map_err(map_err)?;
                    match found {
                        Some(created_at) => (created_at, after),
                        None => return Ok(Vec::new()),
                    }
                }
            };
            let sql = format!(
                "SELECT {COLUMNS} FROM notifications WHERE user_id = ?1 \
                 AND (created_at < ?2 OR (created_at = ?2 AND id < ?3)) \
                 ORDER BY created_at DESC, id DESC LIMIT ?4"
            );
            let mut stmt = conn.prepare_cached(&sql).map_err(map_err)?;
            let rows = stmt
                .query_map(params![user_id, created_at, id, limit], from_row)
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn count_notifications(&self, user_id: i64) -> Result<NotificationCounts, StoreError> {
        self.read(|conn| counts(conn, user_id))
    }

    async fn delete_notification(
        &self,
        user_id: i64,
        id: i64,
        at: i64,
    ) -> Result<bool, StoreError> {
        let deleted = self
            .write(move |conn| {
                let rows = changed_rows(
                    conn,
                    "DELETE FROM notifications WHERE id = ?1 AND user_id = ?2 \
                     RETURNING user_id, id",
                    params![id, user_id],
                )?;
                tell_each(conn, &rows, NotifyAction::Delete, at)?;
                Ok(!rows.is_empty())
            })
            .await?;
        if deleted {
            self.wake_live();
        }
        Ok(deleted)
    }

    async fn delete_tagged_notifications(
        &self,
        owner: &str,
        field: TagField,
        value: &str,
        at: i64,
    ) -> Result<u64, StoreError> {
        if value.is_empty() {
            return Ok(0);
        }
        let (owner, value) = (owner.to_owned(), value.to_owned());
        let sql = match field {
            TagField::Tag => {
                "DELETE FROM notifications WHERE owner = ?1 AND tag = ?2 RETURNING user_id, id"
            }
            TagField::SubTag => {
                "DELETE FROM notifications WHERE owner = ?1 AND sub_tag = ?2 RETURNING user_id, id"
            }
        };
        let deleted = self
            .write(move |conn| {
                let rows = changed_rows(conn, sql, params![owner, value])?;
                tell_each(conn, &rows, NotifyAction::Delete, at)?;
                Ok(rows.len() as u64)
            })
            .await?;
        if deleted > 0 {
            self.wake_live();
        }
        Ok(deleted)
    }

    async fn mark_notifications(
        &self,
        user_id: i64,
        scope: ReadScope,
        read: bool,
        at: i64,
    ) -> Result<u64, StoreError> {
        let flag = i64::from(read);
        let changed = self
            .write(move |conn| {
                const SET: &str = "UPDATE notifications SET is_read = ?1 \
                     WHERE user_id = ?2 AND is_read != ?1";
                let rows = match &scope {
                    ReadScope::One(id) => changed_rows(
                        conn,
                        &format!("{SET} AND id = ?3 RETURNING user_id, id"),
                        params![flag, user_id, id],
                    )?,
                    ReadScope::From(id) => changed_rows(
                        conn,
                        &format!("{SET} AND id >= ?3 RETURNING user_id, id"),
                        params![flag, user_id, id],
                    )?,
                    ReadScope::Ids(ids) => changed_rows(
                        conn,
                        &format!(
                            "{SET} AND id IN (SELECT value FROM json_each(?3)) \
                             RETURNING user_id, id"
                        ),
                        params![
                            flag,
                            user_id,
                            serde_json::to_string(ids).unwrap_or_default()
                        ],
                    )?,
                    ReadScope::All => changed_rows(
                        conn,
                        &format!("{SET} RETURNING user_id, id"),
                        params![flag, user_id],
                    )?,
                };
                let action = if read {
                    NotifyAction::Read
                } else {
                    NotifyAction::Unread
                };
                tell_each(conn, &rows, action, at)?;
                Ok(rows.len() as u64)
            })
            .await?;
        if changed > 0 {
            self.wake_live();
        }
        Ok(changed)
    }
}
