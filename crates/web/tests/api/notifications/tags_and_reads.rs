//! Tags scoped to their sender, deleting by id, tag and sub-tag, and the
//! read methods, each only on the caller's own notifications.

use portico_methods::apps::{create, AppDraft};
use serde_json::{json, Value};

use super::{im_hook, listed, ok_on, send, shown};
use crate::common::{assert_error, TestApp};
use crate::ui_app_pages::{call_app, token_of};

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
