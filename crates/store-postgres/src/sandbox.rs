//! [`SandboxStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::sandbox::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl SandboxStore for PgStore {
    async fn save_snapshot(&self, name: &str) -> Result<(), StoreError> {
        todo!("SandboxStore::save_snapshot")
    }

    async fn restore_snapshot(&self, name: &str) -> Result<(), StoreError> {
        todo!("SandboxStore::restore_snapshot")
    }

    async fn arm_fault(&self, fault: &NewFault) -> Result<Fault, StoreError> {
        todo!("SandboxStore::arm_fault")
    }

    async fn armed_faults(&self) -> Result<Vec<Fault>, StoreError> {
        todo!("SandboxStore::armed_faults")
    }

    async fn clear_faults(&self) -> Result<u64, StoreError> {
        todo!("SandboxStore::clear_faults")
    }

    async fn take_fault(
        &self,
        method: &str,
        integration: &str,
    ) -> Result<Option<Fault>, StoreError> {
        todo!("SandboxStore::take_fault")
    }
}
