//! [`RestLimitStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::rest_limits::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl RestLimitStore for PgStore {
    async fn take_from_bucket(
        &self,
        key: &str,
        rule: BucketRule,
        now_ms: i64,
    ) -> Result<BucketAdmission, StoreError> {
        todo!("RestLimitStore::take_from_bucket")
    }

    async fn operating_window(&self, key: &str, now: i64) -> Result<OperatingWindow, StoreError> {
        todo!("RestLimitStore::operating_window")
    }

    async fn add_operating(
        &self,
        key: &str,
        seconds: f64,
        now: i64,
    ) -> Result<OperatingWindow, StoreError> {
        todo!("RestLimitStore::add_operating")
    }

    async fn purge_rest_limits(&self, now: i64) -> Result<u64, StoreError> {
        todo!("RestLimitStore::purge_rest_limits")
    }
}
