//! Rendering: stored user-field values in the legacy shape
//! ([`render_value`], [`render_into`]), the `*.fields` descriptors
//! ([`describe`], [`describe_into`]) and definitions in the wire shape of the
//! userfield methods ([`render_definition`]).

use chrono::FixedOffset;
use portico_store::user_fields::{Labels, LangMap};
use portico_store::{FieldDef, FieldKind, FieldValue, Record, UserField, UserType};
use serde_json::{json, Map, Value};

use super::LANGUAGES;
use crate::values::render_legacy;

// --- Values: rendering -------------------------------------------------------

/// A descriptor of the catalogue kind a user type renders like.
fn render_kind(t: UserType) -> FieldKind {
    match t {
        UserType::Boolean => FieldKind::Boolean,
        UserType::Date => FieldKind::Date,
        UserType::DateTime => FieldKind::DateTime,
        _ => FieldKind::String,
    }
}

/// One stored value in the legacy shape (see the module table).
fn render_one(def: &UserField, v: &FieldValue, offset: FixedOffset) -> Value {
    match (def.user_type, v) {
        (UserType::Double, FieldValue::Float(f)) => Value::String(f.to_string()),
        (t, v) => render_legacy(&FieldDef::new("", "", render_kind(t), ""), v, offset),
    }
}

/// The legacy value of `def` for a record whose values are `values`: an array
/// for a multiple field, else the value, or the type's empty value (`null`,
/// `""` for dates, `false` for booleans).
pub fn render_value(def: &UserField, values: &[FieldValue], offset: FixedOffset) -> Value {
    if def.multiple {
        Value::Array(values.iter().map(|v| render_one(def, v, offset)).collect())
    } else {
        render_one(def, values.first().unwrap_or(&FieldValue::Null), offset)
    }
}

/// Adds the values of `defs` to a rendered record (`{"UF_CRM_X": …}`).
pub fn render_into(
    row: &mut Map<String, Value>,
    defs: &[UserField],
    record: &Record,
    offset: FixedOffset,
) {
    for def in defs {
        row.insert(
            def.field_name.clone(),
            render_value(def, record.uf_values(def.id), offset),
        );
    }
}

// --- Descriptors -------------------------------------------------------------

/// The English caption of a lang map (else the Portuguese one, else `""`).
fn caption(map: &LangMap) -> String {
    ["en", "br"]
        .iter()
        .find_map(|l| map.get(*l).filter(|s| !s.is_empty()))
        .cloned()
        .unwrap_or_default()
}

/// The `*.fields` descriptor of a user field.
pub fn describe(def: &UserField) -> Value {
    let mut d = json!({
        "type": def.user_type.as_str(),
        "isRequired": def.mandatory,
        "isReadOnly": false,
        "isImmutable": false,
        "isMultiple": def.multiple,
        "isDynamic": true,
        "title": def.field_name,
        "listLabel": caption(&def.labels.list_column),
        "formLabel": caption(&def.labels.edit_form),
        "filterLabel": caption(&def.labels.list_filter),
        "settings": Value::Object(def.settings.clone()),
    });
    if def.user_type == UserType::Enumeration {
        d["items"] = Value::Array(
            def.items
                .iter()
                .map(|i| json!({"ID": i.id.to_string(), "VALUE": i.value}))
                .collect(),
        );
    }
    d
}

/// Adds the descriptors of `defs` to a `*.fields` object.
pub fn describe_into(out: &mut Value, defs: &[UserField]) {
    if let Value::Object(map) = out {
        for def in defs {
            map.insert(def.field_name.clone(), describe(def));
        }
    }
}

/// The definition in the wire shape; with `lang` captions are that
/// language's text (`null` when empty), else lang maps.
pub fn render_definition(def: &UserField, lang: Option<&str>) -> Value {
    let yn = |b: bool| Value::from(if b { "Y" } else { "N" });
    let mut row = Map::new();
    row.insert("ID".into(), Value::from(def.id.to_string()));
    row.insert("ENTITY_ID".into(), Value::from(def.entity_id.clone()));
    row.insert("FIELD_NAME".into(), Value::from(def.field_name.clone()));
    row.insert("USER_TYPE_ID".into(), Value::from(def.user_type.as_str()));
    row.insert(
        "XML_ID".into(),
        def.xml_id.clone().map_or(Value::Null, Value::from),
    );
    row.insert("SORT".into(), Value::from(def.sort.to_string()));
    row.insert("MULTIPLE".into(), yn(def.multiple));
    row.insert("MANDATORY".into(), yn(def.mandatory));
    row.insert("SHOW_FILTER".into(), Value::from(def.show_filter.clone()));
    row.insert("SHOW_IN_LIST".into(), yn(def.show_in_list));
    row.insert("EDIT_IN_LIST".into(), yn(def.edit_in_list));
    row.insert("IS_SEARCHABLE".into(), yn(def.is_searchable));
    row.insert("SETTINGS".into(), Value::Object(def.settings.clone()));
    for key in Labels::KEYS {
        let map = def.labels.get(key).cloned().unwrap_or_default();
        let v = match lang {
            Some(l) => map
                .get(l)
                .filter(|s| !s.is_empty())
                .map_or(Value::Null, |s| Value::from(s.clone())),
            None => {
                let mut full = map;
                for l in LANGUAGES {
                    full.entry(l.to_string()).or_default();
                }
                Value::Object(full.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        };
        row.insert(key.into(), v);
    }
    if def.user_type == UserType::Enumeration {
        let items = def
            .items
            .iter()
            .map(|i| {
                json!({
                    "ID": i.id.to_string(),
                    "SORT": i.sort.to_string(),
                    "VALUE": i.value,
                    "DEF": if i.def { "Y" } else { "N" },
                    "XML_ID": i.xml_id,
                })
            })
            .collect();
        row.insert("LIST".into(), Value::Array(items));
    }
    Value::Object(row)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{def, utc};
    use super::*;
    use crate::crm::user_fields::values::parse_values;

    #[test]
    fn multiple_values_and_rendering() {
        let m = def(UserType::Integer, true);
        assert_eq!(
            parse_values(&m, &json!([1, "", "3"]), utc()),
            Ok(vec![FieldValue::Int(1), FieldValue::Int(3)])
        );
        assert!(parse_values(&def(UserType::Integer, false), &json!([1, 2]), utc()).is_err());
        assert_eq!(
            render_value(&m, &[FieldValue::Int(1), FieldValue::Int(3)], utc()),
            json!(["1", "3"])
        );
        assert_eq!(render_value(&m, &[], utc()), json!([]));
        let b = def(UserType::Boolean, false);
        assert_eq!(render_value(&b, &[], utc()), json!(false));
        assert_eq!(render_value(&b, &[FieldValue::Int(1)], utc()), json!(true));
        assert_eq!(
            render_value(&def(UserType::Date, false), &[], utc()),
            json!("")
        );
        assert_eq!(
            render_value(
                &def(UserType::Double, false),
                &[FieldValue::Float(2.5)],
                utc()
            ),
            json!("2.5")
        );
        assert_eq!(
            render_value(&def(UserType::String, false), &[], utc()),
            Value::Null
        );
    }
}
