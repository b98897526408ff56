//! Converting between wire values and stored [`FieldValue`]s, driven by a field's
//! [`FieldKind`]: parsing what clients send (form strings or JSON) and writing what
//! the legacy API returns (ids and money as strings, dates ISO 8601 with offset).

use chrono::{FixedOffset, NaiveDate};
use portico_protocol::envelope::{format_datetime, parse_datetime};
use portico_protocol::params::{
    value_as_bool, value_as_f64, value_as_i64, value_as_string, Params,
};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::users::{department_ids, department_text};
use portico_store::{FieldDef, FieldKind, FieldValue};
use serde_json::Value;

/// Parses a value sent for `field`. Empty strings and `null` clear the field.
/// The error text names the field and what was expected.
pub fn parse_field_value(
    field: &FieldDef,
    v: &Value,
    offset: FixedOffset,
) -> Result<FieldValue, String> {
    if v.is_null() || v.as_str().is_some_and(|s| s.is_empty()) {
        return Ok(FieldValue::Null);
    }
    let bad = |what: &str| format!("Field '{}' must be {what}.", field.name);
    match field.kind {
        FieldKind::Integer
        | FieldKind::User
        | FieldKind::CrmCompany
        | FieldKind::CrmContact
        | FieldKind::CrmLead
        | FieldKind::CrmCategory
        | FieldKind::CrmQuote
        | FieldKind::File => value_as_i64(v)
            .map(FieldValue::Int)
            .ok_or_else(|| bad("an integer")),
        FieldKind::Double => value_as_f64(v)
            .map(FieldValue::Float)
            .ok_or_else(|| bad("a number")),
        FieldKind::Boolean => value_as_bool(v)
            .map(|b| FieldValue::Int(b as i64))
            .ok_or_else(|| bad("a boolean")),
        FieldKind::Char => match v {
            Value::Bool(b) => Ok(FieldValue::Text(if *b { "Y" } else { "N" }.into())),
            _ => {
                let s = value_as_string(v).ok_or_else(|| bad("Y or N"))?;
                match s.to_ascii_uppercase().as_str() {
                    "Y" | "1" | "TRUE" => Ok(FieldValue::Text("Y".into())),
                    "N" | "0" | "FALSE" => Ok(FieldValue::Text("N".into())),
                    _ => Err(bad("Y or N")),
                }
            }
        },
        FieldKind::Date => {
            let s = value_as_string(v).ok_or_else(|| bad("a date"))?;
            let secs = parse_datetime(&s, offset).ok_or_else(|| bad("a date (YYYY-MM-DD)"))?;
            let date = chrono::DateTime::from_timestamp(secs, 0)
                .map(|d| d.with_timezone(&offset).date_naive())
                .ok_or_else(|| bad("a date"))?;
            Ok(FieldValue::Text(date.format("%Y-%m-%d").to_string()))
        }
        FieldKind::DateTime => {
            let s = value_as_string(v).ok_or_else(|| bad("a date and time"))?;
            parse_datetime(&s, offset)
                .map(FieldValue::Int)
                .ok_or_else(|| bad("a date and time in ISO 8601"))
        }
        FieldKind::String
        | FieldKind::CrmStatus(_)
        | FieldKind::CrmCurrency
        | FieldKind::Location => {
            let s = value_as_string(v).ok_or_else(|| bad("a string"))?;
            check_length(field.name, &s, field.max_chars())?;
            Ok(FieldValue::Text(s))
        }
        FieldKind::DepartmentIds => {
            let items: Vec<&Value> = match v {
                Value::Array(a) => a.iter().collect(),
                Value::Object(m) => m.values().collect(),
                v => vec![v],
            };
            let mut ids = Vec::with_capacity(items.len());
            for item in items {
                if item.is_null() || item.as_str().is_some_and(|s| s.trim().is_empty()) {
                    continue;
                }
                match value_as_i64(item) {
                    Some(id) if id > 0 => {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                    _ => return Err(bad("a list of department IDs")),
                }
            }
            Ok(department_text(&ids).map_or(FieldValue::Null, FieldValue::Text))
        }
        FieldKind::MultiField(_) => Err(bad("a list of multi-field items")),
        FieldKind::Links(_) => Err(bad("a list of IDs")),
    }
}

/// `Field '{name}' is too long …` when `text` has more than `max` characters.
pub fn check_length(name: &str, text: &str, max: usize) -> Result<(), String> {
    // Bytes bound characters from above: count only when it could matter.
    if text.len() > max && text.chars().count() > max {
        return Err(format!(
            "Field '{name}' is too long: at most {max} characters are allowed."
        ));
    }
    Ok(())
}

/// Writes a stored value the way legacy methods (`crm.lead.get`, `user.get`) do.
pub fn render_legacy(field: &FieldDef, v: &FieldValue, offset: FixedOffset) -> Value {
    LegacyValue::of(field, v, offset).into_value()
}

/// A stored value as legacy methods write it, before it is written: the one
/// reading of [`render_legacy`] shared by the map it builds and by records
/// serialised straight to JSON (`Serialize` writes what serialising
/// [`render_legacy`]'s value writes).
#[derive(Clone, Debug)]
pub enum LegacyValue<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A stored text, as it is.
    Text(&'a str),
    /// An integer as a decimal string (ids, links).
    IntText(i64),
    /// A float as a string in Rust's shortest form.
    FloatText(f64),
    /// Money from a float: a string with two decimals.
    Money(f64),
    /// Money from an integer: `"{i}.00"`.
    MoneyInt(i64),
    /// Unix seconds as an ISO 8601 string in the offset.
    DateTime(i64, FixedOffset),
    /// Anything rarer (department lists, stored dates), already rendered.
    Rendered(Value),
}

impl<'a> LegacyValue<'a> {
    /// How `v`, stored for `field`, is written.
    pub fn of(field: &FieldDef, v: &'a FieldValue, offset: FixedOffset) -> Self {
        match (field.kind, v) {
            (FieldKind::Date | FieldKind::DateTime, FieldValue::Null) => LegacyValue::Text(""),
            (FieldKind::Boolean, FieldValue::Null) => LegacyValue::Bool(false),
            (FieldKind::DepartmentIds, FieldValue::Null) => {
                LegacyValue::Rendered(Value::Array(Vec::new()))
            }
            (FieldKind::DepartmentIds, FieldValue::Text(ids)) => LegacyValue::Rendered(
                Value::Array(department_ids(ids).into_iter().map(Value::from).collect()),
            ),
            (_, FieldValue::Null) => LegacyValue::Null,
            (FieldKind::Boolean, FieldValue::Int(i)) => LegacyValue::Bool(*i != 0),
            (FieldKind::Double, FieldValue::Float(f)) => LegacyValue::Money(*f),
            (FieldKind::Double, FieldValue::Int(i)) => LegacyValue::MoneyInt(*i),
            (FieldKind::DateTime, FieldValue::Int(secs)) => LegacyValue::DateTime(*secs, offset),
            (FieldKind::Date, FieldValue::Text(d)) => {
                LegacyValue::Rendered(Value::String(render_date(d, offset)))
            }
            (_, FieldValue::Int(i)) => LegacyValue::IntText(*i),
            (_, FieldValue::Float(f)) => LegacyValue::FloatText(*f),
            (_, FieldValue::Text(s)) => LegacyValue::Text(s),
        }
    }

    /// The value [`render_legacy`] answers.
    pub fn into_value(self) -> Value {
        match self {
            LegacyValue::Null => Value::Null,
            LegacyValue::Bool(b) => Value::Bool(b),
            LegacyValue::Text(s) => Value::String(s.to_owned()),
            LegacyValue::IntText(i) => Value::String(i.to_string()),
            LegacyValue::FloatText(f) => Value::String(f.to_string()),
            LegacyValue::Money(f) => Value::String(format!("{f:.2}")),
            LegacyValue::MoneyInt(i) => Value::String(format!("{i}.00")),
            LegacyValue::DateTime(secs, offset) => Value::String(format_datetime(secs, offset)),
            LegacyValue::Rendered(v) => v,
        }
    }
}

impl serde::Serialize for LegacyValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LegacyValue::Null => s.serialize_unit(),
            LegacyValue::Bool(b) => s.serialize_bool(*b),
            LegacyValue::Text(text) => s.serialize_str(text),
            LegacyValue::IntText(i) => s.collect_str(i),
            LegacyValue::FloatText(f) => s.collect_str(f),
            LegacyValue::Money(f) => s.collect_str(&format_args!("{f:.2}")),
            LegacyValue::MoneyInt(i) => s.collect_str(&format_args!("{i}.00")),
            LegacyValue::DateTime(secs, offset) => {
                s.serialize_str(&format_datetime(*secs, *offset))
            }
            LegacyValue::Rendered(v) => v.serialize(s),
        }
    }
}

