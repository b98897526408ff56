//! [`PipelineStore`]: the `crm_deal_categories` table (migration 0012) and the
//! stage directories (`DEAL_STAGE_{n}` in `crm_statuses`) created and deleted
//! with each pipeline, in the same transaction.

use async_trait::async_trait;
use portico_store::pipelines::{default_stages, stage_entity};
use portico_store::{
    Category, CategoryChange, CategoryDeletion, NewCategory, PipelineStore, StoreError,
};
use rusqlite::{params, OptionalExtension, Row};

use crate::error::map_err;
use crate::SqliteStore;

/// The columns [`category_from_row`] reads, in order.
const COLUMNS: &str = "id, name, sort, is_default, created_at, originator_id, origin_id";

/// A [`Category`] from the columns of [`COLUMNS`].
fn category_from_row(row: &Row<'_>) -> rusqlite::Result<Category> {
    let is_default: String = row.get(3)?;
    Ok(Category {
        id: row.get(0)?,
        name: row.get(1)?,
        sort: row.get(2)?,
        is_default: is_default == "Y",
        created: row.get(4)?,
        originator_id: row.get(5)?,
        origin_id: row.get(6)?,
    })
}

#[async_trait]
impl PipelineStore for SqliteStore {
    async fn list_categories(&self) -> Result<Vec<Category>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM crm_deal_categories ORDER BY sort, id"
                ))
                .map_err(map_err)?;
            let rows = stmt.query_map([], category_from_row).map_err(map_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(map_err)
        })
    }

    async fn category(&self, id: i64) -> Result<Option<Category>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM crm_deal_categories WHERE id = ?1"
            ))
            .and_then(|mut s| s.query_row([id], category_from_row).optional())
            .map_err(map_err)
        })
    }

    async fn insert_category(&self, category: NewCategory) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO crm_deal_categories (name, sort, is_default, created_at, originator_id, origin_id) \
                 VALUES (?1, ?2, 'N', ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    category.name,
                    category.sort,
                    category.created,
                    category.originator_id,
                    category.origin_id
                ])
            })
            .map_err(map_err)?;
            let id = conn.last_insert_rowid();
            let mut stmt = conn
                .prepare_cached(
                    "INSERT INTO crm_statuses \
                     (entity_id, status_id, name, name_init, sort, system, category_id, color, semantics) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(map_err)?;
            for stage in default_stages(id) {
                stmt.execute(params![
                    stage.entity_id,
                    stage.status_id,
                    stage.name,
                    stage.name_init,
                    stage.sort,
                    if stage.system { "Y" } else { "N" },
                    stage.category_id,
                    stage.color,
                    stage.semantics.map(|s| s.as_str()),
                ])
                .map_err(map_err)?;
            }
            Ok(id)
        })
        .await
    }

    async fn update_category(&self, id: i64, change: CategoryChange) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE crm_deal_categories SET name = COALESCE(?1, name), \
                     sort = COALESCE(?2, sort) WHERE id = ?3",
                )
                .and_then(|mut s| s.execute(params![change.name, change.sort, id]))
                .map_err(map_err)?;
            Ok(n > 0)
        })
        .await
    }

    async fn delete_category(&self, id: i64) -> Result<CategoryDeletion, StoreError> {
        self.write(move |conn| {
            let is_default: Option<String> = conn
                .prepare_cached("SELECT is_default FROM crm_deal_categories WHERE id = ?1")
                .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
                .map_err(map_err)?;
            match is_default.as_deref() {
                None => return Ok(CategoryDeletion::NotFound),
                Some("Y") => return Ok(CategoryDeletion::Default),
                Some(_) => {}
            }
            let has_deals = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM crm_deals WHERE category_id = ?1)")
                .and_then(|mut s| s.query_row([id], |r| r.get::<_, bool>(0)))
                .map_err(map_err)?;
            if has_deals {
                return Ok(CategoryDeletion::HasDeals);
            }
            conn.prepare_cached("DELETE FROM crm_statuses WHERE entity_id = ?1")
                .and_then(|mut s| s.execute([stage_entity(id)]))
                .map_err(map_err)?;
            conn.prepare_cached("DELETE FROM crm_deal_categories WHERE id = ?1")
                .and_then(|mut s| s.execute([id]))
                .map_err(map_err)?;
            Ok(CategoryDeletion::Deleted)
        })
        .await
    }
}
