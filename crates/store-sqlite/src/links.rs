//! [`LinkStore`] on the table `crm_links`: one row per linked pair in its
//! canonical direction. Reads are single index lookups on a pool connection
//! (the primary key for an owner's links, `crm_links_target` for the reverse).
//! Every write runs in the writer: it checks the records exist, computes the
//! owner's new list with the shared rules of [`portico_store::links`], rewrites
//! the owner's rows and its mirror column in the same transaction, with the
//! `…UPDATE` event of the record whose list changed when the write carries a
//! stamp.

use async_trait::async_trait;
use portico_store::crm::by_code;
use portico_store::links::{check_pair, remove, replace, reversed, upsert, LINK_PAIRS};
use portico_store::{
    EntityDef, EventStamp, Link, LinkChange, LinkEvent, LinkListWrite, LinkStore, RecordChange,
    StoreError,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::entity_sql::quote;
use crate::error::map_err;
use crate::SqliteStore;

/// An owner's links to one target entity, in order.
const LINKS_OF: &str = "SELECT target_id, sort, is_primary FROM crm_links \
     WHERE owner = ?1 AND owner_id = ?2 AND target = ?3 ORDER BY sort, target_id";

/// The owners linked to one target record, by owner id.
const OWNERS_OF: &str = "SELECT owner_id, sort, is_primary FROM crm_links \
     WHERE target = ?1 AND target_id = ?2 AND owner = ?3 ORDER BY owner_id";

/// Removes an owner's links to one target entity.
const DELETE_OF: &str = "DELETE FROM crm_links WHERE owner = ?1 AND owner_id = ?2 AND target = ?3";

const INSERT: &str =
    "INSERT INTO crm_links (owner, owner_id, target, target_id, sort, is_primary) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// A link row's `id, sort, is_primary`.
fn link(row: &rusqlite::Row<'_>) -> rusqlite::Result<Link> {
    let primary: String = row.get(2)?;
    Ok(Link {
        id: row.get(0)?,
        sort: row.get(1)?,
        is_primary: primary == "Y",
    })
}

/// Whether record `id` of `entity` exists.
fn exists(conn: &Connection, entity: &EntityDef, id: i64) -> Result<bool, StoreError> {
    let sql = format!("SELECT 1 FROM {} WHERE \"id\" = ?1", quote(entity.table));
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_row([id], |_| Ok(())).optional())
        .map(|found| found.is_some())
        .map_err(map_err)
}

/// `NotFound` unless every record exists.
fn require(conn: &Connection, entity: &EntityDef, ids: &[i64]) -> Result<(), StoreError> {
    for &id in ids {
        if !exists(conn, entity, id)? {
            return Err(StoreError::NotFound);
        }
    }
    Ok(())
}

