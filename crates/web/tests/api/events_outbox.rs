//! The transactional outbox over HTTP: every CRM write through the legacy
//! methods, `crm.item.*` and `batch` records its Bitrix24 event (by the calling
//! user, at the server's clock) and one pending delivery per subscribed
//! outbound webhook; refused writes record nothing; workers claim them. The
//! Integrations list shows outbound webhooks to those who may see them.

use std::time::{SystemTime, UNIX_EPOCH};

use portico_store::events::record_event_codes;
use portico_store::{DeliveryQuery, NewOutboundWebhook, OutboundWebhookChange};
use serde_json::{json, Value};

use crate::common::TestApp;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// Subscribes an outbound webhook of user 1 to `events`; returns its id.
async fn subscribe(app: &TestApp, events: Vec<String>) -> i64 {
    subscribe_as(app, 1, "receiver", events).await
}

/// Subscribes an outbound webhook of `user_id` named `name` to `events`.
async fn subscribe_as(app: &TestApp, user_id: i64, name: &str, events: Vec<String>) -> i64 {
    app.store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id,
            name: name.into(),
            handler_url: "https://receiver.example/hook".into(),
            events,
            application_token_sealed: app.secrets.encrypt("app-token"),
            signing_secret_sealed: app.secrets.encrypt("whsec_c2VjcmV0"),
            single_attempt: false,
            created_at: 1_700_000_000,
        })
        .await
        .expect("outbound webhook")
}

fn id_of(v: Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("id expected, got {v}"))
}

#[tokio::test]
async fn crm_writes_through_every_api_record_their_events_and_deliveries() {
    let app = TestApp::start().await;
    let everything = subscribe(&app, record_event_codes()).await;
    let deal_updates = subscribe(&app, vec!["OnCrmDealUpdate".into()]).await;
    let started = now();

    let lead = id_of(
        app.ok("crm.lead.add", json!({"fields": {"TITLE": "Ev"}}))
            .await,
    );
    app.ok(
        "crm.lead.update",
        json!({"id": lead, "fields": {"TITLE": "Ev 2"}}),
    )
    .await;
    let deal = id_of(
        app.ok("crm.deal.add", json!({"fields": {"TITLE": "D"}}))
            .await,
    );
    let contact = id_of(
        app.ok("crm.contact.add", json!({"fields": {"NAME": "C"}}))
            .await,
    );
    let company = id_of(
        app.ok("crm.company.add", json!({"fields": {"TITLE": "K"}}))
            .await,
    );
    app.ok(
        "crm.item.update",
        json!({"entityTypeId": 3, "id": contact, "fields": {"name": "C 2"}}),
    )
    .await;
    let batch = app
        .ok(
            "batch",
            json!({"halt": 1, "cmd": {
                "u": format!("crm.deal.update?id={deal}&fields[TITLE]=B"),
                "d": format!("crm.lead.delete?id={lead}"),
            }}),
        )
        .await;
    assert_eq!(batch["result_error"], json!([]), "{batch}");
    app.ok("crm.item.delete", json!({"entityTypeId": 4, "id": company}))
        .await;

    // Refused writes raise nothing.
    for (method, body) in [
        (
            "crm.lead.update",
            json!({"id": 999_999, "fields": {"TITLE": "x"}}),
        ),
        ("crm.lead.delete", json!({"id": lead})),
        (
            "crm.deal.add",
            json!({"fields": {"CONTACT_IDS": [999_999]}}),
        ),
    ] {
        let r = app.call(method, body).await;
        assert_ne!(r.status, 200, "{method} should fail: {}", r.text);
    }
    let finished = now();

    let events = app.store.events_after(0, 100).await.expect("events");
    let got: Vec<(&str, &str, i64, &Value, Option<i64>)> = events
        .iter()
        .map(|e| {
            (
                e.code.as_str(),
                e.entity.as_str(),
                e.entity_id,
                &e.data,
                e.user_id,
            )
        })
        .collect();
    let fields = |id: i64| json!({"FIELDS": {"ID": id}});
    let (fl, fd, fc, fk) = (fields(lead), fields(deal), fields(contact), fields(company));
    assert_eq!(
        got,
        vec![
            ("ONCRMLEADADD", "LEAD", lead, &fl, Some(1)),
            ("ONCRMLEADUPDATE", "LEAD", lead, &fl, Some(1)),
            ("ONCRMDEALADD", "DEAL", deal, &fd, Some(1)),
            ("ONCRMCONTACTADD", "CONTACT", contact, &fc, Some(1)),
            ("ONCRMCOMPANYADD", "COMPANY", company, &fk, Some(1)),
            ("ONCRMCONTACTUPDATE", "CONTACT", contact, &fc, Some(1)),
            ("ONCRMDEALUPDATE", "DEAL", deal, &fd, Some(1)),
            ("ONCRMLEADDELETE", "LEAD", lead, &fl, Some(1)),
            ("ONCRMCOMPANYDELETE", "COMPANY", company, &fk, Some(1)),
        ]
    );
    assert!(events
        .iter()
        .all(|e| (started..=finished).contains(&e.created_at)));

    // One pending delivery per event and subscribed webhook, due at once.
    let all = app
        .store
        .list_deliveries(everything, DeliveryQuery::newest(100))
        .await
        .expect("list");
    assert_eq!(all.len(), 9);
    let only = app
        .store
        .list_deliveries(deal_updates, DeliveryQuery::newest(100))
        .await
        .expect("list");
    assert_eq!(only.len(), 1);
    let deal_update = &events[6];
    assert_eq!(only[0].event_id, deal_update.id);

    // A worker claims them with the event and where to send it.
    let claimed = app
        .store
        .claim_deliveries(finished, 30, 100)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 10);
    let to_deal_updates: Vec<_> = claimed
        .iter()
        .filter(|c| c.webhook.id == deal_updates)
        .collect();
    assert_eq!(to_deal_updates.len(), 1);
    let c = to_deal_updates[0];
    assert_eq!(c.event, *deal_update);
    assert_eq!(c.attempt, 1);
    assert_eq!(c.webhook.handler_url, "https://receiver.example/hook");
    assert_eq!(
        app.secrets
            .decrypt(&c.webhook.signing_secret_sealed)
            .expect("unseal")
            .as_str(),
        "whsec_c2VjcmV0"
    );
}

