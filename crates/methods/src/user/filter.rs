//! `user.get`'s `FILTER` (and filter fields given at the top level, as older
//! clients send them): every stored user field with the usual prefixes, and
//! the keys Bitrix24 adds: `UF_DEPARTMENT` (a user is in any of the
//! departments given), `IS_ONLINE` (`Y`/`N`), `NAME_SEARCH` (every word found
//! in the name, last name, second name, position or, when visible, e-mail).
//! Profile fields (`UF_USR_*`) the caller sees filter as the CRM's user
//! fields do. Keys Bitrix24 does not know are ignored, with a warning; fields
//! the caller's scopes hide are refused.

use portico_protocol::filter::{op_for_value, parse_filter_key, FilterOp};
use portico_protocol::params::{value_as_bool, value_as_i64, value_as_string, Params};
use portico_protocol::ApiError;
use portico_store::users::{ONLINE_SECONDS, USER};
use portico_store::{Condition, FieldValue, UserField};
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::crm::user_fields;
use crate::listing::{resolve_filter, resolve_filter_with};
use crate::values::invalid_arg;

/// Parameters of `user.get` that are not filter fields.
const NOT_FILTER_KEYS: [&str; 7] = [
    "SORT",
    "ORDER",
    "FILTER",
    "START",
    "ADMIN_MODE",
    "SELECT",
    "IMAGE_RESIZE",
];

/// Fields `NAME_SEARCH` looks in.
const SEARCHED: [&str; 5] = ["NAME", "LAST_NAME", "SECOND_NAME", "WORK_POSITION", "EMAIL"];

/// Filter keys that are not stored fields of the catalogue.
const COMPUTED: [&str; 2] = ["IS_ONLINE", "NAME_SEARCH"];

/// The conditions of a `user.get` call, for a caller who sees the fields at
/// `visible` (catalogue positions).
pub(super) fn conditions(
    ctx: &Ctx,
    visible: &[usize],
    profile: &[UserField],
    params: &Params,
) -> Result<Vec<Condition>, ApiError> {
    // Chat bots are users, but `user.get` does not list them (as Bitrix24
    // leaves out its external user types).
    let mut out = vec![field(
        "USER_TYPE",
        FilterOp::NotEq,
        vec![FieldValue::Text("bot".to_owned())],
    )];
    match params.get("FILTER") {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (key, value) in map {
                out.extend(condition(ctx, visible, profile, key, value, true)?);
            }
        }
        Some(Value::Array(a)) if a.is_empty() => {}
        Some(Value::String(s)) if s.is_empty() => {}
        Some(_) => return Err(ApiError::legacy("Parameter 'filter' must be array.")),
    }
    for (key, value) in params.map() {
        let upper = key.to_ascii_uppercase();
        if NOT_FILTER_KEYS.contains(&upper.as_str()) {
            continue;
        }
        // Other top-level parameters (`auth`, telemetry) are not filters.
        out.extend(condition(ctx, visible, profile, key, value, false)?);
    }
    Ok(out)
}

/// The conditions of one filter key; unknown keys give none (with a warning
/// when they came in `FILTER`).
fn condition(
    ctx: &Ctx,
    visible: &[usize],
    profile: &[UserField],
    key: &str,
    value: &Value,
    warn_unknown: bool,
) -> Result<Vec<Condition>, ApiError> {
    let ignore = || {
        if warn_unknown {
            tracing::warn!(target: "portico::leniency", method = "user.get", key, "ignored unknown filter key");
        }
        Ok(Vec::new())
    };
    let Ok((op, name)) = parse_filter_key(key) else {
        return ignore();
    };
    let upper = name.to_ascii_uppercase();
    if user_fields::find(profile, &upper).is_some() {
        let one = Map::from_iter([(key.to_owned(), value.clone())]);
        return resolve_filter_with(&USER, profile, Some(&Value::Object(one)), ctx.clock.offset);
    }
    let known = USER.index_of(&upper);
    let stored = known.is_some_and(|p| USER.fields[p].is_stored());
    if !stored && !COMPUTED.contains(&upper.as_str()) {
        return ignore();
    }
    if known.is_some_and(|p| !visible.contains(&p)) {
        return Err(invalid_arg(format!(
            "Invalid filter: field '{name}' is not allowed in filter"
        )));
    }
    let is_list = value.is_array() || value.as_object().is_some_and(|m| !m.is_empty());
    let op = op_for_value(op, is_list);
    match upper.as_str() {
        "UF_DEPARTMENT" => departments(key, op, value),
        "IS_ONLINE" => online(ctx, key, op, value),
        "NAME_SEARCH" => name_search(visible, key, op, value),
        _ => {
            let one = Map::from_iter([(key.to_owned(), value.clone())]);
            resolve_filter(&USER, Some(&Value::Object(one)), ctx.clock.offset)
        }
    }
}

