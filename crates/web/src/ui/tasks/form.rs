//! The new-task form: `GET /tasks/new` (`?crm=L_12` pre-fills the CRM link,
//! as the "new task" link of a CRM record page does) and `POST /tasks`, which
//! calls `tasks.task.add` with the title, description, responsible person,
//! deadline and CRM link and goes to the new task. Refused input shows the
//! form again with the reason (400).

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use portico_methods::tasks::input::is_crm_binding;
use portico_protocol::ErrorCode;
use serde_json::{json, Map, Value};

use super::{binding_link, call, failure, refusal_text};
use crate::state::AppState;
use crate::ui::page::{self, Section};
use crate::ui::session::{CheckedForm, FormData, Signed};

/// Longest title, in characters.
const MAX_TITLE_CHARS: usize = 255;
/// Longest description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 20_000;

/// What the form holds.
#[derive(Debug, Default)]
struct Draft {
    title: String,
    description: String,
    responsible: Option<i64>,
    deadline: String,
    crm: String,
}

impl Draft {
    /// The draft of a submitted form.
    fn from_form(form: &FormData) -> Draft {
        Draft {
            title: form.text("title"),
            description: form.text("description"),
            responsible: form.text("responsible").parse::<i64>().ok(),
            deadline: form.text("deadline"),
            crm: form.text("crm"),
        }
    }

    /// The message id of the first problem of the draft, if any.
    fn problem(&self) -> Option<&'static str> {
        if self.title.is_empty() || self.title.chars().count() > MAX_TITLE_CHARS {
            Some("task-error-title")
        } else if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            Some("task-error-description")
        } else if self.responsible.is_none() {
            Some("task-error-responsible")
        } else if !self.crm.is_empty() && !is_crm_binding(&self.crm) {
            Some("task-error-crm")
        } else {
            None
        }
    }

    /// The `fields` of `tasks.task.add`.
    fn fields(&self) -> Value {
        let mut fields = Map::new();
        fields.insert("TITLE".into(), self.title.clone().into());
        fields.insert("DESCRIPTION".into(), self.description.clone().into());
        if let Some(id) = self.responsible {
            fields.insert("RESPONSIBLE_ID".into(), id.into());
        }
        if !self.deadline.is_empty() {
            fields.insert("DEADLINE".into(), self.deadline.clone().into());
        }
        if !self.crm.is_empty() {
            fields.insert("UF_CRM_TASK".into(), json!([self.crm]));
        }
        Value::Object(fields)
    }
}

/// `GET /tasks/new`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
    RawQuery(raw): RawQuery,
) -> Response {
    let crm = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "crm")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| is_crm_binding(v))
        .unwrap_or_default();
    let draft = Draft {
        responsible: Some(signed.user.id),
        crm,
        ..Draft::default()
    };
    render(&state, &headers, &signed, &draft, None, StatusCode::OK).await
}

/// `POST /tasks`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    CheckedForm { signed, form }: CheckedForm,
) -> Response {
    let draft = Draft::from_form(&form);
    if let Some(problem) = draft.problem() {
        let reason = signed.tr.t(problem);
        return render(
            &state,
            &headers,
            &signed,
            &draft,
            Some(reason),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let params = json!({ "fields": draft.fields() });
    match call(&state, &signed, "tasks.task.add", params).await {
        Ok(out) => match out.result.pointer("/task/id").map(crate::ui::crm::text_of) {
            Some(id) => Redirect::to(&format!("/tasks/{id}")).into_response(),
            None => page::internal_error(&headers, "tasks.task.add answered without an id"),
        },
        Err(e) if e.code == ErrorCode::ErrorCore => {
            let reason = refusal_text(&e.description);
            render(
                &state,
                &headers,
                &signed,
                &draft,
                Some(reason),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => failure(&signed, &headers, e),
    }
}

/// The form page.
async fn render(
    state: &AppState,
    headers: &HeaderMap,
    signed: &Signed,
    draft: &Draft,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let users = match state.store.list_users().await {
        Ok(users) => users,
        Err(e) => return page::internal_error(headers, e),
    };
    let tr = &signed.tr;
    let title = tr.t("task-new");
    let crm_record = binding_link(tr, &draft.crm);
    let body = html! {
        p { a href="/tasks" { "← " (tr.t("nav-tasks")) } }
        h1 { (title) }
        @if let Some(error) = &error {
            p.error #task-form-error role="alert" { (error) }
        }
        form.card.stack #task-form method="post" action="/tasks" {
            input type="hidden" name="csrf" value=(signed.csrf);
            label for="task-title-input" { (tr.t("task-field-title")) }
            input #task-title-input type="text" name="title" value=(draft.title) required maxlength=(MAX_TITLE_CHARS);
            label for="task-description-input" { (tr.t("task-field-description")) }
            textarea #task-description-input name="description" rows="5" { (draft.description) }
            label for="task-responsible-input" { (tr.t("task-field-responsible")) }
            select #task-responsible-input name="responsible" {
                @for user in users.iter().filter(|u| u.active) {
                    option value=(user.id) selected[draft.responsible == Some(user.id)] { (page::display_name(user)) }
                }
            }
            label for="task-deadline-input" { (tr.t("task-field-deadline")) }
            input #task-deadline-input type="datetime-local" name="deadline" value=(draft.deadline);
            label for="task-crm-input" { (tr.t("task-field-crm")) }
            input #task-crm-input type="text" name="crm" value=(draft.crm) placeholder="L_12";
            p.muted {
                (tr.t("task-crm-hint"))
                @if let Some((href, label)) = &crm_record {
                    " " a #task-crm-record href=(href) { (label) }
                }
            }
            div { button.primary #task-create type="submit" { (tr.t("task-create")) } }
        }
    };
    let mut response = page::page(signed, Section::Tasks, &title, body);
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn drafts_are_checked_and_become_fields() {
        let ok = Draft::from_form(&form(&[
            ("title", " Call "),
            ("responsible", "2"),
            ("deadline", "2024-05-01T10:00"),
            ("crm", "L_4"),
        ]));
        assert_eq!(ok.problem(), None);
        assert_eq!(
            ok.fields(),
            json!({"TITLE": "Call", "DESCRIPTION": "", "RESPONSIBLE_ID": 2,
                   "DEADLINE": "2024-05-01T10:00", "UF_CRM_TASK": ["L_4"]})
        );
        let no_title = Draft::from_form(&form(&[("responsible", "2")]));
        assert_eq!(no_title.problem(), Some("task-error-title"));
        let bad_link =
            Draft::from_form(&form(&[("title", "x"), ("responsible", "2"), ("crm", "Z")]));
        assert_eq!(bad_link.problem(), Some("task-error-crm"));
        let nobody = Draft::from_form(&form(&[("title", "x")]));
        assert_eq!(nobody.problem(), Some("task-error-responsible"));
    }
}
