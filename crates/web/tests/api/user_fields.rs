//! User fields over real HTTP: `crm.{e}.userfield.add/get/list/update/delete`
//! with their errors and the administrator rule, and user-field values in the
//! legacy entity methods — every type written, read back by `get` and `list`,
//! filtered and sorted; `MULTIPLE`, `MANDATORY`, enumeration items, `select`
//! with `UF_*`, `*.fields` with `isDynamic`, and values gone with their
//! definition.

use serde_json::{json, Value};

use crate::common::{assert_error, Reply, TestApp};

/// A legacy CRM error (HTTP 400, empty `error`).
fn assert_legacy(r: &Reply, description: &str) {
    assert_error(r, 400, "", description);
}

/// `ERROR_CORE` (HTTP 400).
fn assert_core(r: &Reply, description: &str) {
    assert_error(r, 400, "ERROR_CORE", description);
}

/// Creates a user field of `entity` and returns its id.
async fn add_field(app: &TestApp, entity: &str, fields: Value) -> i64 {
    app.ok(
        &format!("crm.{entity}.userfield.add"),
        json!({ "fields": fields }),
    )
    .await
    .as_i64()
    .unwrap_or_else(|| panic!("userfield id for {fields}"))
}

/// Creates a record and returns its id.
async fn add_record(app: &TestApp, entity: &str, fields: Value) -> i64 {
    let r = app
        .call(&format!("crm.{entity}.add"), json!({ "fields": fields }))
        .await;
    assert_eq!(r.status, 200, "crm.{entity}.add {fields}: {}", r.text);
    r.json()["result"].as_i64().expect("record id")
}

/// `crm.{entity}.get` of a record.
async fn get_record(app: &TestApp, entity: &str, id: i64) -> Value {
    app.ok(&format!("crm.{entity}.get"), json!({ "id": id }))
        .await
}

/// `ID`s of a list answer.
fn ids(result: &Value) -> Vec<i64> {
    result
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["ID"].as_str().expect("ID").parse().expect("numeric ID"))
        .collect()
}

/// A caption with the same text in both languages.
fn both(text: &str) -> Value {
    json!({"br": text, "en": text})
}

#[tokio::test]
async fn add_and_get_a_field() {
    let app = TestApp::start().await;
    let id = add_field(
        &app,
        "deal",
        json!({"FIELD_NAME": "note", "USER_TYPE_ID": "string", "LABEL": "Note",
               "HELP_MESSAGE": {"en": "Free text", "de": "Freitext"}, "XML_ID": "note-1"}),
    )
    .await;
    let got = app.ok("crm.deal.userfield.get", json!({"id": id})).await;
    assert_eq!(
        got,
        json!({
            "ID": id.to_string(), "ENTITY_ID": "CRM_DEAL", "FIELD_NAME": "UF_CRM_NOTE",
            "USER_TYPE_ID": "string", "XML_ID": "note-1", "SORT": "100", "MULTIPLE": "N",
            "MANDATORY": "N", "SHOW_FILTER": "N", "SHOW_IN_LIST": "Y", "EDIT_IN_LIST": "Y",
            "IS_SEARCHABLE": "N",
            "SETTINGS": {"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0, "MAX_LENGTH": 0,
                         "DEFAULT_VALUE": ""},
            "EDIT_FORM_LABEL": both("Note"), "LIST_COLUMN_LABEL": both("Note"),
            "LIST_FILTER_LABEL": both("Note"), "ERROR_MESSAGE": both(""),
            "HELP_MESSAGE": {"br": "", "de": "Freitext", "en": "Free text"},
        })
    );

    // The prefix is forced, the name upper-cased.
    for (given, stored) in [
        ("UF_SECOND", "UF_CRM_SECOND"),
        ("uf_crm_third", "UF_CRM_THIRD"),
        ("Fourth_4", "UF_CRM_FOURTH_4"),
    ] {
        let id = add_field(
            &app,
            "deal",
            json!({"FIELD_NAME": given, "USER_TYPE_ID": "integer"}),
        )
        .await;
        let got = app.ok("crm.deal.userfield.get", json!({"id": id})).await;
        assert_eq!(got["FIELD_NAME"], stored);
    }
    // A boolean field is never multiple; SHOW_FILTER Y is the mask filter.
    let id = add_field(
        &app,
        "deal",
        json!({"FIELD_NAME": "FLAG", "USER_TYPE_ID": "boolean", "MULTIPLE": "Y",
               "SHOW_FILTER": "Y", "SORT": 7}),
    )
    .await;
    let got = app.ok("crm.deal.userfield.get", json!({"id": id})).await;
    assert_eq!(
        (&got["MULTIPLE"], &got["SHOW_FILTER"], &got["SORT"]),
        (&json!("N"), &json!("E"), &json!("7"))
    );
    // A 43-character code makes a 50-character name.
    add_field(
        &app,
        "deal",
        json!({"FIELD_NAME": "A".repeat(43), "USER_TYPE_ID": "url"}),
    )
    .await;
}

