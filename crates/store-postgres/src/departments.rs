//! [`DepartmentStore`] on PostgreSQL: the `departments` table (the schema
//! seeds the top-level department 1). Deleting a department deletes the ones
//! below it (the foreign key cascades). A write checks the tree it would make
//! against every department in its `SERIALIZABLE` transaction, so two nodes
//! cannot together make a cycle or a second top-level department.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::departments::{tree_order, BAD_PARENT, SECOND_ROOT};
use portico_store::{Department, DepartmentFields, DepartmentStore, StoreError};

use crate::{read, transaction, DbResult, PgStore};

/// Every department, unordered.
async fn all(conn: &impl GenericClient) -> DbResult<Vec<Department>> {
    let statement = conn
        .prepare_cached("SELECT id, name, sort, parent_id, head_id FROM departments")
        .await?;
    conn.query(&statement, &[])
        .await?
        .iter()
        .map(|row| {
            Ok(Department {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                sort: row.try_get(2)?,
                parent: row.try_get(3)?,
                head: row.try_get(4)?,
            })
        })
        .collect()
}

/// Refuses `parent` for department `id` (`None` for a new one): a missing
/// parent, one at or below `id`, or a second top-level department.
async fn check_parent(
    conn: &impl GenericClient,
    id: Option<i64>,
    parent: Option<i64>,
) -> DbResult<()> {
    let departments = all(conn).await?;
    let refused = |name: &str| Err(StoreError::Conflict(name.to_owned()).into());
    let Some(mut at) = parent else {
        let other_root = departments
            .iter()
            .any(|d| d.parent.is_none() && Some(d.id) != id);
        return if other_root {
            refused(SECOND_ROOT)
        } else {
            Ok(())
        };
    };
    // Walk up from the parent: it must exist and never reach `id`.
    for _ in 0..=departments.len() {
        if Some(at) == id {
            return refused(BAD_PARENT);
        }
        match departments.iter().find(|d| d.id == at) {
            None => return refused(BAD_PARENT),
            Some(d) => match d.parent {
                None => return Ok(()),
                Some(up) => at = up,
            },
        }
    }
    refused(BAD_PARENT)
}

#[async_trait]
impl DepartmentStore for PgStore {
    async fn list_departments(&self) -> Result<Vec<Department>, StoreError> {
        read!(self, |conn| { Ok(tree_order(all(&conn).await?)) })
    }

    async fn insert_department(&self, fields: DepartmentFields) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            check_parent(&tx, None, fields.parent).await?;
            let statement = tx
                .prepare_cached(
                    "INSERT INTO departments (name, sort, parent_id, head_id) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .await?;
            let row = tx
                .query_one(
                    &statement,
                    &[&fields.name, &fields.sort, &fields.parent, &fields.head],
                )
                .await?;
            Ok(row.try_get(0)?)
        })
    }

    async fn update_department(
        &self,
        id: i64,
        fields: DepartmentFields,
    ) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let exists = tx
                .prepare_cached("SELECT 1 FROM departments WHERE id = $1")
                .await?;
            if tx.query_opt(&exists, &[&id]).await?.is_none() {
                return Ok(false);
            }
            check_parent(&tx, Some(id), fields.parent).await?;
            let statement = tx
                .prepare_cached(
                    "UPDATE departments SET name = $2, sort = $3, parent_id = $4, head_id = $5 \
                     WHERE id = $1",
                )
                .await?;
            tx.execute(
                &statement,
                &[
                    &id,
                    &fields.name,
                    &fields.sort,
                    &fields.parent,
                    &fields.head,
                ],
            )
            .await?;
            Ok(true)
        })
    }

    async fn delete_department(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM departments WHERE id = $1")
                .await?;
            Ok(tx.execute(&statement, &[&id]).await? > 0)
        })
    }
}
