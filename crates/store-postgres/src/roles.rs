//! [`RoleStore`] on PostgreSQL: the `crm_roles` and `crm_role_levels` tables
//! and `users.crm_role_id` (the schema seeds the three default roles). A role
//! is read with its levels in one statement (a role row joined with its level
//! rows), so a read never mixes two states of a role.

use std::collections::HashMap;

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::roles::{CRM_ENTITIES, DEFAULT_ROLE_ID, ROLE_CONFLICT};
use portico_store::{Action, Level, Levels, NewRole, Role, RoleStore, StoreError};
use tokio_postgres::types::ToSql;

use crate::{read, transaction, DbError, DbResult, PgStore};

/// The select list and joins [`roles_from`] reads: each role of `crm_roles`
/// aliased `r` once per level row (or once with NULLs when it has none); the
/// caller adds its condition and `ORDER BY r.id`.
macro_rules! role_rows {
    () => {
        "SELECT r.id, r.name, l.entity, l.action, l.level FROM crm_roles r \
         LEFT JOIN crm_role_levels l ON l.role_id = r.id"
    };
}

/// The roles (in statement order) that `sql` (built on `role_rows!`, ordered by
/// role id) returns for `params`, with their levels. Missing level rows (and
/// values this build does not know) read as `none`.
async fn roles_from(
    conn: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> DbResult<Vec<Role>> {
    let statement = conn.prepare_cached(sql).await?;
    let mut roles: Vec<Role> = Vec::new();
    for row in conn.query(&statement, params).await? {
        let id: i64 = row.try_get(0)?;
        if roles.last().map(|r| r.id) != Some(id) {
            roles.push(Role {
                id,
                name: row.try_get(1)?,
                levels: Levels::default(),
            });
        }
        let entity: Option<String> = row.try_get(2)?;
        let action: Option<String> = row.try_get(3)?;
        let level: Option<String> = row.try_get(4)?;
        let (Some(entity), Some(action), Some(level)) = (entity, action, level) else {
            continue;
        };
        if let (Some(action), Some(level), Some(role)) = (
            Action::parse(&action),
            Level::parse(&level),
            roles.last_mut(),
        ) {
            role.levels.set(&entity, action, level);
        }
    }
    Ok(roles)
}

/// Writes (inserts or replaces) one level of a role.
async fn put_level(
    tx: &Transaction<'_>,
    role_id: i64,
    entity: &str,
    action: Action,
    level: Level,
) -> DbResult<()> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO crm_role_levels (role_id, entity, action, level) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (role_id, entity, action) DO UPDATE SET level = excluded.level",
        )
        .await?;
    tx.execute(
        &statement,
        &[&role_id, &entity, &action.as_str(), &level.as_str()],
    )
    .await?;
    Ok(())
}

/// Whether a role with this id exists.
async fn role_exists(tx: &Transaction<'_>, id: i64) -> DbResult<bool> {
    let statement = tx
        .prepare_cached("SELECT 1 FROM crm_roles WHERE id = $1")
        .await?;
    Ok(tx.query_opt(&statement, &[&id]).await?.is_some())
}

#[async_trait]
impl RoleStore for PgStore {
    async fn list_roles(&self) -> Result<Vec<Role>, StoreError> {
        read!(self, |conn| {
            roles_from(&conn, concat!(role_rows!(), " ORDER BY r.id"), &[]).await
        })
    }

    async fn role_by_id(&self, id: i64) -> Result<Option<Role>, StoreError> {
        read!(self, |conn| {
            let sql = concat!(role_rows!(), " WHERE r.id = $1 ORDER BY r.id");
            Ok(roles_from(&conn, sql, &[&id]).await?.into_iter().next())
        })
    }

    async fn role_by_name(&self, name: &str) -> Result<Option<Role>, StoreError> {
        read!(self, |conn| {
            let sql = concat!(role_rows!(), " WHERE r.name = $1 ORDER BY r.id");
            Ok(roles_from(&conn, sql, &[&name]).await?.into_iter().next())
        })
    }

    async fn insert_role(&self, role: NewRole) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("INSERT INTO crm_roles (name) VALUES ($1) RETURNING id")
                .await?;
            let row = tx.query_one(&statement, &[&role.name]).await.map_err(|e| {
                match DbError::from(e) {
                    // The only unique constraint besides the primary key.
                    DbError::Store(StoreError::Conflict(_)) => {
                        DbError::Store(StoreError::Conflict(ROLE_CONFLICT.to_owned()))
                    }
                    other => other,
                }
            })?;
            let id: i64 = row.try_get(0)?;
            for (entity, action, level) in role.levels.iter() {
                put_level(&tx, id, entity, action, level).await?;
            }
            Ok(id)
        })
    }

    async fn set_role_level(
        &self,
        role_id: i64,
        entity: &str,
        action: Action,
        level: Level,
    ) -> Result<bool, StoreError> {
        if !CRM_ENTITIES.contains(&entity) {
            return Ok(false);
        }
        transaction!(self, |tx| {
            if !role_exists(&tx, role_id).await? {
                return Ok(false);
            }
            put_level(&tx, role_id, entity, action, level).await?;
            Ok(true)
        })
    }

    async fn set_user_role(&self, user_id: i64, role_id: Option<i64>) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            if let Some(role_id) = role_id {
                if !role_exists(&tx, role_id).await? {
                    return Err(StoreError::NotFound.into());
                }
            }
            let statement = tx
                .prepare_cached("UPDATE users SET crm_role_id = $1 WHERE id = $2")
                .await?;
            Ok(tx.execute(&statement, &[&role_id, &user_id]).await? > 0)
        })
    }

    async fn user_role(&self, user_id: i64) -> Result<Option<Role>, StoreError> {
        read!(self, |conn| {
            let sql = concat!(
                role_rows!(),
                " WHERE r.id = (SELECT COALESCE(u.crm_role_id, $2) FROM users u WHERE u.id = $1) \
                 ORDER BY r.id"
            );
            let roles = roles_from(&conn, sql, &[&user_id, &DEFAULT_ROLE_ID]).await?;
            Ok(roles.into_iter().next())
        })
    }

    async fn user_role_ids(&self) -> Result<HashMap<i64, i64>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached("SELECT id, COALESCE(crm_role_id, $1) FROM users")
                .await?;
            conn.query(&statement, &[&DEFAULT_ROLE_ID])
                .await?
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .collect()
        })
    }
}
