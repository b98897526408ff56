//! Offline events over REST: `event.bind` / `event.unbind` / `event.get` with
//! `event_type=offline`, `event.offline.get/clear/error/list`, the refusals
//! (webhooks, non-administrators), one queue row per object, the connector's
//! loop prevention, reserving under a process, paging and filters, disjoint
//! rows for parallel readers, nothing queued for an application not
//! installed, and `ONOFFLINEEVENT` at most once per `minTimeout`.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::app_events::{call, new_app, ok, queued, token};
use crate::common::{assert_error, TestApp};

/// Binds `event` offline for the application of `tok`, with `extra` parameters.
async fn bind_offline(app: &TestApp, tok: &str, event: &str, extra: Value) {
    let mut body = json!({"event": event, "event_type": "offline"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    assert_eq!(ok(app, tok, "event.bind", body).await, json!(true));
}

/// Adds `n` leads through the administrator's webhook; their ids.
async fn add_leads(app: &TestApp, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let r = app
            .ok(
                "crm.lead.add",
                json!({"fields": {"TITLE": format!("Lead {i}")}}),
            )
            .await;
        ids.push(r.as_i64().expect("id"));
    }
    ids
}

/// The `ID`s of answered rows, as numbers.
fn ids(rows: &Value) -> Vec<i64> {
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| r["ID"].as_str().expect("ID").parse().expect("number"))
        .collect()
}

#[tokio::test]
async fn offline_bindings_are_for_administrators_and_listed_by_event_get() {
    let app = TestApp::start().await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    let bob_id = app.add_user("bob", false).await;
    let bob = token(&app, creds.id, bob_id).await;

    bind_offline(&app, &admin, "onCrmDealUpdate", json!({})).await;
    let again = call(
        &app,
        &admin,
        "event.bind",
        json!({"event": "ONCRMDEALUPDATE", "event_type": "offline"}),
    )
    .await;
    assert_error(&again, 400, "ERROR_CORE", "Handler already binded");
    let unknown = call(
        &app,
        &admin,
        "event.bind",
        json!({"event": "ONNOTHING", "event_type": "offline"}),
    )
    .await;
    assert_error(&unknown, 400, "ERROR_EVENT_NOT_FOUND", "Event not found");
    let long = call(
        &app,
        &admin,
        "event.bind",
        json!({"event": "ONCRMLEADADD", "event_type": "offline", "auth_connector": "c".repeat(256)}),
    )
    .await;
    assert_eq!(long.status, 400, "{}", long.text);
    assert_eq!(
        long.json()["error"],
        json!("ERROR_ARGUMENT"),
        "{}",
        long.text
    );
    assert_eq!(
        ok(&app, &admin, "event.get", json!({})).await,
        json!([{"event": "ONCRMDEALUPDATE", "handler": "", "auth_type": "0", "offline": 1}])
    );

    let denied = call(
        &app,
        &bob,
        "event.unbind",
        json!({"event": "ONCRMDEALUPDATE", "event_type": "offline"}),
    )
    .await;
    assert_error(
        &denied,
        403,
        "ACCESS_DENIED",
        "Access denied! Offline events unbinding requires administrator access rights",
    );
    for method in [
        "event.offline.get",
        "event.offline.list",
        "event.offline.clear",
        "event.offline.error",
    ] {
        let r = call(&app, &bob, method, json!({"process_id": "x"})).await;
        assert_error(&r, 403, "ACCESS_DENIED", "Access denied!");
        let r = app.call(method, json!({"process_id": "x"})).await;
        assert_error(
            &r,
            403,
            "WRONG_AUTH_TYPE",
            "Current authorization type is denied for this method",
        );
    }
    let missing = call(&app, &admin, "event.offline.clear", json!({})).await;
    assert_error(
        &missing,
        400,
        "ERROR_ARGUMENT",
        "Argument 'process_id' is null or empty",
    );

    assert_eq!(
        ok(
            &app,
            &admin,
            "event.unbind",
            json!({"event": "ONCRMDEALUPDATE", "event_type": "offline"})
        )
        .await,
        json!({"count": 1})
    );
    assert_eq!(ok(&app, &admin, "event.get", json!({})).await, json!([]));
}

