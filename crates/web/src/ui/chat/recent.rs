//! `GET /chat`: the signed-in user's dialogs (`im.recent.list`), most
//! recently active first with their unread counters, a picker that opens a
//! 1:1 dialog with any active user, and a form that creates a group chat.
//! `GET /chat/recent` is the dialog list alone, for the page's script to put
//! in place of the old one when a live update changed the counters.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use portico_protocol::ApiError;
use serde_json::{json, Value};

use super::{call, failure, fragment, parse_dialog, SCRIPT};
use crate::state::AppState;
use crate::ui::crm::text_of;
use crate::ui::page::{self, Section};
use crate::ui::rich_text::bbcode;
use crate::ui::session::Signed;

/// How many dialogs the list shows.
const LIST_LIMIT: i64 = 200;
/// How many characters of the newest message the list shows.
const PREVIEW_CHARS: usize = 60;

/// The dialog id of a recent item (`5` or `chat7`).
fn dialog_of(item: &Value) -> String {
    item.get("id").map(text_of).unwrap_or_default()
}

/// The newest message of a recent item as a short plain text.
fn preview(item: &Value) -> String {
    let text = item
        .pointer("/message/text")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let plain = bbcode::plain_text(&bbcode::parse(text));
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.chars().count() > PREVIEW_CHARS {
        let cut: String = plain.chars().take(PREVIEW_CHARS).collect();
        format!("{cut}…")
    } else {
        plain
    }
}

/// The list of dialogs; `current` is the open one.
pub async fn list(
    state: &AppState,
    signed: &Signed,
    current: Option<&str>,
) -> Result<Markup, ApiError> {
    let out = call(
        state,
        signed,
        "im.recent.list",
        json!({"LIMIT": LIST_LIMIT}),
    )
    .await?;
    let items = out
        .result
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let tr = &signed.tr;
    Ok(html! {
        @if items.is_empty() {
            p.muted #chat-recent data-empty="1" { (tr.t("chat-no-dialogs")) }
        } @else {
            ul.chat-recent #chat-recent {
                @for item in &items {
                    @let dialog = dialog_of(item);
                    @let counter = item.get("counter").and_then(Value::as_i64).unwrap_or(0);
                    li data-dialog=(dialog) data-chat-id=(item.get("chat_id").map(text_of).unwrap_or_default())
                        aria-current=[(current == Some(dialog.as_str())).then_some("page")] {
                        a href={ "/chat/" (dialog) } {
                            span.chat-recent-title { (item.get("title").map(text_of).unwrap_or_default()) }
                            @if counter > 0 {
                                " "
                                span.badge.chat-unread data-count=(counter)
                                    title=(tr.t_count("chat-unread", "count", counter)) { (counter) }
                            }
                        }
                        span.muted.chat-recent-last { (preview(item)) }
                    }
                }
            }
        }
    })
}

/// The side column: the dialog list and the picker of a 1:1 dialog.
pub async fn side(
    state: &AppState,
    signed: &Signed,
    current: Option<&str>,
) -> Result<Markup, Response> {
    let headers = HeaderMap::new();
    let recent = list(state, signed, current)
        .await
        .map_err(|e| failure(signed, &headers, e))?;
    let users = state
        .store
        .list_users()
        .await
        .map_err(|e| page::internal_error(&headers, e))?;
    let tr = &signed.tr;
    Ok(html! {
        aside.chat-side {
            h2 { (tr.t("chat-dialogs")) }
            div #chat-recent-box { (recent) }
            form.chat-open #chat-open-form method="get" action="/chat/open" {
                label for="chat-user-input" { (tr.t("chat-open-with")) }
                select #chat-user-input name="user" {
                    @for user in users.iter().filter(|u| u.active && u.id != signed.user.id) {
                        option value=(user.id) { (page::display_name(user)) }
                    }
                }
                button type="submit" #chat-open { (tr.t("chat-open")) }
            }
        }
    })
}

/// The page around a main part: the side column, then `main`.
pub fn layout(signed: &Signed, title: &str, side: Markup, main: Markup) -> Response {
    page::page_with_scripts(
        signed,
        Section::Chat,
        title,
        &[SCRIPT],
        html! {
            div.chat-layout {
                (side)
                section.chat-main { (main) }
            }
        },
    )
}

/// The form that creates a group chat.
fn group_form(signed: &Signed, users: &[portico_store::User]) -> Markup {
    let tr = &signed.tr;
    html! {
        h2 #chat-group-heading { (tr.t("chat-group-new")) }
        form.stack #chat-group-form method="post" action="/chat/groups" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="chat-group-title" { (tr.t("chat-group-title")) }
            input #chat-group-title type="text" name="title" maxlength="255";
            label for="chat-group-type" { (tr.t("chat-group-type")) }
            select #chat-group-type name="type" {
                option value="CHAT" { (tr.t("chat-type-closed")) }
                option value="OPEN" { (tr.t("chat-type-open")) }
            }
            label for="chat-group-users" { (tr.t("chat-group-members")) }
            select #chat-group-users name="users" multiple size="6" {
                @for user in users.iter().filter(|u| u.active && u.id != signed.user.id) {
                    option value=(user.id) { (page::display_name(user)) }
                }
            }
            button type="submit" #chat-group-create { (tr.t("chat-group-create")) }
        }
    }
}

/// `GET /chat`.
pub async fn show(State(state): State<AppState>, headers: HeaderMap, signed: Signed) -> Response {
    let side = match side(&state, &signed, None).await {
        Ok(side) => side,
        Err(response) => return response,
    };
    let users = match state.store.list_users().await {
        Ok(users) => users,
        Err(e) => return page::internal_error(&headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("nav-chat");
    let main = html! {
        h1 { (title) }
        p.muted #chat-choose { (tr.t("chat-choose")) }
        (group_form(&signed, &users))
    };
    layout(&signed, &title, side, main)
}

/// `GET /chat/recent?current=DIALOG`: the dialog list alone (`current`
/// marked as the open one).
pub async fn fragment_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let current = query.get("current").and_then(|c| parse_dialog(c));
    match list(&state, &signed, current.as_deref()).await {
        Ok(markup) => fragment(markup),
        Err(e) => failure(&signed, &headers, e),
    }
}
