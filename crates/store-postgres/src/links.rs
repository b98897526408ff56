//! [`LinkStore`] on the table `crm_links`: one row per linked pair in its
//! canonical direction. Reads are single index lookups on a pooled connection
//! (the primary key for an owner's links, `crm_links_target` for the reverse).
//! Every write runs in one serializable transaction: it checks the records
//! exist, computes the owner's new list with the shared rules of
//! [`portico_store::links`], rewrites the owner's rows and its mirror column,
//! and records the `…UPDATE` event of the record whose list changed when the
//! write carries a stamp. Record writes call [`write_list`] and [`forget`]
//! inside their own transaction.

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use portico_store::crm::by_code;
use portico_store::links::{check_pair, remove, replace, reversed, upsert, LINK_PAIRS};
use portico_store::{
    EntityDef, EventStamp, Link, LinkChange, LinkEvent, LinkListWrite, LinkStore, RecordChange,
    StoreError,
};
use tokio_postgres::Row;

use crate::records::entity_sql::quote;
use crate::{read, transaction, DbResult, PgStore};

/// An owner's links to one target entity, in order.
const LINKS_OF: &str = "SELECT target_id, sort, is_primary FROM crm_links \
     WHERE owner = $1 AND owner_id = $2 AND target = $3 ORDER BY sort, target_id";

/// The owners linked to one target record, by owner id.
const OWNERS_OF: &str = "SELECT owner_id, sort, is_primary FROM crm_links \
     WHERE target = $1 AND target_id = $2 AND owner = $3 ORDER BY owner_id";

/// Removes an owner's links to one target entity.
const DELETE_OF: &str = "DELETE FROM crm_links WHERE owner = $1 AND owner_id = $2 AND target = $3";

/// Inserts one link row.
const INSERT: &str =
    "INSERT INTO crm_links (owner, owner_id, target, target_id, sort, is_primary) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// A link row's `id, sort, is_primary`.
fn link(row: &Row) -> DbResult<Link> {
    let primary: String = row.try_get(2)?;
    Ok(Link {
        id: row.try_get(0)?,
        sort: row.try_get(1)?,
        is_primary: primary == "Y",
    })
}

/// `NotFound` unless every record `ids` of `entity` exists.
async fn require(conn: &impl GenericClient, entity: &EntityDef, ids: &[i64]) -> DbResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!("SELECT 1 FROM {} WHERE \"id\" = $1", quote(entity.table));
    let statement = conn.prepare_cached(&sql).await?;
    for id in ids {
        if conn.query_opt(&statement, &[id]).await?.is_none() {
            return Err(StoreError::NotFound.into());
        }
    }
    Ok(())
}

/// An owner's links to `target`, in order.
async fn load(
    conn: &impl GenericClient,
    owner: &EntityDef,
    owner_id: i64,
    target: &EntityDef,
) -> DbResult<Vec<Link>> {
    let statement = conn.prepare_cached(LINKS_OF).await?;
    conn.query(&statement, &[&owner.code, &owner_id, &target.code])
        .await?
        .iter()
        .map(link)
        .collect()
}

/// The owners linked to a target record.
async fn owners(
    conn: &impl GenericClient,
    target: &EntityDef,
    target_id: i64,
    owner: &EntityDef,
) -> DbResult<Vec<Link>> {
    let statement = conn.prepare_cached(OWNERS_OF).await?;
    conn.query(&statement, &[&target.code, &target_id, &owner.code])
        .await?
        .iter()
        .map(link)
        .collect()
}

/// Writes an owner's whole list of links to `target` and its mirror column.
async fn save(
    tx: &Transaction<'_>,
    owner: &EntityDef,
    owner_id: i64,
    target: &EntityDef,
    links: &[Link],
) -> DbResult<()> {
    let delete = tx.prepare_cached(DELETE_OF).await?;
    tx.execute(&delete, &[&owner.code, &owner_id, &target.code])
        .await?;
    let insert = tx.prepare_cached(INSERT).await?;
    for l in links {
        let primary = if l.is_primary { "Y" } else { "N" };
        tx.execute(
            &insert,
            &[
                &owner.code,
                &owner_id,
                &target.code,
                &l.id,
                &l.sort,
                &primary,
            ],
        )
        .await?;
    }
    if let Some(pos) = owner.primary_link_field(target.code) {
        let sql = format!(
            "UPDATE {} SET {} = $1 WHERE \"id\" = $2",
            quote(owner.table),
            quote(owner.fields[pos].column)
        );
        let primary = links.iter().find(|l| l.is_primary).map(|l| l.id);
        let statement = tx.prepare_cached(&sql).await?;
        tx.execute(&statement, &[&primary, &owner_id]).await?;
    }
    Ok(())
}

/// Deletes the links of a record being deleted, in both directions; owners that
/// lose a target get their primary link and mirror column recomputed.
pub(crate) async fn forget(tx: &Transaction<'_>, entity: &EntityDef, id: i64) -> DbResult<()> {
    for (owner, target) in LINK_PAIRS.iter().copied() {
        if owner.code == entity.code {
            let delete = tx.prepare_cached(DELETE_OF).await?;
            tx.execute(&delete, &[&owner.code, &id, &target.code])
                .await?;
        }
        if target.code == entity.code {
            for o in owners(tx, target, id, owner).await? {
                let (list, _) = remove(&load(tx, owner, o.id, target).await?, id);
                save(tx, owner, o.id, target, &list).await?;
            }
        }
    }
    Ok(())
}

