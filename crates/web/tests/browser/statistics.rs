//! The Statistics tab in the browser: two weeks of requests of two
//! integrations drawn as stacked bars with their hover titles, the table with
//! a row over the budget marked, the filter, and the same page in Portuguese;
//! screenshots of the chart and the table in both languages.

use portico_store::{IntegrationKind, RestStatCounts, RestStatKey, WebhookChange};
use serde_json::json;

use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

/// Stores twelve days of statistics for the administrator's webhook and a
/// second one, ending today; `batch` of the first is over the budget on one day.
async fn seed(app: &crate::common::TestApp) -> (i64, i64) {
    app.webhook(1, &["crm"], None).await;
    let ids: Vec<i64> = app
        .store
        .list_webhooks(None)
        .await
        .expect("webhooks")
        .iter()
        .map(|h| h.id)
        .collect();
    for (id, name) in ids.iter().zip(["Lead importer", "Deal sync"]) {
        let hook = app
            .store
            .webhook_by_id(*id)
            .await
            .expect("read")
            .expect("hook");
        let change = WebhookChange {
            user_id: hook.user_id,
            name: name.to_owned(),
            scopes: hook.scopes,
            expires_at: None,
            new_secret: None,
        };
        app.store.update_webhook(*id, change).await.expect("rename");
    }
    let today = chrono::Utc::now().timestamp().div_euclid(86_400);
    let mut rows = Vec::new();
    for back in 0..12 {
        let day = today - back;
        let row = |id: i64, method: &str, calls: u64, micros: u64| {
            (
                RestStatKey {
                    day,
                    kind: IntegrationKind::Inbound,
                    integration_id: id,
                    method: method.to_owned(),
                },
                RestStatCounts {
                    calls,
                    errors: calls / 10,
                    operating_micros: micros,
                },
            )
        };
        rows.push(row(
            ids[0],
            "crm.lead.list",
            200 + 37 * back as u64,
            9_000_000,
        ));
        rows.push(row(
            ids[1],
            "crm.deal.add",
            80 + 11 * (back as u64 % 4),
            2_000_000,
        ));
        if back == 3 {
            rows.push(row(ids[0], "batch", 40, 60_000_000_000));
        }
    }
    app.store.add_rest_stats(&rows).await.expect("seed");
    (ids[0], ids[1])
}

#[tokio::test]
async fn statistics_chart_and_table_in_both_languages() {
    let app = start_app().await;
    let (first, _) = seed(&app).await;
    app.call("crm.lead.add", json!({"fields": {"TITLE": "x"}}))
        .await;
    let b = Browser::start(&app.base, "statistics").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;
    b.goto("/developer/statistics").await;
    b.wait_for("#stats-chart").await;
    assert_eq!(b.count("g.stats-day").await, 14);
    assert_eq!(
        b.count("rect.stats-bar").await,
        24,
        "two parts on twelve days"
    );
    let title = b
        .execute(
            "return document.querySelector('rect.stats-bar title').textContent",
            vec![],
        )
        .await;
    let title = title.as_str().unwrap_or_default();
    assert!(
        title.contains("Deal sync: ") && title.ends_with(" requests"),
        "{title}"
    );
    b.screenshot("statistics-chart-en").await;
    assert!(b.exists("tr.over-budget[data-method='batch']").await);
    assert_eq!(b.count(".stats-legend .legend-item").await, 2);
    b.execute(
        "document.querySelector('#statistics').scrollIntoView()",
        vec![],
    )
    .await;
    b.screenshot("statistics-table-en").await;

    // The filter keeps one integration.
    b.select("select[name=integration]", &format!("inbound:{first}"))
        .await;
    b.click_and_load("#stats-apply").await;
    assert_eq!(b.count("rect.stats-bar").await, 12);
    assert!(!b.exists("tr[data-method='crm.deal.add']").await);

    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto("/developer/statistics").await;
    b.wait_for("#stats-chart").await;
    assert!(b.text("body").await.contains("Requisições"));
    assert!(b.text("#statistics").await.contains("Chamadas"));
    b.screenshot("statistics-chart-pt").await;
    b.execute(
        "document.querySelector('#statistics').scrollIntoView()",
        vec![],
    )
    .await;
    b.screenshot("statistics-table-pt").await;
}
