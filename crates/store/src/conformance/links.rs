//! Links between CRM records: deal → contact lists with sort and one primary,
//! the mirror column (`CONTACT_ID`, `COMPANY_ID`), contact → company links read
//! from the company's side and replaced from it, refused writes (missing
//! records, non-canonical direction) that change nothing, and deletion of a
//! record taking its links in both directions. A record write carrying link
//! lists and id defaults commits them with the record, or nothing of it.

use crate::crm::{COMPANY, CONTACT, DEAL, LEAD};
use crate::entity::EntityDef;
use crate::error::StoreError;
use crate::links::{Link, LinkChange};
use crate::list::ListQuery;
use crate::records::{FieldValue, LinkListWrite, RecordWrite};
use crate::Store;

/// A new record of `entity` with one text field set.
async fn insert(store: &dyn Store, entity: &'static EntityDef, field: &str, text: &str) -> i64 {
    let pos = entity
        .index_of(field)
        .unwrap_or_else(|| panic!("{} has no field {field}", entity.code));
    match store
        .insert_record(
            entity,
            RecordWrite::values(vec![(pos, FieldValue::Text(text.to_owned()))]),
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

/// How many records of `entity` there are.
async fn count(store: &dyn Store, entity: &'static EntityDef) -> u64 {
    let query = ListQuery {
        conditions: vec![],
        order: vec![],
        offset: 0,
        limit: 1,
        count_total: true,
        with_multi: false,
        with_uf: false,
    };
    match store.list_records(entity, &query).await {
        Ok(page) => page.total.unwrap_or_default(),
        Err(e) => panic!("count {}: {e}", entity.code),
    }
}

/// A link list of a record write.
fn list(target: &'static EntityDef, ids: &[i64]) -> LinkListWrite {
    LinkListWrite {
        target: target.code,
        links: ids.iter().copied().map(LinkChange::to).collect(),
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
            None,
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
        .add_link(&DEAL, deal, &CONTACT, primary, None)
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
        .add_link(&DEAL, deal, &CONTACT, moved, None)
        .await
        .expect("move link");
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c1, 5, false), link(c2, 10, false), link(c3, 30, true)]
    );

    // Removing the primary link hands the flag to the first remaining one.
    assert!(store
        .remove_link(&DEAL, deal, &CONTACT, c3, None)
        .await
        .expect("remove"));
    assert!(!store
        .remove_link(&DEAL, deal, &CONTACT, c3, None)
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
            None,
        )
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    let bad = store
        .add_link(&DEAL, deal, &CONTACT, LinkChange::to(999_999), None)
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    let bad = store
        .set_links(&DEAL, 999_999, &CONTACT, vec![LinkChange::to(c1)], None)
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    assert_eq!(links(store, &DEAL, deal, &CONTACT).await, before);
    assert_eq!(links(store, &DEAL, 999_999, &CONTACT).await, vec![]);
    // Only canonical directions are stored.
    let bad = store
        .set_links(&COMPANY, k1, &CONTACT, vec![LinkChange::to(c1)], None)
        .await;
    assert!(matches!(bad, Err(StoreError::Other(_))), "{bad:?}");
    let bad = store.links(&DEAL, deal, &COMPANY).await;
    assert!(matches!(bad, Err(StoreError::Other(_))), "{bad:?}");

    // Contact → company links, read from the company's side by owner id.
    store
        .set_links(&CONTACT, c2, &COMPANY, vec![LinkChange::to(k1)], None)
        .await
        .expect("contact companies");
    store
        .add_link(&CONTACT, c1, &COMPANY, LinkChange::to(k1), None)
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
        .set_linked_owners(
            &COMPANY,
            k2,
            &CONTACT,
            vec![as_primary, LinkChange::to(c3)],
            None,
        )
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
        .set_linked_owners(&COMPANY, k2, &CONTACT, vec![LinkChange::to(c3)], None)
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
        .set_linked_owners(&COMPANY, k2, &CONTACT, vec![LinkChange::to(999_999)], None)
        .await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    assert_eq!(owners(store, &COMPANY, k2, &CONTACT).await, vec![c3]);

    // A lead's contacts mirror into the lead's CONTACT_ID.
    let lead = insert(store, &LEAD, "TITLE", "Linked lead").await;
    store
        .set_links(&LEAD, lead, &CONTACT, vec![LinkChange::to(c2)], None)
        .await
        .expect("lead contacts");
    assert_eq!(
        value(store, &LEAD, lead, "CONTACT_ID").await,
        FieldValue::Int(c2)
    );

    // Deleting a contact takes its links both ways and fixes the owners' primary.
    assert!(store
        .delete_record(&CONTACT, c1, None)
        .await
        .expect("delete c1"));
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
    assert!(store
        .delete_record(&COMPANY, k2, None)
        .await
        .expect("delete k2"));
    assert_eq!(links(store, &CONTACT, c3, &COMPANY).await, vec![]);
    assert_eq!(
        value(store, &CONTACT, c3, "COMPANY_ID").await,
        FieldValue::Null
    );
    // Deleting an owner takes its own links.
    assert!(store
        .delete_record(&DEAL, deal, None)
        .await
        .expect("delete deal"));
    assert_eq!(owners(store, &CONTACT, c2, &DEAL).await, Vec::<i64>::new());
    assert_eq!(owners(store, &CONTACT, c2, &LEAD).await, vec![lead]);
    assert!(store
        .delete_record(&LEAD, lead, None)
        .await
        .expect("delete lead"));
    assert_eq!(owners(store, &CONTACT, c2, &LEAD).await, Vec::<i64>::new());

    record_writes(store, c2, c3, k1).await;
}

