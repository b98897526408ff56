//! `filter` of the legacy list methods: keys (`>=OPPORTUNITY`, `%TITLE`,
//! `@ID`, `UF_CRM_*`) resolved against an entity catalogue into typed store
//! conditions, groups (`{"0": {"LOGIC": "OR", "0": {…}, "1": {…}}}`) into OR /
//! AND sub-trees, what happens to keys that name no field, and the bounds on
//! how many values one filter may carry and how deep its groups nest.

use chrono::FixedOffset;
use portico_protocol::filter::{op_for_value, parse_filter_key, FilterOp};
use portico_protocol::params::{php_array, php_values, value_as_string};
use portico_protocol::ApiError;
use portico_store::{Condition, EntityDef, FieldKind, FieldValue, UserField};
use serde_json::{Map, Value};

use crate::context::{AuthKind, Ctx};
use crate::crm::user_fields;
use crate::values::{invalid_arg, parse_field_value};

/// Most values one filter key may list (`@ID` with a list of ids).
pub const MAX_VALUES_PER_KEY: usize = 5_000;

/// Most values one whole filter may carry, all keys together; well below what
/// a database binds in one statement (SQLite 32,766, PostgreSQL 65,535).
pub const MAX_FILTER_VALUES: usize = 10_000;

/// How deep groups may nest: the filter itself is level 0, a group in it
/// level 1. Bitrix24 documents no limit; past this a filter is refused.
pub const MAX_GROUP_DEPTH: usize = 5;

/// How the conditions of one group combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logic {
    /// Every condition holds (no `logic` key, or `"AND"`).
    And,
    /// At least one condition holds (`"OR"`).
    Or,
}

/// The `logic` of a group (the key and its value in any case), else
/// `INVALID_ARG_VALUE` for a value other than `AND` / `OR`.
pub fn group_logic(map: &Map<String, Value>) -> Result<Logic, ApiError> {
    let Some((_, logic)) = map.iter().find(|(k, _)| is_logic_key(k)) else {
        return Ok(Logic::And);
    };
    let text = value_as_string(logic).unwrap_or_default();
    match text.trim().to_ascii_uppercase().as_str() {
        "AND" | "" => Ok(Logic::And),
        "OR" => Ok(Logic::Or),
        _ => Err(invalid_arg(format!(
            "Invalid filter: unknown logic '{text}'; allowed are AND, OR"
        ))),
    }
}

/// Whether a filter key is a group's `logic` (any case).
pub fn is_logic_key(key: &str) -> bool {
    key.eq_ignore_ascii_case("logic")
}

/// Whether a filter entry is a group: a key that is no `<prefix><FIELD>`
/// (`0`, `1`, …) with an array or object value.
pub fn is_group(key: &str, value: &Value) -> bool {
    parse_filter_key(key).is_err() && (value.is_object() || value.is_array())
}

/// `INVALID_ARG_VALUE` for a group nested past [`MAX_GROUP_DEPTH`].
pub fn check_depth(depth: usize) -> Result<(), ApiError> {
    if depth > MAX_GROUP_DEPTH {
        return Err(invalid_arg(format!(
            "Invalid filter: groups nest more than {MAX_GROUP_DEPTH} levels deep"
        )));
    }
    Ok(())
}

/// Adds the conditions of a nested group to its parent's: into an AND-ed
/// parent as they are, into an OR-ed one as one alternative; a group without
/// conditions adds nothing (in Bitrix24 an empty group drops out of the query).
pub fn add_group(parent: Logic, out: &mut Vec<Condition>, group: Vec<Condition>) {
    match parent {
        _ if group.is_empty() => {}
        Logic::And => out.extend(group),
        Logic::Or => out.push(Condition::All(group)),
    }
}

/// The conditions of a group combined by its `logic`: AND-ed ones as they
/// are (they join their parent's AND), OR-ed ones as one [`Condition::Any`];
/// none stay none.
pub fn combine(logic: Logic, conditions: Vec<Condition>) -> Vec<Condition> {
    match logic {
        _ if conditions.is_empty() => Vec::new(),
        Logic::And => conditions,
        Logic::Or => vec![Condition::Any(
            conditions
                .into_iter()
                .map(|c| match c {
                    Condition::All(mut one) if one.len() == 1 => one.remove(0),
                    c => c,
                })
                .collect(),
        )],
    }
}

