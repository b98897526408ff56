//! [`NotificationStore`] on PostgreSQL: the `notifications` table (migration
//! 4). Every write adds the live rows of the recipients it concerns as its
//! last statements, in its own transaction (see [`crate::live::push`]).

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::notifications::{
    by_recipient, live_push, NewNotification, Notification, NotificationCounts, NotificationStore,
    NotifyAction, NotifyKind, ReadScope, TagField,
};
use portico_store::StoreError;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use crate::{read, transaction, DbResult, PgStore};

/// The columns [`from_row`] reads, in its order.
const COLUMNS: &str = "id, user_id, author_id, kind, text, text_out, attach, owner, tag, \
     sub_tag, is_read, created_at";

/// `$1`'s notification counts.
const COUNTS: &str = "SELECT COUNT(*), COUNT(*) FILTER (WHERE is_read = 0) \
     FROM notifications WHERE user_id = $1";

/// Inserts a notification, unread.
const INSERT: &str = "INSERT INTO notifications (user_id, author_id, kind, text, text_out, \
     attach, owner, tag, sub_tag, is_read, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10) RETURNING id";

/// The start of every marking statement: `$1` the flag, `$2` the recipient.
const MARK: &str = "UPDATE notifications SET is_read = $1 WHERE user_id = $2 AND is_read != $1";

/// A [`Notification`] from a row of [`COLUMNS`].
fn from_row(row: &Row) -> DbResult<Notification> {
    let kind: String = row.try_get(3)?;
    let attach: Option<String> = row.try_get(6)?;
    Ok(Notification {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        author_id: row.try_get(2)?,
        kind: NotifyKind::from_stored(&kind),
        text: row.try_get(4)?,
        text_out: row.try_get(5)?,
        attach: attach.and_then(|a| serde_json::from_str(&a).ok()),
        owner: row.try_get(7)?,
        tag: row.try_get(8)?,
        sub_tag: row.try_get(9)?,
        read: row.try_get::<_, i64>(10)? != 0,
        created_at: row.try_get(11)?,
    })
}

/// `user_id`'s notification counts, on `client`.
async fn counts(client: &impl GenericClient, user_id: i64) -> DbResult<NotificationCounts> {
    let statement = client.prepare_cached(COUNTS).await?;
    let row = client.query_one(&statement, &[&user_id]).await?;
    Ok(NotificationCounts {
        total: row.try_get(0)?,
        unread: row.try_get(1)?,
    })
}

