//! User-field values of a write: parsing by type ([`parse_value`],
//! [`parse_values`]), `crm` references, the checks that referenced records
//! exist ([`check_references`]) and that mandatory fields have a value
//! ([`check_mandatory`]), and all of it at once ([`parse_write`]).

use chrono::FixedOffset;
use portico_protocol::envelope::parse_datetime;
use portico_protocol::params::{value_as_bool, value_as_f64, value_as_i64, value_as_string};
use portico_protocol::ApiError;
use portico_store::sizes::{MAX_TEXT_CHARS, MAX_VALUES_PER_WRITE};
use portico_store::user_fields::UserFieldWrite;
use portico_store::{FieldValue, UserField, UserType};
use serde_json::{Map, Value};

use super::find;
use crate::context::Ctx;
use crate::values::{check_length, store_error};

/// The entity types a `crm` field allows (`LEAD`, `CONTACT`, `COMPANY`,
/// `DEAL`), by its settings.
pub fn crm_targets(def: &UserField) -> Vec<&'static str> {
    ["LEAD", "CONTACT", "COMPANY", "DEAL"]
        .into_iter()
        .filter(|k| {
            def.settings
                .get(*k)
                .is_some_and(|v| value_as_bool(v).unwrap_or(false))
        })
        .collect()
}

/// The prefix of a `crm` value for an entity type (`CO` for `COMPANY`).
fn crm_prefix(code: &str) -> &'static str {
    match code {
        "LEAD" => "L",
        "CONTACT" => "C",
        "COMPANY" => "CO",
        _ => "D",
    }
}

/// The entity type of a `crm` value prefix (`COMPANY` for `CO`).
fn crm_code(prefix: &str) -> Option<&'static str> {
    match prefix {
        "L" => Some("LEAD"),
        "C" => Some("CONTACT"),
        "CO" => Some("COMPANY"),
        "D" => Some("DEAL"),
        _ => None,
    }
}

/// The entity type and id a stored `crm` value points at.
pub fn crm_reference(def: &UserField, stored: &str) -> Option<(&'static str, i64)> {
    match stored.split_once('_') {
        Some((prefix, id)) => Some((crm_code(prefix)?, id.parse().ok()?)),
        None => {
            let targets = crm_targets(def);
            match targets.as_slice() {
                [only] => Some((*only, stored.parse().ok()?)),
                _ => None,
            }
        }
    }
}

/// Parses one value of `def`; `Null` for `null` and `""`. `strict` also
/// requires an enumeration id to be one of the field's items (writes do,
/// filters do not). The error names the field.
pub(super) fn parse_one(
    def: &UserField,
    v: &Value,
    offset: FixedOffset,
    strict: bool,
) -> Result<FieldValue, String> {
    if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Ok(FieldValue::Null);
    }
    let name = &def.field_name;
    let bad = |what: &str| format!("Field '{name}' must be {what}.");
    match def.user_type {
        UserType::String | UserType::Url => value_as_string(v)
            .map(FieldValue::Text)
            .ok_or_else(|| bad("a string")),
        UserType::Integer => value_as_i64(v)
            .map(FieldValue::Int)
            .ok_or_else(|| bad("an integer")),
        UserType::Employee => value_as_i64(v)
            .filter(|id| *id > 0)
            .map(FieldValue::Int)
            .ok_or_else(|| bad("a user ID")),
        UserType::Double => value_as_f64(v)
            .filter(|f| f.is_finite())
            .map(FieldValue::Float)
            .ok_or_else(|| bad("a number")),
        UserType::Boolean => value_as_bool(v)
            .map(|b| FieldValue::Int(i64::from(b)))
            .ok_or_else(|| bad("Y or N")),
        UserType::Date => {
            let s = value_as_string(v).ok_or_else(|| bad("a date"))?;
            let secs = parse_datetime(&s, offset).ok_or_else(|| bad("a date (YYYY-MM-DD)"))?;
            let date = chrono::DateTime::from_timestamp(secs, 0)
                .map(|d| d.with_timezone(&offset).date_naive())
                .ok_or_else(|| bad("a date"))?;
            Ok(FieldValue::Text(date.format("%Y-%m-%d").to_string()))
        }
        UserType::DateTime => {
            let s = value_as_string(v).ok_or_else(|| bad("a date and time"))?;
            parse_datetime(&s, offset)
                .map(FieldValue::Int)
                .ok_or_else(|| bad("a date and time in ISO 8601"))
        }
        UserType::Enumeration => {
            let id = value_as_i64(v).ok_or_else(|| bad("the ID of one of its list items"))?;
            if strict && def.item(id).is_none() {
                return Err(format!("Field '{name}' has no list item with ID {id}."));
            }
            Ok(FieldValue::Int(id))
        }
        UserType::Money => {
            let s = value_as_string(v).ok_or_else(|| bad("an amount such as 100.50|USD"))?;
            let (amount, currency) = match s.split_once('|') {
                Some((a, c)) => (a.trim(), c.trim().to_ascii_uppercase()),
                None => (s.trim(), "USD".to_string()),
            };
            let amount: f64 = amount
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite())
                .ok_or_else(|| bad("an amount such as 100.50|USD"))?;
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(bad("an amount such as 100.50|USD"));
            }
            Ok(FieldValue::Text(format!("{amount:.2}|{currency}")))
        }
        UserType::Crm => {
            let s = value_as_string(v)
                .ok_or_else(|| bad("a CRM record such as CO_3"))?
                .trim()
                .to_ascii_uppercase();
            let targets = crm_targets(def);
            let (code, id) = match s.split_once('_') {
                Some((prefix, id)) => (crm_code(prefix), id.parse::<i64>().ok()),
                None => match targets.as_slice() {
                    [only] => (Some(*only), s.parse::<i64>().ok()),
                    _ => (None, None),
                },
            };
            match (code, id) {
                (Some(code), Some(id)) if id > 0 && targets.contains(&code) => {
                    Ok(FieldValue::Text(if targets.len() == 1 {
                        id.to_string()
                    } else {
                        format!("{}_{id}", crm_prefix(code))
                    }))
                }
                _ => Err(format!(
                    "Field '{name}' must be a CRM record of type {} such as {}_3.",
                    targets.join(", "),
                    targets.first().map_or("CO", |c| crm_prefix(c))
                )),
            }
        }
    }
}

