//! The single-record reads (`crm.{lead,deal,contact,company}.get`) write their
//! record straight into the JSON answer; a `batch` sub-call renders the same
//! record through a value map. Both must give the same bytes, for records with
//! every kind of standard field, all multi-fields, links and user fields of
//! every type.

use serde_json::{json, Value};

use crate::common::TestApp;

/// User fields of every scalar type, one of them multiple, on `entity`.
async fn add_user_fields(app: &TestApp, entity: &str) {
    let fields = [
        json!({"FIELD_NAME": "NOTE", "USER_TYPE_ID": "string"}),
        json!({"FIELD_NAME": "TAGS", "USER_TYPE_ID": "string", "MULTIPLE": "Y"}),
        json!({"FIELD_NAME": "SEATS", "USER_TYPE_ID": "integer"}),
        json!({"FIELD_NAME": "RATE", "USER_TYPE_ID": "double"}),
        json!({"FIELD_NAME": "VIP", "USER_TYPE_ID": "boolean"}),
        json!({"FIELD_NAME": "SIGNED", "USER_TYPE_ID": "date"}),
        json!({"FIELD_NAME": "MET", "USER_TYPE_ID": "datetime"}),
        json!({"FIELD_NAME": "SITE", "USER_TYPE_ID": "url"}),
        json!({"FIELD_NAME": "BUDGET", "USER_TYPE_ID": "money"}),
        json!({"FIELD_NAME": "OWNER", "USER_TYPE_ID": "employee"}),
        json!({"FIELD_NAME": "EMPTY", "USER_TYPE_ID": "string"}),
    ];
    for fields in fields {
        app.ok(
            &format!("crm.{entity}.userfield.add"),
            json!({ "fields": fields }),
        )
        .await;
    }
}

/// Values for the user fields of [`add_user_fields`] (`EMPTY` left unset).
fn user_field_values() -> Value {
    json!({
        "UF_CRM_NOTE": "line one\nline \"two\" \\ é ✓ \u{1}",
        "UF_CRM_TAGS": ["a", "b", "ç"],
        "UF_CRM_SEATS": 42,
        "UF_CRM_RATE": 2.5,
        "UF_CRM_VIP": "Y",
        "UF_CRM_SIGNED": "2024-05-06",
        "UF_CRM_MET": "2024-05-06T10:20:30+02:00",
        "UF_CRM_SITE": "https://example.com/?a=1&b=<2>",
        "UF_CRM_BUDGET": "100.50|USD",
        "UF_CRM_OWNER": 1,
    })
}

/// Every multi-field kind, two entries of one of them.
fn multi_fields() -> Value {
    json!({
        "PHONE": [{"VALUE": "+1 555 0100", "VALUE_TYPE": "WORK"},
                  {"VALUE": "+1 555 0199", "VALUE_TYPE": "MOBILE"}],
        "EMAIL": [{"VALUE": "a@example.com", "VALUE_TYPE": "HOME"}],
        "WEB": [{"VALUE": "www.example.com", "VALUE_TYPE": "WORK"}],
        "IM": [{"VALUE": "handle", "VALUE_TYPE": "TELEGRAM"}],
    })
}

/// Adds a record of `entity` with `fields` plus every user field and
/// multi-field; answers its id.
async fn add_record(app: &TestApp, entity: &str, fields: Value) -> i64 {
    let mut all = fields;
    let object = all.as_object_mut().expect("fields object");
    for extra in [user_field_values(), multi_fields()] {
        object.extend(extra.as_object().expect("object").clone());
    }
    app.ok(&format!("crm.{entity}.add"), json!({ "fields": all }))
        .await
        .as_i64()
        .expect("id")
}

