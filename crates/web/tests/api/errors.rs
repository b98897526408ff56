//! Every malformed or refused request gets the protocol's JSON error with the right
//! status, and the server stays up.

use serde_json::json;

use crate::common::{assert_error, TestApp, TEST_BODY_LIMIT};

#[tokio::test]
async fn authentication_failures() {
    let app = TestApp::start().await;
    let secret = app.secret();
    let wrong = format!("{}/rest/1/aaaaaaaaaaaaaaaa/server.time.json", app.base);
    assert_error(
        &app.get(&wrong).await,
        401,
        "INVALID_CREDENTIALS",
        "Invalid request credentials",
    );
    let wrong_user = format!("{}/rest/2/{secret}/server.time.json", app.base);
    assert_error(
        &app.get(&wrong_user).await,
        401,
        "INVALID_CREDENTIALS",
        "Invalid request credentials",
    );
    let bad_shape = format!("{}/rest/x/%3Cscript%3E/server.time.json", app.base);
    assert_error(
        &app.get(&bad_shape).await,
        401,
        "INVALID_CREDENTIALS",
        "Invalid request credentials",
    );
    let oauth = format!("{}/rest/user.current.json?auth=abc", app.base);
    assert_error(
        &app.get(&oauth).await,
        401,
        "NO_AUTH_FOUND",
        "Wrong authorization data",
    );

    let expired = app.webhook(1, &["crm"], Some(1_000)).await;
    assert_error(
        &app.call_on(&expired, "server.time", json!({})).await,
        401,
        "INVALID_CREDENTIALS",
        "The webhook has expired",
    );

    // A webhook deleted through the store stops working at once (no stale cache).
    let doomed = app.webhook(1, &["crm"], None).await;
    assert_eq!(
        app.call_on(&doomed, "server.time", json!({})).await.status,
        200
    );
    let id = app
        .store
        .list_webhooks(Some(1))
        .await
        .unwrap()
        .last()
        .unwrap()
        .id;
    assert!(app.store.delete_webhook(id).await.unwrap());
    assert_error(
        &app.call_on(&doomed, "server.time", json!({})).await,
        401,
        "INVALID_CREDENTIALS",
        "Invalid request credentials",
    );

    let user = app.add_user("bob", false).await;
    let hook = app.webhook(user, &["crm"], None).await;
    assert_eq!(
        app.call_on(&hook, "server.time", json!({})).await.status,
        200
    );
    app.store.set_user_active(user, false).await.unwrap();
    assert_error(
        &app.call_on(&hook, "server.time", json!({})).await,
        401,
        "authorization_error",
        "Unable to authorize user",
    );
}

#[tokio::test]
async fn method_and_scope_failures() {
    let app = TestApp::start().await;
    assert_error(
        &app.call("crm.nothing.here", json!({})).await,
        404,
        "ERROR_METHOD_NOT_FOUND",
        "Method not found!",
    );
    let user_only = app.webhook(1, &["user"], None).await;
    assert_error(
        &app.call_on(
            &user_only,
            "crm.lead.add",
            json!({"fields": {"TITLE": "x"}}),
        )
        .await,
        403,
        "insufficient_scope",
        "The request requires higher privileges than provided by the webhook token",
    );
    let put = app
        .client
        .put(format!("{}server.time.json", app.hook))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status().as_u16(), 405);
    assert_eq!(
        put.json::<serde_json::Value>().await.unwrap(),
        json!({"error": "METHOD_NOT_ALLOWED", "error_description": "Only GET and POST are allowed"})
    );
    let nowhere = app.get(&format!("{}/elsewhere", app.base)).await;
    assert_error(&nowhere, 404, "NOT_FOUND", "No such page");
}

#[tokio::test]
async fn malformed_bodies() {
    let app = TestApp::start().await;
    let url = format!("{}crm.lead.add.json", app.hook);
    let r = app
        .post_raw(&url, "application/json", "{\"fields\": {\"TITLE\": ")
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["error"], "INVALID_REQUEST");
    assert!(r.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("Invalid JSON body"));
    let r = app.post_raw(&url, "application/json", "\"text\"").await;
    assert_error(
        &r,
        400,
        "INVALID_REQUEST",
        "JSON body must be an object or a list",
    );
    let r = app
        .post_raw(
            &url,
            "application/x-www-form-urlencoded",
            "fields%5BTITLE=x",
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["error"], "INVALID_REQUEST");
    let r = app.get(&format!("{url}?fields[TITLE]x=1")).await;
    assert_eq!(r.json()["error"], "INVALID_REQUEST", "{}", r.text);
    let r = app.post_raw(&url, "text/csv", "a,b").await;
    assert_error(
        &r,
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Unsupported Content-Type 'text/csv': send JSON, form-urlencoded or multipart/form-data",
    );
    let big = format!(
        "{{\"fields\":{{\"TITLE\":\"{}\"}}}}",
        "x".repeat(TEST_BODY_LIMIT)
    );
    let r = app.post_raw(&url, "application/json", big).await;
    assert_error(
        &r,
        413,
        "REQUEST_ENTITY_TOO_LARGE",
        "Request body is too large",
    );
    let r = app
        .post_raw(&url, "multipart/form-data; boundary=zzz", "--zzz\r\nbroken")
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["error"], "INVALID_REQUEST");
    // Still up.
    assert_eq!(app.call("server.time", json!({})).await.status, 200);
}

