//! Definition attributes of `crm.{e}.userfield.add/update`: reading keys of
//! `fields` (`FIELD_NAME`, flags, `SORT`, `SHOW_FILTER`), captions as lang
//! maps, `SETTINGS` with the type's defaults, `LIST` items, and the errors of
//! definition writes.

use std::collections::BTreeMap;

use portico_protocol::params::{value_as_bool, value_as_i64, value_as_string};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::user_fields::{Labels, LangMap, NewEnumItem, ENUM_XML_ID_CONFLICT};
use portico_store::{StoreError, UserType};
use serde_json::{json, Map, Value};

use super::{LANGUAGES, MAX_FIELD_NAME_LEN};
use crate::values::store_error;

/// The three captions `LABEL` stands for.
const LABEL_KEYS: [&str; 3] = ["EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL"];

/// A 32-hex digest of a list item's value: its `XML_ID` when none is given.
fn digest(value: &str) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for byte in value.bytes() {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3 ^ 0x5bd1_e995);
    }
    format!("{a:016x}{b:016x}")
}

/// A key of `fields`, ignoring case and surrounding spaces.
pub(super) fn field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// A trimmed text attribute; `null` and `""` count as absent.
pub(super) fn text(fields: &Map<String, Value>, name: &str) -> Option<String> {
    field(fields, name)
        .and_then(value_as_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A `Y`/`N` attribute, when given.
pub(super) fn flag(fields: &Map<String, Value>, name: &str) -> Option<bool> {
    field(fields, name).and_then(value_as_bool)
}

/// `SORT`, when given: an integer; not positive means the default 100.
pub(super) fn sort(fields: &Map<String, Value>) -> Result<Option<i64>, ApiError> {
    match field(fields, "SORT") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => value_as_i64(v)
            .map(|n| Some(if n > 0 { n } else { 100 }))
            .ok_or_else(|| ApiError::legacy("Field 'SORT' must be an integer.")),
    }
}

/// `SHOW_FILTER`: `N`, `I`, `E`, `S` as they are, `Y` meaning `E`, else `N`.
pub(super) fn show_filter(v: &str) -> String {
    match v.trim().to_ascii_uppercase().as_str() {
        s @ ("I" | "E" | "S") => s.to_string(),
        "Y" | "1" | "TRUE" => "E".to_string(),
        _ => "N".to_string(),
    }
}

/// A caption as given: a string for every language, or a lang map (other
/// languages `""`); `en` and `br` always present.
fn lang_map(v: &Value) -> LangMap {
    let mut map = LangMap::new();
    match v {
        Value::Object(m) => {
            for (lang, text) in m {
                let lang = lang.trim().to_ascii_lowercase();
                if !lang.is_empty() {
                    map.insert(lang, value_as_string(text).unwrap_or_default());
                }
            }
            for lang in LANGUAGES {
                map.entry(lang.to_string()).or_default();
            }
        }
        v => {
            let text = value_as_string(v).unwrap_or_default();
            for lang in LANGUAGES {
                map.insert(lang.to_string(), text.clone());
            }
        }
    }
    map
}

/// The captions `fields` give, by wire key (`LABEL` filling the three
/// `*_LABEL` ones not given).
pub(super) fn given_labels(fields: &Map<String, Value>) -> BTreeMap<&'static str, LangMap> {
    let mut out = BTreeMap::new();
    for key in Labels::KEYS {
        if let Some(v) = field(fields, key) {
            out.insert(key, lang_map(v));
        }
    }
    if let Some(label) = field(fields, "LABEL") {
        for key in LABEL_KEYS {
            out.entry(key).or_insert_with(|| lang_map(label));
        }
    }
    out
}

