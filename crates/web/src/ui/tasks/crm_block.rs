//! The tasks block of a CRM record page: the tasks linked to the record
//! (`tasks.task.list` with `UF_CRM_TASK`, as the signed-in user, so only the
//! tasks they may see) and a "new task" link that pre-fills the CRM link.

use maud::{html, Markup};
use serde_json::{json, Value};

use super::{call, person_name, status_label};
use crate::state::AppState;
use crate::ui::crm::{binding_prefix, short_datetime, text_of, Kind};
use crate::ui::session::Signed;

/// The block for record `id` of `kind`. A failed read shows an empty block
/// (the record page itself stays readable).
pub async fn block(state: &AppState, signed: &Signed, kind: &Kind, id: i64) -> Markup {
    let binding = format!("{}_{id}", binding_prefix(kind));
    let params = json!({
        "filter": { "UF_CRM_TASK": binding },
        "select": ["ID", "TITLE", "STATUS", "RESPONSIBLE_ID", "DEADLINE"],
        "order": { "ID": "desc" },
    });
    let rows = match call(state, signed, "tasks.task.list", params).await {
        Ok(out) => match out.result.get("tasks") {
            Some(Value::Array(rows)) => rows.clone(),
            _ => Vec::new(),
        },
        Err(e) => {
            tracing::warn!(error = %e, "cannot list the tasks of a CRM record");
            Vec::new()
        }
    };
    let tr = &signed.tr;
    let cell = |row: &Value, name: &str| row.get(name).map(text_of).unwrap_or_default();
    let new_task = format!(
        "/tasks/new?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("crm", &binding)
            .finish()
    );
    html! {
        section #crm-tasks data-crm=(binding) {
            div.toolbar {
                h2 { (tr.t("nav-tasks")) }
                a.button #crm-task-new href=(new_task) { (tr.t("task-new")) }
            }
            @if rows.is_empty() {
                p.muted #crm-tasks-empty { (tr.t("task-none-linked")) }
            } @else {
                ul.task-links {
                    @for row in &rows {
                        @let task_id = cell(row, "id");
                        li data-id=(task_id) {
                            a href={ "/tasks/" (task_id) } { (cell(row, "title")) }
                            " · " (status_label(tr, &cell(row, "status")))
                            " · " (person_name(row, "responsible", "responsibleId"))
                            @let deadline = short_datetime(&cell(row, "deadline"));
                            @if !deadline.is_empty() { " · " (deadline) }
                        }
                    }
                }
            }
        }
    }
}
