//! [`UserStore`]: the `users` table as the typed [`User`] model, and the
//! writes of `user.add` / `user.update` through the `USER` catalogue. Lookups
//! run inline on a pool connection; writes go through the writer.

use async_trait::async_trait;
use portico_store::events::{USER_ADD_EVENT, USER_EVENT_ENTITY};
use portico_store::user_fields::UserFieldWrite;
use portico_store::users::{USER, USER_EMAIL_CONFLICT};
use portico_store::{FieldValue, NewUser, StoreError, User, UserAdded, UserStore};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::entity_sql::EntitySql;
use crate::error::map_err;
use crate::events::{record_event, RaisedEvent};
use crate::records::{get_in_tx, set_columns};
use crate::SqliteStore;

/// Whether `email` is the e-mail or login of a user other than `except`
/// (compared without case).
const EMAIL_TAKEN: &str = "SELECT 1 FROM users WHERE id <> ?2 \
     AND (lower(email) = lower(?1) OR lower(login) = lower(?1))";

/// The `EMAIL` text among catalogue values, if they set it.
fn email_of(values: &[(usize, FieldValue)]) -> Option<&str> {
    let pos = USER.index_of("EMAIL")?;
    values
        .iter()
        .rev()
        .find(|(p, _)| *p == pos)
        .and_then(|(_, v)| v.as_str())
}

/// Refuses an e-mail another user already has as e-mail or login.
fn check_email_free(conn: &Connection, email: &str, except: i64) -> Result<(), StoreError> {
    let taken = conn
        .prepare_cached(EMAIL_TAKEN)
        .and_then(|mut s| s.exists(params![email, except]))
        .map_err(map_err)?;
    if taken {
        return Err(StoreError::Conflict(USER_EMAIL_CONFLICT.to_owned()));
    }
    Ok(())
}

/// `user.add`: the row with its login and no password, then its values and
/// profile-field values, then its `ONUSERADD` from the row as stored.
fn add(
    conn: &Connection,
    sql: &EntitySql,
    values: Vec<(usize, FieldValue)>,
    uf: &[UserFieldWrite],
    event: Option<&UserAdded>,
) -> Result<i64, StoreError> {
    let email = email_of(&values)
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| StoreError::Other("a user added by e-mail needs EMAIL".to_owned()))?
        .to_owned();
    check_email_free(conn, &email, 0)?;
    conn.prepare_cached("INSERT INTO users (login, password_hash) VALUES (?1, '')")
        .and_then(|mut s| s.execute([&email]))
        .map_err(map_err)?;
    let id = conn.last_insert_rowid();
    set_columns(conn, sql, id, values)?;
    crate::user_fields::write_values(conn, &USER, id, uf)?;
    if let Some(event) = event {
        raise_user_added(conn, sql, id, event)?;
    }
    Ok(id)
}

/// Records the `ONUSERADD` of new user `id`, its `data` from the row as stored.
fn raise_user_added(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    event: &UserAdded,
) -> Result<(), StoreError> {
    let record = get_in_tx(conn, sql, id, false, true)?
        .ok_or_else(|| StoreError::Other("the new user is not readable".to_owned()))?;
    let raised = RaisedEvent {
        code: USER_ADD_EVENT,
        entity: USER_EVENT_ENTITY,
        entity_id: id,
        data: (event.data)(&record),
    };
    record_event(conn, &raised, &event.stamp).map(|_| ())
}

/// `user.update`: the values and profile-field values, once a new e-mail is
/// checked to be free.
fn update(
    conn: &Connection,
    sql: &EntitySql,
    id: i64,
    values: Vec<(usize, FieldValue)>,
    uf: &[UserFieldWrite],
) -> Result<bool, StoreError> {
    if let Some(email) = email_of(&values).map(str::trim).filter(|e| !e.is_empty()) {
        check_email_free(conn, email, id)?;
    }
    if !set_columns(conn, sql, id, values)? {
        return Ok(false);
    }
    crate::user_fields::write_values(conn, &USER, id, uf)?;
    Ok(true)
}

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
    async fn insert_user_with_event(
        &self,
        user: NewUser,
        event: Option<UserAdded>,
    ) -> Result<i64, StoreError> {
        let sql = self.entity_sql(&USER);
        let raises = event.is_some();
        let id = self
            .write(move |conn| {
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
                let id = conn.last_insert_rowid();
                if let Some(event) = &event {
                    raise_user_added(conn, &sql, id, event)?;
                }
                Ok(id)
            })
            .await?;
        if raises {
            self.wake_deliveries();
        }
        Ok(id)
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

    async fn add_user(
        &self,
        values: Vec<(usize, FieldValue)>,
        uf: Vec<UserFieldWrite>,
        event: Option<UserAdded>,
    ) -> Result<i64, StoreError> {
        let sql = self.entity_sql(&USER);
        let raises = event.is_some();
        let id = self
            .write(move |conn| add(conn, &sql, values, &uf, event.as_ref()))
            .await?;
        if raises {
            self.wake_deliveries();
        }
        Ok(id)
    }

    async fn update_user(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        uf: Vec<UserFieldWrite>,
    ) -> Result<bool, StoreError> {
        let sql = self.entity_sql(&USER);
        self.write(move |conn| update(conn, &sql, id, values, &uf))
            .await
            .inspect(|_| self.inner.auth_cache.invalidate())
    }
}
