//! [`PipelineStore`] on PostgreSQL: the `crm_deal_categories` table (the schema
//! seeds the default pipeline 0) and the stage directories (`DEAL_STAGE_{n}` in
//! `crm_statuses`) created and deleted with each pipeline, in the same
//! transaction.

use async_trait::async_trait;
use portico_store::pipelines::{default_stages, stage_entity};
use portico_store::{
    Category, CategoryChange, CategoryDeletion, NewCategory, PipelineStore, StoreError,
};
use tokio_postgres::Row;

use crate::statuses::insert_status_row;
use crate::{read, transaction, DbResult, PgStore};

/// The columns [`category_from_row`] reads, in order.
macro_rules! category_columns {
    () => {
        "id, name, sort, is_default, created_at, originator_id, origin_id"
    };
}

/// A [`Category`] from the columns of `category_columns!`.
fn category_from_row(row: &Row) -> DbResult<Category> {
    let is_default: String = row.try_get(3)?;
    Ok(Category {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        sort: row.try_get(2)?,
        is_default: is_default == "Y",
        created: row.try_get(4)?,
        originator_id: row.try_get(5)?,
        origin_id: row.try_get(6)?,
    })
}

#[async_trait]
impl PipelineStore for PgStore {
    async fn list_categories(&self) -> Result<Vec<Category>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    category_columns!(),
                    " FROM crm_deal_categories ORDER BY sort, id"
                ))
                .await?;
            conn.query(&statement, &[])
                .await?
                .iter()
                .map(category_from_row)
                .collect()
        })
    }

    async fn category(&self, id: i64) -> Result<Option<Category>, StoreError> {
        read!(self, |conn| {
            let statement = conn
                .prepare_cached(concat!(
                    "SELECT ",
                    category_columns!(),
                    " FROM crm_deal_categories WHERE id = $1"
                ))
                .await?;
            conn.query_opt(&statement, &[&id])
                .await?
                .as_ref()
                .map(category_from_row)
                .transpose()
        })
    }

    async fn insert_category(&self, category: NewCategory) -> Result<i64, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "INSERT INTO crm_deal_categories \
                     (name, sort, is_default, created_at, originator_id, origin_id) \
                     VALUES ($1, $2, 'N', $3, $4, $5) RETURNING id",
                )
                .await?;
            let id: i64 = tx
                .query_one(
                    &statement,
                    &[
                        &category.name,
                        &category.sort,
                        &category.created,
                        &category.originator_id,
                        &category.origin_id,
                    ],
                )
                .await?
                .try_get(0)?;
            for stage in default_stages(id) {
                insert_status_row(&tx, &stage).await?;
            }
            Ok(id)
        })
    }

    async fn update_category(&self, id: i64, change: CategoryChange) -> Result<bool, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached(
                    "UPDATE crm_deal_categories SET name = COALESCE($1, name), \
                     sort = COALESCE($2, sort) WHERE id = $3",
                )
                .await?;
            let updated = tx
                .execute(&statement, &[&change.name, &change.sort, &id])
                .await?;
            Ok(updated > 0)
        })
    }

    async fn delete_category(&self, id: i64) -> Result<CategoryDeletion, StoreError> {
        transaction!(self, |tx| {
            let statement = tx
                .prepare_cached("SELECT is_default FROM crm_deal_categories WHERE id = $1")
                .await?;
            let is_default: Option<String> = match tx.query_opt(&statement, &[&id]).await? {
                Some(row) => Some(row.try_get(0)?),
                None => None,
            };
            match is_default.as_deref() {
                None => return Ok(CategoryDeletion::NotFound),
                Some("Y") => return Ok(CategoryDeletion::Default),
                Some(_) => {}
            }
            let statement = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM crm_deals WHERE category_id = $1)")
                .await?;
            let has_deals: bool = tx.query_one(&statement, &[&id]).await?.try_get(0)?;
            if has_deals {
                return Ok(CategoryDeletion::HasDeals);
            }
            let statement = tx
                .prepare_cached("DELETE FROM crm_statuses WHERE entity_id = $1")
                .await?;
            tx.execute(&statement, &[&stage_entity(id)]).await?;
            let statement = tx
                .prepare_cached("DELETE FROM crm_deal_categories WHERE id = $1")
                .await?;
            tx.execute(&statement, &[&id]).await?;
            Ok(CategoryDeletion::Deleted)
        })
    }
}
