//! `crm.duplicate.findbycomm`: phones found by their digits whatever their
//! formatting, e-mails whatever their case, `entity_type` restriction, `[]`
//! when nothing matches, the 20-value limit and the parameter errors, and
//! only records the caller may read.
use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// Adds a record through the legacy API and returns its id.
async fn add(app: &TestApp, entity: &str, fields: Value) -> i64 {
    app.ok(&format!("crm.{entity}.add"), json!({ "fields": fields }))
        .await
        .as_i64()
        .expect("an id")
}

/// A `PHONE` / `EMAIL` list of one value.
fn one(value: &str) -> Value {
    json!([{"VALUE": value, "VALUE_TYPE": "WORK"}])
}

#[tokio::test]
async fn phones_match_by_digits_across_entities() {
    let app = TestApp::start().await;
    let lead = add(
        &app,
        "lead",
        json!({"TITLE": "L", "PHONE": one("+1 (555) 888-00-11")}),
    )
    .await;
    let contact = add(
        &app,
        "contact",
        json!({"NAME": "C", "PHONE": one("15558880011")}),
    )
    .await;
    let company = add(
        &app,
        "company",
        json!({"TITLE": "Co", "PHONE": one("1-555-888-0011")}),
    )
    .await;
    let other = add(
        &app,
        "contact",
        json!({"NAME": "O", "PHONE": one("+1 555 888 00 12")}),
    )
    .await;
    let _deal = add(&app, "deal", json!({"TITLE": "D"})).await;

    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "PHONE", "values": ["+1 (555) 888-00-11"]}),
        )
        .await;
    assert_eq!(
        found,
        json!({"LEAD": [lead], "CONTACT": [contact], "COMPANY": [company]})
    );
    // Several values, ids in order, each once.
    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "phone", "values": ["15558880011", "15558880012", "1 555 888 0011"]}),
        )
        .await;
    assert_eq!(
        found,
        json!({"LEAD": [lead], "CONTACT": [contact, other], "COMPANY": [company]})
    );
    // Digits must be equal, not contained.
    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "PHONE", "values": ["5558880011", "155588800111"]}),
        )
        .await;
    assert_eq!(found, json!([]));
    // Entries added through crm.item.* and changed later are found as they are now.
    let item = app
        .ok(
            "crm.item.add",
            json!({"entityTypeId": 1, "fields": {"title": "I", "fm": {"n0": {"typeId": "PHONE", "value": "+44 20 7946 0000"}}}}),
        )
        .await;
    let item_id = item["item"]["id"].as_i64().expect("id");
    let entry = item["item"]["fm"][0]["id"].as_i64().expect("entry id");
    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "PHONE", "values": ["442079460000"]}),
        )
        .await;
    assert_eq!(found, json!({"LEAD": [item_id]}));
    app.ok(
        "crm.lead.update",
        json!({"id": item_id, "fields": {"PHONE": [{"ID": entry, "VALUE": "+44 20 7946 0001"}]}}),
    )
    .await;
    app.ok("crm.contact.delete", json!({"id": contact})).await;
    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "PHONE", "values": ["442079460000", "15558880011"]}),
        )
        .await;
    assert_eq!(found, json!({"LEAD": [lead], "COMPANY": [company]}));
}

