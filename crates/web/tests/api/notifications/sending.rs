//! Sending and listing: the errors and statuses of the sending methods,
//! what `im.notify.get` answers, and a web session refused.

use std::sync::Arc;

use portico_methods::{AuthKind, Caller, Clock};
use portico_protocol::params::Params;
use portico_web::{AppState, Limits};
use serde_json::{json, Value};

use super::{im_hook, listed, ok_on, send};
use crate::common::{assert_error, TestApp};

#[tokio::test]
async fn sending_refuses_what_bitrix24_refuses() {
    let app = TestApp::start().await;
    let ann = app.add_user("ann", false).await;
    let hook = im_hook(&app, 1).await;
    for method in [
        "im.notify.system.add",
        "im.notify.personal.add",
        "im.notify",
    ] {
        for body in [
            json!({"MESSAGE": "x"}),
            json!({"USER_ID": 0, "MESSAGE": "x"}),
            json!({"USER_ID": -3, "MESSAGE": "x"}),
            json!({"USER_ID": "abc", "MESSAGE": "x"}),
        ] {
            let r = app.call_on(&hook, method, body).await;
            assert_error(&r, 400, "USER_ID_EMPTY", "User ID can't be empty");
        }
        for body in [
            json!({"USER_ID": ann}),
            json!({"USER_ID": ann, "MESSAGE": " \n "}),
        ] {
            let r = app.call_on(&hook, method, body).await;
            assert_error(&r, 400, "MESSAGE_EMPTY", "Message can't be empty");
        }
        let r = app
            .call_on(
                &hook,
                method,
                json!({"USER_ID": ann, "MESSAGE": "x", "ATTACH": "{oops"}),
            )
            .await;
        assert_error(&r, 400, "ATTACH_ERROR", "Incorrect attach params");
        let bad_link = json!([{"LINK": {"LINK": "javascript:alert(1)"}}]);
        let r = app
            .call_on(
                &hook,
                method,
                json!({"USER_ID": ann, "MESSAGE": "x", "ATTACH": bad_link}),
            )
            .await;
        assert_error(&r, 400, "ATTACH_ERROR", "Incorrect attach params");
        let big = json!([{"MESSAGE": "x".repeat(60_001)}]);
        let r = app
            .call_on(
                &hook,
                method,
                json!({"USER_ID": ann, "MESSAGE": "x", "ATTACH": big}),
            )
            .await;
        assert_error(
            &r,
            400,
            "ATTACH_OVERSIZE",
            "You have exceeded the maximum allowable size of attach",
        );
        let r = app
            .call_on(&hook, method, json!({"USER_ID": 999, "MESSAGE": "x"}))
            .await;
        assert_error(&r, 400, "USER_NOT_FOUND", "User not found");
    }
    app.store
        .set_user_active(ann, false)
        .await
        .expect("deactivate");
    let r = app
        .call_on(
            &hook,
            "im.notify.system.add",
            json!({"USER_ID": ann, "MESSAGE": "x"}),
        )
        .await;
    assert_error(&r, 400, "USER_NOT_FOUND", "User not found");
    // Without the `im` scope.
    let r = app
        .call(
            "im.notify.system.add",
            json!({"USER_ID": 1, "MESSAGE": "x"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (403, json!("insufficient_scope"))
    );
    // Nothing was stored by the refused calls.
    let admin_hook = im_hook(&app, 1).await;
    assert!(listed(&app, &admin_hook).await.is_empty());
}

#[tokio::test]
async fn sent_notifications_are_listed_with_their_authors_newest_first() {
    let app = TestApp::start().await;
    let ann = app.add_user("ann", false).await;
    let admin_hook = im_hook(&app, 1).await;
    let ann_hook = im_hook(&app, ann).await;
    let empty = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(empty, json!({"notifications": [], "users": []}));

    let attach = json!({"COLOR_TOKEN": "primary", "BLOCKS": [{"MESSAGE": "[b]42[/b]"}]});
    let system = send(
        &app,
        &admin_hook,
        "im.notify.system.add",
        json!({"USER_ID": ann, "MESSAGE": "  Deal [b]won[/b]  ", "MESSAGE_OUT": "Deal won", "ATTACH": attach.to_string()}),
    )
    .await;
    let personal = send(
        &app,
        &admin_hook,
        "im.notify.personal.add",
        json!({"USER_ID": ann, "MESSAGE": "From the admin"}),
    )
    .await;
    let legacy_user = send(
        &app,
        &admin_hook,
        "im.notify",
        json!({"USER_ID": ann, "MESSAGE": "legacy"}),
    )
    .await;
    let legacy_system = send(
        &app,
        &admin_hook,
        "im.notify",
        json!({"USER_ID": ann, "MESSAGE": "legacy system", "TYPE": "system"}),
    )
    .await;
    assert!(system < personal && personal < legacy_user && legacy_user < legacy_system);

    let result = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(result["total_count"], 4);
    assert_eq!(result["total_unread_count"], 4);
    assert_eq!(result["chat_id"], 0);
    let notes = result["notifications"].as_array().expect("list");
    let ids: Vec<i64> = notes
        .iter()
        .map(|n| n["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [legacy_system, legacy_user, personal, system]);
    let first = notes.last().expect("system").clone();
    let date = first["date"].as_str().expect("date").to_owned();
    assert!(
        chrono::DateTime::parse_from_rfc3339(&date).is_ok(),
        "{date}"
    );
    assert_eq!(
        first,
        json!({
            "id": system, "chat_id": 0, "author_id": 0, "date": date, "notify_type": 4,
            "notify_module": "rest", "notify_event": "rest_notify", "notify_tag": "",
            "notify_sub_tag": "", "notify_title": "", "setting_name": "rest|rest_notify",
            "text": "Deal [b]won[/b]", "notify_read": "N",
            "params": {"ATTACH": [{"ID": 1, "COLOR_TOKEN": "primary", "BLOCKS": [{"MESSAGE": "[b]42[/b]"}]}]},
        })
    );
    let by_id = |id: i64| notes.iter().find(|n| n["id"] == json!(id)).expect("listed");
    assert_eq!(
        (
            by_id(personal)["author_id"].clone(),
            by_id(personal)["notify_type"].clone()
        ),
        (json!(1), json!(2))
    );
    assert_eq!(by_id(personal)["params"], Value::Null);
    assert_eq!(by_id(legacy_user)["author_id"], 1);
    assert_eq!(
        (
            by_id(legacy_system)["author_id"].clone(),
            by_id(legacy_system)["notify_type"].clone()
        ),
        (json!(0), json!(4))
    );
    let users = result["users"].as_array().expect("users");
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0]["id"], 1);
    assert_eq!(users[0]["name"], "admin name admin last");
    assert_eq!(users[0]["first_name"], "admin name");
    assert_eq!(users[0]["type"], "user");
    // The admin has none of them.
    assert!(listed(&app, &admin_hook).await.is_empty());

    // Pages: LIMIT, then LAST_ID + LAST_TYPE 3; type 1 starts over.
    let page = ok_on(&app, &ann_hook, "im.notify.get", json!({"LIMIT": 2})).await;
    let page_ids: Vec<Value> = page["notifications"]
        .as_array()
        .expect("page")
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    assert_eq!(page_ids, [json!(legacy_system), json!(legacy_user)]);
    assert_eq!(page["total_count"], 4, "counts are of all of them");
    let next = ok_on(
        &app,
        &ann_hook,
        "im.notify.get",
        json!({"LIMIT": 2, "LAST_ID": legacy_user, "LAST_TYPE": 3}),
    )
    .await;
    let next_ids: Vec<Value> = next["notifications"]
        .as_array()
        .expect("page")
        .iter()
        .map(|n| n["id"].clone())
        .collect();
    assert_eq!(next_ids, [json!(personal), json!(system)]);
    let restart = ok_on(
        &app,
        &ann_hook,
        "im.notify.get",
        json!({"LIMIT": 1, "LAST_ID": system, "LAST_TYPE": 1}),
    )
    .await;
    assert_eq!(restart["notifications"][0]["id"], legacy_system);
    let r = app
        .call_on(&ann_hook, "im.notify.get", json!({"LAST_ID": system}))
        .await;
    assert_error(
        &r,
        400,
        "LAST_ID_AND_LAST_TYPE",
        "Parameters LAST_ID and LAST_TYPE should be used together.",
    );
    let r = app
        .call_on(
            &ann_hook,
            "im.notify.get",
            json!({"LAST_ID": "abc", "LAST_TYPE": 3}),
        )
        .await;
    assert_error(
        &r,
        400,
        "LAST_ID_STRING",
        "Last notification ID can't be string",
    );
    let capped = ok_on(&app, &ann_hook, "im.notify.get", json!({"LIMIT": 500})).await;
    assert_eq!(capped["notifications"].as_array().expect("list").len(), 4);
}

#[tokio::test]
async fn a_web_session_may_not_send_nor_delete_by_tag() {
    let app = TestApp::start().await;
    let state = AppState::new(
        app.store.clone(),
        Arc::new(portico_methods::registry()),
        app.secrets.clone(),
        Clock::default(),
        Limits {
            max_body_bytes: crate::common::TEST_BODY_LIMIT,
        },
        false,
    );
    let admin = app.store.user_by_id(1).await.expect("read").expect("admin");
    let call = |method: &'static str, body: Value| {
        let ctx = state.ctx(Arc::new(Caller::new(
            admin.clone(),
            vec!["im".into()],
            AuthKind::WebSession,
        )));
        let map = body.as_object().cloned().unwrap_or_default();
        portico_methods::call(ctx, method, Params::new(map))
    };
    for method in [
        "im.notify.system.add",
        "im.notify.personal.add",
        "im.notify",
    ] {
        let e = call(method, json!({"USER_ID": 1, "MESSAGE": "x"}))
            .await
            .expect_err("refused");
        assert_eq!(
            (e.code.as_str(), e.status, e.description.as_ref()),
            (
                "WRONG_AUTH_TYPE",
                403,
                "Access for this method not allowed by session authorization."
            )
        );
    }
    let e = call("im.notify.delete", json!({"TAG": "T", "CLIENT_ID": "x"}))
        .await
        .expect_err("refused");
    assert_eq!((e.code.as_str(), e.status), ("PARAMS_ERROR", 400));
    let listed = call("im.notify.get", json!({})).await.expect("reads");
    assert_eq!(listed.result["notifications"], json!([]));
}