/// The refusal of an operator a special key does not take.
fn bad_operator(key: &str) -> ApiError {
    invalid_arg(format!(
        "Invalid filter: operator of '{key}' is not allowed"
    ))
}

/// A condition on a stored field by name.
fn field(name: &str, op: FilterOp, values: Vec<FieldValue>) -> Condition {
    Condition::Field {
        field: USER.index_of(name).expect("user catalogue field"),
        op,
        values,
    }
}

/// `UF_DEPARTMENT`: in any of the departments (`=`, `@`), in none of them
/// (`!`, `!@`), or without / with any department for an empty value.
fn departments(key: &str, op: FilterOp, value: &Value) -> Result<Vec<Condition>, ApiError> {
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => m.values().collect(),
        v => vec![v],
    };
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        if item.is_null() || item.as_str().is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        ids.push(
            value_as_i64(item).ok_or_else(|| {
                invalid_arg(format!("Invalid filter: '{key}' takes department IDs"))
            })?,
        );
    }
    let member = |op, id: &i64| {
        field(
            "UF_DEPARTMENT",
            op,
            vec![FieldValue::Text(format!("%,{id},%"))],
        )
    };
    let negated = match op {
        FilterOp::Eq | FilterOp::In => false,
        FilterOp::NotEq | FilterOp::NotIn => true,
        _ => return Err(bad_operator(key)),
    };
    Ok(match (ids.is_empty(), negated) {
        (true, false) => vec![field("UF_DEPARTMENT", FilterOp::Eq, vec![FieldValue::Null])],
        (true, true) => vec![field(
            "UF_DEPARTMENT",
            FilterOp::NotEq,
            vec![FieldValue::Null],
        )],
        (false, false) => vec![Condition::Any(
            ids.iter().map(|id| member(FilterOp::LikeRaw, id)).collect(),
        )],
        (false, true) => ids
            .iter()
            .map(|id| member(FilterOp::NotLikeRaw, id))
            .collect(),
    })
}

/// `IS_ONLINE`: `Y` for users active within Bitrix24's online interval.
fn online(ctx: &Ctx, key: &str, op: FilterOp, value: &Value) -> Result<Vec<Condition>, ApiError> {
    let wanted = value_as_bool(value)
        .ok_or_else(|| invalid_arg(format!("Invalid filter: '{key}' takes Y or N")))?;
    let wanted = match op {
        FilterOp::Eq => wanted,
        FilterOp::NotEq => !wanted,
        _ => return Err(bad_operator(key)),
    };
    let since = FieldValue::Int(ctx.clock.now() - ONLINE_SECONDS);
    Ok(vec![if wanted {
        field("LAST_ACTIVITY_DATE", FilterOp::Gt, vec![since])
    } else {
        Condition::Any(vec![
            field("LAST_ACTIVITY_DATE", FilterOp::Eq, vec![FieldValue::Null]),
            field("LAST_ACTIVITY_DATE", FilterOp::Lte, vec![since]),
        ])
    }])
}

/// `NAME_SEARCH`: each word of the value appears in one of the searched
/// fields the caller may see.
fn name_search(
    visible: &[usize],
    key: &str,
    op: FilterOp,
    value: &Value,
) -> Result<Vec<Condition>, ApiError> {
    if op != FilterOp::Eq {
        return Err(bad_operator(key));
    }
    let text = value_as_string(value)
        .ok_or_else(|| invalid_arg(format!("Invalid filter: '{key}' takes text")))?;
    let searched: Vec<&str> = SEARCHED
        .into_iter()
        .filter(|name| USER.index_of(name).is_some_and(|p| visible.contains(&p)))
        .collect();
    Ok(text
        .split_whitespace()
        .map(|word| {
            Condition::Any(
                searched
                    .iter()
                    .map(|name| {
                        field(
                            name,
                            FilterOp::Like,
                            vec![FieldValue::Text(word.to_owned())],
                        )
                    })
                    .collect(),
            )
        })
        .collect())
}
