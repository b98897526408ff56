//! `tasks.api.scrum.*`: a scrum group (`SCRUM_MASTER_ID`), its backlog,
//! epics and sprints round trip; a task moved backlog → sprint → (sprint
//! completed) → backlog, seen as `sprintId` / `backlogId` on `tasks.task.get`
//! and filtered on in `tasks.task.list`; the listed errors; and a non-member
//! refused, also inside `batch`.

use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};

async fn ok_on(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

async fn fails(app: &TestApp, hook: &str, method: &str, body: Value, text: &str) {
    let r = app.call_on(hook, method, body).await;
    assert_error(&r, 400, "0", text);
}

/// A scrum group owned by a new member `ana` (with a non-member `bob`):
/// (app, admin hook, ana's hook, bob's hook, group id, ana's id).
async fn scrum_group() -> (TestApp, String, String, String, i64, i64) {
    let app = TestApp::start().await;
    let ana = app.add_user("ana", false).await;
    let bob = app.add_user("bob", false).await;
    let admin = app.webhook(1, &["sonet_group", "task"], None).await;
    let ana_hook = app.webhook(ana, &["sonet_group", "task"], None).await;
    let bob_hook = app.webhook(bob, &["sonet_group", "task"], None).await;
    let group = ok_on(
        &app,
        &ana_hook,
        "sonet_group.create",
        json!({"NAME": "Shop", "VISIBLE": "N", "SCRUM_MASTER_ID": ana}),
    )
    .await
    .as_i64()
    .expect("group id");
    (app, admin, ana_hook, bob_hook, group, ana)
}

#[tokio::test]
async fn scrum_master_makes_a_scrum_and_must_exist() {
    let (app, admin, ana_hook, _, group, ana) = scrum_group().await;
    let got = ok_on(
        &app,
        &admin,
        "sonet_group.get",
        json!({"GROUP_ID": group, "IS_ADMIN": "Y"}),
    )
    .await;
    assert_eq!(got[0]["SCRUM_MASTER_ID"], ana.to_string());
    let r = app
        .call_on(
            &ana_hook,
            "sonet_group.update",
            json!({"GROUP_ID": group, "SCRUM_MASTER_ID": 999_999}),
        )
        .await;
    assert_error(&r, 400, "ERROR_CORE", "Incorrect input data");
    ok_on(
        &app,
        &ana_hook,
        "sonet_group.update",
        json!({"GROUP_ID": group, "SCRUM_MASTER_ID": 0}),
    )
    .await;
    let got = ok_on(
        &app,
        &admin,
        "sonet_group.get",
        json!({"GROUP_ID": group, "IS_ADMIN": "Y"}),
    )
    .await;
    assert_eq!(got[0]["SCRUM_MASTER_ID"], Value::Null);
}

#[tokio::test]
async fn epics_round_trip_with_their_errors() {
    let (app, _, ana, bob, group, ana_id) = scrum_group().await;
    let epic = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"groupId": group, "name": "Checkout", "description": "Pay", "color": "#69dafc"}}),
    )
    .await;
    let id = epic["id"].as_i64().expect("id");
    assert_eq!(
        epic,
        json!({"id": id, "groupId": group, "name": "Checkout", "description": "Pay",
               "createdBy": ana_id, "modifiedBy": ana_id, "color": "#69dafc"})
    );
    let got = ok_on(&app, &ana, "tasks.api.scrum.epic.get", json!({"id": id})).await;
    assert_eq!(got["name"], "Checkout");
    assert_eq!(got["files"]["FIELD_NAME"], "UF_SCRUM_EPIC_FILES");
    let changed = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.epic.update",
        json!({"id": id, "fields": {"name": "Payments"}}),
    )
    .await;
    assert_eq!(
        (changed["name"].clone(), changed["color"].clone()),
        (json!("Payments"), json!("#69dafc"))
    );
    ok_on(
        &app,
        &ana,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"groupId": group, "name": "Search"}}),
    )
    .await;
    let listed = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.epic.list",
        json!({"filter": {"GROUP_ID": group}, "order": {"ID": "desc"}, "select": ["NAME"]}),
    )
    .await;
    assert_eq!(
        listed,
        json!([{"id": id + 1, "name": "Search"}, {"id": id, "name": "Payments"}])
    );
    assert_eq!(
        ok_on(&app, &bob, "tasks.api.scrum.epic.list", json!({})).await,
        json!([])
    );
    let fields = ok_on(&app, &ana, "tasks.api.scrum.epic.getFields", json!({})).await;
    assert_eq!(fields["fields"]["groupId"], json!({"type": "integer"}));

    fails(
        &app,
        &ana,
        "tasks.api.scrum.epic.list",
        json!({"filter": {"NOPE": 1}}),
        "Could not load list",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"name": "x"}}),
        "Group id not found",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"groupId": group}}),
        "Name not found",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"groupId": group, "name": "x", "createdBy": 999_999}}),
        "createdBy user not found",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.epic.update",
        json!({"id": id, "fields": {"modifiedBy": 999_999}}),
        "modifiedBy user not found",
    )
    .await;
    fails(
        &app,
        &bob,
        "tasks.api.scrum.epic.get",
        json!({"id": id}),
        "Access denied",
    )
    .await;
    fails(
        &app,
        &bob,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"groupId": group, "name": "x"}}),
        "Access denied",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"groupId": 999_999, "name": "x"}}),
        "Access denied",
    )
    .await;
    assert_eq!(
        ok_on(&app, &ana, "tasks.api.scrum.epic.delete", json!({"id": id})).await,
        json!([])
    );
    fails(
        &app,
        &ana,
        "tasks.api.scrum.epic.get",
        json!({"id": id}),
        "Epic not found",
    )
    .await;
    let r = app
        .call_on(&ana, "tasks.api.scrum.epic.get", json!({}))
        .await;
    assert_error(&r, 400, "100", "Could not find value for parameter {id}");
}

