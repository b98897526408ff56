//! `GET /tasks/{id}`: one task read with `tasks.task.get` (404 when the user
//! may not see it), its CRM links, people and workgroup, the buttons its
//! `action` map allows (start, pause, defer, complete, renew, approve,
//! disapprove, edit, delegate), its checklist and time ([`super::work`]) and
//! its comments (`task.commentitem.getlist`) with a form to add one. `POST
//! /tasks/{id}/status` (`action=start|pause|…`) calls `tasks.task.{action}`;
//! `POST /tasks/{id}/delegate` (`user`) calls `tasks.task.delegate`; `POST
//! /tasks/{id}/comments` (`message`) calls `task.commentitem.add`. Each checks
//! the CSRF token and goes back to the task.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde_json::{json, Value};

use super::{binding_link, call, failure, person_name, status_label};
use crate::state::AppState;
use crate::ui::crm::{parse_id, short_datetime, text_of};
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// The status buttons: form value, the `action` key that allows it, message id.
const STATUS_ACTIONS: [(&str, &str, &str); 7] = [
    ("start", "start", "task-action-start"),
    ("pause", "pause", "task-action-pause"),
    ("defer", "defer", "task-action-defer"),
    ("complete", "complete", "task-action-complete"),
    ("renew", "renew", "task-action-renew"),
    ("approve", "approve", "task-action-approve"),
    ("disapprove", "disapprove", "task-action-disapprove"),
];

/// Longest comment, in characters.
const MAX_COMMENT_CHARS: usize = 20_000;

/// `GET /tasks/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let params = json!({ "taskId": id, "select": ["*", "UF_CRM_TASK"] });
    let task = match call(&state, &signed, "tasks.task.get", params).await {
        Ok(out) => match out.result.get("task") {
            Some(task) => task.clone(),
            None => return page::not_found(&signed.tr),
        },
        Err(e) => return failure(&signed, &headers, e),
    };
    let comments = call(
        &state,
        &signed,
        "task.commentitem.getlist",
        json!({ "0": id, "1": { "ID": "asc" } }),
    )
    .await
    .map(|out| out.result)
    .unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the comments of a task");
        Value::Null
    });
    let comments = comments.as_array().cloned().unwrap_or_default();
    let work = super::work::blocks(&state, &signed, id, &task).await;
    let users = state.store.list_users().await.unwrap_or_default();
    let people = |key: &str| -> String {
        match task.get(key) {
            Some(Value::Object(map)) => map
                .values()
                .filter_map(|p| p.get("name").map(text_of))
                .collect::<Vec<_>>()
                .join(", "),
            _ => String::new(),
        }
    };
    let group = task.get("groupId").map(text_of).and_then(|g| parse_id(&g));
    let group_name = match group {
        Some(group) => super::super::workgroups::visible_group(&state, &signed, group)
            .await
            .ok()
            .flatten()
            .and_then(|g| g.get("NAME").map(text_of)),
        None => None,
    };
    let tr = &signed.tr;
    let field = |name: &str| task.get(name).map(text_of).unwrap_or_default();
    let title = field("title");
    let links: Vec<(String, String)> = match task.get("ufCrmTask") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|b| binding_link(tr, &text_of(b)))
            .collect(),
        _ => Vec::new(),
    };
    let allowed = |key: &str| task.pointer(&format!("/action/{key}")) == Some(&json!(true));
    let status = field("status");
    let body = html! {
        p { a href="/tasks" { "← " (tr.t("nav-tasks")) } }
        h1 #task-title { (title) }
        dl.fields #task-record data-id=(id) data-status=(status) {
            dt { (tr.t("task-field-status")) }
            dd #task-status { (status_label(tr, &status)) }
            dt { (tr.t("task-field-responsible")) }
            dd #task-responsible { (person_name(&task, "responsible", "responsibleId")) }
            dt { (tr.t("task-field-creator")) }
            dd { (person_name(&task, "creator", "createdBy")) }
            dt { (tr.t("task-field-deadline")) }
            dd #task-deadline { (short_datetime(&field("deadline"))) }
            dt { (tr.t("task-field-accomplices")) }
            dd #task-accomplices { (people("accomplicesData")) }
            dt { (tr.t("task-field-auditors")) }
            dd #task-auditors { (people("auditorsData")) }
            @if let Some(group) = group {
                dt { (tr.t("task-field-group")) }
                dd #task-group data-group=(group) {
                    a href={ "/workgroups/" (group) } { (group_name.clone().unwrap_or_else(|| group.to_string())) }
                }
            }
            @if !links.is_empty() {
                dt { (tr.t("task-field-crm")) }
                dd #task-crm {
                    @for (i, (href, label)) in links.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(href) { (label) }
                    }
                }
            }
        }
        @let description = field("description");
        @if !description.trim().is_empty() {
            h2 { (tr.t("task-field-description")) }
            p.description #task-description { (description) }
        }
        form.row #task-actions method="post" action={ "/tasks/" (id) "/status" } {
            input type="hidden" name="csrf" value=(signed.csrf);
            @for (value, key, label) in STATUS_ACTIONS {
                @if allowed(key) {
                    button type="submit" name="action" value=(value) data-action=(value) { (tr.t(label)) }
                }
            }
            @if allowed("edit") {
                a.button #task-edit href={ "/tasks/" (id) "/edit" } data-action="edit" { (tr.t("task-action-edit")) }
            }
        }
        @if allowed("delegate") {
            form.row #task-delegate-form method="post" action={ "/tasks/" (id) "/delegate" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="task-delegate-input" { (tr.t("task-delegate-to")) }
                select #task-delegate-input name="user" {
                    @for user in users.iter().filter(|u| u.active) {
                        option value=(user.id) { (crate::ui::page::display_name(user)) }
                    }
                }
                button type="submit" data-action="delegate" { (tr.t("task-action-delegate")) }
            }
        }
        (work)
        h2 #comments { (tr.t("task-comments")) }
        @if comments.is_empty() {
            p.muted #task-no-comments { (tr.t("task-no-comments")) }
        } @else {
            ol.comments #task-comments {
                @for c in &comments {
                    @let text = |name: &str| c.get(name).map(text_of).unwrap_or_default();
                    li data-id=(text("ID")) {
                        p.muted { (text("AUTHOR_NAME")) " · " (short_datetime(&text("POST_DATE"))) }
                        p.comment-text { (text("POST_MESSAGE")) }
                    }
                }
            }
        }
        form.stack #task-comment-form method="post" action={ "/tasks/" (id) "/comments" } {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="task-comment" { (tr.t("task-comment-label")) }
            textarea #task-comment name="message" rows="3" required maxlength=(MAX_COMMENT_CHARS) {}
            div { button.primary type="submit" { (tr.t("task-comment-add")) } }
        }
    };
    page::page(&signed, Section::Tasks, &title, body)
}

