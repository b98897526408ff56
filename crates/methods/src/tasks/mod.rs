//! The `task` scope: the controller methods `tasks.task.*` (exact, case-
//! sensitive parameter names, UPPER_SNAKE input, camelCase output, coded
//! errors) in [`task`] and [`actions`], and the legacy positional methods
//! `task.commentitem.*` in [`items`], `task.checklistitem.*` in
//! [`checklist`], `task.elapseditem.*` in [`elapsed`] (their shared binding
//! in [`positional`]), and the scrum methods `tasks.api.scrum.*` in
//! [`scrum`]. Who may see and change a task is decided in one
//! place, [`access`]; input normalisation in [`input`], output in [`render`].

pub mod access;
pub mod actions;
pub mod checklist;
pub mod elapsed;
pub mod filter;
pub mod input;
pub mod items;
pub mod positional;
pub mod render;
pub mod scrum;
pub mod task;

use portico_protocol::params::{value_as_i64, Params};
use portico_protocol::{ApiError, ErrorCode};
use portico_store::Record;
use serde_json::Value;

use crate::context::Ctx;
use crate::registry::Registry;
use crate::values::store_error;

/// The scope of every task method.
pub const SCOPE: &str = "task";

/// Declares the `task` methods.
pub fn register(r: &mut Registry) {
    task::register(r);
    actions::register(r);
    items::register(r);
    checklist::register(r);
    elapsed::register(r);
    scrum::register(r);
}

/// `100` `Could not find value for parameter {name}`.
pub fn missing_param(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ControllerParam,
        format!("Could not find value for parameter {{{name}}}"),
    )
}

/// `100` `Invalid value … to match with parameter {name}. Should be value of type array.`
pub fn not_an_array(name: &str, value: &Value) -> ApiError {
    ApiError::new(
        ErrorCode::ControllerParam,
        format!(
            "Invalid value {} to match with parameter {{{name}}}. Should be value of type array.",
            value.to_string().chars().take(100).collect::<String>()
        ),
    )
}

/// `ERROR_CORE` with the core's messages, each ended by `<br>`.
pub fn core_error(messages: &[String]) -> ApiError {
    let text: String = messages.iter().map(|m| format!("{m}<br>")).collect();
    ApiError::new(ErrorCode::ErrorCore, text)
}

/// `1048582` `Action on the task is not allowed`.
pub fn not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::TaskActionNotAllowed,
        "Action on the task is not allowed",
    )
}

/// A controller parameter by its exact name (`taskId`, `fields`); `null`
/// counts as absent.
pub fn exact<'p>(params: &'p Params, name: &str) -> Option<&'p Value> {
    params.map().get(name).filter(|v| !v.is_null())
}

/// `taskId`: missing → `100`; not a positive integer → `0` `wrong task id`.
pub fn task_id(params: &Params) -> Result<i64, ApiError> {
    let v = exact(params, "taskId").ok_or_else(|| missing_param("taskId"))?;
    value_as_i64(v)
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::new(ErrorCode::Uncoded, "wrong task id"))
}

/// Task `id` if it exists and the caller may see it.
pub async fn visible_task(ctx: &Ctx, id: i64) -> Result<Option<Record>, ApiError> {
    let task = ctx.store.get_task(id).await.map_err(store_error)?;
    match task {
        Some(t) if access::can_read(ctx, &t).await? => Ok(Some(t)),
        _ => Ok(None),
    }
}
