//! The web UI: sign-in, the portal's pages (Developer resources, Chat, Tasks, Workgroups, CRM, Users,
//! The web UI: sign-in, the portal's pages (Developer resources, Feed, Tasks, Workgroups, CRM, Users,
//! the administrators' pipelines and departments) and
//! their static files. Server-rendered with maud; small hand-written scripts
//! where a page reacts without a reload (the request builder). Every form carries
//! the session's CSRF token; every text is escaped by the templates.

// Page helpers fail with a ready `Response` (an error page or a redirect), as axum
// handlers do; boxing it would only move the allocation.
#![allow(clippy::result_large_err)]

pub mod apps;
pub mod chat;
pub mod crm;
pub mod developer;
pub mod directories;
pub mod feed;
pub mod i18n;
pub mod local_path;
pub mod notifications;
pub mod page;
pub mod password;
pub mod rich_text;
pub mod session;
pub mod sign_in;
pub mod sign_in_limits;
pub mod tasks;
pub mod users;
pub mod workgroups;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;
use session::{cookie, SESSION_COOKIE};

/// A number from a path or a form: ASCII digits only (no sign, no spaces), at
/// most 18 of them.
pub fn parse_number(raw: &str) -> Option<i64> {
    if raw.is_empty() || raw.len() > 18 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<i64>().ok()
}

/// A record id from a path or a form: a positive [`parse_number`].
pub fn parse_id(raw: &str) -> Option<i64> {
    parse_number(raw).filter(|id| *id > 0)
}

/// State of the UI shared by all requests.
#[derive(Debug, Default)]
pub struct UiState {
    /// Mark cookies `Secure` (the server speaks HTTPS).
    pub secure_cookies: bool,
    /// Bounds the password checks running and waiting at once.
    pub password_checks: sign_in_limits::PasswordCheckGate,
    /// The portal's public address (`https://crm.example.com`) when configured;
    /// webhook URLs on the pages use it instead of the request's `Host`.
    pub public_url: Option<String>,
    /// Outbound-webhook handlers may be on loopback, private and link-local
    /// addresses (the SSRF policy applied when one is saved).
    pub allow_private_handlers: bool,
}

/// The UI's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(sign_in::show).post(sign_in::submit))
        .route("/logout", post(sign_in::sign_out))
        .route("/settings/language", post(sign_in::set_language))
        .route("/static/portico.css", get(stylesheet))
        .route("/static/builder.js", get(builder_script))
        .route("/static/live.js", get(live_script))
        .route("/static/app_frame.js", get(app_frame_script))
        .route("/static/notifications.js", get(notifications_script))
        .route("/static/feed.js", get(feed_script))
        .merge(apps::routes())
        .merge(developer::routes())
        .merge(crm::routes())
        .merge(tasks::routes())
        .merge(users::routes())
        .merge(directories::routes())
        .merge(workgroups::routes())
        .merge(notifications::routes())
        .merge(chat::routes())
        .merge(feed::routes())
}

/// `/`: Developer resources when signed in, else the sign-in page.
async fn home(State(_state): State<AppState>, headers: HeaderMap) -> Response {
    if cookie(&headers, SESSION_COOKIE).is_some() {
        Redirect::to("/developer").into_response()
    } else {
        Redirect::to("/login").into_response()
    }
}

/// A static file with its content type, cached for an hour.
fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `/static/portico.css`.
async fn stylesheet() -> Response {
    static_file(
        "text/css; charset=utf-8",
        include_str!("../../static/portico.css"),
    )
}

/// `/static/builder.js`: the request builder.
async fn builder_script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/builder.js"),
    )
}

/// `/static/live.js`: the live updates of every signed-in page.
async fn live_script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/live.js"),
    )
}

/// `/static/notifications.js`: the bell's count and the notifications list,
/// kept up to date from the live updates.
async fn notifications_script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/notifications.js"),
    )
}

/// `/static/app_frame.js`: posts an application page's frame form and answers
/// the frame's BX24.js messages.
async fn app_frame_script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/app_frame.js"),
    )
}

/// `/static/feed.js`: tells the Feed page of new activity.
async fn feed_script() -> Response {
    static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../static/feed.js"),
    )
}
