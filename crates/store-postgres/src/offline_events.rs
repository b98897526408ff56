//! [`OfflineEventStore`] on PostgreSQL: offline bindings and the
//! per-application queues (`app_offline_bindings`, `app_offline_events`).
//! Taking rows locks them (`FOR UPDATE SKIP LOCKED`) and deletes or reserves
//! them in one transaction, so callers on any node get disjoint rows; the
//! recording side is [`queue_offline`].

mod query;
mod queue;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::offline_events::{
    NewOfflineBinding, OfflineBinding, OfflineEvent, OfflineEventStore, OfflineQuery, OfflineTake,
};
use portico_store::StoreError;
use tokio_postgres::Row;

use crate::apps::execute;
use crate::{read, transaction, DbResult, PgStore};

use query::{condition, order, Params};
pub(crate) use queue::queue_offline;

/// The columns [`row_event`] reads.
const COLUMNS: &str = "id, event_name, timestamp_x, data, user_id, message_id, process_id, error";

/// A queue row from the columns of [`COLUMNS`].
fn row_event(row: &Row) -> DbResult<OfflineEvent> {
    let data: String = row.try_get(3)?;
    Ok(OfflineEvent {
        id: row.try_get(0)?,
        event_name: row.try_get(1)?,
        timestamp_x: row.try_get(2)?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        user_id: row.try_get(4)?,
        message_id: row.try_get(5)?,
        process_id: row.try_get(6)?,
        error: row.try_get::<_, i64>(7)? != 0,
    })
}

/// Runs a query of queue rows built at run time.
async fn select(
    conn: &impl GenericClient,
    sql: &str,
    params: &Params,
) -> DbResult<Vec<OfflineEvent>> {
    conn.query(sql, &params.refs())
        .await?
        .iter()
        .map(row_event)
        .collect()
}

/// Takes rows of `query` as `take` says, locking them first so that
/// concurrent takers skip them.
async fn take(
    tx: &Transaction<'_>,
    query: &OfflineQuery,
    limit: u32,
    take: &OfflineTake,
) -> DbResult<Vec<OfflineEvent>> {
    let mut params = Params::default();
    let mut sql = format!(
        "SELECT {COLUMNS} FROM app_offline_events WHERE {}",
        condition(query, &mut params)
    );
    match take {
        OfflineTake::Delete | OfflineTake::Reserve(_) => sql.push_str(" AND process_id = ''"),
        OfflineTake::Process(process_id, _) => {
            let placeholder = params.push(process_id.clone(), "text");
            sql.push_str(&format!(" AND process_id = {placeholder}"));
        }
    }
    sql.push_str(&format!(" ORDER BY {} LIMIT {limit}", order(query)));
    if !matches!(take, OfflineTake::Process(_, false)) {
        sql.push_str(" FOR UPDATE SKIP LOCKED");
    }
    let mut rows = select(tx, &sql, &params).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if ids.is_empty() {
        return Ok(rows);
    }
    match take {
        OfflineTake::Reserve(process_id) => {
            execute(
                tx,
                "UPDATE app_offline_events SET process_id = $1 WHERE id = ANY($2)",
                &[process_id, &ids],
            )
            .await?;
            for row in &mut rows {
                row.process_id.clone_from(process_id);
            }
        }
        OfflineTake::Delete | OfflineTake::Process(_, true) => {
            execute(
                tx,
                "DELETE FROM app_offline_events WHERE id = ANY($1)",
                &[&ids],
            )
            .await?;
        }
        OfflineTake::Process(_, false) => {}
    }
    Ok(rows)
}

/// The rows of application `$1`'s connector `$2` reserved under `$3` whose
/// message id is in `$4`, as a condition on `app_offline_events` aliased `r`.
macro_rules! reserved {
    () => {
        "r.app_id = $1 AND r.connector = $2 AND r.process_id = $3 AND r.message_id = ANY($4)"
    };
}

/// Gives the reserved rows back to the queue, flagged: per object the first
/// of them by id, unless an unreserved row of that object is queued (where
/// SQLite's `UPDATE OR IGNORE` leaves a row as it is).
const GIVE_BACK: &str = concat!(
    "UPDATE app_offline_events SET process_id = '', error = 1 WHERE id IN (\
     SELECT DISTINCT ON (r.event_name, r.entity, r.entity_id) r.id \
     FROM app_offline_events r WHERE ",
    reserved!(),
    " AND NOT EXISTS (SELECT 1 FROM app_offline_events q WHERE q.process_id = '' \
       AND q.app_id = r.app_id AND q.connector = r.connector \
       AND q.event_name = r.event_name AND q.entity = r.entity AND q.entity_id = r.entity_id) \
     ORDER BY r.event_name, r.entity, r.entity_id, r.id)"
);

/// Flags the unreserved rows of the objects of reserved rows still left.
const FLAG_SUPERSEDING: &str = concat!(
    "UPDATE app_offline_events AS q SET error = 1 WHERE q.process_id = '' \
     AND EXISTS (SELECT 1 FROM app_offline_events r WHERE ",
    reserved!(),
    " AND r.event_name = q.event_name AND r.entity = q.entity \
       AND r.entity_id = q.entity_id AND r.app_id = q.app_id AND r.connector = q.connector)"
);

