//! The task pages and deal pipelines in the web UI over real HTTP, signed in
//! through the sign-in form: the tasks list (tabs, filters), the task page
//! (CRM links, status buttons, comments), the new-task form opened from a CRM
//! record, CSRF refusals, 404 for a task the user may not see, the "Assign a
//! task" and "Monitor tasks" use cases, and the deal list's pipeline chooser
//! with stage moves read back through `crm.stagehistory.list`.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::ui_client::{input_value, UiClient};

/// Calls a task method on the administrator's `task` webhook; returns `result`.
async fn task_call(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// Adds a task through REST as the administrator; returns its id.
async fn add_task(app: &TestApp, hook: &str, fields: Value) -> i64 {
    let r = task_call(app, hook, "tasks.task.add", json!({ "fields": fields })).await;
    r["task"]["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("task id")
}

/// `data-id="{id}"`, the mark of a row.
fn row(id: i64) -> String {
    format!("data-id=\"{id}\"")
}

/// The id at the end of a `/tasks/{id}` redirect.
fn task_of(location: &str) -> i64 {
    location
        .strip_prefix("/tasks/")
        .and_then(|rest| rest.split('#').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a task page: {location}"))
}

/// Submits the new-task form opened from `form_page`.
async fn create_task(ui: &UiClient, form_page: &str, fields: &[(&str, &str)]) -> i64 {
    let done = ui.submit(form_page, "/tasks", fields).await;
    assert_eq!(done.status, 303, "{}", done.body);
    task_of(done.location())
}

#[tokio::test]
async fn a_task_created_from_a_lead_is_listed_and_linked_both_ways() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let lead = app
        .ok("crm.lead.add", json!({"fields": {"TITLE": "Hot lead"}}))
        .await
        .as_i64()
        .expect("lead id");
    let admin = app.sign_in_as(1).await;

    let menu = admin.get("/crm/leads").await;
    assert!(menu.contains("href=\"/tasks\""), "Tasks in the left menu");
    let record = admin.get(&format!("/crm/leads/{lead}")).await;
    assert_eq!(record.status, 200, "{}", record.body);
    assert!(record.contains("id=\"crm-tasks-empty\""));
    let new_link = format!("/tasks/new?crm=L_{lead}");
    assert!(record.contains(&format!("href=\"{new_link}\"")));
    let form = admin.get(&new_link).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(
        input_value(&form.body, "crm").as_deref(),
        Some(format!("L_{lead}").as_str())
    );

    let crm = format!("L_{lead}");
    let id = create_task(
        &admin,
        &new_link,
        &[
            ("title", "Call <the> client"),
            ("description", "Ask about the budget"),
            ("responsible", "1"),
            ("deadline", "2030-05-01T10:00"),
            ("crm", &crm),
        ],
    )
    .await;
    let stored = task_call(
        &app,
        &hook,
        "tasks.task.get",
        json!({"taskId": id, "select": ["TITLE", "DEADLINE", "UF_CRM_TASK"]}),
    )
    .await;
    assert_eq!(stored["task"]["title"], "Call <the> client");
    assert_eq!(stored["task"]["ufCrmTask"], json!([crm]));
    assert!(stored["task"]["deadline"]
        .as_str()
        .is_some_and(|d| d.starts_with("2030-05-01T10:00")));

    let page = admin.get(&format!("/tasks/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("Call &lt;the&gt; client") && !page.contains("<the>"));
    assert!(page.contains(&format!("href=\"/crm/leads/{lead}\"")));
    assert!(page.contains("Ask about the budget") && page.contains("2030-05-01 10:00"));
    assert!(page.contains("data-action=\"start\"") && page.contains("data-action=\"complete\""));
    assert!(!page.contains("data-action=\"renew\""));

    let list = admin.get("/tasks").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.contains(&row(id)) && list.contains(&format!("href=\"/tasks/{id}\"")));
    let record = admin.get(&format!("/crm/leads/{lead}")).await;
    assert!(
        record.contains(&format!("href=\"/tasks/{id}\"")),
        "{}",
        record.body
    );

    // Refused input shows the form again with the reason.
    let refused = admin
        .submit(
            "/tasks/new",
            "/tasks",
            &[("title", ""), ("responsible", "1")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("id=\"task-form-error\""));
    let refused = admin
        .submit(
            "/tasks/new",
            "/tasks",
            &[("title", "x"), ("responsible", "999")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(refused.contains("Responsible"), "{}", refused.body);
    for missing in ["/tasks/999999", "/tasks/abc", "/tasks/0"] {
        assert_eq!(admin.get(missing).await.status, 404, "{missing}");
    }
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let id = add_task(&app, &hook, json!({"TITLE": "T", "RESPONSIBLE_ID": 1})).await;
    let deal = app
        .ok("crm.deal.add", json!({"fields": {"TITLE": "D"}}))
        .await
        .as_i64()
        .expect("deal id");
    let admin = app.sign_in_as(1).await;
    let stage = format!("/crm/deals/{deal}/stage");
    let comments = format!("/tasks/{id}/comments");
    let status = format!("/tasks/{id}/status");
    let forms: [(&str, Vec<(&str, &str)>); 4] = [
        ("/tasks", vec![("title", "Sneaky"), ("responsible", "1")]),
        (&comments, vec![("message", "sneaky")]),
        (&status, vec![("action", "complete")]),
        (&stage, vec![("stage", "WON")]),
    ];
    for (path, fields) in &forms {
        let none = admin.post_form(path, fields).await;
        assert_eq!(none.status, 403, "{path} without a token");
        let mut wrong = vec![("csrf", "not-the-token")];
        wrong.extend(fields.iter().copied());
        assert_eq!(admin.post_form(path, &wrong).await.status, 403, "{path}");
    }
    let tasks = task_call(&app, &hook, "tasks.task.list", json!({})).await;
    assert_eq!(tasks["tasks"].as_array().map(Vec::len), Some(1));
    let got = task_call(&app, &hook, "tasks.task.get", json!({"taskId": id})).await;
    assert_eq!(got["task"]["status"], "2");
    assert_eq!(got["task"]["commentsCount"], "0");
    let deal = app.ok("crm.deal.get", json!({"id": deal})).await;
    assert_eq!(deal["STAGE_ID"], "NEW");
}

#[tokio::test]
async fn a_user_who_may_not_see_a_task_gets_404() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let hidden = add_task(
        &app,
        &hook,
        json!({"TITLE": "Secret plan", "RESPONSIBLE_ID": 1}),
    )
    .await;
    let watched = add_task(
        &app,
        &hook,
        json!({"TITLE": "Open plan", "RESPONSIBLE_ID": 1, "AUDITORS": [bob_id]}),
    )
    .await;
    let bob = app.sign_in_as(bob_id).await;

    let page = bob.get(&format!("/tasks/{hidden}")).await;
    assert_eq!(page.status, 404, "{}", page.body);
    assert!(!page.contains("Secret plan"));
    let token = bob.get("/tasks").await.csrf();
    for (path, field) in [
        (format!("/tasks/{hidden}/comments"), ("message", "hi")),
        (format!("/tasks/{hidden}/status"), ("action", "complete")),
    ] {
        let answer = bob.post_form(&path, &[("csrf", &token), field]).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
    let all = bob.get("/tasks?tab=all").await;
    assert!(!all.contains(&row(hidden)) && all.contains(&row(watched)));

    // An auditor sees the task and may comment, but has no status buttons.
    let seen = bob.get(&format!("/tasks/{watched}")).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(!seen.contains("data-action=\"complete\""));
    let refused = bob
        .post_form(
            &format!("/tasks/{watched}/status"),
            &[("csrf", &token), ("action", "complete")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let got = task_call(&app, &hook, "tasks.task.get", json!({"taskId": hidden})).await;
    assert_eq!(got["task"]["commentsCount"], "0");
    assert_eq!(got["task"]["status"], "2");
}

#[tokio::test]
async fn the_responsible_person_comments_and_completes_through_the_forms() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let id = add_task(
        &app,
        &hook,
        json!({"TITLE": "Prepare offer", "RESPONSIBLE_ID": bob_id}),
    )
    .await;
    let bob = app.sign_in_as(bob_id).await;
    let path = format!("/tasks/{id}");

    let commented = bob
        .submit(
            &path,
            &format!("{path}/comments"),
            &[("message", "On it <b>now</b>")],
        )
        .await;
    assert_eq!(commented.status, 303, "{}", commented.body);
    assert_eq!(commented.location(), format!("{path}#comments"));
    let empty = bob
        .submit(&path, &format!("{path}/comments"), &[("message", "  ")])
        .await;
    assert_eq!(empty.status, 400);

    for action in ["start", "complete"] {
        let done = bob
            .submit(&path, &format!("{path}/status"), &[("action", action)])
            .await;
        assert_eq!(done.status, 303, "{action}: {}", done.body);
    }
    let odd = bob
        .submit(&path, &format!("{path}/status"), &[("action", "delete")])
        .await;
    assert_eq!(odd.status, 400);

    let got = task_call(&app, &hook, "tasks.task.get", json!({"taskId": id})).await;
    assert_eq!(got["task"]["status"], "5");
    let comments = task_call(&app, &hook, "task.commentitem.getlist", json!([id])).await;
    assert_eq!(comments[0]["POST_MESSAGE"], "On it <b>now</b>");
    assert_eq!(comments[0]["AUTHOR_ID"], bob_id.to_string());

    let page = bob.get(&path).await;
    assert!(page.contains("data-status=\"5\"") && page.contains("Completed"));
    assert!(page.contains("On it &lt;b&gt;now&lt;/b&gt;") && !page.contains("<b>now"));
    assert!(page.contains("data-action=\"renew\"") && !page.contains("data-action=\"complete\""));
}

#[tokio::test]
async fn the_tasks_list_has_tabs_and_filters() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let mine = add_task(
        &app,
        &hook,
        json!({"TITLE": "Mine", "RESPONSIBLE_ID": 1, "DEADLINE": "2030-01-10T12:00:00"}),
    )
    .await;
    let for_bob = add_task(
        &app,
        &hook,
        json!({"TITLE": "For Bob", "RESPONSIBLE_ID": bob_id, "DEADLINE": "2030-03-10T12:00:00"}),
    )
    .await;
    let by_bob = add_task(
        &app,
        &hook,
        json!({"TITLE": "By Bob", "RESPONSIBLE_ID": bob_id, "CREATED_BY": bob_id}),
    )
    .await;
    task_call(&app, &hook, "tasks.task.complete", json!({"taskId": mine})).await;
    let admin = app.sign_in_as(1).await;
    let shows = |page: &crate::ui_client::Page, ids: &[i64]| {
        [mine, for_bob, by_bob]
            .iter()
            .all(|id| page.contains(&row(*id)) == ids.contains(id))
    };

    let tab = admin.get("/tasks").await;
    assert!(shows(&tab, &[mine]), "{}", tab.body);
    let tab = admin.get("/tasks?tab=created").await;
    assert!(shows(&tab, &[mine, for_bob]), "{}", tab.body);
    let tab = admin.get("/tasks?tab=all").await;
    assert!(shows(&tab, &[mine, for_bob, by_bob]), "{}", tab.body);
    let done = admin.get("/tasks?tab=all&status=5").await;
    assert!(shows(&done, &[mine]), "{}", done.body);
    let bobs = admin
        .get(&format!("/tasks?tab=all&responsible={bob_id}"))
        .await;
    assert!(shows(&bobs, &[for_bob, by_bob]), "{}", bobs.body);
    let due = admin.get("/tasks?tab=all&deadline=2030-02-01").await;
    assert!(shows(&due, &[mine]), "{}", due.body);

    // Bob sees only his tasks, whatever the tab.
    let bob = app.sign_in_as(bob_id).await;
    let all = bob.get("/tasks?tab=all").await;
    assert!(shows(&all, &[for_bob, by_bob]), "{}", all.body);
    let created = bob.get("/tasks?tab=created").await;
    assert!(shows(&created, &[by_bob]), "{}", created.body);
}

#[tokio::test]
async fn task_use_cases_preset_the_task_scope() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    let cases = admin.get("/developer").await;
    for (case, method) in [
        ("assign-task", "tasks.task.add"),
        ("monitor-tasks", "tasks.task.list"),
    ] {
        assert!(cases.contains(&format!("href=\"/developer/webhooks/new?case={case}\"")));
        let form = admin
            .get(&format!("/developer/webhooks/new?case={case}"))
            .await;
        assert_eq!(form.status, 200, "{}", form.body);
        assert!(
            form.contains("name=\"scope\" value=\"task\" checked"),
            "{case}"
        );
        assert!(!form.contains("name=\"scope\" value=\"crm\" checked"));
        assert!(
            form.contains(&format!("data-method=\"{method}\"")),
            "{case}"
        );
    }
}

#[tokio::test]
async fn the_pipeline_chooser_filters_deals_and_the_deal_page_moves_stages() {
    let app = TestApp::start().await;
    let pipeline = app
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "Wholesale"}}),
        )
        .await["category"]["id"]
        .as_i64()
        .expect("pipeline id");
    let general = app
        .ok("crm.deal.add", json!({"fields": {"TITLE": "General deal"}}))
        .await
        .as_i64()
        .expect("deal");
    let wholesale = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "Wholesale deal", "CATEGORY_ID": pipeline}}),
        )
        .await
        .as_i64()
        .expect("deal");
    let admin = app.sign_in_as(1).await;

    let all = admin.get("/crm/deals").await;
    assert!(all.contains(&row(general)) && all.contains(&row(wholesale)));
    assert!(all.contains("id=\"deal-category\"") && all.contains("Wholesale</option>"));
    let only = admin.get(&format!("/crm/deals?category={pipeline}")).await;
    assert_eq!(only.status, 200, "{}", only.body);
    assert!(only.contains(&row(wholesale)) && !only.contains(&row(general)));
    let first = admin.get("/crm/deals?category=0").await;
    assert!(first.contains(&row(general)) && !first.contains(&row(wholesale)));

    let path = format!("/crm/deals/{wholesale}");
    let page = admin.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.contains("id=\"deal-pipeline-name\">Wholesale<"),
        "{}",
        page.body
    );
    let prefix = format!("C{pipeline}:");
    assert!(page.contains(&format!("data-stage=\"{prefix}NEW\"")));
    assert!(page.contains(&format!("value=\"{prefix}PREPARATION\"")));
    assert!(
        !page.contains("value=\"PREPARATION\""),
        "only its pipeline's stages"
    );

    let moves = [format!("{prefix}PREPARATION"), format!("{prefix}WON")];
    for stage in &moves {
        let moved = admin
            .submit(&path, &format!("{path}/stage"), &[("stage", stage)])
            .await;
        assert_eq!(moved.status, 303, "{}", moved.body);
        assert_eq!(moved.location(), path);
    }
    let foreign = admin
        .submit(&path, &format!("{path}/stage"), &[("stage", "PREPARATION")])
        .await;
    assert_eq!(foreign.status, 400, "a stage of another pipeline");
    let page = admin.get(&path).await;
    assert!(page.contains(&format!("data-stage=\"{}\"", moves[1])));

    let history = app
        .ok(
            "crm.stagehistory.list",
            json!({"entityTypeId": 2, "filter": {"OWNER_ID": wholesale}, "order": {"ID": "ASC"}}),
        )
        .await;
    let stages: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["STAGE_ID"].as_str())
        .collect();
    assert_eq!(
        stages,
        [format!("{prefix}NEW"), moves[0].clone(), moves[1].clone()]
    );
}
