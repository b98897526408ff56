//! Chats and messages (`im.message.*`, `im.dialog.*`, `im.chat.*`,
//! `im.recent.list`, `im.counters.get`) over HTTP, with their errors and who
//! may do what; the Chat page through the UI client; the live rows a message
//! sends to its members' `/live` streams.

mod counters;
mod groups;
mod live;
mod messages;
mod ui;

use std::sync::{Arc, Mutex};

use portico_methods::Clock;
use serde_json::Value;

use crate::common::{Reply, TestApp};

/// A portal with three people who chat, each with an `im` webhook.
pub(crate) struct Chatters {
    pub app: TestApp,
    /// The administrator's (user 1) `im` webhook.
    pub admin: String,
    pub bob: i64,
    pub bob_hook: String,
    pub carol: i64,
    pub carol_hook: String,
    /// The server's clock (to move time).
    pub clock: Clock,
}

impl Chatters {
    pub async fn start() -> Chatters {
        let slot: Arc<Mutex<Option<Clock>>> = Arc::default();
        let kept = slot.clone();
        let app = TestApp::start_with(move |state| {
            *kept.lock().expect("clock slot") = Some(state.clock.clone());
            state
        })
        .await;
        let clock = slot.lock().expect("clock slot").clone().expect("clock");
        let bob = app.add_user("bob", false).await;
        let carol = app.add_user("carol", false).await;
        Chatters {
            admin: app.webhook(1, &["im"], None).await,
            bob_hook: app.webhook(bob, &["im"], None).await,
            carol_hook: app.webhook(carol, &["im"], None).await,
            bob,
            carol,
            clock,
            app,
        }
    }

    /// Calls `method` through `hook`.
    pub async fn call(&self, hook: &str, method: &str, body: Value) -> Reply {
        self.app.call_on(hook, method, body).await
    }

    /// Calls `method` through `hook`, expecting success; the `result`.
    pub async fn ok(&self, hook: &str, method: &str, body: Value) -> Value {
        let reply = self.call(hook, method, body).await;
        assert_eq!(reply.status, 200, "{method}: {}", reply.text);
        reply.json()["result"].clone()
    }

    /// The messages of `dialog` as `hook`'s user reads them, newest first.
    pub async fn messages(&self, hook: &str, dialog: &str) -> Vec<Value> {
        let body = serde_json::json!({"DIALOG_ID": dialog, "LIMIT": 50});
        self.ok(hook, "im.dialog.messages.get", body).await["messages"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}
