//! `fields` of `tasks.task.add` / `update` as the core normalises them: `~`
//! prefixes stripped, unknown and read-only keys ignored, `TITLE` trimmed and
//! cut to 250 characters, a bad `PRIORITY` → `1`, a bad `MARK` dropped,
//! `STATUS:1` → `2`, Y/N flags `Y` only for `"Y"` or `true`, `ACCOMPLICES` /
//! `AUDITORS` that are not lists → none, `TAGS` split on commas, unparsable
//! dates dropped. What the core refuses is collected as `ERROR_CORE` messages.

use chrono::FixedOffset;
use portico_protocol::envelope::parse_datetime;
use portico_protocol::params::{php_values, value_as_i64, value_as_string, ParamMap};
use portico_store::sizes::MAX_TEXT_CHARS;
use portico_store::tasks::{encode_list, TASK};
use portico_store::{FieldKind, FieldValue};
use serde_json::Value;

use crate::values::check_length;

/// Y/N flags: anything but `"Y"` (or JSON `true`) is `N`.
const FLAGS: [&str; 7] = [
    "ALLOW_CHANGE_DEADLINE",
    "ALLOW_TIME_TRACKING",
    "TASK_CONTROL",
    "ADD_IN_REPORT",
    "MATCH_WORK_TIME",
    "REPLICATE",
    "MULTITASK",
];

const DURATION_TYPES: [&str; 7] = ["secs", "mins", "hours", "days", "weeks", "months", "years"];

/// A parsed `fields` object.
#[derive(Debug, Default)]
pub struct TaskInput {
    /// `(position in TASK, value)` pairs.
    pub values: Vec<(usize, FieldValue)>,
    /// Messages of refused values (`ERROR_CORE`).
    pub errors: Vec<String>,
}

impl TaskInput {
    /// The value given for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        let pos = TASK.index_of(name)?;
        self.values
            .iter()
            .rev()
            .find(|(p, _)| *p == pos)
            .map(|(_, v)| v)
    }

    /// Sets `name` (replacing an earlier value).
    pub fn set(&mut self, name: &str, value: FieldValue) {
        if let Some(pos) = TASK.index_of(name) {
            self.values.retain(|(p, _)| *p != pos);
            self.values.push((pos, value));
        }
    }

    /// Sets `name` unless given.
    pub fn set_default(&mut self, name: &str, value: FieldValue) {
        if self.get(name).is_none() {
            self.set(name, value);
        }
    }
}

