//! `crm.deal.*`: defaults, stage semantics, the default title, the immutable
//! funnel, contacts written as links but not returned, list paging and filters,
//! field descriptors, and the error cases, with exact wire values.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// Adds a contact and returns its id.
async fn contact(app: &TestApp, name: &str) -> i64 {
    let id = app
        .ok("crm.contact.add", json!({"fields": {"NAME": name}}))
        .await;
    id.as_i64().expect("contact id")
}

/// Adds a deal and returns its id.
async fn deal(app: &TestApp, fields: Value) -> i64 {
    let id = app.ok("crm.deal.add", json!({ "fields": fields })).await;
    id.as_i64().expect("deal id")
}

/// The `YYYY-MM-DD` part of a wire date.
fn day(v: &Value) -> &str {
    &v.as_str().expect("a date string")[..10]
}

#[tokio::test]
async fn add_fills_defaults_and_the_default_title() {
    let app = TestApp::start().await;
    let id = deal(&app, json!({})).await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(d["ID"], json!(id.to_string()));
    assert_eq!(d["TITLE"], json!(format!("Deal #{id}")));
    assert_eq!(d["TYPE_ID"], "SALE");
    assert_eq!(d["CATEGORY_ID"], "0");
    assert_eq!(d["STAGE_ID"], "NEW");
    assert_eq!(d["STAGE_SEMANTIC_ID"], "P");
    assert_eq!(d["IS_NEW"], "Y");
    assert_eq!(d["CLOSED"], "N");
    assert_eq!(d["OPENED"], "Y");
    assert_eq!(d["CURRENCY_ID"], "USD");
    assert_eq!(d["OPPORTUNITY"], "0.00");
    assert_eq!(d["TAX_VALUE"], "0.00");
    assert_eq!(d["IS_MANUAL_OPPORTUNITY"], "N");
    assert_eq!(d["IS_RECURRING"], "N");
    assert_eq!(d["IS_RETURN_CUSTOMER"], "N");
    assert_eq!(d["IS_REPEATED_APPROACH"], "N");
    assert_eq!(d["PROBABILITY"], Value::Null);
    assert_eq!(d["COMPANY_ID"], Value::Null);
    assert_eq!(d["CONTACT_ID"], Value::Null);
    assert_eq!(d["LEAD_ID"], Value::Null);
    assert_eq!(d["COMMENTS"], Value::Null);
    for f in [
        "ASSIGNED_BY_ID",
        "CREATED_BY_ID",
        "MODIFY_BY_ID",
        "MOVED_BY_ID",
        "LAST_ACTIVITY_BY",
    ] {
        assert_eq!(d[f], "1", "{f}");
    }
    let created = d["DATE_CREATE"].as_str().unwrap();
    assert!(created.ends_with("+00:00"), "{created}");
    assert_eq!(d["MOVED_TIME"], d["DATE_CREATE"]);
    assert_eq!(
        d["BEGINDATE"],
        json!(format!("{}T00:00:00+00:00", &created[..10])),
        "BEGINDATE defaults to today"
    );
    assert_eq!(d["CLOSEDATE"], "");
    assert!(d.get("CONTACT_IDS").is_none());
    assert_eq!(
        d.get("QUOTE_ID"),
        Some(&Value::Null),
        "read-only, answered empty"
    );
    assert_eq!(
        d.get("LOCATION_ID"),
        Some(&Value::Null),
        "read-only, answered empty"
    );

    // Given values are kept; money as "1500.00", dates at midnight.
    let id = deal(
        &app,
        json!({"TITLE": "Big one", "OPPORTUNITY": 1500, "CURRENCY_ID": "EUR",
               "TYPE_ID": "SERVICE", "PROBABILITY": "40", "BEGINDATE": "2024-08-30",
               "CLOSEDATE": "2024-09-30", "IS_RETURN_CUSTOMER": "Y",
               "STAGE_SEMANTIC_ID": "S", "IS_NEW": "N", "ID": 999}),
    )
    .await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(d["TITLE"], "Big one");
    assert_eq!(d["OPPORTUNITY"], "1500.00");
    assert_eq!(d["CURRENCY_ID"], "EUR");
    assert_eq!(d["TYPE_ID"], "SERVICE");
    assert_eq!(d["PROBABILITY"], "40");
    assert_eq!(d["BEGINDATE"], "2024-08-30T00:00:00+00:00");
    assert_eq!(d["CLOSEDATE"], "2024-09-30T00:00:00+00:00");
    assert_eq!(d["IS_RETURN_CUSTOMER"], "Y");
    assert_eq!(d["STAGE_SEMANTIC_ID"], "P", "read-only fields are derived");
    assert_eq!(d["IS_NEW"], "Y");
    assert_ne!(d["ID"], "999");

    // An empty title gets the default too.
    let id = deal(&app, json!({"TITLE": ""})).await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(d["TITLE"], json!(format!("Deal #{id}")));
}

