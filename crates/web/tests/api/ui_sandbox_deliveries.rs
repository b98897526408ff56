//! The captured-deliveries page of a sandbox: administrators see the latest
//! captures with their headers and body escaped, linked from Developer
//! resources; other users are refused, and a portal that is not a sandbox has
//! neither the page nor the link.

use portico_store::{HandlerMode, NewCapture};
use portico_web::sandbox::Sandbox;

use crate::common::TestApp;

const PAGE: &str = "/developer/sandbox/deliveries";

#[tokio::test]
async fn a_sandbox_shows_its_captures_to_administrators_escaped() {
    let app = TestApp::start_with(|s| s.with_sandbox(Sandbox::new("sandboxkey123"))).await;
    let admin = app.sign_in_as(1).await;
    let empty = admin.get(PAGE).await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert!(
        empty.body.contains("id=\"captures-empty\""),
        "{}",
        empty.body
    );

    app.store
        .record_capture(&NewCapture {
            at_ms: 1_767_225_600_250,
            event: "ONCRMLEADADD".into(),
            handler: "http://127.0.0.1:9/hook?a=1&b=<2>".into(),
            attempt: 2,
            delivery_id: 7,
            mode: HandlerMode::Fail,
            headers: vec![
                (
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("x-odd".into(), "<b>bold</b>".into()),
            ],
            body: "event=ONCRMLEADADD&data=<script>alert(1)</script>".into(),
            status: Some(500),
            outcome: "retry".into(),
        })
        .await
        .expect("capture");
    let page = admin.get(PAGE).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for shown in [
        "ONCRMLEADADD",
        "2026-01-01 00:00:00.250",
        "http://127.0.0.1:9/hook?a=1&amp;b=&lt;2&gt;",
        "data-mode=\"fail\"",
        "500",
        "&lt;b&gt;bold&lt;/b&gt;",
        "event=ONCRMLEADADD&amp;data=&lt;script&gt;alert(1)&lt;/script&gt;",
    ] {
        assert!(page.body.contains(shown), "{shown} in {}", page.body);
    }
    assert!(!page.body.contains("<script>alert(1)"), "{}", page.body);
    let developer = admin.get("/developer").await;
    assert!(
        developer.body.contains(&format!("href=\"{PAGE}\"")),
        "{}",
        developer.body
    );

    let bob = app.add_user("bob", false).await;
    let bob = app.sign_in_as(bob).await;
    assert_eq!(bob.get(PAGE).await.status, 403);
    assert!(!bob.get("/developer").await.body.contains(PAGE));
}

#[tokio::test]
async fn outside_a_sandbox_there_is_no_captures_page() {
    let app = TestApp::start().await;
    let admin = app.sign_in_as(1).await;
    assert_eq!(admin.get(PAGE).await.status, 404);
    assert!(!admin.get("/developer").await.body.contains(PAGE));
}
