//! The events of writes other than CRM record writes, recorded in the write's
//! own transaction: `ONUSERADD` of `add_user`, the `ONCRM…USERFIELD…` events
//! of user-field definition writes (with `…SETENUMVALUES` only when the list
//! items really change), and the owner's `…UPDATE` of link-only writes. None
//! without a stamp, none when the write fails or finds nothing, none for a
//! code nobody is subscribed to; one pending delivery per subscriber.

use std::sync::Arc;

use serde_json::{json, Value};

use super::outbox::{last_event_id, new_outbound};
use super::user_fields::{item, new_field};
use super::users::new_user;
use crate::crm::{COMPANY, CONTACT, DEAL};
use crate::events::EventStamp;
use crate::links::{LinkChange, LinkEnd, LinkEvent};
use crate::records::{FieldValue, RecordWrite};
use crate::user_fields::{EnumChange, UserFieldChange};
use crate::users::{UserAdded, USER};
use crate::{Store, UserType};

/// A stamp at `at` by `user_id`.
fn stamp(at: i64, user_id: i64) -> Option<EventStamp> {
    Some(EventStamp {
        at,
        user_id: Some(user_id),
        auth_connector: None,
    })
}

/// `(code, entity, entity_id, data, created_at)` of the events after `after`.
async fn events_since(store: &dyn Store, after: i64) -> Vec<(String, String, i64, Value, i64)> {
    let events = store.events_after(after, 100).await.expect("events");
    events
        .into_iter()
        .map(|e| (e.code, e.entity, e.entity_id, e.data, e.created_at))
        .collect()
}

/// One expected event row.
fn row(
    code: &str,
    entity: &str,
    id: i64,
    data: Value,
    at: i64,
) -> (String, String, i64, Value, i64) {
    (code.to_owned(), entity.to_owned(), id, data, at)
}

/// The `data` of a deal user-field event.
fn deal_field(id: i64, name: &str) -> Value {
    json!({"FIELDS": {"ID": id, "ENTITY_ID": "CRM_DEAL", "FIELD_NAME": name}})
}

/// `ONUSERADD` whose `data` is the new row's ID and EMAIL, as stored.
fn user_added(at: i64, by: i64) -> UserAdded {
    let email = USER.index_of("EMAIL").expect("EMAIL");
    UserAdded {
        stamp: EventStamp {
            at,
            user_id: Some(by),
            auth_connector: None,
        },
        data: Arc::new(move |record| {
            let email = record.values.get(email).and_then(FieldValue::as_str);
            json!({"ID": record.id, "EMAIL": email})
        }),
    }
}

