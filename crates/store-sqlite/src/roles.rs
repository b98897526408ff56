//! [`RoleStore`]: the `crm_roles` and `crm_role_levels` tables and
//! `users.crm_role_id` (migration 0004, which also seeds the three default
//! roles). Reads run inline on a pool connection: a role is one row plus its
//! sixteen levels.

use async_trait::async_trait;
use portico_store::roles::{DEFAULT_ROLE_ID, ROLE_CONFLICT};
use portico_store::{Action, Level, Levels, NewRole, Role, RoleStore, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;
use crate::SqliteStore;

/// Reads the roles a query returns as `(id, name)` rows, with their levels.
fn roles_where(
    conn: &Connection,
    sql: &str,
    key: &dyn rusqlite::ToSql,
) -> Result<Vec<Role>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(map_err)?;
    let heads = stmt
        .query_map([key], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })
        .map_err(map_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(map_err)?;
    heads
        .into_iter()
        .map(|(id, name)| {
            Ok(Role {
                id,
                name,
                levels: levels_of(conn, id)?,
            })
        })
        .collect()
}

/// The levels of a role; missing rows (and values this build does not know)
/// read as `none`.
fn levels_of(conn: &Connection, role_id: i64) -> Result<Levels, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT entity, action, level FROM crm_role_levels WHERE role_id = ?1")
        .map_err(map_err)?;
    let rows = stmt
        .query_map([role_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })
        .map_err(map_err)?;
    let mut levels = Levels::default();
    for row in rows {
        let (entity, action, level) = row.map_err(map_err)?;
        if let (Some(action), Some(level)) = (Action::parse(&action), Level::parse(&level)) {
            levels.set(&entity, action, level);
        }
    }
    Ok(levels)
}

/// Writes (inserts or replaces) one level of a role.
fn put_level(
    conn: &Connection,
    role_id: i64,
    entity: &str,
    action: Action,
    level: Level,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO crm_role_levels (role_id, entity, action, level) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (role_id, entity, action) DO UPDATE SET level = excluded.level",
    )
    .and_then(|mut s| s.execute(params![role_id, entity, action.as_str(), level.as_str()]))
    .map_err(map_err)?;
    Ok(())
}

/// Whether a role with this id exists.
fn role_exists(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT 1 FROM crm_roles WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |_| Ok(())).optional())
        .map(|found| found.is_some())
        .map_err(map_err)
}

#[async_trait]
impl RoleStore for SqliteStore {
    async fn list_roles(&self) -> Result<Vec<Role>, StoreError> {
        self.read(|conn| {
            roles_where(
                conn,
                "SELECT id, name FROM crm_roles WHERE ?1 ORDER BY id",
                &true,
            )
        })
    }

    async fn role_by_id(&self, id: i64) -> Result<Option<Role>, StoreError> {
        self.read(|conn| {
            roles_where(conn, "SELECT id, name FROM crm_roles WHERE id = ?1", &id)
                .map(|r| r.into_iter().next())
        })
    }

    async fn role_by_name(&self, name: &str) -> Result<Option<Role>, StoreError> {
        self.read(|conn| {
            roles_where(
                conn,
                "SELECT id, name FROM crm_roles WHERE name = ?1",
                &name,
            )
            .map(|r| r.into_iter().next())
        })
    }

    async fn insert_role(&self, role: NewRole) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("INSERT INTO crm_roles (name) VALUES (?1)")
                .and_then(|mut s| s.execute([&role.name]))
                .map_err(|e| match map_err(e) {
                    // The only unique constraint besides the primary key.
                    StoreError::Conflict(_) => StoreError::Conflict(ROLE_CONFLICT.to_owned()),
                    other => other,
                })?;
            let id = conn.last_insert_rowid();
            for (entity, action, level) in role.levels.iter() {
                put_level(conn, id, entity, action, level)?;
            }
            Ok(id)
        })
        .await
    }

    async fn set_role_level(
        &self,
        role_id: i64,
        entity: &str,
        action: Action,
        level: Level,
    ) -> Result<bool, StoreError> {
        let Some(entity) = portico_store::roles::CRM_ENTITIES
            .into_iter()
            .find(|e| *e == entity)
        else {
            return Ok(false);
        };
        self.write(move |conn| {
            if !role_exists(conn, role_id)? {
                return Ok(false);
            }
            put_level(conn, role_id, entity, action, level)?;
            Ok(true)
        })
        .await
    }

    async fn set_user_role(&self, user_id: i64, role_id: Option<i64>) -> Result<bool, StoreError> {
        self.write(move |conn| {
            if let Some(role_id) = role_id {
                if !role_exists(conn, role_id)? {
                    return Err(StoreError::NotFound);
                }
            }
            let n = conn
                .prepare_cached("UPDATE users SET crm_role_id = ?1 WHERE id = ?2")
                .and_then(|mut s| s.execute(params![role_id, user_id]))
                .map_err(map_err)?;
            Ok(n > 0)
        })
        .await
    }

    async fn user_role(&self, user_id: i64) -> Result<Option<Role>, StoreError> {
        self.read(|conn| {
            let role_id: Option<i64> = conn
                .prepare_cached("SELECT COALESCE(crm_role_id, ?2) FROM users WHERE id = ?1")
                .and_then(|mut s| {
                    s.query_row(params![user_id, DEFAULT_ROLE_ID], |row| row.get(0))
                        .optional()
                })
                .map_err(map_err)?;
            match role_id {
                Some(id) => roles_where(conn, "SELECT id, name FROM crm_roles WHERE id = ?1", &id)
                    .map(|r| r.into_iter().next()),
                None => Ok(None),
            }
        })
    }

    async fn user_role_ids(&self) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached("SELECT id, COALESCE(crm_role_id, ?1) FROM users")
                .map_err(map_err)?;
            let rows = stmt
                .query_map([DEFAULT_ROLE_ID], |row| Ok((row.get(0)?, row.get(1)?)))
                .map_err(map_err)?;
            rows.collect::<Result<_, _>>().map_err(map_err)
        })
    }
}
