//! [`DepartmentStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::departments::*;
use portico_store::error::StoreError;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl DepartmentStore for PgStore {
    async fn list_departments(&self) -> Result<Vec<Department>, StoreError> {
        todo!("DepartmentStore::list_departments")
    }

    async fn insert_department(&self, fields: DepartmentFields) -> Result<i64, StoreError> {
        todo!("DepartmentStore::insert_department")
    }

    async fn update_department(
        &self,
        id: i64,
        fields: DepartmentFields,
    ) -> Result<bool, StoreError> {
        todo!("DepartmentStore::update_department")
    }

    async fn delete_department(&self, id: i64) -> Result<bool, StoreError> {
        todo!("DepartmentStore::delete_department")
    }
}
