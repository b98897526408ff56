//! User fields: definitions with their list items (insert, read, order by
//! `SORT` then id, conflicts, partial updates, item changes, deletion), and
//! their values written with records in the same call (insert, replace,
//! clear, foreign fields dropped), read back by `get_record` and by
//! `list_records` when asked, filtered (any value of a multiple field matches;
//! negations match records without values), ordered, and removed with the
//! record, with the list item and with the definition.

use portico_protocol::filter::FilterOp;
use serde_json::{json, Map, Value};

use crate::crm::{DEAL, LEAD};
use crate::entity::StorageType;
use crate::error::StoreError;
use crate::list::{Condition, Direction, ListQuery, OrderKey};
use crate::records::{FieldValue, RecordWrite};
use crate::user_fields::{
    EnumChange, EnumItem, Labels, LangMap, NewEnumItem, NewUserField, UserField, UserFieldChange,
    UserType, ENUM_XML_ID_CONFLICT, USER_FIELD_CONFLICT,
};
use crate::Store;

/// A lang map.
fn langs(pairs: &[(&str, &str)]) -> LangMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Settings from a JSON object literal.
fn settings(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A new field of `entity_id` with defaults.
pub(super) fn new_field(
    entity_id: &str,
    name: &str,
    user_type: UserType,
    sort: i64,
) -> NewUserField {
    NewUserField {
        entity_id: entity_id.to_owned(),
        field_name: name.to_owned(),
        user_type,
        xml_id: None,
        sort,
        multiple: false,
        mandatory: false,
        show_filter: "N".to_owned(),
        show_in_list: true,
        edit_in_list: true,
        is_searchable: false,
        settings: Map::new(),
        labels: Labels::default(),
        items: Vec::new(),
    }
}

/// A new list item.
pub(super) fn item(value: &str, sort: i64, xml_id: &str) -> NewEnumItem {
    NewEnumItem {
        value: value.to_owned(),
        def: false,
        sort,
        xml_id: xml_id.to_owned(),
    }
}

/// A text value.
fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_owned())
}

/// The definition with this id, which must exist.
async fn field(store: &dyn Store, id: i64) -> UserField {
    match store.user_field_by_id(id).await {
        Ok(Some(f)) => f,
        other => panic!("user field {id}: expected a definition, got {other:?}"),
    }
}

/// The ids of `ids`' deals matching `conditions`, in the query's order.
async fn matching(
    store: &dyn Store,
    ids: &[i64],
    mut conditions: Vec<Condition>,
    order: Vec<(OrderKey, Direction)>,
) -> Vec<i64> {
    conditions.push(Condition::Field {
        field: DEAL.index_of("ID").expect("ID"),
        op: FilterOp::In,
        values: ids.iter().map(|i| FieldValue::Int(*i)).collect(),
    });
    let q = ListQuery {
        conditions,
        order,
        offset: 0,
        limit: 50,
        count_total: true,
        with_multi: false,
        with_uf: false,
    };
    let page = store.list_records(&DEAL, &q).await.expect("list deals");
    page.records.iter().map(|r| r.id).collect()
}

/// A condition on a user field.
fn on(field_id: i64, storage: StorageType, op: FilterOp, values: Vec<FieldValue>) -> Condition {
    Condition::UserField {
        field_id,
        storage,
        op,
        values,
    }
}

