//! The link methods `crm.{deal,lead}.contact.*`, `crm.contact.company.*` and
//! `crm.company.contact.*`: items as Bitrix24 returns them, sort and primary
//! rules, both directions of the contact ↔ company links, the descriptors, and
//! the error cases, with exact wire values.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// Calls a method and returns `result` as an id.
async fn id_of(app: &TestApp, method: &str, fields: Value) -> i64 {
    app.ok(method, json!({ "fields": fields }))
        .await
        .as_i64()
        .expect("an id")
}

/// An item of `items.get`.
fn item(key: &str, id: i64, sort: i64, primary: bool) -> Value {
    json!({key: id, "SORT": sort, "ROLE_ID": 0, "IS_PRIMARY": if primary { "Y" } else { "N" }})
}

#[tokio::test]
async fn deal_contacts() {
    let app = TestApp::start().await;
    let deal = id_of(&app, "crm.deal.add", json!({"TITLE": "D"})).await;
    let c1 = id_of(&app, "crm.contact.add", json!({"NAME": "One"})).await;
    let c2 = id_of(&app, "crm.contact.add", json!({"NAME": "Two"})).await;
    let c3 = id_of(&app, "crm.contact.add", json!({"NAME": "Three"})).await;
    let items = || app.ok("crm.deal.contact.items.get", json!({"id": deal}));
    assert_eq!(items().await, json!([]));

    // items.set: default sorts by position, the flagged item is primary.
    let r = app
        .ok(
            "crm.deal.contact.items.set",
            json!({"id": deal, "items": [
                {"CONTACT_ID": c1},
                {"CONTACT_ID": c2, "IS_PRIMARY": "Y"},
                {"CONTACT_ID": c3, "SORT": 5}
            ]}),
        )
        .await;
    assert_eq!(r, json!(true));
    assert_eq!(
        items().await,
        json!([
            item("CONTACT_ID", c3, 5, false),
            item("CONTACT_ID", c1, 10, false),
            item("CONTACT_ID", c2, 20, true)
        ])
    );
    assert_eq!(
        app.ok("crm.deal.get", json!({"id": deal})).await["CONTACT_ID"],
        json!(c2.to_string())
    );

    // delete removes one; the primary flag passes to the first remaining.
    let r = app
        .ok(
            "crm.deal.contact.delete",
            json!({"id": deal, "fields": {"CONTACT_ID": c2}}),
        )
        .await;
    assert_eq!(r, json!(true));
    assert_eq!(
        items().await,
        json!([
            item("CONTACT_ID", c3, 5, true),
            item("CONTACT_ID", c1, 10, false)
        ])
    );
    // add appends after the last; IS_PRIMARY=Y takes the flag.
    app.ok(
        "crm.deal.contact.add",
        json!({"id": deal, "fields": {"CONTACT_ID": c2, "IS_PRIMARY": "Y"}}),
    )
    .await;
    assert_eq!(
        items().await,
        json!([
            item("CONTACT_ID", c3, 5, false),
            item("CONTACT_ID", c1, 10, false),
            item("CONTACT_ID", c2, 20, true)
        ])
    );
    // add of a linked contact changes its sort and keeps the rest.
    app.ok(
        "crm.deal.contact.add",
        json!({"id": deal, "fields": {"contact_id": c1, "sort": "1"}}),
    )
    .await;
    assert_eq!(
        items().await,
        json!([
            item("CONTACT_ID", c1, 1, false),
            item("CONTACT_ID", c3, 5, false),
            item("CONTACT_ID", c2, 20, true)
        ])
    );
    // delete of a contact that is not linked is fine.
    app.ok(
        "crm.deal.contact.delete",
        json!({"id": deal, "fields": {"CONTACT_ID": 999}}),
    )
    .await;
    // items.delete empties the list and the mirror.
    assert_eq!(
        app.ok("crm.deal.contact.items.delete", json!({"id": deal}))
            .await,
        json!(true)
    );
    assert_eq!(items().await, json!([]));
    assert_eq!(
        app.ok("crm.deal.get", json!({"id": deal})).await["CONTACT_ID"],
        Value::Null
    );
    // An empty items list clears too.
    app.ok(
        "crm.deal.contact.add",
        json!({"id": deal, "fields": {"CONTACT_ID": c1}}),
    )
    .await;
    app.ok(
        "crm.deal.contact.items.set",
        json!({"id": deal, "items": []}),
    )
    .await;
    assert_eq!(items().await, json!([]));
}

