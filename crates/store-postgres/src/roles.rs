//! [`RoleStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::roles::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl RoleStore for PgStore {
    async fn list_roles(&self) -> Result<Vec<Role>, StoreError> {
        todo!("RoleStore::list_roles")
    }

    async fn role_by_id(&self, id: i64) -> Result<Option<Role>, StoreError> {
        todo!("RoleStore::role_by_id")
    }

    async fn role_by_name(&self, name: &str) -> Result<Option<Role>, StoreError> {
        todo!("RoleStore::role_by_name")
    }

    async fn insert_role(&self, role: NewRole) -> Result<i64, StoreError> {
        todo!("RoleStore::insert_role")
    }

    async fn set_role_level(
        &self,
        role_id: i64,
        entity: &str,
        action: Action,
        level: Level,
    ) -> Result<bool, StoreError> {
        todo!("RoleStore::set_role_level")
    }

    async fn set_user_role(&self, user_id: i64, role_id: Option<i64>) -> Result<bool, StoreError> {
        todo!("RoleStore::set_user_role")
    }

    async fn user_role(&self, user_id: i64) -> Result<Option<Role>, StoreError> {
        todo!("RoleStore::user_role")
    }

    async fn user_role_ids(&self) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
        todo!("RoleStore::user_role_ids")
    }
}