#[tokio::test]
async fn stages_set_semantics_closed_and_close_date() {
    let app = TestApp::start().await;
    let id = deal(&app, json!({"TITLE": "Stages"})).await;
    let get = || app.ok("crm.deal.get", json!({"id": id}));

    let r = app
        .ok(
            "crm.deal.update",
            json!({"id": id, "fields": {"STAGE_ID": "EXECUTING"}}),
        )
        .await;
    assert_eq!(r, json!(true));
    let d = get().await;
    assert_eq!(
        (
            &d["STAGE_ID"],
            &d["STAGE_SEMANTIC_ID"],
            &d["CLOSED"],
            &d["IS_NEW"]
        ),
        (&json!("EXECUTING"), &json!("P"), &json!("N"), &json!("N"))
    );
    assert_eq!(d["CLOSEDATE"], "");

    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"STAGE_ID": "WON"}}),
    )
    .await;
    let d = get().await;
    assert_eq!(
        (&d["STAGE_SEMANTIC_ID"], &d["CLOSED"], &d["IS_NEW"]),
        (&json!("S"), &json!("Y"), &json!("N"))
    );
    assert_eq!(day(&d["CLOSEDATE"]), day(&d["DATE_CREATE"]), "closed today");
    assert_eq!(d["TITLE"], "Stages", "untouched fields stay");

    for (stage, sem) in [("LOSE", "F"), ("APOLOGY", "F"), ("PREPARATION", "P")] {
        app.ok(
            "crm.deal.update",
            json!({"id": id, "fields": {"STAGE_ID": stage}}),
        )
        .await;
        let d = get().await;
        assert_eq!(d["STAGE_SEMANTIC_ID"], sem, "{stage}");
        assert_eq!(d["CLOSED"], if sem == "P" { "N" } else { "Y" }, "{stage}");
    }

    // A final stage keeps a close date the client gives.
    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"STAGE_ID": "WON", "CLOSEDATE": "2030-01-02"}}),
    )
    .await;
    assert_eq!(get().await["CLOSEDATE"], "2030-01-02T00:00:00+00:00");

    // Clearing the stage returns it to the funnel's first stage.
    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"STAGE_ID": ""}}),
    )
    .await;
    let d = get().await;
    assert_eq!(
        (&d["STAGE_ID"], &d["STAGE_SEMANTIC_ID"], &d["IS_NEW"]),
        (&json!("NEW"), &json!("P"), &json!("Y"))
    );
}

#[tokio::test]
async fn the_funnel_is_set_on_create_only() {
    let app = TestApp::start().await;
    let two = app
        .ok("crm.dealcategory.add", json!({"fields": {"NAME": "Two"}}))
        .await;
    assert_eq!(two, 1);
    let two = app
        .ok("crm.dealcategory.add", json!({"fields": {"NAME": "Two"}}))
        .await;
    assert_eq!(two, 2);
    let id = deal(&app, json!({"TITLE": "Funnel 2", "CATEGORY_ID": 2})).await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(d["CATEGORY_ID"], "2");
    assert_eq!(d["STAGE_ID"], "C2:NEW");
    assert_eq!(d["STAGE_SEMANTIC_ID"], "P");
    assert_eq!(d["IS_NEW"], "Y");
    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"CATEGORY_ID": 0, "TITLE": "Still 2"}}),
    )
    .await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(d["CATEGORY_ID"], "2", "CATEGORY_ID is immutable");
    assert_eq!(d["TITLE"], "Still 2");

    // A negative or unknown pipeline silently becomes the default one.
    for category in [-1, 77] {
        let id = deal(&app, json!({"CATEGORY_ID": category})).await;
        let d = app.ok("crm.deal.get", json!({"id": id})).await;
        assert_eq!(
            (&d["CATEGORY_ID"], &d["STAGE_ID"]),
            (&json!("0"), &json!("NEW"))
        );
    }
}

