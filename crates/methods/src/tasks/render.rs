//! Tasks as `tasks.task.*` answer them: keys by the UPPER_SNAKE → camelCase
//! rule ([`camel`]), ids and numbers as strings, flags `Y`/`N`, dates ISO 8601
//! with the portal offset, `null` when unset; the enrichments `group`,
//! `creator`, `responsible`, `accomplicesData`, `auditorsData`, `action`,
//! `subStatus`, `newCommentsCount`, and the scrum placement `sprintId` /
//! `backlogId`.

use std::collections::{BTreeSet, HashMap};

use portico_protocol::envelope::format_datetime;
use portico_store::scrum::{BACKLOG, SPRINT};
use portico_store::tasks::{decode_list, TASK};
use portico_store::{FieldKind, FieldValue, Record};
use serde_json::{json, Map, Value};

use crate::context::Ctx;
use crate::tasks::access::{self, ACTIONS};
use crate::values::store_error;

/// Fields that appear only when selected by name.
pub const ONLY_WHEN_SELECTED: [&str; 2] = ["TAGS", "UF_CRM_TASK"];

/// The integer inside a stored value.
pub fn int_of(v: &FieldValue) -> Option<i64> {
    v.as_i64()
}

/// The text inside a stored value.
pub fn text_of(v: &FieldValue) -> Option<&str> {
    match v {
        FieldValue::Text(s) => Some(s),
        _ => None,
    }
}

/// UPPER_SNAKE → camelCase: lower-case, split on `_`, capitalise every part
/// but the first. Dots and digits stay (`EDIT.ORIGINATOR` → `edit.originator`).
pub fn camel(key: &str) -> String {
    let lower = key.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for (i, part) in lower.split('_').enumerate() {
        let mut chars = part.chars();
        match chars.next() {
            Some(c) if i > 0 => {
                out.extend(c.to_uppercase());
                out.push_str(chars.as_str());
            }
            Some(c) => {
                out.push(c);
                out.push_str(chars.as_str());
            }
            None => {}
        }
    }
    out
}

/// The value of field `name` of `task`.
pub fn field<'r>(task: &'r Record, name: &str) -> &'r FieldValue {
    TASK.index_of(name)
        .and_then(|i| task.values.get(i))
        .unwrap_or(&FieldValue::Null)
}

/// A list column's items.
pub fn list_of(task: &Record, name: &str) -> Vec<String> {
    text_of(field(task, name))
        .map(decode_list)
        .unwrap_or_default()
}

/// Users by id, and the scrum entity of each task (id, `backlog` or
/// `sprint`), read once per answer.
#[derive(Default)]
pub struct People(HashMap<i64, Value>, HashMap<i64, (i64, String)>);

impl People {
    /// Loads the users `tasks` name (creators, responsible persons, members).
    pub async fn load(ctx: &Ctx, tasks: &[Record]) -> Result<People, portico_protocol::ApiError> {
        let mut ids = BTreeSet::new();
        for t in tasks {
            ids.extend(int_of(field(t, "CREATED_BY")));
            ids.extend(int_of(field(t, "RESPONSIBLE_ID")));
            for name in ["ACCOMPLICES", "AUDITORS"] {
                ids.extend(
                    list_of(t, name)
                        .iter()
                        .filter_map(|s| s.parse::<i64>().ok()),
                );
            }
        }
        let mut map = HashMap::new();
        for id in ids {
            let user = ctx.store.user_by_id(id).await.map_err(store_error)?;
            let name = user
                .map(|u| format!("{} {}", u.name, u.last_name).trim().to_owned())
                .unwrap_or_default();
            map.insert(
                id,
                json!({
                    "id": id.to_string(),
                    "name": name,
                    "link": format!("/company/personal/user/{id}/"),
                    "icon": "/bitrix/images/tasks/default_avatar.png",
                    "workPosition": "",
                }),
            );
        }
        let task_ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
        let scrum = ctx
            .store
            .scrum_placements(&task_ids)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(|p| (p.task_id, (p.entity_id, p.entity_type)))
            .collect();
        Ok(People(map, scrum))
    }

