//! Links between CRM records: deal → contact lists with sort and one primary,
//! the mirror column (`CONTACT_ID`, `COMPANY_ID`), contact → company links read
//! from the company's side and replaced from it, refused writes (missing
//! records, non-canonical direction) that change nothing, and deletion of a
//! record taking its links in both directions.

use crate::crm::{COMPANY, CONTACT, DEAL, LEAD};
use crate::entity::EntityDef;
use crate::error::StoreError;
use crate::links::{Link, LinkChange};
use crate::records::FieldValue;
use crate::Store;

/// A new record of `entity` with one text field set.
async fn insert(store: &dyn Store, entity: &'static EntityDef, field: &str, text: &str) -> i64 {
    let pos = entity
        .index_of(field)
        .unwrap_or_else(|| panic!("{} has no field {field}", entity.code));
    match store
        .insert_record(
            entity,
            vec![(pos, FieldValue::Text(text.to_owned()))],
            vec![],
            vec![],
        )
        .await
    {
        Ok(id) => id,
        Err(e) => panic!("insert {}: {e}", entity.code),
    }
}

/// The value of a field of a record that must exist.
async fn value(store: &dyn Store, entity: &'static EntityDef, id: i64, field: &str) -> FieldValue {
    let pos = entity.index_of(field).expect("field");
    match store.get_record(entity, id).await {
        Ok(Some(r)) => r.values[pos].clone(),
        other => panic!("{} {id}: expected a record, got {other:?}", entity.code),
    }
}

/// A link as read.
fn link(id: i64, sort: i64, is_primary: bool) -> Link {
    Link {
        id,
        sort,
        is_primary,
    }
}

/// An owner's links, which must be readable.
async fn links(
    store: &dyn Store,
    owner: &'static EntityDef,
    id: i64,
    target: &'static EntityDef,
) -> Vec<Link> {
    match store.links(owner, id, target).await {
        Ok(l) => l,
        Err(e) => panic!("links of {} {id}: {e}", owner.code),
    }
}

/// The ids of the owners linked to a target record.
async fn owners(
    store: &dyn Store,
    target: &'static EntityDef,
    id: i64,
    owner: &'static EntityDef,
) -> Vec<i64> {
    match store.linked_owners(target, id, owner).await {
        Ok(l) => l.into_iter().map(|l| l.id).collect(),
        Err(e) => panic!("owners of {} {id}: {e}", target.code),
    }
}

