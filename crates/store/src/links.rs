//! Links between CRM records: a deal's contacts, a lead's contacts, a contact's
//! companies. Each pair of records is stored once, in the canonical direction of
//! [`LINK_PAIRS`] (owner → target), with a sort index and a primary flag, and is
//! read both ways: a company's contacts are the contacts linked to it.
//!
//! Rules every backend keeps, in the transaction of each write:
//! - an owner's links to one target entity are ordered by `(sort, id)`;
//! - exactly one of them is primary when there is any;
//! - the owner's mirror column ([`EntityDef::primary_link_field`]: deal and lead
//!   `CONTACT_ID`, contact `COMPANY_ID`) holds the primary link's id, or NULL;
//! - links name existing records only: a write naming a missing owner or target
//!   fails with [`StoreError::NotFound`] and changes nothing, and deleting a
//!   record deletes its links in both directions.
//!
//! The list arithmetic ([`replace`], [`upsert`], [`remove`]) is written here once
//! so every backend applies the same rules.

use async_trait::async_trait;

use crate::crm::{COMPANY, CONTACT, DEAL, LEAD};
use crate::entity::EntityDef;
use crate::error::StoreError;
use crate::events::EventStamp;

/// The canonical directions (owner, target); a pair is stored only this way.
pub static LINK_PAIRS: &[(&EntityDef, &EntityDef)] =
    &[(&DEAL, &CONTACT), (&LEAD, &CONTACT), (&CONTACT, &COMPANY)];

/// Whether `(owner, target)` is a canonical direction.
pub fn is_pair(owner: &EntityDef, target: &EntityDef) -> bool {
    LINK_PAIRS
        .iter()
        .any(|(o, t)| o.code == owner.code && t.code == target.code)
}

/// Refuses a pair that is not a canonical direction (what every backend's
/// [`LinkStore`] answers for one).
pub fn check_pair(owner: &EntityDef, target: &EntityDef) -> Result<(), StoreError> {
    if is_pair(owner, target) {
        Ok(())
    } else {
        Err(StoreError::Other(format!(
            "{} -> {} is not a link direction",
            owner.code, target.code
        )))
    }
}

/// How links between `from` and `to` are stored: `Some(false)` when `from` is
/// the owner (deal → contact), `Some(true)` when they are stored the other way
/// (company → contact reads contact → company links), `None` for no links.
pub fn reversed(from: &EntityDef, to: &EntityDef) -> Option<bool> {
    if is_pair(from, to) {
        Some(false)
    } else if is_pair(to, from) {
        Some(true)
    } else {
        None
    }
}

/// Step between the sort indexes given by default (10, 20, 30, …), as Bitrix24.
pub const SORT_STEP: i64 = 10;

/// One link as seen from one end: the record at the other end, its sort index
/// and whether it is the owner's primary link to that entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// Id of the record at the other end.
    pub id: i64,
    /// Sort index among the owner's links (ascending).
    pub sort: i64,
    /// The owner's primary link to the target entity.
    pub is_primary: bool,
}

/// A link to write: the record at the other end, and optionally its sort index
/// and primary flag (absent: defaults, or unchanged for an existing link).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkChange {
    /// Id of the record at the other end.
    pub id: i64,
    /// Sort index; absent: after the owner's last link (position-based in a list).
    pub sort: Option<i64>,
    /// `Some(true)` makes it the primary link; `Some(false)` hands the primary
    /// flag to another link when there is one.
    pub is_primary: Option<bool>,
}

impl LinkChange {
    /// A link to `id` with default sort and primary flag.
    pub fn to(id: i64) -> Self {
        LinkChange {
            id,
            sort: None,
            is_primary: None,
        }
    }
}

/// Which end of a link a link write names as changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkEnd {
    /// The owner record (a deal, when a contact is added to it).
    Owner,
    /// The target record (a company, when a contact is added to it from the
    /// company's side).
    Target,
}

/// Asks [`LinkStore::add_link`] or [`LinkStore::remove_link`] to record the
/// `…UPDATE` event of the record at one end, in the write's own transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkEvent {
    /// When and by whom.
    pub stamp: EventStamp,
    /// The record whose `…UPDATE` is raised.
    pub end: LinkEnd,
}

