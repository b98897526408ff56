//! [`CurrencyStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::currencies::*;
use portico_store::error::StoreError;
use portico_store::events::EventStamp;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl CurrencyStore for PgStore {
    async fn list_currencies(&self) -> Result<Vec<Currency>, StoreError> {
        todo!("CurrencyStore::list_currencies")
    }

    async fn currency(&self, code: &str) -> Result<Option<Currency>, StoreError> {
        todo!("CurrencyStore::currency")
    }

    async fn insert_currency(
        &self,
        currency: Currency,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError> {
        todo!("CurrencyStore::insert_currency")
    }

    async fn update_currency(
        &self,
        code: &str,
        change: CurrencyChange,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        todo!("CurrencyStore::update_currency")
    }

    async fn delete_currency(
        &self,
        code: &str,
        event: Option<EventStamp>,
    ) -> Result<bool, StoreError> {
        todo!("CurrencyStore::delete_currency")
    }

    async fn set_base_currency(&self, code: &str, at: i64) -> Result<bool, StoreError> {
        todo!("CurrencyStore::set_base_currency")
    }
}