#[tokio::test]
async fn add_errors() {
    let app = TestApp::start().await;
    let add = |fields: Value| {
        let app = &app;
        async move {
            app.call("crm.lead.userfield.add", json!({ "fields": fields }))
                .await
        }
    };
    assert_legacy(
        &add(json!({"USER_TYPE_ID": "string"})).await,
        "The 'FIELD_NAME' field is not found.",
    );
    assert_legacy(
        &add(json!({"FIELD_NAME": "", "USER_TYPE_ID": "string"})).await,
        "The 'FIELD_NAME' field is not found.",
    );
    assert_legacy(
        &add(json!({"FIELD_NAME": "X"})).await,
        "The 'USER_TYPE_ID' field is not found.",
    );
    assert_core(
        &add(json!({"FIELD_NAME": "A".repeat(44), "USER_TYPE_ID": "string"})).await,
        "Field name is too long (more than 50 characters).",
    );
    assert_core(
        &add(json!({"FIELD_NAME": "my-field", "USER_TYPE_ID": "string"})).await,
        "Field name contains invalid characters. Allowed characters are: A-Z, 0-9, and _.",
    );
    assert_core(
        &add(json!({"FIELD_NAME": "ÉTÉ", "USER_TYPE_ID": "string"})).await,
        "Field name contains invalid characters. Allowed characters are: A-Z, 0-9, and _.",
    );
    assert_core(
        &add(json!({"FIELD_NAME": "F", "USER_TYPE_ID": "file"})).await,
        "Invalid custom type specified.",
    );
    assert_core(
        &add(json!({"FIELD_NAME": "F", "USER_TYPE_ID": "iblock_element"})).await,
        "Invalid custom type specified.",
    );
    assert_eq!(
        add(json!({"FIELD_NAME": "TWICE", "USER_TYPE_ID": "string"}))
            .await
            .status,
        200
    );
    assert_core(
        &add(json!({"FIELD_NAME": "UF_CRM_TWICE", "USER_TYPE_ID": "integer"})).await,
        "The field UF_CRM_TWICE for entity CRM_LEAD already exists.",
    );
    // The same name on another entity is another field.
    add_field(
        &app,
        "deal",
        json!({"FIELD_NAME": "TWICE", "USER_TYPE_ID": "string"}),
    )
    .await;
    assert_core(
        &add(json!({"FIELD_NAME": "E", "USER_TYPE_ID": "enumeration",
                    "LIST": [{"VALUE": "a", "XML_ID": "x"}, {"VALUE": "b", "XML_ID": "x"}]}))
        .await,
        "List item with XML_ID='x' already exists.",
    );
    let r = app
        .call("crm.lead.userfield.add", json!({"fields": "nope"}))
        .await;
    assert_legacy(&r, "Parameter 'fields' must be array.");

    // get: bad id, missing id, another entity's field.
    let r = app.call("crm.lead.userfield.get", json!({})).await;
    assert_legacy(&r, "ID is not defined or invalid.");
    let r = app
        .call("crm.lead.userfield.get", json!({"id": 9999}))
        .await;
    assert_error(
        &r,
        400,
        "ERROR_NOT_FOUND",
        "The entity with ID '9999' is not found",
    );
    let deal_field = app
        .ok(
            "crm.deal.userfield.list",
            json!({"filter": {"FIELD_NAME": "UF_CRM_TWICE"}}),
        )
        .await[0]["ID"]
        .clone();
    for method in [
        "crm.lead.userfield.get",
        "crm.lead.userfield.update",
        "crm.lead.userfield.delete",
    ] {
        let r = app
            .call(method, json!({"id": deal_field, "fields": {"SORT": 5}}))
            .await;
        assert_error(&r, 403, "ACCESS_DENIED", "Access denied.");
    }
}

