//! Deal pipelines and stage history over real HTTP: `crm.category.*`, the
//! legacy `crm.dealcategory.*`, pipeline stages through `crm.status.*`,
//! `CATEGORY_ID` on deals and `categoryId` through `crm.item.*`, and
//! `crm.stagehistory.list` (rows after add and stage moves, filters, order,
//! pages, errors), with rights and inside `batch`.

use portico_store::{Action, Level, Levels, NewRole};
use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// `crm.category.add` of a deal pipeline; returns its id.
async fn pipeline(app: &TestApp, name: &str) -> i64 {
    let r = app
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": name, "sort": 200}}),
        )
        .await;
    r["category"]["id"].as_i64().expect("category id")
}

/// The whole reply body of a call that must succeed.
async fn body(app: &TestApp, method: &str, params: Value) -> Value {
    let r = app.call(method, params).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()
}

#[tokio::test]
async fn categories_are_listed_added_changed_and_deleted() {
    let app = TestApp::start().await;
    let added = app
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "Wholesale", "sort": -5, "isDefault": "Y"}}),
        )
        .await;
    assert_eq!(
        added,
        json!({"category": {"id": 1, "name": "Wholesale", "sort": 0, "entityTypeId": 2,
            "isDefault": "N", "originId": "", "originatorId": ""}})
    );
    let list = body(&app, "crm.category.list", json!({"entityTypeId": 2})).await;
    assert_eq!(list["total"], 2);
    assert_eq!(
        list["result"]["categories"],
        json!([
            {"id": 1, "name": "Wholesale", "sort": 0, "entityTypeId": 2, "isDefault": "N",
             "originId": "", "originatorId": ""},
            {"id": 0, "name": "General", "sort": 500, "entityTypeId": 2, "isDefault": "Y"},
        ])
    );
    let got = app
        .ok("crm.category.get", json!({"entityTypeId": 2, "id": 0}))
        .await;
    assert_eq!(got["category"]["isDefault"], "Y");
    let updated = app
        .ok(
            "crm.category.update",
            json!({"entityTypeId": 2, "id": 1, "fields": {"name": "Retail", "sort": 900}}),
        )
        .await;
    assert_eq!(
        (&updated["category"]["name"], &updated["category"]["sort"]),
        (&json!("Retail"), &json!(900))
    );

    // The new pipeline's stages.
    let stages = app
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE_1"}}),
        )
        .await;
    let ids: Vec<&str> = stages
        .as_array()
        .expect("rows")
        .iter()
        .map(|s| s["STATUS_ID"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [
            "C1:NEW",
            "C1:PREPARATION",
            "C1:PREPAYMENT_INVOICE",
            "C1:EXECUTING",
            "C1:FINAL_INVOICE",
            "C1:WON",
            "C1:LOSE",
            "C1:APOLOGY"
        ]
    );
    assert_eq!(stages[0]["CATEGORY_ID"], "1");
    assert_eq!(stages[6]["EXTRA"]["SEMANTICS"], "failure");
    assert_eq!(stages[7]["EXTRA"]["SEMANTICS"], "apology");
    let types = app.ok("crm.status.entity.types", json!({})).await;
    let entry = types
        .as_array()
        .expect("types")
        .iter()
        .find(|t| t["ID"] == "DEAL_STAGE_1")
        .cloned()
        .expect("pipeline stages listed");
    assert_eq!(entry["PREFIX"], "C1");
    assert_eq!(entry["CATEGORY_ID"], "1");
    assert_eq!(entry["SEMANTIC_INFO"]["FINAL_SUCCESS_FIELD"], "C1:WON");

    // Refusals.
    let deal = app
        .ok("crm.deal.add", json!({"fields": {"CATEGORY_ID": 1}}))
        .await;
    assert_error(
        &app.call("crm.category.delete", json!({"entityTypeId": 2, "id": 1}))
            .await,
        400,
        "0",
        "Deals related to the funnel Retail found",
    );
    assert_error(
        &app.call("crm.category.delete", json!({"entityTypeId": 2, "id": 0}))
            .await,
        400,
        "0",
        "Default deal category cannot be deleted",
    );
    assert_error(
        &app.call("crm.category.get", json!({"entityTypeId": 2, "id": 42}))
            .await,
        400,
        "NOT_FOUND",
        "Element not found",
    );
    assert_error(
        &app.call("crm.category.list", json!({"entityTypeId": 1}))
            .await,
        400,
        "ENTITY_TYPE_NOT_SUPPORTED",
        "Entity type 1 is not supported",
    );
    assert_error(
        &app.call("crm.category.list", json!({})).await,
        400,
        "INVALID_ARG_VALUE",
        "Could not find value for parameter {entityTypeId}",
    );
    assert_error(
        &app.call(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "  "}}),
        )
        .await,
        400,
        "0",
        "Field 'NAME' is required",
    );

    // Without its deals the pipeline goes, with its stages.
    app.ok("crm.deal.delete", json!({"id": deal})).await;
    let gone = app
        .ok("crm.category.delete", json!({"entityTypeId": 2, "id": 1}))
        .await;
    assert_eq!(gone, Value::Null);
    let stages = app
        .ok(
            "crm.status.list",
            json!({"filter": {"ENTITY_ID": "DEAL_STAGE_1"}}),
        )
        .await;
    assert_eq!(stages, json!([]));
}

