//! `crm.contact.*` and `crm.company.*`: required names and titles, defaults,
//! multi-fields, the contact's `COMPANY_IDS` and the company's `CONTACT_ID`
//! lists in `get`, the mirrored `COMPANY_ID`, filters, field descriptors and the
//! error cases, with exact wire values.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// Adds a company and returns its id.
async fn company(app: &TestApp, title: &str) -> i64 {
    app.ok("crm.company.add", json!({"fields": {"TITLE": title}}))
        .await
        .as_i64()
        .expect("company id")
}

/// Adds a contact and returns its id.
async fn contact(app: &TestApp, fields: Value) -> i64 {
    app.ok("crm.contact.add", json!({ "fields": fields }))
        .await
        .as_i64()
        .expect("contact id")
}

/// Ids as the legacy `get` writes them.
fn strings(ids: &[i64]) -> Value {
    Value::from(ids.iter().map(|i| i.to_string()).collect::<Vec<_>>())
}

#[tokio::test]
async fn contact_add_get_update_delete() {
    let app = TestApp::start().await;
    let id = contact(
        &app,
        json!({"NAME": "Ana", "LAST_NAME": "Souza", "POST": "CTO", "TYPE_ID": "CLIENT",
               "BIRTHDATE": "1990-04-01", "HAS_EMAIL": "N", "CREATED_BY_ID": 7,
               "EMAIL": [{"VALUE": "ana@example.com", "VALUE_TYPE": "WORK"}],
               "PHONE": [{"VALUE": "+5511999990000"}]}),
    )
    .await;
    let c = app.ok("crm.contact.get", json!({"id": id})).await;
    assert_eq!(c["ID"], json!(id.to_string()));
    assert_eq!(c["NAME"], "Ana");
    assert_eq!(c["LAST_NAME"], "Souza");
    assert_eq!(c["SECOND_NAME"], Value::Null);
    assert_eq!(c["POST"], "CTO");
    assert_eq!(c["TYPE_ID"], "CLIENT");
    assert_eq!(c["BIRTHDATE"], "1990-04-01T00:00:00+00:00");
    assert_eq!(c["OPENED"], "Y");
    assert_eq!(c["EXPORT"], "Y");
    assert_eq!(c["HAS_EMAIL"], "Y");
    assert_eq!(c["HAS_PHONE"], "Y");
    assert_eq!(c["HAS_IMOL"], "N");
    assert_eq!(c["ASSIGNED_BY_ID"], "1");
    assert_eq!(c["CREATED_BY_ID"], "1", "read-only fields are not written");
    assert_eq!(c["MODIFY_BY_ID"], "1");
    assert_eq!(c["COMPANY_ID"], Value::Null);
    assert_eq!(c["COMPANY_IDS"], json!([]));
    assert_eq!(c["LEAD_ID"], Value::Null);
    assert_eq!(c["EMAIL"][0]["VALUE"], "ana@example.com");
    assert_eq!(c["EMAIL"][0]["TYPE_ID"], "EMAIL");
    assert_eq!(c["PHONE"][0]["VALUE_TYPE"], "WORK");
    assert_eq!(
        c.get("PHOTO"),
        Some(&Value::Null),
        "read-only, answered empty"
    );
    assert!(c.get("FACE_ID").is_none());

    // A last name alone is enough; clearing both names is refused.
    let other = contact(&app, json!({"LAST_NAME": "Only"})).await;
    let r = app
        .call(
            "crm.contact.update",
            json!({"id": other, "fields": {"LAST_NAME": ""}}),
        )
        .await;
    assert_error(&r, 400, "", "Field 'NAME' or 'LAST_NAME' is required.");
    assert_eq!(
        app.ok(
            "crm.contact.update",
            json!({"id": other, "fields": {"NAME": "Now", "LAST_NAME": ""}})
        )
        .await,
        json!(true)
    );
    let c = app.ok("crm.contact.get", json!({"id": other})).await;
    assert_eq!((&c["NAME"], &c["LAST_NAME"]), (&json!("Now"), &Value::Null));
    for fields in [
        json!({}),
        json!({"NAME": "", "LAST_NAME": "  "}),
        json!({"SECOND_NAME": "Middle"}),
    ] {
        let r = app
            .call("crm.contact.add", json!({ "fields": fields }))
            .await;
        assert_error(&r, 400, "", "Field 'NAME' or 'LAST_NAME' is required.");
    }

    assert_eq!(
        app.ok("crm.contact.delete", json!({"id": id})).await,
        json!(true)
    );
    let r = app.call("crm.contact.get", json!({"id": id})).await;
    assert_error(&r, 400, "", "Not found");
}

