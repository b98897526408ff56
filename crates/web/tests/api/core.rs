//! `basic` and `user` methods: methods, method.get, scope, profile, user.current,
//! user.get, user.fields.

use serde_json::json;

use crate::common::TestApp;

#[tokio::test]
async fn methods_method_get_scope_profile() {
    let app = TestApp::start().await;
    let crm_only = app.webhook(1, &["crm"], None).await;
    let r = app.call_on(&crm_only, "methods", json!({})).await.json();
    let names: Vec<&str> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"crm.lead.add") && names.contains(&"batch") && !names.contains(&"user.get")
    );
    let all = app
        .call_on(&crm_only, "methods", json!({"full": true}))
        .await
        .json();
    assert!(all["result"]
        .as_array()
        .unwrap()
        .contains(&json!("user.get")));
    let user_scope = app
        .call_on(&crm_only, "methods", json!({"scope": "user"}))
        .await
        .json();
    assert_eq!(
        user_scope["result"],
        json!([
            "user.current",
            "user.get",
            "user.search",
            "user.fields",
            "user.add",
            "user.update"
        ])
    );
    assert_eq!(
        app.call_on(&crm_only, "method.get", json!({"name": "USER.GET"}))
            .await
            .json()["result"],
        json!({"isExisting": true, "isAvailable": false})
    );
    assert_eq!(
        app.call_on(&crm_only, "method.get", json!({"name": "nope"}))
            .await
            .json()["result"],
        json!({"isExisting": false, "isAvailable": false})
    );
    assert_eq!(
        app.call_on(&crm_only, "scope", json!({})).await.json()["result"],
        json!(["crm"])
    );
    assert_eq!(
        app.call_on(&crm_only, "scope", json!({"full": true}))
            .await
            .json()["result"],
        json!([
            "crm",
            "department",
            "im",
            "imbot",
            "log",
            "placement",
            "sonet_group",
            "task",
            "user",
            "user.userfield",
            "user_basic",
            "user_brief"
        ])
    );
    assert_eq!(
        app.ok("profile", json!({})).await,
        json!({"ID": "1", "ADMIN": true, "NAME": "admin name", "LAST_NAME": "admin last", "PERSONAL_GENDER": "", "TIME_ZONE": ""})
    );
}

#[tokio::test]
async fn users() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let carol = app.add_user("carol", false).await;
    app.store.set_user_active(carol, false).await.unwrap();
    let me = app.ok("user.current", json!({})).await;
    assert_eq!(me["ID"], "1");
    assert_eq!(me["ACTIVE"], true);
    assert_eq!(me["EMAIL"], "admin@example.com");
    assert_eq!(me["DATE_REGISTER"], "2023-11-14T22:13:20+00:00");
    let active = app
        .call("user.get", json!({"FILTER": {"ACTIVE": true}}))
        .await
        .json();
    assert_eq!(active["total"], 2);
    let ids: Vec<&str> = active["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["ID"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1", &bob.to_string()]);
    let sorted = app
        .call("user.get", json!({"sort": "ID", "order": "DESC"}))
        .await
        .json();
    assert_eq!(sorted["result"][0]["ID"], carol.to_string());
    assert_eq!(sorted["result"][0]["ACTIVE"], false);
    let by_id = app
        .get(&format!("{}user.get.json?ID={bob}", app.hook))
        .await
        .json();
    assert_eq!(by_id["result"][0]["NAME"], "bob name");
    let by_name = app
        .call("user.get", json!({"filter": {"%LAST_NAME": "CAROL"}}))
        .await
        .json();
    assert_eq!(by_name["result"][0]["ID"], carol.to_string());
    let fields = app.ok("user.fields", json!({})).await;
    assert_eq!(fields["EMAIL"], "E-mail");
    // `user_brief` leaves out contact fields.
    let brief = app.webhook(1, &["user_brief"], None).await;
    let me = app.call_on(&brief, "user.current", json!({})).await.json();
    assert!(me["result"].get("EMAIL").is_none() && me["result"]["NAME"] == "admin name");
    let r = app
        .call_on(
            &brief,
            "user.get",
            json!({"FILTER": {"EMAIL": "bob@example.com"}}),
        )
        .await;
    assert_eq!(r.status, 400);
}
