//! [`RestLimitStore`]: the `rest_buckets` and `rest_operating` tables. A
//! request is offered to its bucket in one `INSERT … ON CONFLICT … DO UPDATE …
//! RETURNING` that drains, checks and counts at once, the arithmetic of
//! [`BucketRule::admit`] written in SQL; operating seconds are added to the
//! minute's basket in one upsert.

use async_trait::async_trait;
use portico_store::rest_limits::{OPERATING_BASKET_SECS, OPERATING_WINDOW_SECS};
use portico_store::{
    BucketAdmission, BucketRule, OperatingBasket, OperatingWindow, RestLimitStore, StoreError,
};
use rusqlite::{params, Connection};

use crate::error::map_err;
use crate::SqliteStore;

/// Buckets untouched this long (milliseconds) are empty by any sane rule and purged.
const IDLE_BUCKET_MS: i64 = 3_600_000;

/// The baskets of `key` that may still count at `now`.
fn baskets(conn: &Connection, key: &str, now: i64) -> Result<OperatingWindow, StoreError> {
    let rows = conn
        .prepare_cached(
            "SELECT first_at, seconds FROM rest_operating WHERE key = ?1 AND first_at > ?2",
        )
        .and_then(|mut s| {
            s.query_map(params![key, now - OPERATING_WINDOW_SECS], |row| {
                Ok(OperatingBasket {
                    first_at: row.get(0)?,
                    seconds: row.get(1)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .map_err(map_err)?;
    Ok(OperatingWindow::from_baskets(rows, now))
}

#[async_trait]
impl RestLimitStore for SqliteStore {
    async fn take_from_bucket(
        &self,
        key: &str,
        rule: BucketRule,
        now_ms: i64,
    ) -> Result<BucketAdmission, StoreError> {
        let key = key.to_owned();
        let (level, admitted): (f64, bool) = self
            .write(move |conn| {
                // ?2 now, ?3 drain per second, ?4 burst. `drained` is the level
                // now; the request passes when one more fits under the burst.
                conn.prepare_cached(
                    "INSERT INTO rest_buckets (key, level, updated_ms, admitted) \
                     VALUES (?1, CASE WHEN 1.0 <= ?4 THEN 1.0 ELSE 0.0 END, ?2, 1.0 <= ?4) \
                     ON CONFLICT (key) DO UPDATE SET \
                       level = max(0.0, level - max(0, ?2 - updated_ms) / 1000.0 * ?3) \
                         + (max(0.0, level - max(0, ?2 - updated_ms) / 1000.0 * ?3) + 1.0 <= ?4), \
                       admitted = \
                         max(0.0, level - max(0, ?2 - updated_ms) / 1000.0 * ?3) + 1.0 <= ?4, \
                       updated_ms = max(updated_ms, ?2) \
                     RETURNING level, admitted",
                )
                .and_then(|mut s| {
                    s.query_row(
                        params![key, now_ms, rule.drain_per_sec, rule.burst],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                })
                .map_err(map_err)
            })
            .await?;
        Ok(if admitted {
            BucketAdmission::Admitted
        } else {
            BucketAdmission::RetryAfter(rule.retry_after(level))
        })
    }

    async fn operating_window(&self, key: &str, now: i64) -> Result<OperatingWindow, StoreError> {
        self.read(|conn| baskets(conn, key, now))
    }

    async fn add_operating(
        &self,
        key: &str,
        seconds: f64,
        now: i64,
    ) -> Result<OperatingWindow, StoreError> {
        let key = key.to_owned();
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO rest_operating (key, minute, first_at, seconds) \
                 VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (key, minute) DO UPDATE SET seconds = seconds + excluded.seconds",
            )
            .and_then(|mut s| {
                s.execute(params![
                    key,
                    now.div_euclid(OPERATING_BASKET_SECS),
                    now,
                    seconds.max(0.0)
                ])
            })
            .map_err(map_err)?;
            baskets(conn, &key, now)
        })
        .await
    }

    async fn purge_rest_limits(&self, now: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let baskets = conn
                .prepare_cached("DELETE FROM rest_operating WHERE first_at <= ?1")
                .and_then(|mut s| s.execute([now - OPERATING_WINDOW_SECS]))
                .map_err(map_err)?;
            let buckets = conn
                .prepare_cached("DELETE FROM rest_buckets WHERE updated_ms <= ?1")
                .and_then(|mut s| s.execute([now.saturating_mul(1000) - IDLE_BUCKET_MS]))
                .map_err(map_err)?;
            Ok((baskets + buckets) as u64)
        })
        .await
    }
}
