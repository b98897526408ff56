//! The Chat page through the UI client: the dialog list with unread
//! counters, a dialog's messages (escaped, keyboards rendered safely), the
//! send form (CSRF), the fragments the page's script fetches, a command
//! button pressed (it writes no message), a group chat created from the
//! form, joining and leaving, and a chat nobody may see answered 404.

use serde_json::json;

use super::Chatters;

#[tokio::test]
async fn the_chat_page_lists_dialogs_shows_messages_and_sends() {
    let c = Chatters::start().await;
    let bob = c.bob.to_string();
    let body = json!({"DIALOG_ID": bob, "MESSAGE": "Hi <script>alert(1)</script> [b]bold[/b]",
        "KEYBOARD": [{"TEXT": "Help", "COMMAND": "help", "COMMAND_PARAMS": "all"},
                     {"TEXT": "Docs", "LINK": "https://example.com/docs"},
                     {"TEXT": "Fill", "ACTION": "PUT", "ACTION_VALUE": "/status"},
                     {"TEXT": "Local", "LINK": "/local/page"}]});
    let first = c.ok(&c.admin, "im.message.add", body).await;
    let ui = c.app.sign_in_as(c.bob).await;

    let list = ui.get("/chat").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.contains(r#"href="/chat/1""#), "{}", list.body);
    assert!(
        list.contains(r#"class="badge chat-unread" data-count="1""#),
        "{}",
        list.body
    );
    assert!(list.contains(r#"id="chat-group-form""#));
    assert!(list.contains(r#"src="/static/chat.js""#));

    let page = ui.get("/chat/1").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.contains(&format!(r#"id="message-{first}""#)));
    assert!(
        page.contains("Hi &lt;script&gt;alert(1)&lt;/script&gt; <b>bold</b>"),
        "{}",
        page.body
    );
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains(r#"action="/chat/1/command""#),
        "a COMMAND button is a form"
    );
    assert!(page.contains(r#"href="https://example.com/docs""#));
    assert!(page.contains(r#"data-command="/status""#));
    assert!(
        !page.contains(r#"href="/local/page""#),
        "keyboard links are http(s) only"
    );
    // Opening the dialog read it.
    let after = ui.get("/chat").await;
    assert!(!after.contains("chat-unread"), "{}", after.body);

    // Sending needs the session's token.
    let refused = ui
        .post_form("/chat/1/messages", &[("message", "no token")])
        .await;
    assert_eq!(refused.status, 403);
    let sent = ui
        .submit("/chat/1", "/chat/1/messages", &[("message", "Thanks!")])
        .await;
    assert_eq!(sent.location(), "/chat/1");
    let newest = c.messages(&c.admin, &bob).await[0].clone();
    assert_eq!(
        (newest["text"].clone(), newest["author_id"].clone()),
        (json!("Thanks!"), json!(c.bob))
    );
    let empty = ui
        .submit("/chat/1", "/chat/1/messages", &[("message", "  ")])
        .await;
    assert_eq!(empty.status, 400);

    // The fragments of the page's script: messages after an id, one message, the list.
    let fragment = ui.get(&format!("/chat/1/messages?after={first}")).await;
    assert_eq!(fragment.status, 200);
    assert!(
        fragment.contains("Thanks!") && !fragment.contains(&format!(r#"id="message-{first}""#)),
        "{}",
        fragment.body
    );
    assert!(
        !fragment.contains("<html"),
        "a fragment has no page around it"
    );
    let one = ui.get(&format!("/chat/1/messages?id={first}")).await;
    assert!(
        one.contains(&format!(r#"id="message-{first}""#)) && !one.contains("Thanks!"),
        "{}",
        one.body
    );
    let recent = ui.get("/chat/recent?current=1").await;
    assert!(
        recent.contains(r#"id="chat-recent""#) && recent.contains(r#"aria-current="page""#),
        "{}",
        recent.body
    );
    assert_eq!(ui.get("/chat/1/messages").await.status, 400);

    // The command button goes to the keyboard's bot (none here): no
    // message is written.
    let before = c.messages(&c.admin, &bob).await[0]["id"].clone();
    let pressed = ui
        .submit(
            "/chat/1",
            "/chat/1/command",
            &[("message", &first.to_string()), ("button", "0")],
        )
        .await;
    assert_eq!(pressed.location(), "/chat/1");
    assert_eq!(c.messages(&c.admin, &bob).await[0]["id"], before);
    let not_a_command = ui
        .submit(
            "/chat/1",
            "/chat/1/command",
            &[("message", &first.to_string()), ("button", "1")],
        )
        .await;
    assert_eq!(not_a_command.status, 400);
}

#[tokio::test]
async fn group_chats_from_the_page_and_what_outsiders_see() {
    let c = Chatters::start().await;
    let ui = c.app.sign_in_as(c.bob).await;
    let carol = c.carol.to_string();
    let created = ui
        .submit(
            "/chat",
            "/chat/groups",
            &[
                ("title", "Design <team>"),
                ("type", "CHAT"),
                ("users", &carol),
                ("users", "1"),
            ],
        )
        .await;
    let path = created.location().to_owned();
    assert!(path.starts_with("/chat/chat"), "{path}");
    let page = ui.get(&path).await;
    assert!(page.contains("Design &lt;team&gt;"), "{}", page.body);
    assert!(page.contains(&format!(r#"data-user="{}""#, c.carol)));
    let chat_id: i64 = path.trim_start_matches("/chat/chat").parse().expect("id");
    assert_eq!(
        c.ok(&c.admin, "im.chat.user.list", json!({"CHAT_ID": chat_id}))
            .await,
        json!([1, c.bob, c.carol])
    );

    // An outsider gets 404 for a closed chat; a visitor of an open chat may join.
    let outsider = c.app.add_user("dave", false).await;
    let dave = c.app.sign_in_as(outsider).await;
    assert_eq!(dave.get(&path).await.status, 404);
    assert_eq!(
        dave.get(&format!("{path}/messages?after=0")).await.status,
        404
    );
    let refused = dave
        .submit("/chat", &format!("{path}/messages"), &[("message", "hi")])
        .await;
    assert_eq!(refused.status, 403);
    let open = c
        .ok(
            &c.admin,
            "im.chat.add",
            json!({"TYPE": "OPEN", "TITLE": "Lobby"}),
        )
        .await;
    let lobby = format!("/chat/chat{open}");
    let visit = dave.get(&lobby).await;
    assert!(
        visit.contains(r#"id="chat-join-form""#) && !visit.contains(r#"id="chat-send-form""#),
        "{}",
        visit.body
    );
    let joined = dave.submit(&lobby, &format!("{lobby}/join"), &[]).await;
    assert_eq!(joined.location(), lobby);
    assert!(dave.get(&lobby).await.contains(r#"id="chat-send-form""#));
    let left = dave.submit(&lobby, &format!("{lobby}/leave"), &[]).await;
    assert_eq!(left.location(), "/chat");
    assert_eq!(
        c.ok(&c.admin, "im.chat.user.list", json!({"CHAT_ID": open}))
            .await,
        json!([1])
    );

    // The user picker opens a 1:1 dialog; nonsense paths are 404.
    assert_eq!(
        ui.get(&format!("/chat/open?user={carol}")).await.location(),
        format!("/chat/{carol}")
    );
    assert_eq!(ui.get("/chat/sg1").await.status, 404);
    assert_eq!(ui.get("/chat/999999").await.status, 404);
    assert_eq!(ui.get("/chat/nonsense").await.status, 404);
}