#[tokio::test]
async fn company_add_get_update_delete() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.company.add",
            json!({"fields": {"TITLE": "ACME Ltda", "COMPANY_TYPE": "CUSTOMER", "INDUSTRY": "IT",
                   "EMPLOYEES": "EMPLOYEES_2", "REVENUE": 2500000, "IS_MY_COMPANY": "N",
                   "REG_ADDRESS_CITY": "São Paulo",
                   "PHONE": [{"VALUE": "+551130000000", "VALUE_TYPE": "WORK"}]}}),
        )
        .await
        .as_i64()
        .unwrap();
    let k = app.ok("crm.company.get", json!({"id": id})).await;
    assert_eq!(k["ID"], json!(id.to_string()));
    assert_eq!(k["TITLE"], "ACME Ltda");
    assert_eq!(k["COMPANY_TYPE"], "CUSTOMER");
    assert_eq!(k["INDUSTRY"], "IT");
    assert_eq!(k["EMPLOYEES"], "EMPLOYEES_2");
    assert_eq!(k["REVENUE"], "2500000.00");
    assert_eq!(k["CURRENCY_ID"], "USD");
    assert_eq!(k["OPENED"], "Y");
    assert_eq!(k["IS_MY_COMPANY"], "N");
    assert_eq!(k["REG_ADDRESS_CITY"], "São Paulo");
    assert_eq!(k["HAS_PHONE"], "Y");
    assert_eq!(k["HAS_EMAIL"], "N");
    assert_eq!(k["ASSIGNED_BY_ID"], "1");
    assert_eq!(k["CREATED_BY_ID"], "1");
    assert_eq!(k["LAST_COMMUNICATION_TIME"], Value::Null);
    assert_eq!(k["CONTACT_ID"], json!([]));
    assert_eq!(k["PHONE"][0]["VALUE"], "+551130000000");
    assert_eq!(
        k.get("LOGO"),
        Some(&Value::Null),
        "read-only, answered empty"
    );

    for fields in [json!({}), json!({"TITLE": ""}), json!({"COMMENTS": "x"})] {
        let r = app
            .call("crm.company.add", json!({ "fields": fields }))
            .await;
        assert_error(&r, 400, "", "Field 'TITLE' is required.");
    }
    let r = app
        .call(
            "crm.company.update",
            json!({"id": id, "fields": {"TITLE": ""}}),
        )
        .await;
    assert_error(&r, 400, "", "Field 'TITLE' is required.");
    app.ok(
        "crm.company.update",
        json!({"id": id, "fields": {"COMMENTS": "Key account", "REVENUE": "10.5"}}),
    )
    .await;
    let k = app.ok("crm.company.get", json!({"id": id})).await;
    assert_eq!(
        (&k["TITLE"], &k["COMMENTS"], &k["REVENUE"]),
        (&json!("ACME Ltda"), &json!("Key account"), &json!("10.50"))
    );

    assert_eq!(
        app.ok("crm.company.delete", json!({"id": id})).await,
        json!(true)
    );
    for (method, body) in [
        ("crm.company.get", json!({"id": id})),
        ("crm.company.delete", json!({"id": id})),
        (
            "crm.company.update",
            json!({"id": id, "fields": {"TITLE": "x"}}),
        ),
    ] {
        let r = app.call(method, body).await;
        assert_error(&r, 400, "", "Company is not found");
    }
}

