//! `crm.status.*`: the seeded directories, every method with its exact wire
//! output and errors, and directory values checked on lead writes (an unknown
//! `STATUS_ID`, `SOURCE_ID` or `HONORIFIC` is refused; a lead's
//! `STATUS_SEMANTIC_ID` follows its stage's `SEMANTICS`).
//!
//! Seeded ids follow `DEFAULT_STATUSES`: `STATUS` 1–5, `SOURCE` 6–17,
//! `DEAL_STAGE` 18–25, …, `HONORIFIC` 55–58; the first added item is 59.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// A seeded item as `crm.status.get` answers it.
fn seeded(id: u32, entity: &str, code: &str, name: &str, sort: u32) -> Value {
    json!({
        "ID": id.to_string(), "ENTITY_ID": entity, "STATUS_ID": code, "NAME": name,
        "NAME_INIT": name, "SORT": sort.to_string(), "SYSTEM": "Y", "CATEGORY_ID": null,
        "COLOR": null, "SEMANTICS": null
    })
}

/// A seeded stage (see [`seeded`]) as `crm.status.list` answers it: with its
/// colour, semantics and `EXTRA`.
fn stage(item: Value, color: &str, semantics: Option<&str>, extra: &str) -> Value {
    let mut item = item;
    item["COLOR"] = json!(color);
    item["SEMANTICS"] = json!(semantics);
    item["EXTRA"] = json!({"SEMANTICS": extra, "COLOR": color});
    item
}

/// `STATUS_ID`s of a list answer.
fn codes(result: &Value) -> Vec<String> {
    result
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["STATUS_ID"].as_str().expect("STATUS_ID").to_string())
        .collect()
}

/// A legacy CRM error (HTTP 400, empty `error`).
fn assert_legacy(r: &crate::common::Reply, description: &str) {
    assert_error(r, 400, "", description);
}

#[tokio::test]
async fn seeded_directories_are_listed() {
    let app = TestApp::start().await;
    let r = app
        .call(
            "crm.status.list",
            json!({"order": {"SORT": "ASC"}, "filter": {"ENTITY_ID": "STATUS"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(
        body["result"],
        json!([
            stage(
                seeded(1, "STATUS", "NEW", "Unassigned", 10),
                "#39A8EF",
                None,
                "process"
            ),
            stage(
                seeded(2, "STATUS", "IN_PROCESS", "In progress", 20),
                "#2FC6F6",
                None,
                "process"
            ),
            stage(
                seeded(3, "STATUS", "PROCESSED", "Processed", 30),
                "#55D0E0",
                None,
                "process"
            ),
            stage(
                seeded(4, "STATUS", "CONVERTED", "Good lead", 40),
                "#7BD500",
                Some("S"),
                "success"
            ),
            stage(
                seeded(5, "STATUS", "JUNK", "Junk lead", 50),
                "#FF5752",
                Some("F"),
                "failure"
            ),
        ])
    );
    assert_eq!(body["total"], 5);
    assert!(body.get("next").is_none());
    assert!(body["time"].is_object());

    let deal = app
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE"}}),
        )
        .await;
    assert_eq!(
        deal,
        json!([
            stage(
                seeded(18, "DEAL_STAGE", "NEW", "New", 10),
                "#39A8EF",
                None,
                "process"
            ),
            stage(
                seeded(19, "DEAL_STAGE", "PREPARATION", "Document preparation", 20),
                "#2FC6F6",
                None,
                "process"
            ),
            stage(
                seeded(
                    20,
                    "DEAL_STAGE",
                    "PREPAYMENT_INVOICE",
                    "Prepayment invoice",
                    30
                ),
                "#55D0E0",
                None,
                "process"
            ),
            stage(
                seeded(21, "DEAL_STAGE", "EXECUTING", "In progress", 40),
                "#47E4C2",
                None,
                "process"
            ),
            stage(
                seeded(22, "DEAL_STAGE", "FINAL_INVOICE", "Final invoice", 50),
                "#FFA900",
                None,
                "process"
            ),
            stage(
                seeded(23, "DEAL_STAGE", "WON", "Deal successful", 60),
                "#7BD500",
                Some("S"),
                "success"
            ),
            stage(
                seeded(24, "DEAL_STAGE", "LOSE", "Deal failed", 70),
                "#FF5752",
                Some("F"),
                "failure"
            ),
            stage(
                seeded(25, "DEAL_STAGE", "APOLOGY", "Failure reason analysis", 80),
                "#FF5752",
                Some("F"),
                "apology"
            ),
        ])
    );

    // Non-stage directories: no colour, no EXTRA.
    let sources = app
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "SOURCE"}}),
        )
        .await;
    assert_eq!(sources[0], seeded(6, "SOURCE", "CALL", "Call", 10));
    assert_eq!(
        codes(&sources),
        [
            "CALL",
            "EMAIL",
            "WEB",
            "ADVERTISING",
            "PARTNER",
            "RECOMMENDATION",
            "TRADE_SHOW",
            "WEBFORM",
            "CALLBACK",
            "RC_GENERATOR",
            "STORE",
            "OTHER"
        ]
    );
    let expected: [(&str, &[&str]); 6] = [
        (
            "DEAL_TYPE",
            &["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"],
        ),
        ("CONTACT_TYPE", &["CLIENT", "SUPPLIER", "PARTNER", "OTHER"]),
        (
            "COMPANY_TYPE",
            &["CUSTOMER", "SUPPLIER", "COMPETITOR", "PARTNER", "OTHER"],
        ),
        (
            "INDUSTRY",
            &[
                "IT",
                "TELECOM",
                "MANUFACTURING",
                "BANKING",
                "CONSULTING",
                "FINANCE",
                "GOVERNMENT",
                "DELIVERY",
                "ENTERTAINMENT",
                "NOTPROFIT",
                "OTHER",
            ],
        ),
        (
            "EMPLOYEES",
            &["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"],
        ),
        (
            "HONORIFIC",
            &["HNR_EN_1", "HNR_EN_2", "HNR_EN_3", "HNR_EN_4"],
        ),
    ];
    for (entity, want) in expected {
        let items = app
            .ok("crm.status.list", json!({"filter": {"ENTITY_ID": entity}}))
            .await;
        assert_eq!(codes(&items), want, "{entity}");
    }
    let employees = app
        .ok("crm.status.entity.items", json!({"entityId": "EMPLOYEES"}))
        .await;
    assert_eq!(
        employees,
        json!([
            {"NAME": "fewer than 50", "SORT": 10, "STATUS_ID": "EMPLOYEES_1"},
            {"NAME": "50-250", "SORT": 20, "STATUS_ID": "EMPLOYEES_2"},
            {"NAME": "250-500", "SORT": 30, "STATUS_ID": "EMPLOYEES_3"},
            {"NAME": "over 500", "SORT": 40, "STATUS_ID": "EMPLOYEES_4"},
        ])
    );
    assert_eq!(
        app.ok("crm.status.get", json!({"id": 58})).await,
        seeded(58, "HONORIFIC", "HNR_EN_4", "Dr.", 40)
    );
}

