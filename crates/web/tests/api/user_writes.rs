//! `user.add` (administrators invite a colleague by e-mail; taken and wrong
//! e-mails, other callers and scopes refused; no sign-in until a password is
//! set) and `user.update` (own profile, administrators any user, `ACTIVE`
//! administrators only).
use serde_json::json;

use crate::common::{assert_error, TestApp};
use crate::ui_client::TEST_PASSWORD;
use crate::users::{all_fields, get, ids, keys};

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
