//! The chat page's forms: `GET /chat/open?user=ID` opens the 1:1 dialog with
//! a user; `POST /chat/groups` creates a group chat (`im.chat.add`); `POST
//! /chat/{dialog}/join` and `/leave` join an open chat or leave a group chat
//! (`im.chat.user.add`, `im.chat.leave`); `POST /chat/{dialog}/command`
//! presses a keyboard's `COMMAND` button: its bot gets the command
//! (`im.message.command`, `ONIMCOMMANDADD` with context `KEYBOARD`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use portico_methods::im::keyboard::buttons;
use serde_json::{json, Value};

use super::{call, failure, parse_dialog};
use crate::state::AppState;
use crate::ui::crm::parse_id;
use crate::ui::page;
use crate::ui::session::{CheckedForm, Signed};

/// `GET /chat/open?user=ID`.
pub async fn open(signed: Signed, Query(query): Query<HashMap<String, String>>) -> Response {
    match query.get("user").and_then(|u| parse_id(u)) {
        Some(user) => Redirect::to(&format!("/chat/{user}")).into_response(),
        None => page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form"),
    }
}

/// `POST /chat/groups` (`title`, `type`, `users`…).
pub async fn create_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let users: Vec<i64> = form.all("users").into_iter().filter_map(parse_id).collect();
    let kind = if form.text("type") == "OPEN" {
        "OPEN"
    } else {
        "CHAT"
    };
    let mut params = json!({"TYPE": kind, "USERS": users});
    let title = form.text("title");
    if !title.is_empty() {
        params["TITLE"] = json!(title);
    }
    match call(&state, &signed, "im.chat.add", params).await {
        Ok(out) => match out.result.as_i64() {
            Some(id) => Redirect::to(&format!("/chat/chat{id}")).into_response(),
            None => page::internal_error(&headers, "im.chat.add answered no id"),
        },
        Err(e) => failure(&signed, &headers, e),
    }
}

/// The chat id of a group dialog id (`chat7`).
fn group_id(dialog: &str) -> Option<i64> {
    dialog.strip_prefix("chat").and_then(parse_id)
}

/// `POST /chat/{dialog}/join`.
pub async fn join(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let Some(chat) = parse_dialog(&raw).as_deref().and_then(group_id) else {
        return page::not_found(&signed.tr);
    };
    let params = json!({"CHAT_ID": chat, "USERS": [signed.user.id]});
    match call(&state, &signed, "im.chat.user.add", params).await {
        Ok(_) => Redirect::to(&format!("/chat/chat{chat}")).into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}

/// `POST /chat/{dialog}/leave`.
pub async fn leave(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let Some(chat) = parse_dialog(&raw).as_deref().and_then(group_id) else {
        return page::not_found(&signed.tr);
    };
    match call(&state, &signed, "im.chat.leave", json!({"CHAT_ID": chat})).await {
        Ok(_) => Redirect::to("/chat").into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}

/// `POST /chat/{dialog}/command` (`message`, `button`): the button must be a
/// `COMMAND` button of a message the user sees in this dialog.
pub async fn command(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let bad = || page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form");
    let Some(dialog) = parse_dialog(&raw) else {
        return page::not_found(&signed.tr);
    };
    let (Some(message_id), Some(index)) = (
        parse_id(&form.text("message")),
        crate::ui::parse_number(&form.text("button")),
    ) else {
        return bad();
    };
    let params = json!({"DIALOG_ID": dialog, "LAST_ID": message_id + 1, "LIMIT": 1});
    let found = match call(&state, &signed, "im.dialog.messages.get", params).await {
        Ok(out) => out
            .result
            .get("messages")
            .and_then(Value::as_array)
            .and_then(|list| list.first().cloned())
            .filter(|m| m.get("id").and_then(Value::as_i64) == Some(message_id)),
        Err(e) => return failure(&signed, &headers, e),
    };
    let pressed = found.as_ref().and_then(|m| {
        let keyboard = m.pointer("/params/KEYBOARD")?;
        let button = buttons(keyboard)
            .into_iter()
            .nth(usize::try_from(index).ok()?)?;
        if button.get("DISABLED").and_then(Value::as_str) == Some("Y") {
            return None;
        }
        let command = button.get("COMMAND").and_then(Value::as_str)?;
        let mut params = json!({
            "MESSAGE_ID": message_id,
            "COMMAND": command,
            "COMMAND_PARAMS": button.get("COMMAND_PARAMS").and_then(Value::as_str).unwrap_or_default(),
        });
        if let Some(bot) = keyboard.get("BOT_ID") {
            params["BOT_ID"] = bot.clone();
        }
        Some(params)
    });
    let Some(params) = pressed else {
        return bad();
    };
    match call(&state, &signed, "im.message.command", params).await {
        Ok(_) => Redirect::to(&format!("/chat/{dialog}")).into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}