#[tokio::test]
async fn errors_of_the_link_methods() {
    let app = TestApp::start().await;
    let deal = id_of(&app, "crm.deal.add", json!({})).await;
    let c = id_of(&app, "crm.contact.add", json!({"NAME": "C"})).await;
    let missing = [
        ("crm.deal.contact.items.get", json!({"id": 999})),
        (
            "crm.deal.contact.items.set",
            json!({"id": 999, "items": [{"CONTACT_ID": c}]}),
        ),
        ("crm.deal.contact.items.delete", json!({"id": 999})),
        (
            "crm.deal.contact.add",
            json!({"id": 999, "fields": {"CONTACT_ID": c}}),
        ),
        (
            "crm.deal.contact.delete",
            json!({"id": 999, "fields": {"CONTACT_ID": c}}),
        ),
        ("crm.lead.contact.items.get", json!({"id": 999})),
        ("crm.contact.company.items.get", json!({"id": 999})),
        ("crm.company.contact.items.get", json!({"id": 999})),
    ];
    for (method, body) in missing {
        let r = app.call(method, body).await;
        assert_error(&r, 400, "", "Not found");
    }
    for method in [
        "crm.deal.contact.items.get",
        "crm.deal.contact.items.delete",
        "crm.company.contact.items.get",
    ] {
        let r = app.call(method, json!({"id": "x"})).await;
        assert_error(&r, 400, "", "ID is not defined or invalid.");
    }
    let cases = [
        (
            "crm.deal.contact.items.set",
            json!({"id": deal}),
            "Parameter 'items' must be array.",
        ),
        (
            "crm.deal.contact.items.set",
            json!({"id": deal, "items": "5"}),
            "Parameter 'items' must be array.",
        ),
        (
            "crm.deal.contact.items.set",
            json!({"id": deal, "items": [5]}),
            "Parameter 'items' must be array.",
        ),
        (
            "crm.deal.contact.items.set",
            json!({"id": deal, "items": [{"SORT": 10}]}),
            "Field 'CONTACT_ID' is required.",
        ),
        (
            "crm.deal.contact.items.set",
            json!({"id": deal, "items": [{"CONTACT_ID": c}, {"CONTACT_ID": 999}]}),
            "Contact with ID 999 is not found.",
        ),
        (
            "crm.deal.contact.add",
            json!({"id": deal}),
            "Parameter 'fields' must be array.",
        ),
        (
            "crm.deal.contact.add",
            json!({"id": deal, "fields": {"CONTACT_ID": "abc"}}),
            "Field 'CONTACT_ID' must be a positive integer.",
        ),
        (
            "crm.deal.contact.add",
            json!({"id": deal, "fields": {"CONTACT_ID": c, "SORT": "first"}}),
            "Field 'SORT' must be an integer.",
        ),
        (
            "crm.deal.contact.add",
            json!({"id": deal, "fields": {"CONTACT_ID": c, "IS_PRIMARY": "maybe"}}),
            "Field 'IS_PRIMARY' must be Y or N.",
        ),
        (
            "crm.deal.contact.add",
            json!({"id": deal, "fields": {"CONTACT_ID": 999}}),
            "Contact with ID 999 is not found.",
        ),
        (
            "crm.contact.company.add",
            json!({"id": c, "fields": {"COMPANY_ID": 999}}),
            "Company with ID 999 is not found.",
        ),
        (
            "crm.deal.contact.delete",
            json!({"id": deal, "fields": {}}),
            "Field 'CONTACT_ID' is required.",
        ),
    ];
    for (method, body, text) in cases {
        let r = app.call(method, body).await;
        assert_error(&r, 400, "", text);
    }
    // Nothing was linked by the refused calls.
    assert_eq!(
        app.ok("crm.deal.contact.items.get", json!({"id": deal}))
            .await,
        json!([])
    );
}

