//! Duplicate search (`find_by_multifield`): phones match by digits whatever
//! their formatting, e-mails whatever their case; only the entity and the kind
//! asked for; each record once, ascending; deleted records and changed entries
//! stop matching. Values carry a marker so other stories' rows never match.

use super::records::{add, pos, text};
use crate::crm::{CONTACT, LEAD};
use crate::entity::MultiType;
use crate::records::{comm_key, MultiFieldChange, RecordWrite};
use crate::Store;

/// The keys of `values` for `kind`.
fn keys(kind: MultiType, values: &[&str]) -> Vec<String> {
    values.iter().filter_map(|v| comm_key(kind, v)).collect()
}

/// The duplicates story.
pub(super) async fn story(store: &dyn Store) {
    let lead = |phone: &str, email: &str| {
        let multi = vec![
            add(MultiType::Phone, "WORK", phone),
            add(MultiType::Email, "WORK", email),
        ];
        store.insert_record(
            &LEAD,
            RecordWrite {
                values: vec![(pos("TITLE"), text("dup"))],
                multi,
                ..RecordWrite::default()
            },
        )
    };
    let a = lead("+1 (555) 888-00-11", "Dup.One@Example.com")
        .await
        .expect("lead a");
    let b = lead("15558880011", "dup.two@example.com")
        .await
        .expect("lead b");
    let c = lead("+1 555 888 00 12", "DUP.ONE@EXAMPLE.COM")
        .await
        .expect("lead c");
    let contact = store
        .insert_record(
            &CONTACT,
            RecordWrite {
                multi: vec![add(MultiType::Phone, "MOBILE", "1-555-888-0011")],
                ..RecordWrite::default()
            },
        )
        .await
        .expect("contact");

    let find = |entity, kind, values: &[&str]| {
        let keys = keys(kind, values);
        async move {
            store
                .find_by_multifield(entity, kind, &keys)
                .await
                .expect("find_by_multifield")
        }
    };
    assert_eq!(
        find(&LEAD, MultiType::Phone, &["15558880011"]).await,
        vec![a, b],
        "phones match by digits"
    );
    assert_eq!(
        find(
            &LEAD,
            MultiType::Phone,
            &["+1 555 888-00-11", "(1555) 8880012"]
        )
        .await,
        vec![a, b, c],
        "several keys, each record once, ascending"
    );
    assert_eq!(
        find(&CONTACT, MultiType::Phone, &["15558880011"]).await,
        vec![contact],
        "only the entity asked for"
    );
    assert_eq!(
        find(&LEAD, MultiType::Email, &["dup.one@example.com"]).await,
        vec![a, c],
        "e-mails match whatever their case"
    );
    assert_eq!(
        find(&LEAD, MultiType::Email, &["15558880011"]).await,
        Vec::<i64>::new(),
        "only the kind asked for"
    );
    assert_eq!(
        find(&LEAD, MultiType::Phone, &["555888001"]).await,
        Vec::<i64>::new(),
        "digits must be equal, not contained"
    );
    assert_eq!(find(&LEAD, MultiType::Phone, &[]).await, Vec::<i64>::new());

    store.delete_record(&LEAD, a, None).await.expect("delete a");
    let phone_of_b = store
        .get_record(&LEAD, b)
        .await
        .expect("get b")
        .expect("b exists")
        .multi
        .into_iter()
        .find(|m| m.kind == MultiType::Phone)
        .expect("b has a phone");
    store
        .update_record(
            &LEAD,
            b,
            RecordWrite {
                multi: vec![MultiFieldChange::Update {
                    id: phone_of_b.id,
                    value_type: None,
                    value: "+44 20 7946 0000".into(),
                }],
                ..RecordWrite::default()
            },
        )
        .await
        .expect("update b");
    assert_eq!(
        find(&LEAD, MultiType::Phone, &["15558880011"]).await,
        Vec::<i64>::new(),
        "deleted records and changed entries no longer match"
    );
    assert_eq!(
        find(&LEAD, MultiType::Phone, &["442079460000"]).await,
        vec![b]
    );
}
