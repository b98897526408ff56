//! `/users/departments`, for administrators: the company structure as an
//! indented tree, each department with forms to rename it, move it under
//! another parent, set its sort weight and head ([`super::department_settings`])
//! and delete it (with the departments below it), and a form to add one (name,
//! parent). Reads with `department.get` (every page), writes with
//! `department.add/update/delete` (scope `department`).

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use portico_protocol::ApiError;
use serde_json::{json, Value};

use super::{notice, parse_id, refusal};
use crate::state::AppState;
use crate::ui::crm::{call_in_scope, failure, text_of};
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// The outcomes named by `?done=` and their messages.
const DONE: [(&str, &str); 5] = [
    ("added", "departments-done-added"),
    ("renamed", "departments-done-renamed"),
    ("moved", "departments-done-moved"),
    ("settings", "departments-done-settings"),
    ("deleted", "departments-done-deleted"),
];

/// Most pages of 50 read for the tree.
const MAX_PAGES: usize = 200;

/// One department with its depth in the tree (0: top level).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Department {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its parent's id (none at the top).
    pub parent: Option<i64>,
    /// How deep it lies.
    pub depth: usize,
    /// Its sort weight.
    pub sort: i64,
    /// Its head's user id.
    pub head: Option<i64>,
}

/// Calls `department.*` method `method` as the signed-in user.
async fn call(
    state: &AppState,
    signed: &Signed,
    method: &str,
    params: Value,
) -> Result<Value, ApiError> {
    call_in_scope(state, signed, "department", method, params)
        .await
        .map(|out| out.result)
}

/// Every department, read page by page.
async fn all(state: &AppState, signed: &Signed) -> Result<Vec<Department>, ApiError> {
    let mut rows = Vec::new();
    for page in 0..MAX_PAGES {
        let params = json!({ "start": page * 50 });
        let out = call_in_scope(state, signed, "department", "department.get", params).await?;
        let batch = out.result.as_array().cloned().unwrap_or_default();
        rows.extend(batch.iter().filter_map(|row| {
            let id = row.get("ID").map(text_of)?.parse().ok()?;
            let parent = row
                .get("PARENT")
                .map(text_of)
                .and_then(|p| p.parse().ok())
                .filter(|p| *p > 0);
            let number = |key: &str| {
                row.get(key)
                    .map(text_of)
                    .and_then(|v| v.parse::<i64>().ok())
            };
            Some(Department {
                id,
                name: row.get("NAME").map(text_of).unwrap_or_default(),
                parent,
                depth: 0,
                sort: number("SORT").unwrap_or(0),
                head: number("UF_HEAD").filter(|h| *h > 0),
            })
        }));
        if out.next.is_none() {
            break;
        }
    }
    Ok(tree(rows))
}

/// Departments in tree order (each below its parent, siblings in the order
/// given) with their depth; one whose parent is missing counts as top level.
fn tree(rows: Vec<Department>) -> Vec<Department> {
    let known: Vec<i64> = rows.iter().map(|d| d.id).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (i, d) in rows.iter().enumerate() {
        let parent = d.parent.filter(|p| known.contains(p));
        children.entry(parent).or_default().push(i);
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut stack: Vec<(usize, usize)> = children
        .get(&None)
        .map(|top| top.iter().rev().map(|i| (*i, 0)).collect())
        .unwrap_or_default();
    while let Some((i, depth)) = stack.pop() {
        let id = rows[i].id;
        if out.iter().any(|d: &Department| d.id == id) {
            continue;
        }
        out.push(Department {
            depth,
            ..rows[i].clone()
        });
        if let Some(below) = children.get(&Some(id)) {
            stack.extend(below.iter().rev().map(|c| (*c, depth + 1)));
        }
    }
    out
}

/// `GET /users/departments`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let notice = notice(&signed.tr, raw.as_deref(), &DONE);
    render(&state, &headers, &signed, StatusCode::OK, notice, None).await
}

/// The departments page with an optional notice or error, answered with `status`.
async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let departments = match all(state, signed).await {
        Ok(all) => all,
        Err(e) => return failure(signed, headers, e, false),
    };
    let users = match state.store.list_users().await {
        Ok(users) => users,
        Err(e) => return page::internal_error(headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("departments-title");
    let body = html! {
        p { a href="/users" { (tr.t("departments-back")) } }
        h1 { (title) }
        (super::messages(error.as_deref(), notice.as_deref()))
        div.table-wrap {
            table #departments.data {
                thead {
                    tr {
                        th scope="col" { (tr.t("directories-col-name")) }
                        th scope="col" { (tr.t("directories-col-id")) }
                        th scope="col" { (tr.t("departments-col-settings")) }
                        th scope="col" { (tr.t("directories-col-actions")) }
                    }
                }
                tbody {
                    @for d in &departments {
                        tr data-id=(d.id) data-parent=(d.parent.unwrap_or(0)) data-depth=(d.depth) {
                            td.name {
                                @for _ in 0..d.depth { span.indent aria-hidden="true" {} }
                                (d.name)
                            }
                            td { (d.id) }
                            td.settings { (super::department_settings::form(signed, d, &users)) }
                            td.actions { (row_forms(signed, d, &departments)) }
                        }
                    }
                }
            }
        }
        (add_form(signed, &departments))
    };
    let mut res = page::page(signed, Section::Users, &title, body);
    *res.status_mut() = status;
    res
}