#[tokio::test]
async fn list_update_and_delete() {
    let app = TestApp::start().await;
    let a = add_field(
        &app,
        "contact",
        json!({"FIELD_NAME": "A", "USER_TYPE_ID": "string", "SORT": 300,
               "EDIT_FORM_LABEL": {"en": "Alpha", "br": "Alfa"}}),
    )
    .await;
    let b = add_field(
        &app,
        "contact",
        json!({"FIELD_NAME": "B", "USER_TYPE_ID": "integer", "SORT": 100, "MULTIPLE": "Y",
               "MANDATORY": "Y"}),
    )
    .await;
    let c = add_field(
        &app,
        "contact",
        json!({"FIELD_NAME": "C", "USER_TYPE_ID": "string", "SORT": 100}),
    )
    .await;
    add_field(
        &app,
        "company",
        json!({"FIELD_NAME": "OTHER", "USER_TYPE_ID": "string"}),
    )
    .await;
    let list = |body: Value| {
        let app = &app;
        async move { app.ok("crm.contact.userfield.list", body).await }
    };
    assert_eq!(ids(&list(json!({})).await), [b, c, a], "SORT, then ID");
    let r = app.call("crm.contact.userfield.list", json!({})).await;
    assert_eq!(r.json()["total"], 3);
    assert_eq!(
        ids(&list(json!({"filter": {"USER_TYPE_ID": "string"}})).await),
        [c, a]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"MULTIPLE": "Y", "MANDATORY": "Y"}})).await),
        [b]
    );
    assert_eq!(
        ids(&list(json!({"filter": {"!FIELD_NAME": "uf_crm_a"}})).await),
        [b, c]
    );
    assert_eq!(
        ids(&list(json!({"order": {"FIELD_NAME": "DESC"}})).await),
        [c, b, a]
    );
    assert_eq!(
        ids(&list(json!({"order": {"ID": "DESC"}})).await),
        [c, b, a]
    );
    // LANG: captions as texts, null when empty.
    let rows = list(json!({"filter": {"LANG": "br", "ID": a}})).await;
    assert_eq!(rows[0]["EDIT_FORM_LABEL"], "Alfa");
    assert_eq!(rows[0]["LIST_COLUMN_LABEL"], Value::Null);
    let rows = list(json!({"filter": {"ID": a}})).await;
    assert_eq!(
        rows[0]["EDIT_FORM_LABEL"],
        json!({"br": "Alfa", "en": "Alpha"})
    );
    // Keys Bitrix24 does not know here (other fields, other operators) are ignored.
    let r = app
        .call(
            "crm.contact.userfield.list",
            json!({"filter": {"LABEL": "x", ">ID": 0, "LANG": "ru"}}),
        )
        .await;
    assert_eq!(r.json()["total"], 3, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.contact.userfield.list",
        "filter",
        "LABEL"
    ));
    assert!(crate::logs::leniency_logged(
        "crm.contact.userfield.list",
        "filter",
        ">ID"
    ));
    let r = app
        .call(
            "crm.contact.userfield.list",
            json!({"order": {"SORT": "UP"}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: allowed sort directions are ASC, DESC",
    );

    // update: captions replaced whole, settings merged, flags, SORT; the
    // name, type and MULTIPLE stay.
    assert_eq!(
        app.ok(
            "crm.contact.userfield.update",
            json!({"id": a, "fields": {
                "EDIT_FORM_LABEL": {"en": "Alpha 2"}, "LIST_COLUMN_LABEL": "Col",
                "SETTINGS": {"ROWS": 4}, "MANDATORY": "Y", "SORT": 50, "XML_ID": "ax",
                "FIELD_NAME": "UF_CRM_Z", "USER_TYPE_ID": "integer", "MULTIPLE": "Y"}}),
        )
        .await,
        true
    );
    let got = app.ok("crm.contact.userfield.get", json!({"id": a})).await;
    assert_eq!(got["EDIT_FORM_LABEL"], json!({"br": "", "en": "Alpha 2"}));
    assert_eq!(got["LIST_COLUMN_LABEL"], both("Col"));
    assert_eq!(got["SETTINGS"]["ROWS"], 4);
    assert_eq!(got["SETTINGS"]["SIZE"], 20, "merged");
    assert_eq!(
        (
            &got["MANDATORY"],
            &got["SORT"],
            &got["XML_ID"],
            &got["FIELD_NAME"],
            &got["USER_TYPE_ID"],
            &got["MULTIPLE"]
        ),
        (
            &json!("Y"),
            &json!("50"),
            &json!("ax"),
            &json!("UF_CRM_A"),
            &json!("string"),
            &json!("N")
        )
    );
    assert_eq!(ids(&list(json!({})).await), [a, b, c]);
    let r = app
        .call(
            "crm.contact.userfield.update",
            json!({"id": 9999, "fields": {"SORT": 1}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "ERROR_NOT_FOUND",
        "The entity with ID '9999' is not found",
    );

    // delete.
    assert_eq!(
        app.ok("crm.contact.userfield.delete", json!({"id": c}))
            .await,
        true
    );
    let r = app
        .call("crm.contact.userfield.get", json!({"id": c}))
        .await;
    assert_error(
        &r,
        400,
        "ERROR_NOT_FOUND",
        &format!("The entity with ID '{c}' is not found"),
    );
    let r = app
        .call("crm.contact.userfield.delete", json!({"id": c}))
        .await;
    assert_error(
        &r,
        400,
        "ERROR_NOT_FOUND",
        &format!("The entity with ID '{c}' is not found"),
    );
    assert_eq!(ids(&list(json!({})).await), [a, b]);
}

#[tokio::test]
async fn only_administrators_change_fields() {
    let app = TestApp::start().await;
    let id = add_field(
        &app,
        "lead",
        json!({"FIELD_NAME": "NOTE", "USER_TYPE_ID": "string"}),
    )
    .await;
    let bob = app.add_user("bob", false).await;
    let hook = app.webhook(bob, &["crm"], None).await;
    let r = app
        .call_on(
            &hook,
            "crm.lead.userfield.add",
            json!({"fields": {"FIELD_NAME": "MINE", "USER_TYPE_ID": "string"}}),
        )
        .await;
    assert_error(&r, 403, "ACCESS_DENIED", "Access denied.");
    let r = app
        .call_on(
            &hook,
            "crm.lead.userfield.update",
            json!({"id": id, "fields": {"SORT": 1}}),
        )
        .await;
    assert_error(&r, 403, "ACCESS_DENIED", "Access denied.");
    let r = app
        .call_on(&hook, "crm.lead.userfield.delete", json!({"id": id}))
        .await;
    assert_error(&r, 403, "ACCESS_DENIED", "Access denied.");
    // Reading definitions is for everyone.
    let r = app
        .call_on(&hook, "crm.lead.userfield.get", json!({"id": id}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app
        .call_on(&hook, "crm.lead.userfield.list", json!({}))
        .await;
    assert_eq!(ids(&r.json()["result"]), [id]);
}

/// The deal fields of every type, by code.
async fn every_type(app: &TestApp) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for (code, t, extra) in [
        ("S", "string", json!({})),
        ("I", "integer", json!({})),
        ("F", "double", json!({})),
        ("B", "boolean", json!({})),
        ("D", "date", json!({})),
        ("DT", "datetime", json!({})),
        (
            "E",
            "enumeration",
            json!({"LIST": [{"VALUE": "One", "SORT": 1}, {"VALUE": "Two", "SORT": 2}]}),
        ),
        ("U", "url", json!({})),
        ("M", "money", json!({})),
        ("CO", "crm", json!({"SETTINGS": {"COMPANY": "Y"}})),
        ("ANY", "crm", json!({})),
        ("EMP", "employee", json!({})),
    ] {
        let mut fields = json!({"FIELD_NAME": code, "USER_TYPE_ID": t});
        if let (Value::Object(f), Value::Object(e)) = (&mut fields, extra) {
            f.extend(e);
        }
        out.push((
            format!("UF_CRM_{code}"),
            add_field(app, "deal", fields).await,
        ));
    }
    out
}

#[tokio::test]
async fn every_type_round_trips() {
    let app = TestApp::start().await;
    let fields = every_type(&app).await;
    let def = app
        .ok("crm.deal.userfield.get", json!({"id": fields[6].1}))
        .await;
    let one = def["LIST"][0]["ID"].as_str().expect("item id").to_string();
    let company = add_record(&app, "company", json!({"TITLE": "Acme"})).await;
    let contact = add_record(&app, "contact", json!({"NAME": "Ann"})).await;
    let deal = add_record(
        &app,
        "deal",
        json!({"TITLE": "typed", "UF_CRM_S": "hello", "UF_CRM_I": "42", "UF_CRM_F": 2.5,
               "uf_crm_b": "Y", "UF_CRM_D": "2024-03-05", "UF_CRM_DT": "2024-03-05T10:00:00+02:00",
               "UF_CRM_E": one, "UF_CRM_U": "https://example.com/a?b=1", "UF_CRM_M": "100.5|eur",
               "UF_CRM_CO": format!("CO_{company}"), "UF_CRM_ANY": format!("c_{contact}"),
               "UF_CRM_EMP": 1}),
    )
    .await;
    let empty = add_record(&app, "deal", json!({"TITLE": "untyped"})).await;
    let expected = json!({
        "UF_CRM_S": "hello", "UF_CRM_I": "42", "UF_CRM_F": "2.5", "UF_CRM_B": true,
        "UF_CRM_D": "2024-03-05T00:00:00+00:00", "UF_CRM_DT": "2024-03-05T08:00:00+00:00",
        "UF_CRM_E": one, "UF_CRM_U": "https://example.com/a?b=1", "UF_CRM_M": "100.50|EUR",
        "UF_CRM_CO": company.to_string(), "UF_CRM_ANY": format!("C_{contact}"),
        "UF_CRM_EMP": "1",
    });
    let nothing = json!({
        "UF_CRM_S": null, "UF_CRM_I": null, "UF_CRM_F": null, "UF_CRM_B": false,
        "UF_CRM_D": "", "UF_CRM_DT": "", "UF_CRM_E": null, "UF_CRM_U": null, "UF_CRM_M": null,
        "UF_CRM_CO": null, "UF_CRM_ANY": null, "UF_CRM_EMP": null,
    });
    let pick = |row: &Value| -> Value {
        fields
            .iter()
            .map(|(name, _)| (name.clone(), row[name].clone()))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    assert_eq!(pick(&get_record(&app, "deal", deal).await), expected);
    assert_eq!(pick(&get_record(&app, "deal", empty).await), nothing);
    let rows = app
        .ok(
            "crm.deal.list",
            json!({"select": ["ID", "UF_*"], "order": {"ID": "ASC"}}),
        )
        .await;
    assert_eq!(ids(&rows), [deal, empty]);
    assert_eq!(pick(&rows[0]), expected);
    assert_eq!(pick(&rows[1]), nothing);
    assert!(rows[0].get("TITLE").is_none(), "only ID and UF_*");

    // Every value filters back to its deal.
    for (name, value) in [
        ("UF_CRM_S", json!("hello")),
        ("UF_CRM_I", json!(42)),
        ("UF_CRM_F", json!("2.5")),
        ("UF_CRM_B", json!("Y")),
        ("UF_CRM_D", json!("2024-03-05")),
        ("UF_CRM_DT", json!("2024-03-05T08:00:00Z")),
        ("UF_CRM_E", json!(one)),
        ("UF_CRM_U", json!("https://example.com/a?b=1")),
        ("UF_CRM_M", json!("100.5|EUR")),
        ("UF_CRM_CO", json!(company)),
        ("UF_CRM_ANY", json!(format!("C_{contact}"))),
        ("UF_CRM_EMP", json!(1)),
    ] {
        let rows = app
            .ok(
                "crm.deal.list",
                json!({"filter": {name: value}, "select": ["ID"]}),
            )
            .await;
        assert_eq!(ids(&rows), [deal], "filter {name}");
    }

    // Update changes and clears.
    assert_eq!(
        app.ok(
            "crm.deal.update",
            json!({"id": deal, "fields": {"UF_CRM_S": "", "UF_CRM_I": -7, "UF_CRM_B": "N",
                                          "UF_CRM_M": 3}}),
        )
        .await,
        true
    );
    let got = get_record(&app, "deal", deal).await;
    assert_eq!(
        (
            &got["UF_CRM_S"],
            &got["UF_CRM_I"],
            &got["UF_CRM_B"],
            &got["UF_CRM_M"],
            &got["UF_CRM_F"]
        ),
        (
            &Value::Null,
            &json!("-7"),
            &json!(false),
            &json!("3.00|USD"),
            &json!("2.5")
        )
    );

    // Bad values are refused with the legacy error naming the field.
    for (fields, error) in [
        (
            json!({"UF_CRM_I": "many"}),
            "Field 'UF_CRM_I' must be an integer.".to_string(),
        ),
        (
            json!({"UF_CRM_F": "x"}),
            "Field 'UF_CRM_F' must be a number.".to_string(),
        ),
        (
            json!({"UF_CRM_B": "maybe"}),
            "Field 'UF_CRM_B' must be Y or N.".to_string(),
        ),
        (
            json!({"UF_CRM_D": "soon"}),
            "Field 'UF_CRM_D' must be a date (YYYY-MM-DD).".to_string(),
        ),
        (
            json!({"UF_CRM_E": 99999}),
            "Field 'UF_CRM_E' has no list item with ID 99999.".to_string(),
        ),
        (
            json!({"UF_CRM_M": "ten|USD"}),
            "Field 'UF_CRM_M' must be an amount such as 100.50|USD.".to_string(),
        ),
        (
            json!({"UF_CRM_CO": "C_1"}),
            "Field 'UF_CRM_CO' must be a CRM record of type COMPANY such as CO_3.".to_string(),
        ),
        (
            json!({"UF_CRM_ANY": "5"}),
            "Field 'UF_CRM_ANY' must be a CRM record of type LEAD, CONTACT, COMPANY, DEAL such as L_3."
                .to_string(),
        ),
        (
            json!({"UF_CRM_CO": "CO_999"}),
            "Company with ID 999 is not found.".to_string(),
        ),
        (
            json!({"UF_CRM_EMP": 999}),
            "User with ID 999 is not found.".to_string(),
        ),
        (
            json!({"UF_CRM_S": ["a", "b"]}),
            "Field 'UF_CRM_S' takes one value.".to_string(),
        ),
    ] {
        let r = app
            .call("crm.deal.add", json!({ "fields": fields.clone() }))
            .await;
        assert_legacy(&r, &error);
        let r = app
            .call("crm.deal.update", json!({"id": deal, "fields": fields}))
            .await;
        assert_legacy(&r, &error);
    }
    assert_eq!(get_record(&app, "deal", deal).await["UF_CRM_I"], "-7");
}

#[tokio::test]
async fn multiple_and_mandatory_fields() {
    let app = TestApp::start().await;
    add_field(
        &app,
        "lead",
        json!({"FIELD_NAME": "TAGS", "USER_TYPE_ID": "integer", "MULTIPLE": "Y"}),
    )
    .await;
    add_field(
        &app,
        "lead",
        json!({"FIELD_NAME": "CODE", "USER_TYPE_ID": "string", "MANDATORY": "Y",
               "EDIT_FORM_LABEL": {"en": "Code", "br": "Código"}}),
    )
    .await;
    add_field(
        &app,
        "lead",
        json!({"FIELD_NAME": "REF", "USER_TYPE_ID": "string", "MANDATORY": "Y"}),
    )
    .await;

    // MANDATORY on create: missing or empty is refused, naming the field.
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"TITLE": "x", "UF_CRM_REF": "r"}}),
        )
        .await;
    assert_legacy(&r, "The required field Code is missing.");
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"TITLE": "x", "UF_CRM_CODE": "", "UF_CRM_REF": "r"}}),
        )
        .await;
    assert_legacy(&r, "The required field Code is missing.");
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"TITLE": "x", "UF_CRM_CODE": "c"}}),
        )
        .await;
    assert_legacy(&r, "The required field UF_CRM_REF is missing.");
    let id = add_record(
        &app,
        "lead",
        json!({"TITLE": "x", "UF_CRM_CODE": "c", "UF_CRM_REF": "r",
               "UF_CRM_TAGS": [3, "1", ""]}),
    )
    .await;
    let got = get_record(&app, "lead", id).await;
    assert_eq!(
        got["UF_CRM_TAGS"],
        json!(["3", "1"]),
        "in order, empties dropped"
    );
    // On update a mandatory field may be left out, not emptied.
    let r = app
        .call(
            "crm.lead.update",
            json!({"id": id, "fields": {"UF_CRM_CODE": null}}),
        )
        .await;
    assert_legacy(&r, "The required field Code is missing.");
    assert_eq!(
        app.ok(
            "crm.lead.update",
            json!({"id": id, "fields": {"TITLE": "y", "UF_CRM_TAGS": {"0": 5}}}),
        )
        .await,
        true
    );
    let got = get_record(&app, "lead", id).await;
    assert_eq!(
        (&got["UF_CRM_TAGS"], &got["UF_CRM_CODE"]),
        (&json!(["5"]), &json!("c"))
    );
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"UF_CRM_TAGS": 8}}),
    )
    .await;
    assert_eq!(
        get_record(&app, "lead", id).await["UF_CRM_TAGS"],
        json!(["8"])
    );
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"UF_CRM_TAGS": []}}),
    )
    .await;
    assert_eq!(get_record(&app, "lead", id).await["UF_CRM_TAGS"], json!([]));
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"UF_CRM_TAGS": [1, 2]}}),
    )
    .await;

    // select: UF_* and the default leave multiple fields out; named they come.
    let rows = app.ok("crm.lead.list", json!({})).await;
    assert_eq!(rows[0]["UF_CRM_CODE"], "c", "default select is * + UF_*");
    assert!(rows[0].get("UF_CRM_TAGS").is_none());
    assert!(rows[0].get("TITLE").is_some());
    let rows = app.ok("crm.lead.list", json!({"select": ["*"]})).await;
    assert!(rows[0].get("UF_CRM_CODE").is_none(), "* has no user fields");
    let rows = app.ok("crm.lead.list", json!({"select": ["UF_*"]})).await;
    assert_eq!(
        rows[0].as_object().expect("row").keys().collect::<Vec<_>>(),
        ["ID", "UF_CRM_CODE", "UF_CRM_REF"]
    );
    let rows = app
        .ok("crm.lead.list", json!({"select": ["ID", "uf_crm_tags"]}))
        .await;
    assert_eq!(
        rows[0],
        json!({"ID": id.to_string(), "UF_CRM_TAGS": ["1", "2"]})
    );
    // A multiple field matches by any value, and cannot be sorted by.
    for (filter, expect) in [
        (json!({"UF_CRM_TAGS": 2}), vec![id]),
        (json!({">UF_CRM_TAGS": 1}), vec![id]),
        (json!({"!UF_CRM_TAGS": 2}), vec![]),
        (json!({"@UF_CRM_TAGS": [7, 1]}), vec![id]),
    ] {
        let rows = app
            .ok(
                "crm.lead.list",
                json!({"filter": filter.clone(), "select": ["ID"]}),
            )
            .await;
        assert_eq!(ids(&rows), expect, "{filter}");
    }
    // Sorting by a multiple field is ignored, as Bitrix24 does, and logged.
    let r = app
        .call("crm.lead.list", json!({"order": {"UF_CRM_TAGS": "ASC"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.lead.list",
        "order",
        "UF_CRM_TAGS"
    ));
}

#[tokio::test]
async fn enumeration_items() {
    let app = TestApp::start().await;
    let id = add_field(
        &app,
        "company",
        json!({"FIELD_NAME": "SIZE", "USER_TYPE_ID": "enumeration", "LABEL": "Size",
               "LIST": [{"VALUE": "Small", "SORT": 10, "XML_ID": "s"},
                        {"VALUE": "Large", "SORT": 30, "DEF": "Y", "XML_ID": "l"},
                        {"VALUE": "Medium", "SORT": 20},
                        {"VALUE": ""}]}),
    )
    .await;
    let def = app.ok("crm.company.userfield.get", json!({"id": id})).await;
    let list = def["LIST"].as_array().expect("LIST").clone();
    let values: Vec<(&str, &str, &str, &str)> = list
        .iter()
        .map(|i| {
            (
                i["VALUE"].as_str().expect("VALUE"),
                i["SORT"].as_str().expect("SORT"),
                i["DEF"].as_str().expect("DEF"),
                i["XML_ID"].as_str().expect("XML_ID"),
            )
        })
        .collect();
    assert_eq!(values[0], ("Small", "10", "N", "s"));
    assert_eq!(values[1].0, "Medium");
    assert_eq!(values[1].3.len(), 32, "a digest of VALUE");
    assert_eq!(values[2], ("Large", "30", "Y", "l"));
    assert_eq!(values.len(), 3, "items without VALUE are ignored");
    let small = list[0]["ID"].as_str().expect("id").to_string();
    let medium = list[1]["ID"].as_str().expect("id").to_string();
    let large = list[2]["ID"].as_str().expect("id").to_string();

    let with_small = add_record(&app, "company", json!({"TITLE": "A", "UF_CRM_SIZE": small})).await;
    let with_large = add_record(&app, "company", json!({"TITLE": "B", "UF_CRM_SIZE": large})).await;

    // `*.fields` lists the items.
    let described = app.ok("crm.company.fields", json!({})).await;
    assert_eq!(
        described["UF_CRM_SIZE"]["items"],
        json!([{"ID": small, "VALUE": "Small"}, {"ID": medium, "VALUE": "Medium"},
               {"ID": large, "VALUE": "Large"}])
    );

    // update: change by ID, delete with DEL, add without ID; unknown IDs ignored.
    assert_eq!(
        app.ok(
            "crm.company.userfield.update",
            json!({"id": id, "fields": {"LIST": [
                {"ID": small, "VALUE": "Tiny", "SORT": 5},
                {"ID": large, "DEL": "Y"},
                {"VALUE": "Huge", "SORT": 40, "XML_ID": "h"},
                {"ID": 99999, "VALUE": "ghost"}
            ]}}),
        )
        .await,
        true
    );
    let def = app.ok("crm.company.userfield.get", json!({"id": id})).await;
    let values: Vec<&str> = def["LIST"]
        .as_array()
        .expect("LIST")
        .iter()
        .map(|i| i["VALUE"].as_str().expect("VALUE"))
        .collect();
    assert_eq!(values, ["Tiny", "Medium", "Huge"]);
    // A deleted item's values are gone.
    assert_eq!(
        get_record(&app, "company", with_large).await["UF_CRM_SIZE"],
        Value::Null
    );
    assert_eq!(
        get_record(&app, "company", with_small).await["UF_CRM_SIZE"],
        json!(small)
    );
    // A taken XML_ID is refused and nothing changes.
    for list in [
        json!([{"VALUE": "Again", "XML_ID": "h"}]),
        json!([{"ID": small, "XML_ID": "h"}]),
        json!([{"VALUE": "x", "XML_ID": "dup"}, {"VALUE": "y", "XML_ID": "dup"}]),
    ] {
        let taken = list[0]["XML_ID"].as_str().expect("xml").to_string();
        let r = app
            .call(
                "crm.company.userfield.update",
                json!({"id": id, "fields": {"LIST": list, "SORT": 1}}),
            )
            .await;
        assert_core(
            &r,
            &format!("List item with XML_ID='{taken}' already exists."),
        );
    }
    let def = app.ok("crm.company.userfield.get", json!({"id": id})).await;
    assert_eq!(def["SORT"], "100");
    assert_eq!(def["LIST"].as_array().expect("LIST").len(), 3);
    // Filter by item.
    let rows = app
        .ok(
            "crm.company.list",
            json!({"filter": {"UF_CRM_SIZE": small}, "select": ["ID"]}),
        )
        .await;
    assert_eq!(ids(&rows), [with_small]);
    let r = app
        .call(
            "crm.company.list",
            json!({"filter": {">UF_CRM_SIZE": small}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: operator '>UF_CRM_SIZE' is not allowed for field 'UF_CRM_SIZE' of type enumeration",
    );
}

#[tokio::test]
async fn filter_and_order_on_user_fields() {
    let app = TestApp::start().await;
    for (name, t) in [
        ("SCORE", "integer"),
        ("CODE", "string"),
        ("VIP", "boolean"),
        ("DUE", "date"),
    ] {
        add_field(&app, "deal", json!({"FIELD_NAME": name, "USER_TYPE_ID": t})).await;
    }
    let mut deals = Vec::new();
    for (score, code, vip, due) in [
        (json!(10), json!("alpha-1"), json!("Y"), json!("2024-01-10")),
        (json!(30), json!("beta-2"), json!(null), json!("2024-02-10")),
        (json!(20), json!("Alpha-3"), json!("N"), json!(null)),
        (json!(null), json!(null), json!(null), json!("2024-03-10")),
    ] {
        deals.push(
            add_record(
                &app,
                "deal",
                json!({"TITLE": "f", "UF_CRM_SCORE": score, "UF_CRM_CODE": code,
                       "UF_CRM_VIP": vip, "UF_CRM_DUE": due}),
            )
            .await,
        );
    }
    let [a, b, c, d] = [deals[0], deals[1], deals[2], deals[3]];
    let find = |filter: Value, order: Value| {
        let app = &app;
        async move {
            ids(&app
                .ok(
                    "crm.deal.list",
                    json!({"filter": filter, "order": order, "select": ["ID"]}),
                )
                .await)
        }
    };
    let none = json!({});
    assert_eq!(
        find(json!({">UF_CRM_SCORE": 15}), none.clone()).await,
        [b, c]
    );
    assert_eq!(
        find(json!({"<=UF_CRM_SCORE": 20}), none.clone()).await,
        [a, c]
    );
    assert_eq!(
        find(json!({"@UF_CRM_SCORE": [10, 30]}), none.clone()).await,
        [a, b]
    );
    assert_eq!(
        find(json!({"><UF_CRM_SCORE": [15, 35]}), none.clone()).await,
        [b, c]
    );
    assert_eq!(
        find(json!({"!UF_CRM_SCORE": 10}), none.clone()).await,
        [b, c, d],
        "records without a value match a negation"
    );
    assert_eq!(
        find(json!({"UF_CRM_SCORE": ""}), none.clone()).await,
        [d],
        "no value"
    );
    assert_eq!(
        find(json!({"!UF_CRM_SCORE": ""}), none.clone()).await,
        [a, b, c]
    );
    assert_eq!(
        find(json!({"%UF_CRM_CODE": "ALPHA"}), none.clone()).await,
        [a, c]
    );
    assert_eq!(
        find(json!({"=%UF_CRM_CODE": "beta%"}), none.clone()).await,
        [b]
    );
    assert_eq!(
        find(json!({"!%UF_CRM_CODE": "alpha"}), none.clone()).await,
        [b, d]
    );
    assert_eq!(find(json!({"UF_CRM_VIP": "Y"}), none.clone()).await, [a]);
    assert_eq!(
        find(json!({"UF_CRM_VIP": 0}), none.clone()).await,
        [b, c, d],
        "a boolean without a value is false"
    );
    assert_eq!(find(json!({"!UF_CRM_VIP": "N"}), none.clone()).await, [a]);
    assert_eq!(
        find(json!({">=UF_CRM_DUE": "2024-02-01"}), none.clone()).await,
        [b, d]
    );
    assert_eq!(
        find(
            json!({">UF_CRM_SCORE": 5, "%UF_CRM_CODE": "alpha", "TITLE": "f"}),
            none.clone()
        )
        .await,
        [a, c],
        "AND-ed with other conditions"
    );

    // Order: records without a value first ascending, last descending.
    assert_eq!(
        find(none.clone(), json!({"UF_CRM_SCORE": "ASC"})).await,
        [d, a, c, b]
    );
    assert_eq!(
        find(none.clone(), json!({"uf_crm_score": "desc"})).await,
        [b, c, a, d]
    );
    assert_eq!(
        find(none.clone(), json!({"UF_CRM_VIP": "DESC", "ID": "DESC"})).await,
        [a, c, d, b]
    );

    // Operators a type does not have, unknown fields, bad values.
    for (filter, error) in [
        (
            json!({"%UF_CRM_SCORE": 1}),
            "Invalid filter: operator '%UF_CRM_SCORE' is not allowed for field 'UF_CRM_SCORE' of type integer",
        ),
        (
            json!({">UF_CRM_VIP": 0}),
            "Invalid filter: operator '>UF_CRM_VIP' is not allowed for field 'UF_CRM_VIP' of type boolean",
        ),
        (
            json!({"UF_CRM_SCORE": "ten"}),
            "Invalid filter: Field 'UF_CRM_SCORE' must be an integer.",
        ),
    ] {
        let r = app
            .call("crm.deal.list", json!({ "filter": filter }))
            .await;
        assert_error(&r, 400, "INVALID_ARG_VALUE", error);
    }
    // Unknown filter and order keys are ignored, as Bitrix24 does.
    let r = app
        .call(
            "crm.deal.list",
            json!({"filter": {"UF_CRM_NOPE": 1}, "order": {"UF_CRM_NOPE": "ASC"}}),
        )
        .await;
    assert_eq!(r.json()["total"], 4, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.deal.list",
        "order",
        "UF_CRM_NOPE"
    ));
    // A user field of another entity is unknown here.
    add_field(
        &app,
        "lead",
        json!({"FIELD_NAME": "LEAD_ONLY", "USER_TYPE_ID": "string"}),
    )
    .await;
    let r = app
        .call(
            "crm.deal.list",
            json!({"filter": {"UF_CRM_LEAD_ONLY": "x"}}),
        )
        .await;
    assert_eq!(r.json()["total"], 4, "{}", r.text);
}

#[tokio::test]
async fn fields_method_describes_user_fields() {
    let app = TestApp::start().await;
    add_field(
        &app,
        "deal",
        json!({"FIELD_NAME": "PRIORITY", "USER_TYPE_ID": "integer", "MANDATORY": "Y",
               "MULTIPLE": "Y", "LIST_COLUMN_LABEL": {"en": "Prio", "br": "Prioridade"},
               "EDIT_FORM_LABEL": "Priority", "SETTINGS": {"DEFAULT_VALUE": 3}}),
    )
    .await;
    let fields = app.ok("crm.deal.fields", json!({})).await;
    assert_eq!(
        fields["UF_CRM_PRIORITY"],
        json!({
            "type": "integer", "isRequired": true, "isReadOnly": false, "isImmutable": false,
            "isMultiple": true, "isDynamic": true, "title": "UF_CRM_PRIORITY",
            "listLabel": "Prio", "formLabel": "Priority", "filterLabel": "",
            "settings": {"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": 3},
        })
    );
    assert_eq!(fields["TITLE"]["isDynamic"], false);
    let lead_fields = app.ok("crm.lead.fields", json!({})).await;
    assert!(lead_fields.get("UF_CRM_PRIORITY").is_none());
}

#[tokio::test]
async fn deleting_a_definition_removes_its_values() {
    let app = TestApp::start().await;
    let field = add_field(
        &app,
        "contact",
        json!({"FIELD_NAME": "NICK", "USER_TYPE_ID": "string"}),
    )
    .await;
    let contact = add_record(
        &app,
        "contact",
        json!({"NAME": "Ann", "UF_CRM_NICK": "annie"}),
    )
    .await;
    assert_eq!(
        get_record(&app, "contact", contact).await["UF_CRM_NICK"],
        "annie"
    );
    app.ok("crm.contact.userfield.delete", json!({"id": field}))
        .await;
    let got = get_record(&app, "contact", contact).await;
    assert!(got.get("UF_CRM_NICK").is_none(), "{got}");
    assert!(app
        .ok("crm.contact.fields", json!({}))
        .await
        .get("UF_CRM_NICK")
        .is_none());
    // Written now, the name is just an unknown key (ignored).
    app.ok(
        "crm.contact.update",
        json!({"id": contact, "fields": {"UF_CRM_NICK": "again"}}),
    )
    .await;
    // A new field of the same name starts empty.
    add_field(
        &app,
        "contact",
        json!({"FIELD_NAME": "NICK", "USER_TYPE_ID": "string"}),
    )
    .await;
    assert_eq!(
        get_record(&app, "contact", contact).await["UF_CRM_NICK"],
        Value::Null
    );
    // Deleting a record takes its values with it (nothing left to match).
    app.ok(
        "crm.contact.update",
        json!({"id": contact, "fields": {"UF_CRM_NICK": "x"}}),
    )
    .await;
    app.ok("crm.contact.delete", json!({"id": contact})).await;
    let rows = app
        .ok(
            "crm.contact.list",
            json!({"filter": {"!UF_CRM_NICK": ""}, "select": ["ID"]}),
        )
        .await;
    assert_eq!(ids(&rows), Vec::<i64>::new());
}

#[tokio::test]
async fn user_fields_in_batch() {
    let app = TestApp::start().await;
    add_field(
        &app,
        "lead",
        json!({"FIELD_NAME": "SRC", "USER_TYPE_ID": "string"}),
    )
    .await;
    let r = app
        .ok(
            "batch",
            json!({"cmd": {
                "add": "crm.lead.add?fields[TITLE]=b&fields[UF_CRM_SRC]=web",
                "get": "crm.lead.get?id=$result[add]",
                "list": "crm.lead.list?filter[UF_CRM_SRC]=web&select[]=UF_CRM_SRC"
            }}),
        )
        .await;
    assert_eq!(r["result"]["get"]["UF_CRM_SRC"], "web");
    assert_eq!(r["result"]["list"][0]["UF_CRM_SRC"], "web");
}
