//! The optional columns of Developer resources' tables (Integrations,
//! Statistics): which ones a user shows, kept as that user's setting.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use crate::state::AppState;
use crate::ui::page;
use crate::ui::session::{FormData, Signed};

/// A table's optional columns: each column's key and heading's message id.
pub type Columns = [(&'static str, &'static str)];

/// The chosen columns from the stored `setting` (a comma-separated list of
/// keys; all columns when unset), in the table's order; unknown keys ignored.
pub fn chosen(columns: &Columns, setting: Option<&str>) -> Vec<&'static str> {
    columns
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| setting.is_none_or(|s| s.split(',').any(|c| c == *k)))
        .collect()
}

/// Stores the columns ticked in `form` (its `column` fields) as `signed`'s
/// setting `name`, then sends the browser back to `page`.
pub async fn save(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    form: &FormData,
    (columns, name, back): (&Columns, &str, &str),
) -> Response {
    let ticked = form.all("column");
    let kept: Vec<&str> = columns
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| ticked.contains(k))
        .collect();
    if let Err(e) = state
        .store
        .set_user_setting(signed.user.id, name, &kept.join(","))
        .await
    {
        return page::internal_error(headers, e);
    }
    Redirect::to(back).into_response()
}
