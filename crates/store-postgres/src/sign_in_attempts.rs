//! [`SignInAttemptStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::sign_in_attempts::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl SignInAttemptStore for PgStore {
    async fn sign_in_attempts(&self, key: &str) -> Result<Option<AttemptCount>, StoreError> {
        todo!("SignInAttemptStore::sign_in_attempts")
    }

    async fn begin_sign_in_attempt(
        &self,
        rules: &[AttemptRule],
        now: i64,
    ) -> Result<Admission, StoreError> {
        todo!("SignInAttemptStore::begin_sign_in_attempt")
    }

    async fn forgive_sign_in_attempt(
        &self,
        forget: &[String],
        take_back: &[String],
    ) -> Result<(), StoreError> {
        todo!("SignInAttemptStore::forgive_sign_in_attempt")
    }

    async fn purge_expired_sign_in_attempts(&self, now: i64) -> Result<u64, StoreError> {
        todo!("SignInAttemptStore::purge_expired_sign_in_attempts")
    }
}