/// Runs a statement returning `(user_id, id)` rows: the rows it changed.
async fn changed_rows(
    tx: &Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> DbResult<Vec<(i64, i64)>> {
    let statement = tx.prepare_cached(sql).await?;
    tx.query(&statement, params)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// Writes the live row of a change to `user_id`'s notifications, with their
/// unread count after it.
async fn tell(
    tx: &Transaction<'_>,
    user_id: i64,
    action: NotifyAction,
    id: i64,
    count: u64,
    at: i64,
) -> DbResult<()> {
    let unread = counts(tx, user_id).await?.unread;
    crate::live::push(tx, &live_push(user_id, action, id, count, unread), at).await?;
    Ok(())
}

/// Tells each recipient of `rows` of the change.
async fn tell_each(
    tx: &Transaction<'_>,
    rows: &[(i64, i64)],
    action: NotifyAction,
    at: i64,
) -> DbResult<()> {
    for (user_id, id, count) in by_recipient(rows) {
        tell(tx, user_id, action, id, count, at).await?;
    }
    Ok(())
}

#[async_trait]
impl NotificationStore for PgStore {
    async fn add_notification(&self, new: NewNotification) -> Result<i64, StoreError> {
        let attach = new.attach.as_ref().map(|a| a.to_string());
        transaction!(self, |tx| {
            let replaced = if new.tag.is_empty() {
                Vec::new()
            } else {
                changed_rows(
                    &tx,
                    "DELETE FROM notifications WHERE owner = $1 AND tag = $2 \
                     RETURNING user_id, id",
                    &[&new.owner, &new.tag],
                )
                .await?
            };
            let statement = tx.prepare_cached(INSERT).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &new.user_id,
                        &new.author_id,
                        &new.kind.as_str(),
                        &new.text,
                        &new.text_out,
                        &attach,
                        &new.owner,
                        &new.tag,
                        &new.sub_tag,
                        &new.created_at,
                    ],
                )
                .await?;
            let id: i64 = row.try_get(0)?;
            let others: Vec<(i64, i64)> = replaced
                .into_iter()
                .filter(|(user_id, _)| *user_id != new.user_id)
                .collect();
            tell_each(&tx, &others, NotifyAction::Delete, new.created_at).await?;
            tell(&tx, new.user_id, NotifyAction::Add, id, 1, new.created_at).await?;
            Ok(id)
        })
    }

    async fn notification(&self, id: i64) -> Result<Option<Notification>, StoreError> {
        read!(self, |conn| {
            let sql = format!("SELECT {COLUMNS} FROM notifications WHERE id = $1");
            let statement = conn.prepare_cached(&sql).await?;
            match conn.query_opt(&statement, &[&id]).await? {
                Some(row) => Ok(Some(from_row(&row)?)),
                None => Ok(None),
            }
        })
    }

    async fn list_notifications(
        &self,
        user_id: i64,
        after: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Notification>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read!(self, |conn| {
            // The cursor: after the newest of all when none.
            let (created_at, id) = match after {
                None => (i64::MAX, i64::MAX),
                Some(after) => {
                    let statement = conn
                        .prepare_cached(
                            "SELECT created_at FROM notifications WHERE id = $1 AND user_id = $2",
                        )
                        .await?;
                    match conn.query_opt(&statement, &[&after, &user_id]).await? {
                        Some(row) => (row.try_get::<_, i64>(0)?, after),
                        None => return Ok(Vec::new()),
                    }
                }
            };
            let sql = format!(
                "SELECT {COLUMNS} FROM notifications WHERE user_id = $1 \
                 AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
                 ORDER BY created_at DESC, id DESC LIMIT $4"
            );
            let statement = conn.prepare_cached(&sql).await?;
            conn.query(&statement, &[&user_id, &created_at, &id, &limit])
                .await?
                .iter()
                .map(from_row)
                .collect()
        })
    }

    async fn count_notifications(&self, user_id: i64) -> Result<NotificationCounts, StoreError> {
        read!(self, |conn| { counts(&conn, user_id).await })
    }

    async fn delete_notification(
        &self,
        user_id: i64,
        id: i64,
        at: i64,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let rows = changed_rows(
                &tx,
                "DELETE FROM notifications WHERE id = $1 AND user_id = $2 RETURNING user_id, id",
                &[&id, &user_id],
            )
            .await?;
            tell_each(&tx, &rows, NotifyAction::Delete, at).await?;
            Ok(!rows.is_empty())
        })
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
        let sql = match field {
            TagField::Tag => {
                "DELETE FROM notifications WHERE owner = $1 AND tag = $2 RETURNING user_id, id"
            }
            TagField::SubTag => {
                "DELETE FROM notifications WHERE owner = $1 AND sub_tag = $2 RETURNING user_id, id"
            }
        };
        transaction!(self, |tx| {
            let rows = changed_rows(&tx, sql, &[&owner, &value]).await?;
            tell_each(&tx, &rows, NotifyAction::Delete, at).await?;
            Ok(rows.len() as u64)
        })
    }

    async fn mark_notifications(
        &self,
        user_id: i64,
        scope: ReadScope,
        read: bool,
        at: i64,
    ) -> Result<u64, StoreError> {
        let flag = i64::from(read);
        let action = if read {
            NotifyAction::Read
        } else {
            NotifyAction::Unread
        };
        transaction!(self, |tx| {
            let rows = match &scope {
                ReadScope::One(id) => {
                    let sql = format!("{MARK} AND id = $3 RETURNING user_id, id");
                    changed_rows(&tx, &sql, &[&flag, &user_id, id]).await?
                }
                ReadScope::From(id) => {
                    let sql = format!("{MARK} AND id >= $3 RETURNING user_id, id");
                    changed_rows(&tx, &sql, &[&flag, &user_id, id]).await?
                }
                ReadScope::Ids(ids) => {
                    let sql = format!("{MARK} AND id = ANY($3) RETURNING user_id, id");
                    changed_rows(&tx, &sql, &[&flag, &user_id, ids]).await?
                }
                ReadScope::All => {
                    let sql = format!("{MARK} RETURNING user_id, id");
                    changed_rows(&tx, &sql, &[&flag, &user_id]).await?
                }
            };
            tell_each(&tx, &rows, action, at).await?;
            Ok(rows.len() as u64)
        })
    }
}
