//! `/crm/pipelines/{id}`, for administrators: the stages of one deal pipeline
//! (`crm.status` items of `DEAL_STAGE`, or `DEAL_STAGE_{n}` for pipeline n) in
//! their order, each with a form to rename it (name, sort) and one to delete
//! it, and a form to add a stage (name, optional code, sort, semantics: in
//! progress, success or failure). Writes with `crm.status.add/update/delete`.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};

use super::pipelines::{self, Pipeline};
use super::{notice, parse_id, refusal, sort_into};
use crate::state::AppState;
use crate::ui::crm::{call, failure, stage_directory, text_of};
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, Signed};

/// The outcomes named by `?done=` and their messages.
const DONE: [(&str, &str); 3] = [
    ("added", "stages-done-added"),
    ("updated", "stages-done-updated"),
    ("deleted", "stages-done-deleted"),
];

/// The semantics a new stage may have: form value (`SEMANTICS`) and message id.
const SEMANTICS: [(&str, &str); 3] = [
    ("", "stages-semantics-process"),
    ("S", "stages-semantics-success"),
    ("F", "stages-semantics-failure"),
];

/// One stage as the page shows it.
#[derive(Debug)]
struct Stage {
    /// The `crm.status` item id.
    id: i64,
    /// Its code (`C1:NEW`).
    code: String,
    /// Its name.
    name: String,
    /// Its sort weight.
    sort: i64,
    /// `S`, `F` or empty.
    semantics: String,
}

/// The stages of pipeline `category` in their order.
async fn stages(
    state: &AppState,
    signed: &Signed,
    category: i64,
) -> Result<Vec<Stage>, portico_protocol::ApiError> {
    let params = json!({
        "filter": { "ENTITY_ID": stage_directory(category) },
        "order": { "SORT": "ASC" },
    });
    let out = call(state, signed, "crm.status.list", params).await?;
    let rows = out.result.as_array().cloned().unwrap_or_default();
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(Stage {
                id: row.get("ID").map(text_of)?.parse().ok()?,
                code: row.get("STATUS_ID").map(text_of)?,
                name: row.get("NAME").map(text_of).unwrap_or_default(),
                sort: row.get("SORT").map(text_of)?.parse().unwrap_or(0),
                semantics: row.get("SEMANTICS").map(text_of).unwrap_or_default(),
            })
        })
        .collect())
}

/// The pipeline of path segment `raw`, or the answer refusing it.
async fn pipeline_of(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    raw: &str,
) -> Result<Pipeline, Response> {
    let Some(id) = parse_id(raw) else {
        return Err(page::not_found(&signed.tr));
    };
    let all = pipelines::list(state, signed)
        .await
        .map_err(|e| failure(signed, headers, e, false))?;
    all.into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| page::not_found(&signed.tr))
}

/// `GET /crm/pipelines/{id}`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    signed: Signed,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let pipeline = match pipeline_of(&state, &headers, &signed, &id).await {
        Ok(p) => p,
        Err(refused) => return refused,
    };
    let notice = notice(&signed.tr, raw.as_deref(), &DONE);
    render(
        &state,
        &headers,
        &signed,
        &pipeline,
        StatusCode::OK,
        notice,
        None,
    )
    .await
}

/// The stages page of `pipeline` with an optional notice or error.
async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    pipeline: &Pipeline,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let stages = match stages(state, signed, pipeline.id).await {
        Ok(stages) => stages,
        Err(e) => return failure(signed, headers, e, false),
    };
    let tr = &signed.tr;
    let title = tr.t_with("stages-title", &[("name", &pipeline.name)]);
    let body = html! {
        p { a href="/crm/pipelines" { (tr.t("stages-back")) } }
        h1 { (title) }
        (super::messages(error.as_deref(), notice.as_deref()))
        (table(signed, pipeline.id, &stages))
        (add_form(signed, pipeline.id))
    };
    let mut res = page::page(signed, Section::Crm("deals"), &title, body);
    *res.status_mut() = status;
    res
}

