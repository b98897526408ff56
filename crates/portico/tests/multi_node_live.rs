//! Live updates across nodes: two `portico serve` on one PostgreSQL database
//! (the test server that `PORTICO_TEST_POSTGRES_URL` names), a real browser
//! signed in on node B with a chat dialog open, and a message written through
//! node A's REST API: it appears on B's page without a reload, because every
//! node tails the committed live rows of the shared database.

use std::path::PathBuf;

use portico_store_postgres::testing::{fresh_database, test_server_url, TEST_URL_VAR};
use serde_json::{json, Value};

mod common;
#[path = "../../web/tests/browser/harness.rs"]
#[allow(dead_code)]
mod harness;

use common::{ok, Server};
use harness::Browser;

/// The administrator's password on the nodes of this test.
const ADMIN_PASSWORD: &str = "two nodes, one chat";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_written_through_one_node_appears_live_in_a_browser_on_the_other() {
    let server = test_server_url()
        .unwrap_or_else(|| panic!("{TEST_URL_VAR} is not set: start a server with .ci/postgres"));
    let url = fresh_database(&server).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (data_a, data_b): (PathBuf, PathBuf) = (dir.path().join("a"), dir.path().join("b"));
    let env = [("PORTICO_ADMIN_PASSWORD", ADMIN_PASSWORD)];
    let args = ["--database-url", url.as_str()];
    let node_a = Server::start_with_env(&data_a, &args, &env);
    std::fs::create_dir_all(&data_b).expect("data folder b");
    std::fs::copy(data_a.join("secret.key"), data_b.join("secret.key")).expect("copy key");
    let node_b = Server::start_with_env(&data_b, &args, &env);

    // Bob, and a webhook of his.
    let command = |extra: &[&str]| {
        ok(
            &data_a,
            &[&["--database-url", url.as_str()], extra].concat(),
        )
    };
    let added = command(&["user", "add", "--login", "bob", "--name", "Bob"]);
    let bob: i64 = added
        .split("with id ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in: {added}"));
    let printed = command(&["webhook", "add", "--user", "bob", "--scope", "im"]);
    let hook = printed.lines().last().expect("the URL line").trim();
    let path = format!("/rest/{}", hook.split("/rest/").nth(1).expect("a REST URL"));

    // The administrator's browser, on node B, with the dialog with Bob open.
    let browser = Browser::start(&node_b.base, "two-nodes-chat").await;
    browser.sign_in("admin", ADMIN_PASSWORD).await;
    browser.goto(&format!("/chat/{bob}")).await;
    browser.wait_for("html[data-live='open']").await;
    browser
        .execute("window.pageMark = 'not reloaded'", vec![])
        .await;

    // Bob writes through node A.
    let answer: Value = reqwest::Client::new()
        .post(format!("{}{path}im.message.add.json", node_a.base))
        .json(&json!({"DIALOG_ID": "1", "MESSAGE": "Written through node A"}))
        .send()
        .await
        .expect("im.message.add")
        .json()
        .await
        .expect("JSON");
    let message = answer["result"]
        .as_i64()
        .unwrap_or_else(|| panic!("{answer}"));

    let css = format!("#message-{message}");
    browser.wait_for(&css).await;
    assert!(browser.text(&css).await.contains("Written through node A"));
    assert_eq!(
        browser
            .execute("return window.pageMark || null", vec![])
            .await,
        json!("not reloaded"),
        "the message came without a reload"
    );
    browser.shot().await;
}
