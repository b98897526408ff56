//! `tasks.task.*` and `task.commentitem.*` over HTTP: the reference's shapes
//! (`{"task":{…}}` camelCase, `{"tasks":[…]}` with `total`/`next`), paging,
//! filters, the controller's errors, who sees and changes a task (in `batch`
//! and lists too), and the task events recorded with a delivery.

use portico_store::NewOutboundWebhook;
use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

/// The administrator's webhook with the `task` scope.
async fn task_app() -> (TestApp, String) {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    (app, hook)
}

async fn ok_on(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()
}

async fn add_task(app: &TestApp, hook: &str, fields: Value) -> String {
    let r = ok_on(app, hook, "tasks.task.add", json!({ "fields": fields })).await;
    r["result"]["task"]["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn add_then_get_and_list_answer_the_reference_shapes() {
    let (app, hook) = task_app().await;
    let auditor = app.add_user("ana", false).await;
    let r = ok_on(
        &app,
        &hook,
        "tasks.task.add",
        json!({"fields": {"TITLE": "Call back", "RESPONSIBLE_ID": 1, "DEADLINE": "2025-12-31T23:59:59+00:00",
            "AUDITORS": [auditor], "UF_CRM_TASK": ["L_4", "D_10"], "PRIORITY": 2}}),
    )
    .await;
    let task = &r["result"]["task"];
    assert_eq!(task["title"], "Call back");
    assert_eq!(task["parentId"], Value::Null);
    assert_eq!(task["priority"], "2");
    assert_eq!(task["status"], "2");
    assert_eq!(task["groupId"], "0");
    assert_eq!(task["createdBy"], "1");
    assert_eq!(task["responsibleId"], "1");
    assert_eq!(task["deadline"], "2025-12-31T23:59:59+00:00");
    assert_eq!(task["auditors"], json!([auditor.to_string()]));
    assert_eq!(task["accomplices"], json!([]));
    assert_eq!(task["accomplicesData"], json!([]));
    assert_eq!(
        task["auditorsData"][auditor.to_string()]["id"],
        auditor.to_string()
    );
    assert_eq!(task["creator"]["link"], "/company/personal/user/1/");
    assert_eq!(task["action"]["complete"], true);
    assert_eq!(task["action"]["edit.originator"], true);
    assert_eq!(task["newCommentsCount"], 0);
    assert!(task.get("ufCrmTask").is_none(), "only when selected");
    let id = task["id"].as_str().unwrap().to_owned();

    let got = ok_on(
        &app,
        &hook,
        "tasks.task.get",
        json!({"taskId": id, "select": ["ID", "TITLE", "UF_CRM_TASK", "NOPE"]}),
    )
    .await;
    assert_eq!(got["result"]["task"]["ufCrmTask"], json!(["L_4", "D_10"]));
    assert_eq!(got["result"]["task"]["title"], "Call back");
    assert!(got["result"]["task"].get("nope").is_none());

    let list = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"filter": {"RESPONSIBLE_ID": 1, "!REAL_STATUS": 5}, "select": ["ID", "TITLE", "STATUS"],
               "order": {"ID": "desc"}, "start": 0}),
    )
    .await;
    assert_eq!(
        list["result"],
        json!({"tasks": [{"id": id, "title": "Call back", "status": "2", "subStatus": "2", "group": []}]})
    );
    assert_eq!(list["total"], 1);
    assert!(list.get("next").is_none());

    let fields = ok_on(&app, &hook, "tasks.task.getFields", json!({})).await;
    assert_eq!(
        fields["result"]["fields"]["ID"],
        json!({"title": "ID", "type": "integer", "primary": true})
    );
}

