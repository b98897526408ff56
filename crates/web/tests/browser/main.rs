//! Browser tests: the web UI in Debian's headless Chromium, driven through
//! chromedriver (see [`harness`]), against a real Portico on a loopback port with
//! a fresh SQLite file. Screenshots of every page visited land in
//! `target/screenshots/`.

#[allow(dead_code)]
#[path = "../api/common.rs"]
mod common;
#[allow(dead_code)]
mod harness;

mod harness_checks;
mod sign_in;

use axum::routing::get;
use axum::Router;
use maud::html;
use portico_store::UserStore;
use portico_web::ui::page::{self, Section};
use portico_web::ui::session::Signed;
use portico_web::AppState;

use common::TestApp;

/// The administrator's password in browser tests.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A page in the portal's shell (top bar with language and Sign out, menu), served
/// only to the browser tests at [`SHELL_PATH`] until a real page renders it.
pub const SHELL_PATH: &str = "/test/shell";

async fn shell_page(signed: Signed) -> axum::response::Response {
    page::page(
        &signed,
        Section::Developer,
        "Test page",
        html! { h1 #test-page { "Test page" } },
    )
}

/// A Portico for a browser test: [`TestApp`] plus the test-only shell page, with
/// the administrator (`admin`) signing in with [`ADMIN_PASSWORD`].
pub async fn start_app() -> TestApp {
    let app = TestApp::start_with(|state: AppState| {
        Router::new()
            .route(SHELL_PATH, get(shell_page))
            .with_state(state)
    })
    .await;
    set_password(&app, 1, ADMIN_PASSWORD).await;
    app
}

/// Gives user `id` the password `password`.
pub async fn set_password(app: &TestApp, id: i64, password: &str) {
    let hash = portico_web::ui::password::hash(password).expect("hash the password");
    let changed = app
        .store
        .set_user_password(id, &hash)
        .await
        .expect("store the password");
    assert!(changed, "no user {id}");
}
