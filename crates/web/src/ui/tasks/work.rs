//! The checklist and time-spent blocks of a task page. The checklist is read
//! with `task.checklistitem.getlist`; those whose task `action` map allows
//! `checklist.add` add items (`POST /tasks/{id}/checklist`, `title`) and
//! complete, renew or delete them (`POST /tasks/{id}/checklist/{item}`,
//! `action=complete|renew|delete`). Time records are read with
//! `task.elapseditem.getlist`; those allowed `elapsedtime.add` add one
//! (`POST /tasks/{id}/time`, `minutes`, `comment`). Forms check the CSRF token
//! and go back to the task.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};

use super::{call, failure, view::refused};
use crate::state::AppState;
use crate::ui::crm::{parse_id, short_datetime, text_of};
use crate::ui::page;
use crate::ui::session::{CheckedForm, Signed};

/// Longest checklist item or time comment, in characters.
const MAX_TEXT_CHARS: usize = 2_000;
/// Most minutes one time record may hold (a week).
const MAX_MINUTES: i64 = 7 * 24 * 60;

/// The `action` key that allows changing the checklist.
const CHECKLIST: &str = "checklist.add";
/// The `action` key that allows recording time.
const TIME: &str = "elapsedtime.add";

/// The checklist actions: form value, method, message id.
const ITEM_ACTIONS: [(&str, &str, &str); 3] = [
    (
        "complete",
        "task.checklistitem.complete",
        "task-checklist-complete",
    ),
    ("renew", "task.checklistitem.renew", "task-checklist-renew"),
    (
        "delete",
        "task.checklistitem.delete",
        "task-checklist-delete",
    ),
];

/// The rows a positional `*.getlist` method answers for task `id`; a failed
/// read shows no rows (the task page stays readable).
async fn rows(state: &AppState, signed: &Signed, method: &str, id: i64) -> Vec<Value> {
    match call(
        state,
        signed,
        method,
        json!({ "0": id, "1": { "ID": "asc" } }),
    )
    .await
    {
        Ok(out) => out.result.as_array().cloned().unwrap_or_default(),
        Err(e) => {
            tracing::warn!(error = %e, method, "cannot read the items of a task");
            Vec::new()
        }
    }
}

