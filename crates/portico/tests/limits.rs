//! Plans and REST limits through the real binary: a `free` plan (from the
//! configuration file) refuses creating inbound webhooks, outbound webhooks and
//! applications on the command line and every REST call; `serve --limits cloud`
//! answers a burst past the plan's bucket with 503 and `Retry-After`, and a
//! bad `--limits` or `--plan` is a clear error.

use serde_json::{json, Value};

mod common;

use common::{add_webhook, fails, ok, serve_refused, Server};

#[tokio::test]
async fn a_free_plan_refuses_integrations_on_the_command_line_and_rest_calls() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let free = dir.path().join("free.toml");
    std::fs::write(&free, "plan = \"free\"\n").unwrap();
    let free = free.to_str().unwrap();
    ok(
        &data,
        &["user", "add", "--login", "bob", "--name", "Bob", "--admin"],
    );
    let webhook = fails(
        &data,
        &[
            "webhook", "add", "--user", "bob", "--scope", "crm", "--config", free,
        ],
    );
    assert!(
        webhook
            .contains("inbound webhooks need the REST API, which the 'free' plan does not include"),
        "{webhook}"
    );
    let outbound = fails(
        &data,
        &[
            "webhook",
            "add-outbound",
            "--user",
            "bob",
            "--handler",
            "https://example.com/h",
            "--events",
            "ONCRMLEADADD",
            "--config",
            free,
        ],
    );
    assert!(
        outbound.contains("outbound webhooks need the REST API"),
        "{outbound}"
    );
    let app = fails(
        &data,
        &[
            "app",
            "add",
            "--name",
            "Orders",
            "--handler",
            "https://example.com/app",
            "--by",
            "bob",
            "--config",
            free,
        ],
    );
    assert!(
        app.contains("local applications need the REST API"),
        "{app}"
    );

    // Made on a commercial plan, a webhook stops working when the plan is free.
    let url = add_webhook(&data, &["--user", "bob", "--scope", "crm"]);
    let server = Server::start(&data, &["--plan", "free"]);
    let hook = url.replace(url.split("/rest/").next().unwrap(), &server.base);
    let r = reqwest::Client::new()
        .post(format!("{hook}profile"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": "ACCESS_DENIED", "error_description": "REST API is available only on commercial plans"})
    );
    server.stop();
}

#[tokio::test]
async fn serve_with_cloud_limits_answers_a_burst_with_503_and_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["user", "add", "--login", "bob", "--name", "Bob"]);
    let url = add_webhook(&data, &["--user", "bob", "--scope", "crm"]);
    let server = Server::start(&data, &["--limits", "cloud", "--plan", "basic"]);
    let hook = url.replace(url.split("/rest/").next().unwrap(), &server.base);
    let client = reqwest::Client::new();
    let mut refused = None;
    for i in 0..200 {
        let r = client
            .get(format!("{hook}server.time"))
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 503 {
            let retry = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: Value = r.json().await.unwrap();
            refused = Some((i, retry, body));
            break;
        }
        assert_eq!(r.status().as_u16(), 200);
    }
    let (at, retry, body) = refused.expect("the burst is limited");
    assert!((50..60).contains(&at), "refused after {at} calls");
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(body["error"], json!("QUERY_LIMIT_EXCEEDED"));
    server.stop();

    let bad = serve_refused(&data, &["--limits", "sometimes"]);
    assert!(bad.contains("limits must be 'off' or 'cloud'"), "{bad}");
    let bad = serve_refused(&data, &["--plan", "gold"]);
    assert!(bad.contains("plan must be one of free, basic"), "{bad}");
}
