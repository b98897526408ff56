//! [`RestLimitStore`] on PostgreSQL: the `rest_buckets` and `rest_operating`
//! tables, one bucket and one set of baskets per key shared by every node. A
//! request is offered to its bucket in one `INSERT … ON CONFLICT … DO UPDATE …
//! RETURNING` that drains, checks and counts at once (the arithmetic of
//! [`BucketRule::admit`] written in SQL): the conflicting row is locked for
//! the statement, so concurrent requests on any nodes never both take the last
//! place. Operating seconds are added to the minute's basket in one upsert.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::rest_limits::{OPERATING_BASKET_SECS, OPERATING_WINDOW_SECS};
use portico_store::{
    BucketAdmission, BucketRule, OperatingBasket, OperatingWindow, RestLimitStore, StoreError,
};

use crate::{read, transaction, DbResult, PgStore};

/// Buckets untouched this long (milliseconds) are empty by any sane rule and purged.
const IDLE_BUCKET_MS: i64 = 3_600_000;

/// The level of the stored bucket drained up to `$2` (now, ms) at `$3` per second.
macro_rules! drained {
    () => {
        "GREATEST(0.0::float8, rest_buckets.level \
           - GREATEST(0, $2::bigint - rest_buckets.updated_ms)::float8 / 1000.0::float8 \
             * $3::float8)"
    };
}

/// Offers one request to bucket `$1` at `$2` (Unix ms), draining `$3` per
/// second, holding `$4`: the request passes when one more fits under the
/// burst, and only then counts. Returns the new level and whether it passed.
const TAKE: &str = concat!(
    "INSERT INTO rest_buckets (key, level, updated_ms, admitted) \
     VALUES ($1, CASE WHEN 1.0::float8 <= $4::float8 THEN 1.0::float8 ELSE 0.0::float8 END, \
       $2::bigint, CASE WHEN 1.0::float8 <= $4::float8 THEN 1 ELSE 0 END) \
     ON CONFLICT (key) DO UPDATE SET \
       level = ",
    drained!(),
    " + CASE WHEN ",
    drained!(),
    " + 1.0::float8 <= $4::float8 THEN 1.0 ELSE 0.0 END, \
       admitted = CASE WHEN ",
    drained!(),
    " + 1.0::float8 <= $4::float8 THEN 1 ELSE 0 END, \
       updated_ms = GREATEST(rest_buckets.updated_ms, $2::bigint) \
     RETURNING level, admitted"
);

/// Adds `$4` seconds to the basket of key `$1` for minute `$2`, opening it at `$3`.
const ADD_OPERATING: &str = "INSERT INTO rest_operating (key, minute, first_at, seconds) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (key, minute) DO UPDATE SET seconds = rest_operating.seconds + excluded.seconds";

/// The baskets of `key` that may still count at `now`.
async fn baskets(conn: &impl GenericClient, key: &str, now: i64) -> DbResult<OperatingWindow> {
    let statement = conn
        .prepare_cached(
            "SELECT first_at, seconds FROM rest_operating WHERE key = $1 AND first_at > $2",
        )
        .await?;
    let rows = conn
        .query(&statement, &[&key, &(now - OPERATING_WINDOW_SECS)])
        .await?
        .iter()
        .map(|row| {
            Ok(OperatingBasket {
                first_at: row.try_get(0)?,
                seconds: row.try_get(1)?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    Ok(OperatingWindow::from_baskets(rows, now))
}

#[async_trait]
impl RestLimitStore for PgStore {
    async fn take_from_bucket(
        &self,
        key: &str,
        rule: BucketRule,
        now_ms: i64,
    ) -> Result<BucketAdmission, StoreError> {
        let (level, admitted): (f64, i64) = transaction!(self, ReadCommitted, |tx| {
            let statement = tx.prepare_cached(TAKE).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[&key, &now_ms, &rule.drain_per_sec, &rule.burst],
                )
                .await?;
            Ok((row.try_get(0)?, row.try_get(1)?))
        })?;
        Ok(if admitted != 0 {
            BucketAdmission::Admitted
        } else {
            BucketAdmission::RetryAfter(rule.retry_after(level))
        })
    }

    async fn operating_window(&self, key: &str, now: i64) -> Result<OperatingWindow, StoreError> {
        read!(self, |conn| { baskets(&conn, key, now).await })
    }

    async fn add_operating(
        &self,
        key: &str,
        seconds: f64,
        now: i64,
    ) -> Result<OperatingWindow, StoreError> {
        transaction!(self, ReadCommitted, |tx| {
            let statement = tx.prepare_cached(ADD_OPERATING).await?;
            tx.execute(
                &statement,
                &[
                    &key,
                    &now.div_euclid(OPERATING_BASKET_SECS),
                    &now,
                    &seconds.max(0.0),
                ],
            )
            .await?;
            baskets(&tx, key, now).await
        })
    }

    async fn purge_rest_limits(&self, now: i64) -> Result<u64, StoreError> {
        transaction!(self, ReadCommitted, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM rest_operating WHERE first_at <= $1")
                .await?;
            let baskets = tx
                .execute(&statement, &[&(now - OPERATING_WINDOW_SECS)])
                .await?;
            let statement = tx
                .prepare_cached("DELETE FROM rest_buckets WHERE updated_ms <= $1")
                .await?;
            let buckets = tx
                .execute(&statement, &[&(now.saturating_mul(1000) - IDLE_BUCKET_MS)])
                .await?;
            Ok(baskets + buckets)
        })
    }
}