/// The `result` of a direct `crm.{entity}.get` exactly as sent, and the same
/// record as a `batch` sub-call renders it, written back to JSON.
async fn both_answers(app: &TestApp, entity: &str, id: i64) -> (String, String) {
    let direct = app
        .call(&format!("crm.{entity}.get"), json!({ "id": id }))
        .await;
    assert_eq!(direct.status, 200, "{}", direct.text);
    let result = direct
        .text
        .strip_prefix(r#"{"result":"#)
        .and_then(|rest| rest.rfind(r#","time":{"#).map(|end| &rest[..end]))
        .unwrap_or_else(|| panic!("unexpected envelope: {}", direct.text))
        .to_string();
    let batch = app
        .ok(
            "batch",
            json!({"halt": 1, "cmd": {"g": format!("crm.{entity}.get?id={id}")}}),
        )
        .await;
    let through_map = serde_json::to_string(&batch["result"]["g"]).expect("serialise");
    (result, through_map)
}

#[tokio::test]
async fn direct_get_answers_are_the_bytes_of_the_map_path() {
    let app = TestApp::start().await;
    for entity in ["lead", "deal", "contact", "company"] {
        add_user_fields(&app, entity).await;
    }
    let company = add_record(
        &app,
        "company",
        json!({"TITLE": "Ünïcode \"Co\" </script>", "COMPANY_TYPE": "CUSTOMER",
               "REVENUE": 1234567.891, "OPENED": "Y", "COMMENTS": "tab\there"}),
    )
    .await;
    let contact = add_record(
        &app,
        "contact",
        json!({"NAME": "Ann", "LAST_NAME": "O'Neil", "BIRTHDATE": "1990-04-01",
               "EXPORT": "N", "COMPANY_ID": company}),
    )
    .await;
    app.ok(
        "crm.contact.company.add",
        json!({"id": contact, "fields": {"COMPANY_ID": company}}),
    )
    .await;
    let lead = add_record(
        &app,
        "lead",
        json!({"TITLE": "Lead \u{2028} ✓", "NAME": "Gleb", "STATUS_ID": "NEW",
               "OPPORTUNITY": 12500, "CURRENCY_ID": "USD", "BIRTHDATE": "1985-12-31",
               "OPENED": "N", "ASSIGNED_BY_ID": 1, "CONTACT_ID": contact}),
    )
    .await;
    let deal = add_record(
        &app,
        "deal",
        json!({"TITLE": "Deal", "OPPORTUNITY": 99.999, "CURRENCY_ID": "EUR",
               "CLOSEDATE": "2025-01-31", "COMPANY_ID": company, "CONTACT_ID": contact,
               "LEAD_ID": lead, "PROBABILITY": 40}),
    )
    .await;
    app.ok(
        "crm.deal.contact.add",
        json!({"id": deal, "fields": {"CONTACT_ID": contact, "IS_PRIMARY": "Y"}}),
    )
    .await;
    // A record with nothing but its defaults: empty dates, no multi-fields.
    let bare = app
        .ok("crm.lead.add", json!({"fields": {"TITLE": "bare"}}))
        .await
        .as_i64()
        .expect("id");

    for (entity, id) in [
        ("company", company),
        ("contact", contact),
        ("lead", lead),
        ("deal", deal),
        ("lead", bare),
    ] {
        let (direct, through_map) = both_answers(&app, entity, id).await;
        assert_eq!(direct, through_map, "crm.{entity}.get {id}");
        let record: Value = serde_json::from_str(&direct).expect("result is JSON");
        assert_eq!(record["ID"], json!(id.to_string()), "{entity}");
        if id != bare {
            assert_eq!(record["UF_CRM_TAGS"], json!(["a", "b", "ç"]), "{entity}");
        }
        if id != bare && entity != "deal" {
            assert_eq!(
                record["PHONE"].as_array().map(Vec::len),
                Some(2),
                "{entity}"
            );
            assert_eq!(record["IM"][0]["TYPE_ID"], "IM", "{entity}");
        }
    }
    let contact_record: Value =
        serde_json::from_str(&both_answers(&app, "contact", contact).await.0).expect("JSON");
    assert_eq!(contact_record["COMPANY_IDS"], json!([company.to_string()]));

    // The XML transport still answers the record.
    let xml = app
        .get(&format!("{}crm.lead.get.xml?id={lead}", app.hook))
        .await;
    assert_eq!(xml.status, 200, "{}", xml.text);
    assert!(xml.text.contains("<TITLE>"), "{}", xml.text);
}
