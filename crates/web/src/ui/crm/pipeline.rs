//! Deal pipelines on the CRM pages: the pipelines (`crm.category.list`,
//! `entityTypeId` 2) for the deal list's chooser, the stages of one pipeline
//! (`crm.status.list` of `DEAL_STAGE` or `DEAL_STAGE_{n}`), the pipeline
//! section of a deal page with its stage form, and `POST
//! /crm/deals/{id}/stage` (`stage`), which moves the deal with
//! `crm.deal.update` (so the stage history records the move).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use serde_json::{json, Value};

use super::{call, failure, parse_id, text_of};
use crate::state::AppState;
use crate::ui::page;
use crate::ui::session::{CheckedForm, Signed};

/// The deal pipelines as `(id, name)`, in their sort order (empty on error).
pub async fn pipelines(state: &AppState, signed: &Signed) -> Vec<(i64, String)> {
    let params = json!({ "entityTypeId": 2 });
    let Ok(out) = call(state, signed, "crm.category.list", params).await else {
        return Vec::new();
    };
    out.result
        .get("categories")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .filter_map(|row| {
                    let id = row.get("id")?.as_i64()?;
                    Some((id, row.get("name").map(text_of).unwrap_or_default()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `crm.status` directory of pipeline `category`'s stages.
pub fn stage_directory(category: i64) -> String {
    if category == 0 {
        "DEAL_STAGE".to_owned()
    } else {
        format!("DEAL_STAGE_{category}")
    }
}

/// The stages of pipeline `category` as `(STATUS_ID, NAME)` in their order
/// (empty on error).
pub async fn stages(state: &AppState, signed: &Signed, category: i64) -> Vec<(String, String)> {
    let params = json!({
        "filter": { "ENTITY_ID": stage_directory(category) },
        "order": { "SORT": "ASC" },
    });
    let Ok(out) = call(state, signed, "crm.status.list", params).await else {
        return Vec::new();
    };
    out.result
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|row| {
                    let id = row.get("STATUS_ID")?.as_str()?.to_owned();
                    Some((id, row.get("NAME").map(text_of).unwrap_or_default()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Names of the stages of every pipeline by `STATUS_ID` (their ids carry the
/// pipeline's prefix, `C1:NEW`, so they do not clash).
pub async fn all_stage_names(state: &AppState, signed: &Signed) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for (category, _) in pipelines(state, signed).await {
        names.extend(stages(state, signed, category).await);
    }
    names
}

/// The pipeline id of a deal record (`CATEGORY_ID`, 0 when unreadable).
pub fn category_of(record: &Value) -> i64 {
    record
        .get("CATEGORY_ID")
        .map(text_of)
        .and_then(|c| c.parse::<i64>().ok())
        .unwrap_or(0)
}

/// The pipeline section of deal `id`: its pipeline, its stage and a form to
/// move it to another stage of the pipeline; with the stage names by id.
pub async fn deal_section(
    state: &AppState,
    signed: &Signed,
    id: i64,
    record: &Value,
) -> (Markup, HashMap<String, String>) {
    let category = category_of(record);
    let pipeline = pipelines(state, signed)
        .await
        .into_iter()
        .find(|(c, _)| *c == category)
        .map(|(_, name)| name)
        .unwrap_or_else(|| category.to_string());
    let stages = stages(state, signed, category).await;
    let current = record.get("STAGE_ID").map(text_of).unwrap_or_default();
    let tr = &signed.tr;
    let current_name = stages
        .iter()
        .find(|(s, _)| *s == current)
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| current.clone());
    let markup = html! {
        section.card #deal-pipeline data-category=(category) data-stage=(current) {
            p {
                strong { (tr.t("deal-pipeline")) ": " }
                span #deal-pipeline-name { (pipeline) }
                " · "
                strong { (tr.t("crm-col-stage")) ": " }
                span #deal-stage-name { (current_name) }
            }
            form.row #deal-stage-form method="post" action={ "/crm/deals/" (id) "/stage" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label for="deal-stage" { (tr.t("deal-move-to")) }
                select #deal-stage name="stage" {
                    @for (stage, name) in &stages {
                        option value=(stage) selected[*stage == current] { (name) }
                    }
                }
                button.primary type="submit" #deal-stage-move { (tr.t("deal-move")) }
            }
        }
    };
    (markup, stages.into_iter().collect())
}

/// `POST /crm/{entity}/{id}/stage`: deals only.
pub async fn move_stage(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((segment, id)): Path<(String, String)>,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let (true, Some(id)) = (segment == "deals", parse_id(&id)) else {
        return page::not_found(&signed.tr);
    };
    let record = match call(&state, &signed, "crm.deal.get", json!({ "id": id })).await {
        Ok(out) => out.result,
        Err(e) => return failure(&signed, &headers, e, true),
    };
    let stage = form.text("stage");
    let stages = stages(&state, &signed, category_of(&record)).await;
    if !stages.iter().any(|(s, _)| *s == stage) {
        return page::error_page(&signed.tr, StatusCode::BAD_REQUEST, "deal-error-stage");
    }
    let params = json!({ "id": id, "fields": { "STAGE_ID": stage } });
    match call(&state, &signed, "crm.deal.update", params).await {
        Ok(_) => Redirect::to(&format!("/crm/deals/{id}")).into_response(),
        Err(e) => failure(&signed, &headers, e, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelines_name_their_stage_directories() {
        assert_eq!(stage_directory(0), "DEAL_STAGE");
        assert_eq!(stage_directory(3), "DEAL_STAGE_3");
        assert_eq!(category_of(&json!({"CATEGORY_ID": "2"})), 2);
        assert_eq!(category_of(&json!({})), 0);
    }
}
