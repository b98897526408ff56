//! `crm.lead.list`: pages of 50 with `total` and `next`, `start=-1`, every filter
//! operator, `order`, `select`.

use serde_json::{json, Value};

use crate::common::TestApp;

/// Adds leads through `batch` (50 per call); lead i has TITLE "Lead {i}",
/// OPPORTUNITY i*10, STATUS_ID NEW for even i else IN_PROCESS, and a phone "555{i}".
async fn seed(app: &TestApp, count: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for chunk in (0..count).collect::<Vec<_>>().chunks(50) {
        let cmd: Vec<Value> = chunk
            .iter()
            .map(|i| {
                let status = if i % 2 == 0 { "NEW" } else { "IN_PROCESS" };
                Value::from(format!(
                    "crm.lead.add?fields[TITLE]=Lead%20{i}&fields[OPPORTUNITY]={}&fields[STATUS_ID]={status}&fields[PHONE][0][VALUE]=555{i}",
                    i * 10
                ))
            })
            .collect();
        let out = app.ok("batch", json!({"cmd": cmd})).await;
        for v in out["result"].as_array().expect("list of results") {
            ids.push(v.as_i64().unwrap());
        }
    }
    ids
}

fn ids_of(page: &Value) -> Vec<i64> {
    page["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ID"].as_str().unwrap().parse().unwrap())
        .collect()
}

async fn list(app: &TestApp, body: Value) -> Value {
    let r = app.call("crm.lead.list", body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

async fn ids(app: &TestApp, filter: Value) -> Vec<i64> {
    ids_of(
        &list(
            app,
            json!({"filter": filter, "order": {"ID": "ASC"}, "select": ["ID"]}),
        )
        .await,
    )
}

#[tokio::test]
async fn pages_of_fifty_with_total_and_next() {
    let app = TestApp::start().await;
    let all = seed(&app, 120).await;
    assert_eq!(all.len(), 120);
    let p1 = list(&app, json!({"order": {"ID": "ASC"}})).await;
    assert_eq!(
        (p1["total"].clone(), p1["next"].clone()),
        (json!(120), json!(50))
    );
    assert_eq!(ids_of(&p1), all[..50]);
    let p2 = list(&app, json!({"order": {"ID": "ASC"}, "start": 50})).await;
    assert_eq!(
        (p2["total"].clone(), p2["next"].clone()),
        (json!(120), json!(100))
    );
    assert_eq!(ids_of(&p2), all[50..100]);
    let p3 = list(&app, json!({"order": {"ID": "ASC"}, "start": "100"})).await;
    assert_eq!(p3["total"], 120);
    assert!(p3.get("next").is_none(), "no next on the last page");
    assert_eq!(ids_of(&p3), all[100..]);
    // Default select: every standard field, no multi-fields.
    let row = &p1["result"][0];
    assert_eq!(row["TITLE"], "Lead 0");
    assert!(row.get("PHONE").is_none());
    assert!(row.get("STATUS_SEMANTIC_ID").is_some());
    // start=-1: no count, no next; keyset paging by >ID.
    let fast = list(
        &app,
        json!({"order": {"ID": "ASC"}, "filter": {">ID": all[99]}, "select": ["ID"], "start": -1}),
    )
    .await;
    assert_eq!(fast["total"], 0);
    assert!(fast.get("next").is_none());
    assert_eq!(ids_of(&fast), all[100..]);
    assert_eq!(
        fast["result"][0].as_object().unwrap().len(),
        1,
        "only ID selected"
    );
}

#[tokio::test]
async fn every_filter_operator() {
    let app = TestApp::start().await;
    let all = seed(&app, 10).await; // OPPORTUNITY 0..90, even NEW, odd IN_PROCESS
    let at = |idx: &[usize]| idx.iter().map(|i| all[*i]).collect::<Vec<_>>();
    assert_eq!(
        ids(&app, json!({"STATUS_ID": "NEW"})).await,
        at(&[0, 2, 4, 6, 8])
    );
    assert_eq!(
        ids(&app, json!({"=STATUS_ID": "NEW"})).await,
        at(&[0, 2, 4, 6, 8])
    );
    assert_eq!(
        ids(&app, json!({"!STATUS_ID": "NEW"})).await,
        at(&[1, 3, 5, 7, 9])
    );
    assert_eq!(
        ids(&app, json!({"!=STATUS_ID": "NEW"})).await,
        at(&[1, 3, 5, 7, 9])
    );
    assert_eq!(ids(&app, json!({">OPPORTUNITY": 70})).await, at(&[8, 9]));
    assert_eq!(
        ids(&app, json!({">=OPPORTUNITY": 70})).await,
        at(&[7, 8, 9])
    );
    assert_eq!(ids(&app, json!({"<OPPORTUNITY": "20"})).await, at(&[0, 1]));
    assert_eq!(
        ids(&app, json!({"<=OPPORTUNITY": 20})).await,
        at(&[0, 1, 2])
    );
    assert_eq!(
        ids(&app, json!({"@ID": [all[3], all[5]]})).await,
        at(&[3, 5])
    );
    assert_eq!(
        ids(&app, json!({"ID": [all[3], all[5]]})).await,
        at(&[3, 5]),
        "an array means IN"
    );
    assert_eq!(
        ids(&app, json!({"!@ID": at(&[0, 1, 2, 3, 4, 5, 6, 7])})).await,
        at(&[8, 9])
    );
    assert_eq!(ids(&app, json!({"%TITLE": "ead 7"})).await, at(&[7]));
    assert_eq!(
        ids(&app, json!({"%TITLE": "LEAD 7"})).await,
        at(&[7]),
        "LIKE ignores case"
    );
    assert_eq!(ids(&app, json!({"=%TITLE": "Lead 1%"})).await, at(&[1]));
    assert_eq!(ids(&app, json!({"%=TITLE": "%d 2"})).await, at(&[2]));
    assert_eq!(
        ids(&app, json!({"!%TITLE": "Lead"})).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&app, json!({"!=%TITLE": "Lead _"})).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&app, json!({"!%=TITLE": "%3"})).await,
        at(&[0, 1, 2, 4, 5, 6, 7, 8, 9])
    );
    assert_eq!(
        ids(&app, json!({"><OPPORTUNITY": [20, 40]})).await,
        at(&[2, 3, 4])
    );
    assert_eq!(
        ids(&app, json!({"!><OPPORTUNITY": [10, 80]})).await,
        at(&[0, 9])
    );
    assert_eq!(ids(&app, json!({"PHONE": "5553"})).await, at(&[3]));
    assert_eq!(ids(&app, json!({"%PHONE": "555"})).await.len(), 10);
    assert_eq!(
        ids(&app, json!({"SECOND_NAME": ""})).await.len(),
        10,
        "empty value means unset"
    );
    assert_eq!(
        ids(&app, json!({"!SECOND_NAME": ""})).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&app, json!({">=DATE_CREATE": "2020-01-01T00:00:00+02:00"}))
            .await
            .len(),
        10
    );
    assert_eq!(
        ids(&app, json!({"<DATE_CREATE": "2020-01-01"})).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(&app, json!({"STATUS_ID": "NEW", ">OPPORTUNITY": 30})).await,
        at(&[4, 6, 8]),
        "conditions are AND-ed"
    );
    // A `%` in the value is literal for `%` (substring) filters.
    let pct = app
        .ok("crm.lead.add", json!({"fields": {"TITLE": "100% sure"}}))
        .await;
    assert_eq!(
        ids(&app, json!({"%TITLE": "0% s"})).await,
        vec![pct.as_i64().unwrap()]
    );
    // Query-string form of the same filters.
    let r = app
        .get(&format!("{}crm.lead.list.json?filter%5B%3EOPPORTUNITY%5D=70&filter%5B%40STATUS_ID%5D%5B%5D=NEW&select%5B%5D=ID", app.hook))
        .await;
    assert_eq!(ids_of(&r.json()), at(&[8]));
}