#[tokio::test]
async fn legacy_dealcategory_methods() {
    let app = TestApp::start().await;
    let id = app
        .ok(
            "crm.dealcategory.add",
            json!({"fields": {"NAME": "Partners", "SORT": 300}}),
        )
        .await;
    assert_eq!(id, 1);
    pipeline(&app, "Second").await;
    let list = body(
        &app,
        "crm.dealcategory.list",
        json!({"order": {"SORT": "DESC"}, "select": ["NAME"], "start": 50}),
    )
    .await;
    assert_eq!(list["total"], 2, "only pipelines other than the default");
    assert_eq!(
        list["result"],
        json!([{"ID": "1", "NAME": "Partners"}, {"ID": "2", "NAME": "Second"}])
    );
    let one = app.ok("crm.dealcategory.get", json!({"id": "1"})).await;
    assert_eq!(
        (&one["NAME"], &one["SORT"], &one["IS_LOCKED"]),
        (&json!("Partners"), &json!("300"), &json!("N"))
    );
    assert!(one["CREATED_DATE"]
        .as_str()
        .is_some_and(|d| d.contains("T00:00:00")));
    assert_error(
        &app.call("crm.dealcategory.get", json!({"id": 0})).await,
        400,
        "",
        "Not found",
    );
    assert_eq!(
        app.ok("crm.dealcategory.status", json!({"id": 1})).await,
        "DEAL_STAGE_1"
    );
    assert_eq!(
        app.ok("crm.dealcategory.status", json!({"id": 0})).await,
        "DEAL_STAGE"
    );
    let stages = app
        .ok("crm.dealcategory.stage.list", json!({"id": 1}))
        .await;
    assert_eq!(
        stages[0],
        json!({"NAME": "New", "SORT": 10, "STATUS_ID": "C1:NEW"})
    );
    assert_eq!(
        app.ok("crm.dealcategory.default.get", json!({})).await,
        json!({"ID": 0, "NAME": "General"})
    );
    assert_eq!(
        app.ok("crm.dealcategory.default.set", json!({"name": ["x"]}))
            .await,
        true
    );
    app.ok("crm.dealcategory.default.set", json!({"name": "Sales"}))
        .await;
    assert_eq!(
        app.ok("crm.dealcategory.default.get", json!({})).await["NAME"],
        "Sales"
    );
    assert_eq!(
        app.ok(
            "crm.dealcategory.update",
            json!({"id": 1, "fields": {"NAME": "Resellers"}})
        )
        .await,
        true
    );
    assert_error(
        &app.call(
            "crm.dealcategory.update",
            json!({"id": 9, "fields": {"NAME": "x"}}),
        )
        .await,
        400,
        "",
        "Not found.",
    );
    assert_eq!(
        app.ok("crm.dealcategory.delete", json!({"id": 1})).await,
        true
    );
    assert_error(
        &app.call("crm.dealcategory.delete", json!({"id": 1})).await,
        400,
        "",
        "Not found.",
    );
    let fields = app.ok("crm.dealcategory.fields", json!({})).await;
    assert_eq!(fields["NAME"]["isRequired"], true);
}

