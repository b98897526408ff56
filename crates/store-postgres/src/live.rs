//! [`LiveStore`] on PostgreSQL: the `live_events` table. A write adds its rows
//! with [`push`] in its own transaction, as its last statement: it takes the
//! lock that orders event ids (so live ids, too, grow in commit order on every
//! node), inserts, and notifies every node's tail when it commits.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::live::{user_ids_from_text, user_ids_text};
use portico_store::{LiveEvent, LivePush, LiveStore, LiveWake, StoreError};

use crate::events::EVENTS_LOCK;
use crate::listen::LIVE;
use crate::{read, transaction, DbResult, PgStore};

/// Takes the ordering lock (`$5`), inserts a live row and notifies channel
/// `$6` at commit, in one statement; the row's id.
const PUSH: &str = "WITH held AS (SELECT pg_advisory_xact_lock($5)), \
     added AS (INSERT INTO live_events (kind, user_ids, data, created_at) \
       SELECT $1, $2, $3, $4 FROM held RETURNING id), \
     woken AS (SELECT pg_notify($6, '') FROM added) \
     SELECT (SELECT id FROM added), (SELECT COUNT(*) FROM woken)";

/// Adds `push`, written at `at`, in `tx` (best as its last statement: the
/// ordering lock is held until the commit); its id.
pub(crate) async fn push(tx: &Transaction<'_>, push: &LivePush, at: i64) -> DbResult<i64> {
    let statement = tx.prepare_cached(PUSH).await?;
    let row = tx
        .query_one(
            &statement,
            &[
                &push.kind,
                &user_ids_text(&push.user_ids),
                &push.data.to_string(),
                &at,
                &EVENTS_LOCK,
                &LIVE,
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

#[async_trait]
impl LiveStore for PgStore {
    async fn push_live(&self, live: LivePush, at: i64) -> Result<i64, StoreError> {
        transaction!(self, |tx| { push(&tx, &live, at).await })
    }

    async fn live_after(&self, after_id: i64, limit: usize) -> Result<Vec<LiveEvent>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(
                    "SELECT id, kind, user_ids, data, created_at FROM live_events \
                     WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .await?;
            let rows = conn.query(&statement, &[&after_id, &limit]).await?;
            let mut events = Vec::with_capacity(rows.len());
            for row in rows {
                let user_ids: String = row.try_get(2)?;
                let data: String = row.try_get(3)?;
                events.push(LiveEvent {
                    id: row.try_get(0)?,
                    kind: row.try_get(1)?,
                    user_ids: user_ids_from_text(&user_ids),
                    data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
                    created_at: row.try_get(4)?,
                });
            }
            Ok(events)
        })
    }

    async fn live_last_id(&self) -> Result<i64, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached("SELECT COALESCE(MAX(id), 0)::bigint FROM live_events")
                .await?;
            Ok(conn.query_one(&statement, &[]).await?.try_get(0)?)
        })
    }

    async fn prune_live(&self, before: i64) -> Result<u64, StoreError> {
        transaction!(self, ReadCommitted, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM live_events WHERE created_at < $1")
                .await?;
            Ok(tx.execute(&statement, &[&before]).await?)
        })
    }

    fn on_live(&self, wake: LiveWake) {
        if let Ok(mut wakes) = self.inner.live_wakes.write() {
            wakes.push(wake);
        }
    }
}
