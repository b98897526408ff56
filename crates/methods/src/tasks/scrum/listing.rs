//! `filter`, `order`, `select` and `start` of the scrum list methods, over
//! rows already read: filter keys are the UPPER field names with the usual
//! prefixes (`=`, `!`, `<`, `<=`, `>`, `>=`, `%`, `@`, `><`), `order` maps
//! names to `asc`/`desc` (default `ID` ascending), `select` names the fields
//! answered (`id` always; empty or `*`: all), pages are 50 rows from the
//! offset `start`. A name outside the entity's fields is `Could not load
//! list`. The answer is a plain array, with no `total` or `next`.

use std::cmp::Ordering;

use portico_protocol::filter::{parse_filter_key, FilterOp};
use portico_protocol::params::{php_array, php_values, value_as_i64, value_as_string, Params};
use portico_protocol::ApiError;
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::tasks::render::camel;
use crate::tasks::scrum::{date_value, fail};
use crate::tasks::{exact, not_an_array};

/// Rows per page.
const PAGE: usize = 50;

/// One field of a row: its UPPER name, its wire value, and the value
/// filters and sorting compare (a number for ids and dates).
pub struct Column {
    /// UPPER_SNAKE name (`GROUP_ID`); the wire key is its camelCase.
    pub name: &'static str,
    /// As answered.
    pub wire: Value,
    /// As compared.
    pub key: Value,
}

impl Column {
    /// A column compared by its wire value.
    pub fn plain(name: &'static str, wire: Value) -> Column {
        Column {
            name,
            key: wire.clone(),
            wire,
        }
    }
}

fn unknown() -> ApiError {
    fail("Could not load list")
}

fn compare(have: &Value, want: &Value) -> Option<Ordering> {
    match (have.as_i64(), want.as_i64()) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => Some(have.as_str()?.cmp(want.as_str()?)),
    }
}

/// `want` in the form of `have` (dates read as instants).
fn operand(ctx: &Ctx, name: &str, have: &Value, want: &Value) -> Value {
    if name.starts_with("DATE_") {
        return date_value(ctx, want).map_or(Value::Null, Value::from);
    }
    if have.is_i64() {
        return value_as_i64(want).map_or(Value::Null, Value::from);
    }
    value_as_string(want).map_or(Value::Null, Value::String)
}

fn passes(ctx: &Ctx, col: &Column, op: FilterOp, wanted: &Value) -> bool {
    let wants: Vec<Value> = php_values(wanted)
        .into_iter()
        .map(|w| operand(ctx, col.name, &col.key, w))
        .collect();
    let have = &col.key;
    let eq = || {
        wants
            .iter()
            .any(|w| compare(have, w) == Some(Ordering::Equal))
    };
    let contains = || {
        let text = value_as_string(have).unwrap_or_default().to_lowercase();
        wants.iter().any(|w| {
            let needle = value_as_string(w).unwrap_or_default().to_lowercase();
            text.contains(needle.trim_matches('%'))
        })
    };
    let cmp_any =
        |ok: &dyn Fn(Ordering) -> bool| wants.iter().any(|w| compare(have, w).is_some_and(ok));
    let between = || match wants.as_slice() {
        [lo, hi] => {
            compare(have, lo).is_some_and(Ordering::is_ge)
                && compare(have, hi).is_some_and(Ordering::is_le)
        }
        _ => false,
    };
    match op {
        FilterOp::Eq | FilterOp::In => eq(),
        FilterOp::NotEq | FilterOp::NotIn => !eq(),
        FilterOp::Gt => cmp_any(&Ordering::is_gt),
        FilterOp::Gte => cmp_any(&Ordering::is_ge),
        FilterOp::Lt => cmp_any(&Ordering::is_lt),
        FilterOp::Lte => cmp_any(&Ordering::is_le),
        FilterOp::Like | FilterOp::LikeRaw => contains(),
        FilterOp::NotLike | FilterOp::NotLikeRaw => !contains(),
        FilterOp::Between => between(),
        FilterOp::NotBetween => !between(),
    }
}

/// A list parameter as a PHP array; absent or `""` is none.
fn list_param<'p>(
    params: &'p Params,
    name: &str,
) -> Result<Option<std::borrow::Cow<'p, portico_protocol::params::ParamMap>>, ApiError> {
    match exact(params, name) {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(v) => php_array(v).map(Some).ok_or_else(|| not_an_array(name, v)),
    }
}

fn known(fields: &[&'static str], name: &str) -> Result<&'static str, ApiError> {
    let upper = name.trim().to_ascii_uppercase();
    fields
        .iter()
        .copied()
        .find(|f| *f == upper)
        .ok_or_else(unknown)
}

/// Applies `filter`, `order`, `select` and `start` to `rows`, whose
/// columns are `fields` (in that order).
pub fn page(
    ctx: &Ctx,
    params: &Params,
    fields: &[&'static str],
    mut rows: Vec<Vec<Column>>,
) -> Result<Vec<Value>, ApiError> {
    let col = |row: &[Column], name: &str| row.iter().position(|c| c.name == name);
    if let Some(filter) = list_param(params, "filter")? {
        for (key, value) in filter.iter() {
            let (op, name) = parse_filter_key(key).map_err(|_| unknown())?;
            let name = known(fields, name)?;
            rows.retain(|row| col(row, name).is_some_and(|i| passes(ctx, &row[i], op, value)));
        }
    }
    let mut order = Vec::new();
    if let Some(map) = list_param(params, "order")? {
        for (key, dir) in map.iter() {
            let desc = value_as_string(dir).is_some_and(|d| d.trim().eq_ignore_ascii_case("desc"));
            order.push((known(fields, key)?, desc));
        }
    }
    order.push(("ID", false));
    rows.sort_by(|a, b| {
        for (name, desc) in &order {
            let (Some(i), Some(j)) = (col(a, name), col(b, name)) else {
                continue;
            };
            let by = compare(&a[i].key, &b[j].key).unwrap_or(Ordering::Equal);
            let by = if *desc { by.reverse() } else { by };
            if by.is_ne() {
                return by;
            }
        }
        Ordering::Equal
    });
    let mut selected: Vec<&'static str> = Vec::new();
    if let Some(v) = exact(params, "select") {
        if !matches!(v, Value::String(s) if s.is_empty()) {
            let list = php_array(v).ok_or_else(|| not_an_array("select", v))?;
            for name in list.values().filter_map(value_as_string) {
                if name.trim() != "*" {
                    selected.push(known(fields, &name)?);
                }
            }
        }
    }
    let start = params
        .map()
        .get("start")
        .and_then(value_as_i64)
        .unwrap_or(0)
        .max(0) as usize;
    let offset = start / PAGE * PAGE;
    Ok(rows
        .into_iter()
        .skip(offset)
        .take(PAGE)
        .map(|row| {
            let out: Map<String, Value> = row
                .into_iter()
                .filter(|c| selected.is_empty() || c.name == "ID" || selected.contains(&c.name))
                .map(|c| (camel(c.name), c.wire))
                .collect();
            Value::Object(out)
        })
        .collect())
}
