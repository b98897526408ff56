//! [`AppEventStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::app_events::*;
use portico_store::error::StoreError;
use portico_store::events::EventStamp;
use portico_store::outbound::OutboundWebhook;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl AppEventStore for PgStore {
    async fn bind_app_handler(&self, handler: NewAppHandler) -> Result<Option<i64>, StoreError> {
        todo!("AppEventStore::bind_app_handler")
    }

    async fn unbind_app_handlers(
        &self,
        app_id: i64,
        filter: AppHandlerFilter,
    ) -> Result<u64, StoreError> {
        todo!("AppEventStore::unbind_app_handlers")
    }

    async fn app_handlers(&self, app_id: i64) -> Result<Vec<OutboundWebhook>, StoreError> {
        todo!("AppEventStore::app_handlers")
    }

    async fn record_app_event(
        &self,
        app_id: i64,
        code: &str,
        data: serde_json::Value,
        stamp: EventStamp,
    ) -> Result<Option<i64>, StoreError> {
        todo!("AppEventStore::record_app_event")
    }

    async fn install_app(
        &self,
        app_id: i64,
        at: i64,
        callback: Option<InstallCallback>,
    ) -> Result<bool, StoreError> {
        todo!("AppEventStore::install_app")
    }

    async fn uninstall_app(
        &self,
        app_id: i64,
        data: serde_json::Value,
        stamp: EventStamp,
    ) -> Result<bool, StoreError> {
        todo!("AppEventStore::uninstall_app")
    }
}