#[tokio::test]
async fn paging_filters_and_order() {
    let (app, hook) = task_app().await;
    for i in 0..120 {
        let prio = if i % 3 == 0 { 2 } else { 1 };
        add_task(&app, &hook, json!({"TITLE": format!("Task {i}"), "RESPONSIBLE_ID": 1, "PRIORITY": prio, "TAGS": if i == 7 { "urgent, x" } else { "" }})).await;
    }
    let page = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "select": ["ID"], "start": 50}),
    )
    .await;
    let ids: Vec<&str> = page["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 50);
    assert_eq!(ids[0], "51");
    assert_eq!(
        (page["total"].clone(), page["next"].clone()),
        (json!(120), json!(100))
    );
    let last = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "select": ["ID"], "start": 100}),
    )
    .await;
    assert_eq!(last["result"]["tasks"].as_array().unwrap().len(), 20);
    assert!(last.get("next").is_none());
    let uncounted = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"order": {"ID": "asc"}, "filter": {">ID": 110}, "start": -1}),
    )
    .await;
    assert_eq!(uncounted["result"]["tasks"].as_array().unwrap().len(), 10);
    assert!(uncounted.get("total").is_none() && uncounted.get("next").is_none());

    let high = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"filter": {"PRIORITY": 2, "unknown": 1}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(high["total"], 40);
    let tagged = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"filter": {"TAG": "urgent"}, "select": ["ID", "TAGS"]}),
    )
    .await;
    assert_eq!(tagged["result"]["tasks"][0]["id"], "8");
    assert_eq!(
        tagged["result"]["tasks"][0]["tags"],
        json!({"1": {"id": 1, "title": "urgent"}, "2": {"id": 2, "title": "x"}})
    );
    let titled = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"filter": {"%TITLE": "Task 11"}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(titled["total"], 11);
    let newest = ok_on(&app, &hook, "tasks.task.list", json!({"select": ["ID"]})).await;
    assert_eq!(newest["result"]["tasks"][0]["id"], "120");

    let r = app
        .call_on(&hook, "tasks.task.list", json!({"order": {"NOPE": "asc"}}))
        .await;
    assert_error(&r, 400, "0", "Invalid sorting key (internal error)");
}

