//! [`SignInAttemptStore`]: the `sign_in_attempts` table. A new attempt reads and
//! writes its counts inside one write of the single writer thread, so checking
//! the limits and counting the attempt are one atomic step.

use async_trait::async_trait;
use portico_store::sign_in_attempts::admission;
use portico_store::{Admission, AttemptCount, AttemptRule, SignInAttemptStore, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;
use crate::SqliteStore;

/// The count stored under `key`.
fn count_of(conn: &Connection, key: &str) -> Result<Option<AttemptCount>, StoreError> {
    conn.prepare_cached(
        "SELECT attempts, window_ends_at, next_allowed_at FROM sign_in_attempts WHERE key = ?1",
    )
    .and_then(|mut s| {
        s.query_row([key], |row| {
            Ok(AttemptCount {
                attempts: row.get(0)?,
                window_ends_at: row.get(1)?,
                next_allowed_at: row.get(2)?,
            })
        })
        .optional()
    })
    .map_err(map_err)
}

#[async_trait]
impl SignInAttemptStore for SqliteStore {
    async fn sign_in_attempts(&self, key: &str) -> Result<Option<AttemptCount>, StoreError> {
        self.read(|conn| count_of(conn, key))
    }

    async fn begin_sign_in_attempt(
        &self,
        rules: &[AttemptRule],
        now: i64,
    ) -> Result<Admission, StoreError> {
        let rules = rules.to_vec();
        self.write(move |conn| {
            let counts = rules
                .iter()
                .map(|rule| count_of(conn, &rule.key))
                .collect::<Result<Vec<_>, _>>()?;
            let found = |key: &str| {
                rules
                    .iter()
                    .position(|r| r.key == key)
                    .and_then(|i| counts[i].as_ref())
            };
            if let refused @ Admission::RetryAfter(_) = admission(&rules, now, found) {
                return Ok(refused);
            }
            let mut upsert = conn
                .prepare_cached(
                    "INSERT INTO sign_in_attempts (key, attempts, window_ends_at, next_allowed_at) \
                     VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, \
                     window_ends_at = excluded.window_ends_at, \
                     next_allowed_at = excluded.next_allowed_at",
                )
                .map_err(map_err)?;
            for (rule, count) in rules.iter().zip(&counts) {
                let next = rule.record(count.as_ref(), now);
                upsert
                    .execute(params![
                        rule.key,
                        next.attempts,
                        next.window_ends_at,
                        next.next_allowed_at
                    ])
                    .map_err(map_err)?;
            }
            Ok(Admission::Allowed)
        })
        .await
    }

    async fn forgive_sign_in_attempt(
        &self,
        forget: &[String],
        take_back: &[String],
    ) -> Result<(), StoreError> {
        let (forget, take_back) = (forget.to_vec(), take_back.to_vec());
        self.write(move |conn| {
            for key in &forget {
                conn.prepare_cached("DELETE FROM sign_in_attempts WHERE key = ?1")
                    .and_then(|mut s| s.execute([key]))
                    .map_err(map_err)?;
            }
            for key in &take_back {
                conn.prepare_cached(
                    "UPDATE sign_in_attempts SET attempts = attempts - 1 \
                     WHERE key = ?1 AND attempts > 0",
                )
                .and_then(|mut s| s.execute([key]))
                .map_err(map_err)?;
            }
            Ok(())
        })
        .await
    }

    async fn purge_expired_sign_in_attempts(&self, now: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM sign_in_attempts WHERE window_ends_at <= ?1")
                .and_then(|mut s| s.execute([now]))
                .map_err(map_err)?;
            Ok(n as u64)
        })
        .await
    }
}