/// The links story.
pub(super) async fn story(store: &dyn Store) {
    let deal = insert(store, &DEAL, "TITLE", "Linked deal").await;
    let c1 = insert(store, &CONTACT, "NAME", "One").await;
    let c2 = insert(store, &CONTACT, "NAME", "Two").await;
    let c3 = insert(store, &CONTACT, "NAME", "Three").await;
    let k1 = insert(store, &COMPANY, "TITLE", "First Co").await;
    let k2 = insert(store, &COMPANY, "TITLE", "Second Co").await;

    // A deal's contacts: default sorts 10, 20; the first is primary and mirrored.
    assert_eq!(links(store, &DEAL, deal, &CONTACT).await, vec![]);
    store
        .set_links(
            &DEAL,
            deal,
            &CONTACT,
            vec![LinkChange::to(c2), LinkChange::to(c1)],
        )
        .await
        .expect("set deal contacts");
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c2, 10, true), link(c1, 20, false)]
    );
    assert_eq!(
        value(store, &DEAL, deal, "CONTACT_ID").await,
        FieldValue::Int(c2)
    );

    // Adding a primary link appends it and moves the flag and the mirror.
    let primary = LinkChange {
        id: c3,
        sort: None,
        is_primary: Some(true),
    };
    store
        .add_link(&DEAL, deal, &CONTACT, primary)
        .await
        .expect("add link");
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c2, 10, false), link(c1, 20, false), link(c3, 30, true)]
    );
    assert_eq!(
        value(store, &DEAL, deal, "CONTACT_ID").await,
        FieldValue::Int(c3)
    );
    // Changing an existing link's sort keeps its flag.
    let moved = LinkChange {
        id: c1,
        sort: Some(5),
        is_primary: None,
    };
    store
        .add_link(&DEAL, deal, &CONTACT, moved)
        .await
        .expect("move link");
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c1, 5, false), link(c2, 10, false), link(c3, 30, true)]
    );

    // Removing the primary link hands the flag to the first remaining one.
    assert!(store
        .remove_link(&DEAL, deal, &CONTACT, c3)
        .await
        .expect("remove"));
    assert!(!store
        .remove_link(&DEAL, deal, &CONTACT, c3)
        .await
        .expect("remove again"));
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c1, 5, true), link(c2, 10, false)]
    );
    assert_eq!(
        value(store, &DEAL, deal, "CONTACT_ID").await,
        FieldValue::Int(c1)
    );

    // Writes naming a missing record fail and change nothing.
    let before = links(store, &DEAL, deal, &CONTACT).await;
    let bad = store
        .set_links(
            &DEAL,
            deal,
            &CONTACT,
            vec![LinkChange::to(c3), LinkChange::to(999_999)],
        )
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    let bad = store
        .add_link(&DEAL, deal, &CONTACT, LinkChange::to(999_999))
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    let bad = store
        .set_links(&DEAL, 999_999, &CONTACT, vec![LinkChange::to(c1)])
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    assert_eq!(links(store, &DEAL, deal, &CONTACT).await, before);
    assert_eq!(links(store, &DEAL, 999_999, &CONTACT).await, vec![]);
    // Only canonical directions are stored.
    let bad = store
        .set_links(&COMPANY, k1, &CONTACT, vec![LinkChange::to(c1)])
        .await;
    assert!(matches!(bad, Err(StoreError::Other(_))), "{bad:?}");
    let bad = store.links(&DEAL, deal, &COMPANY).await;
    assert!(matches!(bad, Err(StoreError::Other(_))), "{bad:?}");

    // Contact → company links, read from the company's side by owner id.
    store
        .set_links(&CONTACT, c2, &COMPANY, vec![LinkChange::to(k1)])
        .await
        .expect("contact companies");
    store
        .add_link(&CONTACT, c1, &COMPANY, LinkChange::to(k1))
        .await
        .expect("second contact");
    assert_eq!(owners(store, &COMPANY, k1, &CONTACT).await, vec![c1, c2]);
    assert_eq!(
        value(store, &CONTACT, c1, "COMPANY_ID").await,
        FieldValue::Int(k1)
    );
    assert_eq!(
        owners(store, &COMPANY, k2, &CONTACT).await,
        Vec::<i64>::new()
    );

    // Replacing a company's contacts from its side: each contact's own list
    // gains or loses that company.
    let as_primary = LinkChange {
        id: c1,
        sort: None,
        is_primary: Some(true),
    };
    store
        .set_linked_owners(&COMPANY, k2, &CONTACT, vec![as_primary, LinkChange::to(c3)])
        .await
        .expect("company contacts");
    assert_eq!(owners(store, &COMPANY, k2, &CONTACT).await, vec![c1, c3]);
    assert_eq!(
        links(store, &CONTACT, c1, &COMPANY).await,
        vec![link(k1, 10, false), link(k2, 20, true)]
    );
    assert_eq!(
        value(store, &CONTACT, c1, "COMPANY_ID").await,
        FieldValue::Int(k2)
    );
    assert_eq!(
        links(store, &CONTACT, c3, &COMPANY).await,
        vec![link(k2, 10, true)]
    );
    store
        .set_linked_owners(&COMPANY, k2, &CONTACT, vec![LinkChange::to(c3)])
        .await
        .expect("drop a contact");
    assert_eq!(
        links(store, &CONTACT, c1, &COMPANY).await,
        vec![link(k1, 10, true)]
    );
    assert_eq!(
        value(store, &CONTACT, c1, "COMPANY_ID").await,
        FieldValue::Int(k1)
    );
    let bad = store
        .set_linked_owners(&COMPANY, k2, &CONTACT, vec![LinkChange::to(999_999)])
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    assert_eq!(owners(store, &COMPANY, k2, &CONTACT).await, vec![c3]);

    // A lead's contacts mirror into the lead's CONTACT_ID.
    let lead = insert(store, &LEAD, "TITLE", "Linked lead").await;
    store
        .set_links(&LEAD, lead, &CONTACT, vec![LinkChange::to(c2)])
        .await
        .expect("lead contacts");
    assert_eq!(
        value(store, &LEAD, lead, "CONTACT_ID").await,
        FieldValue::Int(c2)
    );

    // Deleting a contact takes its links both ways and fixes the owners' primary.
    assert!(store.delete_record(&CONTACT, c1).await.expect("delete c1"));
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c2, 10, true)]
    );
    assert_eq!(
        value(store, &DEAL, deal, "CONTACT_ID").await,
        FieldValue::Int(c2)
    );
    assert_eq!(owners(store, &COMPANY, k1, &CONTACT).await, vec![c2]);
    assert_eq!(links(store, &CONTACT, c1, &COMPANY).await, vec![]);
    // Deleting a company empties its contacts' lists and mirror columns.
    assert!(store.delete_record(&COMPANY, k2).await.expect("delete k2"));
    assert_eq!(links(store, &CONTACT, c3, &COMPANY).await, vec![]);
    assert_eq!(
        value(store, &CONTACT, c3, "COMPANY_ID").await,
        FieldValue::Null
    );
    // Deleting an owner takes its own links.
    assert!(store.delete_record(&DEAL, deal).await.expect("delete deal"));
    assert_eq!(owners(store, &CONTACT, c2, &DEAL).await, Vec::<i64>::new());
    assert_eq!(owners(store, &CONTACT, c2, &LEAD).await, vec![lead]);
    assert!(store.delete_record(&LEAD, lead).await.expect("delete lead"));
    assert_eq!(owners(store, &CONTACT, c2, &LEAD).await, Vec::<i64>::new());
}