#[tokio::test]
async fn controller_errors_and_normalisation() {
    let (app, hook) = task_app().await;
    let r = app
        .call_on(&hook, "tasks.task.add", json!({"FIELDS": {"TITLE": "x"}}))
        .await;
    assert_error(
        &r,
        400,
        "100",
        "Could not find value for parameter {fields}",
    );
    let r = app
        .call_on(&hook, "tasks.task.add", json!({"fields": {"TITLE": "  "}}))
        .await;
    assert_error(
        &r,
        400,
        "ERROR_CORE",
        "Task title is not specified<br>Responsible person not specified<br>",
    );
    let r = app
        .call_on(
            &hook,
            "tasks.task.add",
            json!({"fields": {"TITLE": "x", "RESPONSIBLE_ID": 99}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "ERROR_CORE",
        "User specified in the \"Responsible\" field not found<br>",
    );
    let r = app
        .call_on(
            &hook,
            "tasks.task.add",
            json!({"fields": {"TITLE": "x", "RESPONSIBLE_ID": 1, "STATUS": 9}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "Incorrect status<br>");
    let r = app
        .call_on(
            &hook,
            "tasks.task.add",
            json!({"fields": {"TITLE": "x", "RESPONSIBLE_ID": 1, "PARENT_ID": 77}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "ERROR_CORE",
        "Task specified in the \"Parent Task\" field not found<br>",
    );
    let r = app
        .call_on(&hook, "tasks.task.get", json!({"taskId": "abc"}))
        .await;
    assert_error(&r, 400, "0", "wrong task id");
    let r = app
        .call_on(&hook, "tasks.task.get", json!({"TASKID": 1}))
        .await;
    assert_error(
        &r,
        400,
        "100",
        "Could not find value for parameter {taskId}",
    );

    let task = ok_on(&app, &hook, "tasks.task.add", json!({"fields": {"~TITLE": "y", "RESPONSIBLE_ID": "1",
        "PRIORITY": 7, "MARK": "Q", "STATUS": 1, "TASK_CONTROL": "1", "ADD_IN_REPORT": true, "AUDITORS": 5}})).await;
    let t = &task["result"]["task"];
    assert_eq!(
        (
            t["priority"].clone(),
            t["mark"].clone(),
            t["status"].clone()
        ),
        (json!("1"), Value::Null, json!("2"))
    );
    assert_eq!(
        (t["taskControl"].clone(), t["addInReport"].clone()),
        (json!("N"), json!("Y"))
    );
    assert_eq!(t["auditors"], json!([]));
    let id = t["id"].as_str().unwrap();
    let child = add_task(
        &app,
        &hook,
        json!({"TITLE": "child", "RESPONSIBLE_ID": 1, "PARENT_ID": id}),
    )
    .await;
    let r = app
        .call_on(
            &hook,
            "tasks.task.update",
            json!({"taskId": id, "fields": {"PARENT_ID": child}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "ERROR_CORE",
        "Creating cyclic links in tasks is prohibited<br>",
    );
    let r = app
        .call_on(
            &hook,
            "tasks.task.update",
            json!({"taskId": id, "fields": {"PARENT_ID": id}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "Cannot bind the node to itself<br>");
    let roots = ok_on(
        &app,
        &hook,
        "tasks.task.list",
        json!({"filter": {"ONLY_ROOT_TASKS": "Y"}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(roots["result"]["tasks"], json!([{"id": id, "group": []}]));
    assert_eq!(
        ok_on(&app, &hook, "tasks.task.get", json!({"taskId": 999})).await["result"],
        json!([])
    );
}

#[tokio::test]
async fn status_actions_history_watch_and_delete() {
    let (app, hook) = task_app().await;
    let id = add_task(&app, &hook, json!({"TITLE": "Work", "RESPONSIBLE_ID": 1})).await;
    let started = ok_on(&app, &hook, "tasks.task.start", json!({"taskId": id})).await;
    assert_eq!(started["result"]["task"]["status"], "3");
    assert!(started["result"]["task"]["dateStart"].is_string());
    let r = app
        .call_on(&hook, "tasks.task.start", json!({"taskId": id}))
        .await;
    assert_error(&r, 400, "1048582", "Action on the task is not allowed");
    assert_eq!(
        ok_on(&app, &hook, "tasks.task.pause", json!({"taskId": id})).await["result"]["task"]
            ["status"],
        "2"
    );
    assert_eq!(
        ok_on(&app, &hook, "tasks.task.defer", json!({"taskId": id})).await["result"]["task"]
            ["status"],
        "6"
    );
    let done = ok_on(&app, &hook, "tasks.task.complete", json!({"taskId": id})).await;
    assert_eq!(done["result"]["task"]["status"], "5");
    assert_eq!(done["result"]["task"]["closedBy"], "1");
    let renewed = ok_on(&app, &hook, "tasks.task.renew", json!({"taskId": id})).await;
    assert_eq!(
        (
            renewed["result"]["task"]["status"].clone(),
            renewed["result"]["task"]["closedBy"].clone()
        ),
        (json!("2"), Value::Null)
    );
    let bob = app.add_user("bob", false).await;
    let delegated = ok_on(
        &app,
        &hook,
        "tasks.task.delegate",
        json!({"taskId": id, "userId": bob}),
    )
    .await;
    assert_eq!(
        delegated["result"]["task"]["responsibleId"],
        bob.to_string()
    );
    assert_eq!(delegated["result"]["task"]["auditors"], json!(["1"]));
    let stop = ok_on(&app, &hook, "tasks.task.stopwatch", json!({"taskId": id})).await;
    assert_eq!(stop["result"]["task"]["auditors"], json!([]));
    let watch = ok_on(&app, &hook, "tasks.task.startwatch", json!({"taskId": id})).await;
    assert_eq!(watch["result"]["task"]["auditors"], json!(["1"]));
    let r = app
        .call_on(&hook, "tasks.task.startwatch", json!({"taskId": 999}))
        .await;
    assert_error(&r, 400, "1048584", "a:0:{}");

    let history = ok_on(
        &app,
        &hook,
        "tasks.task.history.list",
        json!({"taskId": id, "filter": {"FIELD": "STATUS"}, "order": {"createdDate": "ASC"}}),
    )
    .await;
    let steps: Vec<(Value, Value)> = history["result"]["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["value"]["from"].clone(), e["value"]["to"].clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (json!("2"), json!("3")),
            (json!("3"), json!("2")),
            (json!("2"), json!("6")),
            (json!("6"), json!("5")),
            (json!("5"), json!("2"))
        ]
    );
    let all = ok_on(
        &app,
        &hook,
        "tasks.task.history.list",
        json!({"taskId": id}),
    )
    .await;
    assert_eq!(
        all["result"]["list"].as_array().unwrap().last().unwrap()["field"],
        "NEW"
    );
    assert_eq!(all["result"]["list"][0]["user"]["login"], "admin");

    let access = ok_on(
        &app,
        &hook,
        "tasks.task.getaccess",
        json!({"taskId": id, "users": [1, bob, 999]}),
    )
    .await;
    let allowed = &access["result"]["allowedActions"];
    assert_eq!(allowed["1"]["EDIT"], true);
    assert_eq!(allowed[bob.to_string()]["EDIT"], false);
    assert_eq!(allowed[bob.to_string()]["START"], true);
    assert_eq!(allowed["999"]["START"], false);

    assert_eq!(
        ok_on(&app, &hook, "tasks.task.delete", json!({"taskId": id})).await["result"],
        json!({"task": true})
    );
    assert_eq!(
        ok_on(&app, &hook, "tasks.task.get", json!({"taskId": id})).await["result"],
        json!([])
    );
}

#[tokio::test]
async fn only_members_see_and_change_a_task_also_in_batch_and_lists() {
    let (app, hook) = task_app().await;
    let ana = app.add_user("ana", false).await;
    let bob = app.add_user("bob", false).await;
    let ana_hook = app.webhook(ana, &["task"], None).await;
    let bob_hook = app.webhook(bob, &["task"], None).await;
    let private = add_task(
        &app,
        &hook,
        json!({"TITLE": "Admin only", "RESPONSIBLE_ID": 1}),
    )
    .await;
    let watched = add_task(
        &app,
        &hook,
        json!({"TITLE": "Ana watches", "RESPONSIBLE_ID": 1, "AUDITORS": [ana]}),
    )
    .await;
    let anas = add_task(
        &app,
        &ana_hook,
        json!({"TITLE": "Ana's", "RESPONSIBLE_ID": ana, "ACCOMPLICES": [bob]}),
    )
    .await;

    let r = app
        .call_on(
            &ana_hook,
            "tasks.task.add",
            json!({"fields": {"TITLE": "For bob", "RESPONSIBLE_ID": bob, "CREATED_BY": bob}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "ERROR_TASK_CREATE_ACCESS_DENIED",
        "Insufficient permission to create a task.",
    );

    let list = ok_on(
        &app,
        &ana_hook,
        "tasks.task.list",
        json!({"select": ["ID"], "order": {"ID": "asc"}}),
    )
    .await;
    let ids: Vec<&str> = list["result"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![watched.as_str(), anas.as_str()]);
    assert_eq!(list["total"], 2);
    let bobs = ok_on(
        &app,
        &bob_hook,
        "tasks.task.list",
        json!({"select": ["ID"], "filter": {"ID": private}}),
    )
    .await;
    assert_eq!(
        (bobs["result"]["tasks"].clone(), bobs["total"].clone()),
        (json!([]), json!(0))
    );

    assert_eq!(
        ok_on(
            &app,
            &ana_hook,
            "tasks.task.get",
            json!({"taskId": private})
        )
        .await["result"],
        json!([])
    );
    let r = app
        .call_on(
            &ana_hook,
            "tasks.task.update",
            json!({"taskId": private, "fields": {"TITLE": "mine"}}),
        )
        .await;
    assert_error(&r, 400, "1048582", "Action on the task is not allowed");
    let r = app
        .call_on(
            &ana_hook,
            "tasks.task.update",
            json!({"taskId": watched, "fields": {"TITLE": "mine"}}),
        )
        .await;
    assert_error(&r, 400, "1048582", "Action on the task is not allowed");
    let r = app
        .call_on(&ana_hook, "tasks.task.complete", json!({"taskId": watched}))
        .await;
    assert_error(&r, 400, "1048582", "Action on the task is not allowed");
    let r = app
        .call_on(&ana_hook, "tasks.task.delete", json!({"taskId": private}))
        .await;
    assert_error(&r, 400, "1048582", "No access to delete the task");
    let r = app
        .call_on(&bob_hook, "tasks.task.delete", json!({"taskId": anas}))
        .await;
    assert_error(&r, 400, "1048582", "No access to delete the task");
    assert_eq!(
        ok_on(&app, &bob_hook, "tasks.task.start", json!({"taskId": anas})).await["result"]["task"]
            ["status"],
        "3"
    );
    let r = app
        .call_on(
            &bob_hook,
            "task.commentitem.add",
            json!({"TASKID": private, "FIELDS": {"POST_MESSAGE": "hi"}}),
        )
        .await;
    assert_error(
        &r,
        400,
        "ERROR_CORE",
        "TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>",
    );

    let batch = ok_on(
        &app,
        &ana_hook,
        "batch",
        json!({"halt": 0, "cmd": {
            "hidden": format!("tasks.task.update?taskId={private}&fields[TITLE]=x"),
            "seen": format!("tasks.task.get?taskId={watched}"),
        }}),
    )
    .await;
    assert_eq!(
        batch["result"]["result_error"]["hidden"],
        json!({"error": "1048582", "error_description": "Action on the task is not allowed"})
    );
    assert_eq!(
        batch["result"]["result"]["seen"]["task"]["title"],
        "Ana watches"
    );
    assert_eq!(
        batch["result"]["result"]["seen"]["task"]["action"]["edit"],
        false
    );

    let r = app.call("tasks.task.list", json!({})).await;
    assert_eq!(
        r.status, 403,
        "a crm,user webhook lacks the task scope: {}",
        r.text
    );
    assert_eq!(r.json()["error"], "insufficient_scope");
}

#[tokio::test]
async fn comments_are_positional_and_events_are_recorded_with_a_delivery() {
    let (app, hook) = task_app().await;
    let receiver = app
        .store
        .insert_outbound_webhook(NewOutboundWebhook {
            user_id: 1,
            name: "receiver".into(),
            handler_url: "https://receiver.example/hook".into(),
            events: [
                "ONTASKADD",
                "ONTASKUPDATE",
                "ONTASKDELETE",
                "ONTASKCOMMENTADD",
            ]
            .map(str::to_owned)
            .to_vec(),
            application_token_sealed: app.secrets.encrypt("app-token"),
            signing_secret_sealed: app.secrets.encrypt("whsec_c2VjcmV0"),
            single_attempt: false,
            created_at: 1_700_000_000,
        })
        .await
        .expect("outbound webhook");
    let id = add_task(&app, &hook, json!({"TITLE": "Talk", "RESPONSIBLE_ID": 1})).await;
    let first = ok_on(
        &app,
        &hook,
        "task.commentitem.add",
        json!({"a": id, "b": {"POST_MESSAGE": "First"}}),
    )
    .await;
    let second = ok_on(
        &app,
        &hook,
        "task.commentitem.add",
        json!([id, {"POST_MESSAGE": "Second"}]),
    )
    .await;
    let (c1, c2) = (
        first["result"].as_i64().unwrap(),
        second["result"].as_i64().unwrap(),
    );
    let r = app
        .call_on(
            &hook,
            "task.commentitem.add",
            json!({"FIELDS": {"POST_MESSAGE": "x"}, "TASKID": id}),
        )
        .await;
    assert_eq!(
        r.status, 400,
        "swapped parameters break the call: {}",
        r.text
    );
    let list = ok_on(
        &app,
        &hook,
        "task.commentitem.getlist",
        json!({"TASKID": id, "ORDER": {"ID": "asc"}}),
    )
    .await;
    let texts: Vec<&str> = list["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["POST_MESSAGE"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec!["First", "Second"]);
    assert_eq!(list["result"][0]["ID"], c1.to_string());
    assert_eq!(list["result"][0]["AUTHOR_NAME"], "admin name admin last");
    let r = app
        .call_on(
            &hook,
            "task.commentitem.getlist",
            json!({"TASKID": id, "ORDER": {">=POST_DATE": "asc"}}),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "TASKS_ERROR_EXCEPTION_#256; Param #1 (arOrder) for method ctaskcommentitem::getlist() must not contain key \">=POST_DATE\".; 256/TE/WRONG_ARGUMENTS<br>");
    ok_on(
        &app,
        &hook,
        "task.commentitem.update",
        json!({"TASKID": id, "ITEMID": c2, "FIELDS": {"POST_MESSAGE": "Edited"}}),
    )
    .await;
    let got = ok_on(
        &app,
        &hook,
        "task.commentitem.get",
        json!({"TASKID": id, "ITEMID": c2}),
    )
    .await;
    assert_eq!(got["result"]["POST_MESSAGE"], "Edited");
    assert_eq!(
        ok_on(&app, &hook, "tasks.task.get", json!({"taskId": id})).await["result"]["task"]
            ["commentsCount"],
        "2"
    );
    ok_on(
        &app,
        &hook,
        "task.commentitem.delete",
        json!({"TASKID": id, "ITEMID": c2}),
    )
    .await;
    ok_on(
        &app,
        &hook,
        "tasks.task.update",
        json!({"taskId": id, "fields": {"PRIORITY": 2}}),
    )
    .await;
    ok_on(&app, &hook, "tasks.task.delete", json!({"taskId": id})).await;

    let id: i64 = id.parse().unwrap();
    let events = app.store.events_after(0, 100).await.expect("events");
    let rows: Vec<(String, Value)> = events
        .iter()
        .map(|e| (e.code.clone(), e.data.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "ONTASKADD".into(),
                json!({"FIELDS_BEFORE": "undefined", "FIELDS_AFTER": {"ID": id}, "IS_ACCESSIBLE_BEFORE": "N", "IS_ACCESSIBLE_AFTER": "undefined"})
            ),
            (
                "ONTASKCOMMENTADD".into(),
                json!({"FIELDS_BEFORE": "undefined", "FIELDS_AFTER": {"ID": c1, "TASK_ID": id}, "IS_ACCESSIBLE_BEFORE": "undefined", "IS_ACCESSIBLE_AFTER": "undefined"})
            ),
            (
                "ONTASKCOMMENTADD".into(),
                json!({"FIELDS_BEFORE": "undefined", "FIELDS_AFTER": {"ID": c2, "TASK_ID": id}, "IS_ACCESSIBLE_BEFORE": "undefined", "IS_ACCESSIBLE_AFTER": "undefined"})
            ),
            (
                "ONTASKUPDATE".into(),
                json!({"FIELDS_BEFORE": {"ID": id}, "FIELDS_AFTER": {"ID": id}, "IS_ACCESSIBLE_BEFORE": "undefined", "IS_ACCESSIBLE_AFTER": "undefined"})
            ),
            (
                "ONTASKDELETE".into(),
                json!({"FIELDS_BEFORE": {"ID": id}, "FIELDS_AFTER": "undefined", "IS_ACCESSIBLE_BEFORE": "undefined", "IS_ACCESSIBLE_AFTER": "N"})
            ),
        ]
    );
    let deliveries = app
        .store
        .list_deliveries(receiver, portico_store::DeliveryQuery::newest(100))
        .await
        .expect("deliveries");
    assert_eq!(deliveries.len(), 5);
}