/// What a filter does with a key that names no field it can filter on.
#[derive(Clone, Copy)]
pub enum UnknownKeys<'a> {
    /// `INVALID_ARG_VALUE` naming the field (the `crm.item.*` API, `user.get`).
    Refuse,
    /// Skipped as the legacy CRM lists do (a list key `0`, a name of another
    /// entity), with a leniency warning of the call (its method and integration).
    Ignore(&'a Ctx),
}

/// Resolves a `filter` object against the catalogue only (see
/// [`resolve_filter_with`]).
pub fn resolve_filter(
    entity: &'static EntityDef,
    filter: Option<&Value>,
    offset: FixedOffset,
) -> Result<Vec<Condition>, ApiError> {
    resolve_filter_with(entity, &[], filter, offset)
}

/// Resolves a `filter` object into conditions; keys naming a user field of
/// `defs` become [`Condition::UserField`] (see
/// [`user_fields::filter_condition`]).
pub fn resolve_filter_with(
    entity: &'static EntityDef,
    defs: &[UserField],
    filter: Option<&Value>,
    offset: FixedOffset,
) -> Result<Vec<Condition>, ApiError> {
    resolve_filter_lenient(entity, defs, filter, offset, UnknownKeys::Refuse)
}

/// Resolves a `filter` (a PHP array: an object or a list) into conditions,
/// doing with unknown keys what `unknown` says.
pub fn resolve_filter_lenient(
    entity: &'static EntityDef,
    defs: &[UserField],
    filter: Option<&Value>,
    offset: FixedOffset,
    unknown: UnknownKeys<'_>,
) -> Result<Vec<Condition>, ApiError> {
    let map = match filter {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) if s.is_empty() => return Ok(Vec::new()),
        Some(v) => {
            php_array(v).ok_or_else(|| ApiError::legacy("Parameter 'filter' must be array."))?
        }
    };
    resolve_group(entity, defs, &map, offset, unknown, 0)
}