#[tokio::test]
async fn contact_companies_and_company_contacts_in_get() {
    let app = TestApp::start().await;
    let k1 = company(&app, "First").await;
    let k2 = company(&app, "Second").await;
    let c1 = contact(&app, json!({"NAME": "One", "COMPANY_IDS": [k2, k1]})).await;
    let c = app.ok("crm.contact.get", json!({"id": c1})).await;
    assert_eq!(c["COMPANY_IDS"], strings(&[k2, k1]));
    assert_eq!(
        c["COMPANY_ID"],
        json!(k2.to_string()),
        "the primary company"
    );
    // The legacy single COMPANY_ID links one company.
    let c2 = contact(&app, json!({"NAME": "Two", "COMPANY_ID": k1})).await;
    let c = app.ok("crm.contact.get", json!({"id": c2})).await;
    assert_eq!(c["COMPANY_IDS"], strings(&[k1]));
    assert_eq!(c["COMPANY_ID"], json!(k1.to_string()));

    // A company lists its contacts by id.
    let k = app.ok("crm.company.get", json!({"id": k1})).await;
    assert_eq!(k["CONTACT_ID"], strings(&[c1, c2]));
    let k = app.ok("crm.company.get", json!({"id": k2})).await;
    assert_eq!(k["CONTACT_ID"], strings(&[c1]));

    // Writing the company's list links and unlinks those contacts.
    let c3 = contact(&app, json!({"LAST_NAME": "Three"})).await;
    app.ok(
        "crm.company.update",
        json!({"id": k2, "fields": {"CONTACT_ID": [c3, c2]}}),
    )
    .await;
    let k = app.ok("crm.company.get", json!({"id": k2})).await;
    assert_eq!(k["CONTACT_ID"], strings(&[c2, c3]));
    let c = app.ok("crm.contact.get", json!({"id": c1})).await;
    assert_eq!(c["COMPANY_IDS"], strings(&[k1]));
    assert_eq!(c["COMPANY_ID"], json!(k1.to_string()), "primary passed on");
    let c = app.ok("crm.contact.get", json!({"id": c2})).await;
    assert_eq!(c["COMPANY_IDS"], strings(&[k1, k2]), "appended after k1");
    assert_eq!(c["COMPANY_ID"], json!(k1.to_string()));
    let c = app.ok("crm.contact.get", json!({"id": c3})).await;
    assert_eq!(c["COMPANY_ID"], json!(k2.to_string()));
    // A company created with contacts.
    let k3 = app
        .ok(
            "crm.company.add",
            json!({"fields": {"TITLE": "Third", "CONTACT_ID": [c3]}}),
        )
        .await
        .as_i64()
        .unwrap();
    assert_eq!(
        app.ok("crm.company.get", json!({"id": k3})).await["CONTACT_ID"],
        strings(&[c3])
    );

    // Unknown linked records are refused, naming them.
    let r = app
        .call(
            "crm.contact.add",
            json!({"fields": {"NAME": "Ghost", "COMPANY_IDS": [k1, 999]}}),
        )
        .await;
    assert_error(&r, 400, "", "Company with ID 999 is not found.");
    let r = app
        .call(
            "crm.company.update",
            json!({"id": k1, "fields": {"CONTACT_ID": [998]}}),
        )
        .await;
    assert_error(&r, 400, "", "Contact with ID 998 is not found.");
    assert_eq!(
        app.ok("crm.company.get", json!({"id": k1})).await["CONTACT_ID"],
        strings(&[c1, c2])
    );
}

#[tokio::test]
async fn lists_filter_on_company_and_multi_fields() {
    let app = TestApp::start().await;
    let k1 = company(&app, "Alpha Industries").await;
    let k2 = company(&app, "Beta Labs").await;
    let a = contact(&app, json!({"NAME": "A", "COMPANY_IDS": [k1]})).await;
    let b = contact(&app, json!({"NAME": "B", "COMPANY_IDS": [k2, k1]})).await;
    let c = contact(
        &app,
        json!({"NAME": "C", "EMAIL": [{"VALUE": "c@example.com"}]}),
    )
    .await;
    let ids = |page: &Value| -> Vec<i64> {
        page.as_array()
            .unwrap()
            .iter()
            .map(|r| r["ID"].as_str().unwrap().parse().unwrap())
            .collect()
    };
    let list = |filter: Value| {
        app.ok(
            "crm.contact.list",
            json!({"filter": filter, "order": {"ID": "ASC"}, "select": ["ID", "COMPANY_ID"]}),
        )
    };
    // COMPANY_ID is the primary company.
    assert_eq!(ids(&list(json!({"COMPANY_ID": k1})).await), vec![a]);
    assert_eq!(ids(&list(json!({"COMPANY_ID": k2})).await), vec![b]);
    assert_eq!(ids(&list(json!({"COMPANY_ID": ""})).await), vec![c]);
    assert_eq!(
        list(json!({"ID": b})).await,
        json!([{"ID": b.to_string(), "COMPANY_ID": k2.to_string()}])
    );
    assert_eq!(ids(&list(json!({"EMAIL": "c@example.com"})).await), vec![c]);
    // A link list is no filter field: ignored as Bitrix24 does, every contact listed.
    let r = app
        .call("crm.contact.list", json!({"filter": {"COMPANY_IDS": k1}}))
        .await;
    assert_eq!(r.json()["total"], 3, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.contact.list",
        "filter",
        "COMPANY_IDS"
    ));
    let page = app
        .call(
            "crm.company.list",
            json!({"filter": {"%TITLE": "labs"}, "select": ["ID", "TITLE", "CONTACT_ID"]}),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(
        page.json()["result"],
        json!([{"ID": k2.to_string(), "TITLE": "Beta Labs"}]),
        "link lists are not list columns"
    );
    assert_eq!(page.json()["total"], 1);
}