#[tokio::test]
async fn order_and_select() {
    let app = TestApp::start().await;
    let all = seed(&app, 6).await;
    let desc = list(
        &app,
        json!({"order": {"OPPORTUNITY": "desc"}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(ids_of(&desc), all.iter().rev().copied().collect::<Vec<_>>());
    let by_status = list(
        &app,
        json!({"order": {"STATUS_ID": "ASC", "ID": "DESC"}, "select": ["ID"]}),
    )
    .await;
    assert_eq!(
        ids_of(&by_status),
        [all[5], all[3], all[1], all[4], all[2], all[0]]
    );
    let sel = list(
        &app,
        json!({"select": ["TITLE", "PHONE", "EMAIL", "NOT_A_FIELD"], "filter": {"ID": all[2]}}),
    )
    .await;
    assert_eq!(
        sel["result"][0],
        json!({"ID": all[2].to_string(), "TITLE": "Lead 2",
               "PHONE": [{"ID": sel["result"][0]["PHONE"][0]["ID"], "VALUE_TYPE": "WORK", "VALUE": "5552", "TYPE_ID": "PHONE"}]})
    );
    let star = list(
        &app,
        json!({"select": ["*", "UF_*"], "filter": {"ID": all[0]}}),
    )
    .await;
    let row = star["result"][0].as_object().unwrap();
    assert!(
        row.contains_key("TITLE") && row.contains_key("DATE_CREATE") && !row.contains_key("PHONE")
    );
}
