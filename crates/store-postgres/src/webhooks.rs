//! [`WebhookStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::users::User;
use portico_store::webhooks::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl WebhookStore for PgStore {
    async fn insert_webhook(&self, webhook: NewWebhook) -> Result<i64, StoreError> {
        todo!("WebhookStore::insert_webhook")
    }

    async fn webhook_by_hash(
        &self,
        secret_hash: &[u8],
    ) -> Result<Option<(Webhook, User)>, StoreError> {
        todo!("WebhookStore::webhook_by_hash")
    }

    async fn list_webhooks(&self, user_id: Option<i64>) -> Result<Vec<Webhook>, StoreError> {
        todo!("WebhookStore::list_webhooks")
    }

    async fn webhook_by_id(&self, id: i64) -> Result<Option<Webhook>, StoreError> {
        todo!("WebhookStore::webhook_by_id")
    }

    async fn update_webhook(&self, id: i64, change: WebhookChange) -> Result<bool, StoreError> {
        todo!("WebhookStore::update_webhook")
    }

    async fn touch_webhook(&self, id: i64, at: i64) -> Result<(), StoreError> {
        todo!("WebhookStore::touch_webhook")
    }

    async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError> {
        todo!("WebhookStore::delete_webhook")
    }
}
