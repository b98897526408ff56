//! [`SandboxDeliveryStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::sandbox_deliveries::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl SandboxDeliveryStore for PgStore {
    async fn set_handler_mode(&self, handler: &str, mode: HandlerMode) -> Result<(), StoreError> {
        todo!("SandboxDeliveryStore::set_handler_mode")
    }

    async fn handler_mode(&self, handler: &str) -> Result<HandlerMode, StoreError> {
        todo!("SandboxDeliveryStore::handler_mode")
    }

    async fn handler_modes(&self) -> Result<Vec<(String, HandlerMode)>, StoreError> {
        todo!("SandboxDeliveryStore::handler_modes")
    }

    async fn clear_handler_modes(&self) -> Result<u64, StoreError> {
        todo!("SandboxDeliveryStore::clear_handler_modes")
    }

    async fn record_capture(&self, capture: &NewCapture) -> Result<i64, StoreError> {
        todo!("SandboxDeliveryStore::record_capture")
    }

    async fn captures(&self, query: &CaptureQuery) -> Result<Vec<Capture>, StoreError> {
        todo!("SandboxDeliveryStore::captures")
    }
}
