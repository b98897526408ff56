//! Users as Bitrix24 answers them: whole rows in `user.current` / `user.get`
//! (empty values `""`, `UF_DEPARTMENT` a list, `IS_ONLINE`, dates), the
//! standard user filter keys, and the read-only CRM fields answered by
//! records. `user.add` / `user.update` are in `user_writes`.

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use portico_store::users::USER;
use portico_store::FieldValue;
use serde_json::{json, Value};

use crate::common::TestApp;

/// The keys of a row.
pub fn keys(row: &Value) -> BTreeSet<String> {
    row.as_object().expect("row").keys().cloned().collect()
}

/// Every field `user.fields` lists (for a `user` webhook).
pub async fn all_fields(app: &TestApp) -> BTreeSet<String> {
    keys(&app.ok("user.fields", json!({})).await)
}

/// The IDs of a `user.get` answer.
pub fn ids(r: &Value) -> Vec<String> {
    r["result"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|u| u["ID"].as_str().expect("ID").to_owned())
        .collect()
}

/// `user.get` with a filter, as JSON.
pub async fn get(app: &TestApp, filter: Value) -> Value {
    let r = app.call("user.get", json!({ "FILTER": filter })).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn user_rows_answer_every_field_as_bitrix24_writes_them() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let fields = all_fields(&app).await;
    assert!(fields.len() >= 62, "{fields:?}");

    let me = app.ok("user.current", json!({})).await;
    assert_eq!(keys(&me), fields, "user.current answers every listed field");
    for (name, value) in me.as_object().expect("row") {
        assert!(!value.is_null(), "{name} is null");
    }
    for empty in [
        "SECOND_NAME",
        "PERSONAL_BIRTHDAY",
        "LAST_LOGIN",
        "UF_EMPLOYMENT_DATE",
    ] {
        assert_eq!(me[empty], "", "{empty}");
    }
    assert_eq!(me["PERSONAL_PHOTO"], "");
    assert_eq!(me["UF_PHONE_INNER"], "");
    assert_eq!(me["UF_DEPARTMENT"], json!([1]));
    assert_eq!(me["IS_ONLINE"], "N");
    assert_eq!(me["USER_TYPE"], "employee");
    assert_eq!(me["ACTIVE"], true);
    assert_eq!(me["ID"], "1");
    assert_eq!(me["DATE_REGISTER"], "2023-11-14T22:13:20+00:00");

    // Dates as Bitrix24 writes them; active a minute ago is online.
    let hook = app.hook.clone();
    let r = app
        .call_on(
            &hook,
            "user.update",
            json!({"ID": 1, "PERSONAL_BIRTHDAY": "1990-05-17", "UF_EMPLOYMENT_DATE": "2020-02-01"}),
        )
        .await;
    assert_eq!(r.json()["result"], true, "{}", r.text);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let at = USER.index_of("LAST_ACTIVITY_DATE").expect("field");
    assert!(app
        .store
        .update_user(1, vec![(at, FieldValue::Int(now - 60))], Vec::new())
        .await
        .expect("activity"));
    let me = app.ok("user.current", json!({})).await;
    assert_eq!(me["PERSONAL_BIRTHDAY"], "1990-05-17T00:00:00+00:00");
    assert_eq!(me["UF_EMPLOYMENT_DATE"], "2020-02-01T00:00:00+00:00");
    assert_eq!(me["IS_ONLINE"], "Y");
    let activity = me["LAST_ACTIVITY_DATE"].as_str().expect("activity date");
    let expected = chrono::DateTime::from_timestamp(now - 60, 0).expect("instant");
    assert_eq!(activity, expected.format("%Y-%m-%d %H:%M:%S").to_string());
    let stamp = me["TIMESTAMP_X"].as_str().expect("timestamp");
    assert!(stamp.len() == 25 && stamp.ends_with("+00:00"), "{stamp}");

    let list = get(&app, json!({})).await;
    assert_eq!(ids(&list), ["1", &bob.to_string()]);
    for row in list["result"].as_array().expect("rows") {
        assert_eq!(keys(row), fields, "user.get answers every listed field");
        assert_eq!(row["UF_DEPARTMENT"], json!([1]));
    }
    assert_eq!(list["result"][1]["IS_ONLINE"], "N");
    assert_eq!(list["result"][1]["LAST_ACTIVITY_DATE"], "");
    let picked = app
        .ok(
            "user.get",
            json!({"select": ["NAME", "UF_*"], "FILTER": {"ID": bob}}),
        )
        .await;
    let picked = keys(&picked[0]);
    assert!(picked.contains("ID") && picked.contains("NAME") && picked.contains("UF_DEPARTMENT"));
    assert!(
        !picked.contains("EMAIL") && !picked.contains("LAST_NAME"),
        "{picked:?}"
    );
}