#[tokio::test]
async fn backlog_is_one_per_group_and_kept_while_it_has_items() {
    let (app, _, ana, bob, group, ana_id) = scrum_group().await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.backlog.get",
        json!({"id": group}),
        "Backlog not found",
    )
    .await;
    let backlog = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.backlog.add",
        json!({"fields": {"groupId": group}}),
    )
    .await;
    let id = backlog["id"].as_i64().expect("id");
    assert_eq!(
        backlog,
        json!({"id": id, "groupId": group, "createdBy": ana_id, "modifiedBy": ana_id})
    );
    assert_eq!(
        ok_on(
            &app,
            &ana,
            "tasks.api.scrum.backlog.get",
            json!({"id": group})
        )
        .await,
        backlog
    );
    fails(
        &app,
        &ana,
        "tasks.api.scrum.backlog.add",
        json!({"fields": {"groupId": group}}),
        "Backlog already added",
    )
    .await;
    fails(
        &app,
        &bob,
        "tasks.api.scrum.backlog.get",
        json!({"id": group}),
        "Access denied",
    )
    .await;
    let updated = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.backlog.update",
        json!({"id": id, "fields": {"createdBy": 1}}),
    )
    .await;
    assert_eq!(updated["createdBy"], 1);

    let task = ok_on(
        &app,
        &ana,
        "tasks.task.add",
        json!({"fields": {"TITLE": "Cart", "RESPONSIBLE_ID": ana_id, "GROUP_ID": group}}),
    )
    .await["task"]["id"]
        .as_str()
        .expect("task id")
        .to_owned();
    assert_eq!(
        ok_on(
            &app,
            &ana,
            "tasks.api.scrum.task.update",
            json!({"id": task, "fields": {"entityId": id}})
        )
        .await,
        json!(true)
    );
    fails(
        &app,
        &ana,
        "tasks.api.scrum.backlog.delete",
        json!({"id": id}),
        "It is forbidden remove a backlog with items",
    )
    .await;
    ok_on(&app, &ana, "tasks.task.delete", json!({"taskId": task})).await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.task.get",
        json!({"id": task}),
        "Task not found",
    )
    .await;
    assert_eq!(
        ok_on(
            &app,
            &ana,
            "tasks.api.scrum.backlog.delete",
            json!({"id": id})
        )
        .await,
        json!([])
    );
    fails(
        &app,
        &ana,
        "tasks.api.scrum.backlog.delete",
        json!({"id": id}),
        "Backlog not found",
    )
    .await;
}

