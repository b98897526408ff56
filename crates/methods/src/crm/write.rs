//! Turning a legacy `fields` object into typed column values and multi-field
//! changes: unknown fields are ignored, read-only ones skipped, immutable ones only
//! taken on create, multi-fields follow the add / update / delete-by-ID rules.

use chrono::FixedOffset;
use portico_protocol::params::{value_as_bool, value_as_i64, value_as_string};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::{EntityDef, FieldKind, FieldValue, MultiFieldChange, MultiType};
use serde_json::{Map, Value};

use crate::values::parse_field_value;

/// The writes one `fields` object asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteSet {
    /// Column values by catalogue position.
    pub values: Vec<(usize, FieldValue)>,
    /// Multi-field changes, in the order given.
    pub multi: Vec<MultiFieldChange>,
}

impl WriteSet {
    /// The value written for a field, if any.
    pub fn get(&self, idx: usize) -> Option<&FieldValue> {
        self.values
            .iter()
            .rev()
            .find(|(i, _)| *i == idx)
            .map(|(_, v)| v)
    }

    /// Sets (or replaces) a field's value.
    pub fn set(&mut self, idx: usize, value: FieldValue) {
        self.values.retain(|(i, _)| *i != idx);
        self.values.push((idx, value));
    }

    /// Sets a value unless the client already gave one.
    pub fn set_default(&mut self, idx: usize, value: FieldValue) {
        if self.get(idx).is_none_or(|v| v.is_null()) {
            self.set(idx, value);
        }
    }
}

/// The `fields` parameter as an object (`[]` counts as empty), else the legacy error.
pub fn fields_object(fields: Option<&Value>) -> Result<Map<String, Value>, ApiError> {
    match fields {
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(Value::Array(a)) if a.is_empty() => Ok(Map::new()),
        _ => Err(ApiError::legacy("Parameter 'fields' must be array.")),
    }
}

/// Parses `fields` for `entity`. `creating` admits immutable fields.
pub fn parse_fields(
    entity: &EntityDef,
    fields: &Map<String, Value>,
    creating: bool,
    offset: FixedOffset,
) -> Result<WriteSet, ApiError> {
    let mut set = WriteSet::default();
    for (key, value) in fields {
        let upper = key.trim().to_ascii_uppercase();
        let Some(idx) = entity.index_of(&upper) else {
            continue;
        };
        let field = &entity.fields[idx];
        if field.read_only || (field.immutable && !creating) {
            continue;
        }
        match field.kind {
            FieldKind::MultiField(kind) => parse_multi(kind, field.title, value, &mut set.multi)?,
            _ => {
                let v = parse_field_value(field, value, offset).map_err(ApiError::legacy)?;
                set.set(idx, v);
            }
        }
    }
    Ok(set)
}

/// Parses the items of one multi-field (`PHONE: [{VALUE, VALUE_TYPE}, …]`; an object
/// of items such as `{"n0": {...}}` is accepted too).
fn parse_multi(
    kind: MultiType,
    title: &str,
    value: &Value,
    out: &mut Vec<MultiFieldChange>,
) -> Result<(), ApiError> {
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        Value::Null => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        _ => {
            return Err(ApiError::legacy(format!(
                "Field '{}' must be a list of items.",
                kind.as_str()
            )))
        }
    };
    for item in items {
        let Value::Object(item) = item else {
            return Err(ApiError::legacy(format!(
                "Field '{}' must be a list of items.",
                kind.as_str()
            )));
        };
        let get = |name: &str| {
            item.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        let id = get("ID").and_then(value_as_i64).filter(|id| *id > 0);
        let text = get("VALUE").and_then(value_as_string).unwrap_or_default();
        let text = text.trim().to_string();
        let delete = get("DELETE").and_then(value_as_bool).unwrap_or(false);
        let value_type = match get("VALUE_TYPE").and_then(value_as_string) {
            Some(t) if !t.is_empty() => {
                let t = t.to_ascii_uppercase();
                if !kind.value_types().contains(&t.as_str()) {
                    return Err(ApiError::legacy(format!(
                        "Invalid VALUE_TYPE '{t}' for {}; allowed: {}.",
                        kind.as_str(),
                        kind.value_types().join(", ")
                    )));
                }
                Some(t)
            }
            _ => None,
        };
        if kind == MultiType::Email && !text.is_empty() && !delete && !looks_like_email(&text) {
            return Err(ApiError::new(
                ErrorCode::ErrorCore,
                format!("The field `{title}` contains an invalid address"),
            ));
        }
        match id {
            Some(id) if delete || text.is_empty() => out.push(MultiFieldChange::Delete { id }),
            Some(id) => out.push(MultiFieldChange::Update {
                id,
                value_type,
                value: text,
            }),
            None if text.is_empty() => {}
            None => out.push(MultiFieldChange::Add {
                kind,
                value_type: value_type.unwrap_or_else(|| default_value_type(kind).to_string()),
                value: text,
            }),
        }
    }
    Ok(())
}

/// `VALUE_TYPE` used when a new entry gives none.
fn default_value_type(kind: MultiType) -> &'static str {
    match kind {
        MultiType::Im => "OTHER",
        MultiType::Link => "USER",
        _ => "WORK",
    }
}

/// A light e-mail shape check: one `@`, both sides non-empty, no spaces.
fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}
