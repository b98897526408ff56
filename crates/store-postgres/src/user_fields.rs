//! [`UserFieldStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::entity::{EntityDef, StorageType};
use portico_store::error::StoreError;
use portico_store::events::EventStamp;
use portico_store::records::FieldValue;
use portico_store::user_fields::*;
use portico_store::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::PgStore;

#[async_trait]
impl UserFieldStore for PgStore {
    async fn list_user_fields(
        &self,
        entity_id: Option<&str>,
    ) -> Result<Vec<UserField>, StoreError> {
        todo!("UserFieldStore::list_user_fields")
    }

    async fn user_field_by_id(&self, id: i64) -> Result<Option<UserField>, StoreError> {
        todo!("UserFieldStore::user_field_by_id")
    }

    async fn insert_user_field(
        &self,
        field: NewUserField,
        event: Option<EventStamp>,
    ) -> Result<i64, StoreError> {
        todo!("UserFieldStore::insert_user_field")
    }

    async fn update_user_field(
        &self,
        id: i64,
        change: UserFieldChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        todo!("UserFieldStore::update_user_field")
    }

    async fn delete_user_field(
        &self,
        id: i64,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        todo!("UserFieldStore::delete_user_field")
    }
}
