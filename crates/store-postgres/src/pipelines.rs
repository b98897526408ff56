//! [`PipelineStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::pipelines::*;
use portico_store::statuses::{NewStatus, DEFAULT_STATUSES};
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl PipelineStore for PgStore {
    async fn list_categories(&self) -> Result<Vec<Category>, StoreError> {
        todo!("PipelineStore::list_categories")
    }

    async fn category(&self, id: i64) -> Result<Option<Category>, StoreError> {
        todo!("PipelineStore::category")
    }

    async fn insert_category(&self, category: NewCategory) -> Result<i64, StoreError> {
        todo!("PipelineStore::insert_category")
    }

    async fn update_category(&self, id: i64, change: CategoryChange) -> Result<bool, StoreError> {
        todo!("PipelineStore::update_category")
    }

    async fn delete_category(&self, id: i64) -> Result<CategoryDeletion, StoreError> {
        todo!("PipelineStore::delete_category")
    }
}