#[tokio::test]
async fn many_changes_to_one_deal_leave_one_row() {
    let app = TestApp::start().await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    bind_offline(&app, &admin, "ONCRMDEALUPDATE", json!({})).await;

    let deal = app
        .ok("crm.deal.add", json!({"fields": {"TITLE": "Big"}}))
        .await
        .as_i64()
        .expect("id");
    let other = app
        .ok("crm.deal.add", json!({"fields": {"TITLE": "Small"}}))
        .await
        .as_i64()
        .expect("id");
    for i in 0..40 {
        app.ok(
            "crm.deal.update",
            json!({"id": deal, "fields": {"TITLE": format!("Big {i}")}}),
        )
        .await;
    }
    app.ok(
        "crm.deal.update",
        json!({"id": other, "fields": {"TITLE": "S"}}),
    )
    .await;

    let listed = call(&app, &admin, "event.offline.list", json!({}))
        .await
        .json();
    assert_eq!(listed["total"], 2, "{listed}");
    let rows = listed["result"].as_array().expect("rows");
    assert_eq!(rows[0]["EVENT_NAME"], "ONCRMDEALUPDATE");
    assert_eq!(rows[0]["EVENT_DATA"], json!({"FIELDS": {"ID": deal}}));
    assert_eq!(rows[0]["EVENT_ADDITIONAL"], json!({"user_id": "1"}));
    assert_eq!(rows[0]["PROCESS_ID"], "");
    assert_eq!(rows[0]["ERROR"], "0");
    assert_eq!(rows[0]["MESSAGE_ID"].as_str().map(str::len), Some(32));
    let stamp = rows[0]["TIMESTAMP_X"].as_str().expect("time");
    assert!(
        chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
        "ISO 8601 with offset: {stamp}"
    );
    assert_eq!(rows[1]["EVENT_DATA"], json!({"FIELDS": {"ID": other}}));
}

#[tokio::test]
async fn a_change_made_with_a_bindings_connector_is_not_queued_for_it() {
    let app = TestApp::start().await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    bind_offline(
        &app,
        &admin,
        "ONCRMLEADADD",
        json!({"auth_connector": "sync_a"}),
    )
    .await;
    bind_offline(
        &app,
        &admin,
        "ONCRMLEADADD",
        json!({"auth_connector": "sync_b"}),
    )
    .await;
    bind_offline(&app, &admin, "ONCRMLEADADD", json!({})).await;

    ok(
        &app,
        &admin,
        "crm.lead.add",
        json!({"fields": {"TITLE": "From sync_a"}, "auth_connector": "sync_a"}),
    )
    .await;
    let total = |connector: Option<&str>| {
        let body = connector.map_or(json!({}), |c| json!({"auth_connector": c}));
        let (app, admin) = (&app, &admin);
        async move { call(app, admin, "event.offline.list", body).await.json()["total"].clone() }
    };
    assert_eq!(
        total(Some("sync_a")).await,
        0,
        "its own change is not queued for it"
    );
    assert_eq!(total(Some("sync_b")).await, 1);
    assert_eq!(total(None).await, 1);

    add_leads(&app, 1).await;
    assert_eq!(
        total(Some("sync_a")).await,
        1,
        "a change by others is queued"
    );
}