/// The table of stages with their forms.
fn table(signed: &Signed, category: i64, stages: &[Stage]) -> Markup {
    let tr = &signed.tr;
    html! {
        div.table-wrap {
            table #stages.data data-category=(category) {
                thead {
                    tr {
                        th scope="col" { (tr.t("stages-col-code")) }
                        th scope="col" { (tr.t("directories-col-name")) }
                        th scope="col" { (tr.t("stages-col-semantics")) }
                        th scope="col" { (tr.t("directories-col-actions")) }
                    }
                }
                tbody {
                    @for s in stages {
                        tr data-id=(s.id) data-code=(s.code) {
                            td { code { (s.code) } }
                            td.name { (s.name) }
                            td.semantics { (semantics_name(signed, &s.semantics)) }
                            td.actions { (row_forms(signed, category, s)) }
                        }
                    }
                }
            }
        }
    }
}

/// The name of semantics `code` (`S`, `F`, else in progress).
fn semantics_name(signed: &Signed, code: &str) -> String {
    let id = SEMANTICS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("stages-semantics-process", |(_, id)| id);
    signed.tr.t(id)
}

/// The rename and delete forms of one stage.
fn row_forms(signed: &Signed, category: i64, s: &Stage) -> Markup {
    let tr = &signed.tr;
    let base = format!("/crm/pipelines/{category}/stages/{}", s.id);
    html! {
        div.row {
            form.inline.rename method="post" action={ (base) "/update" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                input type="text" name="name" required maxlength="100" value=(s.name)
                    aria-label=(tr.t_with("directories-name-of", &[("name", &s.name)]));
                input.narrow type="number" name="sort" value=(s.sort)
                    aria-label=(tr.t_with("directories-sort-of", &[("name", &s.name)]));
                button type="submit" { (tr.t("directories-save")) }
            }
            form.inline.delete method="post" action={ (base) "/delete" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button.danger type="submit"
                    aria-label=(tr.t_with("directories-delete-label", &[("name", &s.name)])) {
                    (tr.t("directories-delete"))
                }
            }
        }
    }
}

/// The "Add stage" form.
fn add_form(signed: &Signed, category: i64) -> Markup {
    let tr = &signed.tr;
    html! {
        h2 #add-stage-title { (tr.t("stages-add-title")) }
        form #add-stage.card.stack method="post" action={ "/crm/pipelines/" (category) "/stages" }
            aria-labelledby="add-stage-title" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="new-stage-name" { (tr.t("directories-field-name")) }
            input #new-stage-name name="name" type="text" required maxlength="100" autocomplete="off";
            label for="new-stage-code" { (tr.t("stages-field-code")) }
            input #new-stage-code name="code" type="text" maxlength="50" autocomplete="off"
                aria-describedby="new-stage-code-hint";
            p.muted #new-stage-code-hint { (tr.t("stages-code-hint")) }
            label for="new-stage-sort" { (tr.t("directories-field-sort")) }
            input #new-stage-sort name="sort" type="number" value="100";
            label for="new-stage-semantics" { (tr.t("stages-col-semantics")) }
            select #new-stage-semantics name="semantics" {
                @for (value, id) in SEMANTICS {
                    option value=(value) { (tr.t(id)) }
                }
            }
            div { button.primary type="submit" { (tr.t("stages-add-submit")) } }
        }
    }
}

/// Runs `method` with `params` and redirects to the stages page with `done`,
/// or shows it again with the method's refusal.
async fn change(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    pipeline: &Pipeline,
    (method, params): (&str, Value),
    done: &str,
) -> Response {
    match call(state, signed, method, params).await {
        Ok(_) => {
            tracing::info!(target: "portico::web", by = signed.user.id, pipeline = pipeline.id, method, "stage changed");
            Redirect::to(&format!("/crm/pipelines/{}?done={done}", pipeline.id)).into_response()
        }
        Err(e) if e.status == 403 => failure(signed, headers, e, false),
        Err(e) => {
            let (status, message) = refusal(&signed.tr, &e);
            render(
                state,
                headers,
                signed,
                pipeline,
                status,
                None,
                Some(message),
            )
            .await
        }
    }
}

