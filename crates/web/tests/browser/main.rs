//! Browser tests: the web UI in Debian's headless Chromium, driven through
//! chromedriver (see [`harness`]), against a real Portico on a loopback port with
//! a fresh SQLite file. Screenshots of every page visited land in
//! `target/screenshots/`.

#[allow(dead_code)]
#[path = "../api/common.rs"]
mod common;
#[allow(dead_code)]
mod harness;

mod developer;
mod harness_checks;
mod sign_in;

use portico_store::UserStore;

use common::TestApp;

/// The administrator's password in browser tests.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// A signed-in page in the portal's shell (top bar with language and Sign out, menu).
pub const SHELL_PATH: &str = "/crm/leads";

/// A Portico for a browser test: [`TestApp`] with the administrator (`admin`)
/// signing in with [`ADMIN_PASSWORD`].
pub async fn start_app() -> TestApp {
    let app = TestApp::start().await;
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
