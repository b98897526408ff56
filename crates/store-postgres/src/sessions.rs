//! [`SessionStore`] on PostgreSQL: the `sessions` and `user_settings` tables.
//! A session lookup is one statement joined with the user; every write that
//! adds or ends sessions notifies [`Change::Sessions`](crate::Change::Sessions)
//! in its transaction, for the caches other layers keep on every node.

use async_trait::async_trait;
use deadpool_postgres::Transaction;
use portico_store::{Session, SessionStore, StoreError, User};

use crate::listen::CHANGES;
use crate::users::{user_columns, user_from_row};
use crate::{notify, read, transaction, Change, DbResult, PgStore};

/// Tells every node's caches that sessions changed (sent when `tx` commits).
async fn sessions_changed(tx: &Transaction<'_>) -> DbResult<()> {
    notify(tx, CHANGES, Change::Sessions.payload()).await
}

/// Runs the statement `sql` with the one bigint parameter `value` in its own
/// transaction and returns how many rows it changed, notifying a sessions
/// change when there were any.
async fn delete_sessions(
    store: &PgStore,
    sql: &'static str,
    value: i64,
) -> Result<u64, StoreError> {
    transaction!(store, |tx| {
        let statement = tx.prepare_cached(sql).await?;
        let deleted = tx.execute(&statement, &[&value]).await?;
        if deleted > 0 {
            sessions_changed(&tx).await?;
        }
        Ok(deleted)
    })
}

#[async_trait]
impl SessionStore for PgStore {
    async fn insert_session(&self, session: Session) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    &session.token_hash,
                    &session.user_id,
                    &session.csrf_token,
                    &session.created_at,
                    &session.expires_at,
                ],
            )
            .await?;
            sessions_changed(&tx).await?;
            Ok(())
        })
    }

    async fn session_by_hash(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> Result<Option<(Session, User)>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, ",
                    user_columns!(),
                    " FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2"
                ))
                .await?;
            let Some(row) = conn.query_opt(&statement, &[&token_hash, &now]).await? else {
                return Ok(None);
            };
            let session = Session {
                token_hash: row.try_get(0)?,
                user_id: row.try_get(1)?,
                csrf_token: row.try_get(2)?,
                created_at: row.try_get(3)?,
                expires_at: row.try_get(4)?,
            };
            Ok(Some((session, user_from_row(&row, 5)?)))
        })
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM sessions WHERE token_hash = $1")
                .await?;
            let deleted = tx.execute(&statement, &[&token_hash]).await?;
            if deleted > 0 {
                sessions_changed(&tx).await?;
            }
            Ok(deleted > 0)
        })
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        delete_sessions(self, "DELETE FROM sessions WHERE user_id = $1", user_id).await
    }

    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        delete_sessions(self, "DELETE FROM sessions WHERE expires_at <= $1", now).await
    }

    async fn user_setting(&self, user_id: i64, name: &str) -> Result<Option<String>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached("SELECT value FROM user_settings WHERE user_id = $1 AND name = $2")
                .await?;
            match conn.query_opt(&statement, &[&user_id, &name]).await? {
                Some(row) => Ok(Some(row.try_get(0)?)),
                None => Ok(None),
            }
        })
    }

    async fn set_user_setting(
        &self,
        user_id: i64,
        name: &str,
        value: &str,
    ) -> Result<(), StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO user_settings (user_id, name, value) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value",
                )
                .await?;
            tx.execute(&statement, &[&user_id, &name, &value]).await?;
            Ok(())
        })
    }
}
