//! [`UserStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::events::EventStamp;
use portico_store::records::{FieldValue, Record};
use portico_store::user_fields::UserFieldWrite;
use portico_store::users::*;
use portico_store::*;
use std::sync::Arc;

use crate::PgStore;

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

#[async_trait]
impl UserStore for PgStore {
    async fn insert_user_with_event(
        &self,
        user: NewUser,
        event: Option<UserAdded>,
    ) -> Result<i64, StoreError> {
        todo!("UserStore::insert_user_with_event")
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        todo!("UserStore::user_by_id")
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        todo!("UserStore::user_by_login")
    }

    async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        todo!("UserStore::list_users")
    }

    async fn set_user_active(&self, id: i64, active: bool) -> Result<bool, StoreError> {
        todo!("UserStore::set_user_active")
    }

    async fn set_user_admin(&self, id: i64, is_admin: bool) -> Result<bool, StoreError> {
        todo!("UserStore::set_user_admin")
    }

    async fn set_user_password(&self, id: i64, password_hash: &str) -> Result<bool, StoreError> {
        todo!("UserStore::set_user_password")
    }

    async fn add_user(
        &self,
        values: Vec<(usize, FieldValue)>,
        uf: Vec<UserFieldWrite>,
        event: Option<UserAdded>,
    ) -> Result<i64, StoreError> {
        todo!("UserStore::add_user")
    }

    async fn update_user(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        uf: Vec<UserFieldWrite>,
    ) -> Result<bool, StoreError> {
        todo!("UserStore::update_user")
    }
}
