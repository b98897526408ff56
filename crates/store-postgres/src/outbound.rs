//! [`OutboundWebhookStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::outbound::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl OutboundWebhookStore for PgStore {
    async fn insert_outbound_webhook(
        &self,
        webhook: NewOutboundWebhook,
    ) -> Result<i64, StoreError> {
        todo!("OutboundWebhookStore::insert_outbound_webhook")
    }

    async fn outbound_webhook_by_id(&self, id: i64) -> Result<Option<OutboundWebhook>, StoreError> {
        todo!("OutboundWebhookStore::outbound_webhook_by_id")
    }

    async fn list_outbound_webhooks(
        &self,
        user_id: Option<i64>,
    ) -> Result<Vec<OutboundWebhook>, StoreError> {
        todo!("OutboundWebhookStore::list_outbound_webhooks")
    }

    async fn update_outbound_webhook(
        &self,
        id: i64,
        change: OutboundWebhookChange,
    ) -> Result<bool, StoreError> {
        todo!("OutboundWebhookStore::update_outbound_webhook")
    }

    async fn replace_outbound_credentials(
        &self,
        id: i64,
        application_token_sealed: Option<Vec<u8>>,
        signing_secret_sealed: Option<Vec<u8>>,
    ) -> Result<bool, StoreError> {
        todo!("OutboundWebhookStore::replace_outbound_credentials")
    }

    async fn delete_outbound_webhook(&self, id: i64) -> Result<bool, StoreError> {
        todo!("OutboundWebhookStore::delete_outbound_webhook")
    }
}
