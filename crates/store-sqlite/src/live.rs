//! [`LiveStore`] on SQLite: the `live_events` table. A write adds its rows with
//! [`push`] on its own connection (so in its transaction) and calls
//! [`SqliteStore::wake_live`] once it has returned (committed); the single
//! writer makes ids grow in commit order.

use async_trait::async_trait;
use portico_store::live::{user_ids_from_text, user_ids_text};
use portico_store::{LiveEvent, LivePush, LiveStore, LiveWake, StoreError};
use rusqlite::{params, Connection};

use crate::error::map_err;
use crate::SqliteStore;

/// Adds `push`, written at `at`, on `conn` (in the caller's transaction); its
/// id. The caller wakes the tails with [`SqliteStore::wake_live`] after the
/// write.
pub(crate) fn push(conn: &Connection, push: &LivePush, at: i64) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO live_events (kind, user_ids, data, created_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| {
        s.execute(params![
            push.kind,
            user_ids_text(&push.user_ids),
            push.data.to_string(),
            at
        ])
    })
    .map_err(map_err)?;
    Ok(conn.last_insert_rowid())
}

impl SqliteStore {
    /// Runs the registered live wake-ups (after a committed write that added
    /// live rows).
    pub(crate) fn wake_live(&self) {
        if let Ok(wakes) = self.inner.live_wakes.read() {
            for wake in wakes.iter() {
                wake();
            }
        }
    }
}

#[async_trait]
impl LiveStore for SqliteStore {
    async fn push_live(&self, live: LivePush, at: i64) -> Result<i64, StoreError> {
        let id = self.write(move |conn| push(conn, &live, at)).await?;
        self.wake_live();
        Ok(id)
    }

    async fn live_after(&self, after_id: i64, limit: usize) -> Result<Vec<LiveEvent>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT id, kind, user_ids, data, created_at FROM live_events \
                     WHERE id > ?1 ORDER BY id LIMIT ?2",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map(params![after_id, limit], |row| {
                    let user_ids: String = row.get(2)?;
                    let data: String = row.get(3)?;
                    Ok(LiveEvent {
                        id: row.get(0)?,
                        kind: row.get(1)?,
                        user_ids: user_ids_from_text(&user_ids),
                        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
                        created_at: row.get(4)?,
                    })
                })
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }

    async fn live_last_id(&self) -> Result<i64, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT COALESCE(MAX(id), 0) FROM live_events")
                .and_then(|mut s| s.query_row([], |row| row.get(0)))
                .map_err(map_err)
        })
    }

    async fn prune_live(&self, before: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM live_events WHERE created_at < ?1")
                .and_then(|mut s| s.execute([before]))
                .map(|n| n as u64)
                .map_err(map_err)
        })
        .await
    }

    fn on_live(&self, wake: LiveWake) {
        if let Ok(mut wakes) = self.inner.live_wakes.write() {
            wakes.push(wake);
        }
    }
}