#[tokio::test]
async fn contacts_are_links_and_not_returned() {
    let app = TestApp::start().await;
    let c1 = contact(&app, "One").await;
    let c2 = contact(&app, "Two").await;
    let id = deal(&app, json!({"TITLE": "Linked", "CONTACT_IDS": [c2, c1]})).await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert!(d.get("CONTACT_IDS").is_none(), "CONTACT_IDS is write-only");
    assert_eq!(
        d["CONTACT_ID"],
        json!(c2.to_string()),
        "the primary contact"
    );
    let items = app
        .ok("crm.deal.contact.items.get", json!({"id": id}))
        .await;
    assert_eq!(
        items,
        json!([
            {"CONTACT_ID": c2, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"},
            {"CONTACT_ID": c1, "SORT": 20, "ROLE_ID": 0, "IS_PRIMARY": "N"}
        ])
    );
    // Not in list rows either, even when selected.
    let page = app
        .ok(
            "crm.deal.list",
            json!({"filter": {"ID": id}, "select": ["ID", "CONTACT_IDS", "CONTACT_ID"]}),
        )
        .await;
    assert_eq!(
        page,
        json!([{"ID": id.to_string(), "CONTACT_ID": c2.to_string()}])
    );

    // The legacy single CONTACT_ID replaces the list with that contact.
    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"CONTACT_ID": c1}}),
    )
    .await;
    let items = app
        .ok("crm.deal.contact.items.get", json!({"id": id}))
        .await;
    assert_eq!(
        items,
        json!([{"CONTACT_ID": c1, "SORT": 10, "ROLE_ID": 0, "IS_PRIMARY": "Y"}])
    );
    // CONTACT_IDS wins over CONTACT_ID; form-style lists work.
    let body = format!("id={id}&fields[CONTACT_ID]={c1}&fields[CONTACT_IDS][]={c2}");
    let r = app
        .post_raw(
            &format!("{}crm.deal.update.json", app.hook),
            "application/x-www-form-urlencoded",
            body,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(d["CONTACT_ID"], json!(c2.to_string()));
    // An empty list unlinks all.
    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"CONTACT_IDS": []}}),
    )
    .await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(d["CONTACT_ID"], Value::Null);
    assert_eq!(
        app.ok("crm.deal.contact.items.get", json!({"id": id}))
            .await,
        json!([])
    );

    // Unknown contacts are refused before anything is written.
    let before = app
        .call("crm.deal.list", json!({"select": ["ID"]}))
        .await
        .json()["total"]
        .clone();
    let r = app
        .call(
            "crm.deal.add",
            json!({"fields": {"TITLE": "Ghost", "CONTACT_IDS": [c1, 999]}}),
        )
        .await;
    assert_error(&r, 400, "", "Contact with ID 999 is not found.");
    let after = app
        .call("crm.deal.list", json!({"select": ["ID"]}))
        .await
        .json()["total"]
        .clone();
    assert_eq!(before, after, "no deal was created");
    let r = app
        .call(
            "crm.deal.update",
            json!({"id": id, "fields": {"CONTACT_ID": 998, "TITLE": "Not this"}}),
        )
        .await;
    assert_error(&r, 400, "", "Contact with ID 998 is not found.");
    assert_eq!(
        app.ok("crm.deal.get", json!({"id": id})).await["TITLE"],
        "Linked"
    );
    let r = app
        .call(
            "crm.deal.update",
            json!({"id": id, "fields": {"CONTACT_IDS": ["x"]}}),
        )
        .await;
    assert_error(&r, 400, "", "Field 'CONTACT_IDS' must be a list of IDs.");
    // Link lists are not filterable.
    // A link list is no filter field: ignored as Bitrix24 does.
    let r = app
        .call("crm.deal.list", json!({"filter": {"CONTACT_IDS": c1}}))
        .await;
    assert_eq!(r.json()["total"], 1, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.deal.list",
        "filter",
        "CONTACT_IDS"
    ));
}

