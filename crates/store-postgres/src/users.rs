//! [`UserStore`] on PostgreSQL: the `users` table as the typed [`User`]
//! model, and the writes of `user.add` / `user.update` through the `USER`
//! catalogue (with [`crate::records`]' entity SQL). Lookups run on a pooled
//! connection; each write is one serializable transaction. Writes that change
//! what authenticates a call notify every node ([`Change::Auth`]).

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::events::{USER_ADD_EVENT, USER_EVENT_ENTITY};
use portico_store::user_fields::UserFieldWrite;
use portico_store::users::{USER, USER_EMAIL_CONFLICT};
use portico_store::{FieldValue, NewUser, StoreError, User, UserAdded, UserStore};
use tokio_postgres::types::ToSql;

use crate::events::{record_event, RaisedEvent};
use crate::listen::CHANGES;
use crate::records::{get_in_tx, set_columns, EntitySql};
use crate::{read, transaction, Change, DbResult, PgStore};

/// Inserts a user given in full; returns its id.
const INSERT_USER: &str = "INSERT INTO users \
     (login, name, last_name, email, is_admin, password_hash, date_register) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

/// Inserts a user added by e-mail: its login, no password; returns its id.
const INSERT_BY_EMAIL: &str =
    "INSERT INTO users (login, password_hash) VALUES ($1, '') RETURNING id";

/// Whether `$1` is the e-mail or login of a user other than `$2` (compared
/// without case).
const EMAIL_TAKEN: &str = "SELECT 1 FROM users WHERE id <> $2 \
     AND (lower(email) = lower($1) OR lower(login) = lower($1))";

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
async fn check_email_free(conn: &impl GenericClient, email: &str, except: i64) -> DbResult<()> {
    let statement = conn.prepare_cached(EMAIL_TAKEN).await?;
    if conn
        .query_opt(&statement, &[&email, &except])
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict(USER_EMAIL_CONFLICT.to_owned()).into());
    }
    Ok(())
}

/// `user.add`: the row with its login and no password, then its values and
/// profile-field values, then its `ONUSERADD` from the row as stored.
async fn add(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    values: Vec<(usize, FieldValue)>,
    uf: &[UserFieldWrite],
    event: Option<&UserAdded>,
) -> DbResult<i64> {
    let email = email_of(&values)
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| StoreError::Other("a user added by e-mail needs EMAIL".to_owned()))?
        .to_owned();
    check_email_free(tx, &email, 0).await?;
    let statement = tx.prepare_cached(INSERT_BY_EMAIL).await?;
    let id: i64 = tx.query_one(&statement, &[&email]).await?.try_get(0)?;
    set_columns(tx, sql, id, values).await?;
    crate::user_field_values::write_values(tx, &USER, id, uf).await?;
    if let Some(event) = event {
        raise_user_added(tx, sql, id, event).await?;
    }
    Ok(id)
}

/// Records the `ONUSERADD` of new user `id`, its `data` from the row as stored.
async fn raise_user_added(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    id: i64,
    event: &UserAdded,
) -> DbResult<()> {
    let record = get_in_tx(tx, sql, id, false, true)
        .await?
        .ok_or_else(|| StoreError::Other("the new user is not readable".to_owned()))?;
    let raised = RaisedEvent {
        code: USER_ADD_EVENT,
        entity: USER_EVENT_ENTITY,
        entity_id: id,
        data: (event.data)(&record),
    };
    record_event(tx, &raised, &event.stamp).await.map(|_| ())
}

/// `user.update`: the values and profile-field values, once a new e-mail is
/// checked to be free; `false` when the user does not exist.
async fn update(
    tx: &Transaction<'_>,
    sql: &EntitySql,
    id: i64,
    values: Vec<(usize, FieldValue)>,
    uf: &[UserFieldWrite],
) -> DbResult<bool> {
    if let Some(email) = email_of(&values).map(str::trim).filter(|e| !e.is_empty()) {
        check_email_free(tx, email, id).await?;
    }
    if !set_columns(tx, sql, id, values).await? {
        return Ok(false);
    }
    crate::user_field_values::write_values(tx, &USER, id, uf).await?;
    crate::notify(tx, CHANGES, Change::Auth.payload()).await?;
    Ok(true)
}

/// The columns [`user_from_row`] reads, in order, of `users` aliased `u`.
macro_rules! user_columns {
    () => {
        "u.id, u.login, u.name, u.last_name, u.email, u.is_admin, u.active, u.password_hash, u.date_register"
    };
}
pub(crate) use user_columns;

