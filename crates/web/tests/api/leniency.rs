//! Input Bitrix24 accepts and ignores is accepted here too, with one warning
//! naming the method, the ignored input and the integration (the request's
//! span); and every `batch` sub-call is logged under its batch's request.

use serde_json::json;

use crate::common::TestApp;
use crate::logs::{leniency_logged, lines_with, logged};

#[tokio::test]
async fn a_multi_field_given_as_a_string_is_dropped_and_the_lead_created() {
    let app = TestApp::start().await;
    for (title, email) in [
        ("plain", json!("ana@example.com")),
        ("strings", json!(["bia@example.com"])),
        ("number", json!(42)),
    ] {
        let id = app
            .ok(
                "crm.lead.add",
                json!({"fields": {"TITLE": title, "EMAIL": email, "NAME": "Ana"}}),
            )
            .await;
        let lead = app.ok("crm.lead.get", json!({"id": id})).await;
        assert_eq!(lead["TITLE"], json!(title));
        assert_eq!(lead["NAME"], json!("Ana"));
        assert!(lead.get("EMAIL").is_none(), "{lead}");
        assert_eq!(lead["HAS_EMAIL"], json!("N"));
    }
    assert!(leniency_logged(
        "crm.lead.add",
        "fields (not a list of items)",
        "EMAIL"
    ));
    assert!(leniency_logged(
        "crm.lead.add",
        "fields (an item that is not an object)",
        "EMAIL"
    ));
    // The warning names the integration that called.
    assert!(
        logged(&[
            "portico::leniency",
            "integration=\"webhook:",
            "method=\"crm.lead.add\"",
            "key=EMAIL"
        ]),
        "{}",
        lines_with("leniency")
    );

    // Mixed: the good item is kept, the string beside it dropped.
    let id = app
        .ok(
            "crm.contact.add",
            json!({"fields": {"NAME": "Mixed", "EMAIL": ["x@example.com", {"VALUE": "y@example.com"}]}}),
        )
        .await;
    let contact = app.ok("crm.contact.get", json!({"id": id})).await;
    assert_eq!(contact["EMAIL"][0]["VALUE"], json!("y@example.com"));
    assert_eq!(contact["EMAIL"][0]["VALUE_TYPE"], json!("WORK"));
    assert_eq!(contact["EMAIL"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn unknown_and_read_only_fields_are_dropped_with_a_warning() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "Kept", "NO_SUCH_FIELD": "x", "DATE_CREATE": "2001-01-01T00:00:00+00:00"}}),
        )
        .await;
    let deal = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(deal["TITLE"], json!("Kept"));
    assert_ne!(deal["DATE_CREATE"], json!("2001-01-01T00:00:00+00:00"));
    assert!(leniency_logged("crm.deal.add", "fields", "NO_SUCH_FIELD"));
    assert!(leniency_logged("crm.deal.add", "fields", "DATE_CREATE"));
}

#[tokio::test]
async fn a_failing_batch_sub_call_is_in_the_log_under_its_request() {
    let app = TestApp::start().await;
    let answer = app
        .ok(
            "batch",
            json!({"halt": 0, "cmd": {
                "fine": "crm.lead.add?fields[TITLE]=Fine",
                "missing_lead": "crm.lead.get?id=987654",
                "no_method": "crm.nothing.here"
            }}),
        )
        .await;
    assert!(
        answer["result_error"]["missing_lead"].is_object(),
        "{answer}"
    );
    assert!(
        logged(&[
            "portico::batch",
            "request_id=",
            "integration=\"webhook:",
            "command=\"missing_lead\"",
            "method=\"crm.lead.get\"",
            "outcome=\"error\"",
            "status=400",
            "Not found",
            "batch sub-call"
        ]),
        "{}",
        lines_with("batch")
    );
    assert!(logged(&[
        "portico::batch",
        "command=\"no_method\"",
        "outcome=\"error\"",
        "error=\"ERROR_METHOD_NOT_FOUND\""
    ]));
    assert!(logged(&[
        "portico::batch",
        "command=\"fine\"",
        "method=\"crm.lead.add\"",
        "outcome=\"ok\""
    ]));
}

