//! Notifications over HTTP: `im.notify.system.add`, `im.notify.personal.add`
//! and the legacy `im.notify` (their errors and statuses, the recipient an
//! active user, `ATTACH` checked), `im.notify.get` (shape, order, paging,
//! counts, authors), `TAG` replacement scoped to the sender (an application,
//! or a webhook with `CLIENT_ID`), `im.notify.delete` by id, tag and sub-tag
//! with its `CLIENT_ID` rules, the read methods; a user never reads, marks
//! nor deletes another's notification; a web session may not send; the
//! recipient's `/live` stream gets the `notify` update; the bell and the
//! Notifications page (rich text escaped, mark one and all read with CSRF)
//! in both languages.

use std::sync::Arc;

use portico_methods::apps::{create, AppDraft};
use portico_methods::{AuthKind, Caller, Clock};
use portico_protocol::params::Params;
use portico_web::{AppState, Limits};
use serde_json::{json, Value};

use crate::common::{assert_error, TestApp};
use crate::live::Stream;
use crate::ui_app_pages::{call_app, token_of};

/// A webhook of `user` with scope `im`.
async fn im_hook(app: &TestApp, user: i64) -> String {
    app.webhook(user, &["im"], None).await
}

/// Calls `method` on `hook` expecting success; its result.
async fn ok_on(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// Sends with `method` on `hook`; the new id.
async fn send(app: &TestApp, hook: &str, method: &str, body: Value) -> i64 {
    let id = ok_on(app, hook, method, body).await;
    id.as_i64().unwrap_or_else(|| panic!("an id: {id}"))
}

/// The ids `im.notify.get` lists to the owner of `hook`, in order.
async fn listed(app: &TestApp, hook: &str) -> Vec<i64> {
    let result = ok_on(app, hook, "im.notify.get", json!({})).await;
    result["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .map(|n| n["id"].as_i64().expect("id"))
        .collect()
}

/// The notification `id` as `im.notify.get` shows it to the owner of `hook`.
async fn shown(app: &TestApp, hook: &str, id: i64) -> Option<Value> {
    let result = ok_on(app, hook, "im.notify.get", json!({})).await;
    result["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .find(|n| n["id"] == json!(id))
        .cloned()
}

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
async fn a_tag_replaces_only_the_same_senders_notifications() {
    let app = TestApp::start().await;
    let ann = app.add_user("ann", false).await;
    let bob = app.add_user("bob", false).await;
    let hook = im_hook(&app, 1).await;
    let other_hook = im_hook(&app, 1).await;
    let ann_hook = im_hook(&app, ann).await;
    let bob_hook = im_hook(&app, bob).await;
    let tagged = |user: i64, client: Option<&str>| {
        let mut body = json!({"USER_ID": user, "MESSAGE": "Task 42 changed", "TAG": "TASK_42", "SUB_TAG": "TASK|42"});
        if let Some(client) = client {
            body["CLIENT_ID"] = json!(client);
        }
        body
    };
    let first = send(
        &app,
        &hook,
        "im.notify.system.add",
        tagged(ann, Some("crm-sync")),
    )
    .await;
    let shown_first = shown(&app, &ann_hook, first).await.expect("listed");
    assert_eq!(shown_first["notify_tag"], "MP|crm-sync|TASK_42");
    assert_eq!(shown_first["notify_sub_tag"], "MP|crm-sync|TASK|42");
    // Another webhook with the same CLIENT_ID is another sender.
    let elsewhere = send(
        &app,
        &other_hook,
        "im.notify.system.add",
        tagged(ann, Some("crm-sync")),
    )
    .await;
    // Without CLIENT_ID a webhook's tags are ignored: nothing is replaced.
    let untagged = send(&app, &hook, "im.notify.system.add", tagged(ann, None)).await;
    let untagged_shown = shown(&app, &ann_hook, untagged).await.expect("listed");
    assert_eq!(
        (
            untagged_shown["notify_tag"].clone(),
            untagged_shown["notify_sub_tag"].clone()
        ),
        (json!(""), json!(""))
    );
    // The same sender and tag replaces the older one, whoever got it.
    let replacing = send(
        &app,
        &hook,
        "im.notify.personal.add",
        tagged(bob, Some("crm-sync")),
    )
    .await;
    assert_eq!(listed(&app, &ann_hook).await, [untagged, elsewhere]);
    assert_eq!(listed(&app, &bob_hook).await, [replacing]);

    // An application's tags are its own: `MP|{app id}|`.
    let creds = create(
        app.store.as_ref(),
        &app.secrets,
        AppDraft {
            name: "Notifier".into(),
            handler_url: "https://app.example.com/handler".into(),
            install_url: None,
            script_only: false,
            menu_texts: vec![("en".into(), "Notifier".into())],
            scopes: vec!["im".into()],
        },
        1,
        1_700_000_000,
    )
    .await
    .expect("app");
    app.store
        .set_app_installed(creds.id, 1_700_000_001)
        .await
        .expect("installed");
    let token = token_of(&app, 1, creds.id).await;
    let (status, answer) = call_app(
        &app,
        &token,
        "im.notify.system.add",
        tagged(bob, Some("ignored")),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let from_app = answer["result"].as_i64().expect("id");
    let app_shown = shown(&app, &bob_hook, from_app).await.expect("listed");
    assert_eq!(app_shown["notify_tag"], format!("MP|{}|TASK_42", creds.id));
    assert_eq!(
        listed(&app, &bob_hook).await,
        [from_app, replacing],
        "different senders"
    );

    // Deleting by tag: a webhook needs CLIENT_ID; only the sender's go.
    let r = app
        .call_on(&hook, "im.notify.delete", json!({"TAG": "TASK_42"}))
        .await;
    assert_error(
        &r,
        403,
        "ACCESS_DENIED",
        "Access denied! Client ID not specified",
    );
    let r = app.call_on(&hook, "im.notify.delete", json!({})).await;
    assert_error(&r, 400, "PARAMS_ERROR", "Incorrect params");
    let r = app
        .call_on(&hook, "im.notify.delete", json!({"ID": 0, "TAG": " "}))
        .await;
    assert_error(&r, 400, "PARAMS_ERROR", "Incorrect params");
    assert_eq!(
        ok_on(
            &app,
            &hook,
            "im.notify.delete",
            json!({"TAG": "TASK_42", "CLIENT_ID": "crm-sync"})
        )
        .await,
        json!(true)
    );
    assert_eq!(listed(&app, &bob_hook).await, [from_app]);
    assert_eq!(listed(&app, &ann_hook).await, [untagged, elsewhere]);
    assert_eq!(
        ok_on(
            &app,
            &other_hook,
            "im.notify.delete",
            json!({"SUB_TAG": "TASK|42", "CLIENT_ID": "crm-sync"})
        )
        .await,
        json!(true)
    );
    assert_eq!(listed(&app, &ann_hook).await, [untagged]);
    let (status, answer) = call_app(
        &app,
        &token,
        "im.notify.delete",
        json!({"SUB_TAG": "TASK|42"}),
    )
    .await;
    assert_eq!((status, answer["result"].clone()), (200, json!(true)));
    assert!(listed(&app, &bob_hook).await.is_empty());
}

#[tokio::test]
async fn only_the_recipient_reads_marks_and_deletes_by_id() {
    let app = TestApp::start().await;
    let ann = app.add_user("ann", false).await;
    let bob = app.add_user("bob", false).await;
    let hook = im_hook(&app, 1).await;
    let ann_hook = im_hook(&app, ann).await;
    let bob_hook = im_hook(&app, bob).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(
            send(
                &app,
                &hook,
                "im.notify.system.add",
                json!({"USER_ID": ann, "MESSAGE": format!("n{i}")}),
            )
            .await,
        );
    }
    let unread = |result: &Value| result["total_unread_count"].clone();
    let flags = |result: &Value| -> Vec<String> {
        result["notifications"]
            .as_array()
            .expect("list")
            .iter()
            .rev()
            .map(|n| n["notify_read"].as_str().expect("flag").to_owned())
            .collect()
    };

    // Bob cannot touch Ann's notifications.
    for (method, body) in [
        ("im.notify.read", json!({"ID": ids[0], "ONLY_CURRENT": "Y"})),
        ("im.notify.read", json!({"ID": ids[0]})),
        ("im.notify.read.list", json!({"IDS": [ids[1]]})),
        ("im.notify.read.all", json!({})),
    ] {
        assert_eq!(ok_on(&app, &bob_hook, method, body).await, json!(true));
    }
    assert_eq!(
        ok_on(&app, &bob_hook, "im.notify.delete", json!({"ID": ids[0]})).await,
        json!(false)
    );
    let state = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(unread(&state), 4);
    assert!(listed(&app, &bob_hook).await.is_empty());

    // Ann marks: one, then from an id on, unread again by list, all.
    assert_eq!(
        ok_on(
            &app,
            &ann_hook,
            "im.notify.read",
            json!({"ID": ids[1], "ONLY_CURRENT": "Y"})
        )
        .await,
        json!(true)
    );
    let state = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(flags(&state), ["N", "Y", "N", "N"]);
    ok_on(&app, &ann_hook, "im.notify.read", json!({"ID": ids[2]})).await;
    let state = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(flags(&state), ["N", "Y", "Y", "Y"]);
    assert_eq!(unread(&state), 1);
    ok_on(
        &app,
        &ann_hook,
        "im.notify.read",
        json!({"ID": ids[3], "ACTION": "N", "ONLY_CURRENT": "Y"}),
    )
    .await;
    // The list stops at the first id that is not positive.
    ok_on(
        &app,
        &ann_hook,
        "im.notify.read.list",
        json!({"IDS": [ids[0], ids[1], 0, ids[2]], "ACTION": "N"}),
    )
    .await;
    let state = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(flags(&state), ["N", "N", "Y", "N"]);
    ok_on(
        &app,
        &ann_hook,
        "im.notify.read.list",
        json!({"IDS": [ids[0]]}),
    )
    .await;
    let state = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(flags(&state), ["Y", "N", "Y", "N"]);
    // Without an ID nothing changes.
    assert_eq!(
        ok_on(&app, &ann_hook, "im.notify.read", json!({})).await,
        json!(true)
    );
    for body in [json!({}), json!({"IDS": 5}), json!({"IDS": "1,2"})] {
        let r = app.call_on(&ann_hook, "im.notify.read.list", body).await;
        assert_error(
            &r,
            400,
            "PARAMS_ERROR",
            "No IDS param or it is not an array",
        );
    }
    ok_on(&app, &ann_hook, "im.notify.read.all", json!({})).await;
    let state = ok_on(&app, &ann_hook, "im.notify.get", json!({})).await;
    assert_eq!(flags(&state), ["Y", "Y", "Y", "Y"]);
    assert_eq!(unread(&state), 0);

    // Ann deletes her own.
    assert_eq!(
        ok_on(&app, &ann_hook, "im.notify.delete", json!({"ID": ids[0]})).await,
        json!(true)
    );
    assert_eq!(
        ok_on(&app, &ann_hook, "im.notify.delete", json!({"ID": ids[0]})).await,
        json!(false)
    );
    assert_eq!(listed(&app, &ann_hook).await, [ids[3], ids[2], ids[1]]);
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

#[tokio::test]
async fn the_recipients_live_stream_gets_the_notify_update() {
    let app = TestApp::start().await;
    let ann = app.add_user("ann", false).await;
    let hook = im_hook(&app, 1).await;
    let ui = app.sign_in_as(ann).await;
    let session = ui.cookie("portico_session").expect("session");
    let mut stream = Stream::open(&app, &session, None).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // One for someone else first: Ann's stream does not carry it.
    send(
        &app,
        &hook,
        "im.notify.system.add",
        json!({"USER_ID": 1, "MESSAGE": "admin's"}),
    )
    .await;
    let id = send(
        &app,
        &hook,
        "im.notify.system.add",
        json!({"USER_ID": ann, "MESSAGE": "Hello"}),
    )
    .await;
    let (_, update) = stream.next().await;
    assert_eq!(
        update,
        json!({"kind": "notify", "data": {"action": "add", "id": id, "count": 1, "unread": 1}})
    );
    let ann_hook = im_hook(&app, ann).await;
    ok_on(&app, &ann_hook, "im.notify.read.all", json!({})).await;
    let (_, update) = stream.next().await;
    assert_eq!(
        update,
        json!({"kind": "notify", "data": {"action": "read", "id": id, "count": 1, "unread": 0}})
    );
}

/// The bell's count on a page.
fn bell_count(body: &str) -> String {
    let at = body.find(r#"id="bell-count""#).expect("the bell");
    let rest = &body[at..];
    let start = rest.find('>').expect("tag end") + 1;
    let end = rest[start..].find('<').expect("text end");
    rest[start..start + end].to_owned()
}

#[tokio::test]
async fn the_bell_and_the_notifications_page() {
    let app = TestApp::start().await;
    let ann = app.add_user("ann", false).await;
    let bob = app.add_user("bob", false).await;
    let hook = im_hook(&app, 1).await;
    let ui = app.sign_in_as(ann).await;
    let page = ui.get("/tasks").await;
    assert_eq!(page.status, 200);
    assert_eq!(bell_count(&page.body), "0");
    assert!(
        page.contains(r#"<span class="bell-count" id="bell-count" data-count="0" hidden>"#),
        "{}",
        page.body
    );
    assert!(page.contains(r#"<script src="/static/notifications.js" defer>"#));

    let hostile = send(
        &app,
        &hook,
        "im.notify.system.add",
        json!({"USER_ID": ann, "MESSAGE": "\"><script>alert(1)</script> [url=javascript:alert(1)]click[/url]"}),
    )
    .await;
    let rich = send(
        &app,
        &hook,
        "im.notify.personal.add",
        json!({"USER_ID": ann, "MESSAGE": "Deal [b]won[/b]", "ATTACH": [{"LINK": {"LINK": "https://example.com/deal/1", "NAME": "Deal #1"}}]}),
    )
    .await;
    send(
        &app,
        &hook,
        "im.notify.system.add",
        json!({"USER_ID": bob, "MESSAGE": "for Bob"}),
    )
    .await;
    let page = ui.get("/workgroups").await;
    assert_eq!(bell_count(&page.body), "2");

    let list = ui.get("/notifications").await;
    assert_eq!(list.status, 200);
    let body = &list.body;
    assert!(
        body.contains("<h1 id=\"notifications-title\">Notifications</h1>"),
        "{body}"
    );
    assert!(body.contains("2 unread notifications"), "{body}");
    assert!(body.contains("Deal <b>won</b>"), "{body}");
    assert!(body.contains(r#"<a href="https://example.com/deal/1" target="_blank" rel="nofollow noopener noreferrer">Deal #1</a>"#), "{body}");
    assert!(
        body.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; click"),
        "{body}"
    );
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("javascript:"), "{body}");
    assert!(!body.contains("for Bob"), "{body}");
    assert!(body.contains(&format!(r#"id="notification-{rich}""#)));
    assert!(
        body.find(&format!("notification-{rich}")) < body.find(&format!("notification-{hostile}")),
        "newest first"
    );
    assert!(body.contains("admin name admin last"), "the author: {body}");
    assert!(body.contains(">System<"), "{body}");
    assert_eq!(body.matches("class=\"notification unread\"").count(), 2);

    // Mark one read: a form with the session's CSRF token.
    let csrf = list.csrf();
    let no_token = ui
        .post_form(&format!("/notifications/{hostile}/read"), &[])
        .await;
    assert_eq!(no_token.status, 403);
    let done = ui
        .post_form(
            &format!("/notifications/{hostile}/read"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!((done.status, done.location()), (303, "/notifications"));
    let list = ui.get("/notifications").await;
    assert_eq!(bell_count(&list.body), "1");
    assert!(list.contains("One unread notification"), "{}", list.body);
    assert_eq!(
        list.body.matches("class=\"notification unread\"").count(),
        1
    );
    // Another's notification id changes nothing.
    let bob_note = send(
        &app,
        &hook,
        "im.notify.system.add",
        json!({"USER_ID": bob, "MESSAGE": "again"}),
    )
    .await;
    ui.post_form(
        &format!("/notifications/{bob_note}/read"),
        &[("csrf", &csrf)],
    )
    .await;
    let bob_ui = app.sign_in_as(bob).await;
    assert_eq!(bell_count(&bob_ui.get("/tasks").await.body), "2");

    // The fragment the script fetches.
    let items = ui.get("/notifications/items").await;
    assert_eq!(items.status, 200);
    assert!(
        items
            .body
            .starts_with(r#"<section id="notification-list" data-unread="1">"#),
        "{}",
        items.body
    );
    assert!(!items.body.contains("<html"));

    // Mark all read.
    let done = ui
        .post_form("/notifications/read-all", &[("csrf", &csrf)])
        .await;
    assert_eq!(done.location(), "/notifications");
    let list = ui.get("/notifications").await;
    assert_eq!(bell_count(&list.body), "0");
    assert!(list.contains("No unread notifications"));
    assert!(!list.contains("id=\"notifications-read-all\""));

    // In Portuguese.
    app.store
        .set_user_setting(ann, "lang", "pt-BR")
        .await
        .expect("setting");
    let pt = ui.get("/notifications").await;
    assert!(
        pt.contains("<h1 id=\"notifications-title\">Notificações</h1>"),
        "{}",
        pt.body
    );
    assert!(pt.contains("Nenhuma notificação não lida"), "{}", pt.body);
    assert!(pt.contains(">Sistema<"), "{}", pt.body);

    // A user without notifications; a bad page cursor.
    let admin_ui = app.sign_in_as(1).await;
    let empty = admin_ui.get("/notifications").await;
    assert!(empty.contains("No notifications yet."), "{}", empty.body);
    assert_eq!(admin_ui.get("/notifications?after=abc").await.status, 404);
}