/// The story.
pub(super) async fn story(store: &dyn Store) {
    let owner = store
        .insert_user(new_user("sources-owner", false))
        .await
        .expect("owner");
    let codes = [
        "ONUSERADD",
        "ONCRMDEALUSERFIELDADD",
        "ONCRMDEALUSERFIELDUPDATE",
        "ONCRMDEALUSERFIELDDELETE",
        "ONCRMDEALUSERFIELDSETENUMVALUES",
        "ONCRMDEALUPDATE",
        "ONCRMCOMPANYUPDATE",
    ];
    let hook = store
        .insert_outbound_webhook(new_outbound(owner, "https://example.com/sources", &codes))
        .await
        .expect("webhook");
    let before = last_event_id(store).await;
    let email = USER.index_of("EMAIL").expect("EMAIL");
    let mail = |s: &str| vec![(email, FieldValue::Text(s.to_owned()))];

    // Users: stamped adds raise ONUSERADD with data from the stored row.
    let ana = store
        .add_user(
            mail("ana.sources@example.com"),
            Vec::new(),
            Some(user_added(2_000, owner)),
        )
        .await
        .expect("add ana");
    store
        .add_user(mail("silent.sources@example.com"), Vec::new(), None)
        .await
        .expect("add without stamp");
    assert!(store
        .add_user(
            mail("ANA.sources@example.com"),
            Vec::new(),
            Some(user_added(2_001, owner))
        )
        .await
        .is_err());

    // User fields.
    let mut color = new_field("CRM_DEAL", "UF_CRM_SRC_COLOR", UserType::Enumeration, 100);
    color.items = vec![item("Red", 10, "red"), item("Blue", 20, "blue")];
    let color = store
        .insert_user_field(color, stamp(2_010, owner))
        .await
        .expect("add color");
    let note = store
        .insert_user_field(
            new_field("CRM_DEAL", "UF_CRM_SRC_NOTE", UserType::String, 100),
            stamp(2_011, owner),
        )
        .await
        .expect("add note");
    store
        .insert_user_field(
            new_field("CRM_DEAL", "UF_CRM_SRC_QUIET", UserType::String, 100),
            None,
        )
        .await
        .expect("add without stamp");
    store
        .insert_user_field(
            new_field("CRM_LEAD", "UF_CRM_SRC_UNHEARD", UserType::String, 100),
            stamp(2_012, owner),
        )
        .await
        .expect("add with no subscriber");
    assert!(store
        .insert_user_field(
            new_field("CRM_DEAL", "UF_CRM_SRC_NOTE", UserType::String, 100),
            stamp(2_013, owner),
        )
        .await
        .is_err());
    let red = store
        .user_field_by_id(color)
        .await
        .expect("read")
        .expect("color")
        .items[0]
        .id;
    let same_value = UserFieldChange {
        items: vec![EnumChange::Update {
            id: red,
            value: Some("Red".to_owned()),
            def: None,
            sort: None,
            xml_id: None,
        }],
        ..UserFieldChange::default()
    };
    assert!(store
        .update_user_field(color, same_value, stamp(2_020, owner))
        .await
        .expect("update without a list change"));
    let new_item = UserFieldChange {
        items: vec![EnumChange::Add(item("Green", 30, "green"))],
        ..UserFieldChange::default()
    };
    assert!(store
        .update_user_field(color, new_item, stamp(2_021, owner))
        .await
        .expect("update adding an item"));
    let duplicate = UserFieldChange {
        items: vec![EnumChange::Add(item("Again", 40, "red"))],
        ..UserFieldChange::default()
    };
    assert!(store
        .update_user_field(color, duplicate, stamp(2_022, owner))
        .await
        .is_err());
    assert!(!store
        .update_user_field(999_999, UserFieldChange::default(), stamp(2_023, owner))
        .await
        .expect("update missing"));
    assert!(store
        .delete_user_field(note, stamp(2_024, owner))
        .await
        .expect("delete note"));
    assert!(!store
        .delete_user_field(note, stamp(2_025, owner))
        .await
        .expect("delete again"));

    // Links: the `…UPDATE` of the record whose list changed, once per write.
    let deal = store
        .insert_record(&DEAL, RecordWrite::default())
        .await
        .expect("deal");
    let contact = store
        .insert_record(&CONTACT, RecordWrite::default())
        .await
        .expect("contact");
    let company = store
        .insert_record(&COMPANY, RecordWrite::default())
        .await
        .expect("company");
    store
        .set_links(
            &DEAL,
            deal,
            &CONTACT,
            vec![LinkChange::to(contact)],
            stamp(2_030, owner),
        )
        .await
        .expect("set deal contacts");
    assert!(store
        .set_links(
            &DEAL,
            deal,
            &CONTACT,
            vec![LinkChange::to(999_999)],
            stamp(2_031, owner)
        )
        .await
        .is_err());
    let from_company = Some(LinkEvent {
        stamp: EventStamp {
            at: 2_032,
            user_id: Some(owner),
            auth_connector: None,
        },
        end: LinkEnd::Target,
    });
    store
        .add_link(
            &CONTACT,
            contact,
            &COMPANY,
            LinkChange::to(company),
            from_company,
        )
        .await
        .expect("add company contact");
    let from_deal = |at: i64| {
        Some(LinkEvent {
            stamp: EventStamp {
                at,
                user_id: Some(owner),
                auth_connector: None,
            },
            end: LinkEnd::Owner,
        })
    };
    assert!(store
        .remove_link(&DEAL, deal, &CONTACT, contact, from_deal(2_033))
        .await
        .expect("remove"));
    assert!(!store
        .remove_link(&DEAL, deal, &CONTACT, contact, from_deal(2_034))
        .await
        .expect("remove again"));
    store
        .set_linked_owners(&COMPANY, company, &CONTACT, vec![], stamp(2_035, owner))
        .await
        .expect("clear company contacts");
    store
        .set_links(&DEAL, deal, &CONTACT, vec![], None)
        .await
        .expect("set without stamp");

    let record = |id: i64| json!({"FIELDS": {"ID": id}});
    let expected = vec![
        row(
            "ONUSERADD",
            "USER",
            ana,
            json!({"ID": ana, "EMAIL": "ana.sources@example.com"}),
            2_000,
        ),
        row(
            "ONCRMDEALUSERFIELDADD",
            "DEAL_USERFIELD",
            color,
            deal_field(color, "UF_CRM_SRC_COLOR"),
            2_010,
        ),
        row(
            "ONCRMDEALUSERFIELDSETENUMVALUES",
            "DEAL_USERFIELD",
            color,
            deal_field(color, "UF_CRM_SRC_COLOR"),
            2_010,
        ),
        row(
            "ONCRMDEALUSERFIELDADD",
            "DEAL_USERFIELD",
            note,
            deal_field(note, "UF_CRM_SRC_NOTE"),
            2_011,
        ),
        row(
            "ONCRMDEALUSERFIELDUPDATE",
            "DEAL_USERFIELD",
            color,
            deal_field(color, "UF_CRM_SRC_COLOR"),
            2_020,
        ),
        row(
            "ONCRMDEALUSERFIELDUPDATE",
            "DEAL_USERFIELD",
            color,
            deal_field(color, "UF_CRM_SRC_COLOR"),
            2_021,
        ),
        row(
            "ONCRMDEALUSERFIELDSETENUMVALUES",
            "DEAL_USERFIELD",
            color,
            deal_field(color, "UF_CRM_SRC_COLOR"),
            2_021,
        ),
        row(
            "ONCRMDEALUSERFIELDDELETE",
            "DEAL_USERFIELD",
            note,
            deal_field(note, "UF_CRM_SRC_NOTE"),
            2_024,
        ),
        row("ONCRMDEALUPDATE", "DEAL", deal, record(deal), 2_030),
        row(
            "ONCRMCOMPANYUPDATE",
            "COMPANY",
            company,
            record(company),
            2_032,
        ),
        row("ONCRMDEALUPDATE", "DEAL", deal, record(deal), 2_033),
        row(
            "ONCRMCOMPANYUPDATE",
            "COMPANY",
            company,
            record(company),
            2_035,
        ),
    ];
    assert_eq!(events_since(store, before).await, expected);
    let events = store.events_after(before, 100).await.expect("events");
    assert!(events.iter().all(|e| e.user_id == Some(owner)));

    // One pending delivery per event, newest first.
    let delivered: Vec<i64> = store
        .list_deliveries(hook, crate::DeliveryQuery::newest(100))
        .await
        .expect("deliveries")
        .into_iter()
        .map(|d| d.event_id)
        .collect();
    let mut ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    ids.reverse();
    assert_eq!(delivered, ids);
    assert!(store.delete_outbound_webhook(hook).await.expect("delete"));
}