/// `POST /tasks/{id}/status`.
pub async fn change_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let action = form.text("action");
    let Some((method, _, _)) = STATUS_ACTIONS.iter().find(|(v, _, _)| *v == action) else {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form");
    };
    if let Some(missing) = unseen(&state, &signed, &headers, id).await {
        return missing;
    }
    let method = format!("tasks.task.{method}");
    match call(&state, &signed, &method, json!({ "taskId": id })).await {
        Ok(_) => Redirect::to(&format!("/tasks/{id}")).into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}

/// `POST /tasks/{id}/comments`.
pub async fn add_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let message = form.text("message");
    if message.is_empty() || message.chars().count() > MAX_COMMENT_CHARS {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "task-error-comment");
    }
    if let Some(missing) = unseen(&state, &signed, &headers, id).await {
        return missing;
    }
    let params = json!({ "0": id, "1": { "POST_MESSAGE": message } });
    match call(&state, &signed, "task.commentitem.add", params).await {
        Ok(_) => Redirect::to(&format!("/tasks/{id}#comments")).into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}

/// `POST /tasks/{id}/delegate`.
pub async fn delegate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let Some(user) = parse_id(&form.text("user")) else {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form");
    };
    if let Some(refusal) = refused(&state, &signed, &headers, id, "delegate").await {
        return refusal;
    }
    let params = json!({ "taskId": id, "userId": user });
    match call(&state, &signed, "tasks.task.delegate", params).await {
        Ok(_) => Redirect::to(&format!("/tasks/{id}")).into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}

/// The 404 page when the user may not see task `id`, the 403 page when its
/// `action` map does not allow `key`, else `None`.
pub async fn refused(
    state: &AppState,
    signed: &Signed,
    headers: &HeaderMap,
    id: i64,
    key: &str,
) -> Option<Response> {
    let task = match call(state, signed, "tasks.task.get", json!({ "taskId": id })).await {
        Ok(out) => out.result.get("task").cloned(),
        Err(e) => return Some(failure(signed, headers, e)),
    };
    let Some(task) = task else {
        return Some(page::not_found(&signed.tr));
    };
    if task.pointer(&format!("/action/{key}")) == Some(&json!(true)) {
        None
    } else {
        Some(page::error_page(
            &signed.tr,
            StatusCode::FORBIDDEN,
            "task-error-not-allowed",
        ))
    }
}

/// The 404 page when the user may not see task `id` (a form sent for a task
/// they cannot see answers as its page does), else `None`.
pub async fn unseen(
    state: &AppState,
    signed: &Signed,
    headers: &HeaderMap,
    id: i64,
) -> Option<Response> {
    let params = json!({ "taskId": id, "select": ["ID"] });
    match call(state, signed, "tasks.task.get", params).await {
        Ok(out) if out.result.get("task").is_some() => None,
        Ok(_) => Some(page::not_found(&signed.tr)),
        Err(e) => Some(failure(signed, headers, e)),
    }
}