/// The checklist and time blocks of task `id`; `task` is its `tasks.task.get` answer.
pub async fn blocks(state: &AppState, signed: &Signed, id: i64, task: &Value) -> Markup {
    let items = rows(state, signed, "task.checklistitem.getlist", id).await;
    let times = rows(state, signed, "task.elapseditem.getlist", id).await;
    let users = state.store.list_users().await.unwrap_or_default();
    let name_of = |raw: &str| {
        users
            .iter()
            .find(|u| u.id.to_string() == raw)
            .map(page::display_name)
            .unwrap_or_else(|| raw.to_owned())
    };
    let allowed = |key: &str| task.pointer(&format!("/action/{key}")) == Some(&json!(true));
    let may_check = allowed(CHECKLIST);
    let tr = &signed.tr;
    let text = |row: &Value, name: &str| row.get(name).map(text_of).unwrap_or_default();
    let total: i64 = times
        .iter()
        .filter_map(|t| text(t, "SECONDS").parse::<i64>().ok())
        .sum();
    html! {
        h2 #checklist { (tr.t("task-checklist")) }
        @if items.is_empty() {
            p.muted #task-checklist-empty { (tr.t("task-checklist-empty")) }
        } @else {
            ul.checklist #task-checklist {
                @for item in &items {
                    @let item_id = text(item, "ID");
                    @let done = text(item, "IS_COMPLETE") == "Y";
                    li data-id=(item_id) data-complete=(if done { "Y" } else { "N" }) {
                        span.item-title { @if done { s { (text(item, "TITLE")) } } @else { (text(item, "TITLE")) } }
                        @if may_check {
                            form.inline method="post" action={ "/tasks/" (id) "/checklist/" (item_id) } {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                @for (value, _, label) in ITEM_ACTIONS {
                                    @if (value == "complete" && !done) || (value == "renew" && done) || value == "delete" {
                                        button type="submit" name="action" value=(value) data-item-action=(value) { (tr.t(label)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if may_check {
            form.row #task-checklist-form method="post" action={ "/tasks/" (id) "/checklist" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="task-checklist-input" { (tr.t("task-checklist-item")) }
                input #task-checklist-input type="text" name="title" required maxlength=(MAX_TEXT_CHARS);
                button type="submit" { (tr.t("task-checklist-add")) }
            }
        }
        h2 #time { (tr.t("task-time")) }
        p.muted #task-time-total data-seconds=(total) { (tr.t_count("task-time-total", "minutes", total / 60)) }
        @if !times.is_empty() {
            ul #task-time-records {
                @for t in &times {
                    li data-id=(text(t, "ID")) data-seconds=(text(t, "SECONDS")) {
                        (name_of(&text(t, "USER_ID"))) " · " (short_datetime(&text(t, "CREATED_DATE")))
                        " · " (tr.t_count("task-time-minutes", "minutes", text(t, "MINUTES").parse().unwrap_or(0)))
                        @let comment = text(t, "COMMENT_TEXT");
                        @if !comment.is_empty() { " · " (comment) }
                    }
                }
            }
        }
        @if allowed(TIME) {
            form.row #task-time-form method="post" action={ "/tasks/" (id) "/time" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="task-time-minutes" { (tr.t("task-time-minutes-label")) }
                input #task-time-minutes type="number" name="minutes" min="1" max=(MAX_MINUTES) required;
                label for="task-time-comment" { (tr.t("task-time-comment")) }
                input #task-time-comment type="text" name="comment" maxlength=(MAX_TEXT_CHARS);
                button type="submit" { (tr.t("task-time-add")) }
            }
        }
    }
}

/// Calls `method` with `params` and goes back to block `anchor` of task
/// `id`, when the task's `action` map allows `key` (404 for a task the user
/// may not see, 403 for an action they may not take).
async fn change(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    (id, key): (i64, &str),
    (method, params): (&str, Value),
    anchor: &str,
) -> Response {
    if let Some(refusal) = refused(state, signed, headers, id, key).await {
        return refusal;
    }
    match call(state, signed, method, params).await {
        Ok(_) => Redirect::to(&format!("/tasks/{id}#{anchor}")).into_response(),
        Err(e) => failure(signed, headers, e),
    }
}

/// `POST /tasks/{id}/checklist`.
pub async fn add_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let title = form.text("title");
    if title.is_empty() || title.chars().count() > MAX_TEXT_CHARS {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "task-error-checklist");
    }
    let params = json!({ "0": id, "1": { "TITLE": title } });
    let call = ("task.checklistitem.add", params);
    change(
        &state,
        &headers,
        &signed,
        (id, CHECKLIST),
        call,
        "checklist",
    )
    .await
}

/// `POST /tasks/{id}/checklist/{item}`.
pub async fn change_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, item)): Path<(String, String)>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let (Some(id), Some(item)) = (parse_id(&id), parse_id(&item)) else {
        return page::not_found(&signed.tr);
    };
    let action = form.text("action");
    let Some((_, method, _)) = ITEM_ACTIONS.iter().find(|(v, _, _)| *v == action) else {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form");
    };
    let call = (*method, json!({ "0": id, "1": item }));
    change(
        &state,
        &headers,
        &signed,
        (id, CHECKLIST),
        call,
        "checklist",
    )
    .await
}

/// `POST /tasks/{id}/time`.
pub async fn add_time(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let minutes = parse_id(&form.text("minutes")).filter(|m| *m <= MAX_MINUTES);
    let comment = form.text("comment");
    let (Some(minutes), true) = (minutes, comment.chars().count() <= MAX_TEXT_CHARS) else {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "task-error-time");
    };
    let params = json!({ "0": id, "1": { "SECONDS": minutes * 60, "COMMENT_TEXT": comment } });
    change(
        &state,
        &headers,
        &signed,
        (id, TIME),
        ("task.elapseditem.add", params),
        "time",
    )
    .await
}
