//! [`TaskStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::entity::{EntityDef, FieldDef as F, FieldKind as K};
use portico_store::error::StoreError;
use portico_store::events::EventStamp;
use portico_store::list::{ListPage, ListQuery};
use portico_store::records::{FieldValue, Record};
use portico_store::tasks::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl TaskStore for PgStore {
    async fn insert_task(
        &self,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<i64, StoreError> {
        todo!("TaskStore::insert_task")
    }

    async fn update_task(
        &self,
        id: i64,
        values: Vec<(usize, FieldValue)>,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        todo!("TaskStore::update_task")
    }

    async fn delete_task(&self, id: i64, stamp: EventStamp) -> Result<bool, StoreError> {
        todo!("TaskStore::delete_task")
    }

    async fn get_task(&self, id: i64) -> Result<Option<Record>, StoreError> {
        todo!("TaskStore::get_task")
    }

    async fn list_tasks(&self, query: &ListQuery) -> Result<ListPage, StoreError> {
        todo!("TaskStore::list_tasks")
    }

    async fn task_history(&self, task_id: i64) -> Result<Vec<TaskHistoryEntry>, StoreError> {
        todo!("TaskStore::task_history")
    }

    async fn add_task_comment(
        &self,
        task_id: i64,
        author_id: i64,
        message: String,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        todo!("TaskStore::add_task_comment")
    }

    async fn task_comments(&self, task_id: i64) -> Result<Vec<TaskComment>, StoreError> {
        todo!("TaskStore::task_comments")
    }

    async fn update_task_comment(
        &self,
        task_id: i64,
        id: i64,
        message: String,
    ) -> Result<bool, StoreError> {
        todo!("TaskStore::update_task_comment")
    }

    async fn delete_task_comment(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        todo!("TaskStore::delete_task_comment")
    }

    async fn add_checklist_item(
        &self,
        item: ChecklistItem,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        todo!("TaskStore::add_checklist_item")
    }

    async fn checklist_items(&self, task_id: i64) -> Result<Vec<ChecklistItem>, StoreError> {
        todo!("TaskStore::checklist_items")
    }

    async fn update_checklist_item(&self, item: ChecklistItem) -> Result<bool, StoreError> {
        todo!("TaskStore::update_checklist_item")
    }

    async fn delete_checklist_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        todo!("TaskStore::delete_checklist_item")
    }

    async fn add_elapsed_item(&self, item: ElapsedItem) -> Result<Option<i64>, StoreError> {
        todo!("TaskStore::add_elapsed_item")
    }

    async fn elapsed_items(&self, task_id: i64) -> Result<Vec<ElapsedItem>, StoreError> {
        todo!("TaskStore::elapsed_items")
    }

    async fn update_elapsed_item(&self, item: ElapsedItem) -> Result<bool, StoreError> {
        todo!("TaskStore::update_elapsed_item")
    }

    async fn delete_elapsed_item(&self, task_id: i64, id: i64) -> Result<bool, StoreError> {
        todo!("TaskStore::delete_elapsed_item")
    }
}
