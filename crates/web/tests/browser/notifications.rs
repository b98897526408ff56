//! Notifications in the browser: with a signed-in page open, a notification
//! sent through a webhook raises the bell's count without a reload; on the
//! Notifications page it also appears in the list; marked read there, the
//! count falls. Shown in English, then in Portuguese.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::harness::Browser;
use crate::{start_app, ADMIN_PASSWORD};

/// Sends a system notification to `user` through `hook`; its id.
async fn notify(app: &TestApp, hook: &str, user: i64, message: &str) -> i64 {
    let r = app
        .call_on(
            hook,
            "im.notify.system.add",
            json!({"USER_ID": user, "MESSAGE": message}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["result"].as_i64().expect("id")
}

/// Marks the current document, so a reload shows (the mark is gone), and
/// waits until its live stream is open.
async fn mark_and_listen(b: &Browser) {
    b.execute("window.__notReloaded = true", vec![]).await;
    b.wait_until("the live stream to open", async |b| {
        b.execute("return document.documentElement.dataset.live", vec![])
            .await
            == json!("open")
    })
    .await;
}

/// The bell's count as shown: its text, or `None` while hidden.
async fn bell(b: &Browser) -> Value {
    b.execute(
        "const c = document.getElementById('bell-count'); return c.hidden ? null : c.textContent",
        vec![],
    )
    .await
}

/// Waits until the bell shows `count`, on the same document.
async fn wait_for_bell(b: &Browser, count: &str) {
    b.wait_until(&format!("the bell to show {count}"), async |b| {
        bell(b).await == json!(count)
    })
    .await;
    assert_eq!(
        b.execute("return window.__notReloaded === true", vec![])
            .await,
        json!(true),
        "the page was not reloaded"
    );
}

#[tokio::test]
async fn the_bell_counts_a_webhooks_notification_without_a_reload() {
    let app = start_app().await;
    let hook = app.webhook(1, &["im"], None).await;
    let b = Browser::start(&app.base, "notifications").await;
    b.sign_in("admin", ADMIN_PASSWORD).await;

    // Any page: the bell appears.
    b.goto("/tasks").await;
    assert_eq!(bell(&b).await, Value::Null, "no count at zero");
    mark_and_listen(&b).await;
    notify(&app, &hook, 1, "Deal [b]Big contract[/b] was won").await;
    wait_for_bell(&b, "1").await;
    b.shot().await;

    // The Notifications page: the list grows too.
    b.click_and_load("#bell").await;
    assert_eq!(b.path().await, "/notifications");
    mark_and_listen(&b).await;
    let id = notify(&app, &hook, 1, "Invoice [i]INV-7[/i] is overdue").await;
    wait_for_bell(&b, "2").await;
    let item = b.wait_for(&format!("#notification-{id}.unread")).await;
    assert!(item
        .text()
        .await
        .expect("text")
        .contains("Invoice INV-7 is overdue"));
    assert_eq!(
        b.text(&format!("#notification-{id} .notification-text i"))
            .await,
        "INV-7"
    );
    b.shot().await;

    // Marked read: one fewer.
    b.click_and_load(&format!("#notification-{id} .notification-read button"))
        .await;
    assert_eq!(bell(&b).await, json!("1"));
    assert!(!b.exists(&format!("#notification-{id}.unread")).await);

    // In Portuguese.
    b.select("#lang-select", "pt-BR").await;
    b.click_and_load("header form[action='/settings/language'] button")
        .await;
    b.goto("/notifications").await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("pt-BR"));
    assert_eq!(b.text("#notifications-title").await, "Notificações");
    mark_and_listen(&b).await;
    notify(&app, &hook, 1, "Tarefa [b]Revisar contrato[/b] atribuída").await;
    wait_for_bell(&b, "2").await;
    b.wait_until("the new notification in the list", async |b| {
        b.text("#notifications-summary").await == "2 notificações não lidas"
    })
    .await;
    b.shot().await;
}
