//! `crm.lead.*`: add, get, update, delete and fields with exact wire values, and the
//! multi-field add / update / delete rules.

use serde_json::{json, Value};

use crate::common::TestApp;

#[tokio::test]
async fn add_get_update_delete() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.lead.add",
            json!({"fields": {
                "TITLE": "IP Titov", "NAME": "Gleb", "LAST_NAME": "Titov", "STATUS_ID": "NEW",
                "OPENED": "Y", "ASSIGNED_BY_ID": 1, "CURRENCY_ID": "USD", "OPPORTUNITY": 12500,
                "BIRTHDATE": "1990-04-01", "UNKNOWN_FIELD": "ignored", "ID": 777,
                "PHONE": [{"VALUE": "555888", "VALUE_TYPE": "WORK"}],
                "WEB": [{"VALUE": "www.mysite.com", "VALUE_TYPE": "WORK"}]
            }, "params": {"REGISTER_SONET_EVENT": "Y"}}),
        )
        .await;
    assert!(id.is_u64(), "add returns an integer id: {id}");
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(lead["ID"], id.to_string());
    assert_eq!(lead["TITLE"], "IP Titov");
    assert_eq!(lead["OPPORTUNITY"], "12500.00");
    assert_eq!(lead["CURRENCY_ID"], "USD");
    assert_eq!(lead["STATUS_ID"], "NEW");
    assert_eq!(lead["STATUS_SEMANTIC_ID"], "P");
    assert_eq!(lead["ASSIGNED_BY_ID"], "1");
    assert_eq!(lead["CREATED_BY_ID"], "1");
    assert_eq!(lead["HAS_PHONE"], "Y");
    assert_eq!(lead["HAS_EMAIL"], "N");
    assert_eq!(lead["IS_RETURN_CUSTOMER"], "N");
    assert_eq!(lead["BIRTHDATE"], "1990-04-01T00:00:00+00:00");
    assert_eq!(lead["DATE_CLOSED"], "");
    assert_eq!(lead["SECOND_NAME"], Value::Null);
    assert!(lead["DATE_CREATE"].as_str().unwrap().ends_with("+00:00"));
    assert!(lead.get("UNKNOWN_FIELD").is_none());
    assert!(lead.get("EMAIL").is_none(), "empty multi-fields are absent");
    let phone = &lead["PHONE"][0];
    assert_eq!(phone["VALUE"], "555888");
    assert_eq!(phone["TYPE_ID"], "PHONE");
    assert!(phone["ID"].is_string());
    assert_eq!(lead["WEB"][0]["VALUE"], "www.mysite.com");

    let r = app
        .ok(
            "crm.lead.update",
            json!({"id": id, "fields": {"STATUS_ID": "CONVERTED", "COMPANY_ID": 5}}),
        )
        .await;
    assert_eq!(r, json!(true));
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(lead["STATUS_ID"], "CONVERTED");
    assert_eq!(lead["STATUS_SEMANTIC_ID"], "S");
    assert_ne!(lead["DATE_CLOSED"], "");
    assert_eq!(lead["IS_RETURN_CUSTOMER"], "Y");
    assert_eq!(lead["TITLE"], "IP Titov", "untouched fields stay");

    assert_eq!(
        app.ok("crm.lead.delete", json!({"id": id})).await,
        json!(true)
    );
    let r = app.call("crm.lead.get", json!({"id": id})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"error": "", "error_description": "Not found"})
    );
}

#[tokio::test]
async fn multi_fields_add_update_delete() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": "mf", "PHONE": [
                {"VALUE": "111", "VALUE_TYPE": "WORK"}, {"VALUE": "222", "VALUE_TYPE": "mobile"}]}}),
        )
        .await;
    let phones = |lead: &Value| -> Vec<(String, String)> {
        lead["PHONE"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p["VALUE"].as_str().unwrap().into(),
                            p["VALUE_TYPE"].as_str().unwrap().into(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(
        phones(&lead),
        [
            ("111".into(), "WORK".into()),
            ("222".into(), "MOBILE".into())
        ]
    );
    let first = lead["PHONE"][0]["ID"].clone();
    let second = lead["PHONE"][1]["ID"].clone();
    // Append one, change the first, delete the second.
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"PHONE": [
            {"VALUE": "333", "VALUE_TYPE": "HOME"},
            {"ID": first, "VALUE": "111-new"},
            {"ID": second, "VALUE": ""}
        ], "EMAIL": [{"VALUE": "x@example.com"}]}}),
    )
    .await;
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(
        phones(&lead),
        [
            ("111-new".into(), "WORK".into()),
            ("333".into(), "HOME".into())
        ]
    );
    assert_eq!(lead["EMAIL"][0]["VALUE_TYPE"], "WORK");
    assert_eq!(lead["HAS_EMAIL"], "Y");
    // DELETE=Y removes; an ID of another record is ignored.
    let other = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"PHONE": [{"VALUE": "999"}]}}),
        )
        .await;
    let other_phone = app.ok("crm.lead.get", json!({"id": other})).await["PHONE"][0]["ID"].clone();
    let keep = lead["PHONE"][0]["ID"].clone();
    let drop = lead["PHONE"][1]["ID"].clone();
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"PHONE": [{"ID": drop, "DELETE": "Y", "VALUE": "333"}, {"ID": other_phone, "VALUE": ""}]}}),
    )
    .await;
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(phones(&lead), [("111-new".into(), "WORK".into())]);
    assert_eq!(lead["PHONE"][0]["ID"], keep);
    let other_lead = app.ok("crm.lead.get", json!({"id": other})).await;
    assert_eq!(phones(&other_lead), [("999".into(), "WORK".into())]);
    // Removing the last phone clears HAS_PHONE.
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"PHONE": [{"ID": keep, "VALUE": ""}]}}),
    )
    .await;
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(lead["HAS_PHONE"], "N");
    assert!(lead.get("PHONE").is_none());
}

#[tokio::test]
async fn fields_describe_the_catalogue() {
    let app = TestApp::start().await;
    let fields = app.ok("crm.lead.fields", json!({})).await;
    assert_eq!(
        fields["ID"],
        json!({"type": "integer", "isRequired": false, "isReadOnly": true, "isImmutable": false,
               "isMultiple": false, "isDynamic": false, "title": "ID"})
    );
    assert_eq!(fields["STATUS_ID"]["type"], "crm_status");
    assert_eq!(fields["STATUS_ID"]["statusType"], "STATUS");
    assert_eq!(fields["PHONE"]["type"], "crm_multifield");
    assert_eq!(fields["PHONE"]["isMultiple"], true);
    assert_eq!(
        fields["COMPANY_ID"]["settings"],
        json!({"parentEntityTypeId": 4})
    );
    assert_eq!(fields["CONTACT_ID"]["isDeprecated"], true);
    assert_eq!(fields["OPPORTUNITY"]["type"], "double");
    assert_eq!(fields["DATE_CREATE"]["type"], "datetime");
    assert!(fields.as_object().unwrap().len() >= 55);
}
