//! What PHP clients send and Bitrix24 accepts: `[]` as no parameters, lists
//! where objects are expected, parameters as a list, the method judged before
//! the body, `app.info` through a webhook, and the `time` block's operating
//! fields — in JSON, forms and `batch` alike, with the leniency warnings.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};
use crate::logs::leniency_logged;

/// POST `body` as JSON text to `{hook}{method}.json`.
async fn post_json(app: &TestApp, method: &str, body: &str) -> crate::common::Reply {
    app.post_raw(
        &format!("{}{method}.json", app.hook),
        "application/json",
        body.to_string(),
    )
    .await
}

/// POST `body` as a form to `{hook}{method}.json`.
async fn post_form(app: &TestApp, method: &str, body: &str) -> crate::common::Reply {
    app.post_raw(
        &format!("{}{method}.json", app.hook),
        "application/x-www-form-urlencoded",
        body.to_string(),
    )
    .await
}

#[tokio::test]
async fn an_empty_php_array_body_is_no_parameters() {
    let app = TestApp::start().await;
    for method in [
        "user.current",
        "profile",
        "scope",
        "methods",
        "server.time",
        "crm.lead.fields",
        "crm.deal.fields",
        "user.fields",
    ] {
        let r = post_json(&app, method, "[]").await;
        assert_eq!(r.status, 200, "{method}: {}", r.text);
        let with_none = app
            .post_raw(
                &format!("{}{method}.json", app.hook),
                "application/json",
                "",
            )
            .await;
        // The same answer as with no body at all (apart from `time`).
        assert_eq!(r.json()["result"], with_none.json()["result"], "{method}");
    }
    assert_eq!(
        post_json(&app, "user.current", "[]").await.json()["result"]["ID"],
        "1"
    );
    // An unknown method is 404 whatever the body holds.
    for body in ["[]", "{\"a\":", "12", "[1,2]"] {
        let r = post_json(&app, "no.such.method", body).await;
        assert_error(&r, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    }
    let r = app
        .post_raw(
            &format!("{}no.such.method.json", app.hook),
            "text/plain",
            "x",
        )
        .await;
    assert_error(&r, 404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    // A known method still judges its body.
    let r = post_json(&app, "crm.lead.list", "{\"a\":").await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["error"], "INVALID_REQUEST");
}

#[tokio::test]
async fn lists_are_arrays_and_list_keys_filter_on_nothing() {
    let app = TestApp::start().await;
    for name in ["Ann", "Bob"] {
        app.ok(
            "crm.contact.add",
            json!({"fields": {"NAME": name, "LAST_NAME": "X"}}),
        )
        .await;
    }
    let want = json!([{"ID": "1", "NAME": "Ann"}, {"ID": "2", "NAME": "Bob"}]);
    // JSON, as b24phpsdk sends it.
    let r = post_json(
        &app,
        "crm.contact.list",
        r#"{"order":[""],"filter":[""],"select":["ID","NAME"],"start":0}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"], want);
    assert_eq!(r.json()["total"], 2);
    assert!(leniency_logged("crm.contact.list", "filter", "0"));
    assert!(leniency_logged("crm.contact.list", "order", "0"));
    // The same as a form.
    let r = post_form(
        &app,
        "crm.contact.list",
        "order[]=&filter[]=&select[]=ID&select[]=NAME&start=0",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"], want);
    // And inside batch.
    let out = app
        .ok(
            "batch",
            json!({"cmd": {"c": "crm.contact.list?order[]=&filter[]=&select[]=ID&select[]=NAME&start=0"}}),
        )
        .await;
    assert_eq!(out["result"]["c"], want);
    assert_eq!(out["result_total"]["c"], 2);
    // A list of conditions is the same array as an object keyed 0..n-1.
    let as_list = app
        .ok(
            "crm.contact.list",
            json!({"filter": {"NAME": ["Ann"]}, "select": {"0": "ID"}}),
        )
        .await;
    assert_eq!(as_list, json!([{"ID": "1"}]));
    // A scalar where an array belongs is still Bitrix24's error.
    let r = app.call("crm.contact.list", json!({"filter": 5})).await;
    assert_error(&r, 400, "", "Parameter 'filter' must be array.");
}

#[tokio::test]
async fn parameters_sent_as_a_list_leave_fields_empty() {
    let app = TestApp::start().await;
    // b24phpsdk's batch of deal adds whose parameters are a list.
    let out = app
        .ok(
            "batch",
            json!({"halt": 0, "cmd": {"0": "crm.deal.add?0[fields][TITLE]=deal-0"}}),
        )
        .await;
    assert_eq!(out["result_error"], json!([]), "{out}");
    let id = out["result"][0].as_i64().expect("a new deal id");
    let deal = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_ne!(deal["TITLE"], "deal-0", "key 0 is no parameter");
    assert_eq!(deal["STAGE_ID"], "NEW", "created with the defaults");
    assert!(leniency_logged("crm.deal.add", "parameter", "0"));
    // The same at the top level: a JSON list as the body.
    let r = post_json(&app, "crm.deal.add", r#"[{"fields":{"TITLE":"deal-1"}}]"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // No `fields` at all is empty fields too; a scalar is refused.
    let id = app.ok("crm.lead.add", json!({})).await.as_i64().unwrap();
    assert!(id > 0);
    let r = app.call("crm.lead.add", json!({"fields": "abc"})).await;
    assert_error(&r, 400, "", "Parameter 'fields' must be array.");
}

#[tokio::test]
async fn fields_are_found_under_every_name_bitrix24_accepts() {
    let app = TestApp::start().await;
    for (i, name) in ["fields", "FIELDS", "Fields", "arFields"]
        .iter()
        .enumerate()
    {
        let title = format!("t{i}");
        let id = app
            .ok("crm.lead.add", json!({ *name: {"TITLE": title} }))
            .await;
        let lead = app.ok("crm.lead.get", json!({"id": id})).await;
        assert_eq!(lead["TITLE"], title, "{name}");
    }
    let found = app
        .ok(
            "crm.lead.list",
            json!({"arFilter": {"TITLE": "t3"}, "arSelect": ["ID", "TITLE"]}),
        )
        .await;
    assert_eq!(found, json!([{"ID": "4", "TITLE": "t3"}]));
}

#[tokio::test]
async fn app_info_through_a_webhook_names_its_scopes_and_licence() {
    let app = TestApp::start().await;
    let r = post_json(&app, "app.info", "[]").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["result"],
        json!({"SCOPE": ["crm", "user"], "LICENSE": "en_selfhosted"})
    );
}

/// The operating fields of a `time` block with limits off (as on-premise):
/// `operating` 0, and `operating_reset_at` the end of the window that starts
/// with the call.
fn assert_operating(time: &Value) {
    assert_eq!(time["operating"], serde_json::json!(0.0), "{time}");
    let reset = time["operating_reset_at"]
        .as_i64()
        .expect("operating_reset_at");
    let start = time["start"].as_f64().unwrap() as i64;
    assert!(reset >= start, "{time}");
}

#[tokio::test]
async fn every_time_block_has_operating_zero_when_limits_are_off() {
    let app = TestApp::start().await;
    let r = post_form(&app, "server.time", "").await;
    assert_operating(&r.json()["time"]);
    let r = app.get(&format!("{}crm.lead.list.json", app.hook)).await;
    assert_operating(&r.json()["time"]);
    let out = app
        .ok(
            "batch",
            json!({"cmd": {"a": "server.time", "b": "crm.lead.fields"}}),
        )
        .await;
    for key in ["a", "b"] {
        assert_operating(&out["result_time"][key]);
    }
}

#[tokio::test]
async fn no_method_refuses_an_empty_php_array_or_no_body_as_malformed() {
    let app = TestApp::start().await;
    let scopes = app.ok("scope", json!({"full": true})).await;
    let scopes: Vec<&str> = scopes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let hook = app.webhook(1, &scopes, None).await;
    let methods = app.ok("methods", json!({"full": true})).await;
    let methods = methods.as_array().unwrap();
    assert!(methods.len() > 50, "{methods:?}");
    for method in methods {
        let method = method.as_str().unwrap();
        let url = format!("{hook}{method}.json");
        for body in ["[]", ""] {
            let r = app
                .post_raw(&url, "application/json", body.to_string())
                .await;
            let json = r.json();
            assert_ne!(
                json["error"], "INVALID_REQUEST",
                "{method} with {body:?}: {}",
                r.text
            );
            assert!(r.status < 500, "{method} with {body:?}: {}", r.text);
        }
        let r = app.get(&url).await;
        assert_ne!(
            r.json()["error"],
            "INVALID_REQUEST",
            "{method} GET: {}",
            r.text
        );
    }
}
