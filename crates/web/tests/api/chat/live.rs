//! A message written through a webhook reaches the `/live` streams of the
//! chat's members (and nobody else's) as one `message` row naming the chat,
//! each member's dialog id and the message; membership changes and read
//! marks come as `chat` and `chat_read` rows.

use std::time::Duration;

use serde_json::json;

use super::Chatters;
use crate::live::Stream;

#[tokio::test]
async fn members_streams_carry_their_chats_updates() {
    let c = Chatters::start().await;
    let bob_ui = c.app.sign_in_as(c.bob).await;
    let carol_ui = c.app.sign_in_as(c.carol).await;
    let session = |ui: &crate::ui_client::UiClient| ui.cookie("portico_session").expect("session");
    let mut bob = Stream::open(&c.app, &session(&bob_ui), None).await;
    let mut carol = Stream::open(&c.app, &session(&carol_ui), None).await;
    // Give the streams a moment to subscribe, then write.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let to_bob = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": c.bob.to_string(), "MESSAGE": "for Bob"}),
        )
        .await;
    let to_carol = c
        .ok(
            &c.admin,
            "im.message.add",
            json!({"DIALOG_ID": c.carol.to_string(), "MESSAGE": "for Carol"}),
        )
        .await;

    let (_, update) = bob.next().await;
    assert_eq!(update["kind"], "message");
    let data = &update["data"];
    assert_eq!(
        (
            data["change"].clone(),
            data["message_id"].clone(),
            data["author_id"].clone(),
            data["chat_type"].clone()
        ),
        (json!("add"), to_bob.clone(), json!(1), json!("P"))
    );
    assert_eq!(
        data["dialog_ids"][c.bob.to_string()],
        "1",
        "Bob's dialog id of the chat is the admin"
    );
    assert_eq!(data["dialog_ids"]["1"], json!(c.bob.to_string()));
    let bobs_chat = data["chat_id"].clone();
    // Carol's first update is her own message: she never got Bob's.
    let (_, update) = carol.next().await;
    assert_eq!(
        (update["kind"].clone(), update["data"]["message_id"].clone()),
        (json!("message"), to_carol)
    );
    assert_ne!(update["data"]["chat_id"], bobs_chat);

    // Bob reads: his stream (only) learns the new read mark.
    c.ok(&c.bob_hook, "im.dialog.read", json!({"DIALOG_ID": "1"}))
        .await;
    let (_, update) = bob.next().await;
    assert_eq!(
        update,
        json!({"kind": "chat_read", "data": {"chat_id": bobs_chat, "last_read_id": to_bob}})
    );

    // A group chat with both: one row each, with the chat's dialog id.
    let chat = c
        .ok(&c.admin, "im.chat.add", json!({"USERS": [c.bob, c.carol]}))
        .await;
    for stream in [&mut bob, &mut carol] {
        let (_, update) = stream.next().await;
        assert_eq!(
            (
                update["kind"].clone(),
                update["data"]["change"].clone(),
                update["data"]["chat_id"].clone()
            ),
            (json!("chat"), json!("create"), chat.clone())
        );
        assert_eq!(
            update["data"]["dialog_ids"][c.carol.to_string()],
            json!(format!("chat{chat}"))
        );
    }
    c.ok(
        &c.admin,
        "im.chat.user.delete",
        json!({"CHAT_ID": chat, "USER_ID": c.carol}),
    )
    .await;
    let (_, update) = carol.next().await;
    assert_eq!(
        (update["kind"].clone(), update["data"]["change"].clone()),
        (json!("chat"), json!("leave")),
        "the one removed learns it too"
    );
    let edited = c
        .ok(
            &c.bob_hook,
            "im.message.add",
            json!({"DIALOG_ID": format!("chat{chat}"), "MESSAGE": "x"}),
        )
        .await;
    c.ok(
        &c.bob_hook,
        "im.message.update",
        json!({"MESSAGE_ID": edited, "MESSAGE": "y"}),
    )
    .await;
    let mut changes = Vec::new();
    while changes.len() < 3 {
        let (_, update) = bob.next().await;
        changes.push((update["kind"].clone(), update["data"]["change"].clone()));
    }
    assert_eq!(
        changes,
        [
            (json!("chat"), json!("leave")),
            (json!("message"), json!("add")),
            (json!("message"), json!("update"))
        ]
    );
}
