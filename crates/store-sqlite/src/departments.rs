//! [`DepartmentStore`]: the `departments` table (migration 0015, which seeds
//! the top-level department 1). Deleting a department deletes the ones below
//! it (the foreign key cascades).

use async_trait::async_trait;
use portico_store::departments::{tree_order, BAD_PARENT, SECOND_ROOT};
use portico_store::{Department, DepartmentFields, DepartmentStore, StoreError};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::map_err;
use crate::SqliteStore;

/// Every department, unordered.
fn all(conn: &Connection) -> Result<Vec<Department>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, name, sort, parent_id, head_id FROM departments")
        .map_err(map_err)?;
    let rows = stmt
        .query_map([], |row| {
            Ok(Department {
                id: row.get(0)?,
                name: row.get(1)?,
                sort: row.get(2)?,
                parent: row.get(3)?,
                head: row.get(4)?,
            })
        })
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// Refuses `parent` for department `id` (`None` for a new one): a missing
/// parent, one at or below `id`, or a second top-level department.
fn check_parent(conn: &Connection, id: Option<i64>, parent: Option<i64>) -> Result<(), StoreError> {
    let departments = all(conn)?;
    let Some(mut at) = parent else {
        let other_root = departments
            .iter()
            .any(|d| d.parent.is_none() && Some(d.id) != id);
        return if other_root {
            Err(StoreError::Conflict(SECOND_ROOT.to_owned()))
        } else {
            Ok(())
        };
    };
    // Walk up from the parent: it must exist and never reach `id`.
    for _ in 0..=departments.len() {
        if Some(at) == id {
            return Err(StoreError::Conflict(BAD_PARENT.to_owned()));
        }
        match departments.iter().find(|d| d.id == at) {
            None => return Err(StoreError::Conflict(BAD_PARENT.to_owned())),
            Some(d) => match d.parent {
                None => return Ok(()),
                Some(up) => at = up,
            },
        }
    }
    Err(StoreError::Conflict(BAD_PARENT.to_owned()))
}

#[async_trait]
impl DepartmentStore for SqliteStore {
    async fn list_departments(&self) -> Result<Vec<Department>, StoreError> {
        self.read(|conn| all(conn).map(tree_order))
    }

    async fn insert_department(&self, fields: DepartmentFields) -> Result<i64, StoreError> {
        self.write(move |conn| {
            check_parent(conn, None, fields.parent)?;
            conn.prepare_cached(
                "INSERT INTO departments (name, sort, parent_id, head_id) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    fields.name,
                    fields.sort,
                    fields.parent,
                    fields.head
                ])
            })
            .map_err(map_err)?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn update_department(
        &self,
        id: i64,
        fields: DepartmentFields,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let exists = conn
                .prepare_cached("SELECT 1 FROM departments WHERE id = ?1")
                .and_then(|mut s| s.query_row([id], |_| Ok(())).optional())
                .map_err(map_err)?
                .is_some();
            if !exists {
                return Ok(false);
            }
            check_parent(conn, Some(id), fields.parent)?;
            conn.prepare_cached(
                "UPDATE departments SET name = ?2, sort = ?3, parent_id = ?4, head_id = ?5 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![id, fields.name, fields.sort, fields.parent, fields.head])
            })
            .map_err(map_err)?;
            Ok(true)
        })
        .await
    }

    async fn delete_department(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM departments WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map(|n| n > 0)
                .map_err(map_err)
        })
        .await
    }
}