    /// `sprintId` and `backlogId` of task `id` (`null` when not in one).
    fn scrum_ids(&self, id: i64) -> (Value, Value) {
        let of = |kind: &str| match self.1.get(&id) {
            Some((entity, t)) if t == kind => Value::String(entity.to_string()),
            _ => Value::Null,
        };
        (of(SPRINT), of(BACKLOG))
    }

    fn person(&self, id: i64) -> Value {
        self.0.get(&id).cloned().unwrap_or_else(|| {
            json!({"id": id.to_string(), "name": "", "link": format!("/company/personal/user/{id}/"),
                   "icon": "", "workPosition": ""})
        })
    }

    /// `[]` when empty, else an object keyed by user id.
    fn keyed(&self, ids: &[String]) -> Value {
        if ids.is_empty() {
            return Value::Array(Vec::new());
        }
        let map: Map<String, Value> = ids
            .iter()
            .filter_map(|s| s.parse::<i64>().ok())
            .map(|id| (id.to_string(), self.person(id)))
            .collect();
        Value::Object(map)
    }
}

/// One stored field as the wire shows it.
fn wire_value(name: &str, kind: FieldKind, v: &FieldValue, ctx: &Ctx) -> Value {
    match (name, v) {
        ("ACCOMPLICES" | "AUDITORS", _) => Value::Array(
            text_of(v)
                .map(decode_list)
                .unwrap_or_default()
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        ("UF_CRM_TASK", _) => match text_of(v).map(decode_list) {
            Some(items) if !items.is_empty() => {
                Value::Array(items.into_iter().map(Value::String).collect())
            }
            _ => Value::Bool(false),
        },
        ("TAGS", _) => {
            let tags = text_of(v).map(decode_list).unwrap_or_default();
            if tags.is_empty() {
                return Value::Array(Vec::new());
            }
            let map: Map<String, Value> = tags
                .into_iter()
                .enumerate()
                .map(|(i, t)| ((i + 1).to_string(), json!({"id": i + 1, "title": t})))
                .collect();
            Value::Object(map)
        }
        (
            "GROUP_ID" | "STAGE_ID" | "TIME_ESTIMATE" | "COMMENTS_COUNT" | "TIME_SPENT_IN_LOGS",
            FieldValue::Null,
        ) => Value::String("0".into()),
        (_, FieldValue::Null) => Value::Null,
        (_, FieldValue::Int(secs)) if kind == FieldKind::DateTime => {
            Value::String(format_datetime(*secs, ctx.clock.offset))
        }
        (_, FieldValue::Int(i)) => Value::String(i.to_string()),
        (_, FieldValue::Float(f)) => Value::String(f.to_string()),
        (_, FieldValue::Text(s)) => Value::String(s.clone()),
    }
}

/// Which fields an answer holds: all standard ones, or those `select` names.
#[derive(Clone, Debug)]
pub struct TaskSelect {
    /// UPPER names of the fields written, in catalogue order.
    pub fields: Vec<&'static str>,
    /// Whether this is the full default shape (with `action` and the like).
    pub full: bool,
    /// Whether `sprintId` and `backlogId` are written.
    pub scrum: bool,
}

impl TaskSelect {
    /// Every standard field.
    pub fn all() -> TaskSelect {
        TaskSelect {
            fields: TASK
                .fields
                .iter()
                .map(|f| f.name)
                .filter(|n| !ONLY_WHEN_SELECTED.contains(n))
                .collect(),
            full: true,
            scrum: true,
        }
    }

    /// From a `select` list: unknown names dropped, empty or `*` → all;
    /// `ID` always included.
    pub fn from_names(names: &[String]) -> TaskSelect {
        if names.is_empty() || names.iter().any(|n| n == "*") {
            let mut all = TaskSelect::all();
            for extra in ONLY_WHEN_SELECTED {
                if names.iter().any(|n| n == extra) {
                    all.fields.push(extra);
                }
            }
            return all;
        }
        let wanted = |n: &str| {
            n == "ID"
                || names
                    .iter()
                    .any(|s| s == n || (n == "STATUS" && (s == "REAL_STATUS" || s == "SUB_STATUS")))
        };
        let fields: Vec<&'static str> = TASK
            .fields
            .iter()
            .map(|f| f.name)
            .filter(|n| wanted(n))
            .collect();
        TaskSelect {
            fields,
            full: false,
            scrum: names.iter().any(|n| n == "SPRINT_ID" || n == "BACKLOG_ID"),
        }
    }
}

/// A task as `tasks.task.*` answers it.
pub fn render_task(ctx: &Ctx, task: &Record, select: &TaskSelect, people: &People) -> Value {
    let mut row = Map::new();
    for name in &select.fields {
        let Some(def) = TASK.field(name) else {
            continue;
        };
        let v = field(task, name);
        let value = match *name {
            "ID" => Value::String(task.id.to_string()),
            "CLOSED_BY" if v.is_null() => Value::Null,
            _ => wire_value(name, def.kind, v, ctx),
        };
        row.insert(camel(name), value);
        if *name == "STATUS" {
            row.insert("subStatus".into(), wire_value(name, def.kind, v, ctx));
        }
    }
    if select.full {
        row.insert("favorite".into(), Value::String("N".into()));
    }
    if select.scrum {
        let (sprint, backlog) = people.scrum_ids(task.id);
        row.insert("sprintId".into(), sprint);
        row.insert("backlogId".into(), backlog);
    }
    row.insert("group".into(), Value::Array(Vec::new()));
    let has = |n: &str| select.fields.contains(&n);
    if has("CREATED_BY") {
        if let Some(id) = int_of(field(task, "CREATED_BY")) {
            row.insert("creator".into(), people.person(id));
        }
    }
    if has("RESPONSIBLE_ID") {
        if let Some(id) = int_of(field(task, "RESPONSIBLE_ID")) {
            row.insert("responsible".into(), people.person(id));
        }
    }
    if has("ACCOMPLICES") {
        row.insert(
            "accomplicesData".into(),
            people.keyed(&list_of(task, "ACCOMPLICES")),
        );
    }
    if has("AUDITORS") {
        row.insert(
            "auditorsData".into(),
            people.keyed(&list_of(task, "AUDITORS")),
        );
    }
    if select.full {
        row.insert("newCommentsCount".into(), Value::from(0));
        let actions: Map<String, Value> = ACTIONS
            .iter()
            .map(|a| (camel(a), Value::Bool(access::may(ctx, task, a))))
            .collect();
        row.insert("action".into(), Value::Object(actions));
        row.insert("checkListTree".into(), Value::Array(Vec::new()));
        row.insert(
            "checkListCanAdd".into(),
            Value::Bool(access::may(ctx, task, "CHECKLIST.ADD")),
        );
    }
    Value::Object(row)
}

/// `{"task": …}` for a task just written or read whole.
pub async fn task_answer(ctx: &Ctx, task: &Record) -> Result<Value, portico_protocol::ApiError> {
    let people = People::load(ctx, std::slice::from_ref(task)).await?;
    Ok(json!({ "task": render_task(ctx, task, &TaskSelect::all(), &people) }))
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn keys_follow_the_controller_rule() {
        assert_eq!(camel("RESPONSIBLE_ID"), "responsibleId");
        assert_eq!(camel("UF_CRM_TASK"), "ufCrmTask");
        assert_eq!(camel("UF_AUTO_280393666477"), "ufAuto280393666477");
        assert_eq!(camel("CHECK_LIST_CAN_ADD"), "checkListCanAdd");
        assert_eq!(camel("EDIT.ORIGINATOR"), "edit.originator");
        assert_eq!(camel("547"), "547");
    }
}
