//! The workgroup pages over real HTTP, signed in through the sign-in form:
//! the list and the new-workgroup form, a group's page with its members, the
//! add-member form and its tasks, the "new task in this group" link, 404 for a
//! hidden group to outsiders, CSRF refusals and both languages. Every effect is
//! read back over REST (`sonet_group.get`, `sonet_group.user.get`,
//! `tasks.task.get`).

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::ui_client::UiClient;

/// Calls a method on webhook `hook`; returns `result`.
async fn rest(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// The id at the end of a `/{prefix}/{id}` redirect.
fn id_in(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('#').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not under {prefix}: {location}"))
}

/// Switches `ui` to Brazilian Portuguese.
async fn to_portuguese(ui: &UiClient) {
    let done = ui
        .submit("/workgroups", "/settings/language", &[("lang", "pt-BR")])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
}

#[tokio::test]
async fn a_workgroup_is_created_joined_and_given_a_task_through_the_pages() {
    let app = TestApp::start().await;
    let groups = app.webhook(1, &["sonet_group"], None).await;
    let tasks = app.webhook(1, &["task"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let admin = app.sign_in_as(1).await;

    let list = admin.get("/workgroups").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.contains("href=\"/workgroups\"") && list.contains(">Workgroups<"));
    assert!(list.contains("id=\"workgroup-empty\""));
    let created = admin
        .submit(
            "/workgroups/new",
            "/workgroups",
            &[
                ("name", "Site <relaunch>"),
                ("description", "Q3 goals"),
                ("visible", "Y"),
                ("project", "Y"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = id_in(created.location(), "/workgroups/");
    let stored = rest(&app, &groups, "sonet_group.get", json!({"GROUP_ID": id})).await;
    let g = &stored[0];
    assert_eq!(g["NAME"], "Site <relaunch>");
    assert_eq!(g["DESCRIPTION"], "Q3 goals");
    assert_eq!(
        (&g["VISIBLE"], &g["OPENED"], &g["PROJECT"]),
        (&json!("Y"), &json!("N"), &json!("Y"))
    );
    let refused = admin
        .submit("/workgroups/new", "/workgroups", &[("name", " ")])
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.contains("id=\"workgroup-form-error\""));

    let path = format!("/workgroups/{id}");
    let page = admin.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains("Site &lt;relaunch&gt;") && !page.contains("<relaunch>"));
    assert!(page.contains("data-user=\"1\" data-role=\"A\""));
    assert!(page.contains("id=\"workgroup-member-form\""));
    let bob = bob_id.to_string();
    let added = admin
        .submit(&path, &format!("{path}/members"), &[("user", &bob)])
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    assert_eq!(added.location(), format!("{path}#members"));
    let members = rest(&app, &groups, "sonet_group.user.get", json!({"ID": id})).await;
    assert!(members
        .as_array()
        .expect("members")
        .iter()
        .any(|m| m["USER_ID"] == bob && m["ROLE"] == "K"));

    // The group's "new task" link pre-fills the group on the form.
    let new_task = format!("/tasks/new?group={id}");
    assert!(page.contains(&format!("href=\"{new_task}\"")));
    let form = admin.get(&new_task).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.contains(&format!("<option value=\"{id}\" selected>")),
        "{}",
        form.body
    );
    let group = id.to_string();
    let done = admin
        .submit(
            &new_task,
            "/tasks",
            &[
                ("title", "Draft the sitemap"),
                ("responsible", &bob),
                ("group", &group),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let task = id_in(done.location(), "/tasks/");
    let got = rest(&app, &tasks, "tasks.task.get", json!({"taskId": task})).await;
    assert_eq!(got["task"]["groupId"], group);
    let page = admin.get(&path).await;
    assert!(
        page.contains(&format!("href=\"/tasks/{task}\"")),
        "{}",
        page.body
    );
    let listed = admin.get("/workgroups").await;
    assert!(listed.contains(&format!("href=\"{path}\"")));

    // A plain member sees the group and its task, but no add-member form.
    let bob_ui = app.sign_in_as(bob_id).await;
    let seen = bob_ui.get(&path).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(seen.contains(&format!("href=\"/tasks/{task}\"")));
    assert!(!seen.contains("id=\"workgroup-member-form\""));
    // Nor does the owner of a group who is not an administrator:
    // sonet_group.user.add adds members for administrators only.
    let own = bob_ui
        .submit("/workgroups/new", "/workgroups", &[("name", "Bob's")])
        .await;
    assert_eq!(own.status, 303, "{}", own.body);
    let own_page = bob_ui.get(own.location()).await;
    assert_eq!(own_page.status, 200, "{}", own_page.body);
    assert!(own_page.contains("Bob&#39;s") || own_page.contains("Bob's"));
    assert!(!own_page.contains("id=\"workgroup-member-form\""));

    to_portuguese(&admin).await;
    for (page, text) in [
        ("/workgroups", "Grupos de trabalho"),
        ("/workgroups/new", "Criar grupo de trabalho"),
        (path.as_str(), "Nova tarefa neste grupo"),
    ] {
        let pt = admin.get(page).await;
        assert_eq!(pt.status, 200, "{page}");
        assert!(
            pt.contains("lang=\"pt-BR\"") && pt.contains(text),
            "{page}: {}",
            pt.body
        );
    }
}

#[tokio::test]
async fn a_hidden_group_is_404_to_those_outside_it() {
    let app = TestApp::start().await;
    let groups = app.webhook(1, &["sonet_group"], None).await;
    let tasks = app.webhook(1, &["task"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let carol_id = app.add_user("carol", false).await;
    let hidden = rest(
        &app,
        &groups,
        "sonet_group.create",
        json!({"NAME": "Board secrets", "VISIBLE": "N"}),
    )
    .await
    .as_i64()
    .expect("group id");
    rest(
        &app,
        &groups,
        "sonet_group.user.add",
        json!({"GROUP_ID": hidden, "USER_ID": [bob_id]}),
    )
    .await;
    rest(
        &app,
        &tasks,
        "tasks.task.add",
        json!({"fields": {"TITLE": "Secret agenda", "RESPONSIBLE_ID": 1, "GROUP_ID": hidden}}),
    )
    .await;
    let path = format!("/workgroups/{hidden}");

    let carol = app.sign_in_as(carol_id).await;
    let page = carol.get(&path).await;
    assert_eq!(page.status, 404, "{}", page.body);
    assert!(!page.contains("Board secrets"));
    let list = carol.get("/workgroups").await;
    assert_eq!(list.status, 200);
    assert!(!list.contains("Board secrets") && list.contains("id=\"workgroup-empty\""));
    let token = list.csrf();
    let carol_id_text = carol_id.to_string();
    let sneaky = carol
        .post_form(
            &format!("{path}/members"),
            &[("csrf", &token), ("user", &carol_id_text)],
        )
        .await;
    assert_eq!(sneaky.status, 404, "{}", sneaky.body);
    for missing in ["/workgroups/999999", "/workgroups/abc", "/workgroups/0"] {
        assert_eq!(carol.get(missing).await.status, 404, "{missing}");
    }

    let bob = app.sign_in_as(bob_id).await;
    let seen = bob.get(&path).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(seen.contains("Board secrets") && seen.contains("Secret agenda"));
    assert!(bob.get("/workgroups").await.contains("Board secrets"));
    let admin = app.sign_in_as(1).await;
    assert_eq!(admin.get(&path).await.status, 200);

    let members = rest(&app, &groups, "sonet_group.user.get", json!({"ID": hidden})).await;
    assert!(!members.to_string().contains(&format!("\"{carol_id}\"")));
}

#[tokio::test]
async fn workgroup_forms_without_the_csrf_token_are_refused() {
    let app = TestApp::start().await;
    let groups = app.webhook(1, &["sonet_group"], None).await;
    let bob_id = app.add_user("bob", false).await;
    let id = rest(&app, &groups, "sonet_group.create", json!({"NAME": "Ops"}))
        .await
        .as_i64()
        .expect("group id");
    let admin = app.sign_in_as(1).await;
    let members = format!("/workgroups/{id}/members");
    let bob = bob_id.to_string();
    let forms: [(&str, Vec<(&str, &str)>); 2] = [
        ("/workgroups", vec![("name", "Sneaky")]),
        (&members, vec![("user", &bob)]),
    ];
    for (path, fields) in &forms {
        assert_eq!(admin.post_form(path, fields).await.status, 403, "{path}");
        let mut wrong = vec![("csrf", "not-the-token")];
        wrong.extend(fields.iter().copied());
        assert_eq!(admin.post_form(path, &wrong).await.status, 403, "{path}");
    }
    let all = rest(&app, &groups, "sonet_group.get", json!({"IS_ADMIN": "Y"})).await;
    assert_eq!(all.as_array().map(Vec::len), Some(1));
    let members = rest(&app, &groups, "sonet_group.user.get", json!({"ID": id})).await;
    assert_eq!(members.as_array().map(Vec::len), Some(1), "{members}");
}
