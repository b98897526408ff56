//! Events of writes other than CRM record writes, over HTTP: `user.add` records
//! `ONUSERADD` with the new user's fields as `user.get` shows them (`ACTIVE`
//! as `Y`), `crm.{e}.userfield.*` record `ONCRM{E}USERFIELD…` (with
//! `…SETENUMVALUES` when the list items change), link-only methods record the
//! `…UPDATE` of the method's record; each with one delivery per subscriber,
//! inside `batch` too, and nothing for a refused write.

use portico_store::{Event, NewOutboundWebhook};
use serde_json::{json, Value};

use crate::common::TestApp;

/// Subscribes an outbound webhook of the administrator to `events`.
async fn subscribe(app: &TestApp, events: &[&str]) -> i64 {
    app.store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: 1,
            name: "receiver".into(),
            handler_url: "https://receiver.example/hook".into(),
            events: events.iter().map(|e| (*e).to_owned()).collect(),
            application_token_sealed: app.secrets.encrypt("app-token"),
            signing_secret_sealed: app.secrets.encrypt("whsec_c2VjcmV0"),
            single_attempt: false,
            created_at: 1_700_000_000,
        })
        .await
        .expect("outbound webhook")
}

fn id_of(v: &Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("id expected, got {v}"))
}

/// Every recorded event, oldest first.
async fn events(app: &TestApp) -> Vec<Event> {
    app.store.events_after(0, 100).await.expect("events")
}

/// `(code, entity, entity_id, data)` of every recorded event, by the
/// administrator (the webhook's user).
async fn rows(app: &TestApp) -> Vec<(String, String, i64, Value)> {
    let events = events(app).await;
    assert!(events.iter().all(|e| e.user_id == Some(1)), "{events:?}");
    events
        .into_iter()
        .map(|e| (e.code, e.entity, e.entity_id, e.data))
        .collect()
}

/// The ids of the events delivered to `hook`, oldest first.
async fn delivered(app: &TestApp, hook: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = app
        .store
        .list_deliveries(hook, portico_store::DeliveryQuery::newest(100))
        .await
        .expect("deliveries")
        .into_iter()
        .map(|d| d.event_id)
        .collect();
    ids.reverse();
    ids
}

