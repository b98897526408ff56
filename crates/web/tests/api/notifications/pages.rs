//! The recipient's live stream, the bell and the Notifications page.

use serde_json::json;

use super::{im_hook, ok_on, send};
use crate::common::TestApp;
use crate::live::Stream;

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