#[tokio::test]
async fn a_task_goes_backlog_sprint_and_back_when_the_sprint_completes() {
    let (app, _, ana, bob, group, ana_id) = scrum_group().await;
    let backlog = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.backlog.add",
        json!({"fields": {"groupId": group}}),
    )
    .await["id"]
        .as_i64()
        .expect("backlog");
    let sprint = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.sprint.add",
        json!({"fields": {"groupId": group, "name": "Sprint 1", "sort": 1,
               "dateStart": "2026-03-02T00:00:00+00:00", "dateEnd": 1_773_619_200, "status": "planned"}}),
    )
    .await;
    let sprint_id = sprint["id"].as_i64().expect("sprint");
    assert_eq!(
        sprint,
        json!({"id": sprint_id, "groupId": group, "entityType": "sprint", "name": "Sprint 1", "goal": "",
               "sort": 1, "createdBy": ana_id, "modifiedBy": ana_id,
               "dateStart": "2026-03-02T00:00:00+00:00", "dateEnd": "2026-03-16T00:00:00+00:00",
               "status": "planned"})
    );
    let epic = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.epic.add",
        json!({"fields": {"groupId": group, "name": "Cart"}}),
    )
    .await["id"]
        .clone();
    let add_task = |title: &'static str| {
        let (app, ana) = (&app, &ana);
        async move {
            ok_on(
                app,
                ana,
                "tasks.task.add",
                json!({"fields": {"TITLE": title, "RESPONSIBLE_ID": ana_id, "GROUP_ID": group}}),
            )
            .await["task"]["id"]
                .as_str()
                .expect("task id")
                .to_owned()
        }
    };
    let open = add_task("Open").await;
    let done = add_task("Done").await;
    let elsewhere = ok_on(
        &app,
        &ana,
        "tasks.task.add",
        json!({"fields": {"TITLE": "No group", "RESPONSIBLE_ID": ana_id}}),
    )
    .await["task"]["id"]
        .as_str()
        .expect("task id")
        .to_owned();

    let placed = ok_on(&app, &ana, "tasks.task.get", json!({"taskId": open})).await;
    assert_eq!(
        (
            placed["task"]["sprintId"].clone(),
            placed["task"]["backlogId"].clone()
        ),
        (Value::Null, Value::Null)
    );
    ok_on(
        &app,
        &ana,
        "tasks.api.scrum.task.update",
        json!({"id": open, "fields": {"entityId": backlog, "storyPoints": "3", "epicId": epic}}),
    )
    .await;
    let item = ok_on(&app, &ana, "tasks.api.scrum.task.get", json!({"id": open})).await;
    assert_eq!(
        item,
        json!({"entityId": backlog, "storyPoints": "3", "epicId": epic, "sort": 1, "createdBy": ana_id, "modifiedBy": ana_id})
    );
    let got = ok_on(&app, &ana, "tasks.task.get", json!({"taskId": open})).await;
    assert_eq!(
        (
            got["task"]["sprintId"].clone(),
            got["task"]["backlogId"].clone()
        ),
        (Value::Null, json!(backlog.to_string()))
    );

    for task in [&open, &done] {
        ok_on(
            &app,
            &ana,
            "tasks.api.scrum.task.update",
            json!({"id": task, "fields": {"entityId": sprint_id}}),
        )
        .await;
    }
    let got = ok_on(
        &app,
        &ana,
        "tasks.task.get",
        json!({"taskId": open, "select": ["ID", "SPRINT_ID"]}),
    )
    .await;
    assert_eq!(got["task"]["sprintId"], sprint_id.to_string());
    let in_sprint = ok_on(
        &app,
        &ana,
        "tasks.task.list",
        json!({"filter": {"SPRINT_ID": sprint_id}, "select": ["ID", "SPRINT_ID"], "order": {"ID": "asc"}}),
    )
    .await;
    let ids = |v: &Value| {
        v["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .map(|t| t["id"].as_str().expect("id").to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&in_sprint), [open.clone(), done.clone()]);
    assert_eq!(in_sprint["tasks"][0]["sprintId"], sprint_id.to_string());
    let not_in = ok_on(
        &app,
        &ana,
        "tasks.task.list",
        json!({"filter": {"!SPRINT_ID": sprint_id}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(ids(&not_in), std::slice::from_ref(&elsewhere));
    let none = ok_on(
        &app,
        &ana,
        "tasks.task.list",
        json!({"filter": {"BACKLOG_ID": backlog}}),
    )
    .await;
    assert_eq!(ids(&none), Vec::<String>::new());
    fails(
        &app,
        &ana,
        "tasks.api.scrum.task.update",
        json!({"id": elsewhere, "fields": {"entityId": backlog}}),
        "Access denied",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.task.update",
        json!({"id": elsewhere, "fields": {"storyPoints": "1"}}),
        "Entity id not found",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.task.update",
        json!({"id": open, "fields": {"epicId": 999_999}}),
        "Epic not found",
    )
    .await;
    fails(
        &app,
        &bob,
        "tasks.api.scrum.task.get",
        json!({"id": open}),
        "Access denied",
    )
    .await;

    let started = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.sprint.start",
        json!({"id": sprint_id}),
    )
    .await;
    assert_eq!(started["status"], "active");
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.start",
        json!({"id": sprint_id}),
        "Sprint must be planned",
    )
    .await;
    let second = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.sprint.add",
        json!({"fields": {"groupId": group, "name": "Sprint 2",
        "dateStart": "2026-03-16", "dateEnd": "2026-03-30", "status": "planned"}}),
    )
    .await["id"]
        .clone();
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.start",
        json!({"id": second}),
        "Unable to start sprint",
    )
    .await;
    ok_on(&app, &ana, "tasks.task.complete", json!({"taskId": done})).await;
    let completed = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.sprint.complete",
        json!({"id": group}),
    )
    .await;
    assert_eq!(
        (completed["id"].clone(), completed["status"].clone()),
        (json!(sprint_id), json!("completed"))
    );
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.complete",
        json!({"id": group}),
        "Sprint not found",
    )
    .await;
    let back = ok_on(&app, &ana, "tasks.task.get", json!({"taskId": open})).await;
    assert_eq!(
        (
            back["task"]["sprintId"].clone(),
            back["task"]["backlogId"].clone()
        ),
        (Value::Null, json!(backlog.to_string()))
    );
    let kept = ok_on(
        &app,
        &ana,
        "tasks.task.list",
        json!({"filter": {"SPRINT_ID": sprint_id}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(ids(&kept), [done]);

    let listed = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.sprint.list",
        json!({"filter": {"GROUP_ID": group, "STATUS": "planned"}, "select": ["NAME", "STATUS"]}),
    )
    .await;
    assert_eq!(
        listed,
        json!([{"id": second, "name": "Sprint 2", "status": "planned"}])
    );
    assert_eq!(
        ok_on(&app, &bob, "tasks.api.scrum.sprint.list", json!({})).await,
        json!([])
    );
    let renamed = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.sprint.update",
        json!({"id": second, "fields": {"name": "Sprint 2b"}}),
    )
    .await;
    assert_eq!(renamed["name"], "Sprint 2b");
    ok_on(
        &app,
        &ana,
        "tasks.api.scrum.task.update",
        json!({"id": open, "fields": {"entityId": second}}),
    )
    .await;
    assert_eq!(
        ok_on(
            &app,
            &ana,
            "tasks.api.scrum.sprint.delete",
            json!({"id": second})
        )
        .await,
        json!([])
    );
    let moved = ok_on(&app, &ana, "tasks.api.scrum.task.get", json!({"id": open})).await;
    assert_eq!(moved["entityId"], backlog);
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.get",
        json!({"id": second}),
        "Sprint not found",
    )
    .await;
    let fields = ok_on(&app, &ana, "tasks.api.scrum.sprint.getFields", json!({})).await;
    assert_eq!(fields["fields"]["status"], json!({"type": "string"}));
    let fields = ok_on(&app, &ana, "tasks.api.scrum.task.getFields", json!({})).await;
    assert_eq!(fields["fields"]["storyPoints"], json!({"type": "string"}));
}

