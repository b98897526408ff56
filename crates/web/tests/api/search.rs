//! Substring filters (`%TITLE`, `%NAME`, …) as their index serves them: found
//! in any case and any script, with the right `total`, and following edits and
//! deletes (the new text is found, the old one no longer).

use serde_json::{json, Value};

use crate::common::TestApp;

/// Adds a record through the legacy API and returns its id.
async fn add(app: &TestApp, entity: &str, fields: Value) -> i64 {
    app.ok(&format!("crm.{entity}.add"), json!({ "fields": fields }))
        .await
        .as_i64()
        .expect("an id")
}

/// Ids and `total` of `crm.{entity}.list` with `filter`.
async fn found(app: &TestApp, entity: &str, filter: Value) -> (Vec<i64>, Value) {
    let reply = app
        .call(
            &format!("crm.{entity}.list"),
            json!({"filter": filter, "select": ["ID"]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    let ids = body["result"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["ID"].as_str().and_then(|s| s.parse().ok()).expect("id"))
        .collect();
    (ids, body["total"].clone())
}

#[tokio::test]
async fn substring_filters_follow_edits_and_deletes() {
    let app = TestApp::start().await;
    let lead = add(
        &app,
        "lead",
        json!({"TITLE": "Alpha CENTAURI", "LAST_NAME": "Ёжиков", "COMPANY_TITLE": "Acme \"Quoted\" 50%"}),
    )
    .await;
    let other = add(&app, "lead", json!({"TITLE": "Proxima b"})).await;
    assert_eq!(
        found(&app, "lead", json!({"%TITLE": "centauri"})).await,
        (vec![lead], json!(1))
    );
    assert_eq!(
        found(&app, "lead", json!({"%LAST_NAME": "ЁЖИК"})).await.0,
        [lead]
    );
    assert_eq!(
        found(&app, "lead", json!({"%COMPANY_TITLE": "\"quoted\" 50%"}))
            .await
            .0,
        [lead]
    );
    assert_eq!(
        found(&app, "lead", json!({"%TITLE": "a"})).await.0,
        [lead, other]
    );

    app.ok(
        "crm.lead.update",
        json!({"id": lead, "fields": {"TITLE": "Beta Orionis"}}),
    )
    .await;
    assert_eq!(
        found(&app, "lead", json!({"%TITLE": "centauri"})).await,
        (vec![], json!(0))
    );
    assert_eq!(
        found(&app, "lead", json!({"%TITLE": "ORION"})).await.0,
        [lead]
    );
    assert_eq!(
        found(&app, "lead", json!({"%LAST_NAME": "ёжиков"})).await.0,
        [lead],
        "columns not edited stay searchable"
    );
    app.ok("crm.lead.delete", json!({"id": lead})).await;
    assert_eq!(
        found(&app, "lead", json!({"%TITLE": "orion"})).await.0,
        Vec::<i64>::new()
    );

    let deal = add(&app, "deal", json!({"TITLE": "Großer Auftrag"})).await;
    let company = add(&app, "company", json!({"TITLE": "Globex Corporation"})).await;
    let contact = add(
        &app,
        "contact",
        json!({"NAME": "Ana", "LAST_NAME": "São João"}),
    )
    .await;
    assert_eq!(
        found(&app, "deal", json!({"%TITLE": "GROßER"})).await.0,
        [deal]
    );
    assert_eq!(
        found(&app, "company", json!({"%TITLE": "bex corp"}))
            .await
            .0,
        [company]
    );
    assert_eq!(
        found(&app, "contact", json!({"%LAST_NAME": "SÃO J"}))
            .await
            .0,
        [contact]
    );
    app.ok(
        "crm.company.update",
        json!({"id": company, "fields": {"TITLE": "Initech"}}),
    )
    .await;
    assert_eq!(
        found(&app, "company", json!({"%TITLE": "globex"})).await.0,
        Vec::<i64>::new()
    );
    assert_eq!(
        found(&app, "company", json!({"%TITLE": "nitec"})).await.0,
        [company]
    );
}