#[tokio::test]
async fn lead_contacts() {
    let app = TestApp::start().await;
    let c1 = id_of(&app, "crm.contact.add", json!({"NAME": "One"})).await;
    let c2 = id_of(&app, "crm.contact.add", json!({"NAME": "Two"})).await;
    // A lead added with a contact is a returning customer.
    let lead = id_of(
        &app,
        "crm.lead.add",
        json!({"TITLE": "L", "CONTACT_ID": c1}),
    )
    .await;
    let l = app.ok("crm.lead.get", json!({"id": lead})).await;
    assert_eq!(l["CONTACT_ID"], json!(c1.to_string()));
    assert_eq!(l["IS_RETURN_CUSTOMER"], "Y");
    assert!(l.get("CONTACT_IDS").is_none());
    app.ok(
        "crm.lead.contact.items.set",
        json!({"id": lead, "items": [{"CONTACT_ID": c2}, {"CONTACT_ID": c1}]}),
    )
    .await;
    assert_eq!(
        app.ok("crm.lead.contact.items.get", json!({"id": lead}))
            .await,
        json!([
            item("CONTACT_ID", c2, 10, true),
            item("CONTACT_ID", c1, 20, false)
        ])
    );
    assert_eq!(
        app.ok("crm.lead.get", json!({"id": lead})).await["CONTACT_ID"],
        json!(c2.to_string())
    );
    // Unlinking through update makes it a new customer again.
    app.ok(
        "crm.lead.update",
        json!({"id": lead, "fields": {"CONTACT_IDS": []}}),
    )
    .await;
    let l = app.ok("crm.lead.get", json!({"id": lead})).await;
    assert_eq!(
        (&l["CONTACT_ID"], &l["IS_RETURN_CUSTOMER"]),
        (&Value::Null, &json!("N"))
    );
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"TITLE": "x", "CONTACT_IDS": [999]}}),
        )
        .await;
    assert_error(&r, 400, "", "Contact with ID 999 is not found.");
}

#[tokio::test]
async fn contact_companies_both_ways() {
    let app = TestApp::start().await;
    let k1 = id_of(&app, "crm.company.add", json!({"TITLE": "K1"})).await;
    let k2 = id_of(&app, "crm.company.add", json!({"TITLE": "K2"})).await;
    let c1 = id_of(&app, "crm.contact.add", json!({"NAME": "C1"})).await;
    let c2 = id_of(&app, "crm.contact.add", json!({"NAME": "C2"})).await;
    let companies_of = |c: i64| app.ok("crm.contact.company.items.get", json!({"id": c}));
    let contacts_of = |k: i64| app.ok("crm.company.contact.items.get", json!({"id": k}));

    // From the contact's side.
    app.ok(
        "crm.contact.company.items.set",
        json!({"id": c1, "items": [{"COMPANY_ID": k1}, {"COMPANY_ID": k2}]}),
    )
    .await;
    assert_eq!(
        companies_of(c1).await,
        json!([
            item("COMPANY_ID", k1, 10, true),
            item("COMPANY_ID", k2, 20, false)
        ])
    );
    // Read from the company's side: the same stored links.
    assert_eq!(
        contacts_of(k1).await,
        json!([item("CONTACT_ID", c1, 10, true)])
    );
    assert_eq!(
        contacts_of(k2).await,
        json!([item("CONTACT_ID", c1, 20, false)])
    );

    // Written from the company's side: the contact's own list changes.
    app.ok(
        "crm.company.contact.add",
        json!({"id": k2, "fields": {"CONTACT_ID": c2}}),
    )
    .await;
    assert_eq!(
        companies_of(c2).await,
        json!([item("COMPANY_ID", k2, 10, true)])
    );
    assert_eq!(
        contacts_of(k2).await,
        json!([
            item("CONTACT_ID", c1, 20, false),
            item("CONTACT_ID", c2, 10, true)
        ])
    );
    app.ok(
        "crm.company.contact.add",
        json!({"id": k2, "fields": {"CONTACT_ID": c1, "IS_PRIMARY": "Y"}}),
    )
    .await;
    assert_eq!(
        companies_of(c1).await,
        json!([
            item("COMPANY_ID", k1, 10, false),
            item("COMPANY_ID", k2, 20, true)
        ])
    );
    assert_eq!(
        app.ok("crm.contact.get", json!({"id": c1})).await["COMPANY_ID"],
        json!(k2.to_string())
    );
    app.ok(
        "crm.company.contact.delete",
        json!({"id": k2, "fields": {"CONTACT_ID": c1}}),
    )
    .await;
    assert_eq!(
        companies_of(c1).await,
        json!([item("COMPANY_ID", k1, 10, true)])
    );
    // items.set from the company's side replaces its set of contacts.
    app.ok(
        "crm.company.contact.items.set",
        json!({"id": k1, "items": [{"CONTACT_ID": c2}]}),
    )
    .await;
    assert_eq!(
        contacts_of(k1).await,
        json!([item("CONTACT_ID", c2, 20, false)])
    );
    assert_eq!(companies_of(c1).await, json!([]));
    assert_eq!(
        app.ok("crm.contact.get", json!({"id": c1})).await["COMPANY_ID"],
        Value::Null
    );
    assert_eq!(
        app.ok("crm.company.get", json!({"id": k1})).await["CONTACT_ID"],
        json!([c2.to_string()])
    );
    // items.delete from either side.
    app.ok("crm.company.contact.items.delete", json!({"id": k1}))
        .await;
    assert_eq!(contacts_of(k1).await, json!([]));
    assert_eq!(
        companies_of(c2).await,
        json!([item("COMPANY_ID", k2, 10, true)])
    );
    app.ok("crm.contact.company.items.delete", json!({"id": c2}))
        .await;
    assert_eq!(contacts_of(k2).await, json!([]));
}

