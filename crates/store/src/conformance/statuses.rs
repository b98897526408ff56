//! CRM directories: the seeded defaults (exactly [`DEFAULT_STATUSES`], in id
//! order), lookups by id and by `(ENTITY_ID, STATUS_ID)`, ordering by `SORT`
//! then id, inserts with the duplicate conflict, partial updates, deletion.

use crate::error::StoreError;
use crate::statuses::{
    NewStatus, Semantics, Status, StatusChange, DEFAULT_STATUSES, STATUS_CONFLICT,
};
use crate::Store;

/// The seeded item a [`DEFAULT_STATUSES`] row becomes (its id aside).
fn seeded(row: &crate::statuses::DefaultStatus, id: i64) -> Status {
    let (entity_id, status_id, name, sort, color, semantics) = *row;
    Status {
        id,
        entity_id: entity_id.to_owned(),
        status_id: status_id.to_owned(),
        name: name.to_owned(),
        name_init: Some(name.to_owned()),
        sort,
        system: true,
        category_id: None,
        color: color.map(str::to_owned),
        semantics,
    }
}

/// A custom item of `entity_id`.
fn custom(entity_id: &str, status_id: &str, sort: i64) -> NewStatus {
    NewStatus {
        entity_id: entity_id.to_owned(),
        status_id: status_id.to_owned(),
        name: format!("{status_id} name"),
        name_init: None,
        sort,
        system: false,
        category_id: None,
        color: Some("#AABBCC".to_owned()),
        semantics: None,
    }
}

/// The item `new` becomes once stored with `id`.
fn stored(id: i64, new: &NewStatus) -> Status {
    Status {
        id,
        entity_id: new.entity_id.clone(),
        status_id: new.status_id.clone(),
        name: new.name.clone(),
        name_init: new.name_init.clone(),
        sort: new.sort,
        system: new.system,
        category_id: new.category_id,
        color: new.color.clone(),
        semantics: new.semantics,
    }
}

/// Reads an item that must exist.
async fn get(store: &dyn Store, id: i64) -> Status {
    match store.status_by_id(id).await {
        Ok(Some(s)) => s,
        other => panic!("status {id}: expected an item, got {other:?}"),
    }
}

/// `STATUS_ID`s of a directory, in list order.
async fn codes(store: &dyn Store, entity_id: &str) -> Vec<String> {
    store
        .list_statuses(Some(entity_id))
        .await
        .expect("list")
        .into_iter()
        .map(|s| s.status_id)
        .collect()
}