/// Legacy CRM writes dates as midnight of that day with the portal offset.
pub fn render_date(date: &str, offset: FixedOffset) -> String {
    match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(d) => {
            let secs = d
                .and_hms_opt(0, 0, 0)
                .map(|dt| dt.and_utc().timestamp() - i64::from(offset.local_minus_utc()))
                .unwrap_or(0);
            format_datetime(secs, offset)
        }
        Err(_) => date.to_string(),
    }
}

/// A boolean parameter (`full=true`, `halt=1`); absent means `false`.
pub fn param_bool(params: &Params, name: &str) -> bool {
    params.get(name).and_then(value_as_bool).unwrap_or(false)
}

/// A string parameter.
pub fn param_string(params: &Params, name: &str) -> Option<String> {
    params.get(name).and_then(value_as_string)
}

/// The `id` of legacy `*.get/update/delete`: a positive integer, else the legacy
/// error `ID is not defined or invalid.`
pub fn param_id(params: &Params) -> Result<i64, ApiError> {
    params
        .get("id")
        .and_then(php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::legacy("ID is not defined or invalid."))
}

/// A record id read as PHP's `intval` reads it (Bitrix24's
/// `resolveEntityID`): a number, or the leading digits of a text (`"12abc"`
/// is 12); `None` when there are none.
pub fn php_intval(v: &Value) -> Option<i64> {
    if let Some(n) = value_as_i64(v) {
        return Some(n);
    }
    let text = value_as_string(v)?;
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse::<i64>().ok().map(|n| sign * n)
}

/// One descriptor of a `*.fields` answer, as Bitrix24 writes them for fields
/// that are neither multiple nor user fields.
pub fn field_descriptor(
    kind: &str,
    required: bool,
    read_only: bool,
    immutable: bool,
    title: &str,
) -> Value {
    serde_json::json!({
        "type": kind,
        "isRequired": required,
        "isReadOnly": read_only,
        "isImmutable": immutable,
        "isMultiple": false,
        "isDynamic": false,
        "title": title,
    })
}

/// The `INVALID_ARG_VALUE` error with this description.
pub fn invalid_arg(description: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidArgValue, description.into())
}

/// A storage failure as the API answers it: a generic 500 without the storage
/// text (which is logged here instead).
pub fn store_error(e: portico_store::StoreError) -> ApiError {
    match e {
        portico_store::StoreError::Unavailable(msg) => {
            tracing::error!(error = %msg, "storage unavailable");
            ApiError::new(ErrorCode::Internal, "Storage is unavailable, try again").with_status(503)
        }
        other => {
            tracing::error!(error = %other, "storage failure");
            ApiError::internal()
        }
    }
}