#[tokio::test]
async fn link_fields_and_method_declarations() {
    let app = TestApp::start().await;
    let f = app.ok("crm.deal.contact.fields", json!({})).await;
    assert_eq!(
        f,
        json!({
            "CONTACT_ID": {"type": "integer", "isRequired": true, "isReadOnly": false, "isImmutable": false,
                           "isMultiple": false, "isDynamic": false, "title": "Contact ID"},
            "SORT": {"type": "integer", "isRequired": false, "isReadOnly": false, "isImmutable": false,
                     "isMultiple": false, "isDynamic": false, "title": "Sort index"},
            "ROLE_ID": {"type": "integer", "isRequired": false, "isReadOnly": true, "isImmutable": false,
                        "isMultiple": false, "isDynamic": false, "title": "Role"},
            "IS_PRIMARY": {"type": "char", "isRequired": false, "isReadOnly": false, "isImmutable": false,
                           "isMultiple": false, "isDynamic": false, "title": "Primary"}
        })
    );
    let f = app.ok("crm.contact.company.fields", json!({})).await;
    assert_eq!(f["COMPANY_ID"]["title"], "Company ID");
    assert_eq!(f["COMPANY_ID"]["isRequired"], true);
    for prefix in [
        "crm.deal.contact",
        "crm.lead.contact",
        "crm.contact.company",
        "crm.company.contact",
    ] {
        for suffix in [
            "items.get",
            "items.set",
            "items.delete",
            "add",
            "delete",
            "fields",
        ] {
            let name = format!("{prefix}.{suffix}");
            let m = app.ok("method.get", json!({"name": name})).await;
            assert_eq!(m["isExisting"], true, "{name}: {m}");
            assert_eq!(m["isAvailable"], true, "{name}: {m}");
        }
    }
    // Link methods run inside batch too.
    let deal = id_of(&app, "crm.deal.add", json!({})).await;
    let c = id_of(&app, "crm.contact.add", json!({"NAME": "B"})).await;
    let out = app
        .ok(
            "batch",
            json!({"cmd": {
                "set": format!("crm.deal.contact.add?id={deal}&fields[CONTACT_ID]={c}"),
                "get": format!("crm.deal.contact.items.get?id={deal}")
            }}),
        )
        .await;
    assert_eq!(out["result"]["set"], json!(true));
    assert_eq!(
        out["result"]["get"],
        json!([item("CONTACT_ID", c, 10, true)])
    );
}