/// The settings a type starts with.
pub(super) fn default_settings(t: UserType) -> Map<String, Value> {
    let v = match t {
        UserType::String => {
            json!({"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": ""})
        }
        UserType::Integer => {
            json!({"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": null})
        }
        UserType::Double => {
            json!({"PRECISION": 2, "SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": null})
        }
        UserType::Boolean => {
            json!({"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX", "LABEL": ["", ""], "LABEL_CHECKBOX": ""})
        }
        UserType::Date => json!({"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}}),
        UserType::DateTime => {
            json!({"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}, "USE_SECOND": "Y", "USE_TIMEZONE": "N"})
        }
        UserType::Enumeration => {
            json!({"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "", "SHOW_NO_VALUE": "Y"})
        }
        UserType::Url => {
            json!({"POPUP": "Y", "SIZE": 20, "MIN_LENGTH": 0, "MAX_LENGTH": 0, "DEFAULT_VALUE": "", "RE": ""})
        }
        UserType::Money => json!({"DEFAULT_VALUE": ""}),
        UserType::Crm => json!({"LEAD": "Y", "CONTACT": "Y", "COMPANY": "Y", "DEAL": "Y"}),
        UserType::Employee => json!({}),
    };
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `SETTINGS` merged over `base`. For a `crm` field, naming any entity type
/// turns the types not named off.
pub(super) fn merge_settings(
    t: UserType,
    mut base: Map<String, Value>,
    given: Option<&Value>,
) -> Result<Map<String, Value>, ApiError> {
    let given = match given {
        None | Some(Value::Null) => return Ok(base),
        Some(Value::Object(m)) => m,
        Some(Value::Array(a)) if a.is_empty() => return Ok(base),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(base),
        Some(_) => return Err(ApiError::legacy("Field 'SETTINGS' must be an object.")),
    };
    let crm_keys = ["LEAD", "CONTACT", "COMPANY", "DEAL"];
    if t == UserType::Crm
        && given
            .keys()
            .any(|k| crm_keys.contains(&k.to_ascii_uppercase().as_str()))
    {
        for k in crm_keys {
            base.insert(k.to_string(), Value::from("N"));
        }
    }
    for (k, v) in given {
        let key = if t == UserType::Crm {
            k.to_ascii_uppercase()
        } else {
            k.clone()
        };
        let v = match (t, key.as_str()) {
            (UserType::Crm, "LEAD" | "CONTACT" | "COMPANY" | "DEAL") => {
                Value::from(if value_as_bool(v).unwrap_or(false) {
                    "Y"
                } else {
                    "N"
                })
            }
            _ => v.clone(),
        };
        base.insert(key, v);
    }
    Ok(base)
}

/// The `ERROR_CORE` error for a taken item `XML_ID`.
pub(super) fn xml_id_taken(xml_id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ErrorCore,
        format!("List item with XML_ID='{xml_id}' already exists."),
    )
}

/// One item of `LIST` as an object, else the legacy error.
fn list_item(v: &Value) -> Result<&Map<String, Value>, ApiError> {
    v.as_object()
        .ok_or_else(|| ApiError::legacy("Field 'LIST' must be a list of items."))
}

/// The items of `LIST` (`[…]` or `{"n0": …}`).
pub(super) fn list_items(v: Option<&Value>) -> Result<Vec<&Map<String, Value>>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Vec::new()),
        Some(Value::Array(a)) => a.iter().map(list_item).collect(),
        Some(Value::Object(m)) => m.values().map(list_item).collect(),
        Some(_) => Err(ApiError::legacy("Field 'LIST' must be a list of items.")),
    }
}

/// A new list item from `LIST` (`None` when its `VALUE` is empty: ignored).
pub(super) fn new_item(item: &Map<String, Value>) -> Result<Option<NewEnumItem>, ApiError> {
    let Some(value) = text(item, "VALUE") else {
        return Ok(None);
    };
    let sort = match field(item, "SORT") {
        None | Some(Value::Null) => 500,
        Some(Value::String(s)) if s.trim().is_empty() => 500,
        Some(v) => value_as_i64(v)
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::legacy("Field 'SORT' of a list item must be an integer."))?,
    };
    Ok(Some(NewEnumItem {
        xml_id: text(item, "XML_ID").unwrap_or_else(|| digest(&value)),
        def: flag(item, "DEF").unwrap_or(false),
        sort,
        value,
    }))
}

/// `FIELD_NAME` with the owner's `prefix` (`UF_CRM_`, `UF_USR_`),
/// upper-cased and checked.
pub(super) fn field_name(given: &str, prefix: &str) -> Result<String, ApiError> {
    let upper = given.trim().to_uppercase();
    let name = if upper.starts_with(prefix) {
        upper
    } else if let Some(rest) = upper.strip_prefix("UF_") {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}{upper}")
    };
    if name.chars().count() > MAX_FIELD_NAME_LEN {
        return Err(ApiError::new(
            ErrorCode::ErrorCore,
            "Field name is too long (more than 50 characters).",
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ApiError::new(
            ErrorCode::ErrorCore,
            "Field name contains invalid characters. Allowed characters are: A-Z, 0-9, and _.",
        ));
    }
    Ok(name)
}

/// A store conflict of a definition write as the API answers it.
pub(super) fn conflict(e: StoreError, entity_id: &str, name: &str) -> ApiError {
    match e {
        StoreError::Conflict(c) if c == ENUM_XML_ID_CONFLICT => ApiError::new(
            ErrorCode::ErrorCore,
            "List item with this XML_ID already exists.",
        ),
        StoreError::Conflict(_) => ApiError::new(
            ErrorCode::ErrorCore,
            format!("The field {name} for entity {entity_id} already exists."),
        ),
        other => store_error(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_get_the_prefix() {
        assert_eq!(field_name("note", "UF_CRM_").expect("ok"), "UF_CRM_NOTE");
        assert_eq!(field_name("UF_NOTE", "UF_CRM_").expect("ok"), "UF_CRM_NOTE");
        assert_eq!(
            field_name("uf_crm_note", "UF_CRM_").expect("ok"),
            "UF_CRM_NOTE"
        );
        assert_eq!(
            field_name(&"A".repeat(43), "UF_CRM_").expect("43").len(),
            50
        );
        assert_eq!(
            field_name(&"A".repeat(44), "UF_CRM_").unwrap_err().code,
            ErrorCode::ErrorCore
        );
        assert_eq!(
            field_name("a-b", "UF_CRM_").unwrap_err().code,
            ErrorCode::ErrorCore
        );
    }

    #[test]
    fn digests_are_stable_hex() {
        assert_eq!(digest("Red").len(), 32);
        assert_eq!(digest("Red"), digest("Red"));
        assert_ne!(digest("Red"), digest("Blue"));
    }
}