/// Deletes the reserved rows still left.
const DROP_RESERVED: &str = concat!("DELETE FROM app_offline_events r WHERE ", reserved!());

/// Marks the rows of `message_ids` reserved under `process_id` erroneous and
/// gives them back to the queue; a row whose object was queued again since
/// leaves its mark on that newer row and goes.
async fn mark_errors(
    tx: &Transaction<'_>,
    app_id: i64,
    connector: &str,
    process_id: &str,
    message_ids: &[String],
) -> DbResult<u64> {
    if message_ids.is_empty() {
        return Ok(0);
    }
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] =
        [&app_id, &connector, &process_id, &message_ids];
    let marked = execute(tx, GIVE_BACK, &params).await?;
    let superseded = execute(tx, FLAG_SUPERSEDING, &params).await?;
    execute(tx, DROP_RESERVED, &params).await?;
    Ok(marked + superseded)
}

#[async_trait]
impl OfflineEventStore for PgStore {
    async fn bind_offline(&self, binding: NewOfflineBinding) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("SELECT id FROM apps WHERE id = $1")
                .await?;
            if tx
                .query_opt(&statement, &[&binding.app_id])
                .await?
                .is_none()
            {
                return Err(StoreError::Conflict("app_offline_bindings_app_id".to_owned()).into());
            }
            let n = execute(
                &tx,
                "INSERT INTO app_offline_bindings (app_id, event, connector, user_id, \
                 min_timeout, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[
                    &binding.app_id,
                    &binding.event,
                    &binding.connector,
                    &binding.user_id,
                    &binding.min_timeout,
                    &binding.created_at,
                ],
            )
            .await?;
            Ok(n > 0)
        })
    }

    async fn unbind_offline(
        &self,
        app_id: i64,
        event: Option<String>,
        user_id: Option<i64>,
    ) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            execute(
                &tx,
                "DELETE FROM app_offline_bindings WHERE app_id = $1 \
                 AND ($2::text IS NULL OR event = $2) AND ($3::bigint IS NULL OR user_id = $3)",
                &[&app_id, &event, &user_id],
            )
            .await
        })
    }

    async fn offline_bindings(&self, app_id: i64) -> Result<Vec<OfflineBinding>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT id, event, connector, user_id, min_timeout FROM app_offline_bindings \
                     WHERE app_id = $1 ORDER BY id",
                )
                .await?;
            conn.query(&statement, &[&app_id])
                .await?
                .iter()
                .map(|r| {
                    Ok(OfflineBinding {
                        id: r.try_get(0)?,
                        event: r.try_get(1)?,
                        connector: r.try_get(2)?,
                        user_id: r.try_get(3)?,
                        min_timeout: r.try_get(4)?,
                    })
                })
                .collect()
        })
    }

    async fn take_offline_events(
        &self,
        query: OfflineQuery,
        limit: u32,
        how: OfflineTake,
    ) -> Result<Vec<OfflineEvent>, StoreError> {
        transaction!(self, ReadCommitted, |tx| {
            take(&tx, &query, limit, &how).await
        })
    }

    async fn clear_offline_events(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        ids: Option<Vec<i64>>,
        message_ids: Option<Vec<String>>,
    ) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let base = "DELETE FROM app_offline_events WHERE app_id = $1 AND connector = $2 \
                        AND process_id = $3";
            if let Some(ids) = &ids {
                let sql = format!("{base} AND id = ANY($4)");
                execute(&tx, &sql, &[&app_id, &connector, &process_id, ids]).await
            } else if let Some(message_ids) = &message_ids {
                let sql = format!("{base} AND message_id = ANY($4)");
                execute(&tx, &sql, &[&app_id, &connector, &process_id, message_ids]).await
            } else {
                execute(&tx, base, &[&app_id, &connector, &process_id]).await
            }
        })
    }

    async fn mark_offline_errors(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        message_ids: Vec<String>,
    ) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            mark_errors(&tx, app_id, &connector, &process_id, &message_ids).await
        })
    }

    async fn list_offline_events(
        &self,
        query: OfflineQuery,
        start: u64,
        limit: u32,
    ) -> Result<(Vec<OfflineEvent>, u64), StoreError> {
        transaction!(self, RepeatableRead, |tx| {
            let mut params = Params::default();
            let filter = condition(&query, &mut params);
            let total: i64 = tx
                .query_one(
                    &format!("SELECT COUNT(*) FROM app_offline_events WHERE {filter}"),
                    &params.refs(),
                )
                .await?
                .try_get(0)?;
            let sql = format!(
                "SELECT {COLUMNS} FROM app_offline_events WHERE {filter} ORDER BY {} \
                 LIMIT {limit} OFFSET {start}",
                order(&query)
            );
            let rows = select(&tx, &sql, &params).await?;
            Ok((rows, u64::try_from(total).unwrap_or(0)))
        })
    }
}
