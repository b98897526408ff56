//! `user.userfield.*`: users' profile fields (`UF_USR_*`) with the CRM user
//! fields' definitions, filters and errors, kept apart from them.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};
use crate::logs::leniency_logged;

#[tokio::test]
async fn profile_fields_are_defined_listed_changed_and_deleted() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["user.userfield", "crm"], None).await;
    let call = |method: &'static str, body: Value| {
        let hook = hook.clone();
        let app = &app;
        async move { app.call_on(&hook, method, body).await }
    };
    let id = call(
        "user.userfield.add",
        json!({"fields": {"FIELD_NAME": "shirt", "USER_TYPE_ID": "string", "LABEL": "Shirt size"}}),
    )
    .await
    .json()["result"]
        .as_i64()
        .expect("id");
    let crm = call(
        "crm.lead.userfield.add",
        json!({"fields": {"FIELD_NAME": "SOURCE_NOTE", "USER_TYPE_ID": "string"}}),
    )
    .await
    .json()["result"]
        .as_i64()
        .expect("crm id");

    let listed = call(
        "user.userfield.list",
        json!({"filter": {">ID": 0, "LANG": "ru"}}),
    )
    .await
    .json();
    let rows = listed["result"].as_array().expect("rows").clone();
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["FIELD_NAME"], json!("UF_USR_SHIRT"));
    assert_eq!(rows[0]["ENTITY_ID"], json!("USER"));
    assert_eq!(rows[0]["ID"], json!(id.to_string()));
    assert!(leniency_logged("user.userfield.list", "filter", ">ID"));

    let updated = call(
        "user.userfield.update",
        json!({"id": id, "fields": {"EDIT_FORM_LABEL": {"en": "T-shirt size"}}}),
    )
    .await;
    assert_eq!(updated.json()["result"], json!(true), "{}", updated.text);
    let listed = call("user.userfield.list", json!({"filter": {"LANG": "en"}}))
        .await
        .json();
    assert_eq!(
        listed["result"][0]["EDIT_FORM_LABEL"],
        json!("T-shirt size")
    );

    // A CRM field is not one of them, and the other way round.
    assert_eq!(
        call("user.userfield.delete", json!({"id": crm}))
            .await
            .status,
        403
    );
    assert_eq!(
        call("crm.lead.userfield.delete", json!({"id": id}))
            .await
            .status,
        403
    );

    // Administrators only change them.
    let bob = app.add_user("bob", false).await;
    let bobs = app.webhook(bob, &["user.userfield"], None).await;
    let refused = app
        .call_on(
            &bobs,
            "user.userfield.add",
            json!({"fields": {"FIELD_NAME": "X", "USER_TYPE_ID": "string"}}),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);

    assert_eq!(
        call("user.userfield.delete", json!({"id": id}))
            .await
            .json()["result"],
        json!(true)
    );
    assert_error(
        &call("user.userfield.delete", json!({"id": id})).await,
        400,
        "ERROR_NOT_FOUND",
        &format!("The entity with ID '{id}' is not found"),
    );
}

