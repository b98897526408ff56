//! [`AppStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::apps::*;
use portico_store::error::StoreError;
use portico_store::users::User;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl AppStore for PgStore {
    async fn insert_app(&self, app: NewApp) -> Result<i64, StoreError> {
        todo!("AppStore::insert_app")
    }

    async fn app_by_id(&self, id: i64) -> Result<Option<App>, StoreError> {
        todo!("AppStore::app_by_id")
    }

    async fn app_by_client_id(&self, client_id: &str) -> Result<Option<App>, StoreError> {
        todo!("AppStore::app_by_client_id")
    }

    async fn list_apps(&self) -> Result<Vec<App>, StoreError> {
        todo!("AppStore::list_apps")
    }

    async fn update_app(&self, id: i64, change: AppChange) -> Result<bool, StoreError> {
        todo!("AppStore::update_app")
    }

    async fn set_app_installed(&self, id: i64, at: i64) -> Result<bool, StoreError> {
        todo!("AppStore::set_app_installed")
    }

    async fn reset_app_installation(&self, id: i64) -> Result<bool, StoreError> {
        todo!("AppStore::reset_app_installation")
    }

    async fn delete_app(&self, id: i64) -> Result<bool, StoreError> {
        todo!("AppStore::delete_app")
    }

    async fn insert_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        user_id: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        todo!("AppStore::insert_auth_code")
    }

    async fn redeem_auth_code(
        &self,
        code_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError> {
        todo!("AppStore::redeem_auth_code")
    }

    async fn insert_grant(&self, grant: NewGrant) -> Result<(), StoreError> {
        todo!("AppStore::insert_grant")
    }

    async fn grant_by_access_hash(
        &self,
        access_hash: &[u8],
    ) -> Result<Option<AccessGrant>, StoreError> {
        todo!("AppStore::grant_by_access_hash")
    }

    async fn redeem_refresh_token(
        &self,
        refresh_hash: Vec<u8>,
        app_id: i64,
        now: i64,
        grant: Box<dyn FnOnce(i64) -> NewGrant + Send>,
    ) -> Result<Option<i64>, StoreError> {
        todo!("AppStore::redeem_refresh_token")
    }

    async fn revoke_app_tokens(&self, app_id: i64) -> Result<(), StoreError> {
        todo!("AppStore::revoke_app_tokens")
    }

    async fn purge_expired_grants(&self, now: i64) -> Result<u64, StoreError> {
        todo!("AppStore::purge_expired_grants")
    }

    async fn app_options(
        &self,
        app_id: i64,
        user_id: i64,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        todo!("AppStore::app_options")
    }

    async fn set_app_options(
        &self,
        app_id: i64,
        user_id: i64,
        options: Vec<(String, serde_json::Value)>,
    ) -> Result<(), StoreError> {
        todo!("AppStore::set_app_options")
    }
}