/// A [`User`] from the columns of `user_columns!` starting at column `at` (NULL
/// text reads as empty).
pub(crate) fn user_from_row(row: &tokio_postgres::Row, at: usize) -> crate::DbResult<User> {
    let text = |i: usize| -> crate::DbResult<String> {
        Ok(row
            .try_get::<_, Option<String>>(at + i)?
            .unwrap_or_default())
    };
    Ok(User {
        id: row.try_get(at)?,
        login: row.try_get(at + 1)?,
        name: text(2)?,
        last_name: text(3)?,
        email: text(4)?,
        is_admin: row.try_get::<_, i64>(at + 5)? != 0,
        active: row.try_get::<_, i64>(at + 6)? != 0,
        password_hash: row.try_get(at + 7)?,
        date_register: row.try_get::<_, Option<i64>>(at + 8)?.unwrap_or_default(),
    })
}

/// One user by the statement `sql` with the one parameter `key`.
async fn user_where(
    conn: &impl GenericClient,
    sql: &str,
    key: &(dyn ToSql + Sync),
) -> DbResult<Option<User>> {
    let statement = conn.prepare_cached(sql).await?;
    conn.query_opt(&statement, &[key])
        .await?
        .map(|row| user_from_row(&row, 0))
        .transpose()
}

/// Runs an UPDATE of one user (`$1` the value, `$2` the id); `true` when a row
/// changed. Tells every node that authentication data changed.
async fn update_one(
    store: &PgStore,
    sql: &'static str,
    value: &(dyn ToSql + Sync),
    id: i64,
) -> Result<bool, StoreError> {
    transaction!(store, |tx| {
        let statement = tx.prepare_cached(sql).await?;
        let changed = tx.execute(&statement, &[value, &id]).await? > 0;
        if changed {
            crate::notify(&tx, CHANGES, Change::Auth.payload()).await?;
        }
        Ok(changed)
    })
    .inspect(|_| store.forget(Change::Auth))
}

#[async_trait]
impl UserStore for PgStore {
    async fn insert_user_with_event(
        &self,
        user: NewUser,
        event: Option<UserAdded>,
    ) -> Result<i64, StoreError> {
        let sql = EntitySql::of(&USER);
        let is_admin = i64::from(user.is_admin);
        transaction!(self, |tx| {
            let statement = tx.prepare_cached(INSERT_USER).await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &user.login,
                        &user.name,
                        &user.last_name,
                        &user.email,
                        &is_admin,
                        &user.password_hash,
                        &user.date_register,
                    ],
                )
                .await?;
            let id: i64 = row.try_get(0)?;
            if let Some(event) = &event {
                raise_user_added(&tx, &sql, id, event).await?;
            }
            Ok(id)
        })
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        read!(self, |conn| {
            user_where(
                &conn,
                concat!("SELECT ", user_columns!(), " FROM users u WHERE u.id = $1"),
                &id,
            )
            .await
        })
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        read!(self, |conn| {
            user_where(
                &conn,
                concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users u WHERE u.login = $1"
                ),
                &login,
            )
            .await
        })
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users u ORDER BY u.id"
                ))
                .await?;
            conn.query(&statement, &[])
                .await?
                .iter()
                .map(|row| user_from_row(row, 0))
                .collect()
        })
    }

    async fn set_user_active(&self, id: i64, active: bool) -> Result<bool, StoreError> {
        let active = i64::from(active);
        update_one(
            self,
            "UPDATE users SET active = $1 WHERE id = $2",
            &active,
            id,
        )
        .await
    }

    async fn set_user_admin(&self, id: i64, is_admin: bool) -> Result<bool, StoreError> {
        let is_admin = i64::from(is_admin);
        update_one(
            self,
            "UPDATE users SET is_admin = $1 WHERE id = $2",
            &is_admin,
            id,
        )
        .await
    }

    async fn set_user_password(&self, id: i64, password_hash: &str) -> Result<bool, StoreError> {
        update_one(
            self,
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            &password_hash,
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
        let sql = EntitySql::of(&USER);
        transaction!(self, |tx| {
            add(&tx, &sql, values.clone(), &uf, event.as_ref()).await
        })
    }

    async fn update_user(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        uf: Vec<UserFieldWrite>,
    ) -> Result<bool, StoreError> {
        let sql = EntitySql::of(&USER);
        transaction!(self, |tx| {
            update(&tx, &sql, id, values.clone(), &uf).await
        })
        .inspect(|_| self.forget(Change::Auth))
    }
}
