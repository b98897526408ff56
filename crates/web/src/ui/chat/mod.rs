//! The Chat page: the signed-in user's dialogs with their unread counters
//! ([`recent`]), one dialog's messages with a send form ([`dialog`]), each
//! message with its keyboard ([`message`]), and the forms that open a 1:1
//! dialog, create a group chat, join or leave one and press a command button
//! ([`actions`]). Every read and write goes through the `im` methods called
//! as the signed-in user, so the page shows exactly what the API would let
//! them see. `static/chat.js` keeps an open page current: on a live update
//! of the open dialog it fetches the new messages as server-rendered HTML
//! (`GET /chat/{dialog}/messages?after=ID`) and appends them, and it reloads
//! the dialog list's fragment (`GET /chat/recent`) for the counters.

mod actions;
mod dialog;
mod message;
mod recent;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;
use portico_methods::im::dialog::DialogRef;
use portico_methods::MethodOutput;
use portico_protocol::{ApiError, ErrorCode};
use serde_json::Value;

use super::crm;
use super::page;
use super::session::Signed;
use crate::state::AppState;

/// The scope the chat pages call methods with.
pub const SCOPE: &str = "im";

/// The script of the chat page.
pub const SCRIPT: &str = "/static/chat.js";

/// The chat pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/chat", get(recent::show))
        .route("/chat/recent", get(recent::fragment_list))
        .route("/chat/open", get(actions::open))
        .route("/chat/groups", post(actions::create_group))
        .route("/chat/{dialog}", get(dialog::show))
        .route(
            "/chat/{dialog}/messages",
            get(dialog::fragment_messages).post(dialog::send),
        )
        .route("/chat/{dialog}/command", post(actions::command))
        .route("/chat/{dialog}/join", post(actions::join))
        .route("/chat/{dialog}/leave", post(actions::leave))
        .route("/static/chat.js", get(script))
}

/// `/static/chat.js`.
async fn script() -> Response {
    super::static_file(
        "text/javascript; charset=utf-8",
        include_str!("../../../static/chat.js"),
    )
}

/// Calls `im` method `method` with `params` as the signed-in user.
pub async fn call(
    state: &AppState,
    signed: &Signed,
    method: &str,
    params: Value,
) -> Result<MethodOutput, ApiError> {
    crm::call_in_scope(state, signed, SCOPE, method, params).await
}

/// The page for an `im` method's error: a dialog the user may not reach is
/// 404 (nothing tells it exists), a refused action 403, refused input 400.
pub fn failure(signed: &Signed, headers: &HeaderMap, e: ApiError) -> Response {
    let tr = &signed.tr;
    match e.code {
        ErrorCode::AccessError
            if e.description
                .contains("do not have access to the specified dialog") =>
        {
            page::not_found(tr)
        }
        ErrorCode::AccessError
        | ErrorCode::AccessDeniedKick
        | ErrorCode::CantEditMessage
        | ErrorCode::AccessDenied
        | ErrorCode::InsufficientScope => {
            page::error_page(tr, StatusCode::FORBIDDEN, "chat-error-denied")
        }
        ErrorCode::MessageEmpty => {
            page::error_page(tr, StatusCode::BAD_REQUEST, "chat-error-empty")
        }
        code if code.http_status() == 400 => {
            page::error_page(tr, StatusCode::BAD_REQUEST, "error-bad-form")
        }
        _ => page::internal_error(headers, e),
    }
}

/// A piece of a page (no shell) for the page's script to insert.
pub fn fragment(markup: Markup) -> Response {
    page::html(StatusCode::OK, markup)
}

/// A dialog id from a path: `123`, `chat456` (anything else is no dialog).
pub fn parse_dialog(raw: &str) -> Option<String> {
    match DialogRef::parse(raw)? {
        DialogRef::User(id) => Some(id.to_string()),
        DialogRef::Chat(id) => Some(format!("chat{id}")),
        DialogRef::Group(_) => None,
    }
}
