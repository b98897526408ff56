//! `GET /workgroups`: the groups the signed-in user may see (name, project or
//! group, visibility, members), and the "new workgroup" form: `GET
//! /workgroups/new` and `POST /workgroups`, which calls `sonet_group.create`
//! with the name, description and the visible, opened and project flags and
//! goes to the new group's page.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde_json::{json, Value};

use super::{call, failure, flag, visible_groups};
use crate::state::AppState;
use crate::ui::crm::text_of;
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// Longest group name, in characters.
const MAX_NAME_CHARS: usize = 255;
/// Longest description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 20_000;

/// `GET /workgroups`.
pub async fn show(State(state): State<AppState>, headers: HeaderMap, signed: Signed) -> Response {
    let groups = match visible_groups(&state, &signed).await {
        Ok(groups) => groups,
        Err(e) => return failure(&signed, &headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("nav-workgroups");
    let cell = |row: &Value, name: &str| row.get(name).map(text_of).unwrap_or_default();
    let yes_no = |b: bool| tr.t(if b { "workgroup-yes" } else { "workgroup-no" });
    let body = html! {
        div.toolbar {
            h1 { (title) }
            a.button.primary #workgroup-new href="/workgroups/new" { (tr.t("workgroup-new")) }
        }
        @if groups.is_empty() {
            p.muted #workgroup-empty { (tr.t("workgroup-empty")) }
        } @else {
            div.table-wrap {
                table #workgroup-list.data {
                    thead {
                        tr {
                            th scope="col" { (tr.t("workgroup-field-name")) }
                            th scope="col" { (tr.t("workgroup-field-kind")) }
                            th scope="col" { (tr.t("workgroup-field-visible")) }
                            th scope="col" { (tr.t("workgroup-field-opened")) }
                            th scope="col" { (tr.t("workgroup-members")) }
                        }
                    }
                    tbody {
                        @for row in &groups {
                            @let id = cell(row, "ID");
                            tr data-id=(id) {
                                td { a href={ "/workgroups/" (id) } { (cell(row, "NAME")) } }
                                td { (tr.t(if flag(row, "PROJECT") { "workgroup-kind-project" } else { "workgroup-kind-group" })) }
                                td { (yes_no(flag(row, "VISIBLE"))) }
                                td { (yes_no(flag(row, "OPENED"))) }
                                td { (cell(row, "NUMBER_OF_MEMBERS")) }
                            }
                        }
                    }
                }
            }
        }
    };
    page::page(&signed, Section::Workgroups, &title, body)
}

/// What the new-workgroup form holds.
#[derive(Debug)]
struct Draft {
    name: String,
    description: String,
    visible: bool,
    opened: bool,
    project: bool,
}

/// `GET /workgroups/new`.
pub async fn new_form(signed: Signed) -> Response {
    let draft = Draft {
        name: String::new(),
        description: String::new(),
        visible: true,
        opened: false,
        project: false,
    };
    render(&signed, &draft, None, StatusCode::OK)
}

/// `POST /workgroups`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let draft = Draft {
        name: form.text("name"),
        description: form.text("description"),
        visible: form.get("visible").is_some(),
        opened: form.get("opened").is_some(),
        project: form.get("project").is_some(),
    };
    let problem = if draft.name.is_empty() || draft.name.chars().count() > MAX_NAME_CHARS {
        Some("workgroup-error-name")
    } else if draft.description.chars().count() > MAX_DESCRIPTION_CHARS {
        Some("workgroup-error-description")
    } else {
        None
    };
    if let Some(problem) = problem {
        let reason = signed.tr.t(problem);
        return render(&signed, &draft, Some(reason), StatusCode::BAD_REQUEST);
    }
    let yn = |b: bool| if b { "Y" } else { "N" };
    let params = json!({
        "NAME": draft.name,
        "DESCRIPTION": draft.description,
        "VISIBLE": yn(draft.visible),
        "OPENED": yn(draft.opened),
        "PROJECT": yn(draft.project),
    });
    match call(&state, &signed, "sonet_group.create", params).await {
        Ok(out) => match out.result.as_i64() {
            Some(id) => {
                tracing::info!(target: "portico::web", by = signed.user.id, group = id, "workgroup created");
                Redirect::to(&format!("/workgroups/{id}")).into_response()
            }
            None => page::internal_error(&headers, "sonet_group.create answered without an id"),
        },
        Err(e) => failure(&signed, &headers, e),
    }
}

/// The form page.
fn render(signed: &Signed, draft: &Draft, error: Option<String>, status: StatusCode) -> Response {
    let tr = &signed.tr;
    let title = tr.t("workgroup-new");
    let body = html! {
        p { a href="/workgroups" { "← " (tr.t("nav-workgroups")) } }
        h1 { (title) }
        @if let Some(error) = &error {
            p.error #workgroup-form-error role="alert" { (error) }
        }
        form.card.stack #workgroup-form method="post" action="/workgroups" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="workgroup-name-input" { (tr.t("workgroup-field-name")) }
            input #workgroup-name-input type="text" name="name" value=(draft.name) required maxlength=(MAX_NAME_CHARS);
            label for="workgroup-description-input" { (tr.t("workgroup-field-description")) }
            textarea #workgroup-description-input name="description" rows="4" { (draft.description) }
            label.check {
                input #workgroup-visible-input type="checkbox" name="visible" value="Y" checked[draft.visible];
                " " (tr.t("workgroup-field-visible-hint"))
            }
            label.check {
                input #workgroup-opened-input type="checkbox" name="opened" value="Y" checked[draft.opened];
                " " (tr.t("workgroup-field-opened-hint"))
            }
            label.check {
                input #workgroup-project-input type="checkbox" name="project" value="Y" checked[draft.project];
                " " (tr.t("workgroup-field-project-hint"))
            }
            div { button.primary #workgroup-create type="submit" { (tr.t("workgroup-create")) } }
        }
    };
    let mut response = page::page(signed, Section::Workgroups, &title, body);
    *response.status_mut() = status;
    response
}
