//! `GET /chat/{dialog}`: one dialog (`im.dialog.get`) with its newest
//! messages (`im.dialog.messages.get`), marked read (`im.dialog.read`), a
//! send form for members, the members of a group chat with a form to leave
//! it, and a form to join an open chat for a visitor. `POST
//! /chat/{dialog}/messages` sends (`im.message.add`). `GET
//! /chat/{dialog}/messages?after=ID` answers the messages after `ID` and
//! `?id=ID` one message, as HTML for the page's script (and marks them read).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use portico_protocol::ApiError;
use serde_json::{json, Value};

use super::message::{self, View};
use super::recent::{layout, side};
use super::{call, failure, fragment, parse_dialog};
use crate::state::AppState;
use crate::ui::crm::text_of;
use crate::ui::page;
use crate::ui::session::{CheckedForm, Signed};

/// How many messages the page shows.
const PAGE_MESSAGES: i64 = 50;

/// A dialog as the page needs it.
struct Opened {
    /// `im.dialog.get`'s answer.
    dialog: Value,
    /// Whether the user is a member (may write).
    member: bool,
}

/// The dialog, or the page of its error.
async fn open(state: &AppState, signed: &Signed, dialog: &str) -> Result<Opened, ApiError> {
    let dialog = call(state, signed, "im.dialog.get", json!({"DIALOG_ID": dialog}))
        .await?
        .result;
    let member = dialog.get("role").and_then(Value::as_str) != Some("guest");
    Ok(Opened { dialog, member })
}

/// Messages of `dialog` (`params` of `im.dialog.messages.get`): the list,
/// newest first, and the authors' names.
async fn read_messages(
    state: &AppState,
    signed: &Signed,
    params: Value,
) -> Result<(Vec<Value>, HashMap<i64, String>), ApiError> {
    let out = call(state, signed, "im.dialog.messages.get", params)
        .await?
        .result;
    let list = out
        .get("messages")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names = out
        .get("users")
        .and_then(Value::as_array)
        .map(|users| {
            users
                .iter()
                .filter_map(|u| {
                    let id = u.get("id").and_then(Value::as_i64)?;
                    Some((id, u.get("name").map(text_of).unwrap_or_default()))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((list, names))
}

/// Marks `dialog` read up to its newest message when the user is a member.
async fn mark_read(
    state: &AppState,
    signed: &Signed,
    opened: &Opened,
    dialog: &str,
) -> Result<(), ApiError> {
    if opened.member {
        call(
            state,
            signed,
            "im.dialog.read",
            json!({"DIALOG_ID": dialog}),
        )
        .await?;
    }
    Ok(())
}

/// `GET /chat/{dialog}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(raw): Path<String>,
) -> Response {
    let Some(dialog) = parse_dialog(&raw) else {
        return page::not_found(&signed.tr);
    };
    let opened = match open(&state, &signed, &dialog).await {
        Ok(opened) => opened,
        Err(e) => return failure(&signed, &headers, e),
    };
    let params = json!({"DIALOG_ID": dialog, "LIMIT": PAGE_MESSAGES});
    let (list, names) = match read_messages(&state, &signed, params).await {
        Ok(read) => read,
        Err(e) => return failure(&signed, &headers, e),
    };
    if let Err(e) = mark_read(&state, &signed, &opened, &dialog).await {
        return failure(&signed, &headers, e);
    }
    let side = match side(&state, &signed, Some(&dialog)).await {
        Ok(side) => side,
        Err(response) => return response,
    };
    let d = &opened.dialog;
    let kind = d.get("type").map(text_of).unwrap_or_default();
    let group = kind != "private";
    let members = if group {
        match call(
            &state,
            &signed,
            "im.chat.user.list",
            json!({"CHAT_ID": d["id"]}),
        )
        .await
        {
            Ok(out) => out.result.as_array().cloned().unwrap_or_default(),
            Err(e) => return failure(&signed, &headers, e),
        }
    } else {
        Vec::new()
    };
    let users = match state.store.list_users().await {
        Ok(users) => users,
        Err(e) => return page::internal_error(&headers, e),
    };
    let user_name = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(page::display_name)
            .unwrap_or_else(|| id.to_string())
    };
    let tr = &signed.tr;
    let title = d.get("name").map(text_of).unwrap_or_default();
    let view = View {
        signed: &signed,
        dialog: &dialog,
        names: &names,
        can_write: opened.member,
    };
    let kind_label = match kind.as_str() {
        "private" => "chat-type-private",
        "open" => "chat-type-open",
        _ => "chat-type-closed",
    };
    let main = html! {
        div #chat-dialog data-dialog=(dialog) data-chat-id=(d.get("id").map(text_of).unwrap_or_default()) {
            h1 #chat-title { (title) }
            p.muted #chat-kind { (tr.t(kind_label)) }
            @if group {
                details #chat-members-box {
                    summary { (tr.t_count("chat-members", "count", i64::try_from(members.len()).unwrap_or(0))) }
                    ul #chat-members {
                        @for member in &members {
                            @let id = member.as_i64().unwrap_or(0);
                            li data-user=(id) { (user_name(id)) }
                        }
                    }
                }
            }
            @if list.is_empty() {
                p.muted #chat-empty { (tr.t("chat-no-messages")) }
            }
            ol.chat-messages #chat-messages aria-live="polite" {
                (message::messages(&view, &list))
            }
            @if opened.member {
                form.chat-compose #chat-send-form method="post" action={ "/chat/" (dialog) "/messages" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    label.visually-hidden for="chat-input" { (tr.t("chat-message")) }
                    textarea #chat-input name="message" rows="3" maxlength="20000" required {}
                    button type="submit" #chat-send { (tr.t("chat-send")) }
                }
                @if group {
                    form.inline #chat-leave-form method="post" action={ "/chat/" (dialog) "/leave" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        button.link type="submit" #chat-leave { (tr.t("chat-leave")) }
                    }
                }
            } @else {
                form.inline #chat-join-form method="post" action={ "/chat/" (dialog) "/join" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button type="submit" #chat-join { (tr.t("chat-join")) }
                }
            }
        }
    };
    layout(&signed, &title, side, main)
}

