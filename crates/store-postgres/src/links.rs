//! [`LinkStore`] on PostgreSQL.

#![allow(unused_imports, unused_variables)]

use async_trait::async_trait;
use portico_store::crm::{COMPANY, CONTACT, DEAL, LEAD};
use portico_store::entity::EntityDef;
use portico_store::error::StoreError;
use portico_store::events::EventStamp;
use portico_store::links::*;
use portico_store::*;

use crate::PgStore;

#[async_trait]
impl LinkStore for PgStore {
    async fn links(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError> {
        todo!("LinkStore::links")
    }

    async fn linked_owners(
        &self,
        target: &'static EntityDef,
        target_id: i64,
        owner: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError> {
        todo!("LinkStore::linked_owners")
    }

    async fn set_links(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        links: Vec<LinkChange>,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError> {
        todo!("LinkStore::set_links")
    }

    async fn set_linked_owners(
        &self,
        target: &'static EntityDef,
        target_id: i64,
        owner: &'static EntityDef,
        owners: Vec<LinkChange>,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError> {
        todo!("LinkStore::set_linked_owners")
    }

    async fn add_link(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        link: LinkChange,
        event: Option<LinkEvent>,
    ) -> Result<(), StoreError> {
        todo!("LinkStore::add_link")
    }

    async fn remove_link(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        target_id: i64,
        event: Option<LinkEvent>,
    ) -> Result<bool, StoreError> {
        todo!("LinkStore::remove_link")
    }
}

// TEMPORARY: replaced by the links port
/// Replaces one link list of record `id` of `entity` inside a record write
/// (stand-in until the links port lands: does nothing).
pub(crate) async fn write_list(
    _tx: &deadpool_postgres::Transaction<'_>,
    _entity: &EntityDef,
    _id: i64,
    _list: &portico_store::LinkListWrite,
) -> crate::DbResult<()> {
    Ok(Default::default())
}

/// Deletes the links of a record being deleted (stand-in until the links port
/// lands: does nothing).
pub(crate) async fn forget(
    _tx: &deadpool_postgres::Transaction<'_>,
    _entity: &EntityDef,
    _id: i64,
) -> crate::DbResult<()> {
    Ok(Default::default())
}
