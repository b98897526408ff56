//! REST statistics through the real binary: inbound calls and outbound
//! delivery attempts counted by a running `portico serve` are in the
//! database once it stopped on SIGTERM (the last flush), well before the
//! next 10-second flush would have written them.

use std::time::Duration;

use portico_store::{IntegrationKind, RestStatsStore};
use portico_store_sqlite::{SqliteOptions, SqliteStore};
use serde_json::json;

mod common;

use common::receiver::{next, receiver};
use common::{add_webhook, ok, subscribe_admin, Server};

#[tokio::test]
async fn calls_and_deliveries_are_stored_when_the_server_stops() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data, &["--allow-private-handlers"]);
    let (url, mut got) = receiver(200).await;
    let added = subscribe_admin(&data, &url, "ONCRMLEADADD");
    let handler_id: i64 = added
        .lines()
        .find_map(|l| {
            l.strip_prefix("outbound webhook ")?
                .strip_suffix(" created")
        })
        .and_then(|id| id.parse().ok())
        .expect("handler id");
    let hook = add_webhook(&data, &["--user", "admin", "--scope", "crm"]);
    let client = reqwest::Client::new();
    for title in ["One", "Two"] {
        let answer = client
            .post(format!("{hook}crm.lead.add.json"))
            .json(&json!({"fields": {"TITLE": title}}))
            .send()
            .await
            .expect("add");
        assert_eq!(answer.status(), 200);
    }
    next(&mut got).await;
    next(&mut got).await;
    // Both attempts recorded (each is counted just before it is recorded).
    for _ in 0..50 {
        if ok(&data, &["outbound", "log", &handler_id.to_string()])
            .matches("delivered")
            .count()
            >= 2
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.stop();

    let store =
        SqliteStore::open(&data.join("portico.sqlite3"), SqliteOptions::default()).expect("open");
    let rows = store.rest_stats(0, i64::MAX).await.expect("rows");
    let find = |kind: IntegrationKind, method: &str| {
        rows.iter()
            .find(|(k, _)| k.kind == kind && k.method == method)
            .map(|(k, c)| (k.integration_id, c.calls, c.errors))
    };
    let (_, calls, errors) = find(IntegrationKind::Inbound, "crm.lead.add").expect("inbound row");
    assert_eq!((calls, errors), (2, 0), "{rows:?}");
    assert_eq!(
        find(IntegrationKind::Outbound, "ONCRMLEADADD"),
        Some((handler_id, 2, 0)),
        "{rows:?}"
    );
}
