//! The transactional outbox: outbound webhooks and their subscriptions, the
//! events CRM writes raise (only with a stamp, only when the write commits,
//! never for users), and the pending deliveries they fan out to.

use serde_json::json;

use super::users::new_user;
use crate::crm::{CONTACT, DEAL, LEAD};
use crate::error::StoreError;
use crate::events::{Event, EventStamp};
use crate::links::LinkChange;
use crate::outbound::{
    DisableReason, Disabled, NewOutboundWebhook, OutboundWebhook, OutboundWebhookChange,
};
use crate::records::{FieldValue, LinkListWrite, RecordWrite};
use crate::users::USER;
use crate::{DeliveryQuery, DeliveryState, Store};

/// A new outbound webhook of `user_id` to `url` for `events`.
pub(super) fn new_outbound(user_id: i64, url: &str, events: &[&str]) -> NewOutboundWebhook {
    NewOutboundWebhook {
        user_id,
        name: format!("to {url}"),
        handler_url: url.to_owned(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
        application_token_sealed: b"sealed-token".to_vec(),
        signing_secret_sealed: b"sealed-secret".to_vec(),
        single_attempt: false,
        created_at: 1_700_000_000,
    }
}

/// A lead write titled `title`, stamped at `at` by `user_id` when `at` is given.
pub(super) fn lead_write(title: &str, at: Option<i64>, user_id: i64) -> RecordWrite {
    let title_pos = LEAD.index_of("TITLE").expect("TITLE");
    RecordWrite {
        values: vec![(title_pos, FieldValue::Text(title.to_owned()))],
        event: at.map(|at| EventStamp {
            at,
            user_id: Some(user_id),
            auth_connector: None,
        }),
        ..RecordWrite::default()
    }
}

/// The id of the newest event, 0 when there is none.
pub(super) async fn last_event_id(store: &dyn Store) -> i64 {
    let mut last = 0;
    loop {
        let page = store.events_after(last, 100).await.expect("events");
        match page.last() {
            Some(e) => last = e.id,
            None => return last,
        }
    }
}

/// `(code, entity, entity_id, data, user_id, created_at)` of events after `after`.
async fn events_since(
    store: &dyn Store,
    after: i64,
) -> Vec<(String, String, i64, serde_json::Value, Option<i64>, i64)> {
    let events: Vec<Event> = store.events_after(after, 100).await.expect("events");
    for e in &events {
        assert!(
            e.message_id.starts_with("msg_") && e.message_id.len() == 28,
            "message id {}",
            e.message_id
        );
    }
    events
        .into_iter()
        .map(|e| {
            (
                e.code,
                e.entity,
                e.entity_id,
                e.data,
                e.user_id,
                e.created_at,
            )
        })
        .collect()
}

/// The outbox story.
pub(super) async fn story(store: &dyn Store) {
    let owner = store
        .insert_user(new_user("outbox-owner", false))
        .await
        .expect("owner");
    let other = store
        .insert_user(new_user("outbox-other", false))
        .await
        .expect("other");

    // Outbound webhooks: subscriptions stored upper case, sorted, once.
    let leads = store
        .insert_outbound_webhook(new_outbound(
            owner,
            "https://example.com/leads",
            &[
                "onCrmLeadUpdate",
                "ONCRMLEADADD",
                "ONCRMLEADDELETE",
                "oncrmleadadd",
            ],
        ))
        .await
        .expect("leads webhook");
    let deals = store
        .insert_outbound_webhook(new_outbound(
            other,
            "https://example.com/deals",
            &["ONCRMDEALADD"],
        ))
        .await
        .expect("deals webhook");
    let off = store
        .insert_outbound_webhook(new_outbound(
            owner,
            "https://example.com/off",
            &["ONCRMLEADADD"],
        ))
        .await
        .expect("off webhook");
    assert!(matches!(
        store
            .insert_outbound_webhook(new_outbound(999_999, "https://x.test/", &[]))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let stored = store
        .outbound_webhook_by_id(leads)
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(
        stored,
        OutboundWebhook {
            id: leads,
            user_id: owner,
            name: "to https://example.com/leads".to_owned(),
            handler_url: "https://example.com/leads".to_owned(),
            events: vec![
                "ONCRMLEADADD".to_owned(),
                "ONCRMLEADDELETE".to_owned(),
                "ONCRMLEADUPDATE".to_owned()
            ],
            application_token_sealed: b"sealed-token".to_vec(),
            signing_secret_sealed: b"sealed-secret".to_vec(),
            active: true,
            single_attempt: false,
            disabled: None,
            app_id: None,
            auth_user_id: None,
            created_at: 1_700_000_000,
        }
    );
    let ids = |list: Vec<OutboundWebhook>| list.into_iter().map(|w| w.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store
            .list_outbound_webhooks(Some(owner))
            .await
            .expect("mine")),
        vec![leads, off]
    );
    let all = ids(store.list_outbound_webhooks(None).await.expect("all"));
    assert!(all.contains(&leads) && all.contains(&deals) && all.contains(&off));
    let switch_off = OutboundWebhookChange {
        name: "off".to_owned(),
        handler_url: "https://example.com/off2".to_owned(),
        events: vec!["ONCRMLEADADD".to_owned(), "ONCRMCONTACTADD".to_owned()],
        active: false,
        single_attempt: true,
        at: 1_700_000_500,
    };
    assert!(store
        .update_outbound_webhook(off, switch_off.clone())
        .await
        .expect("update"));
    assert!(!store
        .update_outbound_webhook(999_999, switch_off)
        .await
        .expect("update missing"));
    let off_row = store
        .outbound_webhook_by_id(off)
        .await
        .expect("read")
        .expect("off");
    assert_eq!(
        (
            off_row.name.as_str(),
            off_row.handler_url.as_str(),
            off_row.active
        ),
        ("off", "https://example.com/off2", false)
    );
    assert!(off_row.single_attempt);
    assert_eq!(
        off_row.disabled,
        Some(Disabled {
            reason: DisableReason::Manual,
            at: 1_700_000_500
        })
    );
    assert_eq!(off_row.events, vec!["ONCRMCONTACTADD", "ONCRMLEADADD"]);

    // CRM writes with a stamp raise their event; without one, or for users, none.
    let before = last_event_id(store).await;
    let lead = store
        .insert_record(&LEAD, lead_write("Outbox lead", Some(1_000), owner))
        .await
        .expect("add lead");
    store
        .insert_record(&LEAD, lead_write("Silent lead", None, owner))
        .await
        .expect("add silent lead");
    let name_pos = USER.index_of("NAME").expect("NAME");
    assert!(store
        .update_record(
            &USER,
            owner,
            RecordWrite {
                values: vec![(name_pos, FieldValue::Text("Renamed owner".to_owned()))],
                event: Some(EventStamp {
                    at: 1_000,
                    user_id: Some(owner),
                    auth_connector: None,
                }),
                ..RecordWrite::default()
            },
        )
        .await
        .expect("update user record"));
    // A write that fails (a link to a missing contact) records no event.
    let failing = RecordWrite {
        links: vec![LinkListWrite {
            target: CONTACT.code,
            links: vec![LinkChange::to(999_999)],
        }],
        event: Some(EventStamp {
            at: 1_001,
            user_id: Some(owner),
            auth_connector: None,
        }),
        ..RecordWrite::default()
    };
    assert!(store.insert_record(&DEAL, failing).await.is_err());
    assert!(store
        .update_record(&LEAD, lead, lead_write("Renamed", Some(1_002), owner))
        .await
        .expect("update lead"));
    assert!(!store
        .update_record(&LEAD, 999_999, lead_write("Nobody", Some(1_002), owner))
        .await
        .expect("update missing lead"));
    let stamp = Some(EventStamp {
        at: 1_003,
        user_id: None,
        auth_connector: None,
    });
    assert!(store
        .delete_record(&LEAD, lead, stamp.clone())
        .await
        .expect("delete"));
    assert!(!store
        .delete_record(&LEAD, lead, stamp)
        .await
        .expect("delete again"));
    let deal = store
        .insert_record(
            &DEAL,
            RecordWrite {
                event: Some(EventStamp {
                    at: 1_004,
                    user_id: Some(other),
                    auth_connector: None,
                }),
                ..RecordWrite::default()
            },
        )
        .await
        .expect("add deal");
    let fields = |id: i64| json!({ "FIELDS": { "ID": id } });
    let lead_s = || "LEAD".to_owned();
    assert_eq!(
        events_since(store, before).await,
        vec![
            (
                "ONCRMLEADADD".to_owned(),
                lead_s(),
                lead,
                fields(lead),
                Some(owner),
                1_000
            ),
            (
                "ONCRMLEADUPDATE".to_owned(),
                lead_s(),
                lead,
                fields(lead),
                Some(owner),
                1_002
            ),
            (
                "ONCRMLEADDELETE".to_owned(),
                lead_s(),
                lead,
                fields(lead),
                None,
                1_003
            ),
            (
                "ONCRMDEALADD".to_owned(),
                "DEAL".to_owned(),
                deal,
                fields(deal),
                Some(other),
                1_004
            ),
        ]
    );
    let events = store.events_after(before, 100).await.expect("events");
    assert_ne!(events[0].message_id, events[1].message_id);

    // Each event became one pending delivery per active subscribed webhook.
    let shape = |list: Vec<crate::Delivery>| {
        list.into_iter()
            .map(|d| {
                (
                    d.event_id,
                    d.state,
                    d.attempts,
                    d.next_attempt_at,
                    d.created_at,
                )
            })
            .collect::<Vec<_>>()
    };
    let pending = DeliveryState::Pending;
    assert_eq!(
        shape(
            store
                .list_deliveries(leads, DeliveryQuery::newest(10))
                .await
                .expect("lead deliveries")
        ),
        vec![
            (events[2].id, pending, 0, Some(1_003), 1_003),
            (events[1].id, pending, 0, Some(1_002), 1_002),
            (events[0].id, pending, 0, Some(1_000), 1_000),
        ]
    );
    assert_eq!(
        shape(
            store
                .list_deliveries(deals, DeliveryQuery::newest(10))
                .await
                .expect("deal deliveries")
        ),
        vec![(events[3].id, pending, 0, Some(1_004), 1_004)]
    );
    let codes: Vec<String> = store
        .list_deliveries(leads, DeliveryQuery::newest(10))
        .await
        .expect("codes")
        .into_iter()
        .map(|d| d.event_code)
        .collect();
    assert_eq!(
        codes,
        ["ONCRMLEADDELETE", "ONCRMLEADUPDATE", "ONCRMLEADADD"]
    );
    assert_eq!(
        store
            .list_deliveries(off, DeliveryQuery::newest(10))
            .await
            .expect("off"),
        vec![]
    );
    assert_eq!(
        store
            .list_deliveries(leads, DeliveryQuery::newest(1))
            .await
            .expect("newest")
            .len(),
        1
    );

    // Deleting a webhook takes its deliveries; the events stay.
    assert!(store.delete_outbound_webhook(leads).await.expect("delete"));
    assert!(!store
        .delete_outbound_webhook(leads)
        .await
        .expect("delete again"));
    assert_eq!(
        store.outbound_webhook_by_id(leads).await.expect("read"),
        None
    );
    assert_eq!(
        store
            .list_deliveries(leads, DeliveryQuery::newest(10))
            .await
            .expect("gone"),
        vec![]
    );
    assert_eq!(events_since(store, before).await.len(), 4);
    assert!(store
        .delete_outbound_webhook(deals)
        .await
        .expect("delete deals"));
    assert!(store
        .delete_outbound_webhook(off)
        .await
        .expect("delete off"));
}