/// A stage code for the default pipeline's directory when the form left it
/// empty (the method names those of other pipelines itself): the first unused
/// `UC_n`.
fn free_code(stages: &[Stage]) -> String {
    (1..)
        .map(|i| format!("UC_{i}"))
        .find(|code| !stages.iter().any(|s| s.code == *code))
        .unwrap_or_default()
}

/// `POST /crm/pipelines/{id}/stages`: adds a stage.
pub async fn add(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let pipeline = match pipeline_of(&state, &headers, &signed, &id).await {
        Ok(p) => p,
        Err(refused) => return refused,
    };
    let mut fields = json!({
        "ENTITY_ID": stage_directory(pipeline.id),
        "NAME": form.text("name"),
        "SEMANTICS": form.text("semantics"),
    });
    if !sort_into(&mut fields, "SORT", &form.text("sort")) {
        let message = signed.tr.t("directories-error-sort");
        let status = StatusCode::BAD_REQUEST;
        return render(
            &state,
            &headers,
            &signed,
            &pipeline,
            status,
            None,
            Some(message),
        )
        .await;
    }
    let code = form.text("code");
    if !code.is_empty() {
        fields["STATUS_ID"] = json!(code);
    } else if pipeline.id == 0 {
        match stages(&state, &signed, 0).await {
            Ok(existing) => fields["STATUS_ID"] = json!(free_code(&existing)),
            Err(e) => return failure(&signed, &headers, e, false),
        }
    }
    let call = ("crm.status.add", json!({ "fields": fields }));
    change(&state, &headers, &signed, &pipeline, call, "added").await
}

/// The pipeline and stage of a stage form's path; a stage of another
/// pipeline is not found.
async fn stage_of(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    (pipeline, stage): (&str, &str),
) -> Result<(Pipeline, Stage), Response> {
    let pipeline = pipeline_of(state, headers, signed, pipeline).await?;
    let Some(stage_id) = parse_id(stage) else {
        return Err(page::not_found(&signed.tr));
    };
    let all = stages(state, signed, pipeline.id)
        .await
        .map_err(|e| failure(signed, headers, e, false))?;
    let stage = all
        .into_iter()
        .find(|s| s.id == stage_id)
        .ok_or_else(|| page::not_found(&signed.tr))?;
    Ok((pipeline, stage))
}

/// `POST /crm/pipelines/{id}/stages/{stage}/update`: renames a stage and sets its sort.
pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, stage)): Path<(String, String)>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let (pipeline, stage) = match stage_of(&state, &headers, &signed, (&id, &stage)).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let mut fields = json!({ "NAME": form.text("name") });
    if !sort_into(&mut fields, "SORT", &form.text("sort")) {
        let message = signed.tr.t("directories-error-sort");
        let status = StatusCode::BAD_REQUEST;
        return render(
            &state,
            &headers,
            &signed,
            &pipeline,
            status,
            None,
            Some(message),
        )
        .await;
    }
    let call = (
        "crm.status.update",
        json!({ "id": stage.id, "fields": fields }),
    );
    change(&state, &headers, &signed, &pipeline, call, "updated").await
}

/// `POST /crm/pipelines/{id}/stages/{stage}/delete`: deletes a stage (the
/// method refuses system stages and stages that deals are in).
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, stage)): Path<(String, String)>,
    CheckedForm { signed, .. }: CheckedForm,
) -> Response {
    if let Err(refused) = signed.require_admin() {
        return refused;
    }
    let (pipeline, stage) = match stage_of(&state, &headers, &signed, (&id, &stage)).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let call = ("crm.status.delete", json!({ "id": stage.id }));
    change(&state, &headers, &signed, &pipeline, call, "deleted").await
}