/// The statuses story.
pub(super) async fn story(store: &dyn Store) {
    // The seed: every default, in id order, nothing else.
    let mut all = store.list_statuses(None).await.expect("list all");
    all.sort_by_key(|s| s.id);
    assert_eq!(all.len(), DEFAULT_STATUSES.len(), "seeded item count");
    for (row, item) in DEFAULT_STATUSES.iter().zip(&all) {
        assert_eq!(*item, seeded(row, item.id), "seeded {} {}", row.0, row.1);
    }
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "distinct ids");

    // One directory, ordered by SORT.
    let lead_stages = store.list_statuses(Some("STATUS")).await.expect("STATUS");
    assert_eq!(
        lead_stages
            .iter()
            .map(|s| (s.status_id.as_str(), s.sort, s.semantics))
            .collect::<Vec<_>>(),
        [
            ("NEW", 10, None),
            ("IN_PROCESS", 20, None),
            ("PROCESSED", 30, None),
            ("CONVERTED", 40, Some(Semantics::Success)),
            ("JUNK", 50, Some(Semantics::Failure)),
        ]
    );
    assert_eq!(
        store.list_statuses(Some("NO_SUCH")).await.expect("unknown"),
        vec![]
    );

    // Lookups.
    let converted = store
        .find_status("STATUS", "CONVERTED")
        .await
        .expect("find")
        .expect("CONVERTED exists");
    assert_eq!(converted, lead_stages[3]);
    assert_eq!(get(store, converted.id).await, converted);
    assert_eq!(
        store
            .find_status("STATUS", "converted")
            .await
            .expect("case"),
        None,
        "STATUS_ID is matched exactly"
    );
    assert_eq!(
        store.find_status("SOURCE", "NEW").await.expect("other dir"),
        None
    );
    assert_eq!(store.status_by_id(999_999).await.expect("missing"), None);

    // Inserts: ordered by SORT, ties by id.
    let mut dup = custom("STATUS", "DUPLICATE", 55);
    dup.semantics = Some(Semantics::Failure);
    let dup_id = store.insert_status(dup.clone()).await.expect("insert");
    let early = custom("STATUS", "CALLED", 20);
    let early_id = store.insert_status(early.clone()).await.expect("insert 2");
    assert!(early_id > dup_id);
    assert_eq!(get(store, dup_id).await, stored(dup_id, &dup));
    assert_eq!(get(store, early_id).await, stored(early_id, &early));
    assert_eq!(
        codes(store, "STATUS").await,
        [
            "NEW",
            "IN_PROCESS",
            "CALLED",
            "PROCESSED",
            "CONVERTED",
            "JUNK",
            "DUPLICATE"
        ]
    );

    match store.insert_status(custom("STATUS", "DUPLICATE", 99)).await {
        Err(StoreError::Conflict(name)) => assert_eq!(name, STATUS_CONFLICT),
        r => panic!("duplicate STATUS_ID: expected Conflict({STATUS_CONFLICT}), got {r:?}"),
    }
    match store.insert_status(custom("SOURCE", "CALL", 1)).await {
        Err(StoreError::Conflict(name)) => assert_eq!(name, STATUS_CONFLICT),
        r => panic!("duplicate of a seeded item: got {r:?}"),
    }
    let elsewhere = store
        .insert_status(custom("SOURCE", "DUPLICATE", 5))
        .await
        .expect("same STATUS_ID in another directory");
    assert_eq!(codes(store, "SOURCE").await[0], "DUPLICATE");

    // Updates change only what is given.
    assert!(store
        .update_status(
            dup_id,
            StatusChange {
                name: Some("Duplicate lead".to_owned()),
                sort: Some(5),
                color: None,
            },
        )
        .await
        .expect("update"));
    let mut want = stored(dup_id, &dup);
    want.name = "Duplicate lead".to_owned();
    want.sort = 5;
    assert_eq!(get(store, dup_id).await, want);
    assert_eq!(codes(store, "STATUS").await[0], "DUPLICATE");
    assert!(store
        .update_status(
            dup_id,
            StatusChange {
                color: Some(None),
                ..StatusChange::default()
            },
        )
        .await
        .expect("clear colour"));
    want.color = None;
    assert_eq!(get(store, dup_id).await, want);
    assert!(store
        .update_status(dup_id, StatusChange::default())
        .await
        .expect("empty change of an existing item"));
    assert_eq!(get(store, dup_id).await, want);
    assert!(!store
        .update_status(999_999, StatusChange::default())
        .await
        .expect("update missing"));
    let mut seeded_change = converted.clone();
    seeded_change.name = "Qualified".to_owned();
    assert!(store
        .update_status(
            converted.id,
            StatusChange {
                name: Some("Qualified".to_owned()),
                ..StatusChange::default()
            },
        )
        .await
        .expect("rename a system item"));
    assert_eq!(
        get(store, converted.id).await,
        seeded_change,
        "NAME_INIT keeps the original name"
    );

    // Deletion.
    assert!(store.delete_status(dup_id).await.expect("delete"));
    assert!(!store.delete_status(dup_id).await.expect("delete again"));
    assert_eq!(store.status_by_id(dup_id).await.expect("deleted"), None);
    assert_eq!(
        store
            .find_status("STATUS", "DUPLICATE")
            .await
            .expect("gone"),
        None
    );
    assert!(store.delete_status(elsewhere).await.expect("delete other"));
    let after = store.list_statuses(None).await.expect("list all after");
    assert_eq!(after.len(), DEFAULT_STATUSES.len() + 1);
    assert!(
        after
            .windows(2)
            .all(|w| (w[0].sort, w[0].id) < (w[1].sort, w[1].id)),
        "all items ordered by SORT, then id"
    );
}
