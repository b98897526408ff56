//! `crm.currency.*`: the seeded directory (USD base, EUR, BRL), rows in the
//! portal's language with every language under `LANG` in `get`, `total`
//! always 0, administrators only for changes, the base currency protected.

use serde_json::json;

use crate::common::{assert_error, TestApp};

#[tokio::test]
async fn the_directory_reads_and_changes_as_in_bitrix24() {
    let app = TestApp::start().await;
    let listed = app.call("crm.currency.list", json!({})).await.json();
    assert_eq!(listed["total"], json!(0));
    let codes: Vec<&str> = listed["result"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|c| c["CURRENCY"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["USD", "EUR", "BRL"]);
    let usd = &listed["result"][0];
    assert_eq!(usd["BASE"], json!("Y"));
    assert_eq!(usd["AMOUNT"], json!("1.0000"));
    assert_eq!(usd["AMOUNT_CNT"], json!("1"));
    assert_eq!(usd["FULL_NAME"], json!("US Dollar"));
    assert_eq!(usd["LID"], json!("en"));
    assert_eq!(usd["DECIMALS"], json!("2"));
    let by_code = app
        .call("crm.currency.list", json!({"order": {"currency": "desc"}}))
        .await
        .json();
    assert_eq!(by_code["result"][0]["CURRENCY"], json!("USD"));
    assert_eq!(by_code["result"][2]["CURRENCY"], json!("BRL"));

    let eur = app.ok("crm.currency.get", json!({"id": "eur"})).await;
    assert_eq!(eur["CURRENCY"], json!("EUR"));
    assert_eq!(eur["LANG"]["br"]["FULL_NAME"], json!("Euro"));
    assert_eq!(eur["LANG"]["br"]["DEC_POINT"], json!(","));
    assert_eq!(
        app.ok("crm.currency.base.get", json!({})).await,
        json!("USD")
    );

    let added = app
        .ok(
            "crm.currency.add",
            json!({"fields": {"CURRENCY": "gbp", "AMOUNT_CNT": 1, "AMOUNT": 1.27, "SORT": 400,
                              "LANG": {"en": {"FULL_NAME": "Pound sterling", "FORMAT_STRING": "£#"}}}}),
        )
        .await;
    assert_eq!(added, json!("GBP"));
    let gbp = app.ok("crm.currency.get", json!({"id": "GBP"})).await;
    assert_eq!(
        (&gbp["AMOUNT"], &gbp["FULL_NAME"], &gbp["BASE"]),
        (&json!("1.2700"), &json!("Pound sterling"), &json!("N"))
    );
    assert_error(
        &app.call(
            "crm.currency.add",
            json!({"fields": {"CURRENCY": "GBP", "AMOUNT_CNT": 1, "AMOUNT": 1}}),
        )
        .await,
        400,
        "",
        "Currency GBP already exists.",
    );
    assert_error(
        &app.call(
            "crm.currency.add",
            json!({"fields": {"CURRENCY": "CHF", "AMOUNT_CNT": 1}}),
        )
        .await,
        400,
        "ERROR_CORE",
        "Undefined array key \"AMOUNT\"",
    );
    assert_eq!(
        app.ok(
            "crm.currency.update",
            json!({"id": "GBP", "fields": {"AMOUNT": "1,30", "LANG": {"br": {"FULL_NAME": "Libra"}}}})
        )
        .await,
        json!(true)
    );
    let gbp = app.ok("crm.currency.get", json!({"id": "GBP"})).await;
    assert_eq!(gbp["AMOUNT"], json!("1.3000"));
    assert_eq!(gbp["LANG"]["br"]["FULL_NAME"], json!("Libra"));
    assert_eq!(gbp["LANG"]["en"]["FULL_NAME"], json!("Pound sterling"));

    assert_error(
        &app.call("crm.currency.delete", json!({"id": "USD"})).await,
        400,
        "",
        "Cannot delete base currency.",
    );
    assert_eq!(
        app.ok("crm.currency.base.set", json!({"id": "EUR"})).await,
        json!(true)
    );
    assert_eq!(
        app.ok("crm.currency.base.get", json!({})).await,
        json!("EUR")
    );
    let eur = app.ok("crm.currency.get", json!({"id": "EUR"})).await;
    assert_eq!(
        (&eur["BASE"], &eur["AMOUNT"]),
        (&json!("Y"), &json!("1.0000"))
    );
    assert_eq!(
        app.ok("crm.currency.delete", json!({"id": "USD"})).await,
        json!(true)
    );
    assert_error(
        &app.call("crm.currency.get", json!({"id": "USD"})).await,
        400,
        "",
        "Not found",
    );

    // Reading is for everyone with the crm scope; changing for administrators.
    let bob = app.add_user("bob", false).await;
    let hook = app.webhook(bob, &["crm"], None).await;
    let read = app.call_on(&hook, "crm.currency.list", json!({})).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_error(
        &app.call_on(&hook, "crm.currency.delete", json!({"id": "BRL"}))
            .await,
        400,
        "",
        "Access denied.",
    );
    let batch = app
        .call_on(
            &hook,
            "batch",
            json!({"cmd": {"base": "crm.currency.base.get", "set": "crm.currency.base.set?id=BRL"}}),
        )
        .await
        .json();
    assert_eq!(batch["result"]["result"]["base"], json!("EUR"));
    assert_eq!(
        batch["result"]["result_error"]["set"]["error_description"],
        json!("Access denied.")
    );
}

#[tokio::test]
async fn currency_changes_raise_their_events() {
    use portico_store::NewOutboundWebhook;
    let app = TestApp::start().await;
    app.store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: 1,
            name: "currencies".into(),
            handler_url: "https://receiver.example/hook".into(),
            events: vec![
                "ONCRMCURRENCYADD".into(),
                "ONCRMCURRENCYUPDATE".into(),
                "ONCRMCURRENCYDELETE".into(),
            ],
            application_token_sealed: app.secrets.encrypt("t"),
            signing_secret_sealed: app.secrets.encrypt("whsec_c2VjcmV0"),
            single_attempt: false,
            created_at: 1,
        })
        .await
        .expect("subscribe");
    app.ok(
        "crm.currency.add",
        json!({"fields": {"CURRENCY": "GBP", "AMOUNT_CNT": 1, "AMOUNT": 1.27}}),
    )
    .await;
    app.ok(
        "crm.currency.update",
        json!({"id": "GBP", "fields": {"SORT": 5}}),
    )
    .await;
    app.ok("crm.currency.delete", json!({"id": "GBP"})).await;
    // A refused write raises nothing.
    app.call("crm.currency.delete", json!({"id": "USD"})).await;
    let events = app.store.events_after(0, 10).await.expect("events");
    let seen: Vec<(String, serde_json::Value, Option<i64>)> = events
        .into_iter()
        .map(|e| (e.code, e.data, e.user_id))
        .collect();
    let data = json!({"FIELDS": {"ID": "GBP"}});
    assert_eq!(
        seen,
        vec![
            ("ONCRMCURRENCYADD".to_owned(), data.clone(), Some(1)),
            ("ONCRMCURRENCYUPDATE".to_owned(), data.clone(), Some(1)),
            ("ONCRMCURRENCYDELETE".to_owned(), data, Some(1)),
        ]
    );
}
