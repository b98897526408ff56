//! `GET /notifications`: the signed-in user's notifications (`im.notify.get`),
//! newest first in pages of 50 (`?after=ID` for the older ones), each with
//! its author (or "System"), date, rich text and attachment ([`rich_text`]),
//! unread ones marked and with a form to mark them read; a form marks all
//! read. `GET /notifications/items` answers the same list alone, which
//! `notifications.js` fetches to show new notifications without a reload.
//! `POST /notifications/{id}/read` (`im.notify.read` with `ONLY_CURRENT`) and
//! `POST /notifications/read-all` (`im.notify.read.all`) come back here.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};

use super::call;
use crate::state::AppState;
use crate::ui::crm::{self, parse_id, short_datetime, text_of};
use crate::ui::page::{self, Section};
use crate::ui::rich_text;
use crate::ui::session::{CheckedForm, Signed};

/// The page size of `im.notify.get`.
const PAGE: usize = 50;

/// The query of the list: `after`, the last notification of the page before.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    after: Option<String>,
}

/// One page of `im.notify.get`, as the list shows it.
struct Listing {
    unread: i64,
    notifications: Vec<Value>,
    authors: HashMap<i64, String>,
    after: Option<i64>,
}

/// Reads the page after notification `after` (the first page when `None`).
async fn listing(
    state: &AppState,
    signed: &Signed,
    after: Option<i64>,
) -> Result<Listing, portico_protocol::ApiError> {
    let params = match after {
        Some(id) => json!({ "LIMIT": PAGE, "LAST_ID": id, "LAST_TYPE": 3 }),
        None => json!({ "LIMIT": PAGE }),
    };
    let out = call(state, signed, "im.notify.get", params).await?.result;
    let authors = out
        .get("users")
        .and_then(Value::as_array)
        .map(|users| {
            users
                .iter()
                .filter_map(|u| Some((u.get("id")?.as_i64()?, u.get("name").map(text_of)?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(Listing {
        unread: out
            .get("total_unread_count")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        notifications: out
            .get("notifications")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        authors,
        after,
    })
}

/// The list: the unread count, the mark-all form, the notifications and the
/// link to older ones.
fn render(signed: &Signed, listing: &Listing) -> Markup {
    let tr = &signed.tr;
    html! {
        section #notification-list data-unread=(listing.unread) {
            div.toolbar {
                p #notifications-summary {
                    (tr.t_count("notifications-unread", "count", listing.unread))
                }
                @if listing.unread > 0 {
                    form.inline #notifications-read-all method="post" action="/notifications/read-all" {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        button type="submit" { (tr.t("notifications-mark-all-read")) }
                    }
                }
            }
            @if listing.notifications.is_empty() {
                p.muted #notifications-empty {
                    @if listing.after.is_some() { (tr.t("notifications-no-older")) }
                    @else { (tr.t("notifications-empty")) }
                }
            } @else {
                ol.notifications {
                    @for n in &listing.notifications {
                        (item(signed, listing, n))
                    }
                }
            }
            @if listing.notifications.len() >= PAGE {
                @if let Some(last) = listing.notifications.last().and_then(|n| n.get("id")).and_then(Value::as_i64) {
                    p { a #notifications-older href={ "/notifications?after=" (last) } { (tr.t("notifications-older")) } }
                }
            }
        }
    }
}

/// One notification of the list.
fn item(signed: &Signed, listing: &Listing, n: &Value) -> Markup {
    let tr = &signed.tr;
    let id = n.get("id").and_then(Value::as_i64).unwrap_or(0);
    let unread = n.get("notify_read").and_then(Value::as_str) != Some("Y");
    let author = n.get("author_id").and_then(Value::as_i64).unwrap_or(0);
    let from = match author {
        0 => tr.t("notifications-system"),
        id => listing
            .authors
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string()),
    };
    let date = n.get("date").map(text_of).unwrap_or_default();
    let text = n.get("text").map(text_of).unwrap_or_default();
    let attach = n.pointer("/params/ATTACH/0");
    html! {
        li.notification.unread[unread] #{ "notification-" (id) } data-id=(id) data-read=(if unread { "N" } else { "Y" }) {
            div.notification-meta {
                span.notification-from { (from) }
                " · "
                time datetime=(date) { (short_datetime(&date)) }
                @if unread {
                    " · " span.notification-new { (tr.t("notifications-new")) }
                }
            }
            div.notification-text.rich-text { (rich_text::text(&text)) }
            @if let Some(attach) = attach {
                (rich_text::attach(attach))
            }
            @if unread {
                form.inline.notification-read method="post" action={ "/notifications/" (id) "/read" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button type="submit" { (tr.t("notifications-mark-read")) }
                }
            }
        }
    }
}

/// The page's `after`: a notification id, else the first page (`Err` for
/// anything else given).
fn after_of(query: &ListQuery) -> Result<Option<i64>, ()> {
    match query.after.as_deref() {
        None | Some("") => Ok(None),
        Some(raw) => parse_id(raw).map(Some).ok_or(()),
    }
}

/// `GET /notifications`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Query(query): Query<ListQuery>,
) -> Response {
    let Ok(after) = after_of(&query) else {
        return page::not_found(&signed.tr);
    };
    let listing = match listing(&state, &signed, after).await {
        Ok(listing) => listing,
        Err(e) => return crm::failure(&signed, &headers, e, false),
    };
    let title = signed.tr.t("notifications-title");
    let body = html! {
        h1 #notifications-title { (title) }
        (render(&signed, &listing))
    };
    page::page(&signed, Section::Notifications, &title, body)
}

/// `GET /notifications/items`: the list alone, for `notifications.js`.
pub async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Query(query): Query<ListQuery>,
) -> Response {
    let Ok(after) = after_of(&query) else {
        return page::not_found(&signed.tr);
    };
    match listing(&state, &signed, after).await {
        Ok(listing) => page::html(StatusCode::OK, render(&signed, &listing)),
        Err(e) => crm::failure(&signed, &headers, e, false),
    }
}

/// `POST /notifications/{id}/read`.
pub async fn read_one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let params = json!({ "ID": id, "ONLY_CURRENT": "Y" });
    match call(&state, &signed, "im.notify.read", params).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => crm::failure(&signed, &headers, e, false),
    }
}

/// `POST /notifications/read-all`.
pub async fn read_all(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    match call(&state, &signed, "im.notify.read.all", json!({})).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => crm::failure(&signed, &headers, e, false),
    }
}