/// The options of a parent list: every department, indented, `chosen` selected;
/// `except` and the departments below it left out.
fn parent_options(
    departments: &[Department],
    chosen: Option<i64>,
    except: Option<&Department>,
) -> Markup {
    let mut skipping: Option<usize> = None;
    html! {
        @for d in departments {
            @let below_except = match (except, skipping) {
                (_, Some(depth)) if d.depth > depth => true,
                (Some(e), _) if e.id == d.id => { skipping = Some(d.depth); true }
                _ => { skipping = None; false }
            };
            @if !below_except {
                option value=(d.id) selected[chosen == Some(d.id)] {
                    ("\u{a0}\u{a0}".repeat(d.depth)) (d.name)
                }
            }
        }
    }
}

/// The rename, move and delete forms of one department (the top-level one is
/// only renamed).
fn row_forms(signed: &Signed, d: &Department, all: &[Department]) -> Markup {
    let tr = &signed.tr;
    let base = format!("/users/departments/{}", d.id);
    html! {
        div.row {
            form.inline.rename method="post" action={ (base) "/update" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="text" name="name" required maxlength="255" value=(d.name)
                    aria-label=(tr.t_with("directories-name-of", &[("name", &d.name)]));
                button type="submit" { (tr.t("departments-rename")) }
            }
            @if d.parent.is_some() {
                form.inline.move method="post" action={ (base) "/update" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    select name="parent" aria-label=(tr.t_with("departments-parent-of", &[("name", &d.name)])) {
                        (parent_options(all, d.parent, Some(d)))
                    }
                    button type="submit" { (tr.t("departments-move")) }
                }
                form.inline.delete method="post" action={ (base) "/delete" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button.danger type="submit"
                        aria-label=(tr.t_with("directories-delete-label", &[("name", &d.name)])) {
                        (tr.t("directories-delete"))
                    }
                }
            }
        }
    }
}

/// The "Add department" form; the parent preselected is the top-level one.
fn add_form(signed: &Signed, departments: &[Department]) -> Markup {
    let tr = &signed.tr;
    let top = departments.first().map(|d| d.id);
    html! {
        h2 #add-department-title { (tr.t("departments-add-title")) }
        form #add-department.card.stack method="post" action="/users/departments"
            aria-labelledby="add-department-title" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="new-department-name" { (tr.t("directories-field-name")) }
            input #new-department-name name="name" type="text" required maxlength="255" autocomplete="off";
            label for="new-department-parent" { (tr.t("departments-field-parent")) }
            select #new-department-parent name="parent" {
                (parent_options(departments, top, None))
            }
            div { button.primary type="submit" { (tr.t("departments-add-submit")) } }
        }
    }
}

/// Runs `method` with `params` and redirects to the page with `done`, or
/// shows it again with the method's refusal.
async fn change(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    (method, params): (&str, Value),
    done: &str,
) -> Response {
    match call(state, signed, method, params).await {
        Ok(_) => {
            tracing::info!(target: "portico::web", by = signed.user.id, method, "department changed");
            Redirect::to(&format!("/users/departments?done={done}")).into_response()
        }
        Err(e) if e.status == 403 => failure(signed, headers, e, false),
        Err(e) => {
            let (status, message) = refusal(&signed.tr, &e);
            render(state, headers, signed, status, None, Some(message)).await
        }
    }
}

/// A `parent` form field: a department id, else the answer refusing it.
fn parent_field(signed: &Signed, raw: &str) -> Result<i64, Response> {
    parse_id(raw)
        .filter(|id| *id > 0)
        .ok_or_else(|| page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form"))
}

/// `POST /users/departments`: adds a department below `parent`.
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let parent = match parent_field(&signed, &form.text("parent")) {
        Ok(parent) => parent,
        Err(refused) => return refused,
    };
    let params = json!({ "NAME": form.text("name"), "PARENT": parent });
    change(
        &state,
        &headers,
        &signed,
        ("department.add", params),
        "added",
    )
    .await
}

/// `POST /users/departments/{id}/update`: renames (`name`), moves
/// (`parent`) or sets the sort weight and head (`sort`, `head`) of a department.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let Some(id) = parse_id(&id).filter(|id| *id > 0) else {
        return page::not_found(&signed.tr);
    };
    let mut params = json!({ "ID": id });
    let done = if form.get("sort").is_some() || form.get("head").is_some() {
        match super::department_settings::fields(&form) {
            Some((sort, head)) => {
                if let Some(sort) = sort {
                    params["SORT"] = json!(sort);
                }
                params["UF_HEAD"] = json!(head);
            }
            None => return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "error-bad-form"),
        }
        "settings"
    } else if let Some(parent) = form.get("parent") {
        match parent_field(&signed, parent) {
            Ok(parent) => params["PARENT"] = json!(parent),
            Err(refused) => return refused,
        }
        "moved"
    } else {
        params["NAME"] = json!(form.text("name"));
        "renamed"
    };
    change(
        &state,
        &headers,
        &signed,
        ("department.update", params),
        done,
    )
    .await
}

/// `POST /users/departments/{id}/delete`: deletes a department with the ones below it.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let Some(id) = parse_id(&id).filter(|id| *id > 0) else {
        return page::not_found(&signed.tr);
    };
    let params = json!({ "ID": id });
    change(
        &state,
        &headers,
        &signed,
        ("department.delete", params),
        "deleted",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departments_form_a_tree() {
        let row = |id: i64, name: &str, parent: Option<i64>| Department {
            id,
            name: name.to_owned(),
            parent,
            depth: 0,
            sort: 500,
            head: None,
        };
        let rows = vec![
            row(1, "Top", None),
            row(3, "Sales", Some(1)),
            row(4, "Field", Some(3)),
            row(2, "IT", Some(1)),
            row(9, "Lost", Some(77)),
        ];
        let out: Vec<(i64, usize)> = tree(rows).iter().map(|d| (d.id, d.depth)).collect();
        assert_eq!(out, vec![(1, 0), (3, 1), (4, 2), (2, 1), (9, 0)]);
    }
}