#[tokio::test]
async fn pipeline_stages_through_crm_status() {
    let app = TestApp::start().await;
    let p = pipeline(&app, "Projects").await;
    let id = app
        .ok(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": format!("DEAL_STAGE_{p}"), "STATUS_ID": "C9:REVIEW",
                "NAME": "Review", "SORT": 0}}),
        )
        .await;
    let item = app.ok("crm.status.get", json!({"id": id})).await;
    assert_eq!(
        (&item["STATUS_ID"], &item["SORT"], &item["CATEGORY_ID"]),
        (
            &json!(format!("C{p}:REVIEW")),
            &json!("10"),
            &json!(p.to_string())
        )
    );
    let deal = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"CATEGORY_ID": p, "STAGE_ID": format!("C{p}:REVIEW")}}),
        )
        .await;
    assert_error(
        &app.call("crm.status.delete", json!({"id": id})).await,
        400,
        "",
        "There are active items in this status.",
    );
    assert_error(
        &app.call(
            "crm.status.add",
            json!({"fields": {"ENTITY_ID": "DEAL_STAGE_99", "STATUS_ID": "X", "NAME": "X"}}),
        )
        .await,
        400,
        "",
        "Specified entity type is not supported.",
    );
    app.ok("crm.deal.delete", json!({"id": deal})).await;
    assert_eq!(app.ok("crm.status.delete", json!({"id": id})).await, true);
}

#[tokio::test]
async fn a_deals_stage_belongs_to_its_pipeline() {
    let app = TestApp::start().await;
    let p = pipeline(&app, "Projects").await;
    // Created in the pipeline without a stage: its first stage.
    let id = app
        .ok("crm.deal.add", json!({"fields": {"CATEGORY_ID": p}}))
        .await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(
        (&d["CATEGORY_ID"], &d["STAGE_ID"]),
        (&json!(p.to_string()), &json!(format!("C{p}:NEW")))
    );
    // A stage of the default pipeline is refused on add …
    assert_error(
        &app.call(
            "crm.deal.add",
            json!({"fields": {"CATEGORY_ID": p, "STAGE_ID": "WON"}}),
        )
        .await,
        400,
        "",
        &format!("Field 'STAGE_ID' has an unknown value 'WON': it is not in the directory DEAL_STAGE_{p}."),
    );
    // … and changes nothing on update; CATEGORY_ID is ignored there.
    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"STAGE_ID": "WON", "CATEGORY_ID": 0}}),
    )
    .await;
    let d = app.ok("crm.deal.get", json!({"id": id})).await;
    assert_eq!(
        (&d["CATEGORY_ID"], &d["STAGE_ID"]),
        (&json!(p.to_string()), &json!(format!("C{p}:NEW")))
    );
    // The list filters by pipeline.
    app.ok("crm.deal.add", json!({"fields": {"TITLE": "default"}}))
        .await;
    let listed = body(
        &app,
        "crm.deal.list",
        json!({"filter": {"CATEGORY_ID": p}, "select": ["ID", "STAGE_ID"]}),
    )
    .await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["result"][0]["ID"], id.to_string());

    // crm.item.update moves a deal: the stage of the same group there.
    let moved = app
        .ok(
            "crm.item.update",
            json!({"entityTypeId": 2, "id": id, "fields": {"categoryId": 0}}),
        )
        .await;
    assert_eq!(
        (&moved["item"]["categoryId"], &moved["item"]["stageId"]),
        (&json!(0), &json!("NEW"))
    );
    let moved = app
        .ok(
            "crm.item.update",
            json!({"entityTypeId": 2, "id": id,
                "fields": {"categoryId": p, "stageId": format!("C{p}:WON")}}),
        )
        .await;
    assert_eq!(
        (
            &moved["item"]["categoryId"],
            &moved["item"]["stageId"],
            &moved["item"]["stageSemanticId"]
        ),
        (&json!(p), &json!(format!("C{p}:WON")), &json!("S"))
    );
    assert_error(
        &app.call(
            "crm.item.update",
            json!({"entityTypeId": 2, "id": id, "fields": {"categoryId": 77}}),
        )
        .await,
        400,
        "CRM_FIELD_ERROR_VALUE_NOT_VALID",
        "Invalid value for field \"categoryId\"",
    );
}