#[tokio::test]
async fn dates_ids_and_like_on_directories_are_read_as_bitrix24_reads_them() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "Dates", "STAGE_ID": "PREPARATION", "CLOSEDATE": "not a date"}}),
        )
        .await;
    assert!(leniency_logged(
        "crm.deal.add",
        "fields (not a date)",
        "CLOSEDATE"
    ));
    // An id with trailing junk is read as PHP's intval reads it.
    let deal = app
        .ok("crm.deal.get", json!({"id": format!("{id}abc")}))
        .await;
    assert_eq!(deal["TITLE"], json!("Dates"));
    // `%STAGE_ID` on a directory field is an exact match, not a substring one.
    let ids = |v: serde_json::Value| {
        v.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["ID"].clone())
            .collect::<Vec<_>>()
    };
    let exact = app
        .ok(
            "crm.deal.list",
            json!({"filter": {"%STAGE_ID": "PREPARATION"}, "select": ["ID"]}),
        )
        .await;
    assert_eq!(ids(exact), vec![deal["ID"].clone()]);
    let part = app
        .ok(
            "crm.deal.list",
            json!({"filter": {"%STAGE_ID": "PREP"}, "select": ["ID"]}),
        )
        .await;
    assert!(ids(part).is_empty());
    assert!(leniency_logged(
        "crm.deal.list",
        "filter (LIKE read as an exact match)",
        "%STAGE_ID"
    ));
    // crm.item keeps refusing it, as Bitrix24's crm.item.list does.
    let refused = app
        .call(
            "crm.item.list",
            json!({"entityTypeId": 2, "filter": {"%stageId": "PREP"}}),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text);
}

#[tokio::test]
async fn contacts_are_found_by_their_hidden_full_name() {
    let app = TestApp::start().await;
    for (name, last) in [
        ("John", "Smith"),
        ("Mary Ann", "Smith"),
        ("Solo", ""),
        ("", "Lastonly"),
        ("Johnny", "Walker"),
    ] {
        app.ok(
            "crm.contact.add",
            json!({"fields": {"NAME": name, "LAST_NAME": last}}),
        )
        .await;
    }
    let names = |filter: serde_json::Value| {
        let app = &app;
        async move {
            let rows = app
                .ok(
                    "crm.contact.list",
                    json!({"filter": filter, "select": ["NAME", "LAST_NAME"], "order": {"ID": "ASC"}}),
                )
                .await;
            rows.as_array()
                .expect("rows")
                .iter()
                .map(|r| {
                    format!(
                        "{}|{}",
                        r["NAME"].as_str().unwrap_or(""),
                        r["LAST_NAME"].as_str().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        names(json!({"FULL_NAME": "John Smith"})).await,
        ["John|Smith"]
    );
    assert_eq!(
        names(json!({"FULL_NAME": "Mary Ann Smith"})).await,
        ["Mary Ann|Smith"]
    );
    assert_eq!(names(json!({"FULL_NAME": "Solo"})).await, ["Solo|"]);
    assert_eq!(names(json!({"FULL_NAME": "Lastonly"})).await, ["|Lastonly"]);
    assert_eq!(
        names(json!({"%FULL_NAME": "Smith"})).await,
        ["John|Smith", "Mary Ann|Smith"]
    );
    assert_eq!(
        names(json!({"%FULL_NAME": "n Smi"})).await,
        ["John|Smith", "Mary Ann|Smith"]
    );
    assert_eq!(names(json!({"%FULL_NAME": "ohn sm"})).await, ["John|Smith"]);
    assert_eq!(
        names(json!({"%FULL_NAME": "John", "LAST_NAME": "Walker"})).await,
        ["Johnny|Walker"]
    );
    // Rows never carry it, and crm.contact.fields does not list it.
    let fields = app.ok("crm.contact.fields", json!({})).await;
    assert!(fields.get("FULL_NAME").is_none());
    // Other operators on it are ignored, with a warning.
    assert_eq!(names(json!({"!FULL_NAME": "John Smith"})).await.len(), 5);
    assert!(leniency_logged(
        "crm.contact.list",
        "filter (operator on FULL_NAME)",
        "!FULL_NAME"
    ));
}
