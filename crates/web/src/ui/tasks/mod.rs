//! The task pages: the task list with its tabs and filters ([`list`]), one
//! task with its action buttons and comments ([`view`]), its checklist and
//! time spent ([`work`]), the new-task and edit-task forms ([`form`],
//! [`draft`]) and the tasks block of the CRM record pages ([`crm_block`]).
//! Every read and write goes through the REST methods (`tasks.task.*`,
//! `task.commentitem.*`) called as the signed-in user with the `task` scope
//! of a web session, so the task rights (creator, responsible person,
//! accomplices, auditors, administrators) apply exactly as over REST; a task
//! the user may not see answers 404.

pub mod crm_block;
mod draft;
mod form;
mod list;
mod view;
mod work;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::html;
use portico_methods::MethodOutput;
use portico_protocol::{ApiError, ErrorCode};
use serde_json::Value;

use super::crm::{self, text_of};
use super::i18n::Tr;
use super::page;
use super::session::Signed;
use crate::state::AppState;

/// The scope the task pages call methods with.
pub const SCOPE: &str = "task";

/// The statuses a task shows, by their wire value, with their message ids.
pub const STATUSES: [(&str, &str); 7] = [
    ("1", "task-status-new"),
    ("2", "task-status-pending"),
    ("3", "task-status-in-progress"),
    ("4", "task-status-supposedly-completed"),
    ("5", "task-status-completed"),
    ("6", "task-status-deferred"),
    ("7", "task-status-declined"),
];

/// The task pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(list::show).post(form::create))
        .route("/tasks/new", get(form::show))
        .route("/tasks/{id}", get(view::show))
        .route("/tasks/{id}/edit", get(form::edit).post(form::update))
        .route("/tasks/{id}/delegate", post(view::delegate))
        .route("/tasks/{id}/status", post(view::change_status))
        .route("/tasks/{id}/comments", post(view::add_comment))
        .route("/tasks/{id}/checklist", post(work::add_item))
        .route("/tasks/{id}/checklist/{item}", post(work::change_item))
        .route("/tasks/{id}/time", post(work::add_time))
}

/// Calls REST method `method` with `params` as the signed-in user, scope `task`.
pub async fn call(
    state: &AppState,
    signed: &Signed,
    method: &str,
    params: Value,
) -> Result<MethodOutput, ApiError> {
    crm::call_in_scope(state, signed, SCOPE, method, params).await
}

/// A status's name in the page's language (the raw value when unknown).
pub fn status_label(tr: &Tr, status: &str) -> String {
    STATUSES
        .iter()
        .find(|(value, _)| *value == status)
        .map(|(_, id)| tr.t(id))
        .unwrap_or_else(|| status.to_owned())
}

/// A CRM link of a task (`L_12`) as the address of its record page and its
/// label ("Lead #12"); `None` for links to entities without pages.
pub fn binding_link(tr: &Tr, binding: &str) -> Option<(String, String)> {
    let (prefix, id) = binding.split_once('_')?;
    let kind = crm::kind_of_binding_prefix(prefix)?;
    let id = crm::parse_id(id)?;
    let label = tr.t_with(
        &format!("task-link-{}", kind.method),
        &[("id", &id.to_string())],
    );
    Some((format!("/crm/{}/{id}", kind.segment), label))
}

/// The name of a person a task answer embeds (`responsible`, `creator`), else
/// the id.
pub fn person_name(task: &Value, person: &str, id_field: &str) -> String {
    let name = task
        .get(person)
        .and_then(|p| p.get("name"))
        .map(text_of)
        .unwrap_or_default();
    if name.trim().is_empty() {
        task.get(id_field).map(text_of).unwrap_or_default()
    } else {
        name
    }
}

/// The page for a task method's error: 403 for an action the user may not
/// take, 400 with the method's message for refused input, 500 otherwise.
pub fn failure(signed: &Signed, headers: &HeaderMap, e: ApiError) -> Response {
    let tr = &signed.tr;
    match e.code {
        ErrorCode::TaskActionNotAllowed
        | ErrorCode::TaskCreateDenied
        | ErrorCode::AccessDenied
        | ErrorCode::InsufficientScope => {
            page::error_page(tr, StatusCode::FORBIDDEN, "task-error-not-allowed")
        }
        ErrorCode::ErrorCore | ErrorCode::ControllerParam | ErrorCode::Uncoded => {
            let title = tr.t("task-error-refused");
            let reason = refusal_text(&e.description);
            page::bare(
                tr,
                StatusCode::BAD_REQUEST,
                &title,
                html! {
                    h1 { (title) }
                    p.error #task-error { (reason) }
                    p { a href="/tasks" { (tr.t("task-back-to-list")) } }
                },
            )
        }
        _ => page::internal_error(headers, e),
    }
}

/// A method's error text for a page: the `<br>` separators of the core's
/// messages become spaces.
pub fn refusal_text(description: &str) -> String {
    description
        .split("<br>")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn statuses_and_links_read_in_each_language() {
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            for (value, id) in STATUSES {
                assert_ne!(status_label(&tr, value), id);
            }
            assert_eq!(status_label(&tr, "99"), "99");
        }
        let tr = Tr::new(Lang::En);
        assert_eq!(
            binding_link(&tr, "D_7"),
            Some(("/crm/deals/7".to_owned(), "Deal #7".to_owned()))
        );
        assert_eq!(
            binding_link(&tr, "CO_2").map(|l| l.0),
            Some("/crm/companies/2".to_owned())
        );
        assert_eq!(binding_link(&tr, "T88_3"), None);
        assert_eq!(binding_link(&tr, "L_x"), None);
        assert_eq!(
            refusal_text("Task title is not specified<br>Responsible person not specified<br>"),
            "Task title is not specified Responsible person not specified"
        );
    }
}
