//! `crm.{e}.userfield.list`: the definition attributes it filters and sorts
//! by, and the handler.

use portico_protocol::filter::FilterOp;
use portico_protocol::params::php_values;
use portico_protocol::params::{value_as_bool, value_as_i64, value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::UserField;
use serde_json::Value;

use super::UfOwner;
use super::{definitions, render_definition};
use crate::context::Ctx;
use crate::listing::page_output;
use crate::registry::MethodOutput;
use crate::values::invalid_arg;

/// The definition attributes `crm.{e}.userfield.list` filters and sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Id,
    FieldName,
    UserTypeId,
    XmlId,
    Sort,
    Multiple,
    Mandatory,
    ShowFilter,
    ShowInList,
    EditInList,
    IsSearchable,
}

impl Col {
    /// The attribute with this wire name (any case).
    fn parse(name: &str) -> Option<Col> {
        Some(match name.trim().to_ascii_uppercase().as_str() {
            "ID" => Col::Id,
            "FIELD_NAME" => Col::FieldName,
            "USER_TYPE_ID" => Col::UserTypeId,
            "XML_ID" => Col::XmlId,
            "SORT" => Col::Sort,
            "MULTIPLE" => Col::Multiple,
            "MANDATORY" => Col::Mandatory,
            "SHOW_FILTER" => Col::ShowFilter,
            "SHOW_IN_LIST" => Col::ShowInList,
            "EDIT_IN_LIST" => Col::EditInList,
            "IS_SEARCHABLE" => Col::IsSearchable,
            _ => return None,
        })
    }

    /// Whether the attribute can be sorted by.
    fn sortable(self) -> bool {
        matches!(
            self,
            Col::Id | Col::FieldName | Col::UserTypeId | Col::XmlId | Col::Sort
        )
    }
}

/// A comparable value of a definition's attribute.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Null,
    Int(i64),
    Text(String),
}

/// The definition's value of `col` (flags as `Y`/`N`).
fn key(def: &UserField, col: Col) -> Key {
    let yn = |b: bool| Key::Text(if b { "Y" } else { "N" }.to_string());
    match col {
        Col::Id => Key::Int(def.id),
        Col::FieldName => Key::Text(def.field_name.clone()),
        Col::UserTypeId => Key::Text(def.user_type.as_str().to_string()),
        Col::XmlId => def.xml_id.clone().map_or(Key::Null, Key::Text),
        Col::Sort => Key::Int(def.sort),
        Col::Multiple => yn(def.multiple),
        Col::Mandatory => yn(def.mandatory),
        Col::ShowFilter => Key::Text(def.show_filter.clone()),
        Col::ShowInList => yn(def.show_in_list),
        Col::EditInList => yn(def.edit_in_list),
        Col::IsSearchable => yn(def.is_searchable),
    }
}

/// The filter value of `col` as compared (`Y`/`N` flags accept any boolean
/// spelling, names compare upper-cased).
fn filter_key(col: Col, v: &Value, k: &str) -> Result<Key, ApiError> {
    if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Ok(Key::Null);
    }
    Ok(match col {
        Col::Id | Col::Sort => Key::Int(value_as_i64(v).ok_or_else(|| {
            invalid_arg(format!("Invalid filter: value of '{k}' must be an integer"))
        })?),
        Col::Multiple | Col::Mandatory | Col::ShowInList | Col::EditInList | Col::IsSearchable => {
            let b = value_as_bool(v).ok_or_else(|| {
                invalid_arg(format!("Invalid filter: value of '{k}' must be Y or N"))
            })?;
            Key::Text(if b { "Y" } else { "N" }.to_string())
        }
        Col::FieldName | Col::ShowFilter => Key::Text(
            value_as_string(v)
                .ok_or_else(|| {
                    invalid_arg(format!("Invalid filter: value of '{k}' must be a string"))
                })?
                .trim()
                .to_uppercase(),
        ),
        Col::UserTypeId => Key::Text(
            value_as_string(v)
                .ok_or_else(|| {
                    invalid_arg(format!("Invalid filter: value of '{k}' must be a string"))
                })?
                .trim()
                .to_ascii_lowercase(),
        ),
        Col::XmlId => Key::Text(value_as_string(v).ok_or_else(|| {
            invalid_arg(format!("Invalid filter: value of '{k}' must be a string"))
        })?),
    })
}

/// `crm.{e}.userfield.list`: exact-match filter (`!` negates, lists match
/// any), `LANG`, order (default `SORT`, `ID`; `ID` breaks ties), pages of 50.
/// As in Bitrix24, filter keys it does not know — other fields, other
/// operators (`>ID`), list keys — are ignored, with a leniency warning.
pub(super) async fn list<E: UfOwner>(ctx: Ctx, params: Params) -> Result<MethodOutput, ApiError> {
    let filter = params.array("filter")?.unwrap_or_default();
    let mut lang = None;
    let mut conds: Vec<(Col, bool, Vec<Key>)> = Vec::new();
    for (k, value) in filter.iter() {
        let Ok((op, name)) = portico_protocol::filter::parse_filter_key(k) else {
            ctx.ignored("filter", k);
            continue;
        };
        if name.trim().eq_ignore_ascii_case("LANG") {
            lang = value_as_string(value)
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty());
            continue;
        }
        let Some(col) = Col::parse(name) else {
            ctx.ignored("filter", k);
            continue;
        };
        let negate = match portico_protocol::filter::op_for_value(op, value.is_array()) {
            FilterOp::Eq | FilterOp::In => false,
            FilterOp::NotEq | FilterOp::NotIn => true,
            _ => {
                ctx.ignored("filter", k);
                continue;
            }
        };
        let items = php_values(value);
        let keys = items
            .into_iter()
            .map(|v| filter_key(col, v, k))
            .collect::<Result<Vec<_>, _>>()?;
        conds.push((col, negate, keys));
    }
    let mut order: Vec<(Col, bool)> = Vec::new();
    if let Some(m) = params.array("order")? {
        for (name, dir) in m.iter() {
            let col = Col::parse(name).filter(|c| c.sortable()).ok_or_else(|| {
                invalid_arg(format!(
                    "Invalid order: field '{name}' is not allowed in order"
                ))
            })?;
            let desc = crate::listing::order_descending(dir)?;
            order.push((col, desc));
        }
    }
    if order.is_empty() {
        order.push((Col::Sort, false));
    }
    if !order.iter().any(|(c, _)| *c == Col::Id) {
        order.push((Col::Id, false));
    }
    let start = match params.get("start") {
        None | Some(Value::Null) => 0,
        Some(v) if v.as_str().is_some_and(|s| s.trim().is_empty()) => 0,
        Some(v) => value_as_i64(v)
            .ok_or_else(|| invalid_arg("Parameter 'start' must be an integer."))?
            .max(-1),
    };
    let mut defs = definitions(&ctx, E::DEF).await?;
    defs.retain(|d| {
        conds
            .iter()
            .all(|(col, negate, keys)| keys.contains(&key(d, *col)) != *negate)
    });
    defs.sort_by(|a, b| {
        order
            .iter()
            .map(|&(col, desc)| {
                let o = key(a, col).cmp(&key(b, col));
                if desc {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let total = defs.len() as u64;
    let rows = defs
        .iter()
        .skip(start.max(0) as usize)
        .take(crate::listing::PAGE_SIZE as usize)
        .map(|d| render_definition(d, lang.as_deref()))
        .collect();
    Ok(page_output(rows, (start >= 0).then_some(total), start))
}
