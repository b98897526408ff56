//! Sizes a client cannot exceed: string fields to Bitrix24's column sizes,
//! multi-field entries per write, values in one filter, values in one JSON
//! body, and the size of one answer (a `batch` stops in-band).

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

#[tokio::test]
async fn string_fields_and_multi_fields_keep_bitrix24_sizes() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": "t".repeat(255)}}),
        )
        .await;
    assert!(id.as_i64().unwrap() > 0);
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"TITLE": "t".repeat(256)}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "",
        "Field 'TITLE' is too long: at most 255 characters are allowed.",
    );
    // Characters, not bytes: 255 two-byte letters fit.
    app.ok(
        "crm.lead.add",
        json!({"fields": {"TITLE": "é".repeat(255)}}),
    )
    .await;
    // Long text fields take 65,535.
    app.ok(
        "crm.lead.add",
        json!({"fields": {"COMMENTS": "c".repeat(65_535)}}),
    )
    .await;
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"COMMENTS": "c".repeat(65_536)}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "",
        "Field 'COMMENTS' is too long: at most 65535 characters are allowed.",
    );
    let phones: Vec<Value> = (0..51)
        .map(|i| json!({"VALUE": format!("+1555{i:04}")}))
        .collect();
    let r = app
        .call("crm.lead.add", json!({"fields": {"PHONE": phones}}))
        .await;
    assert_error(
        &r,
        400,
        "",
        "Field 'PHONE' has 51 items: at most 50 are allowed in one write.",
    );
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"EMAIL": [{"VALUE": format!("{}@x.io", "a".repeat(250))}]}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "",
        "Field 'EMAIL' is too long: at most 250 characters are allowed.",
    );
    // Nothing refused was stored.
    assert_eq!(
        app.call("crm.lead.list", json!({})).await.json()["total"],
        3
    );
}

#[tokio::test]
async fn user_field_values_are_bounded() {
    let app = TestApp::start().await;
    app.ok(
        "crm.lead.userfield.add",
        json!({"fields": {"FIELD_NAME": "NOTE", "USER_TYPE_ID": "string", "MULTIPLE": "Y"}}),
    )
    .await;
    let r = app
        .call(
            "crm.lead.add",
            json!({"fields": {"UF_CRM_NOTE": ["n".repeat(65_536)]}}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("at most 65535"));
    let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
    let r = app
        .call("crm.lead.add", json!({"fields": {"UF_CRM_NOTE": many}}))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("at most 50"));
}

