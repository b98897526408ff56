//! The legacy positional `task.checklistitem.*` and `task.elapseditem.*`
//! methods over HTTP: parameters by position, the UPPER_SNAKE rows, ticking
//! and unticking, time totals on the task, and the core's `ERROR_CORE`
//! texts for a caller who may not see the task, one who may only read it,
//! and bad input.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

const ACTION_FAILED: &str =
    "TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>";

async fn ok_on(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

async fn add_task(app: &TestApp, hook: &str, fields: Value) -> i64 {
    let r = ok_on(app, hook, "tasks.task.add", json!({ "fields": fields })).await;
    r["task"]["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn checklist_items_are_added_listed_ticked_changed_and_deleted_by_position() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let task = add_task(&app, &hook, json!({"TITLE": "Launch", "RESPONSIBLE_ID": 1})).await;

    // Names are ignored: an array and any keys bind by position.
    let root = ok_on(
        &app,
        &hook,
        "task.checklistitem.add",
        json!([task, {"TITLE": "Prepare"}]),
    )
    .await;
    let child = ok_on(
        &app,
        &hook,
        "task.checklistitem.add",
        json!({"a": task, "b": {"TITLE": " Slides ", "PARENT_ID": root, "IS_IMPORTANT": "Y"}}),
    )
    .await;
    let second = ok_on(
        &app,
        &hook,
        "task.checklistitem.add",
        json!({"TASKID": task, "FIELDS": {"TITLE": "Rehearse", "PARENT_ID": root, "IS_COMPLETE": "Y"}}),
    )
    .await;
    let (root, child, second) = (
        root.as_i64().unwrap(),
        child.as_i64().unwrap(),
        second.as_i64().unwrap(),
    );

    let list = ok_on(&app, &hook, "task.checklistitem.getlist", json!([task])).await;
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["ID"], root.to_string());
    assert_eq!(
        rows[0]["PARENT_ID"],
        json!(0),
        "a root item's PARENT_ID is the number 0"
    );
    assert_eq!(rows[0]["TASK_ID"], task.to_string());
    assert_eq!(rows[0]["CREATED_BY"], "1");
    assert_eq!(rows[0]["IS_COMPLETE"], "N");
    assert_eq!(rows[0]["TOGGLED_BY"], Value::Null);
    assert_eq!(rows[0]["MEMBERS"], json!([]));
    let slides = rows.iter().find(|r| r["ID"] == *child.to_string()).unwrap();
    assert_eq!(slides["TITLE"], "Slides");
    assert_eq!(slides["PARENT_ID"], root.to_string());
    assert_eq!(slides["IS_IMPORTANT"], "Y");
    assert_eq!(slides["SORT_INDEX"], "0");
    let rehearse = rows
        .iter()
        .find(|r| r["ID"] == *second.to_string())
        .unwrap();
    assert_eq!(rehearse["SORT_INDEX"], "1", "appended after its sibling");
    assert_eq!(rehearse["IS_COMPLETE"], "Y");
    assert_eq!(rehearse["TOGGLED_BY"], "1");

    let desc = ok_on(
        &app,
        &hook,
        "task.checklistitem.getlist",
        json!([task, {"ID": "desc"}]),
    )
    .await;
    let ids: Vec<&str> = desc
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ID"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![second.to_string(), child.to_string(), root.to_string()]
    );

    assert_eq!(
        ok_on(
            &app,
            &hook,
            "task.checklistitem.complete",
            json!([task, child])
        )
        .await,
        json!(true)
    );
    let got = ok_on(&app, &hook, "task.checklistitem.get", json!([task, child])).await;
    assert_eq!(got["IS_COMPLETE"], "Y");
    assert_eq!(got["TOGGLED_BY"], "1");
    assert!(got["TOGGLED_DATE"].as_str().unwrap().contains('T'), "{got}");
    ok_on(
        &app,
        &hook,
        "task.checklistitem.renew",
        json!([task, child]),
    )
    .await;
    assert_eq!(
        ok_on(&app, &hook, "task.checklistitem.get", json!([task, child])).await["IS_COMPLETE"],
        "N"
    );

    ok_on(
        &app,
        &hook,
        "task.checklistitem.update",
        json!([task, child, {"TITLE": "Slides v2", "SORT_INDEX": 7, "IS_IMPORTANT": "N"}]),
    )
    .await;
    let got = ok_on(&app, &hook, "task.checklistitem.get", json!([task, child])).await;
    assert_eq!(
        (
            got["TITLE"].as_str(),
            got["SORT_INDEX"].as_str(),
            got["IS_IMPORTANT"].as_str()
        ),
        (Some("Slides v2"), Some("7"), Some("N"))
    );

    // Errors: a blank title, an unknown key, a missing item, an item of another task.
    let r = app
        .call_on(
            &hook,
            "task.checklistitem.add",
            json!([task, {"TITLE": "  "}]),
        )
        .await;
    assert_error(
        &r,
        400,
        "ERROR_CORE",
        "TASKS_ERROR_EXCEPTION_#256; Item name not specified; 256/TE/WRONG_ARGUMENTS<br>",
    );
    let r = app
        .call_on(
            &hook,
            "task.checklistitem.add",
            json!([task, {"TITLE": "x", "COLOR": "red"}]),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Param #1 (arFields) for method ctaskchecklistitem::add() must not contain key \"COLOR\".; 256/TE/WRONG_ARGUMENTS<br>");
    let r = app
        .call_on(
            &hook,
            "task.checklistitem.add",
            json!([{"TITLE": "x"}, task]),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Param #0 (taskId) for method ctaskchecklistitem::add() expected to be of type \"integer\".; 256/TE/WRONG_ARGUMENTS<br>");
    let r = app
        .call_on(&hook, "task.checklistitem.get", json!([task, 999_999]))
        .await;
    assert_error(&r, 400, "ERROR_CORE", ACTION_FAILED);
    let other = add_task(&app, &hook, json!({"TITLE": "Other", "RESPONSIBLE_ID": 1})).await;
    let r = app
        .call_on(&hook, "task.checklistitem.complete", json!([other, child]))
        .await;
    assert_error(&r, 400, "ERROR_CORE", ACTION_FAILED);

    // Deleting an item deletes the items under it; the history has the additions.
    assert_eq!(
        ok_on(
            &app,
            &hook,
            "task.checklistitem.delete",
            json!([task, root])
        )
        .await,
        json!(true)
    );
    assert_eq!(
        ok_on(&app, &hook, "task.checklistitem.getlist", json!([task])).await,
        json!([])
    );
    let history = ok_on(
        &app,
        &hook,
        "tasks.task.history.list",
        json!({"taskId": task}),
    )
    .await;
    let created = history["list"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "CHECKLIST_ITEM_CREATE")
        .count();
    assert_eq!(created, 3);
}

#[tokio::test]
async fn time_records_are_listed_paged_and_counted_on_the_task() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let ana = app.add_user("ana", false).await;
    let task = add_task(
        &app,
        &hook,
        json!({"TITLE": "Build", "RESPONSIBLE_ID": ana}),
    )
    .await;

    let mut ids = Vec::new();
    for (seconds, text) in [(3600, "Design"), (600, "Review"), (1200, "Fix")] {
        let id = ok_on(
            &app,
            &hook,
            "task.elapseditem.add",
            json!([task, {"SECONDS": seconds, "COMMENT_TEXT": text}]),
        )
        .await;
        ids.push(id.as_i64().unwrap());
    }
    let for_ana = ok_on(
        &app,
        &hook,
        "task.elapseditem.add",
        json!([task, {"SECONDS": 60, "COMMENT_TEXT": "Call", "USER_ID": ana}]),
    )
    .await
    .as_i64()
    .unwrap();
    let spent = |t: Value| t["task"]["timeSpentInLogs"].clone();
    assert_eq!(
        spent(ok_on(&app, &hook, "tasks.task.get", json!({"taskId": task})).await),
        "5460"
    );

    let got = ok_on(&app, &hook, "task.elapseditem.get", json!([task, ids[0]])).await;
    assert_eq!(got["ID"], ids[0].to_string());
    assert_eq!(got["TASK_ID"], task.to_string());
    assert_eq!(got["USER_ID"], "1");
    assert_eq!(got["SECONDS"], "3600");
    assert_eq!(got["MINUTES"], "60");
    assert_eq!(got["COMMENT_TEXT"], "Design");
    assert!(got["CREATED_DATE"].as_str().unwrap().contains('T'), "{got}");

    let r = app
        .call_on(
            &hook,
            "task.elapseditem.getlist",
            json!([task, {"ID": "asc"}, {"USER_ID": 1}, [], {"NAV_PARAMS": {"nPageSize": 2, "iNumPage": 2}}]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["total"], 3);
    let page: Vec<&str> = body["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["COMMENT_TEXT"].as_str().unwrap())
        .collect();
    assert_eq!(page, vec!["Fix"]);
    let long = ok_on(
        &app,
        &hook,
        "task.elapseditem.getlist",
        json!([task, {"SECONDS": "desc"}, {">ID": ids[0]}]),
    )
    .await;
    let ids_seen: Vec<String> = long
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ID"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids_seen,
        vec![ids[2].to_string(), ids[1].to_string(), for_ana.to_string()]
    );

    ok_on(
        &app,
        &hook,
        "task.elapseditem.update",
        json!([task, ids[1], {"SECONDS": 900, "COMMENT_TEXT": "Long review"}]),
    )
    .await;
    assert_eq!(
        ok_on(&app, &hook, "task.elapseditem.get", json!([task, ids[1]])).await["COMMENT_TEXT"],
        "Long review"
    );
    assert_eq!(
        ok_on(
            &app,
            &hook,
            "task.elapseditem.delete",
            json!([task, ids[0]])
        )
        .await,
        json!(true)
    );
    assert_eq!(
        spent(ok_on(&app, &hook, "tasks.task.get", json!({"taskId": task})).await),
        "2160"
    );

    let r = app
        .call_on(
            &hook,
            "task.elapseditem.add",
            json!([task, {"COMMENT_TEXT": "no time"}]),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Param #1 (arFields) for method ctaskelapseditem::add() must contain key \"SECONDS\".; 256/TE/WRONG_ARGUMENTS<br>");
    let r = app
        .call_on(
            &hook,
            "task.elapseditem.getlist",
            json!([task, [], {"COMMENT_TEXT": "x"}]),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Param #2 (arFilter) for method ctaskelapseditem::getlist() must not contain key \"COMMENT_TEXT\".; 256/TE/WRONG_ARGUMENTS<br>");
    let r = app
        .call_on(&hook, "task.elapseditem.get", json!([task, ids[0]]))
        .await;
    assert_error(&r, 400, "ERROR_CORE", ACTION_FAILED);
}

#[tokio::test]
async fn outsiders_get_action_failed_and_auditors_only_read() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let ana = app.add_user("ana", false).await;
    let bob = app.add_user("bob", false).await;
    let ana_hook = app.webhook(ana, &["task"], None).await;
    let bob_hook = app.webhook(bob, &["task"], None).await;
    let task = add_task(
        &app,
        &hook,
        json!({"TITLE": "Watched", "RESPONSIBLE_ID": 1, "AUDITORS": [bob]}),
    )
    .await;
    let item = ok_on(
        &app,
        &hook,
        "task.checklistitem.add",
        json!([task, {"TITLE": "Step"}]),
    )
    .await
    .as_i64()
    .unwrap();
    let time = ok_on(
        &app,
        &hook,
        "task.elapseditem.add",
        json!([task, {"SECONDS": 60, "COMMENT_TEXT": "x"}]),
    )
    .await
    .as_i64()
    .unwrap();

    // Ana does not see the task: every call is "Action failed".
    for (method, body) in [
        ("task.checklistitem.getlist", json!([task])),
        ("task.checklistitem.get", json!([task, item])),
        ("task.checklistitem.add", json!([task, {"TITLE": "Mine"}])),
        ("task.checklistitem.complete", json!([task, item])),
        ("task.checklistitem.delete", json!([task, item])),
        ("task.elapseditem.getlist", json!([task])),
        ("task.elapseditem.get", json!([task, time])),
        (
            "task.elapseditem.add",
            json!([task, {"SECONDS": 60, "COMMENT_TEXT": "x"}]),
        ),
        ("task.elapseditem.delete", json!([task, time])),
    ] {
        let r = app.call_on(&ana_hook, method, body).await;
        assert_error(&r, 400, "ERROR_CORE", ACTION_FAILED);
    }

    // Bob audits it: he reads the checklist and the time, changes nothing.
    assert_eq!(
        ok_on(&app, &bob_hook, "task.checklistitem.getlist", json!([task]))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        ok_on(&app, &bob_hook, "task.elapseditem.get", json!([task, time])).await["SECONDS"],
        "60"
    );
    let r = app
        .call_on(
            &bob_hook,
            "task.checklistitem.add",
            json!([task, {"TITLE": "Mine"}]),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "TASKS_ERROR_EXCEPTION_#8; Adding item: action not allowed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>");
    for (method, body) in [
        ("task.checklistitem.complete", json!([task, item])),
        (
            "task.checklistitem.update",
            json!([task, item, {"TITLE": "Renamed"}]),
        ),
        ("task.checklistitem.delete", json!([task, item])),
        (
            "task.elapseditem.add",
            json!([task, {"SECONDS": 60, "COMMENT_TEXT": "x"}]),
        ),
        (
            "task.elapseditem.update",
            json!([task, time, {"SECONDS": 1}]),
        ),
        ("task.elapseditem.delete", json!([task, time])),
    ] {
        let r = app.call_on(&bob_hook, method, body).await;
        assert_error(&r, 400, "ERROR_CORE", ACTION_FAILED);
    }
    let got = ok_on(&app, &hook, "task.checklistitem.get", json!([task, item])).await;
    assert_eq!(
        (got["TITLE"].as_str(), got["IS_COMPLETE"].as_str()),
        (Some("Step"), Some("N"))
    );
}
