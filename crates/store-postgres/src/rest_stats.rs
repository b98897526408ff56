//! [`RestStatsStore`] on PostgreSQL: the `rest_stats` table. A flush adds its
//! counts in one additive upsert (`ON CONFLICT DO UPDATE SET calls =
//! rest_stats.calls + excluded.calls`), so the flushes of several nodes add
//! up; a flush's rows are summed per key first and written in key order, so
//! two flushes lock shared keys in the same order.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::{IntegrationKind, RestStatCounts, RestStatKey, RestStatsStore, StoreError};

use crate::{read, transaction, PgStore};

/// Adds the rows given as parallel arrays (`$1` days, `$2` kinds, `$3`
/// integration ids, `$4` methods, `$5` calls, `$6` errors, `$7` operating
/// microseconds) to what is stored under their keys.
const ADD: &str = "INSERT INTO rest_stats \
     (day, kind, integration_id, method, calls, errors, operating_micros) \
     SELECT day, kind, integration_id, method, \
       SUM(calls)::bigint, SUM(errors)::bigint, SUM(operating_micros)::bigint \
     FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], \
       $5::bigint[], $6::bigint[], $7::bigint[]) \
       AS r (day, kind, integration_id, method, calls, errors, operating_micros) \
     GROUP BY day, kind, integration_id, method \
     ORDER BY day, kind COLLATE \"C\", integration_id, method COLLATE \"C\" \
     ON CONFLICT (day, kind, integration_id, method) DO UPDATE SET \
       calls = rest_stats.calls + excluded.calls, \
       errors = rest_stats.errors + excluded.errors, \
       operating_micros = rest_stats.operating_micros + excluded.operating_micros";

/// The rows of days `$1` to `$2`.
const READ: &str = "SELECT day, kind, integration_id, method, calls, errors, operating_micros \
     FROM rest_stats WHERE day BETWEEN $1 AND $2 \
     ORDER BY day, kind COLLATE \"C\", integration_id, method COLLATE \"C\"";

/// A stored count (never negative) as `u64`.
fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// A count as PostgreSQL's `BIGINT`.
fn stored(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The columns of a flush, one vector per column of [`ADD`].
#[derive(Default)]
struct Columns {
    /// Days.
    days: Vec<i64>,
    /// Integration kinds.
    kinds: Vec<&'static str>,
    /// Integration ids.
    integration_ids: Vec<i64>,
    /// Methods or event codes.
    methods: Vec<String>,
    /// Calls.
    calls: Vec<i64>,
    /// Errors.
    errors: Vec<i64>,
    /// Operating microseconds.
    operating_micros: Vec<i64>,
}

impl Columns {
    /// The columns of `rows`.
    fn of(rows: &[(RestStatKey, RestStatCounts)]) -> Columns {
        let mut columns = Columns::default();
        for (key, counts) in rows {
            columns.days.push(key.day);
            columns.kinds.push(key.kind.as_str());
            columns.integration_ids.push(key.integration_id);
            columns.methods.push(key.method.clone());
            columns.calls.push(stored(counts.calls));
            columns.errors.push(stored(counts.errors));
            columns
                .operating_micros
                .push(stored(counts.operating_micros));
        }
        columns
    }
}

#[async_trait]
impl RestStatsStore for PgStore {
    async fn add_rest_stats(
        &self,
        rows: &[(RestStatKey, RestStatCounts)],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let columns = Columns::of(rows);
        transaction!(self, ReadCommitted, |tx| {
            let statement = tx.prepare_cached(ADD).await?;
            tx.execute(
                &statement,
                &[
                    &columns.days,
                    &columns.kinds,
                    &columns.integration_ids,
                    &columns.methods,
                    &columns.calls,
                    &columns.errors,
                    &columns.operating_micros,
                ],
            )
            .await?;
            Ok(())
        })
    }

    async fn rest_stats(
        &self,
        first_day: i64,
        last_day: i64,
    ) -> Result<Vec<(RestStatKey, RestStatCounts)>, StoreError> {
        read!(self, |conn| {
            let statement = conn.prepare_cached(READ).await?;
            let mut found = Vec::new();
            for row in conn.query(&statement, &[&first_day, &last_day]).await? {
                let kind: String = row.try_get(1)?;
                // A kind this build does not know (written by a newer one) is skipped.
                let Some(kind) = IntegrationKind::parse(&kind) else {
                    continue;
                };
                found.push((
                    RestStatKey {
                        day: row.try_get(0)?,
                        kind,
                        integration_id: row.try_get(2)?,
                        method: row.try_get(3)?,
                    },
                    RestStatCounts {
                        calls: count(row.try_get(4)?),
                        errors: count(row.try_get(5)?),
                        operating_micros: count(row.try_get(6)?),
                    },
                ));
            }
            Ok(found)
        })
    }

    async fn purge_rest_stats(&self, first_kept_day: i64) -> Result<u64, StoreError> {
        transaction!(self, ReadCommitted, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM rest_stats WHERE day < $1")
                .await?;
            Ok(tx.execute(&statement, &[&first_kept_day]).await?)
        })
    }
}
