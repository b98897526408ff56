//! `/crm/pipelines`, for administrators: the deal pipelines in a table, each
//! with a form to rename it (name, sort), a form to delete it and a link to its
//! stages, and a form to add one. Reads with `crm.category.list`, writes with
//! `crm.category.add/update/delete` (`entityTypeId` 2).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};

use super::{notice, parse_id, refusal, sort_into};
use crate::state::AppState;
use crate::ui::crm::{call, failure, text_of};
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// The outcomes named by `?done=` and their messages.
const DONE: [(&str, &str); 3] = [
    ("added", "pipelines-done-added"),
    ("updated", "pipelines-done-updated"),
    ("deleted", "pipelines-done-deleted"),
];

/// One pipeline as the page shows it.
#[derive(Debug)]
pub struct Pipeline {
    /// Its id (0: the default pipeline).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its sort weight.
    pub sort: i64,
}

/// The pipelines in their order, read with `crm.category.list`.
pub async fn list(
    state: &AppState,
    signed: &Signed,
) -> Result<Vec<Pipeline>, portico_protocol::ApiError> {
    let out = call(
        state,
        signed,
        "crm.category.list",
        json!({ "entityTypeId": 2 }),
    )
    .await?;
    let rows = out
        .result
        .get("categories")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(Pipeline {
                id: row.get("id")?.as_i64()?,
                name: row.get("name").map(text_of).unwrap_or_default(),
                sort: row.get("sort").and_then(Value::as_i64).unwrap_or(0),
            })
        })
        .collect())
}

/// `GET /crm/pipelines`.
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

/// The pipelines page with an optional notice or error, answered with `status`.
async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let pipelines = match list(state, signed).await {
        Ok(pipelines) => pipelines,
        Err(e) => return failure(signed, headers, e, false),
    };
    let tr = &signed.tr;
    let title = tr.t("pipelines-title");
    let body = html! {
        p { a href="/crm/deals" { (tr.t("pipelines-back-to-deals")) } }
        h1 { (title) }
        (super::messages(error.as_deref(), notice.as_deref()))
        (table(signed, &pipelines))
        (add_form(signed))
    };
    let mut res = page::page(signed, Section::Crm("deals"), &title, body);
    *res.status_mut() = status;
    res
}

/// The table of pipelines with their forms.
fn table(signed: &Signed, pipelines: &[Pipeline]) -> Markup {
    let tr = &signed.tr;
    html! {
        div.table-wrap {
            table #pipelines.data {
                thead {
                    tr {
                        th scope="col" { (tr.t("directories-col-id")) }
                        th scope="col" { (tr.t("directories-col-name")) }
                        th scope="col" { (tr.t("directories-col-stages")) }
                        th scope="col" { (tr.t("directories-col-actions")) }
                    }
                }
                tbody {
                    @for p in pipelines {
                        tr data-id=(p.id) {
                            td { (p.id) }
                            td.name { (p.name) }
                            td {
                                a.stages href={ "/crm/pipelines/" (p.id) }
                                    aria-label=(tr.t_with("pipelines-stages-label", &[("name", &p.name)])) {
                                    (tr.t("pipelines-stages"))
                                }
                            }
                            td.actions { (row_forms(signed, p)) }
                        }
                    }
                }
            }
        }
    }
}

/// The rename and delete forms of one pipeline (no delete for the default one).
fn row_forms(signed: &Signed, p: &Pipeline) -> Markup {
    let tr = &signed.tr;
    html! {
        div.row {
            form.inline.rename method="post" action={ "/crm/pipelines/" (p.id) "/update" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="text" name="name" required maxlength="255" value=(p.name)
                    aria-label=(tr.t_with("directories-name-of", &[("name", &p.name)]));
                input.narrow type="number" name="sort" value=(p.sort)
                    aria-label=(tr.t_with("directories-sort-of", &[("name", &p.name)]));
                button type="submit" { (tr.t("directories-save")) }
            }
            @if p.id != 0 {
                form.inline.delete method="post" action={ "/crm/pipelines/" (p.id) "/delete" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button.danger type="submit"
                        aria-label=(tr.t_with("directories-delete-label", &[("name", &p.name)])) {
                        (tr.t("directories-delete"))
                    }
                }
            }
        }
    }
}

/// The "Add pipeline" form.
fn add_form(signed: &Signed) -> Markup {
    let tr = &signed.tr;
    html! {
        h2 #add-pipeline-title { (tr.t("pipelines-add-title")) }
        form #add-pipeline.card.stack method="post" action="/crm/pipelines" aria-labelledby="add-pipeline-title" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="new-pipeline-name" { (tr.t("directories-field-name")) }
            input #new-pipeline-name name="name" type="text" required maxlength="255" autocomplete="off";
            label for="new-pipeline-sort" { (tr.t("directories-field-sort")) }
            input #new-pipeline-sort name="sort" type="number" value="500";
            div { button.primary type="submit" { (tr.t("pipelines-add-submit")) } }
        }
    }
}

/// The `fields` of an add or update from the form: `name` and `sort` (a bad
/// sort is refused with a page message).
fn fields(signed: &Signed, form: &crate::ui::session::FormData) -> Result<Value, String> {
    let mut fields = json!({ "name": form.text("name") });
    if sort_into(&mut fields, "sort", &form.text("sort")) {
        Ok(fields)
    } else {
        Err(signed.tr.t("directories-error-sort"))
    }
}

/// Runs `method` with `params` and redirects to the list with `done`, or shows
/// the list again with the method's refusal.
async fn change(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    method: &str,
    params: Value,
    done: &str,
) -> Response {
    match call(state, signed, method, params).await {
        Ok(_) => {
            tracing::info!(target: "portico::web", by = signed.user.id, method, "pipeline changed");
            Redirect::to(&format!("/crm/pipelines?done={done}")).into_response()
        }
        Err(e) if e.status == 403 => failure(signed, headers, e, false),
        Err(e) => {
            let (status, message) = refusal(&signed.tr, &e);
            render(state, headers, signed, status, None, Some(message)).await
        }
    }
}

/// A form's refusal before any method runs: the list again with `message`.
async fn refuse(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    message: String,
) -> Response {
    render(
        state,
        headers,
        signed,
        StatusCode::BAD_REQUEST,
        None,
        Some(message),
    )
    .await
}

/// `POST /crm/pipelines`: adds a pipeline.
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let fields = match fields(&signed, &form) {
        Ok(fields) => fields,
        Err(message) => return refuse(&state, &headers, &signed, message).await,
    };
    let params = json!({ "entityTypeId": 2, "fields": fields });
    change(
        &state,
        &headers,
        &signed,
        "crm.category.add",
        params,
        "added",
    )
    .await
}

/// `POST /crm/pipelines/{id}/update`: renames a pipeline and sets its sort.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let fields = match fields(&signed, &form) {
        Ok(fields) => fields,
        Err(message) => return refuse(&state, &headers, &signed, message).await,
    };
    let params = json!({ "entityTypeId": 2, "id": id, "fields": fields });
    change(
        &state,
        &headers,
        &signed,
        "crm.category.update",
        params,
        "updated",
    )
    .await
}

/// `POST /crm/pipelines/{id}/delete`: deletes a pipeline (the method refuses
/// the default one and one with deals).
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let Some(id) = parse_id(&id) else {
        return page::not_found(&signed.tr);
    };
    let params = json!({ "entityTypeId": 2, "id": id });
    change(
        &state,
        &headers,
        &signed,
        "crm.category.delete",
        params,
        "deleted",
    )
    .await
}
