//! [`StatusStore`]: the `crm_statuses` table (migration 0003, which also seeds
//! the default directories). Reads run inline on a pool connection: a directory
//! holds tens of rows, so listing one is a point read too.

use async_trait::async_trait;
use portico_store::statuses::STATUS_CONFLICT;
use portico_store::{NewStatus, Semantics, Status, StatusChange, StatusStore, StoreError};
use rusqlite::{params, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// The columns [`status_from_row`] reads, in order.
macro_rules! status_columns {
    () => {
        "id, entity_id, status_id, name, name_init, sort, system, category_id, color, semantics"
    };
}

/// A [`Status`] from the columns of `status_columns!`.
fn status_from_row(row: &Row<'_>) -> rusqlite::Result<Status> {
    let system: String = row.get(6)?;
    let semantics: Option<String> = row.get(9)?;
    Ok(Status {
        id: row.get(0)?,
        entity_id: row.get(1)?,
        status_id: row.get(2)?,
        name: row.get(3)?,
        name_init: row.get(4)?,
        sort: row.get(5)?,
        system: system == "Y",
        category_id: row.get(7)?,
        color: row.get(8)?,
        semantics: semantics.as_deref().and_then(Semantics::parse),
    })
}

/// `Y` / `N`.
fn yn(b: bool) -> &'static str {
    if b {
        "Y"
    } else {
        "N"
    }
}

#[async_trait]
impl StatusStore for SqliteStore {
    async fn list_statuses(&self, entity_id: Option<&str>) -> Result<Vec<Status>, StoreError> {
        self.read(|conn| {
            let mut stmt = match entity_id {
                Some(_) => conn.prepare_cached(concat!(
                    "SELECT ",
                    status_columns!(),
                    " FROM crm_statuses WHERE entity_id = ?1 ORDER BY sort, id"
                )),
                None => conn.prepare_cached(concat!(
                    "SELECT ",
                    status_columns!(),
                    " FROM crm_statuses ORDER BY sort, id"
                )),
            }
            .map_err(map_err)?;
            let rows = match entity_id {
                Some(e) => stmt.query_map([e], status_from_row),
                None => stmt.query_map([], status_from_row),
            }
            .map_err(map_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(map_err)
        })
    }

    async fn status_by_id(&self, id: i64) -> Result<Option<Status>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(concat!(
                "SELECT ",
                status_columns!(),
                " FROM crm_statuses WHERE id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], status_from_row).optional())
            .map_err(map_err)
        })
    }

    async fn find_status(
        &self,
        entity_id: &str,
        status_id: &str,
    ) -> Result<Option<Status>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(concat!(
                "SELECT ",
                status_columns!(),
                " FROM crm_statuses WHERE entity_id = ?1 AND status_id = ?2"
            ))
            .and_then(|mut s| {
                s.query_row([entity_id, status_id], status_from_row)
                    .optional()
            })
            .map_err(map_err)
        })
    }

    async fn insert_status(&self, status: NewStatus) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO crm_statuses \
                 (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    status.entity_id,
                    status.status_id,
                    status.name,
                    status.name_init,
                    status.sort,
                    yn(status.system),
                    status.category_id,
                    status.color,
                    status.semantics.map(Semantics::as_str),
                ])
            })
            .map_err(|e| match map_err(e) {
                // The only unique constraint besides the primary key.
                StoreError::Conflict(_) => StoreError::Conflict(STATUS_CONFLICT.to_owned()),
                other => other,
            })?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn update_status(&self, id: i64, change: StatusChange) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let (set_color, color) = match change.color {
                Some(c) => (true, c),
                None => (false, None),
            };
            let n = conn
                .prepare_cached(
                    "UPDATE crm_statuses SET name = COALESCE(?1, name), sort = COALESCE(?2, sort), \
                     color = CASE WHEN ?3 THEN ?4 ELSE color END WHERE id = ?5",
                )
                .and_then(|mut s| s.execute(params![change.name, change.sort, set_color, color, id]))
                .map_err(map_err)?;
            Ok(n > 0)
        })
        .await
    }

    async fn delete_status(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM crm_statuses WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map_err(map_err)?;
            Ok(n > 0)
        })
        .await
    }
}