/// Replaces all the owner's links to `target` (see [`LinkStore::set_links`]),
/// inside the caller's transaction.
async fn set_links_in(
    tx: &Transaction<'_>,
    owner: &EntityDef,
    owner_id: i64,
    target: &EntityDef,
    links: &[LinkChange],
) -> DbResult<()> {
    require(tx, owner, &[owner_id]).await?;
    let ids: Vec<i64> = links.iter().map(|l| l.id).collect();
    require(tx, target, &ids).await?;
    save(tx, owner, owner_id, target, &replace(links)).await
}

/// Replaces the `owner` records linked to a target record (see
/// [`LinkStore::set_linked_owners`]), inside the caller's transaction.
async fn set_linked_owners_in(
    tx: &Transaction<'_>,
    target: &EntityDef,
    target_id: i64,
    owner: &EntityDef,
    wanted: &[LinkChange],
) -> DbResult<()> {
    require(tx, target, &[target_id]).await?;
    let ids: Vec<i64> = wanted.iter().map(|l| l.id).collect();
    require(tx, owner, &ids).await?;
    for o in owners(tx, target, target_id, owner).await? {
        if !ids.contains(&o.id) {
            let (list, _) = remove(&load(tx, owner, o.id, target).await?, target_id);
            save(tx, owner, o.id, target, &list).await?;
        }
    }
    let mut done: Vec<i64> = Vec::with_capacity(wanted.len());
    for w in wanted {
        if done.contains(&w.id) {
            continue;
        }
        done.push(w.id);
        let change = LinkChange {
            id: target_id,
            sort: w.sort,
            is_primary: w.is_primary,
        };
        let list = upsert(&load(tx, owner, w.id, target).await?, change);
        save(tx, owner, w.id, target, &list).await?;
    }
    Ok(())
}

/// Replaces one link list of record `id` of `entity` as part of a record
/// write, inside the caller's transaction: in the canonical direction as
/// [`set_links_in`], the other way (a company's contacts) as
/// [`set_linked_owners_in`]. A target without links to `entity` is refused.
pub(crate) async fn write_list(
    tx: &Transaction<'_>,
    entity: &EntityDef,
    id: i64,
    list: &LinkListWrite,
) -> DbResult<()> {
    let target = by_code(list.target);
    match target.and_then(|t| reversed(entity, t).map(|r| (t, r))) {
        Some((target, false)) => set_links_in(tx, entity, id, target, &list.links).await,
        Some((target, true)) => set_linked_owners_in(tx, entity, id, target, &list.links).await,
        None => Err(
            StoreError::Other(format!("{} has no links to {}", entity.code, list.target)).into(),
        ),
    }
}

/// Records the `…UPDATE` of record `id` of `entity` when the write carries a stamp.
async fn raise_update(
    tx: &Transaction<'_>,
    entity: &EntityDef,
    id: i64,
    stamp: Option<&EventStamp>,
) -> DbResult<()> {
    crate::events::raise(tx, entity, RecordChange::Update, id, stamp).await
}

#[async_trait]
impl LinkStore for PgStore {
    async fn links(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError> {
        check_pair(owner, target)?;
        read!(self, |conn| { load(&conn, owner, owner_id, target).await })
    }

    async fn linked_owners(
        &self,
        target: &'static EntityDef,
        target_id: i64,
        owner: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError> {
        check_pair(owner, target)?;
        read!(self, |conn| {
            owners(&conn, target, target_id, owner).await
        })
    }

    async fn set_links(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        links: Vec<LinkChange>,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError> {
        check_pair(owner, target)?;
        transaction!(self, |tx| {
            set_links_in(&tx, owner, owner_id, target, &links).await?;
            raise_update(&tx, owner, owner_id, event.as_ref()).await
        })
    }

    async fn set_linked_owners(
        &self,
        target: &'static EntityDef,
        target_id: i64,
        owner: &'static EntityDef,
        wanted: Vec<LinkChange>,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError> {
        check_pair(owner, target)?;
        transaction!(self, |tx| {
            set_linked_owners_in(&tx, target, target_id, owner, &wanted).await?;
            raise_update(&tx, target, target_id, event.as_ref()).await
        })
    }

    async fn add_link(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        change: LinkChange,
        event: Option<LinkEvent>,
    ) -> Result<(), StoreError> {
        check_pair(owner, target)?;
        transaction!(self, |tx| {
            require(&tx, owner, &[owner_id]).await?;
            require(&tx, target, &[change.id]).await?;
            let list = upsert(&load(&tx, owner, owner_id, target).await?, change);
            save(&tx, owner, owner_id, target, &list).await?;
            if let Some(event) = &event {
                let (entity, id) = event.named_end(owner, owner_id, target, change.id);
                raise_update(&tx, entity, id, Some(&event.stamp)).await?;
            }
            Ok(())
        })
    }

    async fn remove_link(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        target_id: i64,
        event: Option<LinkEvent>,
    ) -> Result<bool, StoreError> {
        check_pair(owner, target)?;
        transaction!(self, |tx| {
            let (list, removed) = remove(&load(&tx, owner, owner_id, target).await?, target_id);
            if removed {
                save(&tx, owner, owner_id, target, &list).await?;
                if let Some(event) = &event {
                    let (entity, id) = event.named_end(owner, owner_id, target, target_id);
                    raise_update(&tx, entity, id, Some(&event.stamp)).await?;
                }
            }
            Ok(removed)
        })
    }
}
