//! Workgroups in the browser: a workgroup created from the Workgroups page,
//! a member added on its page, a task created from its "new task" link, then
//! edited to add an auditor and delegated to the new member (shown in
//! English, then in Portuguese); the results are read back over REST.

use serde_json::json;

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

#[tokio::test]
async fn a_workgroup_gets_a_member_and_a_task_that_is_edited_and_delegated() {
    let app = start_app().await;
    let bob = app.add_user("bob", false).await;
    let carol = app.add_user("carol", false).await;
    let b = Browser::start(&app.base, "workgroups").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // Create the workgroup from the menu.
    b.goto("/tasks").await;
    b.click_and_load("#nav-workgroups").await;
    assert_eq!(b.path().await, "/workgroups");
    b.click_and_load("#workgroup-new").await;
    b.fill("#workgroup-name-input", "Website relaunch").await;
    b.fill("#workgroup-description-input", "New site by Q3")
        .await;
    b.click("#workgroup-project-input").await;
    b.shot().await;
    b.click_and_load("#workgroup-create").await;
    let group_path = b.path().await;
    assert!(group_path.starts_with("/workgroups/"), "{group_path}");
    assert_eq!(b.text("#workgroup-title").await, "Website relaunch");

    // Add Bob as a member.
    b.select("#workgroup-member-input", &bob.to_string()).await;
    b.click_and_load("#workgroup-member-add").await;
    assert!(
        b.exists(&format!("#workgroup-members li[data-user='{bob}']"))
            .await
    );
    b.shot().await;

    // A task from the group's page, with the group chosen.
    b.click_and_load("#workgroup-task-new").await;
    assert_eq!(b.path().await, "/tasks/new");
    let group_id = group_path.trim_start_matches("/workgroups/").to_owned();
    let chosen = b
        .execute(
            "return document.querySelector('#task-group-input').value",
            vec![],
        )
        .await;
    assert_eq!(chosen, json!(group_id));
    b.fill("#task-title-input", "Draft the sitemap").await;
    b.select("#task-responsible-input", &bob.to_string()).await;
    b.click_and_load("#task-create").await;
    let task_path = b.path().await;
    assert!(task_path.starts_with("/tasks/"), "{task_path}");
    assert!(b.text("#task-group").await.contains("Website relaunch"));

    // Edit it: Carol audits it.
    b.click_and_load("#task-edit").await;
    b.execute(
        "document.querySelector(`#task-auditors-input option[value='${arguments[0]}']`).selected = true",
        vec![json!(carol.to_string())],
    )
    .await;
    b.shot().await;
    b.click_and_load("#task-save").await;
    assert_eq!(b.path().await, task_path);

    let hook = app.webhook(1, &["task"], None).await;
    let id = task_path.trim_start_matches("/tasks/").to_owned();
    let read = || async {
        app.call_on(&hook, "tasks.task.get", json!({"taskId": id}))
            .await
            .json()["result"]["task"]
            .clone()
    };
    assert_eq!(read().await["auditors"], json!([carol.to_string()]));

    // Delegate it to Carol.
    b.select("#task-delegate-input", &carol.to_string()).await;
    b.click_and_load("#task-delegate-form button[data-action='delegate']")
        .await;
    assert_eq!(b.path().await, task_path);
    b.shot().await;

    let got = read().await;
    assert_eq!(got["groupId"], group_id);
    assert_eq!(got["responsibleId"], carol.to_string());

    // The group's page in Portuguese lists the task.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto(&group_path).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert!(b
        .text("#workgroup-tasks")
        .await
        .contains("Draft the sitemap"));
    assert_eq!(
        b.text("#workgroup-task-new").await,
        "Nova tarefa neste grupo"
    );
    b.shot().await;
}
