//! The list machinery shared by every list method (`crm.*.list`, `user.get`):
//! `filter` keys and values resolved against an entity catalogue, `order`,
//! `select` with `*` and explicit multi-fields, `start` paging by 50 with `total`
//! and `next`, and `start=-1` without counting. User input never becomes SQL text:
//! it is resolved here to catalogue positions and typed values. The `*_with`
//! forms also resolve the entity's user fields (`UF_CRM_*`, definitions loaded
//! once by the caller with [`crate::crm::user_fields::definitions`]); the plain
//! forms know the catalogue only.

use chrono::FixedOffset;
use portico_protocol::params::{php_array, php_values, value_as_i64, value_as_string};
use portico_protocol::ApiError;
use portico_store::{
    Direction, EntityDef, FieldKind, FieldValue, ListQuery, MultiType, OrderKey, Record, UserField,
};
use serde_json::{Map, Value};

use crate::crm::user_fields;
use crate::registry::MethodOutput;
use crate::values::{invalid_arg, render_legacy};

mod filter;
mod record_json;

pub use record_json::LegacyRecordJson;

pub use filter::{
    add_group, check_depth, check_filter_size, combine, group_logic, is_group, is_logic_key,
    resolve_filter, resolve_filter_lenient, resolve_filter_with, Logic, UnknownKeys,
    MAX_FILTER_VALUES, MAX_GROUP_DEPTH, MAX_VALUES_PER_KEY,
};

/// Rows per page of every legacy list method.
pub const PAGE_SIZE: u64 = 50;

/// Which fields a list returns.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// Catalogue positions of the stored fields to return, in catalogue order.
    pub fields: Vec<usize>,
    /// Multi-field kinds to return (only when named explicitly).
    pub multi: Vec<MultiType>,
    /// User fields to return, in definition order.
    pub uf: Vec<UserField>,
}

/// The names a `select` lists (a PHP array, or one name), empty ones dropped.
pub fn select_names(select: Option<&Value>) -> Vec<String> {
    select
        .map(php_values)
        .unwrap_or_default()
        .into_iter()
        .filter_map(value_as_string)
        .filter(|s| !s.is_empty())
        .collect()
}

/// An `order` direction: `ASC` is ascending, `DESC` descending (any case,
/// spaces around ignored); anything else is `INVALID_ARG_VALUE`.
pub fn order_descending(dir: &Value) -> Result<bool, ApiError> {
    match value_as_string(dir)
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase()
        .as_str()
    {
        "ASC" => Ok(false),
        "DESC" => Ok(true),
        _ => Err(invalid_arg(
            "Invalid order: allowed sort directions are ASC, DESC",
        )),
    }
}

/// Resolves `select` against the catalogue only (see [`resolve_select_with`]).
pub fn resolve_select(entity: &EntityDef, select: Option<&Value>) -> Result<Selection, ApiError> {
    resolve_select_with(entity, &[], select)
}

/// Resolves `select`: `*` means every standard field except multi-fields,
/// `UF_*` every user field that is not multiple, absent or empty both; names
/// add fields (multi-fields and multiple user fields only this way); unknown
/// names are skipped as Bitrix24 does. `ID` is always returned.
pub fn resolve_select_with(
    entity: &EntityDef,
    defs: &[UserField],
    select: Option<&Value>,
) -> Result<Selection, ApiError> {
    let names = select_names(select);
    let all_standard = names.is_empty() || names.iter().any(|n| n == "*");
    let all_uf = names.is_empty() || names.iter().any(|n| n.trim().eq_ignore_ascii_case("UF_*"));
    let mut wanted = vec![false; entity.fields.len()];
    let mut multi = Vec::new();
    let mut named_uf = Vec::new();
    for name in &names {
        let upper = name.trim().to_ascii_uppercase();
        if let Some(def) = user_fields::find(defs, &upper) {
            named_uf.push(def.id);
        }
        if let Some(idx) = entity.index_of(&upper) {
            match entity.fields[idx].kind {
                FieldKind::MultiField(kind) if !multi.contains(&kind) => multi.push(kind),
                FieldKind::MultiField(_) => {}
                _ => wanted[idx] = true,
            }
        }
    }
    let fields = entity
        .fields
        .iter()
        .enumerate()
        .filter(|(i, f)| f.is_stored() && (all_standard || wanted[*i] || f.name == "ID"))
        .map(|(i, _)| i)
        .collect();
    let uf = defs
        .iter()
        .filter(|d| (all_uf && !d.multiple) || named_uf.contains(&d.id))
        .cloned()
        .collect();
    Ok(Selection { fields, multi, uf })
}

/// Builds the store query against the catalogue only (see [`build_query_with`]).
pub fn build_query(
    entity: &'static EntityDef,
    filter: Option<&Value>,
    order: Option<&Value>,
    start: Option<&Value>,
    offset: FixedOffset,
) -> Result<(ListQuery, i64), ApiError> {
    build_query_with(
        entity,
        &[],
        filter,
        order,
        start,
        offset,
        UnknownKeys::Refuse,
    )
}

