//! [`RestStatsStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::rest_stats::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl RestStatsStore for PgStore {
    async fn add_rest_stats(
        &self,
        rows: &[(RestStatKey, RestStatCounts)],
    ) -> Result<(), StoreError> {
        todo!("RestStatsStore::add_rest_stats")
    }

    async fn rest_stats(
        &self,
        first_day: i64,
        last_day: i64,
    ) -> Result<Vec<(RestStatKey, RestStatCounts)>, StoreError> {
        todo!("RestStatsStore::rest_stats")
    }

    async fn purge_rest_stats(&self, first_kept_day: i64) -> Result<u64, StoreError> {
        todo!("RestStatsStore::purge_rest_stats")
    }
}