/// `GET /chat/{dialog}/messages?after=ID` or `?id=ID`.
pub async fn fragment_messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(raw): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(dialog) = parse_dialog(&raw) else {
        return page::not_found(&signed.tr);
    };
    let number = |name: &str| query.get(name).and_then(|v| crate::ui::parse_number(v));
    let (params, only) = match (number("after"), number("id").filter(|id| *id > 0)) {
        (_, Some(id)) => (
            json!({"DIALOG_ID": dialog, "LAST_ID": id + 1, "LIMIT": 1}),
            Some(id),
        ),
        (Some(after), None) => (
            json!({"DIALOG_ID": dialog, "FIRST_ID": after, "LIMIT": PAGE_MESSAGES}),
            None,
        ),
        (None, None) => {
            return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form")
        }
    };
    let opened = match open(&state, &signed, &dialog).await {
        Ok(opened) => opened,
        Err(e) => return failure(&signed, &headers, e),
    };
    let (mut list, names) = match read_messages(&state, &signed, params).await {
        Ok(read) => read,
        Err(e) => return failure(&signed, &headers, e),
    };
    if let Some(id) = only {
        list.retain(|m| m.get("id").and_then(Value::as_i64) == Some(id));
    }
    if let Err(e) = mark_read(&state, &signed, &opened, &dialog).await {
        return failure(&signed, &headers, e);
    }
    let view = View {
        signed: &signed,
        dialog: &dialog,
        names: &names,
        can_write: opened.member,
    };
    fragment(message::messages(&view, &list))
}

/// `POST /chat/{dialog}/messages` (`message`).
pub async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(dialog) = parse_dialog(&raw) else {
        return page::not_found(&signed.tr);
    };
    let params = json!({"DIALOG_ID": dialog, "MESSAGE": form.text("message")});
    match call(&state, &signed, "im.message.add", params).await {
        Ok(_) => Redirect::to(&format!("/chat/{dialog}")).into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}
