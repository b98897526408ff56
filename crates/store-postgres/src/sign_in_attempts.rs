//! [`SignInAttemptStore`] on PostgreSQL: the `sign_in_attempts` table. A new
//! attempt reads and writes its counts inside one `SERIALIZABLE` transaction,
//! so checking the limits and counting the attempt are one atomic step on
//! every node sharing the database: of two attempts that raced on a key, the
//! one that loses the race runs again and sees the winner's count.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::sign_in_attempts::admission;
use portico_store::{Admission, AttemptCount, AttemptRule, SignInAttemptStore, StoreError};

use crate::{read, transaction, DbResult, PgStore};

/// The count stored under `key`.
async fn count_of(conn: &impl GenericClient, key: &str) -> DbResult<Option<AttemptCount>> {
    let statement = conn
        .prepare_cached(
            "SELECT attempts, window_ends_at, next_allowed_at FROM sign_in_attempts WHERE key = $1",
        )
        .await?;
    let Some(row) = conn.query_opt(&statement, &[&key]).await? else {
        return Ok(None);
    };
    let attempts: i64 = row.try_get(0)?;
    Ok(Some(AttemptCount {
        attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
        window_ends_at: row.try_get(1)?,
        next_allowed_at: row.try_get(2)?,
    }))
}

#[async_trait]
impl SignInAttemptStore for PgStore {
    async fn sign_in_attempts(&self, key: &str) -> Result<Option<AttemptCount>, StoreError> {
        read!(self, |conn| { count_of(&conn, key).await })
    }

    async fn begin_sign_in_attempt(
        &self,
        rules: &[AttemptRule],
        now: i64,
    ) -> Result<Admission, StoreError> {
        transaction!(self, |tx| {
            let mut counts = Vec::with_capacity(rules.len());
            for rule in rules {
                counts.push(count_of(&tx, &rule.key).await?);
            }
            let found = |key: &str| {
                rules
                    .iter()
                    .position(|r| r.key == key)
                    .and_then(|i| counts[i].as_ref())
            };
            if let refused @ Admission::RetryAfter(_) = admission(rules, now, found) {
                return Ok(refused);
            }
            let upsert = tx
                .prepare_cached(
                    "INSERT INTO sign_in_attempts (key, attempts, window_ends_at, next_allowed_at) \
                     VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, \
                     window_ends_at = excluded.window_ends_at, \
                     next_allowed_at = excluded.next_allowed_at",
                )
                .await?;
            for (rule, count) in rules.iter().zip(&counts) {
                let next = rule.record(count.as_ref(), now);
                tx.execute(
                    &upsert,
                    &[
                        &rule.key,
                        &i64::from(next.attempts),
                        &next.window_ends_at,
                        &next.next_allowed_at,
                    ],
                )
                .await?;
            }
            Ok(Admission::Allowed)
        })
    }

    async fn forgive_sign_in_attempt(
        &self,
        forget: &[String],
        take_back: &[String],
    ) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            let delete = tx
                .prepare_cached("DELETE FROM sign_in_attempts WHERE key = $1")
                .await?;
            for key in forget {
                tx.execute(&delete, &[key]).await?;
            }
            let take_one_back = tx
                .prepare_cached(
                    "UPDATE sign_in_attempts SET attempts = attempts - 1 \
                     WHERE key = $1 AND attempts > 0",
                )
                .await?;
            for key in take_back {
                tx.execute(&take_one_back, &[key]).await?;
            }
            Ok(())
        })
    }

    async fn purge_expired_sign_in_attempts(&self, now: i64) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM sign_in_attempts WHERE window_ends_at <= $1")
                .await?;
            Ok(tx.execute(&statement, &[&now]).await?)
        })
    }
}