#[tokio::test]
async fn sprint_input_errors_and_access() {
    let (app, _, ana, bob, group, _) = scrum_group().await;
    let base = json!({"groupId": group, "name": "S", "dateStart": "2026-03-02", "dateEnd": "2026-03-16", "status": "planned"});
    let with = |key: &str, value: Value| {
        let mut f = base.clone();
        f[key] = value;
        json!({"fields": f})
    };
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.add",
        with("dateStart", json!("not a date")),
        "Incorrect dateStart format",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.add",
        with("groupId", json!(0)),
        "Group id not found",
    )
    .await;
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.add",
        with("status", json!("late")),
        "Incorrect sprint status",
    )
    .await;
    fails(
        &app,
        &bob,
        "tasks.api.scrum.sprint.add",
        with("name", json!("S")),
        "Access denied",
    )
    .await;
    let sprint = ok_on(
        &app,
        &ana,
        "tasks.api.scrum.sprint.add",
        with("status", json!("active")),
    )
    .await["id"]
        .clone();
    fails(
        &app,
        &ana,
        "tasks.api.scrum.sprint.add",
        with("status", json!("active")),
        "Unable to add two active sprint",
    )
    .await;
    fails(
        &app,
        &bob,
        "tasks.api.scrum.sprint.get",
        json!({"id": sprint}),
        "Access denied",
    )
    .await;
    let r = app
        .call_on(&ana, "tasks.api.scrum.sprint.add", json!({"fields": "x"}))
        .await;
    assert_error(
        &r,
        400,
        "100",
        "Invalid value \"x\" to match with parameter {fields}. Should be value of type array.",
    );

    let out = ok_on(
        &app,
        &bob,
        "batch",
        json!({"cmd": {"s": format!("tasks.api.scrum.sprint.get?id={sprint}"), "b": format!("tasks.api.scrum.backlog.get?id={group}")}}),
    )
    .await;
    assert_eq!(
        out["result_error"],
        json!({"s": {"error": "0", "error_description": "Access denied"},
               "b": {"error": "0", "error_description": "Backlog not found"}})
    );
}