/// Builds the store query from `filter`, `order` and `start`, user fields
/// included. Returns the query and the effective `start` (−1 when counting is
/// off).
pub fn build_query_with(
    entity: &'static EntityDef,
    defs: &[UserField],
    filter: Option<&Value>,
    order: Option<&Value>,
    start: Option<&Value>,
    offset: FixedOffset,
    unknown: UnknownKeys<'_>,
) -> Result<(ListQuery, i64), ApiError> {
    let start = match start {
        None | Some(Value::Null) => 0,
        Some(v) if v.as_str().is_some_and(|s| s.trim().is_empty()) => 0,
        Some(v) => value_as_i64(v)
            .ok_or_else(|| invalid_arg("Parameter 'start' must be an integer."))?
            .max(-1),
    };
    let query = ListQuery {
        conditions: check_filter_size(resolve_filter_lenient(
            entity, defs, filter, offset, unknown,
        )?)?,
        order: resolve_order_with(entity, defs, order, unknown)?,
        offset: start.max(0) as u64,
        limit: PAGE_SIZE,
        count_total: start >= 0,
        with_multi: false,
        with_uf: false,
    };
    Ok((query, start))
}

/// Resolves an `order` object against the catalogue only (see
/// [`resolve_order_with`]).
pub fn resolve_order(
    entity: &EntityDef,
    order: Option<&Value>,
) -> Result<Vec<(OrderKey, Direction)>, ApiError> {
    resolve_order_with(entity, &[], order, UnknownKeys::Refuse)
}

/// Resolves an `order` object (`{FIELD: "ASC"|"DESC"}`); single-valued user
/// fields of `defs` can be keys too; unknown keys as `unknown` says.
pub fn resolve_order_with(
    entity: &EntityDef,
    defs: &[UserField],
    order: Option<&Value>,
    unknown: UnknownKeys<'_>,
) -> Result<Vec<(OrderKey, Direction)>, ApiError> {
    let map = match order {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) if s.is_empty() => return Ok(Vec::new()),
        Some(v) => {
            php_array(v).ok_or_else(|| ApiError::legacy("Parameter 'order' must be array."))?
        }
    };
    let mut out = Vec::with_capacity(map.len());
    for (name, dir) in map.iter() {
        let upper = name.trim().to_ascii_uppercase();
        let found = entity
            .index_of(&upper)
            .filter(|i| entity.fields[*i].is_stored())
            .map(OrderKey::Field)
            .or_else(|| user_fields::find(defs, &upper).and_then(user_fields::order_key));
        let key = match (found, unknown) {
            (Some(key), _) => key,
            (None, UnknownKeys::Refuse) => {
                return Err(invalid_arg(format!(
                    "Invalid order: field '{name}' is not allowed in order"
                )))
            }
            (None, UnknownKeys::Ignore(ctx)) => {
                ctx.ignored("order", name);
                continue;
            }
        };
        let dir = if order_descending(dir)? {
            Direction::Desc
        } else {
            Direction::Asc
        };
        out.push((key, dir));
    }
    Ok(out)
}

/// Renders one record in the legacy shape: the selected fields (strings for ids
/// and money, ISO dates), then the selected multi-fields that are not empty,
/// then the selected user fields (see [`user_fields::render_value`]).
pub fn render_record(
    entity: &EntityDef,
    record: &Record,
    selection: &Selection,
    offset: FixedOffset,
) -> Value {
    let mut row = Map::with_capacity(selection.fields.len() + selection.multi.len());
    for &idx in &selection.fields {
        let field = &entity.fields[idx];
        let value = record.values.get(idx).unwrap_or(&FieldValue::Null);
        row.insert(field.name.to_string(), render_legacy(field, value, offset));
    }
    for kind in &selection.multi {
        let items: Vec<Value> = record
            .multi
            .iter()
            .filter(|m| m.kind == *kind)
            .map(|m| {
                serde_json::json!({
                    "ID": m.id.to_string(),
                    "VALUE_TYPE": m.value_type,
                    "VALUE": m.value,
                    "TYPE_ID": kind.as_str(),
                })
            })
            .collect();
        if !items.is_empty() {
            row.insert(kind.as_str().to_string(), Value::Array(items));
        }
    }
    user_fields::render_into(&mut row, &selection.uf, record, offset);
    Value::Object(row)
}

/// Wraps a page: `total` on every counted page (0 with `start=-1`), `next` only
/// when more rows follow.
/// One page of 50 of `items` already in memory (small directories), from
/// the call's `start`, each rendered by `render`, with `total` and `next`.
pub fn page_in_memory<T>(
    items: &[T],
    start: Option<&Value>,
    render: impl Fn(&T) -> Value,
) -> MethodOutput {
    let start = start
        .and_then(portico_protocol::params::value_as_i64)
        .filter(|s| *s > 0)
        .unwrap_or(0);
    let skip = usize::try_from(start).unwrap_or(usize::MAX);
    let rows = items
        .iter()
        .skip(skip)
        .take(PAGE_SIZE as usize)
        .map(render)
        .collect();
    page_output(rows, Some(items.len() as u64), start)
}

/// A list answer: `rows`, `total` and `next` as Bitrix24 pages them.
pub fn page_output(rows: Vec<Value>, total: Option<u64>, start: i64) -> MethodOutput {
    let total = total.map(|t| t as i64);
    let next = match total {
        Some(t) if start >= 0 && start + (PAGE_SIZE as i64) < t => Some(start + PAGE_SIZE as i64),
        _ => None,
    };
    MethodOutput {
        result: Value::Array(rows),
        total: Some(total.unwrap_or(0)),
        next,
        result_json: None,
    }
}