#[tokio::test]
async fn profile_field_values_are_written_read_filtered_and_sorted_on_users() {
    let app = TestApp::start().await;
    let admin = app.webhook(1, &["user.userfield", "user"], None).await;
    let call = |method: &'static str, body: Value| {
        let hook = admin.clone();
        let app = &app;
        async move { app.call_on(&hook, method, body).await }
    };
    for fields in [
        json!({"FIELD_NAME": "SHIRT", "USER_TYPE_ID": "string", "LABEL": "Shirt size"}),
        json!({"FIELD_NAME": "DESK", "USER_TYPE_ID": "integer", "MANDATORY": "Y"}),
        json!({"FIELD_NAME": "SKILLS", "USER_TYPE_ID": "string", "MULTIPLE": "Y"}),
    ] {
        let r = call("user.userfield.add", json!({ "fields": fields })).await;
        assert!(r.json()["result"].as_i64().is_some(), "{}", r.text);
    }

    // A mandatory profile field is required on add, as in the CRM.
    let missing = call(
        "user.add",
        json!({"EMAIL": "ana@example.com", "UF_USR_SHIRT": "M"}),
    )
    .await;
    assert_error(
        &missing,
        400,
        "",
        "The required field UF_USR_DESK is missing.",
    );
    let bad = call(
        "user.add",
        json!({"EMAIL": "ana@example.com", "UF_USR_DESK": "twelve"}),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);

    let ana = call(
        "user.add",
        json!({"EMAIL": "ana@example.com", "NAME": "Ana", "UF_USR_SHIRT": "M",
               "UF_USR_DESK": 12, "uf_usr_skills": ["rust", "sql"]}),
    )
    .await
    .json()["result"]
        .as_i64()
        .expect("ana");
    let bea = call(
        "user.add",
        json!({"EMAIL": "bea@example.com", "NAME": "Bea", "UF_USR_SHIRT": "S", "UF_USR_DESK": 3}),
    )
    .await
    .json()["result"]
        .as_i64()
        .expect("bea");

    let got = call("user.get", json!({"ID": ana})).await.json();
    let row = &got["result"][0];
    assert_eq!(row["UF_USR_SHIRT"], json!("M"), "{got}");
    assert_eq!(row["UF_USR_DESK"], json!("12"));
    assert_eq!(row["UF_USR_SKILLS"], json!(["rust", "sql"]));
    assert_eq!(row["NAME"], json!("Ana"));

    // update replaces the fields given and leaves the others.
    let updated = call(
        "user.update",
        json!({"ID": ana, "UF_USR_SHIRT": "L", "UF_USR_SKILLS": ["go"]}),
    )
    .await;
    assert_eq!(updated.json()["result"], json!(true), "{}", updated.text);
    let emptied = call("user.update", json!({"ID": ana, "UF_USR_DESK": ""})).await;
    assert_error(
        &emptied,
        400,
        "",
        "The required field UF_USR_DESK is missing.",
    );
    let row = call("user.get", json!({"ID": ana})).await.json()["result"][0].clone();
    assert_eq!(
        (
            &row["UF_USR_SHIRT"],
            &row["UF_USR_DESK"],
            &row["UF_USR_SKILLS"]
        ),
        (&json!("L"), &json!("12"), &json!(["go"]))
    );

    // Filter, sort and select on them.
    let ids = |v: &Value| -> Vec<i64> {
        v["result"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["ID"].as_str()?.parse().ok())
            .collect()
    };
    let by_shirt = call("user.get", json!({"FILTER": {"UF_USR_SHIRT": "L"}}))
        .await
        .json();
    assert_eq!(ids(&by_shirt), vec![ana], "{by_shirt}");
    let by_desk = call("user.get", json!({"FILTER": {"<UF_USR_DESK": 10}}))
        .await
        .json();
    assert_eq!(ids(&by_desk), vec![bea], "{by_desk}");
    let by_skill = call("user.get", json!({"FILTER": {"UF_USR_SKILLS": "go"}}))
        .await
        .json();
    assert_eq!(ids(&by_skill), vec![ana]);
    let sorted = call(
        "user.get",
        json!({"sort": "UF_USR_DESK", "order": "DESC", "FILTER": {">UF_USR_DESK": 0}}),
    )
    .await
    .json();
    assert_eq!(ids(&sorted), vec![ana, bea], "{sorted}");
    let selected = call(
        "user.get",
        json!({"ID": bea, "select": ["NAME", "UF_USR_DESK"]}),
    )
    .await
    .json();
    let keys: Vec<&String> = selected["result"][0]
        .as_object()
        .expect("row")
        .keys()
        .collect();
    assert_eq!(keys, vec!["ID", "NAME", "UF_USR_DESK"], "{selected}");

    // user.fields names them with their caption.
    let fields = call("user.fields", json!({})).await.json();
    assert_eq!(
        fields["result"]["UF_USR_SHIRT"],
        json!("Shirt size"),
        "{fields}"
    );

    // Only the `user` scope shows them; a user changes their own.
    let bob = app.add_user("bob", false).await;
    let basic = app.webhook(bob, &["user_basic"], None).await;
    let row = app
        .call_on(&basic, "user.get", json!({"ID": ana}))
        .await
        .json()["result"][0]
        .clone();
    assert!(
        row.get("UF_USR_SHIRT").is_none() && row["NAME"] == json!("Ana"),
        "{row}"
    );
    let own = app.webhook(bob, &["user"], None).await;
    let r = app
        .call_on(&own, "user.update", json!({"ID": bob, "UF_USR_DESK": 7}))
        .await;
    assert_eq!(r.json()["result"], json!(true), "{}", r.text);
    let r = app
        .call_on(&own, "user.update", json!({"ID": ana, "UF_USR_DESK": 7}))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let row = call("user.get", json!({"ID": bob})).await.json()["result"][0].clone();
    assert_eq!(row["UF_USR_DESK"], json!("7"));
}
