//! [`UserStore`]: the `users` table as the typed [`User`] model. Lookups run
//! inline on a pool connection; writes go through the writer.

use async_trait::async_trait;
use portico_store::{NewUser, StoreError, User, UserStore};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// The columns [`user_from_row`] reads, in order, of `users` aliased `u`.
macro_rules! user_columns {
    () => {
        "u.id, u.login, u.name, u.last_name, u.email, u.is_admin, u.active, u.password_hash, u.date_register"
    };
}
pub(crate) use user_columns;

/// A [`User`] from the columns of `user_columns!` starting at column `at` (NULL text reads as empty).
pub(crate) fn user_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<User> {
    let text = |i: usize| -> rusqlite::Result<String> {
        Ok(row.get::<_, Option<String>>(at + i)?.unwrap_or_default())
    };
    Ok(User {
        id: row.get(at)?,
        login: row.get(at + 1)?,
        name: text(2)?,
        last_name: text(3)?,
        email: text(4)?,
        is_admin: row.get::<_, i64>(at + 5)? != 0,
        active: row.get::<_, i64>(at + 6)? != 0,
        password_hash: row.get(at + 7)?,
        date_register: row.get::<_, Option<i64>>(at + 8)?.unwrap_or_default(),
    })
}

/// One user by a unique column.
fn user_where(
    conn: &Connection,
    sql: &str,
    key: &dyn rusqlite::ToSql,
) -> Result<Option<User>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    stmt.query_row([key], |row| user_from_row(row, 0))
        .optional()
        .map_err(map_err)
}

/// Runs an UPDATE of one user; `true` when a row changed.
async fn update_one<V>(
    store: &SqliteStore,
    sql: &'static str,
    value: V,
    id: i64,
) -> Result<bool, StoreError>
where
    V: rusqlite::ToSql + Send + 'static,
{
    store
        .write(move |conn| {
            let n = conn
                .prepare_cached(sql)
                .and_then(|mut s| s.execute(params![value, id]))
                .map_err(map_err)?;
            Ok(n > 0)
        })
        .await
        .inspect(|_| store.inner.auth_cache.invalidate())
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn insert_user(&self, user: NewUser) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO users (login, name, last_name, email, is_admin, password_hash, date_register) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    user.login,
                    user.name,
                    user.last_name,
                    user.email,
                    i64::from(user.is_admin),
                    user.password_hash,
                    user.date_register
                ])
            })
            .map_err(map_err)?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.read(|conn| {
            user_where(
                conn,
                concat!("SELECT ", user_columns!(), " FROM users u WHERE u.id = ?1"),
                &id,
            )
        })
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        self.read(|conn| {
            user_where(
                conn,
                concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users u WHERE u.login = ?1"
                ),
                &login,
            )
        })
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users u ORDER BY u.id"
                ))
                .map_err(map_err)?;
            let rows = stmt
                .query_map([], |row| user_from_row(row, 0))
                .map_err(map_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(map_err)
        })
    }

    async fn set_user_active(&self, id: i64, active: bool) -> Result<bool, StoreError> {
        update_one(
            self,
            "UPDATE users SET active = ?1 WHERE id = ?2",
            i64::from(active),
            id,
        )
        .await
    }

    async fn set_user_admin(&self, id: i64, is_admin: bool) -> Result<bool, StoreError> {
        update_one(
            self,
            "UPDATE users SET is_admin = ?1 WHERE id = ?2",
            i64::from(is_admin),
            id,
        )
        .await
    }

    async fn set_user_password(&self, id: i64, password_hash: &str) -> Result<bool, StoreError> {
        let hash = password_hash.to_owned();
        update_one(
            self,
            "UPDATE users SET password_hash = ?1 WHERE id = ?2",
            hash,
            id,
        )
        .await
    }
}
