//! [`StatusStore`] on PostgreSQL: the `crm_statuses` table of CRM directory
//! items (the schema seeds the default directories). A directory holds tens of
//! rows, so every read is one statement on a pooled connection.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use portico_store::statuses::STATUS_CONFLICT;
use portico_store::{NewStatus, Semantics, Status, StatusChange, StatusStore, StoreError};
use tokio_postgres::Row;

use crate::{read, transaction, DbError, DbResult, PgStore};

/// The columns [`status_from_row`] reads, in order.
macro_rules! status_columns {
    () => {
        "id, entity_id, status_id, name, name_init, sort, system, category_id, color, semantics"
    };
}

/// A [`Status`] from the columns of `status_columns!`.
fn status_from_row(row: &Row) -> DbResult<Status> {
    let system: String = row.try_get(6)?;
    let semantics: Option<String> = row.try_get(9)?;
    Ok(Status {
        id: row.try_get(0)?,
        entity_id: row.try_get(1)?,
        status_id: row.try_get(2)?,
        name: row.try_get(3)?,
        name_init: row.try_get(4)?,
        sort: row.try_get(5)?,
        system: system == "Y",
        category_id: row.try_get(7)?,
        color: row.try_get(8)?,
        semantics: semantics.as_deref().and_then(Semantics::parse),
    })
}

/// `Y` / `N`, as the schema's flag columns hold booleans.
pub(crate) fn yn(b: bool) -> &'static str {
    if b {
        "Y"
    } else {
        "N"
    }
}

/// Inserts one directory item inside the write `tx` and returns its id; a
/// taken `(entity_id, status_id)` is `Conflict(STATUS_CONFLICT)` (the only
/// unique constraint besides the primary key). Pipelines create their stages
/// with it too.
pub(crate) async fn insert_status_row(
    tx: &impl GenericClient,
    status: &NewStatus,
) -> DbResult<i64> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO crm_statuses \
             (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .await?;
    let row = tx
        .query_one(
            &statement,
            &[
                &status.entity_id,
                &status.status_id,
                &status.name,
                &status.name_init,
                &status.sort,
                &yn(status.system),
                &status.category_id,
                &status.color,
                &status.semantics.map(Semantics::as_str),
            ],
        )
        .await
        .map_err(|e| conflict_named(e, STATUS_CONFLICT))?;
    Ok(row.try_get(0)?)
}

/// `e` as a [`DbError`], with a unique (or foreign-key) conflict reported
/// under `name`, the conflict name the trait documents for the statement.
pub(crate) fn conflict_named(e: tokio_postgres::Error, name: &str) -> DbError {
    match DbError::from(e) {
        DbError::Store(StoreError::Conflict(_)) => StoreError::Conflict(name.to_owned()).into(),
        other => other,
    }
}

#[async_trait]
impl StatusStore for PgStore {
    async fn list_statuses(&self, entity_id: Option<&str>) -> Result<Vec<Status>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    status_columns!(),
                    " FROM crm_statuses WHERE $1::text IS NULL OR entity_id = $1 ORDER BY sort, id"
                ))
                .await?;
            conn.query(&statement, &[&entity_id])
                .await?
                .iter()
                .map(status_from_row)
                .collect()
        })
    }

    async fn status_by_id(&self, id: i64) -> Result<Option<Status>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    status_columns!(),
                    " FROM crm_statuses WHERE id = $1"
                ))
                .await?;
            conn.query_opt(&statement, &[&id])
                .await?
                .as_ref()
                .map(status_from_row)
                .transpose()
        })
    }

    async fn find_status(
        &self,
        entity_id: &str,
        status_id: &str,
    ) -> Result<Option<Status>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    status_columns!(),
                    " FROM crm_statuses WHERE entity_id = $1 AND status_id = $2"
                ))
                .await?;
            conn.query_opt(&statement, &[&entity_id, &status_id])
                .await?
                .as_ref()
                .map(status_from_row)
                .transpose()
        })
    }

    async fn insert_status(&self, status: NewStatus) -> Result<i64, StoreError> {
        transaction!(self, |tx| { insert_status_row(&tx, &status).await })
    }

    async fn update_status(&self, id: i64, change: StatusChange) -> Result<bool, StoreError> {
        let (set_color, color) = match &change.color {
            Some(c) => (true, c.as_deref()),
            None => (false, None),
        };
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "UPDATE crm_statuses SET name = COALESCE($1, name), sort = COALESCE($2, sort), \
                     color = CASE WHEN $3 THEN $4 ELSE color END WHERE id = $5",
                )
                .await?;
            let updated = tx
                .execute(
                    &statement,
                    &[&change.name, &change.sort, &set_color, &color, &id],
                )
                .await?;
            Ok(updated > 0)
        })
    }

    async fn delete_status(&self, id: i64) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("DELETE FROM crm_statuses WHERE id = $1")
                .await?;
            Ok(tx.execute(&statement, &[&id]).await? > 0)
        })
    }
}