#[tokio::test]
async fn list_pages_filters_and_orders() {
    let app = TestApp::start().await;
    let company = app
        .ok("crm.company.add", json!({"fields": {"TITLE": "Buyer"}}))
        .await
        .as_i64()
        .unwrap();
    // 60 deals: opportunity i*100, every third for the company, every fourth won.
    let mut ids = Vec::new();
    for chunk in (0..60).collect::<Vec<i64>>().chunks(50) {
        let cmd: Vec<Value> = chunk
            .iter()
            .map(|i| {
                let mut q = format!(
                    "crm.deal.add?fields[TITLE]=Deal%20{i}&fields[OPPORTUNITY]={}",
                    i * 100
                );
                if i % 3 == 0 {
                    q.push_str(&format!("&fields[COMPANY_ID]={company}"));
                }
                if i % 4 == 0 {
                    q.push_str("&fields[STAGE_ID]=WON");
                }
                Value::from(q)
            })
            .collect();
        let out = app.ok("batch", json!({"cmd": cmd})).await;
        for v in out["result"].as_array().unwrap() {
            ids.push(v.as_i64().unwrap());
        }
    }
    let app = &app;
    let list = |body: Value| async move {
        let r = app.call("crm.deal.list", body).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    };
    let ids_of = |page: &Value| -> Vec<i64> {
        page["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ID"].as_str().unwrap().parse().unwrap())
            .collect()
    };
    let p1 = list(json!({"order": {"ID": "ASC"}, "select": ["ID"]})).await;
    assert_eq!((&p1["total"], &p1["next"]), (&json!(60), &json!(50)));
    assert_eq!(ids_of(&p1), ids[..50]);
    let p2 = list(json!({"order": {"ID": "ASC"}, "select": ["ID"], "start": 50})).await;
    assert_eq!(p2["total"], 60);
    assert!(p2.get("next").is_none());
    assert_eq!(ids_of(&p2), ids[50..]);

    let by_company = list(json!({"filter": {"COMPANY_ID": company}, "order": {"ID": "ASC"}, "select": ["ID", "COMPANY_ID"]})).await;
    assert_eq!(by_company["total"], 20);
    assert_eq!(
        by_company["result"][0]["COMPANY_ID"],
        json!(company.to_string())
    );
    let won = list(json!({"filter": {"STAGE_SEMANTIC_ID": "S", ">=OPPORTUNITY": 4000}, "order": {"OPPORTUNITY": "DESC"}, "select": ["ID", "OPPORTUNITY", "CLOSED"]})).await;
    let expected: Vec<i64> = [56, 52, 48, 44, 40].iter().map(|i| ids[*i]).collect();
    assert_eq!(ids_of(&won), expected);
    assert_eq!(
        won["result"][0],
        json!({"ID": ids[56].to_string(), "OPPORTUNITY": "5600.00", "CLOSED": "Y"})
    );
    let titled =
        list(json!({"filter": {"%TITLE": "deal 5"}, "order": {"ID": "ASC"}, "select": ["TITLE"]}))
            .await;
    assert_eq!(titled["total"], 11, "Deal 5 and Deal 50..59");
    assert_eq!(
        titled["result"][0],
        json!({"ID": ids[5].to_string(), "TITLE": "Deal 5"})
    );
}

