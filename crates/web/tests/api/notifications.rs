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

mod pages;
mod sending;
mod tags_and_reads;

use serde_json::{json, Value};

use crate::common::TestApp;

/// A webhook of `user` with scope `im`.
pub async fn im_hook(app: &TestApp, user: i64) -> String {
    app.webhook(user, &["im"], None).await
}

/// Calls `method` on `hook` expecting success; its result.
pub async fn ok_on(app: &TestApp, hook: &str, method: &str, body: Value) -> Value {
    let r = app.call_on(hook, method, body).await;
    assert_eq!(r.status, 200, "{method}: {}", r.text);
    r.json()["result"].clone()
}

/// Sends with `method` on `hook`; the new id.
pub async fn send(app: &TestApp, hook: &str, method: &str, body: Value) -> i64 {
    let id = ok_on(app, hook, method, body).await;
    id.as_i64().unwrap_or_else(|| panic!("an id: {id}"))
}

/// The ids `im.notify.get` lists to the owner of `hook`, in order.
pub async fn listed(app: &TestApp, hook: &str) -> Vec<i64> {
    let result = ok_on(app, hook, "im.notify.get", json!({})).await;
    result["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .map(|n| n["id"].as_i64().expect("id"))
        .collect()
}

/// The notification `id` as `im.notify.get` shows it to the owner of `hook`.
pub async fn shown(app: &TestApp, hook: &str, id: i64) -> Option<Value> {
    let result = ok_on(app, hook, "im.notify.get", json!({})).await;
    result["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .find(|n| n["id"] == json!(id))
        .cloned()
}
