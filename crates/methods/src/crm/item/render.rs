//! Items as the universal API writes them: universal names, ids and amounts as
//! JSON numbers (a whole amount without a fraction, `15000`), flags `"Y"`/`"N"`,
//! instants and dates ISO 8601 with the portal offset (dates at midnight, as
//! the legacy API), an unset company or contact `0` as in Bitrix24, link lists
//! (`contactIds`, `companyIds`) as arrays of numbers, user fields typed the
//! same way (a multiple one as an array, an empty boolean `false`),
//! multi-fields as `fm` (`[{id, typeId, valueType, value}]`), and, on whole
//! items, `entityTypeId` last.

use chrono::FixedOffset;
use portico_protocol::envelope::format_datetime;
use portico_protocol::ApiError;
use portico_store::user_fields::UserType;
use portico_store::{EntityDef, FieldDef, FieldKind, FieldValue, Record, UserField};
use serde_json::{json, Map, Value};

use super::input::ItemSelection;
use super::names::Schema;
use crate::context::Ctx;
use crate::crm::links;
use crate::values::render_legacy;

/// A stored value in the universal shape.
pub fn value(field: &FieldDef, v: &FieldValue, offset: FixedOffset) -> Value {
    match (field.kind, v) {
        (FieldKind::CrmCompany | FieldKind::CrmContact, FieldValue::Null) => Value::from(0),
        (_, FieldValue::Null) => Value::Null,
        (FieldKind::DateTime, FieldValue::Int(secs)) => {
            Value::String(format_datetime(*secs, offset))
        }
        (FieldKind::Date, _) => render_legacy(field, v, offset),
        (FieldKind::Boolean, FieldValue::Int(i)) => Value::Bool(*i != 0),
        (_, FieldValue::Int(i)) => Value::from(*i),
        (_, FieldValue::Float(f)) => number(*f),
        (_, FieldValue::Text(s)) => Value::String(s.clone()),
    }
}

/// The value of a user field for a record whose values are `values`.
pub fn uf_value(def: &UserField, values: &[FieldValue], offset: FixedOffset) -> Value {
    let one = |v: &FieldValue| -> Value {
        match (def.user_type, v) {
            (UserType::Boolean, v) => Value::Bool(v.as_i64().is_some_and(|i| i != 0)),
            (_, FieldValue::Null) => Value::Null,
            (UserType::Date, v) => {
                render_legacy(&FieldDef::new("", "", FieldKind::Date, ""), v, offset)
            }
            (UserType::DateTime, FieldValue::Int(secs)) => {
                Value::String(format_datetime(*secs, offset))
            }
            (_, FieldValue::Int(i)) => Value::from(*i),
            (_, FieldValue::Float(f)) => number(*f),
            (_, FieldValue::Text(s)) => Value::String(s.clone()),
        }
    };
    if def.multiple {
        Value::Array(values.iter().map(one).collect())
    } else {
        one(values.first().unwrap_or(&FieldValue::Null))
    }
}

/// A float as JSON: whole values without a fraction (`15000`), others as they are.
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        Value::from(f)
    }
}

/// One item: the selected fields (link lists read from the store), user
/// fields, `fm` when selected, `entityTypeId` when everything is.
pub async fn item(
    ctx: &Ctx,
    s: &Schema,
    record: &Record,
    selection: &ItemSelection,
) -> Result<Value, ApiError> {
    let t = s.t;
    let def: &'static EntityDef = t.def;
    let offset = ctx.clock.offset;
    let mut out = Map::with_capacity(selection.fields.len() + 2);
    for &idx in &selection.fields {
        let (Some(field), Some(name)) = (def.fields.get(idx), t.name(idx)) else {
            continue;
        };
        let v = match field.kind {
            FieldKind::Links(_) => {
                let ids = links::read_list(ctx, def, record.id, idx).await?;
                Value::Array(ids.into_iter().map(Value::from).collect())
            }
            FieldKind::MultiField(_) => continue,
            _ if field.name == "ID" => Value::from(record.id),
            _ => value(
                field,
                record.values.get(idx).unwrap_or(&FieldValue::Null),
                offset,
            ),
        };
        out.insert(name.to_string(), v);
    }
    for &i in &selection.uf {
        let (Some(d), Some(name)) = (s.defs.get(i), s.uf_names.get(i)) else {
            continue;
        };
        out.insert(name.clone(), uf_value(d, record.uf_values(d.id), offset));
    }
    if selection.fm {
        let fm = record
            .multi
            .iter()
            .map(|m| {
                json!({
                    "id": m.id,
                    "typeId": m.kind.as_str(),
                    "valueType": m.value_type,
                    "value": m.value,
                })
            })
            .collect();
        out.insert("fm".into(), Value::Array(fm));
    }
    if selection.all {
        out.insert("entityTypeId".into(), Value::from(t.id));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_store::crm::DEAL;

    #[test]
    fn values_are_typed() {
        let utc = FixedOffset::east_opt(0).expect("utc");
        let f = |name: &str| DEAL.field(name).expect(name);
        assert_eq!(
            value(f("OPPORTUNITY"), &FieldValue::Float(15000.0), utc),
            json!(15000)
        );
        assert_eq!(
            value(f("OPPORTUNITY"), &FieldValue::Float(999.9), utc),
            json!(999.9)
        );
        assert_eq!(
            value(f("ASSIGNED_BY_ID"), &FieldValue::Int(3), utc),
            json!(3)
        );
        assert_eq!(value(f("COMPANY_ID"), &FieldValue::Null, utc), json!(0));
        assert_eq!(value(f("LEAD_ID"), &FieldValue::Null, utc), Value::Null);
        assert_eq!(
            value(f("OPENED"), &FieldValue::Text("Y".into()), utc),
            json!("Y")
        );
        assert_eq!(
            value(f("DATE_CREATE"), &FieldValue::Int(1_700_000_000), utc),
            json!("2023-11-14T22:13:20+00:00")
        );
        assert_eq!(
            value(f("BEGINDATE"), &FieldValue::Text("2024-08-30".into()), utc),
            json!("2024-08-30T00:00:00+00:00")
        );
        assert_eq!(value(f("BEGINDATE"), &FieldValue::Null, utc), Value::Null);
    }
}
