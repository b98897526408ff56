//! [`PlacementStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::error::StoreError;
use portico_store::placements::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl PlacementStore for PgStore {
    async fn insert_placement(&self, placement: NewPlacement) -> Result<i64, StoreError> {
        todo!("PlacementStore::insert_placement")
    }

    async fn delete_placements(
        &self,
        app_id: i64,
        placement: &str,
        handler_url: Option<&str>,
    ) -> Result<u64, StoreError> {
        todo!("PlacementStore::delete_placements")
    }

    async fn app_placements(&self, app_id: i64) -> Result<Vec<Placement>, StoreError> {
        todo!("PlacementStore::app_placements")
    }

    async fn placements_of(&self, placement: &str) -> Result<Vec<Placement>, StoreError> {
        todo!("PlacementStore::placements_of")
    }

    async fn placement_by_id(&self, id: i64) -> Result<Option<Placement>, StoreError> {
        todo!("PlacementStore::placement_by_id")
    }
}
