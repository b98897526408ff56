//! `tasks.api.scrum.*`: the controller methods over scrum data (epics in
//! [`epic`], the backlog in [`backlog`], sprints in [`sprint`], a task's
//! place in [`item`]; list parameters in [`listing`]). Parameter names are
//! exact (`id`, `fields`, `filter`, `select`, `order`), fields camelCase in
//! and out, ids as JSON numbers. Errors carry no code (`"error":"0"`) and
//! Bitrix24's texts; binding errors are `100`. Everything is allowed to
//! whoever can read the tasks of the group concerned (a member of it, or an
//! administrator); an unknown group is `Access denied` like a foreign one.

pub mod backlog;
pub mod epic;
pub mod item;
pub mod listing;
pub mod sprint;

use portico_protocol::envelope::{format_datetime, parse_datetime};
use portico_protocol::params::{value_as_i64, value_as_string, ParamMap, Params};
use portico_protocol::{ApiError, ErrorCode};
use serde_json::Value;

use crate::context::Ctx;
use crate::registry::{ParamSpec, Registry};
use crate::tasks::{access, exact, missing_param};
use crate::values::store_error;

/// Declares the `tasks.api.scrum.*` methods.
pub fn register(r: &mut Registry) {
    epic::register(r);
    backlog::register(r);
    sprint::register(r);
    item::register(r);
}

/// The `id` parameter.
pub const ID: ParamSpec = ParamSpec {
    name: "id",
    kind: "integer",
    required: true,
    description: "ID.",
    description_pt: "ID.",
};

/// The `fields` parameter.
pub const FIELDS: ParamSpec = ParamSpec {
    name: "fields",
    kind: "object",
    required: true,
    description: "Fields in camelCase.",
    description_pt: "Campos em camelCase.",
};

/// A controller error without a code, with Bitrix24's text.
pub fn fail(text: &str) -> ApiError {
    ApiError::new(ErrorCode::Uncoded, text.to_owned())
}

/// `Access denied`.
pub fn denied() -> ApiError {
    fail("Access denied")
}

/// `id` as an integer: missing is `100`, not a whole number `100` (type int).
pub fn id_param(params: &Params) -> Result<i64, ApiError> {
    let v = exact(params, "id").ok_or_else(|| missing_param("id"))?;
    value_as_i64(v).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ControllerParam,
            format!(
                "Invalid value {} to match with parameter {{id}}. Should be value of type int.",
                v.to_string().chars().take(100).collect::<String>()
            ),
        )
    })
}

/// An integer field, when given as a number.
pub fn int_field(fields: &ParamMap, key: &str) -> Option<i64> {
    fields.get(key).and_then(value_as_i64)
}

/// A text field, when given as a string (numbers read as their text).
pub fn text_field(fields: &ParamMap, key: &str) -> Option<String> {
    fields
        .get(key)
        .filter(|v| v.is_string() || v.is_number())
        .and_then(value_as_string)
}

/// Whether the caller may read the tasks of workgroup `group_id`.
pub async fn can_read_group(ctx: &Ctx, group_id: i64) -> Result<bool, ApiError> {
    if group_id <= 0 {
        return Ok(false);
    }
    let groups = ctx.store.list_workgroups().await.map_err(store_error)?;
    if !groups.iter().any(|g| g.id == group_id) {
        return Ok(false);
    }
    if ctx.caller.user.is_admin {
        return Ok(true);
    }
    Ok(access::caller_groups(ctx).await?.contains(&group_id))
}

/// Fails with `Access denied` unless the caller reads the group's tasks.
pub async fn check_group(ctx: &Ctx, group_id: i64) -> Result<(), ApiError> {
    if can_read_group(ctx, group_id).await? {
        Ok(())
    } else {
        Err(denied())
    }
}

/// Checks that a backlog or sprint (`entity_id`) may move to group `to`: the
/// caller reads that group and the entity holds no task (`refusal` otherwise).
pub async fn check_move(ctx: &Ctx, entity_id: i64, to: i64, refusal: &str) -> Result<(), ApiError> {
    check_group(ctx, to).await?;
    let items = ctx
        .store
        .scrum_entity_tasks(entity_id)
        .await
        .map_err(crate::values::store_error)?;
    if items.is_empty() {
        Ok(())
    } else {
        Err(fail(refusal))
    }
}

/// The groups whose scrum data the caller sees in lists (`None`: all).
pub async fn readable_groups(ctx: &Ctx) -> Result<Option<Vec<i64>>, ApiError> {
    if ctx.caller.user.is_admin {
        return Ok(None);
    }
    Ok(Some(access::caller_groups(ctx).await?.to_vec()))
}

/// `createdBy` / `modifiedBy` when given as a number: the user must exist,
/// else `<key> user not found`.
pub async fn user_field(ctx: &Ctx, fields: &ParamMap, key: &str) -> Result<Option<i64>, ApiError> {
    let Some(id) = int_field(fields, key) else {
        return Ok(None);
    };
    let found = ctx.store.user_by_id(id).await.map_err(store_error)?;
    if found.is_none() {
        return Err(fail(&format!("{key} user not found")));
    }
    Ok(Some(id))
}

/// A date field: a Unix timestamp or a date text; `None` when unreadable.
pub fn date_value(ctx: &Ctx, v: &Value) -> Option<i64> {
    if let Some(n) = v.as_i64() {
        return Some(n);
    }
    let text = value_as_string(v)?;
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    parse_datetime(text, ctx.clock.offset)
}

/// A stored instant as the wire shows it (ISO 8601 with the portal offset).
pub fn date_wire(ctx: &Ctx, at: Option<i64>) -> Value {
    at.map_or(Value::Null, |t| {
        Value::String(format_datetime(t, ctx.clock.offset))
    })
}