/// Record writes carrying link lists and id defaults: all of it commits in the
/// record's transaction, or none of it (contacts `c2`, `c3` and company `k1`
/// exist; `c3` has no companies).
async fn record_writes(store: &dyn Store, c2: i64, c3: i64, k1: i64) {
    let title = DEAL.index_of("TITLE").expect("TITLE");
    let text = |s: &str| FieldValue::Text(s.to_owned());
    let id_default = || vec![(title, "Deal #".to_owned())];
    let c2_deals = owners(store, &CONTACT, c2, &DEAL).await;

    // An insert with links and an id default: the title, the links and the
    // mirror column are all there.
    let write = RecordWrite {
        links: vec![list(&CONTACT, &[c3, c2])],
        id_defaults: id_default(),
        ..RecordWrite::default()
    };
    let deal = store
        .insert_record(&DEAL, write)
        .await
        .expect("insert with links");
    assert_eq!(
        value(store, &DEAL, deal, "TITLE").await,
        text(&format!("Deal #{deal}"))
    );
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c3, 10, true), link(c2, 20, false)]
    );
    assert_eq!(
        value(store, &DEAL, deal, "CONTACT_ID").await,
        FieldValue::Int(c3)
    );
    // A blank value gets the id default too; a value given wins over it.
    let blank = store
        .insert_record(
            &DEAL,
            RecordWrite {
                values: vec![(title, text("  "))],
                id_defaults: id_default(),
                ..RecordWrite::default()
            },
        )
        .await
        .expect("blank title");
    assert_eq!(
        value(store, &DEAL, blank, "TITLE").await,
        text(&format!("Deal #{blank}"))
    );
    let named = store
        .insert_record(
            &DEAL,
            RecordWrite {
                values: vec![(title, text("Named"))],
                id_defaults: id_default(),
                ..RecordWrite::default()
            },
        )
        .await
        .expect("named deal");
    assert_eq!(value(store, &DEAL, named, "TITLE").await, text("Named"));

    // A company's contacts are written from its side (stored contact → company).
    let company_title = COMPANY.index_of("TITLE").expect("TITLE");
    let company = store
        .insert_record(
            &COMPANY,
            RecordWrite {
                values: vec![(company_title, text("Third Co"))],
                links: vec![list(&CONTACT, &[c3])],
                ..RecordWrite::default()
            },
        )
        .await
        .expect("company with contacts");
    assert_eq!(owners(store, &COMPANY, company, &CONTACT).await, vec![c3]);
    assert_eq!(
        links(store, &CONTACT, c3, &COMPANY).await,
        vec![link(company, 10, true)]
    );
    assert_eq!(
        value(store, &CONTACT, c3, "COMPANY_ID").await,
        FieldValue::Int(company)
    );

    // An update replaces the lists it names with its values.
    let write = RecordWrite {
        values: vec![(title, text("Renamed"))],
        links: vec![list(&CONTACT, &[c2])],
        ..RecordWrite::default()
    };
    assert!(store
        .update_record(&DEAL, deal, write)
        .await
        .expect("update with links"));
    assert_eq!(value(store, &DEAL, deal, "TITLE").await, text("Renamed"));
    assert_eq!(
        links(store, &DEAL, deal, &CONTACT).await,
        vec![link(c2, 10, true)]
    );
    assert_eq!(
        value(store, &DEAL, deal, "CONTACT_ID").await,
        FieldValue::Int(c2)
    );
    let write = RecordWrite {
        links: vec![list(&CONTACT, &[c2])],
        ..RecordWrite::default()
    };
    assert!(!store
        .update_record(&DEAL, 999_999, write)
        .await
        .expect("update of a missing deal"));
    assert_eq!(links(store, &DEAL, 999_999, &CONTACT).await, vec![]);

    // Failing writes leave neither the record nor any link: a target the
    // entity has no links to, a missing target.
    let deals = count(store, &DEAL).await;
    let c2_deals_now = owners(store, &CONTACT, c2, &DEAL).await;
    let c3_deals_now = owners(store, &CONTACT, c3, &DEAL).await;
    for (lists, refused) in [
        (vec![list(&CONTACT, &[c3]), list(&COMPANY, &[k1])], "other"),
        (vec![list(&CONTACT, &[c2, c3, 999_999])], "not found"),
    ] {
        let write = RecordWrite {
            values: vec![(title, text("Never"))],
            links: lists.clone(),
            id_defaults: id_default(),
            ..RecordWrite::default()
        };
        let bad = store.insert_record(&DEAL, write).await;
        match refused {
            "other" => assert!(matches!(bad, Err(StoreError::Other(_))), "{bad:?}"),
            _ => assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}"),
        }
        assert_eq!(count(store, &DEAL).await, deals, "no record left behind");
        assert_eq!(owners(store, &CONTACT, c2, &DEAL).await, c2_deals_now);
        assert_eq!(owners(store, &CONTACT, c3, &DEAL).await, c3_deals_now);
        // The same failure in an update changes neither values nor links.
        let write = RecordWrite {
            values: vec![(title, text("Never"))],
            links: lists,
            ..RecordWrite::default()
        };
        let bad = store.update_record(&DEAL, deal, write).await;
        assert!(bad.is_err(), "{bad:?}");
        assert_eq!(value(store, &DEAL, deal, "TITLE").await, text("Renamed"));
        assert_eq!(
            links(store, &DEAL, deal, &CONTACT).await,
            vec![link(c2, 10, true)]
        );
        assert_eq!(
            value(store, &DEAL, deal, "CONTACT_ID").await,
            FieldValue::Int(c2)
        );
    }
    // From the reverse side as well: a company write naming a missing contact.
    let write = RecordWrite {
        values: vec![(company_title, text("Never Co"))],
        links: vec![list(&CONTACT, &[c2, 999_999])],
        ..RecordWrite::default()
    };
    let companies = count(store, &COMPANY).await;
    let bad = store.insert_record(&COMPANY, write).await;
    assert!(matches!(bad, Err(StoreError::NotFound)), "{bad:?}");
    assert_eq!(count(store, &COMPANY).await, companies);
    assert_eq!(
        links(store, &CONTACT, c2, &COMPANY).await,
        vec![link(k1, 10, true)]
    );

    for (entity, id) in [(&DEAL, deal), (&DEAL, blank), (&DEAL, named)] {
        assert!(store
            .delete_record(entity, id, None)
            .await
            .expect("delete deal"));
    }
    assert!(store
        .delete_record(&COMPANY, company, None)
        .await
        .expect("delete company"));
    assert_eq!(owners(store, &CONTACT, c2, &DEAL).await, c2_deals);
}
