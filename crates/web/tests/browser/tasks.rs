//! Tasks and deal pipelines in the browser: a task created from a lead's page
//! is found on the Tasks page, commented on and completed (shown in English,
//! then in Portuguese); a deal chosen through the pipeline chooser is moved
//! through its pipeline's stages on its page, and the moves are read back
//! with `crm.stagehistory.list` over REST.

use serde_json::json;

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

#[tokio::test]
async fn a_task_from_a_lead_is_found_commented_and_completed() {
    let app = start_app().await;
    let lead = app
        .ok("crm.lead.add", json!({"fields": {"TITLE": "Browser lead"}}))
        .await
        .as_i64()
        .expect("lead id");
    let b = Browser::start(&app.base, "tasks_from_lead").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // From the lead's page, "New task" opens the form with the lead linked.
    b.goto(&format!("/crm/leads/{lead}")).await;
    assert!(b.exists("#crm-tasks-empty").await);
    b.click_and_load("#crm-task-new").await;
    assert_eq!(b.path().await, "/tasks/new");
    assert_eq!(
        b.attr("#task-crm-input", "value").await.as_deref(),
        Some(format!("L_{lead}").as_str())
    );
    b.fill("#task-title-input", "Call the browser lead").await;
    b.fill("#task-description-input", "Ask about the budget")
        .await;
    b.execute(
        "document.querySelector('#task-deadline-input').value = arguments[0]",
        vec![json!("2030-05-01T10:00")],
    )
    .await;
    b.shot().await;
    b.click_and_load("#task-create").await;
    let task_path = b.path().await;
    assert!(task_path.starts_with("/tasks/"), "{task_path}");
    assert!(b.text("#task-crm").await.contains(&format!("#{lead}")));
    assert!(b.text("#task-deadline").await.contains("2030-05-01 10:00"));

    // The lead's page lists it; the Tasks page finds it.
    b.goto(&format!("/crm/leads/{lead}")).await;
    assert!(b.text("#crm-tasks").await.contains("Call the browser lead"));
    b.click_and_load("#nav-tasks").await;
    assert_eq!(b.path().await, "/tasks");
    let id = task_path.trim_start_matches("/tasks/");
    b.click_and_load(&format!("#task-list tr[data-id='{id}'] a"))
        .await;
    assert_eq!(b.path().await, task_path);

    // Comment, start and complete through the page's forms.
    b.fill("#task-comment", "Called, they want a demo").await;
    b.click_and_load("#task-comment-form button").await;
    assert!(b
        .text("#task-comments")
        .await
        .contains("Called, they want a demo"));
    b.click_and_load("#task-actions button[data-action='start']")
        .await;
    assert_eq!(b.text("#task-status").await, "In progress");
    b.click_and_load("#task-actions button[data-action='complete']")
        .await;
    assert_eq!(b.text("#task-status").await, "Completed");
    assert!(b.exists("#task-actions button[data-action='renew']").await);
    b.shot().await;

    // The same in Portuguese.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto(&task_path).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("#task-status").await, "Concluída");
    assert!(b.exists("#task-actions button[data-action='renew']").await);
    b.goto("/tasks?tab=all&status=5").await;
    assert!(b.exists(&format!("#task-list tr[data-id='{id}']")).await);
    assert!(b.text("#task-list").await.contains("Concluída"));
    b.shot().await;
}

#[tokio::test]
async fn a_deal_moves_through_its_pipeline_on_its_page() {
    let app = start_app().await;
    let pipeline = app
        .ok(
            "crm.category.add",
            json!({"entityTypeId": 2, "fields": {"name": "Wholesale"}}),
        )
        .await["category"]["id"]
        .as_i64()
        .expect("pipeline id");
    app.ok("crm.deal.add", json!({"fields": {"TITLE": "General deal"}}))
        .await;
    let deal = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "Wholesale deal", "CATEGORY_ID": pipeline}}),
        )
        .await
        .as_i64()
        .expect("deal id");
    let b = Browser::start(&app.base, "deal_pipeline").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // The chooser shows the pipeline's deals only.
    b.goto("/crm/deals").await;
    assert_eq!(b.count("#crm-list tbody tr").await, 2);
    b.select("#deal-category", &pipeline.to_string()).await;
    b.click_and_load("form[role=search] button[type=submit]")
        .await;
    assert_eq!(b.count("#crm-list tbody tr").await, 1);
    b.click_and_load(&format!("#crm-list tr[data-id='{deal}'] a"))
        .await;
    assert_eq!(b.text("#deal-pipeline-name").await, "Wholesale");

    // Two moves on the deal page.
    let prefix = format!("C{pipeline}:");
    let moves = [format!("{prefix}PREPARATION"), format!("{prefix}WON")];
    for stage in &moves {
        b.select("#deal-stage", stage).await;
        b.click_and_load("#deal-stage-move").await;
        assert_eq!(
            b.attr("#deal-pipeline", "data-stage").await.as_deref(),
            Some(stage.as_str())
        );
    }
    b.shot().await;

    let history = app
        .ok(
            "crm.stagehistory.list",
            json!({"entityTypeId": 2, "filter": {"OWNER_ID": deal}, "order": {"ID": "ASC"}}),
        )
        .await;
    let stages: Vec<String> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["STAGE_ID"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        stages,
        [format!("{prefix}NEW"), moves[0].clone(), moves[1].clone()]
    );
}