#[tokio::test]
async fn get_deletes_or_reserves_and_clear_and_error_settle_a_process() {
    let app = TestApp::start().await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    bind_offline(&app, &admin, "ONCRMLEADADD", json!({})).await;
    add_leads(&app, 5).await;
    let all = ids(&ok(&app, &admin, "event.offline.list", json!({})).await);
    assert_eq!(all.len(), 5);

    // clear=0 reserves under a new process; a second reader gets other rows.
    let first = ok(
        &app,
        &admin,
        "event.offline.get",
        json!({"limit": 2, "clear": 0}),
    )
    .await;
    let process = first["process_id"].as_str().expect("process id").to_owned();
    assert_eq!(process.len(), 32);
    assert_eq!(ids(&first["events"]), all[..2]);
    let row = first["events"][0].as_object().expect("row");
    let keys: Vec<&str> = row.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "ID",
            "TIMESTAMP_X",
            "EVENT_NAME",
            "EVENT_DATA",
            "EVENT_ADDITIONAL",
            "MESSAGE_ID"
        ]
    );
    let second = ok(
        &app,
        &admin,
        "event.offline.get",
        json!({"limit": 1, "clear": 0}),
    )
    .await;
    assert_eq!(ids(&second["events"]), all[2..3]);
    let listed = ok(
        &app,
        &admin,
        "event.offline.list",
        json!({"filter": {"PROCESS_ID": process}}),
    )
    .await;
    assert_eq!(ids(&listed), all[..2]);

    // The process reads its rows again; error gives one back flagged.
    let again = ok(
        &app,
        &admin,
        "event.offline.get",
        json!({"process_id": process, "clear": 0}),
    )
    .await;
    assert_eq!(again["process_id"], process.as_str());
    assert_eq!(ids(&again["events"]), all[..2]);
    let failed = again["events"][0]["MESSAGE_ID"].clone();
    assert_eq!(
        ok(
            &app,
            &admin,
            "event.offline.error",
            json!({"process_id": process, "message_id": [failed]})
        )
        .await,
        json!(true)
    );
    let flagged = ok(
        &app,
        &admin,
        "event.offline.list",
        json!({"filter": {"ERROR": 1}}),
    )
    .await;
    assert_eq!(ids(&flagged), all[..1]);
    assert_eq!(flagged[0]["PROCESS_ID"], "");

    // clear=1 (the default) takes unreserved rows without errors and deletes them.
    let taken = ok(&app, &admin, "event.offline.get", json!({})).await;
    assert_eq!(taken["process_id"], Value::Null);
    assert_eq!(ids(&taken["events"]), all[3..]);
    let with_errors = ok(&app, &admin, "event.offline.get", json!({"error": 1})).await;
    assert_eq!(ids(&with_errors["events"]), all[..1]);

    // clear settles the process: by id, then the rest.
    assert_eq!(
        ok(
            &app,
            &admin,
            "event.offline.clear",
            json!({"process_id": process, "id": [all[1]]})
        )
        .await,
        json!(true)
    );
    let second_process = second["process_id"].clone();
    ok(
        &app,
        &admin,
        "event.offline.clear",
        json!({"process_id": second_process}),
    )
    .await;
    let left = call(&app, &admin, "event.offline.list", json!({}))
        .await
        .json();
    assert_eq!(left["total"], 0, "{left}");
}

