//! REST statistics over HTTP: the Statistics tab's figures equal the calls
//! made (errors and `batch` sub-calls included) after the server restarted,
//! two servers' flushes add up, only administrators see the tab and its data,
//! the page draws the chart and the table in both languages, and the filter,
//! the window bound and the saved columns.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::ui_client::UiClient;

/// Today as `YYYY-MM-DD` (the test server's clock is UTC).
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The id of the administrator's webhook.
async fn admin_hook_id(app: &TestApp) -> i64 {
    app.store.list_webhooks(None).await.expect("webhooks")[0].id
}

/// The statistics as JSON, read by `ui` with `query`.
async fn data(ui: &UiClient, query: &str) -> Value {
    let page = ui.get(&format!("/developer/statistics.json{query}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    serde_json::from_str(&page.body).expect("JSON")
}

/// `(calls, errors)` of `method` by `integration` in the totals.
fn counts(data: &Value, integration: &str, method: &str) -> (u64, u64) {
    data["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .find(|t| t["integration"] == integration && t["method"] == method)
        .map_or((0, 0), |t| {
            (
                t["calls"].as_u64().expect("calls"),
                t["errors"].as_u64().expect("errors"),
            )
        })
}

/// Two lead additions, a failed get, an unknown method and a `batch` of three
/// (one failing): eight calls counted, four of them errors.
async fn make_calls(app: &TestApp) {
    for title in ["A", "B"] {
        app.ok("crm.lead.add", json!({"fields": {"TITLE": title}}))
            .await;
    }
    assert_eq!(
        app.call("crm.lead.get", json!({"id": 999_999}))
            .await
            .status,
        400
    );
    assert_eq!(app.call("no.such.method", json!({})).await.status, 404);
    let batch = app
        .ok(
            "batch",
            json!({"halt": 0, "cmd": {
                "a": "crm.lead.get?id=1",
                "b": "crm.lead.get?id=999999",
                "c": "crm.lead.list",
            }}),
        )
        .await;
    assert_eq!(batch["result_error"].as_object().map(|e| e.len()), Some(1));
}

#[tokio::test]
async fn statistics_equal_the_calls_made_after_a_restart() {
    let app = TestApp::start().await;
    let hook = format!("inbound:{}", admin_hook_id(&app).await);
    make_calls(&app).await;
    let app = app.restart().await;
    let admin = app.sign_in_as(1).await;
    let stats = data(&admin, "").await;
    assert_eq!(counts(&stats, &hook, "crm.lead.add"), (2, 0));
    assert_eq!(
        counts(&stats, &hook, "crm.lead.get"),
        (3, 2),
        "one direct call and two sub-calls; the direct and one sub-call failed"
    );
    assert_eq!(counts(&stats, &hook, "(unknown)"), (1, 1));
    assert_eq!(
        counts(&stats, &hook, "batch"),
        (1, 0),
        "the batch itself, once"
    );
    assert_eq!(counts(&stats, &hook, "crm.lead.list"), (1, 0));
    let day = stats["days"]
        .as_array()
        .expect("days")
        .iter()
        .find(|d| d["date"] == today().to_string())
        .expect("today in the window")
        .clone();
    assert_eq!(day["calls"], 8);
    assert_eq!(day["integrations"][&hook], 8);
}

#[tokio::test]
async fn the_flushes_of_two_servers_add_up() {
    let app = TestApp::start().await;
    let hook = format!("inbound:{}", admin_hook_id(&app).await);
    make_calls(&app).await;
    let app = app.restart().await;
    make_calls(&app).await;
    let app = app.restart().await;
    let admin = app.sign_in_as(1).await;
    let stats = data(&admin, "").await;
    assert_eq!(counts(&stats, &hook, "crm.lead.add"), (4, 0));
    assert_eq!(counts(&stats, &hook, "crm.lead.get"), (6, 4));
    assert_eq!(counts(&stats, &hook, "batch"), (2, 0));
    let rows = app.store.rest_stats(0, i64::MAX).await.expect("rows");
    let lead_add: Vec<_> = rows
        .iter()
        .filter(|(k, _)| k.method == "crm.lead.add")
        .collect();
    assert_eq!(lead_add.len(), 1, "one stored row, added to by each flush");
    assert!(
        lead_add[0].1.operating_micros > 0,
        "operating time is counted"
    );
}

#[tokio::test]
async fn only_administrators_see_the_statistics() {
    let app = TestApp::start().await;
    let bob_id = app.add_user("bob", false).await;
    let bob = app.sign_in_as(bob_id).await;
    let page = bob.get("/developer/statistics").await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(!page.contains("stats-chart"));
    let data = bob.get("/developer/statistics.json").await;
    assert_eq!(data.status, 403);
    let error: Value = serde_json::from_str(&data.body).expect("JSON error");
    assert_eq!(error["error"], "ACCESS_DENIED");
    let integrations = bob.get("/developer/integrations").await;
    assert!(
        !integrations.contains("tab-statistics"),
        "no Statistics tab for a non-administrator"
    );
    let admin = app.sign_in_as(1).await;
    assert!(admin
        .get("/developer/integrations")
        .await
        .contains("tab-statistics"));
    let csrf = integrations.csrf();
    let save = bob
        .post_form(
            "/developer/statistics/columns",
            &[("csrf", &csrf), ("column", "calls")],
        )
        .await;
    assert_eq!(save.status, 403);
}

#[tokio::test]
async fn the_page_draws_the_chart_and_the_table_in_both_languages() {
    let app = TestApp::start().await;
    make_calls(&app).await;
    let app = app.restart().await;
    let admin = app.sign_in_as(1).await;
    let page = admin.get("/developer/statistics").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for needle in [
        "<svg id=\"stats-chart\"",
        "class=\"stats-bar\"",
        "<title>",
        ": 8 requests</title>",
        "<table class=\"data\" id=\"statistics\"",
        "data-method=\"crm.lead.get\"",
        "Requests",
        "Share of budget",
        "aria-current=\"page\">Statistics",
    ] {
        assert!(page.contains(needle), "missing {needle}: {}", page.body);
    }
    let csrf = page.csrf();
    let lang = admin
        .post_form("/settings/language", &[("csrf", &csrf), ("lang", "pt-BR")])
        .await;
    assert_eq!(lang.status, 303, "{}", lang.body);
    let pt = admin.get("/developer/statistics").await;
    for needle in [
        "<svg id=\"stats-chart\"",
        ": 8 requisições</title>",
        "Requisições",
        "Chamadas",
        "Parcela do orçamento",
    ] {
        assert!(pt.contains(needle), "missing {needle}: {}", pt.body);
    }
}

#[tokio::test]
async fn the_filter_the_window_bound_and_the_saved_columns() {
    let app = TestApp::start().await;
    let first = format!("inbound:{}", admin_hook_id(&app).await);
    let other_url = app.webhook(1, &["crm"], None).await;
    make_calls(&app).await;
    app.call_on(&other_url, "crm.lead.list", json!({})).await;
    let other = app
        .store
        .list_webhooks(None)
        .await
        .expect("webhooks")
        .iter()
        .map(|h| h.id)
        .max()
        .expect("second webhook");
    let other = format!("inbound:{other}");
    let app = app.restart().await;
    let admin = app.sign_in_as(1).await;

    let only_other = data(&admin, &format!("?integration={other}")).await;
    assert_eq!(only_other["totals"].as_array().map(Vec::len), Some(1));
    assert_eq!(counts(&only_other, &other, "crm.lead.list"), (1, 0));
    let by_method = data(&admin, "?method=LEAD.ADD").await;
    assert_eq!(by_method["totals"].as_array().map(Vec::len), Some(1));
    assert_eq!(counts(&by_method, &first, "crm.lead.add"), (2, 0));
    let apps_only = data(&admin, "?kind=app").await;
    assert_eq!(apps_only["totals"], json!([]));
    let inbound = data(&admin, "?kind=inbound").await;
    assert_eq!(inbound["totals"].as_array().map(Vec::len), Some(6));
    let page = admin
        .get(&format!("/developer/statistics?integration={other}"))
        .await;
    assert!(page.contains(&format!("data-integration=\"{other}\"")));
    assert!(
        !page.contains("data-method=\"crm.lead.add\""),
        "filtered out"
    );

    // A window longer than 14 days is cut to the 14 ending on its last day.
    let to = today();
    let from = to - chrono::Duration::days(40);
    let long = data(&admin, &format!("?from={from}&to={to}")).await;
    assert_eq!(long["days"].as_array().map(Vec::len), Some(14));
    assert_eq!(long["from"], (to - chrono::Duration::days(13)).to_string());
    assert_eq!(long["clamped"], true);
    let page = admin
        .get(&format!("/developer/statistics?from={from}&to={to}"))
        .await;
    assert!(page.contains("id=\"stats-window-clamped\""));
    assert_eq!(page.body.matches("class=\"stats-day\"").count(), 14);
    let short = data(&admin, &format!("?from={to}&to={to}")).await;
    assert_eq!(short["days"].as_array().map(Vec::len), Some(1));
    assert_eq!(short["clamped"], false);
    let garbage = admin
        .get("/developer/statistics?from=yesterday&to=%00")
        .await;
    assert_eq!(
        garbage.status, 200,
        "an unreadable date is the default window"
    );

    // The chosen columns are kept for the user.
    let csrf = page.csrf();
    let saved = admin
        .post_form(
            "/developer/statistics/columns",
            &[("csrf", &csrf), ("column", "calls")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let page = admin.get("/developer/statistics").await;
    assert!(page.contains("th data-column=\"calls\""));
    assert!(!page.contains("th data-column=\"errors\""));
}
