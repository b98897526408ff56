//! Users as Bitrix24 answers them: whole rows in `user.current` / `user.get`
//! (empty values `""`, `UF_DEPARTMENT` a list, `IS_ONLINE`, dates), the
//! standard user filter keys, `user.add` and `user.update` with their
//! permissions and errors, and the read-only CRM fields answered by records.

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use portico_store::users::USER;
use portico_store::{FieldValue, UserStore};
use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};
use crate::ui_client::TEST_PASSWORD;

/// The keys of a row.
fn keys(row: &Value) -> BTreeSet<String> {
    row.as_object().expect("row").keys().cloned().collect()
}

/// Every field `user.fields` lists (for a `user` webhook).
async fn all_fields(app: &TestApp) -> BTreeSet<String> {
    keys(&app.ok("user.fields", json!({})).await)
}

/// The IDs of a `user.get` answer.
fn ids(r: &Value) -> Vec<String> {
    r["result"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|u| u["ID"].as_str().expect("ID").to_owned())
        .collect()
}

/// `user.get` with a filter, as JSON.
async fn get(app: &TestApp, filter: Value) -> Value {
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
        .update_user(1, vec![(at, FieldValue::Int(now - 60))])
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
async fn user_add_invites_a_colleague_for_administrators_only() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let fields = all_fields(&app).await;

    let r = app
        .call(
            "user.add",
            json!({"EMAIL": " ana@example.com ", "NAME": "Ana", "LAST_NAME": "Lima",
                   "UF_DEPARTMENT": [1], "EXTRANET": "N", "MESSAGE_TEXT": "Welcome"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ana = r.json()["result"].as_i64().expect("new id as a number");
    let row = &get(&app, json!({"ID": ana})).await["result"][0];
    assert_eq!(keys(row), fields);
    assert_eq!(
        (&row["EMAIL"], &row["NAME"], &row["LAST_NAME"]),
        (&json!("ana@example.com"), &json!("Ana"), &json!("Lima"))
    );
    assert_eq!(row["UF_DEPARTMENT"], json!([1]));
    assert_eq!(row["USER_TYPE"], "employee");
    assert_eq!(row["ACTIVE"], true);
    assert_ne!(row["DATE_REGISTER"], "");
    let stored = app
        .store
        .user_by_login("ana@example.com")
        .await
        .expect("lookup")
        .expect("the login is the e-mail");
    assert_eq!((stored.id, stored.password_hash.as_str()), (ana, ""));
    // No password: no sign-in until an administrator sets one.
    let refused = app.ui().sign_in("ana@example.com", "").await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    app.set_password(ana, TEST_PASSWORD).await;
    app.sign_in("ana@example.com", TEST_PASSWORD).await;
    // The sign-in is her last login and activity: she is online.
    let row = &get(&app, json!({"ID": ana})).await["result"][0];
    assert_ne!(row["LAST_LOGIN"], "");
    assert_ne!(row["LAST_ACTIVITY_DATE"], "");
    assert_eq!(row["IS_ONLINE"], "Y");
    assert_eq!(
        ids(&get(&app, json!({"IS_ONLINE": "Y"})).await),
        [ana.to_string()]
    );

    let guest = app
        .ok(
            "user.add",
            json!({"EMAIL": "guest@partner.example", "EXTRANET": "Y"}),
        )
        .await;
    let row = &get(&app, json!({"ID": guest})).await["result"][0];
    assert_eq!(
        (&row["USER_TYPE"], &row["UF_DEPARTMENT"]),
        (&json!("extranet"), &json!([]))
    );
    let staff = ids(&get(&app, json!({"UF_DEPARTMENT": 1})).await);
    assert!(staff.contains(&ana.to_string()) && !staff.contains(&guest.to_string()));
    let outside = ids(&get(&app, json!({"!UF_DEPARTMENT": 1})).await);
    assert_eq!(outside, [guest.to_string()]);

    for taken in ["ANA@example.com", "bob@example.com"] {
        assert_error(
            &app.call("user.add", json!({"EMAIL": taken})).await,
            400,
            "ERROR_ARGUMENT",
            "A user with this email already exists",
        );
    }
    for wrong in [
        json!({"NAME": "No mail"}),
        json!({"EMAIL": "not-an-address"}),
    ] {
        assert_error(
            &app.call("user.add", wrong).await,
            400,
            "ERROR_ARGUMENT",
            "wrong_email",
        );
    }
    let bob_hook = app.webhook(bob, &["user"], None).await;
    assert_error(
        &app.call_on(&bob_hook, "user.add", json!({"EMAIL": "eve@example.com"}))
            .await,
        400,
        "ERROR_CORE",
        "access_denied",
    );
    let basic = app.webhook(1, &["user_basic"], None).await;
    let r = app
        .call_on(&basic, "user.add", json!({"EMAIL": "eve@example.com"}))
        .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (403, json!("insufficient_scope"))
    );
    assert_eq!(
        get(&app, json!({"EMAIL": "eve@example.com"})).await["total"],
        0
    );
}

#[tokio::test]
async fn user_update_changes_own_profile_and_administrators_change_anyone() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let bob_hook = app.webhook(bob, &["user"], None).await;

    let own = app
        .call_on(
            &bob_hook,
            "user.update",
            json!({"ID": bob, "WORK_POSITION": "Sales", "UF_PHONE_INNER": "204"}),
        )
        .await;
    assert_eq!(own.json()["result"], true, "{}", own.text);
    let me = app
        .call_on(&bob_hook, "user.current", json!({}))
        .await
        .json();
    assert_eq!(
        (
            &me["result"]["WORK_POSITION"],
            &me["result"]["UF_PHONE_INNER"]
        ),
        (&json!("Sales"), &json!("204"))
    );

    for refused in [
        json!({"ID": 1, "NAME": "Mallory"}),
        json!({"ID": bob, "ACTIVE": "N"}),
    ] {
        assert_error(
            &app.call_on(&bob_hook, "user.update", refused).await,
            400,
            "ERROR_CORE",
            "access_denied",
        );
    }
    assert_eq!(
        app.ok("user.current", json!({})).await["NAME"],
        "admin name"
    );

    assert_eq!(
        app.ok("user.update", json!({"ID": bob, "NAME": "Robert"}))
            .await,
        true
    );
    assert_eq!(
        get(&app, json!({"ID": bob})).await["result"][0]["NAME"],
        "Robert"
    );
    assert_error(
        &app.call(
            "user.update",
            json!({"ID": bob, "EMAIL": "Admin@example.com"}),
        )
        .await,
        400,
        "ERROR_ARGUMENT",
        "A user with this email already exists",
    );
    assert_error(
        &app.call("user.update", json!({"ID": 999, "NAME": "x"}))
            .await,
        400,
        "ERROR_CORE",
        "access_denied",
    );
    let own_off = app
        .call("user.update", json!({"ID": 1, "ACTIVE": "N"}))
        .await;
    assert_eq!(
        (own_off.status, own_off.json()["error"].clone()),
        (400, json!("ERROR_CORE"))
    );
    assert_eq!(app.ok("user.current", json!({})).await["ACTIVE"], true);

    assert_eq!(
        app.ok("user.update", json!({"ID": bob, "ACTIVE": "N"}))
            .await,
        true
    );
    assert_eq!(
        get(&app, json!({"ID": bob})).await["result"][0]["ACTIVE"],
        false
    );
    let r = app.call_on(&bob_hook, "user.current", json!({})).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("authorization_error"))
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
