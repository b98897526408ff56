//! The administrators' pipeline pages in the browser: a pipeline and a stage
//! are created through the forms (reached from the deals list), a deal in that
//! pipeline is moved through its stages on the deal page, the moves are read
//! back with `crm.stagehistory.list` over REST, and the stages page is shown in
//! Portuguese.

use serde_json::json;

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

#[tokio::test]
async fn an_administrator_builds_a_pipeline_and_moves_a_deal_through_it() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "pipelines_admin").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // From the deals list to the pipelines page; add a pipeline.
    b.goto("/crm/deals").await;
    b.click_and_load("#pipelines-link").await;
    assert_eq!(b.path().await, "/crm/pipelines");
    b.fill("#new-pipeline-name", "Distributors").await;
    b.fill("#new-pipeline-sort", "200").await;
    b.click_and_load("#add-pipeline button[type=submit]").await;
    assert_eq!(b.path_and_query().await, "/crm/pipelines?done=added");
    assert!(b.exists("#directory-notice").await);
    let categories = app
        .ok("crm.category.list", json!({"entityTypeId": 2}))
        .await;
    let pipeline = categories["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["name"] == "Distributors")
        .and_then(|c| c["id"].as_i64())
        .expect("the pipeline over REST");

    // Its stages page; add a stage between the default ones.
    b.click_and_load(&format!("#pipelines tr[data-id='{pipeline}'] a.stages"))
        .await;
    assert_eq!(b.path().await, format!("/crm/pipelines/{pipeline}"));
    b.fill("#new-stage-name", "Negotiation").await;
    b.fill("#new-stage-code", "NEGOTIATION").await;
    b.fill("#new-stage-sort", "25").await;
    b.select("#new-stage-semantics", "").await;
    b.click_and_load("#add-stage button[type=submit]").await;
    let prefix = format!("C{pipeline}:");
    let negotiation = format!("{prefix}NEGOTIATION");
    assert!(
        b.exists(&format!("#stages tr[data-code='{negotiation}']"))
            .await
    );
    b.screenshot("pipelines_admin-en-stages").await;

    // A deal in the pipeline (over REST), moved on its page.
    let deal = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "Distributor deal", "CATEGORY_ID": pipeline}}),
        )
        .await
        .as_i64()
        .expect("deal id");
    b.goto(&format!("/crm/deals/{deal}")).await;
    assert_eq!(b.text("#deal-pipeline-name").await, "Distributors");
    let moves = [negotiation.clone(), format!("{prefix}WON")];
    for stage in &moves {
        b.select("#deal-stage", stage).await;
        b.click_and_load("#deal-stage-move").await;
        assert_eq!(
            b.attr("#deal-pipeline", "data-stage").await.as_deref(),
            Some(stage.as_str())
        );
    }
    b.screenshot("pipelines_admin-en-deal").await;
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

    // The stages page in Portuguese.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto(&format!("/crm/pipelines/{pipeline}")).await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("h1").await, "Etapas de “Distributors”");
    assert!(b
        .text(&format!(
            "#stages tr[data-code='{negotiation}'] td.semantics"
        ))
        .await
        .contains("Em andamento"));
    b.screenshot("pipelines_admin-pt-stages").await;
}
