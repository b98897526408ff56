//! [`SessionStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::sessions::*;
use portico_store::users::User;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl SessionStore for PgStore {
    async fn insert_session(&self, session: Session) -> Result<(), StoreError> {
        todo!("SessionStore::insert_session")
    }

    async fn session_by_hash(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> Result<Option<(Session, User)>, StoreError> {
        todo!("SessionStore::session_by_hash")
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<bool, StoreError> {
        todo!("SessionStore::delete_session")
    }

    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError> {
        todo!("SessionStore::delete_user_sessions")
    }

    async fn purge_expired_sessions(&self, now: i64) -> Result<u64, StoreError> {
        todo!("SessionStore::purge_expired_sessions")
    }

    async fn user_setting(&self, user_id: i64, name: &str) -> Result<Option<String>, StoreError> {
        todo!("SessionStore::user_setting")
    }

    async fn set_user_setting(
        &self,
        user_id: i64,
        name: &str,
        value: &str,
    ) -> Result<(), StoreError> {
        todo!("SessionStore::set_user_setting")
    }
}