/// Positive user ids of a list value, duplicates removed; a scalar is no list.
fn id_list(v: &Value) -> Vec<String> {
    if !(v.is_array() || v.is_object()) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for item in php_values(v) {
        if let Some(id) = value_as_i64(item).filter(|i| *i > 0) {
            let id = id.to_string();
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// Whether `s` names a CRM item as `UF_CRM_TASK` does (`L_12`, `D_5`,
/// `C_3`, `CO_7`, `SI_9`, `T88_3`).
pub fn is_crm_binding(s: &str) -> bool {
    let Some((prefix, id)) = s.split_once('_') else {
        return false;
    };
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    let prefix_ok = matches!(prefix, "L" | "D" | "C" | "CO" | "SI")
        || prefix
            .strip_prefix('T')
            .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()));
    id_ok && prefix_ok
}

fn list_value(items: Vec<String>) -> FieldValue {
    encode_list(&items).map_or(FieldValue::Null, FieldValue::Text)
}

/// Parses `fields`; `ignored` is told each key dropped (the call's leniency).
pub fn parse(fields: &ParamMap, offset: FixedOffset, ignored: impl Fn(&str)) -> TaskInput {
    let mut input = TaskInput::default();
    for (raw_key, v) in fields {
        let key = raw_key.trim_start_matches('~').to_ascii_uppercase();
        let Some(def) = TASK.field(&key).filter(|f| !f.read_only) else {
            ignored(raw_key);
            continue;
        };
        let text = || value_as_string(v).unwrap_or_default();
        let value = match key.as_str() {
            "TITLE" => FieldValue::Text(text().trim().chars().take(250).collect()),
            "ACCOMPLICES" | "AUDITORS" => list_value(id_list(v)),
            "TAGS" => {
                let raw: Vec<String> = match v {
                    Value::Array(_) | Value::Object(_) => php_values(v)
                        .into_iter()
                        .filter_map(value_as_string)
                        .collect(),
                    _ => text().split(',').map(str::to_owned).collect(),
                };
                let mut tags: Vec<String> = Vec::new();
                for t in raw.iter().map(|t| t.trim().replace(',', " ")) {
                    if !t.is_empty() && !tags.contains(&t) {
                        tags.push(t);
                    }
                }
                list_value(tags)
            }
            "UF_CRM_TASK" => {
                let items = php_values(v)
                    .into_iter()
                    .filter_map(value_as_string)
                    .filter(|s| is_crm_binding(s))
                    .collect();
                list_value(items)
            }
            "PRIORITY" => {
                FieldValue::Int(value_as_i64(v).filter(|p| (0..=2).contains(p)).unwrap_or(1))
            }
            "MARK" => match text().as_str() {
                "N" | "P" => FieldValue::Text(text()),
                "" => FieldValue::Null,
                _ => continue,
            },
            "STATUS" => match value_as_i64(v) {
                Some(1) => FieldValue::Int(2),
                Some(s @ 2..=7) => FieldValue::Int(s),
                _ => {
                    input.errors.push("Incorrect status".into());
                    continue;
                }
            },
            "PARENT_ID" => match value_as_i64(v) {
                Some(p) if p > 0 => FieldValue::Int(p),
                _ => FieldValue::Null,
            },
            "DURATION_TYPE" => {
                let t = text().to_ascii_lowercase();
                FieldValue::Text(if DURATION_TYPES.contains(&t.as_str()) {
                    t
                } else {
                    "days".into()
                })
            }
            "DESCRIPTION_IN_BBCODE" => {
                FieldValue::Text(if text() == "N" { "N" } else { "Y" }.into())
            }
            k if FLAGS.contains(&k) => {
                let yes = matches!(v, Value::Bool(true)) || v.as_str() == Some("Y");
                FieldValue::Text(if yes { "Y" } else { "N" }.into())
            }
            _ => match def.kind {
                FieldKind::DateTime => {
                    if v.is_null() || text().is_empty() {
                        FieldValue::Null
                    } else {
                        match parse_datetime(&text(), offset) {
                            Some(secs) => FieldValue::Int(secs),
                            None => continue,
                        }
                    }
                }
                FieldKind::Integer | FieldKind::User => match value_as_i64(v) {
                    Some(i) => FieldValue::Int(i),
                    None if v.is_null() || text().is_empty() => FieldValue::Null,
                    None => continue,
                },
                _ => FieldValue::Text(text()),
            },
        };
        // Texts and encoded lists are bounded as every stored text is.
        if let FieldValue::Text(t) = &value {
            if let Err(e) = check_length(&key, t, MAX_TEXT_CHARS) {
                input.errors.push(e);
                continue;
            }
        }
        input.set(&key, value);
    }
    input
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_core_normalisation_is_applied() {
        let fields = json!({"~TITLE": format!("  {}  ", "x".repeat(300)), "PRIORITY": 9, "MARK": "Q",
            "STATUS": 1, "TASK_CONTROL": "1", "ADD_IN_REPORT": true, "AUDITORS": 5,
            "ACCOMPLICES": [3, "3", 0, 4], "TAGS": "a, b,a", "UF_CRM_TASK": ["L_4", "X", "T88_3"]});
        let input = parse(
            fields.as_object().unwrap(),
            FixedOffset::east_opt(0).unwrap(),
            |_| {},
        );
        let text = |n: &str| input.get(n).cloned();
        assert_eq!(text("TITLE"), Some(FieldValue::Text("x".repeat(250))));
        assert_eq!(text("PRIORITY"), Some(FieldValue::Int(1)));
        assert_eq!(text("MARK"), None);
        assert_eq!(text("STATUS"), Some(FieldValue::Int(2)));
        assert_eq!(text("TASK_CONTROL"), Some(FieldValue::Text("N".into())));
        assert_eq!(text("ADD_IN_REPORT"), Some(FieldValue::Text("Y".into())));
        assert_eq!(text("AUDITORS"), Some(FieldValue::Null));
        assert_eq!(text("ACCOMPLICES"), Some(FieldValue::Text(",3,4,".into())));
        assert_eq!(text("TAGS"), Some(FieldValue::Text(",a,b,".into())));
        assert_eq!(
            text("UF_CRM_TASK"),
            Some(FieldValue::Text(",L_4,T88_3,".into()))
        );
        assert!(input.errors.is_empty());
    }
}
