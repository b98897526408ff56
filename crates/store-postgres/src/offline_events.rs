//! [`OfflineEventStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::offline_events::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl OfflineEventStore for PgStore {
    async fn bind_offline(&self, binding: NewOfflineBinding) -> Result<bool, StoreError> {
        todo!("OfflineEventStore::bind_offline")
    }

    async fn unbind_offline(
        &self,
        app_id: i64,
        event: Option<String>,
        user_id: Option<i64>,
    ) -> Result<u64, StoreError> {
        todo!("OfflineEventStore::unbind_offline")
    }

    async fn offline_bindings(&self, app_id: i64) -> Result<Vec<OfflineBinding>, StoreError> {
        todo!("OfflineEventStore::offline_bindings")
    }

    async fn take_offline_events(
        &self,
        query: OfflineQuery,
        limit: u32,
        take: OfflineTake,
    ) -> Result<Vec<OfflineEvent>, StoreError> {
        todo!("OfflineEventStore::take_offline_events")
    }

    async fn clear_offline_events(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        ids: Option<Vec<i64>>,
        message_ids: Option<Vec<String>>,
    ) -> Result<u64, StoreError> {
        todo!("OfflineEventStore::clear_offline_events")
    }

    async fn mark_offline_errors(
        &self,
        app_id: i64,
        connector: String,
        process_id: String,
        message_ids: Vec<String>,
    ) -> Result<u64, StoreError> {
        todo!("OfflineEventStore::mark_offline_errors")
    }

    async fn list_offline_events(
        &self,
        query: OfflineQuery,
        start: u64,
        limit: u32,
    ) -> Result<(Vec<OfflineEvent>, u64), StoreError> {
        todo!("OfflineEventStore::list_offline_events")
    }
}

/// Queues `event` for the offline bindings of installed applications to its
/// code, except the caller's connector's, and records the notices due (the
/// recording side of offline events, in the write's transaction).
pub(crate) async fn queue_offline(
    tx: &deadpool_postgres::Transaction<'_>,
    event: &crate::events::RaisedEvent<'_>,
    stamp: &EventStamp,
) -> crate::DbResult<()> {
    let any: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM app_offline_bindings WHERE event = $1)",
            &[&event.code],
        )
        .await?
        .try_get(0)?;
    if any {
        todo!("queue_offline with bindings")
    }
    Ok(())
}
