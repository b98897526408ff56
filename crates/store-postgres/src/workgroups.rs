//! [`WorkgroupStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::workgroups::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl WorkgroupStore for PgStore {
    async fn list_workgroups(&self) -> Result<Vec<Workgroup>, StoreError> {
        todo!("WorkgroupStore::list_workgroups")
    }

    async fn insert_workgroup(&self, group: Workgroup) -> Result<i64, StoreError> {
        todo!("WorkgroupStore::insert_workgroup")
    }

    async fn update_workgroup(&self, group: Workgroup) -> Result<bool, StoreError> {
        todo!("WorkgroupStore::update_workgroup")
    }

    async fn delete_workgroup(&self, id: i64) -> Result<bool, StoreError> {
        todo!("WorkgroupStore::delete_workgroup")
    }

    async fn group_members(&self, id: i64) -> Result<Vec<GroupMember>, StoreError> {
        todo!("WorkgroupStore::group_members")
    }

    async fn add_group_members(&self, id: i64, users: &[i64]) -> Result<Vec<i64>, StoreError> {
        todo!("WorkgroupStore::add_group_members")
    }

    async fn groups_of_user(&self, user_id: i64) -> Result<Vec<i64>, StoreError> {
        todo!("WorkgroupStore::groups_of_user")
    }
}