#[tokio::test]
async fn emails_match_whatever_their_case() {
    let app = TestApp::start().await;
    let lead = add(
        &app,
        "lead",
        json!({"TITLE": "L", "EMAIL": one("Ana.Souza@Example.com")}),
    )
    .await;
    let contact = add(
        &app,
        "contact",
        json!({"NAME": "C", "EMAIL": one("ana.souza@example.com")}),
    )
    .await;
    let _other = add(
        &app,
        "contact",
        json!({"NAME": "O", "EMAIL": one("ana.souza@example.com.br")}),
    )
    .await;
    let _phone = add(&app, "company", json!({"TITLE": "P", "PHONE": one("1")})).await;
    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "EMAIL", "values": [" ANA.SOUZA@EXAMPLE.COM "]}),
        )
        .await;
    assert_eq!(found, json!({"LEAD": [lead], "CONTACT": [contact]}));
    // An e-mail is not a phone.
    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "PHONE", "values": ["ana.souza@example.com"]}),
        )
        .await;
    assert_eq!(found, json!([]));
    // Form-encoded, as CRest sends it.
    let r = app
        .get(&format!(
            "{}crm.duplicate.findbycomm.json?type=EMAIL&values[]=ana.souza%40EXAMPLE.com&entity_type=CONTACT",
            app.hook
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"], json!({"CONTACT": [contact]}));
}

#[tokio::test]
async fn entity_type_restricts_the_search() {
    let app = TestApp::start().await;
    let lead = add(&app, "lead", json!({"TITLE": "L", "PHONE": one("777")})).await;
    let contact = add(&app, "contact", json!({"NAME": "C", "PHONE": one("7-7-7")})).await;
    let company = add(
        &app,
        "company",
        json!({"TITLE": "Co", "PHONE": one("(777)")}),
    )
    .await;
    for (entity_type, expected) in [
        (json!("LEAD"), json!({"LEAD": [lead]})),
        (json!("contact"), json!({"CONTACT": [contact]})),
        (json!("COMPANY"), json!({"COMPANY": [company]})),
        (json!(3), json!({"CONTACT": [contact]})),
        (
            json!(""),
            json!({"LEAD": [lead], "CONTACT": [contact], "COMPANY": [company]}),
        ),
    ] {
        let found = app
            .ok(
                "crm.duplicate.findbycomm",
                json!({"type": "PHONE", "values": ["777"], "entity_type": entity_type}),
            )
            .await;
        assert_eq!(found, expected, "{entity_type}");
    }
    let found = app
        .ok(
            "crm.duplicate.findbycomm",
            json!({"type": "PHONE", "values": ["778"], "entity_type": "LEAD"}),
        )
        .await;
    assert_eq!(found, json!([]), "nothing found answers an empty array");
}

#[tokio::test]
async fn parameters_and_limits() {
    let app = TestApp::start().await;
    let lead = add(
        &app,
        "lead",
        json!({"TITLE": "L", "PHONE": one("+55 11 99999-0000")}),
    )
    .await;
    let call = |body: Value| {
        let app = &app;
        async move { app.call("crm.duplicate.findbycomm", body).await }
    };
    // 20 values are searched; 21 are refused.
    let mut values: Vec<String> = (0..19).map(|i| format!("+1 000 {i:04}")).collect();
    values.push("5511999990000".into());
    let r = call(json!({"type": "PHONE", "values": values})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"], json!({"LEAD": [lead]}));
    values.push("+1".into());
    assert_error(
        &call(json!({"type": "PHONE", "values": values})).await,
        400,
        "",
        "Too many values: at most 20 can be searched at once, 21 were given.",
    );
    // Values without digits find nothing rather than everything.
    let r = call(json!({"type": "PHONE", "values": ["n/a", "-"]})).await;
    assert_eq!(r.json()["result"], json!([]), "{}", r.text);
    for (body, description) in [
        (
            json!({"values": ["1"]}),
            "Communication type is not defined.",
        ),
        (
            json!({"type": "WEB", "values": ["1"]}),
            "Communication type 'WEB' is not supported in current context.",
        ),
        (
            json!({"type": "PHONE"}),
            "Communication values is not defined.",
        ),
        (
            json!({"type": "PHONE", "values": []}),
            "Communication values is not defined.",
        ),
        (
            json!({"type": "PHONE", "values": ["", " "]}),
            "Communication values is not defined.",
        ),
        (
            json!({"type": "PHONE", "values": ["1"], "entity_type": "DEAL"}),
            "Deal is not supported in current context.",
        ),
        (
            json!({"type": "PHONE", "values": ["1"], "entity_type": "INVOICE"}),
            "Entity type 'INVOICE' is not supported in current context.",
        ),
    ] {
        assert_error(&call(body).await, 400, "", description);
    }
}

#[tokio::test]
async fn only_readable_records_are_found() {
    let app = TestApp::start().await;
    let alice = app.add_user("alice", false).await;
    assert!(app
        .store
        .set_user_role(alice, Some(2))
        .await
        .expect("own role"));
    let alice_hook = app.webhook(alice, &["crm"], None).await;
    let reader = app.add_user("reader", false).await;
    assert!(app
        .store
        .set_user_role(reader, Some(3))
        .await
        .expect("read-only role"));
    let reader_hook = app.webhook(reader, &["crm"], None).await;

    let hers = add(
        &app,
        "contact",
        json!({"NAME": "Hers", "ASSIGNED_BY_ID": alice, "PHONE": one("+7 900 000-00-01")}),
    )
    .await;
    let theirs = add(
        &app,
        "contact",
        json!({"NAME": "Theirs", "PHONE": one("79000000001")}),
    )
    .await;
    let lead = add(
        &app,
        "lead",
        json!({"TITLE": "Theirs", "PHONE": one("79000000001")}),
    )
    .await;
    let body = json!({"type": "PHONE", "values": ["79000000001"]});
    let r = app
        .call_on(&alice_hook, "crm.duplicate.findbycomm", body.clone())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["result"],
        json!({"CONTACT": [hers]}),
        "only her own records"
    );
    let r = app
        .call_on(&reader_hook, "crm.duplicate.findbycomm", body.clone())
        .await;
    assert_eq!(
        r.json()["result"],
        json!({"LEAD": [lead], "CONTACT": [hers, theirs]})
    );
    assert_eq!(
        app.ok("crm.duplicate.findbycomm", body).await,
        json!({"LEAD": [lead], "CONTACT": [hers, theirs]}),
        "administrators see everything"
    );
    // Not even through batch.
    let r = app
        .call_on(
            &alice_hook,
            "batch",
            json!({"cmd": {"d": "crm.duplicate.findbycomm?type=PHONE&values[]=79000000001&entity_type=CONTACT"}}),
        )
        .await;
    assert_eq!(
        r.json()["result"]["result"]["d"],
        json!({"CONTACT": [hers]}),
        "{}",
        r.text
    );
}