#[tokio::test]
async fn list_filter_order_and_pages() {
    let app = TestApp::start().await;
    // Every directory: 58 items, by SORT then ID, 50 per page.
    let r = app.call("crm.status.list", json!({})).await.json();
    assert_eq!(r["total"], 58);
    assert_eq!(r["next"], 50);
    let first = r["result"].as_array().unwrap();
    assert_eq!(first.len(), 50);
    assert_eq!(first[0]["ID"], "1");
    assert_eq!(
        first[1]["ID"], "6",
        "SORT 10 of SOURCE follows SORT 10 of STATUS"
    );
    let r = app
        .call("crm.status.list", json!({"start": 50}))
        .await
        .json();
    assert_eq!(r["result"].as_array().unwrap().len(), 8);
    assert_eq!(r["total"], 58);
    assert!(r.get("next").is_none());
    let r = app
        .call("crm.status.list", json!({"start": -1}))
        .await
        .json();
    assert_eq!(r["result"].as_array().unwrap().len(), 50);
    assert_eq!(r["total"], 0);

    let lead = json!({"ENTITY_ID": "STATUS"});
    let sorted = |order: Value| {
        let app = &app;
        let lead = lead.clone();
        async move {
            codes(
                &app.ok("crm.status.list", json!({"filter": lead, "order": order}))
                    .await,
            )
        }
    };
    assert_eq!(
        sorted(json!({"SORT": "DESC"})).await,
        ["JUNK", "CONVERTED", "PROCESSED", "IN_PROCESS", "NEW"]
    );
    assert_eq!(
        sorted(json!({"NAME": "asc"})).await,
        ["CONVERTED", "IN_PROCESS", "JUNK", "PROCESSED", "NEW"]
    );
    assert_eq!(
        sorted(json!({"STATUS_ID": "ASC"})).await,
        ["CONVERTED", "IN_PROCESS", "JUNK", "NEW", "PROCESSED"]
    );
    assert_eq!(
        sorted(json!({"ID": "DESC"})).await,
        ["JUNK", "CONVERTED", "PROCESSED", "IN_PROCESS", "NEW"]
    );
    // ENTITY_ID then ID: HONORIFIC before INDUSTRY.
    let r = app
        .ok(
            "crm.status.list",
            json!({"filter": {"@ENTITY_ID": ["INDUSTRY", "HONORIFIC"]}, "order": {"ENTITY_ID": "ASC"}}),
        )
        .await;
    assert_eq!(
        codes(&r)[..5],
        ["HNR_EN_1", "HNR_EN_2", "HNR_EN_3", "HNR_EN_4", "IT"]
    );

    let filtered = |filter: Value| {
        let app = &app;
        async move { codes(&app.ok("crm.status.list", json!({"filter": filter})).await) }
    };
    assert_eq!(
        filtered(json!({"ENTITY_ID": "HONORIFIC", "!STATUS_ID": "HNR_EN_1"})).await,
        ["HNR_EN_2", "HNR_EN_3", "HNR_EN_4"]
    );
    assert_eq!(
        filtered(json!({"SEMANTICS": "S"})).await,
        ["CONVERTED", "WON"]
    );
    assert_eq!(filtered(json!({"ID": "3"})).await, ["PROCESSED"]);
    assert_eq!(
        filtered(json!({"ENTITY_ID": "STATUS", "SORT": [10, 50]})).await,
        ["NEW", "JUNK"]
    );
    assert_eq!(
        filtered(json!({"NAME": "Other", "ENTITY_ID": "INDUSTRY"})).await,
        ["OTHER"]
    );
    assert_eq!(
        filtered(json!({"ENTITY_ID": "NOPE"})).await,
        Vec::<String>::new()
    );
    // Form encoding.
    let r = app
        .get(&format!(
            "{}crm.status.list.json?filter[ENTITY_ID]=EMPLOYEES&order[SORT]=DESC",
            app.hook
        ))
        .await
        .json();
    assert_eq!(r["result"][0]["STATUS_ID"], "EMPLOYEES_4");
    assert_eq!(r["total"], 4);

    let r = app
        .call("crm.status.list", json!({"filter": {"FOO": 1}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.status.list",
        "filter",
        "FOO"
    ));
    assert_error(
        &app.call("crm.status.list", json!({"filter": {">SORT": 1}}))
            .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: operator of '>SORT' is not supported here; use =, !, @ or !@",
    );
    assert_error(
        &app.call("crm.status.list", json!({"filter": {"SORT": "ten"}}))
            .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: Field 'SORT' must be an integer.",
    );
    assert_error(
        &app.call("crm.status.list", json!({"order": {"COLOUR": "ASC"}}))
            .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: field 'COLOUR' is not allowed in order",
    );
    assert_error(
        &app.call("crm.status.list", json!({"order": {"SORT": "UP"}}))
            .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: allowed sort directions are ASC, DESC",
    );
    assert_legacy(
        &app.call("crm.status.list", json!({"filter": "x"})).await,
        "Parameter 'filter' must be array.",
    );
}

#[tokio::test]
async fn fields_entity_types_and_items() {
    let app = TestApp::start().await;
    let d = |kind: &str, required: bool, read_only: bool, immutable: bool, title: &str| {
        json!({"type": kind, "isRequired": required, "isReadOnly": read_only,
               "isImmutable": immutable, "isMultiple": false, "isDynamic": false, "title": title})
    };
    assert_eq!(
        app.ok("crm.status.fields", json!({})).await,
        json!({
            "ID": d("integer", false, true, false, "ID"),
            "ENTITY_ID": d("string", true, false, true, "Entity ID"),
            "STATUS_ID": d("string", true, false, true, "Status"),
            "SORT": d("integer", false, false, false, "Sorting"),
            "NAME": d("string", true, false, false, "Name"),
            "NAME_INIT": d("string", false, true, false, "Default Name"),
            "SYSTEM": d("char", false, true, false, "System"),
            "CATEGORY_ID": d("integer", false, false, true, "CATEGORY_ID"),
            "COLOR": d("string", false, false, false, "COLOR"),
            "SEMANTICS": d("char", false, false, true, "SEMANTICS"),
            "EXTRA": d("crm_status_extra", false, false, false, "Additional Fields"),
        })
    );
    assert_eq!(
        app.ok("crm.status.entity.types", json!({})).await,
        json!([
            {"ID": "STATUS", "NAME": "Lead Stages",
             "SEMANTIC_INFO": {"START_FIELD": "NEW", "FINAL_SUCCESS_FIELD": "CONVERTED",
                               "FINAL_UNSUCCESS_FIELD": "JUNK", "FINAL_SORT": 0},
             "ENTITY_TYPE_ID": 1},
            {"ID": "SOURCE", "NAME": "Sources"},
            {"ID": "CONTACT_TYPE", "NAME": "Contact Type"},
            {"ID": "COMPANY_TYPE", "NAME": "Company Type"},
            {"ID": "EMPLOYEES", "NAME": "Number of Employees"},
            {"ID": "INDUSTRY", "NAME": "Industry"},
            {"ID": "DEAL_TYPE", "NAME": "Deal Type"},
            {"ID": "DEAL_STAGE", "NAME": "General Deal Stages",
             "SEMANTIC_INFO": {"START_FIELD": "NEW", "FINAL_SUCCESS_FIELD": "WON",
                               "FINAL_UNSUCCESS_FIELD": "LOSE", "FINAL_SORT": 0},
             "FIELD_ATTRIBUTE_SCOPE": "", "ENTITY_TYPE_ID": 2, "CATEGORY_ID": 0},
            {"ID": "HONORIFIC", "NAME": "Honorifics"},
        ])
    );
    assert_eq!(
        app.ok("crm.status.entity.items", json!({"entityId": "HONORIFIC"}))
            .await,
        json!([
            {"NAME": "Mr.", "SORT": 10, "STATUS_ID": "HNR_EN_1"},
            {"NAME": "Mrs.", "SORT": 20, "STATUS_ID": "HNR_EN_2"},
            {"NAME": "Ms.", "SORT": 30, "STATUS_ID": "HNR_EN_3"},
            {"NAME": "Dr.", "SORT": 40, "STATUS_ID": "HNR_EN_4"},
        ])
    );
    let r = app
        .get(&format!(
            "{}crm.status.entity.items.json?entityId=DEAL_TYPE",
            app.hook
        ))
        .await
        .json();
    assert_eq!(
        r["result"][4],
        json!({"NAME": "After-sales service", "SORT": 50, "STATUS_ID": "SERVICE"})
    );
    assert_eq!(
        app.ok("crm.status.entity.items", json!({"entityId": "NOPE"}))
            .await,
        json!([])
    );
    assert_legacy(
        &app.call("crm.status.entity.items", json!({})).await,
        "The parameter entityId is not defined or invalid.",
    );
}

#[tokio::test]
async fn add_get_update_delete() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Trade fair",
                              "SORT": 130, "SYSTEM": "Y", "SEMANTICS": "S", "NAME_INIT": "x"}}),
        )
        .await;
    assert_eq!(id, json!(59));
    assert_eq!(
        app.ok("crm.status.get", json!({"id": 59})).await,
        json!({"ID": "59", "ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Trade fair",
               "NAME_INIT": "", "SORT": "130", "SYSTEM": "N", "CATEGORY_ID": null,
               "COLOR": null, "SEMANTICS": null}),
        "SYSTEM is always N; SEMANTICS only for stages"
    );
    // Form encoding, default SORT 10, a stage with colour and semantics.
    let r = app
        .get(&format!(
            "{}crm.status.add.json?fields[ENTITY_ID]=DEAL_STAGE&fields[STATUS_ID]=DECISION&fields[NAME]=Decision&fields[COLOR]=%23FFA900&fields[SEMANTICS]=",
            app.hook
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"], 60);
    let decision = app
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "DECISION"}}),
        )
        .await;
    assert_eq!(
        decision,
        json!([{"ID": "60", "ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "DECISION", "NAME": "Decision",
                "NAME_INIT": "", "SORT": "10", "SYSTEM": "N", "CATEGORY_ID": null,
                "COLOR": "#FFA900", "SEMANTICS": null,
                "EXTRA": {"SEMANTICS": "process", "COLOR": "#FFA900"}}])
    );

    // Update: NAME, SORT, COLOR change; STATUS_ID and ENTITY_ID do not.
    assert_eq!(
        app.ok(
            "crm.status.update",
            json!({"id": 59, "fields": {"NAME": "Trade show 2025", "SORT": "5", "COLOR": "#112233",
                                        "STATUS_ID": "OTHER2", "ENTITY_ID": "STATUS"}}),
        )
        .await,
        json!(true)
    );
    assert_eq!(
        app.ok("crm.status.get", json!({"ID": "59"})).await,
        json!({"ID": "59", "ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Trade show 2025",
               "NAME_INIT": "", "SORT": "5", "SYSTEM": "N", "CATEGORY_ID": null,
               "COLOR": "#112233", "SEMANTICS": null})
    );
    app.ok(
        "crm.status.update",
        json!({"id": 59, "fields": {"COLOR": ""}}),
    )
    .await;
    assert_eq!(
        app.ok("crm.status.get", json!({"id": 59})).await["COLOR"],
        Value::Null
    );
    // Renaming a system item keeps NAME_INIT.
    app.ok(
        "crm.status.update",
        json!({"id": 1, "fields": {"NAME": "Fresh"}}),
    )
    .await;
    let new = app.ok("crm.status.get", json!({"id": 1})).await;
    assert_eq!(
        (&new["NAME"], &new["NAME_INIT"]),
        (&json!("Fresh"), &json!("Unassigned"))
    );
    assert_eq!(
        codes(
            &app.ok(
                "crm.status.list",
                json!({"filter": {"ENTITY_ID": "SOURCE"}})
            )
            .await
        )[0],
        "FAIR",
        "SORT 5 comes first"
    );

    assert_eq!(
        app.ok("crm.status.delete", json!({"id": 59})).await,
        json!(true)
    );
    for method in ["crm.status.get", "crm.status.delete"] {
        assert_legacy(
            &app.call(method, json!({"id": 59})).await,
            "Status is not found.",
        );
    }
    assert_legacy(
        &app.call(
            "crm.status.update",
            json!({"id": 59, "fields": {"NAME": "x"}}),
        )
        .await,
        "Status is not found.",
    );
    for method in ["crm.status.get", "crm.status.update", "crm.status.delete"] {
        assert_legacy(
            &app.call(method, json!({"id": "abc"})).await,
            "ID is not defined or invalid.",
        );
    }
    assert_legacy(
        &app.call(
            "crm.status.update",
            json!({"id": 60, "fields": {"NAME": ""}}),
        )
        .await,
        "The field NAME is required.",
    );
    assert_legacy(
        &app.call(
            "crm.status.update",
            json!({"id": 60, "fields": {"SORT": "first"}}),
        )
        .await,
        "Field 'SORT' must be an integer.",
    );
    assert_legacy(
        &app.call("crm.status.update", json!({"id": 60, "fields": "x"}))
            .await,
        "Parameter 'fields' must be array.",
    );
}