#[tokio::test]
async fn an_event_names_the_user_whose_webhook_made_the_change() {
    let app = TestApp::start().await;
    let hook = subscribe(&app, vec!["ONCRMLEADADD".into()]).await;
    let bob = app.add_user("bob", false).await;
    let bobs = app.webhook(bob, &["crm"], None).await;
    let r = app
        .call_on(&bobs, "crm.lead.add", json!({"fields": {"TITLE": "Bob's"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let lead = id_of(r.json()["result"].clone());
    let events = app.store.events_after(0, 10).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(
        (
            events[0].code.as_str(),
            events[0].entity_id,
            events[0].user_id
        ),
        ("ONCRMLEADADD", lead, Some(bob))
    );
    assert_eq!(
        app.store
            .list_deliveries(hook, DeliveryQuery::newest(10))
            .await
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test]
async fn the_integrations_list_shows_outbound_webhooks_to_whom_may_see_them() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let carol = app.add_user("carol", false).await;
    let bobs = subscribe_as(
        &app,
        bob,
        "<script>bob</script>",
        vec!["ONCRMLEADADD".into(), "ONCRMDEALUPDATE".into()],
    )
    .await;
    let carols = subscribe_as(
        &app,
        carol,
        "Carol receiver",
        vec!["ONCRMCONTACTADD".into()],
    )
    .await;
    let off = OutboundWebhookChange {
        name: "Carol receiver".into(),
        handler_url: "https://receiver.example/hook".into(),
        events: vec!["ONCRMCONTACTADD".into()],
        active: false,
        single_attempt: false,
        at: 1_700_000_100,
    };
    assert!(app
        .store
        .update_outbound_webhook(carols, off)
        .await
        .unwrap());

    let bob_ui = app.sign_in_as(bob).await;
    let list = bob_ui.get("/developer/integrations").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.contains(&format!("data-outbound-id=\"{bobs}\"")),
        "{}",
        list.body
    );
    assert!(list.contains("Outbound webhook"));
    assert!(list.contains("ONCRMDEALUPDATE, ONCRMLEADADD"));
    assert!(list.contains("&lt;script&gt;bob") && !list.contains("<script>bob"));
    assert!(!list.contains(&format!("data-outbound-id=\"{carols}\"")));
    assert!(!list.contains("Carol receiver"));
    assert!(
        !list.contains("receiver.example"),
        "handler URLs are not listed"
    );

    let admin = app.sign_in_as(1).await;
    let all = admin.get("/developer/integrations").await;
    for id in [bobs, carols] {
        assert!(
            all.contains(&format!("data-outbound-id=\"{id}\"")),
            "{}",
            all.body
        );
    }
    assert!(all.contains("ONCRMCONTACTADD") && all.contains("(switched off)"));
    assert!(all.contains("carol name carol last"));
}