#[tokio::test]
async fn long_value_lists_are_refused_clearly() {
    let app = TestApp::start().await;
    app.ok("crm.lead.add", json!({"fields": {"TITLE": "a"}}))
        .await;
    let ids: Vec<i64> = (1..=32_766).collect();
    let r = app
        .call("crm.lead.list", json!({"filter": {"@ID": ids}}))
        .await;
    assert_error(
        &r,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: '@ID' lists 32766 values; at most 5000 are allowed",
    );
    let ids: Vec<i64> = (1..=5_000).collect();
    let r = app
        .call("crm.lead.list", json!({"filter": {"@ID": ids}}))
        .await;
    assert_eq!(r.json()["total"], 1, "{}", r.text);
    // All keys together: 3 × 4,000 values.
    let list: Vec<i64> = (1..=4_000).collect();
    let r = app
        .call(
            "crm.item.list",
            json!({"entityTypeId": 1, "filter": {"@id": list, "@assignedById": list, "@createdBy": list}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: 12000 values in all; at most 10000 are allowed",
    );
    // A JSON body carries at most 100,000 values.
    let zeros = vec!["0"; 100_001].join(",");
    let r = app
        .post_raw(
            &format!("{}crm.lead.list.json", app.hook),
            "application/json",
            format!("{{\"filter\":{{\"@ID\":[{zeros}]}}}}"),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.json()["error"], "INVALID_REQUEST");
    assert!(r.json()["error_description"]
        .as_str()
        .unwrap()
        .contains("too many values"));
}

/// A lead of about 262 KB: four long text fields of 65,535 characters.
async fn big_lead(app: &TestApp) -> i64 {
    let text = "x".repeat(65_535);
    let id = app
        .ok(
            "crm.lead.add",
            json!({"fields": {"COMMENTS": text, "SOURCE_DESCRIPTION": text}}),
        )
        .await
        .as_i64()
        .unwrap();
    app.ok(
        "crm.lead.update",
        json!({"id": id, "fields": {"STATUS_DESCRIPTION": text, "ADDRESS": text}}),
    )
    .await;
    id
}

#[tokio::test]
async fn answers_stay_under_the_answer_limit() {
    let app = TestApp::start().await;
    let id = big_lead(&app).await;
    let cmd: serde_json::Map<String, Value> = (0..50)
        .map(|i| (format!("g{i}"), json!(format!("crm.lead.get?id={id}"))))
        .collect();
    let r = app.call("batch", json!({"cmd": cmd})).await;
    assert_eq!(r.status, 200);
    assert!(r.text.len() < 9 * 1024 * 1024, "{} bytes", r.text.len());
    let out = &r.json()["result"];
    let done = out["result"].as_object().unwrap().len();
    assert!((20..50).contains(&done), "{done} commands answered");
    let errors = out["result_error"].as_object().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[&format!("g{done}")]["error"], "RESPONSE_TOO_LARGE");
    // One list whose page would pass the limit is refused as a whole.
    for _ in 0..33 {
        big_lead(&app).await;
    }
    let r = app
        .call("crm.lead.list", json!({"select": ["ID", "COMMENTS", "SOURCE_DESCRIPTION", "STATUS_DESCRIPTION", "ADDRESS"]}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "RESPONSE_TOO_LARGE");
}

#[tokio::test]
async fn texts_of_tasks_groups_departments_and_currencies_are_bounded() {
    let app = TestApp::start().await;
    let hook = app
        .webhook(1, &["task", "sonet_group", "department", "crm"], None)
        .await;
    let call = |method: &'static str, body: Value| {
        let hook = hook.clone();
        let app = &app;
        async move { app.call_on(&hook, method, body).await }
    };
    let too_long = |r: &crate::common::Reply| {
        assert_eq!(r.status, 400, "{}", r.text);
        assert!(r.text.contains("is too long"), "{}", r.text);
    };
    let long_text = "x".repeat(65_536);
    let long_line = "x".repeat(256);

    too_long(
        &call(
            "tasks.task.add",
            json!({"fields": {"TITLE": "t", "RESPONSIBLE_ID": 1, "DESCRIPTION": long_text}}),
        )
        .await,
    );
    let task = call(
        "tasks.task.add",
        json!({"fields": {"TITLE": "t", "RESPONSIBLE_ID": 1, "DESCRIPTION": "x".repeat(65_535)}}),
    )
    .await;
    assert_eq!(task.status, 200, "{}", task.text);
    let task = task.json()["result"]["task"]["id"].clone();
    too_long(
        &call(
            "task.commentitem.add",
            json!([task, {"POST_MESSAGE": long_text}]),
        )
        .await,
    );
    too_long(
        &call(
            "task.checklistitem.add",
            json!([task, {"TITLE": long_line}]),
        )
        .await,
    );
    too_long(
        &call(
            "task.elapseditem.add",
            json!([task, {"SECONDS": 60, "COMMENT_TEXT": long_text}]),
        )
        .await,
    );
    too_long(
        &call(
            "sonet_group.create",
            json!({"NAME": "g", "DESCRIPTION": long_text}),
        )
        .await,
    );
    too_long(&call("sonet_group.create", json!({"NAME": long_line})).await);
    too_long(&call("department.add", json!({"NAME": long_line, "PARENT": 1})).await);
    too_long(
        &call(
            "crm.currency.add",
            json!({"fields": {"CURRENCY": "GBP", "AMOUNT_CNT": 1, "AMOUNT": 1,
                              "LANG": {"en": {"FULL_NAME": long_line}}}}),
        )
        .await,
    );
}
