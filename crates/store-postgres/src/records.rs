//! [`RecordStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::entity::{EntityDef, MultiType};
use portico_store::error::StoreError;
use portico_store::events::EventStamp;
use portico_store::links::LinkChange;
use portico_store::list::{ListPage, ListQuery};
use portico_store::records::*;
use portico_store::user_fields::UserFieldWrite;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl RecordStore for PgStore {
    async fn insert_record(
        &self,
        entity: &'static EntityDef,
        write: RecordWrite,
    ) -> Result<i64, StoreError> {
        todo!("RecordStore::insert_record")
    }

    async fn get_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
    ) -> Result<Option<Record>, StoreError> {
        todo!("RecordStore::get_record")
    }

    async fn update_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        write: RecordWrite,
    ) -> Result<bool, StoreError> {
        todo!("RecordStore::update_record")
    }

    async fn delete_record(
        &self,
        entity: &'static EntityDef,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        todo!("RecordStore::delete_record")
    }

    async fn list_records(
        &self,
        entity: &'static EntityDef,
        query: &ListQuery,
    ) -> Result<ListPage, StoreError> {
        todo!("RecordStore::list_records")
    }

    async fn find_by_multifield(
        &self,
        entity: &'static EntityDef,
        kind: MultiType,
        keys: &[String],
    ) -> Result<Vec<i64>, StoreError> {
        todo!("RecordStore::find_by_multifield")
    }
}