#[tokio::test]
async fn deleting_records_removes_their_links() {
    let app = TestApp::start().await;
    let k = company(&app, "Holder").await;
    let c1 = contact(&app, json!({"NAME": "Gone", "COMPANY_IDS": [k]})).await;
    let c2 = contact(&app, json!({"NAME": "Stays", "COMPANY_IDS": [k]})).await;
    let deal = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "D", "CONTACT_IDS": [c1, c2]}}),
        )
        .await;
    app.ok("crm.contact.delete", json!({"id": c1})).await;
    assert_eq!(
        app.ok("crm.company.get", json!({"id": k})).await["CONTACT_ID"],
        strings(&[c2])
    );
    assert_eq!(
        app.ok("crm.deal.contact.items.get", json!({"id": deal}))
            .await,
        json!([{"CONTACT_ID": c2, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "Y"}])
    );
    assert_eq!(
        app.ok("crm.deal.get", json!({"id": deal})).await["CONTACT_ID"],
        json!(c2.to_string())
    );
    app.ok("crm.company.delete", json!({"id": k})).await;
    let c = app.ok("crm.contact.get", json!({"id": c2})).await;
    assert_eq!(c["COMPANY_IDS"], json!([]));
    assert_eq!(c["COMPANY_ID"], Value::Null);
}

#[tokio::test]
async fn fields_describe_contacts_and_companies() {
    let app = TestApp::start().await;
    let f = app.ok("crm.contact.fields", json!({})).await;
    assert_eq!(
        f["COMPANY_IDS"],
        json!({"type": "crm_company", "isRequired": false, "isReadOnly": false, "isImmutable": false,
               "isMultiple": true, "isDynamic": false, "title": "Companies"})
    );
    assert_eq!(f["COMPANY_ID"]["isDeprecated"], true);
    assert_eq!(f["TYPE_ID"]["statusType"], "CONTACT_TYPE");
    assert_eq!(f["HONORIFIC"]["statusType"], "HONORIFIC");
    assert_eq!(f["SOURCE_ID"]["statusType"], "SOURCE");
    assert_eq!(f["BIRTHDATE"]["type"], "date");
    assert_eq!(f["EMAIL"]["type"], "crm_multifield");
    assert_eq!(f["HAS_PHONE"]["isReadOnly"], true);
    assert_eq!(
        (&f["PHOTO"]["type"], &f["PHOTO"]["isReadOnly"]),
        (&json!("file"), &json!(true))
    );
    assert!(f.get("FACE_ID").is_none());
    assert_eq!(f.as_object().unwrap().len(), 49);

    let f = app.ok("crm.company.fields", json!({})).await;
    assert_eq!(
        f["TITLE"],
        json!({"type": "string", "isRequired": true, "isReadOnly": false, "isImmutable": false,
               "isMultiple": false, "isDynamic": false, "title": "Company name"})
    );
    assert_eq!(
        f["CONTACT_ID"],
        json!({"type": "crm_contact", "isRequired": false, "isReadOnly": false, "isImmutable": false,
               "isMultiple": true, "isDynamic": false, "title": "Contacts"})
    );
    assert_eq!(f["COMPANY_TYPE"]["statusType"], "COMPANY_TYPE");
    assert_eq!(f["INDUSTRY"]["statusType"], "INDUSTRY");
    assert_eq!(f["EMPLOYEES"]["statusType"], "EMPLOYEES");
    assert_eq!(f["REVENUE"]["type"], "double");
    assert_eq!(f["LAST_COMMUNICATION_TIME"]["isReadOnly"], true);
    assert_eq!(
        (&f["LOGO"]["type"], &f["LOGO"]["isReadOnly"]),
        (&json!("file"), &json!(true))
    );
    assert_eq!(f.as_object().unwrap().len(), 57);
}