#[tokio::test]
async fn add_errors() {
    let app = TestApp::start().await;
    let add = |fields: Value| {
        let app = &app;
        async move { app.call("crm.status.add", json!({"fields": fields})).await }
    };
    assert_legacy(
        &add(json!({"ENTITY_ID": "STATUS", "STATUS_ID": "NEW", "NAME": "Again"})).await,
        "Duplicate STATUS_ID.",
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "LEAD_STAGE", "STATUS_ID": "X", "NAME": "X"})).await,
        "Specified entity type is not supported.",
    );
    assert_legacy(
        &add(json!({"STATUS_ID": "X", "NAME": "X"})).await,
        "The field ENTITY_ID is required.",
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "SOURCE", "STATUS_ID": "", "NAME": "X"})).await,
        "The field STATUS_ID is required.",
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "SOURCE", "STATUS_ID": "X"})).await,
        "The field NAME is required.",
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "STATUS", "STATUS_ID": "NOT VALID", "NAME": "X"})).await,
        "STATUS_ID of directory STATUS must be at most 21 Latin letters, digits, '-' and '_'.",
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "A".repeat(23), "NAME": "X"})).await,
        "STATUS_ID of directory DEAL_STAGE must be at most 22 Latin letters, digits, '-' and '_'.",
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "SOURCE", "STATUS_ID": "é".repeat(51), "NAME": "X"})).await,
        "STATUS_ID must be at most 50 characters.",
    );
    assert_eq!(
        add(json!({"ENTITY_ID": "SOURCE", "STATUS_ID": "Feira de negócios", "NAME": "Feira"}))
            .await
            .status,
        200,
        "other directories take any characters"
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "STATUS", "STATUS_ID": "X", "NAME": "X", "SEMANTICS": "W"})).await,
        "Field 'SEMANTICS' must be S, F or empty.",
    );
    assert_legacy(
        &add(json!({"ENTITY_ID": "STATUS", "STATUS_ID": "X", "NAME": "X", "SORT": "x"})).await,
        "Field 'SORT' must be an integer.",
    );
    assert_legacy(
        &app.call("crm.status.add", json!({})).await,
        "The field ENTITY_ID is required.",
    );
    assert_legacy(
        &app.call("crm.status.add", json!({"fields": "x"})).await,
        "Parameter 'fields' must be array.",
    );
}

