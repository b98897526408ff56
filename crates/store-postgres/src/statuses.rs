//! [`StatusStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::statuses::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl StatusStore for PgStore {
    async fn list_statuses(&self, entity_id: Option<&str>) -> Result<Vec<Status>, StoreError> {
        todo!("StatusStore::list_statuses")
    }

    async fn status_by_id(&self, id: i64) -> Result<Option<Status>, StoreError> {
        todo!("StatusStore::status_by_id")
    }

    async fn find_status(
        &self,
        entity_id: &str,
        status_id: &str,
    ) -> Result<Option<Status>, StoreError> {
        todo!("StatusStore::find_status")
    }

    async fn insert_status(&self, status: NewStatus) -> Result<i64, StoreError> {
        todo!("StatusStore::insert_status")
    }

    async fn update_status(&self, id: i64, change: StatusChange) -> Result<bool, StoreError> {
        todo!("StatusStore::update_status")
    }

    async fn delete_status(&self, id: i64) -> Result<bool, StoreError> {
        todo!("StatusStore::delete_status")
    }
}
