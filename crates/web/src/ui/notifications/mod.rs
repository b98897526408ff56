//! Notifications in the UI: the bell of the top bar with the unread count
//! ([`bell`], on every signed-in page; `notifications.js` keeps the count up
//! to date from the `notify` live updates) and the Notifications page
//! ([`list`]): the user's notifications newest first with their rich text,
//! unread ones marked, and forms to mark one or all read. Every read and
//! write goes through the `im.notify.*` methods called as the signed-in user.

mod list;

use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use portico_methods::MethodOutput;
use portico_protocol::ApiError;
use serde_json::Value;

use super::crm;
use super::session::Signed;
use crate::state::AppState;

/// The scope the notification pages call methods with.
pub const SCOPE: &str = "im";

/// The notification pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list::show))
        .route("/notifications/items", get(list::items))
        .route("/notifications/read-all", post(list::read_all))
        .route("/notifications/{id}/read", post(list::read_one))
}

/// Calls REST method `method` with `params` as the signed-in user, scope `im`.
pub async fn call(
    state: &AppState,
    signed: &Signed,
    method: &str,
    params: Value,
) -> Result<MethodOutput, ApiError> {
    crm::call_in_scope(state, signed, SCOPE, method, params).await
}

/// The bell of the top bar: a link to the Notifications page with the
/// unread count (hidden at zero); `current` on the Notifications page.
pub fn bell(signed: &Signed, current: bool) -> Markup {
    let tr = &signed.tr;
    let unread = signed.unread_notifications;
    html! {
        a #bell.bell href="/notifications" aria-current=[current.then_some("page")]
            title=(tr.t("notifications-title")) {
            svg.bell-icon viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" {
                path fill="currentColor" d="M12 3a5 5 0 0 0-5 5v4l-2 3v1h14v-1l-2-3V8a5 5 0 0 0-5-5zm-2 14a2 2 0 0 0 4 0z" {}
            }
            span.visually-hidden { (tr.t("notifications-title")) }
            span #bell-count.bell-count data-count=(unread) hidden[unread == 0] { (unread) }
        }
    }
}
