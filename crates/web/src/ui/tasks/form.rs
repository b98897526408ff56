//! The task forms. `GET /tasks/new` (`?crm=L_12` pre-fills the CRM link, as
//! the "new task" link of a CRM record page does; `?group=7` the workgroup,
//! as a group page's link does) and `POST /tasks`, which calls
//! `tasks.task.add` and goes to the new task. `GET /tasks/{id}/edit` and
//! `POST /tasks/{id}/edit`, which calls `tasks.task.update`, for those whose
//! task `action` map allows `edit` (404 for a task they may not see). Both
//! forms hold the title, description, responsible person, deadline, CRM
//! links, accomplices, auditors and workgroup; refused input shows the form
//! again with the reason (400).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use portico_methods::tasks::input::is_crm_binding;
use portico_protocol::ErrorCode;
use serde_json::{json, Value};

use super::draft::{Draft, MAX_TITLE_CHARS};
use super::{binding_link, call, failure, refusal_text};
use crate::state::AppState;
use crate::ui::crm::{parse_id, text_of};
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};
use crate::ui::workgroups;

/// Which form is shown: a new task, or the edit form of task `id`.
#[derive(Clone, Copy, Debug)]
enum Target {
    New,
    Edit(i64),
}

/// `GET /tasks/new`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    RawQuery(raw): RawQuery,
) -> Response {
    let query: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
        .collect();
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let crm = Some(value("crm"))
        .filter(|v| is_crm_binding(v))
        .unwrap_or_default();
    let draft = Draft {
        responsible: Some(signed.user.id),
        crm,
        group: parse_id(&value("group")),
        ..Draft::default()
    };
    render(
        &state,
        &headers,
        &signed,
        &draft,
        Target::New,
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /tasks`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let draft = Draft::from_form(&form);
    let params = json!({ "fields": draft.add_fields() });
    save(
        &state,
        &headers,
        &signed,
        &draft,
        Target::New,
        ("tasks.task.add", params),
    )
    .await
}

/// Task `id` as `tasks.task.get` answers it when the signed-in user may edit
/// it; else the 404 or 403 page.
async fn editable(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    id: i64,
) -> Result<Value, Response> {
    let params = json!({ "taskId": id, "select": ["*", "UF_CRM_TASK"] });
    let task = match call(state, signed, "tasks.task.get", params).await {
        Ok(out) => out.result.get("task").cloned(),
        Err(e) => return Err(failure(signed, headers, e)),
    };
    let Some(task) = task else {
        return Err(page::not_found(&signed.tr));
    };
    if task.pointer("/action/edit") != Some(&json!(true)) {
        return Err(page::error_page(
            &signed.tr,
            StatusCode::FORBIDDEN,
            "task-error-not-allowed",
        ));
    }
    Ok(task)
}

/// `GET /tasks/{id}/edit`.
pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let task = match editable(&state, &headers, &signed, id).await {
        Ok(task) => task,
        Err(refused) => return refused,
    };
    let draft = Draft::from_task(&task);
    render(
        &state,
        &headers,
        &signed,
        &draft,
        Target::Edit(id),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /tasks/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    if let Err(refused) = editable(&state, &headers, &signed, id).await {
        return refused;
    }
    let draft = Draft::from_form(&form);
    let params = json!({ "taskId": id, "fields": draft.update_fields() });
    save(
        &state,
        &headers,
        &signed,
        &draft,
        Target::Edit(id),
        ("tasks.task.update", params),
    )
    .await
}

/// Checks the draft, calls `method` and goes to the task; refused input shows
/// the form again.
async fn save(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    draft: &Draft,
    target: Target,
    (method, params): (&str, Value),
) -> Response {
    if let Some(problem) = draft.problem() {
        let reason = signed.tr.t(problem);
        return render(
            state,
            headers,
            signed,
            draft,
            target,
            Some(reason),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    match call(state, signed, method, params).await {
        Ok(out) => match out.result.pointer("/task/id").map(text_of) {
            Some(id) => Redirect::to(&format!("/tasks/{id}")).into_response(),
            None => page::internal_error(headers, format!("{method} answered without an id")),
        },
        Err(e) if e.code == ErrorCode::ErrorCore => {
            let reason = refusal_text(&e.description);
            render(
                state,
                headers,
                signed,
                draft,
                target,
                Some(reason),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => failure(signed, headers, e),
    }
}

/// The form page.
async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    draft: &Draft,
    target: Target,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let users = match state.store.list_users().await {
        Ok(users) => users,
        Err(e) => return page::internal_error(headers, e),
    };
    let groups = workgroups::visible_groups(state, signed)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot list the workgroups for a task form");
            Vec::new()
        });
    let tr = &signed.tr;
    let (title, action, back, submit) = match target {
        Target::New => (
            tr.t("task-new"),
            "/tasks".to_owned(),
            "/tasks".to_owned(),
            "task-create",
        ),
        Target::Edit(id) => (
            tr.t("task-edit"),
            format!("/tasks/{id}/edit"),
            format!("/tasks/{id}"),
            "task-save",
        ),
    };
    let crm_records: Vec<(String, String)> = draft
        .crm
        .split(',')
        .filter_map(|b| binding_link(tr, b.trim()))
        .collect();
    let active = || users.iter().filter(|u| u.active);
    let body = html! {
        p { a href=(back) { "← " (tr.t("task-back")) } }
        h1 { (title) }
        @if let Some(error) = &error {
            p.error #task-form-error role="alert" { (error) }
        }
        form.card.stack #task-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="task-title-input" { (tr.t("task-field-title")) }
            input #task-title-input type="text" name="title" value=(draft.title) required maxlength=(MAX_TITLE_CHARS);
            label for="task-description-input" { (tr.t("task-field-description")) }
            textarea #task-description-input name="description" rows="5" { (draft.description) }
            label for="task-responsible-input" { (tr.t("task-field-responsible")) }
            select #task-responsible-input name="responsible" {
                @for user in active() {
                    option value=(user.id) selected[draft.responsible == Some(user.id)] { (page::display_name(user)) }
                }
            }
            label for="task-deadline-input" { (tr.t("task-field-deadline")) }
            input #task-deadline-input type="datetime-local" name="deadline" value=(draft.deadline);
            label for="task-accomplices-input" { (tr.t("task-field-accomplices")) }
            select #task-accomplices-input name="accomplices" multiple size="4" {
                @for user in active() {
                    option value=(user.id) selected[draft.accomplices.contains(&user.id)] { (page::display_name(user)) }
                }
            }
            label for="task-auditors-input" { (tr.t("task-field-auditors")) }
            select #task-auditors-input name="auditors" multiple size="4" {
                @for user in active() {
                    option value=(user.id) selected[draft.auditors.contains(&user.id)] { (page::display_name(user)) }
                }
            }
            label for="task-group-input" { (tr.t("task-field-group")) }
            select #task-group-input name="group" {
                option value="" { (tr.t("task-no-group")) }
                @for group in &groups {
                    @let id = group.get("ID").map(text_of).unwrap_or_default();
                    option value=(id) selected[draft.group.map(|g| g.to_string()) == Some(id.clone())] {
                        (group.get("NAME").map(text_of).unwrap_or_default())
                    }
                }
            }
            label for="task-crm-input" { (tr.t("task-field-crm")) }
            input #task-crm-input type="text" name="crm" value=(draft.crm) placeholder="L_12";
            p.muted {
                (tr.t("task-crm-hint"))
                @for (href, label) in &crm_records {
                    " " a.task-crm-record href=(href) { (label) }
                }
            }
            div { button.primary id=(submit) type="submit" { (tr.t(submit)) } }
        }
    };
    let mut response = page::page(signed, Section::Tasks, &title, body);
    *response.status_mut() = status;
    response
}
