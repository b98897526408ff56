//! Records on LEAD: insert with values and multi-fields, read back, the `HAS_*`
//! flags, updates with multi-field add/update/delete (only of the record's own
//! entries), refused positions, deletion.

use crate::crm::LEAD;
use crate::entity::MultiType;
use crate::error::StoreError;
use crate::records::{FieldValue, MultiFieldChange, MultiFieldValue, Record, RecordWrite};
use crate::Store;

/// Position of a LEAD field.
pub(super) fn pos(name: &str) -> usize {
    match LEAD.index_of(name) {
        Some(p) => p,
        None => panic!("LEAD has no field {name}"),
    }
}

/// A text value.
pub(super) fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_owned())
}

/// An `Add` change.
pub(super) fn add(kind: MultiType, value_type: &str, value: &str) -> MultiFieldChange {
    MultiFieldChange::Add {
        kind,
        value_type: value_type.to_owned(),
        value: value.to_owned(),
    }
}

/// Reads a lead that must exist.
async fn get(store: &dyn Store, id: i64) -> Record {
    match store.get_record(&LEAD, id).await {
        Ok(Some(r)) => r,
        other => panic!("lead {id}: expected a record, got {other:?}"),
    }
}

/// The `HAS_PHONE`, `HAS_EMAIL`, `HAS_IMOL` values of a record.
fn flags(r: &Record) -> [FieldValue; 3] {
    ["HAS_PHONE", "HAS_EMAIL", "HAS_IMOL"].map(|n| r.values[pos(n)].clone())
}

/// `Y`/`N` flags as values.
fn yn(phone: bool, email: bool, imol: bool) -> [FieldValue; 3] {
    [phone, email, imol].map(|b| text(if b { "Y" } else { "N" }))
}