/// One group of a filter (the filter itself at `depth` 0): its conditions,
/// nested groups resolved the same way, combined by its `logic`.
fn resolve_group(
    entity: &'static EntityDef,
    defs: &[UserField],
    map: &Map<String, Value>,
    offset: FixedOffset,
    unknown: UnknownKeys<'_>,
    depth: usize,
) -> Result<Vec<Condition>, ApiError> {
    check_depth(depth)?;
    let logic = group_logic(map)?;
    let mut out = Vec::with_capacity(map.len());
    for (key, value) in map.iter() {
        if is_logic_key(key) {
            continue;
        }
        if is_group(key, value) {
            // Bitrix24's legacy lists keep only field keys: a group is dropped
            // there (logged), except for Portico's own pages, whose search is one.
            if let UnknownKeys::Ignore(ctx) = unknown {
                if ctx.caller.auth != AuthKind::WebSession {
                    ctx.ignored("filter (a group: Bitrix24's legacy lists drop it)", key);
                    continue;
                }
            }
            let inner = php_array(value).unwrap_or_default();
            let group = resolve_group(entity, defs, &inner, offset, unknown, depth + 1)?;
            add_group(logic, &mut out, group);
            continue;
        }
        let (op, name) = match (parse_filter_key(key), unknown) {
            (Ok(parsed), _) => parsed,
            (Err(e), UnknownKeys::Refuse) => return Err(e.into()),
            (Err(_), UnknownKeys::Ignore(ctx)) => {
                ctx.ignored("filter", key);
                continue;
            }
        };
        let upper = name.to_ascii_uppercase();
        let not_allowed = || {
            invalid_arg(format!(
                "Invalid filter: field '{name}' is not allowed in filter"
            ))
        };
        if let Some(def) = user_fields::find(defs, &upper) {
            let op = op_for_value(
                op,
                value.is_array()
                    || (value.is_object() && !value.as_object().is_some_and(|m| m.is_empty())),
            );
            let items = php_values(value);
            check_operands(key, op, items.len())?;
            out.push(user_fields::filter_condition(def, key, op, &items, offset)?);
            continue;
        }
        let found = entity.index_of(&upper).filter(|i| {
            let f = &entity.fields[*i];
            f.is_stored() || matches!(f.kind, FieldKind::MultiField(_))
        });
        let idx = match (found, unknown) {
            (Some(idx), _) => idx,
            (None, UnknownKeys::Refuse) => return Err(not_allowed()),
            (None, UnknownKeys::Ignore(ctx)) => {
                ctx.ignored("filter", key);
                continue;
            }
        };
        let field = &entity.fields[idx];
        let op = op_for_value(
            op,
            value.is_array()
                || (value.is_object() && !value.as_object().is_some_and(|m| m.is_empty())),
        );
        let items = php_values(value);
        let on_reference = matches!(
            field.kind,
            FieldKind::CrmStatus(_) | FieldKind::CrmCompany | FieldKind::CrmContact
        );
        let op = match unknown {
            // The legacy lists read `%STAGE_ID` (a directory or a linked
            // record) as an exact match, as Bitrix24 does.
            UnknownKeys::Ignore(ctx) if op.is_like() && on_reference => {
                ctx.ignored("filter (LIKE read as an exact match)", key);
                let negated = matches!(op, FilterOp::NotLike | FilterOp::NotLikeRaw);
                match (negated, items.len() > 1) {
                    (false, false) => FilterOp::Eq,
                    (false, true) => FilterOp::In,
                    (true, false) => FilterOp::NotEq,
                    (true, true) => FilterOp::NotIn,
                }
            }
            _ => op,
        };
        if op.is_like() && !matches!(field.kind, FieldKind::String | FieldKind::MultiField(_)) {
            return Err(invalid_arg(format!(
                "Invalid filter: operator '{key}' (LIKE) is not allowed for field '{upper}'"
            )));
        }
        check_operands(key, op, items.len())?;
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let parsed = match field.kind {
                FieldKind::MultiField(_) => {
                    value_as_string(item).map(FieldValue::Text).ok_or_else(|| {
                        invalid_arg(format!("Invalid filter: value of '{key}' must be a string"))
                    })?
                }
                _ if op.is_like() => FieldValue::Text(value_as_string(item).unwrap_or_default()),
                _ => parse_field_value(field, item, offset)
                    .map_err(|e| invalid_arg(format!("Invalid filter: {e}")))?,
            };
            if parsed.is_null() && !matches!(op, FilterOp::Eq | FilterOp::NotEq) {
                return Err(invalid_arg(format!(
                    "Invalid filter: '{key}' needs a value"
                )));
            }
            values.push(parsed);
        }
        out.push(match field.kind {
            FieldKind::MultiField(kind) => Condition::Multi { kind, op, values },
            _ => Condition::Field {
                field: idx,
                op,
                values,
            },
        });
    }
    Ok(combine(logic, out))
}

/// The operand count of a filter key fits its operator, else `INVALID_ARG_VALUE`.
fn check_operands(key: &str, op: FilterOp, n: usize) -> Result<(), ApiError> {
    let expected = match op {
        FilterOp::Between | FilterOp::NotBetween => Some(2),
        FilterOp::In | FilterOp::NotIn => None,
        _ => Some(1),
    };
    if n > MAX_VALUES_PER_KEY {
        return Err(invalid_arg(format!(
            "Invalid filter: '{key}' lists {n} values; at most {MAX_VALUES_PER_KEY} are allowed"
        )));
    }
    if expected.is_some_and(|e| e != n) || n == 0 {
        return Err(invalid_arg(format!(
            "Invalid filter: '{key}' expects {}",
            match expected {
                Some(2) => "a list of two values".to_string(),
                _ => "a single value".to_string(),
            }
        )));
    }
    Ok(())
}

/// The conditions unless together they carry more than [`MAX_FILTER_VALUES`]
/// values, else `INVALID_ARG_VALUE` naming the limit.
pub fn check_filter_size(conditions: Vec<Condition>) -> Result<Vec<Condition>, ApiError> {
    let total = value_count(&conditions);
    if total > MAX_FILTER_VALUES {
        return Err(invalid_arg(format!(
            "Invalid filter: {total} values in all; at most {MAX_FILTER_VALUES} are allowed"
        )));
    }
    Ok(conditions)
}

/// How many values the conditions bind, OR groups included.
fn value_count(conditions: &[Condition]) -> usize {
    conditions
        .iter()
        .map(|c| match c {
            Condition::Field { values, .. }
            | Condition::Multi { values, .. }
            | Condition::UserField { values, .. } => values.len(),
            Condition::Any(group) | Condition::All(group) => value_count(group),
        })
        .sum()
}