/// `(TYPE_ID, STAGE_ID)` of the history rows of a reply.
fn types_and_stages(items: &Value, stage: &str) -> Vec<(i64, String)> {
    items
        .as_array()
        .expect("items")
        .iter()
        .map(|r| {
            (
                r["TYPE_ID"].as_i64().unwrap_or(-1),
                r[stage].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn stage_history_follows_adds_and_moves() {
    let app = TestApp::start().await;
    let p = pipeline(&app, "Projects").await;
    let deal = app
        .ok("crm.deal.add", json!({"fields": {"CATEGORY_ID": p}}))
        .await;
    let stage = |s: &str| format!("C{p}:{s}");
    for fields in [
        json!({"TITLE": "no stage change"}),
        json!({"STAGE_ID": stage("EXECUTING")}),
        json!({"STAGE_ID": stage("EXECUTING")}),
        json!({"STAGE_ID": stage("LOSE")}),
    ] {
        app.ok("crm.deal.update", json!({"id": deal, "fields": fields}))
            .await;
    }
    app.ok(
        "crm.item.update",
        json!({"entityTypeId": 2, "id": deal, "fields": {"categoryId": 0}}),
    )
    .await;
    let r = body(
        &app,
        "crm.stagehistory.list",
        json!({"entityTypeId": 2, "order": {"ID": "ASC"}, "filter": {"OWNER_ID": deal}}),
    )
    .await;
    assert_eq!(r["total"], 4);
    assert_eq!(
        types_and_stages(&r["result"]["items"], "STAGE_ID"),
        [
            (1, stage("NEW")),
            (2, stage("EXECUTING")),
            (3, stage("LOSE")),
            (5, "LOSE".to_string())
        ]
    );
    let first = &r["result"]["items"][0];
    assert_eq!(
        (
            &first["OWNER_ID"],
            &first["CATEGORY_ID"],
            &first["STAGE_SEMANTIC_ID"]
        ),
        (&json!(deal), &json!(p), &json!("P"))
    );
    assert!(first["CREATED_TIME"]
        .as_str()
        .is_some_and(|t| t.contains('T')));

    // select, filter operators, order.
    let r = app
        .ok(
            "crm.stagehistory.list",
            json!({"entityTypeId": 2, "order": {"ID": "DESC"},
                "filter": {">=TYPE_ID": 3, "OWNER_ID": deal}, "select": ["ID", "STAGE_ID"]}),
        )
        .await;
    let rows = r["items"].as_array().expect("items");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["STAGE_ID"], "LOSE");
    assert_eq!(
        rows[0].as_object().map(|o| o.len()),
        Some(2),
        "only the selected fields: {}",
        rows[0]
    );

    // Leads: 51 created, two pages.
    for i in 0..51 {
        app.ok(
            "crm.lead.add",
            json!({"fields": {"TITLE": format!("L{i}")}}),
        )
        .await;
    }
    app.ok(
        "crm.lead.update",
        json!({"id": 1, "fields": {"STATUS_ID": "IN_PROCESS"}}),
    )
    .await;
    let page = body(&app, "crm.stagehistory.list", json!({"entityTypeId": 1})).await;
    assert_eq!((&page["total"], &page["next"]), (&json!(52), &json!(50)));
    assert_eq!(page["result"]["items"].as_array().map(Vec::len), Some(50));
    assert_eq!(
        page["result"]["items"][0],
        json!({"ID": 1, "TYPE_ID": 1, "OWNER_ID": 1,
            "CREATED_TIME": page["result"]["items"][0]["CREATED_TIME"],
            "STATUS_ID": "NEW", "STATUS_SEMANTIC_ID": "P"})
    );
    let last = body(
        &app,
        "crm.stagehistory.list",
        json!({"entityTypeId": 1, "start": 50}),
    )
    .await;
    assert!(last.get("next").is_none());
    assert_eq!(
        types_and_stages(&last["result"]["items"], "STATUS_ID"),
        [(1, "NEW".to_string()), (2, "IN_PROCESS".to_string())]
    );
    let uncounted = body(
        &app,
        "crm.stagehistory.list",
        json!({"entityTypeId": 1, "start": -1, "filter": {">ID": 50}}),
    )
    .await;
    assert!(uncounted.get("next").is_none());
    assert_eq!(
        uncounted["result"]["items"].as_array().map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn stage_history_refuses_what_bitrix24_refuses() {
    let app = TestApp::start().await;
    assert_error(
        &app.call(
            "crm.stagehistory.list",
            json!({"entityTypeId": 2, "filter": {"TITLE": "x"}}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'TITLE' is not allowed in filter",
    );
    assert_error(
        &app.call(
            "crm.stagehistory.list",
            json!({"entityTypeId": 1, "filter": {"STAGE_ID": "NEW"}}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'STAGE_ID' is not allowed in filter",
    );
    assert_error(
        &app.call(
            "crm.stagehistory.list",
            json!({"entityTypeId": 2, "order": {"ID": "UP"}}),
        )
        .await,
        400,
        "INVALID_ARG_VALUE",
        "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'ID'",
    );
    assert_error(
        &app.call("crm.stagehistory.list", json!({"entityTypeId": 3}))
            .await,
        400,
        "ENTITY_TYPE_NOT_SUPPORTED",
        "Entity type 3 is not supported",
    );
}

#[tokio::test]
async fn rights_limit_pipelines_and_history() {
    let app = TestApp::start().await;
    pipeline(&app, "Projects").await;
    let mut levels = Levels::uniform(Level::All);
    levels.set("DEAL", Action::Read, Level::None);
    let role = app
        .store
        .insert_role(NewRole {
            name: "No deals".into(),
            levels,
        })
        .await
        .expect("role");
    let user = app.add_user("nodeals", false).await;
    assert!(app
        .store
        .set_user_role(user, Some(role))
        .await
        .expect("set"));
    let hook = app.webhook(user, &["crm"], None).await;
    assert_error(
        &app.call_on(&hook, "crm.category.list", json!({"entityTypeId": 2}))
            .await,
        403,
        "ACCESS_DENIED",
        "Access denied.",
    );
    assert_error(
        &app.call_on(&hook, "crm.dealcategory.list", json!({})).await,
        400,
        "",
        "Access denied.",
    );
    assert_error(
        &app.call_on(&hook, "crm.stagehistory.list", json!({"entityTypeId": 2}))
            .await,
        403,
        "ACCESS_DENIED",
        "Access denied.",
    );
    // Leads stay readable; writes to pipelines need an administrator.
    let r = app
        .call_on(&hook, "crm.stagehistory.list", json!({"entityTypeId": 1}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_error(
        &app.call_on(
            &hook,
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "x"}}),
        )
        .await,
        403,
        "ACCESS_DENIED",
        "Access denied.",
    );
    assert_error(
        &app.call_on(
            &hook,
            "crm.dealcategory.add",
            json!({"fields": {"NAME": "x"}}),
        )
        .await,
        400,
        "",
        "Access denied.",
    );
}

#[tokio::test]
async fn pipelines_inside_batch() {
    let app = TestApp::start().await;
    let out = app
        .ok(
            "batch",
            json!({"halt": 1, "cmd": {
                "p": "crm.category.add?entityTypeId=2&fields[name]=Batch",
                "d": "crm.deal.add?fields[CATEGORY_ID]=$result[p][category][id]",
                "h": "crm.stagehistory.list?entityTypeId=2&filter[OWNER_ID]=$result[d]",
            }}),
        )
        .await;
    assert_eq!(out["result"]["p"]["category"]["id"], 1);
    assert_eq!(out["result"]["h"]["items"][0]["STAGE_ID"], "C1:NEW");
    assert_eq!(out["result_total"]["h"], 1);
    assert_eq!(out["result_error"], json!([]));
}

#[tokio::test]
async fn a_move_to_another_pipeline_raises_its_event() {
    use portico_store::NewOutboundWebhook;
    let app = TestApp::start().await;
    app.store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: 1,
            name: "moves".into(),
            handler_url: "https://receiver.example/hook".into(),
            events: vec!["ONCRMDEALMOVETOCATEGORY".into()],
            application_token_sealed: app.secrets.encrypt("t"),
            signing_secret_sealed: app.secrets.encrypt("whsec_c2VjcmV0"),
            single_attempt: false,
            created_at: 1,
        })
        .await
        .expect("subscribe");
    let p = pipeline(&app, "Partners").await;
    let id = app
        .ok("crm.deal.add", json!({"fields": {"TITLE": "Mover"}}))
        .await;
    // A stage change inside the pipeline is not a move.
    app.ok(
        "crm.deal.update",
        json!({"id": id, "fields": {"STAGE_ID": "PREPARATION"}}),
    )
    .await;
    app.ok(
        "crm.item.update",
        json!({"entityTypeId": 2, "id": id, "fields": {"categoryId": p}}),
    )
    .await;
    let events = app.store.events_after(0, 10).await.expect("events");
    let seen: Vec<(String, serde_json::Value)> =
        events.into_iter().map(|e| (e.code, e.data)).collect();
    let deal = id
        .as_i64()
        .or_else(|| id.as_str().and_then(|s| s.parse().ok()));
    assert_eq!(
        seen,
        vec![(
            "ONCRMDEALMOVETOCATEGORY".to_owned(),
            json!({"FIELDS": {"ID": deal, "CATEGORY_ID": p, "STAGE_ID": format!("C{p}:NEW")}})
        )]
    );
}
