//! Task editing in the web UI over real HTTP: the edit form (title, people,
//! workgroup, CRM links) for those the task's `action` map allows to edit, the
//! delegate, defer, approve and disapprove buttons shown exactly when allowed,
//! the checklist and time-spent forms, CSRF refusals, 404 for an unseen task
//! and both languages. Every effect is read back over REST.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::ui_client::{input_value, UiClient};

/// Calls a method on webhook `hook`; returns `result`.
async fn rest(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// Adds a task as the administrator; returns its id.
async fn add_task(app: &TestApp, hook: &str, fields: Value) -> i64 {
    let r = rest(app, hook, "tasks.task.add", json!({ "fields": fields })).await;
    r["task"]["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("task id")
}

/// The task as `tasks.task.get` answers it.
async fn task(app: &TestApp, hook: &str, id: i64) -> Value {
    rest(
        app,
        hook,
        "tasks.task.get",
        json!({"taskId": id, "select": ["*", "UF_CRM_TASK"]}),
    )
    .await["task"]
        .clone()
}

/// Posts the form `fields` of the task page to `action`; expects the way back.
async fn act(ui: &UiClient, id: i64, action: &str, fields: &[(&str, &str)]) {
    let page = format!("/tasks/{id}");
    let done = ui.submit(&page, &format!("{page}{action}"), fields).await;
    assert_eq!(done.status, 303, "{action}: {}", done.body);
}

#[tokio::test]
async fn the_creator_edits_people_workgroup_and_links_of_a_task() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task", "sonet_group"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let carol_id = app.add_user("carol", false).await;
    let dave_id = app.add_user("dave", false).await;
    let group = rest(&app, &hook, "sonet_group.create", json!({"NAME": "Launch"}))
        .await
        .as_i64()
        .expect("group");
    let id = add_task(
        &app,
        &hook,
        json!({"TITLE": "Plan", "RESPONSIBLE_ID": bob_id}),
    )
    .await;
    let admin = app.sign_in_as(1).await;
    let edit = format!("/tasks/{id}/edit");

    let page = admin.get(&format!("/tasks/{id}")).await;
    assert!(page.contains(&format!("href=\"{edit}\"")), "{}", page.body);
    let form = admin.get(&edit).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.contains("value=\"Plan\"") && form.contains("Launch</option>"));
    let (bob, carol, dave, group_text) = (
        bob_id.to_string(),
        carol_id.to_string(),
        dave_id.to_string(),
        group.to_string(),
    );
    let saved = admin
        .submit(
            &edit,
            &edit,
            &[
                ("title", "Plan the launch"),
                ("description", "All hands"),
                ("responsible", &carol),
                ("deadline", "2031-02-03T04:05"),
                ("accomplices", &bob),
                ("auditors", &dave),
                ("group", &group_text),
                ("crm", "L_1, D_2"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location(), format!("/tasks/{id}"));
    let got = task(&app, &hook, id).await;
    assert_eq!(got["title"], "Plan the launch");
    assert_eq!(got["responsibleId"], carol);
    assert_eq!(got["accomplices"], json!([bob]));
    assert_eq!(got["auditors"], json!([dave]));
    assert_eq!(got["groupId"], group_text);
    assert_eq!(got["ufCrmTask"], json!(["L_1", "D_2"]));
    assert!(got["deadline"]
        .as_str()
        .is_some_and(|d| d.starts_with("2031-02-03T04:05")));
    let page = admin.get(&format!("/tasks/{id}")).await;
    assert!(
        page.contains(&format!("href=\"/workgroups/{group}\">Launch<")),
        "{}",
        page.body
    );
    assert!(page.contains("id=\"task-auditors\""));

    // Emptying the lists and the group clears them; a bad link is refused.
    let cleared = admin
        .submit(&edit, &edit, &[("title", "Plan"), ("responsible", &carol)])
        .await;
    assert_eq!(cleared.status, 303, "{}", cleared.body);
    let got = task(&app, &hook, id).await;
    assert_eq!(got["accomplices"], json!([]));
    assert_eq!(got["groupId"], "0");
    let form = admin.get(&edit).await;
    assert_eq!(
        input_value(&form.body, "crm").as_deref(),
        Some(""),
        "a task without links"
    );
    let refused = admin
        .submit(
            &edit,
            &edit,
            &[("title", "Plan"), ("responsible", &carol), ("crm", "X_1")],
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("id=\"task-form-error\""));

    // The responsible person sees no edit link and may not edit; others get 404.
    let carol_ui = app.sign_in_as(carol_id).await;
    let page = carol_ui.get(&format!("/tasks/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.contains(&format!("href=\"{edit}\"")));
    assert_eq!(carol_ui.get(&edit).await.status, 403);
    let token = page.csrf();
    let sneaky = carol_ui
        .post_form(
            &edit,
            &[("csrf", &token), ("title", "Mine"), ("responsible", &carol)],
        )
        .await;
    assert_eq!(sneaky.status, 403, "{}", sneaky.body);
    let eve_id = app.add_user("eve", false).await;
    let eve = app.sign_in_as(eve_id).await;
    assert_eq!(eve.get(&edit).await.status, 404);
    let token = eve.get("/tasks").await.csrf();
    for (path, fields) in [
        (edit.clone(), vec![("title", "x"), ("responsible", "1")]),
        (format!("/tasks/{id}/delegate"), vec![("user", "1")]),
        (format!("/tasks/{id}/checklist"), vec![("title", "x")]),
        (format!("/tasks/{id}/time"), vec![("minutes", "5")]),
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields);
        assert_eq!(eve.post_form(&path, &all).await.status, 404, "{path}");
    }
    assert_eq!(task(&app, &hook, id).await["title"], "Plan");
}

