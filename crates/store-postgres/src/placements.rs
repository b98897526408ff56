//! [`PlacementStore`] on PostgreSQL: the `app_placements` table. The unique
//! index on (application, placement, handler) makes a second bind of one
//! handler a conflict; the foreign key removes bindings with their application.

use async_trait::async_trait;
use portico_store::placements::{NewPlacement, Placement, PlacementStore};
use portico_store::StoreError;
use tokio_postgres::Row;

use crate::{read, transaction, DbError, DbResult, PgStore};

/// The columns [`placement_from_row`] reads, in order.
macro_rules! placement_columns {
    () => {
        "id, app_id, placement, handler_url, title, description, lang_all, created_at"
    };
}

/// The unique index on (application, placement, handler) in this schema.
const HANDLER_INDEX: &str = "app_placements_handler";

/// The name SQLite gives a violation of [`HANDLER_INDEX`] (after its columns),
/// which callers match.
const HANDLER_CONFLICT: &str = "app_placements_app_id_placement_handler_url";

/// A [`Placement`] from the columns of `placement_columns!`.
fn placement_from_row(row: &Row) -> DbResult<Placement> {
    Ok(Placement {
        id: row.try_get(0)?,
        app_id: row.try_get(1)?,
        placement: row.try_get(2)?,
        handler_url: row.try_get(3)?,
        title: row.try_get(4)?,
        description: row.try_get(5)?,
        lang_all: row.try_get(6)?,
        created_at: row.try_get(7)?,
    })
}

impl PgStore {
    /// The bindings the fixed statement `sql` selects with `key` as `$1`.
    async fn placements_where(
        &self,
        sql: &str,
        key: &(dyn tokio_postgres::types::ToSql + Sync),
    ) -> Result<Vec<Placement>, StoreError> {
        read!(self, |conn| {
            let statement = conn.prepare_cached(sql).await?;
            conn.query(&statement, &[key])
                .await?
                .iter()
                .map(placement_from_row)
                .collect()
        })
    }
}

#[async_trait]
impl PlacementStore for PgStore {
    async fn insert_placement(&self, p: NewPlacement) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO app_placements (app_id, placement, handler_url, title, \
                     description, lang_all, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                )
                .await?;
            let row = tx
                .query_one(
                    &statement,
                    &[
                        &p.app_id,
                        &p.placement,
                        &p.handler_url,
                        &p.title,
                        &p.description,
                        &p.lang_all,
                        &p.created_at,
                    ],
                )
                .await
                .map_err(|e| match DbError::from(e) {
                    DbError::Store(StoreError::Conflict(name)) if name == HANDLER_INDEX => {
                        DbError::Store(StoreError::Conflict(HANDLER_CONFLICT.to_owned()))
                    }
                    other => other,
                })?;
            Ok(row.try_get(0)?)
        })
    }

    async fn delete_placements(
        &self,
        app_id: i64,
        placement: &str,
        handler_url: Option<&str>,
    ) -> Result<u64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "DELETE FROM app_placements WHERE app_id = $1 AND placement = $2 \
                     AND ($3::text IS NULL OR handler_url = $3)",
                )
                .await?;
            Ok(tx
                .execute(&statement, &[&app_id, &placement, &handler_url])
                .await?)
        })
    }

    async fn app_placements(&self, app_id: i64) -> Result<Vec<Placement>, StoreError> {
        let sql = concat!(
            "SELECT ",
            placement_columns!(),
            " FROM app_placements WHERE app_id = $1 ORDER BY id"
        );
        self.placements_where(sql, &app_id).await
    }

    async fn placements_of(&self, placement: &str) -> Result<Vec<Placement>, StoreError> {
        let sql = concat!(
            "SELECT ",
            placement_columns!(),
            " FROM app_placements WHERE placement = $1 ORDER BY id"
        );
        self.placements_where(sql, &placement).await
    }

    async fn placement_by_id(&self, id: i64) -> Result<Option<Placement>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    placement_columns!(),
                    " FROM app_placements WHERE id = $1"
                ))
                .await?;
            conn.query_opt(&statement, &[&id])
                .await?
                .map(|row| placement_from_row(&row))
                .transpose()
        })
    }
}