#[tokio::test]
async fn writes_need_an_administrator() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let hook = app.webhook(bob, &["crm"], None).await;
    let calls = [
        (
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "X", "NAME": "X"}}),
        ),
        (
            "crm.status.update",
            json!({"id": 1, "fields": {"NAME": "X"}}),
        ),
        (
            "crm.status.delete",
            json!({"id": 999, "params": {"FORCED": "Y"}}),
        ),
    ];
    for (method, body) in calls {
        assert_error(
            &app.call_on(&hook, method, body).await,
            403,
            "ACCESS_DENIED",
            "Access denied.",
        );
    }
    // Reading is for everyone with the crm scope.
    let r = app.call_on(&hook, "crm.status.get", json!({"id": 1})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"]["NAME"], "Unassigned");
    let r = app
        .call_on(
            &hook,
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "STATUS"}}),
        )
        .await;
    assert_eq!(r.json()["total"], 5);
    // Without the crm scope, nothing.
    let user_only = app.webhook(1, &["user"], None).await;
    assert_eq!(
        app.call_on(&user_only, "crm.status.list", json!({}))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn delete_rules() {
    let app = TestApp::start().await;
    // System items only with FORCED=Y (JSON or form encoding).
    assert_legacy(
        &app.call("crm.status.delete", json!({"id": 58})).await,
        "CRM System Status can be deleted only if parameter FORCED is specified and equal to \"Y\".",
    );
    assert_legacy(
        &app.call("crm.status.delete", json!({"id": 58, "params": {"FORCED": "N"}}))
            .await,
        "CRM System Status can be deleted only if parameter FORCED is specified and equal to \"Y\".",
    );
    let r = app
        .get(&format!(
            "{}crm.status.delete.json?id=58&params[FORCED]=Y",
            app.hook
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"], true);
    assert_legacy(
        &app.call("crm.status.get", json!({"id": 58})).await,
        "Status is not found.",
    );

    // A stage with leads in it stays.
    let lead = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": "x", "STATUS_ID": "IN_PROCESS"}}),
        )
        .await;
    assert_legacy(
        &app.call(
            "crm.status.delete",
            json!({"id": 2, "params": {"FORCED": "Y"}}),
        )
        .await,
        "There are active items in this status.",
    );
    app.ok(
        "crm.lead.update",
        json!({"id": lead, "fields": {"STATUS_ID": "PROCESSED"}}),
    )
    .await;
    assert_eq!(
        app.ok(
            "crm.status.delete",
            json!({"id": 2, "params": {"FORCED": "Y"}})
        )
        .await,
        json!(true)
    );
    // Once deleted, the stage is no longer a valid value.
    assert_legacy(
        &app.call(
            "crm.lead.update",
            json!({"id": lead, "fields": {"STATUS_ID": "IN_PROCESS"}}),
        )
        .await,
        "Field 'STATUS_ID' has an unknown value 'IN_PROCESS': it is not in the directory STATUS.",
    );
    // Sources in use may go (a lead keeps its value).
    app.ok(
        "crm.lead.update",
        json!({"id": lead, "fields": {"SOURCE_ID": "CALL"}}),
    )
    .await;
    assert_eq!(
        app.ok(
            "crm.status.delete",
            json!({"id": 6, "params": {"FORCED": "Y"}})
        )
        .await,
        json!(true)
    );
    assert_eq!(
        app.ok("crm.lead.get", json!({"id": lead})).await["SOURCE_ID"],
        "CALL"
    );
}

#[tokio::test]
async fn lead_writes_use_the_directories() {
    let app = TestApp::start().await;
    let unknown = |field: &str, value: &str, dir: &str| {
        format!("Field '{field}' has an unknown value '{value}': it is not in the directory {dir}.")
    };
    // Unknown values are refused on add and update; nothing is written.
    assert_legacy(
        &app.call(
            "crm.lead.add",
            json!({"fields": {"TITLE": "x", "STATUS_ID": "NOPE"}}),
        )
        .await,
        &unknown("STATUS_ID", "NOPE", "STATUS"),
    );
    assert_eq!(
        app.call("crm.lead.list", json!({})).await.json()["total"],
        0
    );
    assert_legacy(
        &app.call("crm.lead.add", json!({"fields": {"SOURCE_ID": "NEW"}}))
            .await,
        &unknown("SOURCE_ID", "NEW", "SOURCE"),
    );
    assert_legacy(
        &app.call("crm.lead.add", json!({"fields": {"HONORIFIC": "Mr."}}))
            .await,
        &unknown("HONORIFIC", "Mr.", "HONORIFIC"),
    );
    assert_legacy(
        &app.call("crm.lead.add", json!({"fields": {"STATUS_ID": "new"}}))
            .await,
        &unknown("STATUS_ID", "new", "STATUS"),
    );
    let id = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": "ok", "SOURCE_ID": "WEB", "HONORIFIC": "HNR_EN_3"}}),
        )
        .await;
    let lead = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(
        (
            &lead["STATUS_ID"],
            &lead["STATUS_SEMANTIC_ID"],
            &lead["SOURCE_ID"],
            &lead["HONORIFIC"]
        ),
        (
            &json!("NEW"),
            &json!("P"),
            &json!("WEB"),
            &json!("HNR_EN_3")
        )
    );
    for (field, value, dir) in [
        ("STATUS_ID", "CLOSED", "STATUS"),
        ("SOURCE_ID", "FAIR", "SOURCE"),
        ("HONORIFIC", "HNR_EN_9", "HONORIFIC"),
    ] {
        assert_legacy(
            &app.call(
                "crm.lead.update",
                json!({"id": id, "fields": {field: value}}),
            )
            .await,
            &unknown(field, value, dir),
        );
    }
    let unchanged = app.ok("crm.lead.get", json!({"id": id})).await;
    assert_eq!(unchanged["SOURCE_ID"], "WEB");
    assert_eq!(unchanged["STATUS_ID"], "NEW");
    // Clearing a directory field is not a directory value.
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"SOURCE_ID": ""}}),
    )
    .await;
    assert_eq!(
        app.ok("crm.lead.get", json!({"id": id})).await["SOURCE_ID"],
        Value::Null
    );

    // Custom stages are usable at once, with their semantics.
    let fair = app
        .ok(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": "SOURCE", "STATUS_ID": "FAIR", "NAME": "Fair"}}),
        )
        .await;
    assert!(fair.is_u64());
    app.ok(
        "crm.status.add",
        json!({"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "DUPLICATE", "NAME": "Duplicate",
                          "SORT": 60, "SEMANTICS": "F", "COLOR": "#FF0000"}}),
    )
    .await;
    app.ok(
        "crm.status.add",
        json!({"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "SOLD", "NAME": "Sold",
                          "SORT": 45, "SEMANTICS": "s"}}),
    )
    .await;
    app.ok(
        "crm.status.add",
        json!({"fields": {"ENTITY_ID": "STATUS", "STATUS_ID": "CALLED", "NAME": "Called", "SORT": 15}}),
    )
    .await;
    let stages = app
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "STATUS"}}),
        )
        .await;
    assert_eq!(
        codes(&stages),
        [
            "NEW",
            "CALLED",
            "IN_PROCESS",
            "PROCESSED",
            "CONVERTED",
            "SOLD",
            "JUNK",
            "DUPLICATE"
        ]
    );
    assert_eq!(
        stages[7]["EXTRA"],
        json!({"SEMANTICS": "apology", "COLOR": "#FF0000"}),
        "a further failure stage"
    );
    assert_eq!(stages[5]["SEMANTICS"], "S");

    let dup = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": "dup", "STATUS_ID": "DUPLICATE", "SOURCE_ID": "FAIR"}}),
        )
        .await;
    let lead = app.ok("crm.lead.get", json!({"id": dup})).await;
    assert_eq!(lead["STATUS_ID"], "DUPLICATE");
    assert_eq!(lead["STATUS_SEMANTIC_ID"], "F");
    assert_ne!(lead["DATE_CLOSED"], "");
    assert_eq!(lead["SOURCE_ID"], "FAIR");

    let stage_of = |id: Value| {
        let app = &app;
        async move {
            let l = app.ok("crm.lead.get", json!({"id": id})).await;
            (
                l["STATUS_ID"].as_str().unwrap().to_string(),
                l["STATUS_SEMANTIC_ID"].as_str().unwrap().to_string(),
                l["DATE_CLOSED"] == "",
            )
        }
    };
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"STATUS_ID": "CALLED"}}),
    )
    .await;
    assert_eq!(
        stage_of(id.clone()).await,
        ("CALLED".into(), "P".into(), true)
    );
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"STATUS_ID": "SOLD"}}),
    )
    .await;
    assert_eq!(
        stage_of(id.clone()).await,
        ("SOLD".into(), "S".into(), false)
    );
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"STATUS_ID": "JUNK"}}),
    )
    .await;
    assert_eq!(
        stage_of(id.clone()).await,
        ("JUNK".into(), "F".into(), false)
    );
    // Back to the start: an empty STATUS_ID means NEW.
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"STATUS_ID": ""}}),
    )
    .await;
    assert_eq!(stage_of(id.clone()).await, ("NEW".into(), "P".into(), true));

    // The same rules inside batch.
    let r = app
        .call(
            "batch",
            json!({"cmd": {
                "ok": "crm.lead.add?fields[STATUS_ID]=DUPLICATE",
                "bad": "crm.lead.add?fields[STATUS_ID]=GONE"
            }}),
        )
        .await
        .json();
    assert!(r["result"]["result"]["ok"].is_u64(), "{r}");
    assert_eq!(
        r["result"]["result_error"]["bad"],
        json!({"error": "", "error_description": unknown("STATUS_ID", "GONE", "STATUS")})
    );
}

