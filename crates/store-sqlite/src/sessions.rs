//! [`SessionStore`]: the `sessions` and `user_settings` tables. Session lookups
//! run inline on a pool connection, joined with the user; writes go through the
//! writer.

use async_trait::async_trait;
use portico_store::{Session, SessionStore, StoreError, User};
use rusqlite::{params, OptionalExtension};

use crate::error::map_err;
use crate::users::{user_columns, user_from_row};
use crate::SqliteStore;

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert_session(&self, session: Session) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    session.token_hash,
                    session.user_id,
                    session.csrf_token,
                    session.created_at,
                    session.expires_at
                ])
            })
            .map_err(map_err)?;
            Ok(())
        })
        .await
    }

    async fn session_by_hash(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> Result<Option<(Session, User)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, ",
                    user_columns!(),
                    " FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = ?1 AND s.expires_at > ?2"
                ))
                .map_err(map_err)?;
            stmt.query_row(params![token_hash, now], |row| {
                Ok((
                    Session {
                        token_hash: row.get(0)?,
                        user_id: row.get(1)?,
                        csrf_token: row.get(2)?,
                        created_at: row.get(3)?,
                        expires_at: row.get(4)?,
                    },
                    user_from_row(row, 5)?,
                ))
            })
            .optional()
            .map_err(map_err)
        })
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        let token_hash = token_hash.to_vec();
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")
                .and_then(|mut s| s.execute([token_hash]))
                .map_err(map_err)?;
            Ok(n > 0)
        })
        .await
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM sessions WHERE user_id = ?1")
                .and_then(|mut s| s.execute([user_id]))
                .map_err(map_err)?;
            Ok(n as u64)
        })
        .await
    }

    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")
                .and_then(|mut s| s.execute([now]))
                .map_err(map_err)?;
            Ok(n as u64)
        })
        .await
    }

    async fn user_setting(&self, user_id: i64, name: &str) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT value FROM user_settings WHERE user_id = ?1 AND name = ?2")
                .map_err(map_err)?;
            stmt.query_row(params![user_id, name], |row| row.get(0))
                .optional()
                .map_err(map_err)
        })
    }

    async fn set_user_setting(
        &self,
        user_id: i64,
        name: &str,
        value: &str,
    ) -> Result<(), StoreError> {
        let (name, value) = (name.to_owned(), value.to_owned());
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO user_settings (user_id, name, value) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value",
            )
            .and_then(|mut s| s.execute(params![user_id, name, value]))
            .map_err(map_err)?;
            Ok(())
        })
        .await
    }
}