#[tokio::test]
async fn user_add_records_onuseradd_with_the_new_users_fields() {
    let app = TestApp::start().await;
    let hook = subscribe(&app, &["OnUserAdd"]).await;
    let fields = app.webhook(1, &["user.userfield"], None).await;
    let shirt = app
        .call_on(
            &fields,
            "user.userfield.add",
            json!({"fields": {"FIELD_NAME": "SHIRT", "USER_TYPE_ID": "string"}}),
        )
        .await;
    assert_eq!(shirt.status, 200, "{}", shirt.text);
    let ana = id_of(
        &app.ok(
            "user.add",
            json!({"EMAIL": "ana@example.com", "NAME": "Ana", "LAST_NAME": "Lima",
                   "PERSONAL_GENDER": "F", "WORK_POSITION": "Developer", "UF_USR_SHIRT": "M"}),
        )
        .await,
    );
    let batch = app
        .ok(
            "batch",
            json!({"cmd": {"u": "user.add?EMAIL=bia@example.com&NAME=Bia"}}),
        )
        .await;
    assert_eq!(batch["result_error"], json!([]), "{batch}");
    let bia = id_of(&batch["result"]["u"]);
    let taken = app
        .call("user.add", json!({"EMAIL": "ANA@example.com"}))
        .await;
    assert_eq!(taken.status, 400, "{}", taken.text);

    let events = events(&app).await;
    let got: Vec<(&str, &str, i64)> = events
        .iter()
        .map(|e| (e.code.as_str(), e.entity.as_str(), e.entity_id))
        .collect();
    assert_eq!(
        got,
        [("ONUSERADD", "USER", ana), ("ONUSERADD", "USER", bia)]
    );
    let data = &events[0].data;
    assert_eq!(data["ID"], json!(ana.to_string()));
    assert_eq!(data["ACTIVE"], json!("Y"));
    assert_eq!(data["EMAIL"], json!("ana@example.com"));
    assert_eq!(data["NAME"], json!("Ana"));
    assert_eq!(data["PERSONAL_GENDER"], json!("F"));
    assert_eq!(data["UF_DEPARTMENT"], json!([1]));
    assert_eq!(data["UF_USR_SHIRT"], json!("M"), "profile fields too");
    // Every other field as user.get shows it; no password or secret.
    let shown = app.ok("user.get", json!({"FILTER": {"ID": ana}})).await;
    let shown = shown[0].as_object().expect("row");
    let data = data.as_object().expect("data");
    assert_eq!(
        data.keys().collect::<Vec<_>>(),
        shown.keys().collect::<Vec<_>>()
    );
    for (key, value) in shown {
        if key != "ACTIVE" {
            assert_eq!(&data[key], value, "{key}");
        }
    }
    assert!(!data.keys().any(|k| k.contains("PASSWORD")));
    assert_eq!(events[1].data["NAME"], json!("Bia"));
    assert_eq!(
        delivered(&app, hook).await,
        events.iter().map(|e| e.id).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn userfield_writes_record_their_events_with_list_changes() {
    let app = TestApp::start().await;
    let hook = subscribe(
        &app,
        &[
            "ONCRMDEALUSERFIELDADD",
            "ONCRMDEALUSERFIELDUPDATE",
            "ONCRMDEALUSERFIELDDELETE",
            "ONCRMDEALUSERFIELDSETENUMVALUES",
        ],
    )
    .await;
    let color = id_of(
        &app.ok(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "COLOR", "USER_TYPE_ID": "enumeration",
                              "LIST": [{"VALUE": "Red"}, {"VALUE": "Blue"}]}}),
        )
        .await,
    );
    let note = id_of(
        &app.ok(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "NOTE", "USER_TYPE_ID": "string"}}),
        )
        .await,
    );
    // A label change only: UPDATE without SETENUMVALUES.
    app.ok(
        "crm.deal.userfield.update",
        json!({"id": color, "fields": {"EDIT_FORM_LABEL": "Colour"}}),
    )
    .await;
    let batch = app
        .ok(
            "batch",
            json!({"cmd": {
                "u": format!("crm.deal.userfield.update?id={color}&fields[LIST][0][VALUE]=Green"),
                "d": format!("crm.deal.userfield.delete?id={note}"),
            }}),
        )
        .await;
    assert_eq!(batch["result_error"], json!([]), "{batch}");
    // Refused writes record nothing.
    let taken = app
        .call(
            "crm.deal.userfield.add",
            json!({"fields": {"FIELD_NAME": "COLOR", "USER_TYPE_ID": "string"}}),
        )
        .await;
    assert_ne!(taken.status, 200, "{}", taken.text);
    let gone = app
        .call("crm.deal.userfield.delete", json!({"id": note}))
        .await;
    assert_ne!(gone.status, 200, "{}", gone.text);

    let field = |id: i64, name: &str| json!({"FIELDS": {"ID": id, "ENTITY_ID": "CRM_DEAL", "FIELD_NAME": name}});
    let row = |code: &str, id: i64, name: &str| {
        (
            code.to_owned(),
            "DEAL_USERFIELD".to_owned(),
            id,
            field(id, name),
        )
    };
    assert_eq!(
        rows(&app).await,
        vec![
            row("ONCRMDEALUSERFIELDADD", color, "UF_CRM_COLOR"),
            row("ONCRMDEALUSERFIELDSETENUMVALUES", color, "UF_CRM_COLOR"),
            row("ONCRMDEALUSERFIELDADD", note, "UF_CRM_NOTE"),
            row("ONCRMDEALUSERFIELDUPDATE", color, "UF_CRM_COLOR"),
            row("ONCRMDEALUSERFIELDUPDATE", color, "UF_CRM_COLOR"),
            row("ONCRMDEALUSERFIELDSETENUMVALUES", color, "UF_CRM_COLOR"),
            row("ONCRMDEALUSERFIELDDELETE", note, "UF_CRM_NOTE"),
        ]
    );
    assert_eq!(delivered(&app, hook).await.len(), 7);
}