/// Parses one value of `def` as a write stores it (`Null` for `null` and
/// `""`); an enumeration id must be one of the field's items. The error is
/// the text of the legacy error.
pub fn parse_value(def: &UserField, v: &Value, offset: FixedOffset) -> Result<FieldValue, String> {
    parse_one(def, v, offset, true)
}

/// Parses what a write gives for `def`: one value, or for a multiple field
/// a list (`[…]` or `{"0": …}`) or one value. Empty values are dropped, so
/// `null`, `""` and `[]` clear the field. A single field given a list takes
/// its only value; more than one is an error.
pub fn parse_values(
    def: &UserField,
    v: &Value,
    offset: FixedOffset,
) -> Result<Vec<FieldValue>, String> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        v => vec![v],
    };
    if items.len() > MAX_VALUES_PER_WRITE {
        return Err(format!(
            "Field '{}' has {} values: at most {MAX_VALUES_PER_WRITE} are allowed in one write.",
            def.field_name,
            items.len()
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let parsed = parse_value(def, item, offset)?;
        if let FieldValue::Text(text) = &parsed {
            check_length(&def.field_name, text, MAX_TEXT_CHARS)?;
        }
        if !parsed.is_null() {
            out.push(parsed);
        }
    }
    if !def.multiple && out.len() > 1 {
        return Err(format!("Field '{}' takes one value.", def.field_name));
    }
    Ok(out)
}

/// Checks that the records `values` of `def` point at exist: the user of an
/// `employee` field, the CRM record of a `crm` field. The legacy error names
/// the missing one (`Company with ID 5 is not found.`).
pub async fn check_references(
    ctx: &Ctx,
    def: &UserField,
    values: &[FieldValue],
) -> Result<(), ApiError> {
    for v in values {
        match (def.user_type, v) {
            (UserType::Employee, FieldValue::Int(id)) => {
                let found = ctx.store.user_by_id(*id).await.map_err(store_error)?;
                if found.is_none() {
                    return Err(ApiError::legacy(format!("User with ID {id} is not found.")));
                }
            }
            (UserType::Crm, FieldValue::Text(s)) => {
                let target = crm_reference(def, s)
                    .and_then(|(code, id)| Some((portico_store::crm::by_code(code)?, id)));
                let Some((entity, id)) = target else {
                    continue;
                };
                let found = ctx
                    .store
                    .get_record(entity, id)
                    .await
                    .map_err(store_error)?;
                if found.is_none() {
                    let title = match entity.code {
                        "LEAD" => "Lead",
                        "CONTACT" => "Contact",
                        "COMPANY" => "Company",
                        _ => "Deal",
                    };
                    return Err(ApiError::legacy(format!(
                        "{title} with ID {id} is not found."
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The name a field goes by in errors: its English form label, else its code.
pub fn display_name(def: &UserField) -> &str {
    def.labels
        .edit_form
        .get("en")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(&def.field_name)
}

/// Enforces `MANDATORY`: on create every mandatory field needs a value in
/// `writes`; on update a mandatory field given must not be emptied.
pub fn check_mandatory(
    defs: &[UserField],
    writes: &[UserFieldWrite],
    creating: bool,
) -> Result<(), ApiError> {
    for def in defs.iter().filter(|d| d.mandatory) {
        let given = writes.iter().find(|(id, _)| *id == def.id);
        let missing = match given {
            Some((_, values)) => values.is_empty(),
            None => creating,
        };
        if missing {
            return Err(ApiError::legacy(format!(
                "The required field {} is missing.",
                display_name(def)
            )));
        }
    }
    Ok(())
}

/// Parses the user fields named in a legacy `fields` object (keys matched by
/// `FIELD_NAME` in any case; other keys ignored), checks their references and
/// `MANDATORY`, and returns the writes. Errors are the legacy ones.
pub async fn parse_write(
    ctx: &Ctx,
    defs: &[UserField],
    fields: &Map<String, Value>,
    creating: bool,
) -> Result<Vec<UserFieldWrite>, ApiError> {
    let mut writes: Vec<UserFieldWrite> = Vec::new();
    for (key, value) in fields {
        let Some(def) = find(defs, key) else {
            continue;
        };
        let values = parse_values(def, value, ctx.clock.offset).map_err(ApiError::legacy)?;
        check_references(ctx, def, &values).await?;
        writes.retain(|(id, _)| *id != def.id);
        writes.push((def.id, values));
    }
    check_mandatory(defs, &writes, creating)?;
    Ok(writes)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{def, utc};
    use super::*;
    use crate::crm::user_fields::definition::{default_settings, merge_settings};
    use serde_json::json;

    #[test]
    fn values_parse_by_type() {
        let v = |t, j: Value| parse_value(&def(t, false), &j, utc());
        assert_eq!(v(UserType::Integer, json!("42")), Ok(FieldValue::Int(42)));
        assert_eq!(v(UserType::Double, json!(2.5)), Ok(FieldValue::Float(2.5)));
        assert_eq!(v(UserType::Boolean, json!("Y")), Ok(FieldValue::Int(1)));
        assert_eq!(v(UserType::Boolean, json!(false)), Ok(FieldValue::Int(0)));
        assert_eq!(
            v(UserType::Date, json!("2024-03-05")),
            Ok(FieldValue::Text("2024-03-05".into()))
        );
        assert_eq!(
            v(UserType::DateTime, json!("2024-03-05T10:00:00+02:00")),
            Ok(FieldValue::Int(1_709_625_600))
        );
        assert_eq!(v(UserType::Enumeration, json!(3)), Ok(FieldValue::Int(3)));
        assert!(v(UserType::Enumeration, json!(4)).is_err());
        assert_eq!(
            v(UserType::Money, json!("100.5|usd")),
            Ok(FieldValue::Text("100.50|USD".into()))
        );
        assert_eq!(
            v(UserType::Money, json!(7)),
            Ok(FieldValue::Text("7.00|USD".into()))
        );
        assert!(v(UserType::Money, json!("abc|USD")).is_err());
        assert_eq!(
            v(UserType::Crm, json!("co_3")),
            Ok(FieldValue::Text("CO_3".into()))
        );
        assert!(v(UserType::Crm, json!("3")).is_err(), "ambiguous bare id");
        assert!(v(UserType::Crm, json!("X_3")).is_err());
        assert_eq!(v(UserType::String, json!("")), Ok(FieldValue::Null));
        let mut one = def(UserType::Crm, false);
        one.settings = merge_settings(
            UserType::Crm,
            default_settings(UserType::Crm),
            Some(&json!({"COMPANY": "Y"})),
        )
        .expect("settings");
        assert_eq!(crm_targets(&one), ["COMPANY"]);
        assert_eq!(
            parse_value(&one, &json!("5"), utc()),
            Ok(FieldValue::Text("5".into()))
        );
        assert_eq!(
            parse_value(&one, &json!("CO_5"), utc()),
            Ok(FieldValue::Text("5".into()))
        );
        assert!(parse_value(&one, &json!("C_5"), utc()).is_err());
        assert_eq!(crm_reference(&one, "5"), Some(("COMPANY", 5)));
    }
}
