//! The workgroup pages: the groups the signed-in user may see with a form to
//! create one ([`list`]), and one group's page with its members, a form to add
//! a member and the group's tasks ([`group`]). Every read and write goes
//! through the REST methods (`sonet_group.*`, `tasks.task.list`) called as the
//! signed-in user, so a hidden group is shown only to its members and to
//! administrators, exactly as `sonet_group.get` decides; a group the user may
//! not see answers 404.

mod group;
mod list;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use portico_methods::MethodOutput;
use portico_protocol::{ApiError, ErrorCode};
use serde_json::{json, Value};

use super::crm;
use super::page;
use super::session::Signed;
use crate::state::AppState;

/// The scope the workgroup pages call methods with.
pub const SCOPE: &str = "sonet_group";

/// The workgroup pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workgroups", get(list::show).post(list::create))
        .route("/workgroups/new", get(list::new_form))
        .route("/workgroups/{id}", get(group::show))
        .route("/workgroups/{id}/members", post(group::add_member))
}

/// Calls REST method `method` with `params` as the signed-in user, scope
/// `sonet_group`.
pub async fn call(
    state: &AppState,
    signed: &Signed,
    method: &str,
    params: Value,
) -> Result<MethodOutput, ApiError> {
    crm::call_in_scope(state, signed, SCOPE, method, params).await
}

/// The `sonet_group.get` parameters that list every group an administrator
/// may see (all of them) or, for anyone else, the visible ones and their own.
fn visibility(signed: &Signed) -> Value {
    if signed.user.is_admin {
        json!({ "IS_ADMIN": "Y" })
    } else {
        json!({})
    }
}

/// The groups the signed-in user may see, as `sonet_group.get` rows, by name.
pub async fn visible_groups(state: &AppState, signed: &Signed) -> Result<Vec<Value>, ApiError> {
    let mut params = visibility(signed);
    params["ORDER"] = json!({ "NAME": "ASC" });
    let mut rows = Vec::new();
    let mut start = 0;
    // At most 20 pages of 50: the choosers and the list stay readable.
    for _ in 0..20 {
        params["start"] = json!(start);
        let out = call(state, signed, "sonet_group.get", params.clone()).await?;
        rows.extend(out.result.as_array().cloned().unwrap_or_default());
        match out.next {
            Some(next) => start = next,
            None => break,
        }
    }
    Ok(rows)
}

/// Group `id` as a `sonet_group.get` row when the signed-in user may see it.
pub async fn visible_group(
    state: &AppState,
    signed: &Signed,
    id: i64,
) -> Result<Option<Value>, ApiError> {
    let mut params = visibility(signed);
    params["GROUP_ID"] = json!(id);
    let out = call(state, signed, "sonet_group.get", params).await?;
    Ok(out.result.as_array().and_then(|rows| rows.first().cloned()))
}

/// The page for a `sonet_group` method's error. The methods answer every
/// refusal as `ERROR_CORE` with Bitrix24's text: a text about permissions is
/// a denial (403), any other a refused input (400, with the text).
pub fn failure(signed: &Signed, headers: &HeaderMap, e: ApiError) -> Response {
    let tr = &signed.tr;
    let denied = matches!(
        e.code,
        ErrorCode::AccessDenied | ErrorCode::InsufficientScope
    ) || (e.code == ErrorCode::ErrorCore
        && e.description.to_ascii_lowercase().contains("permission"));
    if denied {
        return page::error_page(tr, StatusCode::FORBIDDEN, "workgroup-error-denied");
    }
    if e.code == ErrorCode::ErrorCore {
        let title = tr.t("workgroup-error-refused");
        let reason = super::tasks::refusal_text(&e.description);
        return page::bare(
            tr,
            StatusCode::BAD_REQUEST,
            &title,
            maud::html! {
                h1 { (title) }
                p.error #workgroup-error { (reason) }
                p { a href="/workgroups" { (tr.t("workgroup-back-to-list")) } }
            },
        );
    }
    page::internal_error(headers, e)
}

/// A `Y`/`N` flag of a group row.
pub fn flag(row: &Value, name: &str) -> bool {
    row.get(name).and_then(Value::as_str) == Some("Y")
}
