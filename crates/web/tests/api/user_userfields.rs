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
