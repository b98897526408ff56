//! What the legacy positional task methods (`task.commentitem.*`,
//! `task.checklistitem.*`, `task.elapseditem.*`) share: parameters bound by
//! position with their names ignored (`auth` and `start` removed first), and
//! the core's `ERROR_CORE` texts `TASKS_ERROR_EXCEPTION_#…; …; …/TE/…<br>`.

use portico_protocol::params::{php_array, value_as_i64, value_as_string, ParamMap, Params};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::Value;
use std::borrow::Cow;

/// The parameter values in order, `auth` and `start` removed.
pub fn positional(params: &Params) -> Vec<&Value> {
    params
        .map()
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("auth") && !k.eq_ignore_ascii_case("start"))
        .map(|(_, v)| v)
        .collect()
}

/// `ERROR_CORE` with a task exception text.
pub fn task_exception(code: u32, text: &str, symbol: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ErrorCore,
        format!("TASKS_ERROR_EXCEPTION_#{code}; {text}; {code}/TE/{symbol}<br>"),
    )
}

/// Refuses a text longer than `max` characters as a wrong argument.
pub fn bounded(name: &str, text: &str, max: usize) -> Result<(), ApiError> {
    crate::values::check_length(name, text, max)
        .map_err(|e| task_exception(256, &e, "WRONG_ARGUMENTS"))
}

/// No access, a missing task or a missing item.
pub fn action_failed() -> ApiError {
    task_exception(8, "Action failed", "ACTION_FAILED_TO_BE_PROCESSED")
}

/// The task is visible, but this change is not the caller's to make.
pub fn not_allowed(what: &str) -> ApiError {
    task_exception(
        8,
        &format!("{what}: action not allowed"),
        "ACTION_FAILED_TO_BE_PROCESSED",
    )
}

/// `Param #{index} ({name}) for method {method}() {what}.`
pub fn wrong_argument(method: &str, index: usize, name: &str, what: &str) -> ApiError {
    task_exception(
        256,
        &format!("Param #{index} ({name}) for method {method}() {what}."),
        "WRONG_ARGUMENTS",
    )
}

/// A validation message of the core (`#256`).
pub fn wrong_value(text: &str) -> ApiError {
    task_exception(256, text, "WRONG_ARGUMENTS")
}

/// Positional integer `index`.
pub fn int_arg(args: &[&Value], index: usize, name: &str, method: &str) -> Result<i64, ApiError> {
    args.get(index)
        .and_then(|v| value_as_i64(v))
        .ok_or_else(|| wrong_argument(method, index, name, "expected to be of type \"integer\""))
}

/// Positional array `index`, its keys limited to `allowed`; `None` when the
/// parameter is absent or sent empty (`ORDER[]=`). An element `0 => ""` is
/// discarded.
pub fn array_arg<'a>(
    args: &[&'a Value],
    index: usize,
    name: &str,
    method: &str,
    allowed: &[&str],
) -> Result<Option<Cow<'a, ParamMap>>, ApiError> {
    let Some(value) = args.get(index) else {
        return Ok(None);
    };
    if value_as_string(value).is_some_and(|s| s.is_empty()) || value.is_null() {
        return Ok(None);
    }
    let map = php_array(value)
        .ok_or_else(|| wrong_argument(method, index, name, "expected to be of type \"array\""))?;
    for (key, v) in map.iter() {
        if key == "0" && value_as_string(v).unwrap_or_default().is_empty() {
            continue;
        }
        if !allowed.contains(&key.to_ascii_uppercase().as_str()) {
            return Err(wrong_argument(
                method,
                index,
                name,
                &format!("must not contain key \"{key}\""),
            ));
        }
    }
    Ok(Some(map))
}

/// The sort of an `ORDER` array: its last key (upper-cased) and whether it
/// is descending (`default_desc` when none is given).
pub fn order_of(order: Option<&ParamMap>, default_desc: bool) -> (Option<String>, bool) {
    let mut key = None;
    let mut descending = default_desc;
    for (k, dir) in order.into_iter().flat_map(|m| m.iter()) {
        if k == "0" {
            continue;
        }
        key = Some(k.to_ascii_uppercase());
        descending = !value_as_string(dir).is_some_and(|d| d.eq_ignore_ascii_case("asc"));
    }
    (key, descending)
}
