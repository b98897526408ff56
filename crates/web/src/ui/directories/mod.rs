//! Administrators' pages for the portal's directories: the deal pipelines and
//! their stages (`/crm/pipelines`, [`pipelines`], [`stages`]) and the company
//! structure (`/users/departments`, [`departments`]). Every change goes through
//! the REST method that makes it (`crm.category.*`, `crm.status.*`,
//! `department.*`) called as the signed-in user, so the rights are those of the
//! REST API; a method's refusal shows the page again with its text. Forms
//! check the CSRF token first, then the administrator flag, and answer a 303
//! back to their page with `?done=…`.

mod department_settings;
mod departments;
mod pipelines;
mod stages;

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use portico_protocol::ApiError;

use super::i18n::Tr;
use crate::state::AppState;

/// The directory pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/crm/pipelines", get(pipelines::show).post(pipelines::add))
        .route("/crm/pipelines/{id}", get(stages::show))
        .route("/crm/pipelines/{id}/update", post(pipelines::update))
        .route("/crm/pipelines/{id}/delete", post(pipelines::delete))
        .route("/crm/pipelines/{id}/stages", post(stages::add))
        .route(
            "/crm/pipelines/{id}/stages/{stage}/update",
            post(stages::update),
        )
        .route(
            "/crm/pipelines/{id}/stages/{stage}/delete",
            post(stages::delete),
        )
        .route(
            "/users/departments",
            get(departments::show).post(departments::add),
        )
        .route("/users/departments/{id}/update", post(departments::update))
        .route("/users/departments/{id}/delete", post(departments::delete))
}

/// The notice of a successful change, from `?done=` in `raw_query`: the
/// message id paired with a known outcome in `known`, else none.
fn notice(tr: &Tr, raw_query: Option<&str>, known: &[(&str, &str)]) -> Option<String> {
    let done = form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "done")
        .map(|(_, v)| v.into_owned())?;
    known
        .iter()
        .find(|(outcome, _)| *outcome == done)
        .map(|(_, id)| tr.t(id))
}

/// The page's error (a refusal) and notice (a change done), when there are.
fn messages(error: Option<&str>, notice: Option<&str>) -> maud::Markup {
    maud::html! {
        @if let Some(error) = error {
            p.error role="alert" #directory-error { (error) }
        }
        @if let Some(notice) = notice {
            p.notice role="status" #directory-notice { (notice) }
        }
    }
}

/// A non-negative id from a path or form (pipeline 0 is the default one).
fn parse_id(raw: &str) -> Option<i64> {
    crate::ui::parse_number(raw.trim())
}

/// A sort weight from a form: empty is none, else an integer.
fn parse_sort(raw: &str) -> Result<Option<i64>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>().map(Some).map_err(|_| ())
}

/// Sets `fields[key]` to the sort weight in `raw` when there is one; false
/// when `raw` is not an integer.
fn sort_into(fields: &mut serde_json::Value, key: &str, raw: &str) -> bool {
    match parse_sort(raw) {
        Ok(Some(sort)) => {
            fields[key] = serde_json::json!(sort);
            true
        }
        Ok(None) => true,
        Err(()) => false,
    }
}

/// The page message of a method's refusal, with the status to answer it with
/// (409 when the method's answer is a conflict or a refusal of the state, 400
/// for bad input, as the method said).
fn refusal(tr: &Tr, e: &ApiError) -> (StatusCode, String) {
    let status = StatusCode::from_u16(e.status)
        .ok()
        .filter(|s| s.is_client_error())
        .unwrap_or(StatusCode::BAD_REQUEST);
    let message = tr.t_with("directories-refused", &[("reason", &e.description)]);
    (status, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn notices_come_from_known_outcomes_only() {
        let tr = Tr::new(Lang::En);
        let known = [("added", "pipelines-done-added")];
        assert_eq!(notice(&tr, None, &known), None);
        assert_eq!(notice(&tr, Some("done=<b>"), &known), None);
        assert_eq!(
            notice(&tr, Some("done=added"), &known),
            Some(tr.t("pipelines-done-added"))
        );
    }

    #[test]
    fn ids_and_sorts_are_strict() {
        assert_eq!(parse_id("0"), Some(0));
        assert_eq!(parse_id(" 12 "), Some(12));
        for bad in ["", "-1", "x", "1.5", "9999999999999999999"] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
        assert_eq!(parse_sort(""), Ok(None));
        assert_eq!(parse_sort("-5"), Ok(Some(-5)));
        assert_eq!(parse_sort("a"), Err(()));
    }
}
