//! What the new-task and edit-task forms hold ([`Draft`]): read from a
//! submitted form or from a task as `tasks.task.get` answers it, checked, and
//! turned into the `fields` of `tasks.task.add` or `tasks.task.update`.

use portico_methods::tasks::input::is_crm_binding;
use serde_json::{json, Map, Value};

use crate::ui::crm::text_of;
use crate::ui::parse_id;
use crate::ui::session::FormData;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 255;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;

/// What a task form holds.
#[derive(Debug, Default)]
pub struct Draft {
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The responsible person.
    pub responsible: Option<i64>,
    /// The deadline as a `datetime-local` value (`2030-05-01T10:00`), or empty.
    pub deadline: String,
    /// The CRM links (`L_12, D_3`), separated by commas.
    pub crm: String,
    /// The accomplices.
    pub accomplices: Vec<i64>,
    /// The auditors.
    pub auditors: Vec<i64>,
    /// The workgroup.
    pub group: Option<i64>,
}

/// The positive ids among `raw`, each once.
fn ids<'a>(raw: impl IntoIterator<Item = &'a str>) -> Vec<i64> {
    let mut out = Vec::new();
    for id in raw.into_iter().filter_map(|r| parse_id(r.trim())) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

impl Draft {
    /// The draft of a submitted form.
    pub fn from_form(form: &FormData) -> Draft {
        Draft {
            title: form.text("title"),
            description: form.text("description"),
            responsible: form.text("responsible").parse::<i64>().ok(),
            deadline: form.text("deadline"),
            crm: form.text("crm"),
            accomplices: ids(form.all("accomplices")),
            auditors: ids(form.all("auditors")),
            group: parse_id(&form.text("group")),
        }
    }

    /// The draft of a task as `tasks.task.get` answers it.
    pub fn from_task(task: &Value) -> Draft {
        let field = |name: &str| task.get(name).map(text_of).unwrap_or_default();
        let list = |name: &str| match task.get(name) {
            Some(Value::Array(items)) => {
                let items: Vec<String> = items.iter().map(text_of).collect();
                ids(items.iter().map(String::as_str))
            }
            _ => Vec::new(),
        };
        let deadline = field("deadline");
        Draft {
            title: field("title"),
            description: field("description"),
            responsible: parse_id(&field("responsibleId")),
            deadline: deadline.get(..16).unwrap_or_default().to_owned(),
            crm: match task.get("ufCrmTask") {
                Some(links @ Value::Array(_)) => text_of(links),
                _ => String::new(),
            },
            accomplices: list("accomplices"),
            auditors: list("auditors"),
            group: parse_id(&field("groupId")),
        }
    }

    /// The CRM links, one per comma-separated entry.
    fn crm_links(&self) -> Vec<String> {
        self.crm
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The message id of the first problem of the draft, if any.
    pub fn problem(&self) -> Option<&'static str> {
        if self.title.is_empty() || self.title.chars().count() > MAX_TITLE_CHARS {
            Some("task-error-title")
        } else if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            Some("task-error-description")
        } else if self.responsible.is_none() {
            Some("task-error-responsible")
        } else if !self.crm_links().iter().all(|l| is_crm_binding(l)) {
            Some("task-error-crm")
        } else {
            None
        }
    }

    /// The `fields` of `tasks.task.add`: what the form holds, empty choices
    /// left out.
    pub fn add_fields(&self) -> Value {
        let mut fields = self.common();
        if !self.deadline.is_empty() {
            fields.insert("DEADLINE".into(), self.deadline.clone().into());
        }
        let links = self.crm_links();
        if !links.is_empty() {
            fields.insert("UF_CRM_TASK".into(), json!(links));
        }
        for (key, list) in [
            ("ACCOMPLICES", &self.accomplices),
            ("AUDITORS", &self.auditors),
        ] {
            if !list.is_empty() {
                fields.insert(key.into(), json!(list));
            }
        }
        if let Some(group) = self.group {
            fields.insert("GROUP_ID".into(), group.into());
        }
        Value::Object(fields)
    }

    /// The `fields` of `tasks.task.update`: every field of the form, so an
    /// emptied list, group or CRM link is cleared (an empty deadline is left
    /// as it is).
    pub fn update_fields(&self) -> Value {
        let mut fields = self.common();
        if !self.deadline.is_empty() {
            fields.insert("DEADLINE".into(), self.deadline.clone().into());
        }
        fields.insert("UF_CRM_TASK".into(), json!(self.crm_links()));
        fields.insert("ACCOMPLICES".into(), json!(self.accomplices));
        fields.insert("AUDITORS".into(), json!(self.auditors));
        fields.insert("GROUP_ID".into(), self.group.unwrap_or(0).into());
        Value::Object(fields)
    }

    /// Title, description and responsible person.
    fn common(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("TITLE".into(), self.title.clone().into());
        fields.insert("DESCRIPTION".into(), self.description.clone().into());
        if let Some(id) = self.responsible {
            fields.insert("RESPONSIBLE_ID".into(), id.into());
        }
        fields
    }
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
            ok.add_fields(),
            json!({"TITLE": "Call", "DESCRIPTION": "", "RESPONSIBLE_ID": 2,
                   "DEADLINE": "2024-05-01T10:00", "UF_CRM_TASK": ["L_4"]})
        );
        let no_title = Draft::from_form(&form(&[("responsible", "2")]));
        assert_eq!(no_title.problem(), Some("task-error-title"));
        let bad_link = Draft::from_form(&form(&[
            ("title", "x"),
            ("responsible", "2"),
            ("crm", "L_1, Z"),
        ]));
        assert_eq!(bad_link.problem(), Some("task-error-crm"));
        let nobody = Draft::from_form(&form(&[("title", "x")]));
        assert_eq!(nobody.problem(), Some("task-error-responsible"));
    }

    #[test]
    fn people_and_groups_are_sent_and_cleared() {
        let team = Draft::from_form(&form(&[
            ("title", "x"),
            ("responsible", "1"),
            ("accomplices", "3"),
            ("accomplices", "3"),
            ("accomplices", "-4"),
            ("auditors", "5"),
            ("group", "7"),
            ("crm", "L_1, D_2"),
        ]));
        let fields = team.add_fields();
        assert_eq!(fields["ACCOMPLICES"], json!([3]));
        assert_eq!(fields["AUDITORS"], json!([5]));
        assert_eq!(fields["GROUP_ID"], json!(7));
        assert_eq!(fields["UF_CRM_TASK"], json!(["L_1", "D_2"]));
        let cleared = Draft::from_form(&form(&[("title", "x"), ("responsible", "1")]));
        let fields = cleared.update_fields();
        assert_eq!(fields["ACCOMPLICES"], json!([]));
        assert_eq!(fields["GROUP_ID"], json!(0));
        assert_eq!(fields["UF_CRM_TASK"], json!([]));
        assert!(fields.get("DEADLINE").is_none());
    }

    #[test]
    fn a_task_answer_fills_the_draft() {
        let task = json!({"title": "T", "responsibleId": "2", "deadline": "2030-05-01T10:00:00+03:00",
            "accomplices": ["3", "4"], "auditors": [], "groupId": "0", "ufCrmTask": ["L_1", "D_2"]});
        let draft = Draft::from_task(&task);
        assert_eq!(draft.responsible, Some(2));
        assert_eq!(draft.deadline, "2030-05-01T10:00");
        assert_eq!(draft.accomplices, vec![3, 4]);
        assert_eq!(draft.group, None);
        assert_eq!(draft.crm, "L_1, D_2");
        let unlinked = Draft::from_task(&json!({"title": "T", "ufCrmTask": false}));
        assert_eq!(unlinked.crm, "");
        assert_eq!(unlinked.problem(), Some("task-error-responsible"));
    }
}