#[tokio::test]
async fn legacy_crm_errors_and_wrong_types() {
    let app = TestApp::start().await;
    assert_error(
        &app.call("crm.lead.get", json!({"id": 999999})).await,
        400,
        "",
        "Not found",
    );
    assert_error(
        &app.call("crm.lead.get", json!({"id": 0})).await,
        400,
        "",
        "ID is not defined or invalid.",
    );
    assert_error(
        &app.call("crm.lead.get", json!({})).await,
        400,
        "",
        "ID is not defined or invalid.",
    );
    assert_error(
        &app.call("crm.lead.get", json!({"id": "abc"})).await,
        400,
        "",
        "ID is not defined or invalid.",
    );
    assert_error(
        &app.call("crm.lead.update", json!({"id": 999, "fields": {}}))
            .await,
        400,
        "",
        "Not found",
    );
    assert_error(
        &app.call("crm.lead.delete", json!({"id": 999})).await,
        400,
        "",
        "Not found",
    );
    assert_error(
        &app.call("crm.lead.add", json!({"fields": "abc"})).await,
        400,
        "",
        "Parameter 'fields' must be array.",
    );
    assert_error(
        &app.call(
            "crm.lead.add",
            json!({"fields": {"TITLE": "x"}, "params": 5}),
        )
        .await,
        400,
        "",
        "Parameter 'params' must be array.",
    );
    assert_error(
        &app.call("crm.lead.add", json!({"fields": {"OPPORTUNITY": "abc"}}))
            .await,
        400,
        "",
        "Field 'OPPORTUNITY' must be a number.",
    );
    assert_error(
        &app.call(
            "crm.lead.add",
            json!({"fields": {"ASSIGNED_BY_ID": {"a": 1}}}),
        )
        .await,
        400,
        "",
        "Field 'ASSIGNED_BY_ID' must be an integer.",
    );
    // An unreadable date is dropped, as Bitrix24 drops it; the lead is made.
    let dated = app
        .call(
            "crm.lead.add",
            json!({"fields": {"BIRTHDATE": "yesterday"}}),
        )
        .await;
    assert_eq!(dated.status, 200, "{}", dated.text);
    assert_error(
        &app.call("crm.lead.add", json!({"fields": {"PHONE": [{"VALUE": "1", "VALUE_TYPE": "CAR"}]}})).await,
        400,
        "",
        "Invalid VALUE_TYPE 'CAR' for PHONE; allowed: WORK, MOBILE, FAX, HOME, PAGER, MAILING, OTHER.",
    );
    assert_error(
        &app.call(
            "crm.lead.add",
            json!({"fields": {"EMAIL": [{"VALUE": "not-an-address"}]}}),
        )
        .await,
        400,
        "ERROR_CORE",
        "The field `E-mail` contains an invalid address",
    );
    assert_error(
        &app.call("crm.lead.list", json!({"filter": 5})).await,
        400,
        "",
        "Parameter 'filter' must be array.",
    );
    assert_error(
        &app.call("crm.lead.list", json!({"order": 5})).await,
        400,
        "",
        "Parameter 'order' must be array.",
    );
    // Unknown filter keys are ignored, as Bitrix24 does, and logged.
    let r = app
        .call("crm.lead.list", json!({"filter": {"NOPE": 1}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.lead.list",
        "filter",
        "NOPE"
    ));
    // A key that cannot name a field is ignored too in the legacy lists...
    let r = app
        .call("crm.lead.list", json!({"filter": {"1ABC": 1}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(crate::logs::leniency_logged(
        "crm.lead.list",
        "filter",
        "1ABC"
    ));
    // ...and refused by the universal API, with one clear message.
    let r = app
        .call(
            "crm.item.list",
            json!({"entityTypeId": 1, "filter": {"1ABC": 1}}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (400, Some("INVALID_ARG_VALUE"))
    );
    let text = r.json()["error_description"].as_str().unwrap().to_string();
    assert!(
        text.starts_with("Invalid filter: key '1ABC'")
            && text.matches("Invalid filter").count() == 1,
        "{text}"
    );
    assert_error(
        &app.call("crm.lead.list", json!({"filter": {">ID": "abc"}}))
            .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: Field 'ID' must be an integer.",
    );
    assert_error(
        &app.call("crm.lead.list", json!({"filter": {"><ID": [1]}}))
            .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: '><ID' expects a list of two values",
    );
    assert_error(
        &app.call("crm.lead.list", json!({"order": {"ID": "UP"}}))
            .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: allowed sort directions are ASC, DESC",
    );
    assert_error(
        &app.call("crm.lead.list", json!({"start": "x"})).await,
        400,
        "INVALID_ARG_VALUE",
        "Parameter 'start' must be an integer.",
    );
}

#[tokio::test]
async fn xml_transport() {
    let app = TestApp::start().await;
    let r = app.get(&format!("{}profile.xml", app.hook)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type, "text/xml; charset=utf-8");
    assert!(r.text.starts_with("<?xml"), "{}", r.text);
    assert!(
        r.text.contains("<result><ID>1</ID><ADMIN>true</ADMIN>"),
        "{}",
        r.text
    );
    let r = app.get(&format!("{}crm.lead.get.xml?id=7", app.hook)).await;
    assert_eq!(r.status, 400);
    assert!(
        r.text
            .contains("<error_description>Not found</error_description>"),
        "{}",
        r.text
    );
}
