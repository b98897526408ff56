//! The harness itself: window sizes and downloads behave as the tests assume.

use serde_json::json;

use crate::harness::{Browser, WINDOW};
use crate::start_app;

#[tokio::test]
async fn the_viewport_has_the_size_asked_for() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "harness_viewport").await;
    b.goto("/login").await;
    let size = b
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await;
    assert_eq!(size, json!([WINDOW.0, WINDOW.1]), "default viewport");
    b.set_viewport(390, 844).await;
    let size = b
        .execute("return [window.innerWidth, window.innerHeight]", vec![])
        .await;
    assert_eq!(size, json!([390, 844]), "phone viewport");
}

#[tokio::test]
async fn downloads_land_in_the_download_folder() {
    let app = start_app().await;
    let b = Browser::start(&app.base, "harness_download").await;
    b.goto("/login").await;
    b.execute(
        "const a = document.createElement('a');
         a.href = URL.createObjectURL(new Blob(['hello, portico'], {type: 'text/plain'}));
         a.download = 'hello.txt';
         document.body.appendChild(a);
         a.click();",
        vec![],
    )
    .await;
    let path = b.wait_for_download("hello.txt").await;
    assert_eq!(std::fs::read_to_string(path).unwrap(), "hello, portico");
}