#[tokio::test]
async fn action_buttons_follow_the_action_map_and_work() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let carol_id = app.add_user("carol", false).await;
    let id = add_task(
        &app,
        &hook,
        json!({"TITLE": "Report", "RESPONSIBLE_ID": bob_id, "TASK_CONTROL": "Y"}),
    )
    .await;
    let bob = app.sign_in_as(bob_id).await;
    let admin = app.sign_in_as(1).await;
    let path = format!("/tasks/{id}");

    let page = bob.get(&path).await;
    for shown in ["defer", "complete", "delegate"] {
        assert!(
            page.contains(&format!("data-action=\"{shown}\"")),
            "{shown}"
        );
    }
    for hidden in ["approve", "disapprove", "edit", "renew"] {
        assert!(
            !page.contains(&format!("data-action=\"{hidden}\"")),
            "{hidden}"
        );
    }
    act(&bob, id, "/status", &[("action", "complete")]).await;
    assert_eq!(task(&app, &hook, id).await["status"], "4");
    let waiting = admin.get(&path).await;
    assert!(
        waiting.contains("data-action=\"approve\"")
            && waiting.contains("data-action=\"disapprove\"")
    );
    assert!(!bob.get(&path).await.contains("data-action=\"approve\""));
    act(&admin, id, "/status", &[("action", "disapprove")]).await;
    assert_ne!(task(&app, &hook, id).await["status"], "4");
    act(&bob, id, "/status", &[("action", "complete")]).await;
    act(&admin, id, "/status", &[("action", "approve")]).await;
    assert_eq!(task(&app, &hook, id).await["status"], "5");

    let other = add_task(
        &app,
        &hook,
        json!({"TITLE": "Call", "RESPONSIBLE_ID": bob_id}),
    )
    .await;
    act(&bob, other, "/status", &[("action", "defer")]).await;
    assert_eq!(task(&app, &hook, other).await["status"], "6");
    let carol = carol_id.to_string();
    act(&bob, other, "/delegate", &[("user", &carol)]).await;
    let got = task(&app, &hook, other).await;
    assert_eq!(got["responsibleId"], carol);
    // Bob now only watches it: no delegate form, and a delegation is refused.
    let page = bob.get(&format!("/tasks/{other}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.contains("data-action=\"delegate\""));
    let token = page.csrf();
    let refused = bob
        .post_form(
            &format!("/tasks/{other}/delegate"),
            &[("csrf", &token), ("user", "1")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
}

#[tokio::test]
async fn the_checklist_and_time_spent_are_kept_from_the_task_page() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let dave_id = app.add_user("dave", false).await;
    let id = add_task(
        &app,
        &hook,
        json!({"TITLE": "Audit", "RESPONSIBLE_ID": bob_id, "AUDITORS": [dave_id]}),
    )
    .await;
    let bob = app.sign_in_as(bob_id).await;
    let path = format!("/tasks/{id}");

    act(&bob, id, "/checklist", &[("title", "Collect <receipts>")]).await;
    act(&bob, id, "/checklist", &[("title", "Sign off")]).await;
    let items = rest(&app, &hook, "task.checklistitem.getlist", json!([id])).await;
    let first = items[0]["ID"].as_str().expect("item id").to_owned();
    let second = items[1]["ID"].as_str().expect("item id").to_owned();
    act(
        &bob,
        id,
        &format!("/checklist/{first}"),
        &[("action", "complete")],
    )
    .await;
    act(
        &bob,
        id,
        &format!("/checklist/{second}"),
        &[("action", "delete")],
    )
    .await;
    let items = rest(&app, &hook, "task.checklistitem.getlist", json!([id])).await;
    assert_eq!(items.as_array().map(Vec::len), Some(1));
    assert_eq!(items[0]["IS_COMPLETE"], "Y");
    let page = bob.get(&path).await;
    assert!(
        page.contains("Collect &lt;receipts&gt;") && page.contains("data-item-action=\"renew\"")
    );
    act(
        &bob,
        id,
        &format!("/checklist/{first}"),
        &[("action", "renew")],
    )
    .await;
    let items = rest(&app, &hook, "task.checklistitem.getlist", json!([id])).await;
    assert_eq!(items[0]["IS_COMPLETE"], "N");

    act(
        &bob,
        id,
        "/time",
        &[("minutes", "15"), ("comment", "Counting")],
    )
    .await;
    let times = rest(&app, &hook, "task.elapseditem.getlist", json!([id])).await;
    assert_eq!(times[0]["SECONDS"], "900");
    assert_eq!(times[0]["COMMENT_TEXT"], "Counting");
    assert_eq!(times[0]["USER_ID"], bob_id.to_string());
    let page = bob.get(&path).await;
    assert!(page.contains("data-seconds=\"900\"") && page.contains("15 minutes in all"));
    for bad in ["0", "-3", "x", "99999999"] {
        let refused = bob
            .submit(&path, &format!("{path}/time"), &[("minutes", bad)])
            .await;
        assert_eq!(refused.status, 400, "{bad}");
    }

    // An auditor reads the checklist and the time but changes neither.
    let dave = app.sign_in_as(dave_id).await;
    let seen = dave.get(&path).await;
    assert_eq!(seen.status, 200);
    assert!(seen.contains("Collect &lt;receipts&gt;") && seen.contains("data-seconds=\"900\""));
    assert!(
        !seen.contains("id=\"task-checklist-form\"") && !seen.contains("id=\"task-time-form\"")
    );
    assert!(!seen.contains("data-item-action"));
    let token = seen.csrf();
    let refused = dave
        .post_form(
            &format!("{path}/checklist"),
            &[("csrf", &token), ("title", "Mine")],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
}

#[tokio::test]
async fn new_task_forms_refuse_a_missing_token_and_read_in_portuguese() {
    let app = TestApp::start().await;
    let hook = app.webhook(1, &["task"], None).await;
    let id = add_task(&app, &hook, json!({"TITLE": "T", "RESPONSIBLE_ID": 1})).await;
    rest(
        &app,
        &hook,
        "task.checklistitem.add",
        json!([id, {"TITLE": "Step"}]),
    )
    .await;
    let item = rest(&app, &hook, "task.checklistitem.getlist", json!([id])).await[0]["ID"]
        .as_str()
        .expect("item id")
        .to_owned();
    let admin = app.sign_in_as(1).await;
    let paths = [
        (
            format!("/tasks/{id}/edit"),
            vec![("title", "Sneaky"), ("responsible", "1")],
        ),
        (format!("/tasks/{id}/delegate"), vec![("user", "1")]),
        (format!("/tasks/{id}/checklist"), vec![("title", "Sneaky")]),
        (
            format!("/tasks/{id}/checklist/{item}"),
            vec![("action", "delete")],
        ),
        (format!("/tasks/{id}/time"), vec![("minutes", "5")]),
    ];
    for (path, fields) in &paths {
        assert_eq!(admin.post_form(path, fields).await.status, 403, "{path}");
        let mut wrong = vec![("csrf", "not-the-token")];
        wrong.extend(fields.iter().copied());
        assert_eq!(admin.post_form(path, &wrong).await.status, 403, "{path}");
    }
    let got = task(&app, &hook, id).await;
    assert_eq!(got["title"], "T");
    let items = rest(&app, &hook, "task.checklistitem.getlist", json!([id])).await;
    assert_eq!(items.as_array().map(Vec::len), Some(1));
    let times = rest(&app, &hook, "task.elapseditem.getlist", json!([id])).await;
    assert_eq!(times.as_array().map(Vec::len), Some(0));

    let en = admin.get(&format!("/tasks/{id}")).await;
    assert!(en.contains("Checklist") && en.contains("Time spent") && en.contains(">Edit<"));
    let switched = admin
        .submit("/tasks", "/settings/language", &[("lang", "pt-BR")])
        .await;
    assert_eq!(switched.status, 303);
    let pt = admin.get(&format!("/tasks/{id}")).await;
    assert!(pt.contains("lang=\"pt-BR\"") && pt.contains("Tempo gasto") && pt.contains(">Editar<"));
    let form = admin.get(&format!("/tasks/{id}/edit")).await;
    assert!(
        form.contains("Observadores") && form.contains("Salvar tarefa"),
        "{}",
        form.body
    );
}