#[tokio::test]
async fn user_get_filters_by_the_standard_user_fields() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let bob_id = bob.to_string();

    let none = get(&app, json!({"UF_PHONE_INNER": "123"})).await;
    assert_eq!(
        (none["result"].clone(), none["total"].clone()),
        (json!([]), json!(0))
    );
    let set = app
        .call("user.update", json!({"ID": bob, "UF_PHONE_INNER": "123"}))
        .await;
    assert_eq!(set.json()["result"], true, "{}", set.text);
    assert_eq!(
        ids(&get(&app, json!({"UF_PHONE_INNER": "123"})).await),
        [bob_id.as_str()]
    );
    assert_eq!(
        ids(&get(&app, json!({"!UF_PHONE_INNER": null})).await),
        [bob_id.as_str()]
    );

    // Keys Bitrix24 does not know are ignored, not refused.
    let all = get(&app, json!({"NOT_A_FIELD": "x", "ACTIVE": true})).await;
    assert_eq!(ids(&all), ["1", bob_id.as_str()]);
    assert_eq!(all["total"], 2);

    assert_eq!(ids(&get(&app, json!({"UF_DEPARTMENT": 1})).await).len(), 2);
    assert_eq!(
        ids(&get(&app, json!({"UF_DEPARTMENT": [5, 1]})).await).len(),
        2
    );
    assert_eq!(
        ids(&get(&app, json!({"UF_DEPARTMENT": 5})).await),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&get(&app, json!({"!UF_DEPARTMENT": 1})).await),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&get(&app, json!({"NAME_SEARCH": "BOB last"})).await),
        [bob_id.as_str()]
    );
    assert_eq!(
        ids(&get(&app, json!({"NAME_SEARCH": "bob admin"})).await),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&get(&app, json!({"USER_TYPE": "employee"})).await).len(),
        2
    );
    assert_eq!(
        ids(&get(&app, json!({"IS_ONLINE": "Y"})).await),
        Vec::<String>::new()
    );
    assert_eq!(ids(&get(&app, json!({"IS_ONLINE": "N"})).await).len(), 2);
    // The filter keys at the top level, as the documentation's example sends them.
    let top = app
        .call(
            "user.get",
            json!({"UF_DEPARTMENT": 1, "SORT": "ID", "ORDER": "desc"}),
        )
        .await
        .json();
    assert_eq!(ids(&top), [bob_id.as_str(), "1"]);
    let bad = app
        .call("user.get", json!({"FILTER": {">UF_DEPARTMENT": 1}}))
        .await;
    assert_eq!(
        (bad.status, bad.json()["error"].clone()),
        (400, json!("INVALID_ARG_VALUE"))
    );
}

#[tokio::test]
async fn crm_records_answer_their_read_only_fields_empty() {
    let app = TestApp::start().await;
    let deal = app
        .ok(
            "crm.deal.add",
            json!({"fields": {"TITLE": "D", "QUOTE_ID": 5, "LOCATION_ID": "x"}}),
        )
        .await;
    let got = app.ok("crm.deal.get", json!({"id": deal})).await;
    assert_eq!(
        (&got["QUOTE_ID"], &got["LOCATION_ID"]),
        (&Value::Null, &Value::Null)
    );
    assert!(got.get("QUOTE_ID").is_some() && got.get("LOCATION_ID").is_some());
    assert_eq!(got["CATEGORY_ID"], "0");
    let listed = app
        .ok(
            "crm.deal.list",
            json!({"select": ["*"], "filter": {"ID": deal}}),
        )
        .await;
    assert!(listed[0].get("QUOTE_ID").is_some() && listed[0].get("LOCATION_ID").is_some());

    let company = app
        .ok(
            "crm.company.add",
            json!({"fields": {"TITLE": "C", "LOGO": 3}}),
        )
        .await;
    let got = app.ok("crm.company.get", json!({"id": company})).await;
    assert_eq!(got.get("LOGO"), Some(&Value::Null));
    let contact = app
        .ok("crm.contact.add", json!({"fields": {"NAME": "P"}}))
        .await;
    let got = app.ok("crm.contact.get", json!({"id": contact})).await;
    assert_eq!(got.get("PHOTO"), Some(&Value::Null));
}