/// The records story.
pub(super) async fn story(store: &dyn Store) {
    let values = vec![
        (pos("TITLE"), text("First lead")),
        (pos("NAME"), text("Ann")),
        (pos("STATUS_ID"), text("NEW")),
        (pos("OPPORTUNITY"), FieldValue::Float(1500.5)),
        (pos("ASSIGNED_BY_ID"), FieldValue::Int(1)),
        (pos("DATE_CREATE"), FieldValue::Int(1_700_000_000)),
        (pos("BIRTHDATE"), text("1990-02-03")),
        // Derived flags are not the caller's to set.
        (pos("HAS_PHONE"), text("Y")),
    ];
    let multi = vec![
        add(MultiType::Phone, "WORK", "+1 555 0100"),
        add(MultiType::Email, "HOME", "ann@example.com"),
    ];
    let id = store
        .insert_record(
            &LEAD,
            RecordWrite {
                values,
                multi,
                ..RecordWrite::default()
            },
        )
        .await
        .expect("insert lead");

    let r = get(store, id).await;
    assert_eq!(r.id, id);
    assert_eq!(
        r.values.len(),
        LEAD.fields.len(),
        "one value per catalogue field"
    );
    assert_eq!(r.values[pos("ID")], FieldValue::Int(id));
    assert_eq!(r.values[pos("TITLE")], text("First lead"));
    assert_eq!(r.values[pos("NAME")], text("Ann"));
    assert_eq!(r.values[pos("OPPORTUNITY")], FieldValue::Float(1500.5));
    assert_eq!(r.values[pos("ASSIGNED_BY_ID")], FieldValue::Int(1));
    assert_eq!(r.values[pos("DATE_CREATE")], FieldValue::Int(1_700_000_000));
    assert_eq!(r.values[pos("BIRTHDATE")], text("1990-02-03"));
    assert_eq!(r.values[pos("LAST_NAME")], FieldValue::Null);
    assert_eq!(
        r.values[pos("PHONE")],
        FieldValue::Null,
        "multi-fields have no column value"
    );
    assert_eq!(flags(&r), yn(true, true, false));
    assert_eq!(r.multi.len(), 2);
    assert!(r.multi[0].id < r.multi[1].id, "entries ordered by id");
    let (phone, email) = (r.multi[0].clone(), r.multi[1].clone());
    assert_eq!(
        (phone.kind, phone.value_type.as_str(), phone.value.as_str()),
        (MultiType::Phone, "WORK", "+1 555 0100")
    );
    assert_eq!(
        (email.kind, email.value_type.as_str(), email.value.as_str()),
        (MultiType::Email, "HOME", "ann@example.com")
    );

    // A whole number in a REAL column reads back as Float; no multi-fields: flags N.
    let plain = store
        .insert_record(
            &LEAD,
            RecordWrite::values(vec![(pos("OPPORTUNITY"), FieldValue::Int(100))]),
        )
        .await
        .expect("insert plain");
    let p = get(store, plain).await;
    assert_eq!(p.values[pos("OPPORTUNITY")], FieldValue::Float(100.0));
    assert_eq!(flags(&p), yn(false, false, false));
    assert_eq!(p.multi, vec![]);

    // Positions without a column, or out of range, are refused.
    let bad = store
        .insert_record(&LEAD, RecordWrite::values(vec![(pos("PHONE"), text("1"))]))
        .await;
    assert!(
        matches!(bad, Err(StoreError::Other(_))),
        "multi-field position: {bad:?}"
    );
    let bad = store
        .insert_record(
            &LEAD,
            RecordWrite::values(vec![(LEAD.fields.len(), text("1"))]),
        )
        .await;
    assert!(
        matches!(bad, Err(StoreError::Other(_))),
        "out of range position: {bad:?}"
    );
    let bad = store
        .update_record(
            &LEAD,
            id,
            RecordWrite::values(vec![(pos("WEB"), text("1"))]),
        )
        .await;
    assert!(
        matches!(bad, Err(StoreError::Other(_))),
        "update of a multi-field position: {bad:?}"
    );
    assert_eq!(
        store.get_record(&LEAD, 999_999).await.expect("missing"),
        None
    );

    // Another lead whose entry must survive attempts made through the first one.
    let other = store
        .insert_record(
            &LEAD,
            RecordWrite {
                values: vec![(pos("TITLE"), text("Other"))],
                multi: vec![add(MultiType::Phone, "MOBILE", "+2")],
                ..RecordWrite::default()
            },
        )
        .await
        .expect("insert other");
    let other_phone = get(store, other).await.multi[0].clone();

    let changes = vec![
        add(MultiType::Im, "OPENLINE", "imol|line-1"),
        MultiFieldChange::Update {
            id: phone.id,
            value_type: None,
            value: "+1 555 0199".to_owned(),
        },
        MultiFieldChange::Delete { id: email.id },
        MultiFieldChange::Update {
            id: other_phone.id,
            value_type: Some("WORK".to_owned()),
            value: "stolen".to_owned(),
        },
        MultiFieldChange::Delete { id: other_phone.id },
    ];
    let updated = store
        .update_record(
            &LEAD,
            id,
            RecordWrite {
                values: vec![
                    (pos("TITLE"), text("Renamed")),
                    (pos("NAME"), FieldValue::Null),
                ],
                multi: changes,
                ..RecordWrite::default()
            },
        )
        .await
        .expect("update");
    assert!(updated);
    let r = get(store, id).await;
    assert_eq!(r.values[pos("TITLE")], text("Renamed"));
    assert_eq!(r.values[pos("NAME")], FieldValue::Null);
    assert_eq!(
        r.values[pos("STATUS_ID")],
        text("NEW"),
        "fields not written keep their value"
    );
    assert_eq!(flags(&r), yn(true, false, true));
    assert_eq!(r.multi.len(), 2);
    assert_eq!(
        r.multi[0],
        MultiFieldValue {
            id: phone.id,
            kind: MultiType::Phone,
            value_type: "WORK".to_owned(),
            value: "+1 555 0199".to_owned()
        }
    );
    assert_eq!(
        (r.multi[1].kind, r.multi[1].value_type.as_str()),
        (MultiType::Im, "OPENLINE")
    );
    assert_eq!(
        get(store, other).await.multi,
        vec![other_phone],
        "another record's entries are untouched"
    );

    // Value type change, then removal of the last phone; a plain IM is not IMOL.
    let changes = vec![
        MultiFieldChange::Update {
            id: phone.id,
            value_type: Some("MOBILE".to_owned()),
            value: "+9".to_owned(),
        },
        add(MultiType::Im, "TELEGRAM", "@ann"),
    ];
    assert!(store
        .update_record(
            &LEAD,
            id,
            RecordWrite {
                multi: changes,
                ..RecordWrite::default()
            }
        )
        .await
        .expect("multi-only update"));
    assert_eq!(get(store, id).await.multi[0].value_type, "MOBILE");
    let imol_id = r.multi[1].id;
    let changes = vec![
        MultiFieldChange::Delete { id: phone.id },
        MultiFieldChange::Delete { id: imol_id },
    ];
    assert!(store
        .update_record(
            &LEAD,
            id,
            RecordWrite {
                multi: changes,
                ..RecordWrite::default()
            }
        )
        .await
        .expect("delete entries"));
    let r = get(store, id).await;
    assert_eq!(flags(&r), yn(false, false, false));
    assert_eq!(r.multi.len(), 1);

    assert!(!store
        .update_record(
            &LEAD,
            999_999,
            RecordWrite::values(vec![(pos("TITLE"), text("x"))])
        )
        .await
        .expect("missing"));
    assert!(!store
        .update_record(
            &LEAD,
            999_999,
            RecordWrite {
                multi: vec![add(MultiType::Phone, "WORK", "1")],
                ..RecordWrite::default()
            }
        )
        .await
        .expect("missing multi"));

    assert!(store.delete_record(&LEAD, id, None).await.expect("delete"));
    assert_eq!(store.get_record(&LEAD, id).await.expect("deleted"), None);
    assert!(!store
        .delete_record(&LEAD, id, None)
        .await
        .expect("delete again"));
    // Ids are never reused, so no new record can inherit a deleted one's entries.
    let next = store
        .insert_record(&LEAD, RecordWrite::default())
        .await
        .expect("insert after delete");
    assert!(next > other, "ids grow: {next} after {other}");
    assert_eq!(get(store, next).await.multi, vec![]);
}