#[tokio::test]
async fn fields_describe_the_deal() {
    let app = TestApp::start().await;
    let f = app.ok("crm.deal.fields", json!({})).await;
    assert_eq!(
        f["CATEGORY_ID"],
        json!({"type": "crm_category", "isRequired": false, "isReadOnly": false, "isImmutable": true,
               "isMultiple": false, "isDynamic": false, "title": "Pipeline"})
    );
    assert_eq!(f["STAGE_ID"]["type"], "crm_status");
    assert_eq!(f["STAGE_ID"]["statusType"], "DEAL_STAGE");
    assert_eq!(f["TYPE_ID"]["statusType"], "DEAL_TYPE");
    assert_eq!(f["SOURCE_ID"]["statusType"], "SOURCE");
    assert_eq!(f["STAGE_SEMANTIC_ID"]["isReadOnly"], true);
    assert_eq!(f["IS_NEW"]["isReadOnly"], true);
    assert_eq!(f["OPPORTUNITY"]["type"], "double");
    assert_eq!(f["BEGINDATE"]["type"], "date");
    assert_eq!(f["CLOSEDATE"]["type"], "date");
    assert_eq!(f["CURRENCY_ID"]["type"], "crm_currency");
    assert_eq!(f["LEAD_ID"]["type"], "crm_lead");
    assert_eq!(f["LEAD_ID"]["isReadOnly"], true);
    assert_eq!(f["CONTACT_ID"]["isDeprecated"], true);
    assert_eq!(
        f["CONTACT_IDS"],
        json!({"type": "crm_contact", "isRequired": false, "isReadOnly": false, "isImmutable": false,
               "isMultiple": true, "isDynamic": false, "title": "Contacts"})
    );
    assert_eq!(
        f["COMPANY_ID"]["settings"],
        json!({"parentEntityTypeId": 4})
    );
    assert_eq!(
        f["QUOTE_ID"],
        json!({"type": "crm_quote", "isRequired": false, "isReadOnly": true, "isImmutable": false,
               "isMultiple": false, "isDynamic": false, "title": "Estimate",
               "settings": {"parentEntityTypeId": 7}})
    );
    assert_eq!(
        (&f["LOCATION_ID"]["type"], &f["LOCATION_ID"]["isReadOnly"]),
        (&json!("location"), &json!(true))
    );
    for absent in ["PHONE", "STATUS_ID"] {
        assert!(f.get(absent).is_none(), "{absent}");
    }
    assert_eq!(f.as_object().unwrap().len(), 45);
}

#[tokio::test]
async fn delete_and_error_cases() {
    let app = TestApp::start().await;
    let c = contact(&app, "Kept").await;
    let id = deal(&app, json!({"CONTACT_IDS": [c]})).await;
    assert_eq!(
        app.ok("crm.deal.delete", json!({"id": id})).await,
        json!(true)
    );
    for method in [
        "crm.deal.get",
        "crm.deal.delete",
        "crm.deal.contact.items.get",
    ] {
        let r = app.call(method, json!({"id": id})).await;
        assert_error(&r, 400, "", "Not found");
    }
    let r = app
        .call(
            "crm.deal.update",
            json!({"id": id, "fields": {"TITLE": "x"}}),
        )
        .await;
    assert_error(&r, 400, "", "Not found");
    // The contact stays, without the deleted deal's link.
    assert!(app.call("crm.contact.get", json!({"id": c})).await.status == 200);
    for (method, body) in [
        ("crm.deal.get", json!({})),
        ("crm.deal.get", json!({"id": "abc"})),
        ("crm.deal.delete", json!({"id": 0})),
        ("crm.deal.update", json!({"fields": {}})),
    ] {
        let r = app.call(method, body).await;
        assert_error(&r, 400, "", "ID is not defined or invalid.");
    }
    let r = app.call("crm.deal.add", json!({"fields": "x"})).await;
    assert_error(&r, 400, "", "Parameter 'fields' must be array.");
    let r = app
        .call("crm.deal.add", json!({"fields": {}, "params": 5}))
        .await;
    assert_error(&r, 400, "", "Parameter 'params' must be array.");
    let r = app
        .call("crm.deal.add", json!({"fields": {"OPPORTUNITY": "lots"}}))
        .await;
    assert_error(&r, 400, "", "Field 'OPPORTUNITY' must be a number.");
    // The user scope alone does not reach crm.deal.*.
    let hook = app.webhook(1, &["user"], None).await;
    let r = app.call_on(&hook, "crm.deal.list", json!({})).await;
    assert_eq!(r.status, 403, "{}", r.text);
}