/// An owner's links to `target`, in order.
fn load(
    conn: &Connection,
    owner: &EntityDef,
    owner_id: i64,
    target: &EntityDef,
) -> Result<Vec<Link>, StoreError> {
    let mut stmt = conn.prepare_cached(LINKS_OF).map_err(map_err)?;
    let rows = stmt
        .query_map(params![owner.code, owner_id, target.code], link)
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// The owners linked to a target record.
fn owners(
    conn: &Connection,
    target: &EntityDef,
    target_id: i64,
    owner: &EntityDef,
) -> Result<Vec<Link>, StoreError> {
    let mut stmt = conn.prepare_cached(OWNERS_OF).map_err(map_err)?;
    let rows = stmt
        .query_map(params![target.code, target_id, owner.code], link)
        .map_err(map_err)?;
    rows.collect::<Result<_, _>>().map_err(map_err)
}

/// Writes an owner's whole list of links to `target` and its mirror column.
fn save(
    conn: &Connection,
    owner: &EntityDef,
    owner_id: i64,
    target: &EntityDef,
    links: &[Link],
) -> Result<(), StoreError> {
    conn.prepare_cached(DELETE_OF)
        .and_then(|mut s| s.execute(params![owner.code, owner_id, target.code]))
        .map_err(map_err)?;
    let mut insert = conn.prepare_cached(INSERT).map_err(map_err)?;
    for l in links {
        let primary = if l.is_primary { "Y" } else { "N" };
        insert
            .execute(params![
                owner.code,
                owner_id,
                target.code,
                l.id,
                l.sort,
                primary
            ])
            .map_err(map_err)?;
    }
    if let Some(pos) = owner.primary_link_field(target.code) {
        let sql = format!(
            "UPDATE {} SET {} = ?1 WHERE \"id\" = ?2",
            quote(owner.table),
            quote(owner.fields[pos].column)
        );
        let primary = links.iter().find(|l| l.is_primary).map(|l| l.id);
        conn.prepare_cached(&sql)
            .and_then(|mut s| s.execute(params![primary, owner_id]))
            .map_err(map_err)?;
    }
    Ok(())
}

/// Deletes the links of a record being deleted, in both directions; owners that
/// lose a target get their primary link and mirror column recomputed.
pub(crate) fn forget(conn: &Connection, entity: &EntityDef, id: i64) -> Result<(), StoreError> {
    for (owner, target) in LINK_PAIRS.iter().copied() {
        if owner.code == entity.code {
            conn.prepare_cached(DELETE_OF)
                .and_then(|mut s| s.execute(params![owner.code, id, target.code]))
                .map_err(map_err)?;
        }
        if target.code == entity.code {
            for o in owners(conn, target, id, owner)? {
                let (list, _) = remove(&load(conn, owner, o.id, target)?, id);
                save(conn, owner, o.id, target, &list)?;
            }
        }
    }
    Ok(())
}

/// Replaces all the owner's links to `target` (see [`LinkStore::set_links`]),
/// inside the caller's transaction.
fn set_links_in(
    conn: &Connection,
    owner: &EntityDef,
    owner_id: i64,
    target: &EntityDef,
    links: &[LinkChange],
) -> Result<(), StoreError> {
    require(conn, owner, &[owner_id])?;
    let ids: Vec<i64> = links.iter().map(|l| l.id).collect();
    require(conn, target, &ids)?;
    save(conn, owner, owner_id, target, &replace(links))
}

/// Replaces the `owner` records linked to a target record (see
/// [`LinkStore::set_linked_owners`]), inside the caller's transaction.
fn set_linked_owners_in(
    conn: &Connection,
    target: &EntityDef,
    target_id: i64,
    owner: &EntityDef,
    wanted: &[LinkChange],
) -> Result<(), StoreError> {
    require(conn, target, &[target_id])?;
    let ids: Vec<i64> = wanted.iter().map(|l| l.id).collect();
    require(conn, owner, &ids)?;
    for o in owners(conn, target, target_id, owner)? {
        if !ids.contains(&o.id) {
            let (list, _) = remove(&load(conn, owner, o.id, target)?, target_id);
            save(conn, owner, o.id, target, &list)?;
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
        let list = upsert(&load(conn, owner, w.id, target)?, change);
        save(conn, owner, w.id, target, &list)?;
    }
    Ok(())
}

/// Replaces one link list of record `id` of `entity` as part of a record
/// write, inside the caller's transaction: in the canonical direction as
/// [`set_links_in`], the other way (a company's contacts) as
/// [`set_linked_owners_in`]. A target without links to `entity` is refused.
pub(crate) fn write_list(
    conn: &Connection,
    entity: &EntityDef,
    id: i64,
    list: &LinkListWrite,
) -> Result<(), StoreError> {
    let target = by_code(list.target);
    match target.and_then(|t| reversed(entity, t).map(|r| (t, r))) {
        Some((target, false)) => set_links_in(conn, entity, id, target, &list.links),
        Some((target, true)) => set_linked_owners_in(conn, entity, id, target, &list.links),
        None => Err(StoreError::Other(format!(
            "{} has no links to {}",
            entity.code, list.target
        ))),
    }
}

/// Records the `…UPDATE` of record `id` of `entity` when the write carries a stamp.
fn raise_update(
    conn: &Connection,
    entity: &EntityDef,
    id: i64,
    stamp: Option<&EventStamp>,
) -> Result<(), StoreError> {
    crate::events::raise(conn, entity, RecordChange::Update, id, stamp)
}

impl SqliteStore {
    /// Wakes the delivery worker after a committed link write that `raised` an event.
    fn after_link_write(&self, raised: bool) {
        if raised {
            self.wake_deliveries();
        }
    }
}

#[async_trait]
impl LinkStore for SqliteStore {
    async fn links(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError> {
        check_pair(owner, target)?;
        self.read(|conn| load(conn, owner, owner_id, target))
    }

    async fn linked_owners(
        &self,
        target: &'static EntityDef,
        target_id: i64,
        owner: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError> {
        check_pair(owner, target)?;
        self.read(|conn| owners(conn, target, target_id, owner))
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
        let event_raised = event.is_some();
        self.write(move |conn| {
            set_links_in(conn, owner, owner_id, target, &links)?;
            raise_update(conn, owner, owner_id, event.as_ref())
        })
        .await
        .inspect(|_| self.after_link_write(event_raised))
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
        let event_raised = event.is_some();
        self.write(move |conn| {
            set_linked_owners_in(conn, target, target_id, owner, &wanted)?;
            raise_update(conn, target, target_id, event.as_ref())
        })
        .await
        .inspect(|_| self.after_link_write(event_raised))
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
        let event_raised = event.is_some();
        self.write(move |conn| {
            require(conn, owner, &[owner_id])?;
            require(conn, target, &[change.id])?;
            let list = upsert(&load(conn, owner, owner_id, target)?, change);
            save(conn, owner, owner_id, target, &list)?;
            if let Some(event) = &event {
                let (entity, id) = event.named_end(owner, owner_id, target, change.id);
                raise_update(conn, entity, id, Some(&event.stamp))?;
            }
            Ok(())
        })
        .await
        .inspect(|_| self.after_link_write(event_raised))
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
        let event_raised = event.is_some();
        self.write(move |conn| {
            let (list, removed) = remove(&load(conn, owner, owner_id, target)?, target_id);
            if removed {
                save(conn, owner, owner_id, target, &list)?;
                if let Some(event) = &event {
                    let (entity, id) = event.named_end(owner, owner_id, target, target_id);
                    raise_update(conn, entity, id, Some(&event.stamp))?;
                }
            }
            Ok(removed)
        })
        .await
        .inspect(|removed| self.after_link_write(event_raised && *removed))
    }
}
