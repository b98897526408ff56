//! Browser tests: the web UI in Debian's headless Chromium, driven through
//! chromedriver (see [`harness`]), against a real Portico on a loopback port with
//! a fresh SQLite file. Screenshots of every page visited land in
//! `target/screenshots/`.

#[allow(dead_code)]
#[path = "../api/common.rs"]
mod common;
#[allow(dead_code)]
mod harness;
#[path = "../api/logs.rs"]
#[allow(dead_code)]
mod logs;
#[path = "../api/ui_client.rs"]
mod ui_client;

mod app_frames;
mod bot_chat;
mod chat;
mod developer;
mod feed;
mod harness_checks;
mod notifications;
mod oauth;
mod outbound;
mod pipelines_admin;
mod sign_in;
mod statistics;
mod tasks;
mod workgroups;

use common::TestApp;

/// The administrator's password in browser tests.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A signed-in page in the portal's shell (top bar with language and Sign out, menu).
pub const SHELL_PATH: &str = "/crm/leads";

/// A Portico for a browser test: [`TestApp`] with the administrator (`admin`)
/// signing in with [`ADMIN_PASSWORD`].
pub async fn start_app() -> TestApp {
    let app = TestApp::start().await;
    app.set_password(1, ADMIN_PASSWORD).await;
    app
}
