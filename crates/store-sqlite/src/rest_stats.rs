//! [`RestStatsStore`]: the `rest_stats` table. A flush adds its counts with
//! `INSERT … ON CONFLICT DO UPDATE SET calls = calls + excluded.calls`, so the
//! flushes of several servers sharing the database add up.

use async_trait::async_trait;
use portico_store::{IntegrationKind, RestStatCounts, RestStatKey, RestStatsStore, StoreError};
use rusqlite::params;

use crate::error::map_err;
use crate::SqliteStore;

/// A stored count (never negative) as `u64`.
fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// A count as SQLite's `INTEGER`.
fn stored(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[async_trait]
impl RestStatsStore for SqliteStore {
    async fn add_rest_stats(
        &self,
        rows: &[(RestStatKey, RestStatCounts)],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let rows = rows.to_vec();
        self.write(move |conn| {
            let mut add = conn
                .prepare_cached(
                    "INSERT INTO rest_stats \
                     (day, kind, integration_id, method, calls, errors, operating_micros) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                     ON CONFLICT (day, kind, integration_id, method) DO UPDATE SET \
                     calls = calls + excluded.calls, \
                     errors = errors + excluded.errors, \
                     operating_micros = operating_micros + excluded.operating_micros",
                )
                .map_err(map_err)?;
            for (key, counts) in &rows {
                add.execute(params![
                    key.day,
                    key.kind.as_str(),
                    key.integration_id,
                    key.method,
                    stored(counts.calls),
                    stored(counts.errors),
                    stored(counts.operating_micros),
                ])
                .map_err(map_err)?;
            }
            Ok(())
        })
        .await
    }

    async fn rest_stats(
        &self,
        first_day: i64,
        last_day: i64,
    ) -> Result<Vec<(RestStatKey, RestStatCounts)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT day, kind, integration_id, method, calls, errors, operating_micros \
                     FROM rest_stats WHERE day BETWEEN ?1 AND ?2 \
                     ORDER BY day, kind, integration_id, method",
                )
                .map_err(map_err)?;
            let rows = stmt
                .query_map([first_day, last_day], |row| {
                    let kind: String = row.get(1)?;
                    Ok((
                        (
                            row.get::<_, i64>(0)?,
                            kind,
                            row.get::<_, i64>(2)?,
                            row.get::<_, String>(3)?,
                        ),
                        RestStatCounts {
                            calls: count(row.get(4)?),
                            errors: count(row.get(5)?),
                            operating_micros: count(row.get(6)?),
                        },
                    ))
                })
                .map_err(map_err)?;
            let mut found = Vec::new();
            for row in rows {
                let ((day, kind, integration_id, method), counts) = row.map_err(map_err)?;
                // A kind this build does not know (written by a newer one) is skipped.
                let Some(kind) = IntegrationKind::parse(&kind) else {
                    continue;
                };
                found.push((
                    RestStatKey {
                        day,
                        kind,
                        integration_id,
                        method,
                    },
                    counts,
                ));
            }
            Ok(found)
        })
    }

    async fn purge_rest_stats(&self, first_kept_day: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM rest_stats WHERE day < ?1")
                .and_then(|mut s| s.execute([first_kept_day]))
                .map_err(map_err)?;
            Ok(n as u64)
        })
        .await
    }
}
