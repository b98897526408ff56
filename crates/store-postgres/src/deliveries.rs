//! [`DeliveryStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::deliveries::*;
use portico_store::error::StoreError;
use portico_store::events::Event;
use portico_store::outbound::{DisableReason, OutboundWebhook};
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl DeliveryStore for PgStore {
    async fn claim_deliveries(
        &self,
        now: i64,
        lease_secs: i64,
        limit: usize,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        todo!("DeliveryStore::claim_deliveries")
    }

    async fn release_leases(&self) -> Result<u64, StoreError> {
        todo!("DeliveryStore::release_leases")
    }

    async fn record_attempt(&self, attempt: AttemptRecord) -> Result<bool, StoreError> {
        todo!("DeliveryStore::record_attempt")
    }

    async fn list_deliveries(
        &self,
        webhook_id: i64,
        query: DeliveryQuery,
    ) -> Result<Vec<Delivery>, StoreError> {
        todo!("DeliveryStore::list_deliveries")
    }

    async fn delivery_attempts(
        &self,
        delivery_id: i64,
    ) -> Result<Vec<DeliveryAttempt>, StoreError> {
        todo!("DeliveryStore::delivery_attempts")
    }

    async fn redeliver(&self, delivery_id: i64, now: i64) -> Result<bool, StoreError> {
        todo!("DeliveryStore::redeliver")
    }

    async fn redeliver_failed(
        &self,
        webhook_id: i64,
        from: i64,
        to: i64,
        now: i64,
    ) -> Result<u64, StoreError> {
        todo!("DeliveryStore::redeliver_failed")
    }

    async fn queue_test_event(
        &self,
        webhook_id: i64,
        user_id: Option<i64>,
        at: i64,
    ) -> Result<Option<QueuedTest>, StoreError> {
        todo!("DeliveryStore::queue_test_event")
    }

    async fn prune_outbox(&self, before: i64) -> Result<u64, StoreError> {
        todo!("DeliveryStore::prune_outbox")
    }
}
