//! The messenger's and the live feed's methods as PHP clients call them:
//! form-encoded bodies with bracketed arrays (`DEST[0]=U2`,
//! `KEYBOARD[0][TEXT]=…`), a `[]` body for a method without parameters, and
//! sub-calls of `batch` that chain a result into the next call.

use serde_json::json;

use crate::common::TestApp;

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn im_and_log_methods_take_php_forms_empty_bodies_and_batch() {
    let app = TestApp::start().await;
    let bob = app.add_user("bob", false).await;
    let hook = app.webhook(1, &["im", "log"], None).await;
    let bob_hook = app.webhook(bob, &["im", "log"], None).await;

    // A notification as a form; its id is a number.
    let sent = app
        .post_raw(
            &format!("{hook}im.notify.system.add.json"),
            FORM,
            format!("USER_ID={bob}&MESSAGE=Form+%5Bb%5Dsent%5B%2Fb%5D"),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert!(sent.json()["result"].as_i64().is_some(), "{}", sent.text);

    // A message whose keyboard comes in PHP brackets.
    let message = app
        .post_raw(
            &format!("{hook}im.message.add.json"),
            FORM,
            format!(
                "DIALOG_ID={bob}&MESSAGE=Pick&KEYBOARD%5B0%5D%5BTEXT%5D=Yes\
                 &KEYBOARD%5B0%5D%5BACTION%5D=SEND&KEYBOARD%5B0%5D%5BACTION_VALUE%5D=yes"
            ),
        )
        .await;
    assert_eq!(message.status, 200, "{}", message.text);
    let id = message.json()["result"].as_i64().expect("message id");
    let history = app
        .call_on(
            &bob_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": "1"}),
        )
        .await
        .json();
    let stored = &history["result"]["messages"][0];
    assert_eq!(stored["id"], json!(id));
    assert_eq!(
        stored["params"]["KEYBOARD"]["BUTTONS"][0]["TEXT"], "Yes",
        "{stored}"
    );

    // A post whose recipients are a bracketed list: Bob sees it.
    let post = app
        .post_raw(
            &format!("{hook}log.blogpost.add.json"),
            FORM,
            format!("POST_MESSAGE=Form+post&DEST%5B0%5D=U{bob}"),
        )
        .await;
    assert_eq!(post.status, 200, "{}", post.text);
    let post_id = post.json()["result"].clone();
    let seen = app
        .call_on(&bob_hook, "log.blogpost.get", json!({"POST_ID": post_id}))
        .await
        .json();
    assert_eq!(seen["result"][0]["DETAIL_TEXT"], "Form post", "{seen}");

    // `[]` as the body of a method without parameters.
    let counters = app
        .post_raw(
            &format!("{bob_hook}im.counters.get.json"),
            "application/json",
            "[]",
        )
        .await;
    assert_eq!(counters.status, 200, "{}", counters.text);
    assert_eq!(counters.json()["result"]["TYPE"]["NOTIFY"], json!(1));

    // batch: a chat, then a message into it by the first result.
    let batch = app
        .call_on(
            &hook,
            "batch",
            json!({"halt": 1, "cmd": {
                "chat": format!("im.chat.add?USERS[0]={bob}&TITLE=Batch"),
                "hello": "im.message.add?DIALOG_ID=chat$result[chat]&MESSAGE=From+batch",
                "note": format!("im.notify.personal.add?USER_ID={bob}&MESSAGE=Batch+note"),
            }}),
        )
        .await;
    assert_eq!(batch.status, 200, "{}", batch.text);
    let result = &batch.json()["result"];
    assert_eq!(result["result_error"], json!([]), "{result}");
    let chat = result["result"]["chat"].as_i64().expect("chat id");
    let in_chat = app
        .call_on(
            &bob_hook,
            "im.dialog.messages.get",
            json!({"DIALOG_ID": format!("chat{chat}")}),
        )
        .await
        .json();
    assert_eq!(
        in_chat["result"]["messages"][0]["id"], result["result"]["hello"],
        "{in_chat}"
    );
}
