//! `GET /workgroups/{id}`: one group (404 when the user may not see it) with
//! its members (`sonet_group.user.get`), a form to add a member for
//! administrators (`sonet_group.user.add` adds members for them only), and the group's tasks
//! the user may see (`tasks.task.list` with `GROUP_ID`) with a "new task in
//! this group" link that pre-fills the group on the new-task form. `POST
//! /workgroups/{id}/members` (`user`) calls `sonet_group.user.add`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde_json::{json, Value};

use super::{call, failure, flag, visible_group};
use crate::state::AppState;
use crate::ui::crm::{parse_id, short_datetime, text_of};
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};
use crate::ui::tasks::{self, person_name, status_label};

/// The message id of a member's role (`A` owner, `E` moderator, else member).
fn role_label(role: &str) -> &'static str {
    match role {
        "A" => "workgroup-role-owner",
        "E" => "workgroup-role-moderator",
        _ => "workgroup-role-member",
    }
}

/// `(user id, role)` of the members of group `id`.
async fn members(
    state: &AppState,
    signed: &Signed,
    id: i64,
) -> Result<Vec<(i64, String)>, portico_protocol::ApiError> {
    let out = call(state, signed, "sonet_group.user.get", json!({ "ID": id })).await?;
    Ok(out
        .result
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|m| {
                    let user = m.get("USER_ID").map(text_of)?.parse().ok()?;
                    Some((user, m.get("ROLE").map(text_of).unwrap_or_default()))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Whether the signed-in user may add members: only an administrator, as
/// `sonet_group.user.add` allows.
fn manages(signed: &Signed) -> bool {
    signed.user.is_admin
}

/// `GET /workgroups/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let group = match visible_group(&state, &signed, id).await {
        Ok(Some(group)) => group,
        Ok(None) => return page::not_found(&signed.tr),
        Err(e) => return failure(&signed, &headers, e),
    };
    let members = match members(&state, &signed, id).await {
        Ok(members) => members,
        Err(e) => return failure(&signed, &headers, e),
    };
    let params = json!({
        "filter": { "GROUP_ID": id },
        "select": ["ID", "TITLE", "STATUS", "RESPONSIBLE_ID", "DEADLINE"],
        "order": { "ID": "desc" },
    });
    let rows = match tasks::call(&state, &signed, "tasks.task.list", params).await {
        Ok(out) => match out.result.get("tasks") {
            Some(Value::Array(rows)) => rows.clone(),
            _ => Vec::new(),
        },
        Err(e) => return tasks::failure(&signed, &headers, e),
    };
    let users = match state.store.list_users().await {
        Ok(users) => users,
        Err(e) => return page::internal_error(&headers, e),
    };
    let tr = &signed.tr;
    let name_of = |user: i64| {
        users
            .iter()
            .find(|u| u.id == user)
            .map(page::display_name)
            .unwrap_or_else(|| user.to_string())
    };
    let text = |name: &str| group.get(name).map(text_of).unwrap_or_default();
    let title = text("NAME");
    let cell = |row: &Value, name: &str| row.get(name).map(text_of).unwrap_or_default();
    let kind = if flag(&group, "PROJECT") {
        "workgroup-kind-project"
    } else {
        "workgroup-kind-group"
    };
    let body = html! {
        p { a href="/workgroups" { "← " (tr.t("nav-workgroups")) } }
        h1 #workgroup-title { (title) }
        p.muted #workgroup-kind data-visible=(text("VISIBLE")) data-opened=(text("OPENED")) { (tr.t(kind)) }
        @let description = text("DESCRIPTION");
        @if !description.trim().is_empty() {
            p.description #workgroup-description { (description) }
        }
        h2 #members { (tr.t("workgroup-members")) }
        ul #workgroup-members {
            @for (user, role) in &members {
                li data-user=(user) data-role=(role) { (name_of(*user)) " · " (tr.t(role_label(role))) }
            }
        }
        @if manages(&signed) {
            form.row #workgroup-member-form method="post" action={ "/workgroups/" (id) "/members" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="workgroup-member-input" { (tr.t("workgroup-member-user")) }
                select #workgroup-member-input name="user" {
                    @for user in users.iter().filter(|u| u.active && !members.iter().any(|(m, _)| *m == u.id)) {
                        option value=(user.id) { (page::display_name(user)) }
                    }
                }
                button type="submit" #workgroup-member-add { (tr.t("workgroup-member-add")) }
            }
        }
        div.toolbar {
            h2 #tasks { (tr.t("nav-tasks")) }
            a.button #workgroup-task-new href={ "/tasks/new?group=" (id) } { (tr.t("workgroup-task-new")) }
        }
        @if rows.is_empty() {
            p.muted #workgroup-tasks-empty { (tr.t("workgroup-no-tasks")) }
        } @else {
            ul.task-links #workgroup-tasks {
                @for row in &rows {
                    @let task_id = cell(row, "id");
                    li data-id=(task_id) {
                        a href={ "/tasks/" (task_id) } { (cell(row, "title")) }
                        " · " (status_label(tr, &cell(row, "status")))
                        " · " (person_name(row, "responsible", "responsibleId"))
                        @let deadline = short_datetime(&cell(row, "deadline"));
                        @if !deadline.is_empty() { " · " (deadline) }
                    }
                }
            }
        }
    };
    page::page(&signed, Section::Workgroups, &title, body)
}

/// `POST /workgroups/{id}/members`.
pub async fn add_member(
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
    match visible_group(&state, &signed, id).await {
        Ok(Some(_)) => {}
        Ok(None) => return page::not_found(&signed.tr),
        Err(e) => return failure(&signed, &headers, e),
    }
    let params = json!({ "GROUP_ID": id, "USER_ID": [user] });
    match call(&state, &signed, "sonet_group.user.add", params).await {
        Ok(_) => Redirect::to(&format!("/workgroups/{id}#members")).into_response(),
        Err(e) => failure(&signed, &headers, e),
    }
}
