//! [`ScrumStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::scrum::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl ScrumStore for PgStore {
    async fn insert_scrum_entity(&self, entity: ScrumEntity) -> Result<i64, StoreError> {
        todo!("ScrumStore::insert_scrum_entity")
    }

    async fn update_scrum_entity(&self, entity: ScrumEntity) -> Result<bool, StoreError> {
        todo!("ScrumStore::update_scrum_entity")
    }

    async fn delete_scrum_entity(
        &self,
        id: i64,
        move_items_to: Option<i64>,
    ) -> Result<bool, StoreError> {
        todo!("ScrumStore::delete_scrum_entity")
    }

    async fn scrum_entity(&self, id: i64) -> Result<Option<ScrumEntity>, StoreError> {
        todo!("ScrumStore::scrum_entity")
    }

    async fn scrum_entities(&self, group_id: Option<i64>) -> Result<Vec<ScrumEntity>, StoreError> {
        todo!("ScrumStore::scrum_entities")
    }

    async fn start_sprint(&self, id: i64, modified_by: i64) -> Result<SprintStart, StoreError> {
        todo!("ScrumStore::start_sprint")
    }

    async fn complete_sprint(
        &self,
        id: i64,
        modified_by: i64,
    ) -> Result<Option<ScrumEntity>, StoreError> {
        todo!("ScrumStore::complete_sprint")
    }

    async fn insert_epic(&self, epic: Epic) -> Result<i64, StoreError> {
        todo!("ScrumStore::insert_epic")
    }

    async fn update_epic(&self, epic: Epic) -> Result<bool, StoreError> {
        todo!("ScrumStore::update_epic")
    }

    async fn delete_epic(&self, id: i64) -> Result<bool, StoreError> {
        todo!("ScrumStore::delete_epic")
    }

    async fn epic(&self, id: i64) -> Result<Option<Epic>, StoreError> {
        todo!("ScrumStore::epic")
    }

    async fn epics(&self) -> Result<Vec<Epic>, StoreError> {
        todo!("ScrumStore::epics")
    }

    async fn scrum_item(&self, task_id: i64) -> Result<Option<ScrumItem>, StoreError> {
        todo!("ScrumStore::scrum_item")
    }

    async fn put_scrum_item(&self, item: ScrumItem) -> Result<(), StoreError> {
        todo!("ScrumStore::put_scrum_item")
    }

    async fn scrum_entity_tasks(&self, entity_id: i64) -> Result<Vec<i64>, StoreError> {
        todo!("ScrumStore::scrum_entity_tasks")
    }

    async fn scrum_placements(&self, task_ids: &[i64]) -> Result<Vec<ScrumPlacement>, StoreError> {
        todo!("ScrumStore::scrum_placements")
    }
}