impl LinkEvent {
    /// The record this event names, of a link between `(owner, owner_id)` and
    /// `(target, target_id)`.
    pub fn named_end(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        target_id: i64,
    ) -> (&'static EntityDef, i64) {
        match self.end {
            LinkEnd::Owner => (owner, owner_id),
            LinkEnd::Target => (target, target_id),
        }
    }
}

/// Storage of links. `owner` and `target` must be a canonical pair of
/// [`LINK_PAIRS`] (anything else fails with [`StoreError::Other`]).
///
/// A write given a stamp records, in its own transaction, one `…UPDATE` event
/// (`data` `{"FIELDS": {"ID": id}}`) of the one record whose list of links it
/// changes: a write changing only links changes that record as Bitrix24 sees
/// it. A write that fails, or a removal that finds no link, records nothing.
#[async_trait]
pub trait LinkStore: Send + Sync {
    /// The owner's links to records of `target`, ordered by `(sort, id)`.
    async fn links(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError>;

    /// The reverse lookup: records of `owner` linked to this target record,
    /// ordered by owner id. `Link::id` is the owner's id; sort and primary flag
    /// are the stored ones (the owner's view).
    async fn linked_owners(
        &self,
        target: &'static EntityDef,
        target_id: i64,
        owner: &'static EntityDef,
    ) -> Result<Vec<Link>, StoreError>;

    /// Replaces all the owner's links to `target` with `links` in one
    /// transaction (see [`replace`] for defaults and duplicates); with a
    /// stamp, raises the owner's `…UPDATE`.
    async fn set_links(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        links: Vec<LinkChange>,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError>;

    /// Replaces, from the target's side, the set of `owner` records linked to
    /// this target record in one transaction: owners not listed lose their link
    /// to it; listed owners get it (or have it changed) as [`upsert`] says, each
    /// in its own list of links. `LinkChange::id` is an owner id. With a
    /// stamp, raises the target record's `…UPDATE`.
    async fn set_linked_owners(
        &self,
        target: &'static EntityDef,
        target_id: i64,
        owner: &'static EntityDef,
        owners: Vec<LinkChange>,
        event: Option<EventStamp>,
    ) -> Result<(), StoreError>;

    /// Adds one link, or changes it when it exists (see [`upsert`]); with an
    /// event, raises `…UPDATE` of the end it names.
    async fn add_link(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        link: LinkChange,
        event: Option<LinkEvent>,
    ) -> Result<(), StoreError>;

    /// Removes one link; `false` when there was none. The primary flag passes
    /// to the first remaining link. With an event and a link removed, raises
    /// `…UPDATE` of the end it names.
    async fn remove_link(
        &self,
        owner: &'static EntityDef,
        owner_id: i64,
        target: &'static EntityDef,
        target_id: i64,
        event: Option<LinkEvent>,
    ) -> Result<bool, StoreError>;
}

/// Orders a list by `(sort, id)` and leaves exactly one primary link: `prefer`
/// when it is in the list, else the first already flagged, else the first.
fn finish(mut links: Vec<Link>, prefer: Option<i64>) -> Vec<Link> {
    links.sort_by_key(|l| (l.sort, l.id));
    let primary = prefer
        .filter(|p| links.iter().any(|l| l.id == *p))
        .or_else(|| links.iter().find(|l| l.is_primary).map(|l| l.id))
        .or_else(|| links.first().map(|l| l.id));
    for l in &mut links {
        l.is_primary = Some(l.id) == primary;
    }
    links
}

/// A whole new list from `changes`: a repeated id keeps its first occurrence; a
/// missing sort is `10 × position` (10, 20, …); the primary link is the first
/// flagged `Some(true)`, else the first of the list.
pub fn replace(changes: &[LinkChange]) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::with_capacity(changes.len());
    let mut prefer = None;
    for (i, c) in changes.iter().enumerate() {
        if out.iter().any(|l| l.id == c.id) {
            continue;
        }
        if prefer.is_none() && c.is_primary == Some(true) {
            prefer = Some(c.id);
        }
        let position = i64::try_from(i + 1).unwrap_or(i64::MAX);
        out.push(Link {
            id: c.id,
            sort: c.sort.unwrap_or(position.saturating_mul(SORT_STEP)),
            is_primary: false,
        });
    }
    let first = changes.first().map(|c| c.id);
    finish(out, prefer.or(first))
}

/// `current` with one link added or changed. A new link without a sort goes
/// after the last one (highest sort + 10); an existing one keeps what the change
/// leaves absent. `Some(true)` makes it primary; `Some(false)` gives the primary
/// flag to the first other link, if any; a first link is always primary.
pub fn upsert(current: &[Link], change: LinkChange) -> Vec<Link> {
    let mut links = current.to_vec();
    let next_sort = links.iter().map(|l| l.sort).max().unwrap_or(0) + SORT_STEP;
    match links.iter_mut().find(|l| l.id == change.id) {
        Some(l) => {
            if let Some(sort) = change.sort {
                l.sort = sort;
            }
        }
        None => links.push(Link {
            id: change.id,
            sort: change.sort.unwrap_or(next_sort),
            is_primary: false,
        }),
    }
    let prefer = match change.is_primary {
        Some(true) => Some(change.id),
        Some(false) => {
            let was_primary = links.iter().any(|l| l.id == change.id && l.is_primary);
            let mut others: Vec<&Link> = links.iter().filter(|l| l.id != change.id).collect();
            others.sort_by_key(|l| (l.sort, l.id));
            let keep = others.iter().find(|l| l.is_primary).map(|l| l.id);
            if was_primary || keep.is_none() {
                others.first().map(|l| l.id).or(Some(change.id))
            } else {
                keep
            }
        }
        None => None,
    };
    finish(links, prefer)
}

/// `current` without the link to `id`, and whether it was there.
pub fn remove(current: &[Link], id: i64) -> (Vec<Link>, bool) {
    let links: Vec<Link> = current.iter().copied().filter(|l| l.id != id).collect();
    let removed = links.len() != current.len();
    (finish(links, None), removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(id: i64, sort: i64, is_primary: bool) -> Link {
        Link {
            id,
            sort,
            is_primary,
        }
    }

    #[test]
    fn replace_fills_sorts_dedups_and_picks_one_primary() {
        assert_eq!(replace(&[]), vec![]);
        let got = replace(&[LinkChange::to(5), LinkChange::to(3), LinkChange::to(5)]);
        assert_eq!(got, vec![link(5, 10, true), link(3, 20, false)]);
        let got = replace(&[
            LinkChange::to(5),
            LinkChange {
                id: 3,
                sort: Some(1),
                is_primary: Some(true),
            },
            LinkChange {
                id: 4,
                sort: None,
                is_primary: Some(true),
            },
        ]);
        assert_eq!(
            got,
            vec![link(3, 1, true), link(5, 10, false), link(4, 30, false)]
        );
    }

    #[test]
    fn upsert_appends_moves_and_hands_over_the_primary_flag() {
        let first = upsert(&[], LinkChange::to(7));
        assert_eq!(first, vec![link(7, 10, true)]);
        let two = upsert(&first, LinkChange::to(8));
        assert_eq!(two, vec![link(7, 10, true), link(8, 20, false)]);
        let primary = upsert(
            &two,
            LinkChange {
                id: 8,
                sort: Some(5),
                is_primary: Some(true),
            },
        );
        assert_eq!(primary, vec![link(8, 5, true), link(7, 10, false)]);
        let handed = upsert(
            &primary,
            LinkChange {
                id: 8,
                sort: None,
                is_primary: Some(false),
            },
        );
        assert_eq!(handed, vec![link(8, 5, false), link(7, 10, true)]);
        let alone = upsert(
            &[link(7, 10, true)],
            LinkChange {
                id: 7,
                sort: None,
                is_primary: Some(false),
            },
        );
        assert_eq!(
            alone,
            vec![link(7, 10, true)],
            "a single link stays primary"
        );
    }

    #[test]
    fn remove_passes_the_primary_flag_on() {
        let list = vec![link(1, 10, true), link(2, 20, false), link(3, 30, false)];
        assert_eq!(
            remove(&list, 1),
            (vec![link(2, 20, true), link(3, 30, false)], true)
        );
        assert_eq!(remove(&list, 9), (list.clone(), false));
    }

    #[test]
    fn pairs_are_directed() {
        assert!(is_pair(&DEAL, &CONTACT));
        assert!(is_pair(&CONTACT, &COMPANY));
        assert!(!is_pair(&COMPANY, &CONTACT));
        assert!(!is_pair(&DEAL, &COMPANY));
        assert_eq!(reversed(&COMPANY, &CONTACT), Some(true));
        assert_eq!(reversed(&LEAD, &CONTACT), Some(false));
        assert_eq!(reversed(&DEAL, &COMPANY), None);
    }
}