#[tokio::test]
async fn link_only_writes_record_the_update_of_the_methods_record() {
    let app = TestApp::start().await;
    let hook = subscribe(
        &app,
        &[
            "ONCRMDEALUPDATE",
            "ONCRMCOMPANYUPDATE",
            "ONCRMCONTACTUPDATE",
        ],
    )
    .await;
    let deal = id_of(
        &app.ok("crm.deal.add", json!({"fields": {"TITLE": "D"}}))
            .await,
    );
    let contact = id_of(
        &app.ok("crm.contact.add", json!({"fields": {"NAME": "C"}}))
            .await,
    );
    let company = id_of(
        &app.ok("crm.company.add", json!({"fields": {"TITLE": "K"}}))
            .await,
    );

    app.ok(
        "crm.deal.contact.add",
        json!({"id": deal, "fields": {"CONTACT_ID": contact}}),
    )
    .await;
    app.ok(
        "crm.company.contact.add",
        json!({"id": company, "fields": {"CONTACT_ID": contact}}),
    )
    .await;
    let batch = app
        .ok(
            "batch",
            json!({"cmd": {
                "s": format!("crm.deal.contact.items.set?id={deal}&items[0][CONTACT_ID]={contact}"),
                "d": format!("crm.contact.company.delete?id={contact}&fields[COMPANY_ID]={company}"),
            }}),
        )
        .await;
    assert_eq!(batch["result_error"], json!([]), "{batch}");
    // Nothing changed, or refused: nothing recorded.
    app.ok(
        "crm.contact.company.delete",
        json!({"id": contact, "fields": {"COMPANY_ID": company}}),
    )
    .await;
    let missing = app
        .call(
            "crm.deal.contact.add",
            json!({"id": deal, "fields": {"CONTACT_ID": 999_999}}),
        )
        .await;
    assert_ne!(missing.status, 200, "{}", missing.text);

    let row = |code: &str, entity: &str, id: i64| {
        (
            code.to_owned(),
            entity.to_owned(),
            id,
            json!({"FIELDS": {"ID": id}}),
        )
    };
    assert_eq!(
        rows(&app).await,
        vec![
            row("ONCRMDEALUPDATE", "DEAL", deal),
            row("ONCRMCOMPANYUPDATE", "COMPANY", company),
            row("ONCRMDEALUPDATE", "DEAL", deal),
            row("ONCRMCONTACTUPDATE", "CONTACT", contact),
        ]
    );
    assert_eq!(delivered(&app, hook).await.len(), 4);
}

#[tokio::test]
async fn a_user_added_on_the_users_page_records_onuseradd_by_the_administrator() {
    let app = TestApp::start().await;
    let hook = subscribe(&app, &["ONUSERADD"]).await;
    let admin = app.sign_in_as(1).await;
    let fields = [
        ("login", "bia"),
        ("name", "Bia"),
        ("last_name", "Reis"),
        ("email", "bia@example.com"),
        ("password", "bia-password-1"),
    ];
    let done = admin.submit("/users", "/users", &fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let bia = app
        .store
        .user_by_login("bia")
        .await
        .expect("read")
        .expect("added");
    let recorded = rows(&app).await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let (code, entity, entity_id, data) = &recorded[0];
    assert_eq!(
        (code.as_str(), entity.as_str(), *entity_id),
        ("ONUSERADD", "USER", bia.id)
    );
    assert_eq!(data["ID"], json!(bia.id.to_string()));
    assert_eq!(data["NAME"], json!("Bia"));
    assert_eq!(data["LAST_NAME"], json!("Reis"));
    assert_eq!(data["EMAIL"], json!("bia@example.com"));
    assert_eq!(data["ACTIVE"], json!("Y"));
    assert!(data.get("PASSWORD").is_none() && data.get("password_hash").is_none());
    assert_eq!(delivered(&app, hook).await, vec![events(&app).await[0].id]);
}