/// The user fields story.
pub(super) async fn story(store: &dyn Store) {
    assert_eq!(
        store
            .list_user_fields(Some("CRM_DEAL"))
            .await
            .expect("empty"),
        vec![]
    );

    // Definitions.
    let mut note = new_field("CRM_DEAL", "UF_CRM_NOTE", UserType::String, 200);
    note.mandatory = true;
    note.xml_id = Some("note".to_owned());
    note.settings = settings(json!({"DEFAULT_VALUE": "", "ROWS": 2}));
    note.labels.edit_form = langs(&[("en", "Note"), ("br", "Nota")]);
    let note_id = store
        .insert_user_field(note.clone(), None)
        .await
        .expect("insert note");
    let mut color = new_field("CRM_DEAL", "UF_CRM_COLOR", UserType::Enumeration, 100);
    color.items = vec![
        item("Red", 20, "red"),
        item("Green", 10, "green"),
        item("Blue", 30, "blue"),
    ];
    color.items[0].def = true;
    let color_id = store
        .insert_user_field(color, None)
        .await
        .expect("insert color");
    let mut scores = new_field("CRM_DEAL", "UF_CRM_SCORES", UserType::Integer, 200);
    scores.multiple = true;
    let scores_id = store
        .insert_user_field(scores, None)
        .await
        .expect("insert scores");
    let rate_id = store
        .insert_user_field(
            new_field("CRM_DEAL", "UF_CRM_RATE", UserType::Double, 300),
            None,
        )
        .await
        .expect("insert rate");
    let lead_note_id = store
        .insert_user_field(
            new_field("CRM_LEAD", "UF_CRM_NOTE", UserType::String, 100),
            None,
        )
        .await
        .expect("the same name on another entity");
    assert!(note_id > 0 && color_id > note_id && lead_note_id > rate_id);

    let dup = store
        .insert_user_field(new_field("CRM_DEAL", "UF_CRM_NOTE", UserType::Url, 1), None)
        .await;
    assert!(
        matches!(&dup, Err(StoreError::Conflict(n)) if n == USER_FIELD_CONFLICT),
        "duplicate name: {dup:?}"
    );
    let mut twins = new_field("CRM_DEAL", "UF_CRM_TWINS", UserType::Enumeration, 1);
    twins.items = vec![item("A", 1, "x"), item("B", 2, "x")];
    let dup = store.insert_user_field(twins, None).await;
    assert!(
        matches!(&dup, Err(StoreError::Conflict(n)) if n == ENUM_XML_ID_CONFLICT),
        "duplicate item XML_ID: {dup:?}"
    );

    let got = field(store, note_id).await;
    assert_eq!(
        got,
        UserField {
            id: note_id,
            entity_id: "CRM_DEAL".to_owned(),
            field_name: "UF_CRM_NOTE".to_owned(),
            user_type: UserType::String,
            xml_id: Some("note".to_owned()),
            sort: 200,
            multiple: false,
            mandatory: true,
            show_filter: "N".to_owned(),
            show_in_list: true,
            edit_in_list: true,
            is_searchable: false,
            settings: note.settings.clone(),
            labels: note.labels.clone(),
            items: vec![],
        }
    );
    let got = field(store, color_id).await;
    let values: Vec<(&str, i64, bool, &str)> = got
        .items
        .iter()
        .map(|i| (i.value.as_str(), i.sort, i.def, i.xml_id.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("Green", 10, false, "green"),
            ("Red", 20, true, "red"),
            ("Blue", 30, false, "blue"),
        ],
        "items by SORT"
    );
    let items: Vec<EnumItem> = got.items.clone();
    let (green, red, blue) = (items[0].id, items[1].id, items[2].id);
    assert_eq!(
        store.user_field_by_id(999_999).await.expect("missing"),
        None
    );

    let names = |fields: Vec<UserField>| -> Vec<(String, String)> {
        fields
            .into_iter()
            .map(|f| (f.entity_id, f.field_name))
            .collect()
    };
    assert_eq!(
        names(
            store
                .list_user_fields(Some("CRM_DEAL"))
                .await
                .expect("deal")
        ),
        [
            ("CRM_DEAL", "UF_CRM_COLOR"),
            ("CRM_DEAL", "UF_CRM_NOTE"),
            ("CRM_DEAL", "UF_CRM_SCORES"),
            ("CRM_DEAL", "UF_CRM_RATE"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned())),
        "SORT, then id"
    );
    assert_eq!(
        store.list_user_fields(None).await.expect("all").len(),
        5,
        "every entity"
    );

    // Partial updates and list item changes.
    let mut labels = note.labels.clone();
    labels.help_message = langs(&[("en", "Help")]);
    let change = UserFieldChange {
        sort: Some(50),
        mandatory: Some(false),
        labels: Some(labels.clone()),
        settings: Some(settings(json!({"ROWS": 5}))),
        xml_id: Some(None),
        ..UserFieldChange::default()
    };
    assert!(store
        .update_user_field(note_id, change, None)
        .await
        .expect("update note"));
    let got = field(store, note_id).await;
    assert_eq!(
        (
            got.sort,
            got.mandatory,
            got.xml_id.clone(),
            got.labels.clone()
        ),
        (50, false, None, labels)
    );
    assert_eq!(got.settings, settings(json!({"ROWS": 5})));
    assert_eq!(got.show_filter, "N", "untouched");
    assert!(!store
        .update_user_field(999_999, UserFieldChange::default(), None)
        .await
        .expect("missing"));

    let change = UserFieldChange {
        items: vec![
            EnumChange::Update {
                id: green,
                value: Some("Lime".to_owned()),
                def: Some(true),
                sort: None,
                xml_id: None,
            },
            EnumChange::Add(item("Black", 5, "black")),
            // Another field's item: ignored.
            EnumChange::Delete { id: 999_999 },
        ],
        ..UserFieldChange::default()
    };
    assert!(store
        .update_user_field(color_id, change, None)
        .await
        .expect("item changes"));
    let got = field(store, color_id).await;
    let values: Vec<(&str, bool)> = got
        .items
        .iter()
        .map(|i| (i.value.as_str(), i.def))
        .collect();
    assert_eq!(
        values,
        [
            ("Black", false),
            ("Lime", true),
            ("Red", true),
            ("Blue", false)
        ]
    );
    let black = got.items[0].id;
    let clash = UserFieldChange {
        sort: Some(1),
        items: vec![EnumChange::Update {
            id: black,
            value: None,
            def: None,
            sort: None,
            xml_id: Some("red".to_owned()),
        }],
        ..UserFieldChange::default()
    };
    let r = store.update_user_field(color_id, clash, None).await;
    assert!(
        matches!(&r, Err(StoreError::Conflict(n)) if n == ENUM_XML_ID_CONFLICT),
        "item XML_ID taken: {r:?}"
    );
    assert_eq!(field(store, color_id).await.sort, 100, "nothing changed");

    // Values written with the record.
    let title = DEAL.index_of("TITLE").expect("TITLE");
    let mut ids = Vec::new();
    for (name, uf) in [
        (
            "uf one",
            vec![
                (scores_id, vec![FieldValue::Int(3), FieldValue::Int(1)]),
                (note_id, vec![text("alpha")]),
                (color_id, vec![FieldValue::Int(red)]),
                (rate_id, vec![FieldValue::Float(2.5)]),
                // A lead's field: dropped.
                (lead_note_id, vec![text("dropped")]),
            ],
        ),
        (
            "uf two",
            vec![
                (note_id, vec![text("beta")]),
                (scores_id, vec![FieldValue::Int(7)]),
                (color_id, vec![FieldValue::Int(blue)]),
                (rate_id, vec![FieldValue::Float(-1.0)]),
            ],
        ),
        ("uf three", vec![]),
    ] {
        let id = store
            .insert_record(
                &DEAL,
                RecordWrite {
                    values: vec![(title, text(name))],
                    uf,
                    ..RecordWrite::default()
                },
            )
            .await
            .expect("insert deal");
        ids.push(id);
    }
    let get = |id: i64| async move {
        match store.get_record(&DEAL, id).await {
            Ok(Some(r)) => r,
            other => panic!("deal {id}: {other:?}"),
        }
    };
    let one = get(ids[0]).await;
    assert_eq!(
        one.uf,
        vec![
            (note_id, vec![text("alpha")]),
            (color_id, vec![FieldValue::Int(red)]),
            (scores_id, vec![FieldValue::Int(3), FieldValue::Int(1)]),
            (rate_id, vec![FieldValue::Float(2.5)]),
        ],
        "by definition id, values in order"
    );
    assert_eq!(one.uf_values(scores_id).len(), 2);
    assert_eq!(one.uf_values(lead_note_id), &[] as &[FieldValue]);
    assert_eq!(get(ids[2]).await.uf, vec![]);

    // Replace and clear.
    assert!(store
        .update_record(
            &DEAL,
            ids[0],
            RecordWrite {
                uf: vec![
                    (scores_id, vec![FieldValue::Int(9), FieldValue::Int(4)]),
                    (note_id, vec![]),
                ],
                ..RecordWrite::default()
            }
        )
        .await
        .expect("update values"));
    let one = get(ids[0]).await;
    assert_eq!(
        one.uf_values(scores_id),
        &[FieldValue::Int(9), FieldValue::Int(4)]
    );
    assert_eq!(one.uf_values(note_id), &[] as &[FieldValue]);
    assert_eq!(
        one.uf_values(rate_id),
        &[FieldValue::Float(2.5)],
        "untouched"
    );
    assert!(!store
        .update_record(
            &DEAL,
            999_999,
            RecordWrite {
                uf: vec![(note_id, vec![text("x")])],
                ..RecordWrite::default()
            }
        )
        .await
        .expect("missing deal"));
    assert!(store
        .update_record(
            &DEAL,
            ids[2],
            RecordWrite {
                uf: vec![(note_id, vec![text("gamma")])],
                ..RecordWrite::default()
            }
        )
        .await
        .expect("first value"));

    // Lists: values on request.
    let all_three = vec![Condition::Field {
        field: DEAL.index_of("ID").expect("ID"),
        op: FilterOp::In,
        values: ids.iter().map(|i| FieldValue::Int(*i)).collect(),
    }];
    let mut q = ListQuery {
        conditions: all_three,
        order: vec![],
        offset: 0,
        limit: 50,
        count_total: true,
        with_multi: false,
        with_uf: false,
    };
    let page = store.list_records(&DEAL, &q).await.expect("list");
    assert!(page.records.iter().all(|r| r.uf.is_empty()), "not asked");
    q.with_uf = true;
    let page = store.list_records(&DEAL, &q).await.expect("list uf");
    let counts: Vec<usize> = page.records.iter().map(|r| r.uf.len()).collect();
    assert_eq!(counts, [3, 4, 1], "with_uf");
    assert_eq!(page.records[1], get(ids[1]).await);

    // Filters.
    let int = StorageType::Integer;
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                note_id,
                StorageType::Text,
                FilterOp::Eq,
                vec![text("beta")]
            )],
            vec![]
        )
        .await,
        [ids[1]]
    );
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                note_id,
                StorageType::Text,
                FilterOp::Like,
                vec![text("AMM")]
            )],
            vec![]
        )
        .await,
        [ids[2]],
        "case-insensitive substring"
    );
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(scores_id, int, FilterOp::Gt, vec![FieldValue::Int(8)])],
            vec![]
        )
        .await,
        [ids[0]],
        "any value of a multiple field"
    );
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                scores_id,
                int,
                FilterOp::NotEq,
                vec![FieldValue::Int(7)]
            )],
            vec![]
        )
        .await,
        [ids[0], ids[2]],
        "negation: none of the values, records without values included"
    );
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                note_id,
                StorageType::Text,
                FilterOp::Eq,
                vec![FieldValue::Null]
            )],
            vec![]
        )
        .await,
        [ids[0]],
        "no value"
    );
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                rate_id,
                StorageType::Real,
                FilterOp::NotEq,
                vec![FieldValue::Null]
            )],
            vec![]
        )
        .await,
        [ids[0], ids[1]],
        "has a value"
    );
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                color_id,
                int,
                FilterOp::In,
                vec![FieldValue::Int(red), FieldValue::Int(green)]
            )],
            vec![]
        )
        .await,
        [ids[0]]
    );
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                rate_id,
                StorageType::Real,
                FilterOp::Between,
                vec![FieldValue::Float(-2.0), FieldValue::Float(0.0)]
            )],
            vec![]
        )
        .await,
        [ids[1]]
    );

    // Order by a field's value, records without one first when ascending.
    let by_rate = |dir| {
        vec![(
            OrderKey::UserField {
                field_id: rate_id,
                storage: StorageType::Real,
            },
            dir,
        )]
    };
    assert_eq!(
        matching(store, &ids, vec![], by_rate(Direction::Asc)).await,
        [ids[2], ids[1], ids[0]]
    );
    assert_eq!(
        matching(store, &ids, vec![], by_rate(Direction::Desc)).await,
        [ids[0], ids[1], ids[2]]
    );

    // A deleted list item takes its values with it.
    assert!(store
        .update_user_field(
            color_id,
            UserFieldChange {
                items: vec![EnumChange::Delete { id: blue }],
                ..UserFieldChange::default()
            },
            None,
        )
        .await
        .expect("delete item"));
    assert!(field(store, color_id).await.item(blue).is_none());
    assert_eq!(get(ids[1]).await.uf_values(color_id), &[] as &[FieldValue]);
    assert_eq!(
        get(ids[0]).await.uf_values(color_id),
        &[FieldValue::Int(red)]
    );

    // A deleted record takes its values with it.
    assert!(store
        .delete_record(&DEAL, ids[2], None)
        .await
        .expect("delete deal"));
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(
                note_id,
                StorageType::Text,
                FilterOp::NotEq,
                vec![FieldValue::Null]
            )],
            vec![]
        )
        .await,
        [ids[1]]
    );
    let lead = store
        .insert_record(
            &LEAD,
            RecordWrite {
                uf: vec![
                    (lead_note_id, vec![text("lead")]),
                    (note_id, vec![text("deal's")]),
                ],
                ..RecordWrite::default()
            },
        )
        .await
        .expect("lead");
    match store.get_record(&LEAD, lead).await {
        Ok(Some(r)) => assert_eq!(r.uf, vec![(lead_note_id, vec![text("lead")])]),
        other => panic!("lead: {other:?}"),
    }

    // A deleted definition takes its values with it.
    assert!(store
        .delete_user_field(scores_id, None)
        .await
        .expect("delete field"));
    assert!(!store
        .delete_user_field(scores_id, None)
        .await
        .expect("again"));
    assert_eq!(store.user_field_by_id(scores_id).await.expect("gone"), None);
    assert_eq!(get(ids[0]).await.uf_values(scores_id), &[] as &[FieldValue]);
    assert_eq!(
        matching(
            store,
            &ids,
            vec![on(scores_id, int, FilterOp::NotEq, vec![FieldValue::Null])],
            vec![]
        )
        .await,
        Vec::<i64>::new()
    );
    assert_eq!(
        store
            .list_user_fields(Some("CRM_DEAL"))
            .await
            .expect("deal")
            .len(),
        3
    );
}