#[tokio::test]
async fn list_pages_by_fifty_with_filters_and_order() {
    let app = TestApp::start().await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    bind_offline(&app, &admin, "ONCRMLEADADD", json!({})).await;
    bind_offline(&app, &admin, "ONCRMCONTACTADD", json!({})).await;
    add_leads(&app, 53).await;
    app.ok("crm.contact.add", json!({"fields": {"NAME": "Ann"}}))
        .await;

    let page = call(&app, &admin, "event.offline.list", json!({}))
        .await
        .json();
    assert_eq!(page["total"], 54);
    assert_eq!(page["next"], 50);
    let first = ids(&page["result"]);
    assert_eq!(first.len(), 50);
    assert!(first.windows(2).all(|w| w[0] < w[1]), "ID ascending");
    let rest = call(&app, &admin, "event.offline.list", json!({"start": 50}))
        .await
        .json();
    assert_eq!(ids(&rest["result"]).len(), 4);
    assert_eq!(rest.get("next"), None);

    let contacts = ok(
        &app,
        &admin,
        "event.offline.list",
        json!({"filter": {"=EVENT_NAME": "ONCRMCONTACTADD"}}),
    )
    .await;
    assert_eq!(contacts.as_array().map(Vec::len), Some(1));
    let newest = ok(
        &app,
        &admin,
        "event.offline.list",
        json!({"filter": {">ID": first[47]}, "order": {"ID": "DESC"}}),
    )
    .await;
    let newest = ids(&newest);
    assert_eq!(newest.len(), 6);
    assert!(newest.windows(2).all(|w| w[0] > w[1]), "ID descending");
    let bad = call(
        &app,
        &admin,
        "event.offline.get",
        json!({"filter": {"PROCESS_ID": "x"}}),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(
        call(&app, &admin, "event.offline.list", json!({}))
            .await
            .json()["total"],
        54,
        "list changes nothing, a refused get neither"
    );
}

#[tokio::test]
async fn parallel_readers_get_disjoint_rows() {
    let app = TestApp::start().await;
    let creds = new_app(&app, true).await;
    let admin = token(&app, creds.id, 1).await;
    bind_offline(&app, &admin, "ONCRMLEADADD", json!({})).await;
    add_leads(&app, 20).await;

    let reader = |clear: u8| {
        let (app, admin) = (&app, &admin);
        async move {
            ok(
                app,
                admin,
                "event.offline.get",
                json!({"limit": 12, "clear": clear}),
            )
            .await
        }
    };
    let (a, b) = tokio::join!(reader(1), reader(0));
    let (a, b) = (ids(&a["events"]), ids(&b["events"]));
    let seen: HashSet<i64> = a.iter().chain(&b).copied().collect();
    assert_eq!(a.len() + b.len(), 20, "{a:?} {b:?}");
    assert_eq!(seen.len(), 20, "no row given twice: {a:?} {b:?}");
}

#[tokio::test]
async fn an_application_not_installed_queues_nothing() {
    let app = TestApp::start().await;
    let creds = new_app(&app, false).await;
    let admin = token(&app, creds.id, 1).await;
    bind_offline(&app, &admin, "ONCRMLEADADD", json!({})).await;
    add_leads(&app, 2).await;
    let listed = call(&app, &admin, "event.offline.list", json!({}))
        .await
        .json();
    assert_eq!(listed["total"], 0, "{listed}");
}

#[tokio::test]
async fn onofflineevent_is_recorded_at_most_once_per_min_timeout() {
    let app = TestApp::start().await;
    let slow = new_app(&app, true).await;
    let eager = new_app(&app, true).await;
    let (slow_token, eager_token) = (
        token(&app, slow.id, 1).await,
        token(&app, eager.id, 1).await,
    );
    for (tok, timeout, host) in [(&slow_token, 3600, "slow"), (&eager_token, 0, "eager")] {
        bind_offline(
            &app,
            tok,
            "ONCRMLEADADD",
            json!({"options": {"minTimeout": timeout}}),
        )
        .await;
        ok(
            &app,
            tok,
            "event.bind",
            json!({"event": "ONOFFLINEEVENT", "handler": format!("https://{host}.example.com/n")}),
        )
        .await;
    }
    add_leads(&app, 3).await;

    let notices: Vec<(String, Value)> = queued(&app)
        .await
        .into_iter()
        .map(|(code, url, data)| (format!("{code} {url}"), data))
        .collect();
    let count = |url: &str| {
        notices
            .iter()
            .filter(|(n, _)| *n == format!("ONOFFLINEEVENT {url}"))
            .count()
    };
    assert_eq!(count("https://slow.example.com/n"), 1, "{notices:?}");
    assert_eq!(count("https://eager.example.com/n"), 3, "{notices:?}");
    assert!(notices.iter().all(|(_, data)| *data == json!({})));
}