#[tokio::test]
async fn deals_contacts_and_companies_use_the_directories() {
    let app = TestApp::start().await;
    let unknown = |field: &str, value: &str, dir: &str| {
        format!("Field '{field}' has an unknown value '{value}': it is not in the directory {dir}.")
    };
    // Deals: stage and type.
    assert_legacy(
        &app.call("crm.deal.add", json!({"fields": {"STAGE_ID": "CLOSED"}}))
            .await,
        &unknown("STAGE_ID", "CLOSED", "DEAL_STAGE"),
    );
    assert_legacy(
        &app.call("crm.deal.add", json!({"fields": {"TYPE_ID": "RENT"}}))
            .await,
        &unknown("TYPE_ID", "RENT", "DEAL_TYPE"),
    );
    app.ok(
        "crm.status.add",
        json!({"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "NO_BUDGET", "NAME": "No budget",
                          "SORT": 90, "SEMANTICS": "F"}}),
    )
    .await;
    let deal = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "d", "STAGE_ID": "NO_BUDGET", "TYPE_ID": "GOODS"}}),
        )
        .await;
    let d = app.ok("crm.deal.get", json!({"id": deal})).await;
    assert_eq!(
        (&d["STAGE_ID"], &d["STAGE_SEMANTIC_ID"], &d["TYPE_ID"]),
        (&json!("NO_BUDGET"), &json!("F"), &json!("GOODS"))
    );
    // The stage is in use now.
    let no_budget = app
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "NO_BUDGET"}}),
        )
        .await[0]["ID"]
        .clone();
    assert_legacy(
        &app.call("crm.status.delete", json!({"id": no_budget}))
            .await,
        "There are active items in this status.",
    );
    // A stage of another pipeline changes nothing on update.
    app.ok(
        "crm.deal.update",
        json!({"id": deal, "fields": {"STAGE_ID": "C1:WON"}}),
    )
    .await;
    let d = app.ok("crm.deal.get", json!({"id": deal})).await;
    assert_eq!(d["STAGE_ID"], "NO_BUDGET");
    // Other pipelines have their own stages, prefixed.
    let pipeline = app
        .ok("crm.dealcategory.add", json!({"fields": {"NAME": "Three"}}))
        .await;
    let funnel = app
        .ok("crm.deal.add", json!({"fields": {"CATEGORY_ID": pipeline}}))
        .await;
    let won = format!("C{pipeline}:WON");
    app.ok(
        "crm.deal.update",
        json!({"id": funnel, "fields": {"STAGE_ID": won}}),
    )
    .await;
    let d = app.ok("crm.deal.get", json!({"id": funnel})).await;
    assert_eq!(
        (&d["STAGE_ID"], &d["STAGE_SEMANTIC_ID"]),
        (&json!(won), &json!("S"))
    );
    let stage = format!("C{pipeline}:NOPE");
    assert_legacy(
        &app.call(
            "crm.deal.add",
            json!({"fields": {"CATEGORY_ID": pipeline, "STAGE_ID": stage}}),
        )
        .await,
        &unknown("STAGE_ID", &stage, &format!("DEAL_STAGE_{pipeline}")),
    );

    // Contacts and companies.
    assert_legacy(
        &app.call(
            "crm.contact.add",
            json!({"fields": {"NAME": "c", "TYPE_ID": "CUSTOMER"}}),
        )
        .await,
        &unknown("TYPE_ID", "CUSTOMER", "CONTACT_TYPE"),
    );
    let contact = app
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "c", "TYPE_ID": "CLIENT", "HONORIFIC": "HNR_EN_4", "SOURCE_ID": "EMAIL"}}),
        )
        .await;
    assert!(contact.is_u64());
    for (field, value, dir) in [
        ("COMPANY_TYPE", "CLIENT", "COMPANY_TYPE"),
        ("INDUSTRY", "AGRO", "INDUSTRY"),
        ("EMPLOYEES", "EMPLOYEES_5", "EMPLOYEES"),
    ] {
        assert_legacy(
            &app.call(
                "crm.company.add",
                json!({"fields": {"TITLE": "co", field: value}}),
            )
            .await,
            &unknown(field, value, dir),
        );
    }
    let company = app
        .ok(
            "crm.company.add",
            json!({"fields": {"TITLE": "co", "COMPANY_TYPE": "CUSTOMER", "INDUSTRY": "IT", "EMPLOYEES": "EMPLOYEES_2"}}),
        )
        .await;
    let c = app.ok("crm.company.get", json!({"id": company})).await;
    assert_eq!(
        (&c["COMPANY_TYPE"], &c["INDUSTRY"], &c["EMPLOYEES"]),
        (&json!("CUSTOMER"), &json!("IT"), &json!("EMPLOYEES_2"))
    );
}
