//! `batch`: the five sections, `$result[...]` references, `halt`, per-command scope
//! checks, the 50-command limit, no nesting, and the doubly encoded GET form.

use serde_json::json;

use crate::common::{assert_error, TestApp};

#[tokio::test]
async fn references_sections_and_halt() {
    let app = TestApp::start().await;
    let out = app
        .ok(
            "batch",
            json!({"halt": 0, "cmd": {
                "me": "user.current",
                "lead": "crm.lead.add?fields[TITLE]=Batch&fields[ASSIGNED_BY_ID]=$result[me][ID]",
                "got": "crm.lead.get?id=$result[lead]",
                "list": "crm.lead.list?filter[ID]=$result[lead]&select[]=ID&select[]=ASSIGNED_BY_ID",
                "bad": "crm.lead.get?id=0",
                "nope": "no.such.method"
            }}),
        )
        .await;
    let lead = out["result"]["lead"].as_i64().unwrap();
    assert_eq!(out["result"]["got"]["TITLE"], "Batch");
    assert_eq!(out["result"]["got"]["ASSIGNED_BY_ID"], "1");
    assert_eq!(
        out["result"]["list"],
        json!([{"ID": lead.to_string(), "ASSIGNED_BY_ID": "1"}])
    );
    assert_eq!(out["result_total"], json!({"list": 1}));
    assert_eq!(out["result_next"], json!([]));
    assert_eq!(
        out["result_error"],
        json!({"bad": {"error": "", "error_description": "ID is not defined or invalid."},
               "nope": {"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"}})
    );
    let times = out["result_time"].as_object().unwrap();
    assert_eq!(
        times.keys().collect::<Vec<_>>(),
        ["me", "lead", "got", "list"]
    );
    for k in [
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish",
    ] {
        assert!(times["got"].get(k).is_some(), "{k}");
    }

    let halted = app
        .ok(
            "batch",
            json!({"halt": true, "cmd": ["server.time", "crm.lead.get?id=0", "server.time"]}),
        )
        .await;
    assert_eq!(halted["result"], json!([halted["result"][0]]));
    assert_eq!(
        halted["result_error"],
        json!({"1": {"error": "", "error_description": "ID is not defined or invalid."}})
    );
    let empty = app.ok("batch", json!({"cmd": {"a": "server.time"}})).await;
    assert_eq!(empty["result_error"], json!([]));
    assert_eq!(empty["result_total"], json!([]));
}

#[tokio::test]
async fn list_keys_scopes_limits_nesting() {
    let app = TestApp::start().await;
    let out = app
        .ok(
            "batch",
            json!({"cmd": ["crm.lead.add?fields[TITLE]=a", "crm.lead.add?fields[TITLE]=b"]}),
        )
        .await;
    assert!(out["result"].as_array().unwrap().iter().all(|v| v.is_i64()));
    // Each sub-call is checked for its own scope.
    let user_only = app.webhook(1, &["user"], None).await;
    let r = app
        .call_on(
            &user_only,
            "batch",
            json!({"cmd": {"me": "user.current", "lead": "crm.lead.list"}}),
        )
        .await;
    assert_eq!(r.status, 200);
    let out = &r.json()["result"];
    assert_eq!(out["result"]["me"]["ID"], "1");
    assert_eq!(out["result_error"]["lead"]["error"], "insufficient_scope");
    // No batch inside batch.
    let out = app
        .ok(
            "batch",
            json!({"cmd": {"inner": "batch?cmd[0]=server.time"}}),
        )
        .await;
    assert_eq!(
        out["result_error"]["inner"],
        json!({"error": "ERROR_BATCH_METHOD_NOT_ALLOWED", "error_description": "Method is not allowed for batch usage"})
    );
    let too_many: Vec<String> = (0..51).map(|_| "server.time".to_string()).collect();
    assert_error(
        &app.call("batch", json!({"cmd": too_many})).await,
        400,
        "ERROR_BATCH_LENGTH_EXCEEDED",
        "Max batch length exceeded",
    );
    let r = app.call("batch", json!({})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "INVALID_ARG_VALUE");
}

#[tokio::test]
async fn doubly_encoded_get() {
    let app = TestApp::start().await;
    let url = format!(
        "{}batch?halt=0&cmd[0]=crm.lead.add%3Ffields%5BTITLE%5D%3DJohn%2526Martin&cmd[1]=crm.lead.get%3Fid%3D%24result%5B0%5D",
        app.hook
    );
    let r = app.get(&url).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["result"]["result"][1]["TITLE"], "John&Martin");
}

#[tokio::test]
async fn fifty_adds_in_one_long_get() {
    let app = TestApp::start().await;
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("halt", "0");
    for i in 0..50 {
        let sub: String = form_urlencoded::Serializer::new(String::new())
            .append_pair(
                "fields[TITLE]",
                &format!("Long request line lead {i} & more text to make it realistic"),
            )
            .append_pair("fields[COMMENTS]", &"x".repeat(300))
            .append_pair("fields[PHONE][0][VALUE]", &format!("+55 11 9{i:04}-0000"))
            .finish();
        query.append_pair(&format!("cmd[add{i}]"), &format!("crm.lead.add?{sub}"));
    }
    let url = format!("{}batch.json?{}", app.hook, query.finish());
    assert!(url.len() > 20_000, "{}", url.len());
    let r = app.get(&url).await;
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(300)]);
    let out = &r.json()["result"];
    assert_eq!(out["result"].as_object().unwrap().len(), 50);
    assert_eq!(out["result_error"], serde_json::json!([]));
    let id = out["result"]["add49"].clone();
    let lead = app.ok("crm.lead.get", serde_json::json!({"id": id})).await;
    assert_eq!(
        lead["TITLE"],
        "Long request line lead 49 & more text to make it realistic"
    );
    assert_eq!(lead["PHONE"][0]["VALUE"], "+55 11 90049-0000");
}
